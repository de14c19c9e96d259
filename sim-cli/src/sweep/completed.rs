//! The runs a sweep already has in journals: a journal counts only if its header is this
//! sweep's (same fingerprint, same breakersim), and a run in it only if it is a job of the
//! journal's shard, at the grid point, replication and seed the sweep gives that job.

use std::collections::BTreeMap;
use std::path::Path;

use sim_core::diagnostic::Diagnostic;
use sim_core::sweep::{RunRow, job_key};

use crate::exit::{CliError, CliResult};
use crate::sweep::journal::{Header, Journal};
use crate::sweep::load::LoadedSweep;
use crate::sweep::shard::Shard;

/// The header of `sweep`'s journal for `shard`.
pub fn header_for(sweep: &LoadedSweep, shard: Shard) -> Header {
    Header {
        breakersim: env!("CARGO_PKG_VERSION").to_string(),
        sweep: sweep.name.clone(),
        file: sweep.file.clone(),
        fingerprint: sweep.fingerprint(),
        jobs: sweep.jobs,
        shard,
        metrics: sweep.spec.metrics.iter().map(|m| m.name.clone()).collect(),
    }
}

/// A header in words: which sweep, shard and program.
pub fn describe(h: &Header) -> String {
    format!(
        "sweep `{}` ({}), shard {} of {} runs, fingerprint {:016x}, breakersim {}",
        h.sweep, h.file, h.shard, h.jobs, h.fingerprint, h.breakersim
    )
}

/// How `found` differs from `want` in what decides the runs; empty if it does not. Names and
/// paths may differ.
pub fn differences(found: &Header, want: &Header) -> Vec<&'static str> {
    let mut d = Vec::new();
    if found.fingerprint != want.fingerprint || found.jobs != want.jobs {
        d.push("the settings that decide the results (the fingerprint) differ");
    }
    if found.shard != want.shard {
        d.push("the shard differs");
    }
    if found.breakersim != want.breakersim {
        d.push("another version of breakersim wrote it");
    }
    d
}

/// Runs gathered from one or more journals, by job index.
#[derive(Default)]
pub struct Runs {
    pub rows: BTreeMap<u64, RunRow>,
    /// Which journal each run came from (an index into `files`).
    from: BTreeMap<u64, usize>,
    files: Vec<String>,
}

impl Runs {
    /// Adds the runs of `journal` (read from `path`, its header already matched to `sweep`).
    /// Returns how many lines were damaged or not runs of its shard, and so left out. The same
    /// run twice is fine if it is identical; two different results for one run are an error.
    pub fn add(&mut self, journal: Journal, sweep: &LoadedSweep, path: &Path) -> CliResult<usize> {
        let shard = journal.header.shard;
        let file = self.files.len();
        self.files.push(path.display().to_string());
        let mut dropped = journal.damaged;
        for (job, row) in journal.rows {
            let key = (job < sweep.jobs).then(|| job_key(&sweep.spec, job));
            let fits = key.is_some_and(|k| {
                (k.point, k.replication, k.seed) == (row.point, row.replication, row.seed)
            }) && shard.owns(job)
                && row.values.len() == sweep.spec.metrics.len();
            if !fits {
                dropped += 1;
                continue;
            }
            if let Some(seen) = self.rows.get(&job) {
                let bits = |r: &RunRow| r.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                if bits(seen) != bits(&row) {
                    let message = format!(
                        "run {job} differs from the same run in {}; the journals cannot both be right",
                        self.files[self.from[&job]]
                    );
                    return Err(CliError::input(
                        Diagnostic::error(&self.files[file], message)
                            .hint("delete the wrong one and run its shard again"),
                    ));
                }
                continue;
            }
            self.rows.insert(job, row);
            self.from.insert(job, file);
        }
        Ok(dropped)
    }
}
