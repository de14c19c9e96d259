//! An upstream TCP connect: SYNs sent and retransmitted by Envoy's host kernel, dropped by a
//! full accept queue at the backend, and Envoy's connect timer racing them. The server's side
//! of a connection once the client counts it connected is `accept.rs`.

use super::accept::ServerSide;
use super::events::Event;
use super::record::{ConnectFailure, What};
use super::{ConnTimers, Simulation};
use crate::envoy::conn_pool::ConnId;
use crate::time::SimTime;
use crate::world::backend::Handshake;
use crate::world::tcp::{SynRetransmission, SynTimer, timer_wheel_expiry};

impl Simulation<'_> {
    /// Envoy starts a connect: the first SYN leaves now, and Envoy arms its connect timer
    /// (`connect_timeout`), which races the kernel's retransmissions.
    pub(super) fn start_connect(&mut self, conn: ConnId) {
        let envoy = self.envoy_of_pool(self.conns[conn].pool) as usize;
        let connect_timeout = self.proxies[envoy].connect_timeout;
        let lane = self.timer_lanes[envoy].connect;
        let timeout = self.schedule_in_lane(lane, connect_timeout, Event::ConnectTimeout { conn });
        if self.conn_timers.len() <= conn.index() {
            self.conn_timers
                .resize(conn.index() + 1, ConnTimers::default());
        }
        self.conn_timers[conn.index()] = ConnTimers {
            connect_timeout: Some(timeout),
            started: self.now,
            armed: self.now,
            next_timer: self.syn_retransmission().first_timer(),
            ..ConnTimers::default()
        };
        self.rec_connect_start(conn);
        self.reset_server_side(conn);
        self.send_syn(conn);
        self.reset_backend_streams(conn);
    }

    fn syn_retransmission(&self) -> SynRetransmission {
        SynRetransmission {
            initial_rto: self.upstream.tcp_initial_rto,
            syn_retries: self.upstream.tcp_syn_retries,
            linear_timeouts: self.upstream.tcp_syn_linear_timeouts,
        }
    }

    /// A SYN leaves. A host whose accept queue is full drops it on arrival (taken as its
    /// departure: on a fast link the trip is short against a server's accept loop), and the
    /// kernel's retransmission timer follows; otherwise the handshake's outcome is decided
    /// `connect_time` (drawn for each SYN) later, when it would complete.
    fn send_syn(&mut self, conn: ConnId) {
        let host = self.host_of_conn(conn);
        let b = &mut self.backends[host];
        let alive = !b.behaviour.black_hole && !b.behaviour.crashed;
        if alive && !b.syn() {
            return self.after_lost_syn(conn);
        }
        let connect_time = self.upstream.connect_time.sample(&mut b.rng);
        let done = self.schedule(self.now.after(connect_time), Event::ConnectDone { conn });
        self.conn_timers[conn.index()].connect_done = Some(done);
    }

    /// A SYN's handshake would complete: connected (into the host's accept queue, accepted at
    /// once, or unfinished: the client counts itself connected, but a full accept queue
    /// dropped its final ACK), refused by a crashed host (a remote connection failure), or the
    /// SYN was swallowed by a black hole, which leaves the connect to the kernel's
    /// retransmission timer.
    pub(super) fn on_connect_done(&mut self, conn: ConnId) {
        let pool = self.conns[conn].pool;
        let host = self.host_of_pool(pool);
        self.conn_timers[conn.index()].connect_done = None;
        let b = &mut self.backends[host];
        if b.behaviour.black_hole {
            return self.after_lost_syn(conn);
        } else if b.behaviour.crashed {
            return self.connect_fails(conn, ConnectFailure::Refused);
        }
        let side = match b.handshake() {
            Handshake::Accepted => ServerSide::Accepted,
            Handshake::Queued => ServerSide::Queued,
            Handshake::Unfinished => ServerSide::Unfinished,
        };
        let timers = std::mem::take(&mut self.conn_timers[conn.index()]);
        self.cancel(timers.connect_timeout);
        // `recordConnectionSetup`: `upstream_cx_connect_ms` since the connection was made.
        let envoy = self.envoy_of_pool(pool) as usize;
        let span = self.now.since(timers.started).as_nanos();
        let h = &mut self.proxies[envoy].histograms;
        h.upstream_cx_connect_ms.record_nanos(span);
        self.rec_conn(conn, |conn| What::Connected { conn });
        self.with_pool(pool, |p, env| p.on_connected(env, conn));
        if side != ServerSide::Unfinished {
            self.send_settings(conn, host);
        }
        self.set_server_side(conn, host, side);
    }

    /// The SYN was lost: the retransmission timer, armed when the SYN left, fires at its time
    /// on the kernel's timer wheel, or now if that has passed already (a `connect_time`
    /// longer than the timeout: the kernel would have sent the next SYN before this one's
    /// fate was known; here it goes out when it is).
    fn after_lost_syn(&mut self, conn: ConnId) {
        let t = &self.conn_timers[conn.index()];
        let at = SimTime::ZERO.after(timer_wheel_expiry(
            t.armed.since(SimTime::ZERO),
            t.started.after(t.next_timer).since(t.armed),
            self.upstream.tcp_timer_hz,
        ));
        if at > self.now {
            let timer = self.schedule(at, Event::SynTimer { conn });
            self.conn_timers[conn.index()].syn_timer = Some(timer);
        } else {
            self.on_syn_timer(conn);
        }
    }

    /// The kernel's retransmission timer fires (`tcp_retransmit_timer`): it gives up, and the
    /// connect fails, or sends the SYN again and re-arms.
    pub(super) fn on_syn_timer(&mut self, conn: ConnId) {
        let syn = self.syn_retransmission();
        let t = &mut self.conn_timers[conn.index()];
        t.syn_timer = None;
        // The kernel re-arms from the moment the timer really fired.
        match syn.on_timer(t.retransmits, self.now.since(t.started)) {
            SynTimer::GiveUp => self.connect_fails(conn, ConnectFailure::SynsGaveUp),
            SynTimer::Resend { next } => {
                t.retransmits += 1;
                t.next_timer = next;
                t.armed = self.now;
                self.send_syn(conn);
            }
        }
    }

    /// `connect()` fails (refused, or `ETIMEDOUT` after the last SYN): Envoy's delayed connect
    /// error, which `ConnectionImpl::onWriteReady` (`source/common/network/connection_impl.cc`)
    /// closes as `ConnectionEvent::RemoteClose`, a remote connection failure.
    fn connect_fails(&mut self, conn: ConnId, why: ConnectFailure) {
        let timers = std::mem::take(&mut self.conn_timers[conn.index()]);
        self.cancel(timers.connect_timeout);
        self.cancel(timers.syn_timer);
        if let Some(r) = self.record.as_mut() {
            r.remote_failure = why;
        }
        self.rec_conn(conn, |conn| What::ConnectFailed { conn, why });
        let pool = self.conns[conn].pool;
        self.with_pool(pool, |p, env| p.on_remote_close(env, conn));
    }

    /// Envoy's connect timer fires first: the connect is still waiting on a SYN.
    pub(super) fn on_connect_timeout(&mut self, conn: ConnId) {
        let timers = std::mem::take(&mut self.conn_timers[conn.index()]);
        self.cancel(timers.connect_done);
        self.cancel(timers.syn_timer);
        let why = ConnectFailure::Timeout;
        self.rec_conn(conn, |conn| What::ConnectFailed { conn, why });
        let pool = self.conns[conn].pool;
        self.with_pool(pool, |p, env| p.on_connect_timeout(env, conn));
    }

    /// Envoy closed the connection: its connect timers go, and its server side with them.
    pub(super) fn on_upstream_closed(&mut self, conn: ConnId) {
        let timers = std::mem::take(&mut self.conn_timers[conn.index()]);
        self.cancel(timers.connect_done);
        self.cancel(timers.connect_timeout);
        self.cancel(timers.syn_timer);
        self.rec_conn(conn, |conn| What::ConnClosed { conn });
        let host = self.host_of_conn(conn);
        self.close_server_side(conn, host);
    }
}
