//! The test harness that drives connection pools by hand, as Envoy's pool tests drive theirs
//! with mocks: one cluster's breakers and stats, a host, and up to a few worker pools.

use super::cluster_stats::ClusterStats;
use super::conn_pool::*;
use super::host::HostStats;
use super::resource_manager::{ResourceManager, ResourceManagers};
use crate::scenario::{RoutingPriority, Thresholds};
use crate::slab::{Key, Slab};

/// One cluster with up to two worker pools for the same host.
pub struct Harness {
    pub rm: ResourceManager,
    pub stats: ClusterStats,
    pub host: HostStats,
    pub rq_active: u64,
    pub conns: Slab<Connection>,
    pub out: Vec<PoolEvent>,
    pub pools: Vec<ConnPool>,
    pub streams: Slab<&'static str>,
}

impl Harness {
    pub fn new(max_connections: u32, max_pending: u32, max_requests: u32, pools: usize) -> Self {
        let rms = ResourceManagers::from_thresholds(&[Thresholds {
            max_connections: Some(max_connections),
            max_pending_requests: Some(max_pending),
            max_requests: Some(max_requests),
            ..Thresholds::default()
        }]);
        Harness {
            rm: rms.get(RoutingPriority::Default).clone(),
            stats: ClusterStats::new(),
            host: HostStats::default(),
            rq_active: 0,
            conns: Slab::new(),
            out: Vec::new(),
            pools: (0..pools)
                .map(|i| ConnPool::new(i, StreamLimits::HTTP1))
                .collect(),
            streams: Slab::new(),
        }
    }

    pub fn with<R>(&mut self, pool: usize, f: impl FnOnce(&mut ConnPool, &mut PoolEnv) -> R) -> R {
        let mut env = PoolEnv {
            resources: &mut self.rm,
            stats: &mut self.stats,
            host: &mut self.host,
            rq_active: &mut self.rq_active,
            conns: &mut self.conns,
            out: &mut self.out,
            host_healthy: true,
        };
        f(&mut self.pools[pool], &mut env)
    }

    /// One pool per worker with these limits instead (HTTP/2 tests).
    pub fn with_limits(mut self, limits: StreamLimits) -> Self {
        let n = self.pools.len();
        self.pools = (0..n).map(|i| ConnPool::new(i, limits)).collect();
        self
    }

    /// One pool per worker with this configuration instead.
    pub fn with_config(mut self, config: PoolConfig) -> Self {
        let n = self.pools.len();
        self.pools = (0..n).map(|i| ConnPool::with_config(i, config)).collect();
        self
    }

    /// The first stream of `pool` on a new connection, connected: the stream is attached.
    pub fn connected_stream(&mut self, pool: usize, name: &'static str) -> (Key, ConnId) {
        let s = self.stream(name);
        self.new_stream(pool, s);
        let c = Self::last_connecting(&self.events());
        self.connected(pool, c);
        (s, c)
    }

    pub fn stream(&mut self, name: &'static str) -> Key {
        self.streams.insert(name)
    }

    pub fn new_stream(&mut self, pool: usize, s: Key) -> NewStream {
        self.with(pool, |p, env| p.new_stream(env, s))
    }

    pub fn events(&mut self) -> Vec<PoolEvent> {
        std::mem::take(&mut self.out)
    }

    /// The connection created by the last `Connecting` event.
    pub fn last_connecting(events: &[PoolEvent]) -> ConnId {
        events
            .iter()
            .rev()
            .find_map(|e| match e {
                PoolEvent::Connecting(c) => Some(*c),
                _ => None,
            })
            .expect("a connection was created")
    }

    pub fn connected(&mut self, pool: usize, c: ConnId) {
        self.with(pool, |p, env| p.on_connected(env, c));
    }

    /// An HTTP/1.0 response without keep-alive: headers, then complete, then the deferred delete.
    pub fn respond_and_close(&mut self, pool: usize, c: ConnId) {
        self.with(pool, |p, env| {
            p.on_response_headers(env, c, true);
            let s = env.conns[c].streams[0];
            p.on_response_complete(env, c, s);
        });
    }

    pub fn run_deferred(&mut self, pool: usize) {
        let deferred: Vec<ConnId> = self
            .out
            .iter()
            .filter_map(|e| match e {
                PoolEvent::DeferredDelete(c) => Some(*c),
                _ => None,
            })
            .collect();
        for c in deferred {
            self.with(pool, |p, env| p.on_deferred_delete(env, c));
        }
    }
}

pub fn ready_streams(events: &[PoolEvent]) -> Vec<(Key, ConnId)> {
    events
        .iter()
        .filter_map(|e| match e {
            PoolEvent::StreamReady { stream, conn } => Some((*stream, *conn)),
            _ => None,
        })
        .collect()
}

pub fn failures(events: &[PoolEvent]) -> Vec<(Key, PoolFailureReason, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            PoolEvent::StreamFailed {
                stream,
                reason,
                host_known,
                ..
            } => Some((*stream, *reason, *host_known)),
            _ => None,
        })
        .collect()
}
