//! A run never reports nonsense as a result: one whose clock would pass the end of
//! representable simulated time stops with an error, and a run without responses has no
//! availability (not 100%).

use crate::common::{breakersim, fails, temp_file};

#[test]
fn a_clock_past_the_horizon_is_an_error_not_a_result() {
    // 5124095h is 1.8446742e19 ns, just under 2^64: with no route timeout the first service
    // ends there, past 2^63 ns, where saturating sums would have made latencies of 0 s.
    let path = temp_file(
        "horizon.toml",
        "[cluster]\nname = \"c\"\n[route]\ntimeout = \"0s\"\n[[clients]]\nkind = \"closed_loop\"\n\
         workers = 1\nrequests_per_worker = 3\n[[backends]]\nname = \"b\"\nservice_time = \"5124095h\"\n",
    );
    let p = path.to_str().unwrap();
    let stderr = fails(
        &["run", p],
        2,
        &[
            "horizon.toml: seed 1: an event fell at or past 9223372036.854776s simulated (2^63 ns, about 292 years)",
            "after 4 events",
            "is too long to simulate; shorten it",
        ],
    );
    assert!(
        !stderr.contains("raise it"),
        "no setting raises it: {stderr}"
    );
}

#[test]
fn no_responses_is_no_availability() {
    // The only client opens after the scenario's end: it sends nothing.
    let path = temp_file(
        "silent.toml",
        "duration = \"1s\"\n[cluster]\nname = \"c\"\n[[clients]]\nkind = \"open_loop\"\nrate = 10\n\
         start = \"2s\"\n[[backends]]\nname = \"b\"\n",
    );
    let p = path.to_str().unwrap();
    let text = breakersim(&["run", p]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("  Availability: none (no responses)\n"),
        "{}",
        text.stdout
    );
    let json = breakersim(&["run", p, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["client"]["requests"], 0);
    assert!(v["client"]["availability"].is_null());
    assert!(v["client"]["latency_ms"]["p99"].is_null());
}
