//! An Istio `DestinationRule` (and a `VirtualService`'s `retries` and `timeout`) into the Envoy
//! cluster and route istiod generates for a chosen Istio version
//! (istio `pilot/pkg/networking/core/cluster_traffic_policy.go`, `route/retry/retry.go`,
//! rule by rule as docs/import.md lists them). The policy choice, outlier
//! detection and the route are in `istio_policy.rs`, `istio_outlier.rs` and `istio_retry.rs`.

use sim_core::envoy::version::EnvoyVersion;

use super::emit::{Doc, Origin, Value};
use super::istio_outlier::outlier_detection;
pub use super::istio_policy::Selection;
use super::istio_policy::{block, policy_blocks};
use super::istio_retry::route;
use super::yaml::Node;
use crate::exit::{CliError, CliResult};

pub use sim_core::istio_version::{IstioVersion as Version, NEWEST_ISTIO as NEWEST};

pub(super) fn istio(v: Version) -> Origin {
    Origin::Istio(v.show())
}

pub(super) fn file(n: &Node) -> Origin {
    Origin::File(n.line())
}

/// A count: a `UInt32Value` wrapper (`{ value: N }`) or a bare number.
pub(super) fn count(n: &Node) -> Option<u64> {
    n.get("value").and_then(|x| x.u64()).or_else(|| n.u64())
}

/// Why a field newer than `v` is ignored: it came in version `since` with `change`.
pub(super) fn not_known(v: Version, since: &str, change: &str) -> String {
    format!(
        "not known to istiod {} (added in {since} by {change})",
        v.show()
    )
}

/// 2^32 - 1: every limit Istio always writes.
const ISTIO_MAX: u64 = 4_294_967_295;

/// The translated DestinationRule: the cluster's name.
pub struct DrFacts {
    pub cluster_name: String,
}

pub fn translate_destination_rule(
    doc: &mut Doc,
    dr: &Node,
    vs_route: Option<&Node>,
    v: Version,
    sel: &Selection,
) -> CliResult<DrFacts> {
    let spec = dr
        .get("spec")
        .ok_or_else(|| dr.fail("a DestinationRule needs a spec"))?;
    let written = spec
        .get("host")
        .and_then(|h| h.str().map(str::to_string))
        .ok_or_else(|| spec.fail("host is required"))?;
    let host = sel.host.clone().unwrap_or(written);
    let _ = dr.get("metadata");
    let blocks = policy_blocks(&spec, sel, v);
    let od = block(&blocks, "outlierDetection");
    let port = sel.port.unwrap_or(80);
    let subset = sel.subset.clone().unwrap_or_default();
    let name = format!("outbound|{port}|{subset}|{host}");
    doc.section(
        "[cluster]",
        Some("The cluster istiod generates for this DestinationRule"),
    );
    doc.set("name", Value::str(&name), file(&spec));
    let pool = block(&blocks, "connectionPool");
    let tcp = pool.as_ref().and_then(|p| p.get("tcp"));
    let http = pool.as_ref().and_then(|p| p.get("http"));
    connect_timeout(doc, tcp.as_ref(), v)?;
    load_balancer(doc, block(&blocks, "loadBalancer"), v)?;
    http_protocol(doc, http.as_ref(), v);
    thresholds(doc, tcp.as_ref(), http.as_ref(), v);
    retry_budget(doc, block(&blocks, "retryBudget"), v);
    if let Some(od) = od {
        outlier_detection(doc, &od, v)?;
    }
    route(doc, vs_route, v)?;
    Ok(DrFacts { cluster_name: name })
}

/// `[envoy] version`: the Envoy this Istio release's proxy ships (`istio_envoy.rs`), which
/// decides every behaviour that changed between Envoy releases (the `max_ejection_percent`
/// rule, the multiplier's decay, ...).
pub fn envoy_version(doc: &mut Doc, envoy: EnvoyVersion, v: Version) {
    doc.set(
        "version",
        Value::str(&envoy.to_string()),
        Origin::IstioProxy(v.show()),
    );
}

/// `tcp.connectTimeout`, or MeshConfig's `connectTimeout` (10 s), which istiod always copies in
/// (`applyDefaultConnectionPool`).
fn connect_timeout(doc: &mut Doc, tcp: Option<&Node>, v: Version) -> CliResult<()> {
    match tcp.and_then(|t| t.get("connectTimeout")) {
        Some(ct) => {
            let d = ct.required_duration()?;
            doc.set("connect_timeout", Value::duration(d), file(&ct));
        }
        None => doc.set("connect_timeout", Value::str("10s"), istio(v)),
    }
    Ok(())
}

/// The values of Istio's `LoadBalancerSettings.SimpleLB` (`networking/v1alpha3/
/// destination_rule.proto`); the CRD's schema refuses any other.
const SIMPLE_LB: [&str; 6] = [
    "UNSPECIFIED",
    "LEAST_CONN",
    "RANDOM",
    "PASSTHROUGH",
    "ROUND_ROBIN",
    "LEAST_REQUEST",
];

/// `loadBalancer.simple`, or the version's default: ROUND_ROBIN up to 1.13, LEAST_REQUEST from
/// 1.14 (`e048ab8b983`, cluster_traffic_policy.go `applySimpleDefaultLoadBalancer`), which is
/// also what `UNSPECIFIED` gets. `PASSTHROUGH` makes the cluster `ORIGINAL_DST` with
/// `lb_policy: CLUSTER_PROVIDED` and no load assignment (`applyLoadBalancer`): each connection
/// goes to the address the client dialled, which breakersim does not model, so it is listed
/// and the default balancer simulated. A value outside the enum is refused, as the API
/// server's schema refuses it.
fn load_balancer(doc: &mut Doc, lb: Option<Node>, v: Version) -> CliResult<()> {
    let default = if v >= Version(1, 14) {
        "LEAST_REQUEST"
    } else {
        "ROUND_ROBIN"
    };
    let Some(simple) = lb.as_ref().and_then(|l| l.get("simple")) else {
        doc.set("lb_policy", Value::str(default), istio(v));
        return Ok(());
    };
    let policy = match simple.str() {
        Some("ROUND_ROBIN") => "ROUND_ROBIN",
        Some("LEAST_REQUEST" | "LEAST_CONN") => "LEAST_REQUEST",
        Some("RANDOM") => "RANDOM",
        Some("UNSPECIFIED") => {
            doc.set("lb_policy", Value::str(default), istio(v));
            return Ok(());
        }
        Some("PASSTHROUGH") => {
            simple.ignore(format!(
                "istiod makes a PASSTHROUGH cluster ORIGINAL_DST with lb_policy CLUSTER_PROVIDED \
                 (each connection goes to the address the client dialled), which breakersim \
                 does not model; the scenario balances with istiod's default, {default}"
            ));
            doc.set("lb_policy", Value::str(default), istio(v));
            return Ok(());
        }
        other => {
            let what = other.map_or("this".to_string(), |o| format!("{o:?}"));
            return Err(CliError::input(
                simple
                    .error(format!("{what} is not a loadBalancer.simple policy"))
                    .expected(SIMPLE_LB.join(", ")),
            ));
        }
    };
    doc.set("lb_policy", Value::str(policy), file(&simple));
    Ok(())
}

/// `http.maxRequestsPerConnection` (when above 0) and the HTTP/2 upgrade.
fn http_protocol(doc: &mut Doc, http: Option<&Node>, v: Version) {
    h2_upgrade(doc, http, v);
    if let Some(n) = http
        .and_then(|h| h.get("maxRequestsPerConnection"))
        .filter(|n| n.u64() > Some(0))
    {
        let value = format!(
            "{{ max_requests_per_connection = {} }}",
            n.u64().unwrap_or(0)
        );
        doc.set("common_http_protocol_options", Value::raw(&value), file(&n));
    }
}

/// `http.h2UpgradePolicy: UPGRADE` makes the cluster HTTP/2 (cluster_traffic_policy.go
/// `shouldH2Upgrade`, `setH2Options`); DEFAULT follows MeshConfig (DO_NOT_UPGRADE unless
/// changed, which the import does not read). By version:
/// - before 1.6 istiod ignored the field; istio/istio#21809 implemented it (1.6). Up to 1.7 it
///   upgraded only ports declared HTTP; istio/istio#27035 (1.8) lets the rule win (the import
///   assumes an HTTP port);
/// - up to 1.14 the HTTP/2 options carried `max_concurrent_streams: 1073741824`, removed by
///   istio/istio#40009 (1.15);
/// - `useClientProtocol: true` keeps the client's protocol (never upgraded since
///   istio/istio#53876, 1.25; before, `use_downstream_protocol` overrode the upgrade);
/// - `maxConcurrentStreams` (istio/istio#48615, 1.21) is the stream limit of an HTTP/2 cluster;
///   a cluster upgraded by the rule gets it only since istiod upgrades before applying the pool
///   (istio/istio#57569, issue #57583 saw it ignored on 1.22 and 1.26; 1.30.3 has the fix, so the
///   import applies it from 1.30).
fn h2_upgrade(doc: &mut Doc, http: Option<&Node>, v: Version) {
    let Some(http) = http else { return };
    let policy = http.get("h2UpgradePolicy");
    let upgrade = policy.as_ref().and_then(|p| p.str()) == Some("UPGRADE");
    let client = http.get("useClientProtocol");
    let keeps_client = client.as_ref().and_then(|c| c.bool()) == Some(true);
    if let Some(c) = client.filter(|_| keeps_client) {
        c.ignore("the upstream protocol follows each client's, which breakersim does not model");
    }
    if let Some(p) = policy.as_ref().filter(|_| v < Version(1, 6)) {
        p.ignore(format!(
            "istiod {} ignores it (implemented in 1.6, istio/istio#21809)",
            v.show()
        ));
    }
    let h2 = upgrade && !keeps_client && v >= Version(1, 6);
    let streams = max_concurrent_streams(http, h2, v);
    if h2 {
        let value = http2_options(streams.as_ref().and_then(|n| n.u64()), v);
        let origin = streams.as_ref().or(policy.as_ref()).map_or(istio(v), file);
        doc.set("http2_protocol_options", Value::raw(&value), origin);
    }
}

/// The HTTP/2 options of an upgraded cluster: the pool's stream limit, or istiod's 1073741824 up
/// to 1.14 (istio/istio#40009 left Envoy's default from 1.15).
fn http2_options(streams: Option<u64>, v: Version) -> String {
    match streams {
        Some(n) => format!("{{ max_concurrent_streams = {n} }}"),
        None if v < Version(1, 15) => "{ max_concurrent_streams = 1073741824 }".to_string(),
        None => "{}".to_string(),
    }
}

/// `http.maxConcurrentStreams` when istiod applies it to this cluster (see `h2_upgrade`); else
/// it is reported.
fn max_concurrent_streams<'y, 'a>(
    http: &Node<'y, 'a>,
    h2: bool,
    v: Version,
) -> Option<Node<'y, 'a>> {
    let n = http
        .get("maxConcurrentStreams")
        .filter(|n| n.u64() > Some(0))?;
    if v < Version(1, 21) {
        n.ignore(not_known(v, "1.21", "istio/istio#48615"));
        return None;
    }
    if !h2 || v < Version(1, 30) {
        n.ignore(format!(
            "istiod {} applies it only to a cluster already HTTP/2 before the rule (a Service \
             port declared http2 or grpc, which the import cannot see); a rule's UPGRADE gets it \
             from 1.30 (istio/istio#57569)",
            v.show()
        ));
        return None;
    }
    Some(n)
}

/// The one DEFAULT thresholds entry istiod always writes (`getDefaultCircuitBreakerThresholds`),
/// every limit 2^32-1 unless the pool sets it above 0.
fn thresholds(doc: &mut Doc, tcp: Option<&Node>, http: Option<&Node>, v: Version) {
    doc.section(
        "[[cluster.circuit_breakers.thresholds]]",
        Some("Istio always writes one DEFAULT entry at 2^32-1"),
    );
    doc.set("priority", Value::str("DEFAULT"), istio(v));
    let limit = |n: Option<Node>| n.and_then(|n| n.u64().filter(|&x| x > 0).map(|x| (x, n.line())));
    let fields = [
        (
            "max_connections",
            limit(tcp.and_then(|t| t.get("maxConnections"))),
        ),
        (
            "max_pending_requests",
            limit(http.and_then(|h| h.get("http1MaxPendingRequests"))),
        ),
        (
            "max_requests",
            limit(http.and_then(|h| h.get("http2MaxRequests"))),
        ),
        ("max_retries", limit(http.and_then(|h| h.get("maxRetries")))),
    ];
    for (key, value) in fields {
        match value {
            Some((n, line)) => doc.set(key, Value::int(n), Origin::File(line)),
            None => doc.set(key, Value::int(ISTIO_MAX), istio(v)),
        }
    }
    doc.set("track_remaining", Value::bool(true), istio(v));
}

/// `trafficPolicy.retryBudget` → `thresholds[0].retry_budget` (cluster_traffic_policy.go
/// `applyRetryBudget`; from 1.27, see `istio_policy.rs`). istiod writes both fields: `percent`,
/// or 20 % (0.2 % before istio/istio#59505 fixed the default for 1.30); `minRetryConcurrency`
/// when above 0, else 3.
fn retry_budget(doc: &mut Doc, budget: Option<Node>, v: Version) {
    let Some(b) = budget else { return };
    let percent = b.get("percent");
    let default = if v >= Version(1, 30) { 20.0 } else { 0.2 };
    let p = percent
        .as_ref()
        .and_then(|p| p.get("value").and_then(|x| x.f64()).or_else(|| p.f64()))
        .unwrap_or(default);
    let min = b.get("minRetryConcurrency").and_then(|m| m.u64());
    let min = min.filter(|&m| m > 0).unwrap_or(3);
    let value = format!(
        "{{ budget_percent = {{ value = {} }}, min_retry_concurrency = {min} }}",
        toml::Value::Float(p)
    );
    doc.set("retry_budget", Value::raw(&value), file(&b));
}
