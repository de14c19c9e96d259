//! From scenario text (plus `--set` overrides) to a validated [`Scenario`], or an error that
//! points at the file, line, column and field path.

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use toml::Table;
use toml::de::{DeTable, DeValue};

use super::error::{ErrorOrigin, ScenarioError, line_column};
use super::model::Scenario;
use super::overrides::{Override, apply_override};
use super::validate::validate;

/// Parses, overrides and validates one scenario. `source` names the file in messages.
pub fn load_scenario(
    text: &str,
    source: &str,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    let mut table = parse_toml_table(text, source)?;
    apply_overrides(&mut table, source, overrides)?;
    scenario_from_table(table, text, source, overrides)
}

/// Applies `--set` overrides in order; a bad one is blamed on itself.
pub fn apply_overrides(
    table: &mut Table,
    source: &str,
    overrides: &[Override],
) -> Result<(), ScenarioError> {
    for o in overrides {
        apply_override(table, o).map_err(|message| ScenarioError {
            source: source.to_string(),
            path: Some(o.display_path()),
            origin: ErrorOrigin::Override(o.raw.clone()),
            message,
        })?;
    }
    Ok(())
}

/// Parses TOML text into a table; a syntax error names its line and column.
pub fn parse_toml_table(text: &str, source: &str) -> Result<Table, ScenarioError> {
    toml::from_str::<Table>(text).map_err(|e| {
        let origin = match e.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                ErrorOrigin::File { line, column }
            }
            None => ErrorOrigin::FileWhole,
        };
        ScenarioError {
            source: source.to_string(),
            path: None,
            origin,
            message: format!("TOML syntax error: {}", e.message().trim()),
        }
    })
}

/// Deserialises and validates an already parsed (and possibly overridden) table. `text` is the
/// original file, used to point at the line of a bad field.
pub fn scenario_from_table(
    table: Table,
    text: &str,
    source: &str,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    let root = toml::Value::Table(table);
    let scenario: Scenario = serde_path_to_error::deserialize(root.clone()).map_err(|e| {
        let mut path = segments_of(e.path());
        let message = e.inner().message().trim().to_string();
        if let Some(field) = missing_field(&message) {
            path.push(PathSegment::Key(field.to_string()));
        }
        let message = enum_message::<Scenario>(&message, &root, &path);
        locate(path, message, text, source, overrides)
    })?;
    validate(&scenario).map_err(|v| locate(v.path, v.message, text, source, overrides))?;
    Ok(scenario)
}

/// The field serde names in "missing field `x`": the error's path is the table that lacks it,
/// so the field is added to name it (`cluster`, `clients[0].kind`).
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")?
        .split_once('`')
        .map(|(field, _)| field)
}

/// A path segment: a table key or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// toml's message for a name field (an enum) given a number, a table, ...: "invalid type: unit
/// variant, expected string only" (or "wanted string or table"). It is replaced by one that
/// says which names are allowed, found by deserialising `root` again with a name the field
/// cannot have at `path`.
pub(crate) fn enum_message<T: DeserializeOwned>(
    message: &str,
    root: &toml::Value,
    path: &[PathSegment],
) -> String {
    let wrong_type = [
        "unit variant, expected string only",
        "wanted string or table",
    ];
    if !wrong_type.iter().any(|w| message.contains(w)) {
        return message.to_string();
    }
    const PROBE: &str = "\u{1}";
    let mut probe = root.clone();
    let mut here = Some(&mut probe);
    for seg in path {
        here = here.and_then(|v| match seg {
            PathSegment::Key(k) => v.get_mut(k.as_str()),
            PathSegment::Index(i) => v.get_mut(*i),
        });
    }
    let names = match here {
        Some(v) => {
            *v = toml::Value::String(PROBE.into());
            serde_path_to_error::deserialize::<_, T>(probe)
                .err()
                .and_then(|e| {
                    e.inner()
                        .message()
                        .trim()
                        .strip_prefix(&format!("unknown variant `{PROBE}`, expected "))
                        .map(str::to_string)
                })
        }
        None => None,
    };
    match names {
        Some(names) => format!("expected a quoted name, {names}"),
        None => "expected a quoted name".to_string(),
    }
}

pub(crate) fn segments_of(path: &serde_path_to_error::Path) -> Vec<PathSegment> {
    path.iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(PathSegment::Index(*index)),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                Some(PathSegment::Key(key.clone()))
            }
            Segment::Unknown => None,
        })
        .collect()
}

pub fn display_path(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
            PathSegment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

/// Builds the error for a bad field: blamed on a `--set` when one touched that field, else on
/// the field's place in the file.
fn locate(
    path: Vec<PathSegment>,
    message: String,
    text: &str,
    source: &str,
    overrides: &[Override],
) -> ScenarioError {
    let shown = display_path(&path);
    let origin = overrides
        .iter()
        .rev()
        .find(|o| overlaps(&o.display_path(), &shown))
        .map(|o| ErrorOrigin::Override(o.raw.clone()))
        .unwrap_or_else(|| position_in_file(text, &path));
    ScenarioError {
        source: source.to_string(),
        path: (!shown.is_empty()).then_some(shown),
        origin,
        message,
    }
}

/// True if one path is the other or lies inside it.
fn overlaps(a: &str, b: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    };
    inside(a, b) || inside(b, a)
}

/// The line and column of the deepest part of `path` that exists in the file.
fn position_in_file(text: &str, path: &[PathSegment]) -> ErrorOrigin {
    let Ok(root) = DeTable::parse(text) else {
        return ErrorOrigin::FileWhole;
    };
    let root = DeValue::Table(root.into_inner());
    let mut span = None;
    let mut here = &root;
    for seg in path {
        let next = match seg {
            PathSegment::Key(k) => here.get(k.as_str()),
            PathSegment::Index(i) => here.get(*i),
        };
        match next {
            Some(v) => {
                span = Some(v.span());
                here = v.get_ref();
            }
            None => break,
        }
    }
    match span {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            ErrorOrigin::File { line, column }
        }
        None => ErrorOrigin::FileWhole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the mutation property test: a scenario without `[cluster]` was refused with
    /// only "missing field `cluster`", no field path; a client without `kind` names
    /// `clients[0].kind` at its table's line.
    #[test]
    fn a_missing_field_is_named_by_its_path() {
        let e = load_scenario("seed = 1\n", "s.toml", &[]).expect_err("no cluster");
        assert_eq!(e.to_string(), "s.toml: cluster: missing field `cluster`");
        let text = "[cluster]\nname = \"c\"\n\n[[clients]]\nworkers = 1\n";
        let e = load_scenario(text, "s.toml", &[]).expect_err("no kind");
        assert_eq!(
            e.to_string(),
            "s.toml:4:1: clients[0].kind: missing field `kind`"
        );
    }
}
