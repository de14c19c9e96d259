//! One run: wires clients, the Envoy proxy and backends together on the event engine.
//! `run(&scenario, seed)` is the whole interface: the results, or the limit the run reached.

mod accept;
mod downstream;
mod events;
mod limits;
mod membership;
mod outcome;
mod pause;
mod proxy;
mod router;
mod service;
mod settings;
mod tcp_connect;
mod timeline;
mod upstream;

pub use limits::{Limit, RunLimitExceeded};
pub use outcome::{ClientOutcome, HostInfo, Peaks, RequestRecord, RunResult};
pub use timeline::{Bucket, Timeline};

use std::collections::VecDeque;

use crate::engine::{EventQueue, TimerHandle};
use crate::envoy::conn_pool::{ConnId, PoolEvent};
use crate::envoy::local_reply::{Flags, ResponseFlag};
use crate::envoy::retry::RetryState;
use crate::scenario::BackendGroup;
use crate::scenario::{Link, Scenario, UpstreamLink};
use crate::slab::{Key, Slab};
use crate::time::{SimDuration, SimTime};
use crate::world::backend::BackendHost;
use crate::world::client::ClientRuntime;

use events::Event;
use proxy::Proxy;

/// Runs `scenario` with `seed` to the end and returns what happened, or stops it at one of its
/// `[limits]`.
pub fn run(scenario: &Scenario, seed: u64) -> Result<RunResult, RunLimitExceeded> {
    run_with(scenario, seed, &RunOptions::default())
}

/// What a run records besides its totals.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Record responses and the time hosts spent ejected per bucket of this width.
    pub timeline_bucket: Option<SimDuration>,
    /// Record every response from a backend, in the order the clients received them.
    pub request_log: bool,
}

/// Runs `scenario` with `seed` as [`run`] does, recording what `options` asks for besides the
/// totals (the timeline).
pub fn run_with(
    scenario: &Scenario,
    seed: u64,
    options: &RunOptions,
) -> Result<RunResult, RunLimitExceeded> {
    let mut sim = Simulation::new(scenario, seed);
    sim.timeline = options.timeline_bucket.map(Timeline::new);
    sim.request_log = options.request_log.then(Vec::new);
    sim.schedule_start();
    sim.run_to_end()?;
    Ok(sim.finish())
}

/// A downstream request as Envoy's router filter sees it.
struct Request {
    client: u32,
    /// The closed-loop worker that sent it.
    worker: Option<u32>,
    envoy_worker: u32,
    sent_at: SimTime,
    /// When its last attempt got its upstream connection.
    ready_at: Option<SimTime>,
    route_timer: Option<TimerHandle>,
    /// The upstream attempt in progress.
    attempt: Option<Key>,
    /// Retry state, if the route retries.
    retry: Option<RetryState>,
    /// The back-off timer of a retry in waiting.
    backoff_timer: Option<TimerHandle>,
    /// Response flags gathered so far (UO, URX when a retry was refused).
    flags: Flags,
    /// The response on its way back to the client, and whether Envoy made it.
    reply: Option<Reply>,
}

/// What goes back to the client.
#[derive(Clone, Copy)]
struct Reply {
    status: u16,
    flags: Flags,
    /// Made by Envoy (a local reply), not forwarded from a host.
    local: bool,
}

/// One upstream attempt (Envoy's `UpstreamRequest`).
struct Attempt {
    request: Key,
    host: usize,
    pool: usize,
    /// The connection it is attached to; `None` while pending.
    conn: Option<ConnId>,
    per_try_timer: Option<TimerHandle>,
    /// Its stream counts against its host's HTTP/2 stream limit on that connection (the host
    /// took it and has not answered it, and Envoy has not reset it).
    backend_stream: bool,
}

/// Timers of one upstream connection while it connects, and its SYN retransmissions.
#[derive(Clone, Copy, Default)]
struct ConnTimers {
    /// The current SYN's handshake outcome.
    connect_done: Option<TimerHandle>,
    /// Envoy's connect timer.
    connect_timeout: Option<TimerHandle>,
    /// The kernel's SYN retransmission timer, armed while a lost SYN waits to be resent.
    syn_timer: Option<TimerHandle>,
    /// When the first SYN left.
    started: SimTime,
    /// When the last SYN left (and the retransmission timer was armed).
    armed: SimTime,
    /// SYN retransmissions so far (`icsk_retransmits`).
    retransmits: u32,
    /// Offset from `started` at which the retransmission timer fires next.
    next_timer: SimDuration,
}

/// Work Envoy defers to the end of the current event-loop iteration.
enum Deferred {
    UpstreamReady { pool: usize },
    Delete { pool: usize, conn: ConnId },
}

struct Simulation<'s> {
    scenario: &'s Scenario,
    seed: u64,
    now: SimTime,
    stop_at: Option<SimTime>,
    queue: EventQueue<Event>,
    proxy: Proxy,
    /// Each group's EDS membership plan (which hosts join and leave at which phase).
    membership: Vec<crate::scenario::GroupMembership>,
    /// The index of each group's first host (`<name>-0`).
    group_base: Vec<usize>,
    /// When each host left the cluster, if it has.
    left_eds_at: Vec<Option<SimTime>>,
    /// Every host that ever exists, in host order (groups in file order, then joining order).
    backends: Vec<BackendHost>,
    clients: Vec<ClientRuntime>,
    requests: Slab<Request>,
    attempts: Slab<Attempt>,
    conn_timers: Vec<ConnTimers>,
    /// Streams each connection has open at its host, by connection index (HTTP/2 hosts with
    /// `http2_max_concurrent_streams` only).
    backend_streams: Vec<u32>,
    /// Each connection's side at its host (accept queue, unfinished handshake, held
    /// requests), by connection index.
    server_conns: Vec<accept::ServerConn>,
    /// Each `processor_sharing` host's scheduled next completion, by host index.
    service_timers: Vec<Option<TimerHandle>>,
    deferred: VecDeque<Deferred>,
    /// Emptied `attempted` host lists of finished requests' retry states, reused.
    spare_host_lists: Vec<Vec<usize>>,
    /// Buffers for `drain_pool_events`, one per level of nesting, reused.
    spare_pool_batches: Vec<Vec<PoolEvent>>,
    outcome: ClientOutcome,
    events_processed: u64,
    /// Events the run may still reach: `limits.max_events`, or the events processed so far
    /// once another limit is hit, so that one compare per event guards every limit.
    event_budget: u64,
    /// The limit that stopped the run, if not `max_events`.
    limit_hit: Option<Limit>,
    timeline: Option<Timeline>,
    /// Every response from a backend, when asked for (`RunOptions::request_log`).
    request_log: Option<Vec<RequestRecord>>,
    /// Replies Envoy made itself.
    local_replies: u64,
    /// Replies Envoy sent with each response flag (some may still be on their way).
    flagged_replies: [u64; ResponseFlag::ALL.len()],
    /// Client sends and arrivals still scheduled: with nothing in flight either, a run without
    /// `duration` is over (background timers do not keep it going).
    client_events_pending: u64,
    downstream: &'s Link,
    upstream: &'s UpstreamLink,
    /// `proxy = "none"`: each client worker has an Envoy worker of its own (its own HTTP
    /// client), reached at once, the first of client `c` at `direct_worker_base[c]`.
    direct_worker_base: Option<Vec<u32>>,
}

impl<'s> Simulation<'s> {
    fn new(scenario: &'s Scenario, seed: u64) -> Self {
        let membership = membership::plans(scenario);
        let backends: Vec<BackendHost> = scenario
            .backends
            .iter()
            .zip(&membership)
            .enumerate()
            .flat_map(|(g, (group, plan))| {
                (0..plan.hosts).map(move |r| BackendHost::new(g, r, group, seed))
            })
            .collect();
        let service_timers = vec![None; backends.len()];
        let priority_of = hosts_of(scenario, &membership, |g| g.priority as usize);
        let weight = hosts_of(scenario, &membership, |g| g.weight.get());
        let members = membership::initial_members(&membership);
        let clients = scenario
            .clients
            .iter()
            .enumerate()
            .map(|(i, c)| ClientRuntime::new(i, c, scenario.duration, seed))
            .collect();
        Simulation {
            scenario,
            seed,
            now: SimTime::ZERO,
            stop_at: scenario.duration.map(|d| SimTime::ZERO.after(d)),
            queue: EventQueue::new(),
            proxy: Proxy::new(scenario, seed, priority_of, weight, &members),
            group_base: membership::group_bases(&membership),
            left_eds_at: vec![None; members.len()],
            membership,
            backends,
            clients,
            requests: Slab::new(),
            attempts: Slab::new(),
            conn_timers: Vec::new(),
            backend_streams: Vec::new(),
            server_conns: Vec::new(),
            service_timers,
            deferred: VecDeque::new(),
            spare_pool_batches: Vec::new(),
            spare_host_lists: Vec::new(),
            outcome: ClientOutcome::default(),
            events_processed: 0,
            event_budget: scenario.limits.max_events,
            limit_hit: None,
            client_events_pending: 0,
            flagged_replies: [0; ResponseFlag::ALL.len()],
            local_replies: 0,
            timeline: None,
            request_log: None,
            downstream: &scenario.network.downstream,
            upstream: &scenario.network.upstream,
            direct_worker_base: (scenario.proxy == crate::scenario::ProxyKind::None).then(|| {
                let mut base = 0u32;
                scenario
                    .clients
                    .iter()
                    .map(|c| {
                        let first = base;
                        base = base.saturating_add(c.workers.map_or(0, |w| w.get()));
                        first
                    })
                    .collect()
            }),
        }
    }

    fn schedule(&mut self, at: SimTime, event: Event) -> TimerHandle {
        self.queue.schedule(at, event)
    }

    /// Schedules `event` a `delay` after now.
    fn schedule_in(&mut self, delay: SimDuration, event: Event) -> TimerHandle {
        self.queue.schedule(self.now.after(delay), event)
    }

    fn cancel(&mut self, timer: Option<TimerHandle>) {
        if let Some(t) = timer {
            self.queue.cancel(t);
        }
    }

    fn schedule_start(&mut self) {
        for c in 0..self.clients.len() {
            self.schedule_client_start(c);
        }
        if let Some(first) = self.first_outlier_tick() {
            self.schedule(first, Event::OutlierTick);
        }
        self.schedule_first_pauses();
        for (g, group) in self.scenario.backends.iter().enumerate() {
            for (p, phase) in group.phases.iter().enumerate() {
                self.schedule(
                    SimTime::ZERO.after(phase.at),
                    Event::PhaseChange {
                        group: g as u32,
                        phase: p as u32,
                    },
                );
            }
        }
    }

    fn run_to_end(&mut self) -> Result<(), RunLimitExceeded> {
        let limit = self.stop_at.unwrap_or(SimTime(u64::MAX));
        loop {
            let Some((t, event)) = self.queue.pop_due(limit) else {
                if let Some(stop) = self.stop_at.filter(|_| !self.queue.is_empty()) {
                    self.now = stop;
                }
                break;
            };
            if self.events_processed >= self.event_budget {
                return Err(self.limit_exceeded());
            }
            self.now = t;
            self.events_processed += 1;
            self.handle(event);
            self.end_of_iteration();
            self.proxy.update_peaks();
            self.note_ejections();
            if self.is_quiescent() {
                break;
            }
        }
        match self.limit_hit {
            Some(_) => Err(self.limit_exceeded()),
            None => Ok(()),
        }
    }

    /// Stops the run at `limit` (other than `max_events`): no further event is processed.
    fn hit_limit(&mut self, limit: Limit) {
        self.limit_hit = Some(limit);
        self.event_budget = self.events_processed;
    }

    fn limit_exceeded(&self) -> RunLimitExceeded {
        let limit = self.limit_hit.unwrap_or(Limit::Events);
        let limits = &self.scenario.limits;
        RunLimitExceeded {
            limit,
            value: match limit {
                Limit::Events => limits.max_events,
                Limit::InFlight => limits.max_in_flight,
            },
            sim_time: self.now,
            events_processed: self.events_processed,
            requests_sent: self.outcome.sent,
            in_flight: self.requests.len() as u64,
        }
    }

    /// No client will send again and no request is in flight (only for runs without
    /// `duration`, which otherwise run to their end).
    fn is_quiescent(&self) -> bool {
        self.stop_at.is_none() && self.client_events_pending == 0 && self.requests.is_empty()
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::ClosedLoopSend { client, worker } => self.on_closed_loop_send(client, worker),
            Event::OpenLoopArrival { client } => self.on_open_loop_arrival(client),
            Event::RequestAtEnvoy { request } => self.on_request_at_envoy(request),
            Event::ConnectDone { conn } => self.on_connect_done(conn),
            Event::ConnectTimeout { conn } => self.on_connect_timeout(conn),
            Event::SynTimer { conn } => self.on_syn_timer(conn),
            Event::DataResend { conn } => self.on_data_resend(conn),
            Event::AcceptDone { host, conn, epoch } => {
                self.on_accept_done(host as usize, conn, epoch)
            }
            Event::RequestAtBackend {
                attempt,
                conn,
                host,
            } => self.on_request_at_backend(attempt, conn, host as usize),
            Event::ServiceDone {
                attempt,
                conn,
                host,
                epoch,
                due,
            } => self.on_service_done(attempt, conn, host as usize, epoch, due),
            Event::PauseStart { host } => self.on_pause_start(host as usize),
            Event::PauseEnd { host } => self.on_pause_end(host as usize),
            Event::SettingsAtEnvoy {
                conn,
                max_concurrent_streams,
            } => self.on_settings_at_envoy(conn, max_concurrent_streams),
            Event::StreamRefusedAtEnvoy { attempt, conn } => {
                self.on_stream_refused_at_envoy(attempt, conn)
            }
            Event::ResponseAtEnvoy {
                attempt,
                conn,
                status,
                keep_alive,
            } => self.on_response_at_envoy(attempt, conn, status, keep_alive),
            Event::ResponseAtClient { request } => self.on_response_at_client(request),
            Event::RouteTimeout { request } => self.on_route_timeout(request),
            Event::PhaseChange { group, phase } => {
                self.on_phase_change(group as usize, phase as usize)
            }
            Event::RetryBackoff { request } => self.on_retry_backoff(request),
            Event::PerTryTimeout { attempt } => self.on_per_try_timeout(attempt),
            Event::OutlierTick => {
                if let Some(next) = self.proxy.on_outlier_tick(self.now) {
                    self.schedule(next, Event::OutlierTick);
                }
            }
        }
    }

    /// Handles what the pools reported, then Envoy's end-of-iteration work (scheduled
    /// `onUpstreamReady` callbacks and deferred deletes), in the order it was asked for.
    fn end_of_iteration(&mut self) {
        self.drain_pool_events();
        while let Some(work) = self.deferred.pop_front() {
            match work {
                Deferred::UpstreamReady { pool } => self
                    .proxy
                    .with_pool(pool, |p, env| p.on_scheduled_upstream_ready(env)),
                Deferred::Delete { pool, conn } => {
                    self.proxy
                        .with_pool(pool, |p, env| p.on_deferred_delete(env, conn));
                }
            }
            self.drain_pool_events();
        }
    }

    /// Acts on pool reports until none are left (acting may call the pools again).
    #[inline]
    fn drain_pool_events(&mut self) {
        if !self.proxy.pool_events.is_empty() {
            self.act_on_pool_events();
        }
    }

    /// [`Simulation::drain_pool_events`] once there is something to act on (apart, so that
    /// the check for nothing, the usual case, costs no call).
    #[inline(never)]
    fn act_on_pool_events(&mut self) {
        // Acting may drain again (nested); each level takes a spare buffer and gives it back,
        // so none is dropped and reallocated.
        let mut batch = self.spare_pool_batches.pop().unwrap_or_default();
        loop {
            std::mem::swap(&mut batch, &mut self.proxy.pool_events);
            if batch.is_empty() {
                break;
            }
            for e in batch.drain(..) {
                self.on_pool_event(e);
            }
        }
        self.spare_pool_batches.push(batch);
    }

    fn on_pool_event(&mut self, e: PoolEvent) {
        match e {
            PoolEvent::Connecting(conn) => self.start_connect(conn),
            PoolEvent::StreamReady { stream, conn } => self.on_stream_ready(stream, conn),
            PoolEvent::StreamFailed {
                stream,
                reason,
                host_known,
                release_pending,
            } => self.on_stream_failed(stream, reason, host_known, release_pending),
            PoolEvent::StreamReset { stream, conn } => self.on_stream_reset(stream, conn),
            PoolEvent::ScheduleUpstreamReady { pool } => {
                self.deferred.push_back(Deferred::UpstreamReady { pool })
            }
            PoolEvent::Closed(conn) => self.on_upstream_closed(conn),
            PoolEvent::DeferredDelete(conn) => {
                let pool = self.proxy.conns[conn].pool;
                self.deferred.push_back(Deferred::Delete { pool, conn });
            }
        }
    }

    /// The detector's timer was armed when the cluster was created, before the run: its first
    /// tick falls at the configured phase, or at one drawn uniformly in `[0, interval)`.
    fn first_outlier_tick(&mut self) -> Option<SimTime> {
        let interval = self.proxy.outlier.as_ref()?.config().od.interval;
        let phase = self.scenario.envoy.outlier_timer_phase.unwrap_or_else(|| {
            let mut rng = crate::rng::stream(self.seed, crate::rng::StreamKind::OutlierTimer, 0);
            SimDuration(rand::RngExt::random_range(&mut rng, 0..interval.0))
        });
        Some(SimTime::ZERO.after(phase))
    }

    /// Keeps the timeline's count of ejected hosts current.
    fn note_ejections(&mut self) {
        let (Some(t), Some(d)) = (self.timeline.as_mut(), self.proxy.outlier.as_ref()) else {
            return;
        };
        let ejected = d.ejected_hosts() as u32;
        if t.hosts_ejected() != ejected {
            t.set_ejected(self.now, ejected);
        }
    }

    fn finish(mut self) -> RunResult {
        let sim_time = self.now;
        if let Some(t) = self.timeline.as_mut() {
            t.close(sim_time);
        }
        #[cfg(debug_assertions)]
        self.assert_conservation();
        let name = self
            .scenario
            .name
            .clone()
            .unwrap_or_else(|| "scenario".to_string());
        RunResult {
            scenario: name,
            seed: self.seed,
            cluster: self.scenario.cluster.name.clone(),
            sim_time,
            stats: self.proxy.stat_entries(),
            peaks: self.proxy.peaks,
            hosts: host_infos(self.scenario, &self.membership, &self.backends)
                .into_iter()
                .enumerate()
                .map(|(h, info)| HostInfo {
                    left_eds_at: self.left_eds_at[h],
                    ..info
                })
                .collect(),
            outlier_detection: self.proxy.outlier.is_some(),
            outlier_events: self
                .proxy
                .outlier
                .as_mut()
                .map(|d| d.take_events())
                .unwrap_or_default(),
            client: self.outcome,
            events_processed: self.events_processed,
            timeline: self.timeline,
            request_log: self.request_log,
        }
    }

    /// Every counter conserves (debug builds).
    #[cfg(debug_assertions)]
    fn assert_conservation(&self) {
        let o = &self.outcome;
        let s = &self.proxy.stats;
        assert_eq!(
            o.sent,
            o.received + self.requests.len() as u64,
            "sent = received + in flight"
        );
        let sent = |f: ResponseFlag| self.flagged_replies[f.index()];
        // UO: every pending overflow ends its request with UO; a refused retry adds UO too.
        let uo = sent(ResponseFlag::UO);
        // With the guard off an attach-time overflow is in both counters.
        let overflows = match self.proxy.pool_config.attach_overflow {
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
            let rm = self.proxy.resources.get(self.proxy.priority);
            assert_eq!(rm.requests.current() + rm.pending_requests.current(), 0);
        }
        assert_eq!(
            s.upstream_cx_active,
            self.proxy
                .resources
                .get(self.proxy.priority)
                .connections
                .current(),
            "the connections breaker counts every open connection"
        );
        let hosts = &self.proxy.hosts;
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
            sum(|h| h.rq_active),
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
                .all(|h| h.cx_active <= h.cx_total && h.rq_active <= h.rq_total),
            "no host has more open than it ever opened"
        );
    }
}

/// One value per host that ever exists, in host order (groups in file order, then joining
/// order).
fn hosts_of<T>(
    s: &Scenario,
    plans: &[crate::scenario::GroupMembership],
    value: impl Fn(&BackendGroup) -> T,
) -> Vec<T> {
    s.backends
        .iter()
        .zip(plans)
        .flat_map(|(g, plan)| (0..plan.hosts).map(|_| value(g)).collect::<Vec<_>>())
        .collect()
}

fn host_infos(
    s: &Scenario,
    plans: &[crate::scenario::GroupMembership],
    backends: &[BackendHost],
) -> Vec<HostInfo> {
    s.backends
        .iter()
        .zip(plans)
        .flat_map(|(g, plan)| {
            (0..plan.hosts).map(move |r| {
                let name = format!("{}-{r}", g.name);
                HostInfo {
                    address: format!("{name}:80"),
                    name,
                    queue_overflows: 0,
                    listen_overflows: 0,
                    left_eds_at: None,
                }
            })
        })
        .zip(backends)
        .map(|(info, b)| HostInfo {
            queue_overflows: b.queue_overflows,
            listen_overflows: b.listen_overflows,
            ..info
        })
        .collect()
}
