//! Per-host counters that Envoy keeps on each `Host` (`cx_active`, `rq_active`, ...), shared by
//! all workers, plus the per-host connection limit (`ALL_HOST_STATS` in
//! `envoy/upstream/host_description.h`).
//!
//! Layout: `rq_active`, the one figure least request reads for hosts it does not pick, lives
//! apart in a dense array (the proxy's `rq_active`, one `u64` a host), so that a pick's probes
//! touch a small array rather than one cache line per probed host; the other counters of a
//! host fill exactly one cache line ([`HostStats`] is 64 bytes, 64-aligned).

/// Counters of one upstream host, except `rq_active` (see the module doc). One cache line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[repr(align(64))]
pub struct HostStats {
    /// Connections ever opened to the host, by any worker's pool.
    pub cx_total: u64,
    /// Connections open now (connecting or connected).
    pub cx_active: u64,
    /// Connections that failed or timed out while connecting.
    pub cx_connect_fail: u64,
    /// Requests (attempts) ever sent to the host on a stream.
    pub rq_total: u64,
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
            rq_timeout: 0,
            rq_error: 0,
            rq_success: 0,
            max_connections: u64::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HostStats;

    /// One host's counters are one 64-byte cache line, never two.
    #[test]
    fn host_stats_fill_one_cache_line() {
        assert_eq!(std::mem::size_of::<HostStats>(), 64);
        assert_eq!(std::mem::align_of::<HostStats>(), 64);
    }
}
