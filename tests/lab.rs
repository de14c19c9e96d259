//! The circuit-breaker lab (README.md, docs/circuit-breaker-lab.md): its invariants
//! hold for every seed, and its timing-dependent figures land in the band of the real lab
//! (107 x 200, upstream_cx_overflow / 200s = 134 / 107 = 1.25).

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::sim::RunResult;

use crate::common::{load, run};

fn lab_runs(seeds: std::ops::RangeInclusive<u64>) -> Vec<RunResult> {
    let s = load("envoy-circuit-breaker-lab.toml");
    seeds.map(|seed| run(&s, seed)).collect()
}

#[test]
fn invariants_hold_for_seeds_1_to_50() {
    let workers = load("envoy-circuit-breaker-lab.toml")
        .envoy
        .concurrency
        .get() as u64;
    for r in lab_runs(1..=50) {
        let seed = r.seed;
        let ok = r.client.count(200);
        let unavailable = r.client.count(503);
        // 1. hey: every one of 50 x 4 requests gets a 200 or a 503.
        assert_eq!(ok + unavailable, 200, "seed {seed}");
        assert_eq!(r.client.received, 200, "seed {seed}");
        // 2. Every 503 is a pending overflow, flagged UO.
        assert_eq!(
            unavailable,
            r.stat("upstream_rq_pending_overflow"),
            "seed {seed}"
        );
        assert_eq!(unavailable, r.stat("upstream_rq_503"), "seed {seed}");
        assert_eq!(unavailable, r.client.flag(ResponseFlag::UO), "seed {seed}");
        // 3. One fresh connection per request, and every admitted request went through pending.
        for stat in [
            "upstream_rq_total",
            "upstream_cx_total",
            "upstream_cx_http1_total",
            "upstream_rq_pending_total",
            "upstream_cx_close_notify",
            "upstream_rq_200",
        ] {
            assert_eq!(ok, r.stat(stat), "seed {seed}: {stat}");
        }
        // 4. No connect failure, timeout, purge, retry, cancellation or missing host.
        for stat in [
            "upstream_cx_connect_fail",
            "upstream_cx_connect_timeout",
            "upstream_rq_pending_failure_eject",
            "upstream_rq_cancelled",
            "upstream_cx_none_healthy",
            "upstream_rq_timeout",
        ] {
            assert_eq!(r.stat(stat), 0, "seed {seed}: {stat}");
        }
        // 5. The first 20 requests to arrive are never refused.
        assert!(ok >= 20, "seed {seed}");
        // 6. Connections exceed 20 only through the no-connection rule, one per worker pool.
        assert!(r.peaks.upstream_cx_active >= 20, "seed {seed}");
        assert!(r.peaks.upstream_cx_active <= 20 + workers, "seed {seed}");
        assert!(r.peaks.upstream_rq_pending_active <= 20, "seed {seed}");
        // Everything is released at the end.
        assert_eq!(r.stat("upstream_cx_active"), 0);
        assert_eq!(r.stat("upstream_rq_active"), 0);
        assert_eq!(r.stat("upstream_rq_pending_active"), 0);
    }
}

#[test]
fn default_run_is_in_the_labs_band() {
    let s = load("envoy-circuit-breaker-lab.toml");
    let r = run(&s, s.seed);
    let ok = r.client.count(200);
    assert!((95..=120).contains(&ok), "{ok} x 200");
}

#[test]
fn means_over_seeds_1_to_20_match_the_lab() {
    let runs = lab_runs(1..=20);
    let n = runs.len() as f64;
    let mean_ok = runs.iter().map(|r| r.client.count(200) as f64).sum::<f64>() / n;
    let mean_ratio = runs
        .iter()
        .map(|r| r.stat("upstream_cx_overflow") as f64 / r.client.count(200) as f64)
        .sum::<f64>()
        / n;
    assert!((100.0..=115.0).contains(&mean_ok), "mean 200s {mean_ok}");
    assert!(
        (0.9..=1.6).contains(&mean_ratio),
        "mean cx_overflow / 200s {mean_ratio}"
    );
}

/// With one Envoy worker there is one pool: connections never exceed 20 (spec §3.6).
#[test]
fn one_worker_never_exceeds_max_connections() {
    let mut s = load("envoy-circuit-breaker-lab.toml");
    s.envoy.concurrency = std::num::NonZeroU32::MIN;
    for seed in 1..=10 {
        let r = run(&s, seed);
        assert_eq!(r.peaks.upstream_cx_active, 20, "seed {seed}");
        assert_eq!(r.client.count(200) + r.client.count(503), 200);
    }
}
