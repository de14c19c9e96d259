//! Synthetic backend hosts: a service-time distribution, a concurrency limit with a bounded FIFO
//! queue (503 at once when it is full), errors with a probability, keep-alive or close after each
//! response, all changeable by phases; its listening socket's TCP accept queue; requests in
//! service either each take their own service time (`fifo`) or share one server
//! (`processor_sharing`, in `sharing.rs`); past a saturation point (`overload`) arrivals may fail
//! at once; stop-the-world pauses (`pause.rs`) hold everything but the kernel.

use std::collections::VecDeque;

use rand::RngExt;

use super::pause::Pausing;
use super::sharing::SharedServer;
use crate::dist::Distribution;
use crate::rng::{SimRng, StreamKind, stream};
use crate::scenario::{BackendBehaviour, BackendGroup, Overload, ServiceModel};
use crate::slab::Key;
use crate::time::{SimDuration, SimTime};

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

/// What the host's kernel does with the final ACK of a handshake (the SYN was answered).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    /// The server accepts the connection as soon as its handshake completes (an event loop,
    /// `concurrency = 0` without an `accept_time`): it never waits in the accept queue.
    Accepted,
    /// The handshake completes into the accept queue, where the connection waits until the
    /// server accepts it (`accept`).
    Queued,
    /// The accept queue is full: the ACK is dropped. The client counts itself connected; the
    /// server holds no connection until a later segment finds room (`unfinished_data`).
    Unfinished,
}

/// One backend host: its current behaviour, the requests in service and its FIFO queue.
///
/// Layout: `repr(C)` keeps the fields in the order written, the ones every request reads or
/// writes first (counts, queue, behaviour, overload, pause flag: a few adjacent cache lines,
/// then the random stream), and those of connection set-up, pauses and crashes after them.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct BackendHost {
    in_service: u32,
    /// Bumped at each crash: work started before it is lost.
    epoch: u32,
    /// Requests that may wait in `queue`.
    max_queue_length: usize,
    queue: VecDeque<Job>,
    /// What it does now: the group's fields with the phases started so far applied.
    pub behaviour: BackendBehaviour,
    /// Errors past a saturation point.
    overload: Option<Overload>,
    /// Its stop-the-world pauses and running clock.
    pub pausing: Pausing,
    /// How the requests in service share the host.
    pub model: ServiceModel,
    /// Its own random stream (service times, errors).
    pub rng: SimRng,
    /// The requests in service under `processor_sharing` (empty under `fifo`).
    pub shared: SharedServer,
    /// Index of its backend group in the scenario.
    pub group: usize,
    /// Requests answered 503 at once because the queue was full.
    pub queue_overflows: u64,
    /// Requests answered at once past the `overload` point.
    pub overload_errors: u64,
    /// Connections in the accept queue: handshake completed, not yet accepted.
    accept_queue: u32,
    /// The listen backlog (`sk_max_ack_backlog`).
    listen_backlog: u32,
    /// SYNs, final ACKs and data of unfinished handshakes dropped because the accept queue
    /// was full (Linux's `ListenOverflows`).
    pub listen_overflows: u64,
    /// The accept loop is busy with the connection it accepted last.
    accept_busy: bool,
    /// The accept loop's time per accepted connection, if the server has one.
    accept_time: Option<Distribution>,
    /// With an accept loop: the connections in the accept queue in the order their
    /// handshakes completed (entries of connections closed since are skipped).
    accept_order: VecDeque<Key>,
    /// The connection the accept loop was to have when a pause stopped it.
    accept_after_pause: Option<Key>,
    /// Requests that arrived during the current pause, in arrival order: the kernel holds
    /// them until the process reads them.
    held: VecDeque<Job>,
}

impl BackendHost {
    /// Host `replica` of group `group`; its random stream depends only on those two numbers.
    pub fn new(group: usize, replica: u32, g: &BackendGroup, seed: u64) -> Self {
        let id = ((group as u64) << 24) | u64::from(replica);
        BackendHost {
            group,
            behaviour: g.initial_behaviour(),
            rng: stream(seed, StreamKind::BackendHost, id),
            in_service: 0,
            queue: VecDeque::new(),
            max_queue_length: g.max_queue_length as usize,
            queue_overflows: 0,
            epoch: 0,
            accept_queue: 0,
            listen_backlog: g.listen_backlog,
            listen_overflows: 0,
            accept_time: g.accept_time.clone(),
            accept_busy: false,
            accept_order: VecDeque::new(),
            accept_after_pause: None,
            model: g.service_model,
            shared: SharedServer::default(),
            overload: g.overload.clone(),
            overload_errors: 0,
            pausing: Pausing::new(g.pauses.as_ref(), seed, id),
            held: VecDeque::new(),
        }
    }

    /// Crashes so far: a service-done event from an earlier epoch is stale and dropped.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The process dies at `now`: everything in service or waiting is lost, and a pause in
    /// progress ends (what the kernel held went with the connections the crash reset).
    pub fn crash(&mut self, now: SimTime) {
        self.epoch += 1;
        self.in_service = 0;
        self.queue.clear();
        self.shared.clear();
        self.accept_busy = false;
        self.accept_order.clear();
        self.accept_after_pause = None;
        self.pausing.interrupt(now);
        self.held.clear();
    }

    /// A request reaches the host during a pause: the kernel holds it (true), or the process
    /// runs and reads it now (false).
    pub fn hold(&mut self, job: Job) -> bool {
        if self.pausing.is_paused() {
            self.held.push_back(job);
        }
        self.pausing.is_paused()
    }

    /// After a pause, the next request the kernel held, in arrival order.
    pub fn next_held(&mut self) -> Option<Job> {
        self.held.pop_front()
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

    /// The accept queue is full: `sk_acceptq_is_full` (`include/net/sock.h`) is
    /// `sk_ack_backlog > sk_max_ack_backlog`, so the queue holds up to `listen_backlog + 1`
    /// connections (one for a backlog of 0).
    fn accept_queue_full(&self) -> bool {
        self.accept_queue > self.listen_backlog
    }

    /// A SYN reaches the host (a crashed or black-holed host is the caller's business):
    /// answered with a SYN-ACK (`true`), or dropped because the accept queue is full
    /// (`tcp_conn_request`, `net/ipv4/tcp_input.c`; with `tcp_abort_on_overflow = 0`, the
    /// default, nothing is sent back and the client's retransmission timer is all that
    /// follows). A full SYN queue does not drop it: `tcp_syncookies = 1` answers with a cookie.
    pub fn syn(&mut self) -> bool {
        if self.accept_queue_full() {
            self.listen_overflows += 1;
            return false;
        }
        true
    }

    /// The final ACK of a handshake reaches the host. The kernel creates the connection
    /// (`tcp_v4_syn_recv_sock`, `net/ipv4/tcp_ipv4.c`) unless the accept queue is full again
    /// (`exit_overflow`, counted in `ListenOverflows`); then `tcp_check_req`
    /// (`net/ipv4/tcp_minisocks.c`) drops the ACK and sends nothing back: the handshake stays
    /// unfinished. A created connection waits for `accept`; an event-loop server (no
    /// concurrency limit, no `accept_time`) stands for one that accepts at once, unless it is
    /// paused.
    pub fn handshake(&mut self) -> Handshake {
        if self.accept_queue_full() {
            self.listen_overflows += 1;
            Handshake::Unfinished
        } else if self.behaviour.concurrency == 0
            && self.accept_time.is_none()
            && !self.pausing.is_paused()
        {
            Handshake::Accepted
        } else {
            self.accept_queue += 1;
            Handshake::Queued
        }
    }

    /// A data segment of an unfinished handshake reaches the host: like the lost ACK, it lets
    /// the kernel create the connection, with that data, if the accept queue has room
    /// (`true`: the connection waits for `accept`); otherwise it is dropped too.
    pub fn unfinished_data(&mut self) -> bool {
        if self.accept_queue_full() {
            self.listen_overflows += 1;
            return false;
        }
        self.accept_queue += 1;
        true
    }

    /// Whether the server takes connections from the accept queue with its own loop
    /// (`accept_time`) rather than when it starts serving.
    pub fn has_accept_loop(&self) -> bool {
        self.accept_time.is_some()
    }

    /// With an accept loop: `conn` completed into the accept queue and waits its turn.
    pub fn wait_for_accept(&mut self, conn: Key) {
        self.accept_order.push_back(conn);
    }

    /// With an accept loop that is free: the next connection in the accept queue for which
    /// `still_queued` holds (the others were closed by their clients), and how long the loop
    /// takes to have it; the loop is busy until `accept_turn_over`.
    pub fn next_accept(
        &mut self,
        still_queued: impl Fn(Key) -> bool,
    ) -> Option<(Key, SimDuration)> {
        if self.accept_busy {
            return None;
        }
        while let Some(conn) = self.accept_order.pop_front() {
            if still_queued(conn) {
                self.accept_busy = true;
                let time = self.accept_time.as_ref()?.sample(&mut self.rng);
                return Some((conn, time));
            }
        }
        None
    }

    /// The accept loop's turn ends during a pause: the process has the connection only when it
    /// runs again.
    pub fn accept_after_pause(&mut self, conn: Key) {
        self.accept_after_pause = Some(conn);
    }

    /// After a pause, the connection the accept loop was to have, if any.
    pub fn take_accept_after_pause(&mut self) -> Option<Key> {
        self.accept_after_pause.take()
    }

    /// The accept loop has the connection it turned to, and is free again.
    pub fn accept_turn_over(&mut self) {
        self.accept_busy = false;
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

    /// Starts the next waiting job if a slot is free and the host is not paused, with its
    /// service time.
    pub fn start_next(&mut self) -> Option<(Job, SimDuration)> {
        if !self.has_free_slot() || self.pausing.is_paused() {
            return None;
        }
        let job = self.queue.pop_front()?;
        self.in_service += 1;
        Some((job, self.service_time()))
    }
}

/// `n` distinct jobs for unit tests, each attempt on its own connection.
#[cfg(test)]
pub(crate) fn jobs(n: usize) -> Vec<Job> {
    let mut s = crate::slab::Slab::new();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Distribution;
    use crate::scenario::Probability;
    use std::num::NonZeroU32;

    /// What every request reads or writes, `in_service` up to `model`, lies before the random
    /// stream and within the host's first four cache lines; a pause schedule is not inline.
    #[test]
    fn per_request_fields_come_first() {
        use std::mem::{offset_of, size_of};
        assert_eq!(offset_of!(BackendHost, in_service), 0);
        assert!(offset_of!(BackendHost, model) < offset_of!(BackendHost, rng));
        assert!(offset_of!(BackendHost, rng) <= 256);
        assert!(size_of::<Pausing>() <= 48, "{}", size_of::<Pausing>());
    }

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
            accept_time: None,
            pauses: None,
            phases: vec![],
        }
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
    /// the first two complete into the queue (0 > 1 and 1 > 1 are false), the third's ACK
    /// finds 2 > 1 and is dropped, and so is a SYN then. A data segment of the unfinished
    /// handshake is dropped too until the server accepts one; then it creates the connection.
    /// Backlog 0 still admits one connection.
    #[test]
    fn a_full_accept_queue_drops_syns_acks_and_data() {
        let mut g = group(1, 0.0);
        g.listen_backlog = 1;
        let mut h = BackendHost::new(0, 0, &g, 1);
        assert!(
            h.syn() && h.syn() && h.syn(),
            "the queue is empty as the SYNs arrive"
        );
        assert_eq!(h.handshake(), Handshake::Queued);
        assert_eq!(h.handshake(), Handshake::Queued);
        assert_eq!(h.handshake(), Handshake::Unfinished);
        assert!(!h.syn());
        assert!(!h.unfinished_data());
        assert_eq!((h.accept_queue_len(), h.listen_overflows), (2, 3));
        h.accept();
        assert!(h.unfinished_data());
        assert_eq!(h.accept_queue_len(), 2);
        g.listen_backlog = 0;
        let mut zero = BackendHost::new(0, 0, &g, 1);
        assert_eq!(zero.handshake(), Handshake::Queued);
        assert_eq!(zero.handshake(), Handshake::Unfinished);
        let mut event_loop = BackendHost::new(0, 0, &group(0, 0.0), 1);
        for _ in 0..3 {
            assert_eq!(event_loop.handshake(), Handshake::Accepted);
        }
        assert_eq!(event_loop.accept_queue_len(), 0);
    }

    /// An accept loop takes connections in handshake order, skips ones closed meanwhile, and
    /// takes none while busy; even a host without a concurrency limit queues them.
    #[test]
    fn the_accept_loop_takes_one_connection_per_turn() {
        let mut g = group(0, 0.0);
        g.accept_time = Some(Distribution::Constant(SimDuration::from_micros(100)));
        let mut h = BackendHost::new(0, 0, &g, 1);
        let j = jobs(3);
        for job in &j {
            assert_eq!(h.handshake(), Handshake::Queued);
            h.wait_for_accept(job.conn);
        }
        let closed = j[0].conn;
        let turn = h.next_accept(|c| c != closed);
        assert_eq!(turn, Some((j[1].conn, SimDuration::from_micros(100))));
        assert_eq!(h.next_accept(|_| true), None, "busy");
        h.accept_turn_over();
        assert_eq!(h.next_accept(|_| true).map(|t| t.0), Some(j[2].conn));
        h.accept_turn_over();
        assert_eq!(h.next_accept(|_| true), None, "none left");
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
