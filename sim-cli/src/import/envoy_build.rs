//! The Envoy release a `/config_dump` came from (its bootstrap's
//! `node.user_agent_build_version`), written as `[envoy] version` so the run follows that
//! release.

use sim_core::diagnostic::Diagnostic;
use sim_core::envoy::version::{EnvoyVersion, NEWEST_ENVOY, OLDEST_ENVOY};

use super::emit::{Doc, Origin, Value};
use super::yaml::Node;

/// Writes `version` from the first dump's `SemanticVersion` (`major_number`, `minor_number`);
/// a release breakersim does not model is warned at its place and the nearest one is written
/// (the oldest) or left to the default (the newest).
pub fn envoy_version_of_dump(doc: &mut Doc, versions: &[Node], warnings: &mut Vec<Diagnostic>) {
    let Some(v) = versions.first() else {
        return;
    };
    let major = v.get("major_number").and_then(|n| n.unsigned(32));
    let minor = v.get("minor_number").and_then(|n| n.unsigned(32));
    let _ = v.get("patch");
    let (Some(1), Some(minor)) = (major, minor) else {
        warnings.push(v.warning(
            "not an Envoy 1.x release: the run models the newest release breakersim knows",
        ));
        return;
    };
    let dumped = EnvoyVersion(minor as u32);
    let modelled = if dumped < OLDEST_ENVOY {
        warnings.push(v.warning(format!(
            "this dump comes from Envoy {dumped}, older than the oldest release breakersim \
             models: the run models Envoy {OLDEST_ENVOY}"
        )));
        OLDEST_ENVOY
    } else if dumped > NEWEST_ENVOY {
        warnings.push(v.warning(format!(
            "this dump comes from Envoy {dumped}, newer than the newest release breakersim \
             models: the run models Envoy {NEWEST_ENVOY}, and what changed since is not modelled"
        )));
        NEWEST_ENVOY
    } else {
        dumped
    };
    doc.set(
        "version",
        Value::str(&modelled.to_string()),
        Origin::File(v.line()),
    );
}
