//! Sweep throughput, in runs per second, on 1 and 2 threads: sim-core's `run_sweep` (rayon over
//! the job list, results collected in job order, summaries) on a small sweep of the Istio
//! tutorial scenario, as `breakersim sweep` runs it (without writing files or charts): 5 values
//! of baseEjectionTime x 40 replications = 200 runs of 60 simulated seconds (1,200 requests)
//! each, about 0.2 s on one thread. The thread pool is built inside `run_sweep`, so its cost is
//! included, as in the CLI (a few milliseconds per sweep on this machine: with 50 runs per
//! sweep it weighed on the 2-thread figure, with 200 it is what a real sweep sees).
//!
//!     cargo bench --bench sweep

use std::path::PathBuf;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use sim_cli::scenario_file::{read_table, read_text};
use sim_core::sweep::{Grid, parse_sweep, point_scenarios, run_sweep};

const SWEEP: &str = r#"
scenario = "istio-outlier-tutorial.toml"
seed = 1
replications = 40
set = ["duration=60s"]
metrics = ["availability", "ejections"]

[[axes]]
path = "cluster.outlier_detection.base_ejection_time"
values = ["1s", "5s", "10s", "30s", "60s"]
"#;

fn sweep(c: &mut Criterion) {
    let spec = parse_sweep(SWEEP, "benches/sweep.rs").expect("a valid sweep");
    let base_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(&spec.scenario);
    let base_shown = base_path.display().to_string();
    let base_text = read_text(&base_path).expect("the tutorial scenario");
    let base = read_table(&base_path, &base_text).expect("the tutorial scenario");
    let grid = Grid::expand(&spec, "benches/sweep.rs").expect("a valid grid");
    let scenarios = point_scenarios(&spec, &grid, &base, &base_text, &base_shown, "sweep")
        .expect("valid grid points");
    let runs = grid.points.len() as u64 * spec.replications;
    assert_eq!(runs, 200);

    let mut group = c.benchmark_group("sweep_tutorial_200_runs");
    group
        .throughput(Throughput::Elements(runs))
        .sampling_mode(SamplingMode::Flat);
    for threads in [1, 2] {
        group.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| {
                run_sweep(&spec, grid.clone(), scenarios.clone(), threads, &|| {})
                    .expect("the tutorial stays within its limits")
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .without_plots()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .sample_size(20);
    targets = sweep
}
criterion_main!(benches);
