//! Parameter sweeps: a base scenario, axes over any of its fields, replications; expanded into
//! an indexed job list, run in parallel, and reduced in index order, so results do not depend
//! on the number of threads.

mod failure;
mod grid;
mod metrics;
mod run;
mod spec;
mod summary;

pub use failure::SweepRunFailed;
pub use grid::{Axis, Grid, GridPoint, replication_seed, show};
pub use metrics::{Metric, MetricKind};
pub use run::{RunRow, SweepResult, point_scenarios, run_sweep};
pub use spec::{AxisSpec, ChartKind, ChartSpec, RangeSpec, SweepSpec, parse_sweep};
pub use summary::{PointSummary, Stats};
