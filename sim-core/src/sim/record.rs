//! The lifecycle record of a run (asked for by `RunOptions::lifecycle`): typed, timestamped
//! events of each downstream request and its upstream attempts, of the upstream connections,
//! and the run's gauges and circuit breakers as they change. Recording reads the simulation's
//! state and never changes it, so a run with it gives the same results as one without.
//!
//! Requests are numbered in the order the clients sent them, from 1 (`RequestNo`); attempts
//! within a request from 1; connections by the order Envoy created them, from 1 (`ConnNo`).

use crate::envoy::local_reply::{Flags, ResponseFlag};
use crate::envoy::retry::ResetKind;
use crate::time::{SimDuration, SimTime};

/// A request's number: its place in the clients' send order, from 1.
pub type RequestNo = u64;
/// An upstream connection's number: its place in the order Envoy created them, from 1.
pub type ConnNo = u64;

/// What to record, and how much at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LifecycleOptions {
    /// Stop the run with [`crate::sim::Limit::RecordEntries`] once this many entries are
    /// recorded (a long run's record is big; it is never cut silently).
    pub max_entries: u64,
    /// Record only this request's events (and the connections of the pools it tried), not
    /// every request's nor the run's gauges: what `explain` needs, in little memory.
    pub only_request: Option<RequestNo>,
    /// Find the lowest-numbered request that ends with this status and, if given, flag
    /// ([`Lifecycle::first_match`]); nothing else need be recorded for it.
    pub find_first: Option<(Option<u16>, Option<ResponseFlag>)>,
}

impl LifecycleOptions {
    /// Every event, at most `max_entries`.
    pub fn everything(max_entries: u64) -> Self {
        LifecycleOptions {
            max_entries,
            only_request: None,
            find_first: None,
        }
    }
}

/// The circuit breakers of Envoy's cluster (`circuit_breakers.thresholds`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breaker {
    /// `max_connections` (`upstream_cx_overflow`, `cx_open`).
    MaxConnections,
    /// `max_pending_requests` (`upstream_rq_pending_overflow`, `rq_pending_open`).
    MaxPendingRequests,
    /// `max_requests` (`upstream_rq_pending_overflow` and/or `upstream_rq_active_overflow` by
    /// release, `rq_open`).
    MaxRequests,
    /// `max_retries` or a retry budget (`upstream_rq_retry_overflow`, `rq_retry_open`).
    MaxRetries,
}

impl Breaker {
    /// Every breaker, in the order of their gauges.
    pub const ALL: [Breaker; 4] = [
        Breaker::MaxConnections,
        Breaker::MaxPendingRequests,
        Breaker::MaxRequests,
        Breaker::MaxRetries,
    ];

    /// The threshold's field name in `circuit_breakers.thresholds`.
    pub fn field(self) -> &'static str {
        match self {
            Breaker::MaxConnections => "max_connections",
            Breaker::MaxPendingRequests => "max_pending_requests",
            Breaker::MaxRequests => "max_requests",
            Breaker::MaxRetries => "max_retries",
        }
    }

    /// Envoy's `circuit_breakers.<priority>.<gauge>` open gauge.
    pub fn open_gauge(self) -> &'static str {
        match self {
            Breaker::MaxConnections => "cx_open",
            Breaker::MaxPendingRequests => "rq_pending_open",
            Breaker::MaxRequests => "rq_open",
            Breaker::MaxRetries => "rq_retry_open",
        }
    }
}

/// A gauge the record follows as it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gauge {
    /// `upstream_rq_pending_active` of the cluster.
    PendingRequests,
    /// `upstream_rq_active` of the cluster.
    ActiveRequests,
    /// `upstream_cx_active` of the cluster.
    ActiveConnections,
    /// `outlier_detection.ejections_active`.
    EjectedHosts,
    /// A host's `rq_active`.
    HostActiveRequests,
    /// A host's `cx_active`.
    HostActiveConnections,
}

impl Gauge {
    /// Envoy's stat name (a host's gauges are admin `/clusters` fields).
    pub fn stat_name(self) -> &'static str {
        match self {
            Gauge::PendingRequests => "upstream_rq_pending_active",
            Gauge::ActiveRequests => "upstream_rq_active",
            Gauge::ActiveConnections => "upstream_cx_active",
            Gauge::EjectedHosts => "outlier_detection.ejections_active",
            Gauge::HostActiveRequests => "rq_active",
            Gauge::HostActiveConnections => "cx_active",
        }
    }
}

/// The state of the worker's pool for a host when an attempt asks it for a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolState {
    /// Connections of the pool (connecting, ready, busy or draining).
    pub connections: u32,
    /// Streams active on them.
    pub busy: u32,
    /// Streams waiting in this pool.
    pub pending: u32,
    /// The cluster's `upstream_rq_pending_active` (every worker's pools).
    pub cluster_pending: u64,
    /// The cluster's `upstream_rq_active`.
    pub cluster_active: u64,
    /// The cluster's `upstream_cx_active`.
    pub cluster_connections: u64,
}

/// Why an attempt ended without a response from its host.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptEnd {
    /// A breaker refused it: its count had reached its threshold.
    Refused {
        breaker: Breaker,
        count: u64,
        threshold: u64,
    },
    /// The pool failed it or the connection reset under it.
    Reset(ResetKind),
    /// The connect failed this way (the pool's failure reason, for the reply's body).
    ConnectFailed(ConnectFailure),
    /// Its per-try timeout fired.
    PerTryTimeout(SimDuration),
    /// The route timeout fired while it waited or ran.
    RouteTimeout(SimDuration),
}

/// How an upstream connect failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectFailure {
    /// Envoy's connect timer fired first (`connect_timeout`).
    Timeout,
    /// The host refused it (a crashed host: `ECONNREFUSED`).
    Refused,
    /// The kernel gave up resending its SYNs (`ETIMEDOUT`).
    SynsGaveUp,
}

/// Why the router did not retry an attempt that would have been retried.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryRefused {
    /// `num_retries` used up (`upstream_rq_retry_limit_exceeded`, flag URX).
    LimitExceeded,
    /// The retry breaker was open (`upstream_rq_retry_overflow`, flag UO).
    Overflow { count: u64, threshold: u64 },
}

/// One recorded event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// When it happened.
    pub at: SimTime,
    /// The Envoy it concerns (0 without `[[proxies]]`).
    pub envoy: u32,
    /// What happened.
    pub what: What,
}

/// The events of the record. Each variant's doc names its fields' meaning; `request` is a
/// [`RequestNo`], `attempt` the attempt's number within its request, `conn` a [`ConnNo`],
/// `host` an index into the run's hosts.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// A client sent request `request` (its closed-loop worker, if any).
    Sent {
        request: RequestNo,
        client: u32,
        worker: Option<u32>,
    },
    /// The request reached Envoy, on this Envoy worker.
    AtEnvoy { request: RequestNo, worker: u32 },
    /// The load balancer picked `host` for attempt `attempt`; the pool's state then.
    HostPicked {
        request: RequestNo,
        attempt: u32,
        host: u32,
        pool: u32,
        state: PoolState,
    },
    /// No host to pick: 503 UH follows.
    NoHost { request: RequestNo, attempt: u32 },
    /// The attempt waits in its pool's pending queue (`pending` there now, cluster-wide).
    Pending {
        request: RequestNo,
        attempt: u32,
        pending: u64,
    },
    /// The attempt got a stream on connection `conn`.
    Attached {
        request: RequestNo,
        attempt: u32,
        conn: ConnNo,
    },
    /// The attempt's request reached its host.
    AtBackend { request: RequestNo, attempt: u32 },
    /// The host started serving it.
    ServiceStart { request: RequestNo, attempt: u32 },
    /// The host sent its answer (after service, or at once when its queue was full).
    Answered {
        request: RequestNo,
        attempt: u32,
        status: u16,
    },
    /// The host's response reached Envoy.
    ResponseAtEnvoy {
        request: RequestNo,
        attempt: u32,
        status: u16,
    },
    /// The attempt ended without a usable response.
    AttemptEnded {
        request: RequestNo,
        attempt: u32,
        end: AttemptEnd,
    },
    /// The router retries after `backoff` (zero: at once).
    Retry {
        request: RequestNo,
        backoff: SimDuration,
    },
    /// The router would have retried but did not.
    RetryRefused {
        request: RequestNo,
        why: RetryRefused,
    },
    /// The route timeout fired during a retry's back-off (no attempt in flight).
    RouteTimeoutInBackoff {
        request: RequestNo,
        timeout: SimDuration,
    },
    /// Envoy sent its response: `status` with `flags`, forwarded or made by Envoy (`local`);
    /// the last host an attempt reported to the router, if any.
    Reply {
        request: RequestNo,
        status: u16,
        flags: Flags,
        local: bool,
        host: Option<u32>,
        /// Whether a retry was made (the body then says "retried and the latest").
        retried: bool,
        /// The flag set before the reply's own (a refused retry's URX or UO), if any.
        first_flag: Option<ResponseFlag>,
    },
    /// The response reached the client.
    AtClient { request: RequestNo, status: u16 },
    /// Envoy started connection `conn` to `host` for pool `pool`.
    ConnectStart { conn: ConnNo, host: u32, pool: u32 },
    /// The connection is up.
    Connected { conn: ConnNo },
    /// The connect failed.
    ConnectFailed { conn: ConnNo, why: ConnectFailure },
    /// The connection closed.
    ConnClosed { conn: ConnNo },
    /// A gauge changed (`host`: a host's gauge).
    Gauge {
        gauge: Gauge,
        host: Option<u32>,
        value: u64,
    },
    /// A breaker's open gauge changed.
    BreakerOpen { breaker: Breaker, open: bool },
}

impl What {
    /// The request it is about, if any.
    pub fn request(&self) -> Option<RequestNo> {
        match *self {
            What::Sent { request, .. }
            | What::AtEnvoy { request, .. }
            | What::HostPicked { request, .. }
            | What::NoHost { request, .. }
            | What::Pending { request, .. }
            | What::Attached { request, .. }
            | What::AtBackend { request, .. }
            | What::ServiceStart { request, .. }
            | What::Answered { request, .. }
            | What::ResponseAtEnvoy { request, .. }
            | What::AttemptEnded { request, .. }
            | What::Retry { request, .. }
            | What::RetryRefused { request, .. }
            | What::RouteTimeoutInBackoff { request, .. }
            | What::Reply { request, .. }
            | What::AtClient { request, .. } => Some(request),
            _ => None,
        }
    }
}

/// A run's record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lifecycle {
    /// Every entry, in the order the run made them (time order).
    pub entries: Vec<Entry>,
    /// Requests the clients sent.
    pub requests_sent: u64,
    /// The lowest-numbered request that matched `find_first`, if asked and any did.
    pub first_match: Option<RequestNo>,
}

/// `x-request-id` for request `request` of the run with `seed`: 16 bytes from a stream of
/// their own (no other draw changes), as a version-4 UUID (RFC 4122: version nibble 4, variant
/// bits 10), the form Envoy's `RandomGeneratorImpl::uuid` generates when a request has none
/// (`source/common/common/random_generator.cc`). Not Envoy's bytes: its generator is seeded
/// from the OS.
pub fn request_id(seed: u64, request: RequestNo) -> [u8; 16] {
    use rand::RngExt;
    let mut rng = crate::rng::stream(seed, crate::rng::StreamKind::RequestId, request);
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size `--max-record-entries`' help and docs/explain.md give.
    #[test]
    fn an_entry_takes_80_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 80);
    }

    #[test]
    fn request_ids_are_version_4_uuids_and_repeat_per_seed() {
        let id = request_id(7, 1);
        assert_eq!(id[6] >> 4, 4);
        assert_eq!(id[8] >> 6, 0b10);
        assert_eq!(id, request_id(7, 1));
        assert_ne!(id, request_id(7, 2));
    }
}
