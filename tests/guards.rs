//! The run's guards (`[limits]`) and the backends' bounded queues: a run that would go on too
//! long or hold too much stops with exit code 2 and a message that says where it got to and how
//! to raise the limit; a full queue answers 503 at once. Every figure is worked out by hand.

use sim_core::scenario::load_scenario;
use sim_core::sim::{Limit, RunLimitExceeded, run};
use sim_core::time::SimTime;

use crate::common::{breakersim, run_text, temp_file};

/// One closed-loop worker sends 3 requests, one after the other, to one host (1 ms of service),
/// over the default network (50 us each way, 100 us connects).
const THREE_REQUESTS: &str = r#"
[cluster]
name = "c"

[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 3

[[backends]]
name = "b"
service_time = "1ms"
"#;

fn limited(text: &str, limits: &str) -> Result<(), RunLimitExceeded> {
    let s = load_scenario(&format!("{text}\n[limits]\n{limits}\n"), "inline", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    run(&s, 1).map(|_| ())
}

/// The events of `THREE_REQUESTS`, by hand: the first request is sent at 0 (1), reaches Envoy
/// after its downstream connect and latency at 150 us (2), its upstream connect is done at
/// 250 us (3), it reaches the host at 300 us (4), is served by 1.3 ms (5) and is back at Envoy
/// at 1.35 ms (6), which works out its arrival at the client, 1.4 ms, without an event of its
/// own. The next two reuse both connections: send, Envoy, host, served, Envoy, 5 events each
/// (7-11 from 1.4 ms to 2.55 ms, 12-16 from 2.6 ms to 3.75 ms), then the worker's last send
/// finds nothing left at 3.8 ms (17). So 17 events are enough, and with 12 the run stops when
/// the 13th is due, at 2.6 ms, the time of the 12th (the third send), with three requests sent
/// (events 1, 7 and 12) and the third in flight.
#[test]
fn max_events_stops_the_run_when_one_more_event_is_due() {
    assert_eq!(run_text(THREE_REQUESTS).events_processed, 17);
    assert_eq!(limited(THREE_REQUESTS, "max_events = 17"), Ok(()));
    let e = limited(THREE_REQUESTS, "max_events = 12").expect_err("stopped");
    assert_eq!(
        e,
        RunLimitExceeded {
            limit: Limit::Events,
            value: 12,
            sim_time: SimTime(2_600_000),
            events_processed: 12,
            detector_visits: 0,
            requests_sent: 3,
            in_flight: 1,
        }
    );
}

/// The outlier detector's passes visit every host each interval, and the visits count against
/// `max_events`: 1,000 hosts ticked every 1 ms while one worker's three 10 ms requests run
/// (about 30 passes, 30,000 visits, against a few dozen events) pass a limit of 5,000 that the
/// events alone never reach.
#[test]
fn detector_passes_count_against_max_events() {
    let text = r#"
[cluster]
name = "c"
[cluster.outlier_detection]
interval = "1ms"
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 3
[[backends]]
name = "b"
replicas = 1000
service_time = "10ms"
"#;
    let e = limited(text, "max_events = 5000").expect_err("stopped by the passes");
    assert_eq!(e.limit, Limit::Events);
    assert!(e.events_processed < 100, "{e:?}");
    assert!(e.detector_visits >= 5000 - e.events_processed, "{e:?}");
    assert_eq!(e.detector_visits % 1000, 0, "whole passes over 1,000 hosts");
    assert!(
        e.to_string()
            .contains("host visits by outlier detection passes"),
        "{e}"
    );
    assert_eq!(limited(text, "max_events = 1000000"), Ok(()));
}

/// With the run's length known, passes whose visits alone pass `max_events` are refused before
/// the run: 1,000 hosts every 1 ms for 1 s is 1,000 passes and exactly 1,000,000 visits.
#[test]
fn detector_work_past_the_limit_is_refused_before_the_run() {
    let text = r#"
duration = "1s"
[cluster]
name = "c"
[cluster.outlier_detection]
interval = "1ms"
[[clients]]
kind = "open_loop"
rate = 10.0
[[backends]]
name = "b"
replicas = 1000
"#;
    let check = |limit: &str| {
        let o = sim_core::scenario::Override::parse(&format!("limits.max_events={limit}")).unwrap();
        load_scenario(text, "s.toml", &[o]).map(|_| ())
    };
    assert_eq!(check("1000000"), Ok(()));
    let e = check("999999").expect_err("refused").to_string();
    assert!(
        e.contains("cluster.outlier_detection.interval: outlier detection passes over 1000 hosts every 1ms for 1 s visit 1000000 host monitors, more than limits.max_events = 999999"),
        "{e}"
    );
}

/// An open-loop client sends one request per millisecond (constant arrivals, from 0) to a host
/// that is a black hole from the start, with the route timeout off: nothing is ever answered
/// (the connects would time out only at 5 s). Requests at 0, 1, 2, 3 and 4 ms are in flight; the
/// sixth, at 5 ms, would be one too many for `max_in_flight = 5`. Events by then: the phase that
/// starts the black hole at 0, five arrivals, five requests at Envoy (50 us later) and five
/// connects that never complete (100 us after that), then the sixth arrival: 17. Sent: the five,
/// not the sixth.
#[test]
fn max_in_flight_stops_an_open_loop_client_against_a_black_hole() {
    let text = r#"
duration = "10s"

[cluster]
name = "c"

[route]
timeout = "0s"

[[clients]]
kind = "open_loop"
rate = 1000.0
arrivals = "constant"

[[backends]]
name = "b"
phases = [{ at = "0s", black_hole = true }]
"#;
    let e = limited(text, "max_in_flight = 5").expect_err("stopped");
    assert_eq!(
        e,
        RunLimitExceeded {
            limit: Limit::InFlight,
            value: 5,
            sim_time: SimTime(5_000_000),
            events_processed: 17,
            detector_visits: 0,
            requests_sent: 5,
            in_flight: 5,
        }
    );
    assert_eq!(limited(text, "max_in_flight = 50000"), Ok(()));
}

/// `run` exits 2, names the file, the limit, where the run got to and how to raise it; `--set`
/// raises it.
#[test]
fn run_reports_a_limit_as_bad_input() {
    let path = temp_file("three-requests.toml", THREE_REQUESTS);
    let shown = path.to_str().unwrap();
    let out = breakersim(&["run", shown, "--set", "limits.max_events=12"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty());
    assert_eq!(
        out.stderr,
        format!(
            "error: {shown}: seed 1: the run stopped at 0.002600s simulated after 12 events, the \
             limit limits.max_events = 12 (requests in flight: 1); check `duration` and the \
             clients' rates; to allow more, raise it with `--set limits.max_events=N` or \
             `max_events = N` under `[limits]` in the scenario\n"
        )
    );
    let out = breakersim(&["run", shown, "--set", "limits.max_events=20"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Zero, negative, fractional and unknown limits are refused where they are written.
#[test]
fn limits_are_validated_with_their_place() {
    let check = |limits: &str, expected: &[&str]| {
        let path = temp_file(
            "bad-limits.toml",
            &format!("{THREE_REQUESTS}\n[limits]\n{limits}\n"),
        );
        let out = breakersim(&["check", path.to_str().unwrap()]);
        assert_eq!(out.code, 2, "{limits}: {}", out.stdout);
        for part in expected {
            assert!(out.stderr.contains(part), "{part:?} not in {}", out.stderr);
        }
    };
    check(
        "max_events = 0",
        &[
            "limits.max_events",
            "0 is out of range, expected 1 or more",
            ":15:14:",
        ],
    );
    check(
        "max_in_flight = 0",
        &[
            "limits.max_in_flight",
            "0 is out of range, expected 1 or more",
            ":15:17:",
        ],
    );
    check("max_events = -5", &["limits.max_events", "-5", ":15:14:"]);
    check("max_events = 1e9", &["limits.max_events", "floating point"]);
    check(
        "max_event = 5",
        &["limits", "unknown field `max_event`", "max_events"],
    );
    let path = temp_file("queue.toml", THREE_REQUESTS);
    let out = breakersim(&[
        "check",
        path.to_str().unwrap(),
        "--set",
        "backends.0.max_queue_length=-1",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--set backends.0.max_queue_length=-1: backends[0].max_queue_length"),
        "{}",
        out.stderr
    );
}

/// A sweep whose runs reach a limit fails with exit code 2, naming the sweep file, the first
/// failing run in grid order (point 0: its axis values), its replication and its seed.
#[test]
fn a_sweep_names_the_grid_point_and_seed_that_reached_a_limit() {
    let base = temp_file("sweep-base.toml", THREE_REQUESTS);
    let sweep = temp_file(
        "limited-sweep.toml",
        &format!(
            r#"
scenario = "{}"
seed = 3
replications = 2
set = ["limits.max_events=12"]
metrics = ["requests"]

[[axes]]
path = "backends.0.service_time"
values = ["1ms", "2ms"]
"#,
            base.display()
        ),
    );
    let dir = std::env::temp_dir().join(format!("breakersim-limited-{}", std::process::id()));
    let args = ["sweep", sweep.to_str().unwrap(), "--threads", "2", "--out"];
    let out = breakersim(&[&args[..], &[dir.to_str().unwrap()]].concat());
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let seed = sim_core::sweep::replication_seed(3, 0);
    let expected = format!(
        "error: {}: grid point 0 (backends.0.service_time=1ms), replication 0, seed {seed}: the \
         run stopped at 0.002600s simulated after 12 events",
        sweep.display()
    );
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("(in the sweep file: `set = [\"limits.max_events=N\"]`)"),
        "{}",
        out.stderr
    );
}

/// A chart's baseline runs under its own limits: one lowered for the baseline alone stops it,
/// not the sweep's runs, and the message names the chart, the replication and the seed.
#[test]
fn a_baseline_run_that_reaches_a_limit_is_named() {
    let base = temp_file("baseline-base.toml", THREE_REQUESTS);
    let sweep = temp_file(
        "limited-baseline.toml",
        &format!(
            r#"
scenario = "{}"
seed = 3
replications = 2
metrics = ["requests"]

[[axes]]
path = "backends.0.service_time"
values = ["1ms", "2ms"]

[[charts]]
kind = "line"
file = "l.svg"
title = "t"
metric = "requests"
x = "service_time"
baseline = {{ label = "capped", set = ["limits.max_events=12"] }}
"#,
            base.display()
        ),
    );
    let dir = std::env::temp_dir().join(format!("breakersim-baseline-{}", std::process::id()));
    let args = ["sweep", sweep.to_str().unwrap(), "--threads", "2", "--out"];
    let out = breakersim(&[&args[..], &[dir.to_str().unwrap()]].concat());
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let seed = sim_core::sweep::replication_seed(3, 0);
    let expected = format!(
        "error: {}: charts[0].baseline `capped`, replication 0, seed {seed}: the run stopped at \
         0.002600s simulated after 12 events",
        sweep.display()
    );
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "(raise it for the baseline: `set = [\"limits.max_events=N\"]` in charts[0].baseline)"
        ),
        "{}",
        out.stderr
    );
    assert!(!dir.join("l.svg").exists(), "no chart without its baseline");
}

/// Five closed-loop workers sending one request each, to one host serving one at a time
/// (10 ms) with room for two in its queue.
const FIVE_AT_ONCE_TO_A_QUEUE_OF_TWO: &str = r#"
[[clients]]
kind = "closed_loop"
workers = 5
requests_per_worker = 1

[[backends]]
name = "b"
service_time = "10ms"
concurrency = 1
max_queue_length = 2
"#;

/// Five workers send one request each at once to a host that serves one at a time (10 ms) with
/// room for two in its queue. All five reach the host at 300 us (150 us to Envoy over a new
/// downstream connection, a 100 us upstream connect each, 50 us to the host): the first is
/// served, two wait, and the last two are answered 503 at once, back at the client at 400 us.
/// The others come back at 10.4, 20.4 and 30.4 ms. Envoy forwards the 503s as any upstream
/// response: no flag, charged `upstream_rq_503`.
#[test]
fn a_full_backend_queue_answers_503_at_once() {
    let text = format!("[cluster]\nname = \"c\"\n{FIVE_AT_ONCE_TO_A_QUEUE_OF_TWO}");
    let r = run_text(&text);
    let c = &r.client;
    assert_eq!((c.count(200), c.count(503)), (3, 2));
    assert!(c.flags.is_empty(), "{:?}", c.flags);
    assert_eq!(r.hosts[0].queue_overflows, 2);
    assert_eq!(r.queue_overflows(), 2);
    assert_eq!(r.stat("upstream_rq_503"), 2);
    assert_eq!(r.stat("upstream_rq_200"), 3);
    assert_eq!(c.latency.min().as_nanos(), 400_000);
    assert_eq!(
        c.latency
            .count_at_most(sim_core::time::SimDuration(400_000)),
        2
    );
    assert_eq!(c.latency.max().as_nanos(), 30_400_000);
    assert_eq!(r.sim_time, SimTime(30_400_000));

    let path = temp_file("overflow.toml", &text);
    let out = breakersim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("Backend queue overflows (answered 503 at once):\n  b-0: 2\n"),
        "{}",
        out.stdout
    );
    let out = breakersim(&["run", path.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["backend_queue_overflows"],
        serde_json::json!({"b-0": 2})
    );
    let out = breakersim(&[
        "run",
        path.to_str().unwrap(),
        "--set",
        "backends.0.max_queue_length=0",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["backend_queue_overflows"],
        serde_json::json!({"b-0": 4}),
        "0: only the request served gets in"
    );
}

/// The overflow is an upstream 503 to Envoy: `retry_on = "5xx"` retries it (current Envoy
/// dropped the `x-envoy-overloaded` exception from `wouldRetryFromHeaders`), and consecutive
/// 5xx detection counts it.
#[test]
fn an_overflow_503_is_retried_and_seen_by_outlier_detection() {
    let text = r#"
[cluster]
name = "c"

[cluster.outlier_detection]
consecutive_5xx = 2
max_ejection_percent = 100

[route.retry_policy]
retry_on = "5xx"
num_retries = 1
"#;
    let r = run_text(&format!("{text}{FIVE_AT_ONCE_TO_A_QUEUE_OF_TWO}"));
    assert_eq!(r.stat("upstream_rq_retry"), 2, "both overflows are retried");
    assert_eq!(
        r.stat("outlier_detection.ejections_enforced_consecutive_5xx"),
        1
    );
}

/// breakersim's bounds on sizes (Envoy has none): one past each is refused at its field, the
/// bound itself loads.
#[test]
fn sizes_past_breakersims_bounds_are_refused() {
    let check = |set: &str| {
        let o = sim_core::scenario::Override::parse(set).expect("a --set");
        load_scenario(THREE_REQUESTS, "s.toml", &[o]).map(|_| ())
    };
    for (set, expected) in [
        (
            "envoy.concurrency=1025",
            "envoy.concurrency: 1025 is out of range: breakersim simulates at most 1024 Envoy workers",
        ),
        (
            "backends.0.replicas=100001",
            "backends[0].replicas: 100001 hosts in all is too many: breakersim simulates at most 100000",
        ),
        (
            "clients.0.workers=100001",
            "clients[0].workers: 100001 is out of range: breakersim simulates at most 100000 closed-loop workers in all",
        ),
        (
            "cluster.least_request_lb_config.choice_count=1001",
            "cluster.least_request_lb_config.choice_count: 1001 is out of range: breakersim draws at most 1000 hosts per pick",
        ),
        (
            "route.retry_policy={ host_selection_retry_max_attempts = 1001 }",
            "route.retry_policy.host_selection_retry_max_attempts: 1001 is out of range",
        ),
    ] {
        let e = check(set).expect_err(set).to_string();
        assert!(e.contains(expected), "{set}: {e}");
    }
    let o = |s: &str| sim_core::scenario::Override::parse(s).expect("a --set");
    let pools = [o("backends.0.replicas=1000"), o("envoy.concurrency=1001")];
    let e = load_scenario(THREE_REQUESTS, "s.toml", &pools).expect_err("too many pools");
    assert!(
        e.to_string()
            .contains("1001 workers x 1000 hosts is 1001000 connection pools"),
        "{e}"
    );
    for ok in [
        "envoy.concurrency=1024",
        "cluster.least_request_lb_config.choice_count=1000",
        "clients.0.workers=100000",
    ] {
        assert_eq!(check(ok), Ok(()), "{ok}");
    }
}

/// EDS membership phases: every host that ever joins counts toward the 100,000-host bound, at
/// the phase field that passes it, and a `replace` larger than the group's hosts in EDS is
/// refused at its field (exit 2 from the CLI).
#[test]
fn membership_phases_are_bounded_at_their_fields() {
    let o = |s: &str| sim_core::scenario::Override::parse(s).expect("a --set");
    let cases = [
        (
            vec![
                o("backends.0.replicas=50000"),
                o(
                    "backends.0.phases=[{ at = \"1s\", replace = 50000 }, { at = \"2s\", replicas = 50001 }]",
                ),
            ],
            "backends[0].phases[1].replicas: 100001 hosts in all is too many, counting every host that joins during the run: breakersim simulates at most 100000",
        ),
        (
            vec![
                o("backends.0.replicas=2"),
                o("backends.0.phases=[{ at = \"1s\", replace = 3 }]"),
            ],
            "backends[0].phases[0].replace: replaces 3 hosts, but the group has 2 in EDS at that phase",
        ),
    ];
    for (sets, expected) in cases {
        let e = load_scenario(THREE_REQUESTS, "s.toml", &sets)
            .expect_err(expected)
            .to_string();
        assert!(e.contains(expected), "{e}");
    }
    let ok = [
        o("backends.0.replicas=50000"),
        o("backends.0.phases=[{ at = \"1s\", replace = 50000 }]"),
    ];
    load_scenario(THREE_REQUESTS, "s.toml", &ok).expect("100,000 hosts in all load");
}
