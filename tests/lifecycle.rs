//! One run's life, request by request: the lifecycle record, `run --access-log`, `run
//! --trace` and `explain` (issue 18). The tiny scenario's figures are worked out by hand; the
//! lab's log and trace are checked against the run's own counters and the formats' rules.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::Value;
use sim_cli::output::{Format, render};
use sim_core::sim::record::LifecycleOptions;
use sim_core::sim::{RunOptions, run_with};

use crate::common::{breakersim, load, root, temp_dir};

const TINY: &str = "tests/fixtures/lifecycle/tiny.toml";

/// Envoy's default access-log format (`DEFAULT_FORMAT`,
/// `source/common/formatter/http_formatter_context.cc`) as a pattern: one group per operator.
fn default_format() -> Regex {
    Regex::new(concat!(
        r#"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\] "#,
        r#""(\S+) (\S+) (\S+)" (\d{3}) (\S+) (\d+) (\d+) (\d+) (\d+|-) "#,
        r#""([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"$"#
    ))
    .expect("a valid pattern")
}

fn uuid_v4() -> Regex {
    Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$").unwrap()
}

fn access_log(scenario: &str, extra: &[&str]) -> String {
    let dir = temp_dir("lifecycle-log");
    let path = dir.join("access.log");
    let p = path.to_str().unwrap();
    let mut args = vec!["run", scenario, "--access-log", p];
    args.extend(extra);
    let out = breakersim(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::read_to_string(&path).expect("the log was written")
}

/// The tiny scenario by hand. Three closed-loop workers send at 0; over a new keep-alive
/// connection (connect 0 s, latency 1 ms) all three reach the one Envoy worker at 1 ms, in send
/// order. #1 finds no connection: pending (0 < max_pending_requests 1), and the pool opens one
/// (`tryCreateNewConnection`: pending 1 > connecting capacity 0). #2 and #3 find the pending
/// breaker at 1 of 1: 503 UO at 1 ms (`newStreamImpl`), no host passed to `onPoolFailure`, so
/// `UPSTREAM_HOST` is `-`, duration 0 ms, and the body "upstream connect error or
/// disconnect/reset before headers. reset reason: overflow" is 81 bytes. #1's connection is
/// up at 3 ms (connect 2 ms), the request reaches the host at 4 ms, is served for 10 ms, and
/// the 200 reaches Envoy at 15 ms: duration 15 - 1 = 14 ms, upstream service time 14 ms (from
/// the complete request at 1 ms), empty body. Lines are written in the order Envoy answered.
#[test]
fn tiny_access_log_is_worked_out_by_hand() {
    let log = access_log(TINY, &[]);
    let expected = [
        ("503", "UO", "81", "0", "-", "-"),
        ("503", "UO", "81", "0", "-", "-"),
        ("200", "-", "0", "14", "14", "app-0:80"),
    ];
    let re = default_format();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    for (line, (code, flags, sent, duration, service, host)) in lines.iter().zip(expected) {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("not Envoy's format: {line}"));
        assert_eq!(&c[1], "1970-01-01T00:00:00.001Z", "{line}");
        assert_eq!((&c[2], &c[3], &c[4]), ("GET", "/", "HTTP/1.1"));
        assert_eq!(
            (&c[5], &c[6], &c[7], &c[8], &c[9], &c[10]),
            (code, flags, "0", sent, duration, service),
            "{line}"
        );
        assert_eq!((&c[11], &c[12], &c[14], &c[15]), ("-", "-", "svc", host));
        assert!(uuid_v4().is_match(&c[13]), "{line}");
    }
    assert_eq!(log, access_log(TINY, &[]), "the same run logs the same ids");
}

/// #2 of the tiny scenario in words: worked out as in the access-log test; the pool then has
/// the connection #1 opened (connecting) and #1 pending.
#[test]
fn tiny_explain_names_the_breaker_its_count_and_the_counters() {
    let out = breakersim(&["explain", TINY, "--request", "2"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "request #2 of 3 (lifecycle-tiny)\n\
         \x20    +0 ms client 0 worker 1 sends it\n\
         \x20    +1 ms reaches Envoy, worker 0\n\
         \x20    +1 ms attempt 1: the load balancer picks app-0; its pool on this worker has 1 \
         connection(s), 0 busy stream(s), 1 pending (cluster: 1 pending, 0 active, 1 connections)\n\
         \x20    +1 ms refused by the max_pending_requests circuit breaker: 1 pending requests of \
         max_pending_requests 1 (overflow, UO)\n\
         \x20    +1 ms Envoy sends its own 503 (local reply)\n\
         \x20    +2 ms the client gets 503\n\
         final: 503 UO, latency 2 ms (sent at 0.000000s simulated)\n\
         counters moved: upstream_rq_pending_overflow, upstream_rq_503\n"
    );
    let first = breakersim(&["explain", TINY, "--first", "503"]);
    assert!(
        first.stdout.starts_with("request #2 of 3"),
        "{}",
        first.stdout
    );
    let one = breakersim(&["explain", TINY, "--request", "1"]);
    for step in [
        "+1 ms waits in the pool's pending queue (cluster pending now 1)",
        "+1 ms (the pool opens connection #1 to app-0)",
        "+3 ms (connection #1 is up)",
        "+3 ms gets a stream on connection #1",
        "+14 ms the host answers 200",
        "+15 ms Envoy forwards app-0's 200",
        "final: 200 -, latency 16 ms",
        "counters moved: upstream_rq_pending_total, upstream_rq_total, upstream_rq_200",
    ] {
        assert!(one.stdout.contains(step), "{step}\n{}", one.stdout);
    }
}

#[test]
fn explain_refuses_a_request_the_run_did_not_send_or_match() {
    let out = breakersim(&["explain", TINY, "--request", "4"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--request 4: the run (seed 1) sent 3 requests, numbered 1 to 3"),
        "{}",
        out.stderr
    );
    let out = breakersim(&["explain", TINY, "--first", "504"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no request of the run (seed 1, 3 sent) ended with status 504"),
        "{}",
        out.stderr
    );
    let out = breakersim(&["explain", TINY, "--first-flag", "XX"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("allowed: UO, UF, UT"), "{}", out.stderr);
}

/// A record past `--max-record-entries` stops the run with exit 2 naming the cap.
#[test]
fn a_full_record_stops_the_run_and_says_how_to_raise_the_cap() {
    let dir = temp_dir("lifecycle-cap");
    let trace = dir.join("t.json");
    let out = breakersim(&[
        "run",
        "scenarios/envoy-circuit-breaker-lab.toml",
        "--trace",
        trace.to_str().unwrap(),
        "--max-record-entries",
        "10",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("reached 10 entries, the limit --max-record-entries = 10")
            && out
                .stderr
                .contains("raise it with `--max-record-entries N`"),
        "{}",
        out.stderr
    );
}

/// Recording reads and never changes the run: text and JSON are byte-identical with it on, on
/// every shipped scenario.
#[test]
fn recording_changes_no_outcome_on_any_shipped_scenario() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(names.len() > 10);
    for name in names {
        let s = load(&name);
        let plain = run_with(&s, s.seed, &RunOptions::default()).unwrap();
        let recording = RunOptions {
            lifecycle: Some(LifecycleOptions::everything(u64::MAX)),
            ..RunOptions::default()
        };
        let recorded = run_with(&s, s.seed, &recording).unwrap();
        assert!(
            recorded
                .lifecycle
                .as_ref()
                .is_some_and(|l| !l.entries.is_empty())
        );
        for f in [Format::Text, Format::Json] {
            assert!(render(&plain, f) == render(&recorded, f), "{name} {f:?}");
        }
    }
}

/// Every line of the lab's log parses with Envoy's default format, one per request, and the
/// codes and flags add up to the run's counts.
#[test]
fn the_labs_access_log_parses_and_adds_up_to_the_runs_counts() {
    let lab = "scenarios/envoy-circuit-breaker-lab.toml";
    let log = access_log(lab, &[]);
    let s = load("envoy-circuit-breaker-lab.toml");
    let r = sim_core::sim::run(&s, s.seed).unwrap();
    let re = default_format();
    let mut codes: BTreeMap<u16, u64> = BTreeMap::new();
    let mut flags: BTreeMap<String, u64> = BTreeMap::new();
    let mut ids = std::collections::BTreeSet::new();
    for line in log.lines() {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("not Envoy's format: {line}"));
        *codes.entry(c[5].parse().unwrap()).or_default() += 1;
        for f in c[6].split(',').filter(|f| *f != "-") {
            *flags.entry(f.to_string()).or_default() += 1;
        }
        let local = &c[10] == "-";
        assert_eq!(local, &c[5] == "503", "{line}");
        assert_eq!(&c[8] == "81", &c[5] == "503", "overflow bodies: {line}");
        assert!(ids.insert(c[13].to_string()), "request ids are unique");
    }
    assert_eq!(log.lines().count() as u64, r.client.sent);
    assert_eq!(codes, r.client.status);
    let want: BTreeMap<String, u64> = r
        .client
        .flags
        .iter()
        .map(|(f, n)| (f.as_str().to_string(), *n))
        .collect();
    assert_eq!(flags, want);
}

/// Integer nanoseconds from a trace timestamp in microseconds (at most three decimals).
fn nanos(v: &Value) -> i64 {
    let x = v.as_f64().expect("a number");
    (x * 1000.0).round() as i64
}

/// The lab's trace against the trace-event format's fields (Chrome's "Trace Event Format"
/// document: `ph`, `ts` in µs, `pid`, `tid`, `name`; `dur` for X; `args` for C and M; `s` for
/// i), complete events nested properly on every track, and the lab's story in it: the
/// pending queue filling to its `max_pending_requests` of 20, and the 503s' overflows.
#[test]
fn the_labs_trace_is_valid_and_shows_the_queue_filling_and_the_503s() {
    let dir = temp_dir("lifecycle-trace");
    let path = dir.join("lab.json");
    let out = breakersim(&[
        "run",
        "scenarios/envoy-circuit-breaker-lab.toml",
        "--trace",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let trace: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let events = trace["traceEvents"]
        .as_array()
        .expect("the JSON object format");
    let mut tracks: BTreeMap<(u64, u64), Vec<(i64, i64)>> = BTreeMap::new();
    let (mut pending_peak, mut overflows, mut named) = (0, 0, 0);
    for e in events {
        let ph = e["ph"].as_str().expect("ph");
        assert!(
            e["name"].is_string() && e["pid"].is_u64() && e["tid"].is_u64(),
            "{e}"
        );
        assert!(e["ts"].is_number(), "{e}");
        match ph {
            "X" => {
                let (ts, dur) = (nanos(&e["ts"]), nanos(&e["dur"]));
                assert!(dur >= 0, "{e}");
                let key = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
                tracks.entry(key).or_default().push((ts, ts + dur));
                if e["name"].as_str().unwrap().contains("503 UO") {
                    overflows += 1;
                }
            }
            "C" => {
                let args = e["args"].as_object().expect("args");
                assert!(args.values().all(Value::is_number), "{e}");
                if e["name"] == "upstream_rq_pending_active" {
                    pending_peak = pending_peak.max(args["value"].as_u64().unwrap());
                }
            }
            "i" => {
                assert!(matches!(e["s"].as_str(), Some("g" | "p" | "t")), "{e}");
            }
            "M" => {
                assert!(e["args"]["name"].is_string(), "{e}");
                named += 1;
            }
            other => panic!("unexpected phase {other}: {e}"),
        }
    }
    assert!(named > 2, "processes and threads are named");
    for (track, mut slices) in tracks {
        slices.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
        let mut stack: Vec<i64> = Vec::new();
        for (s, e) in slices {
            while stack.last().is_some_and(|&end| end <= s) {
                stack.pop();
            }
            if let Some(&end) = stack.last() {
                assert!(
                    e <= end,
                    "track {track:?}: [{s}, {e}] overlaps a slice ending {end}"
                );
            }
            stack.push(e);
        }
    }
    assert_eq!(pending_peak, 20, "the lab's max_pending_requests");
    let s = load("envoy-circuit-breaker-lab.toml");
    let r = sim_core::sim::run(&s, s.seed).unwrap();
    assert_eq!(overflows, r.client.status[&503]);
    let refusals = events
        .iter()
        .filter(|e| e["ph"] == "i")
        .filter(|e| {
            e["name"]
                .as_str()
                .unwrap()
                .starts_with("overflow: max_pending_requests (20 of 20)")
        })
        .count() as u64;
    assert_eq!(refusals, r.client.status[&503]);
}
