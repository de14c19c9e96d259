//! Outputs that cannot be written (`--outlier-log`, stdout, `--out`, `reports/`): exit 1, the
//! path and the system's reason; a stderr that cannot be written changes nothing but the message.

use std::path::Path;
use std::process::{Command, Stdio};

use super::sweep::sweep_file;
use super::{file, path_str, report_root, scenario_file};
use crate::common::{fails, root};

#[test]
fn outlier_log_that_cannot_be_written() {
    let path = scenario_file("outlier-log.toml");
    let missing = std::env::temp_dir().join("breakersim-no-such-dir/x.jsonl");
    let missing = path_str(&missing);
    fails(
        &["run", &path, "--outlier-log", &missing],
        1,
        &[&format!(
            "--outlier-log: cannot write {missing}: No such file"
        )],
    );
    // The tests' own directory: the temporary file goes beside it, in the system temp dir.
    let dir = path_str(Path::new(&path).parent().expect("a directory"));
    fails(
        &["run", &path, "--outlier-log", &dir],
        1,
        &[&format!("--outlier-log: cannot write {dir}")],
    );
    fails(
        &["run", &path, "--outlier-log", "/"],
        1,
        &["--outlier-log: cannot write /: it is a directory; give a file name"],
    );
}

/// Runs the binary with stdout or stderr on /dev/full (Linux); None where there is none.
fn with_full(args: &[&str], stdout_full: bool) -> Option<(i32, String)> {
    let full = Path::new("/dev/full");
    if !full.exists() {
        return None;
    }
    let device = || Stdio::from(std::fs::File::create(full).expect("/dev/full opens"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_breakersim"));
    cmd.args(args).current_dir(root());
    if stdout_full {
        cmd.stdout(device()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::piped()).stderr(device());
    }
    let out = cmd.output().expect("the binary runs");
    let text = if stdout_full { out.stderr } else { out.stdout };
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&text).into_owned(),
    ))
}

#[test]
fn stdout_that_cannot_be_written() {
    let path = scenario_file("stdout-full.toml");
    let Some((code, stderr)) = with_full(&["run", &path], true) else {
        return;
    };
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write the output to stdout: No space left on device"),
        "{stderr}"
    );
}

/// A stderr that cannot be written changes nothing but the message: no panic (exit 101).
#[test]
fn stderr_that_cannot_be_written() {
    let Some((code, _)) = with_full(&["run", "no/such/file.toml"], false) else {
        return;
    };
    assert_eq!(code, 2);
    let path = scenario_file("stderr-full.toml");
    let (code, stdout) = with_full(&["run", &path, "--timing"], false).expect("as above");
    assert_eq!(code, 0);
    assert!(stdout.contains("Availability"), "{stdout}");
}

#[test]
fn sweep_out_that_cannot_be_created() {
    let path = sweep_file("sw-out.toml", "metrics = [\"availability\"]\n");
    let regular = file("sw-out-regular", "a file, not a directory\n");
    let out = format!("{regular}/out");
    fails(
        &["sweep", &path, "--out", &out],
        1,
        &[&format!("cannot create {out}: Not a directory")],
    );
}

#[test]
fn report_that_cannot_be_written() {
    let root = report_root("report-unwritable");
    std::fs::write(root.join("reports"), "a file, not a directory\n").expect("written");
    let shown = path_str(&root);
    fails(
        &["report", "--root", &shown],
        1,
        &[&format!("cannot create {shown}/reports: File exists")],
    );
}
