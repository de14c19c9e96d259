//! The JSON Schema of scenario files (draft 2020-12), built from the schema's tables: editors
//! with a TOML language server (taplo, Even Better TOML) complete and check scenario files with
//! it. Shipped as `schema/scenario.schema.json`; `breakersim schema` prints it.

use serde_json::{Map, Value, json};

use super::{DefaultValue, FieldSpec, Kind, Rule, Table, TableSpec};
use crate::envoy::version::EnvoyVersion;
use crate::scenario::{ConfigRef, Scenario};

/// A duration as `SimDuration::parse` reads it: a non-negative decimal and a unit.
pub const DURATION_PATTERN: &str = r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)$";

/// A duration of zero, which `Rule::DurationAboveZero` refuses.
const ZERO_DURATION_PATTERN: &str = r"^(0+(\.0*)?|\.0+)(ns|us|µs|ms|s|m|h)$";

/// An Istio version as `IstioVersion::parse` reads it: `1.24`, `v1.24`, `1.24.3`.
const ISTIO_VERSION_PATTERN: &str = r"^v?0*1\.[0-9]+(\..*)?$";

/// An Envoy version as `EnvoyVersion::parse` reads it: `1.28`, `v1.28`, `1.28.3`, from the
/// oldest to the newest release modelled.
fn envoy_version_pattern() -> String {
    let minors: Vec<String> = EnvoyVersion::all().map(|v| v.0.to_string()).collect();
    format!(r"^v?1\.({})(\.[0-9]+)?$", minors.join("|"))
}

/// The whole JSON Schema of a scenario file.
pub fn scenario_json_schema() -> Value {
    let mut defs = Map::new();
    collect(Scenario::spec(), &mut defs);
    collect(ConfigRef::spec(), &mut defs);
    with_config_ref(&mut defs);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "breakersim scenario",
        "description": "A breakersim scenario file (TOML): one Envoy proxy, its clients and backends. Generated from breakersim's schema; see docs/scenario-format.md.",
        "$ref": "#/$defs/Scenario",
        "$defs": Value::Object(defs),
    })
}

/// `[cluster]` may also take its fields from a config file (`from`, `select`,
/// `istio_version`); then `name` may come from the file instead.
fn with_config_ref(defs: &mut Map<String, Value>) {
    let Some(Value::Object(config_ref)) = defs.remove("ConfigRef") else {
        return;
    };
    let Some(Value::Object(cluster)) = defs.get_mut("Cluster") else {
        return;
    };
    if let (Some(Value::Object(props)), Some(Value::Object(extra))) =
        (cluster.get_mut("properties"), config_ref.get("properties"))
    {
        for (k, v) in extra {
            props.insert(k.clone(), v.clone());
        }
    }
    cluster.remove("required");
    cluster.insert(
        "anyOf".into(),
        json!([{ "required": ["name"] }, { "required": ["from"] }]),
    );
}

/// Adds `spec` and every table inside it to `defs`, by name.
fn collect(spec: &'static TableSpec, defs: &mut Map<String, Value>) {
    if defs.contains_key(spec.name) {
        return;
    }
    defs.insert(spec.name.into(), Value::Null);
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in spec.fields {
        let kind = (field.kind)();
        nested_tables(&kind, defs);
        properties.insert(field.name.into(), field_schema(field, &kind));
        if field.default == DefaultValue::Required {
            required.push(Value::from(field.name));
        }
    }
    let mut table = Map::new();
    table.insert("type".into(), "object".into());
    table.insert("description".into(), doc_text(spec.doc).into());
    table.insert("additionalProperties".into(), false.into());
    table.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        table.insert("required".into(), Value::Array(required));
    }
    defs.insert(spec.name.into(), Value::Object(table));
}

fn nested_tables(kind: &Kind, defs: &mut Map<String, Value>) {
    match kind {
        Kind::Table(t) => collect(t, defs),
        Kind::List(k) => nested_tables(k, defs),
        _ => {}
    }
}

/// A field: its value's schema, doc and default.
fn field_schema(field: &FieldSpec, kind: &Kind) -> Value {
    let mut schema = match value_schema(kind, &field.rule) {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("allOf".into(), json!([other]));
            m
        }
    };
    let mut description = doc_text(field.doc);
    match field.default {
        DefaultValue::Literal(literal) => {
            if let Some(v) = literal_json(literal) {
                schema.insert("default".into(), v);
            }
        }
        DefaultValue::Absent(meaning) => description.push_str(&format!(" Default: {meaning}.")),
        DefaultValue::Required => {}
    }
    if let Some(e) = &field.envoy {
        description.push_str(&format!(" Envoy: `{}` ({}).", e.proto, e.ty.proto_name()));
    }
    schema.insert("description".into(), description.into());
    Value::Object(schema)
}

/// The schema of a value of `kind` under `rule`.
fn value_schema(kind: &Kind, rule: &Rule) -> Value {
    match kind {
        Kind::Integer { min, max } => {
            let (mut lo, mut hi) = (*min, *max);
            match rule {
                Rule::Range { min, max } => (lo, hi) = (lo.max(*min), hi.min(*max)),
                Rule::AtLeast(min) => lo = lo.max(*min),
                _ => {}
            }
            json!({ "type": "integer", "minimum": lo, "maximum": hi })
        }
        Kind::Float => match rule {
            Rule::PositiveUpTo(max) => {
                json!({ "type": "number", "exclusiveMinimum": 0, "maximum": max })
            }
            _ => json!({ "type": "number" }),
        },
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::String => match rule {
            Rule::NotBlank => json!({ "type": "string", "pattern": r"\S" }),
            _ => json!({ "type": "string" }),
        },
        Kind::Duration => duration_schema(rule),
        Kind::Percent => {
            let number = json!({ "type": "number", "minimum": 0, "maximum": 100 });
            json!({ "oneOf": [
                number,
                { "type": "object", "properties": { "value": number },
                  "required": ["value"], "additionalProperties": false },
            ] })
        }
        Kind::Probability => json!({ "type": "number", "minimum": 0, "maximum": 1 }),
        Kind::Distribution => distribution_schema(),
        Kind::IstioVersion => json!({ "type": "string", "pattern": ISTIO_VERSION_PATTERN }),
        Kind::EnvoyVersion => json!({ "type": "string", "pattern": envoy_version_pattern() }),
        Kind::FilePaths => json!({ "oneOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": "string" } },
        ] }),
        Kind::Enum(names) => {
            let names: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            json!({ "enum": names })
        }
        Kind::Table(t) => json!({ "$ref": format!("#/$defs/{}", t.name) }),
        Kind::List(k) => json!({ "type": "array", "items": value_schema(k, rule) }),
    }
}

fn duration_schema(rule: &Rule) -> Value {
    let mut d = json!({ "type": "string", "pattern": DURATION_PATTERN });
    if *rule == Rule::DurationAboveZero {
        d["not"] = json!({ "pattern": ZERO_DURATION_PATTERN });
    }
    d
}

/// A bare duration, or one of the one-key tables of `crate::dist`.
fn distribution_schema() -> Value {
    let d = duration_schema(&Rule::None);
    let one = |key: &str, fields: &[&str]| {
        let props: Map<String, Value> = fields.iter().map(|f| ((*f).into(), d.clone())).collect();
        json!({ "type": "object", "additionalProperties": false, "required": [key],
                "properties": { key: { "type": "object", "additionalProperties": false,
                                       "required": fields, "properties": props } } })
    };
    json!({ "oneOf": [
        d,
        { "type": "object", "additionalProperties": false, "required": ["constant"],
          "properties": { "constant": d } },
        one("uniform", &["min", "max"]),
        one("exponential", &["mean"]),
        one("lognormal", &["median", "p99"]),
    ] })
}

/// A TOML literal (a default) as JSON.
fn literal_json(literal: &str) -> Option<Value> {
    let table: toml::Table = toml::from_str(&format!("v = {literal}")).ok()?;
    serde_json::to_value(table.get("v")?).ok()
}

/// A doc comment as one paragraph.
pub(super) fn doc_text(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
