//! From scenario text (plus `--set` overrides) to a validated [`Scenario`], or an error that
//! points at the file, line, column and field path.

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use toml::Table;
use toml::de::{DeTable, DeValue};

use super::model::Scenario;
use super::overrides::{Override, apply_override};
use super::toml_keys::longest_dotted_key;
use super::validate::validate;
use super::version_check::check_config_for_version;
use crate::diagnostic::{Diagnostic, Place, Severity, SourceSpan};
use crate::schema::{PathSegment, display_path};

/// Parses, overrides and validates one scenario. `source` names the file in messages.
pub fn load_scenario(
    text: &str,
    source: &str,
    overrides: &[Override],
) -> Result<Scenario, Diagnostic> {
    let mut table = parse_toml_table(text, source)?;
    apply_overrides(&mut table, source, overrides)?;
    scenario_from_table(table, text, source, overrides)
}

/// Applies `--set` overrides in order; a bad one is blamed on itself.
pub fn apply_overrides(
    table: &mut Table,
    source: &str,
    overrides: &[Override],
) -> Result<(), Diagnostic> {
    for o in overrides {
        apply_override(table, o).map_err(|message| {
            Diagnostic::error(source, message)
                .path(o.display_path())
                .place(Place::Override(o.raw.clone()))
        })?;
    }
    Ok(())
}

/// Parses TOML text into a table; a syntax error names its line and column.
pub fn parse_toml_table(text: &str, source: &str) -> Result<Table, Diagnostic> {
    toml::from_str::<Table>(text).map_err(|e| toml_syntax_error(text, source, &e))
}

/// A TOML syntax error at its place in `text`.
pub fn toml_syntax_error(text: &str, source: &str, e: &toml::de::Error) -> Diagnostic {
    let d = Diagnostic::from_message(
        Severity::Error,
        Some(source.to_string()),
        &format!("TOML syntax error: {}", e.message().trim()),
    );
    // The toml crate gives no place for a dotted key of too many parts (toml 1.2.2,
    // `de/parser/key.rs`: `LIMIT` = 80 parts or more before the last); it is the longest.
    let span = e.span().or_else(|| {
        (e.message().trim() == "recursion limit")
            .then(|| longest_dotted_key(text))
            .flatten()
    });
    match span {
        Some(span) => d.at(text, span),
        None => d,
    }
}

/// Deserialises and validates an already parsed (and possibly overridden) table. `text` is the
/// original file, used to point at the line of a bad field.
pub fn scenario_from_table(
    table: Table,
    text: &str,
    source: &str,
    overrides: &[Override],
) -> Result<Scenario, Diagnostic> {
    let root = toml::Value::Table(table);
    let scenario: Scenario = serde_path_to_error::deserialize(root.clone()).map_err(|e| {
        let mut path = segments_of(e.path());
        let message = e.inner().message().trim().to_string();
        if let Some(field) = missing_field(&message) {
            path.push(PathSegment::Key(field.to_string()));
        }
        let message = enum_message::<Scenario>(&message, &root, &path);
        let d = Diagnostic::from_message(Severity::Error, Some(source.to_string()), &message);
        locate(d, path, text, overrides)
    })?;
    let version = scenario.envoy.envoy_version();
    validate(&scenario)
        .and_then(|()| check_config_for_version(&root, version))
        .map_err(|v| {
            let mut d = Diagnostic::error(source, v.message);
            d.expected = v.expected;
            d.hint = v.hint;
            locate(d, v.path, text, overrides)
        })?;
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

/// Places the error for a bad field: blamed on a `--set` when one touched that field, else on
/// the field's place in the file.
pub(crate) fn locate(
    d: Diagnostic,
    path: Vec<PathSegment>,
    text: &str,
    overrides: &[Override],
) -> Diagnostic {
    let shown = display_path(&path);
    let place = overrides
        .iter()
        .rev()
        .find(|o| overlaps(&o.display_path(), &shown))
        .map(|o| Place::Override(o.raw.clone()))
        .unwrap_or_else(|| {
            let unknown = d.message.starts_with("unknown field");
            position_in_file(text, &path, unknown)
        });
    d.place(place).path(shown)
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

/// `d` pointed at its field in the TOML `text`, when it names a field but no place yet.
pub fn locate_in_toml(d: Diagnostic, text: &str) -> Diagnostic {
    match (&d.place, &d.path) {
        (Place::Whole, Some(path)) => {
            let unknown = d.message.starts_with("unknown field");
            let place = position_in_file(text, &parse_display_path(path), unknown);
            d.place(place)
        }
        _ => d,
    }
}

/// The segments of a path written as [`display_path`] writes it (`a.b[0].c`).
fn parse_display_path(path: &str) -> Vec<PathSegment> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        if let Some(k) = pieces.next().filter(|k| !k.is_empty()) {
            segments.push(PathSegment::Key(k.to_string()));
        }
        for index in pieces {
            match index.trim_end_matches(']').parse() {
                Ok(i) => segments.push(PathSegment::Index(i)),
                Err(_) => segments.push(PathSegment::Key(index.to_string())),
            }
        }
    }
    segments
}

/// The span of the deepest part of `path` that exists in the file: of its value, or, with
/// `key`, of the last key's name (for a field that should not be there).
fn position_in_file(text: &str, path: &[PathSegment], key: bool) -> Place {
    let Ok(root) = DeTable::parse(text) else {
        return Place::Whole;
    };
    let root = DeValue::Table(root.into_inner());
    let mut span = None;
    let mut here = &root;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let next = match seg {
            PathSegment::Key(k) => {
                if last && key {
                    span = key_span(here, k).or(span);
                    break;
                }
                here.get(k.as_str())
            }
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
        Some(span) => Place::Span(SourceSpan::new(text, span)),
        None => Place::Whole,
    }
}

/// The span of the key `k` itself in the table `table`.
fn key_span(table: &DeValue, k: &str) -> Option<std::ops::Range<usize>> {
    table
        .as_table()?
        .iter()
        .find(|(name, _)| name.get_ref().as_ref() == k)
        .map(|(name, _)| name.span())
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
