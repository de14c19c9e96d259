//! An Istio `DestinationRule` (and a `VirtualService`'s `retries` and `timeout`) into the Envoy
//! cluster and route istiod generates for a chosen Istio version
//! (istio `pilot/pkg/networking/core/cluster_traffic_policy.go`, `route/retry/retry.go`,
//! as written down in ../shared/spec/istio-destination-rule.md §1-3).

use super::emit::{Doc, Origin, Value};
use super::yaml::Node;
use crate::exit::{CliError, CliResult};

/// An Istio minor version, e.g. (1, 24).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u32, pub u32);

/// The newest Istio version the translation knows.
pub const NEWEST: Version = Version(1, 30);

impl Version {
    pub fn parse(s: &str) -> Result<Version, String> {
        let bad = || format!("`{s}` is not an Istio version like 1.24");
        let mut parts = s.trim_start_matches('v').split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        Ok(Version(major, minor))
    }

    pub fn show(self) -> String {
        format!("{}.{}", self.0, self.1)
    }
}

fn istio(v: Version) -> Origin {
    Origin::Istio(v.show())
}

fn file(n: &Node) -> Origin {
    Origin::File(n.line())
}

/// 2^32 - 1: every limit Istio always writes.
const ISTIO_MAX: u64 = 4_294_967_295;

/// Which cluster of the DestinationRule: its port and subset, from
/// `outbound|<port>|<subset>|<host>` if given.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub port: Option<u64>,
    pub subset: Option<String>,
}

impl Selection {
    pub fn parse(cluster: Option<&str>) -> Result<Selection, String> {
        let Some(c) = cluster else {
            return Ok(Selection::default());
        };
        let parts: Vec<&str> = c.split('|').collect();
        if parts.len() != 4 || parts[0] != "outbound" {
            return Err(format!(
                "--cluster {c}: expected outbound|<port>|<subset>|<host>"
            ));
        }
        Ok(Selection {
            port: parts[1].parse().ok(),
            subset: (!parts[2].is_empty()).then(|| parts[2].to_string()),
        })
    }
}

/// The traffic policy in force: whole `portLevelSettings` entry for the port, then the subset's
/// blocks replacing the parent's one by one.
/// The policy blocks chosen so far, by field name.
type Blocks<'y, 'a> = Vec<(String, Node<'y, 'a>)>;

fn policy_blocks<'y, 'a>(spec: &Node<'y, 'a>, sel: &Selection) -> Blocks<'y, 'a> {
    let mut blocks: Vec<(String, Node)> = Vec::new();
    let mut take = |policy: &Node<'y, 'a>, blocks: &mut Vec<(String, Node<'y, 'a>)>| {
        for key in [
            "connectionPool",
            "outlierDetection",
            "loadBalancer",
            "tls",
            "retryBudget",
        ] {
            if let Some(b) = policy.get(key) {
                blocks.retain(|(k, _)| k != key);
                blocks.push((key.to_string(), b));
            }
        }
    };
    let with_port = |policy: &Node<'y, 'a>,
                     blocks: &mut Vec<(String, Node<'y, 'a>)>,
                     take: &mut dyn FnMut(&Node<'y, 'a>, &mut Blocks<'y, 'a>)| {
        let port_entry = sel.port.and_then(|port| {
            policy.get("portLevelSettings").and_then(|pls| {
                pls.items().into_iter().find(|e| {
                    e.get("port")
                        .and_then(|p| p.get("number"))
                        .and_then(|n| n.u64())
                        == Some(port)
                })
            })
        });
        match port_entry {
            Some(e) => {
                blocks.clear();
                take(&e, blocks);
            }
            None => take(policy, blocks),
        }
    };
    if let Some(tp) = spec.get("trafficPolicy") {
        with_port(&tp, &mut blocks, &mut take);
    }
    if let Some(name) = &sel.subset
        && let Some(subset) = spec.get("subsets").and_then(|s| {
            s.items()
                .into_iter()
                .find(|s| s.get("name").and_then(|n| n.str()) == Some(name))
        })
    {
        let _ = subset.get("labels");
        if let Some(tp) = subset.get("trafficPolicy") {
            let mut sub = Vec::new();
            with_port(&tp, &mut sub, &mut take);
            for (k, b) in sub {
                blocks.retain(|(x, _)| *x != k);
                blocks.push((k, b));
            }
        }
    }
    blocks
}

fn block<'y, 'a>(blocks: &[(String, Node<'y, 'a>)], key: &str) -> Option<Node<'y, 'a>> {
    blocks
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, b)| b.clone())
}

/// The translated DestinationRule: the cluster's name and whether it has outlier detection.
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
        .ok_or_else(|| CliError::Input(format!("{}: a DestinationRule needs a spec", dr.at())))?;
    let host = spec
        .get("host")
        .and_then(|h| h.str().map(str::to_string))
        .ok_or_else(|| CliError::Input(format!("{}: spec.host is required", spec.at())))?;
    let _ = dr.get("metadata");
    let blocks = policy_blocks(&spec, sel);
    let od = block(&blocks, "outlierDetection");
    if od.is_some() {
        let rule = if v >= Version(1, 20) {
            "current"
        } else {
            "before_1_28"
        };
        doc.set("max_ejection_percent_rule", Value::str(rule), istio(v));
    }
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
    match tcp.as_ref().and_then(|t| t.get("connectTimeout")) {
        Some(ct) => {
            let d = ct.duration().ok_or_else(|| {
                CliError::Input(format!("{}: connectTimeout: not a duration", ct.at()))
            })?;
            doc.set("connect_timeout", Value::duration(d), file(&ct));
        }
        None => doc.set("connect_timeout", Value::str("10s"), istio(v)),
    }
    load_balancer(doc, block(&blocks, "loadBalancer"), v);
    if let Some(n) = http
        .as_ref()
        .and_then(|h| h.get("maxRequestsPerConnection"))
        .filter(|n| n.u64() > Some(0))
    {
        let value = format!(
            "{{ max_requests_per_connection = {} }}",
            n.u64().unwrap_or(0)
        );
        doc.set("common_http_protocol_options", Value::raw(&value), file(&n));
    }
    thresholds(
        doc,
        tcp.as_ref(),
        http.as_ref(),
        block(&blocks, "retryBudget"),
        v,
    );
    if let Some(od) = od {
        outlier_detection(doc, &od, v)?;
    }
    route(doc, vs_route, v)?;
    Ok(DrFacts { cluster_name: name })
}

fn load_balancer(doc: &mut Doc, lb: Option<Node>, v: Version) {
    let default = if v >= Version(1, 14) {
        "LEAST_REQUEST"
    } else {
        "ROUND_ROBIN"
    };
    let simple = lb.as_ref().and_then(|l| l.get("simple"));
    match simple.as_ref().and_then(|s| s.str()) {
        Some("ROUND_ROBIN") => doc.set(
            "lb_policy",
            Value::str("ROUND_ROBIN"),
            file(simple.as_ref().expect("some")),
        ),
        Some("LEAST_REQUEST" | "LEAST_CONN") => doc.set(
            "lb_policy",
            Value::str("LEAST_REQUEST"),
            file(simple.as_ref().expect("some")),
        ),
        Some("RANDOM") => doc.set(
            "lb_policy",
            Value::str("RANDOM"),
            file(simple.as_ref().expect("some")),
        ),
        _ => doc.set("lb_policy", Value::str(default), istio(v)),
    }
}

fn thresholds(
    doc: &mut Doc,
    tcp: Option<&Node>,
    http: Option<&Node>,
    budget: Option<Node>,
    v: Version,
) {
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
    if let Some(b) = budget {
        let mut parts = Vec::new();
        if let Some(p) = b
            .get("percent")
            .and_then(|p| p.get("value").and_then(|x| x.f64()).or_else(|| p.f64()))
        {
            parts.push(format!(
                "budget_percent = {{ value = {} }}",
                toml::Value::Float(p)
            ));
        }
        if let Some(m) = b.get("minRetryConcurrency").and_then(|m| m.u64()) {
            parts.push(format!("min_retry_concurrency = {m}"));
        }
        doc.set(
            "retry_budget",
            Value::raw(&format!("{{ {} }}", parts.join(", "))),
            file(&b),
        );
    }
}

fn count(n: &Node) -> Option<u64> {
    n.get("value").and_then(|x| x.u64()).or_else(|| n.u64())
}

fn outlier_detection(doc: &mut Doc, od: &Node, v: Version) -> CliResult<()> {
    let mut panic = None;
    doc.section(
        "[cluster.outlier_detection]",
        Some("Unset fields take Envoy's defaults (max_ejection_time max(300s, base))"),
    );
    doc.set("enforcing_success_rate", Value::int(0), istio(v));
    if let Some(ce) = od.get("consecutiveErrors") {
        if v < Version(1, 7) {
            // Up to 1.6 consecutiveErrors meant gateway errors only (502, 503, 504).
            let n = count(&ce).unwrap_or(0);
            doc.set("consecutive_gateway_failure", Value::int(n), file(&ce));
            doc.set(
                "enforcing_consecutive_gateway_failure",
                Value::int(100),
                istio(v),
            );
            doc.set("enforcing_consecutive_5xx", Value::int(0), istio(v));
        }
    }
    if v >= Version(1, 5) {
        if let Some(c) = od.get("consecutive5xxErrors") {
            let n = count(&c).unwrap_or(0);
            doc.set("consecutive_5xx", Value::int(n), file(&c));
            doc.set(
                "enforcing_consecutive_5xx",
                Value::int(if n > 0 { 100 } else { 0 }),
                istio(v),
            );
        }
        if let Some(c) = od.get("consecutiveGatewayErrors") {
            let n = count(&c).unwrap_or(0);
            doc.set("consecutive_gateway_failure", Value::int(n), file(&c));
            doc.set(
                "enforcing_consecutive_gateway_failure",
                Value::int(if n > 0 { 100 } else { 0 }),
                istio(v),
            );
        }
    }
    for (istio_key, envoy_key) in [
        ("interval", "interval"),
        ("baseEjectionTime", "base_ejection_time"),
    ] {
        if let Some(d) = od.get(istio_key) {
            let value = d.duration().ok_or_else(|| {
                CliError::Input(format!("{}: {istio_key}: not a duration", d.at()))
            })?;
            doc.set(envoy_key, Value::duration(value), file(&d));
        }
    }
    if let Some(m) = od.get("maxEjectionPercent").filter(|m| m.u64() > Some(0)) {
        doc.set(
            "max_ejection_percent",
            Value::int(m.u64().unwrap_or(0)),
            file(&m),
        );
    }
    if v >= Version(1, 11)
        && od
            .get("splitExternalLocalOriginErrors")
            .and_then(|s| s.bool())
            == Some(true)
    {
        doc.set(
            "split_external_local_origin_errors",
            Value::bool(true),
            Origin::File(od.line()),
        );
        doc.set(
            "enforcing_local_origin_success_rate",
            Value::int(0),
            istio(v),
        );
        if let Some(c) = od.get("consecutiveLocalOriginFailures")
            && let Some(n) = count(&c).filter(|&n| n > 0)
        {
            doc.set("consecutive_local_origin_failure", Value::int(n), file(&c));
            doc.set(
                "enforcing_consecutive_local_origin_failure",
                Value::int(100),
                istio(v),
            );
        }
    }
    let min_health = od.get("minHealthPercent");
    let value = min_health.as_ref().and_then(|m| m.u64()).unwrap_or(0);
    // Written whenever the block exists since 1.3 (0 by default); before, only if above 0.
    if v >= Version(1, 3) || value > 0 {
        let origin = min_health.as_ref().map_or(istio(v), file);
        panic = Some((value, origin));
    }
    if let Some((value, origin)) = panic {
        doc.section("[cluster.common_lb_config]", Some("minHealthPercent"));
        doc.set(
            "healthy_panic_threshold",
            Value::percent(value as f64),
            origin,
        );
    }
    Ok(())
}

/// The route: the VirtualService's timeout and retries, or Istio's defaults (no timeout; the
/// version's default retry policy).
fn route(doc: &mut Doc, vs: Option<&Node>, v: Version) -> CliResult<()> {
    doc.section("[route]", Some("The route istiod generates"));
    match vs.and_then(|r| r.get("timeout")) {
        Some(t) => {
            let d = t
                .duration()
                .ok_or_else(|| CliError::Input(format!("{}: timeout: not a duration", t.at())))?;
            doc.set("timeout", Value::duration(d), file(&t));
        }
        None => doc.set("timeout", Value::str("0s"), istio(v)),
    }
    let Some(retries) = vs.and_then(|r| r.get("retries")) else {
        doc.set(
            "istio_default_retry_policy",
            Value::str(&v.show()),
            istio(v),
        );
        return Ok(());
    };
    let attempts = retries.get("attempts").and_then(|a| a.u64()).unwrap_or(0);
    if attempts == 0 {
        // attempts: 0 removes retries.
        return Ok(());
    }
    let default = sim_core::envoy::retry::istio_default_retry_policy(&v.show())
        .map_err(CliError::Input)?
        .unwrap_or_else(|| {
            toml::from_str("retry_on = \"5xx,connect-failure,refused-stream\"").expect("valid")
        });
    let (mut on, mut codes) = (
        default.retry_on.clone(),
        default.retriable_status_codes.clone(),
    );
    if let Some(r) = retries
        .get("retryOn")
        .and_then(|r| r.str().map(str::to_string))
    {
        let (words, numbers): (Vec<&str>, Vec<&str>) = r
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .partition(|p| p.parse::<u16>().is_err());
        codes = numbers.iter().filter_map(|n| n.parse().ok()).collect();
        on = words.join(",");
        if !codes.is_empty() && !on.contains("retriable-status-codes") {
            on.push_str(",retriable-status-codes");
        }
    }
    doc.section(
        "[route.retry_policy]",
        Some("The VirtualService's retries over Istio's default policy"),
    );
    doc.set("retry_on", Value::str(&on), file(&retries));
    doc.set("num_retries", Value::int(attempts), file(&retries));
    if let Some(t) = retries.get("perTryTimeout") {
        let d = t
            .duration()
            .ok_or_else(|| CliError::Input(format!("{}: perTryTimeout: not a duration", t.at())))?;
        doc.set("per_try_timeout", Value::duration(d), file(&t));
    }
    let list: Vec<String> = codes.iter().map(u16::to_string).collect();
    doc.set(
        "retriable_status_codes",
        Value::raw(&format!("[{}]", list.join(", "))),
        istio(v),
    );
    doc.set(
        "retry_host_predicate",
        Value::raw("[{ name = \"envoy.retry_host_predicates.previous_hosts\" }]"),
        istio(v),
    );
    doc.set(
        "host_selection_retry_max_attempts",
        Value::int(u64::from(default.host_selection_retry_max_attempts)),
        istio(v),
    );
    if let Some(b) = retries.get("backoff")
        && let Some(d) = b.duration()
    {
        doc.set(
            "retry_back_off",
            Value::raw(&format!("{{ base_interval = \"{d}\" }}")),
            file(&b),
        );
    }
    Ok(())
}

/// In a VirtualService, the first HTTP route sending to `host` (or its short name).
pub fn find_vs_route<'y, 'a>(vs: &Node<'y, 'a>, host: &str) -> Option<Node<'y, 'a>> {
    let short = host.split('.').next().unwrap_or(host);
    let http = vs.get("spec")?.get("http")?;
    http.items().into_iter().find(|r| {
        r.get("route").is_some_and(|routes| {
            routes.items().iter().any(|d| {
                d.get("destination")
                    .and_then(|x| x.get("host"))
                    .and_then(|h| h.str())
                    .is_some_and(|h| h == host || h == short || h.split('.').next() == Some(short))
            })
        })
    })
}
