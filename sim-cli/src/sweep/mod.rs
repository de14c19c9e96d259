//! Everything `sweep` and `report` write for a finished sweep: tables and charts.

pub mod charts;
pub mod load;
pub mod tables;

use sim_core::sweep::{SweepResult, SweepSpec};

use crate::charts::render_svg;
use crate::exit::CliResult;

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
