//! A YAML document as a tree of nodes that remember where they are (line, path) and which of
//! their fields were read, so that every field left unread can be reported.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use sim_core::time::SimDuration;

use crate::exit::CliError;

/// Parses every document of a YAML file; a syntax error names the line and column.
pub fn parse_documents<'a>(text: &'a str, source: &str) -> Result<Vec<MarkedYaml<'a>>, CliError> {
    MarkedYaml::load_from_str(text).map_err(|e| {
        CliError::Input(format!(
            "{source}:{}:{}: YAML syntax error: {}",
            e.marker().line(),
            e.marker().col() + 1,
            e.info()
        ))
    })
}

/// Which fields of the file were read, and why some were ignored.
#[derive(Default)]
pub struct Reads {
    seen: RefCell<BTreeSet<String>>,
    why: RefCell<BTreeMap<String, String>>,
    /// Values of the wrong type or out of range: `file:line:col: path: what was expected`.
    bad: RefCell<Vec<String>>,
}

impl Reads {
    /// The values that could not be read, in the order met.
    pub fn bad_values(&self) -> Vec<String> {
        self.bad.borrow().clone()
    }
}

/// A node of the tree with its dotted path.
#[derive(Clone)]
pub struct Node<'y, 'a> {
    yaml: &'y MarkedYaml<'a>,
    reads: &'y Reads,
    source: &'y str,
    path: String,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'y, 'a> Node<'y, 'a> {
    /// The root of a document read from the file `source`.
    pub fn root(yaml: &'y MarkedYaml<'a>, reads: &'y Reads, source: &'y str) -> Self {
        Node {
            yaml,
            reads,
            source,
            path: String::new(),
        }
    }

    /// Where the node is, for messages: `file:line:column`.
    pub fn at(&self) -> String {
        let start = self.yaml.span.start;
        format!("{}:{}:{}", self.source, start.line(), start.col() + 1)
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// 1-based line of the node.
    pub fn line(&self) -> usize {
        self.yaml.span.start.line()
    }

    fn child(&self, yaml: &'y MarkedYaml<'a>, path: String) -> Node<'y, 'a> {
        self.reads.seen.borrow_mut().insert(path.clone());
        Node {
            yaml,
            reads: self.reads,
            source: self.source,
            path,
        }
    }

    /// The field `key` of a mapping, marked as read.
    pub fn get(&self, key: &str) -> Option<Node<'y, 'a>> {
        let map = self.yaml.data.as_mapping()?;
        let (_, v) = map.iter().find(|(k, _)| k.data.as_str() == Some(key))?;
        Some(self.child(v, join(&self.path, key)))
    }

    /// Marks this node and everything below it as read (parts that do not matter here).
    pub fn read_all(&self) {
        for (path, _) in self.unread() {
            self.reads.seen.borrow_mut().insert(path);
        }
        let mut nested = self.unread();
        while !nested.is_empty() {
            for (path, _) in nested {
                self.reads.seen.borrow_mut().insert(path);
            }
            nested = self.unread();
        }
    }

    /// Marks this node as not translated (even if it was read), so that it is reported with
    /// `why` (e.g. "not known to istiod 1.26").
    pub fn ignore(&self, why: impl Into<String>) {
        self.reads.seen.borrow_mut().remove(&self.path);
        self.reads
            .why
            .borrow_mut()
            .insert(self.path.clone(), why.into());
    }

    /// Says `why` for every field below this node that is unread so far.
    pub fn ignore_unread(&self, why: &str) {
        for (path, _) in self.unread() {
            self.reads.why.borrow_mut().insert(path, why.to_string());
        }
    }

    /// Why the unread field at `path` was ignored, if a translation said so.
    pub fn why_ignored(&self, path: &str) -> Option<String> {
        self.reads.why.borrow().get(path).cloned()
    }

    /// The items of a sequence, marked as read.
    pub fn items(&self) -> Vec<Node<'y, 'a>> {
        let Some(seq) = self.yaml.data.as_sequence() else {
            return Vec::new();
        };
        seq.iter()
            .enumerate()
            .map(|(i, v)| self.child(v, format!("{}[{i}]", self.path)))
            .collect()
    }

    /// Notes that this node's value is not what `expected` says (it is reported as an error).
    fn bad(&self, expected: &str) {
        let message = format!("{}: {}: {expected}", self.at(), self.path);
        self.reads.bad.borrow_mut().push(message);
    }

    fn checked<T>(&self, value: Option<T>, expected: &str) -> Option<T> {
        if value.is_none() {
            self.bad(expected);
        }
        value
    }

    pub fn str(&self) -> Option<&'y str> {
        self.checked(self.yaml.data.as_str(), "expected a string")
    }

    pub fn u64(&self) -> Option<u64> {
        let value = match &self.yaml.data {
            YamlData::Value(Scalar::Integer(i)) if *i >= 0 => Some(*i as u64),
            YamlData::Value(Scalar::String(s)) => s.parse().ok(),
            _ => None,
        };
        self.checked(value, "expected a whole number, 0 or more")
    }

    pub fn f64(&self) -> Option<f64> {
        let value = match &self.yaml.data {
            YamlData::Value(Scalar::Integer(i)) => Some(*i as f64),
            YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.into_inner()),
            YamlData::Value(Scalar::String(s)) => s.parse().ok(),
            _ => None,
        };
        self.checked(value, "expected a number")
    }

    pub fn bool(&self) -> Option<bool> {
        let value = match &self.yaml.data {
            YamlData::Value(Scalar::Boolean(b)) => Some(*b),
            _ => None,
        };
        self.checked(value, "expected true or false")
    }

    /// A duration as Envoy or Istio write it: `"5s"`, `"0.25s"`, `"30ms"`, or
    /// `{ seconds, nanos }` (nanos below 10^9).
    pub fn duration(&self) -> Option<SimDuration> {
        let value = if let Some(s) = self.yaml.data.as_str() {
            SimDuration::parse(s).ok()
        } else if self.yaml.data.as_mapping().is_some() {
            let secs = self.get("seconds").and_then(|n| n.u64()).unwrap_or(0);
            let nanos = self.get("nanos").and_then(|n| n.u64()).unwrap_or(0);
            secs.checked_mul(1_000_000_000)
                .filter(|_| nanos < 1_000_000_000)
                .and_then(|ns| ns.checked_add(nanos))
                .map(SimDuration)
        } else {
            None
        };
        self.checked(
            value,
            "expected a duration such as \"5s\", \"0.25s\" or { seconds, nanos }",
        )
    }

    /// A duration as [`Node::duration`] reads it, or an error naming the node's place and path
    /// and what is allowed.
    pub fn required_duration(&self) -> Result<SimDuration, CliError> {
        self.duration().ok_or_else(|| {
            CliError::Input(format!(
                "{}: {}: expected a duration such as \"5s\" or \"0.25s\"",
                self.at(),
                self.path
            ))
        })
    }

    /// Every field below this node that was never read: `(path, file:line:column)`.
    pub fn unread(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.collect_unread(&mut out);
        out
    }

    fn collect_unread(&self, out: &mut Vec<(String, String)>) {
        let seen = |p: &str| self.reads.seen.borrow().contains(p);
        if let Some(map) = self.yaml.data.as_mapping() {
            for (k, v) in map.iter() {
                let Some(key) = k.data.as_str() else { continue };
                let path = join(&self.path, key);
                if !seen(&path) {
                    let at = k.span.start;
                    out.push((
                        path,
                        format!("{}:{}:{}", self.source, at.line(), at.col() + 1),
                    ));
                    continue;
                }
                let child = Node {
                    yaml: v,
                    reads: self.reads,
                    source: self.source,
                    path,
                };
                child.collect_unread(out);
            }
        } else if let Some(seq) = self.yaml.data.as_sequence() {
            for (i, v) in seq.iter().enumerate() {
                let child = Node {
                    yaml: v,
                    reads: self.reads,
                    source: self.source,
                    path: format!("{}[{i}]", self.path),
                };
                child.collect_unread(out);
            }
        }
    }
}
