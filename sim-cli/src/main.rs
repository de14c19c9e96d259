//! `breakersim`: find out what Envoy's circuit breakers and outlier detection do with your
//! settings, by simulation.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sim_cli::commands::check::check;
use sim_cli::commands::import::import_command;
use sim_cli::commands::merge::{MergeArgs, merge_command};
use sim_cli::commands::report::{ReportArgs, report_command};
use sim_cli::commands::run::{RunArgs, run_command};
use sim_cli::commands::sweep::{SweepArgs, sweep_command};
use sim_cli::exit::{CliResult, note};
use sim_cli::import::ImportOptions;
use sim_cli::output::Format;
use sim_cli::sweep::shard::Shard;

#[derive(Parser)]
#[command(
    name = "breakersim",
    version,
    about = "Simulate Envoy circuit breaking and outlier detection"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario and print what the clients saw and Envoy's stats.
    Run {
        scenario: PathBuf,
        /// Seed of the run (default: the scenario's `seed`, else 1).
        #[arg(long)]
        seed: Option<u64>,
        /// Override a field by its dotted path, e.g. --set cluster.connect_timeout=1s
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the outlier detection event log (Envoy's format, one JSON object per line).
        #[arg(long, value_name = "FILE")]
        outlier_log: Option<PathBuf>,
        /// Print on stderr the events processed, the simulation's wall time, events/s and
        /// simulated requests/s (requests the clients sent per wall-clock second). The results
        /// on stdout do not change.
        #[arg(long)]
        timing: bool,
    },
    /// Run a parameter sweep: every grid point x replication, in parallel, each finished run
    /// recorded in DIR/runs.journal; then write runs.csv, summary.csv, summary.json and the
    /// charts.
    Sweep {
        sweep: PathBuf,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
        /// Output directory (default: target/sweeps/<name>, or
        /// target/sweeps/<name>-shard-<I>-of-<N> for a shard).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Continue the sweep whose journal is in the output directory: runs already recorded
        /// there are not run again. The outputs are the same as an uninterrupted sweep's.
        #[arg(long)]
        resume: bool,
        /// Run only shard I of N (the runs whose index is I modulo N, 0 <= I < N) and write only
        /// its journal; put the shards together with `breakersim merge`.
        #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
        shard: Option<Shard>,
        /// The most runs (grid points x replications) allowed; overrides the sweep file's
        /// `max_runs` (default 100000).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        max_runs: Option<u64>,
    },
    /// Put together the journals of a sweep's shards (`sweep --shard I/N`) and write the
    /// sweep's outputs, the same as an unsharded sweep's.
    Merge {
        /// The shards' output directories, each holding a runs.journal.
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Where to write the sweep's outputs.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The sweep file (default: the path the shards were run with, from their journals).
        #[arg(long, value_name = "FILE")]
        sweep: Option<PathBuf>,
        /// The most runs allowed, as for `sweep` (default: the sweep file's `max_runs` or
        /// 100000, raised to the journals' number of runs if that is more).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        max_runs: Option<u64>,
        /// Worker threads for the charts' baselines (default: all cores). Results do not
        /// depend on it.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
    },
    /// Regenerate reports/ (charts and README.md) from the sweeps in scenarios/sweeps/.
    Report {
        /// Do not write: exit 1 if reports/ differs from what the sweeps give now.
        #[arg(long)]
        check: bool,
        /// The repository root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Worker threads (default: all cores).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
    },
    /// Turn an Envoy bootstrap or cluster, or an Istio DestinationRule (with VirtualServices),
    /// into a scenario TOML (printed); unmodelled fields are listed on stderr.
    Import {
        /// YAML files: their documents are read together (e.g. a DestinationRule and the
        /// VirtualService that routes to it).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Istio version whose translation to follow (default: the newest known, 1.30).
        #[arg(long, value_name = "X.Y")]
        istio_version: Option<String>,
        /// Which cluster: its name in a bootstrap, or outbound|<port>|<subset>|<host> for Istio.
        #[arg(long, value_name = "NAME")]
        cluster: Option<String>,
    },
    /// Validate a scenario file (with any --set overrides) without running it.
    Check {
        file: PathBuf,
        /// Override a field by its dotted path before validating.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
    },
}

fn execute(cli: &Cli) -> CliResult<String> {
    match &cli.command {
        Command::Run {
            scenario,
            seed,
            sets,
            format,
            outlier_log,
            timing,
        } => run_command(&RunArgs {
            path: scenario,
            seed: *seed,
            sets,
            format: *format,
            outlier_log: outlier_log.as_deref(),
            timing: *timing,
        }),
        Command::Check { file, sets } => check(file, sets),
        Command::Import {
            files,
            istio_version,
            cluster,
        } => import_command(
            files,
            &ImportOptions {
                istio_version: istio_version.clone(),
                cluster: cluster.clone(),
                scenario: None,
            },
        ),
        Command::Report {
            check,
            root,
            threads,
        } => report_command(&ReportArgs {
            root,
            check: *check,
            threads: threads.map(usize::from),
        }),
        Command::Sweep {
            sweep,
            threads,
            out,
            resume,
            shard,
            max_runs,
        } => sweep_command(&SweepArgs {
            path: sweep,
            threads: threads.map(usize::from),
            out: out.as_deref(),
            resume: *resume,
            shard: shard.unwrap_or(Shard::WHOLE),
            max_runs: *max_runs,
        }),
        Command::Merge {
            dirs,
            out,
            sweep,
            max_runs,
            threads,
        } => merge_command(&MergeArgs {
            dirs,
            out,
            sweep: sweep.as_deref(),
            max_runs: *max_runs,
            threads: threads.map(usize::from),
        }),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match execute(&cli) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(output.as_bytes())
                .and_then(|_| stdout.flush())
            {
                // A reader that went away (`breakersim run x | head`) needs no message.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    note(&format!("error: cannot write the output to stdout: {e}\n"));
                }
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            note(&format!("error: {e}\n"));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
