//! How bad input is shown: as rustc shows errors (the offending line with the bad value
//! underlined), one line each with `--message-format short`, or as JSON lines with
//! `--message-format json`. Inputs are in tests/fixtures/diagnostics/; the human forms (one bad
//! input of each kind) and three JSON forms are insta snapshots, reviewed by hand.

use serde_json::Value;

use crate::common::{Invocation, breakersim_as_given};

const DIR: &str = "tests/fixtures/diagnostics";

/// `breakersim args`, which must fail as bad input (exit 2) with nothing on stdout.
fn bad_input(args: &[&str]) -> Invocation {
    let out = breakersim_as_given(args);
    assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    out
}

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// `breakersim args --message-format human`, which must exit with `code`, print nothing on
/// stdout and no colour (stderr is a pipe, not a terminal). Returns stderr.
fn human(args: &[&str], code: i32) -> String {
    let mut args = args.to_vec();
    args.extend(["--message-format", "human"]);
    let out = breakersim_as_given(&args);
    assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
    assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    out.stderr
}

/// One bad input of each kind, as a person sees it: (snapshot name, arguments, exit code).
/// Every fixture is in tests/fixtures/diagnostics/, which has no `no-such-*` file or directory.
fn one_of_each_kind() -> Vec<(&'static str, Vec<String>, i32)> {
    let cases: [(&str, &[&str], i32); 10] = [
        ("scenario_out_of_range", &["check", "@out-of-range.toml"], 2),
        (
            "scenario_missing_field",
            &["check", "@missing-field.toml"],
            2,
        ),
        ("scenario_cross_field", &["check", "@cross-field.toml"], 2),
        ("scenario_bad_duration", &["run", "@bad-duration.toml"], 2),
        ("scenario_unreadable", &["check", "@no-such-file.toml"], 2),
        (
            "set_bad_path",
            &["check", "@good.toml", "--set", "nonsense"],
            2,
        ),
        ("sweep_bad_axis", &["sweep", "@bad-sweep-axis.toml"], 2),
        ("import_unreadable", &["import", "@no-such-file.yaml"], 2),
        (
            "import_unknown_field",
            &["import", "@unknown-import-field.yaml"],
            0,
        ),
        (
            "output_unwritable",
            &[
                "run",
                "@good.toml",
                "--outlier-log",
                "@no-such-dir/outliers.jsonl",
            ],
            1,
        ),
    ];
    cases
        .iter()
        .map(|(name, args, code)| {
            let args = args
                .iter()
                .map(|a| match a.strip_prefix('@') {
                    Some(f) => fixture(f),
                    None => a.to_string(),
                })
                .collect();
            (*name, args, *code)
        })
        .collect()
}

#[test]
fn one_bad_input_of_each_kind() {
    for (name, args, code) in one_of_each_kind() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stderr = if code == 0 {
            // A warning: the import goes on, the scenario on stdout.
            let mut with = args.clone();
            with.extend(["--message-format", "human"]);
            let out = breakersim_as_given(&with);
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            assert!(!out.stdout.is_empty());
            out.stderr
        } else {
            human(&args, code)
        };
        insta::assert_snapshot!(name, stderr);
    }
}

/// Three of them in JSON, pretty-printed here to be read (each is one line on stderr): a span
/// in a file, a `--set` argument, and an output that is not the input's fault.
#[test]
fn three_of_them_as_json() {
    for (name, args, code) in one_of_each_kind() {
        if !["scenario_out_of_range", "set_bad_path", "output_unwritable"].contains(&name) {
            continue;
        }
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--message-format", "json"]);
        let out = breakersim_as_given(&args);
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{}", out.stderr);
        let v: Value = serde_json::from_str(lines[0]).expect("a JSON object");
        let pretty = serde_json::to_string_pretty(&v).expect("JSON");
        insta::assert_snapshot!(format!("json_{name}"), pretty);
    }
}

#[test]
fn a_bad_value_in_a_scenario_is_shown_in_its_line() {
    let out = bad_input(&["check", &fixture("bad-value.toml")]);
    insta::assert_snapshot!("scenario_bad_value", out.stderr);
}

#[test]
fn a_misspelt_field_gets_the_closest_name() {
    let out = bad_input(&["run", &fixture("misspelt-field.toml")]);
    assert!(
        out.stderr
            .contains("= help: did you mean `connect_timeout`?"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!("scenario_misspelt_field", out.stderr);
}

#[test]
fn a_bad_value_in_a_sweep_is_shown_in_its_line() {
    let out = bad_input(&["sweep", &fixture("bad-sweep.toml")]);
    insta::assert_snapshot!("sweep_bad_value", out.stderr);
}

#[test]
fn a_bad_value_in_an_imported_yaml_is_shown_in_its_line() {
    let out = bad_input(&["import", &fixture("bad-import.yaml")]);
    insta::assert_snapshot!("import_bad_value", out.stderr);
}

#[test]
fn a_bad_set_names_the_argument() {
    let set = "cluster.connect_timeout=-1s";
    let out = bad_input(&["check", &fixture("good.toml"), "--set", set]);
    insta::assert_snapshot!("set_bad_value", out.stderr);
}

/// The JSON form of the same three errors: one object per line, every key present, lines and
/// columns 1-based, `rendered` the human form.
#[test]
fn the_same_errors_as_json_lines() {
    let cases = [
        (
            vec!["check", "bad-value.toml"],
            ("bad-value.toml", 5, 19, 5, 20),
            "cluster.connect_timeout",
        ),
        (
            vec!["sweep", "bad-sweep.toml"],
            ("bad-sweep.toml", 10, 8, 10, 18),
            "charts[0].kind",
        ),
        (
            vec!["import", "bad-import.yaml"],
            ("bad-import.yaml", 3, 18, 3, 22),
            "connect_timeout",
        ),
    ];
    for (args, (file, line, column, end_line, end_column), path) in cases {
        let file = fixture(file);
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args[1] = fixture(&args[1]);
        args.extend(["--message-format".into(), "json".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = bad_input(&args);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{}", out.stderr);
        let v: Value = serde_json::from_str(lines[0]).expect("a JSON object");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "column",
                "end_column",
                "end_line",
                "entry",
                "expected",
                "file",
                "hint",
                "line",
                "message",
                "path",
                "rendered",
                "set",
                "severity"
            ]
        );
        assert_eq!(v["severity"], "error");
        assert_eq!(v["file"], file.as_str());
        assert_eq!(v["line"], line, "{file}");
        assert_eq!(v["column"], column, "{file}");
        assert_eq!(v["end_line"], end_line, "{file}");
        assert_eq!(v["end_column"], end_column, "{file}");
        assert_eq!(v["path"], path);
        let human = breakersim_as_given(&args[..2]).stderr;
        assert_eq!(v["rendered"], human.as_str());
    }
}

/// A usage error in JSON mode is one JSON diagnostic too, with clap's message and tip.
#[test]
fn a_usage_error_as_json() {
    let out = breakersim_as_given(&["run", "--frob", "--message-format", "json"]);
    assert_eq!(out.code, 2);
    let v: Value = serde_json::from_str(out.stderr.trim()).expect("one JSON object");
    assert_eq!(v["severity"], "error");
    assert_eq!(v["message"], "unexpected argument '--frob' found");
    assert!(v["file"].is_null());
}

/// `short`: one line per message, `error: file:line:col: path: message, expected ...`.
#[test]
fn the_short_form_is_one_line() {
    let out = bad_input(&[
        "check",
        &fixture("bad-value.toml"),
        "--message-format",
        "short",
    ]);
    assert_eq!(
        out.stderr,
        format!(
            "error: {DIR}/bad-value.toml:5:19: cluster.connect_timeout: invalid type: integer `5`, expected a duration string such as \"5s\", \"250ms\" or \"10us\"\n"
        )
    );
}

/// Not a terminal (as here, stderr is a pipe): no colours, whatever the format.
#[test]
fn no_colour_when_not_a_terminal() {
    let out = bad_input(&["check", &fixture("bad-value.toml")]);
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
}

/// What `sweep` says for information (here: a journal started afresh) is a note: `note: ` in
/// the short form, one JSON object of severity `note` naming the journal, and exit code 0.
#[test]
fn sweep_notes_are_note_diagnostics() {
    let good = crate::common::root().join(fixture("good.toml"));
    let sweep = crate::common::temp_file(
        "diagnostics-note.toml",
        &format!(
            "scenario = \"{}\"\nmetrics = [\"availability\"]\n",
            good.display()
        ),
    );
    let out_dir = crate::common::temp_dir("diagnostics-note");
    let (sweep, out) = (sweep.to_str().unwrap(), out_dir.to_str().unwrap());
    let run = |format: &str| {
        breakersim_as_given(&["sweep", sweep, "--out", out, "--message-format", format])
    };
    let first = run("json");
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.is_empty(), "{}", first.stderr);
    let journal = format!("{out}/runs.journal");
    let short = run("short");
    assert_eq!(short.code, 0, "{}", short.stderr);
    assert_eq!(
        short.stderr,
        format!("note: {journal}: starting afresh (--resume would continue it)\n")
    );
    let json = run("json");
    assert_eq!(json.code, 0, "{}", json.stderr);
    let lines: Vec<&str> = json.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", json.stderr);
    let v: Value = serde_json::from_str(lines[0]).expect("a JSON object");
    assert_eq!(v["severity"], "note");
    assert_eq!(v["file"], journal.as_str());
    assert_eq!(v["message"], "starting afresh (--resume would continue it)");
    assert!(
        v["rendered"]
            .as_str()
            .expect("text")
            .starts_with("note: starting afresh"),
        "{v}"
    );
}
