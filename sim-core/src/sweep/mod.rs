//! Parameter sweeps: a base scenario, axes over any of its fields, replications; expanded into
//! an indexed job list, run in parallel, and reduced in index order, so results do not depend
//! on the number of threads.

mod baseline;
mod failure;
mod fingerprint;
mod grid;
mod metrics;
mod run;
pub(crate) mod spec;
mod summary;

pub use baseline::{BaselineRunFailed, baseline_scenario, run_baseline};
pub use failure::SweepRunFailed;
pub use fingerprint::{fingerprint, fnv1a64};
pub use grid::{
    Axis, Grid, GridPoint, RunCount, expand_axes, expand_axis_specs, replication_seed, run_count,
    show,
};
pub use metrics::{Metric, MetricKind};
pub use run::{
    JobKey, RunRow, SweepResult, grid_scenarios, job_count, job_key, point_scenarios, run_jobs,
    run_jobs_until, run_keys, run_sweep,
};
pub use spec::{
    AxisSpec, BaselineSpec, ChartKind, ChartSpec, HighlightSpec, RangeSpec, SweepSpec, parse_sweep,
};
pub use summary::{PointSummary, Stats};
