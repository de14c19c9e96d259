//! Envoy's side of a run: the router picks a host and asks the worker's pool for a stream;
//! connections connect or time out; backends serve; responses and timeouts come back.

use super::events::Event;
use super::proxy::OutlierReport;
use super::{Attempt, ConnTimers, Simulation};
use crate::envoy::conn_pool::{ConnId, PoolFailureReason};
use crate::envoy::outlier::OutlierResult;
use crate::envoy::router::{
    LocalReply, NO_HEALTHY_UPSTREAM_REPLY, TIMEOUT_REPLY, reply_for_pool_failure,
};
use crate::slab::Key;
use crate::world::backend::Job;

impl Simulation<'_> {
    /// The router's `decodeHeaders` with `end_stream`: choose a host, ask the pool for a stream,
    /// and arm the route timeout unless the request already failed inline.
    pub(super) fn on_request_at_envoy(&mut self, request: Key) {
        let worker = self.requests[request].envoy_worker;
        let Some(host) = self.proxy.choose_host(worker) else {
            self.proxy.stats.upstream_cx_none_healthy += 1;
            self.local_reply(request, NO_HEALTHY_UPSTREAM_REPLY);
            return;
        };
        let pool = self.proxy.pool_index(worker, host);
        let attempt = self.attempts.insert(Attempt {
            request,
            host,
            pool,
            conn: None,
        });
        self.requests[request].attempt = Some(attempt);
        self.proxy
            .with_pool(pool, |p, env| p.new_stream(env, attempt));
        self.drain_pool_events();
        let timeout = self.proxy.route_timeout;
        let still_waiting = self.requests[request].attempt.is_some();
        if still_waiting && !timeout.is_zero() {
            let timer = self.schedule(self.now.after(timeout), Event::RouteTimeout { request });
            self.requests[request].route_timer = Some(timer);
        }
    }

    /// A reply Envoy makes itself: the code is charged like an upstream one.
    fn local_reply(&mut self, request: Key, reply: LocalReply) {
        self.proxy.stats.charge_response_code(reply.status);
        self.reply(request, reply.status, Some(reply.flag));
    }

    pub(super) fn start_connect(&mut self, conn: ConnId) {
        let host = self.proxy.host_of_pool(self.proxy.conns[conn].pool);
        let connect_time = self
            .upstream
            .connect_time
            .sample(&mut self.backends[host].rng);
        let done = self.schedule(self.now.after(connect_time), Event::ConnectDone { conn });
        let timeout = self.schedule(
            self.now.after(self.proxy.connect_timeout),
            Event::ConnectTimeout { conn },
        );
        if self.conn_timers.len() <= conn.index() {
            self.conn_timers
                .resize(conn.index() + 1, ConnTimers::default());
        }
        self.conn_timers[conn.index()] = ConnTimers {
            connect_done: Some(done),
            connect_timeout: Some(timeout),
        };
    }

    pub(super) fn on_connect_done(&mut self, conn: ConnId) {
        let timers = std::mem::take(&mut self.conn_timers[conn.index()]);
        self.cancel(timers.connect_timeout);
        let pool = self.proxy.conns[conn].pool;
        self.proxy
            .with_pool(pool, |p, env| p.on_connected(env, conn));
    }

    pub(super) fn on_connect_timeout(&mut self, conn: ConnId) {
        let timers = std::mem::take(&mut self.conn_timers[conn.index()]);
        self.cancel(timers.connect_done);
        let pool = self.proxy.conns[conn].pool;
        self.proxy
            .with_pool(pool, |p, env| p.on_connect_timeout(env, conn));
    }

    /// `onPoolReady`: the host is reported a connect success, and the request goes out.
    pub(super) fn on_stream_ready(&mut self, attempt: Key, conn: ConnId) {
        let a = &mut self.attempts[attempt];
        a.conn = Some(conn);
        let host = a.host;
        let report = OutlierReport::Result(OutlierResult::LocalOriginConnectSuccess, None);
        self.proxy.report_outlier(host, report, self.now);
        let latency = self.upstream.latency.sample(&mut self.backends[host].rng);
        self.schedule(
            self.now.after(latency),
            Event::RequestAtBackend {
                attempt,
                conn,
                host: host as u32,
            },
        );
    }

    /// `onPoolFailure` → `onUpstreamReset` → local reply (no retries yet). A connect failure or
    /// timeout is reported to the outlier detector; an overflow never is (Envoy 1.26+).
    pub(super) fn on_stream_failed(&mut self, attempt: Key, reason: PoolFailureReason) {
        let a = self.attempts.remove(attempt).expect("a live attempt");
        if reason != PoolFailureReason::Overflow {
            let report = OutlierReport::Result(OutlierResult::LocalOriginConnectFailed, None);
            self.proxy.report_outlier(a.host, report, self.now);
        }
        self.local_reply(a.request, reply_for_pool_failure(reason));
    }

    pub(super) fn on_request_at_backend(&mut self, attempt: Key, conn: ConnId, host: usize) {
        if let Some(service) = self.backends[host].arrive(Job { attempt, conn }) {
            self.schedule(
                self.now.after(service),
                Event::ServiceDone {
                    attempt,
                    conn,
                    host: host as u32,
                },
            );
        }
    }

    pub(super) fn on_service_done(&mut self, attempt: Key, conn: ConnId, host: usize) {
        let b = &mut self.backends[host];
        let answer = b.finish();
        let latency = self.upstream.latency.sample(&mut b.rng);
        let next = b.start_next();
        self.schedule(
            self.now.after(latency),
            Event::ResponseAtEnvoy {
                attempt,
                conn,
                status: answer.status,
                keep_alive: answer.keep_alive,
            },
        );
        if let Some((job, service)) = next {
            self.schedule(
                self.now.after(service),
                Event::ServiceDone {
                    attempt: job.attempt,
                    conn: job.conn,
                    host: host as u32,
                },
            );
        }
    }

    /// Response headers and body arrive together: the router forwards the response, then the
    /// pool ends the stream (closing the connection after an HTTP/1.0 response).
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
            return; // The attempt was reset (route timeout); its connection is gone.
        }
        let a = self.attempts.remove(attempt).expect("checked");
        self.proxy.with_pool(a.pool, |p, env| {
            p.on_response_headers(env, conn, !keep_alive)
        });
        self.proxy
            .report_outlier(a.host, OutlierReport::Code(status), self.now);
        self.proxy.stats.charge_response_code(status);
        let host = &mut self.proxy.hosts[a.host];
        if (500..600).contains(&status) {
            host.rq_error += 1;
        } else {
            host.rq_success += 1;
        }
        self.reply(a.request, status, None);
        self.proxy
            .with_pool(a.pool, |p, env| p.on_response_complete(env, conn));
    }

    /// `onResponseTimeout`: the attempt still awaiting headers is counted, charged 504 and
    /// reset (a pending stream is cancelled, an attached HTTP/1 stream closes its connection);
    /// the client gets 504 with flag UT. Only an attached attempt has a host (set by the pool's
    /// callback), so only it counts `rq_timeout` on the host and reports a local-origin timeout
    /// with code 504 to the outlier detector.
    pub(super) fn on_route_timeout(&mut self, request: Key) {
        let r = &mut self.requests[request];
        r.route_timer = None;
        if let Some(attempt) = r.attempt.take() {
            let a = self.attempts.remove(attempt).expect("a live attempt");
            self.proxy.stats.upstream_rq_timeout += 1;
            self.proxy.stats.charge_response_code(TIMEOUT_REPLY.status);
            match a.conn {
                None => self
                    .proxy
                    .with_pool(a.pool, |p, env| p.cancel_pending(env, attempt)),
                Some(conn) => {
                    self.proxy.hosts[a.host].rq_timeout += 1;
                    let timeout = OutlierResult::LocalOriginTimeout;
                    let report = OutlierReport::Result(timeout, Some(TIMEOUT_REPLY.status));
                    self.proxy.report_outlier(a.host, report, self.now);
                    self.proxy
                        .with_pool(a.pool, |p, env| p.reset_stream(env, conn));
                }
            }
        }
        self.reply(request, TIMEOUT_REPLY.status, Some(TIMEOUT_REPLY.flag));
    }

    /// A backend group enters phase `phase`: its hosts take the behaviour with every phase up to
    /// this one applied, and start waiting jobs if the concurrency limit rose.
    pub(super) fn on_phase_change(&mut self, group: usize, phase: usize) {
        let g = &self.scenario.backends[group];
        let behaviour = g.phases[..=phase]
            .iter()
            .fold(g.initial_behaviour(), |b, p| b.with_phase(p));
        for host in 0..self.backends.len() {
            if self.backends[host].group != group {
                continue;
            }
            self.backends[host].behaviour = behaviour.clone();
            while let Some((job, service)) = self.backends[host].start_next() {
                self.schedule(
                    self.now.after(service),
                    Event::ServiceDone {
                        attempt: job.attempt,
                        conn: job.conn,
                        host: host as u32,
                    },
                );
            }
        }
    }
}
