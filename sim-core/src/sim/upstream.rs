//! Envoy's upstream side besides the router and the connect (`tcp_connect.rs`): backend hosts
//! serve, crash, stop answering, slow down or restart.

use super::Simulation;
use super::events::Event;
use super::record::What;
use crate::envoy::conn_pool::ConnId;
use crate::slab::Key;
use crate::time::SimDuration;
use crate::world::backend::{Answer, Arrival, Job};

impl Simulation<'_> {
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

    /// A request reaches its host: served, queued, answered 503 at once (queue full), held
    /// until the server has its connection (`accept.rs`), or (black hole) never answered.
    pub(super) fn on_request_at_backend(&mut self, attempt: Key, conn: ConnId, host: usize) {
        if !self.conns.contains(conn) {
            return; // Reset on the way: the host never sees it.
        }
        let b = &self.backends[host].behaviour;
        if b.black_hole || b.crashed {
            return;
        }
        self.rec_attempt(attempt, |request, attempt| What::AtBackend {
            request,
            attempt,
        });
        if self.server_takes_request(attempt, conn, host) {
            self.serve_request(attempt, conn, host);
        }
    }

    /// The server has the request: served, queued, or answered at once.
    pub(super) fn serve_request(&mut self, attempt: Key, conn: ConnId, host: usize) {
        if self.backends[host].hold(Job { attempt, conn }) {
            return; // Paused: read when the pause ends (`on_pause_end`).
        }
        if !self.admit_backend_stream(attempt, conn, host) {
            return self.leave_accept_queue(conn, host); // It answered REFUSED_STREAM.
        }
        let arrival = self.backends[host].arrive(Job { attempt, conn });
        if arrival != Arrival::Queued {
            self.leave_accept_queue(conn, host);
        }
        let b = &mut self.backends[host];
        let job = Job { attempt, conn };
        match arrival {
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
        self.rec_attempt(attempt, |request, attempt| What::Answered {
            request,
            attempt,
            status: answer.status,
        });
        let event = Event::ResponseAtEnvoy {
            attempt,
            conn,
            status: answer.status,
            keep_alive: answer.keep_alive,
        };
        self.schedule(self.now.after(latency), event);
    }

    pub(super) fn on_service_done(
        &mut self,
        attempt: Key,
        conn: ConnId,
        host: usize,
        epoch: u32,
        due: u64,
    ) {
        let b = &mut self.backends[host];
        if b.epoch() != epoch {
            return; // Served by a process that has crashed since.
        }
        if let Some(later) = b.pausing.recheck(self.now, due) {
            return self.service_held_back(later, attempt, conn, host, due);
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
            self.leave_accept_queue(job.conn, host);
            self.begin_service(host, job, service);
        }
        self.service_changed(host);
    }

    /// A backend group enters phase `phase`: its hosts take the behaviour with every phase up to
    /// this one applied. A crash resets every connection to them (and what is in flight); a
    /// restart sends GOAWAY; a raised concurrency limit starts waiting jobs. Then the phase's
    /// EDS update, if it has one (`replicas`, `replace`).
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
                self.backends[host].crash(self.now);
                self.for_each_connection(host, |p, env, conn| p.on_remote_close(env, conn));
            } else if restart {
                self.for_each_connection(host, |p, env, conn| p.on_goaway(env, conn));
            }
            self.start_waiting_jobs(host);
        }
        self.apply_membership_change(group, phase);
    }

    pub(super) fn start_waiting_jobs(&mut self, host: usize) {
        while let Some((job, service)) = self.backends[host].start_next() {
            self.leave_accept_queue(job.conn, host);
            self.begin_service(host, job, service);
        }
        self.service_changed(host);
    }

    /// Runs `f` on every live connection to `host`, in every worker's pool of every Envoy.
    fn for_each_connection(
        &mut self,
        host: usize,
        mut f: impl FnMut(
            &mut crate::envoy::conn_pool::ConnPool,
            &mut crate::envoy::conn_pool::PoolEnv,
            ConnId,
        ),
    ) {
        for envoy in 0..self.proxies.len() {
            for worker in 0..self.proxies[envoy].concurrency {
                let pool = self.proxies[envoy].pool_index(worker, host);
                let conns: Vec<ConnId> = self.proxies[envoy].pool_connections(pool);
                for conn in conns {
                    self.with_pool(pool, |p, env| f(p, env, conn));
                }
            }
        }
    }
}
