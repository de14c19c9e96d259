//! `--set PATH=VALUE` overrides that are wrong: exit 2, blamed on the argument.

use super::scenario_file;
use crate::common::{breakersim, fails};

/// A bad value, an argument with no `=`, and a list index past the list's end, each blamed on
/// the `--set` argument.
#[test]
fn bad_set_is_blamed_on_the_set() {
    let lab = "scenarios/envoy-circuit-breaker-lab.toml";
    let cases = [
        ("cluster.connect_timeout=-1s", "negative"),
        ("nonsense", "PATH=VALUE"),
        ("clients.5.workers=3", "out of range"),
    ];
    for (arg, expected) in cases {
        fails(
            &["run", lab, "--set", arg],
            2,
            &[&format!("{lab}: --set {arg}: "), expected],
        );
    }
}

#[test]
fn set_path_that_is_not_dotted_names() {
    let path = scenario_file("set-path.toml");
    for arg in ["=3", "cluster..name=x"] {
        fails(
            &["check", &path, "--set", arg],
            2,
            &[&format!(
                "{path}: --set {arg}: the path must be dotted field names, e.g. cluster."
            )],
        );
    }
}

#[test]
fn set_unknown_field() {
    let path = scenario_file("set-unknown.toml");
    fails(
        &["run", &path, "--set", "cluster.conect_timeout=2s"],
        2,
        &[
            &format!(
                "{path}: --set cluster.conect_timeout=2s: cluster.conect_timeout: unknown field `conect_timeout`"
            ),
            "expected one of `name`, `connect_timeout`",
        ],
    );
}

#[test]
fn set_value_of_the_wrong_type() {
    let path = scenario_file("set-type.toml");
    fails(
        &["check", &path, "--set", "clients.0.workers=two"],
        2,
        &[&format!(
            "{path}: --set clients.0.workers=two: clients[0].workers: invalid type: string \"two\", expected a nonzero u32"
        )],
    );
    fails(
        &["check", &path, "--set", "cluster.lb_policy=3"],
        2,
        &[
            "cluster.lb_policy: expected a quoted name, one of `ROUND_ROBIN`, `LEAST_REQUEST`, `RANDOM`",
        ],
    );
}

/// Paths that cannot be walked: through a value, into a list by name, into a list the file
/// does not have.
#[test]
fn set_path_that_cannot_be_walked() {
    let path = scenario_file("set-walk.toml");
    let cases = [
        (
            "cluster.name.x=1",
            "cluster.name.x: `cluster.name` is not a table, so it has no field `x`",
        ),
        (
            "clients.first.workers=1",
            "`clients` is a list: index it with a number, e.g. clients.0",
        ),
        (
            "retries.0.x=1",
            "`retries` is not in the file, and --set cannot add list entries: add the [[retries]] table to the file first",
        ),
    ];
    for (arg, expected) in cases {
        fails(
            &["check", &path, "--set", arg],
            2,
            &[&format!("{path}: --set {arg}: "), expected],
        );
    }
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
