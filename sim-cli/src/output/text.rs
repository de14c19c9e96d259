//! The text report: what a `hey` user expects (summary, response-time histogram, latency
//! distribution, status codes), then Envoy's response flags and the cluster's non-zero stats.

use std::fmt::Write;

use sim_core::sim::RunResult;
use sim_core::time::SimDuration;

const BAR_WIDTH: u64 = 40;

fn secs(d: SimDuration) -> f64 {
    d.as_secs_f64()
}

pub fn render(r: &RunResult) -> String {
    let mut out = String::new();
    summary(r, &mut out);
    histogram(r, &mut out);
    distribution(r, &mut out);
    statuses(r, &mut out);
    queue_overflows(r, &mut out);
    listen_overflows(r, &mut out);
    super::timeline::render(r, &mut out);
    super::mesh::render(r, &mut out);
    cluster_stats(r, &mut out);
    out
}

fn summary(r: &RunResult, out: &mut String) {
    let c = &r.client;
    let total = r.sim_time.as_secs_f64();
    let rate = if total > 0.0 {
        c.received as f64 / total
    } else {
        0.0
    };
    let _ = writeln!(
        out,
        "Scenario {} (seed {}), simulated time\n",
        r.scenario, r.seed
    );
    let _ = writeln!(out, "Summary:");
    let _ = writeln!(out, "  Total:        {total:.4} secs");
    let _ = writeln!(out, "  Slowest:      {:.4} secs", secs(c.latency.max()));
    let _ = writeln!(out, "  Fastest:      {:.4} secs", secs(c.latency.min()));
    let _ = writeln!(out, "  Average:      {:.4} secs", secs(c.latency.mean()));
    let _ = writeln!(out, "  Requests/sec: {rate:.4}");
    if c.in_flight() > 0 {
        let _ = writeln!(out, "  In flight at the end: {}", c.in_flight());
    }
    match c.availability() {
        Some(a) => writeln!(out, "  Availability: {:.2}%", 100.0 * a),
        None => writeln!(out, "  Availability: none (no responses)"),
    }
    .ok();
    out.push('\n');
}

/// hey's histogram: eleven marks from fastest to slowest, each counting the responses above
/// the previous mark, bars scaled to the largest count.
fn histogram(r: &RunResult, out: &mut String) {
    let h = &r.client.latency;
    if h.count() == 0 {
        return;
    }
    let (fast, slow) = (h.min().as_nanos(), h.max().as_nanos());
    let step = (slow - fast) / 10;
    let marks: Vec<u64> = (0..=10)
        .map(|i| if i == 10 { slow } else { fast + step * i })
        .collect();
    let mut counts = Vec::with_capacity(marks.len());
    let mut below = 0;
    for &m in &marks {
        let upto = h.count_at_most(SimDuration(m));
        counts.push(upto - below);
        below = upto;
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    let _ = writeln!(out, "Response time histogram:");
    for (m, n) in marks.iter().zip(&counts) {
        let bar = "■".repeat((n * BAR_WIDTH / max) as usize);
        let _ = writeln!(out, "  {:.3} [{n}]\t|{bar}", *m as f64 / 1e9);
    }
    out.push('\n');
}

fn distribution(r: &RunResult, out: &mut String) {
    let h = &r.client.latency;
    if h.count() == 0 {
        return;
    }
    let _ = writeln!(out, "Latency distribution:");
    for p in [10, 25, 50, 75, 90, 95, 99] {
        let v = h.quantile(f64::from(p) / 100.0);
        let _ = writeln!(out, "  {p}% in {:.4} secs", secs(v));
    }
    out.push('\n');
}

fn statuses(r: &RunResult, out: &mut String) {
    let _ = writeln!(out, "Status code distribution:");
    for (code, n) in &r.client.status {
        let _ = writeln!(out, "  [{code}] {n} responses");
    }
    out.push('\n');
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
