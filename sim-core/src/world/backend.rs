//! Synthetic backend hosts: a service-time distribution, a concurrency limit with a bounded FIFO
//! queue (503 at once when it is full), errors with a probability, keep-alive or close after each
//! response, all changeable by phases; its listening socket's TCP accept queue; requests in
//! service either each take their own service time (`fifo`) or share one server
//! (`processor_sharing`, in `sharing.rs`); past a saturation point (`overload`) arrivals may fail
//! at once.

use std::collections::VecDeque;

use rand::RngExt;

use super::sharing::SharedServer;
use crate::rng::{SimRng, StreamKind, stream};
use crate::scenario::{BackendBehaviour, BackendGroup, Overload, ServiceModel};
use crate::slab::Key;
use crate::time::SimDuration;

/// A request at a backend host: the upstream attempt and the connection it came on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Job {
    /// The upstream attempt being served (a key in the run's attempts).
    pub attempt: Key,
    /// The connection it arrived on.
    pub conn: Key,
}

/// The answer to a finished job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status: 200, the group's `error_status`, or 503 for a full queue.
    pub status: u16,
    /// False when the host answers like an HTTP/1.0 server and closes the connection.
    pub keep_alive: bool,
}

/// The status of the answer to a request that finds the queue full, as Envoy's own reply to a
/// pending-queue overflow (`upstream_rq_pending_overflow`, 503 with `x-envoy-overloaded`).
pub const QUEUE_OVERFLOW_STATUS: u16 = 503;

/// What becomes of a request that reaches a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// A slot was free: its service starts now and lasts this long (`fifo`), or needs this
    /// much of the shared server (`processor_sharing`).
    Start(SimDuration),
    /// Every slot is busy: it waits in the queue.
    Queued,
    /// Every slot is busy and the queue is full: the host answers it at once.
    Overflow(Answer),
    /// Past the `overload` point, it failed the draw: the host answers it at once.
    Shed(Answer),
}

/// What the host's kernel does with a SYN that reaches its listening socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    /// The server accepts the connection as soon as its handshake completes (an event loop,
    /// `concurrency = 0`): it never waits in the accept queue.
    Accepted,
    /// The handshake completes into the accept queue, where the connection waits until the
    /// server accepts it (`accept`).
    Queued,
    /// The accept queue is full: the SYN is dropped and the client will send it again.
    Dropped,
}

#[derive(Clone, Debug)]
/// One backend host: its current behaviour, the requests in service and its FIFO queue.
pub struct BackendHost {
    /// Index of its backend group in the scenario.
    pub group: usize,
    /// What it does now: the group's fields with the phases started so far applied.
    pub behaviour: BackendBehaviour,
    /// Its own random stream (service times, errors).
    pub rng: SimRng,
    in_service: u32,
    queue: VecDeque<Job>,
    /// Requests that may wait in `queue`.
    max_queue_length: usize,
    /// Requests answered 503 at once because the queue was full.
    pub queue_overflows: u64,
    /// Bumped at each crash: work started before it is lost.
    epoch: u32,
    /// Connections in the accept queue: handshake completed, not yet accepted.
    accept_queue: u32,
    /// The listen backlog (`sk_max_ack_backlog`).
    listen_backlog: u32,
    /// SYNs dropped because the accept queue was full (Linux's `ListenOverflows`).
    pub listen_overflows: u64,
    /// How the requests in service share the host.
    pub model: ServiceModel,
    /// The requests in service under `processor_sharing` (empty under `fifo`).
    pub shared: SharedServer,
    /// Errors past a saturation point.
    overload: Option<Overload>,
    /// Requests answered at once past the `overload` point.
    pub overload_errors: u64,
}

impl BackendHost {
    /// Host `replica` of group `group`; its random stream depends only on those two numbers.
    pub fn new(group: usize, replica: u32, g: &BackendGroup, seed: u64) -> Self {
        BackendHost {
            group,
            behaviour: g.initial_behaviour(),
            rng: stream(
                seed,
                StreamKind::BackendHost,
                ((group as u64) << 24) | u64::from(replica),
            ),
            in_service: 0,
            queue: VecDeque::new(),
            max_queue_length: g.max_queue_length as usize,
            queue_overflows: 0,
            epoch: 0,
            accept_queue: 0,
            listen_backlog: g.listen_backlog,
            listen_overflows: 0,
            model: g.service_model,
            shared: SharedServer::default(),
            overload: g.overload.clone(),
            overload_errors: 0,
        }
    }

    /// Crashes so far: a service-done event from an earlier epoch is stale and dropped.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The process dies: everything in service or waiting is lost.
    pub fn crash(&mut self) {
        self.epoch += 1;
        self.in_service = 0;
        self.queue.clear();
        self.shared.clear();
    }

    /// A service time drawn for the current behaviour (slow periods multiply it).
    fn service_time(&mut self) -> SimDuration {
        let base = self.behaviour.service_time.sample(&mut self.rng);
        let m = self.behaviour.latency_multiplier;
        if m == 1.0 {
            base
        } else {
            SimDuration((base.0 as f64 * m).round().max(0.0) as u64)
        }
    }

    fn has_free_slot(&self) -> bool {
        self.behaviour.concurrency == 0 || self.in_service < self.behaviour.concurrency
    }

    /// Requests waiting for a free slot.
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Requests in service now (at most `concurrency` unless it is 0).
    pub fn in_service(&self) -> u32 {
        self.in_service
    }

    /// A SYN reaches the host (a crashed or black-holed host is the caller's business).
    ///
    /// Linux's `tcp_conn_request` (`net/ipv4/tcp_input.c`) drops the SYN when
    /// `sk_acceptq_is_full` (`include/net/sock.h`): `sk_ack_backlog > sk_max_ack_backlog`, so
    /// the queue holds up to `listen_backlog + 1` connections (one for a backlog of 0). With
    /// `tcp_abort_on_overflow = 0` (the default) nothing is sent back: the client's
    /// retransmission timer is all that follows. The kernel completes the handshake itself;
    /// the connection then waits for `accept`. A host without a concurrency limit stands for an
    /// event loop that accepts at once.
    pub fn handshake(&mut self) -> Handshake {
        if self.accept_queue > self.listen_backlog {
            self.listen_overflows += 1;
            Handshake::Dropped
        } else if self.behaviour.concurrency == 0 {
            Handshake::Accepted
        } else {
            self.accept_queue += 1;
            Handshake::Queued
        }
    }

    /// The server accepts a connection from its accept queue (or its client closed it).
    pub fn accept(&mut self) {
        debug_assert!(self.accept_queue > 0);
        self.accept_queue -= 1;
    }

    /// Connections waiting in the accept queue.
    pub fn accept_queue_len(&self) -> u32 {
        self.accept_queue
    }

    /// A job arrives: it starts if a slot is free, else waits in line if the line is shorter
    /// than `max_queue_length`, else is answered 503 at once.
    ///
    /// The overflow follows Envoy's own pending queue (`ConnPoolImplBase::newStreamImpl` in
    /// `source/common/conn_pool/conn_pool_base.cc`): a request may wait only while
    /// `pendingRequests().canCreate()`, that is `current < max` (`resource_manager_impl.h`), so
    /// 0 admits none; the request that finds it full fails at once with `Overflow`, and the
    /// router answers it with a local 503 (`Filter::onUpstreamAbort`, `router.cc`). The host
    /// answers that 503 itself, as an Envoy sidecar in front of it would: no service time,
    /// no random draw, the connection kept or closed as after any response.
    ///
    /// Before all that, past the `overload` point (more than `above` requests at the host,
    /// counting this one) the request fails with probability `error_probability`: answered
    /// `status` at once. The draw is made only there, and only for a probability strictly
    /// between 0 and 1.
    pub fn arrive(&mut self, job: Job) -> Arrival {
        if let Some(answer) = self.shed() {
            self.overload_errors += 1;
            return Arrival::Shed(answer);
        }
        if self.has_free_slot() {
            self.in_service += 1;
            Arrival::Start(self.service_time())
        } else if self.queue.len() < self.max_queue_length {
            self.queue.push_back(job);
            Arrival::Queued
        } else {
            self.queue_overflows += 1;
            Arrival::Overflow(Answer {
                status: QUEUE_OVERFLOW_STATUS,
                keep_alive: self.behaviour.keep_alive,
            })
        }
    }

    /// The answer to an arrival past the `overload` point that fails its draw, if it does.
    fn shed(&mut self) -> Option<Answer> {
        let o = self.overload.as_ref()?;
        let at_host = u64::from(self.in_service) + self.queue.len() as u64 + 1;
        let p = o.error_probability.0;
        if at_host <= u64::from(o.above) || p <= 0.0 {
            return None;
        }
        let status = o.status;
        let failed = p >= 1.0 || self.rng.random::<f64>() < p;
        failed.then_some(Answer {
            status,
            keep_alive: self.behaviour.keep_alive,
        })
    }

    /// A job's service ends: decides its answer. Draws only when the error probability is
    /// strictly between 0 and 1.
    pub fn finish(&mut self) -> Answer {
        debug_assert!(self.in_service > 0);
        self.in_service -= 1;
        let p = self.behaviour.error_probability.0;
        let failed = p >= 1.0 || (p > 0.0 && self.rng.random::<f64>() < p);
        Answer {
            status: if failed {
                self.behaviour.error_status
            } else {
                200
            },
            keep_alive: self.behaviour.keep_alive,
        }
    }

    /// Starts the next waiting job if a slot is free, with its service time.
    pub fn start_next(&mut self) -> Option<(Job, SimDuration)> {
        if !self.has_free_slot() {
            return None;
        }
        let job = self.queue.pop_front()?;
        self.in_service += 1;
        Some((job, self.service_time()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Distribution;
    use crate::scenario::Probability;
    use crate::slab::Slab;
    use std::num::NonZeroU32;

    fn group(concurrency: u32, p: f64) -> BackendGroup {
        BackendGroup {
            name: "b".into(),
            replicas: 1,
            weight: NonZeroU32::MIN,
            priority: 0,
            service_time: Distribution::Constant(SimDuration::from_millis(1)),
            concurrency,
            service_model: ServiceModel::Fifo,
            overload: None,
            max_queue_length: 100_000,
            keep_alive: true,
            http2_max_concurrent_streams: None,
            error_probability: Probability(p),
            error_status: 503,
            listen_backlog: 4096,
            phases: vec![],
        }
    }

    fn jobs(n: usize) -> Vec<Job> {
        let mut s = Slab::new();
        (0..n)
            .map(|_| {
                let k = s.insert(());
                Job {
                    attempt: k,
                    conn: k,
                }
            })
            .collect()
    }

    #[test]
    fn concurrency_limit_queues_in_fifo_order() {
        let mut h = BackendHost::new(0, 0, &group(2, 0.0), 1);
        let j = jobs(4);
        let ms = Arrival::Start(SimDuration::from_millis(1));
        assert_eq!(h.arrive(j[0]), ms);
        assert_eq!(h.arrive(j[1]), ms);
        assert_eq!(h.arrive(j[2]), Arrival::Queued);
        assert_eq!(h.arrive(j[3]), Arrival::Queued);
        assert_eq!(h.start_next(), None, "both slots are busy");
        assert_eq!(h.finish().status, 200);
        assert_eq!(h.start_next().map(|(job, _)| job), Some(j[2]));
        h.finish();
        assert_eq!(h.start_next().map(|(job, _)| job), Some(j[3]));
        assert_eq!(h.queue_len(), 0);
        assert_eq!(h.in_service(), 2);
    }

    /// Concurrency 1, queue 2, five jobs at once: the first starts, the next two wait, the last
    /// two are answered 503 at once (Envoy's `current < max` on its pending queue). Once the
    /// first is done, the queue has room for one more.
    #[test]
    fn a_full_queue_answers_503_at_once() {
        let mut g = group(1, 0.0);
        g.max_queue_length = 2;
        let mut h = BackendHost::new(0, 0, &g, 1);
        let j = jobs(6);
        let overflow = Arrival::Overflow(Answer {
            status: 503,
            keep_alive: true,
        });
        assert_eq!(h.arrive(j[0]), Arrival::Start(SimDuration::from_millis(1)));
        assert_eq!(h.arrive(j[1]), Arrival::Queued);
        assert_eq!(h.arrive(j[2]), Arrival::Queued);
        assert_eq!(h.arrive(j[3]), overflow);
        assert_eq!(h.arrive(j[4]), overflow);
        assert_eq!(
            (h.queue_len(), h.in_service(), h.queue_overflows),
            (2, 1, 2)
        );
        h.finish();
        assert_eq!(h.start_next().map(|(job, _)| job), Some(j[1]));
        assert_eq!(h.arrive(j[5]), Arrival::Queued);
        assert_eq!(h.queue_len(), 2);
        let mut none = group(1, 0.0);
        none.max_queue_length = 0;
        let mut h = BackendHost::new(0, 0, &none, 1);
        assert!(matches!(h.arrive(j[0]), Arrival::Start(_)));
        assert_eq!(h.arrive(j[1]), overflow, "0: no request waits");
    }

    /// Worked by hand from `sk_acceptq_is_full` (`>`): backlog 1, one slot, three handshakes:
    /// the first two complete into the queue (0 > 1 and 1 > 1 are false), the third finds
    /// 2 > 1 and is dropped. Once the server accepts one, the next SYN completes again.
    /// Backlog 0 still admits one connection.
    #[test]
    fn a_full_accept_queue_drops_the_syn() {
        let mut g = group(1, 0.0);
        g.listen_backlog = 1;
        let mut h = BackendHost::new(0, 0, &g, 1);
        assert_eq!(h.handshake(), Handshake::Queued);
        assert_eq!(h.handshake(), Handshake::Queued);
        assert_eq!(h.handshake(), Handshake::Dropped);
        assert_eq!((h.accept_queue_len(), h.listen_overflows), (2, 1));
        h.accept();
        assert_eq!(h.handshake(), Handshake::Queued);
        g.listen_backlog = 0;
        let mut zero = BackendHost::new(0, 0, &g, 1);
        assert_eq!(zero.handshake(), Handshake::Queued);
        assert_eq!(zero.handshake(), Handshake::Dropped);
        let mut event_loop = BackendHost::new(0, 0, &group(0, 0.0), 1);
        for _ in 0..3 {
            assert_eq!(event_loop.handshake(), Handshake::Accepted);
        }
        assert_eq!(event_loop.accept_queue_len(), 0);
    }

    #[test]
    fn error_probability_sets_the_share_of_errors() {
        let mut h = BackendHost::new(0, 0, &group(0, 0.3), 1);
        let n = 20_000;
        let errors = (0..n)
            .filter(|_| {
                h.arrive(jobs(1)[0]);
                h.finish().status == 503
            })
            .count();
        assert!((errors as f64 / n as f64 - 0.3).abs() < 0.015);
        let mut always = BackendHost::new(0, 0, &group(0, 1.0), 1);
        always.arrive(jobs(1)[0]);
        assert_eq!(always.finish().status, 503);
    }

    /// Worked by hand from `arrive`: `above = 2`, probability 1, concurrency 1: the first two
    /// arrivals (1 and 2 at the host, counting each) start and wait; the third (3 > 2) is
    /// answered the overload status at once and neither served nor queued.
    #[test]
    fn arrivals_past_the_overload_point_fail_at_once() {
        let mut g = group(1, 0.0);
        g.overload = Some(Overload {
            above: 2,
            error_probability: Probability(1.0),
            status: 429,
        });
        let mut h = BackendHost::new(0, 0, &g, 1);
        let j = jobs(3);
        assert!(matches!(h.arrive(j[0]), Arrival::Start(_)));
        assert_eq!(h.arrive(j[1]), Arrival::Queued);
        let shed = Arrival::Shed(Answer {
            status: 429,
            keep_alive: true,
        });
        assert_eq!(h.arrive(j[2]), shed);
        assert_eq!(
            (h.in_service(), h.queue_len(), h.overload_errors),
            (1, 1, 1)
        );
        h.finish();
        assert!(h.start_next().is_some());
        assert!(
            matches!(h.arrive(j[2]), Arrival::Queued),
            "2 at the host: not past 2"
        );
    }

    /// Probability 0.25 past the point: about a quarter fail; below the point, no draw is made
    /// (the stream is where a host without `overload` would have it).
    #[test]
    fn overload_probability_sets_the_share_and_draws_only_past_the_point() {
        let mut g = group(0, 0.0);
        g.overload = Some(Overload {
            above: 1,
            error_probability: Probability(0.25),
            status: 503,
        });
        let mut h = BackendHost::new(0, 0, &g, 1);
        let j = jobs(2);
        assert!(matches!(h.arrive(j[0]), Arrival::Start(_)), "1 at the host");
        let mut plain = BackendHost::new(0, 0, &group(0, 0.0), 1);
        assert_eq!(h.rng.random::<u64>(), plain.rng.random::<u64>());
        let n = 20_000;
        let shed = (0..n)
            .filter(|_| matches!(h.arrive(j[1]), Arrival::Shed(_)))
            .count();
        assert!((shed as f64 / n as f64 - 0.25).abs() < 0.015, "{shed}");
    }

    #[test]
    fn hosts_streams_depend_only_on_group_and_replica() {
        let g = group(0, 0.5);
        let mut a = BackendHost::new(1, 2, &g, 9);
        let mut b = BackendHost::new(1, 2, &g, 9);
        let mut c = BackendHost::new(1, 3, &g, 9);
        let draw = |h: &mut BackendHost| h.rng.random::<u64>();
        assert_eq!(draw(&mut a), draw(&mut b));
        assert_ne!(draw(&mut a), draw(&mut c));
    }
}
