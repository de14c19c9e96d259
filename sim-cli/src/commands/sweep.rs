//! `breakersim sweep SWEEP.toml [--threads N] [--out DIR] [--resume] [--shard I/N]
//! [--max-runs N]`: run every replication of every grid point in parallel, recording each
//! finished run in the journal, then write the tables and charts, each file atomically. With
//! `--resume`, runs already in the journal are not run again; with `--shard`, only one shard's
//! runs are run and only its journal is written, for `breakersim merge`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use sim_core::diagnostic::Diagnostic;
use sim_core::sweep::{RunRow, SweepResult, job_count, run_jobs_until, run_sweep};

use crate::diagnostics::emit;
use crate::exit::{CliError, CliResult};
use crate::files::write_output;
use crate::sweep::completed::{Runs, describe, differences, header_for};
use crate::sweep::journal::{self, Header};
use crate::sweep::journal_writer::JournalWriter;
use crate::sweep::load::{LoadedSweep, load_sweep};
use crate::sweep::out_dir::OutDir;
use crate::sweep::shard::Shard;
use crate::sweep::stop::StopSignal;
use crate::sweep::write_outputs;

/// Run a parameter sweep: every grid point x replication, in parallel, each finished run
/// recorded in DIR/runs.journal; then write runs.csv, summary.csv, summary.json and the charts.
#[derive(Clone, Debug, clap::Args)]
pub struct SweepArgs {
    /// The sweep file.
    #[arg(value_name = "SWEEP")]
    pub path: PathBuf,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Output directory (default: target/sweeps/<name>, or
    /// target/sweeps/<name>-shard-<I>-of-<N> for a shard).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue the sweep whose journal is in the output directory: runs already recorded
    /// there are not run again. The outputs are the same as an uninterrupted sweep's.
    #[arg(long)]
    pub resume: bool,
    /// Run only shard I of N (the runs whose index is I modulo N, 0 <= I < N) and write only
    /// its journal; put the shards together with `breakersim merge`.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse, default_value_t = Shard::WHOLE, hide_default_value = true)]
    pub shard: Shard,
    /// The most runs (grid points x replications) allowed; overrides the sweep file's
    /// `max_runs` (default 100000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_runs: Option<u64>,
}

/// All the machine's cores unless told otherwise.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `target/sweeps/<name>`, or `target/sweeps/<name>-shard-<I>-of-<N>` for a shard.
pub fn default_out(name: &str, shard: Shard) -> PathBuf {
    let dir = Path::new("target").join("sweeps");
    if shard.is_whole() {
        dir.join(name)
    } else {
        dir.join(format!("{name}-shard-{}-of-{}", shard.index, shard.count))
    }
}

/// A progress bar with rate and ETA on stderr, hidden when stderr is not a terminal.
fn progress_bar(jobs: u64, done: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(jobs);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
            .expect("a valid template"),
    );
    bar.set_position(done);
    bar.reset_eta();
    bar
}

/// Runs a loaded sweep (read from `path`) on `threads` threads, with a progress bar, and no
/// journal (`report`). A run that reaches a limit is bad input: it names the grid point and the
/// seed.
pub fn run_loaded(path: &Path, sweep: &LoadedSweep, threads: usize) -> CliResult<SweepResult> {
    let bar = progress_bar(job_count(&sweep.spec, &sweep.grid), 0);
    let result = run_sweep(
        &sweep.spec,
        sweep.grid.clone(),
        sweep.scenarios.clone(),
        threads,
        &|| bar.inc(1),
    );
    bar.finish_and_clear();
    result.map_err(|e| CliError::in_file(path.display().to_string(), e.to_string()))
}

/// The runs already in the journal at `path` when resuming (none otherwise); a journal of
/// another sweep or shard is refused.
fn previous_runs(
    path: &Path,
    header: &Header,
    sweep: &LoadedSweep,
    resume: bool,
) -> CliResult<BTreeMap<u64, RunRow>> {
    if !resume {
        if path.exists() {
            emit(&Diagnostic::note(
                path.display().to_string(),
                "starting afresh (--resume would continue it)",
            ));
        }
        return Ok(BTreeMap::new());
    }
    let Some(journal) = journal::read(path)? else {
        emit(&Diagnostic::note(
            path.display().to_string(),
            "no journal yet: starting afresh",
        ));
        return Ok(BTreeMap::new());
    };
    let why = differences(&journal.header, header);
    if !why.is_empty() {
        let message = format!(
            "this journal belongs to another sweep or shard ({}): it holds runs of {}; this is {}",
            why.join("; "),
            describe(&journal.header),
            describe(header)
        );
        return Err(CliError::input(
            Diagnostic::error(path.display().to_string(), message)
                .hint("delete it to start afresh, or pick another --out"),
        ));
    }
    let mut runs = Runs::default();
    let dropped = runs.add(journal, sweep, path)?;
    if dropped > 0 {
        emit(&Diagnostic::note(
            path.display().to_string(),
            format!("{dropped} damaged or torn line(s) left out; those runs run again"),
        ));
    }
    Ok(runs.rows)
}

/// Runs `todo` on `threads` threads, appending each finished run to `writer`; no run starts
/// once a journal write has failed or a signal asked to stop (then `None`).
fn run_recorded(
    path: &Path,
    sweep: &LoadedSweep,
    todo: &[u64],
    threads: usize,
    writer: &JournalWriter,
    bar: &ProgressBar,
    signal: &StopSignal,
) -> CliResult<Option<Vec<RunRow>>> {
    writer
        .syncing_while(|| {
            let on_row = |job: u64, row: &RunRow| {
                writer.append(job, row);
                bar.inc(1);
            };
            let stop = || writer.has_failed() || signal.received().is_some();
            run_jobs_until(
                &sweep.spec,
                &sweep.grid,
                &sweep.scenarios,
                todo,
                threads,
                &on_row,
                &stop,
            )
        })
        .map_err(|e| CliError::in_file(path.display().to_string(), e.to_string()))
}

/// The command that continues this sweep where it stopped.
fn resume_command(args: &SweepArgs, out: &Path) -> String {
    let mut command = format!(
        "breakersim sweep {} --out {} --resume",
        args.path.display(),
        out.display()
    );
    if !args.shard.is_whole() {
        command.push_str(&format!(" --shard {}", args.shard));
    }
    if let Some(n) = args.max_runs {
        command.push_str(&format!(" --max-runs {n}"));
    }
    command
}

/// What to run the merge with, once every shard is done.
fn merge_hint(sweep: &LoadedSweep, shard: Shard, out: &Path, default: bool) -> String {
    if !default {
        return format!(
            "when all {} shards are done: breakersim merge SHARD_DIR... --out DIR (each shard's --out directory; this one's is {})\n",
            shard.count,
            out.display()
        );
    }
    let dirs: Vec<String> = (0..shard.count)
        .map(|index| {
            let s = Shard {
                index,
                count: shard.count,
            };
            default_out(&sweep.name, s).display().to_string()
        })
        .collect();
    format!(
        "when all {} shards are done: breakersim merge {} --out {}\n",
        shard.count,
        dirs.join(" "),
        default_out(&sweep.name, Shard::WHOLE).display()
    )
}

pub fn sweep_command(args: &SweepArgs) -> CliResult<String> {
    let sweep = load_sweep(&args.path, args.max_runs)?;
    let threads = args.threads.map_or_else(default_threads, usize::from);
    let shard = args.shard;
    let out: PathBuf = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&sweep.name, shard));
    let _taken = OutDir::take(&out, &sweep.name, args.resume)?;
    let journal_path = out.join(journal::FILE_NAME);
    let header = header_for(&sweep, shard);

    let started = Instant::now();
    let mut rows = previous_runs(&journal_path, &header, &sweep, args.resume)?;
    let todo: Vec<u64> = shard
        .jobs(sweep.jobs)
        .filter(|job| !rows.contains_key(job))
        .collect();
    let writer = JournalWriter::create(&journal_path, &header, &rows)?;
    let (read, read_time) = (rows.len(), started.elapsed().as_secs_f64());

    let started = Instant::now();
    let bar = progress_bar(shard.job_count(sweep.jobs), read as u64);
    let signal =
        StopSignal::install().map_err(|e| anyhow::anyhow!("cannot handle signals: {e}"))?;
    let new_rows = run_recorded(&args.path, &sweep, &todo, threads, &writer, &bar, &signal);
    bar.finish_and_clear();
    let resume = resume_command(args, &out);
    let saved = writer.saved();
    writer.finish(&resume)?;
    let Some(new_rows) = new_rows? else {
        let (number, name) = signal
            .received()
            .expect("only a signal stops the runs otherwise");
        return Err(CliError::Interrupted {
            signal: number,
            message: format!(
                "{name}: the sweep stopped; {saved} of {} runs are saved in {}; continue with: {resume}",
                shard.job_count(sweep.jobs),
                journal_path.display()
            ),
        });
    };
    let elapsed = started.elapsed().as_secs_f64();
    rows.extend(todo.iter().copied().zip(new_rows));

    let mut counts = format!(
        "{} runs ({} points x {} replications)",
        sweep.jobs,
        sweep.grid.points.len(),
        sweep.spec.replications
    );
    if !shard.is_whole() {
        counts = format!("shard {shard}: {} of {counts}", rows.len());
    }
    let resumed = if args.resume {
        format!(
            ": {read} read from the journal in {read_time:.2} s, {} run",
            todo.len()
        )
    } else {
        String::new()
    };
    let timing = format!(
        "{}: {counts}{resumed} on {threads} thread(s) in {elapsed:.2} s ({:.0} runs/s)\n",
        sweep.name,
        todo.len() as f64 / elapsed.max(1e-9),
    );
    if !shard.is_whole() {
        let hint = merge_hint(&sweep, shard, &out, args.out.is_none());
        write_output(&journal_path, &journal::render(&header, &rows))?;
        return Ok(format!(
            "{timing}wrote {} (a shard writes only its journal)\n{hint}",
            journal_path.display()
        ));
    }
    let written = write_outputs(sweep, &header, rows, &out, threads)?;
    Ok(format!(
        "{timing}wrote {written} files to {}\n",
        out.display()
    ))
}
