//! The synthetic world around Envoy, in breakersim's own names: the networks, the clients and
//! the backend hosts with their changes over time.

use std::num::NonZeroU32;

use super::values::Probability;
use crate::dist::Distribution;
use crate::schema::Rule;
use crate::time::SimDuration;
use crate::{scenario_enum, scenario_table};

scenario_table! {
    /// The networks on each side of Envoy: `downstream` between the clients and Envoy,
    /// `upstream` between Envoy and the backends.
    #[derive(Default)]
    pub struct Network {
        /// Clients ↔ Envoy.
        downstream: Link { default: "{}" },
        /// Envoy ↔ backends.
        upstream: UpstreamLink { default: "{}" },
    }
}

scenario_table! {
    /// One side's network.
    #[derive(Default)]
    pub struct Link {
        /// One-way latency, drawn again for each message: once for the request and once for
        /// the response.
        latency: Distribution { default: "\"50us\"" },
        /// Time from the start of a TCP connect until the connection can be used.
        connect_time: Distribution { default: "\"100us\"" },
    }
}

scenario_table! {
    /// The network between Envoy and the backends, with Envoy's host kernel's TCP connect: a SYN
    /// the backend drops (its accept queue full, or a black hole) is sent again after a
    /// retransmission timeout, as Linux's `tcp_retransmit_timer` (`net/ipv4/tcp_timer.c`) does,
    /// until the kernel gives up and the connect fails (Envoy's remote connection failure).
    #[derive(Default)]
    pub struct UpstreamLink {
        /// One-way latency, drawn again for each message: once for the request and once for
        /// the response.
        latency: Distribution { default: "\"50us\"" },
        /// Time from sending a SYN until the handshake is done and the connection can be used,
        /// drawn again for each SYN.
        connect_time: Distribution { default: "\"100us\"" },
        /// `net.ipv4.tcp_syn_retries` (Linux's `TCP_SYN_RETRIES`, 6; Linux accepts 1 to 127):
        /// with `tcp_syn_linear_timeouts`, how many times the kernel sends a SYN again before
        /// the connect fails.
        tcp_syn_retries: u32 { default: "6", rule: Rule::Range { min: 1, max: 127 } },
        /// `net.ipv4.tcp_syn_linear_timeouts`: the first retransmissions, one initial RTO
        /// apart, before the timeout starts doubling (Linux 6.5 and later: 4; `0` gives an
        /// older kernel's pure doubling). They come on top of `tcp_syn_retries`.
        tcp_syn_linear_timeouts: u32 { default: "4", rule: Rule::Range { min: 0, max: 127 } },
        /// The first SYN retransmission timeout (Linux's `TCP_TIMEOUT_INIT`, 1 s).
        tcp_initial_rto: SimDuration { default: "\"1s\"", rule: Rule::DurationAboveZero },
        /// The kernel's `CONFIG_HZ`: its timer wheel fires a SYN retransmission timer at the
        /// first boundary of its bucket after it expires (a 1 s timer in 32 ms buckets at 250),
        /// so SYNs dropped together are sent again together. Debian's kernels: 250 (this
        /// machine's); RHEL's and Ubuntu's since 24.04: 1000.
        tcp_timer_hz: u32 { default: "250", rule: Rule::Range { min: 100, max: 1000 } },
        /// The retransmission timeout of data on a fast link: `net.ipv4.tcp_rto_min_us`
        /// (Linux's `TCP_RTO_MIN`, 200 ms) plus the round trip. It matters when a backend's
        /// full accept queue drops the final ACK of a handshake: the connection counts as
        /// connected, and its first request is sent again 1, 2, 4, 8, … × this after the first
        /// send (tail-loss probe, then the doubling RTO) until it finds room in the queue.
        /// Measured here against `python3 -m http.server` on loopback: 208 ms
        /// (docs/validation.md).
        tcp_rto_min: SimDuration { default: "\"200ms\"", rule: Rule::DurationAboveZero },
    }
}

scenario_enum! {
    /// How a client sends.
    pub enum ClientKind {
        /// Workers that each send a request, wait for its response, pause, and repeat (like
        /// `hey`).
        ClosedLoop = "closed_loop",
        /// Requests at a rate, whatever happens to earlier ones.
        OpenLoop = "open_loop",
    }
}

scenario_enum! {
    /// How an open-loop client spaces its requests.
    pub enum Arrivals {
        /// Exactly `1 / rate` apart, the first at `start`.
        Constant = "constant",
        /// A Poisson process: exponential gaps with mean `1 / rate`, the first one gap after
        /// `start`.
        Poisson = "poisson",
    }
}

/// Poisson arrivals when `arrivals` is left out.
#[allow(clippy::derivable_impls)]
impl Default for Arrivals {
    fn default() -> Self {
        Arrivals::Poisson
    }
}

scenario_table! {
    /// A synthetic client. A field that applies to the other kind only is rejected.
    pub struct Client {
        /// Label.
        name: Option<String> { absent: "`client-<index>`" },
        /// `closed_loop` or `open_loop`.
        kind: ClientKind { required },
        /// When the client starts, from the start of the run.
        start: SimDuration { default: "\"0s\"" },
        /// The client sends no request at or after `start + duration`. Without it, the client
        /// stops at the scenario's `duration`, counted from the start of the run.
        duration: Option<SimDuration> { absent: "the scenario's duration" },
        /// Keep the downstream connection open between requests (HTTP/1.1 keep-alive), or
        /// open a new connection for each request.
        keep_alive: bool { default: "true" },
        /// closed_loop only, required there: concurrent workers.
        workers: Option<NonZeroU32> { absent: "required for closed_loop" },
        /// closed_loop only: requests each worker sends (at least 1).
        requests_per_worker: Option<u64> {
            absent: "send until the end",
            rule: Rule::AtLeast(1),
        },
        /// closed_loop only: the worker's pause between a response and its next request.
        turnaround: Option<Distribution> { absent: "`\"0s\"`" },
        /// closed_loop only: worker `k` (from 0) sends its first request `k` times this after
        /// `start`. hey starts its workers one after another; measured here, their first
        /// requests leave about 60 µs apart (docs/validation.md).
        worker_start_interval: Option<SimDuration> { absent: "all at `start`" },
        /// open_loop only, required there: requests per second, greater than 0 and at most
        /// 1e9.
        rate: Option<f64> {
            absent: "required for open_loop",
            rule: Rule::PositiveUpTo(1_000_000_000),
        },
        /// open_loop only: how requests are spaced in time.
        arrivals: Option<Arrivals> { absent: "`\"poisson\"`" },
        /// Mesh mode: the `[[proxies]]` group the client sends through. Only with
        /// `[[proxies]]`; required there when there are two groups or more.
        proxy_group: Option<String> { absent: "the only `[[proxies]]` group" },
        /// Mesh mode: how the client's requests are spread over the group's replicas.
        split: Option<super::mesh::Split> { absent: "`\"pod\"` (with `[[proxies]]` only)" },
    }
}

scenario_table! {
    /// A group of identical backend hosts, each one endpoint of the cluster.
    pub struct BackendGroup {
        /// Group name, unique among the groups. The hosts are named `<name>-0`, `<name>-1`, and
        /// so on, in the order they join the cluster.
        name: String { required, rule: Rule::NotBlank },
        /// Number of hosts in the group at the start: the group's endpoints in the cluster's
        /// first EDS update. `0` starts the group empty, for hosts that only join later through
        /// a phase's `replicas` or `replace` (the new pods of a rollout). At most 100,000 hosts
        /// in all, counting every host that joins during the run.
        replicas: u32 { default: "1" },
        /// Each host's `load_balancing_weight`.
        weight: NonZeroU32 { default: "1" },
        /// Priority of the group's hosts (their `LocalityLbEndpoints`), not the routing priority
        /// of `[route]`. 0 is the highest.
        priority: u32 { default: "0", rule: Rule::Range { min: 0, max: 127 } },
        /// Time a host spends on one request, drawn when service starts.
        service_time: Distribution { default: "\"0s\"" },
        /// Requests each host serves at once; more wait in its FIFO queue, up to
        /// `max_queue_length`. `0` means no limit.
        concurrency: u32 { default: "0" },
        /// The hosts' TCP listen backlog: the length of the accept queue, which holds
        /// connections whose handshake the kernel has completed and the server has not yet
        /// accepted. Linux caps `listen(fd, n)` at `net.core.somaxconn` (4096 since Linux 5.4,
        /// 128 before); Python's `http.server` asks for 5 (`request_queue_size`). When the queue
        /// holds `listen_backlog + 1` connections (`sk_acceptq_is_full` in
        /// `include/net/sock.h` compares with `>`), the kernel drops an incoming SYN
        /// (`tcp_conn_request`, `net/ipv4/tcp_input.c`) and the client sends it again
        /// (`network.upstream.tcp_*`). A host with `concurrency = 0` accepts every connection as
        /// its handshake completes; one with a limit accepts a connection when it starts
        /// serving its first request.
        listen_backlog: u32 { default: "4096", rule: Rule::Range { min: 0, max: 2_147_483_647 } },
        /// The server's accept loop: it takes the connections in the accept queue one at a
        /// time, in the order their handshakes completed, and spends this long on each before
        /// the next (Python's `socketserver`: `select`, `accept`, start a thread). A request
        /// on a connection not yet accepted waits in its socket. Absent: a server without a
        /// concurrency limit accepts each connection as its handshake completes, one with a
        /// limit when it starts serving the connection's first request.
        accept_time: Option<Distribution> { absent: "no accept loop" },
        /// How the requests in service share a host: `fifo`, each served in its own service
        /// time, or `processor_sharing`, all sharing one server (with k in service, each
        /// progresses at rate 1/k).
        service_model: ServiceModel { default: "\"fifo\"" },
        /// Requests that may wait in each host's queue; one more is answered 503 at once. The
        /// longest queue of a shipped scenario is retry-storm's 1,501; 100,000 waiting
        /// requests take 1.6 MB.
        max_queue_length: u32 { default: "100000" },
        /// `false` makes the host answer like an HTTP/1.0 server (such as `python3 -m
        /// http.server`): it closes the connection after every response. No effect on HTTP/2.
        keep_alive: bool { default: "true" },
        /// HTTP/2 only: the `SETTINGS_MAX_CONCURRENT_STREAMS` each host sends on every new
        /// connection (streams open at once on one connection). Envoy then uses the smaller of
        /// it and the cluster's `max_concurrent_streams`. The SETTINGS reach Envoy one round
        /// trip (two `network.upstream.latency` draws) after the connect; streams Envoy opens
        /// before then beyond the limit are refused by the host (`REFUSED_STREAM`, 503 UR
        /// unless retried). Absent: the hosts send no such setting, which HTTP/2 reads as no
        /// limit.
        http2_max_concurrent_streams: Option<u32> {
            absent: "no limit",
            rule: Rule::Range { min: 1, max: 2_147_483_647 },
        },
        /// Probability that a response has status `error_status` instead of 200.
        error_probability: Probability { default: "0" },
        /// Status of those error responses.
        error_status: u16 { default: "500", rule: Rule::Range { min: 200, max: 599 } },
        /// Errors past a saturation point: a request that arrives when, counting itself, more
        /// than `above` requests are at the host (in service or waiting) is answered
        /// `status` at once with probability `error_probability`. Not changed by phases.
        overload: Option<Overload> { absent: "none" },
        /// Stop-the-world pauses of each host's process, such as a JVM's or Go's garbage
        /// collector's: while a host is paused, no request in service makes progress (under
        /// `fifo` each completion moves later by the pause's length; under
        /// `processor_sharing` the shared server stops), no service starts, no response
        /// leaves, and the server accepts no connection. The kernel is not paused: it still
        /// completes handshakes into the accept queue (dropping SYNs once it is full) and holds
        /// the requests that arrive; when the pause ends the server reads them in arrival
        /// order, and only then does each count at the host (`concurrency`,
        /// `max_queue_length` and `overload` apply as to any arrival). Each host pauses on its
        /// own schedule, drawn from its own random stream. A crash ends a pause in progress,
        /// and a pause due while the host is crashed pauses nothing. Not changed by phases.
        pauses: Option<Pauses> { absent: "no pauses" },
        /// Changes of behaviour over time, in strictly increasing order of `at`.
        phases: Vec<Phase> { default: "[]" },
    }
}

scenario_enum! {
    /// How a backend host serves the requests it has in service.
    pub enum ServiceModel {
        /// Each request in service takes its own drawn service time, whatever else is in
        /// service (`concurrency` independent servers).
        Fifo = "fifo",
        /// The requests in service share one server equally: with k in service each gets 1/k of
        /// it, so a request alone takes its drawn service time and k together take k times as
        /// long (a CPU-bound server).
        ProcessorSharing = "processor_sharing",
    }
}

scenario_table! {
    /// A backend host's errors past a saturation point.
    pub struct Overload {
        /// Requests at the host (in service or waiting, counting the arriving one) past which
        /// arrivals may fail.
        above: u32 { required },
        /// Probability that an arrival past `above` fails.
        error_probability: Probability { required },
        /// Status of those answers, sent at once, without service.
        status: u16 { default: "503", rule: Rule::Range { min: 200, max: 599 } },
    }
}

scenario_table! {
    /// A backend host's stop-the-world pauses: each host runs for a time drawn from `every`,
    /// is paused for a time drawn from `duration`, and so on. The draws come from a random
    /// stream of the host's own for pauses, so a host's pauses fall at the same times whatever
    /// traffic it serves.
    pub struct Pauses {
        /// Running time between the end of one pause and the start of the next (for a JVM,
        /// the time between GC pauses, not between their starts).
        every: Distribution { required },
        /// Length of each pause (for a JVM, the stop-the-world time the GC log reports);
        /// its mean must be above 0.
        duration: Distribution { required },
        /// When each host's first pause starts, from the start of the run. Absent: each host
        /// draws its own start, uniformly between 0 and a draw of `every`, so that hosts do
        /// not pause in step.
        first: Option<SimDuration> { absent: "each host's own, drawn" },
    }
}

scenario_table! {
    /// From `at` on, the given fields replace the host group's behaviour; phases apply
    /// cumulatively, except `restart`, which acts once.
    pub struct Phase {
        /// When the phase starts, from the start of the run.
        at: SimDuration { required },
        /// Replaces the group's value.
        service_time: Option<Distribution> { absent: "unchanged" },
        /// Replaces the group's value.
        concurrency: Option<u32> { absent: "unchanged" },
        /// Replaces the group's value.
        keep_alive: Option<bool> { absent: "unchanged" },
        /// Replaces the group's value.
        error_probability: Option<Probability> { absent: "unchanged" },
        /// Replaces the group's value.
        error_status: Option<u16> { absent: "unchanged", rule: Rule::Range { min: 200, max: 599 } },
        /// `true`: the hosts crash (refuse connects, reset what is in flight) until a later
        /// phase sets it back to `false`.
        crashed: Option<bool> { absent: "unchanged (at first false)" },
        /// `true`: the hosts stop answering anything (connects time out) until set back.
        black_hole: Option<bool> { absent: "unchanged (at first false)" },
        /// Multiplies every service time drawn from `at` on (1.0 is normal speed): greater
        /// than 0 and at most 1e6.
        latency_multiplier: Option<f64> {
            absent: "unchanged (at first 1.0)",
            rule: Rule::PositiveUpTo(1_000_000),
        },
        /// `true`: a graceful restart at `at`: HTTP/2 connections get GOAWAY and drain;
        /// HTTP/1 keep-alive connections are closed once idle.
        restart: bool { default: "false" },
        /// EDS membership: at `at` the group scales to this many hosts in the cluster (a
        /// Deployment's `replicas`; `0` takes every host out). Hosts that join are new
        /// endpoints, numbered on from the highest number the group has used (`<name>-3` after
        /// `<name>-0` to `<name>-2`, even if `<name>-2` has left), each with its own random
        /// stream; scaling down takes the newest hosts out first. A host that leaves EDS is no
        /// longer picked: requests in flight to it finish, its idle connections are closed and
        /// the rest close once idle (Envoy drains and deletes its connection pools), and the
        /// outlier detector forgets it (an ejected host stops counting toward
        /// `max_ejection_percent`). The host process itself keeps serving what reaches it.
        /// Applied after the behaviour fields and after `replace`.
        replicas: Option<u32> { absent: "unchanged" },
        /// A rolling-deploy step: the group's `replace` oldest hosts leave EDS and as many new
        /// hosts (new pods, new addresses) join, in one EDS update. At most the number of hosts
        /// the group has in EDS at `at`. The new hosts start with no connections and a fresh
        /// outlier-detection record, and behave as the group does from `at` on.
        replace: Option<u32> { absent: "none", rule: Rule::AtLeast(1) },
    }
}

/// What a backend host does with requests at some moment: the group's fields with the phases
/// that have started applied.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendBehaviour {
    /// Time a host spends on one request (ns), drawn when service starts.
    pub service_time: Distribution,
    /// Requests a host serves at once (0: no limit); more wait in its queue.
    pub concurrency: u32,
    /// `false`: the host closes the connection after every response (HTTP/1.0 style).
    pub keep_alive: bool,
    /// Probability (0 to 1) that a response has status `error_status` instead of 200.
    pub error_probability: Probability,
    /// Status of those error responses.
    pub error_status: u16,
    /// Down: connects are refused, and connections and requests in flight are reset.
    pub crashed: bool,
    /// Unreachable: connects never complete and requests in flight are never answered.
    pub black_hole: bool,
    /// Service times are multiplied by this (a slow period).
    pub latency_multiplier: f64,
}

impl BackendGroup {
    /// The behaviour before any phase.
    pub fn initial_behaviour(&self) -> BackendBehaviour {
        BackendBehaviour {
            service_time: self.service_time.clone(),
            concurrency: self.concurrency,
            keep_alive: self.keep_alive,
            error_probability: self.error_probability,
            error_status: self.error_status,
            crashed: false,
            black_hole: false,
            latency_multiplier: 1.0,
        }
    }
}

impl BackendBehaviour {
    /// This behaviour with a phase's fields applied.
    pub fn with_phase(&self, phase: &Phase) -> BackendBehaviour {
        BackendBehaviour {
            service_time: phase
                .service_time
                .clone()
                .unwrap_or_else(|| self.service_time.clone()),
            concurrency: phase.concurrency.unwrap_or(self.concurrency),
            keep_alive: phase.keep_alive.unwrap_or(self.keep_alive),
            error_probability: phase.error_probability.unwrap_or(self.error_probability),
            error_status: phase.error_status.unwrap_or(self.error_status),
            crashed: phase.crashed.unwrap_or(self.crashed),
            black_hole: phase.black_hole.unwrap_or(self.black_hole),
            latency_multiplier: phase.latency_multiplier.unwrap_or(self.latency_multiplier),
        }
    }
}
