//! The text report: hey's own report in hey's exact layout (`hey_text.rs`), then breakersim's:
//! the run and its availability, Envoy's response flags, backend overflows, the ejection
//! timeline, mesh mode's pods and the cluster's non-zero stats.

use std::fmt::Write;

use sim_core::sim::RunResult;

pub fn render(r: &RunResult) -> String {
    let mut out = String::new();
    super::hey_text::render(r, &mut out);
    run_summary(r, &mut out);
    flags(r, &mut out);
    queue_overflows(r, &mut out);
    listen_overflows(r, &mut out);
    super::timeline::render(r, &mut out);
    super::mesh::render(r, &mut out);
    cluster_stats(r, &mut out);
    out
}

/// What breakersim adds to hey's summary: which run this is, its availability, and the
/// requests still in flight when it ended.
fn run_summary(r: &RunResult, out: &mut String) {
    let c = &r.client;
    let _ = writeln!(
        out,
        "Scenario {} (seed {}), simulated time:",
        r.scenario, r.seed
    );
    match c.availability() {
        Some(a) => writeln!(out, "  Availability: {:.2}%", 100.0 * a),
        None => writeln!(out, "  Availability: none (no responses)"),
    }
    .ok();
    if c.in_flight() > 0 {
        let _ = writeln!(out, "  In flight at the end: {}", c.in_flight());
    }
    out.push('\n');
}

fn flags(r: &RunResult, out: &mut String) {
    if !r.client.flags.is_empty() {
        let _ = writeln!(out, "Envoy response flags:");
        for (flag, n) in &r.client.flags {
            let _ = writeln!(out, "  [{}] {n} responses", flag.as_str());
        }
        out.push('\n');
    }
}

/// Only when a backend's queue was full at least once (`max_queue_length`).
fn queue_overflows(r: &RunResult, out: &mut String) {
    if r.queue_overflows() == 0 {
        return;
    }
    let _ = writeln!(out, "Backend queue overflows (answered 503 at once):");
    for h in r.hosts.iter().filter(|h| h.queue_overflows > 0) {
        let _ = writeln!(out, "  {}: {}", h.name, h.queue_overflows);
    }
    out.push('\n');
}

/// Only when a backend's accept queue was full at least once (`listen_backlog`).
fn listen_overflows(r: &RunResult, out: &mut String) {
    if r.listen_overflows() == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "Backend listen overflows (SYNs, ACKs and resent requests dropped at a full accept queue):"
    );
    for h in r.hosts.iter().filter(|h| h.listen_overflows > 0) {
        let _ = writeln!(out, "  {}: {}", h.name, h.listen_overflows);
    }
    out.push('\n');
}

fn cluster_stats(r: &RunResult, out: &mut String) {
    let fleet = if r.mesh.is_some() {
        ", summed over the fleet"
    } else {
        ""
    };
    let _ = writeln!(out, "Cluster {} (non-zero stats{fleet}):", r.cluster);
    for s in r.stats.iter().filter(|s| s.value > 0) {
        let _ = writeln!(out, "  cluster.{}.{}: {}", r.cluster, s.name, s.value);
    }
}
