//! The Envoy resources in a set of files, whatever form they came in: a bootstrap, a bare
//! `Cluster`, a CDS/RDS/EDS file or `DiscoveryResponse` (`resources:` with `@type`), an admin
//! `/config_dump` (`configs:` of `envoy.admin.v3.*ConfigDump`), `istioctl proxy-config ... -o
//! json|yaml` (a list of clusters or route configurations), or a tool's wrapper around any of
//! these (e.g. `egctl config`, a map of names to dumps). The import picks its cluster and route
//! from here.

use super::yaml::Node;
use crate::exit::CliError;

/// A document (or a resource in one) as a message of Envoy's, for the unknown-field check.
pub struct Root<'y, 'a> {
    pub node: Node<'y, 'a>,
    /// Its message's full name.
    pub message: String,
    /// Whether Envoy loads it as config (a bootstrap, a cluster, a resource file), where an
    /// unknown field is refused; else it is output Envoy or istioctl printed.
    pub loaded: bool,
}

/// The Envoy resources found.
#[derive(Default)]
pub struct Inventory<'y, 'a> {
    /// The documents and resources, as messages.
    pub roots: Vec<Root<'y, 'a>>,
    /// Each `envoy.config.cluster.v3.Cluster`, in file order.
    pub clusters: Vec<Node<'y, 'a>>,
    /// Each `RouteConfiguration`: from RDS, a config dump, or inline in a listener's HTTP
    /// connection manager.
    pub route_configs: Vec<Node<'y, 'a>>,
    /// Each listener filter that is no HTTP connection manager (`tcp_proxy`, `redis_proxy`,
    /// ...): the traffic it sends to a cluster is not HTTP requests through a route.
    pub network_filters: Vec<Node<'y, 'a>>,
    /// Each `ClusterLoadAssignment` (EDS), for clusters whose endpoints come from EDS.
    pub assignments: Vec<Node<'y, 'a>>,
    /// Each `ClusterStatus` of `istioctl proxy-config endpoint -o json`: a cluster's hosts.
    pub statuses: Vec<Node<'y, 'a>>,
    /// The `node.user_agent_build_version.version` of each dump's bootstrap: the Envoy that
    /// wrote the dump (`SemanticVersion`).
    pub build_versions: Vec<Node<'y, 'a>>,
}

const TYPE_PREFIX: &str = "type.googleapis.com/";

/// The `@type` of a node, without `type.googleapis.com/`, marked as read.
fn type_of(n: &Node) -> Option<String> {
    let t = n.get("@type")?.str()?.to_string();
    Some(t.strip_prefix(TYPE_PREFIX).unwrap_or(&t).to_string())
}

/// Whether a listener filter is an HTTP connection manager (by its `@type`, or by its name when
/// it has no `typed_config`), whose routes the import reads.
fn is_http_connection_manager(f: &Node) -> bool {
    let by_type = f.get("typed_config").and_then(|tc| type_of(&tc));
    match by_type {
        Some(t) => t.ends_with(".HttpConnectionManager"),
        None => {
            f.get("name").and_then(|n| n.str().map(str::to_string))
                == Some("envoy.filters.network.http_connection_manager".to_string())
        }
    }
}

/// A `DiscoveryResponse`'s resource is a `google.protobuf.Any`, which protobuf's JSON parser
/// (Envoy's, for a resource file) refuses without an `@type`: so is it here, rather than
/// skipped.
fn needs_type(item: &Node) -> Result<(), CliError> {
    if item.is_null() || item.has("@type") {
        return Ok(());
    }
    Err(CliError::input(
        item.error(
            "a resource with no `@type`: a DiscoveryResponse's resources are `Any`s, and Envoy \
             refuses an `Any` without its type",
        )
        .expected(
            "`@type: type.googleapis.com/envoy.config.cluster.v3.Cluster` (or another \
                 resource's type, or `envoy.service.discovery.v3.Resource` around one)",
        ),
    ))
}

impl<'y, 'a> Inventory<'y, 'a> {
    /// Gathers the resources of every document. A resource of Envoy's v2 API (removed in
    /// Envoy 1.18) is refused with the reason.
    pub fn gather(docs: &[Node<'y, 'a>]) -> Result<Inventory<'y, 'a>, CliError> {
        let mut inv = Inventory::default();
        for d in docs {
            inv.document(d)?;
        }
        Ok(inv)
    }

    /// One top-level document.
    fn document(&mut self, d: &Node<'y, 'a>) -> Result<(), CliError> {
        if d.is_sequence() {
            // `istioctl proxy-config cluster|route -o json`: a list of resources.
            for item in d.items() {
                if item.has("host_statuses") {
                    // `istioctl proxy-config endpoint -o json`: `ClusterStatus`es.
                    item.read_all();
                    self.statuses.push(item);
                    continue;
                }
                if let Some(inner) = item.get("cluster") {
                    // A dump's entries (`StaticCluster`, `DynamicCluster`) as a list.
                    let _ = item.get("last_updated");
                    let _ = item.get("version_info");
                    self.printed(&inner)?;
                    self.clusters.push(inner);
                    continue;
                }
                let message = if item.has("virtual_hosts") {
                    "envoy.config.route.v3.RouteConfiguration"
                } else {
                    "envoy.config.cluster.v3.Cluster"
                };
                self.root(&item, message, false);
                if type_of(&item).is_some() {
                    self.resource(&item)?;
                } else if item.has("virtual_hosts") {
                    self.route_configs.push(item.clone());
                } else {
                    self.clusters.push(item.clone());
                }
            }
            return Ok(());
        }
        if d.has("configs") {
            self.root(d, "envoy.admin.v3.ConfigDump", false);
            return self.resource(d);
        }
        if d.has("resources") {
            self.root(d, "envoy.service.discovery.v3.DiscoveryResponse", true);
            return self.resource(d);
        }
        if let Some(ty) = type_of(d) {
            self.root(d, &ty, true);
            return self.resource(d);
        }
        if d.has("static_resources") {
            self.root(d, "envoy.config.bootstrap.v3.Bootstrap", true);
            self.bootstrap(d);
            return Ok(());
        }
        if d.has("filter_chains") {
            self.root(d, "envoy.config.listener.v3.Listener", true);
            self.listener(d);
            return Ok(());
        }
        if d.has("virtual_hosts") {
            self.root(d, "envoy.config.route.v3.RouteConfiguration", true);
            self.route_configs.push(d.clone());
            return Ok(());
        }
        if d.has("name") {
            self.root(d, "envoy.config.cluster.v3.Cluster", true);
            self.clusters.push(d.clone());
            return Ok(());
        }
        // A tool's wrapper (e.g. `egctl config envoy-proxy cluster`: names of dumps): look one
        // and two levels down for resources.
        for value in d.values() {
            if type_of(&value).is_some() || value.has("configs") || value.has("resources") {
                self.printed(&value)?;
            } else {
                for inner in value.values() {
                    if type_of(&inner).is_some() || inner.has("configs") {
                        self.printed(&inner)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A resource inside a tool's output.
    fn printed(&mut self, r: &Node<'y, 'a>) -> Result<(), CliError> {
        let message = match type_of(r) {
            Some(t) => t,
            None => "envoy.admin.v3.ConfigDump".to_string(),
        };
        self.root(r, &message, false);
        self.resource(r)
    }

    fn root(&mut self, node: &Node<'y, 'a>, message: &str, loaded: bool) {
        self.roots.push(Root {
            node: node.clone(),
            message: message.to_string(),
            loaded,
        });
    }

    /// A bootstrap: its static clusters, and the route configurations of its listeners.
    fn bootstrap(&mut self, b: &Node<'y, 'a>) {
        let Some(sr) = b.get("static_resources") else {
            return;
        };
        for c in sr.get("clusters").map(|c| c.items()).unwrap_or_default() {
            self.clusters.push(c);
        }
        for l in sr.get("listeners").map(|l| l.items()).unwrap_or_default() {
            self.listener(&l);
        }
    }

    /// A listener: the inline route configuration of each HTTP connection manager.
    fn listener(&mut self, l: &Node<'y, 'a>) {
        for chain in l
            .get("filter_chains")
            .map(|c| c.items())
            .unwrap_or_default()
        {
            for f in chain.get("filters").map(|f| f.items()).unwrap_or_default() {
                if let Some(rc) = f.get("typed_config").and_then(|tc| tc.get("route_config")) {
                    self.route_configs.push(rc);
                } else if !is_http_connection_manager(&f) {
                    self.network_filters.push(f);
                }
            }
        }
    }

    /// A resource with `@type`, a `ConfigDump` (`configs`) or a `DiscoveryResponse`
    /// (`resources`).
    fn resource(&mut self, r: &Node<'y, 'a>) -> Result<(), CliError> {
        for key in ["configs", "resources"] {
            if let Some(list) = r.get(key) {
                for item in list.items() {
                    if key == "resources" {
                        needs_type(&item)?;
                    }
                    self.resource(&item)?;
                }
            }
        }
        let Some(ty) = type_of(r) else {
            return Ok(());
        };
        if ty.starts_with("envoy.api.v2.") || ty.starts_with("envoy.admin.v2alpha.") {
            let at = r.get("@type").expect("read above");
            return Err(CliError::input(
                at.error(format!("{ty} is Envoy's v2 API, which Envoy 1.18 removed"))
                    .expected("a v3 resource (envoy.config.cluster.v3.Cluster, ...)"),
            ));
        }
        match ty.as_str() {
            "envoy.config.cluster.v3.Cluster" => self.clusters.push(r.clone()),
            "envoy.config.route.v3.RouteConfiguration" => self.route_configs.push(r.clone()),
            "envoy.config.listener.v3.Listener" => self.listener(r),
            "envoy.config.endpoint.v3.ClusterLoadAssignment" => self.assignments.push(r.clone()),
            "envoy.config.bootstrap.v3.Bootstrap" => self.bootstrap(r),
            "envoy.service.discovery.v3.Resource" => {
                // A resource wrapped for its name, version or TTL: Envoy unwraps it
                // (`DecodedResourceImpl::fromResource`,
                // `source/common/config/decoded_resource_impl.h`).
                if let Some(inner) = r.get("resource") {
                    needs_type(&inner)?;
                    if let Some(t) = type_of(&inner) {
                        self.root(&inner, &t, true);
                    }
                    self.resource(&inner)?;
                }
            }
            "envoy.admin.v3.BootstrapConfigDump" => {
                // The clusters and listeners of a dump's bootstrap are also in its
                // ClustersConfigDump and ListenersConfigDump; they are read from there.
                if let Some(b) = r.get("bootstrap") {
                    let version = b
                        .get("node")
                        .and_then(|n| n.get("user_agent_build_version"))
                        .and_then(|u| u.get("version"));
                    self.build_versions.extend(version);
                    b.read_all();
                }
                let _ = r.get("last_updated");
            }
            "envoy.admin.v3.ClustersConfigDump" => self.clusters_dump(r),
            "envoy.admin.v3.RoutesConfigDump" => {
                for key in ["static_route_configs", "dynamic_route_configs"] {
                    for e in r.get(key).map(|e| e.items()).unwrap_or_default() {
                        if let Some(rc) = e.get("route_config") {
                            self.resource(&rc)?;
                        }
                    }
                }
            }
            "envoy.admin.v3.ListenersConfigDump" => {
                for e in r
                    .get("static_listeners")
                    .map(|e| e.items())
                    .unwrap_or_default()
                {
                    if let Some(l) = e.get("listener") {
                        self.listener(&l);
                    }
                }
                for e in r
                    .get("dynamic_listeners")
                    .map(|e| e.items())
                    .unwrap_or_default()
                {
                    if let Some(l) = e.get("active_state").and_then(|s| s.get("listener")) {
                        self.listener(&l);
                    }
                }
            }
            "envoy.admin.v3.EndpointsConfigDump" => {
                for key in ["static_endpoint_configs", "dynamic_endpoint_configs"] {
                    for e in r.get(key).map(|e| e.items()).unwrap_or_default() {
                        if let Some(la) = e.get("endpoint_config") {
                            self.assignments.push(la);
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A `ClustersConfigDump`: the clusters in use (static and dynamic active); warming
    /// clusters are not yet in use and are reported when unread.
    fn clusters_dump(&mut self, r: &Node<'y, 'a>) {
        for key in ["static_clusters", "dynamic_active_clusters"] {
            for e in r.get(key).map(|e| e.items()).unwrap_or_default() {
                if let Some(c) = e.get("cluster") {
                    let _ = c.get("@type");
                    self.clusters.push(c);
                }
            }
        }
    }

    /// The names of the clusters, deduplicated, in file order.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for c in &self.clusters {
            if let Some(n) = c.get("name").and_then(|n| n.str())
                && !names.iter().any(|m| m == n)
            {
                names.push(n.to_string());
            }
        }
        names
    }

    /// The first cluster named `name`.
    pub fn cluster(&self, name: &str) -> Option<&Node<'y, 'a>> {
        self.clusters
            .iter()
            .find(|c| c.get("name").and_then(|n| n.str()) == Some(name))
    }

    /// The endpoints of an EDS cluster given apart from it: its `ClusterLoadAssignment`, or its
    /// `ClusterStatus` (matched by the cluster's name).
    pub fn eds_endpoints(&self, cluster: &Node) -> Option<Vec<super::envoy::EndpointGroup>> {
        let name = cluster.get("name").and_then(|n| n.str())?.to_string();
        if let Some(la) = self.assignment(cluster, &name) {
            return Some(super::envoy::assignment_endpoints(la));
        }
        self.statuses
            .iter()
            .find(|s| s.get("name").and_then(|n| n.str()) == Some(name.as_str()))
            .map(super::envoy::status_endpoints)
    }

    /// The `ClusterLoadAssignment` for an EDS cluster: by `eds_cluster_config.service_name`,
    /// else the cluster's name (Envoy's `EdsClusterImpl`).
    pub fn assignment(&self, cluster: &Node, name: &str) -> Option<&Node<'y, 'a>> {
        let service = cluster
            .get("eds_cluster_config")
            .and_then(|e| e.get("service_name"))
            .and_then(|s| s.str().map(str::to_string))
            .unwrap_or_else(|| name.to_string());
        self.assignments
            .iter()
            .find(|la| la.get("cluster_name").and_then(|n| n.str()) == Some(service.as_str()))
    }
}
