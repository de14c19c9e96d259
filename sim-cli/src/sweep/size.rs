//! The guard on a sweep's size: its runs (grid points x replications) are counted, without
//! overflow, before the grid is built, and a sweep over the limit is refused with the count and
//! how to allow it.

use sim_core::diagnostic::Diagnostic;
use sim_core::sweep::{Axis, SweepSpec, run_count};

use crate::exit::{CliError, CliResult};

/// The most runs a sweep may have unless its file (`max_runs`) or `--max-runs` says otherwise.
pub const DEFAULT_MAX_RUNS: u64 = 100_000;

/// Memory a sweep keeps per run until it ends (its row, its journal line, its table row, its
/// place in the job list), with this much more per metric. Measured with `/usr/bin/time` on
/// sweeps of a one-request scenario: 50,000 and 200,000 runs took 21.2 and 61.1 MB with one
/// metric (266 bytes a run), 26.0 and 81.1 MB with five (367 bytes); rounded up.
pub const BYTES_PER_RUN: u64 = 300;
pub const BYTES_PER_RUN_METRIC: u64 = 32;

/// The most memory a sweep may keep, whatever `max_runs` allows: 4 GiB, about 10 million
/// runs of a few metrics.
pub const MAX_SWEEP_BYTES: u64 = 4 << 30;

/// Checks the runs of `axes` x `spec.replications` against the limit: `flag` (`--max-runs`)
/// first, then the sweep file's `max_runs`, then `DEFAULT_MAX_RUNS`. Returns the number of runs.
pub fn check_size(
    spec: &SweepSpec,
    axes: &[Axis],
    flag: Option<u64>,
    source: &str,
) -> CliResult<u64> {
    check_runs(
        axes,
        (spec.replications, spec.metrics.len()),
        (flag, spec.max_runs),
        source,
        "sweep",
    )
}

/// The guard of `check_size` for any file with axes (`kind` names it in messages: `sweep`,
/// `tune`): `axes` x `reps` runs of `metrics` metrics each against `flag`, then `file_limit`,
/// then `DEFAULT_MAX_RUNS`, and their kept rows against `MAX_SWEEP_BYTES`.
pub fn check_runs(
    axes: &[Axis],
    (reps, metrics): (u64, usize),
    (flag, file_limit): (Option<u64>, Option<u64>),
    source: &str,
    kind: &str,
) -> CliResult<u64> {
    let count = run_count(axes, reps);
    let Some(runs) = count.runs else {
        let lengths: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
        let message = format!(
            "the {kind} has more runs than a 64-bit count can hold ({} values on the axes x {reps} replications); no max_runs can allow it",
            lengths.join(" x ")
        );
        return Err(CliError::input(
            Diagnostic::error(source, message)
                .path("axes")
                .hint("use fewer values or replications"),
        ));
    };
    let (limit, origin) = match (flag, file_limit) {
        (Some(n), _) => (n, "set by --max-runs".to_string()),
        (None, Some(n)) => (n, format!("set by `max_runs` in the {kind} file")),
        (None, None) => (DEFAULT_MAX_RUNS, "the default".to_string()),
    };
    let per_run = BYTES_PER_RUN + BYTES_PER_RUN_METRIC * metrics as u64;
    let bytes = u128::from(runs) * u128::from(per_run);
    if runs <= limit && bytes > u128::from(MAX_SWEEP_BYTES) {
        let message = format!(
            "{runs} runs would keep about {:.1} GB in memory until the {kind} ends ({per_run} bytes a run with {metrics} metric(s)), more than the {:.1} GB breakersim allows a {kind}",
            bytes as f64 / 1e9,
            MAX_SWEEP_BYTES as f64 / 1e9
        );
        return Err(CliError::input(
            Diagnostic::error(source, message)
                .path("replications")
                .hint("use fewer points or replications, or run it as several sweeps"),
        ));
    }
    if runs > limit {
        let points = count.points.unwrap_or(runs / reps);
        let message = format!(
            "{runs} runs = {points} points x {reps} replications, more than the limit of {limit} runs ({origin}); every point is held in memory and every run takes time, so check the axes"
        );
        return Err(CliError::input(
            Diagnostic::error(source, message).path("max_runs").hint(format!(
                "to allow it, set `max_runs = {runs}` in the {kind} file or pass --max-runs {runs}"
            )),
        ));
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::sweep::{expand_axes, parse_sweep};

    fn check(axes: &str, replications: u64, flag: Option<u64>) -> CliResult<u64> {
        let text = format!(
            "scenario = \"x.toml\"\nmetrics = [\"availability\"]\nreplications = {replications}\n{axes}"
        );
        let spec = parse_sweep(&text, "s.toml").unwrap();
        let axes = expand_axes(&spec, "s.toml").unwrap();
        check_size(&spec, &axes, flag, "s.toml")
    }

    const AXIS: &str = "[[axes]]\npath = \"a\"\nrange = { from = 1, to = 100, step = 1 }\n";

    /// 1 point x 10^9 replications with one metric: 332 bytes a run, 332 GB: refused before
    /// anything is allocated; 10^7 runs (3.3 GB) pass.
    #[test]
    fn a_sweep_whose_rows_would_not_fit_in_memory_is_refused() {
        let e = check("", 1_000_000_000, Some(1_000_000_000))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("1000000000 runs would keep about 332.0 GB in memory until the sweep ends (332 bytes a run with 1 metric(s))"),
            "{e}"
        );
        assert_eq!(check("", 10_000_000, Some(10_000_000)).unwrap(), 10_000_000);
    }

    #[test]
    fn ten_thousand_runs_pass_by_default_and_the_limit_is_inclusive() {
        assert_eq!(check(AXIS, 100, None).unwrap(), 10_000);
        assert_eq!(check(&AXIS.repeat(2), 10, None).unwrap(), DEFAULT_MAX_RUNS);
        let e = check(&AXIS.repeat(2), 11, None).unwrap_err().to_string();
        assert!(
            e.contains("110000 runs = 10000 points x 11 replications"),
            "{e}"
        );
        assert_eq!(check(&AXIS.repeat(2), 11, Some(110_000)).unwrap(), 110_000);
    }
}
