//! Reading a scenario file from disk and loading it with `--set` overrides.

use std::path::Path;

use sim_core::diagnostic::{Diagnostic, Place, Severity};
use sim_core::scenario::{
    Override, Scenario, apply_overrides, locate_in_toml, parse_toml_table, scenario_from_table,
    scenario_warnings,
};
use toml::Table;

use crate::config_ref::resolve_config_ref;
use crate::diagnostics::emit;
use crate::exit::{CliError, CliResult};

/// Reads, overrides and validates the scenario at `path`. Its name defaults to the file stem.
pub fn read_scenario(path: &Path, sets: &[String]) -> CliResult<Scenario> {
    let shown = path.display().to_string();
    let text = read_text(path)?;
    let overrides = sets
        .iter()
        .map(|s| {
            Override::parse(s).map_err(|m| {
                let d = Diagnostic::from_message(Severity::Error, Some(shown.clone()), &m);
                CliError::input(d.place(Place::Override(s.clone())))
            })
        })
        .collect::<CliResult<Vec<_>>>()?;
    let mut table = read_table(path, &text)?;
    apply_overrides(&mut table, &shown, &overrides)?;
    let written = table.clone();
    let mut scenario = scenario_from_table(table, &text, &shown, &overrides)?;
    let warnings = scenario_warnings(&written, &scenario, &text, &shown, &overrides);
    for w in &warnings {
        emit(w);
    }
    if scenario.name.is_none() {
        scenario.name = Some(
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into()),
        );
    }
    Ok(scenario)
}

/// The text of the scenario file at `path`.
pub fn read_text(path: &Path) -> CliResult<String> {
    crate::input::read_scenario_text(path)
        .map_err(|e| e.diagnostic(&path.display().to_string(), "scenario").into())
}

/// Parses scenario `text` (read from `path`) into a table, with any `[cluster] from = "…"`
/// config file imported into it.
pub fn read_table(path: &Path, text: &str) -> CliResult<Table> {
    let shown = path.display().to_string();
    let mut table = parse_toml_table(text, &shown)?;
    resolve_config_ref(&mut table, path).map_err(|e| match e {
        CliError::Input(ds) => CliError::Input(
            ds.into_iter()
                .map(|d| {
                    if d.file.as_deref() == Some(&shown) {
                        locate_in_toml(d, text)
                    } else {
                        d
                    }
                })
                .collect(),
        ),
        e => e,
    })?;
    Ok(table)
}
