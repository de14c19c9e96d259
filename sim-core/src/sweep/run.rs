//! Running a sweep: every (grid point, replication) job in parallel, results in job order.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use toml::Table;

use super::failure::SweepRunFailed;
use super::grid::{Grid, replication_seed};
use super::metrics::Metric;
use super::spec::{SweepSpec, plain};
use super::summary::{PointSummary, Stats};
use crate::diagnostic::{Diagnostic, Place};
use crate::scenario::{Override, Scenario, apply_override, scenario_from_table};
use crate::sim::run;

/// One run's metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRow {
    /// Index of the grid point.
    pub point: usize,
    /// Which replication (from 0).
    pub replication: u64,
    /// The replication's seed.
    pub seed: u64,
    /// In the order of the sweep's metrics.
    pub values: Vec<f64>,
}

#[derive(Clone, Debug)]
/// A sweep's results: the grid, every run's row and each point's summary.
pub struct SweepResult {
    /// The grid run.
    pub grid: Grid,
    /// The metrics collected, in the sweep file's order.
    pub metrics: Vec<Metric>,
    /// Every run's row, in job order (point by point, replications within a point).
    pub rows: Vec<RunRow>,
    /// Per grid point, each metric over the replications.
    pub summaries: Vec<PointSummary>,
    /// The scenario of each grid point (for re-running one of them, e.g. for a timeline).
    pub scenarios: Vec<Scenario>,
}

/// Builds the scenario of every grid point: the base table with the sweep's `set` and the
/// point's axis values applied, validated. An invalid point is blamed on the sweep file: on the
/// `set` entry or the grid point (its axis values) that made it invalid.
pub fn point_scenarios(
    spec: &SweepSpec,
    grid: &Grid,
    base: &Table,
    base_text: &str,
    base_source: &str,
    sweep_source: &str,
) -> Result<Vec<Scenario>, Diagnostic> {
    grid_scenarios(&spec.set, grid, base, base_text, base_source, sweep_source)
}

/// What `point_scenarios` does, for any file with a `set` list and a grid (a sweep's or a tune
/// file's): every point's scenario, errors blamed on `set` or the grid point in `sweep_source`.
pub fn grid_scenarios(
    set: &[String],
    grid: &Grid,
    base: &Table,
    base_text: &str,
    base_source: &str,
    sweep_source: &str,
) -> Result<Vec<Scenario>, Diagnostic> {
    let fixed = set
        .iter()
        .map(|s| {
            Override::parse(s).map_err(|m| {
                plain(sweep_source, "set", m).place(Place::Entry(format!("set entry {s}")))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    grid.points
        .iter()
        .map(|p| {
            let axes = grid.overrides(p);
            let point = axes
                .iter()
                .map(|o| o.raw.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            // Where a bad override was written: an entry of `set`, or an axis of the grid.
            let entry = |raw: &str| {
                if fixed.iter().any(|o| o.raw == raw) && !axes.iter().any(|o| o.raw == raw) {
                    format!("set entry {raw}")
                } else {
                    format!("grid point {point}")
                }
            };
            let overrides: Vec<Override> = fixed.iter().cloned().chain(axes.clone()).collect();
            let mut table = base.clone();
            for o in &overrides {
                apply_override(&mut table, o).map_err(|message| {
                    Diagnostic::error(sweep_source, message)
                        .path(o.display_path())
                        .place(Place::Entry(entry(&o.raw)))
                })?;
            }
            scenario_from_table(table, base_text, base_source, &overrides).map_err(|e| {
                match e.place {
                    Place::Override(ref raw) => {
                        let place = Place::Entry(entry(raw));
                        Diagnostic {
                            file: Some(sweep_source.to_string()),
                            ..e
                        }
                        .place(place)
                    }
                    // Blamed on the base file; the point may still be what made it wrong.
                    _ if !point.is_empty() => Diagnostic {
                        message: format!(
                            "{} (at the grid point {point} of {sweep_source})",
                            e.message
                        ),
                        ..e
                    },
                    _ => e,
                }
            })
        })
        .collect()
}

/// Where job `job` sits: jobs are numbered point by point, replications within a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobKey {
    /// Index of the grid point.
    pub point: usize,
    /// Which replication (from 0).
    pub replication: u64,
    /// The replication's seed.
    pub seed: u64,
}

/// The point, replication and seed of job number `job`.
pub fn job_key(spec: &SweepSpec, job: u64) -> JobKey {
    let reps = spec.replications;
    let replication = job % reps;
    JobKey {
        point: (job / reps) as usize,
        replication,
        seed: replication_seed(spec.seed, replication),
    }
}

/// How many jobs (runs) the sweep has: grid points x replications.
pub fn job_count(spec: &SweepSpec, grid: &Grid) -> u64 {
    grid.points.len() as u64 * spec.replications
}

/// Runs the jobs listed in `jobs` (indices as in `job_key`, ascending) on `threads` threads
/// and returns their rows in the order of `jobs`. `on_row` is called with each finished job and
/// its row, from whichever thread ran it, in no particular order (a caller can record them as
/// they come). A row does not depend on the number of threads or on the other jobs listed.
/// A run that reaches one of its scenario's limits fails the call: the first such job in the
/// list is reported, whatever the threads (jobs after a failed one are skipped, those before it
/// all run).
pub fn run_jobs(
    spec: &SweepSpec,
    grid: &Grid,
    scenarios: &[Scenario],
    jobs: &[u64],
    threads: usize,
    on_row: &(dyn Fn(u64, &RunRow) + Sync),
) -> Result<Vec<RunRow>, SweepRunFailed> {
    let rows = run_jobs_until(spec, grid, scenarios, jobs, threads, on_row, &|| false)?;
    Ok(rows.expect("never asked to stop"))
}

/// As [`run_jobs`], but no job starts once `stop` says so (it is asked before each job, from
/// any thread): then `Ok(None)`, the rows of the jobs that did finish having gone to `on_row`.
/// A job that reached a limit is still reported first.
pub fn run_jobs_until(
    spec: &SweepSpec,
    grid: &Grid,
    scenarios: &[Scenario],
    jobs: &[u64],
    threads: usize,
    on_row: &(dyn Fn(u64, &RunRow) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<RunRow>>, SweepRunFailed> {
    let keys: Vec<JobKey> = jobs.iter().map(|&job| job_key(spec, job)).collect();
    let on_key = |i: usize, row: &RunRow| on_row(jobs[i], row);
    run_keys_until(
        grid,
        scenarios,
        &spec.metrics,
        &keys,
        threads,
        &on_key,
        stop,
    )
}

/// Runs the runs `keys` (each a grid point, a replication and its seed) on `threads` threads
/// and returns their rows in the order of `keys`; `on_row` gets each row with its position in
/// `keys`, from any thread. A row depends on its key alone. The first run in `keys` that reaches
/// a limit fails the call, whatever the threads (runs after it are skipped, those before it all
/// run). `run_jobs` is this for a sweep's numbered jobs; `tune` runs its rounds with it.
pub fn run_keys(
    grid: &Grid,
    scenarios: &[Scenario],
    metrics: &[Metric],
    keys: &[JobKey],
    threads: usize,
    on_row: &(dyn Fn(usize, &RunRow) + Sync),
) -> Result<Vec<RunRow>, SweepRunFailed> {
    let rows = run_keys_until(grid, scenarios, metrics, keys, threads, on_row, &|| false)?;
    Ok(rows.expect("never asked to stop"))
}

/// As [`run_keys`], but no run starts once `stop` says so: then `Ok(None)`.
fn run_keys_until(
    grid: &Grid,
    scenarios: &[Scenario],
    metrics: &[Metric],
    keys: &[JobKey],
    threads: usize,
    on_row: &(dyn Fn(usize, &RunRow) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<RunRow>>, SweepRunFailed> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("a thread pool");
    let failed_at = AtomicUsize::new(usize::MAX);
    let rows: Vec<Option<Result<RunRow, SweepRunFailed>>> = pool.install(|| {
        keys.par_iter()
            .enumerate()
            .map(|(i, key)| {
                if i > failed_at.load(Ordering::Relaxed) || stop() {
                    return None;
                }
                let result = match run(&scenarios[key.point], key.seed) {
                    Ok(result) => result,
                    Err(error) => {
                        failed_at.fetch_min(i, Ordering::Relaxed);
                        let overrides = grid.overrides(&grid.points[key.point]);
                        return Some(Err(SweepRunFailed {
                            point: key.point,
                            overrides: overrides.into_iter().map(|o| o.raw).collect(),
                            replication: key.replication,
                            seed: key.seed,
                            error,
                        }));
                    }
                };
                let row = RunRow {
                    point: key.point,
                    replication: key.replication,
                    seed: key.seed,
                    values: metrics.iter().map(|m| m.value(&result)).collect(),
                };
                on_row(i, &row);
                Some(Ok(row))
            })
            .collect()
    });
    let skipped = rows.iter().any(Option::is_none);
    let rows: Vec<RunRow> = rows.into_iter().flatten().collect::<Result<_, _>>()?;
    Ok((!skipped).then_some(rows))
}

/// Runs every replication of every point on `threads` threads. `progress` is called after each
/// run (from any thread). The result is the same whatever the number of threads; so is the
/// error when runs reach a limit: the first such run in job order (jobs after a failed one are
/// skipped, those before it all run).
pub fn run_sweep(
    spec: &SweepSpec,
    grid: Grid,
    scenarios: Vec<Scenario>,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<SweepResult, SweepRunFailed> {
    let jobs: Vec<u64> = (0..job_count(spec, &grid)).collect();
    let rows = run_jobs(spec, &grid, &scenarios, &jobs, threads, &|_, _| progress())?;
    Ok(SweepResult::from_rows(spec, grid, scenarios, rows).expect("every job ran once, in order"))
}

impl SweepResult {
    /// The result of a sweep from the rows of all its jobs, in job order (say, run earlier and
    /// read back): summaries are computed from them exactly as `run_sweep` does. Fails, saying
    /// which, if a row is missing or is not the run its place says.
    pub fn from_rows(
        spec: &SweepSpec,
        grid: Grid,
        scenarios: Vec<Scenario>,
        rows: Vec<RunRow>,
    ) -> Result<SweepResult, String> {
        let jobs = job_count(spec, &grid);
        if rows.len() as u64 != jobs {
            return Err(format!("{} rows for a sweep of {jobs} runs", rows.len()));
        }
        let metrics = spec.metrics.clone();
        for (job, row) in rows.iter().enumerate() {
            let key = job_key(spec, job as u64);
            let found = (row.point, row.replication, row.seed);
            if found != (key.point, key.replication, key.seed) || row.values.len() != metrics.len()
            {
                return Err(format!(
                    "run {job} should be point {} replication {} seed {} with {} metrics, not point {} replication {} seed {} with {}",
                    key.point,
                    key.replication,
                    key.seed,
                    metrics.len(),
                    found.0,
                    found.1,
                    found.2,
                    row.values.len()
                ));
            }
        }
        let summaries = summarise(
            &rows,
            grid.points.len(),
            metrics.len(),
            spec.replications as usize,
        );
        Ok(SweepResult {
            grid,
            metrics,
            rows,
            summaries,
            scenarios,
        })
    }
}
fn summarise(rows: &[RunRow], points: usize, metrics: usize, reps: usize) -> Vec<PointSummary> {
    (0..points)
        .map(|p| {
            let runs = &rows[p * reps..(p + 1) * reps];
            PointSummary {
                point: p,
                metrics: (0..metrics)
                    .map(|m| Stats::of(&runs.iter().map(|r| r.values[m]).collect::<Vec<_>>()))
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_toml_table;
    use crate::sweep::parse_sweep;

    const BASE: &str = r#"
[cluster]
name = "c"
[[cluster.circuit_breakers.thresholds]]
max_pending_requests = 2
[[clients]]
kind = "closed_loop"
workers = 8
requests_per_worker = 5
[[backends]]
name = "b"
error_probability = 0.2
"#;

    const SWEEP: &str = r#"
scenario = "base.toml"
seed = 3
replications = 3
metrics = ["availability", "share.503", "latency.p99"]
[[axes]]
path = "cluster.circuit_breakers.thresholds.0.max_pending_requests"
values = [1, 4]
"#;

    fn sweep() -> (SweepSpec, Grid, Vec<Scenario>) {
        let spec = parse_sweep(SWEEP, "s.toml").unwrap();
        let grid = Grid::expand(&spec, "s.toml").unwrap();
        let base = parse_toml_table(BASE, "base.toml").unwrap();
        let scenarios = point_scenarios(&spec, &grid, &base, BASE, "base.toml", "s.toml").unwrap();
        (spec, grid, scenarios)
    }

    /// Once `stop` says so no job starts: with 2 threads at most the 2 jobs already running
    /// finish after it (`on_row` is where the caller finds out, so it is where it asks to stop).
    #[test]
    fn no_job_starts_once_asked_to_stop() {
        use std::sync::atomic::{AtomicBool, AtomicU64};
        let (spec, grid, scenarios) = sweep();
        let jobs: Vec<u64> = (0..6).collect();
        let (stop, finished) = (AtomicBool::new(false), AtomicU64::new(0));
        let on_row = |_: u64, _: &RunRow| {
            finished.fetch_add(1, Ordering::SeqCst);
            stop.store(true, Ordering::SeqCst);
        };
        let stopped = run_jobs_until(&spec, &grid, &scenarios, &jobs, 2, &on_row, &|| {
            stop.load(Ordering::SeqCst)
        })
        .unwrap();
        assert!(stopped.is_none(), "stopped before the end");
        assert!((1..=2).contains(&finished.load(Ordering::SeqCst)));
        let all = run_jobs_until(&spec, &grid, &scenarios, &jobs, 2, &|_, _| {}, &|| false);
        assert_eq!(all.unwrap().map(|rows| rows.len()), Some(6));
    }

    /// Jobs run in two halves (as two shards, or before and after a crash) and put back in
    /// order give the result of one whole run, summaries included.
    #[test]
    fn rows_run_in_parts_rebuild_the_whole_result() {
        let (spec, grid, scenarios) = sweep();
        let whole = run_sweep(&spec, grid.clone(), scenarios.clone(), 2, &|| {}).unwrap();
        let seen = std::sync::Mutex::new(Vec::new());
        let odd: Vec<u64> = (0..6).filter(|j| j % 2 == 1).collect();
        let even: Vec<u64> = (0..6).filter(|j| j % 2 == 0).collect();
        let odd_rows = run_jobs(&spec, &grid, &scenarios, &odd, 2, &|j, r| {
            seen.lock().unwrap().push((j, r.clone()))
        })
        .unwrap();
        let even_rows = run_jobs(&spec, &grid, &scenarios, &even, 1, &|_, _| {}).unwrap();
        let mut seen = seen.into_inner().unwrap();
        seen.sort_by_key(|(j, _)| *j);
        assert_eq!(
            seen,
            odd.iter()
                .copied()
                .zip(odd_rows.clone())
                .collect::<Vec<_>>()
        );
        let mut rows = Vec::new();
        for (e, o) in even_rows.into_iter().zip(odd_rows) {
            rows.push(e);
            rows.push(o);
        }
        let rebuilt = SweepResult::from_rows(&spec, grid, scenarios, rows).unwrap();
        assert_eq!(rebuilt.rows, whole.rows);
        assert_eq!(rebuilt.summaries, whole.summaries);
    }

    #[test]
    fn missing_or_misplaced_rows_are_refused() {
        let (spec, grid, scenarios) = sweep();
        let whole = run_sweep(&spec, grid.clone(), scenarios.clone(), 1, &|| {}).unwrap();
        let mut short = whole.rows.clone();
        short.pop();
        let e = SweepResult::from_rows(&spec, grid.clone(), scenarios.clone(), short).unwrap_err();
        assert_eq!(e, "5 rows for a sweep of 6 runs");
        let mut swapped = whole.rows.clone();
        swapped.swap(0, 1);
        let e = SweepResult::from_rows(&spec, grid, scenarios, swapped).unwrap_err();
        assert!(
            e.starts_with("run 0 should be point 0 replication 0"),
            "{e}"
        );
    }
}
