//! The backend's TCP accept queue and Envoy's host kernel's SYN retransmissions, end to end,
//! with figures worked out by hand from Linux's rules (`sk_acceptq_is_full`,
//! `tcp_retransmit_timer`, `tcp_write_timeout`; see `sim-core/src/world/tcp.rs`).

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::time::SimDuration;

use crate::common::run_text;

/// Two client workers send one request each at 0 and a third client's worker one at 1 ms, with
/// no route timeout, to a single-threaded host (concurrency 1, 10 s per request) with
/// `listen_backlog = 0`, whose accept queue holds one connection. Each request reaches Envoy
/// 150 us after it is sent (100 us downstream connect + 50 us) and opens its own connection;
/// a SYN finds the queue as it leaves, and its handshake completes (or its final ACK is
/// dropped) 100 us later:
/// - c1 and c2 leave at 150 us into an empty queue. At 250 us c1 completes into the queue
///   (0 > 0 is false); c2's ACK finds it holding one (1 > 0) and is dropped: Envoy counts c2
///   connected, the host does not. At 300 us c1's request is served at once (accepted: the
///   queue is empty again) until 10.0003 s, and c2's request finds room: the kernel creates
///   c2 with it, and it waits, unaccepted, in the queue.
/// - c3's SYN leaves at 1.15 ms into the full queue and is dropped; it is sent again 1, 2, 3,
///   4, 5 s (linear timeouts) and 7, 11 s (doubling) after 1.15 ms, dropped each time while c2
///   waits, until c2's service starts at 10.0003 s.
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
workers = 2
requests_per_worker = 1
[[clients]]
kind = "closed_loop"
start = "1ms"
workers = 1
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

/// With `connect_timeout = 4.5s`, Envoy's connect timer fires at 4.50115 s while c3 still waits
/// on the SYN it sent at 4.00115 s (dropped, next at 5.00115 s): a connect timeout, 503 UF
/// back at the client at 4.5012 s, 4.5002 s after it sent. c1 answers at 10.0004 s, c2 (served
/// 10.0003 to 20.0003 s) at 20.0004 s. Dropped at the full queue: c2's ACK, and c3's SYN at
/// 1.15 ms and 1, 2, 3, 4 s later.
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
    assert_eq!(r.listen_overflows(), 6);
}

/// With a long `connect_timeout`, c3's SYN sent at 11.00115 s finds the queue empty (c2 was
/// accepted at 10.0003 s) and connects at 11.00125 s; its request waits for c2's and is served
/// 20.0003 to 30.0003 s: back at 30.0004 s, 29.9994 s after it was sent.
#[test]
fn a_dropped_syn_connects_once_the_server_accepts() {
    let r = run_text(&backlog_scenario("60s"));
    assert_eq!(r.client.count(200), 3);
    assert_eq!(r.stat("upstream_cx_connect_fail"), 0);
    assert_eq!(r.client.latency.min(), secs("10000400us"));
    assert_eq!(r.client.latency.max(), secs("29999400us"));
    // (10.0004 + 20.0004 + 29.9994) s / 3.
    assert_eq!(r.client.latency.mean(), SimDuration(20_000_066_666));
    // c2's ACK; c3's SYN at 1.15 ms and 1, 2, 3, 4, 5, 7 s later.
    assert_eq!(r.listen_overflows(), 8);
}

/// Four workers at 0 to a host serving two at once (1 s each) with `listen_backlog = 0`. At
/// 250 us c1 completes into the queue and the ACKs of c2, c3 and c4 are dropped. At 300 us the
/// four requests reach the host in order: c1 is served (the queue empties); c2's request
/// creates c2 (room) and is served too; c3's creates c3, which waits for a free slot in the
/// queue; c4's finds the queue full and is dropped. Envoy's kernel sends it again 0.2, 0.4,
/// 0.8 s later (the tail-loss probe, then the RTO, doubling: `tcp_rto_min`), dropped while c3
/// waits; c1 and c2 finish at 1.0003 s and c3 is served, leaving the queue; the copy sent
/// 1.6 s after the first arrives at 1.6003 s, finds room and is served at once: back at the
/// client at 2.6004 s instead of 2.0004 s. Dropped: three ACKs and four copies of c4's request.
#[test]
fn a_request_on_an_unfinished_handshake_is_resent_until_it_finds_room() {
    let scenario = r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[route]
timeout = "0s"
[[clients]]
kind = "closed_loop"
workers = 4
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "1s"
concurrency = 2
listen_backlog = 0
"#;
    let r = run_text(scenario);
    assert_eq!(r.client.count(200), 4);
    assert_eq!(r.client.latency.min(), secs("1000400us"));
    assert_eq!(r.client.latency.max(), secs("2600400us"));
    // (1.0004 × 2 + 2.0004 + 2.6004) s / 4.
    assert_eq!(r.client.latency.mean(), secs("1650400us"));
    assert_eq!(r.listen_overflows(), 7);
    assert_eq!(r.stat("upstream_cx_connect_fail"), 0);
}

/// An accept loop (Python's `socketserver`) with 1 ms per accept and no concurrency limit:
/// three workers' connections complete into the queue at 250 us in order (backlog 4096). The
/// loop turns to c1 at once and has it at 1.25 ms, c2 at 2.25 ms and c3 at 3.25 ms. The
/// requests, there since 300 us, wait in their sockets until then and are served 1 ms each
/// (all at once): at the client 100 us later, 2.35, 3.35 and 4.35 ms.
#[test]
fn an_accept_loop_takes_one_connection_per_turn() {
    let scenario = r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[[clients]]
kind = "closed_loop"
workers = 3
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "1ms"
accept_time = "1ms"
"#;
    let r = run_text(scenario);
    assert_eq!(r.client.count(200), 3);
    assert_eq!(r.client.latency.min(), secs("2350us"));
    assert_eq!(r.client.latency.max(), secs("4350us"));
    assert_eq!(r.client.latency.mean(), secs("3350us"));
}

/// The default backlog (4096) never fills here: the three connect at 250 us and 1.25 ms and
/// are served one after the other, back at 10.0004, 20.0004 and 30.0004 s.
#[test]
fn the_default_backlog_takes_every_connection() {
    let r = run_text(&backlog_scenario("4500ms").replace("listen_backlog = 0\n", ""));
    assert_eq!(r.client.count(200), 3);
    assert_eq!(r.client.latency.max(), secs("29999400us"));
    assert_eq!(r.listen_overflows(), 0);
}

/// A black-holed host never answers a SYN. With no route timeout and a connect timer longer
/// than the kernel's patience, Linux's defaults give up after the 10th retransmission, at the
/// timer's next firing, 131 s after the first SYN by `ip-sysctl.rst`'s nominal figures. Each
/// timer fires on the timer wheel (HZ = 250, `timer_wheel_expiry`), worked by hand in jiffies
/// of 4 ms from the first SYN at 150 us (jiffy 0): linear 1 s timers (250 jiffies, 8-jiffy
/// buckets) fire at 256, 512, 768, 1024, 1280; then 2 s (500, 8-jiffy) at 1784; 4 s, 8 s, 16 s
/// (64-jiffy buckets) at 2816, 4864, 8896; 32 s and 64 s (512-jiffy buckets) at 17408 and
/// 33792: the connect fails at 135.168 s (`ETIMEDOUT`, a remote connection failure), 503 UF
/// at the client 50 us later. Before Linux 6.5 (`tcp_syn_linear_timeouts = 0`): 256, 760,
/// 1792, 3840, 7872, 16384, then the give-up at 32768, 131.072 s.
#[test]
fn the_kernel_gives_up_on_a_black_hole_after_its_last_syn_timer() {
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
    assert_eq!(r.client.latency.max(), secs("135168050us"));
    let old = run_text(&scenario(0));
    assert_eq!(old.client.latency.max(), secs("131072050us"));
}

/// An accept loop stopped by a pause: 1 ms per accept, a pause from 0.5 to 5.5 ms. The loop
/// turns to c1 at 250 us; its turn would end at 1.25 ms, inside the pause, so the process has
/// c1 only when it runs again, at 5.5 ms, and serves its request (waiting since 300 us) until
/// 6.5 ms: at the client at 6.6 ms. The loop then turns to c2 and has it at 6.5 ms: served
/// until 7.5 ms, at the client at 7.6 ms.
#[test]
fn a_pause_stops_the_accept_loop() {
    let scenario = r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "1ms"
accept_time = "1ms"
pauses = { every = "1000s", duration = "5ms", first = "500us" }
"#;
    let r = run_text(scenario);
    assert_eq!(r.client.count(200), 2);
    assert_eq!(r.client.latency.min(), secs("6600us"));
    assert_eq!(r.client.latency.max(), secs("7600us"));
}
