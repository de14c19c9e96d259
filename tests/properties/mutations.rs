//! Every shipped scenario and sweep file, mutated (lines deleted, duplicated or swapped, values
//! replaced by random, huge, negative, NaN-like or odd values, bytes edited, unknown keys
//! added, the file cut short), goes through the CLI's library entry points: `check`, `run` with
//! a low `limits.max_events`, and loading a sweep. Each either succeeds or fails as bad input
//! (`CliError::Input`, exit code 2) with a message that names the file and, for a parse or
//! validation error, a line and column or a field path. Never a panic.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use sim_cli::commands::check::check;
use sim_cli::commands::run::{RunArgs, run_command};
use sim_cli::exit::CliError;
use sim_cli::output::Format;
use sim_cli::sweep::load::load_sweep;
use sim_core::diagnostic::{Diagnostic, Place};

use crate::common::root;

#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// The value after `=` on a line.
    ReplaceValue(usize, String),
    /// `key = value` inserted before a line.
    InsertKey(usize, String, String),
    ByteEdit(usize, u8),
    Truncate(usize),
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (0..=20i64).prop_map(|n| n.to_string()),
        any::<u32>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:e}")),
        (0..4u32, 1..=9999u64)
            .prop_map(|(unit, n)| { format!("\"{n}{}\"", ["ns", "ms", "s", "h"][unit as usize]) }),
        "\"[a-zA-Z0-9 ._|/-]{0,12}\"",
        proptest::sample::select(vec![
            "18446744073709551615",
            "9223372036854775807",
            "-9223372036854775808",
            "-1",
            "0",
            "1",
            "nan",
            "inf",
            "-inf",
            "1e308",
            "-0.0",
            "1e-320",
            "4294967295",
            "4294967296",
            "2147483648",
            "\"\"",
            "\"600h\"",
            "\"-5s\"",
            "\"0s\"",
            "\"1e9s\"",
            "\"99999999999999999999h\"",
            "\"18446744073.709551615s\"",
            "\"5124095h\"",
            "true",
            "false",
            "[]",
            "{}",
            "[1, 2]",
            "[\"a\", 3]",
            "{ constant = \"1ms\" }",
            "{ uniform = { min = \"5s\", max = \"1ms\" } }",
            "{ lognormal = { median = \"1h\", p99 = \"5000000h\" } }",
            "{ exponential = { mean = \"5000000h\" } }",
            "\"DEFAULT\"",
            "\"HIGH\"",
            "\"RANDOM\"",
            "\"LEAST_REQUEST\"",
            "\"1.24\"",
            "\"open_loop\"",
            "\"closed_loop\"",
            "\"../istio-outlier-tutorial.toml\"",
            "\"configs/lab-envoy.yaml\"",
            "\"nonexistent.yaml\"",
        ])
        .prop_map(str::to_string),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "replicas",
            "concurrency",
            "workers",
            "rate",
            "duration",
            "max_events",
            "max_in_flight",
            "max_queue_length",
            "choice_count",
            "host_selection_retry_max_attempts",
            "num_retries",
            "max_concurrent_streams",
            "priority",
            "weight",
            "from",
            "select",
            "istio_version",
            "seed",
            "replications",
            "scenario",
            "set",
            "values",
            "range",
            "metrics",
            "interval",
            "base_ejection_time",
            "timeout",
            "latency_multiplier",
        ])
        .prop_map(str::to_string),
        "[a-z_]{1,12}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = any::<usize>;
    prop_oneof![
        1 => i().prop_map(Mutation::DeleteLine),
        1 => i().prop_map(Mutation::DuplicateLine),
        1 => (i(), i()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        4 => (i(), value()).prop_map(|(l, v)| Mutation::ReplaceValue(l, v)),
        2 => (i(), key(), value()).prop_map(|(l, k, v)| Mutation::InsertKey(l, k, v)),
        1 => (i(), any::<u8>()).prop_map(|(p, b)| Mutation::ByteEdit(p, b)),
        1 => i().prop_map(Mutation::Truncate),
    ]
}

/// `text` with `m` applied (positions taken modulo the text's size).
fn apply(text: &[u8], m: &Mutation) -> Vec<u8> {
    let s = String::from_utf8_lossy(text);
    let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match m {
        Mutation::ByteEdit(p, b) => {
            let mut out = text.to_vec();
            if !out.is_empty() {
                let len = out.len();
                out[p % len] = *b;
            }
            return out;
        }
        Mutation::Truncate(p) => return text[..p % (text.len() + 1)].to_vec(),
        _ if lines.is_empty() => return text.to_vec(),
        Mutation::DeleteLine(l) => {
            lines.remove(l % n);
        }
        Mutation::DuplicateLine(l) => {
            let line = lines[l % n].clone();
            lines.insert(l % n, line);
        }
        Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
        Mutation::ReplaceValue(l, v) => {
            // The line with a value at or after `l`, if any.
            if let Some(i) = (0..n)
                .map(|k| (l + k) % n)
                .find(|&i| lines[i].contains(" = "))
            {
                let (k, _) = lines[i].split_once(" = ").expect("found");
                lines[i] = format!("{k} = {v}");
            }
        }
        Mutation::InsertKey(l, k, v) => lines.insert(l % (n + 1), format!("{k} = {v}")),
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out.into_bytes()
}

/// A directory laid out like `scenarios/`: every shipped scenario, the configs they import,
/// and `sweeps/` beside them, so that relative paths resolve.
pub fn workdir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("breakersim-props-{}", std::process::id()));
        for sub in ["configs", "sweeps", "bench"] {
            std::fs::create_dir_all(dir.join(sub)).expect("temp dir");
        }
        let src = root().join("scenarios");
        for sub in ["", "configs", "bench"] {
            for e in std::fs::read_dir(src.join(sub)).expect("scenarios/") {
                let p = e.expect("entry").path();
                if p.is_file() {
                    std::fs::copy(&p, dir.join(sub).join(p.file_name().unwrap())).expect("copy");
                }
            }
        }
        dir
    })
}

fn shipped(sub: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(root().join("scenarios").join(sub))
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

/// A parse or validation error points at a place: a span of the file, a `--set`, a sweep
/// entry, or a field path.
fn located(d: &Diagnostic) -> bool {
    !matches!(d.place, Place::Whole) || d.path.is_some()
}

/// `check`, then `run` with few events allowed, of the file at `path` with `sets`: each must
/// pass [`judge`].
pub fn check_and_run(path: &Path, mut sets: Vec<String>) -> Result<(), TestCaseError> {
    judge("check", path, check(path, &sets))?;
    sets.push("limits.max_events=3000".to_string());
    let args = RunArgs {
        path: path.to_path_buf(),
        seed: None,
        sets,
        format: Format::Json,
        outlier_log: None,
        hey_csv: None,
        access_log: None,
        trace: None,
        max_record_entries: sim_cli::commands::run::DEFAULT_MAX_RECORD_ENTRIES,
        timing: false,
    };
    judge("run", path, run_command(&args))
}

/// The outcome of one entry point on a file written at `path`: fine, or bad input that says
/// where.
pub fn judge<T>(what: &str, path: &Path, result: Result<T, CliError>) -> Result<(), TestCaseError> {
    let shown = path.display().to_string();
    match result {
        Ok(_) => Ok(()),
        Err(CliError::Input(ds)) => {
            prop_assert!(!ds.is_empty(), "{}: no diagnostic", what);
            // The file at fault: this one, or one it names (a base scenario, an imported config).
            let dir = workdir().display().to_string();
            for d in &ds {
                prop_assert!(
                    !d.message.trim().is_empty(),
                    "{}: empty message: {}",
                    what,
                    d
                );
                let file = d.file.clone().unwrap_or_default();
                prop_assert!(
                    file.starts_with(&dir),
                    "{}: names no file first: {}",
                    what,
                    d
                );
                if file == shown || file.ends_with(".toml") {
                    let known = d.message.starts_with("cannot read")
                        || d.message.starts_with("seed ")
                        || located(d);
                    prop_assert!(known, "{}: no line, column or field path: {}", what, d);
                }
            }
            Ok(())
        }
        Err(e) => Err(TestCaseError::fail(format!(
            "{what}: not bad input (exit {}): {e}",
            e.exit_code()
        ))),
    }
}

pub fn scenario_files() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut all = shipped("");
        all.extend(
            shipped("bench")
                .into_iter()
                .map(|(n, t)| (format!("bench/{n}"), t)),
        );
        all
    })
}

fn sweeps() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| shipped("sweeps"))
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn mutated_scenarios_fail_as_bad_input(
        which in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..=3),
    ) {
        let (name, text) = &scenario_files()[which % scenario_files().len()];
        let text = mutations.iter().fold(text.clone(), |t, m| apply(&t, m));
        let path = workdir().join(format!("mutated-{}", name.replace('/', "-")));
        std::fs::write(&path, &text).expect("write");
        check_and_run(&path, Vec::new())?;
    }

    #[test]
    fn mutated_sweeps_fail_as_bad_input(
        which in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..=3),
    ) {
        let (name, text) = &sweeps()[which % sweeps().len()];
        let text = mutations.iter().fold(text.clone(), |t, m| apply(&t, m));
        let path = workdir().join("sweeps").join(format!("mutated-{name}"));
        std::fs::write(&path, &text).expect("write");
        judge("load_sweep", &path, load_sweep(&path, None))?;
    }
}
