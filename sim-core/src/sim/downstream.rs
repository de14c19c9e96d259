//! The client side of a run: clients send requests to Envoy and receive its responses.

use super::events::Event;
use super::{Reply, Request, Simulation};
use crate::envoy::local_reply::Flags;
use crate::scenario::ClientKind;
use crate::slab::Key;
use crate::time::{SimDuration, SimTime};

impl Simulation<'_> {
    /// Schedules a client send or arrival, counted so the run knows when clients are done.
    fn schedule_client_event(&mut self, at: SimTime, event: Event) {
        self.client_events_pending += 1;
        self.schedule(at, event);
    }

    /// Closed-loop workers start at the client's start, each `worker_start_interval` after the
    /// one before; open-loop clients schedule their first arrival.
    pub(super) fn schedule_client_start(&mut self, c: usize) {
        let client = &mut self.clients[c];
        match client.kind {
            ClientKind::ClosedLoop => {
                let (start, gap) = (client.start, client.worker_start_interval);
                for w in 0..client.workers.len() {
                    let offset = SimDuration(gap.as_nanos().saturating_mul(w as u64));
                    self.schedule_client_event(
                        start.after(offset),
                        Event::ClosedLoopSend {
                            client: c as u32,
                            worker: w as u32,
                        },
                    );
                }
            }
            ClientKind::OpenLoop => {
                let first = client.first_arrival();
                if client.is_open_at(first) {
                    self.schedule_client_event(first, Event::OpenLoopArrival { client: c as u32 });
                }
            }
        }
    }

    pub(super) fn on_closed_loop_send(&mut self, client: u32, worker: u32) {
        self.client_events_pending -= 1;
        let c = &mut self.clients[client as usize];
        if !c.is_open_at(self.now) || !c.take_request(worker as usize) {
            return;
        }
        self.send_request(client, Some(worker));
    }

    pub(super) fn on_open_loop_arrival(&mut self, client: u32) {
        self.client_events_pending -= 1;
        self.send_request(client, None);
        let c = &mut self.clients[client as usize];
        let next = self.now.after(c.next_gap());
        if c.is_open_at(next) {
            self.schedule_client_event(next, Event::OpenLoopArrival { client });
        }
    }

    /// The request travels to Envoy, over a new downstream connection if it needs one. One more
    /// than `limits.max_in_flight` stops the run instead.
    fn send_request(&mut self, client: u32, worker: Option<u32>) {
        if self.requests.len() as u64 >= self.scenario.limits.max_in_flight {
            self.hit_limit(super::Limit::InFlight);
            return;
        }
        let envoy = self.fleet.envoy_for(client, worker);
        let concurrency = self.proxies[envoy as usize].concurrency;
        let c = &mut self.clients[client as usize];
        let (envoy_worker, connect, latency) = match (&self.direct_worker_base, worker) {
            // No Envoy: the worker's own HTTP client has the request at once.
            (Some(base), Some(w)) => (
                base[client as usize] + w,
                SimDuration::ZERO,
                SimDuration::ZERO,
            ),
            _ => {
                let ds = c.downstream(worker.map(|w| w as usize), concurrency);
                let connect = if ds.new_connection {
                    self.downstream.connect_time.sample(&mut c.rng)
                } else {
                    SimDuration::ZERO
                };
                (
                    ds.envoy_worker,
                    connect,
                    self.downstream.latency.sample(&mut c.rng),
                )
            }
        };
        let request = self.requests.insert(Request {
            client,
            envoy,
            worker,
            envoy_worker,
            sent_at: self.now,
            ready_at: None,
            at_envoy: SimTime::ZERO,
            route_timer: None,
            attempt: None,
            retry: None,
            backoff_timer: None,
            flags: Flags::NONE,
            reply: None,
        });
        self.outcome.sent += 1;
        self.rec_sent(request, client, worker);
        let arrival = self.now.after(connect).after(latency);
        self.schedule(arrival, Event::RequestAtEnvoy { request });
    }

    /// Envoy sends the response (upstream or local) back to the client.
    /// Envoy sends the response (upstream or local) back to the client; the router's state for
    /// the request ends (a held retry slot is given back).
    pub(super) fn reply(&mut self, request: Key, status: u16, flags: Flags, local: bool) {
        self.rec_reply(request, status, flags, local);
        let r = &mut self.requests[request];
        let timer = r.route_timer.take();
        let backoff = r.backoff_timer.take();
        r.attempt = None;
        r.reply = Some(Reply {
            status,
            flags,
            local,
        });
        let retry = r.retry.take();
        let (client, envoy) = (r.client as usize, r.envoy);
        for f in flags.iter() {
            self.flagged_replies[f.index()] += 1;
        }
        self.local_replies += u64::from(local);
        if let Some(mut rs) = retry {
            self.px(envoy).release_retry(&mut rs);
            rs.attempted.clear();
            self.spare_host_lists.push(rs.attempted);
        }
        self.cancel(timer);
        self.cancel(backoff);
        let latency = if self.direct_worker_base.is_some() {
            SimDuration::ZERO
        } else {
            self.downstream
                .latency
                .sample(&mut self.clients[client].rng)
        };
        let at = self.now.after(latency);
        if at >= SimTime::HORIZON {
            self.hit_limit(super::Limit::Time);
        } else if self.stop_at.is_some_and(|stop| at > stop) {
            // It reaches its client after the run's end: in flight at the end.
            self.replies_past_end = true;
        } else {
            self.receipts.push((request, at));
        }
    }

    /// The responses of this iteration reach their clients (each at its own time, after the
    /// downstream latency): see [`Simulation::on_response_at_client`].
    pub(super) fn deliver_receipts(&mut self) {
        let mut receipts = std::mem::take(&mut self.receipts);
        for (request, at) in receipts.drain(..) {
            self.on_response_at_client(request, at);
        }
        self.receipts = receipts;
    }

    /// Envoy's response reaches its client at `at`. Done when Envoy sends it (at the end of
    /// that event-loop iteration), not as an event of its own: nothing in Envoy, the network
    /// or the hosts sees the arrival, and the client's part (its latency, its next request)
    /// depends only on `at`. The run's end still decides: a response due after it is not
    /// received (`reply`).
    fn on_response_at_client(&mut self, request: Key, at: SimTime) {
        let r = self.requests.remove(request).expect("a live request");
        let reply = r.reply.expect("a reply was sent");
        let latency = at.since(r.sent_at);
        self.last_receipt = self.last_receipt.max(at);
        self.rec_at_client(at, request, r.envoy, reply.status, reply.flags);
        let connected_at = r.ready_at.unwrap_or(r.sent_at);
        let dial = connected_at.since(r.sent_at);
        self.outcome
            .record(reply.status, reply.flags, latency, dial);
        if let Some(o) = self.fleet.outcomes.get_mut(r.envoy as usize) {
            o.record(reply.status, reply.flags, latency, dial);
        }
        if let (Some(log), false) = (self.request_log.as_mut(), reply.local) {
            log.push(crate::sim::RequestRecord {
                sent_at: r.sent_at,
                connected_at,
                done_at: at,
                status: reply.status,
            });
        }
        if let Some(t) = self.timeline.as_mut() {
            t.record(at, reply.status, reply.flags, reply.local);
        }
        if let Some(worker) = r.worker {
            let c = &mut self.clients[r.client as usize];
            let next = at.after(c.turnaround());
            if c.is_open_at(next) {
                self.schedule_client_event(
                    next,
                    Event::ClosedLoopSend {
                        client: r.client,
                        worker,
                    },
                );
            }
        }
    }
}
