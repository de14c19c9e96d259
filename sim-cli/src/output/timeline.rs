//! The ejection timeline of the text report: each ejection with when it started and ended,
//! how long the host was out, why, and the multiplier it left behind.

use std::fmt::Write;

use sim_core::envoy::outlier::{OutlierAction, OutlierEvent};
use sim_core::sim::RunResult;

/// One enforced ejection and, if it ended, its uneject.
struct Ejection<'a> {
    eject: &'a OutlierEvent,
    uneject: Option<&'a OutlierEvent>,
}

fn ejections(events: &[OutlierEvent]) -> Vec<Ejection<'_>> {
    let mut out: Vec<Ejection> = Vec::new();
    for e in events {
        match e.action {
            OutlierAction::Eject if e.enforced => out.push(Ejection {
                eject: e,
                uneject: None,
            }),
            OutlierAction::Uneject => {
                if let Some(open) = out
                    .iter_mut()
                    .rev()
                    .find(|x| x.eject.host == e.host && x.uneject.is_none())
                {
                    open.uneject = Some(e);
                }
            }
            OutlierAction::Eject => {}
        }
    }
    out
}

pub fn render(r: &RunResult, out: &mut String) {
    if !r.outlier_detection {
        return;
    }
    let _ = writeln!(out, "Ejection timeline (outlier detection):");
    let list = ejections(&r.outlier_events);
    if list.is_empty() {
        let _ = writeln!(out, "  no host was ejected");
    } else {
        let _ = writeln!(
            out,
            "  {:<20} {:>12} {:>12} {:>10}  {:<32} {:>10}",
            "host", "ejected at", "unejected at", "out for", "why", "multiplier"
        );
    }
    for x in &list {
        let at = x.eject.time.as_secs_f64();
        let (until, length) = match x.uneject {
            Some(u) => {
                let end = u.time.as_secs_f64();
                (format!("{end:.3}s"), format!("{:.3}s", end - at))
            }
            None => ("-".to_string(), "still out".to_string()),
        };
        let why = x.eject.ejection_type.map_or("", |t| t.proto_name());
        let _ = writeln!(
            out,
            "  {:<20} {:>12} {:>12} {:>10}  {:<32} {:>10}",
            r.hosts[x.eject.host].name,
            format!("{at:.3}s"),
            until,
            length,
            why,
            x.eject.multiplier
        );
    }
    let not_enforced = r
        .outlier_events
        .iter()
        .filter(|e| e.action == OutlierAction::Eject && !e.enforced)
        .count();
    if not_enforced > 0 {
        let _ = writeln!(
            out,
            "  {not_enforced} detection(s) logged but not enforced (enforcing_* below 100)"
        );
    }
    let overflow = r.stat("outlier_detection.ejections_overflow");
    if overflow > 0 {
        let _ = writeln!(
            out,
            "  {overflow} ejection(s) refused by max_ejection_percent (ejections_overflow)"
        );
    }
    out.push('\n');
}
