//! Sharded sweeps: shards 0/3, 1/3 and 2/3 merged give the same bytes as the unsharded sweep;
//! merge refuses missing or unfinished shards, shards of different sweeps, and a sweep file that
//! is not the one the shards ran; bad `--shard` values exit 2.

use std::path::Path;

use crate::common::{Invocation, assert_same_files, breakersim, dir_files, temp_dir, temp_file};
use crate::sweeps::small_sweep;

fn run(args: &[&Path], flags: &[&str]) -> Invocation {
    let mut all: Vec<&str> = flags.to_vec();
    all.extend(args.iter().map(|p| p.to_str().unwrap()));
    breakersim(&all)
}

/// Runs shard `i` of 3 of `file` into `out`.
fn shard(file: &Path, i: usize, out: &Path) -> Invocation {
    let s = format!("{i}/3");
    let r = breakersim(&[
        "sweep",
        file.to_str().unwrap(),
        "--shard",
        &s,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

fn merge(dirs: &[&Path], out: &Path, extra: &[&str]) -> Invocation {
    let mut args = vec!["merge".to_string()];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap().to_string()));
    args.extend(["--out".to_string(), out.to_str().unwrap().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    breakersim(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn merged_shards_are_the_unsharded_sweep() {
    let file = small_sweep("shards.toml");
    let base = temp_dir("shards");
    let whole = base.join("whole");
    let r = run(&[&file], &["sweep", "--out", whole.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dirs: Vec<_> = (0..3).map(|i| base.join(format!("shard-{i}"))).collect();
    for (i, dir) in dirs.iter().enumerate() {
        let r = shard(&file, i, dir);
        assert!(
            r.stdout.contains(&format!(
                "shard {i}/3: 4 of 12 runs (4 points x 3 replications)"
            )),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("breakersim merge"), "{}", r.stdout);
        let names: Vec<String> = dir_files(dir).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            vec!["runs.journal"],
            "a shard writes only its journal"
        );
    }
    // Resuming a finished shard runs nothing and leaves the same journal.
    let before = std::fs::read(dirs[1].join("runs.journal")).unwrap();
    let r = run(
        &[&file],
        &[
            "sweep",
            "--shard",
            "1/3",
            "--resume",
            "--out",
            dirs[1].to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(": 4 read from the journal"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(", 0 run on"), "{}", r.stdout);
    assert_eq!(std::fs::read(dirs[1].join("runs.journal")).unwrap(), before);

    let merged = base.join("merged");
    // In any order, and a shard given twice is harmless.
    let r = merge(&[&dirs[2], &dirs[0], &dirs[1], &dirs[0]], &merged, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("merged 12 runs from 4 journal(s) of 3 shard(s)"),
        "{}",
        r.stdout
    );
    assert_same_files(&whole, &merged);
}

#[test]
fn merge_refuses_what_does_not_make_the_whole_sweep() {
    let file = small_sweep("shards-bad.toml");
    let base = temp_dir("shards-bad");
    let dirs: Vec<_> = (0..3).map(|i| base.join(format!("shard-{i}"))).collect();
    for (i, dir) in dirs.iter().enumerate() {
        shard(&file, i, dir);
    }
    let out = base.join("merged");

    // A shard not given.
    let r = merge(&[&dirs[0], &dirs[1]], &out, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for part in [
        "4 of the sweep's 12 runs are missing",
        "shard 2/3 is not among the directories given",
        "--shard I/3 --resume",
    ] {
        assert!(r.stderr.contains(part), "{part:?} not in {}", r.stderr);
    }

    // A shard that did not finish (its last run cut off).
    let journal = dirs[1].join("runs.journal");
    let whole = std::fs::read_to_string(&journal).unwrap();
    let cut = whole.trim_end_matches('\n').rsplit_once('\n').unwrap().0;
    std::fs::write(&journal, format!("{cut}\n")).unwrap();
    let r = merge(&[&dirs[0], &dirs[1], &dirs[2]], &out, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 of the sweep's 12 runs are missing"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "shard 1/3 ({}) has 3 of its 4 runs",
            dirs[1].display()
        )),
        "{}",
        r.stderr
    );
    std::fs::write(&journal, whole).unwrap();

    // A shard of another sweep (another seed).
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("seed = 7", "seed = 8");
    let other = temp_file("shards-bad-other.toml", &text);
    let stranger = base.join("stranger");
    shard(&other, 2, &stranger);
    let r = merge(&[&dirs[0], &dirs[1], &stranger], &out, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("runs.journal: not a shard of the same sweep as"),
        "{}",
        r.stderr
    );

    // The right shards, but a sweep file that is not the one they ran.
    let r = merge(
        &[&dirs[0], &dirs[1], &dirs[2]],
        &out,
        &["--sweep", other.to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("not the sweep the shards ran"),
        "{}",
        r.stderr
    );

    // A directory without a journal.
    let r = merge(&[&dirs[0], &base], &out, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no journal here"), "{}", r.stderr);

    assert!(!out.exists(), "nothing written by a refused merge");
}

#[test]
fn bad_shards_exit_2_with_the_form() {
    let file = small_sweep("shards-arg.toml");
    for (bad, expected) in [
        ("3/3", "numbered 0 to 2"),
        ("0/0", "N must be 1 or more"),
        ("1", "expected I/N with 0 <= I < N"),
        ("a/b", "whole numbers"),
        ("-1/2", "whole numbers"),
    ] {
        let r = breakersim(&["sweep", file.to_str().unwrap(), &format!("--shard={bad}")]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(
            r.stderr.contains(expected),
            "{bad}: {expected:?} not in {}",
            r.stderr
        );
        assert!(r.stderr.contains("--shard"), "{}", r.stderr);
    }
}
