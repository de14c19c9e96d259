//! Retries, per-try timeouts and the retry breaker, end to end, against figures worked out by
//! hand (envoyproxy/envoy source/common/router/retry_state_impl.cc, docs/fidelity.md).

use sim_core::envoy::local_reply::ResponseFlag;

use crate::common::run_text;

/// A host failing each attempt with probability p = 0.3, `retry_on = 5xx`, `num_retries = 2`,
/// one request at a time (so the retry breaker never binds). Per request: retries
/// p + p^2 = 0.39; success 1 - p^3 = 0.973; limit exceeded (URX) when all three fail,
/// p^3 = 0.027; a retry that ends in success (`upstream_rq_retry_success`) p - p^3 = 0.273.
/// With 20,000 requests, each share is within 4 standard errors of its expectation.
#[test]
fn retry_accounting_with_failure_probability_p() {
    let n: f64 = 20_000.0;
    let r = run_text(
        r#"
[cluster]
name = "c"
[route.retry_policy]
retry_on = "5xx"
num_retries = 2
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 20000
[[backends]]
name = "b"
error_probability = 0.3
"#,
    );
    let p: f64 = 0.3;
    let close = |got: f64, want: f64, per_request_sd: f64| {
        let tolerance = 4.0 * per_request_sd / n.sqrt();
        assert!(
            (got - want).abs() < tolerance,
            "{got} vs {want} ± {tolerance}"
        );
    };
    let share = |count: u64| count as f64 / n;
    assert_eq!(r.client.received, 20_000);
    // Retries per request take 0, 1 or 2 with probabilities 1-p, p(1-p), p^2.
    let sd_retries = {
        let mean = p + p * p;
        let second = p * (1.0 - p) + 4.0 * p * p;
        (second - mean * mean).sqrt()
    };
    close(share(r.stat("upstream_rq_retry")), p + p * p, sd_retries);
    let bernoulli = |q: f64| (q * (1.0 - q)).sqrt();
    close(
        r.client.availability().unwrap(),
        1.0 - p.powi(3),
        bernoulli(p.powi(3)),
    );
    close(
        share(r.stat("upstream_rq_retry_limit_exceeded")),
        p.powi(3),
        bernoulli(p.powi(3)),
    );
    close(
        share(r.stat("upstream_rq_retry_success")),
        p - p.powi(3),
        bernoulli(p - p.powi(3)),
    );
    // Every failed request is the third 500, forwarded with URX; nothing overflowed.
    assert_eq!(
        r.client.count(500),
        r.stat("upstream_rq_retry_limit_exceeded")
    );
    assert_eq!(r.client.flag(ResponseFlag::URX), r.client.count(500));
    assert_eq!(r.stat("upstream_rq_retry_overflow"), 0);
    // Retried 500s are charged under retry., the final ones under the cluster.
    assert_eq!(r.stat("retry.upstream_rq_500"), r.stat("upstream_rq_retry"));
    assert_eq!(r.stat("upstream_rq_500"), r.client.count(500));
    assert_eq!(
        r.stat("upstream_rq_total"),
        20_000 + r.stat("upstream_rq_retry")
    );
}

/// Per-try timeout 100 ms, route timeout 250 ms, a host taking 1 s, back-off base 1 ms (retry 1
/// waits [0, 1) ms, so 0; retry 2 [0, 2) ms). Attempt 1 times out at ~100 ms and is retried
/// (a reset counts for 5xx); attempt 2 times out at ~200 ms and is retried; attempt 3 is cut
/// by the route timeout at 250 ms: 504 UT. Two per-try timeouts, one route timeout, two
/// retries; the route timeout also counts the attempt it resets.
#[test]
fn per_try_timeouts_inside_the_route_timeout() {
    let r = run_text(
        r#"
[cluster]
name = "c"
[route]
timeout = "250ms"
[route.retry_policy]
retry_on = "5xx"
num_retries = 5
per_try_timeout = "100ms"
retry_back_off = { base_interval = "1ms" }
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "1s"
"#,
    );
    assert_eq!(r.client.count(504), 1);
    assert_eq!(r.client.flag(ResponseFlag::UT), 1);
    assert_eq!(r.stat("upstream_rq_per_try_timeout"), 2);
    assert_eq!(r.stat("upstream_rq_timeout"), 1);
    assert_eq!(r.stat("upstream_rq_retry"), 2);
    assert_eq!(r.stat("upstream_rq_total"), 3);
    // Each reset HTTP/1 attempt closes its connection with the request on it.
    assert_eq!(r.stat("upstream_cx_destroy_local_with_active_rq"), 3);
    // The client waited the route timeout, plus the way there and back (2 x 50 us) and the
    // first connect (100 us).
    let waited = r.client.latency.max().as_nanos();
    assert!((250_000_000..250_300_000).contains(&waited), "{waited}");
}

/// `max_retries: 1` with ten requests failing at the same instant (503, `retry_on = 5xx`,
/// `num_retries = 3`): the first failure takes the only retry slot; the other nine find
/// `retries (1) < max (1)` false and are forwarded with UO (`upstream_rq_retry_overflow` 9).
/// The first request retries alone, each time releasing and retaking the slot, until its
/// three retries are spent: URX.
#[test]
fn retry_overflow_with_max_retries_1_under_concurrency() {
    let r = run_text(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[[cluster.circuit_breakers.thresholds]]
max_retries = 1
[route.retry_policy]
retry_on = "5xx"
num_retries = 3
[[clients]]
kind = "closed_loop"
workers = 10
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "10ms"
error_probability = 1.0
error_status = 503
"#,
    );
    assert_eq!(r.client.count(503), 10);
    assert_eq!(r.stat("upstream_rq_retry_overflow"), 9);
    assert_eq!(r.client.flag(ResponseFlag::UO), 9);
    assert_eq!(r.stat("upstream_rq_retry"), 3);
    assert_eq!(r.stat("upstream_rq_retry_limit_exceeded"), 1);
    assert_eq!(r.client.flag(ResponseFlag::URX), 1);
    assert_eq!(
        r.stat("upstream_rq_pending_overflow"),
        0,
        "a retry overflow is not a pending one"
    );
    assert_eq!(
        r.stat("circuit_breakers.default.rq_retry_open"),
        0,
        "released at the end"
    );
}

/// A retry budget replaces `max_retries` (1 here): ten 503s at the same instant, budget 100% of
/// active + pending, at least 3. They are decided one after another; at decision k the k
/// earlier attempts have ended (active = 10 - k, nothing pending: retries wait in back-off)
/// and k retry slots are held, so retry k is allowed while k < max(10 - k, 3): k = 0..4 retry,
/// k = 5..9 overflow. The five retries fail again and hit `num_retries = 1`.
#[test]
fn retry_budget_replaces_max_retries() {
    let r = run_text(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[[cluster.circuit_breakers.thresholds]]
max_retries = 1
retry_budget = { budget_percent = { value = 100.0 }, min_retry_concurrency = 3 }
[route.retry_policy]
retry_on = "5xx"
num_retries = 1
[[clients]]
kind = "closed_loop"
workers = 10
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "10ms"
error_probability = 1.0
error_status = 503
"#,
    );
    assert_eq!(r.stat("upstream_rq_retry"), 5);
    assert_eq!(r.stat("upstream_rq_retry_overflow"), 5);
    assert_eq!(r.client.flag(ResponseFlag::UO), 5);
    assert_eq!(r.stat("upstream_rq_retry_limit_exceeded"), 5);
    assert_eq!(r.client.flag(ResponseFlag::URX), 5);
}

/// `clients` requests queued behind one connection that the host refuses: one Envoy worker,
/// `max_connections = 1` (the first request opens the only connection, the others queue behind
/// it; all reach Envoy at 150 us and the connect is refused at 250 us), `retry_on =
/// connect-failure`, `num_retries = 1`, a budget of 20%, at least 3.
fn purge_scenario(clients: u32) -> String {
    format!(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[[cluster.circuit_breakers.thresholds]]
max_connections = 1
retry_budget = {{ budget_percent = {{ value = 20.0 }}, min_retry_concurrency = 3 }}
[route.retry_policy]
retry_on = "connect-failure"
num_retries = 1
[[clients]]
kind = "closed_loop"
workers = {clients}
requests_per_worker = 1
[[backends]]
name = "b"
[[backends.phases]]
at = "0s"
crashed = true
"#
    )
}

/// One connect failure purges 50 pending requests (the figures of issue 15).
/// `purgePendingStreams` fails them one after another, and each keeps its pending slot until
/// its own `onPoolFailure` has returned (`~PendingStream`, `conn_pool_base.cc`), so at failure
/// k (1-based) pending = 51 - k, itself included, nothing is active, and the k - 1 earlier
/// retries are held (their back-offs have not ended). The retry is allowed while
/// `k - 1 < max(floor(0.2 x (51 - k)), 3)`:
///   k = 1: 0 < floor(10.0) = 10; k = 2..6: k - 1 < floor(9.8 .. 9.0) = 9; k = 7, 8: 6, 7 < 8
///   (0.2 x 44 = 8.8, 0.2 x 43 = 8.6); k = 9: 8 < floor(8.4) = 8 fails, and from then on the
///   budget only shrinks (8 at most, 3 at least) while 8 retries stay held.
/// So 8 retries and 42 overflows (503 UF with UO). Releasing every slot first, as breakersim
/// did, gave pending 0 and max(0, 3) = 3 retries. The 8 retries fail again and hit
/// `num_retries = 1` (URX), which never consults the budget.
#[test]
fn purged_pending_streams_count_for_the_retry_budget() {
    let r = run_text(&purge_scenario(50));
    // 50 purged by the first failure, then each of the 8 retries purged by its own.
    assert_eq!(r.stat("upstream_rq_pending_failure_eject"), 58);
    assert_eq!(r.stat("upstream_rq_retry"), 8);
    assert_eq!(r.stat("upstream_rq_retry_overflow"), 42);
    assert_eq!(r.client.flag(ResponseFlag::UO), 42);
    assert_eq!(r.stat("upstream_rq_retry_limit_exceeded"), 8);
    assert_eq!(r.client.flag(ResponseFlag::URX), 8);
    assert_eq!(r.client.count(503), 50);
}

/// The same with 47 requests, where it matters that the failing stream still counts itself:
/// at failure k, pending = 48 - k. k = 1..6 as above (floor(9.4 .. 8.4) >= 8 > k - 1); k = 7,
/// 8: 6, 7 < floor(8.2), floor(8.0) = 8; k = 9: 8 < floor(7.8) = 7 fails. 8 retries, 39
/// overflows. Had its own slot been released before the decision (pending 47 - k), k = 8 would
/// find 7 < floor(7.8) = 7 false: 7 retries.
#[test]
fn a_purged_stream_counts_itself_as_pending_at_its_retry_decision() {
    let r = run_text(&purge_scenario(47));
    assert_eq!(r.stat("upstream_rq_retry"), 8);
    assert_eq!(r.stat("upstream_rq_retry_overflow"), 39);
}

/// A 425 listed in `retriable_status_codes` is retried at once (`RetryImmediately`,
/// `retry_state_impl.cc`): two retries, neither with a back-off
/// (`upstream_rq_retry_backoff_exponential` 0), then URX and the 425 forwarded. The same
/// policy on a 503 takes the back-off for both retries.
#[test]
fn too_early_is_retried_without_back_off() {
    let scenario = |status: u16| {
        format!(
            r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[route.retry_policy]
retry_on = "retriable-status-codes"
retriable_status_codes = [{status}]
num_retries = 2
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 1
[[backends]]
name = "b"
error_probability = 1.0
error_status = {status}
"#
        )
    };
    let early = run_text(&scenario(425));
    assert_eq!(early.client.count(425), 1);
    assert_eq!(early.stat("upstream_rq_retry"), 2);
    assert_eq!(early.stat("upstream_rq_retry_backoff_exponential"), 0);
    assert_eq!(early.stat("upstream_rq_retry_limit_exceeded"), 1);
    assert_eq!(early.client.flag(ResponseFlag::URX), 1);
    let unavailable = run_text(&scenario(503));
    assert_eq!(unavailable.stat("upstream_rq_retry"), 2);
    assert_eq!(unavailable.stat("upstream_rq_retry_backoff_exponential"), 2);
    // Before Envoy 1.22 a 425 had no rule of its own: both retries wait out the back-off.
    let old = run_text(&scenario(425).replace("[envoy]\n", "[envoy]\nversion = \"1.21\"\n"));
    assert_eq!(old.stat("upstream_rq_retry"), 2);
    assert_eq!(old.stat("upstream_rq_retry_backoff_exponential"), 2);
}
