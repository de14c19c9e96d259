//! `DetectorImpl`: decides ejections and unejections for every host of one cluster.

use super::config::OutlierConfig;
use super::event::{EjectionType, OutlierAction, OutlierEvent, SuccessRateDetail};
use super::monitor::{HostMonitor, OutlierResult};
use super::stats::OutlierStats;
use crate::envoy::random::RandomSource;
use crate::envoy::version::Behaviour;
use crate::time::{NANOS_PER_MILLI, SimDuration, SimTime};

/// Which success-rate accumulator a pass analyses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    External,
    Local,
}

/// Mean and ejection threshold of the last success-rate pass, or -1 when it did not run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct SuccessRateNumbers {
    /// The mean success rate of the hosts analysed.
    pub average: f64,
    /// Hosts below it are outliers.
    pub threshold: f64,
}

const UNSET: SuccessRateNumbers = SuccessRateNumbers {
    average: -1.0,
    threshold: -1.0,
};

/// `DetectorImpl::successRateEjectionThreshold`: the mean of the hosts' success rates and
/// `mean - factor * stdev`, the population standard deviation (divided by the number of hosts).
pub(super) fn success_rate_ejection_threshold(
    sum: f64,
    rates: impl ExactSizeIterator<Item = f64>,
    factor: f64,
) -> SuccessRateNumbers {
    let n = rates.len() as f64;
    let mean = sum / n;
    let variance = rates.map(|r| (r - mean).powi(2)).sum::<f64>() / n;
    SuccessRateNumbers {
        average: mean,
        threshold: mean - factor * variance.sqrt(),
    }
}

/// The outlier detector of one cluster (`DetectorImpl` in
/// `source/common/upstream/outlier_detection_impl.cc`): a monitor per host, the interval
/// timer's passes (success rate, failure percentage, unejection), and its stats and events.
pub struct Detector<R: RandomSource> {
    cfg: OutlierConfig,
    /// One monitor per host, in host order; `None` once a host is removed. Iteration (at ticks)
    /// is in host order, where Envoy iterates a hash map.
    monitors: Vec<Option<HostMonitor>>,
    /// `FAILED_OUTLIER_CHECK` of each host, false for a host without a monitor. Every pool call
    /// reads it, so it is kept apart in this 1-byte-a-host array rather than in the 100-odd
    /// bytes of the host's monitor.
    failed_check: Vec<bool>,
    /// Hosts with a monitor (kept as monitors come and go, so no pass counts them).
    monitored: u64,
    /// The detector's own count of ejections in force (`ejections_active_helper_`).
    active: u64,
    /// Hosts with `FAILED_OUTLIER_CHECK` set (differs from `active` after a double ejection).
    ejected: u64,
    sr_numbers: [SuccessRateNumbers; 2],
    stats: OutlierStats,
    events: Vec<OutlierEvent>,
    rng: R,
    health_changed: bool,
}

fn origin_index(o: Origin) -> usize {
    match o {
        Origin::External => 0,
        Origin::Local => 1,
    }
}

impl<R: RandomSource> Detector<R> {
    /// A detector for `hosts` hosts, none ejected, drawing enforcement rolls and jitter from `rng`.
    pub fn new(cfg: OutlierConfig, hosts: usize, rng: R) -> Self {
        Detector {
            cfg,
            monitors: vec![Some(HostMonitor::default()); hosts],
            failed_check: vec![false; hosts],
            monitored: hosts as u64,
            active: 0,
            ejected: 0,
            sr_numbers: [UNSET; 2],
            stats: OutlierStats::default(),
            events: Vec::new(),
            rng,
            health_changed: false,
        }
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &OutlierConfig {
        &self.cfg
    }

    /// Its `outlier_detection.*` counters and gauge so far.
    pub fn stats(&self) -> &OutlierStats {
        &self.stats
    }

    /// The monitor of host `host`, or `None` once the host is removed.
    pub fn monitor(&self, host: usize) -> Option<&HostMonitor> {
        self.monitors.get(host).and_then(Option::as_ref)
    }

    /// Whether host `host` is ejected now.
    pub fn is_ejected(&self, host: usize) -> bool {
        self.failed_check.get(host).copied().unwrap_or(false)
    }

    /// The `ejections_active` gauge (Envoy's `ejections_active_helper_`): the hosts ejected now,
    /// except that a host ejected twice in one tick (see [`Self::eject_host`]) is counted twice
    /// and leaves one behind when it is unejected.
    pub fn ejections_active(&self) -> u64 {
        self.active
    }

    /// How many hosts are ejected now (have `FAILED_OUTLIER_CHECK` set).
    pub fn ejected_hosts(&self) -> u64 {
        self.ejected
    }

    /// Ejection and unejection events not yet taken, oldest first.
    pub fn events(&self) -> &[OutlierEvent] {
        &self.events
    }

    /// Hands over the events recorded since the last call (the outlier event log).
    pub fn take_events(&mut self) -> Vec<OutlierEvent> {
        std::mem::take(&mut self.events)
    }

    /// True once if any host was ejected or unejected since the last call (the detector's
    /// state-change callbacks, after which the cluster rebuilds its healthy host lists).
    pub fn take_health_changed(&mut self) -> bool {
        std::mem::take(&mut self.health_changed)
    }

    /// The success-rate average of the last pass, for local-origin results when `local` (-1 if
    /// the pass did not run).
    pub fn success_rate_average(&self, local: bool) -> f64 {
        self.sr_numbers[usize::from(local)].average
    }

    /// The success-rate ejection threshold of the last pass (`average - stdev_factor * stdev`),
    /// for local-origin results when `local`; -1 if the pass did not run.
    pub fn success_rate_ejection_threshold(&self, local: bool) -> f64 {
        self.sr_numbers[usize::from(local)].threshold
    }

    fn host_count(&self) -> u64 {
        self.monitored
    }

    /// A host joins the cluster (`addHostMonitor`); returns its index.
    pub fn add_host(&mut self) -> usize {
        self.monitors.push(Some(HostMonitor::default()));
        self.failed_check.push(false);
        self.monitored += 1;
        self.monitors.len() - 1
    }

    /// Host `host`, preallocated without a monitor (or removed), joins the cluster with a fresh
    /// monitor (`addHostMonitor`).
    pub fn join_host(&mut self, host: usize) {
        let slot = &mut self.monitors[host];
        debug_assert!(slot.is_none(), "host {host} joins twice");
        *slot = Some(HostMonitor::default());
        self.monitored += 1;
    }

    /// A host leaves the cluster: an ejected host stops counting as active, with no uneject
    /// event, as in Envoy's member-update callback.
    pub fn remove_host(&mut self, host: usize) {
        if self.monitors.get_mut(host).and_then(Option::take).is_none() {
            return;
        }
        self.monitored -= 1;
        if std::mem::take(&mut self.failed_check[host]) {
            self.ejected -= 1;
            self.active -= 1;
            self.stats.ejections_active = self.active;
        }
    }

    /// An HTTP response code from `host` (every attempt's response headers).
    pub fn put_http_code(&mut self, host: usize, code: u16, now: SimTime) {
        let Some(m) = self.monitors.get_mut(host).and_then(Option::as_mut) else {
            return;
        };
        let found = m.put_http_code(code, &self.cfg);
        for t in found.iter() {
            self.on_consecutive_error(host, t, now);
        }
    }

    /// A result from the connection pool or router (`putResult`).
    pub fn put_result(
        &mut self,
        host: usize,
        result: OutlierResult,
        code: Option<u16>,
        now: SimTime,
    ) {
        let Some(m) = self.monitors.get_mut(host).and_then(Option::as_mut) else {
            return;
        };
        let found = m.put_result(result, code, &self.cfg);
        for t in found.iter() {
            self.on_consecutive_error(host, t, now);
        }
    }

    /// `onConsecutiveErrorWorker`: a host already ejected is left alone (no stats, and the
    /// counter keeps counting); otherwise detect, try to eject, and reset that counter.
    fn on_consecutive_error(&mut self, host: usize, t: EjectionType, now: SimTime) {
        if self.monitor(host).is_none() || self.is_ejected(host) {
            return;
        }
        self.stats.detected(t);
        self.eject_host(host, t, now);
        if t == EjectionType::Consecutive5xx {
            self.stats.ejections_consecutive_5xx += 1;
        }
        if let Some(m) = self.monitors[host].as_mut() {
            m.reset_consecutive(t);
        }
    }

    /// `ejectHost`: the `max_ejection_percent` cap, the enforcement roll, then the ejection.
    /// Like Envoy's it does not check whether the host is already ejected: the failure-percentage
    /// pass can eject a host the success-rate pass of the same tick has ejected, and then the
    /// host's `num_ejections`, ejection time, jitter and multiplier are set again and
    /// `ejections_active` (Envoy's `ejections_active_helper_`, also the cap's count) is raised a
    /// second time; the host's uneject lowers it once, so it stays one too high for good.
    fn eject_host(&mut self, host: usize, t: EjectionType, now: SimTime) {
        if !self.ejection_allowed() {
            self.stats.ejections_overflow += 1;
            return;
        }
        if matches!(t, EjectionType::Consecutive5xx | EjectionType::SuccessRate) {
            self.stats.ejections_total += 1;
        }
        if !self.roll(self.enforcing(t)) {
            self.log(host, OutlierAction::Eject, Some(t), false, now);
            return;
        }
        self.active += 1;
        self.stats.ejections_active = self.active;
        self.stats.enforced(t);
        let jitter_ms = self.rng.random() % (self.cfg.od.max_ejection_time_jitter.as_millis() + 1);
        let (base, max) = (self.cfg.od.base_ejection_time, self.cfg.max_ejection_time);
        let m = self.monitors[host].as_mut().expect("checked by the caller");
        if !std::mem::replace(&mut self.failed_check[host], true) {
            self.ejected += 1;
        }
        m.num_ejections += 1;
        m.last_ejection = Some(now);
        m.jitter = SimDuration(jitter_ms * NANOS_PER_MILLI);
        // Envoy compares in int64 milliseconds, which no valid duration overflows; in u64
        // nanoseconds a base of hours could, so the comparison is made in u128.
        let (b, mx) = (u128::from(base.0), u128::from(max.0));
        if u128::from(m.backoff) * b < mx + b {
            m.backoff += 1;
        }
        self.health_changed = true;
        self.log(host, OutlierAction::Eject, Some(t), true, now);
    }

    /// The `max_ejection_percent` cap (`ejectHost`): counting the host about to be ejected
    /// (Envoy 1.28+, [`Behaviour::MaxEjectionPercentCountsTheHostToEject`]); in 1.27 the same but
    /// with the first ejection exempt (PR #27624); before 1.27 not counting it;
    /// `always_eject_one_host` lets one through when none is ejected.
    fn ejection_allowed(&self) -> bool {
        let n = self.host_count() as f64;
        let max = f64::from(self.cfg.od.max_ejection_percent.min(100));
        let v = self.cfg.version;
        let counting_the_host = 100.0 * (self.active + 1) as f64 / n <= max;
        let allowed = if v.has(Behaviour::MaxEjectionPercentCountsTheHostToEject) {
            counting_the_host
        } else if v.has(Behaviour::MaxEjectionPercentCountsTheHostToEjectAfterTheFirst) {
            self.active == 0 || counting_the_host
        } else {
            100.0 * self.active as f64 / n < max
        };
        allowed || (self.cfg.od.always_eject_one_host && self.active == 0)
    }

    fn enforcing(&self, t: EjectionType) -> u32 {
        let c = &self.cfg.od;
        match t {
            EjectionType::Consecutive5xx => c.enforcing_consecutive_5xx,
            EjectionType::ConsecutiveGatewayFailure => c.enforcing_consecutive_gateway_failure,
            EjectionType::ConsecutiveLocalOriginFailure => {
                c.enforcing_consecutive_local_origin_failure
            }
            EjectionType::SuccessRate => c.enforcing_success_rate,
            EjectionType::SuccessRateLocalOrigin => c.enforcing_local_origin_success_rate,
            EjectionType::FailurePercentage => c.enforcing_failure_percentage,
            EjectionType::FailurePercentageLocalOrigin => {
                c.enforcing_failure_percentage_local_origin
            }
        }
    }

    /// Envoy's `featureEnabled(key, percent)`: no draw at 0 or 100, else `random() % 100 < p`.
    fn roll(&mut self, percent: u32) -> bool {
        match percent.min(100) {
            0 => false,
            100 => true,
            p => self.rng.random() % 100 < u64::from(p),
        }
    }

    /// `onIntervalTimer`: uneject due hosts and rotate every host's success-rate buckets, run
    /// the success-rate and failure-percentage passes, then decay the multiplier of hosts that
    /// have stayed unejected for a whole interval. The caller re-arms the timer.
    ///
    /// Before Envoy 1.28 ([`Behaviour::MultiplierDecaysAfterAHealthyInterval`]) the decay was
    /// part of `checkHostForUneject`, at the start of the tick: a host not ejected at that
    /// moment came down by one and was skipped; an ejected one was unejected if due, without
    /// decay (the code before PR #29711, as quoted in envoyproxy/envoy#21142).
    pub fn on_interval_timer(&mut self, now: SimTime) {
        let decay_first = !self
            .cfg
            .version
            .has(Behaviour::MultiplierDecaysAfterAHealthyInterval);
        for host in 0..self.monitors.len() {
            if decay_first
                && !self.failed_check[host]
                && let Some(m) = self.monitors[host].as_mut()
            {
                m.backoff = m.backoff.saturating_sub(1);
            } else if self.is_due_for_uneject(host, now) {
                self.uneject_host(host, now);
            }
            if let Some(m) = self.monitors[host].as_mut() {
                m.external.swap();
                m.local.swap();
            }
        }
        self.process_rates(Origin::External, now);
        self.process_rates(Origin::Local, now);
        if !decay_first {
            self.decay_multipliers(now);
        }
    }

    /// Envoy 1.28+: the multiplier of a host not ejected comes down by one once it has been
    /// unejected for at least one interval (`onIntervalTimer` after PR #29711).
    fn decay_multipliers(&mut self, now: SimTime) {
        let interval = self.cfg.od.interval;
        for (slot, &ejected) in self.monitors.iter_mut().zip(&self.failed_check) {
            let Some(m) = slot else { continue };
            let healthy_for_an_interval =
                m.last_unejection.is_some_and(|t| now.since(t) >= interval);
            if !ejected && healthy_for_an_interval {
                m.backoff = m.backoff.saturating_sub(1);
            }
        }
    }

    /// `checkHostForUneject`: `min(base * multiplier, max) + jitter <= now - ejected at`.
    fn is_due_for_uneject(&self, host: usize, now: SimTime) -> bool {
        let Some(m) = self.monitor(host).filter(|_| self.is_ejected(host)) else {
            return false;
        };
        let base = self.cfg.od.base_ejection_time.0;
        let length = (base.saturating_mul(u64::from(m.backoff))).min(self.cfg.max_ejection_time.0);
        let since = now.since(
            m.last_ejection
                .expect("an ejected host has an ejection time"),
        );
        SimDuration(length.saturating_add(m.jitter.0)) <= since
    }

    /// `unejectHost`: back to healthy with every consecutive counter reset.
    pub fn uneject_host(&mut self, host: usize, now: SimTime) {
        self.active -= 1;
        self.ejected -= 1;
        self.stats.ejections_active = self.active;
        let m = self.monitors[host]
            .as_mut()
            .expect("an ejected host has a monitor");
        self.failed_check[host] = false;
        m.consecutive_5xx = 0;
        m.consecutive_gateway_failure = 0;
        m.consecutive_local_origin_failure = 0;
        m.last_unejection = Some(now);
        self.health_changed = true;
        self.log(host, OutlierAction::Uneject, None, false, now);
    }

    /// `processSuccessRateEjections` for one origin.
    fn process_rates(&mut self, origin: Origin, now: SimTime) {
        let c = &self.cfg.od;
        let (sr_min, sr_volume) = (c.success_rate_minimum_hosts, c.success_rate_request_volume);
        let (fp_min, fp_volume) = (
            c.failure_percentage_minimum_hosts,
            c.failure_percentage_request_volume,
        );
        self.sr_numbers[origin_index(origin)] = UNSET;
        let n = self.host_count();
        if n < sr_min && n < fp_min {
            return;
        }
        let local = origin == Origin::Local;
        let mut sr_hosts: Vec<(usize, f64)> = Vec::new();
        let mut fp_hosts: Vec<(usize, f64)> = Vec::new();
        let mut sum = 0.0;
        let hosts = self.monitors.iter_mut().zip(&self.failed_check);
        for (host, (slot, &ejected)) in hosts.enumerate() {
            let Some(m) = slot.as_mut().filter(|_| !ejected) else {
                continue;
            };
            let monitor = if local { &mut m.local } else { &mut m.external };
            let Some((rate, volume)) = monitor.rate_and_volume() else {
                continue;
            };
            if volume >= sr_volume.min(fp_volume) {
                monitor.shown = rate;
            }
            if volume >= sr_volume {
                sr_hosts.push((host, rate));
                sum += rate;
            }
            if volume >= fp_volume {
                fp_hosts.push((host, rate));
            }
        }
        self.eject_success_rate_outliers(origin, &sr_hosts, sum, now);
        self.eject_failure_percentage_outliers(origin, &fp_hosts, now);
    }

    /// Hosts whose rate is strictly below `mean - factor * population stdev`.
    fn eject_success_rate_outliers(
        &mut self,
        origin: Origin,
        hosts: &[(usize, f64)],
        sum: f64,
        now: SimTime,
    ) {
        if hosts.is_empty() || (hosts.len() as u64) < self.cfg.od.success_rate_minimum_hosts {
            return;
        }
        let factor = self.cfg.od.success_rate_stdev_factor as f64 / 1000.0;
        let rates = hosts.iter().map(|&(_, r)| r);
        let numbers = success_rate_ejection_threshold(sum, rates, factor);
        let threshold = numbers.threshold;
        self.sr_numbers[origin_index(origin)] = numbers;
        let t = match origin {
            Origin::External => EjectionType::SuccessRate,
            Origin::Local => EjectionType::SuccessRateLocalOrigin,
        };
        for &(host, rate) in hosts {
            if rate < threshold {
                self.stats.ejections_success_rate += 1;
                self.stats.detected(t);
                self.eject_host(host, t, now);
            }
        }
    }

    /// Hosts whose failure percentage is at least `failure_percentage_threshold`, from the list
    /// made before the success-rate pass. A host that pass has just ejected is detected and sent
    /// to [`Self::eject_host`] again, as in Envoy (`DetectorImpl::processSuccessRateEjections`
    /// in `source/common/upstream/outlier_detection_impl.cc` walks
    /// `valid_failure_percentage_hosts` without looking at `FAILED_OUTLIER_CHECK`, and
    /// `ejectHost` does not look either): it counts `ejections_detected_failure_percentage`,
    /// then an overflow if the cap (now counting that host twice) is reached, or a log line
    /// with `enforced: false`, or a second enforced ejection. The `ASSERT` in
    /// `DetectorHostMonitorImpl::eject` is compiled out of release builds, which are modelled.
    fn eject_failure_percentage_outliers(
        &mut self,
        origin: Origin,
        hosts: &[(usize, f64)],
        now: SimTime,
    ) {
        if hosts.is_empty() || (hosts.len() as u64) < self.cfg.od.failure_percentage_minimum_hosts {
            return;
        }
        let threshold = f64::from(self.cfg.od.failure_percentage_threshold);
        let t = match origin {
            Origin::External => EjectionType::FailurePercentage,
            Origin::Local => EjectionType::FailurePercentageLocalOrigin,
        };
        for &(host, rate) in hosts {
            if 100.0 - rate >= threshold {
                self.stats.detected(t);
                self.eject_host(host, t, now);
            }
        }
    }

    /// `EventLoggerImpl::logEject` / `logUneject`.
    fn log(
        &mut self,
        host: usize,
        action: OutlierAction,
        t: Option<EjectionType>,
        enforced: bool,
        now: SimTime,
    ) {
        let m = self.monitors[host]
            .as_ref()
            .expect("logged hosts have monitors");
        let last_action = match action {
            OutlierAction::Eject => m.last_unejection,
            OutlierAction::Uneject => m.last_ejection,
        };
        let success_rate = t.filter(|t| t.is_rate_based()).map(|t| {
            let local = matches!(
                t,
                EjectionType::SuccessRateLocalOrigin | EjectionType::FailurePercentageLocalOrigin
            );
            let is_sr = matches!(
                t,
                EjectionType::SuccessRate | EjectionType::SuccessRateLocalOrigin
            );
            let numbers = self.sr_numbers[usize::from(local)];
            SuccessRateDetail {
                host_success_rate: m.success_rate_monitor(local).shown,
                cluster_average_success_rate: is_sr.then_some(numbers.average),
                cluster_success_rate_ejection_threshold: is_sr.then_some(numbers.threshold),
            }
        });
        self.events.push(OutlierEvent {
            time: now,
            host,
            action,
            ejection_type: t,
            secs_since_last_action: last_action.map(|t| now.since(t).0 / 1_000_000_000),
            num_ejections: m.num_ejections,
            enforced,
            success_rate,
            multiplier: m.backoff,
        });
    }
}
