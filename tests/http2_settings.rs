//! An HTTP/2 host's `SETTINGS_MAX_CONCURRENT_STREAMS` end to end (`http2_max_concurrent_streams`):
//! the streams Envoy sends before the SETTINGS arrive are refused past the limit, then the pool
//! honours it. Figures worked out by hand from `MultiplexedActiveClientBase::onSettings` and
//! `onStreamReset` (source/common/http/conn_pool_base.cc) and the timing documented in
//! `sim-core/src/sim/settings.rs`.

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::scenario::load_scenario;

use crate::common::run_text;

/// 5 workers send at once on one Envoy worker (each sends 2 requests, back to back): every
/// request waits for the one connection C1 being opened (its connecting capacity is the
/// configured 2^31-1), and all 5 attach when it connects, before the host's SETTINGS (limit 2)
/// come back 2 ms later. The requests reach the host 1 ms after the connect: it takes 2 (A, B)
/// and refuses 3 (C, D, E), whose refusals reach Envoy with the SETTINGS (503 UR, no retry
/// policy; the pool counts nothing for them). C1 is then at its limit, so the 3 next requests
/// wait and open C2 (3 pending > 0 connecting), and again all 3 attach when C2 connects, before
/// its SETTINGS: the host takes 2 and refuses E's second request. A's and B's second requests
/// find C1 with room. 10 requests: 4 refused, 6 served, on 2 connections.
#[test]
fn streams_past_the_hosts_limit_are_refused_until_its_settings_arrive() {
    let r = run_text(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
http2_protocol_options = {}
[network.upstream]
latency = "1ms"
connect_time = "1ms"
[[clients]]
kind = "closed_loop"
workers = 5
requests_per_worker = 2
[[backends]]
name = "b"
service_time = "10ms"
http2_max_concurrent_streams = 2
"#,
    );
    assert_eq!(r.client.count(503), 4);
    assert_eq!(r.client.flag(ResponseFlag::UR), 4);
    assert_eq!(r.client.count(200), 6);
    assert_eq!(r.stat("upstream_rq_total"), 10);
    assert_eq!(r.stat("upstream_cx_total"), 2);
    assert_eq!(r.stat("upstream_rq_pending_failure_eject"), 0);
    assert_eq!(r.stat("upstream_rq_tx_reset"), 0);
}

/// The same without `http2_max_concurrent_streams`: one connection carries everything.
#[test]
fn without_the_setting_one_connection_carries_every_stream() {
    let r = run_text(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
http2_protocol_options = {}
[[clients]]
kind = "closed_loop"
workers = 5
requests_per_worker = 2
[[backends]]
name = "b"
service_time = "10ms"
"#,
    );
    assert_eq!(r.client.count(200), 10);
    assert_eq!(r.stat("upstream_cx_total"), 1);
}

/// The field means nothing to an HTTP/1.1 cluster: refused at its place.
#[test]
fn the_setting_needs_an_http2_cluster() {
    let e = load_scenario(
        r#"
[cluster]
name = "c"
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 1
[[backends]]
name = "b"
http2_max_concurrent_streams = 2
"#,
        "inline",
        &[],
    )
    .expect_err("an HTTP/1.1 cluster");
    let text = e.to_string();
    assert!(text.contains("http2_max_concurrent_streams"), "{text}");
    assert!(text.contains("http2_protocol_options"), "{text}");
}
