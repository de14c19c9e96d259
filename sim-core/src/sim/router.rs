//! Envoy's router filter for each request: picks a host, asks the worker's pool for a stream,
//! and turns each attempt's outcome into a response, a retry, or a local reply; enforces the
//! route timeout and per-try timeouts.
//!
//! Follows `source/common/router/router.cc` (`decodeHeaders`, `onUpstreamHeaders`,
//! `onUpstreamReset`, `maybeRetryReset`, `onPerTryTimeout`, `onResponseTimeout`, `doRetry`,
//! `chargeUpstreamAbort`) and `upstream_request.cc` (what is reported to outlier detection).

use super::events::Event;
use super::proxy::OutlierReport;
use super::record::{AttemptEnd, Breaker, ConnectFailure, What};
use super::{Attempt, Simulation};
use crate::envoy::conn_pool::{ConnId, PoolFailureReason};
use crate::envoy::local_reply::{
    LocalReply, NO_HEALTHY_UPSTREAM_REPLY, ResponseFlag, TIMEOUT_REPLY, reply_for_reset,
};
use crate::envoy::outlier::OutlierResult;
use crate::envoy::retry::{ResetKind, RetryConfig, RetryDecision, RetryStatus};
use crate::envoy::version::Behaviour;
use crate::slab::Key;

impl Simulation<'_> {
    /// `decodeHeaders` with `end_stream`: a retry state if the route retries, the first attempt,
    /// and the route timeout unless the request already ended inline.
    pub(super) fn on_request_at_envoy(&mut self, request: Key) {
        let e = self.requests[request].envoy;
        self.requests[request].at_envoy = self.now;
        let worker = self.requests[request].envoy_worker;
        self.rec_request(request, |request| What::AtEnvoy { request, worker });
        let mut retry = self.proxies[e as usize].new_retry_state();
        if let Some(rs) = retry.as_mut() {
            rs.attempted = self.spare_host_lists.pop().unwrap_or_default();
        }
        self.requests[request].retry = retry;
        self.start_attempt(request);
        self.drain_pool_events();
        let timeout = self.proxies[e as usize].route_timeout;
        let r = &self.requests[request];
        let waiting = r.reply.is_none();
        if waiting && !timeout.is_zero() {
            let lane = self.timer_lanes[e as usize].route;
            let timer = self.schedule_in_lane(lane, timeout, Event::RouteTimeout { request });
            self.requests[request].route_timer = Some(timer);
        }
    }

    /// A new upstream attempt (the first, or `doRetry`): choose a host, then a stream of the
    /// worker's pool for it. No host: 503 "no healthy upstream".
    fn start_attempt(&mut self, request: Key) {
        let (e, worker) = (
            self.requests[request].envoy,
            self.requests[request].envoy_worker,
        );
        let Some(host) = self.choose_host_for(request, e, worker) else {
            self.rec_no_host(request);
            self.px(e).stats.upstream_cx_none_healthy += 1;
            self.local_reply(request, NO_HEALTHY_UPSTREAM_REPLY);
            return;
        };
        let pool = self.proxies[e as usize].pool_index(worker, host);
        let attempt = self.attempts.insert(Attempt {
            request,
            envoy: e,
            host,
            pool,
            conn: None,
            per_try_timer: None,
            backend_stream: false,
        });
        self.requests[request].attempt = Some(attempt);
        self.rec_host_picked(attempt);
        let outcome = self.with_pool(pool, |p, env| p.new_stream(env, attempt));
        if outcome == crate::envoy::conn_pool::NewStream::Pending && self.record.is_some() {
            let pending = self.proxies[e as usize].stats.upstream_rq_pending_active;
            self.rec_attempt(attempt, |request, attempt| What::Pending {
                request,
                attempt,
                pending,
            });
        }
    }

    /// The load balancer's pick, re-drawn up to `host_selection_retry_max_attempts` times while
    /// the previous_hosts predicate rejects it; the last pick stands.
    fn choose_host_for(&mut self, request: Key, envoy: u32, worker: u32) -> Option<usize> {
        self.fleet.touch(envoy);
        let proxy = &mut self.proxies[envoy as usize];
        let r = &self.requests[request];
        let avoid: &[usize] = match (&r.retry, proxy.retry_config()) {
            (Some(rs), Some(cfg)) if cfg.previous_hosts => &rs.attempted,
            _ => &[],
        };
        let tries = match (&r.retry, proxy.retry_config()) {
            (Some(_), Some(cfg)) if !avoid.is_empty() => cfg.host_selection_retry_max_attempts,
            _ => 0,
        };
        let mut host = proxy.choose_host(worker);
        for _ in 0..tries {
            match host {
                Some(h) if avoid.contains(&h) => host = proxy.choose_host(worker),
                _ => break,
            }
        }
        host
    }

    /// `onHostAttempted`: previous_hosts remembers every host a pool reported.
    fn note_attempted(&mut self, request: Key, host: usize) {
        if let Some(rs) = self.requests[request].retry.as_mut() {
            rs.attempted.push(host);
        }
    }

    /// `onPoolReady`: a connect success is reported, the per-try timeout starts, and the
    /// request goes out.
    pub(super) fn on_stream_ready(&mut self, attempt: Key, conn: ConnId) {
        let a = &mut self.attempts[attempt];
        a.conn = Some(conn);
        let (host, request, e) = (a.host, a.request, a.envoy);
        self.requests[request].ready_at = Some(self.now);
        if self.record.is_some() {
            let conn = self.conn_number(conn);
            self.rec_host_reported(request, host);
            self.rec_attempt(attempt, |request, attempt| What::Attached {
                request,
                attempt,
                conn,
            });
        }
        self.note_attempted(request, host);
        let report = OutlierReport::Result(OutlierResult::LocalOriginConnectSuccess, None);
        self.report_outlier(e, host, report);
        let retry = self.proxies[e as usize].retry_config();
        if let Some(t) = retry.and_then(|c| c.per_try_timeout) {
            let lane = self.timer_lanes[e as usize].per_try;
            let timer = self.schedule_in_lane(lane, t, Event::PerTryTimeout { attempt });
            self.attempts[attempt].per_try_timer = Some(timer);
        }
        self.send_to_backend(attempt, conn, host);
    }

    /// `onPoolFailure`: an overflow (never retried; before Envoy 1.26 the attach-time
    /// `max_requests` overflow, whose host is known, was reported to the outlier detector as a
    /// connect failure, [`Behaviour::OverflowNotReportedToOutlierDetection`]) or a connect
    /// failure. A stream purged from the pending queue gives back its pending slot
    /// only after the router has decided (Envoy's `~PendingStream` runs after `onPoolFailure`
    /// returns), so a retry budget counts it, and every stream still to be purged, as pending.
    pub(super) fn on_stream_failed(
        &mut self,
        attempt: Key,
        reason: PoolFailureReason,
        host_known: bool,
        release_pending: bool,
    ) {
        let a = self.attempts.remove(attempt).expect("a live attempt");
        if host_known {
            self.note_attempted(a.request, a.host);
            self.rec_host_reported(a.request, a.host);
        }
        match reason {
            PoolFailureReason::Overflow => {
                let b = if host_known {
                    Breaker::MaxRequests
                } else {
                    Breaker::MaxPendingRequests
                };
                self.rec_refused(a.request, attempt, a.envoy, b);
            }
            PoolFailureReason::Timeout => {
                let end = AttemptEnd::ConnectFailed(ConnectFailure::Timeout);
                self.rec_attempt_end(a.request, attempt, end);
            }
            _ => {
                let why = self.record.as_ref().map(|r| r.remote_failure);
                let end = AttemptEnd::ConnectFailed(why.unwrap_or(ConnectFailure::Refused));
                self.rec_attempt_end(a.request, attempt, end);
            }
        }
        let version = self.proxies[a.envoy as usize].version;
        let reset = match reason {
            PoolFailureReason::Overflow => ResetKind::Overflow,
            // Envoy 1.17 answered its own connect timeout as a local reset (503 LR, not retried
            // by `connect-failure`): `UpstreamRequest::onPoolFailure` before PR #14685.
            PoolFailureReason::Timeout
                if !version.has(Behaviour::ConnectTimeoutIsAConnectionFailure) =>
            {
                ResetKind::LocalReset
            }
            _ => ResetKind::ConnectFailure,
        };
        // Before 1.26 only an overflow that names its host, `max_requests` refusing the attach,
        // reached the detector: the pending-queue overflow passes no host to `onPoolFailure`.
        let reported = reset != ResetKind::Overflow
            || (host_known && !version.has(Behaviour::OverflowNotReportedToOutlierDetection));
        if reported {
            let report = OutlierReport::Result(OutlierResult::LocalOriginConnectFailed, None);
            self.report_outlier(a.envoy, a.host, report);
        }
        self.upstream_reset(a.request, Some(a.host).filter(|_| host_known), reset);
        if release_pending {
            self.with_pool(a.pool, |p, env| p.release_purged_stream(env));
        }
    }

    /// The connection closed under an attached attempt (`ConnectionTermination`).
    pub(super) fn on_stream_reset(&mut self, attempt: Key, conn: ConnId) {
        let Some(a) = self.take_attached_attempt(attempt, conn) else {
            return;
        };
        let end = AttemptEnd::Reset(ResetKind::ConnectionTermination);
        self.rec_attempt_end(a.request, attempt, end);
        let report = OutlierReport::Result(OutlierResult::LocalOriginConnectFailed, None);
        self.report_outlier(a.envoy, a.host, report);
        self.upstream_reset(a.request, Some(a.host), ResetKind::ConnectionTermination);
    }

    /// The attempt, removed with its per-try timer cancelled, if it is still attached to `conn`
    /// (else the router gave it up already).
    pub(super) fn take_attached_attempt(&mut self, attempt: Key, conn: ConnId) -> Option<Attempt> {
        let attached = self
            .attempts
            .get(attempt)
            .is_some_and(|a| a.conn == Some(conn));
        if !attached {
            return None;
        }
        let a = self.attempts.remove(attempt).expect("checked");
        self.cancel(a.per_try_timer);
        Some(a)
    }

    /// `onUpstreamReset` → `maybeRetryReset`, else the local reply for the reset.
    pub(super) fn upstream_reset(&mut self, request: Key, host: Option<usize>, reset: ResetKind) {
        self.requests[request].attempt = None;
        let would_retry =
            |cfg: &RetryConfig| RetryDecision::with_backoff_if(cfg.would_retry_reset(reset));
        if self.maybe_retry(request, host, would_retry) {
            return;
        }
        self.local_reply(request, reply_for_reset(reset));
    }

    /// `shouldRetry` for the request: on yes the retry waits out its back-off, or none for an
    /// immediate retry (the host, if known, counts an `rq_error`); on no, the flag explaining
    /// why is kept for the reply.
    fn maybe_retry(
        &mut self,
        request: Key,
        host: Option<usize>,
        would_retry: impl Fn(&RetryConfig) -> RetryDecision,
    ) -> bool {
        let e = self.requests[request].envoy;
        let Some(cfg) = self.proxies[e as usize].retry_config() else {
            return false;
        };
        let would = would_retry(cfg);
        let Some(mut rs) = self.requests[request].retry.take() else {
            return false;
        };
        let status = self.px(e).decide_retry(&mut rs, would);
        self.requests[request].retry = Some(rs);
        match status {
            RetryStatus::Yes(backoff) => {
                if let Some(h) = host {
                    self.px(e).hosts[h].rq_error += 1;
                }
                self.rec_request(request, |request| What::Retry { request, backoff });
                let timer = self.schedule(self.now.after(backoff), Event::RetryBackoff { request });
                self.requests[request].backoff_timer = Some(timer);
                true
            }
            RetryStatus::NoOverflow => {
                self.rec_retry_refused(request, true);
                self.add_flag(request, ResponseFlag::UO);
                false
            }
            RetryStatus::NoRetryLimitExceeded => {
                self.rec_retry_refused(request, false);
                self.add_flag(request, ResponseFlag::URX);
                false
            }
            RetryStatus::No => false,
        }
    }

    fn add_flag(&mut self, request: Key, flag: ResponseFlag) {
        let r = &mut self.requests[request];
        r.flags = r.flags.with(flag);
    }

    /// The back-off of a retry ends (`doRetry`).
    pub(super) fn on_retry_backoff(&mut self, request: Key) {
        self.requests[request].backoff_timer = None;
        self.start_attempt(request);
    }

    /// Response headers and body arrive together. A retriable response is retried (charged
    /// under `retry.`); otherwise it is forwarded, and the pool ends the stream.
    pub(super) fn on_response_at_envoy(
        &mut self,
        attempt: Key,
        conn: ConnId,
        status: u16,
        keep_alive: bool,
    ) {
        let attached = self
            .attempts
            .get(attempt)
            .is_some_and(|a| a.conn == Some(conn));
        if !attached {
            return; // The attempt was reset; its connection or stream is gone.
        }
        self.rec_attempt(attempt, |request, attempt| What::ResponseAtEnvoy {
            request,
            attempt,
            status,
        });
        let a = self.attempts.remove(attempt).expect("checked");
        self.cancel(a.per_try_timer);
        self.with_pool(a.pool, |p, env| {
            p.on_response_headers(env, conn, !keep_alive)
        });
        self.report_outlier(a.envoy, a.host, OutlierReport::Code(status));
        self.requests[a.request].attempt = None;
        let retried = self.maybe_retry(a.request, Some(a.host), |cfg| {
            cfg.would_retry_status(status)
        });
        if retried {
            self.px(a.envoy).stats.charge_retried_code(status);
        } else {
            // `onUpstreamComplete`: `upstream_rq_time` from the downstream request's end.
            let span = self.now.since(self.requests[a.request].at_envoy).as_nanos();
            let proxy = self.px(a.envoy);
            proxy.stats.charge_response_code(status);
            proxy.histograms.upstream_rq_time.record_nanos(span);
            let host = &mut proxy.hosts[a.host];
            if (500..600).contains(&status) {
                host.rq_error += 1;
            } else {
                host.rq_success += 1;
            }
            let flags = self.requests[a.request].flags;
            self.reply(a.request, status, flags, false);
        }
        self.with_pool(a.pool, |p, env| p.on_response_complete(env, conn, attempt));
    }

    /// `onPerTryTimeout`: the attempt is reset and reported as a local-origin timeout (504);
    /// it is retried as a local reset if the policy allows, else the client gets 504 UT.
    pub(super) fn on_per_try_timeout(&mut self, attempt: Key) {
        if self.record.is_some() {
            let t = self.proxies[self.attempts[attempt].envoy as usize]
                .retry_config()
                .and_then(|c| c.per_try_timeout)
                .unwrap_or_default();
            self.rec_attempt(attempt, |request, attempt| What::AttemptEnded {
                request,
                attempt,
                end: AttemptEnd::PerTryTimeout(t),
            });
        }
        let a = self.attempts.remove(attempt).expect("a live attempt");
        let conn = a.conn.expect("per-try timers start at attach");
        let proxy = self.px(a.envoy);
        proxy.stats.upstream_rq_per_try_timeout += 1;
        proxy.hosts[a.host].rq_timeout += 1;
        self.release_backend_stream(&a);
        self.with_pool(a.pool, |p, env| p.reset_stream(env, conn, attempt));
        let timeout = OutlierResult::LocalOriginTimeout;
        let report = OutlierReport::Result(timeout, Some(TIMEOUT_REPLY.status));
        self.report_outlier(a.envoy, a.host, report);
        self.requests[a.request].attempt = None;
        let retried = self.maybe_retry(a.request, Some(a.host), |cfg| {
            RetryDecision::with_backoff_if(cfg.would_retry_reset(ResetKind::LocalReset))
        });
        if !retried {
            self.local_reply(a.request, TIMEOUT_REPLY);
        }
    }

    /// `onResponseTimeout`: an attempt still awaiting headers is counted, charged 504 and reset
    /// (a pending stream is cancelled, an attached stream reset); only an attached attempt has
    /// a host, so only it counts `rq_timeout` and reports a local-origin timeout (504). During a
    /// retry's back-off there is no attempt: nothing is charged. The client gets 504 UT.
    pub(super) fn on_route_timeout(&mut self, request: Key) {
        let r = &mut self.requests[request];
        r.route_timer = None;
        let backoff = r.backoff_timer.take();
        let attempt = r.attempt.take();
        let envoy = r.envoy as usize;
        self.cancel(backoff);
        let timeout = self.proxies[envoy].route_timeout;
        match attempt {
            Some(a) => self.rec_attempt(a, |request, attempt| What::AttemptEnded {
                request,
                attempt,
                end: AttemptEnd::RouteTimeout(timeout),
            }),
            None => self.rec_request(request, |request| What::RouteTimeoutInBackoff {
                request,
                timeout,
            }),
        }
        if let Some(attempt) = attempt {
            let a = self.attempts.remove(attempt).expect("a live attempt");
            self.cancel(a.per_try_timer);
            let proxy = self.px(a.envoy);
            proxy.stats.upstream_rq_timeout += 1;
            proxy.stats.charge_response_code(TIMEOUT_REPLY.status);
            match a.conn {
                None => self.with_pool(a.pool, |p, env| p.cancel_pending(env, attempt)),
                Some(conn) => {
                    self.px(a.envoy).hosts[a.host].rq_timeout += 1;
                    let timeout = OutlierResult::LocalOriginTimeout;
                    let report = OutlierReport::Result(timeout, Some(TIMEOUT_REPLY.status));
                    self.report_outlier(a.envoy, a.host, report);
                    self.release_backend_stream(&a);
                    self.with_pool(a.pool, |p, env| p.reset_stream(env, conn, attempt));
                }
            }
        }
        let flags = self.requests[request].flags.with(TIMEOUT_REPLY.flag);
        self.reply(request, TIMEOUT_REPLY.status, flags, true);
    }

    /// A reply Envoy makes itself (`chargeUpstreamAbort` + `onUpstreamAbort`): its code is
    /// charged like an upstream one.
    fn local_reply(&mut self, request: Key, reply: LocalReply) {
        let e = self.requests[request].envoy;
        self.px(e).stats.charge_response_code(reply.status);
        let flags = self.requests[request].flags.with(reply.flag);
        self.reply(request, reply.status, flags, true);
    }

    /// Reports an attempt's outcome to its Envoy's outlier detector.
    pub(super) fn report_outlier(&mut self, envoy: u32, host: usize, report: OutlierReport) {
        let now = self.now;
        self.px(envoy).report_outlier(host, report, now);
    }
}
