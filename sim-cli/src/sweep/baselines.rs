//! Running the baselines of a sweep's charts (`baseline = {...}`) before the charts are drawn.
//! They are not jobs of the sweep and never enter its journal: `sweep`, `--resume`, `merge` and
//! `report` each run them again from the sweep file, so their outputs match byte for byte.

use sim_core::sweep::{Stats, run_baseline};

use crate::exit::{CliError, CliResult};
use crate::sweep::charts::metric;
use crate::sweep::load::LoadedSweep;

/// The baseline of each chart, in chart order (`None` for a chart without one).
pub type Baselines = Vec<Option<Stats>>;

/// Runs every chart's baseline on `threads` threads; the result does not depend on them.
pub fn run_baselines(sweep: &LoadedSweep, threads: usize) -> CliResult<Baselines> {
    let spec = &sweep.spec;
    let mut out = Vec::with_capacity(spec.charts.len());
    for (i, scenario) in sweep.baselines.iter().enumerate() {
        let Some(scenario) = scenario else {
            out.push(None);
            continue;
        };
        let in_file = |m: String| CliError::in_file(&sweep.file, m);
        let (_, m) = metric(&spec.charts[i], &spec.metrics).map_err(in_file)?;
        let stats =
            run_baseline(spec, i, scenario, &m, threads).map_err(|e| in_file(e.to_string()))?;
        out.push(Some(stats));
    }
    Ok(out)
}
