//! `explain`: one request's life in words, from a record of that request alone: who sent it,
//! where it went, the pool it met, why it waited, was refused or failed, each retry, the
//! Envoy counters it moved, and what the client got.
//!
//! The counters named are the ones the modelled code paths count (`conn_pool.rs`,
//! `router.rs`, `retry.rs` in sim-core, each following Envoy's source as cited there).

use sim_core::envoy::retry::ResetKind;
use sim_core::sim::RunResult;
use sim_core::sim::record::{AttemptEnd, Breaker, ConnectFailure, RetryRefused, What};
use sim_core::time::{SimDuration, SimTime};

use super::lifecycle::{RequestLife, flags_text};

/// What the explanation needs besides the record.
pub struct Context<'a> {
    pub result: &'a RunResult,
    /// `max_requests` refusing an attach counts `upstream_rq_active_overflow` (Envoy 1.38 on),
    /// else `upstream_rq_pending_overflow`.
    pub active_overflow: bool,
    /// The cluster's `connect_timeout`.
    pub connect_timeout: SimDuration,
}

fn ms(d: SimDuration) -> String {
    let n = d.as_nanos();
    if n.is_multiple_of(1_000_000) {
        format!("{} ms", n / 1_000_000)
    } else {
        format!("{:.3} ms", n as f64 / 1e6)
    }
}

fn at(t: SimTime, start: SimTime) -> String {
    format!("{:>10}", format!("+{}", ms(t.since(start))))
}

/// The explanation of one request.
pub fn render(cx: &Context, life: &RequestLife) -> String {
    let r = cx.result;
    let mut out = format!(
        "request #{} of {} ({})\n",
        life.number, r.client.sent, r.scenario
    );
    let Some(first) = life.entries.first() else {
        return out;
    };
    let start = first.at;
    let mut counters: Vec<String> = Vec::new();
    for (i, e) in life.entries.iter().enumerate() {
        let next_is_retry = matches!(
            life.entries.get(i + 1).map(|n| n.what),
            Some(What::Retry { .. })
        );
        let after_backoff_timeout =
            i > 0 && matches!(life.entries[i - 1].what, What::RouteTimeoutInBackoff { .. });
        let flow = Flow {
            envoy: e.envoy,
            next_is_retry,
            after_backoff_timeout,
        };
        let line = describe(cx, e.what, flow, &mut counters);
        if let Some(line) = line {
            out.push_str(&format!("{} {line}\n", at(e.at, start)));
        }
    }
    if let Some(rep) = life.reply() {
        out.push_str(&format!(
            "final: {} {}, latency {} (sent at {} simulated)\n",
            rep.status,
            flags_text(&rep.flags),
            ms(life.entries.last().map_or(start, |e| e.at).since(start)),
            start
        ));
    }
    let mut seen = Vec::new();
    counters.retain(|c| {
        let new = !seen.contains(c);
        seen.push(c.clone());
        new
    });
    out.push_str(&format!("counters moved: {}\n", counters.join(", ")));
    out
}

fn host_name(r: &RunResult, h: u32) -> &str {
    &r.hosts[h as usize].name
}

/// Where an entry stands among its neighbours.
#[derive(Clone, Copy)]
struct Flow {
    envoy: u32,
    next_is_retry: bool,
    after_backoff_timeout: bool,
}

fn describe(cx: &Context, w: What, flow: Flow, counters: &mut Vec<String>) -> Option<String> {
    let r = cx.result;
    let mut count = |c: &str| counters.push(c.to_string());
    Some(match w {
        What::Sent { client, worker, .. } => match worker {
            Some(wk) => format!("client {client} worker {wk} sends it"),
            None => format!("client {client} (open loop) sends it"),
        },
        What::AtEnvoy { worker, .. } => match &r.mesh {
            Some(m) => format!(
                "reaches the Envoy of pod {}, worker {worker}",
                m.envoys[flow.envoy as usize].pod
            ),
            None => format!("reaches Envoy, worker {worker}"),
        },
        What::HostPicked {
            attempt,
            host,
            state,
            ..
        } => format!(
            "attempt {attempt}: the load balancer picks {}; its pool on this worker has {} \
             connection(s), {} busy stream(s), {} pending (cluster: {} pending, {} active, {} \
             connections)",
            host_name(r, host),
            state.connections,
            state.busy,
            state.pending,
            state.cluster_pending,
            state.cluster_active,
            state.cluster_connections
        ),
        What::NoHost { attempt, .. } => {
            count("upstream_cx_none_healthy");
            format!("attempt {attempt}: no healthy host to pick")
        }
        What::Pending { pending, .. } => {
            count("upstream_rq_pending_total");
            format!("waits in the pool's pending queue (cluster pending now {pending})")
        }
        What::Attached { conn, .. } => {
            count("upstream_rq_total");
            format!("gets a stream on connection #{conn}")
        }
        What::AtBackend { .. } => "the request reaches the host".to_string(),
        What::ServiceStart { .. } => "the host starts serving it".to_string(),
        What::Answered { status, .. } => format!("the host answers {status}"),
        What::ResponseAtEnvoy { status, .. } => {
            if flow.next_is_retry {
                count(&format!("retry.upstream_rq_{status}"));
            } else {
                count(&format!("upstream_rq_{status}"));
            }
            format!("the host's {status} reaches Envoy")
        }
        What::AttemptEnded { end, .. } => ended(cx, end, &mut count),
        What::Retry { backoff, .. } => {
            count("upstream_rq_retry");
            if backoff.is_zero() {
                "the router retries at once".to_string()
            } else {
                count("upstream_rq_retry_backoff_exponential");
                format!("the router retries after a back-off of {}", ms(backoff))
            }
        }
        What::RetryRefused { why, .. } => match why {
            RetryRefused::LimitExceeded => {
                count("upstream_rq_retry_limit_exceeded");
                "it would be retried, but num_retries is used up (URX)".to_string()
            }
            RetryRefused::Overflow {
                count: c,
                threshold,
            } => {
                count("upstream_rq_retry_overflow");
                format!(
                    "it would be retried, but the retry breaker is full: {c} retries active of \
                     max_retries {threshold} (UO)"
                )
            }
        },
        What::RouteTimeoutInBackoff { timeout, .. } => {
            format!(
                "the route timeout ({}) fires during the back-off",
                ms(timeout)
            )
        }
        What::Reply {
            status,
            local,
            host,
            ..
        } => {
            if local {
                if !flow.after_backoff_timeout {
                    count(&format!("upstream_rq_{status}"));
                }
                format!("Envoy sends its own {status} (local reply)")
            } else {
                let h = host.map_or("-", |h| host_name(r, h));
                format!("Envoy forwards {h}'s {status}")
            }
        }
        What::AtClient { status, .. } => format!("the client gets {status}"),
        What::ConnectStart { conn, host, .. } => {
            format!(
                "(the pool opens connection #{conn} to {})",
                host_name(r, host)
            )
        }
        What::Connected { conn } => format!("(connection #{conn} is up)"),
        What::ConnectFailed { conn, why } => format!("(connection #{conn} fails: {why:?})"),
        What::ConnClosed { conn } => format!("(connection #{conn} closes)"),
        _ => return None,
    })
}

fn ended(cx: &Context, end: AttemptEnd, count: &mut impl FnMut(&str)) -> String {
    match end {
        AttemptEnd::Refused {
            breaker,
            count: c,
            threshold,
        } => {
            let counter = match breaker {
                Breaker::MaxPendingRequests => "upstream_rq_pending_overflow",
                Breaker::MaxRequests if cx.active_overflow => "upstream_rq_active_overflow",
                Breaker::MaxRequests => "upstream_rq_pending_overflow",
                Breaker::MaxConnections => "upstream_cx_overflow",
                Breaker::MaxRetries => "upstream_rq_retry_overflow",
            };
            count(counter);
            let what = match breaker {
                Breaker::MaxPendingRequests => "pending requests",
                Breaker::MaxRequests => "active requests",
                _ => "in use",
            };
            format!(
                "refused by the {} circuit breaker: {c} {what} of {} {threshold} (overflow, UO)",
                breaker.field(),
                breaker.field()
            )
        }
        AttemptEnd::ConnectFailed(ConnectFailure::Timeout) => {
            count("upstream_cx_connect_timeout");
            format!(
                "its connection's connect timed out (connect_timeout {})",
                ms(cx_connect_timeout(cx))
            )
        }
        AttemptEnd::ConnectFailed(why) => {
            count("upstream_cx_connect_fail");
            let how = match why {
                ConnectFailure::Refused => "the host refused it",
                _ => "the kernel gave up resending its SYNs",
            };
            format!("its connection's connect failed: {how}")
        }
        AttemptEnd::Reset(ResetKind::ConnectionTermination) => {
            "the connection closed under it (connection termination)".to_string()
        }
        AttemptEnd::Reset(ResetKind::RefusedStream) => {
            "the host refused the stream (REFUSED_STREAM)".to_string()
        }
        AttemptEnd::Reset(k) => format!("reset ({k:?})"),
        AttemptEnd::PerTryTimeout(t) => {
            count("upstream_rq_per_try_timeout");
            format!("its per-try timeout ({}) fires", ms(t))
        }
        AttemptEnd::RouteTimeout(t) => {
            count("upstream_rq_timeout");
            format!("the route timeout ({}) fires", ms(t))
        }
    }
}

fn cx_connect_timeout(cx: &Context) -> SimDuration {
    cx.connect_timeout
}
