//! Bad input exits with code 2 and a message naming the file, the field path and (where the
//! file has one) the line and column, and what is allowed. Never a panic.

use crate::common::{breakersim, fails, temp_file};

const BASE: &str = r#"
[cluster]
name = "c"
connect_timeout = "1s"

[[cluster.circuit_breakers.thresholds]]
max_connections = 10

[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 3

[[backends]]
name = "b"
error_probability = 0.1
"#;

/// Runs `check` and `run` on `text` with `old` replaced by `new`; both must exit 2 with a
/// message containing every `expected` part. Returns the message.
fn rejects(name: &str, old: &str, new: &str, expected: &[&str]) -> String {
    assert!(BASE.contains(old), "fixture lacks {old:?}");
    let path = temp_file(name, &BASE.replacen(old, new, 1));
    let shown = path.to_str().unwrap().to_string();
    let parts: Vec<&str> = std::iter::once(shown.as_str())
        .chain(expected.iter().copied())
        .collect();
    let mut message = String::new();
    for cmd in ["check", "run"] {
        message = fails(&[cmd, &shown], 2, &parts);
    }
    message
}

#[test]
fn the_fixture_itself_is_valid() {
    let path = temp_file("valid.toml", BASE);
    let out = breakersim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn unknown_field() {
    rejects(
        "unknown.toml",
        "connect_timeout = \"1s\"",
        "connect_timeout = \"1s\"\nconect_timeout = \"2s\"",
        &["unknown field `conect_timeout`", "cluster", ":5:"],
    );
}

#[test]
fn negative_duration() {
    rejects(
        "negative.toml",
        "connect_timeout = \"1s\"",
        "connect_timeout = \"-5s\"",
        &["cluster.connect_timeout", "negative", ":4:19:"],
    );
}

#[test]
fn unparsable_duration() {
    rejects(
        "unparsable.toml",
        "connect_timeout = \"1s\"",
        "connect_timeout = \"soon\"",
        &["cluster.connect_timeout", "unit", ":4:19:"],
    );
}

#[test]
fn negative_threshold() {
    rejects(
        "threshold.toml",
        "max_connections = 10",
        "max_connections = -1",
        &[
            "cluster.circuit_breakers.thresholds[0].max_connections",
            "-1",
            ":7:19:",
        ],
    );
}

#[test]
fn zero_workers() {
    rejects(
        "workers.toml",
        "workers = 2",
        "workers = 0",
        &["clients[0].workers", "nonzero", ":11:11:"],
    );
}

#[test]
fn probability_above_one() {
    rejects(
        "probability.toml",
        "error_probability = 0.1",
        "error_probability = 1.5",
        &["backends[0].error_probability", "allowed 0 to 1", ":16:21:"],
    );
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    rejects(
        "syntax.toml",
        "name = \"c\"",
        "name = \"c",
        &["TOML syntax error", ":3:"],
    );
}

#[test]
fn field_of_the_other_client_kind() {
    rejects(
        "kind.toml",
        "requests_per_worker = 3",
        "requests_per_worker = 3\nrate = 10.0",
        &["clients[0].rate", "open_loop clients only"],
    );
}

#[test]
fn zero_connect_timeout() {
    rejects(
        "zero-timeout.toml",
        "connect_timeout = \"1s\"",
        "connect_timeout = \"0s\"",
        &["cluster.connect_timeout", "greater than 0s", ":4:19:"],
    );
}

#[test]
fn bad_set_is_blamed_on_the_set() {
    let out = breakersim(&[
        "run",
        "scenarios/envoy-circuit-breaker-lab.toml",
        "--set",
        "cluster.connect_timeout=-1s",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--set cluster.connect_timeout=-1s"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("negative"), "{}", out.stderr);
    let out = breakersim(&[
        "run",
        "scenarios/envoy-circuit-breaker-lab.toml",
        "--set",
        "nonsense",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("PATH=VALUE"), "{}", out.stderr);
    let out = breakersim(&[
        "run",
        "scenarios/envoy-circuit-breaker-lab.toml",
        "--set",
        "clients.5.workers=3",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("out of range"), "{}", out.stderr);
}

#[test]
fn missing_file_and_bad_arguments() {
    let out = breakersim(&["run", "no/such/file.toml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no/such/file.toml"));
    let out = breakersim(&[
        "run",
        "scenarios/envoy-circuit-breaker-lab.toml",
        "--format",
        "xml",
    ]);
    assert_eq!(out.code, 2);
    let out = breakersim(&["frobnicate"]);
    assert_eq!(out.code, 2);
}

/// An Istio version given as a number is refused with the fix, not read as `1.3` for `1.30`.
#[test]
fn an_istio_version_must_be_a_quoted_string() {
    let path = crate::common::scenario_path("istio-outlier-tutorial.toml");
    let out = breakersim(&[
        "check",
        path.to_str().unwrap(),
        "--set",
        "route.istio_default_retry_policy=1.30",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "route.istio_default_retry_policy: write the Istio version as a quoted string"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1.30 would read as 1.3"),
        "{}",
        out.stderr
    );
}
