//! hey's own report, byte for byte in its layout: the `defaultTmpl` of hey's
//! `requester/print.go` (github.com/rakyll/hey, commit 8985827) filled as `report.go`'s
//! `snapshot` fills it, and the newline `print` adds after it.
//!
//! - Numbers: `formatNumber` is Go's `%4.4f`; histogram marks `%4.3f`; bars of `■`
//!   (`barChar`), `(count * 40 + max / 2) / max` long.
//! - `Response time histogram:` has eleven marks, `fastest + (slowest - fastest) / 10 * i` and
//!   the slowest, each counting the responses up to it not counted before (`histogram`).
//! - `Latency distribution:` walks the sorted latencies once, giving percentile `p` the first
//!   latency of index `i` with `i * 100 / n >= p` and moving to the next percentile only at the
//!   next index (`latencies`); a percentile never reached, or a latency of exactly 0, prints as
//!   `0% in 0.0000 secs`, the template's zero value.
//! - `Details (average, fastest, slowest):` averages over the responses, then the smallest and
//!   the largest (`ConnMax` is the smallest, as the sorted slice's first).
//! - `Status code distribution:` in code order (Go templates range over a map in key order).
//! - Without a body size (breakersim has none) the `Total data` lines are left out but the two
//!   spaces before the template's `if` stay, as hey prints them.
//!
//! What breakersim measures: `Total` is the simulated time, latencies are the client's (from
//! its histogram, so percentiles and the marks' counts are within its 0.8% buckets), and the
//! phases are those of `--hey-csv`: `DNS+dialup` until the request's last attempt had its
//! upstream connection, `resp wait` the rest, DNS, request write and response read 0.

use std::fmt::Write;

use sim_core::histogram::Histogram;
use sim_core::sim::{ClientOutcome, PhaseStats, RunResult};
use sim_core::time::SimDuration;

/// Go's `%4.4f`: four decimals, at least four characters (`NaN` becomes ` NaN`).
pub fn go_4_4f(x: f64) -> String {
    if x.is_nan() {
        " NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        format!("{x:.4}")
    }
}

fn secs(d: SimDuration) -> f64 {
    d.as_nanos() as f64 / 1e9
}

pub fn render(r: &RunResult, out: &mut String) {
    let c = &r.client;
    let n = c.latency.count();
    let total = r.sim_time.as_secs_f64();
    let average = if n == 0 {
        f64::NAN
    } else {
        secs(c.latency.mean())
    };
    let (fastest, slowest) = if n == 0 {
        (0.0, 0.0)
    } else {
        (secs(c.latency.min()), secs(c.latency.max()))
    };
    out.push('\n');
    let _ = writeln!(out, "Summary:");
    let _ = writeln!(out, "  Total:\t{} secs", go_4_4f(total));
    let _ = writeln!(out, "  Slowest:\t{} secs", go_4_4f(slowest));
    let _ = writeln!(out, "  Fastest:\t{} secs", go_4_4f(fastest));
    let _ = writeln!(out, "  Average:\t{} secs", go_4_4f(average));
    let _ = writeln!(
        out,
        "  Requests/sec:\t{}",
        go_4_4f(c.received as f64 / total)
    );
    out.push_str("  \n\n");
    out.push_str("Response time histogram:\n");
    if n > 0 {
        histogram(&c.latency, fastest, slowest, out);
    }
    out.push_str("\n\nLatency distribution:");
    latencies(&c.latency, out);
    out.push_str("\n\nDetails (average, fastest, slowest):\n");
    details(c, out);
    out.push_str("\nStatus code distribution:");
    for (code, num) in &c.status {
        let _ = write!(out, "\n  [{code}]\t{num} responses");
    }
    // The error block (none here), the template's last newline and `print`'s.
    out.push_str("\n\n\n\n");
}

/// `histogram` of `print.go` over hey's eleven marks.
fn histogram(h: &Histogram, fastest: f64, slowest: f64, out: &mut String) {
    let bs = (slowest - fastest) / 10.0;
    let marks: Vec<f64> = (0..=10)
        .map(|i| {
            if i == 10 {
                slowest
            } else {
                fastest + bs * f64::from(i)
            }
        })
        .collect();
    let mut counts = Vec::with_capacity(marks.len());
    let mut below = 0;
    for &m in &marks {
        let upto = h.count_at_most(SimDuration((m * 1e9).floor() as u64));
        counts.push(upto.max(below) - below);
        below = below.max(upto);
    }
    let max = counts.iter().copied().max().unwrap_or(0);
    for (m, count) in marks.iter().zip(&counts) {
        let bar = (count * 40 + max / 2).checked_div(max).unwrap_or(0);
        let _ = writeln!(out, "  {m:4.3} [{count}]\t|{}", "■".repeat(bar as usize));
    }
}

/// `latencies` of `report.go`, on the histogram's ranks.
fn latencies(h: &Histogram, out: &mut String) {
    let n = h.count();
    let mut next = 0u64;
    for p in [10u64, 25, 50, 75, 90, 95, 99] {
        // The first index at or after `next` with `i * 100 / n >= p`.
        let i = next.max((p * n).div_ceil(100));
        let value = (i < n).then(|| h.at_rank(i + 1));
        if i < n {
            next = i + 1;
        } else {
            next = n;
        }
        match value.filter(|v| v.as_nanos() > 0) {
            Some(v) => {
                let _ = write!(out, "\n  {p}% in {} secs", go_4_4f(secs(v)));
            }
            None => out.push_str("\n  0% in 0.0000 secs"),
        }
    }
}

fn details(c: &ClientOutcome, out: &mut String) {
    let zero = PhaseStats::default();
    let n = c.latency.count();
    let rows: [(&str, &PhaseStats); 5] = [
        ("DNS+dialup", &c.dial),
        ("DNS-lookup", &zero),
        ("req write", &zero),
        ("resp wait", &c.wait),
        ("resp read", &zero),
    ];
    for (label, phase) in rows {
        let avg = phase.sum_secs() / n as f64;
        let _ = writeln!(
            out,
            "  {label}:\t{} secs, {} secs, {} secs",
            go_4_4f(avg),
            go_4_4f(secs(phase.min())),
            go_4_4f(secs(phase.max()))
        );
    }
}
