//! The guard on a sweep's size: its runs (grid points x replications) are counted, without
//! overflow, before the grid is built, and a sweep over the limit is refused with the count and
//! how to allow it.

use sim_core::diagnostic::Diagnostic;
use sim_core::sweep::{Axis, SweepSpec, run_count};

use crate::exit::{CliError, CliResult};

/// The most runs a sweep may have unless its file (`max_runs`) or `--max-runs` says otherwise.
pub const DEFAULT_MAX_RUNS: u64 = 100_000;

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
        spec.replications,
        flag,
        spec.max_runs,
        source,
        "sweep",
    )
}

/// The guard of `check_size` for any file with axes (`kind` names it in messages: `sweep`,
/// `tune`): `axes` x `reps` runs against `flag`, then `file_limit`, then `DEFAULT_MAX_RUNS`.
pub fn check_runs(
    axes: &[Axis],
    reps: u64,
    flag: Option<u64>,
    file_limit: Option<u64>,
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
