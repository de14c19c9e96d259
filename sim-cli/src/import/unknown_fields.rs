//! Fields Envoy does not know: every key of an Envoy document checked against the fields of
//! its message (`protos/`), down through nested messages, repeated fields, maps and `Any`s
//! whose `@type` is known. Envoy refuses a static config with an unknown field
//! (`MessageUtil::loadFromJson` → `ValidationVisitor::onUnknownField`,
//! `source/common/protobuf/yaml_utility.cc`) unless run with `--allow-unknown-static-fields`,
//! which `--allow-unknown-fields` mirrors.

use std::collections::BTreeSet;

use sim_core::diagnostic::{Diagnostic, Place};

use super::protos::{FieldType, Label, Message, message};
use super::yaml::Node;

const TYPE_PREFIX: &str = "type.googleapis.com/";

/// The messages whose fields breakersim simulates, and those on the way to them: an unknown
/// key in one of these (most often a misspelling, `circuit_breaker:` for `circuit_breakers:`,
/// or a v2 field such as a filter's `config`) would change what is simulated, so it is
/// refused as Envoy refuses it. Elsewhere (listeners, the HTTP connection
/// manager, the bootstrap) a key unknown to breakersim's tables, which follow Envoy's `.proto`
/// files at the commits `protos/mod.rs` names, may be a field a newer Envoy added; it is a
/// warning.
const SIMULATED: [&str; 22] = [
    "envoy.config.bootstrap.v3.Bootstrap.StaticResources",
    "envoy.config.listener.v3.Filter",
    "envoy.config.route.v3.RouteConfiguration",
    "envoy.config.route.v3.VirtualHost",
    "envoy.config.route.v3.Route",
    "envoy.config.endpoint.v3.ClusterLoadAssignment",
    "envoy.config.endpoint.v3.LocalityLbEndpoints",
    "envoy.config.endpoint.v3.LbEndpoint",
    "envoy.config.cluster.v3.Cluster",
    "envoy.config.cluster.v3.CircuitBreakers",
    "envoy.config.cluster.v3.CircuitBreakers.Thresholds",
    "envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget",
    "envoy.config.cluster.v3.OutlierDetection",
    "envoy.config.cluster.v3.Cluster.CommonLbConfig",
    "envoy.config.cluster.v3.Cluster.LeastRequestLbConfig",
    "envoy.config.cluster.v3.LoadBalancingPolicy",
    "envoy.config.cluster.v3.LoadBalancingPolicy.Policy",
    "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest",
    "envoy.config.route.v3.RouteAction",
    "envoy.config.route.v3.RetryPolicy",
    "envoy.config.route.v3.RetryPolicy.RetryBackOff",
    "envoy.config.core.v3.Http2ProtocolOptions",
];

/// A key that is no field of its message.
pub struct Unknown {
    /// The key as written.
    key: String,
    /// The message's full name.
    message: &'static str,
    /// The key's place and path.
    place: Place,
    path: String,
    source: String,
    /// Whether the message is one breakersim simulates.
    pub simulated: bool,
    /// For an `Any` of Envoy's v2 API: its type.
    v2: Option<String>,
}

/// Whether a type is of Envoy's v2 API, which Envoy 1.18 removed.
fn is_v2(name: &str) -> bool {
    name.starts_with("envoy.api.v2.")
        || name.starts_with("envoy.config.filter.") && name.contains(".v2")
}

impl Unknown {
    /// Its path in the file.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// As Envoy refuses it: an error.
    pub fn error(&self) -> Diagnostic {
        if let Some(ty) = &self.v2 {
            return Diagnostic::error(
                &self.source,
                format!("{ty} is Envoy's v2 API, which Envoy 1.18 removed"),
            )
            .place(self.place.clone())
            .path(self.path.clone())
            .expected("a v3 type");
        }
        Diagnostic::error(
            &self.source,
            format!(
                "`{}` is not a field of {}, and Envoy refuses a config with an unknown field",
                self.key, self.message
            ),
        )
        .place(self.place.clone())
        .path(self.path.clone())
        .hint(
            "if a newer Envoy knows it, run with --allow-unknown-fields (as Envoy's \
             --allow-unknown-static-fields)",
        )
    }

    /// As a warning: outside the simulated messages, with `--allow-unknown-fields`, or in
    /// output an Envoy printed (a config dump, istioctl's), which a newer Envoy than
    /// breakersim's tables may have written.
    pub fn warning(&self) -> Diagnostic {
        Diagnostic::warning(
            &self.source,
            format!(
                "`{}` is not a field of {} in breakersim's tables of Envoy's protos (a newer \
                 Envoy may have it; an older one refuses it): ignored",
                self.key, self.message
            ),
        )
        .place(self.place.clone())
        .path(self.path.clone())
    }
}

/// What the check found under a document.
#[derive(Default)]
pub struct Checked {
    /// The keys that are no field of their message.
    pub unknown: Vec<Unknown>,
    /// The paths of the keys that are: fields of their message, and the keys of a map field
    /// (`typed_extension_protocol_options`' extension names). Such a key is no misspelling, so
    /// an unmodelled one is never answered with "did you mean".
    pub known: BTreeSet<String>,
}

/// The fields under `node`, read as the message `type_name`: the unknown ones, as errors at
/// their keys, and the known ones.
pub fn check_fields(node: &Node, type_name: &str) -> Checked {
    let mut out = Checked::default();
    if let Some(m) = message(type_name) {
        walk(node, m, &mut out);
    }
    out
}

fn walk(node: &Node, m: &'static Message, out: &mut Checked) {
    for (key, place, value) in node.entries() {
        if key == "@type" {
            continue;
        }
        let Some(field) = m.field(&key) else {
            out.unknown.push(Unknown {
                key,
                message: m.name,
                place: place.place(),
                path: value.path().to_string(),
                source: node.source().to_string(),
                simulated: SIMULATED.contains(&m.name),
                v2: None,
            });
            continue;
        };
        out.known.insert(value.path().to_string());
        let FieldType::Message(inner) = field.ty else {
            continue;
        };
        let values = match field.label {
            Label::Singular => vec![value],
            Label::Repeated => value.repeated(),
            Label::Map => value.entries().into_iter().map(|(_, _, v)| v).collect(),
        };
        for v in values {
            if field.label == Label::Map {
                out.known.insert(v.path().to_string());
            }
            if inner == "google.protobuf.Any" {
                let ty = v
                    .entries()
                    .into_iter()
                    .find(|(k, _, _)| k == "@type")
                    .and_then(|(_, _, t)| t.peek_str().map(str::to_string));
                let Some(t) = ty else { continue };
                let name = t.strip_prefix(TYPE_PREFIX).unwrap_or(&t);
                if let Some(am) = message(name) {
                    walk(&v, am, out);
                } else if is_v2(name) {
                    let at = v.entries().into_iter().find(|(k, _, _)| k == "@type");
                    let (place, path) = at
                        .map(|(_, p, n)| (p.place(), n.path().to_string()))
                        .unwrap_or((v.place(), v.path().to_string()));
                    out.unknown.push(Unknown {
                        key: "@type".into(),
                        message: "google.protobuf.Any",
                        place,
                        path,
                        source: v.source().to_string(),
                        simulated: true,
                        v2: Some(name.to_string()),
                    });
                }
            } else if let Some(im) = message(inner) {
                walk(&v, im, out);
            }
        }
    }
}
