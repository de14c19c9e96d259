//! `breakersim import`: an Envoy bootstrap or cluster, or an Istio DestinationRule (with
//! VirtualService routes), into a scenario TOML that says where every value came from.

mod emit;
mod envoy;
mod fields;
pub mod istio;
mod istio_outlier;
mod istio_policy;
mod istio_retry;
#[allow(dead_code)]
mod protos;
mod yaml;

use emit::{Doc, Origin, Value};
use sim_core::diagnostic::Diagnostic;
use yaml::{Node, Reads, Unread, parse_documents};

use crate::exit::{CliError, CliResult};

/// What to import and how.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Istio version whose translation to follow (default: the newest known).
    pub istio_version: Option<String>,
    /// Which cluster: a name in a bootstrap, or `outbound|<port>|<subset>|<host>` for Istio.
    pub cluster: Option<String>,
    /// The scenario whose `[cluster]` gave these options (`select`, `istio_version`), for
    /// messages; `None` when they are the flags of `import`.
    pub scenario: Option<String>,
}

impl ImportOptions {
    /// An error in the option the user chose the cluster with: `--cluster`, or the scenario's
    /// `cluster.select`.
    fn cluster_error(&self, message: impl Into<String>) -> CliError {
        self.option_error("--cluster", "cluster.select", message)
    }

    /// An error in the option the user chose the Istio version with.
    fn version_error(&self, message: impl Into<String>) -> CliError {
        self.option_error("--istio-version", "cluster.istio_version", message)
    }

    fn option_error(&self, flag: &str, field: &str, message: impl Into<String>) -> CliError {
        CliError::input(match &self.scenario {
            Some(s) => Diagnostic::error(s, message).path(field),
            None => Diagnostic::error(flag, message),
        })
    }
}

/// The scenario text, and the fields that were not modelled.
pub struct Imported {
    pub scenario: String,
    /// One warning per field not translated, at its place.
    pub warnings: Vec<Diagnostic>,
}

enum Kind<'y, 'a> {
    Bootstrap(Node<'y, 'a>),
    Cluster(Node<'y, 'a>),
    Istio {
        dr: Node<'y, 'a>,
        vs: Vec<Node<'y, 'a>>,
    },
}

const ISTIO_APIS: [&str; 3] = [
    "networking.istio.io/v1alpha3",
    "networking.istio.io/v1beta1",
    "networking.istio.io/v1",
];

fn classify<'y, 'a>(
    docs: &[Node<'y, 'a>],
    source: &str,
    opts: &ImportOptions,
) -> CliResult<Kind<'y, 'a>> {
    let mut drs = Vec::new();
    let mut vss = Vec::new();
    for d in docs {
        if let Some(kind) = d.get("kind") {
            let api = d
                .get("apiVersion")
                .and_then(|a| a.str().map(str::to_string))
                .unwrap_or_default();
            let k = kind.str().unwrap_or("");
            if !matches!(k, "DestinationRule" | "VirtualService") {
                return Err(CliError::input(
                    kind.error(format!("kind {k} is not supported")).expected(
                        "an Envoy bootstrap or Cluster, or Istio DestinationRule and VirtualService",
                    ),
                ));
            }
            if !ISTIO_APIS.contains(&api.as_str()) {
                let at = d.get("apiVersion").unwrap_or_else(|| d.clone());
                return Err(CliError::input(
                    at.error(format!("{api:?} is not supported"))
                        .expected(ISTIO_APIS.join(", ")),
                ));
            }
            if k == "DestinationRule" {
                drs.push(d.clone())
            } else {
                vss.push(d.clone())
            }
        } else if d.get("static_resources").is_some() {
            return Ok(Kind::Bootstrap(d.clone()));
        } else if d.get("name").is_some() {
            return Ok(Kind::Cluster(d.clone()));
        }
    }
    let wanted_host = opts.cluster.as_deref().and_then(|c| c.rsplit('|').next());
    let dr = drs
        .into_iter()
        .find(|dr| {
            wanted_host.is_none_or(|h| {
                dr.get("spec")
                    .and_then(|s| s.get("host"))
                    .and_then(|x| x.str())
                    == Some(h)
            })
        })
        .ok_or_else(|| {
            CliError::in_file(
                source,
                format!(
                    "no Envoy bootstrap, Envoy Cluster or Istio DestinationRule{} found",
                    wanted_host
                        .map(|h| format!(" for host {h}"))
                        .unwrap_or_default()
                ),
            )
        })?;
    Ok(Kind::Istio { dr, vs: vss })
}

/// One YAML file to import: its name (for messages) and its text.
pub struct InputFile {
    pub source: String,
    pub text: String,
}

/// Imports the documents of `files` (an Envoy bootstrap or cluster; or Istio DestinationRules
/// and VirtualServices, in one file or several) as one scenario.
pub fn import(files: &[InputFile], opts: &ImportOptions) -> CliResult<Imported> {
    let mut yaml = Vec::new();
    for f in files {
        for y in parse_documents(&f.text, &f.source)? {
            yaml.push((y, f));
        }
    }
    let reads: Vec<Reads> = yaml.iter().map(|_| Reads::default()).collect();
    let docs: Vec<Node> = yaml
        .iter()
        .zip(&reads)
        .map(|((y, file), reads)| Node::root(y, reads, &file.source, &file.text))
        .collect();
    let names: Vec<&str> = files.iter().map(|f| f.source.as_str()).collect();
    let source = names.join(", ");
    let source = source.as_str();
    let mut doc = Doc::default();
    let mut warnings = Vec::new();
    doc.comment(format!("Imported from {source} by `breakersim import`."));
    doc.comment("Every value says where it came from; the synthetic world (clients, backends) is");
    doc.comment("a starting point to edit. See docs/import.md.");
    doc.top("seed", Value::int(1), Origin::World);
    doc.top("duration", Value::str("60s"), Origin::World);
    doc.section("[envoy]", None);
    doc.set("concurrency", Value::int(2), Origin::World);
    let (checked, endpoints) = match classify(&docs, source, opts)? {
        Kind::Cluster(c) => {
            let facts = envoy::translate_cluster(&mut doc, &c, &mut warnings)?;
            doc.section("[route]", None);
            doc.set("timeout", Value::str("15s"), Origin::EnvoyDefault);
            (vec![c], Some(facts.endpoints))
        }
        Kind::Bootstrap(root) => {
            let clusters = root
                .get("static_resources")
                .and_then(|s| s.get("clusters"))
                .map(|c| c.items())
                .unwrap_or_default();
            let names = |clusters: &[Node]| -> String {
                clusters
                    .iter()
                    .filter_map(|c| c.get("name").and_then(|n| n.str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let cluster = match &opts.cluster {
                Some(name) => match clusters
                    .iter()
                    .find(|c| c.get("name").and_then(|n| n.str()) == Some(name.as_str()))
                {
                    Some(c) => c.clone(),
                    None => {
                        return Err(opts.cluster_error(format!(
                            "no cluster named {name} in {source}; allowed: {}",
                            names(&clusters)
                        )));
                    }
                },
                None => match clusters.len() {
                    1 => clusters.into_iter().next().expect("one"),
                    0 => {
                        return Err(CliError::in_file(
                            source,
                            "static_resources has no clusters",
                        ));
                    }
                    n => {
                        let choose = match &opts.scenario {
                            Some(s) => format!("select = \"NAME\" in the [cluster] of {s}"),
                            None => "--cluster NAME".into(),
                        };
                        return Err(CliError::input(
                            Diagnostic::error(
                                source,
                                format!("{n} clusters ({})", names(&clusters)),
                            )
                            .hint(format!("choose one with {choose}")),
                        ));
                    }
                },
            };
            let facts = envoy::translate_cluster(&mut doc, &cluster, &mut warnings)?;
            let mut checked = vec![cluster];
            match envoy::find_route(&root, &facts.name) {
                Some(r) => {
                    envoy::translate_route(&mut doc, &r)?;
                    checked.push(r);
                }
                None => {
                    doc.section("[route]", None);
                    doc.set("timeout", Value::str("15s"), Origin::EnvoyDefault);
                }
            }
            (checked, Some(facts.endpoints))
        }
        Kind::Istio { dr, vs } => {
            let version = match &opts.istio_version {
                Some(v) => istio::Version::parse(v).map_err(|m| opts.version_error(m))?,
                None => istio::NEWEST,
            };
            let mut sel = istio::Selection::parse(opts.cluster.as_deref())
                .map_err(|m| opts.cluster_error(m))?;
            let host = dr
                .get("spec")
                .and_then(|s| s.get("host"))
                .and_then(|h| h.str())
                .unwrap_or("");
            let route = vs.iter().find_map(|v| istio::find_vs_route(v, host));
            let route_subset = route.as_ref().and_then(|r| {
                r.get("route")?.items().into_iter().find_map(|d| {
                    d.get("destination")?
                        .get("subset")?
                        .str()
                        .map(str::to_string)
                })
            });
            if sel.subset.is_none() {
                sel.subset = route_subset;
            }
            istio::translate_destination_rule(&mut doc, &dr, route.as_ref(), version, &sel)?;
            let mut checked = vec![dr.get("spec").expect("translated")];
            if let Some(r) = route {
                let _ = r.get("match");
                checked.push(r);
            }
            (checked, None)
        }
    };
    for node in &checked {
        for Unread { path, place } in node.unread() {
            let message = match node.why_ignored(&path) {
                Some(why) => format!("{path} is ignored: {why}"),
                None => format!("{path} is not modelled by breakersim and is ignored"),
            };
            warnings.push(Diagnostic::warning(node.source(), message).place(place));
        }
    }
    world(&mut doc, endpoints);
    let bad: Vec<Diagnostic> = reads.iter().flat_map(Reads::bad_values).collect();
    if !bad.is_empty() {
        return Err(CliError::Input(bad));
    }
    Ok(Imported {
        scenario: doc.render(),
        warnings,
    })
}

/// A default synthetic world: 20 requests/s for a minute, and backends for the endpoints.
fn world(doc: &mut Doc, endpoints: Option<Vec<envoy::EndpointGroup>>) {
    doc.section(
        "[[clients]]",
        Some("The synthetic world: edit to match your traffic"),
    );
    doc.set("kind", Value::str("open_loop"), Origin::World);
    doc.set("rate", Value::float(20.0), Origin::World);
    doc.set("arrivals", Value::str("poisson"), Origin::World);
    let groups = endpoints.filter(|e| !e.is_empty()).unwrap_or_else(|| {
        vec![envoy::EndpointGroup {
            priority: 0,
            weight: 1,
            count: 2,
        }]
    });
    for (i, g) in groups.iter().enumerate() {
        doc.section(
            "[[backends]]",
            (i == 0).then_some("Backends: edit to match your hosts"),
        );
        doc.set("name", Value::str(&format!("hosts-{i}")), Origin::World);
        doc.set("replicas", Value::int(g.count), Origin::World);
        if g.weight != 1 {
            doc.set("weight", Value::int(g.weight), Origin::World);
        }
        if g.priority != 0 {
            doc.set("priority", Value::int(g.priority), Origin::World);
        }
        doc.set(
            "service_time",
            Value::raw("{ lognormal = { median = \"5ms\", p99 = \"25ms\" } }"),
            Origin::World,
        );
    }
}
