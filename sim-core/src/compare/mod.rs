//! `compare`: two configurations run on the same replication seeds (common random numbers: every
//! entity's random stream depends on the seed and the entity only, so the world's draws are the
//! same in A and B and the difference is the settings' alone), with replications added until the
//! first metric's paired interval is narrow enough.

pub mod paired;

use rayon::prelude::*;

use crate::scenario::Scenario;
use crate::sim::{RunLimitExceeded, run};
use crate::sweep::{Metric, replication_seed};

pub use paired::{Interval, Paired, Verdict};

/// How many replications to run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Precision {
    /// Replications to start with (at least 2).
    pub min_runs: usize,
    /// Replications never to exceed.
    pub max_runs: usize,
    /// Stop once the first metric's paired 95% half-width is at most this (in the metric's
    /// unit); `None` runs `min_runs`.
    pub half_width: Option<f64>,
}

/// Both configurations' values of every metric, by replication, and each metric's comparison.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The seeds used, in replication order.
    pub seeds: Vec<u64>,
    /// `values_a[m][r]`: metric `m` in replication `r` of A.
    pub values_a: Vec<Vec<f64>>,
    /// `values_b[m][r]`: metric `m` in replication `r` of B.
    pub values_b: Vec<Vec<f64>>,
    /// Each metric's comparison, in the order asked.
    pub results: Vec<Paired>,
    /// Whether the first metric reached the precision asked for (always true without one).
    pub converged: bool,
}

/// A run of A or B that stopped at a limit.
#[derive(Clone, Debug)]
pub struct CompareRunFailed {
    /// `'A'` or `'B'`.
    pub side: char,
    /// The replication's seed.
    pub seed: u64,
    /// The limit it reached.
    pub error: RunLimitExceeded,
}

/// One replication: every metric's value in A and in B on `seed`.
fn replicate(
    a: &Scenario,
    b: &Scenario,
    metrics: &[Metric],
    seed: u64,
) -> Result<(Vec<f64>, Vec<f64>), CompareRunFailed> {
    let values = |s: &Scenario, side: char| {
        run(s, seed)
            .map(|r| metrics.iter().map(|m| m.value(&r)).collect::<Vec<f64>>())
            .map_err(|error| CompareRunFailed { side, seed, error })
    };
    Ok((values(a, 'A')?, values(b, 'B')?))
}

/// Runs A and B on the replication seeds of `base_seed` (as a sweep's replications are drawn)
/// until the first metric's interval meets `precision`, doubling the replications each round.
/// The same inputs give the same result on any number of threads: rounds are fixed by the
/// seed, and results are gathered in replication order.
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    metrics: &[Metric],
    base_seed: u64,
    precision: Precision,
) -> Result<Comparison, CompareRunFailed> {
    let mut seeds = Vec::new();
    let mut values_a = vec![Vec::new(); metrics.len()];
    let mut values_b = vec![Vec::new(); metrics.len()];
    let mut target = precision.min_runs.max(2).min(precision.max_runs.max(2));
    loop {
        let new: Vec<u64> = (seeds.len() as u64..target as u64)
            .map(|r| replication_seed(base_seed, r))
            .collect();
        let rows: Vec<_> = new
            .par_iter()
            .map(|&seed| replicate(a, b, metrics, seed))
            .collect::<Result<_, _>>()?;
        for (va, vb) in rows {
            for m in 0..metrics.len() {
                values_a[m].push(va[m]);
                values_b[m].push(vb[m]);
            }
        }
        seeds.extend(new);
        let first = paired::compare(&values_a[0], &values_b[0]);
        let converged = precision
            .half_width
            .is_none_or(|w| first.difference.half_width <= w);
        if converged || target >= precision.max_runs {
            let results = (0..metrics.len())
                .map(|m| paired::compare(&values_a[m], &values_b[m]))
                .collect();
            return Ok(Comparison {
                seeds,
                values_a,
                values_b,
                results,
                converged,
            });
        }
        target = (target * 2).min(precision.max_runs);
    }
}
