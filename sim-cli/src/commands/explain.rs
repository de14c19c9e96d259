//! `breakersim explain SCENARIO --request N` (or `--first STATUS`, `--first-flag FLAG`): the
//! life of one request in words. The run records that request alone, so memory stays small
//! however long the run; `--first` runs once more before, recording nothing but which request
//! matched first.

use std::path::PathBuf;

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::envoy::version::Behaviour;
use sim_core::scenario::Scenario;
use sim_core::sim::record::{Lifecycle, LifecycleOptions};
use sim_core::sim::{RunOptions, RunResult, run_with};

use crate::exit::{CliError, CliResult};
use crate::output::explain::{Context, render};
use crate::output::lifecycle::whole;
use crate::scenario_file::read_scenario;

/// Explain, in words, why one request of a run ended as it did.
#[derive(Clone, Debug, clap::Args)]
pub struct ExplainArgs {
    /// The scenario file.
    #[arg(value_name = "SCENARIO")]
    pub path: PathBuf,
    /// The request to explain: its number in the clients' send order, from 1.
    #[arg(long, value_name = "N", conflicts_with_all = ["first", "first_flag"])]
    pub request: Option<u64>,
    /// Explain the first request (lowest number) that ended with this HTTP status.
    #[arg(long, value_name = "STATUS")]
    pub first: Option<u16>,
    /// Explain the first request whose response flags include this one (UO, UF, UT, UH, URX,
    /// UC, UR, LR), with --first's status if given.
    #[arg(long, value_name = "FLAG")]
    pub first_flag: Option<String>,
    /// Seed of the run (default: the scenario's `seed`, else 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a field by its dotted path, e.g. --set cluster.connect_timeout=1s
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

/// The most entries one request's record may have (its attempts, connections, ...).
const MAX_ONE_REQUEST_ENTRIES: u64 = 1_000_000;

pub fn explain_command(args: &ExplainArgs) -> CliResult<String> {
    let scenario = read_scenario(&args.path, &args.sets)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let flag = args.first_flag.as_deref().map(parse_flag).transpose()?;
    let number = match (args.request, args.first, flag) {
        (Some(n), _, _) => n,
        (None, None, None) => {
            return Err(CliError::command_line(
                "explain needs --request N, --first STATUS or --first-flag FLAG",
            ));
        }
        (None, status, flag) => first_match(args, &scenario, seed, status, flag)?,
    };
    let options = LifecycleOptions {
        max_entries: MAX_ONE_REQUEST_ENTRIES,
        only_request: Some(number),
        find_first: None,
    };
    let (result, l) = run_recording(args, &scenario, seed, options)?;
    if number == 0 || number > l.requests_sent {
        return Err(CliError::command_line(format!(
            "--request {number}: the run (seed {seed}) sent {} requests, numbered 1 to {}",
            l.requests_sent, l.requests_sent
        )));
    }
    let cx = Context {
        result: &result,
        active_overflow: scenario
            .envoy
            .envoy_version()
            .has(Behaviour::ActiveRequestOverflowCounter),
        connect_timeout: scenario.cluster.connect_timeout,
    };
    Ok(render(&cx, &whole(&l, number)))
}

/// The lowest-numbered request that ended with `status` and `flag`, or exit 2.
fn first_match(
    args: &ExplainArgs,
    scenario: &Scenario,
    seed: u64,
    status: Option<u16>,
    flag: Option<ResponseFlag>,
) -> CliResult<u64> {
    let options = LifecycleOptions {
        max_entries: 0,
        only_request: None,
        find_first: Some((status, flag)),
    };
    let (_, l) = run_recording(args, scenario, seed, options)?;
    l.first_match.ok_or_else(|| {
        let what = match (status, flag) {
            (Some(s), Some(f)) => format!("status {s} with flag {}", f.as_str()),
            (Some(s), None) => format!("status {s}"),
            (None, Some(f)) => format!("flag {}", f.as_str()),
            (None, None) => unreachable!("asked for one"),
        };
        CliError::command_line(format!(
            "no request of the run (seed {seed}, {} sent) ended with {what}",
            l.requests_sent
        ))
    })
}

fn run_recording(
    args: &ExplainArgs,
    scenario: &Scenario,
    seed: u64,
    options: LifecycleOptions,
) -> CliResult<(RunResult, Lifecycle)> {
    let run = RunOptions {
        lifecycle: Some(options),
        ..RunOptions::default()
    };
    let mut result = run_with(scenario, seed, &run).map_err(|e| {
        CliError::in_file(args.path.display().to_string(), format!("seed {seed}: {e}"))
    })?;
    let l = result.lifecycle.take().expect("recorded");
    Ok((result, l))
}

/// A response flag's short name.
fn parse_flag(text: &str) -> CliResult<ResponseFlag> {
    ResponseFlag::ALL
        .into_iter()
        .find(|f| f.as_str().eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            let names: Vec<&str> = ResponseFlag::ALL.iter().map(|f| f.as_str()).collect();
            CliError::command_line(format!(
                "--first-flag {text}: unknown response flag; allowed: {}",
                names.join(", ")
            ))
        })
}
