//! Envoy's protobuf messages as breakersim reads them: every field of each message the import
//! walks, with its number, type, label, oneof, deprecation and `(validate.rules)` annotation, as
//! written in Envoy's `.proto` files under `api/envoy/`.
//!
//! Protobuf's JSON parser (which Envoy uses for YAML and JSON configs) accepts each field by its
//! proto name or by its JSON name, rejects unknown fields, and reads each value by the field's
//! type; these tables let the import do the same.
//!
//! The tables are split by proto package, one file each; each file's docs name the `.proto`
//! files and the Envoy commit of each file read (the file index holds one stored version of each
//! file, so the commits differ from file to file):
//!
//! | module | package |
//! | --- | --- |
//! | [`bootstrap`] | `envoy.config.bootstrap.v3` |
//! | [`cluster`] | `envoy.config.cluster.v3` |
//! | [`core`] | `envoy.config.core.v3` |
//! | [`endpoint`] | `envoy.config.endpoint.v3` |
//! | [`listener`] | `envoy.config.listener.v3` |
//! | [`route`] | `envoy.config.route.v3` |
//! | [`hcm`] | `envoy.extensions.filters.network.http_connection_manager.v3` |
//! | [`http_options`] | `envoy.extensions.upstreams.http.v3` |
//! | [`admin`] | `envoy.admin.v3` |
//! | [`types`] | `envoy.type.v3`, and `envoy.service.discovery.v3.DiscoveryResponse` |
//!
//! A field whose type is a message not in these tables is still listed, with its type's full
//! name: the reader treats such a subtree as known but does not walk it.

mod admin;
mod bootstrap;
mod cluster;
mod core;
mod endpoint;
mod hcm;
mod http_options;
mod listener;
mod route;
mod types;

/// One protobuf message: its full name and every field it declares (oneof members included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    /// Full name, e.g. `"envoy.config.cluster.v3.Cluster"`; nested messages as
    /// `"envoy.config.cluster.v3.Cluster.CommonLbConfig"`.
    pub name: &'static str,
    /// Every field, in the order the `.proto` declares them.
    pub fields: &'static [Field],
}

/// One field of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Proto field name, e.g. `"connect_timeout"`.
    pub name: &'static str,
    /// Field number.
    pub number: u32,
    /// Value type; for a `map<k, v>` the value type `v` (map keys here are all strings).
    pub ty: FieldType,
    /// Singular, repeated, or map.
    pub label: Label,
    /// The oneof the field belongs to, if any.
    pub oneof: Option<&'static str>,
    /// `[deprecated = true]` (Envoy marks these with
    /// `(envoy.annotations.deprecated_at_minor_version)` too); the parser still accepts them.
    pub deprecated: bool,
    /// The field's `(validate.rules)` (or `(buf.validate.field)`) annotation in short, e.g.
    /// `"uint32.lte = 100"`, `"duration.gt = {}"`, `"string.min_len = 1"`,
    /// `"enum.defined_only"`, `"message.required"`; several joined by `", "`; `""` when none.
    pub rules: &'static str,
    /// An explicit `json_name` option, when the proto gives one.
    pub json: Option<&'static str>,
}

/// How many values a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// One value (proto3 singular, `optional` included).
    Singular,
    /// `repeated`: a JSON array.
    Repeated,
    /// `map<string, v>`: a JSON object; the field's `ty` is the value type.
    Map,
}

/// A field's proto type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Double,
    Float,
    Int64,
    UInt64,
    Int32,
    UInt32,
    Bool,
    String,
    Bytes,
    /// An enum, by full name, e.g. `"envoy.config.cluster.v3.Cluster.LbPolicy"`.
    Enum(&'static str),
    /// A message, by full name; well-known types as `"google.protobuf.Duration"`,
    /// `"google.protobuf.UInt32Value"`, `"google.protobuf.Any"`, `"google.protobuf.Struct"`, ...
    Message(&'static str),
}

/// One protobuf enum: its full name and every value with its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnumDef {
    /// Full name, e.g. `"envoy.config.core.v3.RoutingPriority"`.
    pub name: &'static str,
    /// Every value name with its number, in the order the `.proto` declares them.
    pub values: &'static [(&'static str, i32)],
}

/// Every message table, over all packages.
fn all_messages() -> impl Iterator<Item = &'static Message> {
    [
        admin::MESSAGES,
        bootstrap::MESSAGES,
        cluster::MESSAGES,
        core::MESSAGES,
        endpoint::MESSAGES,
        hcm::MESSAGES,
        http_options::MESSAGES,
        listener::MESSAGES,
        route::MESSAGES,
        types::MESSAGES,
    ]
    .into_iter()
    .flatten()
}

/// Every enum table, over all packages.
fn all_enums() -> impl Iterator<Item = &'static EnumDef> {
    [
        cluster::ENUMS,
        core::ENUMS,
        hcm::ENUMS,
        route::ENUMS,
        types::ENUMS,
        admin::ENUMS,
        bootstrap::ENUMS,
        listener::ENUMS,
        endpoint::ENUMS,
        http_options::ENUMS,
    ]
    .into_iter()
    .flatten()
}

/// The message of that full name, e.g. `"envoy.config.cluster.v3.Cluster"`.
pub fn message(full_name: &str) -> Option<&'static Message> {
    all_messages().find(|m| m.name == full_name)
}

/// The enum of that full name, e.g. `"envoy.config.cluster.v3.Cluster.LbPolicy"`.
pub fn enum_def(full_name: &str) -> Option<&'static EnumDef> {
    all_enums().find(|e| e.name == full_name)
}

impl Message {
    /// The field a JSON/YAML key names: by proto name (`connect_timeout`) or by JSON name
    /// (`connectTimeout`), as protobuf's JSON parser accepts both.
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        let fields: &'static [Field] = self.fields;
        fields
            .iter()
            .find(|f| f.name == key)
            .or_else(|| fields.iter().find(|f| f.json_name() == key))
    }
}

impl EnumDef {
    /// The number of the value of that name.
    pub fn number(&self, value: &str) -> Option<i32> {
        self.values.iter().find(|(n, _)| *n == value).map(|(_, v)| *v)
    }
}

impl Field {
    /// The field's JSON name: the explicit `json_name` option when the proto gives one, else
    /// protobuf's `ToJsonName` (drop each `_` and upper-case the character after it:
    /// `consecutive_5xx` → `consecutive5xx`, `http2_protocol_options` → `http2ProtocolOptions`).
    pub fn json_name(&self) -> String {
        if let Some(json) = self.json {
            return json.to_string();
        }
        let mut out = String::with_capacity(self.name.len());
        let mut upper = false;
        for c in self.name.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// A singular field with no oneof, deprecation, rules or explicit JSON name.
    const fn new(name: &'static str, number: u32, ty: FieldType) -> Field {
        Field {
            name,
            number,
            ty,
            label: Label::Singular,
            oneof: None,
            deprecated: false,
            rules: "",
            json: None,
        }
    }

    /// The same field, `repeated`.
    const fn rep(self) -> Field {
        Field {
            label: Label::Repeated,
            ..self
        }
    }

    /// The same field, a `map<string, ty>`.
    const fn map(self) -> Field {
        Field {
            label: Label::Map,
            ..self
        }
    }

    /// The same field, in that oneof.
    const fn of(self, oneof: &'static str) -> Field {
        Field {
            oneof: Some(oneof),
            ..self
        }
    }

    /// The same field, deprecated.
    const fn dep(self) -> Field {
        Field {
            deprecated: true,
            ..self
        }
    }

    /// The same field, with those validation rules.
    const fn rule(self, rules: &'static str) -> Field {
        Field { rules, ..self }
    }

    /// The same field, with an explicit `json_name`.
    #[allow(dead_code)]
    const fn json_as(self, json: &'static str) -> Field {
        Field {
            json: Some(json),
            ..self
        }
    }
}

/// Shorthands for the tables.
mod build {
    pub(super) use super::FieldType::{Bool, Bytes, Double, Float, Int32, Int64, String, UInt32, UInt64};
    pub(super) use super::{EnumDef, Field, FieldType, Message};

    /// A field (see [`Field::new`]).
    pub(super) const fn f(name: &'static str, number: u32, ty: FieldType) -> Field {
        Field::new(name, number, ty)
    }
    /// A message type by full name.
    pub(super) const fn m(name: &'static str) -> FieldType {
        FieldType::Message(name)
    }
    /// An enum type by full name.
    pub(super) const fn e(name: &'static str) -> FieldType {
        FieldType::Enum(name)
    }

    pub(super) const DURATION: FieldType = m("google.protobuf.Duration");
    pub(super) const TIMESTAMP: FieldType = m("google.protobuf.Timestamp");
    pub(super) const ANY: FieldType = m("google.protobuf.Any");
    pub(super) const STRUCT: FieldType = m("google.protobuf.Struct");
    pub(super) const VALUE: FieldType = m("google.protobuf.Value");
    pub(super) const U32V: FieldType = m("google.protobuf.UInt32Value");
    pub(super) const U64V: FieldType = m("google.protobuf.UInt64Value");
    pub(super) const I64V: FieldType = m("google.protobuf.Int64Value");
    pub(super) const BOOLV: FieldType = m("google.protobuf.BoolValue");
    pub(super) const DOUBLEV: FieldType = m("google.protobuf.DoubleValue");
    pub(super) const STRINGV: FieldType = m("google.protobuf.StringValue");
}

#[cfg(test)]
mod tests;
