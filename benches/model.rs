//! Whole runs of the model: `sim_core::sim::run` on the bench scenarios
//! (`scenarios/bench/bench-{10,100,1000}-hosts.toml`: open-loop load near capacity, retries,
//! LEAST_REQUEST, HTTP/1.1 pools, outlier ejections; `bench-mesh-100-sidecars.toml` the first's
//! traffic over 100 sidecars), loaded as the CLI loads them.
//!
//! Two groups time the same runs with different throughputs, both counted from one run made
//! beforehand (the same scenario and seed give the same counts every time):
//! - `model_requests`: simulated requests per second, the requests the clients *sent*;
//! - `model_events`: events processed per second (`RunResult::events_processed`).
//!
//! A run takes seconds, so each benchmark takes 10 samples of one run each (flat sampling).
//!
//!     cargo bench --bench model

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use sim_core::scenario::Scenario;
use sim_core::sim::run;

const SCENARIOS: [&str; 4] = [
    "bench-10-hosts",
    "bench-100-hosts",
    "bench-1000-hosts",
    "bench-mesh-100-sidecars",
];
const SAMPLES: usize = 10;

struct Bench {
    name: &'static str,
    scenario: Scenario,
    seed: u64,
    requests_sent: u64,
    events: u64,
    /// Wall time of the counting run, to size the measurement time.
    wall: Duration,
}

fn load(name: &'static str) -> Bench {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/bench")
        .join(format!("{name}.toml"));
    let scenario = sim_cli::scenario_file::read_scenario(&path, &[])
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let seed = scenario.seed;
    let started = Instant::now();
    let result = run(&scenario, seed).expect("the bench scenarios stay within their limits");
    let wall = started.elapsed();
    eprintln!(
        "{name}: {} requests sent, {} events processed (one run: {:.2} s)",
        result.client.sent,
        result.events_processed,
        wall.as_secs_f64()
    );
    Bench {
        name,
        scenario,
        seed,
        requests_sent: result.client.sent,
        events: result.events_processed,
        wall,
    }
}

fn group(c: &mut Criterion, group_name: &str, benches: &[Bench], count: fn(&Bench) -> u64) {
    let mut group = c.benchmark_group(group_name);
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_millis(1));
    for bench in benches {
        // Room for SAMPLES runs, so that criterion takes one run per sample without warning.
        group.measurement_time(bench.wall.mul_f64(SAMPLES as f64 * 1.3));
        group.throughput(Throughput::Elements(count(bench)));
        group.bench_function(BenchmarkId::from_parameter(bench.name), |b| {
            b.iter(|| run(black_box(&bench.scenario), bench.seed))
        });
    }
    group.finish();
}

fn model(c: &mut Criterion) {
    let benches: Vec<Bench> = SCENARIOS.into_iter().map(load).collect();
    group(c, "model_requests", &benches, |b| b.requests_sent);
    group(c, "model_events", &benches, |b| b.events);
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = model
}
criterion_main!(benches);
