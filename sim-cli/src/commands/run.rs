//! `breakersim run SCENARIO.toml`: one run, printed as text, JSON or Prometheus exposition.

use std::path::Path;

use sim_core::sim::run;

use crate::exit::CliResult;
use crate::output::{Format, render};
use crate::scenario_file::read_scenario;

pub struct RunArgs<'a> {
    pub path: &'a Path,
    pub seed: Option<u64>,
    pub sets: &'a [String],
    pub format: Format,
}

pub fn run_command(args: &RunArgs) -> CliResult<String> {
    let scenario = read_scenario(args.path, args.sets)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let result = run(&scenario, seed);
    Ok(render(&result, args.format))
}
