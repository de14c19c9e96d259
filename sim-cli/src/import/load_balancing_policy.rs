//! A cluster's typed `load_balancing_policy`, read as Envoy's `ClusterInfoImpl` does
//! (envoyproxy/envoy `source/common/upstream/upstream_impl.cc`): when it is set, `lb_policy`
//! and the `*_lb_config` fields are ignored, and `configureLbPolicies` takes the first policy
//! whose `typed_config` type has a registered factory (a built-in
//! `envoy.extensions.load_balancing_policies.*` type here), skipping the others.

use sim_core::diagnostic::Diagnostic;
use sim_core::scenario::LeastRequestLbConfig;
use sim_core::schema::{ProtoType, Table};

use super::emit::{Doc, Origin, Value};
use super::fields::read_plain;
use super::yaml::Node;

const TYPE_PREFIX: &str = "type.googleapis.com/";
const PACKAGE: &str = "envoy.extensions.load_balancing_policies.";
const LEAST_REQUEST: &str =
    "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest";

/// The least-request options of the policy chosen, as scenario values with their origins.
#[derive(Default)]
pub struct LeastRequestOptions {
    pub values: Vec<(&'static str, Value, Origin)>,
}

/// Reads `load_balancing_policy` if the cluster has one: sets `lb_policy` in the open
/// `[cluster]` section and returns the least-request options to write (none for another
/// policy). `None` when the cluster has no `load_balancing_policy`.
pub fn read(
    doc: &mut Doc,
    c: &Node,
    warnings: &mut Vec<Diagnostic>,
) -> Option<LeastRequestOptions> {
    let lbp = c.get("load_balancing_policy")?;
    let why = "the cluster's load_balancing_policy is used instead (Envoy's ClusterInfoImpl)";
    for legacy in [
        "lb_policy",
        "least_request_lb_config",
        "round_robin_lb_config",
    ] {
        if let Some(n) = c.get(legacy) {
            n.ignore(why);
        }
    }
    let policies = lbp.get("policies").map(|p| p.items()).unwrap_or_default();
    let mut chosen = None;
    for p in policies {
        let name = type_name(&p);
        if chosen.is_some() {
            p.ignore_unread("Envoy uses the first policy it has a factory for");
        } else if name.as_deref().is_some_and(|n| n.starts_with(PACKAGE)) {
            chosen = name.zip(p.get("typed_extension_config"));
        } else {
            p.ignore_unread("Envoy's build has no factory for its type, so Envoy skips it");
        }
    }
    let Some((name, ext)) = chosen else {
        warnings.push(lbp.warning(
            "no policy of a type Envoy's build registers: Envoy refuses such a cluster; the scenario uses ROUND_ROBIN",
        ));
        doc.set("lb_policy", Value::str("ROUND_ROBIN"), Origin::World);
        return Some(LeastRequestOptions::default());
    };
    let _ = ext.get("name");
    let cfg = ext.get("typed_config").expect("its type was found");
    let _ = cfg.get("@type");
    let origin = Origin::File(ext.line());
    let policy = match name.rsplit('.').next().unwrap_or("") {
        "LeastRequest" if name == LEAST_REQUEST => "LEAST_REQUEST",
        "RoundRobin" => "ROUND_ROBIN",
        "Random" => "RANDOM",
        _ => {
            warnings.push(ext.warning(format!(
                "{name} is not modelled; the scenario uses ROUND_ROBIN"
            )));
            cfg.read_all();
            doc.set("lb_policy", Value::str("ROUND_ROBIN"), Origin::World);
            return Some(LeastRequestOptions::default());
        }
    };
    doc.set("lb_policy", Value::str(policy), origin);
    Some(if policy == "LEAST_REQUEST" {
        least_request(&cfg)
    } else {
        LeastRequestOptions::default()
    })
}

/// The `typed_config` type of a policy, without `type.googleapis.com/`, read without marking
/// anything read.
fn type_name(policy: &Node) -> Option<String> {
    let ext = field(policy, "typed_extension_config")
        .or_else(|| field(policy, "typedExtensionConfig"))?;
    let cfg = field(&ext, "typed_config").or_else(|| field(&ext, "typedConfig"))?;
    let t = field(&cfg, "@type")?.peek_str()?.to_string();
    Some(t.strip_prefix(TYPE_PREFIX).unwrap_or(&t).to_string())
}

/// The field `key` of a mapping, without marking it read.
fn field<'y, 'a>(n: &Node<'y, 'a>, key: &str) -> Option<Node<'y, 'a>> {
    n.entries()
        .into_iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, _, v)| v)
}

/// `choice_count` and `selection_method` of a `LeastRequest`; its other fields stay unread
/// (so they are reported as not modelled).
fn least_request(cfg: &Node) -> LeastRequestOptions {
    let spec = LeastRequestLbConfig::spec();
    let mut out = LeastRequestOptions::default();
    for (field, ty) in [
        ("choice_count", ProtoType::UInt32Value),
        ("selection_method", ProtoType::Enum),
    ] {
        let f = spec
            .fields
            .iter()
            .find(|f| f.name == field)
            .expect("a field of LeastRequestLbConfig");
        let Some(v) = cfg.get(field) else { continue };
        if let Some(value) = read_plain(&v, f, ty, Some(LEAST_REQUEST)) {
            out.values.push((f.name, value, Origin::File(v.line())));
        }
    }
    out
}
