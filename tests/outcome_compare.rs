//! `benches/outcomes/compare.py`, the check that a change of seeded outcomes leaves their
//! distributions alone, can tell: the same binary on other seeds passes, a slower host fails.

use std::process::Command;

use crate::common::root;

/// Runs the comparison of the binary under test with itself on the lab scenario, 30 seeds.
fn compare(extra: &[&str]) -> (i32, String) {
    let bin = env!("CARGO_BIN_EXE_breakersim");
    let out = Command::new("python3")
        .arg("benches/outcomes/compare.py")
        .args([bin, bin, "--seeds", "30"])
        .args(extra)
        .arg("scenarios/envoy-circuit-breaker-lab.toml")
        .current_dir(root())
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), text)
}

/// Seeds 1-30 against 1001-1030: two samples of one distribution, so no metric differs
/// beyond what chance gives.
#[test]
fn other_seeds_of_the_same_model_match() {
    let (code, text) = compare(&["--seed-offset-new", "1000"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("metrics compared over 30 seeds"), "{text}");
    assert!(!text.contains("DIFFERENT"), "{text}");
}

/// The python server four times slower (2 ms instead of a 500 us median): the share of
/// pending overflows and the latencies move far beyond chance, and the check fails naming them.
#[test]
fn a_slower_host_is_caught() {
    let (code, text) = compare(&[
        "--seed-offset-new",
        "1000",
        "--set-new",
        "backends.0.service_time=2ms",
    ]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("DIFFERENT: scenarios/envoy-circuit-breaker-lab.toml: client.latency_ms.p50"),
        "{text}"
    );
}
