//! `breakersim import`: an Envoy bootstrap or cluster, or an Istio DestinationRule (with
//! VirtualService routes), into a scenario TOML that says where every value came from.

mod emit;
mod envoy;
mod envoy_build;
mod fields;
mod inventory;
pub mod istio;
mod istio_envoy;
mod istio_outlier;
mod istio_policy;
mod istio_retry;
mod istio_select;
mod load_balancing_policy;
mod proto_json;
mod protos;
mod unknown_fields;
pub mod world;
mod yaml;

use std::collections::BTreeSet;

use emit::{Doc, Origin, Value};
use sim_core::diagnostic::{Diagnostic, LineIndex, Severity};
use yaml::{Dialect, Node, Reads, Unread, parse_documents};

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
    /// Unknown Envoy fields are warnings, not errors (Envoy's `--allow-unknown-static-fields`).
    pub allow_unknown_fields: bool,
    /// Fields breakersim does not model are errors, not warnings.
    pub strict: bool,
    /// The synthetic clients and backends to write.
    pub world: world::World,
    /// The Istio service's port, when neither `cluster` nor a VirtualService gives it.
    pub port: Option<u64>,
    /// Write a mesh: the clients behind this many sidecars, each its own Envoy.
    pub sidecars: Option<Sidecars>,
}

/// How many client sidecars a mesh import writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sidecars {
    /// This many.
    Count(u64),
    /// As many as the named Deployment in the input files has replicas (`spec.replicas`,
    /// Kubernetes' default 1 when absent).
    FromDeployment(String),
}

/// The Deployments in `docs`, by name, with their `spec.replicas`.
fn deployments(docs: &[Node]) -> Vec<(String, u64, usize)> {
    docs.iter()
        .filter(|d| d.has("kind"))
        .flat_map(k8s_objects)
        .filter(|o| o.get("kind").and_then(|k| k.str()) == Some("Deployment"))
        .filter_map(|o| {
            let name = o.get("metadata")?.get("name")?.str()?.to_string();
            let replicas = o.get("spec").and_then(|s| s.get("replicas"));
            let count = replicas.as_ref().map_or(Some(1), |r| r.u64())?;
            Some((name, count, o.line()))
        })
        .collect()
}

/// The number of sidecars `opts` asks for, if any.
fn sidecar_count(docs: &[Node], opts: &ImportOptions) -> CliResult<Option<(u64, String)>> {
    match &opts.sidecars {
        None => Ok(None),
        Some(Sidecars::Count(n)) => Ok(Some((*n, format!("--sidecars {n}")))),
        Some(Sidecars::FromDeployment(name)) => {
            let found = deployments(docs);
            match found.iter().find(|(n, _, _)| n == name) {
                Some((_, count, line)) => Ok(Some((
                    *count,
                    format!("Deployment {name}'s spec.replicas, line {line}"),
                ))),
                None => {
                    let names: Vec<&str> = found.iter().map(|(n, _, _)| n.as_str()).collect();
                    Err(CliError::command_line(format!(
                        "--sidecars-from {name}: no Deployment of that name in the files (found: {})",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    )))
                }
            }
        }
    }
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
    /// Envoy resources, in whatever form (see `inventory.rs`).
    Envoy(inventory::Inventory<'y, 'a>),
    Istio {
        drs: Vec<istio_select::Resource<'y, 'a>>,
        vss: Vec<istio_select::Resource<'y, 'a>>,
        /// Objects of other kinds, skipped with a warning each.
        skipped: Vec<Diagnostic>,
    },
}

const ISTIO_APIS: [&str; 3] = [
    "networking.istio.io/v1alpha3",
    "networking.istio.io/v1beta1",
    "networking.istio.io/v1",
];

/// Istio's APIs before `networking.istio.io` (removed in Istio 1.0 and 1.1), refused with
/// what replaced them.
const OLD_ISTIO_KINDS: [&str; 4] = [
    "RouteRule",
    "DestinationPolicy",
    "EgressRule",
    "IngressRule",
];

/// The objects of a Kubernetes document: itself, or the `items` of a `List`.
fn k8s_objects<'y, 'a>(d: &Node<'y, 'a>) -> Vec<Node<'y, 'a>> {
    if d.get("kind").and_then(|k| k.str()) == Some("List") {
        let _ = d.get("apiVersion");
        let _ = d.get("metadata");
        d.get("items").map(|i| i.items()).unwrap_or_default()
    } else {
        vec![d.clone()]
    }
}

fn classify<'y, 'a>(docs: &[Node<'y, 'a>], source: &str) -> CliResult<Kind<'y, 'a>> {
    let mut drs = Vec::new();
    let mut vss = Vec::new();
    let mut skipped = Vec::new();
    let mut any_k8s = false;
    for d in docs.iter().filter(|d| d.has("kind")) {
        any_k8s = true;
        for obj in k8s_objects(d) {
            let Some(kind) = obj.get("kind") else {
                continue;
            };
            let api = obj
                .get("apiVersion")
                .and_then(|a| a.str().map(str::to_string))
                .unwrap_or_default();
            let k = kind.str().unwrap_or("");
            if OLD_ISTIO_KINDS.contains(&k) {
                return Err(CliError::input(
                    kind.error(format!(
                        "{k} ({api}) is Istio's API before 1.0, which istiod no longer reads"
                    ))
                    .expected("networking.istio.io DestinationRule and VirtualService"),
                ));
            }
            if !matches!(k, "DestinationRule" | "VirtualService") {
                obj.read_all();
                skipped.push((kind.clone(), k.to_string()));
                continue;
            }
            if !ISTIO_APIS.contains(&api.as_str()) {
                let at = obj.get("apiVersion").unwrap_or_else(|| obj.clone());
                return Err(CliError::input(
                    at.error(format!("{api:?} is not supported"))
                        .expected(ISTIO_APIS.join(", ")),
                ));
            }
            let resource = istio_select::Resource {
                namespace: istio_select::namespace_of(&obj),
                node: obj,
            };
            if k == "DestinationRule" {
                drs.push(resource)
            } else {
                vss.push(resource)
            }
        }
    }
    if !any_k8s {
        let inv = inventory::Inventory::gather(docs)?;
        if inv.clusters.is_empty()
            && let Some((at, path)) = docs.iter().find_map(cds_file)
        {
            return Err(CliError::input(
                at.error(format!(
                    "the clusters come from {path} (CDS from a file); breakersim reads the files \
                     it is given"
                ))
                .hint(format!(
                    "give that file too: breakersim import {source} {path}"
                )),
            ));
        }
        if inv.clusters.is_empty() && docs.iter().any(|d| d.has("static_resources")) {
            return Err(CliError::in_file(
                source,
                "static_resources has no clusters",
            ));
        }
        if inv.clusters.is_empty() {
            return Err(CliError::input(
                Diagnostic::error(
                    source,
                    "no Envoy bootstrap, Envoy Cluster or Istio DestinationRule found",
                )
                .expected(
                    "an Envoy bootstrap, Cluster, CDS file, /config_dump or istioctl \
                     proxy-config output; or Istio DestinationRules and VirtualServices",
                ),
            ));
        }
        return Ok(Kind::Envoy(inv));
    }
    if drs.is_empty()
        && vss.is_empty()
        && let Some((kind, k)) = skipped.first()
    {
        return Err(CliError::input(
            kind.error(format!("kind {k} is not supported")).expected(
                "an Envoy bootstrap or Cluster, or Istio DestinationRule and VirtualService",
            ),
        ));
    }
    let mut skipped: Vec<Diagnostic> = skipped
        .into_iter()
        .map(|(kind, k)| {
            kind.warning(format!(
                "kind {k} is skipped: breakersim reads DestinationRule and VirtualService"
            ))
        })
        .collect();
    // An Envoy document beside Istio resources is not part of what istiod builds from them.
    // An empty document (a trailing `---`, or one of comments only) is no resource at all:
    // istiod's own reader skips it silently (`parseInputsImpl` in
    // `pilot/pkg/config/kube/crd/conversion.go` continues past an empty object), as kubectl does.
    for d in docs.iter().filter(|d| !d.has("kind") && !d.is_null()) {
        d.read_all();
        skipped.push(d.warning(
            "this document is not a Kubernetes resource, so it is skipped: give Envoy configs \
             and Istio resources to separate imports",
        ));
    }
    if drs.is_empty() {
        return Err(CliError::input(
            Diagnostic::error(source, "no Istio DestinationRule found")
                .hint("breakersim builds the cluster from a DestinationRule; give its file too"),
        ));
    }
    Ok(Kind::Istio { drs, vss, skipped })
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
    for (i, f) in files.iter().enumerate() {
        for y in parse_documents(&f.text, &f.source)? {
            yaml.push((y, f, i));
        }
    }
    let reads: Vec<Reads> = yaml
        .iter()
        .map(|(y, _, _)| Reads::new(Dialect::of(y)))
        .collect();
    let lines: Vec<LineIndex> = files.iter().map(|f| LineIndex::new(&f.text)).collect();
    let docs: Vec<Node> = yaml
        .iter()
        .zip(&reads)
        .map(|((y, file, i), reads)| Node::root(y, reads, &file.source, &file.text, &lines[*i]))
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
    doc.section("[envoy]", None);
    doc.set("concurrency", Value::int(2), Origin::World);
    let mut fields = EnvoyFields::default();
    let (checked, endpoints) = match classify(&docs, source)? {
        Kind::Envoy(inv) => {
            envoy_build::envoy_version_of_dump(&mut doc, &inv.build_versions, &mut warnings);
            fields = unknown_envoy_fields(&inv, opts, &mut warnings)?;
            let cluster = choose_cluster(&inv, source, opts)?;
            let eds = inv.eds_endpoints(&cluster);
            let mut facts =
                envoy::translate_cluster(&mut doc, &cluster, eds.is_some(), &mut warnings)?;
            if facts.endpoints.is_empty() {
                facts.endpoints = eds.unwrap_or_default();
            }
            let mut checked = vec![cluster];
            match envoy::find_route(&inv.route_configs, &facts.name) {
                Some(found) => {
                    let route_has_own = found.action.get("retry_policy").is_some();
                    let vhost = found.vhost_retry.clone();
                    envoy::translate_route(&mut doc, &found.action, vhost, &mut warnings)?;
                    checked.push(found.action);
                    match found.vhost_retry {
                        Some(v) if route_has_own => {
                            v.read_all();
                            warnings.push(v.warning(format!(
                                "{} is ignored: the route's own retry_policy wins",
                                v.path()
                            )));
                        }
                        Some(v) => checked.push(v),
                        None => {}
                    }
                }
                None => {
                    doc.section("[route]", None);
                    doc.set("timeout", Value::str("15s"), Origin::EnvoyDefault);
                    warnings.extend(network_filter_warning(&inv, &facts.name));
                }
            }
            (checked, Some(facts.endpoints))
        }
        Kind::Istio { drs, vss, skipped } => {
            // With --sidecars-from, Deployments are read for their replicas.
            let reads_deployments = matches!(opts.sidecars, Some(Sidecars::FromDeployment(_)));
            warnings.extend(skipped.into_iter().filter(|w| {
                !(reads_deployments && w.message.starts_with("kind Deployment is skipped"))
            }));
            let version = match &opts.istio_version {
                Some(v) => istio::Version::parse(v).map_err(|m| opts.version_error(m))?,
                None => istio::NEWEST,
            };
            let mut sel = istio::Selection::parse(opts.cluster.as_deref())
                .map_err(|m| opts.cluster_error(m))?;
            let (dr, service) = istio_select::choose_rule(&drs, sel.host.as_deref(), source)?;
            let route = istio_select::find_route(&vss, &service);
            if let Some((_, dest)) = &route {
                sel.subset = sel.subset.take().or(dest.subset.clone());
                sel.port = sel.port.or(dest.port);
            }
            sel.port = sel.port.or(opts.port);
            if let Some(subset) = &sel.subset {
                let defined = istio_select::subset_names(&dr.node);
                if !defined.contains(subset) {
                    return Err(opts.cluster_error(format!(
                        "subset {subset} is not defined by the DestinationRule for {service} \
                         (its subsets: {}); istiod builds no cluster for it, and requests routed \
                         there fail with 503",
                        if defined.is_empty() {
                            "none".to_string()
                        } else {
                            defined.join(", ")
                        }
                    )));
                }
            }
            if sel.port.is_none() {
                let at = dr.node.get("spec").and_then(|s| s.get("host"));
                let at = at.unwrap_or_else(|| dr.node.clone());
                let w = at
                    .warning(format!(
                        "no port for {service}: neither --port, --cluster nor a VirtualService \
                         destination gives one; the cluster is named for port 80"
                    ))
                    .hint("give the Service's port with --port N");
                warnings.push(w);
            }
            sel.host = Some(service);
            let vs_route = route.map(|(r, _)| r);
            match istio_envoy::envoy_of_istio(version) {
                Ok(envoy) => istio::envoy_version(&mut doc, envoy, version),
                Err((envoy, why)) => {
                    warnings.push(dr.node.warning(why));
                    let nearest = format!(
                        "the oldest release modelled (Istio {} is older)",
                        version.show()
                    );
                    doc.set(
                        "version",
                        emit::Value::str(&envoy.to_string()),
                        emit::Origin::Note(nearest),
                    );
                }
            }
            istio::translate_destination_rule(
                &mut doc,
                &dr.node,
                vs_route.as_ref(),
                version,
                &sel,
            )?;
            let mut checked = vec![dr.node.get("spec").expect("translated")];
            if let Some(r) = vs_route {
                let _ = r.get("match");
                checked.push(r);
            }
            (checked, None)
        }
    };
    for node in &checked {
        for Unread {
            path,
            at,
            suggestion,
        } in node.unread()
        {
            if fields.unknown.contains(&path) {
                continue;
            }
            // A field of its Envoy message is no misspelling of another.
            let suggestion = suggestion.filter(|_| !fields.known.contains(&path));
            let warning = match node.why_ignored(&path) {
                Some(why) => {
                    Diagnostic::warning(node.source(), format!("{path} is ignored: {why}"))
                }
                None => {
                    let w = Diagnostic::warning(
                        node.source(),
                        format!("{path} is not modelled by breakersim and is ignored"),
                    );
                    match suggestion {
                        Some(name) => w.hint(format!("did you mean `{name}`?")),
                        None => w,
                    }
                }
            };
            warnings.push(warning.place(at.place()));
        }
    }
    summarise_unmodelled(&mut warnings, source, opts)?;
    let so_far: toml::Table = toml::from_str(&doc.render()).unwrap_or_default();
    let sidecars = sidecar_count(&docs, opts)?;
    world::write_world(
        &mut doc,
        &so_far,
        endpoints.unwrap_or_default(),
        opts.world,
        sidecars,
    );
    let bad: Vec<Diagnostic> = reads.iter().flat_map(Reads::bad_values).collect();
    if !bad.is_empty() {
        return Err(CliError::Input(bad));
    }
    Ok(Imported {
        scenario: doc.render(),
        warnings,
    })
}

/// The fields of the Envoy documents that are no field of their message: errors in a config
/// Envoy loads (unless `--allow-unknown-fields`), warnings in output Envoy printed. Returns
/// what the check found: the unknown paths, which are then not reported again as unmodelled,
/// and the known ones.
fn unknown_envoy_fields(
    inv: &inventory::Inventory,
    opts: &ImportOptions,
    warnings: &mut Vec<Diagnostic>,
) -> CliResult<EnvoyFields> {
    let mut errors = Vec::new();
    let mut fields = EnvoyFields::default();
    for root in &inv.roots {
        let checked = unknown_fields::check_fields(&root.node, &root.message);
        fields.known.extend(checked.known);
        for u in checked.unknown {
            fields.unknown.insert(u.path().to_string());
            if root.loaded && u.simulated && !opts.allow_unknown_fields {
                errors.push(u.error());
            } else {
                warnings.push(u.warning());
            }
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(CliError::Input(errors))
    }
}

/// When no route sends to the cluster but a listener's network filter (`tcp_proxy`,
/// `redis_proxy`, ...) names it, a warning at that filter: its traffic is TCP connections or
/// another protocol's operations, not HTTP requests through a route, so neither the route's
/// timeout and retries nor the request limits act on it as simulated (Envoy's `TcpProxy`
/// filter, `source/common/tcp_proxy/tcp_proxy.cc`, opens one upstream connection per
/// downstream connection; `redis_proxy` has its own `op_timeout`).
fn network_filter_warning(inv: &inventory::Inventory, cluster: &str) -> Option<Diagnostic> {
    let f = inv.network_filters.iter().find(|f| f.mentions(cluster))?;
    let name = f
        .get("name")
        .and_then(|n| n.str().map(str::to_string))
        .unwrap_or_else(|| "a network filter".to_string());
    let at = f.get("name").unwrap_or_else(|| f.clone());
    Some(at.warning(format!(
        "cluster {cluster} is reached through {name}, not an HTTP connection manager: \
         breakersim simulates HTTP requests through Envoy's default route, which this traffic \
         does not take"
    )))
}

/// The paths of the Envoy documents' keys, by whether their message has them.
#[derive(Default)]
struct EnvoyFields {
    unknown: BTreeSet<String>,
    known: BTreeSet<String>,
}

/// With `--strict`, any field not modelled is an error; else a one-line note counts them.
fn summarise_unmodelled(
    warnings: &mut Vec<Diagnostic>,
    source: &str,
    opts: &ImportOptions,
) -> CliResult<()> {
    let count = warnings
        .iter()
        .filter(|w| w.severity == Severity::Warning)
        .count();
    if count == 0 {
        return Ok(());
    }
    if opts.strict {
        let errors = warnings
            .drain(..)
            .map(|mut w| {
                w.severity = Severity::Error;
                w
            })
            .collect();
        return Err(CliError::Input(errors));
    }
    warnings.push(
        Diagnostic::note(
            source,
            format!(
                "{count} warning{}: the scenario is simulated without what they name",
                if count == 1 { "" } else { "s" }
            ),
        )
        .hint("--strict makes each an error"),
    );
    Ok(())
}

/// A bootstrap's `dynamic_resources.cds_config` read from a file: its node and path
/// (`path_config_source.path`, or the deprecated `path`).
fn cds_file<'y, 'a>(d: &Node<'y, 'a>) -> Option<(Node<'y, 'a>, String)> {
    let cds = d.get("dynamic_resources")?.get("cds_config")?;
    let at = cds
        .get("path_config_source")
        .and_then(|p| p.get("path"))
        .or_else(|| cds.get("path"))?;
    let path = at.str()?.to_string();
    Some((at, path))
}

/// The cluster to import: the one named by `--cluster` (or the scenario's `select`), or the
/// only one; with several and no choice, an error listing them and how to choose.
fn choose_cluster<'y, 'a>(
    inv: &inventory::Inventory<'y, 'a>,
    source: &str,
    opts: &ImportOptions,
) -> CliResult<Node<'y, 'a>> {
    // Envoy requires a cluster's name (`string name = 1 [(validate.rules).string = {min_len:
    // 1}]`, cluster.proto).
    if let Some(unnamed) = inv.clusters.iter().find(|c| {
        c.get("name")
            .and_then(|n| n.str())
            .is_none_or(str::is_empty)
    }) {
        return Err(unnamed.fail("a cluster needs a `name`"));
    }
    let names = inv.names();
    if let Some(name) = &opts.cluster {
        return inv.cluster(name).cloned().ok_or_else(|| {
            opts.cluster_error(format!(
                "no cluster named {name} in {source}; allowed: {}",
                names.join(", ")
            ))
        });
    }
    match names.len() {
        1 => Ok(inv.cluster(&names[0]).expect("named").clone()),
        n => {
            let choose = match &opts.scenario {
                Some(s) => format!("select = \"NAME\" in the [cluster] of {s}"),
                None => "--cluster NAME".into(),
            };
            Err(CliError::input(
                Diagnostic::error(source, format!("{n} clusters ({})", names.join(", ")))
                    .hint(format!("choose one with {choose}")),
            ))
        }
    }
}
