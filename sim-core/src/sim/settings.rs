//! HTTP/2 hosts with `http2_max_concurrent_streams`: their SETTINGS reach Envoy one round trip
//! after the connect, and until then the streams Envoy opens past the limit are refused.
//!
//! When: Envoy raises `Connected` (and attaches waiting streams up to the cluster's
//! `max_concurrent_streams`) before it reads the peer's SETTINGS, as the comment on
//! `MultiplexedActiveClientBase::onSettings` (`source/common/http/conn_pool_base.cc`) warns.
//! A server sends its SETTINGS (the server connection preface, RFC 9113 §3.4) once it has the
//! connection, which it has when Envoy's last handshake packet and preface reach it: one
//! upstream latency after Envoy's connect, and one more back. Streams arriving at the host over
//! its limit before Envoy has its SETTINGS are refused with `REFUSED_STREAM`, as nghttp2 and
//! Go's server do while their SETTINGS are unacknowledged (RFC 9113 §5.1.2).
//! Envoy: `onSettings` lowers the connection's limit; a refused stream is a
//! `RemoteRefusedStreamReset` (`onStreamReset` counts nothing; the router resets the attempt:
//! retried under `refused-stream`, else 503 UR).

use super::events::Event;
use super::proxy::OutlierReport;
use super::{Attempt, Simulation};
use crate::envoy::conn_pool::ConnId;
use crate::envoy::outlier::OutlierResult;
use crate::envoy::retry::ResetKind;
use crate::slab::Key;

impl Simulation<'_> {
    /// The host's `http2_max_concurrent_streams` (validated: only on HTTP/2 clusters).
    fn host_stream_limit(&self, host: usize) -> Option<u32> {
        let group = self.backends[host].group;
        self.scenario.backends[group].http2_max_concurrent_streams
    }

    /// A new connection to `host` is up: its SETTINGS travel there and back.
    pub(super) fn send_settings(&mut self, conn: ConnId, host: usize) {
        let Some(limit) = self.host_stream_limit(host) else {
            return;
        };
        let rng = &mut self.backends[host].rng;
        let there = self.upstream.latency.sample(rng);
        let back = self.upstream.latency.sample(rng);
        let event = Event::SettingsAtEnvoy {
            conn,
            max_concurrent_streams: limit,
        };
        self.schedule(self.now.after(there).after(back), event);
    }

    pub(super) fn on_settings_at_envoy(&mut self, conn: ConnId, max_concurrent_streams: u32) {
        let Some(c) = self.conns.get(conn) else {
            return; // Closed and deleted on the way.
        };
        let pool = c.pool;
        self.with_pool(pool, |p, env| {
            p.on_settings(env, conn, max_concurrent_streams)
        });
    }

    /// A stream arrives at its host: false if the host refuses it (already at its limit on
    /// that connection; the refusal is on its way back). A stream Envoy has already reset is
    /// not counted: its `RST_STREAM` follows its headers on the connection.
    pub(super) fn admit_backend_stream(&mut self, attempt: Key, conn: ConnId, host: usize) -> bool {
        let Some(limit) = self.host_stream_limit(host) else {
            return true;
        };
        let live = self
            .attempts
            .get(attempt)
            .is_some_and(|a| a.conn == Some(conn));
        if !live {
            return true;
        }
        let open = &mut self.backend_streams[conn.index()];
        if *open >= limit {
            let latency = self.upstream.latency.sample(&mut self.backends[host].rng);
            let event = Event::StreamRefusedAtEnvoy { attempt, conn };
            self.schedule(self.now.after(latency), event);
            return false;
        }
        *open += 1;
        self.attempts[attempt].backend_stream = true;
        true
    }

    /// The host answers a stream, or Envoy resets it: it no longer counts at the host.
    pub(super) fn release_backend_stream(&mut self, a: &Attempt) {
        if let (true, Some(conn)) = (a.backend_stream, a.conn) {
            self.backend_streams[conn.index()] -= 1;
        }
    }

    /// The host answers `attempt`'s stream.
    pub(super) fn backend_answers(&mut self, attempt: Key, conn: ConnId) {
        if let Some(a) = self.attempts.get_mut(attempt)
            && a.conn == Some(conn)
            && a.backend_stream
        {
            a.backend_stream = false;
            self.backend_streams[conn.index()] -= 1;
        }
    }

    /// The refusal reaches Envoy: the pool ends the stream, then the router resets the attempt
    /// (reported as a local-origin connect failure, as `onUpstreamReset` does for any reset but
    /// an overflow).
    pub(super) fn on_stream_refused_at_envoy(&mut self, attempt: Key, conn: ConnId) {
        let Some(a) = self.take_attached_attempt(attempt, conn) else {
            return;
        };
        let end = super::record::AttemptEnd::Reset(ResetKind::RefusedStream);
        self.rec_attempt_end(a.request, attempt, end);
        self.with_pool(a.pool, |p, env| p.on_stream_refused(env, conn, attempt));
        let report = OutlierReport::Result(OutlierResult::LocalOriginConnectFailed, None);
        self.report_outlier(a.envoy, a.host, report);
        self.upstream_reset(a.request, Some(a.host), ResetKind::RefusedStream);
    }

    /// A new connection starts with no stream open at its host.
    pub(super) fn reset_backend_streams(&mut self, conn: ConnId) {
        if self.backend_streams.len() <= conn.index() {
            self.backend_streams.resize(conn.index() + 1, 0);
        }
        self.backend_streams[conn.index()] = 0;
    }
}
