//! The scenario against the configuration its Envoy release accepts: a field, a default or a
//! `retry_on` condition newer than `[envoy] version` is refused, as that Envoy would refuse it
//! (the rows are `CONFIG_CHANGES` in `envoy/version.rs`).

use toml::Value;

use super::model::Scenario;
use crate::envoy::version::{CONFIG_CHANGES, ConfigChange, ConfigRow, EnvoyVersion};
use crate::schema::{
    DefaultValue, FieldSpec, Invalid, Kind, PathSegment, Table, TableSpec, value_from_literal,
};

/// The first row of [`CONFIG_CHANGES`] that `root` (the scenario as written, after `--set`)
/// breaks for Envoy `version`. A newer field written with its default value asks for nothing
/// the older release lacks, and passes.
pub fn check_config_for_version(root: &Value, version: EnvoyVersion) -> Result<(), Invalid> {
    for row in CONFIG_CHANGES.iter().filter(|r| version < r.since) {
        check_row(root, version, row)?;
    }
    Ok(())
}

fn check_row(root: &Value, version: EnvoyVersion, row: &ConfigRow) -> Result<(), Invalid> {
    let since = row.since;
    match row.change {
        ConfigChange::FieldAdded(path)
            if lookup(root, path).is_some_and(|v| !is_default(path, v)) =>
        {
            Err(Invalid::new(
                segments(path),
                format!(
                    "Envoy {version} has no such field: it was added in Envoy {since} ({}); Envoy \
                 {version} rejects a config that sets it. Remove it, or set [envoy] version to \
                 \"{since}\" or later",
                    row.source
                ),
            ))
        }
        ConfigChange::DefaultAdded(path) if lookup(root, path).is_none() => {
            let mut at = segments(path);
            let field = at.pop();
            let name = match field {
                Some(PathSegment::Key(k)) => k,
                _ => path.to_string(),
            };
            Err(Invalid::new(
                at,
                format!(
                    "Envoy {version} has no default for `{name}`: the default came in Envoy \
                     {since} ({}). Write `{name}` as your Envoy {version} config has it",
                    row.source
                ),
            ))
        }
        ConfigChange::RetryOnAdded(condition) => {
            let path = "route.retry_policy.retry_on";
            let named = lookup(root, path)
                .and_then(Value::as_str)
                .is_some_and(|on| on.split(',').any(|c| c.trim() == condition));
            if !named {
                return Ok(());
            }
            Err(Invalid::new(
                segments(path),
                format!(
                    "Envoy {version} has no retry_on condition `{condition}`: it was added in \
                     Envoy {since} ({}); Envoy {version} rejects the route",
                    row.source
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The schema's field at a dotted path of the scenario.
fn field_spec(dotted: &str) -> Option<&'static FieldSpec> {
    let mut spec: &'static TableSpec = Scenario::spec();
    let mut keys = dotted.split('.').peekable();
    while let Some(k) = keys.next() {
        let f = spec.fields.iter().find(|f| f.name == k)?;
        if keys.peek().is_none() {
            return Some(f);
        }
        match (f.kind)() {
            Kind::Table(inner) => spec = inner,
            _ => return None,
        }
    }
    None
}

/// Whether `value` is the field's default, as the schema writes it.
fn is_default(dotted: &str, value: &Value) -> bool {
    match field_spec(dotted).map(|f| f.default) {
        Some(DefaultValue::Literal(text)) => {
            value_from_literal::<Value>(text).ok().as_ref() == Some(value)
        }
        _ => false,
    }
}

fn lookup<'a>(root: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(root, |v, k| v.get(k))
}

fn segments(dotted: &str) -> Vec<PathSegment> {
    dotted
        .split('.')
        .map(|k| PathSegment::Key(k.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Value {
        Value::Table(toml::from_str(text).expect("TOML"))
    }

    /// Every path in the table is a field of the scenario's schema.
    #[test]
    fn every_row_names_a_scenario_field() {
        for row in CONFIG_CHANGES {
            match row.change {
                ConfigChange::FieldAdded(p) | ConfigChange::DefaultAdded(p) => {
                    assert!(field_spec(p).is_some(), "{p}");
                }
                ConfigChange::RetryOnAdded(c) => {
                    assert!(crate::envoy::retry::RetryOn::parse(c).is_ok(), "{c}");
                }
            }
        }
    }

    /// A newer field at its default asks for nothing the older release lacks.
    #[test]
    fn a_newer_field_at_its_default_passes() {
        let t = table(
            "[cluster]\nconnect_timeout = \"1s\"\n[cluster.outlier_detection]\nalways_eject_one_host = false\n",
        );
        assert!(check_config_for_version(&t, EnvoyVersion(30)).is_ok());
    }

    #[test]
    fn a_newer_field_is_refused_on_an_older_release() {
        let t = table("[cluster.outlier_detection]\nalways_eject_one_host = true\n");
        let e = check_config_for_version(&t, EnvoyVersion(30)).unwrap_err();
        assert_eq!(
            crate::schema::display_path(&e.path),
            "cluster.outlier_detection.always_eject_one_host"
        );
        assert!(
            e.message
                .starts_with("Envoy 1.30 has no such field: it was added in Envoy 1.31"),
            "{}",
            e.message
        );
        let with_timeout = "[cluster]\nconnect_timeout = \"1s\"\n[cluster.outlier_detection]\nalways_eject_one_host = true\n";
        assert!(check_config_for_version(&table(with_timeout), EnvoyVersion(31)).is_ok());
    }

    #[test]
    fn connect_timeout_must_be_written_before_1_19() {
        let none = table("[cluster]\nname = \"c\"\n");
        let e = check_config_for_version(&none, EnvoyVersion(18)).unwrap_err();
        assert_eq!(crate::schema::display_path(&e.path), "cluster");
        assert!(
            e.message
                .contains("Envoy 1.18 has no default for `connect_timeout`"),
            "{}",
            e.message
        );
        assert!(check_config_for_version(&none, EnvoyVersion(19)).is_ok());
        let written = table("[cluster]\nconnect_timeout = \"1s\"\n");
        assert!(check_config_for_version(&written, EnvoyVersion(18)).is_ok());
    }

    #[test]
    fn a_newer_retry_on_condition_is_refused() {
        let t = table(
            "[cluster]\nconnect_timeout = \"1s\"\n[route.retry_policy]\nretry_on = \"5xx, reset-before-request\"\n",
        );
        let e = check_config_for_version(&t, EnvoyVersion(30)).unwrap_err();
        assert_eq!(
            crate::schema::display_path(&e.path),
            "route.retry_policy.retry_on"
        );
        assert!(check_config_for_version(&t, EnvoyVersion(31)).is_ok());
    }
}
