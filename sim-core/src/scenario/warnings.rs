//! Warnings about a valid scenario, each at its place: deprecated fields, and what breakersim
//! runs for `[envoy] version` in a way that release may not have.

use toml::Table;

use super::PathSegment;
use super::load::locate;
use super::model::Scenario;
use super::overrides::Override;
use crate::diagnostic::Diagnostic;
use crate::envoy::version::EnvoyVersion;

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_string())
}

/// Every warning for scenario `s`, read from `table` (the file after its overrides; `text` is
/// the file).
pub fn scenario_warnings(
    table: &Table,
    s: &Scenario,
    text: &str,
    source: &str,
    overrides: &[Override],
) -> Vec<Diagnostic> {
    let at = |message: String, path: Vec<PathSegment>| {
        locate(Diagnostic::warning(source, message), path, text, overrides)
    };
    let mut out = Vec::new();
    if let Some(w) = deprecated_rule(table) {
        out.push(at(w, vec![key("envoy"), key("max_ejection_percent_rule")]));
    }
    let version = s.envoy.envoy_version();
    for (i, b) in s.backends.iter().enumerate() {
        if b.http2_max_concurrent_streams.is_some()
            && let Some(w) = peer_stream_limit_before_1_35(version)
        {
            let path = vec![
                key("backends"),
                PathSegment::Index(i),
                key("http2_max_concurrent_streams"),
            ];
            out.push(at(w, path));
        }
    }
    out
}

/// `[envoy] max_ejection_percent_rule`, replaced by `[envoy] version`.
fn deprecated_rule(table: &Table) -> Option<String> {
    let rule = table
        .get("envoy")
        .and_then(|e| e.get("max_ejection_percent_rule"))
        .and_then(toml::Value::as_str)?;
    let instead = match rule {
        "before_1_28" => "version = \"1.27\"",
        _ => "version (or nothing: the newest release is the default)",
    };
    Some(format!(
        "`max_ejection_percent_rule` is deprecated: write `{instead}` in [envoy]; it is read as \
         that version, which now chooses every behaviour that changed between Envoy releases, \
         not only the max_ejection_percent rule"
    ))
}

/// Before Envoy 1.35 a connection whose peer lowered its stream limit below the streams it
/// carries still counted in the pool's capacity (changelog 1.35.0, bug_fixes, conn_pool), and
/// before 1.18 the pool did not open connections at the peer's limit
/// (`envoy.reloadable_features.improved_stream_limit_handling`); breakersim follows 1.35.
fn peer_stream_limit_before_1_35(version: EnvoyVersion) -> Option<String> {
    (version < EnvoyVersion(35)).then(|| {
        format!(
            "Envoy {version} handled a peer's lower SETTINGS_MAX_CONCURRENT_STREAMS differently: \
             before 1.35 a connection left over its limit still counted in the pool's capacity \
             (changelog 1.35.0, conn_pool), so it opened fewer connections for waiting requests \
             than breakersim, which follows 1.35 and later"
        )
    })
}
