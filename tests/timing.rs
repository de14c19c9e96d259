//! `breakersim run --timing`: speed figures on stderr, results on stdout unchanged. And the
//! benchmark scenarios (scenarios/bench/, outside the snapshot glob) stay valid.

use crate::common::{breakersim, root};

const LAB: &str = "scenarios/envoy-circuit-breaker-lab.toml";

/// The value of the `timing: NAME: VALUE ...` line, as a number.
fn figure(stderr: &str, name: &str) -> f64 {
    let prefix = format!("timing: {name}: ");
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line in {stderr:?}"));
    let number = line.split_whitespace().next().expect("a value");
    number
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {number:?}: {e}"))
}

#[test]
fn timing_goes_to_stderr_and_leaves_stdout_alone() {
    for format in ["text", "json", "prometheus"] {
        let plain = breakersim(&["run", LAB, "--format", format]);
        let timed = breakersim(&["run", LAB, "--format", format, "--timing"]);
        assert_eq!(plain.code, 0, "{}", plain.stderr);
        assert_eq!(timed.code, 0, "{}", timed.stderr);
        assert_eq!(
            plain.stdout, timed.stdout,
            "--format {format}: stdout changed"
        );
        assert!(plain.stderr.is_empty(), "{}", plain.stderr);
        assert!(!timed.stdout.contains("timing"), "{}", timed.stdout);

        let events = figure(&timed.stderr, "events processed");
        let wall = figure(&timed.stderr, "wall time");
        let events_per_s = figure(&timed.stderr, "events/s");
        let sent = figure(&timed.stderr, "requests sent");
        let requests_per_s = figure(&timed.stderr, "simulated requests/s");
        if std::path::Path::new("/proc/self/status").exists() {
            // Linux: the peak resident memory, in KiB (a process is at least a few pages).
            let peak = figure(&timed.stderr, "peak memory");
            assert!(peak >= 4.0, "{}", timed.stderr);
        }
        // The lab's `hey`: 50 workers x 4 requests, every one of them sent.
        assert_eq!(sent, 200.0);
        assert!(events >= sent, "{events} events for {sent} requests");
        assert!(wall >= 0.0);
        assert!(events_per_s > 0.0 && requests_per_s > 0.0);
        // Both rates are over the same wall time.
        let ratio = events_per_s / requests_per_s;
        assert!(
            (ratio - events / sent).abs() < 0.01 * events / sent,
            "{events_per_s} / {requests_per_s} vs {events} / {sent}"
        );
    }
}

#[test]
fn timing_counts_events_deterministically() {
    let a = breakersim(&["run", LAB, "--seed", "7", "--timing"]);
    let b = breakersim(&["run", LAB, "--seed", "7", "--timing"]);
    assert_eq!(
        figure(&a.stderr, "events processed"),
        figure(&b.stderr, "events processed")
    );
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn bench_scenarios_pass_check() {
    let dir = root().join("scenarios/bench");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("scenarios/bench") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let out = breakersim(&["check", path.to_str().expect("UTF-8 path")]);
            assert_eq!(out.code, 0, "{}: {}", path.display(), out.stderr);
            assert!(out.stdout.contains(": ok"), "{}", out.stdout);
            names.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    names.sort();
    assert_eq!(
        names,
        [
            "bench-10-hosts.toml",
            "bench-100-hosts.toml",
            "bench-1000-hosts.toml",
            "bench-mesh-100-sidecars.toml"
        ]
    );
}

/// A run stopped at `limits.max_events` still reports how far it got, then exits 2 with the
/// limit's message: exactly the limit's events, no results on stdout. (The lab's 50 `hey`
/// workers send their first 50 requests at 0, one event each, before anything else is due, so
/// 40 events are 40 sends.)
#[test]
fn timing_reports_a_run_stopped_at_a_limit() {
    let out = breakersim(&["run", LAB, "--timing", "--set", "limits.max_events=40"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(figure(&out.stderr, "events processed"), 40.0);
    assert_eq!(figure(&out.stderr, "requests sent"), 40.0);
    assert!(
        out.stderr.contains("limits.max_events = 40"),
        "{}",
        out.stderr
    );
}
