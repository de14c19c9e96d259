//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use sim_core::scenario::{Scenario, load_scenario};
use sim_core::sim::RunResult;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("sim-cli sits in the workspace")
        .to_path_buf()
}

pub fn scenario_path(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// Loads a shipped scenario the way the CLI does.
pub fn load(name: &str) -> Scenario {
    sim_cli::scenario_file::read_scenario(&scenario_path(name), &[])
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs a scenario that stays within its limits.
pub fn run(s: &Scenario, seed: u64) -> RunResult {
    sim_core::sim::run(s, seed).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs an inline scenario (seed 1).
pub fn run_text(text: &str) -> RunResult {
    let s = load_scenario(text, "inline", &[]).unwrap_or_else(|e| panic!("{e}"));
    run(&s, 1)
}

/// Output of one `breakersim` invocation.
pub struct Invocation {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `breakersim args --message-format short`: messages one line each, the form whose
/// content these tests check (`diagnostics.rs` checks the human and JSON forms).
pub fn breakersim(args: &[&str]) -> Invocation {
    let mut args = args.to_vec();
    args.extend(["--message-format", "short"]);
    breakersim_as_given(&args)
}

/// Runs `breakersim args` exactly as given.
pub fn breakersim_as_given(args: &[&str]) -> Invocation {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_breakersim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    Invocation {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Writes `text` to a fresh file under the system temp dir and returns its path.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("breakersim-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file");
    path
}

/// A fresh, empty directory under the system temp dir, unique to this test process.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("breakersim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Every file of `dir` with its contents, sorted by name.
pub fn dir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.expect("dir entry").path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).expect("readable"),
            )
        })
        .collect();
    files.sort();
    files
}

/// Asserts that two directories hold the same files with the same bytes, naming any that
/// differ.
pub fn assert_same_files(a: &Path, b: &Path) {
    let (fa, fb) = (dir_files(a), dir_files(b));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb), "{} vs {}", a.display(), b.display());
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(
            x == y,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Runs `breakersim args` (one-line messages); it must exit with `code`, say `error: ` first
/// on stderr, contain every one of `parts`, print nothing on stdout and not panic. Returns
/// stderr.
pub fn fails(args: &[&str], code: i32, parts: &[&str]) -> String {
    let out = breakersim(args);
    assert_eq!(out.code, code, "{args:?}: {}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.starts_with("error: "),
        "{args:?}: {}",
        out.stderr
    );
    for part in parts {
        assert!(
            out.stderr.contains(part),
            "{args:?}: {part:?} not in {}",
            out.stderr
        );
    }
    assert!(out.stdout.is_empty(), "{args:?}: stdout {}", out.stdout);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out.stderr
}
