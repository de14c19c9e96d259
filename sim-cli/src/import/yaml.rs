//! A YAML document as a tree of nodes that remember where they are (line, path) and which of
//! their fields were read, so that every field left unread can be reported.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, YamlData};
use sim_core::diagnostic::{Diagnostic, LineIndex, Place, Severity, did_you_mean};
use sim_core::schema::json_name;
use sim_core::time::SimDuration;

use super::proto_json;

use crate::exit::CliError;

/// Parses every document of a YAML file; a syntax error names the line and column.
pub fn parse_documents<'a>(text: &'a str, source: &str) -> Result<Vec<MarkedYaml<'a>>, CliError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        let at = byte_offset(text, e.marker());
        CliError::input(
            Diagnostic::from_message(
                Severity::Error,
                Some(source.to_string()),
                &format!("YAML syntax error: {}", e.info()),
            )
            .at(text, at..at),
        )
    })?;
    for d in &docs {
        if let Some(deep) = too_deep(d) {
            let at = byte_offset(text, &deep.span.start);
            return Err(CliError::input(
                Diagnostic::error(source, format!("nested more than {MAX_DEPTH} levels deep"))
                    .at(text, at..at)
                    .hint("protobuf's JSON parser, which Envoy reads configs with, refuses this too: \"JSON content was too deeply nested\""),
            ));
        }
    }
    Ok(docs)
}

/// How deep a config may nest: protobuf's JSON parser stops at 100 levels
/// (`json_internal::ParseOptions::kDefaultDepth`, `src/google/protobuf/json/internal/lexer.h`).
/// The import's walks recurse, so deeper input is refused before them.
const MAX_DEPTH: usize = 100;

/// The first node nested deeper than `MAX_DEPTH`, found without recursion.
fn too_deep<'y, 'a>(root: &'y MarkedYaml<'a>) -> Option<&'y MarkedYaml<'a>> {
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Some(node);
        }
        match &node.data {
            YamlData::Sequence(seq) => stack.extend(seq.iter().map(|v| (v, depth + 1))),
            YamlData::Mapping(map) => stack.extend(map.iter().map(|(_, v)| (v, depth + 1))),
            _ => {}
        }
    }
    None
}

/// The byte offset in `text` of a saphyr marker (whose index counts characters).
fn byte_offset(text: &str, m: &Marker) -> usize {
    text.char_indices()
        .nth(m.index())
        .map_or(text.len(), |(offset, _)| offset)
}

/// Whose rules read a document: Envoy's (protobuf's JSON parser, see `proto_json`) or the
/// Kubernetes API server's (an Istio resource).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// An Envoy config: each field by its proto name or its json_name, a single value for a
    /// list of one, integers as strings, durations in seconds.
    #[default]
    Envoy,
    /// A Kubernetes resource (Istio's): fields by their JSON names, lists as lists, Go
    /// durations (`"5m"`).
    Kubernetes,
}

impl Dialect {
    /// The dialect of a document: a Kubernetes resource has `apiVersion` and `kind`.
    pub fn of(yaml: &MarkedYaml) -> Dialect {
        let has = |key: &str| {
            yaml.data
                .as_mapping()
                .is_some_and(|m| m.iter().any(|(k, _)| k.data.as_str() == Some(key)))
        };
        if has("apiVersion") && has("kind") {
            Dialect::Kubernetes
        } else {
            Dialect::Envoy
        }
    }
}

/// Which fields of the file were read, and why some were ignored.
#[derive(Default)]
pub struct Reads {
    /// Whose rules read the document.
    pub dialect: Dialect,
    seen: RefCell<BTreeSet<String>>,
    why: RefCell<BTreeMap<String, String>>,
    /// The keys looked for in each mapping (by its path), found or not: the names a misspelt
    /// key was likely meant to be.
    asked: RefCell<BTreeMap<String, BTreeSet<String>>>,
    /// Values of the wrong type or out of range, at their place.
    bad: RefCell<Vec<Diagnostic>>,
}

impl Reads {
    /// Reads of a document read by `dialect`'s rules.
    pub fn new(dialect: Dialect) -> Reads {
        Reads {
            dialect,
            ..Reads::default()
        }
    }

    /// The values that could not be read, in the order met.
    pub fn bad_values(&self) -> Vec<Diagnostic> {
        self.bad.borrow().clone()
    }
}

/// A field of the file that no translation read.
pub struct Unread<'y> {
    /// Its dotted path.
    pub path: String,
    /// Where its key is.
    pub at: PlaceAt<'y>,
    /// The name looked for in the same mapping that it is closest to, if it looks misspelt.
    pub suggestion: Option<String>,
}

/// Where a node or a mapping's key is in its file, made a [`Place`] only for a message that
/// shows it (most are never shown, and a place copies its line: a whole document, on one line).
#[derive(Clone, Copy)]
pub struct PlaceAt<'y> {
    text: &'y str,
    lines: &'y LineIndex,
    /// The first and just-past-last characters (saphyr's markers count characters).
    chars: (usize, usize),
}

impl PlaceAt<'_> {
    /// The place, to show it in a message.
    pub fn place(&self) -> Place {
        let byte = |c: usize| self.lines.byte_of_char(self.text, c);
        Place::Span(
            self.lines
                .span(self.text, byte(self.chars.0)..byte(self.chars.1)),
        )
    }
}

/// A node of the tree with its dotted path.
#[derive(Clone)]
pub struct Node<'y, 'a> {
    yaml: &'y MarkedYaml<'a>,
    reads: &'y Reads,
    source: &'y str,
    /// The whole text of the file, to show the node's line in messages.
    text: &'y str,
    /// Where the text's lines start.
    lines: &'y LineIndex,
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
    /// The root of a document read from the file `source`, whose text is `text` with its lines
    /// indexed in `lines`.
    pub fn root(
        yaml: &'y MarkedYaml<'a>,
        reads: &'y Reads,
        source: &'y str,
        text: &'y str,
        lines: &'y LineIndex,
    ) -> Self {
        Node {
            yaml,
            reads,
            source,
            text,
            lines,
            path: String::new(),
        }
    }

    /// The file the node is in, as the user named it.
    pub fn source(&self) -> &'y str {
        self.source
    }

    /// The node's place in its file.
    pub fn place(&self) -> Place {
        self.at(&self.yaml.span.start, &self.yaml.span.end).place()
    }

    fn at(&self, start: &Marker, end: &Marker) -> PlaceAt<'y> {
        PlaceAt {
            text: self.text,
            lines: self.lines,
            chars: (start.index(), end.index()),
        }
    }

    /// An error at this node, naming its path.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.source, message)
            .place(self.place())
            .path(self.path.clone())
    }

    /// A warning at this node, naming its path.
    pub fn warning(&self, message: impl Into<String>) -> Diagnostic {
        let mut d = self.error(message);
        d.severity = Severity::Warning;
        d
    }

    /// The error for a value that is not `expected`: "invalid value V, expected ...".
    pub fn invalid(&self, expected: &str) -> CliError {
        CliError::input(
            self.error(format!("invalid value {}", self.shown()))
                .expected(expected),
        )
    }

    /// An error at this node that stops the import.
    pub fn fail(&self, message: impl Into<String>) -> CliError {
        CliError::input(self.error(message))
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
        self.below(yaml, path)
    }

    /// The node `yaml` at `path` below this one, in the same file, not marked read.
    fn below(&self, yaml: &'y MarkedYaml<'a>, path: String) -> Node<'y, 'a> {
        Node {
            yaml,
            reads: self.reads,
            source: self.source,
            text: self.text,
            lines: self.lines,
            path,
        }
    }

    /// The field `key` of a mapping, marked as read. In an Envoy document the field may be
    /// written by its proto name or its json_name (`connect_timeout` or `connectTimeout`), as
    /// protobuf's `FieldByName` finds either; written both ways, it is an error, as protobuf's
    /// "has already been set". A `null` value leaves the field unset.
    pub fn get(&self, key: &str) -> Option<Node<'y, 'a>> {
        self.reads
            .asked
            .borrow_mut()
            .entry(self.path.clone())
            .or_default()
            .insert(key.to_string());
        let map = self.yaml.data.as_mapping()?;
        let json = json_name(key);
        let envoy = self.reads.dialect == Dialect::Envoy;
        let mut found = map.iter().filter(|(k, _)| {
            k.data
                .as_str()
                .is_some_and(|k| k == key || (envoy && k == json))
        });
        let (k, v) = found.next()?;
        let written = k.data.as_str().expect("a string key");
        if let Some((again, _)) = found.next() {
            let twice = self.child(again, join(&self.path, again.data.as_str().unwrap_or(key)));
            twice.reject(
                format!("`{key}` is set twice, as `{key}` and as `{json}`"),
                "one of the two, as protobuf allows a field once",
            );
        }
        let child = self.child(v, join(&self.path, written));
        if v.data.is_null() && envoy {
            return None;
        }
        Some(child)
    }

    /// The entries of a mapping as written, each key with its place and its value as a node,
    /// without marking anything read (for checks over the whole file).
    pub fn entries(&self) -> Vec<(String, PlaceAt<'y>, Node<'y, 'a>)> {
        let Some(map) = self.yaml.data.as_mapping() else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| {
                let key = k.data.as_str()?;
                let node = self.below(v, join(&self.path, key));
                Some((key.to_string(), self.at(&k.span.start, &k.span.end), node))
            })
            .collect()
    }

    /// The items of a repeated field as Envoy reads them (a single value is a list of one, a
    /// list in the list flattened), without marking anything read.
    pub fn repeated(&self) -> Vec<Node<'y, 'a>> {
        match &self.yaml.data {
            YamlData::Sequence(seq) => seq
                .iter()
                .enumerate()
                .flat_map(|(i, v)| self.below(v, format!("{}[{i}]", self.path)).repeated())
                .collect(),
            YamlData::Value(Scalar::Null) => Vec::new(),
            _ => vec![self.clone()],
        }
    }

    /// A scalar string value, without marking it read.
    pub fn peek_str(&self) -> Option<&'y str> {
        self.yaml.data.as_str()
    }

    /// Whether a mapping has the field `key` (by either name in an Envoy document), without
    /// marking it read.
    pub fn has(&self, key: &str) -> bool {
        let json = json_name(key);
        let envoy = self.reads.dialect == Dialect::Envoy;
        self.yaml.data.as_mapping().is_some_and(|m| {
            m.iter().any(|(k, _)| {
                k.data
                    .as_str()
                    .is_some_and(|k| k == key || (envoy && k == json))
            })
        })
    }

    /// Whether the node is a YAML integer.
    pub fn is_integer(&self) -> bool {
        matches!(self.yaml.data, YamlData::Value(Scalar::Integer(_)))
    }

    /// Whether `text` is a string value anywhere at or below this node, without marking
    /// anything read. (The documents are at most `MAX_DEPTH` deep, so the recursion is bounded.)
    pub fn mentions(&self, text: &str) -> bool {
        fn walk(y: &MarkedYaml, text: &str) -> bool {
            if let Some(s) = y.data.as_str() {
                return s == text;
            }
            if let Some(seq) = y.data.as_sequence() {
                return seq.iter().any(|v| walk(v, text));
            }
            y.data
                .as_mapping()
                .is_some_and(|m| m.iter().any(|(_, v)| walk(v, text)))
        }
        walk(self.yaml, text)
    }

    /// Whether the node is empty: `null`, `~`, or nothing at all (an empty YAML document).
    pub fn is_null(&self) -> bool {
        self.yaml.data.is_null()
    }

    /// Whether the node is a list.
    pub fn is_sequence(&self) -> bool {
        self.yaml.data.as_sequence().is_some()
    }

    /// The values of a mapping, each marked as read, in file order.
    pub fn values(&self) -> Vec<Node<'y, 'a>> {
        let Some(map) = self.yaml.data.as_mapping() else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| {
                let key = k.data.as_str()?;
                Some(self.child(v, join(&self.path, key)))
            })
            .collect()
    }

    /// Marks this node and everything below it as read (parts that do not matter here).
    pub fn read_all(&self) {
        let mut nested = self.unread_paths();
        while !nested.is_empty() {
            for path in nested {
                self.reads.seen.borrow_mut().insert(path);
            }
            nested = self.unread_paths();
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
        for path in self.unread_paths() {
            self.reads.why.borrow_mut().insert(path, why.to_string());
        }
    }

    /// Why the unread field at `path` was ignored, if a translation said so.
    pub fn why_ignored(&self, path: &str) -> Option<String> {
        self.reads.why.borrow().get(path).cloned()
    }

    /// The items of a list, marked as read. In an Envoy document a single value stands for a
    /// list of one and a list inside the list is flattened into it (protobuf's `ParseField`
    /// and `ParseArray` in legacy mode); in a Kubernetes resource anything but a list is an
    /// error, as the API server refuses it.
    pub fn items(&self) -> Vec<Node<'y, 'a>> {
        match &self.yaml.data {
            YamlData::Sequence(seq) => {
                let mut out = Vec::new();
                for (i, v) in seq.iter().enumerate() {
                    let item = self.child(v, format!("{}[{i}]", self.path));
                    if self.reads.dialect == Dialect::Envoy && v.data.as_sequence().is_some() {
                        out.extend(item.items());
                    } else {
                        out.push(item);
                    }
                }
                out
            }
            YamlData::Value(Scalar::Null) => Vec::new(),
            _ if self.reads.dialect == Dialect::Envoy => vec![self.clone()],
            _ => {
                self.bad("a list");
                Vec::new()
            }
        }
    }

    /// Notes that this node's value breaks a rule (`message`), where `expected` is allowed; it
    /// is reported as an error with the others.
    pub fn reject(&self, message: impl Into<String>, expected: &str) {
        let mut d = self.error(message);
        if !expected.is_empty() {
            d = d.expected(expected);
        }
        self.reads.bad.borrow_mut().push(d);
    }

    /// Notes that this node's value is not what `expected` says (it is reported as an error).
    fn bad(&self, expected: &str) {
        let d = self
            .error(format!("invalid value {}", self.shown()))
            .expected(expected);
        self.reads.bad.borrow_mut().push(d);
    }

    /// The node's value in words, for messages: a scalar as written, else its kind.
    pub fn shown(&self) -> String {
        match &self.yaml.data {
            YamlData::Value(Scalar::String(s)) => format!("{s:?}"),
            YamlData::Value(Scalar::Integer(i)) => i.to_string(),
            YamlData::Value(Scalar::FloatingPoint(f)) => f.to_string(),
            YamlData::Value(Scalar::Boolean(b)) => b.to_string(),
            YamlData::Value(Scalar::Null) => "null".into(),
            YamlData::Mapping(_) => "a mapping".into(),
            YamlData::Sequence(_) => "a list".into(),
            _ => "this value".into(),
        }
    }

    fn checked<T>(&self, value: Option<T>, expected: &str) -> Option<T> {
        if value.is_none() {
            self.bad(expected);
        }
        value
    }

    pub fn str(&self) -> Option<&'y str> {
        self.checked(self.yaml.data.as_str(), "a string")
    }

    /// A whole number, 0 or more, that fits 64 bits.
    pub fn u64(&self) -> Option<u64> {
        self.unsigned(64)
    }

    /// A whole number, 0 or more, of `bits` width (32 or 64), as protobuf reads one: a number,
    /// or a string of one; `20.0` is 20. A sign, a fraction or a value too wide is an error
    /// naming what is allowed.
    pub fn unsigned(&self, bits: u32) -> Option<u64> {
        let read = match &self.yaml.data {
            YamlData::Value(Scalar::Integer(i)) => proto_json::unsigned_from_int(*i, bits),
            YamlData::Value(Scalar::FloatingPoint(f)) => {
                proto_json::unsigned_from_number(f.into_inner(), bits)
            }
            YamlData::Value(Scalar::String(s)) => proto_json::unsigned_from_str(s, bits),
            _ => Err("expected a number or a string".into()),
        };
        match read {
            Ok(n) => Some(n),
            Err(why) => {
                let d = self.error(format!("invalid value {}: {why}", self.shown()));
                self.reads.bad.borrow_mut().push(d.expected(format!(
                    "a whole number from 0 to {}",
                    if bits == 32 {
                        u64::from(u32::MAX)
                    } else {
                        u64::MAX
                    }
                )));
                None
            }
        }
    }

    pub fn f64(&self) -> Option<f64> {
        let value = match &self.yaml.data {
            YamlData::Value(Scalar::Integer(i)) => Some(*i as f64),
            YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.into_inner()),
            YamlData::Value(Scalar::String(s)) => s.parse().ok(),
            _ => None,
        };
        self.checked(value, "a number")
    }

    /// `true` or `false`; in an Envoy document also a string `absl::SimpleAtob` reads
    /// (`"yes"`, `"1"`, ...), as protobuf does in legacy mode.
    pub fn bool(&self) -> Option<bool> {
        let value = match &self.yaml.data {
            YamlData::Value(Scalar::Boolean(b)) => Some(*b),
            YamlData::Value(Scalar::String(s)) if self.reads.dialect == Dialect::Envoy => {
                proto_json::bool_from_str(s)
            }
            _ => None,
        };
        self.checked(value, "true or false")
    }

    /// A duration. Envoy reads a `google.protobuf.Duration`: seconds as `"5s"` or `"0.25s"`
    /// (never `"250ms"`), or in legacy mode an object `{ seconds, nanos }`. Istio's resources
    /// take Go durations (`"250ms"`, `"5m"`).
    pub fn duration(&self) -> Option<SimDuration> {
        let envoy = self.reads.dialect == Dialect::Envoy;
        let expected = if envoy {
            "a duration in seconds such as \"5s\" or \"0.25s\", or { seconds, nanos }"
        } else {
            "a duration such as \"5s\", \"250ms\" or \"5m\""
        };
        if let Some(s) = self.yaml.data.as_str() {
            let read = if envoy {
                proto_json::duration_from_str(s)
            } else {
                SimDuration::parse(s)
            };
            return match read {
                Ok(d) => Some(d),
                Err(why) => {
                    let d = self.error(format!("invalid value {}: {why}", self.shown()));
                    self.reads.bad.borrow_mut().push(d.expected(expected));
                    None
                }
            };
        }
        let value = if envoy && self.yaml.data.as_mapping().is_some() {
            let secs = self.get("seconds").map_or(Some(0), |n| n.u64());
            let nanos = self.get("nanos").map_or(Some(0), |n| n.unsigned(32));
            secs.zip(nanos).and_then(|(secs, nanos)| {
                secs.checked_mul(1_000_000_000)
                    .filter(|_| nanos < 1_000_000_000)
                    .and_then(|ns| ns.checked_add(nanos))
                    .map(SimDuration)
            })
        } else {
            None
        };
        self.checked(value, expected)
    }

    /// A duration as [`Node::duration`] reads it, or an error naming the node's place and path
    /// and what is allowed.
    pub fn required_duration(&self) -> Result<SimDuration, CliError> {
        self.duration()
            .ok_or_else(|| self.invalid("a duration such as \"5s\" or \"0.25s\""))
    }

    /// Every field below this node that was never read, with the place of its key.
    pub fn unread(&self) -> Vec<Unread<'y>> {
        let mut out = Vec::new();
        self.each_unread(&mut |mapping, key, path| {
            out.push(Unread {
                at: mapping.at(&key.span.start, &key.span.end),
                suggestion: key.data.as_str().and_then(|k| mapping.closest_asked(k)),
                path,
            })
        });
        out
    }

    /// The paths of [`Node::unread`].
    fn unread_paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.each_unread(&mut |_, _, path| out.push(path));
        out
    }

    /// The key looked for in this mapping that `key` is a likely misspelling of.
    fn closest_asked(&self, key: &str) -> Option<String> {
        let asked = self.reads.asked.borrow();
        let names: Vec<&str> = asked
            .get(&self.path)?
            .iter()
            .map(String::as_str)
            .filter(|n| *n != key)
            .collect();
        did_you_mean(key, &names).map(str::to_string)
    }

    /// Calls `found` with the mapping, key and path of each field below this node that was
    /// never read (not below it: a field unread is reported, not its parts).
    fn each_unread(&self, found: &mut dyn FnMut(&Self, &MarkedYaml<'a>, String)) {
        let seen = |p: &str| self.reads.seen.borrow().contains(p);
        if let Some(map) = self.yaml.data.as_mapping() {
            for (k, v) in map.iter() {
                let Some(key) = k.data.as_str() else { continue };
                let path = join(&self.path, key);
                if !seen(&path) {
                    found(self, k, path);
                    continue;
                }
                let child = self.below(v, path);
                child.each_unread(found);
            }
        } else if let Some(seq) = self.yaml.data.as_sequence() {
            for (i, v) in seq.iter().enumerate() {
                let child = self.below(v, format!("{}[{i}]", self.path));
                child.each_unread(found);
            }
        }
    }
}
