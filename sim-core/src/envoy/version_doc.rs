//! The "Envoy versions" section of `docs/fidelity.md`, written from the tables of
//! `version.rs`: a section per range of releases that behave alike, and the configuration
//! changes. A test keeps the doc equal to it.

use std::fmt::Write;

use super::version::{
    CHANGES, CONFIG_CHANGES, ConfigChange, EnvoyVersion, NEWEST_ENVOY, OLDEST_ENVOY,
};

/// Where the generated text starts and ends in the doc.
pub const BEGIN: &str =
    "<!-- begin envoy versions: generated from sim-core/src/envoy/version.rs -->";
/// See [`BEGIN`].
pub const END: &str = "<!-- end envoy versions -->";

/// `doc` with the text between [`BEGIN`] and [`END`] replaced by [`envoy_versions_markdown`].
pub fn fill_envoy_versions(doc: &str) -> Result<String, String> {
    let start = doc.find(BEGIN).ok_or("no envoy-versions start marker")? + BEGIN.len();
    let end = doc[start..]
        .find(END)
        .ok_or("no envoy-versions end marker")?
        + start;
    Ok(format!(
        "{}\n{}{}",
        &doc[..start],
        envoy_versions_markdown(),
        &doc[end..]
    ))
}

/// The ranges of releases that model alike, newest first: each from a release where a
/// behaviour changed to the release before the next change.
fn ranges() -> Vec<(EnvoyVersion, EnvoyVersion)> {
    let mut starts: Vec<EnvoyVersion> = CHANGES.iter().map(|c| c.since).collect();
    starts.push(OLDEST_ENVOY);
    starts.sort();
    starts.dedup();
    let mut out = Vec::new();
    for (i, &from) in starts.iter().enumerate() {
        let to = starts
            .get(i + 1)
            .map_or(NEWEST_ENVOY, |next| EnvoyVersion(next.0 - 1));
        out.push((from, to));
    }
    out.reverse();
    out
}

/// The topics of the table, each once, in table order.
fn topics() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in CHANGES {
        if !out.contains(&c.topic) {
            out.push(c.topic);
        }
    }
    out
}

/// What releases `v` does for `topic`: the newest step it has, or what came before the first.
fn state(topic: &str, v: EnvoyVersion) -> &'static str {
    let steps = CHANGES.iter().filter(|c| c.topic == topic);
    match steps.clone().rfind(|c| c.since <= v) {
        Some(c) => c.after,
        None => steps.clone().next().expect("a topic has a step").before,
    }
}

fn range_title(from: EnvoyVersion, to: EnvoyVersion) -> String {
    if from == to {
        format!("Envoy {from}")
    } else {
        format!("Envoy {from} to {to}")
    }
}

/// The generated markdown.
pub fn envoy_versions_markdown() -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "`[envoy] version` takes Envoy {OLDEST_ENVOY} to {NEWEST_ENVOY} (default {NEWEST_ENVOY}). \
         Each section below says how its releases differ from the newest; the sources are in \
         the table after them.\n"
    );
    for (from, to) in ranges() {
        let _ = writeln!(md, "### {}\n", range_title(from, to));
        let differs: Vec<&str> = topics()
            .into_iter()
            .filter(|t| state(t, from) != state(t, NEWEST_ENVOY))
            .collect();
        if differs.is_empty() {
            let _ = writeln!(md, "Every behaviour as breakersim models it by default.\n");
            continue;
        }
        for topic in differs {
            let next = CHANGES
                .iter()
                .find(|c| c.topic == topic && c.since > from)
                .expect("a later step differs");
            let _ = writeln!(
                md,
                "- {} (from Envoy {}: {}).",
                capital(state(topic, from)),
                next.since,
                next.after
            );
        }
        md.push('\n');
    }
    let _ = writeln!(md, "### Where each change comes from\n");
    let _ = writeln!(md, "| From | Change | Source |\n|---|---|---|");
    for c in CHANGES {
        let _ = writeln!(md, "| {} | {} | {} |", c.since, c.after, c.source);
    }
    let _ = writeln!(
        md,
        "\n### Configuration by release\n\nA scenario for an older release that asks for what came \
         later (a field set to anything but its default, a condition, a default it relies on) is \
         refused with exit 2 at the field, as that Envoy rejects the config. \
         `common_http_protocol_options.max_requests_per_connection` is read on every release: \
         before 1.20 Envoy had the same limit as `Cluster.max_requests_per_connection`.\n"
    );
    let _ = writeln!(md, "| From | Change | Source |\n|---|---|---|");
    for r in CONFIG_CHANGES {
        let what = match r.change {
            ConfigChange::FieldAdded(p) => format!("`{p}` exists"),
            ConfigChange::DefaultAdded(p) => format!("`{p}` may be left out (before: required)"),
            ConfigChange::RetryOnAdded(c) => format!("`retry_on` condition `{c}` exists"),
        };
        let _ = writeln!(md, "| {} | {what} | {} |", r.since, r.source);
    }
    md
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranges cover 1.17 to 1.39 without a gap, newest first.
    #[test]
    fn ranges_cover_every_release_once() {
        let r = ranges();
        assert_eq!(r.first().map(|x| x.1), Some(NEWEST_ENVOY));
        assert_eq!(r.last().map(|x| x.0), Some(OLDEST_ENVOY));
        assert!(r.windows(2).all(|w| w[1].1.0 + 1 == w[0].0.0));
    }
}
