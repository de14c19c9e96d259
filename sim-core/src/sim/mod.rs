//! One run: wires clients, the Envoy proxy and backends together on the event engine.
//! `run(&scenario, seed)` is the whole interface: the results, or the limit the run reached.

mod accept;
#[cfg(debug_assertions)]
mod conservation;
mod downstream;
mod events;
mod fleet;
mod fleet_result;
mod limits;
mod membership;
mod outcome;
mod pause;
mod proxy;
pub mod record;
mod recording;
mod router;
mod service;
mod settings;
mod tcp_connect;
mod timeline;
mod upstream;

pub use limits::{Limit, RunLimitExceeded};
pub use outcome::{
    ClientOutcome, EnvoyResult, HostInfo, MeshResult, Peaks, PhaseStats, RequestRecord, RunResult,
};
pub use timeline::{Bucket, Timeline};

use std::collections::VecDeque;

use crate::engine::{EventQueue, LaneId, TimerHandle};
use crate::envoy::conn_pool::{ConnId, ConnPool, Connection, PoolEnv, PoolEvent};
use crate::envoy::local_reply::{Flags, ResponseFlag};
use crate::envoy::retry::RetryState;
use crate::scenario::BackendGroup;
use crate::scenario::{Link, Scenario, UpstreamLink};
use crate::slab::{Key, Slab};
use crate::time::{SimDuration, SimTime};
use crate::world::backend::BackendHost;
use crate::world::client::ClientRuntime;

use events::Event;
use fleet::Fleet;
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
    /// Record each request's life, the connections and the gauges (`record.rs`).
    pub lifecycle: Option<record::LifecycleOptions>,
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
    sim.record = options.lifecycle.map(|o| {
        let hosts = sim.proxies[0].hosts.len();
        Box::new(recording::Recorder::new(o, sim.proxies.len(), hosts))
    });
    sim.observed = sim.timeline.is_some() || sim.record.is_some();
    sim.schedule_start();
    sim.run_to_end()?;
    Ok(sim.finish())
}

/// A downstream request as Envoy's router filter sees it.
struct Request {
    client: u32,
    /// The Envoy of the fleet it goes through (0 without `[[proxies]]`).
    envoy: u32,
    /// The closed-loop worker that sent it.
    worker: Option<u32>,
    envoy_worker: u32,
    sent_at: SimTime,
    /// When its last attempt got its upstream connection.
    ready_at: Option<SimTime>,
    /// When Envoy had the whole request (`downstream_request_complete_time_`).
    at_envoy: SimTime,
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
    /// The Envoy of its request.
    envoy: u32,
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

/// One Envoy's queue lanes for timeouts whose delay is the same for every timer it arms
/// (each a constant of its configuration), so due times never decrease within a lane: nearly
/// all are cancelled, and a lane costs the wheel one entry, not one per timer.
#[derive(Clone, Copy)]
struct TimerLanes {
    /// `route.timeout`, armed per request (`router.rs`).
    route: LaneId,
    /// `retry_policy.per_try_timeout`, armed per attempt (`router.rs`).
    per_try: LaneId,
    /// `cluster.connect_timeout`, armed per connect (`tcp_connect.rs`).
    connect: LaneId,
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
    /// Each Envoy's lanes of the queue for its fixed-delay timeouts, by Envoy.
    timer_lanes: Vec<TimerLanes>,
    /// Every Envoy: the one, or each replica of each `[[proxies]]` group (`fleet.rs`).
    proxies: Vec<Proxy>,
    fleet: Fleet,
    /// Pools of one Envoy (workers x hosts): Envoy `e`'s pools are numbered from `e` times it.
    pools_per_envoy: usize,
    /// Every Envoy's upstream connections.
    conns: Slab<Connection>,
    /// What the last pool calls reported, to be handled by the simulation.
    pool_events: Vec<PoolEvent>,
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
    /// Responses Envoy sent in this event-loop iteration, with when each reaches its client.
    receipts: Vec<(Key, SimTime)>,
    /// The latest arrival of a response at its client so far.
    last_receipt: SimTime,
    /// A response was sent that reaches its client only after the run's end.
    replies_past_end: bool,
    /// Emptied `attempted` host lists of finished requests' retry states, reused.
    spare_host_lists: Vec<Vec<usize>>,
    /// Buffers for `drain_pool_events`, one per level of nesting, reused.
    spare_pool_batches: Vec<Vec<PoolEvent>>,
    outcome: ClientOutcome,
    events_processed: u64,
    /// Events the run may still reach: `limits.max_events`, or the events processed so far
    /// once another limit is hit, so that one compare per event guards every limit.
    event_budget: u64,
    /// Host monitors the outlier detectors' passes visited: work counted against
    /// `limits.max_events` beside the events.
    detector_visits: u64,
    /// The limit that stopped the run, if not `max_events`.
    limit_hit: Option<Limit>,
    timeline: Option<Timeline>,
    /// Every response from a backend, when asked for (`RunOptions::request_log`).
    request_log: Option<Vec<RequestRecord>>,
    /// The lifecycle record, when asked for (`RunOptions::lifecycle`).
    record: Option<Box<recording::Recorder>>,
    /// A timeline or a record follows the run after each event (one check per event).
    observed: bool,
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
        let fleet = Fleet::new(scenario, seed);
        let first = Proxy::new(
            scenario,
            seed,
            fleet.envoy_id(0, 0),
            priority_of.clone(),
            weight.clone(),
            &members,
        );
        let pools_per_envoy = first.concurrency as usize * priority_of.len();
        let mut proxies = Vec::with_capacity(fleet.members.len());
        proxies.push(first);
        for e in 1..fleet.members.len() {
            let id = fleet.envoy_id(e, pools_per_envoy);
            let (p, w) = (priority_of.clone(), weight.clone());
            proxies.push(Proxy::new(scenario, seed, id, p, w, &members));
        }
        let mut queue = EventQueue::new();
        let timer_lanes = (0..proxies.len())
            .map(|_| TimerLanes {
                route: queue.new_lane(),
                per_try: queue.new_lane(),
                connect: queue.new_lane(),
            })
            .collect();
        Simulation {
            scenario,
            seed,
            now: SimTime::ZERO,
            stop_at: scenario.duration.map(|d| SimTime::ZERO.after(d)),
            queue,
            timer_lanes,
            proxies,
            fleet,
            pools_per_envoy,
            conns: Slab::new(),
            pool_events: Vec::new(),
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
            receipts: Vec::new(),
            last_receipt: SimTime::ZERO,
            replies_past_end: false,
            spare_pool_batches: Vec::new(),
            spare_host_lists: Vec::new(),
            outcome: ClientOutcome::default(),
            events_processed: 0,
            event_budget: scenario.limits.max_events,
            detector_visits: 0,
            limit_hit: None,
            client_events_pending: 0,
            flagged_replies: [0; ResponseFlag::ALL.len()],
            local_replies: 0,
            timeline: None,
            request_log: None,
            record: None,
            observed: false,
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

    /// Schedules `event` a `delay` after now in `lane`, whose every timer has this delay.
    fn schedule_in_lane(&mut self, lane: LaneId, delay: SimDuration, event: Event) -> TimerHandle {
        self.queue
            .schedule_in_lane(lane, self.now.after(delay), event)
    }

    fn cancel(&mut self, timer: Option<TimerHandle>) {
        if let Some(t) = timer {
            self.queue.cancel(t);
        }
    }

    /// Envoy `envoy`, about to change: the fleet's totals will take it in after the event.
    #[inline]
    fn px(&mut self, envoy: u32) -> &mut Proxy {
        self.fleet.touch(envoy);
        &mut self.proxies[envoy as usize]
    }

    /// The Envoy a pool (a fleet-wide number) belongs to.
    #[inline]
    fn envoy_of_pool(&self, pool: usize) -> u32 {
        if self.fleet.mesh {
            (pool / self.pools_per_envoy) as u32
        } else {
            0
        }
    }

    /// The host of a pool (a fleet-wide number).
    #[inline]
    fn host_of_pool(&self, pool: usize) -> usize {
        self.proxies[self.envoy_of_pool(pool) as usize].host_of_pool(pool)
    }

    /// The host of a live connection.
    #[inline]
    fn host_of_conn(&self, conn: ConnId) -> usize {
        self.host_of_pool(self.conns[conn].pool)
    }

    /// Runs `f` on pool `pool` (a fleet-wide number) with its Envoy's cluster state; what the
    /// pool reports lands in `pool_events`.
    #[inline]
    fn with_pool<R>(&mut self, pool: usize, f: impl FnOnce(&mut ConnPool, &mut PoolEnv) -> R) -> R {
        let envoy = self.envoy_of_pool(pool);
        self.fleet.touch(envoy);
        let (conns, out) = (&mut self.conns, &mut self.pool_events);
        self.proxies[envoy as usize].with_pool(pool, conns, out, f)
    }

    /// Keeps the timeline's count of ejected (Envoy, host) pairs current (mesh mode).
    fn note_fleet_ejections(&mut self, ejected: u64) {
        let Some(t) = self.timeline.as_mut() else {
            return;
        };
        if u64::from(t.hosts_ejected()) != ejected {
            t.set_ejected(self.now, ejected as u32);
        }
    }

    fn schedule_start(&mut self) {
        for c in 0..self.clients.len() {
            self.schedule_client_start(c);
        }
        for envoy in 0..self.proxies.len() as u32 {
            if let Some(first) = self.first_outlier_tick(envoy) {
                self.schedule(first, Event::OutlierTick { envoy });
            }
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
                let pending = !self.queue.is_empty() || self.replies_past_end;
                if let Some(stop) = self.stop_at.filter(|_| pending) {
                    self.now = stop;
                }
                break;
            };
            if self.events_processed >= self.event_budget {
                return Err(self.limit_exceeded());
            }
            if t >= SimTime::HORIZON {
                self.hit_limit(Limit::Time);
                return Err(self.limit_exceeded());
            }
            self.now = t;
            self.events_processed += 1;
            self.handle(event);
            self.end_of_iteration();
            if self.fleet.mesh {
                let ejected = self.fleet.after_event(&mut self.proxies);
                if self.observed {
                    self.note_fleet_ejections(ejected);
                    self.rec_gauges();
                }
            } else {
                self.proxies[0].update_peaks();
                if self.observed {
                    self.note_ejections();
                    self.rec_gauges();
                }
            }
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
                Limit::Time => SimTime::HORIZON.as_nanos(),
                Limit::RecordEntries => self.record.as_ref().map_or(0, |r| r.options.max_entries),
            },
            sim_time: self.now,
            events_processed: self.events_processed,
            detector_visits: self.detector_visits,
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
            Event::RouteTimeout { request } => self.on_route_timeout(request),
            Event::PhaseChange { group, phase } => {
                self.on_phase_change(group as usize, phase as usize)
            }
            Event::RetryBackoff { request } => self.on_retry_backoff(request),
            Event::PerTryTimeout { attempt } => self.on_per_try_timeout(attempt),
            Event::OutlierTick { envoy } => {
                let now = self.now;
                // A pass visits every host's monitor: its work counts against max_events, one
                // unit a host, so a detector ticking over many hosts stops as an event storm
                // would.
                let visits = self.proxies[envoy as usize].hosts.len() as u64;
                self.detector_visits += visits;
                self.event_budget = self.event_budget.saturating_sub(visits);
                if let Some(next) = self.px(envoy).on_outlier_tick(now) {
                    self.schedule(next, Event::OutlierTick { envoy });
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
                Deferred::UpstreamReady { pool } => {
                    self.with_pool(pool, |p, env| p.on_scheduled_upstream_ready(env))
                }
                Deferred::Delete { pool, conn } => {
                    self.with_pool(pool, |p, env| p.on_deferred_delete(env, conn));
                }
            }
            self.drain_pool_events();
        }
        if !self.receipts.is_empty() {
            self.deliver_receipts();
        }
    }

    /// Acts on pool reports until none are left (acting may call the pools again).
    #[inline]
    fn drain_pool_events(&mut self) {
        if !self.pool_events.is_empty() {
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
            std::mem::swap(&mut batch, &mut self.pool_events);
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
                let pool = self.conns[conn].pool;
                self.deferred.push_back(Deferred::Delete { pool, conn });
            }
        }
    }

    /// The detector's timer was armed when the cluster was created, before the run: its first
    /// tick falls at the configured phase (the same in every Envoy of a mesh), or at one drawn
    /// uniformly in `[0, interval)` from the Envoy's own stream.
    fn first_outlier_tick(&mut self, envoy: u32) -> Option<SimTime> {
        let interval = self.proxies[envoy as usize]
            .outlier
            .as_ref()?
            .config()
            .od
            .interval;
        let index = self.fleet.envoy_id(envoy as usize, 0).stream;
        let phase = self.scenario.envoy.outlier_timer_phase.unwrap_or_else(|| {
            let kind = crate::rng::StreamKind::OutlierTimer;
            let mut rng = crate::rng::stream(self.seed, kind, index);
            SimDuration(rand::RngExt::random_range(&mut rng, 0..interval.0))
        });
        Some(SimTime::ZERO.after(phase))
    }

    /// Keeps the timeline's count of ejected hosts current.
    fn note_ejections(&mut self) {
        let (Some(t), Some(d)) = (self.timeline.as_mut(), self.proxies[0].outlier.as_ref()) else {
            return;
        };
        let ejected = d.ejected_hosts() as u32;
        if t.hosts_ejected() != ejected {
            t.set_ejected(self.now, ejected);
        }
    }

    fn finish(mut self) -> RunResult {
        // The last response may reach its client after the last event.
        let sim_time = self.now.max(self.last_receipt);
        if let Some(t) = self.timeline.as_mut() {
            t.close(sim_time);
        }
        #[cfg(debug_assertions)]
        self.assert_conservation();
        let (outlier_events, mesh) = self.take_fleet_results();
        let sent = self.outcome.sent;
        let lifecycle = self.record.take().map(|r| {
            let mut entries = r.lifecycle.entries;
            // Arrivals at clients were recorded when Envoy sent the response.
            entries.sort_by_key(|e| e.at);
            record::Lifecycle {
                requests_sent: sent,
                entries,
                ..r.lifecycle
            }
        });
        if let Some(log) = self.request_log.as_mut() {
            log.sort_by_key(|r| r.done_at);
        }
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
            stats: self.fleet_stats(),
            histograms: self.fleet_histograms(),
            peaks: if self.fleet.mesh {
                self.fleet.peaks
            } else {
                self.proxies[0].peaks
            },
            hosts: host_infos(self.scenario, &self.membership, &self.backends)
                .into_iter()
                .enumerate()
                .map(|(h, info)| HostInfo {
                    left_eds_at: self.left_eds_at[h],
                    ..info
                })
                .collect(),
            outlier_detection: self.proxies[0].outlier.is_some(),
            outlier_events,
            mesh,
            client: self.outcome,
            events_processed: self.events_processed,
            timeline: self.timeline,
            request_log: self.request_log,
            lifecycle,
        }
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
