//! `breakersim sweep SWEEP.toml [--threads N] [--out DIR]`: run every replication of every grid
//! point in parallel and write the tables and charts, each file atomically.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use sim_core::sweep::{SweepResult, run_sweep};

use crate::exit::{CliError, CliResult};
use crate::files::write_atomically;
use crate::sweep::load::{LoadedSweep, load_sweep};
use crate::sweep::output_files;

pub struct SweepArgs<'a> {
    pub path: &'a Path,
    pub threads: Option<usize>,
    pub out: Option<&'a Path>,
}

/// All the machine's cores unless told otherwise.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A progress bar with rate and ETA on stderr, hidden when stderr is not a terminal.
fn progress_bar(jobs: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(jobs);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
            .expect("a valid template"),
    );
    bar
}

/// Runs a loaded sweep (read from `path`) on `threads` threads, with a progress bar. A run that
/// reaches a limit is bad input: it names the grid point and the seed.
pub fn run_loaded(path: &Path, sweep: &LoadedSweep, threads: usize) -> CliResult<SweepResult> {
    let jobs = sweep.grid.points.len() as u64 * sweep.spec.replications;
    let bar = progress_bar(jobs);
    let result = run_sweep(
        &sweep.spec,
        sweep.grid.clone(),
        sweep.scenarios.clone(),
        threads,
        &|| bar.inc(1),
    );
    bar.finish_and_clear();
    result.map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

pub fn sweep_command(args: &SweepArgs) -> CliResult<String> {
    let sweep = load_sweep(args.path)?;
    let threads = args.threads.unwrap_or_else(default_threads);
    let started = Instant::now();
    let result = run_loaded(args.path, &sweep, threads)?;
    let elapsed = started.elapsed().as_secs_f64();
    let files = output_files(&sweep.spec, &sweep.name, &result)?;
    let out: PathBuf = args
        .out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new("target").join("sweeps").join(&sweep.name));
    std::fs::create_dir_all(&out)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out.display()))?;
    for (name, bytes) in &files {
        write_atomically(&out.join(name), bytes)?;
    }
    let runs = result.rows.len();
    Ok(format!(
        "{}: {runs} runs ({} points x {} replications) on {threads} thread(s) in {elapsed:.2} s ({:.0} runs/s)\nwrote {} files to {}\n",
        sweep.name,
        result.grid.points.len(),
        sweep.spec.replications,
        runs as f64 / elapsed.max(1e-9),
        files.len(),
        out.display()
    ))
}
