//! What the router reports to the outlier detector, end to end: connect timeouts count as 503,
//! route timeouts as 504 (only for attempts attached to a connection), circuit-breaker
//! overflows never; and what clients see once hosts are ejected (panic routing, or 503 UH).

use sim_core::envoy::local_reply::ResponseFlag;

use crate::common::{run, run_text};

/// One host whose connects take 2 s against a 1 s connect timeout; one client worker sends 10
/// requests back to back. Each request opens a connection that times out: 503 UF, reported to
/// the detector as a local-origin connect failure, which without the split counts as a 503.
/// The 5th makes 5 consecutive 5xx: the host is ejected (100% allowed). The other 5 are then
/// picked in panic (0 of 1 host healthy < 50%), so `lb_healthy_panic` is 5, and they do not
/// detect again: the counter passes 5 while the host is ejected and `==` never fires twice.
#[test]
fn connect_timeouts_count_as_503_and_eject() {
    let r = run_text(
        r#"
[cluster]
name = "c"
connect_timeout = "1s"
[cluster.outlier_detection]
max_ejection_percent = 100
interval = "1h"
[network.upstream]
connect_time = "2s"
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 10
[[backends]]
name = "b"
"#,
    );
    assert_eq!(r.client.count(503), 10);
    assert_eq!(r.client.flag(ResponseFlag::UF), 10);
    assert_eq!(r.stat("upstream_cx_connect_timeout"), 10);
    assert_eq!(r.stat("upstream_rq_pending_failure_eject"), 10);
    assert_eq!(
        r.stat("outlier_detection.ejections_detected_consecutive_5xx"),
        1
    );
    assert_eq!(
        r.stat("outlier_detection.ejections_enforced_consecutive_5xx"),
        1
    );
    // 503 is also a gateway error: detected at the 5th as well, not enforced (default 0).
    assert_eq!(
        r.stat("outlier_detection.ejections_detected_consecutive_gateway_failure"),
        1
    );
    assert_eq!(
        r.stat("outlier_detection.ejections_enforced_consecutive_gateway_failure"),
        0
    );
    assert_eq!(r.stat("outlier_detection.ejections_active"), 1);
    assert_eq!(r.stat("lb_healthy_panic"), 5);
    let ejection = r
        .outlier_events
        .iter()
        .find(|e| e.enforced)
        .expect("an ejection");
    // Request 1 reaches Envoy after the downstream connect (100 us) and latency (50 us); each
    // later one 1 s (connect timeout) + 2 x 50 us (reply and next request) after the previous:
    // the 5th arrives at 150 us + 4 x 1.0001 s = 4.00055 s and fails 1 s later.
    assert_eq!(ejection.time.as_nanos(), 5_000_550_000);
}

/// Route timeouts of attached requests report a local-origin timeout with code 504: five in a
/// row eject the host. Each request is attached at once (keep-alive, a free connection), so
/// every one of them is reported.
#[test]
fn route_timeouts_of_attached_requests_count_as_504() {
    let r = run_text(
        r#"
[cluster]
name = "c"
[cluster.outlier_detection]
max_ejection_percent = 100
interval = "1h"
[route]
timeout = "1s"
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 5
[[backends]]
name = "b"
service_time = "10s"
"#,
    );
    assert_eq!(r.client.count(504), 5);
    assert_eq!(r.client.flag(ResponseFlag::UT), 5);
    assert_eq!(r.stat("upstream_rq_timeout"), 5);
    assert_eq!(
        r.stat("outlier_detection.ejections_enforced_consecutive_5xx"),
        1
    );
    // Each timeout resets the HTTP/1 stream, closing its connection with the request active.
    assert_eq!(r.stat("upstream_cx_destroy_local_with_active_rq"), 5);
}

/// The circuit-breaker lab with outlier detection as eager as it gets (eject at the first
/// 5xx): its 90-odd 503 UO overflows are never reported, and Python's 200s never eject it.
#[test]
fn overflows_are_never_reported() {
    let sets = [
        "cluster.outlier_detection.consecutive_5xx=1",
        "cluster.outlier_detection.consecutive_gateway_failure=1",
        "cluster.outlier_detection.enforcing_consecutive_gateway_failure=100",
        "cluster.outlier_detection.max_ejection_percent=100",
    ]
    .map(String::from);
    let path = crate::common::scenario_path("envoy-circuit-breaker-lab.toml");
    let s = sim_cli::scenario_file::read_scenario(&path, &sets).unwrap_or_else(|e| panic!("{e}"));
    let r = run(&s, 1);
    assert!(r.client.flag(ResponseFlag::UO) > 50);
    assert_eq!(
        r.stat("outlier_detection.ejections_detected_consecutive_5xx"),
        0
    );
    assert_eq!(
        r.stat("outlier_detection.ejections_detected_consecutive_gateway_failure"),
        0
    );
    assert!(r.outlier_events.is_empty());
}

/// Two clients send one request each at the same instant to one host, with outlier detection as
/// eager as it gets (`consecutive_5xx = 1`). With `max_requests = 1`, each request waits for a
/// connection of its own and the second to attach is refused by `attachStreamToClient`: 503 UO.
/// Before Envoy 1.26 the router reported that overflow, whose host the pool names, as a
/// local-origin connect failure (a 503 without the split; `Filter::onUpstreamReset` before PR
/// #25488, issue #25487), so it ejects the host; from 1.26 it is not reported. With
/// `max_pending_requests = 1` instead (one connection, so the second request finds the queue
/// full), `onPoolFailure` names no host and no release reports it. The first request is served
/// either way.
#[test]
fn attach_overflows_ejected_hosts_before_envoy_1_26() {
    let scenario = |version: &str, limit: &str| {
        format!(
            r#"
[envoy]
version = "{version}"
concurrency = 1
[cluster]
name = "c"
[[cluster.circuit_breakers.thresholds]]
{limit}
[cluster.outlier_detection]
consecutive_5xx = 1
max_ejection_percent = 100
interval = "1h"
[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 1
[[backends]]
name = "b"
"#
        )
    };
    let attach = "max_requests = 1";
    let pending = "max_connections = 1\nmax_pending_requests = 1";
    for (version, limit, ejections) in [
        ("1.25", attach, 1),
        ("1.26", attach, 0),
        ("1.39", attach, 0),
        ("1.25", pending, 0),
        ("1.39", pending, 0),
    ] {
        let r = run_text(&scenario(version, limit));
        let case = format!("{version}, {limit}");
        assert_eq!(r.client.count(200), 1, "{case}");
        assert_eq!(r.client.count(503), 1, "{case}");
        assert_eq!(r.client.flag(ResponseFlag::UO), 1, "{case}");
        assert_eq!(
            r.stat("outlier_detection.ejections_detected_consecutive_5xx"),
            ejections,
            "{case}"
        );
        assert_eq!(
            r.stat("outlier_detection.ejections_enforced_consecutive_5xx"),
            ejections,
            "{case}"
        );
    }
}

/// With panic off (threshold 0) and the only host ejected, Envoy has no host: 503 "no healthy
/// upstream", flag UH, `upstream_cx_none_healthy`, and nothing reaches the host.
#[test]
fn every_host_ejected_without_panic_is_503_uh() {
    let r = run_text(
        r#"
[cluster]
name = "c"
[cluster.common_lb_config]
healthy_panic_threshold = { value = 0.0 }
[cluster.outlier_detection]
consecutive_5xx = 3
max_ejection_percent = 100
interval = "1h"
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 10
[[backends]]
name = "b"
error_probability = 1.0
"#,
    );
    assert_eq!(r.client.count(500), 3, "three 500s eject the host");
    assert_eq!(r.client.count(503), 7);
    assert_eq!(r.client.flag(ResponseFlag::UH), 7);
    assert_eq!(r.stat("upstream_cx_none_healthy"), 7);
    assert_eq!(r.stat("upstream_rq_total"), 3);
    assert_eq!(r.stat("lb_healthy_panic"), 0);
}
