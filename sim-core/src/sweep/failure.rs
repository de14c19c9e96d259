//! A sweep run that reached one of its scenario's `[limits]`: which grid point, which seed.

use std::fmt;

use crate::sim::RunLimitExceeded;

/// The first run of a sweep, in job order, that stopped at a limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepRunFailed {
    /// Index of the grid point in the grid.
    pub point: usize,
    /// The point's axis values, as `--set` arguments (`cluster.connect_timeout=1s`).
    pub overrides: Vec<String>,
    /// Which replication (from 0).
    pub replication: u64,
    /// The replication's seed.
    pub seed: u64,
    /// The limit reached and where the run had got to.
    pub error: RunLimitExceeded,
}

impl fmt::Display for SweepRunFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sets = if self.overrides.is_empty() {
            "no axis values".to_string()
        } else {
            self.overrides.join(", ")
        };
        write!(
            f,
            "grid point {} ({sets}), replication {}, seed {}: {}",
            self.point, self.replication, self.seed, self.error,
        )?;
        match self.error.limit.field() {
            Some(limit) => write!(f, " (in the sweep file: `set = [\"limits.{limit}=N\"]`)"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for SweepRunFailed {}
