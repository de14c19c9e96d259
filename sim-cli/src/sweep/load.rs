//! Reading a sweep file and its base scenario, and expanding it into validated grid points.

use std::path::Path;

use sim_core::scenario::Scenario;
use sim_core::sweep::{Grid, SweepSpec, parse_sweep, point_scenarios};

use crate::exit::{CliError, CliResult};
use crate::scenario_file::read_table;
use crate::sweep::charts;

/// A sweep ready to run.
pub struct LoadedSweep {
    pub spec: SweepSpec,
    pub name: String,
    pub grid: Grid,
    pub scenarios: Vec<Scenario>,
}

fn read(path: &Path, what: &str) -> CliResult<String> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{}: cannot read the {what}: {e}", path.display())))
}

pub fn load_sweep(path: &Path) -> CliResult<LoadedSweep> {
    let shown = path.display().to_string();
    let spec = parse_sweep(&read(path, "sweep")?, &shown)?;
    let base_path = path.parent().unwrap_or(Path::new(".")).join(&spec.scenario);
    let base_shown = base_path.display().to_string();
    let base_text = read(&base_path, "base scenario")?;
    let base = read_table(&base_path, &base_text)?;
    let grid = Grid::expand(&spec, &shown)?;
    check_charts(&spec, &grid, &shown)?;
    let scenarios = point_scenarios(&spec, &grid, &base, &base_text, &base_shown, &shown)?;
    let name = spec.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sweep".into())
    });
    Ok(LoadedSweep {
        spec,
        name,
        grid,
        scenarios,
    })
}

/// Checks every chart before the sweep runs, so that a mistake in one costs no run.
fn check_charts(spec: &SweepSpec, grid: &Grid, shown: &str) -> CliResult<()> {
    for (i, chart) in spec.charts.iter().enumerate() {
        let bad = |m: String| CliError::Input(format!("{shown}: charts[{i}]: {m}"));
        charts::check(spec, chart, grid).map_err(bad)?;
        if spec.charts[..i].iter().any(|c| c.file == chart.file) {
            return Err(bad(format!(
                "file: `{}` is the file of an earlier chart; give each chart its own",
                chart.file
            )));
        }
    }
    Ok(())
}
