//! Outputs for scripts: Prometheus names and histograms as Envoy's admin prints them, JSON stats
//! nested by cluster that join back to Envoy's flat names, CSV columns of one type, and the
//! text report in hey's exact layout.

use sim_cli::output::{json, prometheus, text};

use crate::common::{breakersim, root, run_text};

/// One Envoy worker, no network delay but a 7 ms connect, a 30 ms backend and one request
/// every 100 ms for 1 s: ten requests, none waiting. The first opens the one connection
/// (HTTP/1.1 keep-alive, reused by the rest): it waits 7 ms for it, then 30 ms; the nine
/// others take 30 ms.
const TINY: &str = r#"
name = "tiny"
duration = "1s"
[envoy]
concurrency = 1
[cluster]
name = "c"
[network.upstream]
latency = "0s"
connect_time = "7ms"
[network.downstream]
latency = "0s"
connect_time = "0s"
[[clients]]
kind = "open_loop"
rate = 10.0
arrivals = "constant"
[[backends]]
name = "b"
service_time = "30ms"
"#;

fn lines_of<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

/// Names worked out by hand from Envoy's default extractors (`well_known_names.cc`):
/// `RESPONSE_CODE` `_rq(_(\d{3}))$` takes `_503` out and tags `503`; `RESPONSE_CODE_CLASS`
/// `_rq_((\d))xx$` takes the digit; `CLUSTER_NAME` `cluster.$.**` takes the token after
/// `cluster.`; tags in that order; `sanitizeName` and the `envoy_` prefix
/// (`prometheus_stats.cc`).
#[test]
fn prometheus_names_follow_envoys_default_tag_extractors() {
    let out = breakersim(&[
        "run",
        "scenarios/retry-storm.toml",
        "--format",
        "prometheus",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let p = &out.stdout;
    for expected in [
        "# TYPE envoy_cluster_upstream_rq counter\nenvoy_cluster_upstream_rq{envoy_response_code=\"200\",envoy_cluster_name=\"ratings\"} ",
        "# TYPE envoy_cluster_upstream_rq_xx counter\nenvoy_cluster_upstream_rq_xx{envoy_response_code_class=\"2\",envoy_cluster_name=\"ratings\"} ",
        "# TYPE envoy_cluster_retry_upstream_rq counter\nenvoy_cluster_retry_upstream_rq{envoy_response_code=\"503\",envoy_cluster_name=\"ratings\"} ",
        "# TYPE envoy_cluster_upstream_rq_pending_overflow counter\nenvoy_cluster_upstream_rq_pending_overflow{envoy_cluster_name=\"ratings\"} ",
        "# TYPE envoy_cluster_circuit_breakers_default_cx_open gauge\nenvoy_cluster_circuit_breakers_default_cx_open{envoy_cluster_name=\"ratings\"} ",
    ] {
        assert!(p.contains(expected), "missing {expected:?} in\n{p}");
    }
    // Counters, then gauges, then histograms (`statsAsPrometheus`), each group ending in a
    // blank line (`outputStatType`).
    let kinds: Vec<&str> = lines_of(p, "# TYPE ")
        .iter()
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    let first = |k: &str| kinds.iter().position(|x| *x == k).unwrap();
    let last = |k: &str| kinds.iter().rposition(|x| *x == k).unwrap();
    assert!(last("counter") < first("gauge") && last("gauge") < first("histogram"));
    for block in p.split("\n\n").filter(|b| !b.is_empty()) {
        assert!(block.starts_with("# TYPE "), "{block}");
        assert_eq!(block.matches("# TYPE ").count(), 1, "{block}");
    }
}

/// A cluster name with dots: `cluster.$.**` takes only its first token, the rest stays in the
/// metric's name (Envoy's default; Istio's bootstrap sets its own extractor).
#[test]
fn a_dotted_cluster_name_gives_its_first_token() {
    let out = breakersim(&[
        "run",
        "scenarios/istio-outlier-tutorial.toml",
        "--format",
        "prometheus",
    ]);
    assert!(out.stdout.contains(
        "envoy_cluster_default_svc_cluster_local_upstream_rq{envoy_response_code=\"200\",envoy_cluster_name=\"outbound|9080||reviews\"} "
    ));
}

/// TINY's histograms, worked out by hand. `upstream_cx_connect_ms`: one connect of 7 ms, bin
/// [7.0, 7.1) (`int_scale_to_hist_bucket`), under `le="10"` but not `le="5"`
/// (`hist_approx_count_below` counts a bin when its upper edge is <= the bound); `_sum` is the
/// bin's midpoint, 7.0 + 0.1 / 2 in doubles, printed `{:.32g}`. `upstream_rq_time`, from the
/// request's arrival at Envoy to the response: 37 ms once, 30 ms nine times, all under
/// `le="50"`, none under `le="25"`; `_sum` = 30.5 x 9 + 37.5 = 312.
#[test]
fn histogram_buckets_of_a_deterministic_run() {
    let p = prometheus::render(&run_text(TINY));
    let bucket = |h: &str, le: &str| {
        let prefix = format!("envoy_cluster_{h}_bucket{{envoy_cluster_name=\"c\",le=\"{le}\"}} ");
        let line = lines_of(&p, &prefix);
        assert_eq!(line.len(), 1, "{prefix}\n{p}");
        line[0][prefix.len()..].parse::<u64>().unwrap()
    };
    for (le, n) in [
        ("0.5", 0),
        ("1", 0),
        ("5", 0),
        ("10", 1),
        ("3600000", 1),
        ("+Inf", 1),
    ] {
        assert_eq!(bucket("upstream_cx_connect_ms", le), n, "le={le}");
    }
    for (le, n) in [("10", 0), ("25", 0), ("50", 10), ("100", 10), ("+Inf", 10)] {
        assert_eq!(bucket("upstream_rq_time", le), n, "le={le}");
    }
    assert!(p.contains(
        "envoy_cluster_upstream_cx_connect_ms_sum{envoy_cluster_name=\"c\"} 7.049999999999999822364316059975\n"
    ));
    assert!(p.contains("envoy_cluster_upstream_cx_connect_ms_count{envoy_cluster_name=\"c\"} 1\n"));
    assert!(p.contains("envoy_cluster_upstream_rq_time_sum{envoy_cluster_name=\"c\"} 312\n"));
    assert!(p.contains("envoy_cluster_upstream_rq_time_count{envoy_cluster_name=\"c\"} 10\n"));
    // Nineteen default buckets and +Inf for each.
    assert_eq!(
        lines_of(&p, "envoy_cluster_upstream_rq_time_bucket{").len(),
        20
    );
}

/// Joining a `clusters` value's path with dots gives its flat name in `stats`, with the same
/// integer value, and nothing else is there (one Envoy and every pod of a mesh).
#[test]
fn json_clusters_nest_the_flat_stats() {
    fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, u64)>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    flatten(&format!("{prefix}.{k}"), v, out);
                }
            }
            other => out.push((prefix.to_string(), other.as_u64().expect("an integer"))),
        }
    }
    let check = |v: &serde_json::Value| {
        let mut nested = Vec::new();
        for (cluster, stats) in v["clusters"].as_object().unwrap() {
            flatten(&format!("cluster.{cluster}"), stats, &mut nested);
        }
        nested.sort();
        let mut flat: Vec<(String, u64)> = v["stats"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().expect("stats are integers")))
            .collect();
        flat.sort();
        assert_eq!(nested, flat);
        assert!(!flat.is_empty());
    };
    let r = crate::common::run(&crate::common::load("istio-outlier-tutorial.toml"), 1);
    let v = json::report(&r);
    check(&v);
    let cb = &v["clusters"]["outbound|9080||reviews.default.svc.cluster.local"];
    assert!(cb["circuit_breakers"]["default"]["remaining_cx"].is_u64());
    assert!(cb["outlier_detection"]["ejections_active"].is_u64());
    assert!(v["client"]["latency_ms"]["p99"].is_f64());
    assert!(v["client"]["availability"].is_f64());
    let mesh = crate::common::run(&crate::common::load("mesh-istio-tutorial.toml"), 1);
    let v = json::report(&mesh);
    check(&v);
    for pod in v["mesh"]["pods"].as_array().unwrap() {
        check(pod);
    }
}

/// Every metric cell of `runs.csv` and `summary.csv` is a float with a point or an exponent
/// (or `NaN`), whatever its value; durations carry their unit in the column name.
#[test]
fn csv_metric_columns_are_floats_with_units_in_their_names() {
    let lab = root().join("scenarios/envoy-circuit-breaker-lab.toml");
    let dir = std::env::temp_dir().join(format!("breakersim-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sweep = dir.join("csv.toml");
    std::fs::write(
        &sweep,
        format!(
            "scenario = \"{}\"\nseed = 3\nreplications = 2\nmetrics = [\"requests\", \"share.503\", \"latency.p99\", \"first_ejection\", \"stat.upstream_cx_overflow\"]\n[[axes]]\npath = \"cluster.circuit_breakers.thresholds.0.max_pending_requests\"\nvalues = [10, 40]\n",
            lab.display()
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let r = breakersim(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let is_float =
        |c: &str| (c.contains('.') || c.contains('e') || c == "NaN") && c.parse::<f64>().is_ok();
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let mut lines = runs.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[5..],
        [
            "requests",
            "share.503",
            "latency.p99_ms",
            "first_ejection_s",
            "stat.upstream_cx_overflow"
        ]
    );
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert!(
            cells[..4].iter().all(|c| c.parse::<u64>().is_ok()),
            "{line}"
        );
        assert!(cells[5..].iter().all(|c| is_float(c)), "{line}");
    }
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    let header = lines.next().unwrap();
    assert!(
        header.contains(",latency.p99_ms.mean,latency.p99_ms.stdev,"),
        "{header}"
    );
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert!(cells[3..].iter().all(|c| is_float(c)), "{line}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A line's shape: numbers become `N` and hey's bars are dropped, labels and tabs kept.
fn shape(line: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in line.chars() {
        if c.is_ascii_digit() || (in_number && c == '.') {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            if c != '■' {
                out.push(c);
            }
        }
    }
    out
}

/// The text report begins with hey's report, line for line the shape of a real one
/// (`tests/fixtures/validation/nginx/c10-summary.txt`, hey 0.1.4, one status code): the
/// same labels, tabs, blank lines and order. The real run had a body, so its `Total data`
/// and `Size/request` lines (printed only then) are left out.
#[test]
fn the_text_report_opens_with_heys_layout() {
    let real =
        std::fs::read_to_string(root().join("tests/fixtures/validation/nginx/c10-summary.txt"))
            .unwrap();
    let real: Vec<String> = real
        .lines()
        .filter(|l| !l.starts_with("  Total data:") && !l.starts_with("  Size/request:"))
        .map(shape)
        .collect();
    let report = text::render(&run_text(TINY));
    let hey = &report[..report
        .find("Scenario tiny")
        .expect("breakersim's part follows")];
    let ours: Vec<String> = hey.lines().map(shape).collect();
    assert_eq!(ours, real);
}

/// TINY's figures in hey's report, worked out by hand: latencies 37 ms once and 30 ms nine
/// times; hey's percentile walk over n = 10 gives p at index ceil(p n / 100), one index per
/// step, so 95% and 99% (index 10) are never reached and print the template's zero value; the
/// first request dialled 7 ms, every one waited 30 ms.
#[test]
fn heys_figures_of_a_deterministic_run() {
    let report = text::render(&run_text(TINY));
    for expected in [
        "  Slowest:\t0.0370 secs\n  Fastest:\t0.0300 secs\n  Average:\t0.0307 secs\n",
        "  0.030 [9]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■\n",
        "  0.037 [1]\t|■■■■\n",
        "  75% in 0.0300 secs\n  90% in 0.0370 secs\n  0% in 0.0000 secs\n  0% in 0.0000 secs\n",
        "  DNS+dialup:\t0.0007 secs, 0.0000 secs, 0.0070 secs\n",
        "  resp wait:\t0.0300 secs, 0.0300 secs, 0.0300 secs\n",
        "Status code distribution:\n  [200]\t10 responses\n\n\n\n",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in\n{report}"
        );
    }
}
