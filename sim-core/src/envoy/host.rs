//! Per-host counters that Envoy keeps on each `Host` (`cx_active`, `rq_active`, ...), shared by
//! all workers, plus the per-host connection limit (`ALL_HOST_STATS` in
//! `envoy/upstream/host_description.h`).

/// Counters of one upstream host. `rq_active` is what least-request balancing reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostStats {
    /// Connections ever opened to the host, by any worker's pool.
    pub cx_total: u64,
    /// Connections open now (connecting or connected).
    pub cx_active: u64,
    /// Connections that failed or timed out while connecting.
    pub cx_connect_fail: u64,
    /// Requests (attempts) ever sent to the host on a stream.
    pub rq_total: u64,
    /// Requests on a stream to the host now.
    pub rq_active: u64,
    /// Attempts to the host ended by the route's timeout or a per-try timeout.
    pub rq_timeout: u64,
    /// 5xx responses the router kept, plus attempts retried after a failure at this host.
    pub rq_error: u64,
    /// Non-5xx responses the router kept.
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
