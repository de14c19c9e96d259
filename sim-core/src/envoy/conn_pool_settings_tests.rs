//! Ports of Envoy's HTTP/2 pool tests about the peer's SETTINGS
//! (`test/common/http/http2/conn_pool_test.cc`). Envoy's `CHECK_STATE` capacity is the
//! cluster's connecting-and-connected stream capacity; with one connection it is that
//! connection's `currentUnusedCapacity()`, which may go negative: `signed_capacity` below.

use super::conn_pool::*;
use super::conn_pool_harness::*;
use crate::slab::Key;

/// Envoy's signed `currentUnusedCapacity()`: `min(remaining, limit - active)`.
fn signed_capacity(h: &Harness, c: ConnId) -> i64 {
    let conn = &h.conns[c];
    let concurrent = i64::from(conn.concurrent_limit) - i64::from(conn.active_streams());
    concurrent.min(conn.remaining_streams.min(i64::MAX as u64) as i64)
}

fn settings(h: &mut Harness, c: ConnId, max_concurrent_streams: u32) {
    h.with(0, |p, env| p.on_settings(env, c, max_concurrent_streams));
}

fn complete(h: &mut Harness, c: ConnId, s: Key) {
    h.with(0, |p, env| p.on_response_complete(env, c, s));
}

/// One HTTP/2 pool (`max_concurrent_streams`, `max_requests_per_connection`) with `n` streams
/// queued on one connection that then connects; returns the streams and the connection.
fn connected_with(
    concurrent: u32,
    max_requests: Option<u32>,
    n: usize,
) -> (Harness, Vec<Key>, ConnId) {
    let limits = StreamLimits::http2(
        Some(concurrent),
        max_requests,
        crate::envoy::version::NEWEST_ENVOY,
    );
    let mut h = Harness::new(1024, 1024, 1024, 1).with_limits(limits);
    let names = ["r1", "r2", "r3", "r4", "r5"];
    let streams: Vec<Key> = names[..n].iter().map(|name| h.stream(name)).collect();
    for &s in &streams {
        assert_eq!(h.new_stream(0, s), NewStream::Pending);
    }
    let c = Harness::last_connecting(&h.events());
    h.connected(0, c);
    let attached: Vec<Key> = ready_streams(&h.events()).iter().map(|r| r.0).collect();
    assert_eq!(attached, streams);
    (h, streams, c)
}

// Port of Http2ConnPoolImplTest.IncreaseCapacityWithSettingsFrame.
#[test]
fn increase_capacity_with_settings_frame() {
    let (mut h, _, c) = connected_with(100, None, 1);
    assert_eq!(signed_capacity(&h, c), 99);
    assert_eq!(h.conns[c].state, ConnState::Ready);
    // SETTINGS of 1: no room, the client turns busy.
    settings(&mut h, c, 1);
    assert_eq!(signed_capacity(&h, c), 0);
    assert_eq!(h.conns[c].state, ConnState::Busy);
    // SETTINGS of 10: room for 9, ready again.
    settings(&mut h, c, 10);
    assert_eq!(signed_capacity(&h, c), 9);
    assert_eq!(h.conns[c].state, ConnState::Ready);
    // SETTINGS of 150, capped by the configured 100.
    settings(&mut h, c, 150);
    assert_eq!(signed_capacity(&h, c), 99);
    assert_eq!(h.conns[c].state, ConnState::Ready);
    h.with(0, |p, env| p.on_remote_close(env, c));
    h.run_deferred(0);
    assert_eq!(h.stats.upstream_rq_active, 0);
    assert!(h.pools[0].is_idle());
}

// Port of Http2ConnPoolImplTest.DisconnectWithNegativeCapacity.
#[test]
fn disconnect_with_negative_capacity() {
    let (mut h, r, c) = connected_with(6, None, 5);
    assert_eq!(signed_capacity(&h, c), 1);
    assert_eq!(h.conns[c].state, ConnState::Ready);
    settings(&mut h, c, 3);
    assert_eq!(signed_capacity(&h, c), -2);
    assert_eq!(h.conns[c].state, ConnState::Busy);
    complete(&mut h, c, r[0]);
    assert_eq!(h.conns[c].state, ConnState::Busy, "capacity -1: still busy");
    complete(&mut h, c, r[1]);
    complete(&mut h, c, r[2]);
    assert_eq!(h.conns[c].state, ConnState::Ready);
    assert_eq!(h.stats.upstream_rq_active, 2);
    assert_eq!(signed_capacity(&h, c), 1);
    settings(&mut h, c, 1);
    assert_eq!(signed_capacity(&h, c), -1);
    assert_eq!(h.conns[c].state, ConnState::Busy);
    h.with(0, |p, env| p.on_remote_close(env, c));
    h.run_deferred(0);
    assert_eq!(h.stats.upstream_rq_active, 0);
    assert_eq!(h.rm.requests.current(), 0);
}

// Port of Http2ConnPoolImplTest.TestUnusedCapacity: `max_concurrent_streams` 8,
// `max_requests_per_connection` 6.
#[test]
fn unused_capacity_with_settings_and_lifetime_limit() {
    let limits = StreamLimits::http2(Some(8), Some(6), crate::envoy::version::NEWEST_ENVOY);
    let mut h = Harness::new(1024, 1024, 1024, 1).with_limits(limits);
    let r1 = h.stream("r1");
    h.new_stream(0, r1);
    // Initially the capacity is the remaining streams, 6.
    assert_eq!(h.pools[0].connecting_capacity(), 6);
    let c = Harness::last_connecting(&h.events());
    h.connected(0, c);
    assert_eq!(signed_capacity(&h, c), 5);
    let (r2, r3) = (h.stream("r2"), h.stream("r3"));
    assert_eq!(h.new_stream(0, r2), NewStream::Attached);
    assert_eq!(h.new_stream(0, r3), NewStream::Attached);
    assert_eq!(signed_capacity(&h, c), 3);
    settings(&mut h, c, 4);
    assert_eq!(signed_capacity(&h, c), 1);
    complete(&mut h, c, r1);
    assert_eq!(signed_capacity(&h, c), 2);
    complete(&mut h, c, r2);
    assert_eq!(signed_capacity(&h, c), 3, "3 remaining streams");
    complete(&mut h, c, r3);
    assert_eq!(signed_capacity(&h, c), 3);
    assert_eq!(h.stats.upstream_rq_active, 0);
}

/// By hand from `MultiplexedActiveClientBase::onSettings` and `onStreamReset`: a stream
/// refused by the peer (`RemoteRefusedStreamReset`) ends without a counter; a waiting stream
/// attaches only once the connection is under its new limit.
#[test]
fn refused_streams_end_without_a_counter() {
    let (mut h, r, c) = connected_with(100, None, 3);
    settings(&mut h, c, 1);
    assert_eq!(h.conns[c].state, ConnState::Busy);
    let waiting = h.stream("waiting");
    assert_eq!(h.new_stream(0, waiting), NewStream::Pending);
    assert_eq!(
        h.stats.upstream_cx_total, 2,
        "no ready client: a new connection"
    );
    h.events();
    h.with(0, |p, env| p.on_stream_refused(env, c, r[1]));
    h.with(0, |p, env| p.on_stream_refused(env, c, r[2]));
    assert!(
        ready_streams(&h.events()).is_empty(),
        "1 active = the limit"
    );
    assert_eq!(h.conns[c].state, ConnState::Busy);
    complete(&mut h, c, r[0]);
    assert_eq!(ready_streams(&h.events()), vec![(waiting, c)]);
    assert_eq!(h.stats.upstream_rq_tx_reset, 0);
    assert_eq!(h.stats.upstream_rq_pending_failure_eject, 0);
    assert_eq!(h.stats.upstream_rq_total, 4);
}
