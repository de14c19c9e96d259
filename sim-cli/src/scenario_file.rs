//! Reading a scenario file from disk and loading it with `--set` overrides.

use std::path::Path;

use sim_core::scenario::{Override, Scenario, load_scenario};

use crate::exit::{CliError, CliResult};

/// Reads, overrides and validates the scenario at `path`. Its name defaults to the file stem.
pub fn read_scenario(path: &Path, sets: &[String]) -> CliResult<Scenario> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{shown}: cannot read the scenario: {e}")))?;
    let overrides = sets
        .iter()
        .map(|s| Override::parse(s).map_err(|m| CliError::Input(format!("{shown}: {m}"))))
        .collect::<CliResult<Vec<_>>>()?;
    let mut scenario = load_scenario(&text, &shown, &overrides)?;
    if scenario.name.is_none() {
        scenario.name = Some(
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into()),
        );
    }
    Ok(scenario)
}
