//! Which Istio resources make the cluster, as istiod picks them: the objects of every document
//! (a Kubernetes `List` opened), hosts resolved to FQDNs with each resource's namespace
//! (istio `pkg/config/model.go` `ResolveShortnameToFQDN`), the DestinationRule whose host is
//! the most specific match for the service, the VirtualService route to it, its port and its
//! subset (which must be one the rule defines).

use sim_core::diagnostic::Diagnostic;

use super::yaml::Node;
use crate::exit::{CliError, CliResult};

/// The Kubernetes cluster domain istiod appends to a short host (`meta.Domain`, Istio's
/// default `cluster.local`).
const DOMAIN: &str = "cluster.local";

/// The namespace `kubectl apply` gives a resource without `metadata.namespace`, when the
/// kubeconfig names none.
const DEFAULT_NAMESPACE: &str = "default";

/// An Istio resource with its namespace.
#[derive(Clone)]
pub struct Resource<'y, 'a> {
    pub node: Node<'y, 'a>,
    pub namespace: String,
}

impl Resource<'_, '_> {
    /// `host` as istiod resolves it for this resource: `*` and names with a dot as written,
    /// a short name as `<name>.<namespace>.svc.cluster.local`.
    pub fn fqdn(&self, host: &str) -> String {
        if host == "*" || host.contains('.') || host.parse::<std::net::IpAddr>().is_ok() {
            host.to_string()
        } else {
            format!("{host}.{}.svc.{DOMAIN}", self.namespace)
        }
    }

    /// The resource's `spec.host` (a DestinationRule's), resolved.
    pub fn dr_host(&self) -> Option<String> {
        let host = self.node.get("spec")?.get("host")?.str()?.to_string();
        Some(self.fqdn(&host))
    }
}

/// A Kubernetes object's namespace: `metadata.namespace`, or `default`.
pub fn namespace_of(obj: &Node) -> String {
    obj.get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(|n| n.str().map(str::to_string))
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string())
}

/// Whether a rule's `host` (maybe a wildcard: `*`, `*.example.com`) covers the service
/// `service` (istio `host.Name.Matches`).
pub fn host_matches(host: &str, service: &str) -> bool {
    match host.strip_prefix('*') {
        Some(suffix) => service.ends_with(suffix),
        None => host == service,
    }
}

/// The DestinationRule for the service `wanted` (from `--cluster`), or the only rule; istiod
/// applies the rule whose host matches most specifically (an exact host before wildcards, a
/// longer wildcard before a shorter one: `MostSpecificHostMatch`).
pub fn choose_rule<'r, 'y, 'a>(
    drs: &'r [Resource<'y, 'a>],
    wanted: Option<&str>,
    source: &str,
) -> CliResult<(&'r Resource<'y, 'a>, String)> {
    let hosts: Vec<String> = drs.iter().filter_map(Resource::dr_host).collect();
    match wanted {
        Some(service) => {
            // A short name given on the command line resolves in each rule's namespace.
            let best = drs
                .iter()
                .filter_map(|d| d.dr_host().map(|h| (d, h, d.fqdn(service))))
                .filter(|(_, h, full)| host_matches(h, full))
                .max_by_key(|(_, h, _)| (!h.starts_with('*'), h.len()));
            match best {
                Some((dr, _, full)) => Ok((dr, full)),
                None => Err(CliError::input(
                    Diagnostic::error(
                        source,
                        format!("no DestinationRule applies to the service {service}"),
                    )
                    .expected(format!("one of the rules' hosts: {}", hosts.join(", "))),
                )),
            }
        }
        None if drs.len() == 1 => {
            let host = hosts.first().cloned().unwrap_or_default();
            if host.starts_with('*') {
                let at = drs[0].node.get("spec").and_then(|s| s.get("host"));
                let at = at.unwrap_or_else(|| drs[0].node.clone());
                return Err(CliError::input(
                    at.error(format!(
                        "host {host:?} applies the rule to every service it matches"
                    ))
                    .hint(
                        "name your service with --cluster outbound|<port>|<subset>|<service FQDN>",
                    ),
                ));
            }
            Ok((&drs[0], host))
        }
        None => Err(CliError::input(
            Diagnostic::error(
                source,
                format!("{} DestinationRules ({})", drs.len(), hosts.join(", ")),
            )
            .hint("choose one with --cluster outbound|<port>|<subset>|<host>"),
        )),
    }
}

/// The names of a DestinationRule's subsets.
pub fn subset_names(dr: &Node) -> Vec<String> {
    dr.get("spec")
        .and_then(|s| s.get("subsets"))
        .map(|s| s.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.get("name").and_then(|n| n.str().map(str::to_string)))
        .collect()
}

/// A VirtualService `http` route's destination to `service`: its subset and port.
pub struct Destination {
    pub subset: Option<String>,
    pub port: Option<u64>,
}

/// In the VirtualServices, the first `http` route with a destination that resolves to
/// `service` (routes in order, as istiod builds them), and that destination.
pub fn find_route<'y, 'a>(
    vss: &[Resource<'y, 'a>],
    service: &str,
) -> Option<(Node<'y, 'a>, Destination)> {
    for vs in vss {
        let Some(http) = vs.node.get("spec").and_then(|s| s.get("http")) else {
            continue;
        };
        for route in http.items() {
            for d in route.get("route").map(|r| r.items()).unwrap_or_default() {
                let Some(dest) = d.get("destination") else {
                    continue;
                };
                let host = dest.get("host").and_then(|h| h.str().map(str::to_string));
                if host.is_some_and(|h| vs.fqdn(&h) == service) {
                    let subset = dest.get("subset").and_then(|s| s.str().map(str::to_string));
                    let port = dest
                        .get("port")
                        .and_then(|p| p.get("number"))
                        .and_then(|n| n.u64());
                    return Some((route.clone(), Destination { subset, port }));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// istio `host.Name.Matches`: a wildcard covers any name ending in its suffix.
    #[test]
    fn wildcards_match_by_suffix() {
        assert!(host_matches("*", "reviews.default.svc.cluster.local"));
        assert!(host_matches(
            "*.default.svc.cluster.local",
            "reviews.default.svc.cluster.local"
        ));
        assert!(!host_matches(
            "*.prod.svc.cluster.local",
            "reviews.default.svc.cluster.local"
        ));
        assert!(host_matches(
            "reviews.default.svc.cluster.local",
            "reviews.default.svc.cluster.local"
        ));
    }
}
