//! `[cluster] from = "configs/x.yaml"`: a scenario that follows an Envoy or Istio config file.
//! The file is imported (as `breakersim import` would) and its cluster, route and Envoy
//! version rule become the scenario's, under whatever the scenario sets itself.

use std::path::Path;

use sim_core::diagnostic::{Diagnostic, Severity};
use sim_core::scenario::ConfigRef;
use toml::{Table, Value};

use crate::diagnostics::emit;
use crate::exit::{CliError, CliResult};
use crate::import::{ImportOptions, InputFile, import};

/// Replaces `cluster.from` in `table` (read from `scenario_path`) by the imported config.
/// Errors in the scenario's own fields name the field; the caller points them at its place.
pub fn resolve_config_ref(table: &mut Table, scenario_path: &Path) -> CliResult<()> {
    let shown = scenario_path.display().to_string();
    let Some(Value::Table(cluster)) = table.get("cluster") else {
        return Ok(());
    };
    let Some(config) = config_ref(cluster, &shown)? else {
        return Ok(());
    };
    let opts = ImportOptions {
        istio_version: config.istio_version.map(|v| v.0),
        cluster: config.select,
        scenario: Some(shown.clone()),
        ..ImportOptions::default()
    };
    let from = config.from.map(|f| f.0).unwrap_or_default();
    if from.is_empty() {
        return Err(CliError::input(
            Diagnostic::error(&shown, "names no file")
                .path("cluster.from")
                .expected("a file name, or a list of one or more file names"),
        ));
    }
    let dir = scenario_path.parent().unwrap_or(Path::new("."));
    let inputs = from
        .iter()
        .map(|f| read_config(&dir.join(f), &shown))
        .collect::<CliResult<Vec<_>>>()?;
    let imported = import(&inputs, &opts)?;
    for w in &imported.warnings {
        emit(w);
    }
    let mut config: Table = toml::from_str(&imported.scenario).map_err(|e| {
        CliError::Internal(anyhow::anyhow!(
            "{shown}: cluster.from: the import is not a scenario: {e}"
        ))
    })?;
    let mut own = match table.remove("cluster") {
        Some(Value::Table(t)) => t,
        _ => Table::new(),
    };
    for k in ConfigRef::FIELD_NAMES {
        own.remove(*k);
    }
    let mut merged = match config.remove("cluster") {
        Some(Value::Table(t)) => t,
        _ => Table::new(),
    };
    merge(&mut merged, own);
    table.insert("cluster".into(), Value::Table(merged));
    if let Some(Value::Table(mut route)) = config.remove("route") {
        if let Some(Value::Table(own)) = table.remove("route") {
            // A retry policy the scenario writes replaces the config's whole, default or
            // written, rather than merging into it.
            if own.contains_key("retry_policy") || own.contains_key("istio_default_retry_policy") {
                route.remove("retry_policy");
                route.remove("istio_default_retry_policy");
            }
            merge(&mut route, own);
        }
        table.insert("route".into(), Value::Table(route));
    }
    if let Some(version) = config.get("envoy").and_then(|e| e.get("version")).cloned() {
        let envoy = table
            .entry("envoy")
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(e) = envoy {
            e.entry("version").or_insert(version);
        }
    }
    Ok(())
}

/// The `[cluster]` fields that name a config file (`ConfigRef`), if `from` is there; a bad
/// one names its field.
fn config_ref(cluster: &Table, shown: &str) -> CliResult<Option<ConfigRef>> {
    if !cluster.contains_key("from") {
        return Ok(None);
    }
    let keys: Table = ConfigRef::FIELD_NAMES
        .iter()
        .filter_map(|k| cluster.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    serde_path_to_error::deserialize(Value::Table(keys))
        .map(Some)
        .map_err(|e| {
            let message = e.inner().message().to_string();
            CliError::input(
                Diagnostic::from_message(Severity::Error, Some(shown.to_string()), &message)
                    .path(format!("cluster.{}", e.path())),
            )
        })
}

fn read_config(path: &Path, scenario: &str) -> CliResult<InputFile> {
    let text = crate::input::read_text(path).map_err(|e| {
        if matches!(e, crate::input::ReadError::NotUtf8 { .. }) {
            return CliError::input(e.diagnostic(&path.display().to_string(), "config"));
        }
        CliError::input(
            Diagnostic::error(scenario, format!("cannot read {}: {e}", path.display()))
                .path("cluster.from"),
        )
    })?;
    Ok(InputFile {
        source: path.display().to_string(),
        text,
    })
}

/// Deep merge: `over`'s keys replace `base`'s, tables merging key by key.
fn merge(base: &mut Table, over: Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}
