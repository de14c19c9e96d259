//! `tune`'s CLI side: loading a tune file (`load.rs`), the text and JSON reports
//! (`report.rs`), and the chart of the objective against a constraint's metric (`chart.rs`).

pub mod chart;
pub mod load;
pub mod report;

use sim_core::compare::paired::{self, CONFIDENCE, Interval};
use sim_core::sweep::Grid;
use sim_core::tune::{Candidate, TuneResult};

/// A candidate's settings as `label=value`, the axes' order.
pub fn settings(grid: &Grid, point: usize) -> String {
    let p = &grid.points[point];
    grid.axes
        .iter()
        .zip(&p.choice)
        .map(|(a, &v)| format!("{}={}", a.label, a.show(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The 95% interval of a candidate's mean of recorded metric `m` over its own runs.
pub fn interval(c: &Candidate, m: usize) -> Interval {
    paired::mean_interval(&c.values[m], CONFIDENCE)
}

/// The best's objective minus the runner-up's, paired on the seeds both ran, with its 95%
/// interval, and how many seeds that is.
pub fn best_minus_runner_up(r: &TuneResult) -> Option<(Interval, usize)> {
    let (b, u) = (&r.candidates[r.best?], &r.candidates[r.runner_up?]);
    let n = b.values[0].len().min(u.values[0].len());
    if n < 2 {
        return None;
    }
    let p = paired::compare(&u.values[0][..n], &b.values[0][..n]);
    Some((p.difference, n))
}
