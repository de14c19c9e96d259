//! Hand-worked sequences through the HTTP/1 pool. Every expected counter below was derived from
//! the rules in `conn_pool_base.cc` (see the comments), not read off the program.

use super::conn_pool::*;
use super::conn_pool_harness::*;

/// One waiting request is counted in `upstream_cx_overflow` twice: once when it is queued
/// (call site 1, newStream) and once when another connection completes while it still waits
/// (call site 3, onUpstreamReady). Then a close frees a connection slot and the replacement is
/// created within the limit (call site 4), which counts nothing.
#[test]
fn cx_overflow_rises_more_than_once_for_one_waiting_request() {
    let mut h = Harness::new(1, 1024, 1024, 1);
    let a = h.stream("A");
    let b = h.stream("B");

    // A: pending 1 > connecting 0 → connections 0 < 1 → create C1. Second pass: 1 > 1 is false.
    assert_eq!(h.new_stream(0, a), NewStream::Pending);
    let c1 = Harness::last_connecting(&h.events());
    assert_eq!(
        (h.stats.upstream_cx_total, h.stats.upstream_cx_overflow),
        (1, 0)
    );

    // B: pending 2 > connecting 1 → connections 1 < 1 fails → overflow 1; the pool has a
    // connection, so none is created.
    assert_eq!(h.new_stream(0, b), NewStream::Pending);
    assert!(h.events().is_empty());
    assert_eq!(
        (h.stats.upstream_cx_total, h.stats.upstream_cx_overflow),
        (1, 1)
    );
    assert_eq!(h.stats.upstream_rq_pending_active, 2);

    // C1 connects: A (oldest) attaches; B still waits: 1 > 0 → blocked again → overflow 2.
    h.connected(0, c1);
    assert_eq!(ready_streams(&h.events()), vec![(a, c1)]);
    assert_eq!(h.stats.upstream_cx_overflow, 2);
    assert_eq!(h.stats.upstream_rq_pending_active, 1);
    assert_eq!(
        (h.rm.requests.current(), h.rm.pending_requests.current()),
        (1, 1)
    );

    // HTTP/1.0 response: close notify, C1 closes locally, connections drop to 0 at once, the
    // replacement C2 is created within the limit; requests stay 1 until the deferred delete.
    h.respond_and_close(0, c1);
    assert_eq!(h.stats.upstream_cx_close_notify, 1);
    assert_eq!(h.stats.upstream_cx_destroy_local, 1);
    assert_eq!(h.stats.upstream_cx_destroy_with_active_rq, 0);
    assert_eq!(h.stats.upstream_cx_total, 2);
    assert_eq!(h.stats.upstream_cx_overflow, 2);
    assert_eq!(h.rm.connections.current(), 1);
    assert_eq!(
        h.rm.requests.current(),
        1,
        "requests is released by the deferred delete"
    );
    h.run_deferred(0);
    assert_eq!(h.rm.requests.current(), 0);
    let c2 = Harness::last_connecting(&h.events());
    assert_ne!(c1, c2);

    // C2 connects and takes B. Nothing waits, nothing more is counted.
    h.connected(0, c2);
    assert_eq!(ready_streams(&h.events()), vec![(b, c2)]);
    h.respond_and_close(0, c2);
    h.run_deferred(0);
    assert_eq!(h.stats.upstream_cx_overflow, 2);
    assert_eq!(h.stats.upstream_rq_total, 2);
    assert_eq!(h.stats.upstream_rq_pending_total, 2);
    assert_eq!(h.stats.upstream_cx_total, 2);
    assert!(h.rm.is_idle());
    assert!(h.pools[0].is_idle());
    assert!(h.conns.is_empty());
}

/// A pool with no connection at all creates one even at the cluster limit (counting an
/// overflow first), so two worker pools push `connections` to 2 with `max_connections: 1`.
#[test]
fn a_pool_with_no_connection_exceeds_max_connections() {
    let mut h = Harness::new(1, 1024, 1024, 2);
    let a = h.stream("A");
    let b = h.stream("B");
    h.new_stream(0, a);
    assert_eq!(h.rm.connections.current(), 1);
    h.events();

    // Worker 1: pending 1 > 0 → connections 1 < 1 fails → overflow 1 → but this pool has no
    // connection: create anyway (CreatedButRateLimited ends the loop).
    h.new_stream(1, b);
    assert_eq!(h.events().len(), 1);
    assert_eq!(h.stats.upstream_cx_overflow, 1);
    assert_eq!(h.rm.connections.current(), 2);
    assert_eq!(h.stats.upstream_cx_active, 2);
    assert!(h.rm.connections.is_open());

    // A second waiting stream on worker 1 is blocked like any other: overflow 2, no creation.
    let c = h.stream("C");
    h.new_stream(1, c);
    assert!(h.events().is_empty());
    assert_eq!(h.stats.upstream_cx_overflow, 2);
    assert_eq!(h.rm.connections.current(), 2);
}

/// `pending >= max_pending_requests` refuses the request with no host (503 UO upstream of any
/// host), counted in `upstream_rq_pending_overflow` and never in `upstream_cx_overflow`.
#[test]
fn pending_overflow_fails_the_stream_without_a_host() {
    let mut h = Harness::new(1024, 1, 1024, 1);
    let a = h.stream("A");
    let b = h.stream("B");
    assert_eq!(h.new_stream(0, a), NewStream::Pending);
    h.events();
    assert_eq!(h.new_stream(0, b), NewStream::Failed);
    assert_eq!(
        failures(&h.events()),
        vec![(b, PoolFailureReason::Overflow, false)]
    );
    assert_eq!(h.stats.upstream_rq_pending_overflow, 1);
    assert_eq!(h.stats.upstream_rq_pending_total, 1);
    assert_eq!(h.stats.upstream_cx_overflow, 0);
    assert_eq!(h.rm.pending_requests.current(), 1);
}

/// `max_requests` is checked when a stream is attached: with keep-alive connections ready on
/// two workers and `max_requests: 1`, the second attach fails with the host known, and is
/// counted as an active-request overflow (Envoy 1.38+), not a pending one.
#[test]
fn max_requests_is_checked_at_attach() {
    let mut h = Harness::new(1024, 1024, 1, 2);
    let warm = [h.stream("w0"), h.stream("w1")];
    let mut conns = Vec::new();
    for (pool, &s) in warm.iter().enumerate() {
        h.new_stream(pool, s);
        let c = Harness::last_connecting(&h.events());
        h.connected(pool, c);
        // Keep-alive response: the stream ends now, the connection goes back to ready.
        h.with(pool, |p, env| {
            p.on_response_headers(env, c, false);
            let s = env.conns[c].streams[0];
            p.on_response_complete(env, c, s);
        });
        conns.push(c);
    }
    assert_eq!(h.rm.requests.current(), 0);
    h.events();

    let a = h.stream("A");
    let b = h.stream("B");
    assert_eq!(h.new_stream(0, a), NewStream::Attached);
    assert_eq!(h.new_stream(1, b), NewStream::Failed);
    let events = h.events();
    assert_eq!(ready_streams(&events), vec![(a, conns[0])]);
    assert_eq!(
        failures(&events),
        vec![(b, PoolFailureReason::Overflow, true)]
    );
    assert_eq!(h.stats.upstream_rq_active_overflow, 1);
    assert_eq!(h.stats.upstream_rq_pending_overflow, 0);
    assert_eq!(h.stats.upstream_rq_total, 3);
}

/// A connect timeout closes the connection and fails every waiting stream of that pool,
/// newest first, each counted in `upstream_rq_pending_failure_eject`.
#[test]
fn connect_timeout_purges_the_pools_pending_streams() {
    let mut h = Harness::new(1, 1024, 1024, 1);
    let a = h.stream("A");
    let b = h.stream("B");
    h.new_stream(0, a);
    h.new_stream(0, b);
    let c1 = Harness::last_connecting(&h.events());
    h.with(0, |p, env| p.on_connect_timeout(env, c1));
    let events = h.events();
    assert_eq!(
        failures(&events),
        vec![
            (b, PoolFailureReason::Timeout, true),
            (a, PoolFailureReason::Timeout, true)
        ]
    );
    assert!(events.contains(&PoolEvent::Closed(c1)));
    assert_eq!(h.stats.upstream_cx_connect_timeout, 1);
    assert_eq!(h.stats.upstream_cx_connect_fail, 1);
    assert_eq!(h.stats.upstream_rq_pending_failure_eject, 2);
    assert_eq!(h.stats.upstream_cx_destroy_local, 1);
    assert_eq!(
        h.stats.upstream_cx_total, 1,
        "nothing waits, so no new connection"
    );
    assert_eq!(h.rm.connections.current(), 0);
    // `~PendingStream` runs only after each stream's `onPoolFailure`: both slots are still
    // held when the router hears of the failures, and released as it is done with each.
    assert_eq!(h.rm.pending_requests.current(), 2);
    assert_eq!(h.stats.upstream_rq_pending_active, 2);
    let held = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                PoolEvent::StreamFailed {
                    release_pending: true,
                    ..
                }
            )
        })
        .count();
    assert_eq!(held, 2);
    for _ in 0..held {
        h.with(0, |p, env| p.release_purged_stream(env));
    }
    assert_eq!(h.rm.pending_requests.current(), 0);
    assert_eq!(h.stats.upstream_rq_pending_active, 0);
    assert_eq!(h.stats.upstream_rq_total, 0);
}

/// A refused connect is a remote connection failure.
#[test]
fn refused_connect_is_a_remote_connection_failure() {
    let mut h = Harness::new(10, 1024, 1024, 1);
    let a = h.stream("A");
    h.new_stream(0, a);
    let c1 = Harness::last_connecting(&h.events());
    h.with(0, |p, env| p.on_remote_close(env, c1));
    assert_eq!(
        failures(&h.events()),
        vec![(a, PoolFailureReason::RemoteConnectionFailure, true)]
    );
    assert_eq!(h.stats.upstream_cx_destroy_remote, 1);
    assert_eq!(h.stats.upstream_cx_connect_timeout, 0);
    assert_eq!(h.stats.upstream_cx_connect_fail, 1);
}

/// Keep-alive: the connection returns to the ready list; the most recently readied connection
/// is used first (LIFO), and a new stream attaches without queueing.
#[test]
fn keep_alive_connections_are_reused_newest_first() {
    let mut h = Harness::new(10, 1024, 1024, 1);
    let (a, b) = (h.stream("A"), h.stream("B"));
    h.new_stream(0, a);
    h.new_stream(0, b);
    let events = h.events();
    let created: Vec<ConnId> = events
        .iter()
        .filter_map(|e| match e {
            PoolEvent::Connecting(c) => Some(*c),
            _ => None,
        })
        .collect();
    assert_eq!(
        created.len(),
        2,
        "pending 2 > connecting 1: a second connection"
    );
    h.connected(0, created[0]);
    h.connected(0, created[1]);
    let attached = ready_streams(&h.events());
    assert_eq!(attached, vec![(a, created[0]), (b, created[1])]);
    // B's connection finishes first, then A's: A's is the most recently readied.
    for c in [created[1], created[0]] {
        h.with(0, |p, env| {
            p.on_response_headers(env, c, false);
            let s = env.conns[c].streams[0];
            p.on_response_complete(env, c, s);
        });
    }
    assert!(
        h.events()
            .contains(&PoolEvent::ScheduleUpstreamReady { pool: 0 })
    );
    h.with(0, |p, env| p.on_scheduled_upstream_ready(env));
    let d = h.stream("D");
    assert_eq!(h.new_stream(0, d), NewStream::Attached);
    assert_eq!(ready_streams(&h.events()), vec![(d, created[0])]);
    assert_eq!(h.stats.upstream_rq_pending_total, 2);
    assert_eq!(h.stats.upstream_cx_total, 2);
}

/// Cancelling a waiting stream (the router's global timeout) releases its pending slot and
/// counts `upstream_rq_cancelled`.
#[test]
fn cancelling_a_pending_stream() {
    let mut h = Harness::new(10, 1024, 1024, 1);
    let a = h.stream("A");
    h.new_stream(0, a);
    h.with(0, |p, env| p.cancel_pending(env, a));
    assert_eq!(h.stats.upstream_rq_cancelled, 1);
    assert_eq!(h.stats.upstream_rq_pending_active, 0);
    assert_eq!(h.rm.pending_requests.current(), 0);
    assert_eq!(h.pools[0].pending_len(), 0);
}

/// Resetting an attached HTTP/1 stream closes its connection with an active request.
#[test]
fn resetting_an_attached_stream_closes_the_connection() {
    let mut h = Harness::new(10, 1024, 1024, 1);
    let a = h.stream("A");
    h.new_stream(0, a);
    let c = Harness::last_connecting(&h.events());
    h.connected(0, c);
    h.with(0, |p, env| p.reset_stream(env, c, a));
    assert_eq!(h.stats.upstream_cx_destroy_with_active_rq, 1);
    assert_eq!(h.stats.upstream_cx_destroy_local_with_active_rq, 1);
    assert_eq!(h.rm.connections.current(), 0);
    assert_eq!(h.rm.requests.current(), 1);
    h.run_deferred(0);
    assert_eq!(h.rm.requests.current(), 0);
    assert_eq!(h.stats.upstream_rq_active, 0);
}

/// HTTP/2, `max_concurrent_streams = 2`. A: pending 1 > connecting 0 → C1 (capacity 2).
/// B: pending 2 > 2 is false → no new connection. C: 3 > 2 → C2. C1 connects: A and B (the
/// oldest) attach and C1 is busy; C still waits (1 > connecting 2 is false). A's response
/// ends its stream: C1 has room again and C attaches at once (HTTP/2 does not defer).
/// Resetting B's stream leaves C1 open with C on it.
#[test]
fn http2_connections_carry_several_streams() {
    let mut h = Harness::new(1024, 1024, 1024, 1);
    h.pools = vec![ConnPool::new(
        0,
        StreamLimits::http2(Some(2), None, crate::envoy::version::NEWEST_ENVOY),
    )];
    let (a, b, c) = (h.stream("A"), h.stream("B"), h.stream("C"));
    h.new_stream(0, a);
    let c1 = Harness::last_connecting(&h.events());
    h.new_stream(0, b);
    assert!(h.events().is_empty(), "B fits in C1's connecting capacity");
    h.new_stream(0, c);
    let c2 = Harness::last_connecting(&h.events());
    assert_ne!(c1, c2);
    assert_eq!(h.stats.upstream_cx_http2_total, 2);
    h.connected(0, c1);
    assert_eq!(ready_streams(&h.events()), vec![(a, c1), (b, c1)]);
    assert_eq!(h.pools[0].pending_len(), 1);
    h.with(0, |p, env| p.on_response_complete(env, c1, a));
    assert_eq!(
        ready_streams(&h.events()),
        vec![(c, c1)],
        "C attaches at once on HTTP/2"
    );
    h.with(0, |p, env| p.reset_stream(env, c1, b));
    assert_eq!(h.conns[c1].streams, vec![c]);
    assert_eq!(
        h.stats.upstream_cx_destroy, 0,
        "a stream reset keeps the connection"
    );
    assert_eq!(h.rm.requests.current(), 1);
}
