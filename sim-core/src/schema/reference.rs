//! The field tables of `docs/scenario-format.md`, written from the schema: each table of the
//! doc sits between `<!-- table: Name -->` and `<!-- end table -->` and is replaced by the
//! fields of the scenario table `Name`.

use super::json_schema::doc_text;
use super::{DefaultValue, FieldSpec, Kind, Rule, Table, TableSpec};
use crate::envoy::version::{NEWEST_ENVOY, OLDEST_ENVOY};
use crate::scenario::{ConfigRef, Scenario};

const START: &str = "<!-- table: ";
const END: &str = "<!-- end table -->";

/// Every table of a scenario, by name: the scenario's and those inside it, and `ConfigRef`.
pub fn all_tables() -> Vec<&'static TableSpec> {
    let mut out = Vec::new();
    walk(Scenario::spec(), &mut out);
    walk(ConfigRef::spec(), &mut out);
    out
}

fn walk(spec: &'static TableSpec, out: &mut Vec<&'static TableSpec>) {
    if out.iter().any(|t| t.name == spec.name) {
        return;
    }
    out.push(spec);
    for f in spec.fields {
        let mut kind = (f.kind)();
        while let Kind::List(inner) = kind {
            kind = *inner;
        }
        if let Kind::Table(t) = kind {
            walk(t, out);
        }
    }
}

/// `markdown` with every marked table written anew from the schema; an unknown table name is
/// an error.
pub fn fill_reference(markdown: &str) -> Result<String, String> {
    let tables = all_tables();
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(start) = rest.find(START) {
        let after = &rest[start + START.len()..];
        let close = after.find("-->").ok_or("a table marker is not closed")?;
        let name = after[..close].trim();
        let body = &after[close + 3..];
        let end = body
            .find(END)
            .ok_or_else(|| format!("table {name}: no `{END}`"))?;
        let spec = tables
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("no scenario table named {name}"))?;
        out.push_str(&rest[..start]);
        out.push_str(&format!("{START}{name} -->\n"));
        out.push_str(&reference_table(spec));
        out.push_str(END);
        rest = &body[end + END.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The markdown table of `spec`'s fields: name, type, default, meaning, and for an Envoy table
/// each field's proto type and JSON name.
pub fn reference_table(spec: &TableSpec) -> String {
    let envoy = spec.envoy.is_some();
    let mut out = String::from("| Field | Type | Default | Meaning |");
    out.push_str(if envoy { " Envoy field |\n" } else { "\n" });
    out.push_str("|---|---|---|---|");
    out.push_str(if envoy { "---|\n" } else { "\n" });
    for f in spec.fields {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |",
            f.name,
            type_text(&(f.kind)(), &f.rule),
            default_text(f),
            meaning(f)
        ));
        if envoy {
            match &f.envoy {
                Some(e) => out.push_str(&format!(
                    " `{}` (JSON `{}`) |",
                    e.ty.proto_name(),
                    e.json_name()
                )),
                None => out.push_str(" breakersim's own |"),
            }
        }
        out.push('\n');
    }
    out
}

fn meaning(f: &FieldSpec) -> String {
    let mut text = doc_text(f.doc);
    if let Some(note) = f.note {
        text.push_str(&format!(" ({note}.)"));
    }
    text.replace('|', "\\|")
}

fn default_text(f: &FieldSpec) -> String {
    match f.default {
        DefaultValue::Literal("{}") => "every field at its default".into(),
        DefaultValue::Literal(literal) => format!("`{literal}`"),
        DefaultValue::Absent(meaning) => meaning.replace('|', "\\|"),
        DefaultValue::Required => "required".into(),
    }
}

/// The values a field takes, in words.
fn type_text(kind: &Kind, rule: &Rule) -> String {
    match kind {
        Kind::Integer { min, max } => match rule {
            Rule::Range { min, max } => format!("integer, {min} to {max}"),
            Rule::AtLeast(at_least) => format!("integer ≥ {}", at_least.max(min)),
            _ if *max == u64::from(u16::MAX) => format!("integer, {min} to {max}"),
            _ => format!("integer ≥ {min}"),
        },
        Kind::Float => match rule {
            Rule::PositiveUpTo(max) => format!("number > 0, at most {max}"),
            _ => "number".into(),
        },
        Kind::Bool => "bool".into(),
        Kind::String => "string".into(),
        Kind::Duration if *rule == Rule::DurationAboveZero => "duration > 0".into(),
        Kind::Duration => "duration".into(),
        Kind::Percent => "percentage, 0 to 100: `N` or `{ value = N }`".into(),
        Kind::Probability => "number, 0 to 1".into(),
        Kind::Distribution => "[distribution](#distributions)".into(),
        Kind::IstioVersion => "string, an Istio version: `\"1.24\"`".into(),
        Kind::EnvoyVersion => {
            format!("string, an Envoy version: `\"{OLDEST_ENVOY}\"` to `\"{NEWEST_ENVOY}\"`")
        }
        Kind::FilePaths => "string or list of strings".into(),
        Kind::Enum(names) => names
            .iter()
            .map(|(n, _)| format!("`\"{n}\"`"))
            .collect::<Vec<_>>()
            .join(" \\| "),
        Kind::Table(_) => "table".into(),
        Kind::List(k) => match k.as_ref() {
            Kind::Table(_) => "list of tables".into(),
            k => format!("list of {}", type_text(k, rule)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_table_is_written_from_the_schema() {
        let doc = "Intro.\n\n<!-- table: RetryHostPredicate -->\nold text\n<!-- end table -->\n\nAfter.\n";
        let filled = fill_reference(doc).expect("known table");
        assert_eq!(
            filled,
            "Intro.\n\n<!-- table: RetryHostPredicate -->\n\
             | Field | Type | Default | Meaning | Envoy field |\n\
             |---|---|---|---|---|\n\
             | `name` | string | required | The predicate's extension name. | `string` (JSON `name`) |\n\
             <!-- end table -->\n\nAfter.\n"
        );
        assert_eq!(fill_reference(&filled), Ok(filled.clone()), "idempotent");
        assert!(fill_reference("<!-- table: Nope -->\n<!-- end table -->").is_err());
    }

    /// Every default written as scenario text reads as its field's type, in every table.
    #[test]
    fn every_default_reads_as_its_type() {
        for t in all_tables() {
            (t.check_defaults)().unwrap_or_else(|e| panic!("{}: {e}", t.name));
        }
    }

    #[test]
    fn every_table_is_reachable_once() {
        let names: Vec<&str> = all_tables().iter().map(|t| t.name).collect();
        for name in [
            "Scenario",
            "Cluster",
            "OutlierDetection",
            "Phase",
            "ConfigRef",
            "Link",
        ] {
            assert_eq!(names.iter().filter(|n| **n == name).count(), 1, "{name}");
        }
    }
}
