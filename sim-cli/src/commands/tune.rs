//! `breakersim tune TUNEFILE`: race a grid of settings on common random numbers for the best
//! objective under constraints, judged on intervals; the best settings, the runner-up, the
//! Pareto fronts and the runs used, as text or JSON, and optionally a chart.

use std::path::PathBuf;

use anyhow::Context;
use sim_core::tune::race;

use crate::commands::sweep::default_threads;
use crate::exit::{CliError, CliResult};
use crate::files::write_output;
use crate::tune::load::load_tune;
use crate::tune::{chart, report};

/// Find the settings of a grid that optimise a metric under constraints: every candidate on the
/// same seeds, those an interval shows infeasible or worse dropped after each round, the others
/// run twice as many replications (docs/tune.md).
#[derive(Clone, Debug, clap::Args)]
pub struct TuneArgs {
    /// The tune file.
    #[arg(value_name = "TUNEFILE")]
    pub path: PathBuf,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// The most runs the race may use; overrides the tune file's `budget`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub budget: Option<u64>,
    /// The size guard on the whole grid at the schedule's most replications; overrides the
    /// tune file's `max_runs` (default 100000, as for sweeps).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_runs: Option<u64>,
    #[arg(long, value_enum, default_value_t = TuneFormat::Text)]
    pub format: TuneFormat,
    /// Write an SVG chart of every candidate's objective against the first constraint's metric,
    /// with the Pareto front, the bound and the best.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TuneFormat {
    Text,
    Json,
}

pub fn tune_command(args: &TuneArgs) -> CliResult<String> {
    let t = load_tune(&args.path, args.max_runs, args.budget)?;
    let threads = args.threads.map_or_else(default_threads, usize::from);
    let r = race(&t.plan, &t.grid, &t.scenarios, threads, &|| {})
        .map_err(|e| CliError::in_file(t.file.clone(), e.to_string()))?;
    if let Some(path) = &args.chart {
        let svg = crate::charts::render_svg(&chart::chart(&t, &r));
        write_output(path, svg.as_bytes()).context("--chart")?;
    }
    Ok(match args.format {
        TuneFormat::Text => report::text(&t, &r),
        TuneFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report::json(&t, &r))
                .expect("a JSON value always serialises");
            s.push('\n');
            s
        }
    })
}
