//! `[limits]`: guards that stop a run with a clear error instead of letting a mistake (a
//! duration typed as `"600h"`, an open-loop client against a host that never answers) run for
//! hours or fill the memory; and breakersim's bounds on the sizes a scenario may ask for.

use super::{PlanError, Scenario};
use crate::scenario_table;
use crate::schema::{Invalid, PathSegment, Rule};

/// breakersim's own bounds, so that a typo cannot make a run build millions of structures or
/// loop billions of times within one event (Envoy has no such bounds): Envoy workers, hosts in
/// all, connection pools (one per Envoy, worker and host: a mesh's memory is proportional to
/// them), closed-loop workers per client, and draws
/// per load-balancer pick.
pub const MAX_ENVOY_WORKERS: u32 = 1_024;
pub const MAX_HOSTS: u64 = 100_000;
pub const MAX_POOLS: u64 = 1_000_000;
/// Closed-loop workers over all clients: each holds its state and, in flight, a request (about
/// 300 bytes together: 100,000 workers sending one request each run in 35 MB), so a typo of a
/// few zeros cannot ask for gigabytes. `hey -c` is rarely past a few thousand.
pub const MAX_CLIENT_WORKERS: u32 = 100_000;
pub const MAX_PICK_DRAWS: u32 = 1_000;

scenario_table! {
    /// Guards on the size of a run, so that a mistake (`duration = "600h"` instead of
    /// `"600s"`) stops with a message instead of running for hours or filling the memory.
    /// Reaching one stops the run with an error (`sim::RunLimitExceeded`).
    #[derive(Default)]
    pub struct Limits {
        /// Events the run may process: each send, arrival at Envoy or at a host, connect,
        /// response, timer that fires, and each host an outlier detection pass visits (a
        /// pass visits every host, each `interval`). 35 times the largest shipped scenario
        /// (`scenarios/bench/bench-1000-hosts.toml`, 7.1 million), yet reached within about a
        /// minute by a release build.
        max_events: u64 { default: "250_000_000", rule: Rule::AtLeast(1) },
        /// Requests the clients have sent and not yet had answered, at any moment
        /// (`sent - received`). A request in flight costs a few hundred bytes.
        max_in_flight: u64 { default: "1_000_000", rule: Rule::AtLeast(1) },
    }
}

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_string())
}

fn invalid(path: Vec<PathSegment>, message: String) -> Invalid {
    Invalid {
        path,
        message,
        expected: None,
        hint: None,
    }
}

/// Every host that ever exists, over all groups (each group's EDS membership plan), within
/// [`MAX_HOSTS`]; a `replace` no larger than the group's hosts in EDS then. Returns the count.
fn validate_hosts(s: &Scenario) -> Result<u64, Invalid> {
    let mut hosts = 0u64;
    for (i, b) in s.backends.iter().enumerate() {
        let group = vec![key("backends"), PathSegment::Index(i)];
        let phase_field = |phase: usize, field: &str| {
            let mut p = group.clone();
            p.extend([key("phases"), PathSegment::Index(phase), key(field)]);
            p
        };
        match b.membership(MAX_HOSTS - hosts) {
            Ok(plan) => hosts += u64::from(plan.hosts),
            Err(PlanError::TooMany { at, hosts: n }) => {
                let path = match at {
                    None => [group.clone(), vec![key("replicas")]].concat(),
                    Some((phase, field)) => phase_field(phase, field),
                };
                let ever = if at.is_some() {
                    ", counting every host that joins during the run"
                } else {
                    ""
                };
                return Err(invalid(
                    path,
                    format!(
                        "{} hosts in all is too many{ever}: breakersim simulates at most {MAX_HOSTS}",
                        hosts + n
                    ),
                ));
            }
            Err(PlanError::ReplaceTooMany {
                phase,
                replace,
                members,
            }) => {
                return Err(invalid(
                    phase_field(phase, "replace"),
                    format!(
                        "replaces {replace} hosts, but the group has {members} in EDS at that phase"
                    ),
                ));
            }
        }
    }
    Ok(hosts)
}

/// When the clients stop sending, if the scenario says: its `duration`, else the last client's
/// `start + duration` when every client has one.
fn sending_ends(s: &Scenario) -> Option<u64> {
    if let Some(d) = s.duration {
        return Some(d.as_nanos());
    }
    s.clients
        .iter()
        .map(|c| {
            c.duration
                .map(|d| c.start.as_nanos().saturating_add(d.as_nanos()))
        })
        .try_fold(0u64, |end, e| e.map(|e| end.max(e)))
}

/// The outlier detectors' passes visit every host each `interval`; that work counts against
/// `limits.max_events` (`sim/mod.rs`). When the run's length is known, a scenario whose passes
/// alone would exceed it is refused before it runs (100,000 hosts every 1 ms for 600 s is
/// 6e10 visits: days of work), with the estimate.
fn validate_detector_work(s: &Scenario, hosts: u64, envoys: u64) -> Result<(), Invalid> {
    let (Some(od), Some(end)) = (&s.cluster.outlier_detection, sending_ends(s)) else {
        return Ok(());
    };
    let passes = end / od.interval.as_nanos().max(1);
    let visits = (passes as u128) * u128::from(hosts) * u128::from(envoys);
    let limit = s.limits.max_events;
    if visits <= u128::from(limit) {
        return Ok(());
    }
    let fleet = if envoys > 1 {
        format!(" x {envoys} Envoys")
    } else {
        String::new()
    };
    Err(Invalid {
        path: vec![key("cluster"), key("outlier_detection"), key("interval")],
        message: format!(
            "outlier detection passes over {hosts} hosts every {} for {:.0} s{fleet} visit {visits} host monitors, more than limits.max_events = {limit} (each visit counts as an event): the run would take hours",
            od.interval,
            end as f64 / 1e9
        ),
        expected: None,
        hint: Some(format!(
            "lengthen the interval, or raise the limit with `--set limits.max_events={visits}`"
        )),
    })
}

/// The bounds of [`MAX_HOSTS`] and the others.
pub fn validate_sizes(s: &Scenario) -> Result<(), Invalid> {
    let workers = s.envoy.concurrency.get();
    if workers > MAX_ENVOY_WORKERS {
        return Err(invalid(
            vec![key("envoy"), key("concurrency")],
            format!(
                "{workers} is out of range: breakersim simulates at most {MAX_ENVOY_WORKERS} Envoy workers"
            ),
        ));
    }
    let hosts = validate_hosts(s)?;
    let envoys: u64 = s
        .proxies
        .iter()
        .map(|g| u64::from(g.replicas))
        .sum::<u64>()
        .max(1);
    let pools = envoys * u64::from(workers) * hosts;
    if pools > MAX_POOLS {
        let (path, fleet) = match s.proxies.is_empty() {
            true => (vec![key("envoy"), key("concurrency")], String::new()),
            false => (vec![key("proxies")], format!("{envoys} Envoys x ")),
        };
        return Err(invalid(
            path,
            format!(
                "{fleet}{workers} workers x {hosts} hosts is {pools} connection pools: breakersim simulates at most {MAX_POOLS} (lower concurrency or replicas)"
            ),
        ));
    }
    let mut workers_so_far = 0u64;
    for (i, c) in s.clients.iter().enumerate() {
        let Some(w) = c.workers else { continue };
        workers_so_far += u64::from(w.get());
        if workers_so_far > u64::from(MAX_CLIENT_WORKERS) {
            let all = if workers_so_far > u64::from(w.get()) {
                format!(" ({workers_so_far} with the clients before it)")
            } else {
                String::new()
            };
            return Err(invalid(
                vec![key("clients"), PathSegment::Index(i), key("workers")],
                format!(
                    "{w} is out of range{all}: breakersim simulates at most {MAX_CLIENT_WORKERS} closed-loop workers in all"
                ),
            ));
        }
    }
    validate_detector_work(s, hosts, envoys)?;
    let choices = s.cluster.least_request_lb_config.choice_count;
    if choices > MAX_PICK_DRAWS {
        return Err(invalid(
            vec![
                key("cluster"),
                key("least_request_lb_config"),
                key("choice_count"),
            ],
            format!(
                "{choices} is out of range: breakersim draws at most {MAX_PICK_DRAWS} hosts per pick"
            ),
        ));
    }
    if let Some(p) = &s.route.retry_policy
        && p.host_selection_retry_max_attempts > MAX_PICK_DRAWS
    {
        return Err(invalid(
            vec![
                key("route"),
                key("retry_policy"),
                key("host_selection_retry_max_attempts"),
            ],
            format!(
                "{} is out of range: breakersim draws a host at most {MAX_PICK_DRAWS} times per retry",
                p.host_selection_retry_max_attempts
            ),
        ));
    }
    Ok(())
}
