//! The JSON report of a run (the shape of DESIGN.md's contract), also what snapshots record.
//!
//! Stats come twice: `stats`, flat under Envoy's full names (`cluster.<name>.<stat>`), and
//! `clusters`, the same values nested by cluster and then by each dot of the stat's name
//! (`clusters.<name>.circuit_breakers.default.cx_open`), so that joining a value's path with
//! dots gives its flat name back. Counters and gauges are integers; derived values (rates,
//! availability, latencies) are floats.

use serde_json::{Map, Value, json};
use sim_core::envoy::cluster_stats::Stat;
use sim_core::sim::RunResult;

/// The `clusters` object: `{ "<cluster>": { <stat name split at dots>: value } }`.
pub fn clusters(cluster: &str, stats: &[Stat]) -> Value {
    let mut root = Map::new();
    for s in stats {
        let mut node = &mut root;
        let mut parts = s.name.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                node.insert(part.to_string(), json!(s.value));
            } else {
                node = node
                    .entry(part.to_string())
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .expect("no stat name is also the prefix of another");
            }
        }
    }
    let mut out = Map::new();
    out.insert(cluster.to_string(), Value::Object(root));
    Value::Object(out)
}

/// Milliseconds with microsecond resolution, so outputs stay short and stable.
fn ms(nanos: u64) -> f64 {
    (nanos as f64 / 1000.0).round() / 1000.0
}

/// The latency quantiles in ms; each null when there were no responses to measure.
fn latency_ms(c: &sim_core::sim::ClientOutcome) -> Value {
    let h = &c.latency;
    let value = |d: sim_core::time::SimDuration| (c.received > 0).then(|| ms(d.as_nanos()));
    json!({
        "p50": value(h.quantile(0.5)),
        "p90": value(h.quantile(0.9)),
        "p99": value(h.quantile(0.99)),
        "max": value(h.max()),
        "mean": value(h.mean()),
    })
}

pub fn report(r: &RunResult) -> Value {
    let c = &r.client;
    let status: Map<String, Value> = c
        .status
        .iter()
        .map(|(code, n)| (code.to_string(), json!(n)))
        .collect();
    let flags: Map<String, Value> = c
        .flags
        .iter()
        .map(|(f, n)| (f.as_str().to_string(), json!(n)))
        .collect();
    let stats: Map<String, Value> = r
        .stats
        .iter()
        .map(|s| (format!("cluster.{}.{}", r.cluster, s.name), json!(s.value)))
        .collect();
    let mut report = json!({
        "scenario": r.scenario,
        "seed": r.seed,
        "sim_time_s": r.sim_time.as_secs_f64(),
        "client": {
            "requests": c.received,
            "sent": c.sent,
            "in_flight": c.in_flight(),
            "status": status,
            "response_flags": flags,
            "availability": c.availability(),
            "latency_ms": latency_ms(c),
        },
        "stats": stats,
        "clusters": clusters(&r.cluster, &r.stats),
        "peaks": {
            "upstream_cx_active": r.peaks.upstream_cx_active,
            "upstream_rq_active": r.peaks.upstream_rq_active,
            "upstream_rq_pending_active": r.peaks.upstream_rq_pending_active,
            "ejections_active": r.peaks.ejections_active,
        },
        "outlier_events": (0..r.outlier_events.len())
            .map(|i| super::outlier_log::event_value(r, i))
            .collect::<Vec<_>>(),
    });
    if let Some(mesh) = super::mesh::report(r) {
        report["mesh"] = mesh;
    }
    if r.queue_overflows() > 0 {
        let per_host: Map<String, Value> = r
            .hosts
            .iter()
            .filter(|h| h.queue_overflows > 0)
            .map(|h| (h.name.clone(), json!(h.queue_overflows)))
            .collect();
        report["backend_queue_overflows"] = Value::Object(per_host);
    }
    if r.listen_overflows() > 0 {
        let per_host: Map<String, Value> = r
            .hosts
            .iter()
            .filter(|h| h.listen_overflows > 0)
            .map(|h| (h.name.clone(), json!(h.listen_overflows)))
            .collect();
        report["backend_listen_overflows"] = Value::Object(per_host);
    }
    report
}
