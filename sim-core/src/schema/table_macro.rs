//! `scenario_table!` and `scenario_enum!`: a scenario table or a set of names declared once,
//! each field with its default, rule and Envoy field; from that one declaration come the struct,
//! its deserialisation (unknown fields refused, defaults filled in, required fields asked for),
//! its `Table` spec and per-field checks.
//!
//! The table, every field and every name must carry a doc comment (the macros do not match
//! without one): each is emitted as `#[doc]` on the generated struct, field or variant, so the
//! crate's `missing_docs` holds for them, and is the text of the reference doc and the JSON
//! Schema's `description`.
//!
//! ```text
//! scenario_table! {
//!     /// Doc of the table.
//!     #[envoy("envoy.config.cluster.v3.OutlierDetection")]   // optional
//!     #[derive(Default)]                                     // optional: every field defaults
//!     pub struct OutlierDetection {
//!         /// Doc of the field.
//!         interval: SimDuration {
//!             default: "\"10s\"",                 // or `absent: "what that means"`, or `required`
//!             rule: Rule::DurationAboveZero,      // optional
//!             envoy: Duration,                    // optional: an Envoy field of this proto type
//!             note: "changed in 1.28",            // optional
//!         },
//!     }
//! }
//! ```

/// Declares a scenario table; see the module's doc.
#[macro_export]
macro_rules! scenario_table {
    (
        $(#[doc = $doc:literal])+
        $(#[envoy($envoy:literal)])?
        $(#[derive($derive:ident)])?
        pub struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])+
                $field:ident : $ty:ty {
                    $dkind:ident $(: $dval:literal)?
                    $(, rule: $rule:expr)?
                    $(, envoy: $pty:ident)?
                    $(, note: $note:literal)?
                    $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $( $(#[doc = $fdoc])* pub $field: $ty, )*
        }

        impl $name {
            /// The field names, in the order declared.
            pub const FIELD_NAMES: &'static [&'static str] = &[$(stringify!($field)),*];
        }

        $( $crate::scenario_table!(@derive $derive $name); )?

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a table")
                    }
                    #[allow(unused_mut, non_snake_case)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        $( let mut $field: Option<$ty> = None; )*
                        let names = $name::FIELD_NAMES;
                        while let Some(index) =
                            map.next_key_seed($crate::schema::FieldKey(names))?
                        {
                            match names[index] {
                                $(
                                    stringify!($field) => {
                                        if $field.is_some() {
                                            return Err(serde::de::Error::duplicate_field(
                                                stringify!($field),
                                            ));
                                        }
                                        $field = Some(map.next_value()?);
                                    }
                                )*
                                other => {
                                    return Err(serde::de::Error::unknown_field(other, names));
                                }
                            }
                        }
                        Ok($name {
                            $(
                                $field: match $field {
                                    Some(v) => v,
                                    None => $crate::scenario_table!(
                                        @missing A, $ty, stringify!($field), $dkind $($dval)?
                                    ),
                                },
                            )*
                        })
                    }
                }
                d.deserialize_struct(stringify!($name), $name::FIELD_NAMES, Fields)
            }
        }

        impl $crate::schema::SchemaType for $name {
            fn kind() -> $crate::schema::Kind {
                $crate::schema::Kind::Table(<$name as $crate::schema::Table>::spec())
            }
            fn check_nested(
                &self,
                path: &mut Vec<$crate::schema::PathSegment>,
            ) -> Result<(), $crate::schema::Invalid> {
                <$name as $crate::schema::Table>::check(self, path)
            }
        }

        impl $crate::schema::Table for $name {
            fn spec() -> &'static $crate::schema::TableSpec {
                static SPEC: $crate::schema::TableSpec = $crate::schema::TableSpec {
                    name: stringify!($name),
                    envoy: $crate::scenario_table!(@option $($envoy)?),
                    doc: concat!($($doc, "\n"),*),
                    check_defaults: || {
                        $( $crate::scenario_table!(@check_default $ty, stringify!($field), $dkind $($dval)?); )*
                        Ok(())
                    },
                    fields: &[
                        $(
                            $crate::schema::FieldSpec {
                                name: stringify!($field),
                                doc: concat!($($fdoc, "\n"),*),
                                kind: <$ty as $crate::schema::SchemaType>::kind,
                                default: $crate::scenario_table!(@spec_default $dkind $($dval)?),
                                rule: $crate::scenario_table!(@rule $($rule)?),
                                envoy: $crate::scenario_table!(@envoy $field $($pty)?),
                                note: $crate::scenario_table!(@option $($note)?),
                            },
                        )*
                    ],
                };
                &SPEC
            }

            #[allow(unused_variables)]
            fn check(
                &self,
                path: &mut Vec<$crate::schema::PathSegment>,
            ) -> Result<(), $crate::schema::Invalid> {
                $(
                    path.push($crate::schema::PathSegment::Key(stringify!($field).into()));
                    $( $crate::schema::check_rule(&$rule, &self.$field, path)?; )?
                    $crate::schema::SchemaType::check_nested(&self.$field, path)?;
                    path.pop();
                )*
                Ok(())
            }
        }
    };

    (@derive Default $name:ident) => {
        impl Default for $name {
            /// Every field at its default: the table read from `{}`.
            fn default() -> Self {
                $crate::schema::value_from_literal("{}")
                    .expect("every field of this table has a default (tested)")
            }
        }
    };

    (@missing $a:ident, $ty:ty, $field:expr, default $literal:literal) => {
        $crate::schema::value_from_literal::<$ty>($literal).map_err(|m| {
            <$a::Error as serde::de::Error>::custom(format!(
                "the default of `{}` does not read: {m}",
                $field
            ))
        })?
    };
    (@missing $a:ident, $ty:ty, $field:expr, absent $meaning:literal) => {
        <$ty as Default>::default()
    };
    (@missing $a:ident, $ty:ty, $field:expr, required) => {
        return Err(<$a::Error as serde::de::Error>::missing_field($field))
    };

    (@check_default $ty:ty, $field:expr, default $literal:literal) => {
        $crate::schema::value_from_literal::<$ty>($literal)
            .map_err(|m| format!("the default of `{}`: {m}", $field))?
    };
    (@check_default $ty:ty, $field:expr, $kind:ident $($rest:tt)*) => {};

    (@spec_default default $literal:literal) => {
        $crate::schema::DefaultValue::Literal($literal)
    };
    (@spec_default absent $meaning:literal) => {
        $crate::schema::DefaultValue::Absent($meaning)
    };
    (@spec_default required) => {
        $crate::schema::DefaultValue::Required
    };

    (@rule) => { $crate::schema::Rule::None };
    (@rule $rule:expr) => { $rule };

    (@envoy $field:ident) => { None };
    (@envoy $field:ident $pty:ident) => {
        Some($crate::schema::EnvoyField {
            proto: stringify!($field),
            ty: $crate::schema::ProtoType::$pty,
        })
    };

    (@option) => { None };
    (@option $value:literal) => { Some($value) };
}

/// Declares a set of names a field can take: the enum, its deserialisation by name, and the
/// names with their docs for the schema.
///
/// ```text
/// scenario_enum! {
///     /// Doc.
///     pub enum LbPolicy {
///         /// Doc of the name.
///         RoundRobin = "ROUND_ROBIN",
///         /// Doc of the other name.
///         LeastRequest = "LEAST_REQUEST",
///     }
/// }
/// ```
#[macro_export]
macro_rules! scenario_enum {
    (
        $(#[doc = $doc:literal])+
        pub enum $name:ident {
            $( $(#[doc = $vdoc:literal])+ $variant:ident = $text:literal ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
        pub enum $name {
            $( $(#[doc = $vdoc])* #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            /// Every name, with its doc.
            pub const NAMES: &'static [(&'static str, &'static str)] =
                &[$(($text, concat!($($vdoc, "\n"),*))),*];

            /// The name as written in a scenario.
            pub fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )*
                }
            }
        }

        impl $crate::schema::SchemaType for $name {
            fn kind() -> $crate::schema::Kind {
                $crate::schema::Kind::Enum($name::NAMES)
            }
        }

        impl $crate::schema::Checked for $name {
            fn violation(
                &self,
                _rule: &$crate::schema::Rule,
            ) -> Option<(Option<usize>, String)> {
                None
            }
        }
    };
}
