//! Backends' stop-the-world pauses (`pauses`) end to end, with figures worked out by hand from
//! the rules in `sim-core/src/world/pause.rs` (the running clock), `sim-core/src/sim/pause.rs`
//! (what a pause holds) and Linux's accept queue (`sk_acceptq_is_full`, `world/backend.rs`), on
//! a network of zero latency so that a client's latency is the host's time alone.

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::time::SimDuration;

use crate::common::run_text;

const MS: u64 = 1_000_000;

/// One host serving 100 ms per request, `backend` added to its table; `clients` as given.
fn scenario(backend: &str, clients: &str) -> String {
    format!(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[network.upstream]
latency = "0s"
connect_time = "0s"
[network.downstream]
latency = "0s"
connect_time = "0s"
{clients}
[[backends]]
name = "b"
service_time = "100ms"
{backend}
"#
    )
}

/// `workers` closed-loop workers sending one request each at `start`.
fn clients_at(start: &str, workers: u32) -> String {
    format!(
        "[[clients]]\nkind = \"closed_loop\"\nstart = \"{start}\"\nworkers = {workers}\n\
         requests_per_worker = 1\n"
    )
}

/// The first pause at `first` for `duration`, the next one 1,000 s later (never, here).
fn pause(first: &str, duration: &str) -> String {
    format!("pauses = {{ every = \"1000s\", duration = \"{duration}\", first = \"{first}\" }}\n")
}

fn ms(n: u64) -> SimDuration {
    SimDuration(n * MS)
}

/// `fifo`: a request of 100 ms starts at 0; a pause from 30 to 80 ms stops it after 30 ms of
/// work, and it needs 70 ms more from 80 ms: the response leaves at 150 ms.
#[test]
fn a_pause_delays_a_fifo_request_by_its_length() {
    let r = run_text(&scenario(&pause("30ms", "50ms"), &clients_at("0s", 1)));
    assert_eq!(r.client.count(200), 1);
    assert_eq!(r.client.latency.max(), ms(150));
}

/// The same host without `pauses` answers at 100 ms, and so does one whose first pause comes
/// after the request.
#[test]
fn a_pause_outside_a_request_changes_nothing() {
    let r = run_text(&scenario("", &clients_at("0s", 1)));
    assert_eq!(r.client.latency.max(), ms(100));
    let r = run_text(&scenario(&pause("200ms", "50ms"), &clients_at("0s", 1)));
    assert_eq!(r.client.latency.max(), ms(100));
}

/// Turning pauses on does not move the host's own draws: twenty requests in a row with
/// exponential service times, against the same host with pauses whose first falls, drawn from
/// the pause stream, long after the run (within the first 1,000 s; these requests take about
/// 20 ms). The draw of the first pause must not come from the host's stream.
#[test]
fn the_pause_stream_leaves_service_draws_alone() {
    let text = |backend: &str| {
        scenario(backend, &clients_at("0s", 1))
            .replace("requests_per_worker = 1", "requests_per_worker = 20")
            .replace(
                "service_time = \"100ms\"",
                "service_time = { exponential = { mean = \"1ms\" } }",
            )
    };
    let plain = run_text(&text(""));
    let paused = run_text(&text("pauses = { every = \"1000s\", duration = \"1s\" }"));
    assert_eq!(plain.client.latency.mean(), paused.client.latency.mean());
    assert_eq!(plain.client.latency.max(), paused.client.latency.max());
}

/// `processor_sharing`: two requests of 100 ms at 0 would be done together at 200 ms. A pause
/// from 50 to 150 ms stops the shared server with 25 ms of each done; each needs 75 ms more,
/// 150 ms shared: both done at 300 ms.
#[test]
fn a_pause_stops_the_shared_server() {
    let backend = format!(
        "service_model = \"processor_sharing\"\n{}",
        pause("50ms", "100ms")
    );
    let r = run_text(&scenario(&backend, &clients_at("0s", 2)));
    assert_eq!(r.client.count(200), 2);
    assert_eq!(r.client.latency.min(), ms(300));
    assert_eq!(r.client.latency.max(), ms(300));
}

/// A queued request waits for the pause too: `concurrency = 1`, two requests at 0; A is
/// served, B waits. A pause from 50 to 100 ms moves A's end from 100 to 150 ms, when B starts:
/// done at 250 ms.
#[test]
fn a_queued_request_waits_out_the_pause() {
    let backend = format!("concurrency = 1\n{}", pause("50ms", "50ms"));
    let r = run_text(&scenario(&backend, &clients_at("0s", 2)));
    assert_eq!(r.client.count(200), 2);
    assert_eq!(r.client.latency.min(), ms(150));
    assert_eq!(r.client.latency.max(), ms(250));
}

/// Requests that arrive during a pause wait in the kernel and count at the host only when the
/// process reads them: `concurrency = 1`, `max_queue_length = 0`, paused from 0 to 50 ms, two
/// requests at 10 ms. At 50 ms the first is read and starts (done at 150 ms: latency 140 ms);
/// the second, read next, finds the slot busy and no room to wait: 503 at once, at 50 ms
/// (latency 40 ms).
#[test]
fn requests_arriving_during_a_pause_are_read_when_it_ends() {
    let backend = format!(
        "concurrency = 1\nmax_queue_length = 0\n{}",
        pause("0s", "50ms")
    );
    let r = run_text(&scenario(&backend, &clients_at("10ms", 2)));
    assert_eq!(r.client.count(200), 1);
    assert_eq!(r.client.count(503), 1);
    assert_eq!(r.client.latency.min(), ms(40));
    assert_eq!(r.client.latency.max(), ms(140));
}

/// The kernel still completes handshakes into the accept queue during a pause, and drops what
/// finds it full; the server accepts none until the pause ends. An event-loop host
/// (`concurrency = 0`), `listen_backlog = 0` (room for one), paused from 0 to 1.5 s; two
/// requests at 0, each on its own connection (connects take no time):
/// - both SYNs find the queue empty as they leave; c1's handshake completes into it (0 > 0 is
///   false) and its request is held; c2's final ACK finds it holding one (1 > 0) and is
///   dropped, and so is its request, resent 0.2, 0.4 and 0.8 s later into the full queue.
/// - 1.5 s: the pause ends; c1's request is read (c1 accepted) and served until 1.6 s.
/// - 1.6 s: c2's request, resent again, finds room: c2 is created and served until 1.7 s.
///
/// `max_requests_per_connection = 1` keeps Envoy from giving c2's request to c1 once c1 is
/// free at 1.6 s (it would be served from 1.6 to 1.7 s).
#[test]
fn handshakes_complete_into_the_accept_queue_during_a_pause() {
    let backend = format!("listen_backlog = 0\n{}", pause("0s", "1500ms"));
    let text = scenario(&backend, &clients_at("0s", 2)).replace(
        "name = \"c\"\n",
        "name = \"c\"\ncommon_http_protocol_options = { max_requests_per_connection = 1 }\n",
    );
    let r = run_text(&text);
    assert_eq!(r.client.count(200), 2);
    assert_eq!(r.client.latency.min(), ms(1600));
    assert_eq!(r.client.latency.max(), ms(1700));
    assert_eq!(r.stat("upstream_cx_connect_fail"), 0);
}

/// Without the pause the same two connect at once and are done at 100 ms: the event loop
/// accepts each handshake as it completes, so the backlog never fills.
#[test]
fn without_a_pause_the_event_loop_accepts_at_once() {
    let r = run_text(&scenario("listen_backlog = 0\n", &clients_at("0s", 2)));
    assert_eq!(r.client.latency.max(), ms(100));
}

fn crash(at: &str, until: &str) -> String {
    format!(
        "[[backends.phases]]\nat = \"{at}\"\ncrashed = true\n\
         [[backends.phases]]\nat = \"{until}\"\ncrashed = false\n"
    )
}

/// A crash ends a pause: paused from 30 ms (for 50 ms), crashed at 50 ms (the request in
/// service is reset: 503 UC) and back at 60 ms. A request at 70 ms, within what would have
/// been the pause, is served at once: 100 ms.
#[test]
fn a_crash_ends_a_pause_in_progress() {
    let clients = format!("{}\n{}", clients_at("0s", 1), clients_at("70ms", 1));
    let backend = format!("{}{}", pause("30ms", "50ms"), crash("50ms", "60ms"));
    let r = run_text(&scenario(&backend, &clients));
    assert_eq!(r.client.count(200), 1);
    assert_eq!(r.client.flag(ResponseFlag::UC), 1);
    assert_eq!(r.client.latency.max(), ms(100));
}

/// A pause due while the host is crashed pauses nothing: crashed from 20 to 40 ms, a pause
/// due from 30 to 80 ms; a request at 50 ms is served at once (100 ms, not 130 ms).
#[test]
fn a_pause_during_a_crash_pauses_nothing() {
    let backend = format!("{}{}", pause("30ms", "50ms"), crash("20ms", "40ms"));
    let r = run_text(&scenario(&backend, &clients_at("50ms", 1)));
    assert_eq!(r.client.count(200), 1);
    assert_eq!(r.client.latency.max(), ms(100));
}

/// Two pauses during one request add up: 300 ms of work from 0, pauses of 50 ms at 100 ms
/// and, 100 ms of running later, at 250 ms: done at 400 ms.
#[test]
fn pauses_add_up() {
    let backend = "service_time = \"300ms\"\n\
                   pauses = { every = \"100ms\", duration = \"50ms\", first = \"100ms\" }\n";
    let r = run_text(
        &scenario(backend, &clients_at("0s", 1)).replace("service_time = \"100ms\"\n", ""),
    );
    assert_eq!(r.client.latency.max(), ms(400));
}

/// A zero pause is refused with its field path.
#[test]
fn a_pause_of_zero_is_rejected() {
    let text = scenario(
        "pauses = { every = \"1s\", duration = \"0s\" }\n",
        &clients_at("0s", 1),
    );
    let err = sim_core::scenario::load_scenario(&text, "inline", &[]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("backends[0].pauses.duration"), "{text}");
    assert!(text.contains("pauses nothing"), "{text}");
}
