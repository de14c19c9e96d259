//! `breakersim run SCENARIO.toml`: one run, printed as text, JSON or Prometheus exposition.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use sim_core::sim::record::LifecycleOptions;
use sim_core::sim::{RunLimitExceeded, RunOptions, RunResult, run_with};
use sim_core::time::SimTime;

use crate::exit::{CliError, CliResult, note};
use crate::files::write_output;
use crate::output::{Format, access_log, hey_csv, outlier_log, render, trace};
use crate::scenario_file::read_scenario;

/// Run one scenario and print what the clients saw and Envoy's stats.
#[derive(Clone, Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file.
    #[arg(value_name = "SCENARIO")]
    pub path: PathBuf,
    /// Seed of the run (default: the scenario's `seed`, else 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a field by its dotted path, e.g. --set cluster.connect_timeout=1s
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the outlier detection event log (Envoy's format, one JSON object per line).
    #[arg(long, value_name = "FILE")]
    pub outlier_log: Option<PathBuf>,
    /// Write every response from a backend as `hey -o csv` does (response-time, DNS+dialup,
    /// DNS, Request-write, Response-delay, Response-read, status-code, offset; seconds), to
    /// compare a run with hey's own measurement (docs/validation.md).
    #[arg(long, value_name = "FILE")]
    pub hey_csv: Option<PathBuf>,
    /// Write Envoy's access log of the run: one line per downstream request in Envoy's default
    /// format (docs/explain.md).
    #[arg(long, value_name = "FILE")]
    pub access_log: Option<PathBuf>,
    /// Write the run as a Chrome trace (JSON; open it in Perfetto or chrome://tracing): each
    /// request, attempt, pending wait, connection and service, breaker trips, ejections and
    /// gauges (docs/explain.md).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// With --access-log or --trace: the most lifecycle events to record; a run that needs
    /// more stops with exit 2 (each takes 80 bytes).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_RECORD_ENTRIES)]
    pub max_record_entries: u64,
    /// Print on stderr the events processed, the simulation's wall time, events/s and
    /// simulated requests/s (requests the clients sent per wall-clock second). The results on
    /// stdout do not change.
    #[arg(long)]
    pub timing: bool,
}

/// The default of `--max-record-entries`: 5 million events, about 400 MB.
pub const DEFAULT_MAX_RECORD_ENTRIES: u64 = 5_000_000;

pub fn run_command(args: &RunArgs) -> CliResult<String> {
    let scenario = read_scenario(&args.path, &args.sets)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    // The wall clock is read here, around the simulation alone: sim-core has no clock, and
    // loading the scenario and rendering the output are not part of the figures.
    let started = Instant::now();
    let options = RunOptions {
        request_log: args.hey_csv.is_some(),
        lifecycle: (args.access_log.is_some() || args.trace.is_some())
            .then(|| LifecycleOptions::everything(args.max_record_entries)),
        ..RunOptions::default()
    };
    let outcome = run_with(&scenario, seed, &options);
    let wall = started.elapsed();
    if args.timing {
        note(&timing_report(&RunFigures::of(&outcome), wall));
        if let Some(kib) = peak_memory_kib() {
            note(&format!("timing: peak memory: {kib} KiB (VmHWM)\n"));
        }
    }
    let result = outcome.map_err(|e| {
        CliError::in_file(args.path.display().to_string(), format!("seed {seed}: {e}"))
    })?;
    if let Some(path) = &args.outlier_log {
        write_output(path, outlier_log::render(&result).as_bytes()).context("--outlier-log")?;
    }
    if let Some(path) = &args.hey_csv {
        write_output(path, hey_csv::render(&result).as_bytes()).context("--hey-csv")?;
    }
    if let Some(path) = &args.access_log {
        let log = access_log::render(&result);
        write_output(path, log.as_bytes()).context("--access-log")?;
    }
    if let Some(path) = &args.trace {
        write_output(path, trace::render(&result).as_bytes()).context("--trace")?;
    }
    Ok(render(&result, args.format))
}

/// The process's peak resident memory so far, in KiB: `VmHWM` of `/proc/self/status` (Linux;
/// `None` where there is no such file).
fn peak_memory_kib() -> Option<u64> {
    vm_hwm_kib(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// The `VmHWM:` line of a `/proc/PID/status` text (`VmHWM:\t   1234 kB`), in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let mut words = line.split_whitespace();
    let kib = words.next()?.parse().ok()?;
    (words.next() == Some("kB")).then_some(kib)
}

/// How far a run got: what `--timing` reports, whether it ran to its end or stopped at a limit.
#[derive(Clone, Copy)]
struct RunFigures {
    events: u64,
    sent: u64,
    sim_time: SimTime,
}

impl RunFigures {
    fn of(outcome: &Result<RunResult, RunLimitExceeded>) -> Self {
        match outcome {
            Ok(r) => RunFigures {
                events: r.events_processed,
                sent: r.client.sent,
                sim_time: r.sim_time,
            },
            Err(e) => RunFigures {
                events: e.events_processed,
                sent: e.requests_sent,
                sim_time: e.sim_time,
            },
        }
    }
}

/// What `run --timing` prints on stderr: events processed, the wall time of the simulation
/// (not counting loading the scenario or rendering the output), events per second, and
/// simulated requests per second: the requests the clients *sent* (completed or not) per
/// second of wall time. One `name: value` line each. A run stopped at one of its `[limits]`
/// reports how far it got (its error message follows).
fn timing_report(figures: &RunFigures, wall: Duration) -> String {
    let secs = wall.as_secs_f64().max(1e-9);
    let RunFigures {
        events,
        sent,
        sim_time,
    } = *figures;
    format!(
        "timing: events processed: {events}\n\
         timing: wall time: {:.3} s (simulation only)\n\
         timing: events/s: {:.0}\n\
         timing: requests sent: {sent} (by the clients, in {:.3} s simulated)\n\
         timing: simulated requests/s: {:.0} (requests sent per second of wall time)\n",
        wall.as_secs_f64(),
        events as f64 / secs,
        sim_time.as_secs_f64(),
        sent as f64 / secs,
    )
}

#[cfg(test)]
mod tests {
    use super::vm_hwm_kib;

    #[test]
    fn reads_the_peak_from_a_status_text() {
        let status =
            "Name:\tbreakersim\nVmPeak:\t  20480 kB\nVmHWM:\t    4812 kB\nVmRSS:\t 4800 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(4812));
        assert_eq!(vm_hwm_kib("VmRSS:\t 4800 kB\n"), None);
        assert_eq!(vm_hwm_kib("VmHWM:\t 4800 MB\n"), None, "only kB is read");
    }
}
