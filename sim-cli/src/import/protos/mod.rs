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
//! | [`lb_policies`] | `envoy.extensions.load_balancing_policies.least_request.v3` |
//!
//! The `.proto` files read, each at the commit of the version the file index stored:
//!
//! | file (under `api/envoy/`) | Envoy commit |
//! | --- | --- |
//! | `config/bootstrap/v3/bootstrap.proto` | 902143755769e08aae0474981b9eef0ab6bf28d8 |
//! | `config/cluster/v3/cluster.proto` | 6b35b269394160d9bd96c278c496e8dbd8a4f257 |
//! | `config/cluster/v3/circuit_breaker.proto` | 01c2c1fadbc61d572c7e02568c98ff001c0bfe8f |
//! | `config/cluster/v3/outlier_detection.proto` | b62b88e01756395dd64c8d85ce3483e38892463e |
//! | `config/core/v3/protocol.proto` | fe54c457a1b966b25a748d26fe55dda5411bf289 |
//! | `config/core/v3/address.proto` | 20c8935fa568d385cd6e263d1cf7567895a677dd |
//! | `config/core/v3/base.proto` | d65a4a5d0f6b63d76208164752d1d82ba8b3d5f5 |
//! | `config/core/v3/health_check.proto` | a1981d6b18188664b68594cde4448cdaf5bb9f53 |
//! | `config/core/v3/extension.proto` | 4a2fedabbb9418939f70ddc82995d805443a7dbc |
//! | `config/core/v3/config_source.proto` | 36438b69774b8252811197e6c66653656dd748f3 |
//! | `config/endpoint/v3/endpoint.proto` | 3313680ead6a806c0e5193565dd3fe29baecb337 |
//! | `config/endpoint/v3/endpoint_components.proto` | 88d5a6367c64d66fcf9ee6b528dbdeacbea37ce3 |
//! | `config/listener/v3/listener.proto` | 3551835d82753187dd178df245d73c34a86ec020 |
//! | `config/listener/v3/listener_components.proto` | 909b9f165efc5502788c474b9323fa6c70df04c3 |
//! | `config/route/v3/route.proto` | c33e7f824b9946853a80e839d6e80ef2a09f3bb4 |
//! | `config/route/v3/route_components.proto` | 3304863897c75c4d14207b5ec658318a5eec08ef |
//! | `extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto` | 532044be2679b6a66582612904b84b4371a97f26 |
//! | `extensions/upstreams/http/v3/http_protocol_options.proto` | 95f6f621b45d2f9c5bc4e78f6ba62b2fca4d1d3c |
//! | `type/v3/percent.proto` | 39e27d5592495fc81d9b9841040368cbc45e7ac1 |
//! | `admin/v3/config_dump.proto` | a6193bb3e145a881be038a1cdd6b1a98a00410be |
//! | `admin/v3/config_dump_shared.proto` | 0966f096e1073034c2429ca283299f46374238f3 |
//! | `service/discovery/v3/discovery.proto` | df24f69e880ae998c97889856fdbd1f0d3dd1b55 |
//! | `extensions/load_balancing_policies/least_request/v3/least_request.proto` | 02aefdc5a51ed38bfe670e522ff98bd94179804e |
//!
//! The versions are of different ages (no one commit had every file stored), so a table can
//! lack a field a newer Envoy has, e.g. `Cluster` here has no field past number 56.
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
mod lb_policies;
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

/// A field's proto type (every scalar type protobuf has, whether or not a table uses it).
#[allow(dead_code)]
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
        lb_policies::MESSAGES,
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
        lb_policies::ENUMS,
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
    /// The name of the value numbered `number` (protobuf's JSON parser takes either).
    pub fn name_of(&self, number: u64) -> Option<&'static str> {
        self.values
            .iter()
            .find(|(_, n)| u64::try_from(*n).ok() == Some(number))
            .map(|(n, _)| *n)
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
    pub(super) use super::FieldType::{Bool, Bytes, Double, Int64, String, UInt32};
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
    pub(super) const U32V: FieldType = m("google.protobuf.UInt32Value");
    pub(super) const U64V: FieldType = m("google.protobuf.UInt64Value");
    pub(super) const BOOLV: FieldType = m("google.protobuf.BoolValue");
    pub(super) const DOUBLEV: FieldType = m("google.protobuf.DoubleValue");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Types that fields name but these tables leave unwalked (the reader treats such a
    /// subtree as known but does not descend into it). Everything else a field names must
    /// resolve, which catches typos in type names.
    const UNWALKED: &[&str] = &[
        "envoy.extensions.load_balancing_policies.common.v3.SlowStartConfig",
        "envoy.extensions.load_balancing_policies.common.v3.LocalityLbConfig",
        "envoy.extensions.load_balancing_policies.common.v3.ConnectionAwareLbConfig",
        "envoy.config.accesslog.v3.AccessLog",
        "envoy.config.accesslog.v3.AccessLogFilter",
        "envoy.config.cluster.v3.Filter",
        "envoy.config.core.v3.DnsResolutionConfig",
        "envoy.config.core.v3.EventServiceConfig",
        "envoy.config.core.v3.ExtensionConfigSource",
        "envoy.config.core.v3.GrpcService",
        "envoy.config.core.v3.HealthCheck.CustomHealthCheck",
        "envoy.config.core.v3.HealthCheck.GrpcHealthCheck",
        "envoy.config.core.v3.HealthCheck.HttpHealthCheck",
        "envoy.config.core.v3.HealthCheck.TcpHealthCheck",
        "envoy.config.core.v3.HealthCheck.TlsOptions",
        "envoy.config.core.v3.ProxyProtocolConfig",
        "envoy.config.core.v3.SocketOption",
        "envoy.config.core.v3.SocketOptionsOverride",
        "envoy.config.core.v3.SubstitutionFormatString",
        "envoy.config.listener.v3.ApiListener",
        "envoy.config.listener.v3.UdpListenerConfig",
        "envoy.config.metrics.v3.StatsConfig",
        "envoy.config.metrics.v3.StatsSink",
        "envoy.config.overload.v3.OverloadManager",
        "envoy.config.route.v3.ClusterSpecifierPlugin",
        "envoy.config.route.v3.RateLimit.Action",
        "envoy.config.route.v3.RateLimit.Override",
        "envoy.config.route.v3.ScopedRouteConfiguration",
        "envoy.config.trace.v3.Tracing",
        "envoy.config.trace.v3.Tracing.Http",
        "envoy.extensions.transport_sockets.tls.v3.Secret",
        "envoy.type.http.v3.PathTransformation",
        "envoy.type.matcher.v3.RegexMatchAndSubstitute",
        "envoy.type.matcher.v3.RegexMatcher",
        "envoy.type.matcher.v3.StringMatcher",
        "envoy.type.tracing.v3.CustomTag",
        "envoy.type.v3.Int32Range",
        "envoy.type.v3.Int64Range",
        "envoy.type.v3.SemanticVersion",
        "xds.core.v3.Authority",
        "xds.core.v3.ContextParams",
        "xds.type.matcher.v3.Matcher",
    ];

    fn referenced() -> Vec<(&'static str, &'static str, FieldType)> {
        all_messages()
            .flat_map(|m| m.fields.iter().map(move |f| (m.name, f.name, f.ty)))
            .collect()
    }

    #[test]
    fn every_named_type_resolves_or_is_listed_as_unwalked() {
        let mut missing = Vec::new();
        for (msg, field, ty) in referenced() {
            let ok = match ty {
                FieldType::Message(n) => {
                    n.starts_with("google.protobuf.")
                        || message(n).is_some()
                        || UNWALKED.contains(&n)
                }
                FieldType::Enum(n) => enum_def(n).is_some() || UNWALKED.contains(&n),
                _ => true,
            };
            if !ok {
                missing.push(format!("{msg}.{field}: {ty:?}"));
            }
        }
        assert!(
            missing.is_empty(),
            "unresolved types:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn unwalked_names_are_really_not_in_the_tables_and_are_used() {
        let used: HashSet<&str> = referenced()
            .into_iter()
            .filter_map(|(_, _, ty)| match ty {
                FieldType::Message(n) | FieldType::Enum(n) => Some(n),
                _ => None,
            })
            .collect();
        for n in UNWALKED {
            assert!(
                message(n).is_none() && enum_def(n).is_none(),
                "{n} is in the tables"
            );
            assert!(used.contains(n), "{n} is named by no field");
        }
    }

    #[test]
    fn well_known_types_are_spelled_right() {
        const KNOWN: &[&str] = &[
            "google.protobuf.Duration",
            "google.protobuf.Timestamp",
            "google.protobuf.Any",
            "google.protobuf.Struct",
            "google.protobuf.Value",
            "google.protobuf.UInt32Value",
            "google.protobuf.UInt64Value",
            "google.protobuf.Int64Value",
            "google.protobuf.BoolValue",
            "google.protobuf.DoubleValue",
            "google.protobuf.StringValue",
        ];
        for (msg, field, ty) in referenced() {
            if let FieldType::Message(n) = ty
                && n.starts_with("google.protobuf.")
            {
                assert!(KNOWN.contains(&n), "{msg}.{field}: {n}");
            }
        }
    }

    #[test]
    fn required_messages_and_enums_are_present() {
        const MESSAGES: &[&str] = &[
            "envoy.config.bootstrap.v3.Bootstrap",
            "envoy.config.bootstrap.v3.Bootstrap.StaticResources",
            "envoy.config.bootstrap.v3.Bootstrap.DynamicResources",
            "envoy.config.cluster.v3.Cluster",
            "envoy.config.cluster.v3.Cluster.CommonLbConfig",
            "envoy.config.cluster.v3.Cluster.LeastRequestLbConfig",
            "envoy.config.cluster.v3.Cluster.RoundRobinLbConfig",
            "envoy.config.cluster.v3.Cluster.RingHashLbConfig",
            "envoy.config.cluster.v3.Cluster.EdsClusterConfig",
            "envoy.config.cluster.v3.Cluster.TransportSocketMatch",
            "envoy.config.cluster.v3.CircuitBreakers",
            "envoy.config.cluster.v3.CircuitBreakers.Thresholds",
            "envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget",
            "envoy.config.cluster.v3.OutlierDetection",
            "envoy.config.core.v3.Http2ProtocolOptions",
            "envoy.config.core.v3.Http1ProtocolOptions",
            "envoy.config.core.v3.HttpProtocolOptions",
            "envoy.config.core.v3.Address",
            "envoy.config.core.v3.SocketAddress",
            "envoy.config.core.v3.Locality",
            "envoy.config.core.v3.Metadata",
            "envoy.config.core.v3.HealthCheck",
            "envoy.config.core.v3.TransportSocket",
            "envoy.config.core.v3.TypedExtensionConfig",
            "envoy.config.core.v3.ConfigSource",
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig",
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig",
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig",
            "envoy.config.endpoint.v3.ClusterLoadAssignment",
            "envoy.config.endpoint.v3.ClusterLoadAssignment.Policy",
            "envoy.config.endpoint.v3.LocalityLbEndpoints",
            "envoy.config.endpoint.v3.LbEndpoint",
            "envoy.config.endpoint.v3.Endpoint",
            "envoy.config.listener.v3.Listener",
            "envoy.config.listener.v3.FilterChain",
            "envoy.config.listener.v3.FilterChainMatch",
            "envoy.config.listener.v3.Filter",
            "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter",
            "envoy.extensions.filters.network.http_connection_manager.v3.Rds",
            "envoy.config.route.v3.RouteConfiguration",
            "envoy.config.route.v3.VirtualHost",
            "envoy.config.route.v3.Route",
            "envoy.config.route.v3.RouteMatch",
            "envoy.config.route.v3.RouteAction",
            "envoy.config.route.v3.WeightedCluster",
            "envoy.config.route.v3.WeightedCluster.ClusterWeight",
            "envoy.config.route.v3.RetryPolicy",
            "envoy.config.route.v3.RetryPolicy.RetryBackOff",
            "envoy.config.route.v3.RetryPolicy.RetryHostPredicate",
            "envoy.config.route.v3.RetryPolicy.RetryPriority",
            "envoy.config.route.v3.RetryPolicy.RateLimitedRetryBackOff",
            "envoy.config.route.v3.DirectResponseAction",
            "envoy.config.route.v3.RedirectAction",
            "envoy.config.route.v3.HeaderMatcher",
            "envoy.type.v3.Percent",
            "envoy.type.v3.FractionalPercent",
            "envoy.admin.v3.ConfigDump",
            "envoy.admin.v3.BootstrapConfigDump",
            "envoy.admin.v3.ClustersConfigDump",
            "envoy.admin.v3.ClustersConfigDump.StaticCluster",
            "envoy.admin.v3.ClustersConfigDump.DynamicCluster",
            "envoy.admin.v3.RoutesConfigDump",
            "envoy.admin.v3.RoutesConfigDump.StaticRouteConfig",
            "envoy.admin.v3.RoutesConfigDump.DynamicRouteConfig",
            "envoy.admin.v3.ListenersConfigDump",
            "envoy.admin.v3.ListenersConfigDump.StaticListener",
            "envoy.admin.v3.ListenersConfigDump.DynamicListener",
            "envoy.admin.v3.ListenersConfigDump.DynamicListenerState",
            "envoy.admin.v3.EndpointsConfigDump",
            "envoy.admin.v3.EndpointsConfigDump.StaticEndpointConfig",
            "envoy.admin.v3.EndpointsConfigDump.DynamicEndpointConfig",
            "envoy.service.discovery.v3.DiscoveryResponse",
        ];
        const ENUMS: &[&str] = &[
            "envoy.config.cluster.v3.Cluster.DiscoveryType",
            "envoy.config.cluster.v3.Cluster.LbPolicy",
            "envoy.config.cluster.v3.Cluster.DnsLookupFamily",
            "envoy.config.cluster.v3.Cluster.ClusterProtocolSelection",
            "envoy.config.core.v3.RoutingPriority",
            "envoy.config.route.v3.RouteAction.ClusterNotFoundResponseCode",
            "envoy.type.v3.FractionalPercent.DenominatorType",
            "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType",
        ];
        for n in MESSAGES {
            assert!(message(n).is_some(), "missing message {n}");
        }
        for n in ENUMS {
            assert!(enum_def(n).is_some(), "missing enum {n}");
        }
    }

    #[test]
    fn names_are_unique() {
        let mut seen = HashSet::new();
        for m in all_messages() {
            assert!(seen.insert(m.name), "message {} listed twice", m.name);
        }
        let mut seen = HashSet::new();
        for e in all_enums() {
            assert!(seen.insert(e.name), "enum {} listed twice", e.name);
            let mut names = HashSet::new();
            let mut numbers = HashSet::new();
            for (n, v) in e.values {
                assert!(names.insert(n), "{}: value {n} twice", e.name);
                // Envoy's enums here declare no `allow_alias`.
                assert!(numbers.insert(v), "{}: number {v} twice", e.name);
            }
        }
    }

    #[test]
    fn no_message_has_two_fields_with_one_name_number_or_json_name() {
        for m in all_messages() {
            let mut names = HashSet::new();
            let mut numbers = HashSet::new();
            let mut jsons = HashSet::new();
            for f in m.fields {
                assert!(names.insert(f.name), "{}: name {} twice", m.name, f.name);
                assert!(
                    numbers.insert(f.number),
                    "{}: number {} twice",
                    m.name,
                    f.number
                );
                assert!(
                    jsons.insert(f.json_name()),
                    "{}: json name {} twice",
                    m.name,
                    f.json_name()
                );
                assert!(
                    (1..=536_870_911).contains(&f.number),
                    "{}.{}",
                    m.name,
                    f.name
                );
                assert!(
                    !(19_000..=19_999).contains(&f.number),
                    "{}.{}",
                    m.name,
                    f.name
                );
            }
        }
    }

    #[test]
    fn json_names_follow_protobuf() {
        let c = message("envoy.config.cluster.v3.Cluster").unwrap();
        let http2 = c.field("http2_protocol_options").unwrap();
        assert_eq!(http2.json_name(), "http2ProtocolOptions");
        let od = message("envoy.config.cluster.v3.OutlierDetection").unwrap();
        assert_eq!(
            od.field("consecutive_5xx").unwrap().json_name(),
            "consecutive5xx"
        );
        assert_eq!(od.field("consecutive5xx").unwrap().name, "consecutive_5xx");
        let mut f = *http2;
        f.json = Some("h2");
        assert_eq!(f.json_name(), "h2");
        // Keys are exact: neither other casings nor the other spelling of a name.
        assert!(c.field("ConnectTimeout").is_none());
        assert!(c.field("connect-timeout").is_none());
        assert!(c.field("hosts").is_none(), "reserved, not a field");
    }

    #[test]
    fn cluster_connect_timeout() {
        // api/envoy/config/cluster/v3/cluster.proto @ 6b35b269:
        // `google.protobuf.Duration connect_timeout = 4 [(validate.rules).duration = {gt {}}];`
        let c = message("envoy.config.cluster.v3.Cluster").unwrap();
        let f = c.field("connect_timeout").unwrap();
        assert_eq!(f.number, 4);
        assert_eq!(f.ty, FieldType::Message("google.protobuf.Duration"));
        assert_eq!(f.label, Label::Singular);
        assert_eq!(f.rules, "duration.gt = {}");
        assert_eq!(c.field("connectTimeout"), Some(f));
    }

    #[test]
    fn cluster_spot_checks() {
        // api/envoy/config/cluster/v3/cluster.proto @ 6b35b269.
        let c = message("envoy.config.cluster.v3.Cluster").unwrap();
        let t = c.field("type").unwrap();
        assert_eq!((t.number, t.oneof), (2, Some("cluster_discovery_type")));
        assert_eq!(
            t.ty,
            FieldType::Enum("envoy.config.cluster.v3.Cluster.DiscoveryType")
        );
        assert_eq!(t.rules, "enum.defined_only");
        let h2 = c.field("http2ProtocolOptions").unwrap();
        assert_eq!((h2.number, h2.deprecated), (14, true));
        let teo = c.field("typed_extension_protocol_options").unwrap();
        assert_eq!(
            (teo.number, teo.label, teo.ty),
            (36, Label::Map, FieldType::Message("google.protobuf.Any"))
        );
        let lr = c.field("least_request_lb_config").unwrap();
        assert_eq!((lr.number, lr.oneof), (37, Some("lb_config")));
        assert_eq!(c.field("name").unwrap().rules, "string.min_len = 1");
        let lb = enum_def("envoy.config.cluster.v3.Cluster.LbPolicy").unwrap();
        assert_eq!(lb.name_of(5), Some("MAGLEV"));
        assert!(
            !lb.values.iter().any(|(n, _)| *n == "ORIGINAL_DST_LB"),
            "reserved"
        );
        let dns = enum_def("envoy.config.cluster.v3.Cluster.DnsLookupFamily").unwrap();
        assert_eq!(dns.name_of(4), Some("ALL"));
    }

    #[test]
    fn outlier_detection_spot_checks() {
        // api/envoy/config/cluster/v3/outlier_detection.proto @ b62b88e0:
        // `google.protobuf.BoolValue always_eject_one_host = 25;`
        // `google.protobuf.BoolValue successful_active_health_check_uneject_host = 23;`
        let od = message("envoy.config.cluster.v3.OutlierDetection").unwrap();
        let f = od.field("always_eject_one_host").unwrap();
        assert_eq!(
            (f.number, f.ty),
            (25, FieldType::Message("google.protobuf.BoolValue"))
        );
        assert_eq!(od.field("alwaysEjectOneHost"), Some(f));
        let u = od
            .field("successful_active_health_check_uneject_host")
            .unwrap();
        assert_eq!(
            (u.number, u.ty),
            (23, FieldType::Message("google.protobuf.BoolValue"))
        );
        let mep = od.field("max_ejection_percent").unwrap();
        assert_eq!((mep.number, mep.rules), (4, "uint32.lte = 100"));
        assert_eq!(od.field("interval").unwrap().rules, "duration.gt = {}");
        assert_eq!(od.field("max_ejection_time_jitter").unwrap().number, 22);
        let mon = od.field("monitors").unwrap();
        assert_eq!((mon.number, mon.label), (24, Label::Repeated));
    }

    #[test]
    fn thresholds_spot_checks() {
        // api/envoy/config/cluster/v3/circuit_breaker.proto @ 01c2c1fa:
        // `google.protobuf.UInt32Value max_connections = 2;`, `RetryBudget retry_budget = 8;`
        let t = message("envoy.config.cluster.v3.CircuitBreakers.Thresholds").unwrap();
        let mc = t.field("max_connections").unwrap();
        assert_eq!(
            (mc.number, mc.ty),
            (2, FieldType::Message("google.protobuf.UInt32Value"))
        );
        assert_eq!(t.field("maxConnections"), Some(mc));
        let rb = t.field("retry_budget").unwrap();
        assert_eq!(rb.number, 8);
        assert_eq!(
            rb.ty,
            FieldType::Message("envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget")
        );
        let p = t.field("priority").unwrap();
        assert_eq!(
            p.ty,
            FieldType::Enum("envoy.config.core.v3.RoutingPriority")
        );
        assert_eq!(
            enum_def("envoy.config.core.v3.RoutingPriority")
                .unwrap()
                .name_of(1),
            Some("HIGH")
        );
    }

    #[test]
    fn retry_policy_spot_checks() {
        // api/envoy/config/route/v3/route_components.proto @ 33048638:
        // `int64 host_selection_retry_max_attempts = 6;`, `repeated uint32 retriable_status_codes = 7;`
        let r = message("envoy.config.route.v3.RetryPolicy").unwrap();
        let h = r.field("host_selection_retry_max_attempts").unwrap();
        assert_eq!(
            (h.number, h.ty, h.label),
            (6, FieldType::Int64, Label::Singular)
        );
        let codes = r.field("retriableStatusCodes").unwrap();
        assert_eq!(
            (codes.number, codes.ty, codes.label),
            (7, FieldType::UInt32, Label::Repeated)
        );
        let nr = r.field("num_retries").unwrap();
        assert_eq!(
            (nr.number, nr.ty),
            (2, FieldType::Message("google.protobuf.UInt32Value"))
        );
        let bo = message("envoy.config.route.v3.RetryPolicy.RetryBackOff").unwrap();
        assert_eq!(
            bo.field("base_interval").unwrap().rules,
            "duration.required, duration.gt = {}"
        );
    }

    #[test]
    fn route_and_hcm_spot_checks() {
        // route_components.proto @ 33048638: `ClusterNotFoundResponseCode
        // cluster_not_found_response_code = 20`; `uint32 status = 1 [... {lt: 600 gte: 100}]`.
        let ra = message("envoy.config.route.v3.RouteAction").unwrap();
        let c = ra.field("cluster").unwrap();
        assert_eq!((c.number, c.oneof), (1, Some("cluster_specifier")));
        assert_eq!(
            ra.field("cluster_not_found_response_code").unwrap().number,
            20
        );
        assert!(ra.field("max_grpc_timeout").unwrap().deprecated);
        let code =
            enum_def("envoy.config.route.v3.RouteAction.ClusterNotFoundResponseCode").unwrap();
        assert_eq!(code.name_of(1), Some("NOT_FOUND"));
        let dr = message("envoy.config.route.v3.DirectResponseAction").unwrap();
        assert_eq!(
            dr.field("status").unwrap().rules,
            "uint32.lt = 600, uint32.gte = 100"
        );
        // http_connection_manager.proto @ 532044be: `CodecType codec_type = 1`, HTTP3 = 3.
        let hcm = message(
            "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        )
        .unwrap();
        assert_eq!(hcm.field("codecType").unwrap().number, 1);
        assert_eq!(
            hcm.field("route_config").unwrap().oneof,
            Some("route_specifier")
        );
        assert_eq!(hcm.field("strip_matching_host_port").unwrap().oneof, None);
        let codec = enum_def(
            "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType",
        )
        .unwrap();
        assert_eq!(codec.name_of(3), Some("HTTP3"));
        // percent.proto @ 39e27d55: DenominatorType MILLION = 2.
        let d = enum_def("envoy.type.v3.FractionalPercent.DenominatorType").unwrap();
        assert_eq!(d.name_of(2), Some("MILLION"));
    }

    #[test]
    fn field_counts_match_the_protos() {
        // Counted by hand from the .proto files (every field, oneof members included, reserved
        // numbers excluded):
        // - Cluster: cluster.proto @ 6b35b269394160d9bd96c278c496e8dbd8a4f257, numbers 1..=56
        //   less reserved 7, 11, 12, 15, 35 (next-free-field 57).
        // - RouteAction: route_components.proto @ 3304863897c75c4d14207b5ec658318a5eec08ef,
        //   numbers 1..=36 less reserved 10, 12, 16, 18, 19, 21, 22 (next-free-field 37).
        // - HttpConnectionManager: http_connection_manager.proto @
        //   532044be2679b6a66582612904b84b4371a97f26, numbers 1..=57 less reserved 11, 27.
        // - Bootstrap: bootstrap.proto @ 902143755769e08aae0474981b9eef0ab6bf28d8, numbers
        //   1..=38 less reserved 10, 11.
        // - Listener: listener.proto @ 3551835d82753187dd178df245d73c34a86ec020, numbers
        //   1..=34 less reserved 14, 23.
        // - OutlierDetection: outlier_detection.proto @ b62b88e01756395dd64c8d85ce3483e38892463e,
        //   numbers 1..=25.
        // - HealthCheck: health_check.proto @ a1981d6b18188664b68594cde4448cdaf5bb9f53,
        //   numbers 1..=26 less reserved 10.
        for (name, count) in [
            ("envoy.config.cluster.v3.Cluster", 51),
            ("envoy.config.route.v3.RouteAction", 29),
            (
                "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                55,
            ),
            ("envoy.config.bootstrap.v3.Bootstrap", 36),
            ("envoy.config.listener.v3.Listener", 32),
            ("envoy.config.core.v3.HealthCheck", 25),
            ("envoy.config.cluster.v3.OutlierDetection", 25),
            ("envoy.config.route.v3.RetryPolicy", 11),
            ("envoy.config.route.v3.VirtualHost", 18),
            ("envoy.config.route.v3.Route", 16),
            ("envoy.config.route.v3.RouteConfiguration", 18),
        ] {
            assert_eq!(message(name).unwrap().fields.len(), count, "{name}");
        }
    }
}
