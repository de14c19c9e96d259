//! Random valid scenarios, run in-process, conserve every counter their results show: what the
//! clients sent and received, each local reply under exactly one reason, each upstream attempt
//! ending exactly one way, connections opened and closed, breakers and gauges back at rest once
//! nothing is in flight, peaks within the limits, outlier ejections that alternate per host.
//! Debug builds also check the simulation's own asserts (`sim/mod.rs`) on every case.

use proptest::prelude::*;
use sim_cli::output::{Format, render};
use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::envoy::outlier::OutlierAction;
use sim_core::scenario::{RoutingPriority, Scenario};
use sim_core::sim::{Limit, RunOptions, RunResult, run, run_with};
use sim_core::time::SimDuration;

use super::generate::{direct_scenario, scenario};
use crate::common::temp_file;

/// The limits of the route's priority (first entry of that priority, Envoy's defaults else).
struct Breakers {
    cx: u64,
    pending: u64,
    rq: u64,
    /// `max_retries`: with a budget too, the nested resource that holds the retry count and
    /// sets `rq_retry_open` (`RetryBudgetImpl` in `resource_manager_impl.h`).
    retries: u64,
    budget: bool,
    track: bool,
}

fn breakers(s: &Scenario, p: RoutingPriority) -> Breakers {
    let t = s
        .cluster
        .circuit_breakers
        .thresholds
        .iter()
        .find(|t| t.priority == p);
    let get = |f: fn(&sim_core::scenario::Thresholds) -> Option<u32>, default: u64| {
        t.and_then(f).map_or(default, u64::from)
    };
    // From Envoy 1.18 a `retry_budget` with no field set is a budget too.
    let message_is_enough = s
        .envoy
        .envoy_version()
        .has(sim_core::envoy::version::Behaviour::RetryBudgetMessageTurnsItOn);
    let budget = t.and_then(|t| t.retry_budget.as_ref()).filter(|b| {
        message_is_enough || b.budget_percent.is_some() || b.min_retry_concurrency.is_some()
    });
    Breakers {
        cx: get(|t| t.max_connections, 1024),
        pending: get(|t| t.max_pending_requests, 1024),
        rq: get(|t| t.max_requests, 1024),
        retries: get(|t| t.max_retries, 3),
        budget: budget.is_some(),
        track: t.is_some_and(|t| t.track_remaining),
    }
}

fn check(s: &Scenario, r: &RunResult) -> Result<(), TestCaseError> {
    let c = &r.client;
    let stat = |n: &str| r.stat(n);
    let drained = c.in_flight() == 0;

    // What the clients saw.
    prop_assert_eq!(c.status.values().sum::<u64>(), c.received);
    prop_assert_eq!(c.latency.count(), c.received);
    prop_assert!(c.received <= c.sent);
    prop_assert!(c.latency.max().as_nanos() <= r.sim_time.as_nanos());
    prop_assert!(r.events_processed <= s.limits.max_events);

    // Each local reply under exactly one reason (the timeline files each reply once: a local
    // one under its first reason, UH UF UC UR LR UT UO, a host's by its status).
    let t = r.timeline.as_ref().expect("asked for");
    let flagged = |f: ResponseFlag| t.buckets.iter().map(|b| b.flagged[f.index()]).sum::<u64>();
    let ok: u64 = t.buckets.iter().map(|b| b.ok).sum();
    let upstream: u64 = t
        .buckets
        .iter()
        .map(|b| b.upstream_5xx + b.upstream_other)
        .sum();
    let local: u64 = ResponseFlag::ALL.iter().map(|&f| flagged(f)).sum();
    prop_assert_eq!(ok + upstream + local, c.received);
    prop_assert_eq!(ok, c.status.range(200..300).map(|(_, n)| n).sum::<u64>());
    for f in [
        ResponseFlag::UH,
        ResponseFlag::UF,
        ResponseFlag::UC,
        ResponseFlag::UR,
        ResponseFlag::LR,
        ResponseFlag::UT,
    ] {
        prop_assert_eq!(flagged(f), c.flag(f), "{:?}: one reason per reply", f);
    }
    prop_assert!(flagged(ResponseFlag::UO) <= c.flag(ResponseFlag::UO));
    prop_assert!(
        flagged(ResponseFlag::UT) <= c.count(504),
        "UT replies are 504s"
    );
    let reasons_503 = [
        ResponseFlag::UH,
        ResponseFlag::UF,
        ResponseFlag::UC,
        ResponseFlag::UO,
    ];
    prop_assert!(reasons_503.iter().map(|&f| flagged(f)).sum::<u64>() <= c.count(503));
    prop_assert_eq!(c.flag(ResponseFlag::UR), 0, "UR is never produced");
    // LR only from Envoy 1.17's connect timeouts, answered as local resets: one per pending
    // stream a timed-out connect fails (each counts `upstream_rq_pending_failure_eject`).
    let old_timeouts = !s
        .envoy
        .envoy_version()
        .has(sim_core::envoy::version::Behaviour::ConnectTimeoutIsAConnectionFailure);
    if old_timeouts {
        prop_assert!(c.flag(ResponseFlag::LR) <= stat("upstream_rq_pending_failure_eject"));
    } else {
        prop_assert_eq!(c.flag(ResponseFlag::LR), 0, "LR only on Envoy 1.17");
    }

    // Connections: each opened one is open or was closed once, locally or remotely.
    let cx_total = stat("upstream_cx_total");
    prop_assert_eq!(
        cx_total,
        stat("upstream_cx_active") + stat("upstream_cx_destroy")
    );
    prop_assert_eq!(
        stat("upstream_cx_destroy"),
        stat("upstream_cx_destroy_local") + stat("upstream_cx_destroy_remote")
    );
    prop_assert_eq!(
        stat("upstream_cx_destroy_with_active_rq"),
        stat("upstream_cx_destroy_local_with_active_rq")
            + stat("upstream_cx_destroy_remote_with_active_rq")
    );
    prop_assert!(stat("upstream_cx_destroy_with_active_rq") <= stat("upstream_cx_destroy"));
    prop_assert_eq!(
        cx_total,
        stat("upstream_cx_http1_total") + stat("upstream_cx_http2_total")
    );
    let h2 = s.cluster.http2_protocol_options.is_some();
    prop_assert_eq!(
        stat(if h2 {
            "upstream_cx_http1_total"
        } else {
            "upstream_cx_http2_total"
        }),
        0
    );
    prop_assert!(stat("upstream_cx_connect_timeout") <= stat("upstream_cx_connect_fail"));
    prop_assert!(stat("upstream_cx_connect_fail") <= stat("upstream_cx_destroy"));

    // Peaks: at least the final gauges, within the route priority's breakers (a pool with no
    // connection opens one even at the limit, so connections may pass it by one per pool).
    let b = breakers(s, s.route.priority);
    // Every host that ever exists has a pool per worker (EDS membership phases add hosts).
    let hosts = r.hosts.len() as u64;
    let pools = hosts * u64::from(s.envoy.concurrency.get());
    let p = &r.peaks;
    prop_assert!(p.upstream_cx_active >= stat("upstream_cx_active"));
    prop_assert!(p.upstream_rq_active >= stat("upstream_rq_active"));
    prop_assert!(p.upstream_rq_pending_active >= stat("upstream_rq_pending_active"));
    // Each Envoy has its own breakers (in mesh mode the fleet's peaks are of the sums).
    let own_peaks: Vec<&sim_core::sim::Peaks> = match &r.mesh {
        None => vec![p],
        Some(mesh) => mesh.envoys.iter().map(|e| &e.peaks).collect(),
    };
    for p in &own_peaks {
        prop_assert!(p.upstream_rq_active <= b.rq, "max_requests holds");
        prop_assert!(
            p.upstream_rq_pending_active <= b.pending,
            "max_pending_requests holds"
        );
        prop_assert!(
            p.upstream_cx_active <= b.cx + pools,
            "max_connections holds, + 1 per pool"
        );
    }
    let mut per_host = s.cluster.circuit_breakers.per_host_thresholds.iter();
    if let Some(per_host) = per_host.find(|t| t.priority == s.route.priority)
        && let Some(max) = per_host.max_connections
    {
        let bound = hosts * (u64::from(max) + u64::from(s.envoy.concurrency.get()));
        for p in &own_peaks {
            prop_assert!(p.upstream_cx_active <= bound);
        }
    }

    // Retries.
    prop_assert!(stat("upstream_rq_retry_success") <= stat("upstream_rq_retry"));
    prop_assert!(stat("retry.upstream_rq_completed") <= stat("upstream_rq_retry"));
    prop_assert!(c.flag(ResponseFlag::URX) <= stat("upstream_rq_retry_limit_exceeded"));

    // Outlier detection: per host of each Envoy (each has its own detector), enforced
    // ejections and unejections alternate in time.
    let envoys = r.mesh.as_ref().map_or(1, |m| m.envoys.len());
    let mut ejected = vec![false; envoys * r.hosts.len()];
    let mut last = 0;
    for (i, e) in r.outlier_events.iter().enumerate() {
        prop_assert!(e.time.as_nanos() >= last, "events in time order");
        last = e.time.as_nanos();
        let envoy = r.mesh.as_ref().map_or(0, |m| m.event_envoys[i] as usize);
        let slot = envoy * r.hosts.len() + e.host;
        match e.action {
            OutlierAction::Eject if e.enforced => {
                prop_assert!(!ejected[slot], "ejected twice");
                ejected[slot] = true;
            }
            OutlierAction::Eject => {}
            OutlierAction::Uneject => {
                prop_assert!(ejected[slot], "unejected while in");
                ejected[slot] = false;
            }
        }
    }
    // A host that left EDS while ejected lowered the gauge with no uneject event.
    let active = ejected
        .iter()
        .zip(r.hosts.iter().cycle())
        .filter(|&(&e, h)| e && h.left_eds_at.is_none())
        .count() as u64;
    prop_assert_eq!(stat("outlier_detection.ejections_active"), active);
    prop_assert!(p.ejections_active >= active && p.ejections_active <= hosts * envoys as u64);
    let enforced = r.outlier_events.iter().filter(|e| e.enforced).count() as u64;
    prop_assert_eq!(stat("outlier_detection.ejections_enforced_total"), enforced);

    if !drained {
        return Ok(());
    }
    // Nothing in flight: every reply has arrived and every counter has come to rest.
    let none_healthy = stat("upstream_cx_none_healthy");
    // Current Envoy counts an attach-time `max_requests` refusal only as an active overflow.
    let pending_overflow =
        stat("upstream_rq_pending_overflow") + stat("upstream_rq_active_overflow");
    prop_assert_eq!(c.flag(ResponseFlag::UH), none_healthy);
    prop_assert_eq!(
        flagged(ResponseFlag::UO),
        pending_overflow,
        "UO alone: a breaker"
    );
    prop_assert_eq!(
        c.flag(ResponseFlag::UO),
        pending_overflow + stat("upstream_rq_retry_overflow")
    );
    prop_assert_eq!(
        c.flag(ResponseFlag::URX),
        stat("upstream_rq_retry_limit_exceeded")
    );
    // Every response code is charged once, but a route timeout during a retry's back-off
    // answers 504 with nothing charged.
    for (&code, &n) in &c.status {
        if code != 504 {
            prop_assert_eq!(n, stat(&format!("upstream_rq_{code}")), "status {}", code);
        }
    }
    let in_backoff = c.count(504) - stat("upstream_rq_504");
    prop_assert_eq!(c.received - stat("upstream_rq_completed"), in_backoff);
    prop_assert!(in_backoff <= flagged(ResponseFlag::UT));
    // Every attempt (the first, and each retry whose back-off ended) ends one way: no host,
    // refused by a breaker, attached to a connection, failed while pending, or cancelled. On
    // HTTP/2 a stream reset by its connection's close is counted in
    // `upstream_rq_pending_failure_eject` too, after `upstream_rq_total`.
    let attempts = c.received + stat("upstream_rq_retry") - in_backoff;
    let endings = none_healthy
        + pending_overflow
        + stat("upstream_rq_total")
        + stat("upstream_rq_pending_failure_eject")
        + stat("upstream_rq_cancelled");
    if h2 {
        prop_assert!(endings >= attempts);
        prop_assert!(endings - attempts <= stat("upstream_rq_pending_failure_eject"));
    } else {
        prop_assert_eq!(attempts, endings);
    }
    prop_assert!(stat("upstream_rq_cancelled") <= stat("upstream_rq_timeout"));
    prop_assert_eq!(stat("upstream_rq_active"), 0);
    prop_assert_eq!(stat("upstream_rq_pending_active"), 0);
    // Each Envoy has its own breakers: in mesh mode their gauges are checked per Envoy.
    match &r.mesh {
        None => breaker_gauges(s, &stat)?,
        Some(mesh) => {
            for e in &mesh.envoys {
                breaker_gauges(s, &|n: &str| e.stat(n))?;
            }
        }
    }
    Ok(())
}

/// One Envoy's circuit-breaker gauges at rest, `stat` reading its stats.
fn breaker_gauges(s: &Scenario, stat: &dyn Fn(&str) -> u64) -> Result<(), TestCaseError> {
    for prio in [RoutingPriority::Default, RoutingPriority::High] {
        let b = breakers(s, prio);
        let name = |g: &str| format!("circuit_breakers.{}.{g}", prio.stat_name());
        let cx = if prio == s.route.priority {
            stat("upstream_cx_active")
        } else {
            0
        };
        // An open gauge is set by each inc() and dec() (`ManagedResourceImpl`) and stays 0
        // before the first. Requests and pending requests are counted only after their
        // breaker allowed them, so a limit of 0 is never changed and both read 0 once drained;
        // so do retries without a budget. With one, retries are counted against the budget
        // but the gauge compares them with `max_retries`: 0 >= 0 after the last release.
        // Connections may open past the limit (a pool with none at all), so `cx_open` is
        // `cx >= max` once any connection of this priority was made.
        let route_prio = prio == s.route.priority;
        let retried = route_prio && stat("upstream_rq_retry") > 0;
        let connected = route_prio && stat("upstream_cx_total") > 0;
        prop_assert_eq!(stat(&name("rq_open")), 0);
        prop_assert_eq!(stat(&name("rq_pending_open")), 0);
        prop_assert_eq!(
            stat(&name("rq_retry_open")),
            u64::from(b.budget && retried && b.retries == 0)
        );
        prop_assert_eq!(stat(&name("cx_open")), u64::from(connected && cx >= b.cx));
        if b.track {
            prop_assert_eq!(stat(&name("remaining_rq")), b.rq);
            prop_assert_eq!(stat(&name("remaining_pending")), b.pending);
            prop_assert_eq!(stat(&name("remaining_cx")), b.cx.saturating_sub(cx));
            // A budget clears `remaining_retries` for good once it is first consulted: at
            // every retry decision that reaches the breaker (a retry or a retry overflow).
            let consulted =
                route_prio && stat("upstream_rq_retry") + stat("upstream_rq_retry_overflow") > 0;
            prop_assert_eq!(
                stat(&name("remaining_retries")),
                if b.budget && consulted { 0 } else { b.retries }
            );
        }
    }
    Ok(())
}

/// The nanoseconds hosts spent ejected, from the outlier event log: each enforced ejection to
/// its uneject, or to the end of the run.
fn ejected_ns(r: &RunResult) -> u128 {
    // In mesh mode each Envoy ejects on its own: pairs are (Envoy, host).
    let envoys = r.mesh.as_ref().map_or(1, |m| m.envoys.len());
    let hosts = r.hosts.len();
    let mut out_since: Vec<Option<u64>> = vec![None; envoys * hosts];
    let mut total = 0u128;
    for (i, e) in r.outlier_events.iter().enumerate() {
        let envoy = r.mesh.as_ref().map_or(0, |m| m.event_envoys[i] as usize);
        let slot = envoy * hosts + e.host;
        match e.action {
            OutlierAction::Eject if e.enforced => out_since[slot] = Some(e.time.as_nanos()),
            OutlierAction::Uneject => {
                if let Some(t) = out_since[slot].take() {
                    total += u128::from(e.time.as_nanos() - t);
                }
            }
            OutlierAction::Eject => {}
        }
    }
    // Still ejected: until the end, or until the host left EDS (the detector then forgets it).
    let end = r.sim_time.as_nanos();
    total
        + out_since
            .iter()
            .zip(r.hosts.iter().cycle())
            .filter_map(|(t, h)| {
                let until = h.left_eds_at.map_or(end, |l| l.as_nanos());
                t.map(|t| u128::from(until - t))
            })
            .sum::<u128>()
}

/// Loads a generated scenario and runs it with a timeline and the request log, then checks that
/// every counter conserves; `None` when the run stopped at `max_events` (exactly there).
fn run_checked(name: &str, text: &str) -> Result<Option<(Scenario, RunResult)>, TestCaseError> {
    let path = temp_file(name, text);
    let s = sim_cli::scenario_file::read_scenario(&path, &[])
        .map_err(|e| TestCaseError::fail(format!("generated an invalid scenario: {e}\n{text}")))?;
    let options = RunOptions {
        timeline_bucket: Some(SimDuration::from_millis(5)),
        request_log: true,
        ..RunOptions::default()
    };
    let r = match run_with(&s, s.seed, &options) {
        Ok(r) => r,
        Err(e) => {
            prop_assert_eq!(e.limit, Limit::Events, "{}", e);
            // Events and the detector's host visits together reach the limit (a pass may
            // overshoot it by its hosts); events alone never pass it.
            prop_assert!(e.events_processed <= s.limits.max_events, "{}", e);
            prop_assert!(
                e.events_processed + e.detector_visits >= s.limits.max_events,
                "{}",
                e
            );
            if e.detector_visits == 0 {
                prop_assert_eq!(e.events_processed, s.limits.max_events);
            }
            return Ok(None);
        }
    };
    check(&s, &r)?;
    Ok(Some((s, r)))
}

proptest! {
    #![proptest_config(super::config())]

    /// Clients straight to the backends (`proxy = "none"`): every counter conserves too, and
    /// every response from a backend is in the request log, with its connection before it.
    #[test]
    fn direct_scenarios_conserve_every_counter(text in direct_scenario()) {
        let Some((_, r)) = run_checked("direct.toml", &text)? else {
            return Ok(());
        };
        let log = r.request_log.as_ref().expect("asked for the request log");
        // Without retries every local reply (a timeout, a failed connect, a reset) carries one
        // flag and every backend response none.
        let local: u64 = r.client.flags.values().sum();
        prop_assert_eq!(log.len() as u64, r.client.received - local, "a row per backend response");
        for row in log {
            prop_assert!(row.sent_at <= row.connected_at && row.connected_at <= row.done_at);
        }
    }

    /// Every counter conserves; the timeline changes nothing and holds the host-time the
    /// outlier events say was ejected; the outputs render.
    #[test]
    fn random_scenarios_conserve_every_counter(text in scenario()) {
        let Some((s, r)) = run_checked("property.toml", &text)? else {
            return Ok(());
        };
        let timeline = r.timeline.as_ref().expect("asked for a timeline");
        let recorded: u128 = timeline.buckets.iter().map(|b| b.ejected_host_ns).sum();
        prop_assert_eq!(recorded, ejected_ns(&r), "host-time ejected, timeline against events");
        let plain = run(&s, s.seed).expect("the same run");
        prop_assert_eq!(render(&plain, Format::Json), render(&r, Format::Json));
        render(&r, Format::Text);
        render(&r, Format::Prometheus);
        let log = r.request_log.as_ref().expect("asked for the request log");
        prop_assert!(log.len() as u64 <= r.client.received, "a row per response at most");
        for row in log {
            prop_assert!(row.sent_at <= row.connected_at && row.connected_at <= row.done_at);
        }
    }
}
