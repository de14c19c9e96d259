//! The scenario schema (`sim_core::schema`) against everything made from it: the shipped JSON
//! Schema file and the reference doc's field tables are what the schema gives now; every shipped
//! scenario is valid under the JSON Schema; and, field by field, the JSON Schema and the loader
//! accept and refuse the same values (a test that fails when they disagree).
//!
//! `BREAKERSIM_BLESS=1 cargo test --test integration schema` rewrites the generated files
//! (never in CI).

use serde_json::Value as Json;
use sim_cli::commands::schema::schema_text;
use sim_core::scenario::{Scenario, load_scenario};
use sim_core::schema::{Kind, Rule, Table, TableSpec, all_tables, fill_reference};
use toml::Value;

use crate::common::root;

const SCHEMA_FILE: &str = "schema/scenario.schema.json";
const REFERENCE_DOC: &str = "docs/scenario-format.md";

/// Compares a generated file with the committed one; with `BREAKERSIM_BLESS=1` (not in CI)
/// writes it instead.
fn assert_current(relative: &str, generated: &str) {
    let path = root().join(relative);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == generated {
        return;
    }
    if std::env::var_os("BREAKERSIM_BLESS").is_some() && std::env::var_os("CI").is_none() {
        std::fs::write(&path, generated).expect("writable");
        return;
    }
    panic!(
        "{relative} is not what the schema gives: run `BREAKERSIM_BLESS=1 cargo test --test integration schema` and review the diff"
    );
}

#[test]
fn the_json_schema_file_is_what_the_schema_gives() {
    assert_current(SCHEMA_FILE, &schema_text());
}

#[test]
fn the_reference_tables_are_what_the_schema_gives() {
    let doc = std::fs::read_to_string(root().join(REFERENCE_DOC)).expect("the doc");
    let filled = fill_reference(&doc).unwrap_or_else(|e| panic!("{REFERENCE_DOC}: {e}"));
    assert_current(REFERENCE_DOC, &filled);
    for t in all_tables() {
        assert!(
            doc.contains(&format!("<!-- table: {} -->", t.name)),
            "{REFERENCE_DOC} has no table of {}: add `<!-- table: {} -->` and `<!-- end table -->` where it belongs",
            t.name,
            t.name
        );
    }
}

/// docs/fidelity.md's "Envoy versions" section is what `sim_core::envoy::version` gives.
#[test]
fn the_envoy_version_tables_are_what_the_version_table_gives() {
    let doc = std::fs::read_to_string(root().join("docs/fidelity.md")).expect("the doc");
    let filled = sim_core::envoy::version_doc::fill_envoy_versions(&doc)
        .unwrap_or_else(|e| panic!("docs/fidelity.md: {e}"));
    assert_current("docs/fidelity.md", &filled);
}

fn validator() -> jsonschema::Validator {
    let schema: Json = serde_json::from_str(&schema_text()).expect("JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn as_json(table: &toml::Table) -> Json {
    serde_json::to_value(table).expect("TOML values are JSON values")
}

/// Every scenario the repository ships or documents is valid under the JSON Schema.
#[test]
fn every_shipped_scenario_is_valid_under_the_json_schema() {
    let v = validator();
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/bench"] {
        for e in std::fs::read_dir(root().join(dir)).expect(dir) {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for p in files {
        let table: toml::Table =
            toml::from_str(&std::fs::read_to_string(&p).expect("readable")).expect("TOML");
        let errors: Vec<String> = v
            .iter_errors(&as_json(&table))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
    }
}

/// A valid scenario with every table present, so that every field has a place to be tried.
const BASE: &str = r#"
seed = 3
duration = "2s"

[envoy]
concurrency = 2
outlier_timer_phase = "1ms"

[cluster]
name = "c"
connect_timeout = "1s"
lb_policy = "LEAST_REQUEST"
http2_protocol_options = { max_concurrent_streams = 10 }
common_http_protocol_options = { max_requests_per_connection = 5 }
common_lb_config = { healthy_panic_threshold = 40.0 }
least_request_lb_config = { choice_count = 3 }

[[cluster.circuit_breakers.thresholds]]
max_connections = 10
retry_budget = { budget_percent = 20.0, min_retry_concurrency = 2 }

[[cluster.circuit_breakers.per_host_thresholds]]
max_connections = 4

[cluster.outlier_detection]
interval = "1s"
max_ejection_time = "600s"

[route]
timeout = "1s"

[route.retry_policy]
retry_on = "5xx"
per_try_timeout = "100ms"
retriable_status_codes = [503]
retry_back_off = { base_interval = "10ms", max_interval = "100ms" }
retry_host_predicate = [{ name = "envoy.retry_host_predicates.previous_hosts" }]

[network.upstream]
latency = "1ms"

[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 3
turnaround = "1ms"

[[clients]]
kind = "open_loop"
rate = 10.0
arrivals = "constant"

[[backends]]
name = "b"
replicas = 2

[[backends.phases]]
at = "1s"
error_probability = 0.5
latency_multiplier = 2.0
"#;

/// Checks the loader does beyond one field's value, so that the JSON Schema cannot say them:
/// a field whose value depends on another, names breakersim models, sizes breakersim bounds.
/// A refusal at one of these paths, or with one of these words, is not a disagreement.
const CROSS_FIELD: &[&str] = &[
    "cluster.outlier_detection.max_ejection_time", // >= base_ejection_time
    "cluster.outlier_detection.interval",          // > envoy.outlier_timer_phase
    "envoy.outlier_timer_phase",                   // < outlier_detection.interval
    "route.retry_policy.retry_back_off",           // max_interval >= base_interval, in ms
    "route.retry_policy.retry_on",                 // the condition names Envoy knows
    "route.retry_policy.retry_host_predicate",     // only previous_hosts is modelled
    "route.istio_default_retry_policy",            // a known version, not beside retry_policy
    "backends[0].phases[0].at",                    // increasing
    "backends[0].phases[0].replace",               // <= the group's hosts in EDS then
    "clients[0]",                                  // fields of the other client kind
    "clients[1]",                                  // fields of the other client kind
];

/// Words of breakersim's own size bounds (`scenario/limits.rs`), which span fields.
const BOUNDS: &[&str] = &["breakersim simulates at most", "breakersim draws"];

/// Values to try for a field of `kind` under `rule`: at and past each bound, and of the wrong
/// type.
fn candidates(kind: &Kind, rule: &Rule) -> Vec<Value> {
    let mut bounds = Vec::new();
    match *rule {
        Rule::Range { min, max } => bounds.extend([min, max]),
        Rule::AtLeast(min) | Rule::PositiveUpTo(min) => bounds.push(min),
        _ => {}
    }
    let around = bounds.iter().flat_map(|&b| {
        let b = b.min(i64::MAX as u64 - 1) as i64;
        [
            Value::Integer(b - 1),
            Value::Integer(b),
            Value::Integer(b + 1),
        ]
    });
    let mut values: Vec<Value> = match kind {
        Kind::Integer { .. } => around.collect(),
        Kind::Float => around
            .map(|v| Value::Float(v.as_integer().unwrap_or(0) as f64))
            .collect(),
        _ => Vec::new(),
    };
    values.extend(type_candidates(kind));
    values
}

/// Values of the right and wrong type for `kind`, whatever its rule.
fn type_candidates(kind: &Kind) -> Vec<Value> {
    let s = |t: &str| Value::String(t.into());
    match kind {
        Kind::Integer { min, max } => {
            let top = (*max).min(i64::MAX as u64) as i64;
            let mut v = vec![Value::Integer(*min as i64), Value::Integer(top)];
            v.extend([
                Value::Integer(*min as i64 - 1),
                Value::Integer(7),
                Value::Integer(100),
            ]);
            v.extend([
                Value::Integer(0),
                Value::Integer(1),
                Value::Integer(2),
                s("7"),
            ]);
            v.extend([Value::Float(1.5), Value::Integer(599), Value::Integer(600)]);
            if top < i64::MAX {
                v.push(Value::Integer(top + 1));
            }
            v
        }
        Kind::Float => [0.5, 0.0, -1.0, 2e9, 1e6, 1e6 + 1.0]
            .map(Value::Float)
            .into_iter()
            .chain([s("x"), Value::Integer(3)])
            .collect(),
        Kind::Bool => vec![Value::Boolean(true), s("yes")],
        Kind::String => vec![s("a"), s(""), s("  "), Value::Integer(3)],
        Kind::Duration => vec![
            s("1s"),
            s("0s"),
            s("-1s"),
            s("soon"),
            s("1.5ms"),
            s("0.0ms"),
            Value::Integer(5),
        ],
        Kind::Percent => vec![
            Value::Float(50.0),
            Value::Float(150.0),
            Value::Integer(20),
            toml_value("{ value = 50.0 }"),
            toml_value("{ value = 150.0 }"),
            toml_value("{ other = 1.0 }"),
            s("50"),
        ],
        Kind::Probability => [0.5, 1.5, -0.1, 1.0]
            .map(Value::Float)
            .into_iter()
            .chain([Value::Integer(1), s("x")])
            .collect(),
        Kind::Distribution => vec![
            s("1ms"),
            s("-1ms"),
            toml_value(r#"{ uniform = { min = "1ms", max = "2ms" } }"#),
            toml_value(r#"{ lognormal = { median = "1ms", p99 = "2ms" } }"#),
            toml_value(r#"{ exponential = { mean = "1ms" } }"#),
            toml_value(r#"{ constant = "1ms" }"#),
            toml_value(r#"{ bogus = "1ms" }"#),
            toml_value(r#"{ uniform = { min = "1ms" } }"#),
            Value::Integer(5),
        ],
        Kind::IstioVersion => vec![s("1.24"), Value::Float(1.24), s("latest")],
        Kind::EnvoyVersion => vec![
            s("1.28"),
            s("v1.17.3"),
            s("1.39"),
            s("1.16"),
            s("1.40"),
            s("1.28.x"),
            Value::Float(1.28),
        ],
        Kind::Enum(names) => names
            .iter()
            .map(|(n, _)| s(n))
            .chain([s("NOPE"), Value::Integer(1)])
            .collect(),
        Kind::FilePaths | Kind::Table(_) | Kind::List(_) => vec![Value::Integer(5)],
    }
}

fn toml_value(text: &str) -> Value {
    let mut t: toml::Table = toml::from_str(&format!("v = {text}")).expect("TOML");
    t.remove("v").expect("v")
}

/// One field of the base scenario: where it is, and what it takes.
struct Place {
    path: Vec<String>,
    shown: String,
    kind: Kind,
    rule: Rule,
}

/// Every field of `spec` at `path` in `here` (a table of the base), and of the tables in it
/// that the base has (list entries: the first).
fn places(spec: &'static TableSpec, here: &toml::Table, path: &[String], out: &mut Vec<Place>) {
    for f in spec.fields {
        let mut p = path.to_vec();
        p.push(f.name.to_string());
        let kind = (f.kind)();
        out.push(Place {
            shown: sim_core::schema::display_dotted(&p),
            path: p.clone(),
            kind: kind.clone(),
            rule: f.rule,
        });
        match (&kind, here.get(f.name)) {
            (Kind::Table(t), Some(Value::Table(sub))) => places(t, sub, &p, out),
            (Kind::List(inner), Some(Value::Array(items))) => {
                if let (Kind::Table(t), Some(Value::Table(first))) = (inner.as_ref(), items.first())
                {
                    let mut p = p.clone();
                    p.push("0".into());
                    places(t, first, &p, out);
                }
            }
            _ => {}
        }
    }
}

/// `table` with the value at `path` replaced: a list on the way is entered at its first entry,
/// a missing table is created.
fn with_value(table: &toml::Table, path: &[String], value: Value) -> toml::Table {
    let mut t = table.clone();
    let mut here = &mut t;
    for seg in &path[..path.len() - 1] {
        let next = here
            .entry(seg.clone())
            .or_insert_with(|| Value::Table(toml::Table::new()));
        here = match next {
            Value::Table(sub) => sub,
            Value::Array(items) => match items.first_mut() {
                Some(Value::Table(sub)) => sub,
                _ => panic!("a list of tables at {path:?}"),
            },
            _ => panic!("a table at {path:?}"),
        };
    }
    here.insert(path[path.len() - 1].clone(), value);
    t
}

/// For every field of every table of a full scenario, and every value of [`candidates`]: when
/// the loader accepts the scenario the JSON Schema accepts it, and when the loader refuses it
/// for that field's own value the JSON Schema refuses it too. A key no table knows is refused
/// by both.
#[test]
fn the_json_schema_and_the_loader_agree_field_by_field() {
    let v = validator();
    let base: toml::Table = toml::from_str(BASE).expect("TOML");
    load_scenario(BASE, "base", &[]).unwrap_or_else(|e| panic!("the base is valid: {e}"));
    assert!(
        v.is_valid(&as_json(&base)),
        "the base is valid under the schema"
    );
    let mut all = Vec::new();
    places(Scenario::spec(), &base, &[], &mut all);
    let (mut agreed, mut cross) = (0, 0);
    let mut disagreements = Vec::new();
    for place in &all {
        // Lists: the entry's path goes through the list's first element.
        let path = list_path(&base, &place.path);
        let Some(path) = path else { continue };
        for value in candidates(&place.kind, &place.rule) {
            let table = with_value(&base, &path, value.clone());
            let text = toml::to_string(&table).expect("TOML prints");
            let loaded = load_scenario(&text, "s.toml", &[]);
            let schema_ok = v.is_valid(&as_json(&table));
            match loaded {
                Ok(_) if schema_ok => agreed += 1,
                Ok(_) => disagreements.push(format!(
                    "{} = {value}: the loader accepts it, the JSON Schema refuses it",
                    place.shown
                )),
                Err(e) => {
                    let at = e.path.clone().unwrap_or_default();
                    let own = at == place.shown || at.starts_with(&format!("{}[", place.shown));
                    let explained = CROSS_FIELD.iter().any(|c| at.starts_with(c))
                        || BOUNDS.iter().any(|b| e.message.contains(b));
                    if !own || explained {
                        cross += 1;
                    } else if schema_ok {
                        disagreements.push(format!(
                            "{} = {value}: the loader refuses it ({e}), the JSON Schema accepts it",
                            place.shown
                        ));
                    } else {
                        agreed += 1;
                    }
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert!(
        agreed > 400,
        "only {agreed} values compared ({cross} spanning fields)"
    );
    for table in [
        "cluster",
        "route",
        "cluster.outlier_detection",
        "envoy",
        "limits",
    ] {
        let path: Vec<String> = table.split('.').map(str::to_string).collect();
        let mut p = path.clone();
        p.push("bogus_field".into());
        let t = with_value(&base, &p, Value::Integer(1));
        let text = toml::to_string(&t).expect("TOML prints");
        assert!(load_scenario(&text, "s.toml", &[]).is_err(), "{table}");
        assert!(!v.is_valid(&as_json(&t)), "{table}");
    }
}

/// `place` with each list step turned into its first entry; `None` when the base has no
/// entry there.
fn list_path(base: &toml::Table, path: &[String]) -> Option<Vec<String>> {
    let mut here = Value::Table(base.clone());
    let mut out = Vec::new();
    for seg in path {
        if let Ok(i) = seg.parse::<usize>() {
            here = here.as_array()?.get(i)?.clone();
            continue;
        }
        out.push(seg.clone());
        match here.get(seg) {
            Some(v) => here = v.clone(),
            None => here = Value::Table(toml::Table::new()),
        }
    }
    Some(out)
}
