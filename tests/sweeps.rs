//! Sweeps: byte-identical outputs on any number of threads, summaries that add up, and sweep
//! files that fail with a clear message.

use std::path::PathBuf;

use crate::common::{breakersim, dir_files, root, temp_file};

/// A small sweep of the lab: 2 x 2 points x 3 replications, every kind of chart.
pub fn small_sweep(name: &str) -> PathBuf {
    let lab = root().join("scenarios/envoy-circuit-breaker-lab.toml");
    let text = format!(
        r#"
scenario = "{lab}"
seed = 7
replications = 3
metrics = ["share.503", "requests", "stat.upstream_cx_overflow", "latency.p99"]

[[axes]]
path = "cluster.circuit_breakers.thresholds.0.max_pending_requests"
label = "pending"
values = [10, 40]

[[axes]]
path = "network.upstream.connect_time"
label = "connect"
values = ["500us", "2ms"]

[[charts]]
kind = "line"
file = "line.svg"
title = "503 share"
metric = "share.503"
x = "connect"
series = "pending"
baseline = {{ label = "Envoy's default breakers", unset = ["cluster.circuit_breakers"] }}

[[charts]]
kind = "heatmap"
file = "heat.svg"
title = "503 share"
metric = "share.503"
x = "connect"
y = "pending"
highlight = {{ point = ["pending=40", "connect=2ms"], label = "one cell" }}

[[charts]]
kind = "timeline"
file = "timeline.svg"
title = "one run"
bucket = "10ms"
"#,
        lab = lab.display()
    );
    temp_file(name, &text)
}

#[test]
fn outputs_are_byte_identical_on_1_and_4_threads() {
    let sweep = small_sweep("threads.toml");
    let base = std::env::temp_dir().join(format!("breakersim-sweep-{}", std::process::id()));
    let (one, four) = (base.join("one"), base.join("four"));
    for (threads, out) in [("1", &one), ("4", &four)] {
        let r = breakersim(&[
            "sweep",
            sweep.to_str().unwrap(),
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains("12 runs (4 points x 3 replications)"),
            "{}",
            r.stdout
        );
    }
    let (a, b) = (dir_files(&one), dir_files(&four));
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "heat.svg",
            "line.svg",
            "runs.csv",
            "runs.journal",
            "summary.csv",
            "summary.json",
            "timeline.svg"
        ]
    );
    assert_eq!(a, b, "1 and 4 threads must write the same bytes");
}

#[test]
fn tables_have_a_row_per_run_and_per_point() {
    let sweep = small_sweep("tables.toml");
    let out = std::env::temp_dir().join(format!("breakersim-tables-{}", std::process::id()));
    let r = breakersim(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(
        lines[0],
        "run,point,replication,seed,cluster.circuit_breakers.thresholds.0.max_pending_requests,network.upstream.connect_time,share.503,requests,stat.upstream_cx_overflow,latency.p99_ms"
    );
    assert_eq!(lines.len(), 1 + 12);
    assert!(lines[1].starts_with("0,0,0,"));
    assert!(
        lines[4].starts_with("3,1,0,"),
        "point-major, replications within"
    );
    // Replication r uses the same seed at every point (common random numbers).
    let seed = |l: &str| l.split(',').nth(3).unwrap().to_string();
    assert_eq!(seed(lines[1]), seed(lines[4]));
    assert_ne!(seed(lines[1]), seed(lines[2]));
    // Every lab run answers all 200 requests: requests is 200 with no spread.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let points = summary["points"].as_array().unwrap();
    assert_eq!(points.len(), 4);
    for p in points {
        let req = &p["metrics"]["requests"];
        assert_eq!(
            (req["mean"].as_f64(), req["stdev"].as_f64()),
            (Some(200.0), Some(0.0))
        );
        assert_eq!(req["ci95"], serde_json::json!([200.0, 200.0]));
        assert_eq!(p["runs"], 3);
    }
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("share.503.mean,share.503.stdev,share.503.ci95_low")
    );
}

#[test]
fn bad_sweeps_exit_2_with_the_reason() {
    let lab = root().join("scenarios/envoy-circuit-breaker-lab.toml");
    let cases = [
        (
            "metric.toml",
            format!(
                "scenario = \"{}\"\nmetrics = [\"availabilty\"]\n",
                lab.display()
            ),
            "unknown metric `availabilty`",
        ),
        (
            "axis.toml",
            format!(
                "scenario = \"{}\"\nmetrics = [\"availability\"]\n[[axes]]\npath = \"cluster.connect_timeout\"\nvalues = [\"-1s\"]\n",
                lab.display()
            ),
            "axis.toml: grid point cluster.connect_timeout=-1s: cluster.connect_timeout:",
        ),
        (
            "noscenario.toml",
            "scenario = \"missing.toml\"\nmetrics = [\"availability\"]\n".to_string(),
            // Names the sweep file and its field, not only the missing file (found by the
            // mutation property test with `scenario = "/"`).
            "noscenario.toml:1:12: scenario: cannot read the base scenario",
        ),
        (
            "chart.toml",
            format!(
                "scenario = \"{}\"\nmetrics = [\"availability\"]\n[[charts]]\nkind = \"line\"\nfile = \"x.svg\"\ntitle = \"t\"\nmetric = \"availability\"\nx = \"nope\"\n",
                lab.display()
            ),
            "`x = \"nope\"` is not an axis",
        ),
        (
            // 1 ns buckets over the lab's run would be billions of buckets; the lab runs
            // for 60 s, so at least 600us.
            "bucket.toml",
            format!(
                "scenario = \"{}\"\nmetrics = [\"availability\"]\nset = [\"duration=60s\"]\n[[charts]]\nkind = \"timeline\"\nfile = \"t.svg\"\ntitle = \"t\"\nbucket = \"1ns\"\n",
                lab.display()
            ),
            "bucket.toml:4:1: charts[0]: bucket = \"1ns\" cuts the run's 60s into 60000000000 buckets; at most 100000 are drawn: use a bucket of at least 600us",
        ),
        (
            "baseline-kind.toml",
            format!(
                "scenario = \"{}\"\nmetrics = [\"availability\"]\n[[axes]]\npath = \"duration\"\nvalues = [\"1s\"]\n[[axes]]\npath = \"seed\"\nvalues = [1]\n[[charts]]\nkind = \"heatmap\"\nfile = \"h.svg\"\ntitle = \"t\"\nmetric = \"availability\"\nx = \"duration\"\ny = \"seed\"\nbaseline = {{ label = \"b\" }}\n",
                lab.display()
            ),
            "baseline-kind.toml:9:1: charts[0]: baseline: only a line chart has one, this is a heatmap chart",
        ),
        (
            "baseline-unset.toml",
            format!(
                "scenario = \"{}\"\nmetrics = [\"availability\"]\n[[axes]]\npath = \"duration\"\nvalues = [\"1s\"]\n[[charts]]\nkind = \"line\"\nfile = \"l.svg\"\ntitle = \"t\"\nmetric = \"availability\"\nx = \"duration\"\nbaseline = {{ label = \"b\", unset = [\"cluster.outlier_detection\"] }}\n",
                lab.display()
            ),
            "baseline-unset.toml: charts[0].baseline.unset: `cluster.outlier_detection` is not in the scenario, so it cannot be unset",
        ),
        (
            "highlight.toml",
            format!(
                "scenario = \"{}\"\nmetrics = [\"availability\"]\n[[axes]]\npath = \"duration\"\nvalues = [\"1s\"]\n[[axes]]\npath = \"seed\"\nvalues = [1]\n[[charts]]\nkind = \"heatmap\"\nfile = \"h.svg\"\ntitle = \"t\"\nmetric = \"availability\"\nx = \"duration\"\ny = \"seed\"\nhighlight = {{ label = \"x\", point = [\"duration=1s\"] }}\n",
                lab.display()
            ),
            "highlight.toml:9:1: charts[0]: highlight: point: give one value for each of x = `duration` and y = `seed`, e.g. [\"duration=1s\", \"seed=1\"]",
        ),
        ("syntax.toml", "scenario = \n".to_string(), ":1:"),
    ];
    for (name, text, expected) in cases {
        let path = temp_file(name, &text);
        let out =
            std::env::temp_dir().join(format!("breakersim-bad-{}-{name}", std::process::id()));
        let r = breakersim(&[
            "sweep",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains(expected),
            "{name}: {expected:?} not in {}",
            r.stderr
        );
        assert!(!out.join("runs.csv").exists(), "{name}: nothing written");
        assert!(
            !out.join("runs.journal").exists(),
            "{name}: refused before any run"
        );
    }
}
