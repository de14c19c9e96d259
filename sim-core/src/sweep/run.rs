//! Running a sweep: every (grid point, replication) job in parallel, results in job order.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use toml::Table;

use super::failure::SweepRunFailed;
use super::grid::{Grid, replication_seed};
use super::metrics::Metric;
use super::spec::{SweepSpec, plain};
use super::summary::{PointSummary, Stats};
use crate::scenario::{Override, Scenario, ScenarioError, apply_override, scenario_from_table};
use crate::sim::run;

/// One run's metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRow {
    pub point: usize,
    pub replication: u64,
    pub seed: u64,
    /// In the order of the sweep's metrics.
    pub values: Vec<f64>,
}

#[derive(Clone, Debug)]
pub struct SweepResult {
    pub grid: Grid,
    pub metrics: Vec<Metric>,
    pub rows: Vec<RunRow>,
    pub summaries: Vec<PointSummary>,
    /// The scenario of each grid point (for re-running one of them, e.g. for a timeline).
    pub scenarios: Vec<Scenario>,
}

/// Builds the scenario of every grid point: the base table with the sweep's `set` and the
/// point's axis values applied, validated. An invalid point names its overrides.
pub fn point_scenarios(
    spec: &SweepSpec,
    grid: &Grid,
    base: &Table,
    base_text: &str,
    base_source: &str,
    sweep_source: &str,
) -> Result<Vec<Scenario>, ScenarioError> {
    let fixed = spec
        .set
        .iter()
        .map(|s| Override::parse(s).map_err(|m| plain(sweep_source, "set", m)))
        .collect::<Result<Vec<_>, _>>()?;
    grid.points
        .iter()
        .map(|p| {
            let overrides: Vec<Override> = fixed.iter().cloned().chain(grid.overrides(p)).collect();
            let mut table = base.clone();
            for o in &overrides {
                apply_override(&mut table, o).map_err(|m| {
                    plain(sweep_source, &o.display_path(), format!("{}: {m}", o.raw))
                })?;
            }
            scenario_from_table(table, base_text, base_source, &overrides)
        })
        .collect()
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
    let reps = spec.replications;
    let jobs = grid.points.len() as u64 * reps;
    let metrics = spec.metrics.clone();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("a thread pool");
    let failed_job = AtomicU64::new(u64::MAX);
    let rows: Vec<Option<Result<RunRow, SweepRunFailed>>> = pool.install(|| {
        (0..jobs)
            .into_par_iter()
            .map(|job| {
                if job > failed_job.load(Ordering::Relaxed) {
                    return None;
                }
                let (point, replication) = ((job / reps) as usize, job % reps);
                let seed = replication_seed(spec.seed, replication);
                let result = run(&scenarios[point], seed).map_err(|error| {
                    failed_job.fetch_min(job, Ordering::Relaxed);
                    let overrides = grid.overrides(&grid.points[point]);
                    SweepRunFailed {
                        point,
                        overrides: overrides.into_iter().map(|o| o.raw).collect(),
                        replication,
                        seed,
                        error,
                    }
                });
                progress();
                Some(result.map(|result| RunRow {
                    point,
                    replication,
                    seed,
                    values: metrics.iter().map(|m| m.value(&result)).collect(),
                }))
            })
            .collect()
    });
    let rows = rows.into_iter().flatten().collect::<Result<Vec<_>, _>>()?;
    let summaries = summarise(&rows, grid.points.len(), metrics.len(), reps as usize);
    Ok(SweepResult {
        grid,
        metrics,
        rows,
        summaries,
        scenarios,
    })
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
