//! Envoy fields read as the scenario schema describes them: for a table with Envoy fields, each
//! plain field (a number, flag, duration, percentage, name or string) is read from the YAML by
//! its proto name, by its proto type, checked against the type's range and the field's rule,
//! and written into the scenario with its line. Nothing is clamped or dropped: a value of the
//! wrong type or out of range is an error at its place.

use sim_core::schema::{FieldSpec, Kind, ProtoType, TableSpec, check_rule};

use super::emit::{Doc, Origin, Value};
use super::protos::{self, FieldType};
use super::yaml::Node;

/// Writes every plain Envoy field of `spec` that `node` has; the caller handles nested
/// messages. Fields in `skip` are left to the caller too.
pub fn copy_plain_fields(doc: &mut Doc, node: &Node, spec: &TableSpec, skip: &[&str]) {
    for f in spec.fields {
        if skip.contains(&f.name) {
            continue;
        }
        let Some(e) = &f.envoy else { continue };
        let Some(v) = node.get(e.proto) else { continue };
        if let Some(value) = read_plain(&v, f, e.ty, spec.envoy) {
            doc.set(f.name, value, Origin::File(v.line()));
        }
    }
}

/// The field's value as scenario text, or `None` for a message (the caller's) or a bad value
/// (recorded as an error at its place).
/// `message` is the Envoy message the field belongs to (for an enum's numbers).
pub fn read_plain(v: &Node, f: &FieldSpec, ty: ProtoType, message: Option<&str>) -> Option<Value> {
    let kind = (f.kind)();
    match ty {
        ProtoType::UInt32 | ProtoType::UInt32Value => {
            let n = wrapped(v, |n| n.unsigned(32))?;
            checked(v, f, &kind, n).then(|| Value::int(n))
        }
        ProtoType::UInt64Value | ProtoType::Int64 => {
            let n = wrapped(v, |n| n.u64())?;
            checked(v, f, &kind, n).then(|| Value::int(n))
        }
        ProtoType::Bool | ProtoType::BoolValue => wrapped(v, |n| n.bool()).map(Value::bool),
        ProtoType::Duration => v.duration().map(Value::duration),
        ProtoType::Percent => {
            let p = percent_value(v)?;
            if (0.0..=100.0).contains(&p) {
                Some(Value::percent(p))
            } else {
                v.reject(format!("{p} is out of range"), "a percentage from 0 to 100");
                None
            }
        }
        ProtoType::String => v.str().map(Value::str),
        ProtoType::Enum => {
            let numbered = v
                .is_integer()
                .then(|| enum_number_name(v, f, message))
                .flatten();
            let written = match numbered {
                Some(name) => name,
                None => v.str()?,
            };
            match &kind {
                Kind::Enum(names) => {
                    match names.iter().find(|(n, _)| n.eq_ignore_ascii_case(written)) {
                        // Envoy reads enum names in any case (`case_insensitive_enum_parsing`).
                        Some((name, _)) => Some(Value::str(name)),
                        None => {
                            let allowed: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                            v.reject(
                                format!("`{written}` is not a value breakersim models"),
                                &format!("one of {}", allowed.join(", ")),
                            );
                            None
                        }
                    }
                }
                _ => Some(Value::str(written)),
            }
        }
        ProtoType::Message | ProtoType::RepeatedMessage | ProtoType::RepeatedUInt32 => None,
    }
}

/// The name of an enum value written as its number (protobuf's `ParseEnum` takes either),
/// from the field's enum in Envoy's protos.
fn enum_number_name(v: &Node, f: &FieldSpec, message: Option<&str>) -> Option<&'static str> {
    let field = protos::message(message?)?.field(f.name)?;
    let FieldType::Enum(name) = field.ty else {
        return None;
    };
    let number = v.u64()?;
    let found = protos::enum_def(name)?.name_of(number);
    if found.is_none() {
        v.reject(
            format!("{number} is not a value of {name}"),
            "one of its names or numbers",
        );
    }
    found
}

/// An `envoy.type.v3.Percent`: a message, so only `{ value: N }` (protobuf refuses a bare
/// number for a message that is not a wrapper).
pub fn percent_value(v: &Node) -> Option<f64> {
    match v.get("value") {
        Some(inner) => inner.f64(),
        None => {
            v.reject(
                format!("{} is not an envoy.type.v3.Percent", v.shown()),
                "{ value: N }, as Envoy reads a Percent",
            );
            None
        }
    }
}

/// A `google.protobuf.UInt32Value`, bare or as `{ value: N }`.
pub fn uint32_value(v: &Node) -> Option<u64> {
    wrapped(v, |n| n.unsigned(32))
}

/// A wrapper's `value` (`{ value: N }`) or the bare value.
fn wrapped<'y, 'a, T>(v: &Node<'y, 'a>, read: impl Fn(&Node<'y, 'a>) -> Option<T>) -> Option<T> {
    match v.get("value") {
        Some(inner) => read(&inner),
        None => read(v),
    }
}

/// `n` fits the field's type and its rule; else the error is recorded at `v`.
fn checked(v: &Node, f: &FieldSpec, kind: &Kind, n: u64) -> bool {
    if let Kind::Integer { min, max } = kind
        && !(*min..=*max).contains(&n)
    {
        v.reject(format!("{n} is out of range"), &format!("{min} to {max}"));
        return false;
    }
    match check_rule(&f.rule, &n, &[]) {
        Ok(()) => true,
        Err(e) => {
            v.reject(e.message, e.expected.as_deref().unwrap_or_default());
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use sim_core::schema::{ProtoType, all_tables};

    use super::protos::{FieldType, Label, message};

    /// Whether the scenario schema's proto type of a field is the one Envoy's `.proto` gives.
    fn same_type(schema: ProtoType, label: Label, proto: FieldType) -> bool {
        use FieldType as F;
        let repeated = label == Label::Repeated;
        match schema {
            ProtoType::UInt32 => proto == F::UInt32 && !repeated,
            ProtoType::UInt32Value => proto == F::Message("google.protobuf.UInt32Value"),
            ProtoType::UInt64Value => proto == F::Message("google.protobuf.UInt64Value"),
            ProtoType::BoolValue => proto == F::Message("google.protobuf.BoolValue"),
            ProtoType::Bool => proto == F::Bool,
            ProtoType::Int64 => proto == F::Int64,
            ProtoType::Duration => proto == F::Message("google.protobuf.Duration"),
            ProtoType::Percent => proto == F::Message("envoy.type.v3.Percent"),
            ProtoType::String => proto == F::String && !repeated,
            ProtoType::Enum => matches!(proto, F::Enum(_)),
            ProtoType::Message => matches!(proto, F::Message(_)) && !repeated,
            ProtoType::RepeatedMessage => matches!(proto, F::Message(_)) && repeated,
            ProtoType::RepeatedUInt32 => proto == F::UInt32 && repeated,
        }
    }

    /// Every Envoy field the scenario schema declares is a field of that Envoy message in
    /// Envoy's protos (`protos/`), of the same type: the schema, the import and Envoy cannot
    /// disagree on a field's name or type.
    #[test]
    fn every_schema_envoy_field_is_in_envoys_protos() {
        let mut checked = 0;
        for table in all_tables() {
            let Some(name) = table.envoy else { continue };
            let Some(m) = message(name) else { continue };
            for f in table.fields {
                let Some(e) = f.envoy else { continue };
                let proto = m
                    .field(e.proto)
                    .unwrap_or_else(|| panic!("{name} has no field {} ({})", e.proto, table.name));
                assert!(
                    same_type(e.ty, proto.label, proto.ty),
                    "{name}.{}: the schema says {:?}, Envoy's proto {:?} {:?}",
                    e.proto,
                    e.ty,
                    proto.label,
                    proto.ty
                );
                checked += 1;
            }
        }
        assert!(checked > 40, "only {checked} fields checked");
    }
}
