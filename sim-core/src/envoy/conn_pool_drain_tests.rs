//! A pool whose host left the cluster (`drainConnectionsImpl(DrainBehavior::DrainAndDelete)` in
//! `source/common/conn_pool/conn_pool_base.cc`): ports of Envoy's `Http1ConnPoolImplTest` drain
//! cases (`test/common/http/http1/conn_pool_test.cc`, whose mock cluster allows one connection:
//! `MockClusterInfo` calls `resetResourceManager(1, 1024, 1024, 1, 1)`), and HTTP/2 figures
//! worked by hand from `closeIdleConnectionsForDrainingPool` and
//! `MultiplexedActiveClientBase::onStreamDestroy` (`source/common/http/conn_pool_base.cc`).

use super::conn_pool::*;
use super::conn_pool_harness::*;

fn closed(events: &[PoolEvent]) -> Vec<ConnId> {
    events
        .iter()
        .filter_map(|e| match e {
            PoolEvent::Closed(c) => Some(*c),
            _ => None,
        })
        .collect()
}

// Port of Http1ConnPoolImplTest.DrainCallback (test/common/http/http1/conn_pool_test.cc): r1
// on the one connection, r2 pending; the drain closes nothing (the connection is busy); r2 is
// cancelled; r1's keep-alive response schedules `onUpstreamReady` and closes the now idle
// connection (the pool is then idle: `drained.ready()`). One request in `upstream_rq_total`.
#[test]
fn http1_conn_pool_impl_test_drain_callback() {
    let mut h = Harness::new(1, 1024, 1024, 1);
    let (r1, c) = h.connected_stream(0, "r1");
    let r2 = h.stream("r2");
    assert_eq!(h.new_stream(0, r2), NewStream::Pending);
    h.events();
    h.with(0, |p, env| p.drain_and_delete(env));
    assert!(closed(&h.events()).is_empty());
    h.with(0, |p, env| p.cancel_pending(env, r2));
    assert!(closed(&h.events()).is_empty());
    assert_eq!(h.stats.upstream_rq_total, 1);

    h.with(0, |p, env| {
        p.on_response_headers(env, c, false);
        p.on_response_complete(env, c, r1);
    });
    let events = h.events();
    assert!(events.contains(&PoolEvent::ScheduleUpstreamReady { pool: 0 }));
    assert_eq!(closed(&events), [c]);
    assert!(h.pools[0].is_idle());
    assert_eq!(h.stats.upstream_cx_destroy_local, 1);
    assert_eq!(h.stats.upstream_cx_destroy_with_active_rq, 0);
}

// Port of Http1ConnPoolImplTest.DrainWhileConnecting: a pending stream keeps its connecting
// connection through the drain; cancelling it leaves nothing pending, so the connecting
// connection is closed (`close(NoFlush)`: a local close before the handshake, a connect
// failure) and the pool is idle.
#[test]
fn http1_conn_pool_impl_test_drain_while_connecting() {
    let mut h = Harness::new(1, 1024, 1024, 1);
    let s = h.stream("s");
    assert_eq!(h.new_stream(0, s), NewStream::Pending);
    let c = Harness::last_connecting(&h.events());
    h.with(0, |p, env| p.drain_and_delete(env));
    assert!(closed(&h.events()).is_empty());
    h.with(0, |p, env| p.cancel_pending(env, s));
    assert_eq!(closed(&h.events()), [c]);
    assert!(h.pools[0].is_idle());
    assert_eq!(h.stats.upstream_cx_connect_fail, 1);
    assert_eq!(h.stats.upstream_cx_destroy_local, 1);
}

/// Worked from the source, HTTP/2 with room for two streams: at the drain an idle ready
/// connection is closed at once; a busy one is not moved to draining (DrainAndDelete only
/// closes what is idle) and closes when its last stream ends (`onStreamDestroy` →
/// `checkForIdleAndCloseIdleConnsIfDraining`), after the first stream's end has made it ready
/// with one stream still on it.
#[test]
fn http2_drain_and_delete_closes_each_connection_once_idle() {
    let limits = StreamLimits {
        protocol: Protocol::Http2,
        concurrent: 2,
        lifetime: 100,
    };
    let mut h = Harness::new(1024, 1024, 1024, 2).with_limits(limits);
    // Pool 0: one connection with two streams. Pool 1: one idle connection.
    let (a, c0) = h.connected_stream(0, "a");
    let b = h.stream("b");
    assert_eq!(h.new_stream(0, b), NewStream::Attached);
    let (x, c1) = h.connected_stream(1, "x");
    h.with(1, |p, env| p.on_response_complete(env, c1, x));
    h.events();

    h.with(1, |p, env| p.drain_and_delete(env));
    assert_eq!(
        closed(&h.events()),
        [c1],
        "the idle connection closes at once"
    );
    h.with(0, |p, env| p.drain_and_delete(env));
    assert!(
        closed(&h.events()).is_empty(),
        "busy: not closed, not draining"
    );
    assert_eq!(h.conns[c0].state, ConnState::Busy);

    h.with(0, |p, env| p.on_response_complete(env, c0, a));
    assert!(closed(&h.events()).is_empty(), "b is still on it");
    h.with(0, |p, env| p.on_response_complete(env, c0, b));
    assert_eq!(closed(&h.events()), [c0]);
    assert!(h.pools[0].is_idle() && h.pools[1].is_idle());
    assert_eq!(h.stats.upstream_cx_destroy_local, 2);
    assert_eq!(h.stats.upstream_cx_destroy_with_active_rq, 0);
}
