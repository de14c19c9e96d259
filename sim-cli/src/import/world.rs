//! The synthetic world an import writes (`--world`): clients and backends sized from the
//! imported cluster so that the first `run` shows its circuit breakers and outlier detection at
//! work: a steady load, one host failing for a few minutes, an overload of the breakers, or one
//! host crashing. Every value is commented as the world's, for the user to edit.

use toml::Table;

use super::emit::{Doc, Origin, Value};
use super::envoy::EndpointGroup;

/// Which world to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum World {
    /// Half the load the breakers admit; nothing fails.
    Steady,
    /// The steady load, and one host answering 503 from 30 s to 150 s of a 5-minute run.
    #[default]
    OneHostFails,
    /// One and a half times the load the breakers admit.
    Overload,
    /// The steady load, and one host crashed from 30 s to 90 s of a 3-minute run.
    Crash,
}

/// The backends' service time: a lognormal with median 5 ms and p99 25 ms.
const SERVICE_TIME: &str = "{ lognormal = { median = \"5ms\", p99 = \"25ms\" } }";

/// Its mean, in seconds: median × e^(σ²/2), σ = ln(25/5) / 2.326 (the 99th percentile's z).
fn mean_service_secs() -> f64 {
    let sigma = (25.0f64 / 5.0).ln() / 2.326;
    0.005 * (sigma * sigma / 2.0).exp()
}

/// The most requests/s the breakers may admit for the load to be sized on them, so that a run
/// stays short. Above it (Istio's 2^32-1, Envoy's 1024 at 5 ms), each host serves a limited
/// number of requests at once, chosen so that the hosts together serve about this many, and
/// the load is sized on the hosts: an overload still shows, on the backends.
const MAX_RATE: f64 = 2000.0;

/// Requests in flight the cluster's DEFAULT thresholds admit: `max_requests` for HTTP/2, the
/// smaller of it and `max_connections` for HTTP/1.1 (one request per connection); Envoy's
/// default 1024 where unset (`circuit_breaker.proto`).
fn admitted(cluster: &Table) -> u64 {
    let th = cluster
        .get("circuit_breakers")
        .and_then(|c| c.get("thresholds"))
        .and_then(|t| t.as_array())
        .and_then(|list| {
            list.iter().find(|t| {
                t.get("priority")
                    .and_then(|p| p.as_str())
                    .is_none_or(|p| p == "DEFAULT")
            })
        });
    let get = |key: &str| {
        th.and_then(|t| t.get(key))
            .and_then(|v| v.as_integer())
            .map_or(1024, |n| n.max(0) as u64)
    };
    let requests = get("max_requests");
    if cluster.contains_key("http2_protocol_options") {
        requests
    } else {
        requests.min(get("max_connections"))
    }
}

/// Writes the clients and backends of `world` for the cluster already in `scenario` (the
/// document's text so far) and its endpoint groups.
pub fn write_world(
    doc: &mut Doc,
    scenario: &Table,
    endpoints: Vec<EndpointGroup>,
    world: World,
    sidecars: Option<(u64, String)>,
) {
    let cluster = scenario
        .get("cluster")
        .and_then(|c| c.as_table())
        .cloned()
        .unwrap_or_default();
    let groups = hosts(endpoints, world);
    let host_count: u64 = groups.iter().map(|g| g.count).sum();
    let breaker_rate = admitted(&cluster) as f64 / mean_service_secs();
    let (capacity, host_limit) = if breaker_rate <= MAX_RATE {
        (breaker_rate, None)
    } else {
        let per_host = ((MAX_RATE * mean_service_secs() / host_count as f64).floor() as u64).max(1);
        let hosts_rate = (host_count * per_host) as f64 / mean_service_secs();
        (hosts_rate, Some(per_host))
    };
    let factor = if world == World::Overload { 1.5 } else { 0.5 };
    let rate = (capacity * factor).round().max(1.0);
    let duration = match world {
        World::OneHostFails => "300s",
        World::Crash => "180s",
        World::Steady | World::Overload => "60s",
    };
    doc.top("duration", Value::str(duration), Origin::World);
    let about = match host_limit {
        None => format!(
            "The synthetic world ({}): {rate} requests/s is {factor}x the {:.0}/s the \
             breakers admit at the backends' mean service time; edit to match your traffic",
            name(world),
            breaker_rate
        ),
        Some(n) => format!(
            "The synthetic world ({}): the breakers admit {:.0} requests/s, more than a short \
             run should send, so each host serves {n} requests at once and {rate} requests/s is \
             {factor}x the {:.0}/s the hosts serve; edit to match your traffic",
            name(world),
            breaker_rate,
            capacity
        ),
    };
    if let Some((n, from)) = &sidecars {
        let about = "The clients' sidecars: each its own Envoy with the cluster above, its own \
                     breakers and outlier detector (docs/mesh.md)";
        doc.section("[[proxies]]", Some(about));
        doc.set("name", Value::str("sidecars"), Origin::World);
        doc.set("replicas", Value::int(*n), Origin::Note(from.clone()));
    }
    doc.section("[[clients]]", Some(&about));
    doc.set("kind", Value::str("open_loop"), Origin::World);
    if sidecars.is_some() {
        doc.set("proxy_group", Value::str("sidecars"), Origin::World);
    }
    doc.set("rate", Value::float(rate), Origin::World);
    doc.set("arrivals", Value::str("poisson"), Origin::World);
    for (i, g) in groups.iter().enumerate() {
        let note = match (i, g.failing) {
            (0, false) => Some("Backends: edit to match your hosts".to_string()),
            (_, true) => Some(failure_note(world)),
            _ => None,
        };
        doc.section("[[backends]]", note.as_deref());
        doc.set("name", Value::str(&g.name), Origin::World);
        doc.set("replicas", Value::int(g.count), Origin::World);
        if g.weight != 1 {
            doc.set("weight", Value::int(g.weight), Origin::World);
        }
        if g.priority != 0 {
            doc.set("priority", Value::int(g.priority), Origin::World);
        }
        doc.set("service_time", Value::raw(SERVICE_TIME), Origin::World);
        if let Some(n) = host_limit {
            doc.set("concurrency", Value::int(n), Origin::World);
        }
        if g.failing {
            phases(doc, world);
        }
    }
}

fn name(world: World) -> &'static str {
    match world {
        World::Steady => "steady",
        World::OneHostFails => "one-host-fails",
        World::Overload => "overload",
        World::Crash => "crash",
    }
}

fn failure_note(world: World) -> String {
    match world {
        World::Crash => "This host crashes from 30 s to 90 s".into(),
        _ => "This host answers 503 from 30 s to 150 s".into(),
    }
}

/// The failing host's phases.
fn phases(doc: &mut Doc, world: World) {
    let (change, undo, until) = match world {
        World::Crash => ("crashed = true", "crashed = false", "90s"),
        _ => ("error_probability = 1.0", "error_probability = 0.0", "150s"),
    };
    let value = format!(
        "[{{ at = \"30s\", {change}, error_status = 503 }}, {{ at = \"{until}\", {undo} }}]"
    );
    doc.set("phases", Value::raw(&value), Origin::World);
}

/// A backend group of the world.
struct Hosts {
    name: String,
    count: u64,
    weight: u64,
    priority: u64,
    failing: bool,
}

/// The groups of hosts: the config's endpoints (or 3 hosts when it has none), with one host of
/// the first group split off to fail when the world has a failure.
fn hosts(endpoints: Vec<EndpointGroup>, world: World) -> Vec<Hosts> {
    let groups = if endpoints.is_empty() {
        vec![EndpointGroup {
            priority: 0,
            weight: 1,
            count: 3,
        }]
    } else {
        endpoints
    };
    let fails = matches!(world, World::OneHostFails | World::Crash);
    let mut out = Vec::new();
    for (i, g) in groups.into_iter().enumerate() {
        let host = |name: String, count: u64, failing: bool| Hosts {
            name,
            count,
            weight: g.weight,
            priority: g.priority,
            failing,
        };
        if i == 0 && fails {
            out.push(host("failing".into(), 1, true));
            if g.count > 1 {
                out.push(host(format!("hosts-{i}"), g.count - 1, false));
            }
        } else {
            out.push(host(format!("hosts-{i}"), g.count, false));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lognormal's mean by hand: σ = ln 5 / 2.326 = 0.6919; e^(σ²/2) = 1.2706; × 5 ms.
    #[test]
    fn the_service_times_mean() {
        assert!((mean_service_secs() - 0.006353).abs() < 1e-6);
    }

    /// The lab's 20/20/100 admit 20 at once over HTTP/1.1; HTTP/2 admits `max_requests`.
    #[test]
    fn admitted_requests_follow_the_thresholds() {
        let lab: Table = toml::from_str(
            "[[circuit_breakers.thresholds]]\nmax_connections = 20\nmax_pending_requests = 20\n\
             max_requests = 100\n",
        )
        .unwrap();
        assert_eq!(admitted(&lab), 20);
        let mut h2 = lab.clone();
        h2.insert(
            "http2_protocol_options".into(),
            toml::Value::Table(Table::new()),
        );
        assert_eq!(admitted(&h2), 100);
        assert_eq!(admitted(&Table::new()), 1024);
    }
}
