//! Same scenario and seed give byte-identical output, whatever else runs at the same time;
//! different seeds give different runs; sim-core touches no clock, environment or filesystem
//! and iterates no hash map.

use sim_cli::output::{Format, render};

use crate::common::{load, root, run};

fn lab_json(seed: u64) -> String {
    let s = load("envoy-circuit-breaker-lab.toml");
    render(&run(&s, seed), Format::Json)
}

#[test]
fn same_seed_gives_byte_identical_json() {
    assert_eq!(lab_json(7), lab_json(7));
    let s = load("open-loop-overload.toml");
    assert_eq!(
        render(&run(&s, 3), Format::Json),
        render(&run(&s, 3), Format::Json)
    );
}

#[test]
fn different_seeds_give_different_runs() {
    assert_ne!(lab_json(1), lab_json(2));
}

#[test]
fn results_do_not_depend_on_the_thread_that_runs_them() {
    let alone = lab_json(11);
    let threads: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(|| lab_json(11)))
        .collect();
    for t in threads {
        assert_eq!(t.join().expect("no panic"), alone);
    }
}

/// sim-core must not read the wall clock, the environment or the filesystem, nor iterate a
/// `HashMap`/`HashSet` (their order is random per process).
#[test]
fn sim_core_has_no_clock_io_or_hash_iteration() {
    let forbidden = [
        "HashMap",
        "HashSet",
        "Instant::now",
        "SystemTime",
        "std::fs",
        "std::env",
        "thread_rng",
        "std::io",
    ];
    let mut offenders = Vec::new();
    let mut stack = vec![root().join("sim-core/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable source");
                for word in forbidden {
                    if text.contains(word) {
                        offenders.push(format!("{}: {word}", path.display()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}
