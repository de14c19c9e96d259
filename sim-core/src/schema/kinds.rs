//! The value types scenario fields have, as the schema describes them, and default values
//! written as scenario text.

use std::fmt;
use std::num::NonZeroU32;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::path::{Invalid, PathSegment};
use super::{Kind, SchemaType};
use crate::dist::Distribution;
use crate::envoy::version::EnvoyVersion;
use crate::scenario::{Percent, Probability};
use crate::time::SimDuration;

/// A value written as in a scenario file (`5`, `"10s"`, `{}`), read as a `T`: how a field's
/// default, kept in the schema as text, becomes its value.
pub fn value_from_literal<T: DeserializeOwned>(literal: &str) -> Result<T, String> {
    let mut table: toml::Table =
        toml::from_str(&format!("v = {literal}")).map_err(|e| e.message().to_string())?;
    let value = table
        .remove("v")
        .ok_or_else(|| format!("`{literal}` is not a value"))?;
    T::deserialize(value).map_err(|e| format!("`{literal}`: {}", e.message()))
}

macro_rules! integer_kind {
    ($($ty:ty => $min:expr),* $(,)?) => {
        $(impl SchemaType for $ty {
            fn kind() -> Kind {
                Kind::Integer { min: $min, max: <$ty>::MAX as u64 }
            }
        })*
    };
}

integer_kind!(u16 => 0, u32 => 0, u64 => 0);

impl SchemaType for NonZeroU32 {
    fn kind() -> Kind {
        Kind::Integer {
            min: 1,
            max: u64::from(u32::MAX),
        }
    }
}

macro_rules! plain_kind {
    ($($ty:ty => $kind:expr),* $(,)?) => {
        $(impl SchemaType for $ty {
            fn kind() -> Kind {
                $kind
            }
        })*
    };
}

plain_kind!(
    bool => Kind::Bool,
    f64 => Kind::Float,
    String => Kind::String,
    SimDuration => Kind::Duration,
    Percent => Kind::Percent,
    Probability => Kind::Probability,
    Distribution => Kind::Distribution,
    IstioVersionText => Kind::IstioVersion,
    EnvoyVersion => Kind::EnvoyVersion,
    FilePaths => Kind::FilePaths,
);

impl<T: SchemaType> SchemaType for Option<T> {
    fn kind() -> Kind {
        T::kind()
    }
    fn check_nested(&self, path: &mut Vec<PathSegment>) -> Result<(), Invalid> {
        match self {
            Some(v) => v.check_nested(path),
            None => Ok(()),
        }
    }
}

impl<T: SchemaType> SchemaType for Vec<T> {
    fn kind() -> Kind {
        Kind::List(Box::new(T::kind()))
    }
    fn check_nested(&self, path: &mut Vec<PathSegment>) -> Result<(), Invalid> {
        for (i, v) in self.iter().enumerate() {
            path.push(PathSegment::Index(i));
            v.check_nested(path)?;
            path.pop();
        }
        Ok(())
    }
}

/// An Istio version as written in a scenario: a quoted string such as `"1.24"`. As a number,
/// `1.30` would silently become `1.3`, so a number is refused with that reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IstioVersionText(pub String);

/// The version as written.
impl std::ops::Deref for IstioVersionText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IstioVersionText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IstioVersionText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Number(f64),
        }
        match Written::deserialize(d)? {
            Written::Text(s) => Ok(IstioVersionText(s)),
            Written::Number(n) => Err(serde::de::Error::custom(format!(
                "write the Istio version as a quoted string such as \"1.24\", not the number {n} (a number loses trailing zeros: 1.30 would read as 1.3); with --set, quote it too: 'PATH=\"1.24\"'"
            ))),
        }
    }
}

/// The key of a table's field, read as its index in `names`; an unknown key is refused while it
/// is read, so that `serde_path_to_error` names it in the error's path.
pub struct FieldKey(pub &'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for FieldKey {
    type Value = usize;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl serde::de::Visitor<'_> for FieldKey {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|name| *name == v)
            .ok_or_else(|| E::unknown_field(v, self.0))
    }
}

/// A file path, or a list of them: `"dr.yaml"` or `["dr.yaml", "vs.yaml"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePaths(pub Vec<String>);

impl<'de> Deserialize<'de> for FilePaths {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            One(String),
            Many(Vec<String>),
        }
        match Written::deserialize(d) {
            Ok(Written::One(p)) => Ok(FilePaths(vec![p])),
            Ok(Written::Many(ps)) => Ok(FilePaths(ps)),
            Err(_) => Err(serde::de::Error::custom(
                "not a file path, expected the path of an Envoy or Istio YAML file, or a list of them",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_read_as_their_type() {
        assert_eq!(value_from_literal::<u32>("5"), Ok(5));
        assert_eq!(
            value_from_literal::<SimDuration>("\"10s\""),
            Ok(SimDuration::from_secs(10))
        );
        assert_eq!(value_from_literal::<Vec<u32>>("[]"), Ok(vec![]));
        assert!(value_from_literal::<u32>("\"5\"").is_err());
        assert!(value_from_literal::<u32>("5 5").is_err());
    }
}
