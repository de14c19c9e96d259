//! One host's outlier state (`DetectorHostMonitorImpl`): consecutive-error counters, two
//! success-rate accumulators (external and local origin), and its ejection history.

use super::config::OutlierConfig;
use super::event::EjectionType;
use crate::time::{SimDuration, SimTime};

/// `Upstream::Outlier::Result`: what the router and connection pool report besides HTTP codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlierResult {
    /// The connection pool gave the request a stream (every attempt, reused connections too).
    LocalOriginConnectSuccess,
    /// A connection-level protocol finished successfully (TCP proxy).
    LocalOriginConnectSuccessFinal,
    /// A per-try or route timeout, or a connect timeout.
    LocalOriginTimeout,
    /// A connect failure or an upstream reset.
    LocalOriginConnectFailed,
    /// An external-origin failure not given as an HTTP code: counted as a 500 (a 503 with
    /// split local origin).
    ExtOriginRequestFailed,
    /// An external-origin success not given as an HTTP code: counted as a 200.
    ExtOriginRequestSuccess,
}

/// Success and total counts of one interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    pub success: u64,
    pub total: u64,
}

/// `SuccessRateAccumulator` plus the success rate shown in admin output.
#[derive(Clone, Debug, PartialEq)]
pub struct SuccessRateMonitor {
    /// Being written during the current interval.
    pub current: Bucket,
    /// The last complete interval, analysed at ticks.
    pub backup: Bucket,
    /// The rate computed at the last tick, or -1.
    pub shown: f64,
}

impl Default for SuccessRateMonitor {
    fn default() -> Self {
        SuccessRateMonitor {
            current: Bucket::default(),
            backup: Bucket::default(),
            shown: -1.0,
        }
    }
}

impl SuccessRateMonitor {
    /// `updateCurrentWriter`: the current interval becomes the one analysed.
    pub fn swap(&mut self) {
        self.backup = std::mem::take(&mut self.current);
        self.shown = -1.0;
    }

    /// `getSuccessRateAndVolume`: percent of successes in the last interval, and its volume.
    pub fn rate_and_volume(&self) -> Option<(f64, u64)> {
        (self.backup.total > 0).then(|| {
            (
                self.backup.success as f64 * 100.0 / self.backup.total as f64,
                self.backup.total,
            )
        })
    }
}

/// Up to two consecutive-error detections raised by one result, gateway first as in Envoy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Detections {
    items: [Option<EjectionType>; 2],
}

impl Detections {
    fn push(&mut self, t: EjectionType) {
        let slot = self
            .items
            .iter_mut()
            .find(|s| s.is_none())
            .expect("two at most");
        *slot = Some(t);
    }

    pub fn iter(&self) -> impl Iterator<Item = EjectionType> + '_ {
        self.items.iter().flatten().copied()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct HostMonitor {
    pub consecutive_5xx: u32,
    pub consecutive_gateway_failure: u32,
    pub consecutive_local_origin_failure: u32,
    pub external: SuccessRateMonitor,
    pub local: SuccessRateMonitor,
    /// The ejection-time multiplier (`eject_time_backoff`).
    pub backoff: u32,
    pub jitter: SimDuration,
    pub num_ejections: u32,
    pub last_ejection: Option<SimTime>,
    pub last_unejection: Option<SimTime>,
}

fn is_gateway_error(code: u16) -> bool {
    matches!(code, 502..=504)
}

impl HostMonitor {
    /// `putHttpResponseCode`: every code counts in the success rate; a 5xx advances the 5xx
    /// streak (and, for 502/503/504, the gateway streak) and fires at exactly the threshold;
    /// anything else resets both.
    pub fn put_http_code(&mut self, code: u16, cfg: &OutlierConfig) -> Detections {
        let mut found = Detections::default();
        self.external.current.total += 1;
        if (500..600).contains(&code) {
            if is_gateway_error(code) {
                self.consecutive_gateway_failure += 1;
                if self.consecutive_gateway_failure == cfg.od.consecutive_gateway_failure {
                    found.push(EjectionType::ConsecutiveGatewayFailure);
                }
            } else {
                self.consecutive_gateway_failure = 0;
            }
            self.consecutive_5xx += 1;
            if self.consecutive_5xx == cfg.od.consecutive_5xx {
                found.push(EjectionType::Consecutive5xx);
            }
        } else {
            self.external.current.success += 1;
            self.consecutive_5xx = 0;
            self.consecutive_gateway_failure = 0;
        }
        found
    }

    /// `putResult`: without the split, local results become HTTP codes (a given code wins;
    /// a connect success reports nothing); with it, they feed the local-origin counters.
    pub fn put_result(
        &mut self,
        result: OutlierResult,
        code: Option<u16>,
        cfg: &OutlierConfig,
    ) -> Detections {
        if cfg.od.split_external_local_origin_errors {
            return self.put_result_split(result, cfg);
        }
        if let Some(code) = code {
            return self.put_http_code(code, cfg);
        }
        match result {
            OutlierResult::ExtOriginRequestSuccess
            | OutlierResult::LocalOriginConnectSuccessFinal => self.put_http_code(200, cfg),
            OutlierResult::LocalOriginTimeout => self.put_http_code(504, cfg),
            OutlierResult::LocalOriginConnectFailed => self.put_http_code(503, cfg),
            OutlierResult::ExtOriginRequestFailed => self.put_http_code(500, cfg),
            OutlierResult::LocalOriginConnectSuccess => Detections::default(),
        }
    }

    /// `putResultWithLocalExternalSplit`: the optional code is ignored.
    fn put_result_split(&mut self, result: OutlierResult, cfg: &OutlierConfig) -> Detections {
        match result {
            OutlierResult::LocalOriginConnectSuccess
            | OutlierResult::LocalOriginConnectSuccessFinal => {
                self.local_origin_success();
                Detections::default()
            }
            OutlierResult::LocalOriginTimeout | OutlierResult::LocalOriginConnectFailed => {
                self.local_origin_failure(cfg)
            }
            OutlierResult::ExtOriginRequestFailed => self.put_http_code(503, cfg),
            OutlierResult::ExtOriginRequestSuccess => {
                let found = self.put_http_code(200, cfg);
                self.local_origin_success();
                found
            }
        }
    }

    fn local_origin_failure(&mut self, cfg: &OutlierConfig) -> Detections {
        let mut found = Detections::default();
        self.local.current.total += 1;
        self.consecutive_local_origin_failure += 1;
        if self.consecutive_local_origin_failure == cfg.od.consecutive_local_origin_failure {
            found.push(EjectionType::ConsecutiveLocalOriginFailure);
        }
        found
    }

    fn local_origin_success(&mut self) {
        self.local.current.total += 1;
        self.local.current.success += 1;
        self.consecutive_local_origin_failure = 0;
    }

    /// Resets the counter of the type that was just detected (`onConsecutiveErrorWorker`).
    pub fn reset_consecutive(&mut self, t: EjectionType) {
        match t {
            EjectionType::Consecutive5xx => self.consecutive_5xx = 0,
            EjectionType::ConsecutiveGatewayFailure => self.consecutive_gateway_failure = 0,
            EjectionType::ConsecutiveLocalOriginFailure => {
                self.consecutive_local_origin_failure = 0
            }
            _ => {}
        }
    }

    pub fn success_rate_monitor(&self, local: bool) -> &SuccessRateMonitor {
        if local { &self.local } else { &self.external }
    }
}
