//! Everything `sweep`, `merge` and `report` write for a finished sweep: tables, charts and the
//! journal.

pub mod baselines;
pub mod charts;
pub mod completed;
pub mod highlight;
pub mod journal;
pub mod journal_writer;
pub mod load;
pub mod out_dir;
pub mod shard;
pub mod size;
pub mod stop;
pub mod tables;

use std::collections::BTreeMap;
use std::path::Path;

use sim_core::sweep::{RunRow, SweepResult, SweepSpec};

use crate::charts::render_svg;
use crate::exit::CliResult;
use crate::files::write_all_or_none;
use crate::sweep::baselines::{Baselines, run_baselines};
use crate::sweep::journal::Header;
use crate::sweep::load::LoadedSweep;

/// Files by name with their contents.
pub type Files = Vec<(String, Vec<u8>)>;

/// The files of a sweep's output directory, in a fixed order; `baselines` are the charts'
/// baseline runs (`run_baselines`).
pub fn output_files(
    spec: &SweepSpec,
    name: &str,
    r: &SweepResult,
    baselines: &Baselines,
) -> CliResult<Files> {
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
    for (chart, baseline) in spec.charts.iter().zip(baselines) {
        let model = charts::build(spec, chart, r, baseline.as_ref())?;
        files.push((chart.file.clone(), render_svg(&model).into_bytes()));
    }
    Ok(files)
}

/// Writes a whole sweep's outputs into `out` from the runs of all its jobs: the tables, the
/// charts (their baselines run on `threads` threads) and, last, the journal in job order: all
/// of them or none (`write_all_or_none`). Returns how many files were written.
pub fn write_outputs(
    sweep: LoadedSweep,
    header: &Header,
    rows: BTreeMap<u64, RunRow>,
    out: &Path,
    threads: usize,
) -> CliResult<usize> {
    let baselines = run_baselines(&sweep, threads)?;
    let journal = journal::render(header, &rows);
    let result = SweepResult::from_rows(
        &sweep.spec,
        sweep.grid,
        sweep.scenarios,
        rows.into_values().collect(),
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    let mut files = output_files(&sweep.spec, &sweep.name, &result, &baselines)?;
    files.push((journal::FILE_NAME.to_string(), journal));
    write_all_or_none(out, &files)?;
    Ok(files.len())
}
