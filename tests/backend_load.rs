//! Load-dependent backends end to end: `service_model = "processor_sharing"` and `overload`.
//! Figures worked out by hand from the rules in `sim-core/src/world/sharing.rs` and
//! `BackendHost::arrive` (`sim-core/src/world/backend.rs`), with a network of zero latency so
//! that a client's latency is the host's time alone.

use sim_core::time::SimDuration;

use crate::common::run_text;

const S: u64 = 1_000_000_000;

/// Two requests at 0 and one at 0.5 s, each of 1 s of work, `model` given.
fn three_requests(model: &str, extra: &str) -> String {
    format!(
        r#"
[cluster]
name = "c"
[network.upstream]
latency = "0s"
connect_time = "0s"
[network.downstream]
latency = "0s"
connect_time = "0s"
[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 1
[[clients]]
kind = "closed_loop"
start = "500ms"
workers = 1
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "1s"
service_model = "{model}"
{extra}
"#
    )
}

/// A and B (1 s each) at 0, C (1 s) at 0.5 s. By 0.5 s A and B have had 0.25 s each; then the
/// three share: A and B need 0.75 s more, 2.25 s of real time, and are done together at
/// 2.75 s. C, alone, has 0.25 s left: done at 3 s, 2.5 s after it was sent. The host was busy
/// 3 s, its 3 s of work. Latencies 2.75, 2.75, 2.5 s (exact mean 8/3 s, rounded down).
#[test]
fn processor_sharing_slows_every_request_in_service() {
    let r = run_text(&three_requests("processor_sharing", ""));
    let l = &r.client.latency;
    assert_eq!(r.client.count(200), 3);
    assert_eq!(l.min(), SimDuration(2_500_000_000));
    assert_eq!(l.max(), SimDuration(2_750_000_000));
    assert_eq!(l.mean(), SimDuration(8 * S / 3));
}

/// The same under `fifo` (no concurrency limit): each request takes its own 1 s.
#[test]
fn fifo_serves_each_request_in_its_own_time() {
    let r = run_text(&three_requests("fifo", ""));
    assert_eq!(r.client.count(200), 3);
    assert_eq!(r.client.latency.min(), SimDuration(S));
    assert_eq!(r.client.latency.max(), SimDuration(S));
}

/// `concurrency = 2` under processor sharing: C waits until A and B, sharing, are done at 2 s,
/// then runs alone until 3 s (latency 2.5 s).
#[test]
fn processor_sharing_within_the_concurrency_limit() {
    let r = run_text(&three_requests("processor_sharing", "concurrency = 2"));
    assert_eq!(r.client.latency.min(), SimDuration(2 * S));
    assert_eq!(r.client.latency.max(), SimDuration(5 * S / 2));
}

/// A crash at 0.25 s loses A and B (reset: 503); the host is back at 0.4 s, and C, at 0.5 s,
/// is served alone: latency exactly 1 s, the largest (nothing of A's and B's work is left).
#[test]
fn a_crash_empties_the_shared_server() {
    let phases = r#"
[[backends.phases]]
at = "250ms"
crashed = true
[[backends.phases]]
at = "400ms"
crashed = false
"#;
    let r = run_text(&three_requests("processor_sharing", phases));
    assert_eq!(r.client.count(200), 1);
    assert_eq!(r.client.received, 3);
    assert_eq!(r.client.latency.max(), SimDuration(S));
}

/// `overload` with probability 1 past 1 request: A is served; B, arriving with A at the host
/// (2 > 1), is answered 429 at once; C at 0.5 s finds A still there and is answered 429 too.
#[test]
fn arrivals_past_the_overload_point_are_answered_at_once() {
    let extra = "overload = { above = 1, error_probability = 1.0, status = 429 }";
    let r = run_text(&three_requests("fifo", extra));
    assert_eq!(r.client.count(200), 1);
    assert_eq!(r.client.count(429), 2);
    assert_eq!(r.client.latency.min(), SimDuration::ZERO);
    assert_eq!(r.client.latency.max(), SimDuration(S));
}

/// Processor sharing under Poisson load is the same run for the same seed.
#[test]
fn processor_sharing_runs_are_deterministic() {
    let text = r#"
duration = "5s"
[cluster]
name = "c"
[[clients]]
kind = "open_loop"
rate = 900
[[backends]]
name = "b"
replicas = 3
service_time = { exponential = { mean = "3ms" } }
service_model = "processor_sharing"
overload = { above = 20, error_probability = 0.5 }
"#;
    let a = run_text(text);
    let b = run_text(text);
    assert_eq!(a.client.status, b.client.status);
    assert_eq!(a.client.latency.mean(), b.client.latency.mean());
    assert!(a.client.count(200) > 4000, "{:?}", a.client.status);
}
