//! `[cluster] from = "configs/x.yaml"`: a scenario that follows an Envoy or Istio config file.
//! The file is imported (as `breakersim import` would) and its cluster, route and Envoy
//! version rule become the scenario's, under whatever the scenario sets itself.

use std::path::Path;

use sim_core::diagnostic::Diagnostic;
use toml::{Table, Value};

use crate::diagnostics::emit;
use crate::exit::{CliError, CliResult};
use crate::import::{ImportOptions, InputFile, import};

/// Keys of `[cluster]` that say how to import; the rest override the imported cluster.
const IMPORT_KEYS: [&str; 3] = ["from", "istio_version", "select"];

/// Replaces `cluster.from` in `table` (read from `scenario_path`) by the imported config.
/// Errors in the scenario's own fields name the field; the caller points them at its place.
pub fn resolve_config_ref(table: &mut Table, scenario_path: &Path) -> CliResult<()> {
    let shown = scenario_path.display().to_string();
    let Some(Value::Table(cluster)) = table.get("cluster") else {
        return Ok(());
    };
    let Some(from) = cluster.get("from") else {
        return Ok(());
    };
    let from = config_paths(from).ok_or_else(|| {
        CliError::input(
            Diagnostic::error(&shown, format!("invalid type: {}", kind_of(from)))
                .path("cluster.from")
                .expected("the path of an Envoy or Istio YAML file, or a list of them"),
        )
    })?;
    let text_of = |key: &str| {
        match cluster.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(CliError::input(
            Diagnostic::error(&shown, format!("invalid type: {}", kind_of(other)))
                .path(format!("cluster.{key}"))
                .expected(if key == "select" {
                    "a quoted string, e.g. \"outbound|9080||reviews.default.svc.cluster.local\""
                } else {
                    "a quoted string, e.g. \"1.24\" (a number would lose trailing zeros: 1.30 reads as 1.3)"
                }),
        )),
    }
    };
    let opts = ImportOptions {
        istio_version: text_of("istio_version")?,
        cluster: text_of("select")?,
        scenario: Some(shown.clone()),
    };
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
    for k in IMPORT_KEYS {
        own.remove(k);
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
    if let Some(rule) = config
        .get("envoy")
        .and_then(|e| e.get("max_ejection_percent_rule"))
        .cloned()
    {
        let envoy = table
            .entry("envoy")
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(e) = envoy {
            e.entry("max_ejection_percent_rule").or_insert(rule);
        }
    }
    Ok(())
}

/// A TOML value in words, as serde's messages name them: ``integer `5` ``, `a table`, ...
fn kind_of(v: &Value) -> String {
    match v {
        Value::String(s) => format!("string {s:?}"),
        Value::Integer(i) => format!("integer `{i}`"),
        Value::Float(f) => format!("float `{f}`"),
        Value::Boolean(b) => format!("boolean `{b}`"),
        Value::Datetime(d) => format!("datetime `{d}`"),
        Value::Array(_) => "a list of other things than paths".into(),
        Value::Table(_) => "a table".into(),
    }
}

/// `from = "a.yaml"` or `from = ["dr.yaml", "vs.yaml"]`.
fn config_paths(from: &Value) -> Option<Vec<String>> {
    match from {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

fn read_config(path: &Path, scenario: &str) -> CliResult<InputFile> {
    let text = std::fs::read_to_string(path).map_err(|e| {
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
