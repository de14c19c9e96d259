//! The sweep size guard: a sweep of more runs than the limit (100,000 unless the file's
//! `max_runs` or `--max-runs` says otherwise) is refused before its grid is built, with the count
//! and how to allow it; a count too big for 64 bits is refused too.

use crate::common::{breakersim, root, temp_dir, temp_file};
use crate::sweeps::small_sweep;

fn sweep_with(name: &str, extra: &str) -> std::path::PathBuf {
    let lab = root().join("scenarios/envoy-circuit-breaker-lab.toml");
    temp_file(
        name,
        &format!(
            "scenario = \"{}\"\nmetrics = [\"availability\"]\n{extra}",
            lab.display()
        ),
    )
}

#[test]
fn a_sweep_over_the_default_limit_is_refused_with_the_count() {
    let file = sweep_with(
        "size-default.toml",
        "replications = 101\n[[axes]]\npath = \"cluster.circuit_breakers.thresholds.0.max_pending_requests\"\nrange = { from = 1, to = 1000, step = 1 }\n",
    );
    let r = breakersim(&["sweep", file.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for part in [
        "size-default.toml: max_runs: 101000 runs = 1000 points x 101 replications",
        "more than the limit of 100000 runs (the default)",
        "set `max_runs = 101000` in the sweep file or pass --max-runs 101000",
    ] {
        assert!(r.stderr.contains(part), "{part:?} not in {}", r.stderr);
    }
}

#[test]
fn a_grid_too_big_to_count_is_refused() {
    let axis = "[[axes]]\npath = \"cluster.connect_timeout\"\nrange = { from = \"1ms\", to = \"10s\", step = \"1ms\" }\n";
    let file = sweep_with("size-overflow.toml", &axis.repeat(5));
    let r = breakersim(&[
        "sweep",
        file.to_str().unwrap(),
        "--max-runs",
        "18446744073709551615",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("more runs than a 64-bit count can hold (10000 x 10000 x 10000 x 10000 x 10000 values on the axes x 1 replications)"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_flag_overrides_the_file_limit() {
    let file = small_sweep("size-small.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let limited = temp_file("size-limited.toml", &format!("max_runs = 10\n{text}"));
    let out = temp_dir("size-limited");
    let r = breakersim(&[
        "sweep",
        limited.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("12 runs = 4 points x 3 replications, more than the limit of 10 runs (set by `max_runs` in the sweep file)"),
        "{}",
        r.stderr
    );
    let r = breakersim(&[
        "sweep",
        file.to_str().unwrap(),
        "--max-runs",
        "11",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("limit of 11 runs (set by --max-runs)"),
        "{}",
        r.stderr
    );
    assert!(!out.join("runs.journal").exists(), "nothing written");

    let r = breakersim(&[
        "sweep",
        limited.to_str().unwrap(),
        "--max-runs",
        "12",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = breakersim(&["sweep", file.to_str().unwrap(), "--max-runs", "0"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--max-runs"), "{}", r.stderr);
    let zero = temp_file("size-zero.toml", &format!("max_runs = 0\n{text}"));
    let r = breakersim(&["sweep", zero.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("max_runs: must be 1 or more"),
        "{}",
        r.stderr
    );
}

/// benches/sweep-10k.toml is the 10,000-run sweep docs/sweeps.md measures: it loads, has exactly
/// 10,000 runs, and needs no `max_runs` (checked without running it, by a limit just below).
#[test]
fn the_bench_sweep_has_ten_thousand_runs() {
    let file = root().join("benches/sweep-10k.toml");
    let r = breakersim(&["sweep", file.to_str().unwrap(), "--max-runs", "9999"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("10000 runs = 100 points x 100 replications, more than the limit of 9999"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("max_runs"),
        "10,000 runs pass the default limit"
    );
}
