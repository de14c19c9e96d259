//! When a run ends: with `duration`, at that time; without, when no client will send again and
//! nothing is in flight. Background timers (phases) never keep a run going.

use sim_core::scenario::load_scenario;

use crate::common::run;

const CLOSED_LOOP: &str = r#"
[cluster]
name = "c"

[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 5
turnaround = "1ms"

[[backends]]
name = "b"
service_time = "2ms"

[[backends.phases]]
at = "1h"
error_probability = 1.0
"#;

#[test]
fn a_late_phase_does_not_stretch_the_run() {
    let s = load_scenario(CLOSED_LOOP, "inline", &[]).unwrap();
    let r = run(&s, 1);
    assert_eq!(r.client.received, 10);
    // 5 requests per worker, each ~2.2 ms of service and network plus 1 ms turnaround.
    assert!(r.sim_time.as_secs_f64() < 0.05, "{}", r.sim_time);
    assert_eq!(r.client.count(200), 10, "the phase never started");
}

#[test]
fn duration_ends_the_run_at_that_time() {
    let text = CLOSED_LOOP.replace("requests_per_worker = 5", "") + "\nduration = \"2s\"\n";
    // `duration` is a top-level key: put it before the first table.
    let text = format!(
        "duration = \"2s\"\n{}",
        text.trim_end_matches("\nduration = \"2s\"\n")
    );
    let s = load_scenario(&text, "inline", &[]).unwrap();
    let r = run(&s, 1);
    assert_eq!(r.sim_time.as_secs_f64(), 2.0);
    // Two workers in a ~3.2 ms loop for 2 s: about 1250 requests.
    assert!(
        (1100..1400).contains(&r.client.received),
        "{}",
        r.client.received
    );
    assert!(r.client.in_flight() <= 2);
}
