//! A sweep that cannot go on stops at once and says how to go on: a signal (SIGINT, SIGTERM)
//! or a journal that can no longer be written stops it at a safe point with every finished run
//! saved; its output directory is its own (locked while it runs, never another sweep's) and
//! cleared of temporary files an interrupted write left.

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{assert_same_files, root, temp_dir};
use crate::sweep_resume::{journal_runs, long_sweep, sweep};
use crate::sweeps::small_sweep;

/// Starts `breakersim sweep FILE --threads 2 --out OUT`, through `wrapper` (a shell command
/// line ending in `"$@"`) if given.
fn start(file: &Path, out: &Path, wrapper: Option<&str>) -> Child {
    let bin = env!("CARGO_BIN_EXE_breakersim");
    let mut cmd = match wrapper {
        Some(w) => {
            let mut c = Command::new("sh");
            c.args(["-c", w, "sh", bin]);
            c
        }
        None => Command::new(bin),
    };
    cmd.args(["sweep", file.to_str().unwrap(), "--threads", "2", "--out"])
        .arg(out)
        .args(["--message-format", "short"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Waits until the journal in `out` holds at least `runs` runs, the sweep still running.
fn wait_for_runs(child: &mut Child, out: &Path, runs: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while journal_runs(out) < runs {
        assert!(
            child.try_wait().expect("waitable").is_none(),
            "the sweep finished first: make it longer"
        );
        assert!(Instant::now() < deadline, "no runs recorded in 120 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn finish(child: Child) -> (i32, String) {
    let out = child.wait_with_output().expect("reaped");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs whose journal line is whole (ends in a newline).
fn whole_lines(out: &Path) -> usize {
    let bytes = std::fs::read(out.join("runs.journal")).unwrap();
    bytes.iter().filter(|&&b| b == b'\n').count() - 1
}

/// "N of 600 runs are saved" in a stopped sweep's message.
fn saved_runs(stderr: &str) -> usize {
    let before = stderr
        .split(" of 600 runs are saved")
        .next()
        .filter(|_| stderr.contains(" of 600 runs are saved"))
        .unwrap_or_else(|| panic!("no saved count: {stderr}"));
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn a_signal_stops_the_sweep_at_a_safe_point_and_says_how_to_resume() {
    let file = long_sweep();
    let base = temp_dir("reliability-signal");
    let whole = base.join("whole");
    for (signal, name, code) in [("INT", "SIGINT", 130), ("TERM", "SIGTERM", 143)] {
        let out = base.join(name);
        let mut child = start(&file, &out, None);
        wait_for_runs(&mut child, &out, 20);
        let sent = Command::new("kill")
            .args(["-s", signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let (exit, stderr) = finish(child);
        assert_eq!(exit, code, "{stderr}");
        let resume = format!(
            "continue with: breakersim sweep {} --out {} --resume",
            file.display(),
            out.display()
        );
        assert!(
            stderr.contains(&format!("{name}: the sweep stopped; ")),
            "{stderr}"
        );
        assert!(stderr.contains(&resume), "{stderr}");
        // Every finished run is saved, and the message says how many.
        let saved = saved_runs(&stderr);
        assert_eq!(journal_runs(&out), saved, "{stderr}");
        assert!((20..600).contains(&saved), "{saved}");
        assert!(
            !out.join("runs.csv").exists(),
            "no tables for a stopped sweep"
        );
        if name == "SIGINT" {
            let resumed = sweep(&file, &out, &["--resume"]);
            assert_eq!(resumed.code, 0, "{}", resumed.stderr);
            assert_eq!(sweep(&file, &whole, &[]).code, 0);
            assert_same_files(&whole, &out);
        }
    }
}

#[test]
fn a_journal_that_cannot_be_written_stops_the_sweep_at_once() {
    // A file size limit makes the journal's writes past 6,000 bytes fail (EFBIG) as a full disk
    // would (ENOSPC); SIGXFSZ is ignored so that the write fails instead of killing the process.
    let file = long_sweep();
    let base = temp_dir("reliability-full");
    let out = base.join("out");
    let limited = r#"trap "" XFSZ; exec prlimit --fsize=6000 "$@""#;
    let (exit, stderr) = finish(start(&file, &out, Some(limited)));
    assert_eq!(exit, 1, "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(stderr.contains("the sweep stopped at once"), "{stderr}");
    let saved: usize = stderr
        .split(" runs are saved in it")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stderr}"));
    // A write that failed part-way leaves a torn last line, which `--resume` runs again.
    assert_eq!(whole_lines(&out), saved, "{stderr}");
    assert!(saved < 100, "the journal holds {saved} runs of 600");
    assert!(stderr.contains("--resume"), "{stderr}");
    // With room again, the sweep continues to the files an uninterrupted one writes.
    let resumed = sweep(&file, &out, &["--resume"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let whole = base.join("whole");
    assert_eq!(sweep(&file, &whole, &[]).code, 0);
    assert_same_files(&whole, &out);
}

#[test]
fn a_busy_directory_or_another_sweeps_is_refused() {
    let base = temp_dir("reliability-lock");
    let out = base.join("out");
    let file = small_sweep("reliability-lock.toml");
    std::fs::create_dir_all(&out).unwrap();
    let held = File::open(&out).unwrap();
    held.try_lock().unwrap();
    let r = sweep(&file, &out, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("another breakersim sweep or merge is writing into this directory"),
        "{}",
        r.stderr
    );
    held.unlock().unwrap();
    assert_eq!(sweep(&file, &out, &[]).code, 0);

    let other = small_sweep("reliability-other.toml");
    let r = sweep(&other, &out, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for part in [
        "holds the runs of sweep `reliability-lock`",
        "not of `reliability-other`",
        "pick another --out",
    ] {
        assert!(r.stderr.contains(part), "{part:?} not in {}", r.stderr);
    }
}

#[test]
fn resume_removes_the_temporary_files_an_interrupted_write_left() {
    let file = small_sweep("reliability-stale.toml");
    let base = temp_dir("reliability-stale");
    let (whole, out) = (base.join("whole"), base.join("out"));
    assert_eq!(sweep(&file, &whole, &[]).code, 0);
    assert_eq!(sweep(&file, &out, &[]).code, 0);
    // A kill during the final writes leaves these behind.
    for stale in [".runs.csv.tmp-4242", ".summary.json.tmp-77"] {
        std::fs::write(out.join(stale), "torn").unwrap();
    }
    let r = sweep(&file, &out, &["--resume"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("removed 2 temporary file(s)"),
        "{}",
        r.stderr
    );
    assert_same_files(&whole, &out);
}
