//! The Envoy proxy of one run: each worker's pools and load balancer, and the cluster's circuit
//! breakers, hosts and stats shared by all workers.

use crate::envoy::cluster_stats::ClusterStats;
use crate::envoy::conn_pool::{ConnPool, Connection, PoolEnv, PoolEvent, StreamLimits};
use crate::envoy::host::HostStats;
use crate::envoy::load_balancer::{DEFAULT_CHOICE_COUNT, LoadBalancer};
use crate::envoy::resource_manager::ResourceManagers;
use crate::rng::{StreamKind, stream};
use crate::scenario::{RoutingPriority, Scenario};
use crate::slab::Slab;
use crate::time::SimDuration;

use super::outcome::Peaks;

pub struct Proxy {
    pub concurrency: u32,
    pub priority: RoutingPriority,
    pub connect_timeout: SimDuration,
    pub route_timeout: SimDuration,
    pub resources: ResourceManagers,
    pub stats: ClusterStats,
    pub hosts: Vec<HostStats>,
    pub conns: Slab<Connection>,
    /// Pool of worker `w` for host `h` at `w * hosts + h`.
    pools: Vec<ConnPool>,
    lbs: Vec<LoadBalancer>,
    /// Hosts the load balancers may pick (every host until outlier detection exists).
    available_hosts: Vec<usize>,
    /// What the last pool calls reported, to be handled by the simulation.
    pub pool_events: Vec<PoolEvent>,
    pub peaks: Peaks,
}

impl Proxy {
    pub fn new(s: &Scenario, seed: u64, host_count: usize) -> Self {
        let concurrency = s.envoy.concurrency.get();
        let pools = (0..concurrency as usize * host_count)
            .map(|id| ConnPool::new(id, StreamLimits::HTTP1))
            .collect();
        let lbs = (0..concurrency)
            .map(|w| {
                LoadBalancer::new(
                    s.cluster.lb_policy,
                    DEFAULT_CHOICE_COUNT,
                    stream(seed, StreamKind::WorkerLb, u64::from(w)),
                )
            })
            .collect();
        Proxy {
            concurrency,
            priority: s.route.priority,
            connect_timeout: s.cluster.connect_timeout,
            route_timeout: s.route.timeout,
            resources: ResourceManagers::from_thresholds(&s.cluster.circuit_breakers.thresholds),
            stats: ClusterStats::new(),
            hosts: vec![HostStats::default(); host_count],
            conns: Slab::new(),
            pools,
            lbs,
            available_hosts: (0..host_count).collect(),
            pool_events: Vec::new(),
            peaks: Peaks::default(),
        }
    }

    pub fn pool_index(&self, worker: u32, host: usize) -> usize {
        worker as usize * self.hosts.len() + host
    }

    pub fn host_of_pool(&self, pool: usize) -> usize {
        pool % self.hosts.len()
    }

    /// Runs `f` on pool `pool` with the cluster state it reads and updates; what the pool
    /// reports lands in `pool_events`.
    pub fn with_pool<R>(
        &mut self,
        pool: usize,
        f: impl FnOnce(&mut ConnPool, &mut PoolEnv) -> R,
    ) -> R {
        let host = self.host_of_pool(pool);
        let mut env = PoolEnv {
            resources: self.resources.get_mut(self.priority),
            stats: &mut self.stats,
            host: &mut self.hosts[host],
            conns: &mut self.conns,
            out: &mut self.pool_events,
            host_healthy: true,
        };
        f(&mut self.pools[pool], &mut env)
    }

    /// The worker's load balancer picks a host, or `None` if none is available.
    pub fn choose_host(&mut self, worker: u32) -> Option<usize> {
        let hosts = &self.hosts;
        self.lbs[worker as usize].choose(&self.available_hosts, |h| hosts[h].rq_active)
    }

    pub fn update_peaks(&mut self) {
        let p = &mut self.peaks;
        p.upstream_cx_active = p.upstream_cx_active.max(self.stats.upstream_cx_active);
        p.upstream_rq_active = p.upstream_rq_active.max(self.stats.upstream_rq_active);
        p.upstream_rq_pending_active = p
            .upstream_rq_pending_active
            .max(self.stats.upstream_rq_pending_active);
    }
}
