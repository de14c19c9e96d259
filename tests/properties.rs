//! Property tests (proptest): random valid scenarios conserve every counter the results show,
//! and mutated scenario and sweep files fail with a located message, never a panic.
//!
//! Each property runs `cases()` cases: 256 by default (`cargo test` stays quick), or
//! `PROPTEST_CASES`. The generator's seed is fixed, so CI runs the same cases every time;
//! `PROPTEST_RNG_SEED=N` explores others. A long run:
//! `PROPTEST_CASES=100000 cargo test --release --test integration properties`.
//! A failing case is shrunk and saved beside its property's file
//! (`tests/properties/<name>.proptest-regressions`), replayed first on every later run.

mod conservation;
mod extremes;
mod generate;
mod mutations;
mod queue_lanes;

use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};

/// Cases per property: `PROPTEST_CASES`, else 256.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// The config of every property: `cases()` cases from a fixed seed (`PROPTEST_RNG_SEED` to
/// change it), failures saved beside the property's file (`conservation.proptest-regressions`).
pub fn config() -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6272_6561_6b65_7273);
    Config {
        cases: cases(),
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    }
}
