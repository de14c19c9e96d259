//! Envoy v3 configuration: a `Cluster`, or a bootstrap's `static_resources` (a cluster and the
//! HTTP connection manager route that sends to it), into the scenario's `[cluster]` and
//! `[route]`, with Envoy's names and units.

use sim_core::diagnostic::Diagnostic;
use sim_core::envoy::retry::RetryOn;
use sim_core::scenario::{
    OutlierDetection, PerHostThresholds, RetryBudget, RetryPolicy, Thresholds,
};
use sim_core::schema::Table;
use sim_core::time::SimDuration;

use super::emit::{Doc, Origin, Value};
use super::fields::{copy_plain_fields, percent_value, read_plain, uint32_value};
use super::protos;
use super::yaml::Node;
use crate::exit::CliResult;

/// A group of endpoints with the same priority and weight, for the synthetic backends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointGroup {
    pub priority: u64,
    pub weight: u64,
    pub count: u64,
}

/// What an Envoy cluster translated into, besides the document.
pub struct ClusterFacts {
    pub name: String,
    pub endpoints: Vec<EndpointGroup>,
}

fn file(n: &Node) -> Origin {
    Origin::File(n.line())
}

/// Copies a duration field, if present; an unparsable one is an error.
fn duration(doc: &mut Doc, n: &Node, key: &str) -> CliResult<Option<SimDuration>> {
    let Some(v) = n.get(key) else { return Ok(None) };
    let d = v
        .duration()
        .ok_or_else(|| v.invalid("a duration such as \"5s\" or \"0.25s\""))?;
    doc.set(key, Value::duration(d), file(&v));
    Ok(Some(d))
}

/// A `google.protobuf.UInt32Value` that Envoy's proto bounds to `min..=max`: a value outside
/// is an error at its place (Envoy's validation refuses the cluster).
fn bounded(n: &Node, min: u64, max: u64) -> Option<u64> {
    let v = uint32_value(n)?;
    if (min..=max).contains(&v) {
        Some(v)
    } else {
        n.reject(
            format!("{v} is out of range"),
            &format!("{min} to {max}, as Envoy allows"),
        );
        None
    }
}

const LB_POLICIES: [&str; 3] = ["ROUND_ROBIN", "LEAST_REQUEST", "RANDOM"];

/// `envoy.config.cluster.v3.Cluster` → `[cluster]` and its sub-tables.
/// `eds_given`: the endpoints of an EDS cluster are in the input (an EDS file, a config dump's
/// endpoints, `istioctl proxy-config endpoint`).
pub fn translate_cluster(
    doc: &mut Doc,
    c: &Node,
    eds_given: bool,
    warnings: &mut Vec<Diagnostic>,
) -> CliResult<ClusterFacts> {
    let name = c
        .get("name")
        .and_then(|n| n.str().map(str::to_string))
        .ok_or_else(|| c.fail("a cluster needs a `name`"))?;
    doc.section(
        "[cluster]",
        Some("The Envoy cluster (envoy.config.cluster.v3.Cluster)"),
    );
    doc.set(
        "name",
        Value::str(&name),
        file(&c.get("name").expect("read above")),
    );
    if duration(doc, c, "connect_timeout")?.is_none() {
        doc.set("connect_timeout", Value::str("5s"), Origin::EnvoyDefault);
    }
    let typed_lb = super::load_balancing_policy::read(doc, c, warnings);
    if typed_lb.is_none() {
        lb_policy(doc, c, warnings);
    }
    protocol_options(doc, c)?;
    discovery_type(c, eds_given);
    circuit_breakers(doc, c);
    if let Some(lb) = c.get("common_lb_config")
        && let Some(t) = lb.get("healthy_panic_threshold")
    {
        doc.section("[cluster.common_lb_config]", None);
        doc.set(
            "healthy_panic_threshold",
            Value::percent(percent_value(&t).unwrap_or(50.0)),
            file(&t),
        );
    }
    if let Some(lr) = typed_lb {
        if !lr.values.is_empty() {
            doc.section("[cluster.least_request_lb_config]", None);
            for (key, value, origin) in lr.values {
                doc.set(key, value, origin);
            }
        }
    } else if let Some(lr) = c.get("least_request_lb_config")
        // `choice_count = {uint32: {gte: 2}}` (cluster.proto).
        && let Some(n) = lr.get("choice_count").and_then(|n| bounded(&n, 2, u64::from(u32::MAX)))
    {
        doc.section("[cluster.least_request_lb_config]", None);
        doc.set("choice_count", Value::int(n), file(&lr));
    }
    if let Some(od) = c.get("outlier_detection") {
        outlier_detection(doc, &od);
    }
    let endpoints = endpoints(c);
    Ok(ClusterFacts { name, endpoints })
}

fn lb_policy(doc: &mut Doc, c: &Node, warnings: &mut Vec<Diagnostic>) {
    match c.get("lb_policy") {
        Some(p) => {
            // protobuf's `ParseEnum` takes the value's number too.
            let numbered = p.is_integer().then(|| {
                let number = p.u64()?;
                protos::enum_def("envoy.config.cluster.v3.Cluster.LbPolicy")?.name_of(number)
            });
            let written = match numbered.flatten() {
                Some(name) => name,
                None => p.str().unwrap_or(""),
            };
            // Envoy reads enum names in any case (`case_insensitive_enum_parsing`).
            let known = LB_POLICIES.iter().find(|n| n.eq_ignore_ascii_case(written));
            let policy = known.copied().unwrap_or(written);
            if known.is_some() {
                doc.set("lb_policy", Value::str(policy), file(&p));
            } else {
                let message =
                    format!("lb_policy {policy} is not modelled; the scenario uses ROUND_ROBIN");
                warnings.push(p.warning(message));
                doc.set("lb_policy", Value::str("ROUND_ROBIN"), Origin::World);
            }
        }
        None => doc.set("lb_policy", Value::str("ROUND_ROBIN"), Origin::EnvoyDefault),
    }
}

/// `type`: STATIC (the default) and STRICT_DNS are what the backends model, one host per
/// endpoint (a DNS name taken to resolve to one address), and EDS when its endpoints are in the
/// input (they are the hosts). LOGICAL_DNS (one host whatever the endpoints), ORIGINAL_DST and
/// EDS without its endpoints are not, so they are reported. Other fields that change nothing
/// in the simulation (`dns_lookup_family`, DNS refresh, ...) are never read, so they are
/// reported too.
fn discovery_type(c: &Node, eds_given: bool) {
    let Some(t) = c.get("type") else { return };
    match t.str() {
        Some("STATIC" | "STRICT_DNS") => {}
        Some("EDS") if eds_given => {
            if let Some(e) = c.get("eds_cluster_config") {
                e.read_all();
            }
        }
        _ => t.ignore(
            "breakersim models STATIC and STRICT_DNS clusters (one host per endpoint), and EDS \
             when its endpoints are given",
        ),
    }
}

/// `istioctl proxy-config endpoint -o json` (`envoy.admin.v3.ClusterStatus`): the hosts by
/// priority and weight.
pub fn status_endpoints(status: &Node) -> Vec<EndpointGroup> {
    let mut groups: Vec<EndpointGroup> = Vec::new();
    for h in status
        .get("host_statuses")
        .map(|h| h.items())
        .unwrap_or_default()
    {
        let priority = h.get("priority").and_then(|p| p.u64()).unwrap_or(0);
        let weight = h.get("weight").and_then(|w| w.u64()).unwrap_or(1);
        add_endpoint(&mut groups, priority, weight);
    }
    groups
}

/// Counts one endpoint into its (priority, weight) group.
fn add_endpoint(groups: &mut Vec<EndpointGroup>, priority: u64, weight: u64) {
    match groups
        .iter_mut()
        .find(|g| g.priority == priority && g.weight == weight)
    {
        Some(g) => g.count += 1,
        None => groups.push(EndpointGroup {
            priority,
            weight,
            count: 1,
        }),
    }
}

/// HTTP/2 and `max_requests_per_connection`, from the typed extension options or the
/// deprecated cluster fields.
fn protocol_options(doc: &mut Doc, c: &Node) -> CliResult<()> {
    // `max_concurrent_streams = {uint32: {lte: 2147483647 gte: 1}}` (protocol.proto).
    let streams = |h: &Node| {
        h.get("max_concurrent_streams")
            .and_then(|n| bounded(&n, 1, 2_147_483_647))
    };
    let mut h2: Option<(Option<u64>, Origin)> = None;
    let mut max_requests: Option<(u64, Origin)> = None;
    if let Some(h) = c.get("http2_protocol_options") {
        h2 = Some((streams(&h), file(&h)));
    }
    if let Some(common) = c.get("common_http_protocol_options")
        && let Some(m) = common
            .get("max_requests_per_connection")
            .and_then(|n| uint32_value(&n))
    {
        max_requests = Some((m, file(&common)));
    }
    if let Some(m) = c
        .get("max_requests_per_connection")
        .and_then(|n| uint32_value(&n))
    {
        max_requests = Some((m, Origin::File(c.line())));
    }
    if let Some(typed) = c.get("typed_extension_protocol_options")
        && let Some(opts) = typed.get("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
    {
        let _ = opts.get("@type");
        if let Some(explicit) = opts.get("explicit_http_config") {
            if let Some(h) = explicit.get("http2_protocol_options") {
                h2 = Some((streams(&h), file(&h)));
            }
            let _ = explicit.get("http_protocol_options");
        }
        if let Some(common) = opts.get("common_http_protocol_options")
            && let Some(m) = common
                .get("max_requests_per_connection")
                .and_then(|n| uint32_value(&n))
        {
            max_requests = Some((m, file(&common)));
        }
    }
    if let Some((streams, origin)) = h2 {
        let value = match streams {
            Some(n) => format!("{{ max_concurrent_streams = {n} }}"),
            None => "{}".to_string(),
        };
        doc.set("http2_protocol_options", Value::raw(&value), origin);
    }
    if let Some((n, origin)) = max_requests {
        doc.set(
            "common_http_protocol_options",
            Value::raw(&format!("{{ max_requests_per_connection = {n} }}")),
            origin,
        );
    }
    Ok(())
}

fn circuit_breakers(doc: &mut Doc, c: &Node) {
    let Some(cb) = c.get("circuit_breakers") else {
        return;
    };
    for t in cb.get("thresholds").map(|t| t.items()).unwrap_or_default() {
        doc.section("[[cluster.circuit_breakers.thresholds]]", None);
        if t.get("priority").is_none() {
            doc.set("priority", Value::str("DEFAULT"), Origin::EnvoyDefault);
        }
        copy_plain_fields(doc, &t, Thresholds::spec(), &[]);
        if let Some(budget) = t.get("retry_budget") {
            let mut parts = Vec::new();
            for f in RetryBudget::spec().fields {
                let (Some(e), Some(v)) = (f.envoy, budget.get(f.name)) else {
                    continue;
                };
                if let Some(value) = read_plain(&v, f, e.ty, RetryBudget::spec().envoy) {
                    parts.push(format!("{} = {}", f.name, value.0));
                }
            }
            doc.set(
                "retry_budget",
                Value::raw(&format!("{{ {} }}", parts.join(", "))),
                file(&budget),
            );
        }
    }
    for t in cb
        .get("per_host_thresholds")
        .map(|t| t.items())
        .unwrap_or_default()
    {
        doc.section("[[cluster.circuit_breakers.per_host_thresholds]]", None);
        copy_plain_fields(doc, &t, PerHostThresholds::spec(), &[]);
    }
}

/// `OutlierDetection`: every field, as the schema's table lists them.
fn outlier_detection(doc: &mut Doc, od: &Node) {
    doc.section(
        "[cluster.outlier_detection]",
        Some("Unset fields take Envoy's defaults"),
    );
    copy_plain_fields(doc, od, OutlierDetection::spec(), &[]);
}

/// `load_assignment.endpoints`: hosts by priority and weight.
fn endpoints(c: &Node) -> Vec<EndpointGroup> {
    match c.get("load_assignment") {
        Some(la) => assignment_endpoints(&la),
        None => Vec::new(),
    }
}

/// A `ClusterLoadAssignment`'s hosts by priority and weight (inline, or from EDS).
pub fn assignment_endpoints(la: &Node) -> Vec<EndpointGroup> {
    let mut groups: Vec<EndpointGroup> = Vec::new();
    let _ = la.get("cluster_name");
    let _ = la.get("@type");
    for locality in la.get("endpoints").map(|e| e.items()).unwrap_or_default() {
        let priority = locality.get("priority").and_then(|p| p.u64()).unwrap_or(0);
        for ep in locality
            .get("lb_endpoints")
            .map(|e| e.items())
            .unwrap_or_default()
        {
            if let Some(e) = ep.get("endpoint") {
                e.read_all();
            }
            // `load_balancing_weight = {uint32: {gte: 1}}` (endpoint_components.proto).
            let weight = ep
                .get("load_balancing_weight")
                .map_or(Some(1), |w| bounded(&w, 1, u64::from(u32::MAX)));
            let Some(weight) = weight else { continue };
            add_endpoint(&mut groups, priority, weight);
        }
    }
    groups
}

/// `RouteAction` → `[route]`: timeout and retry policy. The route's own `retry_policy` wins;
/// without one, the virtual host's applies whole (`RouteEntryImplBase::buildRetryPolicy`,
/// `source/common/router/config_impl.cc`: "Route specific policy wins, if available").
pub fn translate_route(
    doc: &mut Doc,
    r: &Node,
    vhost_retry: Option<Node>,
    warnings: &mut Vec<Diagnostic>,
) -> CliResult<()> {
    doc.section(
        "[route]",
        Some("The route's action (envoy.config.route.v3.RouteAction)"),
    );
    let _ = r.get("cluster");
    if duration(doc, r, "timeout")?.is_none() {
        doc.set("timeout", Value::str("15s"), Origin::EnvoyDefault);
    }
    if let Some(p) = r.get("priority").and_then(|p| p.str().map(str::to_string)) {
        doc.set("priority", Value::str(&p), file(r));
    }
    let (rp, note) = match (r.get("retry_policy"), vhost_retry) {
        (Some(rp), _) => (rp, None),
        (None, Some(rp)) => (
            rp,
            Some("The virtual host's retry policy: the route has none"),
        ),
        (None, None) => return Ok(()),
    };
    doc.section("[route.retry_policy]", note);
    copy_plain_fields(doc, &rp, RetryPolicy::spec(), &[]);
    drop_unknown_retry_on(doc, &rp, warnings);
    if let Some(codes) = rp.get("retriable_status_codes") {
        let list: Vec<String> = codes
            .items()
            .iter()
            .filter_map(|c| c.u64())
            .map(|c| c.to_string())
            .collect();
        doc.set(
            "retriable_status_codes",
            Value::raw(&format!("[{}]", list.join(", "))),
            file(&codes),
        );
    }
    if let Some(b) = rp.get("retry_back_off") {
        let base = b.get("base_interval").and_then(|d| d.duration());
        let max = b.get("max_interval").and_then(|d| d.duration());
        let mut parts = vec![format!(
            "base_interval = \"{}\"",
            base.unwrap_or(SimDuration::from_millis(25))
        )];
        if let Some(m) = max {
            parts.push(format!("max_interval = \"{m}\""));
        }
        doc.set(
            "retry_back_off",
            Value::raw(&format!("{{ {} }}", parts.join(", "))),
            file(&b),
        );
    }
    if let Some(preds) = rp.get("retry_host_predicate") {
        let names: Vec<String> = preds
            .items()
            .iter()
            .filter_map(|p| {
                p.get("name")
                    .and_then(|n| n.str().map(|s| format!("{{ name = \"{s}\" }}")))
            })
            .collect();
        doc.set(
            "retry_host_predicate",
            Value::raw(&format!("[{}]", names.join(", "))),
            file(&preds),
        );
    }
    Ok(())
}

/// `retry_on` conditions Envoy does not know are dropped, as Envoy drops them
/// ([`RetryOn::split_known`]), with a warning at their place: the scenario keeps the rest.
fn drop_unknown_retry_on(doc: &mut Doc, rp: &Node, warnings: &mut Vec<Diagnostic>) {
    let Some(on) = rp.get("retry_on") else { return };
    let Some(text) = on.str() else { return };
    let (known, unknown) = RetryOn::split_known(text);
    if unknown.is_empty() {
        return;
    }
    doc.set("retry_on", Value::str(&known), file(&on));
    let names: Vec<String> = unknown.iter().map(|u| format!("`{u}`")).collect();
    warnings.push(on.warning(format!(
        "Envoy ignores the unknown retry_on condition(s) {} (its route config keeps only the          conditions it knows): the scenario has retry_on = \"{known}\"",
        names.join(", ")
    )));
}

/// A route sending to the cluster: its `RouteAction`, and its virtual host's `retry_policy`.
pub struct FoundRoute<'y, 'a> {
    pub action: Node<'y, 'a>,
    pub vhost_retry: Option<Node<'y, 'a>>,
}

/// The first route sending to `cluster`, in Envoy's order (route configurations as found,
/// virtual hosts and routes as written): its `route.cluster` is the cluster, or one of its
/// `weighted_clusters` is.
pub fn find_route<'y, 'a>(
    route_configs: &[Node<'y, 'a>],
    cluster: &str,
) -> Option<FoundRoute<'y, 'a>> {
    for rc in route_configs {
        for vh in rc
            .get("virtual_hosts")
            .map(|v| v.items())
            .unwrap_or_default()
        {
            for route in vh.get("routes").map(|r| r.items()).unwrap_or_default() {
                let Some(action) = route.get("route") else {
                    continue;
                };
                if sends_to(&action, cluster) {
                    let vhost_retry = vh.get("retry_policy");
                    return Some(FoundRoute {
                        action,
                        vhost_retry,
                    });
                }
            }
        }
    }
    None
}

/// Whether a `RouteAction` sends to `cluster`, alone or among its weighted clusters.
fn sends_to(action: &Node, cluster: &str) -> bool {
    if action.get("cluster").and_then(|c| c.str()) == Some(cluster) {
        return true;
    }
    action
        .get("weighted_clusters")
        .and_then(|w| w.get("clusters"))
        .is_some_and(|cs| {
            cs.items()
                .iter()
                .any(|c| c.get("name").and_then(|n| n.str()) == Some(cluster))
        })
}
