//! The simulated side of docs/validation.md, pinned: breakersim's hey against the real servers
//! (validation/scenarios/*.toml, `proxy = "none"`) must fall within the tolerances that
//! `validation/compare.py` states, against the measurements kept in tests/fixtures/validation
//! (the real side, never edited), and docs/validation.md must show exactly the tables that gives.
//! The mode windows and tolerances live once, in validation/analyse.py and compare.py;
//! `validation/validate.sh` runs the same comparison from the shell (and can measure again).

use std::path::Path;
use std::process::Command;

use sim_cli::output::hey_csv;
use sim_core::sim::{RunOptions, run_with};

use crate::common::{root, temp_dir};

/// The concurrencies measured; C = 100 is reported, not judged (docs/validation.md says why).
const CONCURRENCIES: [u32; 4] = [1, 10, 50, 100];
const SEEDS: std::ops::RangeInclusive<u64> = 1..=3;

/// Writes `cC-runS.csv` for every concurrency and seed of one validation scenario.
fn simulate(scenario: &Path, out: &Path) {
    let options = RunOptions {
        request_log: true,
        ..RunOptions::default()
    };
    for c in CONCURRENCIES {
        let sets = [
            format!("clients.0.workers={c}"),
            format!("clients.0.requests_per_worker={}", 200 / c),
        ];
        let s = sim_cli::scenario_file::read_scenario(scenario, &sets).expect("loads");
        for seed in SEEDS {
            let r = run_with(&s, seed, &options).expect("runs");
            std::fs::write(out.join(format!("c{c}-run{seed}.csv")), hey_csv::render(&r)).unwrap();
        }
    }
}

/// `compare.py`'s table for one server, and whether every judged row is within tolerance.
fn compare(server: &str, sim: &Path) -> (String, bool) {
    let real = root().join("tests/fixtures/validation").join(server);
    let out = Command::new("python3")
        .arg(root().join("validation/compare.py"))
        .args([real.as_path(), sim])
        .args(["--inform", "100"])
        .output()
        .expect("python3 runs validation/compare.py");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.success(),
    )
}

#[test]
fn simulated_hey_matches_every_real_server_and_the_doc_shows_it() {
    let mut tables = String::new();
    let mut scenarios: Vec<_> = std::fs::read_dir(root().join("validation/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenarios.sort();
    for scenario in &scenarios {
        let stem = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let server = stem
            .strip_prefix("hey-")
            .expect("validation/scenarios/hey-SERVER.toml");
        let sim = temp_dir(&format!("validation-{server}"));
        simulate(scenario, &sim);
        let (table, within) = compare(server, &sim);
        assert!(within, "{server}: outside a tolerance:\n{table}");
        tables += &format!("### {server}\n{table}\n");
    }
    // The shape itself: at C = 50 python's queue of 6 gives dials of about 1 s and waits of
    // 0.2 and 0.4 s.
    for mode in [
        "| 50 | dial ~1s |",
        "| 50 | wait ~0.2s |",
        "| 50 | wait ~0.4s |",
    ] {
        assert!(tables.contains(mode), "{mode} missing:\n{tables}");
    }
    let doc_path = root().join("docs/validation.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let (begin, end) = (
        "<!-- validation tables -->\n",
        "<!-- end of validation tables -->",
    );
    let start = doc.find(begin).expect("the doc marks its tables") + begin.len();
    let stop = doc.find(end).expect("the doc marks the end of its tables");
    if std::env::var_os("BREAKERSIM_BLESS_DOCS").is_some() {
        let blessed = format!("{}{tables}{}", &doc[..start], &doc[stop..]);
        std::fs::write(&doc_path, blessed).unwrap();
        return;
    }
    assert_eq!(
        doc[start..stop],
        tables,
        "docs/validation.md's tables are not what the comparison gives; \
         bless with BREAKERSIM_BLESS_DOCS=1 cargo test --test integration validation"
    );
}
