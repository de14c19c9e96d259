//! Backends that crash, black-hole, slow down or restart, per-host connection limits and HTTP/2
//! pools, end to end, with figures worked out by hand.

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::envoy::outlier::EjectionType;

use crate::common::run_text;

/// One host serving in 1 ms, one client worker sending 20 requests back to back over a
/// keep-alive connection, the host crashing at 10 ms. Request 1 reaches Envoy at 150 us
/// (100 us downstream connect + 50 us), its connection is up at 250 us, it is served over
/// [300, 1300) us and back at the client at 1400 us; request k >= 2 is served over
/// [1500 + 1200 (k - 2), +1000) us. So 8 requests succeed, request 9 (in service at 10 ms) is
/// reset with its connection (503 UC), and requests 10..20 find connects refused (503 UF).
fn crash_scenario(outlier: &str) -> String {
    format!(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[cluster.outlier_detection]
max_ejection_percent = 100
interval = "1h"
{outlier}
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 20
[[backends]]
name = "b"
service_time = "1ms"
[[backends.phases]]
at = "10ms"
crashed = true
"#
    )
}

#[test]
fn a_crash_resets_what_is_in_flight_and_refuses_connects() {
    let r = run_text(&crash_scenario(""));
    assert_eq!(r.client.count(200), 8);
    assert_eq!(r.client.flag(ResponseFlag::UC), 1);
    assert_eq!(r.client.flag(ResponseFlag::UF), 11);
    assert_eq!(r.stat("upstream_cx_destroy_remote_with_active_rq"), 1);
    assert_eq!(r.stat("upstream_cx_connect_fail"), 11);
    // Without the split, a reset and a refused connect both count as 503: the 5th failure
    // (request 13) ejects by consecutive 5xx; 503 is a gateway error, detected (not enforced).
    let ejections: Vec<_> = r.outlier_events.iter().filter(|e| e.enforced).collect();
    assert_eq!(ejections.len(), 1);
    assert_eq!(
        ejections[0].ejection_type,
        Some(EjectionType::Consecutive5xx)
    );
    assert_eq!(
        r.stat("outlier_detection.ejections_detected_consecutive_gateway_failure"),
        1
    );
    // The only host is ejected: the priority is in panic for requests 14..20.
    assert_eq!(r.stat("lb_healthy_panic"), 7);
}

#[test]
fn with_the_split_a_crash_ejects_by_local_origin_failures() {
    let r = run_text(&crash_scenario(
        "split_external_local_origin_errors = true\nconsecutive_local_origin_failure = 5",
    ));
    let ejections: Vec<_> = r.outlier_events.iter().filter(|e| e.enforced).collect();
    assert_eq!(ejections.len(), 1);
    assert_eq!(
        ejections[0].ejection_type,
        Some(EjectionType::ConsecutiveLocalOriginFailure)
    );
    assert_eq!(
        r.stat("outlier_detection.ejections_detected_consecutive_5xx"),
        0
    );
    assert_eq!(
        r.stat("outlier_detection.ejections_detected_consecutive_gateway_failure"),
        0
    );
}

/// A black-holed host never completes a connect: the 1 s connect timeout fails the request
/// (503 UF) and counts `upstream_cx_connect_timeout`.
#[test]
fn a_black_hole_times_out_connects() {
    let r = run_text(
        r#"
[cluster]
name = "c"
connect_timeout = "1s"
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 3
[[backends]]
name = "b"
[[backends.phases]]
at = "0s"
black_hole = true
"#,
    );
    assert_eq!(r.client.flag(ResponseFlag::UF), 3);
    assert_eq!(r.stat("upstream_cx_connect_timeout"), 3);
    let waited = r.client.latency.max().as_nanos();
    assert!((1_000_000_000..1_001_000_000).contains(&waited), "{waited}");
}

/// A slow period multiplies service times: 2 ms becomes 6 ms from 1 s on.
#[test]
fn a_slow_period_multiplies_service_times() {
    let r = run_text(
        r#"
[cluster]
name = "c"
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 1
start = "2s"
[[backends]]
name = "b"
service_time = "2ms"
[[backends.phases]]
at = "1s"
latency_multiplier = 3.0
"#,
    );
    // 6 ms of service + 100 us connects (downstream, upstream) + 4 x 50 us of latency.
    assert_eq!(r.client.latency.max().as_nanos(), 6_400_000);
}

/// `per_host_thresholds.max_connections = 1`: five concurrent requests to one host share one
/// keep-alive connection; every other wish for a connection is a blocked attempt.
#[test]
fn per_host_max_connections_limits_connections_to_a_host() {
    let r = run_text(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[[cluster.circuit_breakers.per_host_thresholds]]
max_connections = 1
[[clients]]
kind = "closed_loop"
workers = 5
requests_per_worker = 4
[[backends]]
name = "b"
service_time = "1ms"
"#,
    );
    assert_eq!(r.client.count(200), 20);
    assert_eq!(r.stat("upstream_cx_total"), 1);
    assert!(r.stat("upstream_cx_overflow") >= 4);
    assert_eq!(r.peaks.upstream_cx_active, 1);
}

/// HTTP/2 with `max_concurrent_streams = 10`: twenty concurrent requests share two connections;
/// a graceful restart at 1 s drains them (GOAWAY) and two new ones take over. With constant
/// latencies the twenty workers stay in lockstep, so both old connections are empty and closed
/// before the next requests arrive: never more than two connections at once.
#[test]
fn http2_multiplexes_and_drains_on_restart() {
    let r = run_text(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
http2_protocol_options = { max_concurrent_streams = 10 }
[[clients]]
kind = "closed_loop"
workers = 20
duration = "2s"
[[backends]]
name = "b"
service_time = "5ms"
[[backends.phases]]
at = "1s"
restart = true
"#,
    );
    assert_eq!(r.stat("upstream_cx_http2_total"), 4);
    assert_eq!(r.stat("upstream_cx_http1_total"), 0);
    assert_eq!(r.peaks.upstream_cx_active, 2);
    assert_eq!(
        r.client.status.keys().copied().collect::<Vec<_>>(),
        vec![200]
    );
    assert!(r.peaks.upstream_rq_active == 20);
}
