//! Ports of Envoy's own connection-pool tests (`test/common/conn_pool/conn_pool_base_test.cc`,
//! `test/common/http/http2/conn_pool_test.cc`), with their expected counters, and sequences
//! worked out by hand from the Envoy source each comment names.

use super::conn_pool::*;
use super::conn_pool_harness::*;

/// The base test's client: 2 concurrent streams, 100 over its life.
const TWO_STREAMS: StreamLimits = StreamLimits {
    protocol: Protocol::Http2,
    concurrent: 2,
    lifetime: 100,
};

/// Envoy's mock cluster with `max_requests: 1`, one pool with `TWO_STREAMS` clients, one stream
/// attached to a connected client that stays ready; then a second stream overflows at attach.
fn max_active_requests_overflow(config: PoolConfig) -> Harness {
    let mut h = Harness::new(1024, 1024, 1, 1).with_config(config);
    let (_, c) = h.connected_stream(0, "first");
    assert_eq!(h.conns[c].state, ConnState::Ready);
    let second = h.stream("second");
    assert_eq!(h.new_stream(0, second), NewStream::Failed);
    assert_eq!(
        failures(&h.events()),
        vec![(second, PoolFailureReason::Overflow, true)]
    );
    h
}

// Port of ConnPoolImplDispatcherBaseTest.MaxActiveRequestsOverflow
// (test/common/conn_pool/conn_pool_base_test.cc).
#[test]
fn max_active_requests_overflow_counts_active_overflow_only() {
    let h = max_active_requests_overflow(PoolConfig::new(TWO_STREAMS));
    assert_eq!(h.stats.upstream_rq_active_overflow, 1);
    assert_eq!(h.stats.upstream_rq_pending_overflow, 0);
}

// Port of ConnPoolImplDispatcherBaseTest.MaxActiveRequestsOverflowLegacy
// (test/common/conn_pool/conn_pool_base_test.cc): the guard
// `envoy.reloadable_features.skip_pending_overflow_count_on_active_rq` set to false.
#[test]
fn max_active_requests_overflow_legacy_counts_both() {
    let config = PoolConfig {
        attach_overflow: AttachOverflowCounters::ActiveAndPending,
        ..PoolConfig::new(TWO_STREAMS)
    };
    let h = max_active_requests_overflow(config);
    assert_eq!(h.stats.upstream_rq_active_overflow, 1);
    assert_eq!(h.stats.upstream_rq_pending_overflow, 1);
}

// Port of Http2ConnPoolImplTest.PendingStreamsRequestOverflow
// (test/common/http/http2/conn_pool_test.cc): with room for one more request, three queued
// streams meet the connect: the oldest attaches, the other two overflow at attach. The test's
// final remote close destroys one connection. (Its breaker is filled by hand to max - 1; here
// `max_requests` is 1, the same room.)
#[test]
fn http2_pending_streams_request_overflow() {
    let mut h = Harness::new(1024, 1024, 1, 1).with_limits(StreamLimits::http2(
        None,
        None,
        crate::envoy::version::NEWEST_ENVOY,
    ));
    let (r1, r2, r3) = (h.stream("r1"), h.stream("r2"), h.stream("r3"));
    for r in [r1, r2, r3] {
        assert_eq!(h.new_stream(0, r), NewStream::Pending);
    }
    let c = Harness::last_connecting(&h.events());
    h.connected(0, c);
    let events = h.events();
    assert_eq!(ready_streams(&events), vec![(r1, c)]);
    let failed: Vec<_> = failures(&events).into_iter().map(|f| f.0).collect();
    assert_eq!(failed, vec![r2, r3]);
    assert_eq!(h.stats.upstream_rq_active_overflow, 2);
    assert_eq!(h.stats.upstream_rq_pending_overflow, 0);
    h.with(0, |p, env| p.on_remote_close(env, c));
    assert_eq!(h.stats.upstream_cx_destroy, 1);
    assert_eq!(h.stats.upstream_cx_destroy_remote, 1);
}

// Port of Http2ConnPoolImplTest.GoAway (test/common/http/http2/conn_pool_test.cc): a GOAWAY on
// an idle connection closes it and counts `upstream_cx_close_notify`; the next stream opens a
// new connection.
#[test]
fn http2_go_away() {
    let mut h = Harness::new(1024, 1024, 1024, 1).with_limits(StreamLimits::http2(
        None,
        None,
        crate::envoy::version::NEWEST_ENVOY,
    ));
    let (r1, c0) = h.connected_stream(0, "r1");
    h.with(0, |p, env| p.on_response_complete(env, c0, r1));
    h.with(0, |p, env| p.on_goaway(env, c0));
    assert_eq!(h.conns[c0].state, ConnState::Closed);
    assert_eq!(h.stats.upstream_cx_destroy_local, 1);
    let (_, c1) = h.connected_stream(0, "r2");
    assert_ne!(c0, c1);
    assert_eq!(h.stats.upstream_cx_total, 2);
    assert_eq!(h.stats.upstream_cx_close_notify, 1);
}

/// By hand from `MultiplexedActiveClientBase::onGoAway` (source/common/http/conn_pool_base.cc):
/// every GOAWAY counts `upstream_cx_close_notify`; a busy connection drains instead of closing,
/// and a second GOAWAY on the draining connection changes nothing else.
#[test]
fn http2_go_away_on_a_busy_connection_drains_it() {
    let mut h = Harness::new(1024, 1024, 1024, 1).with_limits(StreamLimits::http2(
        None,
        None,
        crate::envoy::version::NEWEST_ENVOY,
    ));
    let (r1, c) = h.connected_stream(0, "r1");
    h.with(0, |p, env| p.on_goaway(env, c));
    assert_eq!(h.conns[c].state, ConnState::Draining);
    h.with(0, |p, env| p.on_goaway(env, c));
    assert_eq!(h.conns[c].state, ConnState::Draining);
    assert_eq!(h.stats.upstream_cx_close_notify, 2);
    assert_eq!(h.stats.upstream_cx_destroy, 0);
    h.with(0, |p, env| p.on_response_complete(env, c, r1));
    assert_eq!(h.conns[c].state, ConnState::Closed);
    assert_eq!(h.stats.upstream_cx_destroy_local, 1);
    assert_eq!(h.stats.upstream_cx_destroy_with_active_rq, 0);
}

// Port of Http2ConnPoolImplTest.LocalReset (test/common/http/http2/conn_pool_test.cc): the
// router resets its stream (`LocalReset`), then the peer closes the connection.
#[test]
fn http2_local_reset() {
    let mut h = Harness::new(1024, 1024, 1024, 1).with_limits(StreamLimits::http2(
        None,
        None,
        crate::envoy::version::NEWEST_ENVOY,
    ));
    let (r1, c) = h.connected_stream(0, "r1");
    h.with(0, |p, env| p.reset_stream(env, c, r1));
    h.with(0, |p, env| p.on_remote_close(env, c));
    h.run_deferred(0);
    assert_eq!(h.stats.upstream_cx_destroy, 1);
    assert_eq!(h.stats.upstream_cx_destroy_remote, 1);
    assert_eq!(h.stats.upstream_rq_tx_reset, 1);
    assert!(!h.rm.requests.is_open(), "circuit_breakers rq_open is 0");
    assert_eq!(h.stats.upstream_cx_active, 0);
    assert_eq!(
        h.stats.upstream_rq_pending_failure_eject, 0,
        "the stream was gone before the close"
    );
}

/// By hand from `MultiplexedActiveClientBase::onStreamReset` and `CodecClient::onEvent`
/// (source/common/http/conn_pool_base.cc, codec_client.cc): the peer closes a connected HTTP/2
/// connection with two streams on it; the codec resets both with `ConnectionTermination`, each
/// counted in `upstream_rq_pending_failure_eject`, and `onConnectionEvent` counts the
/// connection once as destroyed with active requests.
#[test]
fn http2_close_with_active_streams_counts_each_as_failure_eject() {
    let mut h = Harness::new(1024, 1024, 1024, 1).with_limits(StreamLimits::http2(
        None,
        None,
        crate::envoy::version::NEWEST_ENVOY,
    ));
    let (r1, c) = h.connected_stream(0, "r1");
    let r2 = h.stream("r2");
    assert_eq!(h.new_stream(0, r2), NewStream::Attached);
    h.events();
    h.with(0, |p, env| p.on_remote_close(env, c));
    let resets: Vec<_> = h
        .events()
        .into_iter()
        .filter(|e| matches!(e, PoolEvent::StreamReset { .. }))
        .collect();
    assert_eq!(
        resets,
        vec![
            PoolEvent::StreamReset {
                stream: r1,
                conn: c
            },
            PoolEvent::StreamReset {
                stream: r2,
                conn: c
            }
        ]
    );
    assert_eq!(h.stats.upstream_rq_pending_failure_eject, 2);
    assert_eq!(h.stats.upstream_cx_destroy_with_active_rq, 1);
    assert_eq!(h.stats.upstream_cx_destroy_remote_with_active_rq, 1);
    assert_eq!(h.stats.upstream_rq_active, 0);
    assert_eq!(h.stats.upstream_rq_tx_reset, 0);
}

/// By hand from `ActiveClient::StreamWrapper::onResetStream` (source/common/http/http1/
/// conn_pool.cc): HTTP/1's client has no codec-client callbacks, so a connection closed under
/// its stream counts the connection as destroyed with an active request and nothing per
/// stream; a router reset closes it, again without `upstream_rq_tx_reset`.
#[test]
fn http1_close_with_an_active_stream_counts_no_failure_eject() {
    let mut h = Harness::new(1024, 1024, 1024, 1);
    let (_, c) = h.connected_stream(0, "r1");
    h.with(0, |p, env| p.on_remote_close(env, c));
    assert!(h.events().contains(&PoolEvent::StreamReset {
        stream: h.conns[c].streams[0],
        conn: c
    }));
    assert_eq!(h.stats.upstream_rq_pending_failure_eject, 0);
    assert_eq!(h.stats.upstream_cx_destroy_remote_with_active_rq, 1);
    let (r2, c2) = h.connected_stream(0, "r2");
    h.with(0, |p, env| p.reset_stream(env, c2, r2));
    assert_eq!(h.stats.upstream_cx_destroy_local_with_active_rq, 1);
    assert_eq!(h.stats.upstream_rq_tx_reset, 0);
}
