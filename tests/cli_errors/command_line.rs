//! Usage errors (clap's): exit 2, the message and the usage on stderr; `--help` and
//! `--version` exit 0 on stdout.

use crate::common::{breakersim, breakersim_as_given, fails};

#[test]
fn no_command_prints_the_help_on_stderr_with_code_2() {
    let out = breakersim(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("Usage: breakersim [OPTIONS] <COMMAND>"),
        "{}",
        out.stderr
    );
    for command in ["run", "sweep", "report", "import", "check"] {
        assert!(out.stderr.contains(command), "{}", out.stderr);
    }
}

#[test]
fn unknown_command() {
    fails(
        &["frobnicate"],
        2,
        &["unrecognized subcommand 'frobnicate'", "Usage: breakersim"],
    );
}

#[test]
fn unknown_flag() {
    fails(
        &["run", "x.toml", "--frob"],
        2,
        &["unexpected argument '--frob'", "Usage: breakersim run"],
    );
}

#[test]
fn missing_required_argument() {
    fails(
        &["run"],
        2,
        &["required arguments were not provided", "<SCENARIO>"],
    );
    fails(
        &["import"],
        2,
        &["required arguments were not provided", "<FILE>"],
    );
}

#[test]
fn bad_flag_values() {
    let lab = "scenarios/envoy-circuit-breaker-lab.toml";
    fails(
        &["run", lab, "--format", "xml"],
        2,
        &[
            "invalid value 'xml' for '--format <FORMAT>'",
            "[possible values: text, json, prometheus]",
        ],
    );
    fails(
        &["run", lab, "--seed", "abc"],
        2,
        &["invalid value 'abc' for '--seed <SEED>'"],
    );
    fails(
        &["sweep", "x.toml", "--threads", "many"],
        2,
        &["invalid value 'many' for '--threads <THREADS>'"],
    );
    fails(
        &["sweep", "x.toml", "--threads", "0"],
        2,
        &["invalid value '0' for '--threads <THREADS>': 0 is not in 1..=65535"],
    );
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    for args in [&["--help"][..], &["run", "--help"], &["help", "sweep"]] {
        let out = breakersim_as_given(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(out.stdout.contains("Usage: breakersim"), "{}", out.stdout);
    }
    let out = breakersim(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("breakersim "), "{}", out.stdout);
}
