//! What a run produces: what the clients saw, Envoy's stats, and a few peaks.

use std::collections::BTreeMap;

use crate::envoy::cluster_stats::Stat;
use crate::envoy::local_reply::{Flags, ResponseFlag};
use crate::envoy::outlier::OutlierEvent;
use crate::envoy::stat_histogram::ClusterHistograms;
use crate::histogram::Histogram;
use crate::time::{SimDuration, SimTime};

/// Running count, sum, min and max of one phase of the requests (ns): what hey's
/// `Details (average, fastest, slowest)` block needs, without keeping every request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhaseStats {
    count: u64,
    sum: u128,
    min: u64,
    max: u64,
}

impl Default for PhaseStats {
    fn default() -> Self {
        PhaseStats {
            count: 0,
            sum: 0,
            min: u64::MAX,
            max: 0,
        }
    }
}

impl PhaseStats {
    /// Adds one request's phase.
    pub fn record(&mut self, d: SimDuration) {
        let v = d.as_nanos();
        self.count += 1;
        self.sum += u128::from(v);
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    /// Requests recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sum of the phases, in seconds.
    pub fn sum_secs(&self) -> f64 {
        self.sum as f64 / 1e9
    }

    /// Shortest (0 when none).
    pub fn min(&self) -> SimDuration {
        SimDuration(if self.count == 0 { 0 } else { self.min })
    }

    /// Longest (0 when none).
    pub fn max(&self) -> SimDuration {
        SimDuration(self.max)
    }
}

/// Everything the clients saw, end to end.
#[derive(Clone, Debug, Default)]
pub struct ClientOutcome {
    /// Requests the clients sent.
    pub sent: u64,
    /// Responses the clients received.
    pub received: u64,
    /// Responses by status code.
    pub status: BTreeMap<u16, u64>,
    /// Responses carrying each Envoy response flag.
    pub flags: BTreeMap<ResponseFlag, u64>,
    /// Time from sending a request to receiving its response.
    pub latency: Histogram,
    /// hey's `DNS+dialup` of each response: from sending the request until its last attempt had
    /// its upstream connection (0 on a kept one), as in `--hey-csv`.
    pub dial: PhaseStats,
    /// hey's `resp wait`: the rest of the response time.
    pub wait: PhaseStats,
}

impl ClientOutcome {
    /// Counts one response the client received: its status, flags, latency and how much of it
    /// came before the request had its connection (`dial`, at most `latency`).
    pub fn record(&mut self, status: u16, flags: Flags, latency: SimDuration, dial: SimDuration) {
        self.dial.record(dial);
        self.wait
            .record(SimDuration(latency.as_nanos() - dial.as_nanos()));
        self.received += 1;
        *self.status.entry(status).or_default() += 1;
        for f in flags.iter() {
            *self.flags.entry(f).or_default() += 1;
        }
        self.latency.record(latency);
    }

    /// Requests sent and not (yet) answered.
    pub fn in_flight(&self) -> u64 {
        self.sent - self.received
    }

    /// Responses with status `status`.
    pub fn count(&self, status: u16) -> u64 {
        self.status.get(&status).copied().unwrap_or(0)
    }

    /// Responses carrying flag `flag`.
    pub fn flag(&self, flag: ResponseFlag) -> u64 {
        self.flags.get(&flag).copied().unwrap_or(0)
    }

    /// 2xx responses over responses received; none when nothing was received (no response
    /// is not 100% available).
    pub fn availability(&self) -> Option<f64> {
        if self.received == 0 {
            return None;
        }
        let ok: u64 = self.status.range(200..300).map(|(_, n)| n).sum();
        Some(ok as f64 / self.received as f64)
    }
}

/// Highest values some gauges reached during the run (Envoy's gauges only show the end).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Peaks {
    /// Most connections open to the cluster at once.
    pub upstream_cx_active: u64,
    /// Most requests waiting for a connection at once.
    pub upstream_rq_pending_active: u64,
    /// Most requests on a stream at once.
    pub upstream_rq_active: u64,
    /// Most hosts ejected at once.
    pub ejections_active: u64,
}

/// A host of the cluster, named after its backend group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostInfo {
    /// `<group>-<replica>`, e.g. `reviews-v2-0`.
    pub name: String,
    /// The address shown as `upstream_url` in the outlier event log.
    pub address: String,
    /// Requests it answered 503 at once because its queue was full (`max_queue_length`).
    pub queue_overflows: u64,
    /// SYNs, final ACKs and resent requests its kernel dropped at a full accept queue
    /// (Linux's `ListenOverflows`, `nstat TcpExtListenOverflows`).
    pub listen_overflows: u64,
    /// When it left the cluster (EDS), if it did (a phase's `replicas` or `replace`).
    pub left_eds_at: Option<crate::time::SimTime>,
}

/// One response from a backend as its client saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// When the client sent the request.
    pub sent_at: SimTime,
    /// When the request's last attempt got its upstream connection: with `proxy = "none"`,
    /// when the client's own connect completed, or at once on a kept connection.
    pub connected_at: SimTime,
    /// When the client had the response.
    pub done_at: SimTime,
    /// Its status.
    pub status: u16,
}

/// A `[[proxies]]` group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyGroupInfo {
    /// Its `name`.
    pub name: String,
    /// Its Envoys.
    pub replicas: u32,
}

/// One Envoy of a mesh.
#[derive(Clone, Debug)]
pub struct EnvoyResult {
    /// Its pod, `<group>-<replica>`.
    pub pod: String,
    /// Its group, indexed as in [`MeshResult::groups`].
    pub group: usize,
    /// Its replica in the group.
    pub replica: u32,
    /// What the clients sending through it saw.
    pub client: ClientOutcome,
    /// Its cluster stats, sorted by name.
    pub stats: Vec<Stat>,
    /// Its cluster histograms.
    pub histograms: ClusterHistograms,
    /// Its own peaks.
    pub peaks: Peaks,
}

impl EnvoyResult {
    /// Value of one of its cluster stats (0 if absent).
    pub fn stat(&self, name: &str) -> u64 {
        self.stats
            .iter()
            .find(|s| s.name == name)
            .map_or(0, |s| s.value)
    }
}

/// Mesh mode's results per Envoy.
#[derive(Clone, Debug)]
pub struct MeshResult {
    /// The `[[proxies]]` groups, in file order.
    pub groups: Vec<ProxyGroupInfo>,
    /// Every Envoy, groups in file order, then replicas.
    pub envoys: Vec<EnvoyResult>,
    /// The Envoy (index into `envoys`) that logged each of the run's outlier events.
    pub event_envoys: Vec<u32>,
}

impl MeshResult {
    /// Enforced ejections each Envoy logged, in `envoys` order.
    pub fn ejections(&self, events: &[OutlierEvent]) -> Vec<u64> {
        let mut out = vec![0; self.envoys.len()];
        for (ev, &e) in events.iter().zip(&self.event_envoys) {
            if ev.enforced && ev.action == crate::envoy::outlier::OutlierAction::Eject {
                out[e as usize] += 1;
            }
        }
        out
    }
}

#[derive(Clone, Debug)]
/// What one run produced: the clients' view, Envoy's stats and event log, and the peaks.
pub struct RunResult {
    /// The scenario's `name`.
    pub scenario: String,
    /// The seed it ran with.
    pub seed: u64,
    /// The cluster's `name`, as in `cluster.<name>.` stat names.
    pub cluster: String,
    /// Time of the last event processed (or the scenario's `duration`).
    pub sim_time: SimTime,
    /// What the clients saw.
    pub client: ClientOutcome,
    /// The cluster's stats, sorted by name, relative to `cluster.<name>.`.
    pub stats: Vec<Stat>,
    /// The cluster's histograms (the fleet's: every Envoy's samples together).
    pub histograms: ClusterHistograms,
    /// Highest values of some gauges during the run.
    pub peaks: Peaks,
    /// Events the run processed.
    pub events_processed: u64,
    /// The cluster's hosts, indexed as in the outlier events.
    pub hosts: Vec<HostInfo>,
    /// The outlier detector's event log, in order.
    pub outlier_events: Vec<OutlierEvent>,
    /// Whether the cluster has an outlier detector.
    pub outlier_detection: bool,
    /// Mesh mode (`[[proxies]]`): each Envoy's results. `stats`, `peaks` and
    /// `outlier_events` above are then the fleet's: stats summed over the Envoys, peaks of
    /// the sums, every Envoy's events merged in time order.
    pub mesh: Option<MeshResult>,
    /// Every response from a backend, when asked for (`RunOptions::request_log`).
    pub request_log: Option<Vec<RequestRecord>>,
    /// Each request's life, when asked for (`RunOptions::lifecycle`).
    pub lifecycle: Option<super::record::Lifecycle>,
    /// Responses and ejected hosts over time, when asked for (`RunOptions`).
    pub timeline: Option<super::Timeline>,
}

impl RunResult {
    /// Requests the backends answered 503 at once because their queue was full.
    pub fn queue_overflows(&self) -> u64 {
        self.hosts.iter().map(|h| h.queue_overflows).sum()
    }

    /// Segments the backends' kernels dropped at a full accept queue.
    pub fn listen_overflows(&self) -> u64 {
        self.hosts.iter().map(|h| h.listen_overflows).sum()
    }

    /// Value of a cluster stat by its name relative to the cluster (0 if absent).
    pub fn stat(&self, name: &str) -> u64 {
        self.stats
            .iter()
            .find(|s| s.name == name)
            .map_or(0, |s| s.value)
    }
}
