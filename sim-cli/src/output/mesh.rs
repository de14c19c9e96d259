//! Mesh mode's part of the reports: each `[[proxies]]` group's clients, the spread of
//! availability and of ejections over the pods, and each pod's figures (text and JSON; a pod's
//! JSON has every stat of its Envoy, flat in `stats` and nested in `clusters` as the run's).

use std::fmt::Write;

use serde_json::{Value, json};
use sim_core::envoy::outlier::OutlierAction;
use sim_core::sim::{EnvoyResult, MeshResult, RunResult};

/// When each Envoy first ejected a host (enforced), in seconds.
fn first_ejections(r: &RunResult, m: &MeshResult) -> Vec<Option<f64>> {
    let mut out = vec![None; m.envoys.len()];
    for (ev, &e) in r.outlier_events.iter().zip(&m.event_envoys) {
        let slot = &mut out[e as usize];
        if ev.enforced && ev.action == OutlierAction::Eject && slot.is_none() {
            *slot = Some(ev.time.as_secs_f64());
        }
    }
    out
}

/// Smallest, median (the lower middle) and largest of `v` (not empty).
fn spread(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[(v.len() - 1) / 2], v[v.len() - 1])
}

/// The pods of group `g` that had clients.
fn pods(m: &MeshResult, g: usize) -> impl Iterator<Item = (usize, &EnvoyResult)> {
    m.envoys
        .iter()
        .enumerate()
        .filter(move |(_, e)| e.group == g)
}

pub fn render(r: &RunResult, out: &mut String) {
    let Some(m) = &r.mesh else {
        return;
    };
    let ejections = m.ejections(&r.outlier_events);
    let first = first_ejections(r, m);
    let _ = writeln!(
        out,
        "Mesh: {} Envoys (the totals above are the fleet's: stats summed over the pods, peaks of the sums):",
        m.envoys.len()
    );
    for (g, group) in m.groups.iter().enumerate() {
        let served: Vec<f64> = pods(m, g)
            .filter_map(|(_, e)| e.client.availability())
            .map(|a| 100.0 * a)
            .collect();
        let received: u64 = pods(m, g).map(|(_, e)| e.client.received).sum();
        let _ = writeln!(
            out,
            "  Group {}: {} replicas, {received} responses",
            group.name, group.replicas
        );
        if !served.is_empty() {
            let (lo, mid, hi) = spread(served);
            let _ = writeln!(
                out,
                "    Availability over pods: min {lo:.2}%, median {mid:.2}%, max {hi:.2}%"
            );
        }
        let ejecting = pods(m, g).filter(|(i, _)| ejections[*i] > 0).count();
        let _ = writeln!(
            out,
            "    Pods that ejected a host: {ejecting} of {}",
            group.replicas
        );
        let firsts: Vec<f64> = pods(m, g).filter_map(|(i, _)| first[i]).collect();
        if !firsts.is_empty() {
            let (lo, mid, hi) = spread(firsts);
            let _ = writeln!(
                out,
                "    First ejection per pod: earliest {lo:.3}s, median {mid:.3}s, latest {hi:.3}s"
            );
        }
    }
    let _ = writeln!(
        out,
        "  {:<20} {:>10} {:>13} {:>10} {:>15} {:>10}",
        "pod", "responses", "availability", "ejections", "first ejection", "peak cx"
    );
    for (i, e) in m.envoys.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:<20} {:>10} {:>13} {:>10} {:>15} {:>10}",
            e.pod,
            e.client.received,
            e.client
                .availability()
                .map_or("-".to_string(), |a| format!("{:.2}%", 100.0 * a)),
            ejections[i],
            first[i].map_or("-".to_string(), |t| format!("{t:.3}s")),
            e.peaks.upstream_cx_active
        );
    }
    out.push('\n');
}

/// The `mesh` object of the JSON report, in mesh mode.
pub fn report(r: &RunResult) -> Option<Value> {
    let m = r.mesh.as_ref()?;
    let ejections = m.ejections(&r.outlier_events);
    let first = first_ejections(r, m);
    let groups: Vec<Value> = m
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let received: u64 = pods(m, g).map(|(_, e)| e.client.received).sum();
            let ok: u64 = pods(m, g)
                .map(|(_, e)| e.client.status.range(200..300).map(|(_, n)| n).sum::<u64>())
                .sum();
            json!({
                "name": group.name,
                "replicas": group.replicas,
                "requests": received,
                "availability": (received > 0).then(|| ok as f64 / received as f64),
                "pods_ejecting": pods(m, g).filter(|(i, _)| ejections[*i] > 0).count(),
            })
        })
        .collect();
    let pods: Vec<Value> = m
        .envoys
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let stats: serde_json::Map<String, Value> = e
                .stats
                .iter()
                .map(|s| (format!("cluster.{}.{}", r.cluster, s.name), json!(s.value)))
                .collect();
            json!({
                "pod": e.pod,
                "group": m.groups[e.group].name,
                "requests": e.client.received,
                "sent": e.client.sent,
                "availability": e.client.availability(),
                "ejections": ejections[i],
                "first_ejection_s": first[i],
                "peaks": {
                    "upstream_cx_active": e.peaks.upstream_cx_active,
                    "upstream_rq_active": e.peaks.upstream_rq_active,
                    "upstream_rq_pending_active": e.peaks.upstream_rq_pending_active,
                    "ejections_active": e.peaks.ejections_active,
                },
                "stats": stats,
                "clusters": super::json::clusters(&r.cluster, &e.stats),
            })
        })
        .collect();
    Some(json!({ "groups": groups, "pods": pods }))
}
