//! The scenario an import writes: tables in a fixed order, each value with a comment saying
//! where it came from (the file, an Envoy default, an Istio default, or the synthetic world to
//! edit).

use std::fmt::Write;

use sim_core::time::SimDuration;

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Read from the file, at this line.
    File(usize),
    /// Envoy's default, written out.
    EnvoyDefault,
    /// What istiod writes (or defaults to) for this Istio version.
    Istio(String),
    /// The Envoy release this Istio version's proxy ships.
    IstioProxy(String),
    /// Why breakersim wrote this value, in words.
    Note(String),
    /// breakersim's synthetic world: edit to match yours.
    World,
}

impl Origin {
    fn comment(&self) -> String {
        match self {
            Origin::File(line) => format!("from the file, line {line}"),
            Origin::EnvoyDefault => "Envoy's default".into(),
            Origin::Istio(v) => format!("written by istiod {v}"),
            Origin::IstioProxy(v) => format!("the Envoy that Istio {v}'s proxy ships"),
            Origin::Note(why) => why.clone(),
            Origin::World => "synthetic world: edit".into(),
        }
    }
}

/// A TOML value, already formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value(pub String);

impl Value {
    pub fn str(s: &str) -> Value {
        Value(toml::Value::String(s.to_string()).to_string())
    }
    pub fn int(n: u64) -> Value {
        Value(n.to_string())
    }
    pub fn float(f: f64) -> Value {
        Value(toml::Value::Float(f).to_string())
    }
    pub fn bool(b: bool) -> Value {
        Value(b.to_string())
    }
    pub fn duration(d: SimDuration) -> Value {
        Value::str(&d.to_string())
    }
    pub fn percent(p: f64) -> Value {
        Value(format!("{{ value = {} }}", toml::Value::Float(p)))
    }
    pub fn raw(s: &str) -> Value {
        Value(s.to_string())
    }
}

#[derive(Clone, Debug)]
struct Entry {
    key: String,
    value: Value,
    origin: Origin,
}

#[derive(Clone, Debug)]
struct Section {
    header: String,
    comment: Option<String>,
    entries: Vec<Entry>,
}

/// The document being written.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    preamble: Vec<String>,
    top: Vec<Entry>,
    sections: Vec<Section>,
}

impl Doc {
    pub fn comment(&mut self, line: impl Into<String>) {
        self.preamble.push(line.into());
    }

    /// A top-level key (before any table).
    pub fn top(&mut self, key: &str, value: Value, origin: Origin) {
        self.top.push(Entry {
            key: key.into(),
            value,
            origin,
        });
    }

    /// Starts a table (`[cluster]`) or array-of-tables entry (`[[backends]]`).
    pub fn section(&mut self, header: &str, comment: Option<&str>) {
        self.sections.push(Section {
            header: header.into(),
            comment: comment.map(str::to_string),
            entries: Vec::new(),
        });
    }

    /// A key of the current table; replaces an earlier value of the same key.
    pub fn set(&mut self, key: &str, value: Value, origin: Origin) {
        let section = self.sections.last_mut().expect("a section is open");
        match section.entries.iter_mut().find(|e| e.key == key) {
            Some(e) => {
                e.value = value;
                e.origin = origin;
            }
            None => section.entries.push(Entry {
                key: key.into(),
                value,
                origin,
            }),
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.preamble {
            let _ = writeln!(out, "# {line}");
        }
        if !self.preamble.is_empty() {
            out.push('\n');
        }
        write_entries(&mut out, &self.top);
        for s in &self.sections {
            if !out.is_empty() {
                out.push('\n');
            }
            if let Some(c) = &s.comment {
                let _ = writeln!(out, "# {c}");
            }
            let _ = writeln!(out, "{}", s.header);
            write_entries(&mut out, &s.entries);
        }
        out
    }
}

fn write_entries(out: &mut String, entries: &[Entry]) {
    let width = entries
        .iter()
        .map(|e| e.key.len() + 3 + e.value.0.len())
        .max()
        .unwrap_or(0);
    for e in entries {
        let line = format!("{} = {}", e.key, e.value.0);
        let _ = writeln!(out, "{line:<width$}  # {}", e.origin.comment());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_commented_toml_that_parses() {
        let mut d = Doc::default();
        d.comment("imported from x.yaml");
        d.top("seed", Value::int(1), Origin::World);
        d.section("[cluster]", Some("the cluster"));
        d.set("name", Value::str("a\"b"), Origin::File(3));
        d.set(
            "connect_timeout",
            Value::duration(SimDuration::from_millis(250)),
            Origin::EnvoyDefault,
        );
        d.set("name", Value::str("c"), Origin::File(4));
        let text = d.render();
        let name = text
            .lines()
            .find(|l| l.starts_with("name"))
            .expect("a name");
        assert!(name.starts_with("name = \"c\" "), "{text}");
        assert!(name.ends_with("  # from the file, line 4"), "{text}");
        assert_eq!(
            text.matches("name = ").count(),
            1,
            "set again replaces: {text}"
        );
        let t: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(t["cluster"]["connect_timeout"].as_str(), Some("250ms"));
        assert_eq!(t["seed"].as_integer(), Some(1));
    }
}
