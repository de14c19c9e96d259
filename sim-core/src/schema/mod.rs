//! One table of every scenario field: its name, type, default, validation rule, doc, and for
//! Envoy's fields the proto field it stands for (proto name, json_name, proto type, version
//! notes). The scenario's structs, their deserialisation and defaults, the per-field
//! validation, the import's field table, the reference doc and the JSON Schema for scenario
//! files all come from it ([`scenario_table!`](crate::scenario_table)).

mod check;
mod json_schema;
mod kinds;
mod path;
mod reference;
mod table_macro;

pub use check::{Checked, check_rule};
pub use json_schema::scenario_json_schema;
pub use kinds::{FieldKey, FilePaths, IstioVersionText, value_from_literal};
pub use path::{Invalid, PathSegment, display_dotted, display_path};
pub use reference::{all_tables, fill_reference, reference_table};

/// A table of the scenario (a Rust struct), with its fields.
#[derive(Debug)]
pub struct TableSpec {
    /// The struct's name, e.g. `OutlierDetection`.
    pub name: &'static str,
    /// The Envoy message it mirrors, e.g. `envoy.config.cluster.v3.OutlierDetection`.
    pub envoy: Option<&'static str>,
    /// What it is, from the struct's doc comment.
    pub doc: &'static str,
    /// Its fields, in the order declared.
    pub fields: &'static [FieldSpec],
    /// Reads every field's default (a literal) as the field's type: `Err` names one that does
    /// not read (a test runs it for every table).
    pub check_defaults: fn() -> Result<(), String>,
}

impl TableSpec {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// One field of a table.
#[derive(Debug)]
pub struct FieldSpec {
    /// Its name in the scenario file (for an Envoy field, Envoy's proto name).
    pub name: &'static str,
    /// What it means, from the field's doc comment.
    pub doc: &'static str,
    /// What values it takes, from its Rust type.
    pub kind: fn() -> Kind,
    /// What it is when the file leaves it out.
    pub default: DefaultValue,
    /// What breakersim checks beyond the type.
    pub rule: Rule,
    /// The Envoy field it stands for.
    pub envoy: Option<EnvoyField>,
    /// Versions in which its meaning or default changed.
    pub note: Option<&'static str>,
}

/// An Envoy proto field: the name it is written by in YAML, and its proto type. The scenario
/// field has the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvoyField {
    /// The proto field name, e.g. `consecutive_5xx`.
    pub proto: &'static str,
    /// How the value is read from Envoy YAML.
    pub ty: ProtoType,
}

impl EnvoyField {
    /// The proto3 JSON name, as `/config_dump` prints it (e.g. `consecutive5xx`).
    pub fn json_name(&self) -> String {
        json_name(self.proto)
    }
}

/// protobuf's JSON name of a field (`ToJsonName` in `src/google/protobuf/descriptor.cc`): each
/// `_` is dropped and the character after it upper-cased (`base_ejection_time` ->
/// `baseEjectionTime`, `consecutive_5xx` -> `consecutive5xx`). Envoy's protos set no
/// `json_name` of their own on the fields breakersim models.
pub fn json_name(proto: &str) -> String {
    let mut out = String::with_capacity(proto.len());
    let mut upper_next = false;
    for c in proto.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The proto type of an Envoy field, as far as reading it depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtoType {
    /// `uint32`.
    UInt32,
    /// `google.protobuf.UInt32Value`.
    UInt32Value,
    /// `google.protobuf.UInt64Value`.
    UInt64Value,
    /// `google.protobuf.BoolValue`.
    BoolValue,
    /// `bool`.
    Bool,
    /// `int64` (proto3 JSON writes it as a string or a number).
    Int64,
    /// `google.protobuf.Duration`.
    Duration,
    /// `envoy.type.v3.Percent` (`{ value: N }`).
    Percent,
    /// `string`.
    String,
    /// An enum, written by its value's name.
    Enum,
    /// A message of its own (a nested table).
    Message,
    /// `repeated` of a message.
    RepeatedMessage,
    /// `repeated uint32`.
    RepeatedUInt32,
}

impl ProtoType {
    /// The type as Envoy's `.proto` files write it.
    pub fn proto_name(self) -> &'static str {
        match self {
            ProtoType::UInt32 => "uint32",
            ProtoType::UInt32Value => "google.protobuf.UInt32Value",
            ProtoType::UInt64Value => "google.protobuf.UInt64Value",
            ProtoType::BoolValue => "google.protobuf.BoolValue",
            ProtoType::Bool => "bool",
            ProtoType::Int64 => "int64",
            ProtoType::Duration => "google.protobuf.Duration",
            ProtoType::Percent => "type.v3.Percent",
            ProtoType::String => "string",
            ProtoType::Enum => "enum",
            ProtoType::Message => "message",
            ProtoType::RepeatedMessage => "repeated message",
            ProtoType::RepeatedUInt32 => "repeated uint32",
        }
    }
}

/// What a field is when it is left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    /// This value, written as in a scenario file (a TOML value: `5`, `"10s"`, `{}`).
    Literal(&'static str),
    /// Nothing; the text says what that means (e.g. "max(300s, base_ejection_time)").
    Absent(&'static str),
    /// The field must be given.
    Required,
}

/// A check beyond the type. Each says what Envoy (or breakersim) allows, in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Nothing beyond the type.
    None,
    /// A whole number from `min` to `max`, both included.
    Range {
        /// The smallest allowed.
        min: u64,
        /// The largest allowed.
        max: u64,
    },
    /// A whole number of at least this.
    AtLeast(u64),
    /// A finite number greater than 0 and at most this.
    PositiveUpTo(u64),
    /// A duration greater than 0 (Envoy's `duration = {gt {}}`).
    DurationAboveZero,
    /// A string that is not empty or blank.
    NotBlank,
}

impl Rule {
    /// What the rule allows, in words (for messages and the reference doc); empty for none.
    pub fn allowed(&self) -> String {
        match self {
            Rule::None => String::new(),
            Rule::Range { min, max } => format!("{min} to {max}"),
            Rule::AtLeast(min) => format!("{min} or more"),
            Rule::PositiveUpTo(max) => format!("a number greater than 0 and at most {max}"),
            Rule::DurationAboveZero => "a duration greater than 0s, as Envoy requires".into(),
            Rule::NotBlank => "not empty".into(),
        }
    }
}

/// What values a field takes, from its Rust type.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A whole number from `min` to `max` (the type's own range).
    Integer {
        /// The smallest the type holds (0: breakersim's integers are unsigned).
        min: u64,
        /// The largest the type holds (e.g. `u32::MAX`).
        max: u64,
    },
    /// A number (floating point).
    Float,
    /// `true` or `false`.
    Bool,
    /// Any string.
    String,
    /// A duration string such as `"5s"`.
    Duration,
    /// `{ value = N }` or a bare number, 0 to 100.
    Percent,
    /// A number from 0 to 1.
    Probability,
    /// A random duration (see `docs/scenario-format.md#distributions`).
    Distribution,
    /// An Istio version, quoted: `"1.24"`.
    IstioVersion,
    /// An Envoy release breakersim models, quoted: `"1.28"`.
    EnvoyVersion,
    /// A file path, or a list of them.
    FilePaths,
    /// One of these names, each with its doc.
    Enum(&'static [(&'static str, &'static str)]),
    /// A nested table.
    Table(&'static TableSpec),
    /// A list of these.
    List(Box<Kind>),
}

/// A type a scenario field can have.
pub trait SchemaType {
    /// What values it takes.
    fn kind() -> Kind;
    /// The rules of the tables inside it (none for a plain value).
    fn check_nested(&self, _path: &mut Vec<PathSegment>) -> Result<(), Invalid> {
        Ok(())
    }
}

/// A scenario table.
pub trait Table: Sized {
    /// Its fields.
    fn spec() -> &'static TableSpec;
    /// Checks every field's rule, and those of the tables inside it; `path` is where the table
    /// is.
    fn check(&self, path: &mut Vec<PathSegment>) -> Result<(), Invalid>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As protobuf's `ToJsonName`: worked by hand from its rule.
    #[test]
    fn json_names_are_lower_camel_case() {
        assert_eq!(json_name("base_ejection_time"), "baseEjectionTime");
        assert_eq!(json_name("consecutive_5xx"), "consecutive5xx");
        assert_eq!(json_name("max_ejection_percent"), "maxEjectionPercent");
        assert_eq!(json_name("name"), "name");
        assert_eq!(json_name("http2_protocol_options"), "http2ProtocolOptions");
    }
}
