//! The ejection timeline of the text report: each ejection with when it started and ended,
//! how long the host was out, why, and the multiplier it left behind; in mesh mode, which
//! Envoy (pod) ejected it.

use std::fmt::Write;

use sim_core::envoy::outlier::{OutlierAction, OutlierEvent};
use sim_core::sim::RunResult;

/// One enforced ejection and, if it ended, its uneject.
struct Ejection<'a> {
    /// The Envoy that logged it (0 without `[[proxies]]`).
    envoy: u32,
    eject: &'a OutlierEvent,
    uneject: Option<&'a OutlierEvent>,
}

fn ejections<'a>(events: &'a [OutlierEvent], envoys: Option<&[u32]>) -> Vec<Ejection<'a>> {
    let mut out: Vec<Ejection> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let envoy = envoys.map_or(0, |v| v[i]);
        match e.action {
            OutlierAction::Eject if e.enforced => out.push(Ejection {
                envoy,
                eject: e,
                uneject: None,
            }),
            OutlierAction::Uneject => {
                if let Some(open) = out
                    .iter_mut()
                    .rev()
                    .find(|x| x.eject.host == e.host && x.envoy == envoy && x.uneject.is_none())
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
    let mesh = r.mesh.as_ref();
    let list = ejections(&r.outlier_events, mesh.map(|m| &m.event_envoys[..]));
    let pod = |envoy: u32| match mesh {
        Some(m) => format!("{:<16} ", m.envoys[envoy as usize].pod),
        None => String::new(),
    };
    if list.is_empty() {
        let _ = writeln!(out, "  no host was ejected");
    } else {
        let _ = writeln!(
            out,
            "  {}{:<20} {:>12} {:>12} {:>10}  {:<32} {:>10}",
            mesh.map_or(String::new(), |_| format!("{:<16} ", "by pod")),
            "host",
            "ejected at",
            "unejected at",
            "out for",
            "why",
            "multiplier"
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
            "  {}{:<20} {:>12} {:>12} {:>10}  {:<32} {:>10}",
            pod(x.envoy),
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
