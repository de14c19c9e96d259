//! The debug builds' check, at the end of a run, that every counter conserves: over the
//! fleet (what the clients saw against every Envoy's stats) and within each Envoy.

use super::Simulation;
use super::proxy::Proxy;
use crate::envoy::local_reply::ResponseFlag;

impl Simulation<'_> {
    /// Every counter conserves (debug builds).
    #[cfg(debug_assertions)]
    pub(super) fn assert_conservation(&self) {
        let o = &self.outcome;
        let s = &self.fleet_cluster_stats();
        assert_eq!(
            o.sent,
            o.received + self.requests.len() as u64,
            "sent = received + in flight"
        );
        let sent = |f: ResponseFlag| self.flagged_replies[f.index()];
        // UO: every pending overflow ends its request with UO; a refused retry adds UO too.
        let uo = sent(ResponseFlag::UO);
        // With the guard off an attach-time overflow is in both counters.
        let overflows = match self.proxies[0].pool_config.attach_overflow {
            crate::envoy::conn_pool::AttachOverflowCounters::ActiveAndPending => {
                s.upstream_rq_pending_overflow
            }
            _ => s.upstream_rq_pending_overflow + s.upstream_rq_active_overflow,
        };
        assert!(uo >= overflows, "every overflow is a UO reply");
        assert!(
            uo <= overflows + s.upstream_rq_retry_overflow,
            "every UO is an overflow"
        );
        assert_eq!(
            sent(ResponseFlag::UH),
            s.upstream_cx_none_healthy,
            "every UH is none_healthy"
        );
        // UT: route timeouts (an attempt in flight, or a retry's back-off) and per-try
        // timeouts that were not retried.
        let ut = sent(ResponseFlag::UT);
        assert!(
            ut >= s.upstream_rq_timeout,
            "every route timeout of an attempt is a UT"
        );
        assert!(
            ut <= s.upstream_rq_timeout + s.upstream_rq_per_try_timeout + s.upstream_rq_retry,
            "every UT is a timeout"
        );
        assert!(
            sent(ResponseFlag::URX) <= s.upstream_rq_retry_limit_exceeded,
            "every URX is a retry limit"
        );
        for f in ResponseFlag::ALL {
            assert!(
                o.flag(f) <= sent(f),
                "clients received no more {f:?} than were sent"
            );
            if self.requests.is_empty() {
                assert_eq!(
                    o.flag(f),
                    sent(f),
                    "with nothing in flight every {f:?} arrived"
                );
            }
        }
        assert!(
            s.upstream_rq_completed <= s.upstream_rq_total + self.local_replies,
            "answers come from attached requests or from Envoy"
        );
        if self.requests.is_empty() {
            assert!(self.attempts.is_empty(), "no attempt outlives its request");
            assert!(
                s.upstream_rq_completed <= o.received,
                "every response charged at most once (not a route timeout during back-off)"
            );
            assert_eq!(
                s.upstream_rq_active, 0,
                "no request active when none is in flight"
            );
            assert_eq!(
                s.upstream_rq_pending_active, 0,
                "nothing pending when none is in flight"
            );
        }
        for proxy in &self.proxies {
            assert_envoy_conserves(proxy, self.requests.is_empty());
        }
    }

    /// The Envoys' stats summed (the fleet's, for the checks against what the clients saw).
    fn fleet_cluster_stats(&self) -> crate::envoy::cluster_stats::ClusterStats {
        let mut total = self.proxies[0].stats.clone();
        for p in &self.proxies[1..] {
            total.add(&p.stats);
        }
        total
    }
}

/// One Envoy's breakers, stats and hosts agree.
fn assert_envoy_conserves(proxy: &Proxy, idle: bool) {
    let s = &proxy.stats;
    let rm = proxy.resources.get(proxy.priority);
    if idle {
        assert_eq!(rm.requests.current() + rm.pending_requests.current(), 0);
    }
    {
        assert_eq!(
            s.upstream_cx_active,
            rm.connections.current(),
            "the connections breaker counts every open connection"
        );
        let hosts = &proxy.hosts;
        let sum = |f: fn(&crate::envoy::host::HostStats) -> u64| hosts.iter().map(f).sum::<u64>();
        assert_eq!(
            sum(|h| h.cx_active),
            s.upstream_cx_active,
            "per-host connections add up"
        );
        assert_eq!(
            sum(|h| h.cx_total),
            s.upstream_cx_total,
            "per-host connects add up"
        );
        assert_eq!(
            proxy.rq_active.iter().sum::<u64>(),
            s.upstream_rq_active,
            "per-host requests add up"
        );
        assert_eq!(
            sum(|h| h.rq_total),
            s.upstream_rq_total,
            "per-host attaches add up"
        );
        assert!(
            hosts
                .iter()
                .zip(&proxy.rq_active)
                .all(|(h, &rq_active)| h.cx_active <= h.cx_total && rq_active <= h.rq_total),
            "no host has more open than it ever opened"
        );
    }
}
