//! Running a sweep: every (grid point, replication) job in parallel, results in job order.

use rayon::prelude::*;
use toml::Table;

use super::grid::{Grid, replication_seed};
use super::metrics::Metric;
use super::spec::{SweepSpec, plain};
use super::summary::{PointSummary, Stats};
use crate::scenario::{
    ErrorOrigin, Override, Scenario, ScenarioError, apply_override, scenario_from_table,
};
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
/// point's axis values applied, validated. An invalid point is blamed on the sweep file: on the
/// `set` entry or the grid point (its axis values) that made it invalid.
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
                apply_override(&mut table, o).map_err(|message| ScenarioError {
                    source: sweep_source.to_string(),
                    path: Some(o.display_path()),
                    origin: ErrorOrigin::Entry(entry(&o.raw)),
                    message,
                })?;
            }
            scenario_from_table(table, base_text, base_source, &overrides).map_err(|e| {
                match e.origin {
                    ErrorOrigin::Override(raw) => ScenarioError {
                        source: sweep_source.to_string(),
                        origin: ErrorOrigin::Entry(entry(&raw)),
                        ..e
                    },
                    // Blamed on the base file; the point may still be what made it wrong.
                    _ if !point.is_empty() => ScenarioError {
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

/// Runs every replication of every point on `threads` threads. `progress` is called after each
/// run (from any thread). The result is the same whatever the number of threads.
pub fn run_sweep(
    spec: &SweepSpec,
    grid: Grid,
    scenarios: Vec<Scenario>,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> SweepResult {
    let reps = spec.replications;
    let jobs = grid.points.len() as u64 * reps;
    let metrics = spec.metrics.clone();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("a thread pool");
    let rows: Vec<RunRow> = pool.install(|| {
        (0..jobs)
            .into_par_iter()
            .map(|job| {
                let (point, replication) = ((job / reps) as usize, job % reps);
                let seed = replication_seed(spec.seed, replication);
                let result = run(&scenarios[point], seed);
                progress();
                RunRow {
                    point,
                    replication,
                    seed,
                    values: metrics.iter().map(|m| m.value(&result)).collect(),
                }
            })
            .collect()
    });
    let summaries = summarise(&rows, grid.points.len(), metrics.len(), reps as usize);
    SweepResult {
        grid,
        metrics,
        rows,
        summaries,
        scenarios,
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
