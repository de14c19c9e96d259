//! The simulated side of docs/validation.md, pinned: breakersim's hey against
//! `python3 -m http.server` (validation/scenarios/hey-python-http-server.toml, proxy = "none")
//! at C = 1, 10 and 50 must fall within the tolerances `validation/compare.py` states, against
//! the measurement kept in tests/fixtures/validation/python-http-server (the real side, never
//! edited). The mode windows and tolerances live once, in validation/analyse.py and compare.py.

use std::process::Command;

use sim_cli::output::hey_csv;
use sim_core::sim::{RunOptions, run_with};

use crate::common::{root, temp_dir};

#[test]
fn simulated_hey_against_python_http_server_matches_the_measurement() {
    let scenario_path = root().join("validation/scenarios/hey-python-http-server.toml");
    let sim_dir = temp_dir("validation-sim");
    let options = RunOptions {
        request_log: true,
        ..RunOptions::default()
    };
    for c in [1u32, 10, 50] {
        let sets = [
            format!("clients.0.workers={c}"),
            format!("clients.0.requests_per_worker={}", 200 / c),
        ];
        let s = sim_cli::scenario_file::read_scenario(&scenario_path, &sets).expect("loads");
        for seed in 1..=3 {
            let r = run_with(&s, seed, &options).expect("runs");
            let csv = hey_csv::render(&r);
            std::fs::write(sim_dir.join(format!("c{c}-run{seed}.csv")), csv).unwrap();
        }
    }
    let real = root().join("tests/fixtures/validation/python-http-server");
    let out = Command::new("python3")
        .arg(root().join("validation/compare.py"))
        .args([&real, &sim_dir])
        .output()
        .expect("python3 runs validation/compare.py");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "outside a tolerance:\n{table}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The shape itself: at C = 50 a quarter of the requests dial for about 1 s (SYN
    // retransmissions) and some wait 0.2 and 0.4 s (resent requests).
    for mode in [
        "| 50 | dial ~1s |",
        "| 50 | wait ~0.2s |",
        "| 50 | wait ~0.4s |",
    ] {
        assert!(table.contains(mode), "{mode} missing:\n{table}");
    }
}
