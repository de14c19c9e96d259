//! Every response from a backend in the CSV layout of `hey -o csv` (hey's `printCSV`): one row
//! per successful response in the order they completed, times in seconds with four decimals.
//! hey leaves out requests that failed (timeouts, refused connections); so does this.

use std::fmt::Write;

use sim_core::sim::{RequestRecord, RunResult};

/// hey's header line.
const HEADER: &str =
    "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset";

fn secs(nanos: u64) -> f64 {
    nanos as f64 / 1e9
}

/// One row: dial is the time until the request had its connection (0 on a kept one), the
/// response delay the rest; writing the request and reading the response take no time here.
fn row(r: &RequestRecord, out: &mut String) {
    let total = r.done_at.since(r.sent_at).as_nanos();
    let dial = r.connected_at.since(r.sent_at).as_nanos();
    let wait = r.done_at.since(r.connected_at).as_nanos();
    let _ = writeln!(
        out,
        "{:.4},{:.4},0.0000,0.0000,{:.4},0.0000,{},{:.4}",
        secs(total),
        secs(dial),
        secs(wait),
        r.status,
        secs(r.sent_at.as_nanos())
    );
}

/// The CSV of a run made with `RunOptions::request_log`.
pub fn render(result: &RunResult) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for r in result.request_log.iter().flatten() {
        row(r, &mut out);
    }
    out
}
