//! Everything `sweep`, `merge` and `report` write for a finished sweep: tables, charts and the
//! journal.

pub mod charts;
pub mod completed;
pub mod journal;
pub mod journal_writer;
pub mod load;
pub mod shard;
pub mod size;
pub mod tables;

use std::collections::BTreeMap;
use std::path::Path;

use sim_core::sweep::{RunRow, SweepResult, SweepSpec};

use crate::charts::render_svg;
use crate::exit::CliResult;
use crate::files::write_atomically;
use crate::sweep::journal::Header;
use crate::sweep::load::LoadedSweep;

/// Files by name with their contents.
pub type Files = Vec<(String, Vec<u8>)>;

/// The files of a sweep's output directory, in a fixed order.
pub fn output_files(spec: &SweepSpec, name: &str, r: &SweepResult) -> CliResult<Files> {
    let mut files = vec![
        ("runs.csv".to_string(), tables::runs_csv(r).into_bytes()),
        (
            "summary.csv".to_string(),
            tables::summary_csv(r).into_bytes(),
        ),
        (
            "summary.json".to_string(),
            tables::summary_json(spec, name, r).into_bytes(),
        ),
    ];
    for chart in &spec.charts {
        let model = charts::build(spec, chart, r)?;
        files.push((chart.file.clone(), render_svg(&model).into_bytes()));
    }
    Ok(files)
}

/// Writes a whole sweep's outputs into `out` from the runs of all its jobs: the tables, the
/// charts and, last, the journal in job order. Each file is written whole or not at all.
/// Returns how many files were written.
pub fn write_outputs(
    sweep: LoadedSweep,
    header: &Header,
    rows: BTreeMap<u64, RunRow>,
    out: &Path,
) -> CliResult<usize> {
    let journal = journal::render(header, &rows);
    let result = SweepResult::from_rows(
        &sweep.spec,
        sweep.grid,
        sweep.scenarios,
        rows.into_values().collect(),
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    let mut files = output_files(&sweep.spec, &sweep.name, &result)?;
    files.push((journal::FILE_NAME.to_string(), journal));
    for (name, bytes) in &files {
        write_atomically(&out.join(name), bytes)?;
    }
    Ok(files.len())
}
