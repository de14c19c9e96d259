//! One worker's HTTP/1.1 connection pool for one upstream host.
//!
//! Follows `source/common/conn_pool/conn_pool_base.cc` (`newStreamImpl`,
//! `tryCreateNewConnections`, `tryCreateNewConnection`, `attachStreamToClient`,
//! `onUpstreamReady`, `onStreamClosed`, `onConnectionEvent`, `purgePendingStreams`,
//! `onPendingStreamCancel`) and `source/common/http/http1/conn_pool.cc` (close after an
//! HTTP/1.0 response, `onUpstreamReady` deferred to the end of the event, stream teardown as a
//! deferred delete). Circuit-breaker counters are the cluster's, shared by every worker; the
//! decision to open a connection (`pending > connecting capacity`, per-upstream preconnect ratio
//! 1) and the "no connection at all" exception are per pool.
//!
//! The pool never schedules anything: it reports what happened as [`PoolEvent`]s for the
//! simulation to act on, so tests can drive it with hand-written sequences.

use super::version::{Behaviour, EnvoyVersion, NEWEST_ENVOY};
use std::collections::VecDeque;

use super::cluster_stats::ClusterStats;
use super::host::HostStats;
use super::resource_manager::ResourceManager;
use crate::slab::{Key, Slab};

/// The router's upstream request waiting for, or using, a stream.
pub type StreamId = Key;
/// A connection in the cluster's connection slab, shared by every pool of the run.
pub type ConnId = Key;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// Where a connection is in its life; it decides which of the pool's lists holds it
/// (Envoy's `ActiveClient::State`).
pub enum ConnState {
    /// TCP connect under way; counted in the pool's connecting capacity.
    Connecting,
    /// Connected, with room for at least one more stream.
    Ready,
    /// Connected, every concurrent stream in use.
    Busy,
    /// Takes no new stream (lifetime stream limit reached, or the peer's GOAWAY); closes when
    /// its last stream ends.
    Draining,
    /// Closed; waiting for its deferred delete.
    Closed,
}

/// Who closed a connection (`Network::ConnectionEvent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseEvent {
    /// Envoy closed it (connect timeout, idle drain, HTTP/1 `Connection: close`).
    LocalClose,
    /// The backend closed it, or the connect failed.
    RemoteClose,
}

/// `ConnectionPool::PoolFailureReason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolFailureReason {
    /// A circuit breaker (pending requests or requests) refused the stream.
    Overflow,
    /// Envoy closed the connection before it was up, other than by its connect timer.
    LocalConnectionFailure,
    /// The connect failed or the peer closed before the connection was up.
    RemoteConnectionFailure,
    /// The connect timer (`connect_timeout`) fired before the connection was up.
    Timeout,
}

/// One upstream connection (Envoy's `ActiveClient` with its codec client).
#[derive(Clone, Debug)]
pub struct Connection {
    /// Index of the pool ([`ConnPool::id`]) that opened it.
    pub pool: usize,
    /// HTTP/1.1 or HTTP/2.
    pub protocol: Protocol,
    /// Which of the pool's lists holds it.
    pub state: ConnState,
    /// The TCP connect finished (Envoy's `hasHandshakeCompleted`): false while connecting.
    pub handshake_completed: bool,
    /// The connect timer fired on it, so its close is reported as a timeout.
    pub timed_out: bool,
    /// Streams it may carry at once: 1 for HTTP/1.1, `max_concurrent_streams` for HTTP/2.
    pub concurrent_limit: u32,
    /// Streams it may still carry over its life (`max_requests_per_connection`); at 0 it drains.
    pub remaining_streams: u64,
    /// The streams on this connection (HTTP/1: at most one, kept until its deferred teardown).
    pub streams: Vec<StreamId>,
    /// HTTP/1: the response on it is complete.
    pub decode_complete: bool,
    /// HTTP/1: close after this response.
    pub close_connection: bool,
    /// The peer asked to close once idle (a graceful restart).
    pub goaway: bool,
    resources_released: bool,
}

/// The upstream protocol of a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// HTTP/1.1: one stream per connection at a time.
    Http1,
    /// HTTP/2: many concurrent streams on one connection.
    Http2,
}

impl Connection {
    /// Streams on it now (`numActiveStreams`).
    pub fn active_streams(&self) -> u32 {
        self.streams.len() as u32
    }

    /// `currentUnusedCapacity()`.
    pub fn unused_capacity(&self) -> u64 {
        let concurrent = u64::from(self.concurrent_limit.saturating_sub(self.active_streams()));
        self.remaining_streams.min(concurrent)
    }

    /// `closingWithIncompleteStream()`: a stream on it has not finished.
    fn closing_with_incomplete_stream(&self) -> bool {
        match self.protocol {
            Protocol::Http1 => !self.streams.is_empty() && !self.decode_complete,
            Protocol::Http2 => !self.streams.is_empty(),
        }
    }
}

/// What the pool did that the rest of the simulation must act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolEvent {
    /// A connection was created: start its TCP connect and arm its connect timer.
    Connecting(ConnId),
    /// `onPoolReady`: the stream is attached and the request can be sent.
    StreamReady {
        /// The stream attached.
        stream: StreamId,
        /// The connection it is on.
        conn: ConnId,
    },
    /// `onPoolFailure`. `host_known` is false for a pending-queue overflow (no host reported).
    StreamFailed {
        /// The stream failed.
        stream: StreamId,
        /// Why: overflow, connect failure or connect timeout.
        reason: PoolFailureReason,
        /// Whether the failure is the host's to report (false for a pending-queue overflow).
        host_known: bool,
        /// A purged pending stream whose pending slot is still held: once the router has acted
        /// on the failure, call [`ConnPool::release_purged_stream`] (Envoy destroys the
        /// `PendingStream`, releasing `pending_requests`, only after its `onPoolFailure`).
        release_pending: bool,
    },
    /// HTTP/1 asks for `onUpstreamReady` of pool `pool` later in the current event-loop
    /// iteration: call [`ConnPool::on_scheduled_upstream_ready`] at the end of the event.
    ScheduleUpstreamReady {
        /// The pool's [`ConnPool::id`].
        pool: usize,
    },
    /// The connection closed: cancel its timers; nothing more will be read from it.
    Closed(ConnId),
    /// A stream's connection closed under it before its response was complete
    /// (`ConnectionTermination`). Ignore it if the router already gave the stream up.
    StreamReset {
        /// The stream reset.
        stream: StreamId,
        /// The connection that closed.
        conn: ConnId,
    },
    /// The closed client is deferred-deleted: call [`ConnPool::on_deferred_delete`] at the end
    /// of the current event.
    DeferredDelete(ConnId),
}

/// Everything outside the pool that the pool reads and updates.
pub struct PoolEnv<'a> {
    /// The cluster's circuit breakers for the request's routing priority (cluster-wide).
    pub resources: &'a mut ResourceManager,
    /// The cluster's counters (`upstream_cx_*`, `upstream_rq_pending_*`).
    pub stats: &'a mut ClusterStats,
    /// The host's counters and its `per_host_thresholds.max_connections`.
    pub host: &'a mut HostStats,
    /// The host's `rq_active` (requests on a stream to it now; kept apart from its other
    /// counters, see `host.rs`).
    pub rq_active: &'a mut u64,
    /// Every connection of the run, indexed by [`ConnId`].
    pub conns: &'a mut Slab<Connection>,
    /// Where the pool appends what happened, for the simulation to act on.
    pub out: &'a mut Vec<PoolEvent>,
    /// The host's coarse health (for `shouldCreateNewConnection`; with the default preconnect
    /// ratio both branches reduce to `pending > connecting capacity`).
    pub host_healthy: bool,
}

/// `ConnectionResult` of `tryCreateNewConnection`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionResult {
    /// No connection was needed (`pending <= connecting capacity`).
    ShouldNotConnect,
    /// One was needed but the connections breaker or the host's limit blocked it.
    NoConnectionRateLimited,
    /// A connection was created within the limits.
    CreatedNewConnection,
    /// A connection was created past the limits because the pool had none at all.
    CreatedButRateLimited,
}

/// What `newStream` did with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewStream {
    /// Attached to a ready connection at once.
    Attached,
    /// Queued; it will be attached or failed later.
    Pending,
    /// Refused (pending or requests limit); a `StreamFailed` was reported.
    Failed,
}

/// Protocol and stream limits of the connections this pool opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    /// HTTP/1.1 or HTTP/2.
    pub protocol: Protocol,
    /// Streams at once per connection (1 for HTTP/1.1).
    pub concurrent: u32,
    /// Streams over a connection's life (`max_requests_per_connection`); 0 means unlimited.
    pub lifetime: u64,
}

/// HTTP/2's default `max_concurrent_streams` from Envoy 1.36 (`safe_http2_options`).
pub const HTTP2_DEFAULT_MAX_CONCURRENT_STREAMS: u32 = 1024;
/// HTTP/2's default `max_concurrent_streams` before Envoy 1.36, also the most the proto allows.
pub const HTTP2_LEGACY_DEFAULT_MAX_CONCURRENT_STREAMS: u32 = 2_147_483_647;

/// The `max_concurrent_streams` an upstream HTTP/2 connection takes when the cluster leaves it
/// unset (`Http2::Utility::initializeAndValidateOptions` in
/// `source/common/http/http2/codec_impl.cc`): 1024 from Envoy 1.36
/// ([`Behaviour::Http2SafeDefaultMaxConcurrentStreams`]), 2^31 - 1 before.
pub fn http2_default_max_concurrent_streams(version: EnvoyVersion) -> u32 {
    if version.has(Behaviour::Http2SafeDefaultMaxConcurrentStreams) {
        HTTP2_DEFAULT_MAX_CONCURRENT_STREAMS
    } else {
        HTTP2_LEGACY_DEFAULT_MAX_CONCURRENT_STREAMS
    }
}
/// HTTP/2's lifetime stream limit when `max_requests_per_connection` is 0 or unset.
pub const HTTP2_DEFAULT_MAX_REQUESTS_PER_CONNECTION: u64 = 1 << 29;

impl StreamLimits {
    /// HTTP/1.1: one stream at a time, unlimited over the connection's life.
    pub const HTTP1: StreamLimits = StreamLimits {
        protocol: Protocol::Http1,
        concurrent: 1,
        lifetime: 0,
    };

    /// HTTP/2 limits from `max_concurrent_streams` and `max_requests_per_connection`, where 0 or
    /// unset takes Envoy `version`'s defaults ([`http2_default_max_concurrent_streams`],
    /// [`HTTP2_DEFAULT_MAX_REQUESTS_PER_CONNECTION`]).
    pub fn http2(
        max_concurrent_streams: Option<u32>,
        max_requests: Option<u32>,
        version: EnvoyVersion,
    ) -> Self {
        StreamLimits {
            protocol: Protocol::Http2,
            concurrent: max_concurrent_streams
                .filter(|&n| n > 0)
                .unwrap_or(http2_default_max_concurrent_streams(version)),
            lifetime: max_requests
                .filter(|&n| n > 0)
                .map_or(HTTP2_DEFAULT_MAX_REQUESTS_PER_CONNECTION, u64::from),
        }
    }
}

/// How a pool behaves where Envoy releases differ (runtime guards); not a scenario field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// Protocol and stream limits of its connections.
    pub limits: StreamLimits,
    /// What a stream refused by `max_requests` when it is attached counts.
    pub attach_overflow: AttachOverflowCounters,
}

/// The counters a stream refused by `max_requests` in `attachStreamToClient` counts
/// (`source/common/conn_pool/conn_pool_base.cc`; changelog 1.38.0, area conn_pool).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachOverflowCounters {
    /// Before Envoy 1.38: `upstream_rq_pending_overflow` (there is no active counter).
    Pending,
    /// Envoy 1.38 on: `upstream_rq_active_overflow` only.
    Active,
    /// Envoy 1.38 on with the runtime guard
    /// `envoy.reloadable_features.skip_pending_overflow_count_on_active_rq` set to false: both.
    ActiveAndPending,
}

impl PoolConfig {
    /// The newest Envoy's behaviour with these limits.
    pub fn new(limits: StreamLimits) -> Self {
        PoolConfig::for_version(limits, NEWEST_ENVOY)
    }

    /// Envoy `version`'s behaviour with these limits
    /// ([`Behaviour::ActiveRequestOverflowCounter`] from 1.38).
    pub fn for_version(limits: StreamLimits, version: EnvoyVersion) -> Self {
        let attach_overflow = if version.has(Behaviour::ActiveRequestOverflowCounter) {
            AttachOverflowCounters::Active
        } else {
            AttachOverflowCounters::Pending
        };
        PoolConfig {
            limits,
            attach_overflow,
        }
    }
}

/// One worker's connection pool for one upstream host (Envoy's `ConnPoolImplBase` with the
/// HTTP/1 or HTTP/2 codec's rules): pending streams, and connections by state.
///
/// Layout: `repr(C, align(64))` keeps what a request's attach and release read and write (the
/// ready, busy and pending lists, the stream and connecting counts, the id and limits) in the
/// pool's first two cache lines; what only connection set-up and tear-down read comes after.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct ConnPool {
    /// Ready connections; the last is the most recently readied (Envoy's list front).
    ready: Vec<ConnId>,
    /// Busy and draining connections.
    busy: Vec<ConnId>,
    /// Waiting streams; the back is the newest (Envoy's list front), the front the oldest.
    pending: VecDeque<StreamId>,
    num_active_streams: u64,
    connecting_capacity: u64,
    id: usize,
    limits: StreamLimits,
    /// Connecting connections; the last is the newest.
    connecting: Vec<ConnId>,
    attach_overflow: AttachOverflowCounters,
    upstream_ready_scheduled: bool,
    /// Its host left the cluster (`is_draining_for_deletion_`): no new stream comes, and
    /// connections are closed as they become idle.
    draining_for_deletion: bool,
}

impl ConnPool {
    /// An empty pool numbered `id`, opening connections with these limits, with current
    /// Envoy's behaviour.
    pub fn new(id: usize, limits: StreamLimits) -> Self {
        Self::with_config(id, PoolConfig::new(limits))
    }

    /// An empty pool numbered `id` with this configuration.
    pub fn with_config(id: usize, config: PoolConfig) -> Self {
        ConnPool {
            id,
            limits: config.limits,
            attach_overflow: config.attach_overflow,
            pending: VecDeque::new(),
            ready: Vec::new(),
            busy: Vec::new(),
            connecting: Vec::new(),
            connecting_capacity: 0,
            num_active_streams: 0,
            upstream_ready_scheduled: false,
            draining_for_deletion: false,
        }
    }

    /// Its index among the run's pools (`connection.pool` points back to it).
    pub fn id(&self) -> usize {
        self.id
    }

    /// Streams queued for a connection (they hold the pending-requests breaker).
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Streams its connecting connections will be able to take once up (`connecting_stream_capacity_`).
    pub fn connecting_capacity(&self) -> u64 {
        self.connecting_capacity
    }

    /// Streams attached to its connections now.
    pub fn num_active_streams(&self) -> u64 {
        self.num_active_streams
    }

    /// Connections in any state but closed.
    pub fn connection_count(&self) -> usize {
        self.ready.len() + self.busy.len() + self.connecting.len()
    }

    /// No pending stream, no active stream and no connection: the pool can be dropped.
    pub fn is_idle(&self) -> bool {
        self.pending.is_empty() && self.num_active_streams == 0 && self.connection_count() == 0
    }

    /// `newStreamImpl`.
    pub fn new_stream(&mut self, env: &mut PoolEnv, stream: StreamId) -> NewStream {
        debug_assert!(
            !self.draining_for_deletion,
            "a removed host is never picked"
        );
        if let Some(&conn) = self.ready.last() {
            let attached = self.attach(env, conn, stream);
            self.try_create_new_connections(env);
            return if attached {
                NewStream::Attached
            } else {
                NewStream::Failed
            };
        }
        if !env.resources.pending_requests.can_create() {
            env.stats.upstream_rq_pending_overflow += 1;
            env.out.push(PoolEvent::StreamFailed {
                stream,
                reason: PoolFailureReason::Overflow,
                host_known: false,
                release_pending: false,
            });
            return NewStream::Failed;
        }
        // PendingStream constructor.
        self.pending.push_back(stream);
        env.stats.upstream_rq_pending_total += 1;
        env.stats.upstream_rq_pending_active += 1;
        env.resources.pending_requests.inc();
        self.try_create_new_connections(env);
        NewStream::Pending
    }

    /// `tryCreateNewConnections`: up to three attempts while each one creates a connection
    /// within the limits.
    pub fn try_create_new_connections(&mut self, env: &mut PoolEnv) -> ConnectionResult {
        let mut result = ConnectionResult::ShouldNotConnect;
        for _ in 0..3 {
            result = self.try_create_new_connection(env);
            if result != ConnectionResult::CreatedNewConnection {
                break;
            }
        }
        result
    }

    /// `tryCreateNewConnection`: `upstream_cx_overflow` is counted on every blocked attempt,
    /// and a pool with no connection at all creates one even at the limit.
    fn try_create_new_connection(&mut self, env: &mut PoolEnv) -> ConnectionResult {
        if !self.should_create_new_connection(env) {
            return ConnectionResult::ShouldNotConnect;
        }
        let can_create =
            env.host.cx_active < env.host.max_connections && env.resources.connections.can_create();
        if !can_create {
            env.stats.upstream_cx_overflow += 1;
        }
        if can_create || self.connection_count() == 0 {
            self.create_connection(env);
            if can_create {
                ConnectionResult::CreatedNewConnection
            } else {
                ConnectionResult::CreatedButRateLimited
            }
        } else {
            ConnectionResult::NoConnectionRateLimited
        }
    }

    /// `shouldCreateNewConnection` with the default per-upstream preconnect ratio of 1:
    /// `(pending + active) * 1 > connecting + active`, the same test for unhealthy hosts.
    fn should_create_new_connection(&self, env: &PoolEnv) -> bool {
        let _ = env.host_healthy;
        self.pending.len() as u64 > self.connecting_capacity
    }

    /// `instantiateActiveClient` and the `ActiveClient` constructor.
    fn create_connection(&mut self, env: &mut PoolEnv) {
        let lifetime = if self.limits.lifetime == 0 {
            u64::MAX
        } else {
            self.limits.lifetime
        };
        let conn = env.conns.insert(Connection {
            pool: self.id,
            protocol: self.limits.protocol,
            state: ConnState::Connecting,
            handshake_completed: false,
            timed_out: false,
            concurrent_limit: self.limits.concurrent,
            remaining_streams: lifetime,
            streams: Vec::new(),
            decode_complete: false,
            close_connection: false,
            goaway: false,
            resources_released: false,
        });
        env.host.cx_total += 1;
        env.host.cx_active += 1;
        env.stats.upstream_cx_total += 1;
        match self.limits.protocol {
            Protocol::Http1 => env.stats.upstream_cx_http1_total += 1,
            Protocol::Http2 => env.stats.upstream_cx_http2_total += 1,
        }
        env.stats.upstream_cx_active += 1;
        env.resources.connections.inc();
        self.connecting_capacity += env.conns[conn].unused_capacity();
        self.connecting.push(conn);
        env.out.push(PoolEvent::Connecting(conn));
    }

    /// `attachStreamToClient`. Returns false if `max_requests` refused the stream: that counts
    /// what [`AttachOverflowCounters`] says (`source/common/conn_pool/conn_pool_base.cc`, Envoy
    /// 1.38.0 changelog, conn_pool; checked by `ConnPoolImplDispatcherBaseTest.MaxActiveRequestsOverflow`
    /// and `MaxActiveRequestsOverflowLegacy` in `test/common/conn_pool/conn_pool_base_test.cc`).
    fn attach(&mut self, env: &mut PoolEnv, conn: ConnId, stream: StreamId) -> bool {
        if !env.resources.requests.can_create() {
            match self.attach_overflow {
                AttachOverflowCounters::Pending => env.stats.upstream_rq_pending_overflow += 1,
                AttachOverflowCounters::Active => env.stats.upstream_rq_active_overflow += 1,
                AttachOverflowCounters::ActiveAndPending => {
                    env.stats.upstream_rq_active_overflow += 1;
                    env.stats.upstream_rq_pending_overflow += 1;
                }
            }
            env.out.push(PoolEvent::StreamFailed {
                stream,
                reason: PoolFailureReason::Overflow,
                host_known: true,
                release_pending: false,
            });
            return false;
        }
        let c = &mut env.conns[conn];
        let capacity = c.unused_capacity();
        c.remaining_streams -= 1;
        if c.remaining_streams == 0 {
            env.stats.upstream_cx_max_requests += 1;
            self.move_conn(env.conns, conn, ConnState::Draining);
        } else if capacity == 1 {
            self.move_conn(env.conns, conn, ConnState::Busy);
        }
        let c = &mut env.conns[conn];
        c.streams.push(stream);
        c.decode_complete = false;
        c.close_connection = c.goaway;
        self.num_active_streams += 1;
        env.host.rq_total += 1;
        *env.rq_active += 1;
        env.stats.upstream_rq_total += 1;
        env.stats.upstream_rq_active += 1;
        env.resources.requests.inc();
        env.out.push(PoolEvent::StreamReady { stream, conn });
        true
    }

    /// `onUpstreamReady`: attach the oldest pending streams to ready connections, then ask for
    /// more connections if streams are still waiting.
    fn on_upstream_ready(&mut self, env: &mut PoolEnv) {
        while let (Some(&stream), Some(&conn)) = (self.pending.front(), self.ready.last()) {
            self.attach(env, conn, stream);
            // PendingStream destructor, after the attach.
            self.pending.pop_front();
            env.stats.upstream_rq_pending_active -= 1;
            env.resources.pending_requests.dec();
        }
        if !self.pending.is_empty() {
            self.try_create_new_connections(env);
        }
    }

    /// The scheduled `onUpstreamReady` callback runs.
    pub fn on_scheduled_upstream_ready(&mut self, env: &mut PoolEnv) {
        self.upstream_ready_scheduled = false;
        self.on_upstream_ready(env);
    }

    /// `onConnectionEvent(Connected)`.
    pub fn on_connected(&mut self, env: &mut PoolEnv, conn: ConnId) {
        let c = &mut env.conns[conn];
        debug_assert_eq!(c.state, ConnState::Connecting);
        self.connecting_capacity -= c.unused_capacity();
        c.handshake_completed = true;
        let next = if c.unused_capacity() > 0 {
            ConnState::Ready
        } else {
            ConnState::Busy
        };
        self.move_conn(env.conns, conn, next);
        if next == ConnState::Ready {
            self.on_upstream_ready(env);
        }
        self.close_idle_if_draining(env);
    }

    /// The connect timer fired (`ActiveClient::onConnectTimeout`).
    pub fn on_connect_timeout(&mut self, env: &mut PoolEnv, conn: ConnId) {
        env.stats.upstream_cx_connect_timeout += 1;
        env.conns[conn].timed_out = true;
        self.close(env, conn, CloseEvent::LocalClose);
    }

    /// The response's headers arrived. HTTP/1: an HTTP/1.0 response without keep-alive, or
    /// `Connection: close`, will close the connection (`upstream_cx_close_notify`).
    pub fn on_response_headers(&mut self, env: &mut PoolEnv, conn: ConnId, close_connection: bool) {
        let c = &mut env.conns[conn];
        if c.protocol == Protocol::Http2 {
            return;
        }
        let close = close_connection || c.goaway;
        if close {
            env.stats.upstream_cx_close_notify += 1;
        }
        c.close_connection = close;
    }

    /// The response of `stream` is complete. HTTP/1 (`onDecodeComplete`): close the connection
    /// if the response said so, else end the stream now and attach waiting streams later in
    /// this iteration. HTTP/2: the stream ends and waiting streams attach at once.
    pub fn on_response_complete(&mut self, env: &mut PoolEnv, conn: ConnId, stream: StreamId) {
        let c = &mut env.conns[conn];
        if c.protocol == Protocol::Http2 {
            // `MultiplexedActiveClientBase::onStreamDestroy` (`source/common/http/conn_pool_base.cc`).
            c.streams.retain(|&s| s != stream);
            self.on_stream_closed(env, conn, false);
            self.close_idle_if_draining(env);
            return;
        }
        c.decode_complete = true;
        if c.close_connection {
            self.close(env, conn, CloseEvent::LocalClose);
            return;
        }
        c.streams.clear();
        if !self.upstream_ready_scheduled {
            self.upstream_ready_scheduled = true;
            env.out
                .push(PoolEvent::ScheduleUpstreamReady { pool: self.id });
        }
        self.on_stream_closed(env, conn, true);
        // `StreamWrapper::onDecodeComplete` (`source/common/http/http1/conn_pool.cc`).
        self.close_idle_if_draining(env);
    }

    /// The router resets an attached stream (a timeout): HTTP/1 closes the connection
    /// (`http1/conn_pool.cc`, `StreamWrapper::onResetStream`, which counts nothing); HTTP/2
    /// resets only that stream, counted in `upstream_rq_tx_reset` as a `LocalReset`
    /// (`source/common/http/conn_pool_base.cc`, `MultiplexedActiveClientBase::onStreamReset`).
    pub fn reset_stream(&mut self, env: &mut PoolEnv, conn: ConnId, stream: StreamId) {
        let c = &mut env.conns[conn];
        if c.state == ConnState::Closed {
            return;
        }
        if c.protocol == Protocol::Http2 {
            env.stats.upstream_rq_tx_reset += 1;
            self.end_reset_stream(env, conn, stream);
        } else {
            self.close(env, conn, CloseEvent::LocalClose);
        }
    }

    /// HTTP/2: the peer refused a stream (`RST_STREAM` with `REFUSED_STREAM`, Envoy's
    /// `RemoteRefusedStreamReset`). `MultiplexedActiveClientBase::onStreamReset` counts nothing
    /// for it; the stream ends as any other (`onStreamDestroy`).
    pub fn on_stream_refused(&mut self, env: &mut PoolEnv, conn: ConnId, stream: StreamId) {
        let c = &env.conns[conn];
        if c.state == ConnState::Closed || !c.streams.contains(&stream) {
            return;
        }
        debug_assert_eq!(c.protocol, Protocol::Http2);
        self.end_reset_stream(env, conn, stream);
    }

    /// An HTTP/2 stream reset: the codec client destroys it (`onStreamDestroy` →
    /// `onStreamClosed`, attaching waiting streams at once).
    fn end_reset_stream(&mut self, env: &mut PoolEnv, conn: ConnId, stream: StreamId) {
        env.conns[conn].streams.retain(|&s| s != stream);
        self.on_stream_closed(env, conn, false);
        // Not `closed_with_active_rq_` (a local or refused reset, not a connection's end).
        self.close_idle_if_draining(env);
    }

    /// HTTP/2: the peer's SETTINGS carry `SETTINGS_MAX_CONCURRENT_STREAMS`
    /// (`MultiplexedActiveClientBase::onSettings` in `source/common/http/conn_pool_base.cc`):
    /// the connection's concurrent stream limit becomes the smaller of it and the cluster's
    /// `max_concurrent_streams`; a ready connection left without room turns busy, a busy one
    /// with room turns ready (without attaching waiting streams, as in Envoy). Streams already
    /// attached stay, even past the new limit.
    pub fn on_settings(&mut self, env: &mut PoolEnv, conn: ConnId, max_concurrent_streams: u32) {
        let c = &mut env.conns[conn];
        if c.state == ConnState::Closed || !c.handshake_completed || c.protocol != Protocol::Http2 {
            return;
        }
        c.concurrent_limit = max_concurrent_streams.min(self.limits.concurrent);
        let room = c.unused_capacity() > 0;
        match c.state {
            ConnState::Ready if !room => self.move_conn(env.conns, conn, ConnState::Busy),
            ConnState::Busy if room => self.move_conn(env.conns, conn, ConnState::Ready),
            _ => {}
        }
    }

    /// The peer restarts gracefully. HTTP/2 (GOAWAY, `MultiplexedActiveClientBase::onGoAway` in
    /// `source/common/http/conn_pool_base.cc`): `upstream_cx_close_notify` is counted on every
    /// GOAWAY, then an idle connection is closed and a busy one drains (a draining one is left
    /// as it is). HTTP/1: an idle keep-alive connection is closed by the peer, a busy one
    /// closes after its response (whose `Connection: close` counts the close notify).
    pub fn on_goaway(&mut self, env: &mut PoolEnv, conn: ConnId) {
        let c = &mut env.conns[conn];
        if c.state == ConnState::Closed || !c.handshake_completed {
            return;
        }
        c.goaway = true;
        let idle = c.streams.is_empty();
        if c.protocol == Protocol::Http2 {
            env.stats.upstream_cx_close_notify += 1;
        }
        match c.protocol {
            Protocol::Http2 if c.state == ConnState::Draining => {}
            Protocol::Http2 if idle => self.close(env, conn, CloseEvent::LocalClose),
            Protocol::Http2 => {
                c.remaining_streams = 0;
                self.move_conn(env.conns, conn, ConnState::Draining);
            }
            Protocol::Http1 if idle => self.close(env, conn, CloseEvent::RemoteClose),
            Protocol::Http1 => c.close_connection = true,
        }
    }

    /// The pool's host left the cluster: `drainConnectionsImpl(DrainBehavior::DrainAndDelete)`
    /// (`source/common/conn_pool/conn_pool_base.cc`) marks it draining for deletion and closes
    /// what is idle now ([`ConnPool::close_idle_if_draining`]). Unlike a plain drain, busy and
    /// ready connections are not moved to draining: their streams finish, pending streams still
    /// attach to connections as they become ready, and each connection is closed once idle, at
    /// the points Envoy calls `checkForIdleAndCloseIdleConnsIfDraining`.
    pub fn drain_and_delete(&mut self, env: &mut PoolEnv) {
        self.draining_for_deletion = true;
        self.close_idle_if_draining(env);
    }

    /// Whether the pool's host has left the cluster.
    pub fn is_draining_for_deletion(&self) -> bool {
        self.draining_for_deletion
    }

    /// `checkForIdleAndCloseIdleConnsIfDraining` → `closeIdleConnectionsForDrainingPool`: in a
    /// pool draining for deletion, every ready connection without a stream is closed, and, if
    /// no stream is pending, every connecting one (a connect failure: `upstream_cx_connect_fail`),
    /// each a local close, in Envoy's list order (front first, the last of these vectors).
    fn close_idle_if_draining(&mut self, env: &mut PoolEnv) {
        if !self.draining_for_deletion {
            return;
        }
        // Closing one of these changes no other's state and queues no stream, so closing them
        // one by one is Envoy's collect-then-close.
        while let Some(&conn) = self
            .ready
            .iter()
            .rev()
            .find(|&&c| env.conns[c].streams.is_empty())
        {
            self.close(env, conn, CloseEvent::LocalClose);
        }
        if self.pending.is_empty() {
            while let Some(&conn) = self.connecting.last() {
                self.close(env, conn, CloseEvent::LocalClose);
            }
        }
    }

    /// Every live connection of this pool.
    pub fn connections(&self) -> impl Iterator<Item = ConnId> + '_ {
        self.connecting
            .iter()
            .chain(&self.ready)
            .chain(&self.busy)
            .copied()
    }

    /// The peer closed the connection (or refused it while connecting).
    pub fn on_remote_close(&mut self, env: &mut PoolEnv, conn: ConnId) {
        if env.conns[conn].state != ConnState::Closed {
            self.close(env, conn, CloseEvent::RemoteClose);
        }
    }

    /// `onPendingStreamCancel` with `CancelPolicy::Default`, as the HTTP router uses.
    pub fn cancel_pending(&mut self, env: &mut PoolEnv, stream: StreamId) {
        let Some(i) = self.pending.iter().position(|&s| s == stream) else {
            return;
        };
        self.pending.remove(i);
        env.stats.upstream_rq_pending_active -= 1;
        env.resources.pending_requests.dec();
        env.stats.upstream_rq_cancelled += 1;
        self.close_idle_if_draining(env);
    }

    /// The counters `onStreamClosed` releases.
    fn on_stream_closed_counts(&mut self, env: &mut PoolEnv) {
        debug_assert!(self.num_active_streams > 0);
        self.num_active_streams -= 1;
        *env.rq_active -= 1;
        env.stats.upstream_rq_active -= 1;
        env.resources.requests.dec();
    }

    /// `onStreamClosed`: the stream's resources are released.
    fn on_stream_closed(&mut self, env: &mut PoolEnv, conn: ConnId, delay_attaching_stream: bool) {
        self.on_stream_closed_counts(env);
        let c = &mut env.conns[conn];
        if c.state == ConnState::Draining && c.streams.is_empty() {
            self.close(env, conn, CloseEvent::LocalClose);
        } else if c.state == ConnState::Busy && c.unused_capacity() > 0 && !c.goaway {
            self.move_conn(env.conns, conn, ConnState::Ready);
            if !delay_attaching_stream {
                self.on_upstream_ready(env);
            }
        }
    }

    /// The deferred delete of a closed client runs: an HTTP/1 stream still on it is torn down
    /// now (`requests` released at the end of the event, after `connections`).
    pub fn on_deferred_delete(&mut self, env: &mut PoolEnv, conn: ConnId) {
        if !env.conns[conn].streams.is_empty() {
            env.conns[conn].streams.clear();
            self.on_stream_closed(env, conn, true);
        }
        env.conns.remove(conn);
    }

    /// `onConnectionEvent(LocalClose | RemoteClose)`.
    fn close(&mut self, env: &mut PoolEnv, conn: ConnId, event: CloseEvent) {
        let c = &mut env.conns[conn];
        let was_connecting = !c.handshake_completed;
        if was_connecting {
            self.connecting_capacity -= c.unused_capacity();
        }
        // "Make sure that onStreamClosed won't double count."
        c.remaining_streams = 0;
        let incomplete = c.closing_with_incomplete_stream();
        report_cx_destroy(env.stats, event, incomplete);
        env.out.push(PoolEvent::Closed(conn));
        if incomplete {
            for &stream in &c.streams {
                env.out.push(PoolEvent::StreamReset { stream, conn });
            }
        }
        if c.protocol == Protocol::Http2 {
            // The codec resets every stream as the connection closes (`CodecClient::onEvent`,
            // reason `ConnectionTermination`), and `MultiplexedActiveClientBase::onStreamReset`
            // counts each in `upstream_rq_pending_failure_eject`. HTTP/1's client counts nothing
            // for its stream (`StreamWrapper::onResetStream` only closes).
            let streams = std::mem::take(&mut c.streams).len();
            env.stats.upstream_rq_pending_failure_eject += streams as u64;
            for _ in 0..streams {
                self.on_stream_closed_counts(env);
            }
        }
        let c = &mut env.conns[conn];
        if was_connecting {
            c.handshake_completed = true;
            env.stats.upstream_cx_connect_fail += 1;
            env.host.cx_connect_fail += 1;
            let reason = if c.timed_out {
                PoolFailureReason::Timeout
            } else if event == CloseEvent::RemoteClose {
                PoolFailureReason::RemoteConnectionFailure
            } else {
                PoolFailureReason::LocalConnectionFailure
            };
            self.purge_pending_streams(env, reason);
            if !self.draining_for_deletion {
                self.try_create_new_connections(env);
            }
        }
        self.release_resources(env, conn);
        self.remove_from_lists(conn);
        env.conns[conn].state = ConnState::Closed;
        env.out.push(PoolEvent::DeferredDelete(conn));
        if !self.pending.is_empty() {
            self.try_create_new_connections(env);
        }
    }

    /// `purgePendingStreams`: every waiting stream fails, newest first. The streams leave the
    /// pending queue at once (moved to `pending_streams_to_purge_`), but each keeps its
    /// `pending_requests` slot and `upstream_rq_pending_active` until its own `onPoolFailure`
    /// has returned: the loop takes the stream out of the purge list into a local
    /// `PendingStreamPtr`, calls `onPoolFailure`, and the pointer's end of scope runs
    /// `~PendingStream`, which releases both (`source/common/conn_pool/conn_pool_base.cc`,
    /// `ConnPoolImplBase::purgePendingStreams` and `PendingStream::~PendingStream`). So the
    /// router's retry decision for the k-th failed stream of n sees n - k + 1 pending
    /// requests, itself included; the simulation releases each slot after acting on the
    /// failure ([`ConnPool::release_purged_stream`]).
    fn purge_pending_streams(&mut self, env: &mut PoolEnv, reason: PoolFailureReason) {
        while let Some(stream) = self.pending.pop_back() {
            env.stats.upstream_rq_pending_failure_eject += 1;
            env.out.push(PoolEvent::StreamFailed {
                stream,
                reason,
                host_known: true,
                release_pending: true,
            });
        }
    }

    /// `~PendingStream` of a purged stream, after its `onPoolFailure` has run: its
    /// `pending_requests` slot and `upstream_rq_pending_active` are released.
    pub fn release_purged_stream(&mut self, env: &mut PoolEnv) {
        env.stats.upstream_rq_pending_active -= 1;
        env.resources.pending_requests.dec();
    }

    /// `ActiveClient::releaseResources`: `connections` is released at close, not at delete.
    fn release_resources(&mut self, env: &mut PoolEnv, conn: ConnId) {
        let c = &mut env.conns[conn];
        if !c.resources_released {
            c.resources_released = true;
            env.stats.upstream_cx_active -= 1;
            env.host.cx_active -= 1;
            env.resources.connections.dec();
        }
    }

    fn list_of(&mut self, state: ConnState) -> &mut Vec<ConnId> {
        match state {
            ConnState::Connecting => &mut self.connecting,
            ConnState::Ready => &mut self.ready,
            ConnState::Busy | ConnState::Draining => &mut self.busy,
            ConnState::Closed => unreachable!("closed connections are in no list"),
        }
    }

    /// `transitionActiveClientState`: moves to the front of the new list.
    fn move_conn(&mut self, conns: &mut Slab<Connection>, conn: ConnId, next: ConnState) {
        let current = conns[conn].state;
        conns[conn].state = next;
        if std::ptr::eq(self.list_of(current), self.list_of(next)) {
            return;
        }
        remove_item(self.list_of(current), conn);
        self.list_of(next).push(conn);
    }

    fn remove_from_lists(&mut self, conn: ConnId) {
        for list in [&mut self.connecting, &mut self.ready, &mut self.busy] {
            if remove_item(list, conn) {
                return;
            }
        }
    }
}

fn remove_item(list: &mut Vec<ConnId>, conn: ConnId) -> bool {
    match list.iter().position(|&c| c == conn) {
        Some(i) => {
            list.remove(i);
            true
        }
        None => false,
    }
}

/// `reportUpstreamCxDestroy` and `reportUpstreamCxDestroyActiveRequest`.
fn report_cx_destroy(stats: &mut ClusterStats, event: CloseEvent, with_active_rq: bool) {
    stats.upstream_cx_destroy += 1;
    match event {
        CloseEvent::LocalClose => stats.upstream_cx_destroy_local += 1,
        CloseEvent::RemoteClose => stats.upstream_cx_destroy_remote += 1,
    }
    if with_active_rq {
        stats.upstream_cx_destroy_with_active_rq += 1;
        match event {
            CloseEvent::LocalClose => stats.upstream_cx_destroy_local_with_active_rq += 1,
            CloseEvent::RemoteClose => stats.upstream_cx_destroy_remote_with_active_rq += 1,
        }
    }
}

#[cfg(test)]
mod layout_tests {
    use super::{ConnPool, StreamLimits};
    use std::mem::{align_of, offset_of, size_of};

    /// The fields a request's attach and release touch, `ready` up to `limits`, lie in the
    /// pool's first two cache lines, and a pool starts on a line.
    #[test]
    fn hot_fields_fill_the_first_two_cache_lines() {
        assert_eq!(align_of::<ConnPool>(), 64);
        assert_eq!(offset_of!(ConnPool, ready), 0);
        assert!(offset_of!(ConnPool, limits) + size_of::<StreamLimits>() <= 128);
    }
}
