//! Filling the lifecycle record (`record.rs`) from the simulation's hooks. Every hook is one
//! check of `Simulation::record` when recording is off; the work is in functions of their own,
//! kept out of line. Hooks read state and never change anything but the record.

use super::record::{
    AttemptEnd, Breaker, ConnNo, ConnectFailure, Entry, Gauge, Lifecycle, LifecycleOptions,
    PoolState, RequestNo, RetryRefused, What,
};
use super::{Limit, Simulation};
use crate::envoy::conn_pool::ConnId;
use crate::envoy::local_reply::Flags;
use crate::envoy::resource_manager::ResourceManager;
use crate::slab::Key;
use crate::time::SimTime;

/// What the record keeps of a live request (by its slot in the run's request slab), so that
/// the simulation's own request needs no field for it.
#[derive(Clone, Copy, Default)]
struct RequestState {
    number: RequestNo,
    /// Attempts started so far.
    tries: u32,
    /// The last host an attempt reported to the router (`onUpstreamHostSelected`).
    last_host: Option<u32>,
}

/// The record being made, and what it needs to make it.
pub struct Recorder {
    /// Each live request's state, by request slot.
    requests: Vec<RequestState>,
    /// Each live attempt's number within its request, by attempt slot.
    attempts: Vec<u32>,
    pub options: LifecycleOptions,
    pub lifecycle: Lifecycle,
    /// The number of each live connection, by connection index.
    conn_numbers: Vec<ConnNo>,
    next_conn: ConnNo,
    /// Filtered: the pools the followed request has tried (their connections are recorded).
    focus_pools: Vec<usize>,
    /// Each Envoy's cluster gauges as last recorded (pending, active, connections, ejected).
    cluster_gauges: Vec<[u64; 4]>,
    /// Each Envoy's hosts' gauges as last recorded (rq_active, cx_active).
    host_gauges: Vec<Vec<[u64; 2]>>,
    /// Each Envoy's breakers' open gauges as last recorded, in [`Breaker::ALL`] order.
    open: Vec<[bool; 4]>,
    /// Why the connect that is failing now failed (read by the streams the pool fails).
    pub remote_failure: ConnectFailure,
}

impl Recorder {
    pub fn new(options: LifecycleOptions, envoys: usize, hosts: usize) -> Self {
        Recorder {
            requests: Vec::new(),
            attempts: Vec::new(),
            options,
            lifecycle: Lifecycle::default(),
            conn_numbers: Vec::new(),
            next_conn: 0,
            focus_pools: Vec::new(),
            cluster_gauges: vec![[0; 4]; envoys],
            host_gauges: vec![vec![[0; 2]; hosts]; envoys],
            open: vec![[false; 4]; envoys],
            remote_failure: ConnectFailure::Refused,
        }
    }

    /// Whether request `n`'s events are recorded.
    fn wants(&self, n: RequestNo) -> bool {
        self.options.find_first.is_none() && self.options.only_request.is_none_or(|o| o == n)
    }

    /// Whether run-wide events (gauges, breakers, every connection) are recorded.
    fn wants_run_wide(&self) -> bool {
        self.options.find_first.is_none() && self.options.only_request.is_none()
    }

    fn wants_conn_of_pool(&self, pool: usize) -> bool {
        self.wants_run_wide() || self.focus_pools.contains(&pool)
    }
}

/// The breaker's count and threshold now.
fn breaker_figures(rm: &ResourceManager, b: Breaker) -> (u64, u64) {
    let r = match b {
        Breaker::MaxConnections => &rm.connections,
        Breaker::MaxPendingRequests => &rm.pending_requests,
        Breaker::MaxRequests => &rm.requests,
        Breaker::MaxRetries => {
            return (
                rm.max_retries_now() - rm.remaining_retries(),
                rm.max_retries_now(),
            );
        }
    };
    (r.current(), r.max())
}

impl Simulation<'_> {
    /// Appends `what` about Envoy `envoy`; a full record stops the run.
    fn push(&mut self, envoy: u32, what: What) {
        self.push_at(self.now, envoy, what);
    }

    /// Appends `what` about Envoy `envoy` as happening at `at` (a response's arrival at its
    /// client, which is worked out when Envoy sends it; `finish` puts the entries in time order).
    fn push_at(&mut self, at: SimTime, envoy: u32, what: What) {
        let Some(rec) = self.record.as_mut() else {
            return;
        };
        let entries = &mut rec.lifecycle.entries;
        if entries.len() as u64 >= rec.options.max_entries {
            self.hit_limit(Limit::RecordEntries);
            return;
        }
        entries.push(Entry { at, envoy, what });
    }

    /// A request's number, its Envoy, and whether its events are recorded.
    fn followed(&self, request: Key) -> Option<(RequestNo, u32)> {
        let rec = self.record.as_ref()?;
        let n = rec.requests[request.index()].number;
        rec.wants(n).then_some((n, self.requests[request].envoy))
    }

    /// An attempt's request number, try, Envoy, if its request is followed.
    fn followed_attempt(&self, attempt: Key) -> Option<(RequestNo, u32, u32)> {
        let a = self.attempts.get(attempt)?;
        let (n, e) = self.followed(a.request)?;
        let try_no = self.record.as_ref()?.attempts[attempt.index()];
        Some((n, try_no, e))
    }

    /// The request was sent: it gets the next number.
    #[inline]
    pub(super) fn rec_sent(&mut self, request: Key, client: u32, worker: Option<u32>) {
        let number = self.outcome.sent;
        let Some(rec) = self.record.as_mut() else {
            return;
        };
        if rec.requests.len() <= request.index() {
            rec.requests
                .resize(request.index() + 1, RequestState::default());
        }
        rec.requests[request.index()] = RequestState {
            number,
            ..RequestState::default()
        };
        self.rec_request(request, |request| What::Sent {
            request,
            client,
            worker,
        });
    }

    /// The request's next attempt number.
    fn next_try(&mut self, request: Key) -> u32 {
        let rec = self.record.as_mut().expect("recording");
        let s = &mut rec.requests[request.index()];
        s.tries += 1;
        s.tries
    }

    /// No host to pick for the request's next attempt.
    #[inline]
    pub(super) fn rec_no_host(&mut self, request: Key) {
        if self.record.is_some() {
            let attempt = self.next_try(request);
            self.rec_request(request, |request| What::NoHost { request, attempt });
        }
    }

    /// An attempt reported its host to the router.
    #[inline]
    pub(super) fn rec_host_reported(&mut self, request: Key, host: usize) {
        if let Some(rec) = self.record.as_mut() {
            rec.requests[request.index()].last_host = Some(host as u32);
        }
    }

    #[inline]
    pub(super) fn rec_request(&mut self, request: Key, what: impl FnOnce(RequestNo) -> What) {
        if self.record.is_some()
            && let Some((n, e)) = self.followed(request)
        {
            self.push(e, what(n));
        }
    }

    #[inline]
    pub(super) fn rec_attempt(&mut self, attempt: Key, what: impl FnOnce(RequestNo, u32) -> What) {
        if self.record.is_some()
            && let Some((n, t, e)) = self.followed_attempt(attempt)
        {
            self.push(e, what(n, t));
        }
    }

    /// The attempt (removed from the run's slab or not) ended without a usable response.
    #[inline]
    pub(super) fn rec_attempt_end(&mut self, request: Key, attempt: Key, end: AttemptEnd) {
        if let Some(rec) = self.record.as_ref() {
            let attempt = rec.attempts[attempt.index()];
            self.rec_request(request, |request| What::AttemptEnded {
                request,
                attempt,
                end,
            });
        }
    }

    /// The load balancer picked `host`: the pool's state before it asks for a stream.
    #[inline]
    pub(super) fn rec_host_picked(&mut self, attempt: Key) {
        if self.record.is_some() {
            self.note_host_picked(attempt);
        }
    }

    #[inline(never)]
    fn note_host_picked(&mut self, attempt: Key) {
        let try_no = self.next_try(self.attempts[attempt].request);
        let rec = self.record.as_mut().expect("recording");
        if rec.attempts.len() <= attempt.index() {
            rec.attempts.resize(attempt.index() + 1, 0);
        }
        rec.attempts[attempt.index()] = try_no;
        let Some((request, try_no, e)) = self.followed_attempt(attempt) else {
            return;
        };
        let a = &self.attempts[attempt];
        let (host, pool) = (a.host, a.pool);
        let proxy = &self.proxies[e as usize];
        let (connections, busy, pending) = proxy.pool_figures(pool);
        let state = PoolState {
            connections,
            busy,
            pending,
            cluster_pending: proxy.stats.upstream_rq_pending_active,
            cluster_active: proxy.stats.upstream_rq_active,
            cluster_connections: proxy.stats.upstream_cx_active,
        };
        if let Some(rec) = self.record.as_mut().filter(|r| !r.wants_run_wide())
            && !rec.focus_pools.contains(&pool)
        {
            rec.focus_pools.push(pool);
        }
        let what = What::HostPicked {
            request,
            attempt: try_no,
            host: host as u32,
            pool: pool as u32,
            state,
        };
        self.push(e, what);
    }

    /// The pool refused the attempt: which breaker, and its count and threshold now.
    #[inline]
    pub(super) fn rec_refused(&mut self, request: Key, attempt: Key, envoy: u32, b: Breaker) {
        if self.record.is_some() {
            let p = &self.proxies[envoy as usize];
            let (count, threshold) = breaker_figures(p.resources.get(p.priority), b);
            let end = AttemptEnd::Refused {
                breaker: b,
                count,
                threshold,
            };
            self.rec_attempt_end(request, attempt, end);
        }
    }

    /// The retry breaker refused a retry, or `num_retries` was used up.
    #[inline]
    pub(super) fn rec_retry_refused(&mut self, request: Key, overflow: bool) {
        if self.record.is_none() {
            return;
        }
        let e = self.requests[request].envoy as usize;
        let p = &self.proxies[e];
        let why = if overflow {
            let (count, threshold) =
                breaker_figures(p.resources.get(p.priority), Breaker::MaxRetries);
            RetryRefused::Overflow { count, threshold }
        } else {
            RetryRefused::LimitExceeded
        };
        self.rec_request(request, |request| What::RetryRefused { request, why });
    }

    /// Envoy sends its response: the flags set before the reply's own come first.
    #[inline]
    pub(super) fn rec_reply(&mut self, request: Key, status: u16, flags: Flags, local: bool) {
        if let Some(rec) = self.record.as_ref() {
            let s = rec.requests[request.index()];
            let first_flag = self.requests[request].flags.iter().next();
            let (host, retried) = (s.last_host, s.tries > 1);
            let mine = |r: &&mut Box<Recorder>| !r.wants_run_wide() && r.wants(s.number);
            if let Some(rec) = self.record.as_mut().filter(mine) {
                // The followed request is answered: its pools' connections no longer concern it.
                rec.focus_pools.clear();
            }
            self.rec_request(request, |request| What::Reply {
                request,
                status,
                flags,
                local,
                host,
                retried,
                first_flag,
            });
        }
    }

    /// The response reached the client: recorded, and matched against `find_first`.
    #[inline]
    pub(super) fn rec_at_client(
        &mut self,
        at: SimTime,
        request: Key,
        envoy: u32,
        status: u16,
        f: Flags,
    ) {
        let Some(rec) = self.record.as_mut() else {
            return;
        };
        let number = rec.requests[request.index()].number;
        if let Some((want_status, want_flag)) = rec.options.find_first {
            let matches = want_status.is_none_or(|s| s == status)
                && want_flag.is_none_or(|fl| f.contains(fl));
            let first = &mut rec.lifecycle.first_match;
            if matches && first.is_none_or(|m| number < m) {
                *first = Some(number);
            }
        }
        if rec.wants(number) {
            let what = What::AtClient {
                request: number,
                status,
            };
            self.push_at(at, envoy, what);
        }
    }

    /// A connection starts: it gets the next number.
    #[inline]
    pub(super) fn rec_connect_start(&mut self, conn: ConnId) {
        let Some(rec) = self.record.as_mut() else {
            return;
        };
        rec.next_conn += 1;
        if rec.conn_numbers.len() <= conn.index() {
            rec.conn_numbers.resize(conn.index() + 1, 0);
        }
        rec.conn_numbers[conn.index()] = rec.next_conn;
        let number = rec.next_conn;
        let pool = self.conns[conn].pool;
        let host = self.host_of_pool(pool) as u32;
        self.rec_conn(conn, |_| What::ConnectStart {
            conn: number,
            host,
            pool: pool as u32,
        });
    }

    /// A connection event, if its pool's connections are recorded.
    #[inline]
    pub(super) fn rec_conn(&mut self, conn: ConnId, what: impl FnOnce(ConnNo) -> What) {
        let Some(rec) = self.record.as_ref() else {
            return;
        };
        let pool = self.conns[conn].pool;
        if rec.wants_conn_of_pool(pool) {
            let number = rec.conn_numbers[conn.index()];
            let e = self.envoy_of_pool(pool);
            self.push(e, what(number));
        }
    }

    /// The number of a live connection (0 when not recording).
    pub(super) fn conn_number(&self, conn: ConnId) -> ConnNo {
        self.record
            .as_ref()
            .and_then(|r| r.conn_numbers.get(conn.index()).copied())
            .unwrap_or(0)
    }

    /// After each event: the gauges and open breakers that changed.
    #[inline]
    pub(super) fn rec_gauges(&mut self) {
        if self.record.as_ref().is_some_and(|r| r.wants_run_wide()) {
            self.note_gauges();
        }
    }

    #[inline(never)]
    fn note_gauges(&mut self) {
        for e in 0..self.proxies.len() {
            self.note_cluster_gauges(e);
            self.note_host_gauges(e);
            self.note_breakers(e);
        }
    }

    fn note_cluster_gauges(&mut self, e: usize) {
        let p = &self.proxies[e];
        let ejected = p.outlier.as_ref().map_or(0, |d| d.ejected_hosts());
        let s = &p.stats;
        let now = [
            s.upstream_rq_pending_active,
            s.upstream_rq_active,
            s.upstream_cx_active,
            ejected,
        ];
        let gauges = [
            Gauge::PendingRequests,
            Gauge::ActiveRequests,
            Gauge::ActiveConnections,
            Gauge::EjectedHosts,
        ];
        let last = self.record.as_ref().expect("recording").cluster_gauges[e];
        for i in 0..4 {
            if now[i] != last[i] {
                let g = What::Gauge {
                    gauge: gauges[i],
                    host: None,
                    value: now[i],
                };
                self.push(e as u32, g);
            }
        }
        self.record.as_mut().expect("recording").cluster_gauges[e] = now;
    }

    fn note_host_gauges(&mut self, e: usize) {
        for h in 0..self.proxies[e].hosts.len() {
            let proxy = &self.proxies[e];
            let now = [proxy.rq_active[h], proxy.hosts[h].cx_active];
            let last = self.record.as_ref().expect("recording").host_gauges[e][h];
            if now == last {
                continue;
            }
            let gauges = [Gauge::HostActiveRequests, Gauge::HostActiveConnections];
            for i in 0..2 {
                if now[i] != last[i] {
                    let g = What::Gauge {
                        gauge: gauges[i],
                        host: Some(h as u32),
                        value: now[i],
                    };
                    self.push(e as u32, g);
                }
            }
            self.record.as_mut().expect("recording").host_gauges[e][h] = now;
        }
    }

    fn note_breakers(&mut self, e: usize) {
        let p = &self.proxies[e];
        let rm = p.resources.get(p.priority);
        let now = [
            rm.connections.is_open(),
            rm.pending_requests.is_open(),
            rm.requests.is_open(),
            rm.retries.is_open(),
        ];
        let last = self.record.as_ref().expect("recording").open[e];
        for (i, b) in Breaker::ALL.into_iter().enumerate() {
            if now[i] != last[i] {
                let what = What::BreakerOpen {
                    breaker: b,
                    open: now[i],
                };
                self.push(e as u32, what);
            }
        }
        self.record.as_mut().expect("recording").open[e] = now;
    }
}
