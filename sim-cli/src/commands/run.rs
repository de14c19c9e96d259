//! `breakersim run SCENARIO.toml`: one run, printed as text, JSON or Prometheus exposition.

use std::path::Path;

use sim_core::sim::run;

use crate::exit::CliResult;
use crate::files::write_atomically;
use crate::output::{Format, outlier_log, render};
use crate::scenario_file::read_scenario;

pub struct RunArgs<'a> {
    pub path: &'a Path,
    pub seed: Option<u64>,
    pub sets: &'a [String],
    pub format: Format,
    /// Write the outlier event log here, one JSON object per line.
    pub outlier_log: Option<&'a Path>,
}

pub fn run_command(args: &RunArgs) -> CliResult<String> {
    let scenario = read_scenario(args.path, args.sets)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let result = run(&scenario, seed);
    if let Some(path) = args.outlier_log {
        write_atomically(path, outlier_log::render(&result).as_bytes())?;
    }
    Ok(render(&result, args.format))
}
