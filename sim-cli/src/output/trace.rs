//! `run --trace FILE`: the run as Chrome trace-event JSON (the "JSON Object Format",
//! `{"traceEvents": [...]}`), which Perfetto and chrome://tracing open.
//!
//! - One process per Envoy (`pid` 1 + its index; named `envoy`, or its pod in mesh mode), one
//!   for the backend hosts (`pid` 100000).
//! - In an Envoy: request tracks (`tid` 1 + lane): each request a complete event (`ph: "X"`)
//!   from its send to its response at the client, with its attempts nested in it (each with
//!   its pending wait nested in turn) and its retries' back-offs; requests share a track only
//!   when they do not overlap (the lowest free lane), so every track nests properly. One track
//!   per connection (`tid` 1,000,000 + its number): connecting, then open. A circuit breaker
//!   refusal is an instant event (`ph: "i"`, `s: "t"`) on its request's track; a breaker's open
//!   gauge changing and an ejection or uneject are process-scoped instants (`s: "p"`); the
//!   gauges are counter events (`ph: "C"`, `args` numeric).
//! - In the hosts' process: each host's services as complete events, on tracks of their own
//!   (`tid` host * 1,000 + 1 + lane) where services overlap.
//! - `M` metadata events name every process and thread.
//!
//! Timestamps are microseconds: simulated nanoseconds / 1,000, exact (three decimals at most).

use serde_json::{Value, json};
use sim_core::envoy::outlier::OutlierAction;
use sim_core::sim::RunResult;
use sim_core::sim::record::{AttemptEnd, Breaker, ConnNo, Entry, Lifecycle, What};
use sim_core::time::SimTime;
use std::collections::BTreeMap;

use super::lifecycle::{RequestLife, by_request, flags_text};

/// The hosts' process.
const HOSTS_PID: u64 = 100_000;
/// Connection tracks start here.
const CONN_TID: u64 = 1_000_000;

/// Microseconds with up to three decimals: exact for every simulated nanosecond.
fn us(t: SimTime) -> Value {
    let n = t.as_nanos();
    if n.is_multiple_of(1000) {
        json!(n / 1000)
    } else {
        json!(n as f64 / 1000.0)
    }
}

fn dur(from: SimTime, to: SimTime) -> Value {
    us(SimTime(to.as_nanos().saturating_sub(from.as_nanos())))
}

/// Assigns intervals to lanes: the lowest lane free at each start (intervals in start order).
#[derive(Default)]
struct Lanes(Vec<SimTime>);

impl Lanes {
    fn take(&mut self, from: SimTime, to: SimTime) -> usize {
        let lane = match self.0.iter().position(|&end| end <= from) {
            Some(l) => l,
            None => {
                self.0.push(SimTime::ZERO);
                self.0.len() - 1
            }
        };
        self.0[lane] = to;
        lane
    }
}

/// The trace of a run with a lifecycle record.
pub fn render(r: &RunResult) -> String {
    let mut t = Trace::default();
    if let Some(l) = &r.lifecycle {
        t.name_processes(r);
        for life in by_request(l) {
            t.request(r, &life);
        }
        t.connections(r, l);
        t.run_wide(r, l);
    }
    let mut s = serde_json::to_string(&json!({
        "traceEvents": t.events,
        "displayTimeUnit": "ms",
    }))
    .expect("a trace serialises");
    s.push('\n');
    s
}

#[derive(Default)]
struct Trace {
    events: Vec<Value>,
    /// Request lanes per Envoy.
    lanes: BTreeMap<u32, Lanes>,
    /// Service lanes per host.
    host_lanes: BTreeMap<u32, Lanes>,
    /// Named threads: (pid, tid) → name.
    threads: BTreeMap<(u64, u64), String>,
}

fn envoy_pid(e: u32) -> u64 {
    1 + u64::from(e)
}

impl Trace {
    fn name_processes(&mut self, r: &RunResult) {
        let envoys = r.mesh.as_ref().map_or(1, |m| m.envoys.len());
        for e in 0..envoys {
            let name = r
                .mesh
                .as_ref()
                .map_or("envoy".to_string(), |m| m.envoys[e].pod.clone());
            self.meta("process_name", envoy_pid(e as u32), 0, &name);
        }
        self.meta("process_name", HOSTS_PID, 0, "backend hosts");
    }

    fn meta(&mut self, what: &str, pid: u64, tid: u64, name: &str) {
        self.events.push(json!({
            "ph": "M", "name": what, "pid": pid, "tid": tid, "ts": 0,
            "args": {"name": name},
        }));
    }

    fn thread(&mut self, pid: u64, tid: u64, name: impl FnOnce() -> String) {
        if let std::collections::btree_map::Entry::Vacant(v) = self.threads.entry((pid, tid)) {
            let n = name();
            v.insert(n.clone());
            self.meta("thread_name", pid, tid, &n);
        }
    }

    fn slice(&mut self, pid: u64, tid: u64, name: String, from: SimTime, to: SimTime, args: Value) {
        self.events.push(json!({
            "ph": "X", "name": name, "cat": "request", "pid": pid, "tid": tid,
            "ts": us(from), "dur": dur(from, to), "args": args,
        }));
    }

    fn instant(&mut self, pid: u64, tid: u64, scope: &str, name: String, at: SimTime) {
        self.events.push(json!({
            "ph": "i", "name": name, "pid": pid, "tid": tid, "ts": us(at), "s": scope,
        }));
    }

    /// One request: its slice, its attempts, back-offs and refusals, and its host services.
    fn request(&mut self, r: &RunResult, life: &RequestLife) {
        let (Some(first), Some(last)) = (life.entries.first(), life.entries.last()) else {
            return;
        };
        let (from, to, envoy) = (first.at, last.at, first.envoy);
        let lane = self.lanes.entry(envoy).or_default().take(from, to);
        let (pid, tid) = (envoy_pid(envoy), 1 + lane as u64);
        self.thread(pid, tid, || format!("requests {}", lane + 1));
        let reply = life.reply();
        let name = match &reply {
            Some(rep) => format!(
                "request #{} {} {}",
                life.number,
                rep.status,
                flags_text(&rep.flags)
            ),
            None => format!("request #{} (unanswered)", life.number),
        };
        let args = json!({"request": life.number, "status": reply.map(|x| x.status)});
        self.slice(pid, tid, name, from, to, args);
        self.attempts(r, life, pid, tid, to);
    }

    /// The attempts of a request (and their pending waits), back-offs and breaker refusals.
    fn attempts(&mut self, r: &RunResult, life: &RequestLife, pid: u64, tid: u64, end: SimTime) {
        let mut open: Option<(SimTime, u32, u32)> = None; // start, attempt, host
        let mut pending: Option<SimTime> = None;
        let mut backoff: Option<SimTime> = None;
        let mut service: Option<SimTime> = None;
        for e in &life.entries {
            match e.what {
                What::HostPicked { attempt, host, .. } => {
                    if let Some(b) = backoff.take() {
                        self.slice(pid, tid, "retry back-off".into(), b, e.at, json!({}));
                    }
                    open = Some((e.at, attempt, host));
                    service = None;
                }
                What::Pending { .. } => pending = Some(e.at),
                What::Attached { conn, .. } => {
                    self.close_pending(&mut pending, pid, tid, e.at, Some(conn));
                }
                What::ServiceStart { .. } => service = Some(e.at),
                What::Answered { status, .. } => {
                    if let (Some(s), Some((_, attempt, host))) = (service.take(), open) {
                        self.service(r, life.number, attempt, host, s, e.at, status);
                    }
                }
                What::ResponseAtEnvoy { .. } | What::AttemptEnded { .. } => {
                    self.close_pending(&mut pending, pid, tid, e.at, None);
                    if let What::AttemptEnded {
                        end:
                            AttemptEnd::Refused {
                                breaker,
                                count,
                                threshold,
                            },
                        ..
                    } = e.what
                    {
                        let name =
                            format!("overflow: {} ({count} of {threshold})", breaker.field());
                        self.instant(pid, tid, "t", name, e.at);
                    }
                    self.close_attempt(r, &mut open, pid, tid, e);
                }
                What::Retry { .. } => backoff = Some(e.at),
                What::RetryRefused { .. } => {
                    let name = "retry refused".to_string();
                    self.instant(pid, tid, "t", name, e.at);
                }
                _ => {}
            }
        }
        if let Some(b) = backoff {
            self.slice(pid, tid, "retry back-off".into(), b, end, json!({}));
        }
    }

    fn close_pending(
        &mut self,
        pending: &mut Option<SimTime>,
        pid: u64,
        tid: u64,
        at: SimTime,
        conn: Option<ConnNo>,
    ) {
        if let Some(p) = pending.take() {
            let args = json!({"conn": conn});
            self.slice(pid, tid, "pending".into(), p, at, args);
        }
    }

    fn close_attempt(
        &mut self,
        r: &RunResult,
        open: &mut Option<(SimTime, u32, u32)>,
        pid: u64,
        tid: u64,
        e: &Entry,
    ) {
        if let Some((from, attempt, host)) = open.take() {
            let name = format!("attempt {attempt} → {}", r.hosts[host as usize].name);
            self.slice(pid, tid, name, from, e.at, json!({"attempt": attempt}));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn service(
        &mut self,
        r: &RunResult,
        request: u64,
        attempt: u32,
        host: u32,
        from: SimTime,
        to: SimTime,
        status: u16,
    ) {
        let lane = self.host_lanes.entry(host).or_default().take(from, to);
        let tid = u64::from(host) * 1000 + 1 + lane as u64;
        let hname = r.hosts[host as usize].name.clone();
        self.thread(HOSTS_PID, tid, || format!("{hname} ({})", lane + 1));
        let name = format!("serve #{request}.{attempt} → {status}");
        self.slice(HOSTS_PID, tid, name, from, to, json!({"status": status}));
    }

    /// Each connection's track: connecting, then open until it closes.
    fn connections(&mut self, r: &RunResult, l: &Lifecycle) {
        let mut started: BTreeMap<ConnNo, (SimTime, u32, u32)> = BTreeMap::new();
        let mut up: BTreeMap<ConnNo, SimTime> = BTreeMap::new();
        for e in &l.entries {
            let pid = envoy_pid(e.envoy);
            match e.what {
                What::ConnectStart { conn, host, .. } => {
                    started.insert(conn, (e.at, host, e.envoy));
                    let name = format!("cx #{conn} → {}", r.hosts[host as usize].name);
                    self.thread(pid, CONN_TID + conn, || name);
                }
                What::Connected { conn } => {
                    if let Some((s, _, _)) = started.get(&conn) {
                        let s = *s;
                        self.slice(pid, CONN_TID + conn, "connect".into(), s, e.at, json!({}));
                        up.insert(conn, e.at);
                    }
                }
                What::ConnectFailed { conn, why } => {
                    if let Some((s, _, _)) = started.get(&conn) {
                        let (s, name) = (*s, format!("connect failed ({why:?})"));
                        self.slice(pid, CONN_TID + conn, name, s, e.at, json!({}));
                    }
                }
                What::ConnClosed { conn } => {
                    if let Some(u) = up.remove(&conn) {
                        self.slice(pid, CONN_TID + conn, "open".into(), u, e.at, json!({}));
                    }
                }
                _ => {}
            }
        }
        let end = SimTime(r.sim_time.as_nanos());
        for (conn, u) in up {
            let pid = envoy_pid(started[&conn].2);
            self.slice(pid, CONN_TID + conn, "open".into(), u, end, json!({}));
        }
    }

    /// Gauges, breakers, ejections.
    fn run_wide(&mut self, r: &RunResult, l: &Lifecycle) {
        for e in &l.entries {
            let pid = envoy_pid(e.envoy);
            match e.what {
                What::Gauge { gauge, host, value } => {
                    let name = match host {
                        None => gauge.stat_name().to_string(),
                        Some(h) => format!("{} {}", gauge.stat_name(), r.hosts[h as usize].name),
                    };
                    self.events.push(json!({
                        "ph": "C", "name": name, "pid": pid, "tid": 0, "ts": us(e.at),
                        "args": {"value": value},
                    }));
                }
                What::BreakerOpen { breaker, open } => {
                    let name = breaker_name(breaker, open);
                    self.instant(pid, 0, "p", name, e.at);
                }
                _ => {}
            }
        }
        for (i, ev) in r.outlier_events.iter().enumerate() {
            let envoy = r.mesh.as_ref().map_or(0, |m| m.event_envoys[i]);
            let verb = match ev.action {
                OutlierAction::Eject => "ejected",
                _ => "unejected",
            };
            let kind = ev.ejection_type.map_or("", |t| t.proto_name());
            let name = format!("{} {verb} {kind}", r.hosts[ev.host].name);
            self.instant(
                envoy_pid(envoy),
                0,
                "p",
                name.trim_end().to_string(),
                ev.time,
            );
        }
    }
}

fn breaker_name(b: Breaker, open: bool) -> String {
    format!(
        "circuit breaker {} {} ({})",
        b.open_gauge(),
        u8::from(open),
        if open { "open" } else { "closed" }
    )
}
