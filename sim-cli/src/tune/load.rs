//! Reading a tune file with the sweep's pieces (its base scenario, axes, `set`, size guard and
//! grid points), and refusing one whose budget cannot pay for its first round.

use std::path::Path;

use sim_core::diagnostic::Diagnostic;
use sim_core::scenario::{Scenario, locate_in_toml};
use sim_core::sweep::{Grid, expand_axis_specs, grid_scenarios};
use sim_core::tune::{TunePlan, TuneSpec, parse_tune, tune_metrics};

use crate::exit::{CliError, CliResult};
use crate::sweep::load::{BaseScenario, emit_point_warnings, read, read_base};
use crate::sweep::size::check_runs;

/// A tune ready to race.
pub struct LoadedTune {
    pub spec: TuneSpec,
    pub plan: TunePlan,
    pub grid: Grid,
    pub scenarios: Vec<Scenario>,
    /// The tune file's path as given.
    pub file: String,
}

/// Loads the tune file at `path`; `max_runs` is `--max-runs` (the sweep's size guard on the
/// whole grid at the schedule's most replications), `budget` is `--budget`.
pub fn load_tune(path: &Path, max_runs: Option<u64>, budget: Option<u64>) -> CliResult<LoadedTune> {
    let shown = path.display().to_string();
    let text = read(path, "tune file")?;
    let spec = parse_tune(&text, &shown)?;
    let located = |d: Diagnostic| CliError::input(locate_in_toml(d, &text));
    let BaseScenario {
        shown: base_shown,
        text: base_text,
        table: base,
    } = read_base(path, &spec.scenario, &text)?;
    let axes = expand_axis_specs(&spec.axes, &shown).map_err(located)?;
    let located_cli = |e: CliError| match e {
        CliError::Input(ds) => {
            CliError::Input(ds.into_iter().map(|d| locate_in_toml(d, &text)).collect())
        }
        e => e,
    };
    let metrics = 1 + spec.constraints.len();
    check_runs(
        &axes,
        (spec.replications.max, metrics),
        (max_runs, spec.max_runs),
        &shown,
        "tune",
    )
    .map_err(located_cli)?;
    let grid = Grid::from_axes(axes);
    match budget {
        // The flag's budget is the command line's, not the file's.
        Some(b) => check_budget(&grid, &spec, b, "--budget").map_err(|d| {
            CliError::input(
                Diagnostic::command_line(format!("--budget {b}: {}", d.message))
                    .hint(d.hint.unwrap_or_default()),
            )
        })?,
        None => check_budget(&grid, &spec, spec.budget, &shown).map_err(located)?,
    }
    let budget = budget.unwrap_or(spec.budget);
    let scenarios = grid_scenarios(&spec.set, &grid, &base, &base_text, &base_shown, &shown)?;
    emit_point_warnings(&base, &scenarios, &base_text, &base_shown);
    let objective = spec.objective();
    let plan = TunePlan {
        metrics: tune_metrics(&objective, &spec.constraints),
        objective,
        constraints: spec.constraints.clone(),
        schedule: spec.replications,
        budget,
        seed: spec.seed,
    };
    Ok(LoadedTune {
        spec,
        plan,
        grid,
        scenarios,
        file: shown,
    })
}

/// Refuses a tune whose first round (every candidate at `replications.initial`) alone costs
/// more than its budget, with the estimate; says how much the worst case (no candidate
/// dropped) would take.
fn check_budget(grid: &Grid, spec: &TuneSpec, budget: u64, source: &str) -> Result<(), Diagnostic> {
    let n = grid.points.len() as u64;
    let first = n * spec.replications.initial;
    let worst = n * spec.replications.max;
    if first <= budget {
        return Ok(());
    }
    Err(Diagnostic::error(
        source,
        format!(
            "the first round alone takes {first} runs = {n} candidates x {} replications, more than the budget of {budget} runs (the whole grid at {} replications would take {worst})",
            spec.replications.initial, spec.replications.max
        ),
    )
    .path("budget")
    .hint(format!(
        "raise `budget` to at least {first} (or pass --budget {first}), or search fewer values"
    )))
}
