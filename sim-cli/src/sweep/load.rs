//! Reading a sweep file and its base scenario, checking the grid's size, and expanding it into
//! validated grid points.

use std::path::Path;

use sim_core::diagnostic::Diagnostic;
use sim_core::scenario::{Scenario, locate_in_toml, scenario_warnings};
use sim_core::sweep::{
    Grid, SweepSpec, baseline_scenario, expand_axes, fingerprint, parse_sweep, point_scenarios,
};

use crate::exit::{CliError, CliResult};
use crate::scenario_file::read_table;
use crate::sweep::charts;
use crate::sweep::size::check_size;

/// A sweep ready to run.
pub struct LoadedSweep {
    pub spec: SweepSpec,
    pub name: String,
    pub grid: Grid,
    pub scenarios: Vec<Scenario>,
    /// The scenario of each chart's baseline, for the charts that have one.
    pub baselines: Vec<Option<Scenario>>,
    /// The sweep file's path as given.
    pub file: String,
    /// Grid points x replications.
    pub jobs: u64,
}

impl LoadedSweep {
    /// The hash of everything that decides the runs' results (see `sim_core::sweep::fingerprint`).
    pub fn fingerprint(&self) -> u64 {
        fingerprint(&self.spec, &self.scenarios)
    }
}

pub(crate) fn read(path: &Path, what: &str) -> CliResult<String> {
    crate::input::read_scenario_text(path)
        .map_err(|e| e.diagnostic(&path.display().to_string(), what).into())
}

/// Loads the sweep at `path`; `max_runs` is `--max-runs`, which overrides the file's limit.
pub fn load_sweep(path: &Path, max_runs: Option<u64>) -> CliResult<LoadedSweep> {
    let shown = path.display().to_string();
    let text = read(path, "sweep")?;
    let spec = parse_sweep(&text, &shown)?;
    // A mistake in a field of the sweep file is shown at its place there.
    let located = |e: CliError| match e {
        CliError::Input(ds) => {
            CliError::Input(ds.into_iter().map(|d| locate_in_toml(d, &text)).collect())
        }
        e => e,
    };
    let BaseScenario {
        shown: base_shown,
        text: base_text,
        table: base,
    } = read_base(path, &spec.scenario, &text)?;
    let axes = expand_axes(&spec, &shown).map_err(|d| located(d.into()))?;
    let jobs = check_size(&spec, &axes, max_runs, &shown).map_err(located)?;
    let grid = Grid::from_axes(axes);
    check_charts(&spec, &grid, &shown).map_err(located)?;
    let scenarios = point_scenarios(&spec, &grid, &base, &base_text, &base_shown, &shown)?;
    emit_point_warnings(&base, &scenarios, &base_text, &base_shown);
    for (i, chart) in spec.charts.iter().enumerate() {
        charts::check_bucket_count(chart, &grid, &scenarios)
            .map_err(|m| located(chart_error(&shown, i, m)))?;
    }
    let baselines = (0..spec.charts.len())
        .map(|i| baseline_scenario(&spec, i, &base, &base_text, &base_shown, &shown))
        .collect::<Result<Vec<_>, _>>()?;
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
        baselines,
        file: shown,
        jobs,
    })
}

/// The base scenario of a sweep or tune file: its path as shown, its text and its table.
pub(crate) struct BaseScenario {
    pub shown: String,
    pub text: String,
    pub table: toml::Table,
}

/// Reads the base scenario `scenario` (relative to the file at `path`, whose text is `text`):
/// a file that cannot be read is blamed on the `scenario` field.
pub(crate) fn read_base(path: &Path, scenario: &str, text: &str) -> CliResult<BaseScenario> {
    let base_path = path.parent().unwrap_or(Path::new(".")).join(scenario);
    let shown = base_path.display().to_string();
    let base_text = crate::input::read_scenario_text(&base_path).map_err(|e| {
        if matches!(e, crate::input::ReadError::NotUtf8 { .. }) {
            return CliError::input(e.diagnostic(&shown, "base scenario"));
        }
        let d = Diagnostic::error(
            path.display().to_string(),
            format!("cannot read the base scenario {shown}: {e}"),
        )
        .path("scenario");
        CliError::input(locate_in_toml(d, text))
    })?;
    let table = read_table(&base_path, &base_text)?;
    Ok(BaseScenario {
        shown,
        text: base_text,
        table,
    })
}

/// An error in the sweep file's `charts[i]`.
fn chart_error(shown: &str, i: usize, message: String) -> CliError {
    CliError::input(Diagnostic::error(shown, message).path(format!("charts[{i}]")))
}

/// Checks every chart before the sweep runs, so that a mistake in one costs no run.
fn check_charts(spec: &SweepSpec, grid: &Grid, shown: &str) -> CliResult<()> {
    for (i, chart) in spec.charts.iter().enumerate() {
        let bad = |m: String| chart_error(shown, i, m);
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

/// The warnings of every grid point's scenario, each said once (points differ only by their
/// axes, so most share them).
pub(crate) fn emit_point_warnings(
    base: &toml::Table,
    scenarios: &[Scenario],
    text: &str,
    shown: &str,
) {
    let mut said: Vec<String> = Vec::new();
    for s in scenarios {
        for w in scenario_warnings(base, s, text, shown, &[]) {
            if !said.contains(&w.message) {
                said.push(w.message.clone());
                crate::diagnostics::emit(&w);
            }
        }
    }
}
