//! The backend's TCP accept queue and Envoy's host kernel's SYN retransmissions, end to end,
//! with figures worked out by hand from Linux's rules (`sk_acceptq_is_full`,
//! `tcp_retransmit_timer`, `tcp_write_timeout`; see `sim-core/src/world/tcp.rs`).

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::time::SimDuration;

use crate::common::run_text;

/// Three client workers send one request each at 0, with no route timeout, to a
/// single-threaded host (concurrency 1, 10 s per request) with `listen_backlog = 0`, which holds one unaccepted connection. Each
/// request reaches Envoy at 150 us (100 us downstream connect + 50 us) and opens its own
/// connection, c1, c2, c3 in that order; each SYN's handshake completes (or is dropped) 100 us
/// after it leaves:
/// - 250 us: c1 completes into the accept queue (0 > 0 is false), c2 and c3 find it holding one
///   (1 > 0) and are dropped. c1's request reaches the host at 300 us and is served at once
///   (accepted: the queue is empty again) until 10.0003 s.
/// - 1.00015 s: the first retransmission timers fire (1 s after the SYNs). At 1.00025 s c2
///   completes into the queue; c3 finds c2 there and is dropped again. c2's request waits.
/// - c3 is sent again at 2, 3, 4, 5 s (linear timeouts) and 7, 11 s (doubling) after 150 us,
///   dropped each time while c2 waits unaccepted, until c2's service starts at 10.0003 s.
fn backlog_scenario(connect_timeout: &str) -> String {
    format!(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
connect_timeout = "{connect_timeout}"
[route]
timeout = "0s"
[[clients]]
kind = "closed_loop"
workers = 3
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "10s"
concurrency = 1
listen_backlog = 0
"#
    )
}

fn secs(s: &str) -> SimDuration {
    SimDuration::parse(s).unwrap()
}

/// With `connect_timeout = 4.5s`, Envoy's connect timer fires at 4.50015 s while c3 still waits
/// on the SYN it sent at 4.00015 s (dropped at 4.00025 s, next at 5.00015 s): a connect timeout,
/// 503 UF back at the client at 4.5002 s. c1 answers at 10.0004 s, c2 (served 10.0003 to
/// 20.0003 s) at 20.0004 s.
#[test]
fn a_connect_still_retrying_its_syn_times_out() {
    let r = run_text(&backlog_scenario("4500ms"));
    assert_eq!(r.client.count(200), 2);
    assert_eq!(r.client.flag(ResponseFlag::UF), 1);
    assert_eq!(r.stat("upstream_cx_connect_timeout"), 1);
    assert_eq!(r.stat("upstream_cx_connect_fail"), 1);
    assert_eq!(r.client.latency.min(), secs("4500200us"));
    assert_eq!(r.client.latency.max(), secs("20000400us"));
    // (4.5002 + 10.0004 + 20.0004) s / 3, rounded down to the nanosecond.
    assert_eq!(r.client.latency.mean(), SimDuration(11_500_333_333));
}

/// With a long `connect_timeout`, c3's SYN sent at 11.00015 s finds the queue empty (c2 was
/// accepted at 10.0003 s) and connects at 11.00025 s; its request waits for c2's and is served
/// 20.0003 to 30.0003 s: back at 30.0004 s.
#[test]
fn a_dropped_syn_connects_once_the_server_accepts() {
    let r = run_text(&backlog_scenario("60s"));
    assert_eq!(r.client.count(200), 3);
    assert_eq!(r.stat("upstream_cx_connect_fail"), 0);
    assert_eq!(r.client.latency.min(), secs("10000400us"));
    assert_eq!(r.client.latency.max(), secs("30000400us"));
    assert_eq!(r.client.latency.mean(), secs("20000400us"));
}

/// The default backlog (4096) never fills here: the three connect at 250 us and are served
/// one after the other, back at 10.0004, 20.0004 and 30.0004 s.
#[test]
fn the_default_backlog_takes_every_connection() {
    let r = run_text(&backlog_scenario("4500ms").replace("listen_backlog = 0\n", ""));
    assert_eq!(r.client.count(200), 3);
    assert_eq!(r.client.latency.max(), secs("30000400us"));
}

/// A black-holed host never answers a SYN. With no route timeout and a connect timer longer than the kernel's
/// patience, Linux's defaults give up 131 s after the first SYN (150 us): `connect()` fails
/// with ETIMEDOUT, a remote connection failure, 503 UF at the client at 131.0002 s. Before
/// Linux 6.5 (`tcp_syn_linear_timeouts = 0`) it gave up at 127 s.
#[test]
fn the_kernel_gives_up_on_a_black_hole_after_131_s() {
    let scenario = |linear: u32| {
        format!(
            r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
connect_timeout = "200s"
[route]
timeout = "0s"
[network.upstream]
tcp_syn_linear_timeouts = {linear}
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 1
[[backends]]
name = "b"
[[backends.phases]]
at = "0s"
black_hole = true
"#
        )
    };
    let r = run_text(&scenario(4));
    assert_eq!(r.client.flag(ResponseFlag::UF), 1);
    assert_eq!(r.stat("upstream_cx_connect_fail"), 1);
    assert_eq!(r.stat("upstream_cx_connect_timeout"), 0);
    assert_eq!(r.client.latency.max(), secs("131000200us"));
    let old = run_text(&scenario(0));
    assert_eq!(old.client.latency.max(), secs("127000200us"));
}
