//! `breakersim merge DIR... --out DIR [--sweep FILE] [--max-runs N] [--threads N]`: put together the journals
//! of a sweep's shards (`sweep --shard I/N`) and write the sweep's tables, charts and whole
//! journal, the same bytes as one unsharded `sweep` would write.

use std::path::PathBuf;

use sim_core::diagnostic::{Diagnostic, Severity};

use crate::commands::sweep::default_threads;
use crate::diagnostics::emit;
use crate::exit::{CliError, CliResult};
use crate::sweep::completed::{Runs, describe, header_for};
use crate::sweep::journal::{self, Header, Journal};
use crate::sweep::load::{LoadedSweep, load_sweep};
use crate::sweep::shard::Shard;
use crate::sweep::size::DEFAULT_MAX_RUNS;
use crate::sweep::write_outputs;

/// Put together the journals of a sweep's shards (`sweep --shard I/N`) and write the sweep's
/// outputs, the same as an unsharded sweep's.
#[derive(Clone, Debug, clap::Args)]
pub struct MergeArgs {
    /// The shards' output directories, each holding a runs.journal.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where to write the sweep's outputs.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The sweep file (default: the path the shards were run with, from their journals).
    #[arg(long, value_name = "FILE")]
    pub sweep: Option<PathBuf>,
    /// The most runs allowed, as for `sweep` (default: the sweep file's `max_runs` or 100000,
    /// raised to the journals' number of runs if that is more).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_runs: Option<u64>,
    /// Worker threads for the charts' baselines (default: all cores). Results do not depend
    /// on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Every directory's journal, with its path.
fn read_journals(dirs: &[PathBuf]) -> CliResult<Vec<(PathBuf, Journal)>> {
    dirs.iter()
        .map(|dir| {
            let path = dir.join(journal::FILE_NAME);
            match journal::read(&path)? {
                Some(j) => Ok((path, j)),
                None => Err(CliError::input(
                    Diagnostic::error(path.display().to_string(), "no journal here")
                        .hint("give the directories the shards wrote (their --out)"),
                )),
            }
        })
        .collect()
}

/// The journals must all be shards of one sweep, split the same way, by one breakersim.
fn check_same_sweep(headers: &[(PathBuf, Header)]) -> CliResult<()> {
    let (first_path, first) = &headers[0];
    for (path, h) in &headers[1..] {
        if h.fingerprint != first.fingerprint
            || h.jobs != first.jobs
            || h.shard.count != first.shard.count
            || h.breakersim != first.breakersim
        {
            let message = format!(
                "not a shard of the same sweep as {}: it holds {}; the other holds {}",
                first_path.display(),
                describe(h),
                describe(first)
            );
            return Err(CliError::input(
                Diagnostic::error(path.display().to_string(), message)
                    .hint("merge only the shards of one sweep, split the same way"),
            ));
        }
    }
    Ok(())
}

/// The sweep file, which must be the one the shards ran, and the header of its whole journal.
fn load_matching(args: &MergeArgs, first: &Header) -> CliResult<(LoadedSweep, Header)> {
    let path = args
        .sweep
        .clone()
        .unwrap_or_else(|| PathBuf::from(&first.file));
    let limit = args
        .max_runs
        .or((first.jobs > DEFAULT_MAX_RUNS).then_some(first.jobs));
    let sweep = load_sweep(&path, limit).map_err(|e| match (e, &args.sweep) {
        (CliError::Input(mut ds), None) => {
            for d in &mut ds {
                d.hint = Some(
                    "the shards ran the sweep file at this path; give it with --sweep FILE if it is elsewhere".into(),
                );
            }
            CliError::Input(ds)
        }
        (e, _) => e,
    })?;
    let want = header_for(&sweep, Shard::WHOLE);
    if want.fingerprint != first.fingerprint || want.jobs != first.jobs {
        let message = format!(
            "not the sweep the shards ran: it gives {} runs with fingerprint {:016x}, the journals hold {} runs with fingerprint {:016x}",
            want.jobs, want.fingerprint, first.jobs, first.fingerprint
        );
        return Err(CliError::input(
            Diagnostic::error(path.display().to_string(), message).hint(
                "it was changed since (change it back or run the shards again), or give the right file with --sweep FILE",
            ),
        ));
    }
    if want.breakersim != first.breakersim {
        return Err(CliError::input(
            Diagnostic::command_line(format!(
                "the journals were written by breakersim {}, this is breakersim {}",
                first.breakersim, want.breakersim
            ))
            .hint("merge with the build that ran the shards"),
        ));
    }
    Ok((sweep, want))
}

/// Which shards lack runs, in words: those not given and those given but unfinished.
fn missing_runs(runs: &Runs, headers: &[(PathBuf, Header)], jobs: u64, count: u64) -> String {
    let mut parts = Vec::new();
    for index in 0..count {
        let shard = Shard { index, count };
        let want = shard.job_count(jobs);
        let have = runs.rows.keys().filter(|&&j| shard.owns(j)).count() as u64;
        if have == want {
            continue;
        }
        let dirs: Vec<String> = headers
            .iter()
            .filter(|(_, h)| h.shard == shard)
            .map(|(p, _)| p.parent().unwrap_or(p).display().to_string())
            .collect();
        if dirs.is_empty() {
            parts.push(format!("shard {shard} is not among the directories given"));
        } else {
            parts.push(format!(
                "shard {shard} ({}) has {have} of its {want} runs",
                dirs.join(", ")
            ));
        }
    }
    parts.join("; ")
}

pub fn merge_command(args: &MergeArgs) -> CliResult<String> {
    let journals = read_journals(&args.dirs)?;
    if journals.is_empty() {
        return Err(CliError::command_line(
            "merge: give the shards' output directories",
        ));
    }
    let headers: Vec<(PathBuf, Header)> = journals
        .iter()
        .map(|(p, j)| (p.clone(), j.header.clone()))
        .collect();
    check_same_sweep(&headers)?;
    let (sweep, header) = load_matching(args, &headers[0].1)?;
    let count = headers[0].1.shard.count;
    let mut runs = Runs::default();
    let mut dropped = 0;
    for (path, j) in journals {
        dropped += runs.add(j, &sweep, &path)?;
    }
    let missing = sweep.jobs - runs.rows.len() as u64;
    if missing > 0 {
        let message = format!(
            "merge: {missing} of the sweep's {} runs are missing: {}",
            sweep.jobs,
            missing_runs(&runs, &headers, sweep.jobs, count),
        );
        return Err(CliError::input(Diagnostic::command_line(message).hint(format!(
            "finish a shard with `breakersim sweep {} --shard I/{count} --resume --out ITS_DIR`, then merge again",
            sweep.file
        ))));
    }
    if dropped > 0 {
        let mut note = Diagnostic::command_line(format!(
            "{dropped} damaged or torn journal line(s) left out (their runs were in other journals)"
        ));
        note.severity = Severity::Note;
        emit(&note);
    }
    let name = sweep.name.clone();
    let _taken = crate::sweep::out_dir::OutDir::take(&args.out, &name, false)?;
    let threads = args.threads.map_or_else(default_threads, usize::from);
    let written = write_outputs(sweep, &header, runs.rows, &args.out, threads)?;
    Ok(format!(
        "{name}: merged {} runs from {} journal(s) of {count} shard(s); wrote {written} files to {}\n",
        header.jobs,
        headers.len(),
        args.out.display()
    ))
}
