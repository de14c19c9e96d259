//! The cluster's statistics, under Envoy's exact names (`cluster.<name>.<stat>`).
//!
//! Names and meanings follow `ALL_CLUSTER_TRAFFIC_STATS` in `envoy/upstream/upstream.h`, the
//! response-code stats of `source/common/http/codes.cc` (`upstream_rq_<code>`,
//! `upstream_rq_<N>xx`, `upstream_rq_completed`) and the circuit-breaker gauges of
//! `source/common/upstream/resource_manager_impl.h`.

use super::resource_manager::{ResourceManager, ResourceManagers};
use crate::scenario::RoutingPriority;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
/// Whether a stat only grows or goes up and down, as Prometheus and `/stats` tell them apart.
pub enum StatKind {
    /// Only grows during a run.
    Counter,
    /// Goes up and down: what is open or in flight at the end of the run.
    Gauge,
}

/// One stat, named relative to the cluster (`upstream_cx_total`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    /// The name after `cluster.<name>.`, e.g. `upstream_rq_503` or `circuit_breakers.default.cx_open`.
    pub name: String,
    /// Counter or gauge.
    pub kind: StatKind,
    /// Its value at the end of the run.
    pub value: u64,
}

macro_rules! cluster_stats {
    ($($kind:ident $field:ident),* $(,)?) => {
        /// Counters and gauges of one cluster, as Envoy keeps them.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct ClusterStats {
            $(
                #[doc = concat!(
                    "`cluster.<name>.", stringify!($field), "`: a ", stringify!($kind),
                    " of Envoy's `ALL_CLUSTER_TRAFFIC_STATS` (`envoy/upstream/upstream.h`)."
                )]
                pub $field: u64,
            )*
            /// `upstream_rq_<code>`, indexed by status code.
            pub rq_by_code: Vec<u64>,
            /// `retry.upstream_rq_<code>`: responses that were retried.
            pub retry_rq_by_code: Vec<u64>,
        }

        impl ClusterStats {
            /// Adds `other`'s counts and gauges to these (a fleet's totals, mesh mode).
            pub fn add(&mut self, other: &ClusterStats) {
                $( self.$field += other.$field; )*
                add_all(&mut self.rq_by_code, &other.rq_by_code);
                add_all(&mut self.retry_rq_by_code, &other.retry_rq_by_code);
            }

            fn fixed(&self) -> Vec<Stat> {
                vec![$(Stat {
                    name: stringify!($field).to_string(),
                    kind: StatKind::$kind,
                    value: self.$field,
                }),*]
            }
        }
    };
}

/// `into[i] += from[i]`, `into` grown to `from`'s length.
fn add_all(into: &mut Vec<u64>, from: &[u64]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

cluster_stats! {
    Counter lb_healthy_panic,
    Counter upstream_cx_close_notify,
    Counter upstream_cx_connect_fail,
    Counter upstream_cx_connect_timeout,
    Counter upstream_cx_destroy,
    Counter upstream_cx_destroy_local,
    Counter upstream_cx_destroy_local_with_active_rq,
    Counter upstream_cx_destroy_remote,
    Counter upstream_cx_destroy_remote_with_active_rq,
    Counter upstream_cx_destroy_with_active_rq,
    Counter upstream_cx_http1_total,
    Counter upstream_cx_http2_total,
    Counter upstream_cx_max_requests,
    Counter upstream_cx_none_healthy,
    Counter upstream_cx_overflow,
    Counter upstream_cx_total,
    Counter upstream_rq_active_overflow,
    Counter upstream_rq_cancelled,
    Counter upstream_rq_completed,
    Counter upstream_rq_pending_failure_eject,
    Counter upstream_rq_pending_overflow,
    Counter upstream_rq_pending_total,
    Counter upstream_rq_per_try_timeout,
    Counter upstream_rq_retry,
    Counter upstream_rq_retry_backoff_exponential,
    Counter upstream_rq_retry_limit_exceeded,
    Counter upstream_rq_retry_overflow,
    Counter upstream_rq_retry_success,
    Counter upstream_rq_timeout,
    Counter upstream_rq_total,
    Counter upstream_rq_tx_reset,
    Gauge upstream_cx_active,
    Gauge upstream_rq_active,
    Gauge upstream_rq_pending_active,
}

impl ClusterStats {
    /// Every stat at 0, with room for status codes 0 to 599.
    pub fn new() -> Self {
        ClusterStats {
            rq_by_code: vec![0; 600],
            retry_rq_by_code: vec![0; 600],
            ..ClusterStats::default()
        }
    }

    /// Envoy's `chargeUpstreamCode`: `upstream_rq_completed`, `upstream_rq_<N>xx` and
    /// `upstream_rq_<code>`.
    pub fn charge_response_code(&mut self, code: u16) {
        self.upstream_rq_completed += 1;
        if let Some(slot) = self.rq_by_code.get_mut(code as usize) {
            *slot += 1;
        }
    }

    /// A response that is retried is charged under the `retry.` prefix instead
    /// (`chargeBasicResponseStat` with the router's `retry` stat prefix).
    pub fn charge_retried_code(&mut self, code: u16) {
        if let Some(slot) = self.retry_rq_by_code.get_mut(code as usize) {
            *slot += 1;
        }
    }

    /// Count of `upstream_rq_<code>`.
    pub fn rq_code(&self, code: u16) -> u64 {
        self.rq_by_code.get(code as usize).copied().unwrap_or(0)
    }

    /// Count of `upstream_rq_<class>xx` (class 1..=5).
    pub fn rq_class(&self, class: u16) -> u64 {
        let from = (class * 100) as usize;
        self.rq_by_code
            .get(from..from + 100)
            .map_or(0, |codes| codes.iter().sum())
    }

    /// Every stat, sorted by name as Envoy's admin endpoint lists them. Response-code stats
    /// appear once charged, as Envoy creates them on first use.
    pub fn entries(&self, managers: &ResourceManagers) -> Vec<Stat> {
        let mut out = self.fixed();
        for class in 1..=5u16 {
            let value = self.rq_class(class);
            if value > 0 {
                out.push(counter(format!("upstream_rq_{class}xx"), value));
            }
        }
        for (code, &value) in self.rq_by_code.iter().enumerate() {
            if value > 0 {
                out.push(counter(format!("upstream_rq_{code}"), value));
            }
        }
        code_counters("retry.", &self.retry_rq_by_code, &mut out);
        for p in [RoutingPriority::Default, RoutingPriority::High] {
            breaker_gauges(managers.get(p), p, &mut out);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// `<prefix>upstream_rq_completed`, `<prefix>upstream_rq_<N>xx`, `<prefix>upstream_rq_<code>`
/// for the codes charged under a prefix.
fn code_counters(prefix: &str, by_code: &[u64], out: &mut Vec<Stat>) {
    let total: u64 = by_code.iter().sum();
    if total == 0 {
        return;
    }
    out.push(counter(format!("{prefix}upstream_rq_completed"), total));
    for class in 1..=5usize {
        let n: u64 = by_code[class * 100..class * 100 + 100].iter().sum();
        if n > 0 {
            out.push(counter(format!("{prefix}upstream_rq_{class}xx"), n));
        }
    }
    for (code, &n) in by_code.iter().enumerate() {
        if n > 0 {
            out.push(counter(format!("{prefix}upstream_rq_{code}"), n));
        }
    }
}

fn counter(name: String, value: u64) -> Stat {
    Stat {
        name,
        kind: StatKind::Counter,
        value,
    }
}

fn gauge(name: String, value: u64) -> Stat {
    Stat {
        name,
        kind: StatKind::Gauge,
        value,
    }
}

/// `circuit_breakers.<priority>.{cx_open,rq_pending_open,rq_open,rq_retry_open}` and, with
/// `track_remaining`, `remaining_{cx,pending,rq,retries}`.
fn breaker_gauges(rm: &ResourceManager, p: RoutingPriority, out: &mut Vec<Stat>) {
    let prefix = format!("circuit_breakers.{}", p.stat_name());
    let open = |name: &str, r: &super::resource_manager::Resource| {
        gauge(format!("{prefix}.{name}"), u64::from(r.is_open()))
    };
    out.push(open("cx_open", &rm.connections));
    out.push(open("rq_pending_open", &rm.pending_requests));
    out.push(open("rq_open", &rm.requests));
    // With a retry budget too, the gauge is the nested `max_retries` resource's.
    out.push(open("rq_retry_open", &rm.retries));
    if rm.track_remaining {
        out.push(gauge(
            format!("{prefix}.remaining_cx"),
            rm.connections.remaining(),
        ));
        out.push(gauge(
            format!("{prefix}.remaining_pending"),
            rm.pending_requests.remaining(),
        ));
        out.push(gauge(
            format!("{prefix}.remaining_rq"),
            rm.requests.remaining(),
        ));
        out.push(gauge(
            format!("{prefix}.remaining_retries"),
            rm.remaining_retries(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Thresholds;

    #[test]
    fn response_codes_charge_code_class_and_completed() {
        let mut s = ClusterStats::new();
        s.charge_response_code(200);
        s.charge_response_code(503);
        s.charge_response_code(503);
        assert_eq!(s.upstream_rq_completed, 3);
        assert_eq!(s.rq_code(503), 2);
        assert_eq!(s.rq_class(5), 2);
        assert_eq!(s.rq_class(2), 1);
        let names: Vec<String> = s
            .entries(&ResourceManagers::from_thresholds(&[]))
            .into_iter()
            .filter(|e| e.value > 0)
            .map(|e| format!("{}={}", e.name, e.value))
            .collect();
        assert_eq!(
            names,
            vec![
                "upstream_rq_200=1",
                "upstream_rq_2xx=1",
                "upstream_rq_503=2",
                "upstream_rq_5xx=2",
                "upstream_rq_completed=3"
            ]
        );
    }

    #[test]
    fn remaining_gauges_only_with_track_remaining() {
        let s = ClusterStats::new();
        let tracked = ResourceManagers::from_thresholds(&[Thresholds {
            max_connections: Some(20),
            track_remaining: true,
            ..Thresholds::default()
        }]);
        let names: Vec<String> = s.entries(&tracked).into_iter().map(|e| e.name).collect();
        assert!(names.contains(&"circuit_breakers.default.remaining_cx".to_string()));
        assert!(!names.contains(&"circuit_breakers.high.remaining_cx".to_string()));
        assert!(names.contains(&"circuit_breakers.high.cx_open".to_string()));
        let remaining = s
            .entries(&tracked)
            .into_iter()
            .find(|e| e.name == "circuit_breakers.default.remaining_cx")
            .unwrap();
        assert_eq!(remaining.value, 20);
    }
}
