//! One Envoy of a run (the only one, or one replica of a mesh's proxy group): each worker's
//! pools and load balancer, and the cluster's circuit breakers, hosts, outlier detector and
//! stats shared by all workers. The connections of every Envoy live in the run's one slab,
//! and pools are numbered across the fleet (this Envoy's from `pool_base`).

use crate::envoy::cluster_stats::{ClusterStats, Stat};
use crate::envoy::conn_pool::{ConnPool, Connection, PoolConfig, PoolEnv, PoolEvent, StreamLimits};
use crate::envoy::host::HostStats;
use crate::envoy::least_request::LeastRequestPick;
use crate::envoy::load_balancer::{HostSets, LoadBalancer};
use crate::envoy::outlier::{Detector, OutlierConfig, OutlierResult};
use crate::envoy::resource_manager::ResourceManagers;
use crate::envoy::retry::{RetryConfig, RetryDecision, RetryState, RetryStatus};
use crate::envoy::stat_histogram::ClusterHistograms;
use crate::envoy::version::EnvoyVersion;
use crate::rng::{SimRng, StreamKind, stream};
use crate::scenario::{ProxyKind, RoutingPriority, Scenario, Thresholds};
use crate::slab::Slab;
use crate::time::{SimDuration, SimTime};

use super::outcome::Peaks;

pub struct Proxy {
    /// The Envoy release modelled.
    pub version: EnvoyVersion,
    pub concurrency: u32,
    pub priority: RoutingPriority,
    pub connect_timeout: SimDuration,
    pub route_timeout: SimDuration,
    pub resources: ResourceManagers,
    pub stats: ClusterStats,
    /// The cluster's histograms (`upstream_rq_time`, `upstream_cx_connect_ms`).
    pub histograms: ClusterHistograms,
    /// Each host's counters but `rq_active`, one cache line a host.
    pub hosts: Vec<HostStats>,
    /// Each host's `rq_active`, dense: least request probes it for hosts it may not pick
    /// (`envoy/host.rs`).
    pub rq_active: Vec<u64>,
    /// What every pool was built with (current Envoy's behaviour); read by the debug builds'
    /// conservation checks.
    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    pub pool_config: PoolConfig,
    /// Pool of worker `w` for host `h` at `w * hosts + h` here, numbered `pool_base` more in
    /// the fleet.
    pools: Vec<ConnPool>,
    /// The fleet-wide number of this Envoy's first pool.
    pool_base: usize,
    /// The host of each pool (looked up on every pool call: a load, not a division).
    pool_hosts: Vec<u32>,
    lbs: Vec<LoadBalancer>,
    host_sets: HostSets,
    pub outlier: Option<Detector<SimRng>>,
    retry: Option<RetryConfig>,
    /// Draws the router's retry back-offs.
    router_rng: SimRng,
    pub peaks: Peaks,
}

/// Which Envoy of the fleet a [`Proxy`] is.
#[derive(Clone, Copy, Debug)]
pub struct EnvoyId {
    /// The index of its random streams: `(group << 16) | replica`, so that a replica's draws
    /// do not depend on how many others there are, and the one Envoy of a scenario without
    /// `[[proxies]]` (or the first replica of the first group) draws from index 0 as it
    /// always has.
    pub stream: u64,
    /// The fleet-wide number of its first pool.
    pub pool_base: usize,
}

impl EnvoyId {
    /// The stream index of worker `w`'s load balancer: `(stream << 16) | w` (at most 1,024
    /// workers; 48 bits in all), `w` for the single Envoy.
    pub fn worker_stream(self, w: u32) -> u64 {
        (self.stream << 16) | u64::from(w)
    }
}

/// With `proxy = "none"`: every closed-loop worker of every client (validated: no other kind).
pub fn direct_workers(s: &Scenario) -> u32 {
    s.clients
        .iter()
        .map(|c| c.workers.map_or(0, |w| w.get()))
        .fold(0u32, u32::saturating_add)
        .max(1)
}

/// What the router tells the outlier detector about an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlierReport {
    /// Response headers with this status.
    Code(u16),
    /// A connection-pool or router result, with the code Envoy passes along (if any).
    Result(OutlierResult, Option<u16>),
}

impl Proxy {
    /// Envoy for the scenario: `priority_of` and `weight` give every host that ever exists,
    /// `members` those in the cluster's first EDS update; `envoy` says which Envoy of the
    /// fleet it is (its random streams and pool numbers).
    pub fn new(
        s: &Scenario,
        seed: u64,
        envoy: EnvoyId,
        priority_of: Vec<usize>,
        weight: Vec<u32>,
        members: &[bool],
    ) -> Self {
        let host_count = priority_of.len();
        let direct = s.proxy == ProxyKind::None;
        // Without Envoy, each client worker is a client of its own: one "worker" each, with
        // its own pool and balancer, and no shared limits.
        let concurrency = if direct {
            direct_workers(s)
        } else {
            s.envoy.concurrency.get()
        };
        let unlimited = [Thresholds {
            priority: s.route.priority,
            max_connections: Some(u32::MAX),
            max_pending_requests: Some(u32::MAX),
            max_requests: Some(u32::MAX),
            max_retries: Some(u32::MAX),
            track_remaining: false,
            retry_budget: None,
        }];
        let thresholds = if direct {
            &unlimited[..]
        } else {
            &s.cluster.circuit_breakers.thresholds[..]
        };
        let limits = match &s.cluster.http2_protocol_options {
            None => StreamLimits::HTTP1,
            Some(h2) => StreamLimits::http2(
                h2.max_concurrent_streams,
                s.cluster
                    .common_http_protocol_options
                    .max_requests_per_connection,
                s.envoy.envoy_version(),
            ),
        };
        let limits = match (
            limits.protocol,
            s.cluster
                .common_http_protocol_options
                .max_requests_per_connection,
        ) {
            (crate::envoy::conn_pool::Protocol::Http1, Some(n)) => StreamLimits {
                lifetime: u64::from(n),
                ..limits
            },
            _ => limits,
        };
        let pool_config = PoolConfig::for_version(limits, s.envoy.envoy_version());
        let pools = (0..concurrency as usize * host_count)
            .map(|id| ConnPool::with_config(envoy.pool_base + id, pool_config))
            .collect();
        let pool_hosts = (0..concurrency as usize)
            .flat_map(|_| 0..host_count as u32)
            .collect();
        let lbs = (0..concurrency)
            .map(|w| {
                let lr = &s.cluster.least_request_lb_config;
                let least_request = LeastRequestPick {
                    choice_count: lr.choice_count,
                    method: lr.selection_method,
                };
                LoadBalancer::new(
                    s.cluster.lb_policy,
                    least_request,
                    stream(seed, StreamKind::WorkerLb, envoy.worker_stream(w)),
                    s.envoy.envoy_version(),
                )
            })
            .collect();
        let outlier = s.cluster.outlier_detection.as_ref().map(|od| {
            let mut d = Detector::new(
                OutlierConfig::new(od, s.envoy.envoy_version()),
                host_count,
                stream(seed, StreamKind::OutlierDetector, envoy.stream),
            );
            // Hosts that join later have no monitor until they do.
            for (h, _) in members.iter().enumerate().filter(|(_, m)| !**m) {
                d.remove_host(h);
            }
            d
        });
        let panic_threshold = s.cluster.common_lb_config.healthy_panic_threshold.0;
        let per_host_max = s
            .cluster
            .circuit_breakers
            .per_host_thresholds
            .iter()
            .find(|t| t.priority == s.route.priority)
            .and_then(|t| t.max_connections)
            .map_or(u64::MAX, u64::from);
        let host = HostStats {
            max_connections: per_host_max,
            ..HostStats::default()
        };
        Proxy {
            version: s.envoy.envoy_version(),
            concurrency,
            priority: s.route.priority,
            connect_timeout: s.cluster.connect_timeout,
            route_timeout: s.route.timeout,
            resources: ResourceManagers::for_version(thresholds, s.envoy.envoy_version()),
            stats: ClusterStats::new(),
            histograms: ClusterHistograms::default(),
            hosts: vec![host; host_count],
            rq_active: vec![0; host_count],
            pool_config,
            pools,
            pool_base: envoy.pool_base,
            pool_hosts,
            lbs,
            host_sets: HostSets::with_members(
                priority_of,
                weight,
                members.to_vec(),
                panic_threshold,
            ),
            outlier,
            retry: RetryConfig::for_route(&s.route)
                .expect("validated with the scenario")
                .map(|r| r.for_version(s.envoy.envoy_version())),
            router_rng: stream(seed, StreamKind::Router, envoy.stream),
            peaks: Peaks::default(),
        }
    }

    /// The fleet-wide number of worker `worker`'s pool for `host`.
    pub fn pool_index(&self, worker: u32, host: usize) -> usize {
        self.pool_base + worker as usize * self.hosts.len() + host
    }

    /// The host of this Envoy's pool `pool` (a fleet-wide number).
    pub fn host_of_pool(&self, pool: usize) -> usize {
        self.pool_hosts[pool - self.pool_base] as usize
    }

    /// Runs `f` on this Envoy's pool `pool` (a fleet-wide number) with the cluster state it
    /// reads and updates, the fleet's connections `conns`; what the pool reports lands in
    /// `out`.
    pub fn with_pool<R>(
        &mut self,
        pool: usize,
        conns: &mut Slab<Connection>,
        out: &mut Vec<PoolEvent>,
        f: impl FnOnce(&mut ConnPool, &mut PoolEnv) -> R,
    ) -> R {
        let host = self.host_of_pool(pool);
        let host_healthy = !self.outlier.as_ref().is_some_and(|d| d.is_ejected(host));
        let mut env = PoolEnv {
            resources: self.resources.get_mut(self.priority),
            stats: &mut self.stats,
            host: &mut self.hosts[host],
            rq_active: &mut self.rq_active[host],
            conns,
            out,
            host_healthy,
        };
        f(&mut self.pools[pool - self.pool_base], &mut env)
    }

    pub fn retry_config(&self) -> Option<&RetryConfig> {
        self.retry.as_ref()
    }

    /// A request's retry state, if the route retries.
    pub fn new_retry_state(&self) -> Option<RetryState> {
        self.retry
            .as_ref()
            .filter(|c| !c.retry_on.is_empty())
            .map(RetryState::new)
    }

    /// `shouldRetry` against the route's retry breaker.
    pub fn decide_retry(&mut self, rs: &mut RetryState, would_retry: RetryDecision) -> RetryStatus {
        let rm = self.resources.get_mut(self.priority);
        rs.should_retry(would_retry, rm, &mut self.stats, &mut self.router_rng)
    }

    /// The request is over: its held retry slot, if any, is given back.
    pub fn release_retry(&mut self, rs: &mut RetryState) {
        rs.release(self.resources.get_mut(self.priority));
    }

    /// A pool's connections, active streams and pending streams (for the lifecycle record).
    pub fn pool_figures(&self, pool: usize) -> (u32, u32, u32) {
        let p = &self.pools[pool - self.pool_base];
        (
            p.connection_count() as u32,
            p.num_active_streams() as u32,
            p.pending_len() as u32,
        )
    }

    /// The live connections of one pool.
    pub fn pool_connections(&self, pool: usize) -> Vec<crate::envoy::conn_pool::ConnId> {
        self.pools[pool - self.pool_base].connections().collect()
    }

    /// The worker's load balancer picks a host (`None`: no host available); a pick in a
    /// priority in panic counts `lb_healthy_panic`.
    pub fn choose_host(&mut self, worker: u32) -> Option<usize> {
        let rq_active = &self.rq_active;
        let pick = self.lbs[worker as usize].choose(&self.host_sets, |h| rq_active[h]);
        if pick.panic {
            self.stats.lb_healthy_panic += 1;
        }
        pick.host
    }

    /// Reports an attempt's outcome to the outlier detector (if the cluster has one); an
    /// ejection takes effect at once in every worker's host sets.
    pub fn report_outlier(&mut self, host: usize, report: OutlierReport, now: SimTime) {
        let Some(d) = self.outlier.as_mut() else {
            return;
        };
        match report {
            OutlierReport::Code(code) => d.put_http_code(host, code, now),
            OutlierReport::Result(result, code) => d.put_result(host, result, code, now),
        }
        self.refresh_host_sets_if_changed();
    }

    /// The detector's interval timer fires; returns when it fires next.
    pub fn on_outlier_tick(&mut self, now: SimTime) -> Option<SimTime> {
        let d = self.outlier.as_mut()?;
        d.on_interval_timer(now);
        let next = now.after(d.config().od.interval);
        self.refresh_host_sets_if_changed();
        Some(next)
    }

    /// An EDS update: hosts `leave` leave the cluster and `join` join it, in one update.
    ///
    /// - Main thread: `BaseDynamicClusterImpl::updateDynamicHostList`
    ///   (`source/common/upstream/upstream_impl.cc`) removes a host the update no longer lists
    ///   at once, since breakersim's clusters have no active health checker (with one, a host
    ///   still passing its checks would stay, `PENDING_DYNAMIC_REMOVAL`, unless
    ///   `ignore_health_on_host_removal`); the priority set's member-update callback then runs
    ///   the outlier detector's (`DetectorImpl::initialize` in
    ///   `source/common/upstream/outlier_detection_impl.cc`): a fresh monitor for each new host
    ///   (`addHostMonitor`), and each removed host's monitor erased, an ejected one lowering
    ///   `ejections_active` with no uneject event. Its later results are ignored
    ///   (`onConsecutiveErrorWorker` returns for a host without a monitor), and
    ///   `max_ejection_percent` counts the hosts that have monitors.
    /// - Workers: the new host sets (`updateClusterMembership`, each balancer's `refresh`), then
    ///   `removeHosts` → `drainConnPools(hosts_removed)` → `drainOrCloseConnPools(host,
    ///   DrainAndDelete)` for every removed host's pools
    ///   (`source/common/upstream/cluster_manager_impl.cc`); see [`ConnPool::drain_and_delete`].
    pub fn update_membership(
        &mut self,
        leave: &[usize],
        join: &[usize],
        conns: &mut Slab<Connection>,
        out: &mut Vec<PoolEvent>,
    ) {
        if let Some(d) = self.outlier.as_mut() {
            for &h in join {
                d.join_host(h);
            }
            for &h in leave {
                d.remove_host(h);
            }
        }
        for &h in join {
            self.host_sets.set_member(h, true);
        }
        for &h in leave {
            self.host_sets.set_member(h, false);
        }
        let d = self.outlier.as_ref();
        self.host_sets
            .rebuild(|h| !d.is_some_and(|d| d.is_ejected(h)));
        let rq_active = &self.rq_active;
        for lb in &mut self.lbs {
            lb.refresh_now(&self.host_sets, |h| rq_active[h]);
        }
        for worker in 0..self.concurrency {
            for &h in leave {
                let pool = self.pool_index(worker, h);
                self.with_pool(pool, conns, out, |p, env| p.drain_and_delete(env));
            }
        }
    }

    fn refresh_host_sets_if_changed(&mut self) {
        let Some(d) = self.outlier.as_mut() else {
            return;
        };
        if d.take_health_changed() {
            let d = &*d;
            self.host_sets.rebuild(|h| !d.is_ejected(h));
        }
    }

    /// The cluster's stats, with the outlier detector's when it has one, sorted by name.
    pub fn stat_entries(&self) -> Vec<Stat> {
        let mut out = self.stats.entries(&self.resources);
        if let Some(d) = &self.outlier {
            out.extend(d.stats().entries());
            out.sort_by(|a, b| a.name.cmp(&b.name));
        }
        out
    }

    pub fn update_peaks(&mut self) {
        let p = &mut self.peaks;
        p.upstream_cx_active = p.upstream_cx_active.max(self.stats.upstream_cx_active);
        p.upstream_rq_active = p.upstream_rq_active.max(self.stats.upstream_rq_active);
        p.upstream_rq_pending_active = p
            .upstream_rq_pending_active
            .max(self.stats.upstream_rq_pending_active);
        if let Some(d) = &self.outlier {
            p.ejections_active = p.ejections_active.max(d.ejections_active());
        }
    }
}
