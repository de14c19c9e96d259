//! The events of a run. Small and `Copy`: ids into slabs, never boxed closures.

use crate::slab::Key;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A closed-loop client worker sends its next request.
    ClosedLoopSend { client: u32, worker: u32 },
    /// An open-loop client's next request.
    OpenLoopArrival { client: u32 },
    /// A downstream request has fully arrived at Envoy.
    RequestAtEnvoy { request: Key },
    /// An upstream TCP connect completes.
    ConnectDone { conn: Key },
    /// An upstream connection's connect timer fires.
    ConnectTimeout { conn: Key },
    /// Envoy's host kernel's SYN retransmission timer fires for a connect.
    SynTimer { conn: Key },
    /// Envoy's host kernel resends the request of a connection whose handshake a full accept
    /// queue left unfinished.
    DataResend { conn: Key },
    /// A backend host's accept loop has the connection it turned to (in the host's `epoch`).
    AcceptDone { host: u32, conn: Key, epoch: u32 },
    /// An upstream request reaches its backend host.
    RequestAtBackend { attempt: Key, conn: Key, host: u32 },
    /// A backend host finishes serving a request (started in the host's `epoch`), unless
    /// pauses held it back: `due` is when, on the host's running clock (`world/pause.rs`), its
    /// work is done (0 under `processor_sharing`, whose completion moves instead).
    ServiceDone {
        attempt: Key,
        conn: Key,
        host: u32,
        epoch: u32,
        due: u64,
    },
    /// A backend host's stop-the-world pause starts.
    PauseStart { host: u32 },
    /// A backend host's stop-the-world pause ends.
    PauseEnd { host: u32 },
    /// An HTTP/2 backend's SETTINGS with `SETTINGS_MAX_CONCURRENT_STREAMS` reach Envoy.
    SettingsAtEnvoy {
        conn: Key,
        max_concurrent_streams: u32,
    },
    /// A backend's `RST_STREAM` (`REFUSED_STREAM`) for a stream over its limit reaches Envoy.
    StreamRefusedAtEnvoy { attempt: Key, conn: Key },
    /// A backend's response reaches Envoy.
    ResponseAtEnvoy {
        attempt: Key,
        conn: Key,
        status: u16,
        keep_alive: bool,
    },
    /// The route timeout of a request fires.
    RouteTimeout { request: Key },
    /// A backend group enters one of its phases.
    PhaseChange { group: u32, phase: u32 },
    /// An Envoy's outlier detector's interval timer fires.
    OutlierTick { envoy: u32 },
    /// A retry's back-off ends.
    RetryBackoff { request: Key },
    /// An attempt's per-try timeout fires.
    PerTryTimeout { attempt: Key },
}
