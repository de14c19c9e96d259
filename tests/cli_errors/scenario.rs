//! `run` and `check` on a scenario file that cannot be read or is wrong: exit 2, the file, the
//! line and column, the field path and what is allowed.

use super::{SCENARIO, file, path_str};
use crate::common::{breakersim, fails};

/// Runs `check` and `run` on `text` with `old` replaced by `new`; both must exit 2 with a
/// message containing every `expected` part. Returns the message.
fn rejects(name: &str, old: &str, new: &str, expected: &[&str]) -> String {
    assert!(SCENARIO.contains(old), "fixture lacks {old:?}");
    let shown = file(name, &SCENARIO.replacen(old, new, 1));
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
    let path = super::scenario_file("valid.toml");
    let out = breakersim(&["run", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn scenario_that_cannot_be_read() {
    let dir = path_str(&std::env::temp_dir());
    for cmd in ["run", "check"] {
        fails(
            &[cmd, &dir],
            2,
            &[&format!("{dir}: cannot read the scenario:")],
        );
        fails(
            &[cmd, "no/such/file.toml"],
            2,
            &["no/such/file.toml: cannot read the scenario: No such file"],
        );
    }
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    rejects(
        "syntax.toml",
        "name = \"c\"",
        "name = \"c",
        &["TOML syntax error", ":2:"],
    );
}

/// Nesting past the TOML reader's limits is refused at its place (issue 20, item 6): arrays or
/// inline tables more than 80 deep and dotted keys of more than 80 parts (80 before the last; toml
/// 1.2.2: `LIMIT` = 80 in `de/parser/mod.rs`, checked in `de/parser/key.rs` and by
/// toml_parser's `RecursionGuard`). The dotted key's error came from toml without a place.
#[test]
fn nesting_past_the_toml_limits_is_an_error_at_its_place() {
    let keys = |n: usize| vec!["a"; n].join(".");
    let deep =
        |n: usize, open: &str, close: &str| format!("x = {}1{}", open.repeat(n), close.repeat(n));
    // (file, text, where the error is): line 2 is the nesting, after `# line 1`.
    let cases = [
        ("deep-header.toml", format!("[{}]", keys(81)), ":2:2:"),
        (
            "deep-array-table.toml",
            format!("[[{}]]", keys(5000)),
            ":2:3:",
        ),
        ("deep-dotted.toml", format!("{} = 1", keys(81)), ":2:1:"),
        (
            "deep-inline-key.toml",
            format!("x = {{ {} = 1 }}", keys(81)),
            ":2:7:",
        ),
        // The 81st `[` is column 85 (`x = ` is 4 columns).
        ("deep-array.toml", deep(81, "[", "]"), ":2:85:"),
        ("deep-inline.toml", deep(5000, "{a=", "}"), ":2:245:"),
    ];
    for (name, nesting, at) in cases {
        let shown = file(name, &format!("# line 1\n{nesting}\n"));
        for cmd in ["check", "run"] {
            fails(
                &["--message-format", "short", cmd, &shown],
                2,
                &[&format!("{shown}{at} TOML syntax error")],
            );
        }
    }
    // At the limits themselves the TOML is read: `x` is then an unknown field.
    for (name, nesting) in [
        ("limit-dotted.toml", format!("{} = 1", keys(80))),
        ("limit-array.toml", deep(80, "[", "]")),
    ] {
        let shown = file(name, &format!("# line 1\n{nesting}\n"));
        let message = fails(&["check", &shown], 2, &["unknown field"]);
        assert!(!message.contains("TOML syntax error"), "{message}");
    }
}

#[test]
fn unknown_field() {
    rejects(
        "unknown.toml",
        "connect_timeout = \"1s\"",
        "connect_timeout = \"1s\"\nconect_timeout = \"2s\"",
        &[
            "unknown field `conect_timeout`",
            "cluster",
            ":4:",
            "did you mean `connect_timeout`?",
        ],
    );
}

#[test]
fn scenario_value_of_the_wrong_type() {
    let path = file(
        "wrong-type.toml",
        &SCENARIO.replace("connect_timeout = \"1s\"", "connect_timeout = 5"),
    );
    fails(
        &["check", &path],
        2,
        &[&format!(
            "{path}:3:19: cluster.connect_timeout: invalid type: integer `5`, expected a duration string such as \"5s\""
        )],
    );
}

/// A name field given something else than a name lists the names it takes.
#[test]
fn scenario_name_field_of_the_wrong_type() {
    let path = file(
        "wrong-name.toml",
        &SCENARIO.replace("kind = \"closed_loop\"", "kind = 3"),
    );
    fails(
        &["run", &path],
        2,
        &[&format!(
            "{path}:9:8: clients[0].kind: expected a quoted name, `closed_loop` or `open_loop`"
        )],
    );
}

#[test]
fn negative_duration() {
    rejects(
        "negative.toml",
        "connect_timeout = \"1s\"",
        "connect_timeout = \"-5s\"",
        &["cluster.connect_timeout", "negative", ":3:19:"],
    );
}

#[test]
fn unparsable_duration() {
    rejects(
        "unparsable.toml",
        "connect_timeout = \"1s\"",
        "connect_timeout = \"soon\"",
        &["cluster.connect_timeout", "unit", ":3:19:"],
    );
}

#[test]
fn zero_connect_timeout() {
    rejects(
        "zero-timeout.toml",
        "connect_timeout = \"1s\"",
        "connect_timeout = \"0s\"",
        &["cluster.connect_timeout", "greater than 0s", ":3:19:"],
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
            ":6:19:",
        ],
    );
}

#[test]
fn zero_workers() {
    rejects(
        "workers.toml",
        "workers = 2",
        "workers = 0",
        &["clients[0].workers", "nonzero", ":10:11:"],
    );
}

#[test]
fn probability_above_one() {
    rejects(
        "probability.toml",
        "error_probability = 0.1",
        "error_probability = 1.5",
        &[
            "backends[0].error_probability",
            "is out of range, expected 0 to 1",
            ":15:21:",
        ],
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
