//! `[cluster] from = "configs/x.yaml"`: a scenario that follows an Envoy or Istio config file.
//! The file is imported (as `breakersim import` would) and its cluster, route and Envoy
//! version rule become the scenario's, under whatever the scenario sets itself.

use std::path::Path;

use toml::{Table, Value};

use crate::exit::{CliError, CliResult, note};
use crate::import::{ImportOptions, InputFile, import};

/// Keys of `[cluster]` that say how to import; the rest override the imported cluster.
const IMPORT_KEYS: [&str; 3] = ["from", "istio_version", "select"];

/// Replaces `cluster.from` in `table` (read from `scenario_path`) by the imported config.
pub fn resolve_config_ref(table: &mut Table, scenario_path: &Path) -> CliResult<()> {
    let shown = scenario_path.display().to_string();
    let Some(Value::Table(cluster)) = table.get("cluster") else {
        return Ok(());
    };
    let Some(from) = cluster.get("from") else {
        return Ok(());
    };
    let from = config_paths(from).ok_or_else(|| {
        CliError::Input(format!(
            "{shown}: cluster.from: expected the path of an Envoy or Istio YAML file, or a list of them"
        ))
    })?;
    let text_of = |key: &str| match cluster.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(CliError::Input(format!(
            "{shown}: cluster.{key}: expected a quoted string, e.g. {}",
            if key == "select" {
                "\"outbound|9080||reviews.default.svc.cluster.local\""
            } else {
                "\"1.24\" (a number would lose trailing zeros: 1.30 reads as 1.3)"
            }
        ))),
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
    let imported = import(&inputs, &opts).map_err(|e| option_error(e, &shown))?;
    for w in &imported.warnings {
        note(&format!("warning: {w}\n"));
    }
    let mut config: Table = toml::from_str(&imported.scenario).map_err(|e| {
        CliError::Input(format!(
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

/// The import names a bad option as its command-line flag; here the option is a field of the
/// scenario, so the message names the scenario and the field instead (found by the mutation
/// property test: `istio_version = "1ns"` was refused without naming the file).
fn option_error(e: CliError, shown: &str) -> CliError {
    let CliError::Input(m) = e else {
        return e;
    };
    for (flag, field) in [
        ("--istio-version:", "istio_version"),
        ("--cluster:", "select"),
    ] {
        if let Some(rest) = m.strip_prefix(flag) {
            return CliError::Input(format!("{shown}: cluster.{field}:{rest}"));
        }
    }
    CliError::Input(m)
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
        CliError::Input(format!(
            "{scenario}: cluster.from: cannot read {}: {e}",
            path.display()
        ))
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
