//! Envoy's upstream side besides the router: connections connect, are refused or time out;
//! backend hosts serve, crash, stop answering, slow down or restart.

use super::events::Event;
use super::{ConnTimers, Simulation};
use crate::envoy::conn_pool::ConnId;
use crate::slab::Key;
use crate::time::SimDuration;
use crate::world::backend::{Answer, Arrival, Job};

impl Simulation<'_> {
    pub(super) fn start_connect(&mut self, conn: ConnId) {
        let host = self.proxy.host_of_pool(self.proxy.conns[conn].pool);
        let connect_time = self
            .upstream
            .connect_time
            .sample(&mut self.backends[host].rng);
        let done = self.schedule(self.now.after(connect_time), Event::ConnectDone { conn });
        let timeout = self.schedule_in(self.proxy.connect_timeout, Event::ConnectTimeout { conn });
        if self.conn_timers.len() <= conn.index() {
            self.conn_timers
                .resize(conn.index() + 1, ConnTimers::default());
        }
        self.conn_timers[conn.index()] = ConnTimers {
            connect_done: Some(done),
            connect_timeout: Some(timeout),
        };
        self.reset_backend_streams(conn);
    }

    /// The TCP handshake ends: connected, refused by a crashed host (a remote connection
    /// failure), or nothing at all from a black-holed one (the connect timer will fire).
    pub(super) fn on_connect_done(&mut self, conn: ConnId) {
        let pool = self.proxy.conns[conn].pool;
        let host = self.proxy.host_of_pool(pool);
        let b = &self.backends[host].behaviour;
        if b.black_hole {
            self.conn_timers[conn.index()].connect_done = None;
            return;
        }
        let timers = std::mem::take(&mut self.conn_timers[conn.index()]);
        self.cancel(timers.connect_timeout);
        if self.backends[host].behaviour.crashed {
            self.proxy
                .with_pool(pool, |p, env| p.on_remote_close(env, conn));
        } else {
            self.proxy
                .with_pool(pool, |p, env| p.on_connected(env, conn));
            self.send_settings(conn, host);
        }
    }

    pub(super) fn on_connect_timeout(&mut self, conn: ConnId) {
        let timers = std::mem::take(&mut self.conn_timers[conn.index()]);
        self.cancel(timers.connect_done);
        let pool = self.proxy.conns[conn].pool;
        self.proxy
            .with_pool(pool, |p, env| p.on_connect_timeout(env, conn));
    }

    /// The request travels to its host.
    pub(super) fn send_to_backend(&mut self, attempt: Key, conn: ConnId, host: usize) {
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

    /// A request reaches its host: served, queued, answered 503 at once (queue full), or (black
    /// hole) never answered.
    pub(super) fn on_request_at_backend(&mut self, attempt: Key, conn: ConnId, host: usize) {
        if !self.proxy.conns.contains(conn) {
            return; // Reset on the way: the host never sees it.
        }
        let b = &self.backends[host].behaviour;
        if b.black_hole || b.crashed || !self.admit_backend_stream(attempt, conn, host) {
            return;
        }
        let b = &mut self.backends[host];
        let job = Job { attempt, conn };
        match b.arrive(job) {
            Arrival::Start(service) => {
                self.begin_service(host, job, service);
                self.service_changed(host);
            }
            Arrival::Queued => {}
            Arrival::Overflow(answer) | Arrival::Shed(answer) => {
                let latency = self.upstream.latency.sample(&mut b.rng);
                self.respond_to_envoy(latency, attempt, conn, answer);
            }
        }
    }

    /// The host's answer travels back to Envoy, arriving `latency` from now.
    fn respond_to_envoy(
        &mut self,
        latency: SimDuration,
        attempt: Key,
        conn: ConnId,
        answer: Answer,
    ) {
        self.backend_answers(attempt, conn);
        let event = Event::ResponseAtEnvoy {
            attempt,
            conn,
            status: answer.status,
            keep_alive: answer.keep_alive,
        };
        self.schedule(self.now.after(latency), event);
    }

    pub(super) fn on_service_done(&mut self, attempt: Key, conn: ConnId, host: usize, epoch: u32) {
        let b = &mut self.backends[host];
        if b.epoch() != epoch {
            return; // Served by a process that has crashed since.
        }
        self.end_service(host, Job { attempt, conn });
        let b = &mut self.backends[host];
        let answer = b.finish();
        let latency = self.upstream.latency.sample(&mut b.rng);
        let next = b.start_next();
        if !self.backends[host].behaviour.black_hole {
            self.respond_to_envoy(latency, attempt, conn, answer);
        }
        if let Some((job, service)) = next {
            self.begin_service(host, job, service);
        }
        self.service_changed(host);
    }

    /// A backend group enters phase `phase`: its hosts take the behaviour with every phase up to
    /// this one applied. A crash resets every connection to them (and what is in flight); a
    /// restart sends GOAWAY; a raised concurrency limit starts waiting jobs.
    pub(super) fn on_phase_change(&mut self, group: usize, phase: usize) {
        let g = &self.scenario.backends[group];
        let behaviour = g.phases[..=phase]
            .iter()
            .fold(g.initial_behaviour(), |b, p| b.with_phase(p));
        let restart = g.phases[phase].restart;
        for host in 0..self.backends.len() {
            if self.backends[host].group != group {
                continue;
            }
            let crashes = behaviour.crashed && !self.backends[host].behaviour.crashed;
            self.backends[host].behaviour = behaviour.clone();
            if crashes {
                self.backends[host].crash();
                self.for_each_connection(host, |p, env, conn| p.on_remote_close(env, conn));
            } else if restart {
                self.for_each_connection(host, |p, env, conn| p.on_goaway(env, conn));
            }
            self.start_waiting_jobs(host);
        }
    }

    fn start_waiting_jobs(&mut self, host: usize) {
        while let Some((job, service)) = self.backends[host].start_next() {
            self.begin_service(host, job, service);
        }
        self.service_changed(host);
    }

    /// Runs `f` on every live connection to `host`, in every worker's pool.
    fn for_each_connection(
        &mut self,
        host: usize,
        mut f: impl FnMut(
            &mut crate::envoy::conn_pool::ConnPool,
            &mut crate::envoy::conn_pool::PoolEnv,
            ConnId,
        ),
    ) {
        for worker in 0..self.proxy.concurrency {
            let pool = self.proxy.pool_index(worker, host);
            let conns: Vec<ConnId> = self.proxy.pool_connections(pool);
            for conn in conns {
                self.proxy.with_pool(pool, |p, env| f(p, env, conn));
            }
        }
    }
}
