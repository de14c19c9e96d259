//! The backend's side of an upstream connection: waiting in the host's accept queue, taken by
//! its accept loop, or left unfinished by a full queue (the client's request resent until a
//! copy finds room), and the requests held until the server has the connection.

use super::Simulation;
use super::events::Event;
use crate::engine::TimerHandle;
use crate::envoy::conn_pool::ConnId;
use crate::slab::Key;
use crate::time::SimTime;
use crate::world::tcp::DataRetransmission;

/// Where an upstream connection stands at its host's kernel and server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum ServerSide {
    /// Not connected, or accepted by the server.
    #[default]
    Accepted,
    /// In the accept queue, not yet accepted.
    Queued,
    /// The final ACK was dropped: the host holds no connection yet.
    Unfinished,
}

/// One connection's server side, by connection index.
#[derive(Clone, Debug, Default)]
pub(super) struct ServerConn {
    pub(super) side: ServerSide,
    /// Unfinished: when the first request left, and how many times it has been resent.
    first_send: Option<SimTime>,
    resends: u32,
    resend_timer: Option<TimerHandle>,
    /// Requests (attempts) that reached the host before the server had the connection: on an
    /// unfinished handshake, or waiting for the accept loop.
    held: Vec<Key>,
}

impl Simulation<'_> {
    fn server_conn(&mut self, conn: ConnId) -> &mut ServerConn {
        let i = conn.index();
        if self.server_conns.len() <= i {
            self.server_conns.resize_with(i + 1, ServerConn::default);
        }
        &mut self.server_conns[i]
    }

    /// A new connect starts: nothing of an earlier connection in this slot remains.
    pub(super) fn reset_server_side(&mut self, conn: ConnId) {
        let c = self.server_conn(conn);
        c.side = ServerSide::Accepted;
        c.first_send = None;
        c.resends = 0;
        c.resend_timer = None;
        c.held.clear();
    }

    /// The handshake put the connection in the accept queue (`Queued`), left it unfinished,
    /// or the server took it at once.
    pub(super) fn set_server_side(&mut self, conn: ConnId, host: usize, side: ServerSide) {
        self.server_conn(conn).side = side;
        if side == ServerSide::Queued && self.backends[host].has_accept_loop() {
            self.backends[host].wait_for_accept(conn);
            self.run_accept_loop(host);
        }
    }

    /// A request reaches its host on `conn`: `true` if the server has the connection and the
    /// request goes on to be served; otherwise it is held until it does.
    pub(super) fn server_takes_request(&mut self, attempt: Key, conn: ConnId, host: usize) -> bool {
        let has_loop = self.backends[host].has_accept_loop();
        let now = self.now;
        let c = self.server_conn(conn);
        match c.side {
            ServerSide::Accepted => true,
            ServerSide::Queued if !has_loop => true,
            ServerSide::Queued => {
                c.held.push(attempt);
                false
            }
            ServerSide::Unfinished => {
                c.held.push(attempt);
                if c.first_send.is_none() {
                    c.first_send = Some(now);
                    self.unfinished_data_arrives(conn, host);
                }
                false
            }
        }
    }

    /// A copy of the request on an unfinished handshake reaches the host: it creates the
    /// connection if the accept queue has room, else it is dropped and resent later.
    fn unfinished_data_arrives(&mut self, conn: ConnId, host: usize) {
        if self.backends[host].unfinished_data() {
            self.server_conn(conn).side = ServerSide::Queued;
            self.send_settings(conn, host);
            if self.backends[host].has_accept_loop() {
                self.backends[host].wait_for_accept(conn);
                self.run_accept_loop(host);
            } else {
                self.deliver_held(conn, host);
            }
            return;
        }
        let rto = DataRetransmission {
            rto: self.upstream.tcp_rto_min,
        };
        let c = &self.server_conns[conn.index()];
        let first = c.first_send.unwrap_or(self.now);
        match rto.next_resend(c.resends) {
            Some(at) => {
                let timer = self.schedule(first.after(at), Event::DataResend { conn });
                self.server_conns[conn.index()].resend_timer = Some(timer);
            }
            // The client's kernel gives up (`ETIMEDOUT`): Envoy sees the connection close.
            None => {
                let pool = self.conns[conn].pool;
                self.with_pool(pool, |p, env| p.on_remote_close(env, conn));
            }
        }
    }

    /// The client's kernel resends the request of an unfinished handshake.
    pub(super) fn on_data_resend(&mut self, conn: ConnId) {
        let host = self.host_of_conn(conn);
        let c = &mut self.server_conns[conn.index()];
        c.resend_timer = None;
        c.resends += 1;
        let b = &self.backends[host].behaviour;
        if b.black_hole || b.crashed {
            return; // Its listening socket is gone with the process; nothing answers.
        }
        self.unfinished_data_arrives(conn, host);
    }

    /// Hands the requests held on `conn` to the server, in the order they arrived.
    fn deliver_held(&mut self, conn: ConnId, host: usize) {
        let mut held = std::mem::take(&mut self.server_conns[conn.index()].held);
        for &attempt in &held {
            self.serve_request(attempt, conn, host);
        }
        held.clear();
        self.server_conns[conn.index()].held = held;
    }

    /// If the host's accept loop is free, it turns to the next connection waiting in the
    /// queue and has it `accept_time` later (the server waking up and accepting); the
    /// connection holds its place in the queue until then.
    pub(super) fn run_accept_loop(&mut self, host: usize) {
        let (conns, server_conns) = (&self.conns, &self.server_conns);
        let still_queued = |conn: Key| {
            conns.contains(conn)
                && server_conns
                    .get(conn.index())
                    .is_some_and(|c| c.side == ServerSide::Queued)
        };
        let Some((conn, busy_for)) = self.backends[host].next_accept(still_queued) else {
            return;
        };
        let epoch = self.backends[host].epoch();
        let event = Event::AcceptDone {
            host: host as u32,
            conn,
            epoch,
        };
        self.schedule_in(busy_for, event);
    }

    /// The accept loop has `conn` (unless its client closed it meanwhile, or the process
    /// crashed since the loop turned to it, in the host's `epoch`) and turns to the next.
    pub(super) fn on_accept_done(&mut self, host: usize, conn: ConnId, epoch: u32) {
        if self.backends[host].epoch() != epoch {
            return; // The process crashed since; its loop starts afresh.
        }
        if self.backends[host].pausing.is_paused() {
            return self.backends[host].accept_after_pause(conn);
        }
        self.backends[host].accept_turn_over();
        let queued =
            self.conns.contains(conn) && self.server_conns[conn.index()].side == ServerSide::Queued;
        if queued {
            self.server_conns[conn.index()].side = ServerSide::Accepted;
            self.backends[host].accept();
            self.deliver_held(conn, host);
        }
        self.run_accept_loop(host);
    }

    /// A pause ends: the accept loop finishes the turn the pause stopped, or starts one.
    pub(super) fn resume_accept_loop(&mut self, host: usize) {
        match self.backends[host].take_accept_after_pause() {
            Some(conn) => {
                let epoch = self.backends[host].epoch();
                self.on_accept_done(host, conn, epoch);
            }
            None => self.run_accept_loop(host),
        }
    }

    /// The connection leaves its host's accept queue, if it waits there: the server starts
    /// serving its first request (no accept loop), or Envoy closed it.
    pub(super) fn leave_accept_queue(&mut self, conn: ConnId, host: usize) {
        let queued = self.conns.contains(conn)
            && self
                .server_conns
                .get(conn.index())
                .is_some_and(|c| c.side == ServerSide::Queued);
        if queued {
            self.server_conns[conn.index()].side = ServerSide::Accepted;
            self.backends[host].accept();
        }
    }

    /// Envoy closed the connection: it leaves the accept queue, its resends stop, and what
    /// it held is gone.
    pub(super) fn close_server_side(&mut self, conn: ConnId, host: usize) {
        self.leave_accept_queue(conn, host);
        if let Some(c) = self.server_conns.get_mut(conn.index()) {
            let timer = c.resend_timer.take();
            c.side = ServerSide::Accepted;
            c.held.clear();
            self.cancel(timer);
        }
    }
}
