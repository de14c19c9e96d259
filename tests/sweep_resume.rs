//! Resumable sweeps: a sweep killed part-way and resumed writes the same bytes as one never
//! interrupted; a torn or damaged journal line is run again; a journal of another sweep or shard
//! is refused; resuming a finished sweep runs nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{assert_same_files, breakersim, root, temp_dir, temp_file};
use crate::sweeps::small_sweep;

/// The lab with 2 requests per worker, over 4 x 3 points x 50 replications: 600 short runs,
/// a few seconds in a debug build.
pub fn long_sweep() -> PathBuf {
    let lab = root().join("scenarios/envoy-circuit-breaker-lab.toml");
    let text = format!(
        r#"
scenario = "{lab}"
seed = 5
replications = 50
set = ["clients.0.requests_per_worker=2"]
metrics = ["share.503", "availability", "latency.p99", "stat.upstream_cx_overflow"]

[[axes]]
path = "cluster.circuit_breakers.thresholds.0.max_pending_requests"
label = "pending"
values = [5, 10, 20, 40]

[[axes]]
path = "cluster.circuit_breakers.thresholds.0.max_connections"
label = "connections"
values = [5, 10, 20]

[[charts]]
kind = "line"
file = "line.svg"
title = "503 share"
metric = "share.503"
x = "pending"
series = "connections"
baseline = {{ label = "Envoy's default breakers", unset = ["cluster.circuit_breakers"] }}

[[charts]]
kind = "timeline"
file = "timeline.svg"
title = "one run"
bucket = "1ms"
"#,
        lab = lab.display()
    );
    temp_file("resume-long.toml", &text)
}

pub fn sweep(file: &Path, out: &Path, extra: &[&str]) -> crate::common::Invocation {
    let mut args = vec![
        "sweep",
        file.to_str().unwrap(),
        "--threads",
        "2",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    breakersim(&args)
}

/// Runs recorded in a journal (its lines after the header, complete or not).
pub fn journal_runs(dir: &Path) -> usize {
    std::fs::read(dir.join("runs.journal"))
        .map(|b| {
            b.split(|&c| c == b'\n')
                .skip(1)
                .filter(|l| !l.is_empty())
                .count()
        })
        .unwrap_or(0)
}

/// `N` in "N read from the journal" of a resumed sweep's summary line.
fn read_from_journal(stdout: &str) -> usize {
    let before = stdout
        .split(" read from the journal")
        .next()
        .filter(|_| stdout.contains(" read from the journal"))
        .unwrap_or_else(|| panic!("not a resumed sweep: {stdout}"));
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn a_killed_sweep_resumes_to_the_same_files() {
    let file = long_sweep();
    let base = temp_dir("resume-kill");
    let (whole, killed) = (base.join("whole"), base.join("killed"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_breakersim"))
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--threads",
            "2",
            "--out",
            killed.to_str().unwrap(),
        ])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    while journal_runs(&killed) < 20 {
        assert!(
            child.try_wait().expect("waitable").is_none(),
            "the sweep finished before it could be killed: make it longer"
        );
        assert!(Instant::now() < deadline, "no runs recorded in 120 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL"); // SIGKILL on Unix: no chance to clean up
    child.wait().expect("reaped");
    let recorded = journal_runs(&killed);
    assert!(
        (20..600).contains(&recorded),
        "killed part-way: {recorded} runs recorded"
    );
    assert!(
        !killed.join("runs.csv").exists(),
        "no tables before the end"
    );

    let resumed = sweep(&file, &killed, &["--resume"]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let read = read_from_journal(&resumed.stdout);
    // The last line may have been torn by the kill: at most that one is run again.
    assert!(
        read + 1 >= recorded && read <= recorded,
        "{read} of {recorded}"
    );
    assert!(
        resumed.stdout.contains(&format!(", {} run on", 600 - read)),
        "{}",
        resumed.stdout
    );

    let fresh = sweep(&file, &whole, &[]);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    assert_same_files(&whole, &killed);
}

/// A finished sweep's journal, cut or damaged, in a directory of its own.
fn damaged_copy(finished: &Path, to: &Path, damage: impl Fn(&mut Vec<Vec<u8>>)) {
    let text = std::fs::read(finished.join("runs.journal")).unwrap();
    let mut lines: Vec<Vec<u8>> = text
        .split_inclusive(|&c| c == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    damage(&mut lines);
    std::fs::create_dir_all(to).unwrap();
    std::fs::write(to.join("runs.journal"), lines.concat()).unwrap();
}

#[test]
fn torn_and_damaged_lines_are_run_again() {
    let file = small_sweep("resume-torn.toml");
    let base = temp_dir("resume-torn");
    let whole = base.join("whole");
    assert_eq!(sweep(&file, &whole, &[]).code, 0);

    // Power lost while the 8th run was being written: half its line is on disk.
    let torn = base.join("torn");
    damaged_copy(&whole, &torn, |lines| {
        lines.truncate(1 + 8);
        let last = lines.last_mut().unwrap();
        last.truncate(last.len() / 2);
    });
    let r = sweep(&file, &torn, &["--resume"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read_from_journal(&r.stdout), 7, "{}", r.stdout);
    assert!(
        r.stderr.contains("1 damaged or torn line(s) left out"),
        "{}",
        r.stderr
    );
    assert_same_files(&whole, &torn);

    // A line in the middle whose bytes changed fails its checksum, and its run is run again.
    let flipped = base.join("flipped");
    damaged_copy(&whole, &flipped, |lines| {
        let line = &mut lines[3];
        let at = line.iter().position(|&c| c == b'\t').unwrap() + 1;
        line[at] = if line[at] == b'7' { b'8' } else { b'7' };
    });
    let r = sweep(&file, &flipped, &["--resume"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read_from_journal(&r.stdout), 11, "{}", r.stdout);
    assert_same_files(&whole, &flipped);
}

#[test]
fn resuming_a_finished_sweep_runs_nothing() {
    let file = small_sweep("resume-done.toml");
    let base = temp_dir("resume-done");
    let (whole, again) = (base.join("whole"), base.join("again"));
    assert_eq!(sweep(&file, &whole, &[]).code, 0);
    assert_eq!(sweep(&file, &again, &[]).code, 0);
    let r = sweep(&file, &again, &["--resume"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("12 runs (4 points x 3 replications): 12 read from the journal in"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(", 0 run on 2 thread(s)"), "{}", r.stdout);
    assert_same_files(&whole, &again);
    // Without --resume, the journal is started afresh; the outputs are the same again.
    let r = sweep(&file, &again, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("starting"), "{}", r.stderr);
    assert_same_files(&whole, &again);
}

#[test]
fn a_journal_of_another_sweep_or_shard_is_refused() {
    let file = small_sweep("resume-other.toml");
    let base = temp_dir("resume-other");
    let out = base.join("out");
    assert_eq!(sweep(&file, &out, &[]).code, 0);
    let journal = std::fs::read(out.join("runs.journal")).unwrap();

    // The same sweep with another seed: other results, so another fingerprint.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("seed = 7", "seed = 8");
    let other = temp_file("resume-other-seed.toml", &text);
    let r = sweep(&other, &out, &["--resume"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for part in [
        "runs.journal: this journal belongs to another sweep or shard",
        "the settings that decide the results (the fingerprint) differ",
        "resume-other.toml",
        "resume-other-seed.toml",
        "; delete it to start afresh, or pick another --out",
    ] {
        assert!(r.stderr.contains(part), "{part:?} not in {}", r.stderr);
    }

    let r = sweep(&file, &out, &["--resume", "--shard", "1/2"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("the shard differs"), "{}", r.stderr);
    assert!(r.stderr.contains("shard 0/1 of 12 runs"), "{}", r.stderr);
    assert!(r.stderr.contains("shard 1/2 of 12 runs"), "{}", r.stderr);

    // Not a journal at all.
    let junk = base.join("junk");
    std::fs::create_dir_all(&junk).unwrap();
    std::fs::write(junk.join("runs.journal"), "hello\n").unwrap();
    let r = sweep(&file, &junk, &["--resume"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a breakersim sweep journal"),
        "{}",
        r.stderr
    );

    assert_eq!(
        std::fs::read(out.join("runs.journal")).unwrap(),
        journal,
        "a refused journal is left as it was"
    );
}
