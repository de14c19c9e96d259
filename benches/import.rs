//! Import throughput, in bytes of config per second, on a bootstrap of many static clusters:
//! pretty-printed JSON (as Envoy's `/config_dump` and `istioctl` write it) and the same on one
//! line (as `jq -c` writes it), so that a cost growing with the length of a line, or with the
//! bytes before each field, shows as the minified figure falling behind the pretty one.
//!
//!     cargo bench --bench import

use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use serde_json::{Value, json};
use sim_cli::import::{ImportOptions, InputFile, import};

/// Static clusters in the bootstrap; the one imported is the last.
const CLUSTERS: usize = 1_000;

/// Cluster `i`: breakers, outlier detection, five endpoints, and a field breakersim does not
/// model (`metadata`), so each import also finds and reports one unread field.
fn cluster(i: usize) -> Value {
    let endpoints: Vec<Value> = (0..5)
        .map(|j| {
            json!({"endpoint": {"address": {"socket_address": {
                "address": format!("h{j}.c-{i}.svc"), "port_value": 8080}}}})
        })
        .collect();
    json!({
        "name": format!("c-{i}"),
        "type": "STRICT_DNS",
        "connect_timeout": "1s",
        "lb_policy": "LEAST_REQUEST",
        "circuit_breakers": {"thresholds": [{"max_connections": 100, "max_pending_requests": 10,
            "max_requests": 100, "max_retries": 3}]},
        "outlier_detection": {"consecutive_5xx": 5, "interval": "10s",
            "base_ejection_time": "30s", "max_ejection_percent": 10},
        "load_assignment": {"cluster_name": format!("c-{i}"),
            "endpoints": [{"lb_endpoints": endpoints}]},
        "metadata": {"filter_metadata": {"team": {"owner": "payments"}}}
    })
}

fn import_bootstrap(c: &mut Criterion) {
    let clusters: Vec<Value> = (0..CLUSTERS).map(cluster).collect();
    let bootstrap = json!({"static_resources": {"clusters": clusters}});
    let forms = [
        (
            "pretty",
            serde_json::to_string_pretty(&bootstrap).expect("JSON"),
        ),
        ("one_line", serde_json::to_string(&bootstrap).expect("JSON")),
    ];
    let options = ImportOptions {
        cluster: Some(format!("c-{}", CLUSTERS - 1)),
        ..ImportOptions::default()
    };
    let mut group = c.benchmark_group("import_1000_clusters");
    group.sampling_mode(SamplingMode::Flat);
    for (form, text) in forms {
        let files = [InputFile {
            source: format!("{form}.json"),
            text,
        }];
        group.throughput(Throughput::Bytes(files[0].text.len() as u64));
        group.bench_function(BenchmarkId::new("form", form), |b| {
            b.iter(|| import(&files, &options).expect("the bootstrap imports"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .without_plots()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .sample_size(10);
    targets = import_bootstrap
}
criterion_main!(benches);
