//! Per-host counters that Envoy keeps on each `Host` (`cx_active`, `rq_active`, ...), shared by
//! all workers, plus the per-host connection limit.

/// Counters of one upstream host. `rq_active` is what least-request balancing reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostStats {
    pub cx_total: u64,
    pub cx_active: u64,
    pub cx_connect_fail: u64,
    pub rq_total: u64,
    pub rq_active: u64,
    pub rq_timeout: u64,
    pub rq_error: u64,
    pub rq_success: u64,
    /// `per_host_thresholds.max_connections` (unlimited by default).
    pub max_connections: u64,
}

impl Default for HostStats {
    fn default() -> Self {
        HostStats {
            cx_total: 0,
            cx_active: 0,
            cx_connect_fail: 0,
            rq_total: 0,
            rq_active: 0,
            rq_timeout: 0,
            rq_error: 0,
            rq_success: 0,
            max_connections: u64::MAX,
        }
    }
}
