//! `breakersim run` and `check` on shipped scenarios, in every output format.

use crate::common::breakersim;

const LAB: &str = "scenarios/envoy-circuit-breaker-lab.toml";

#[test]
fn text_report_reads_like_hey() {
    let out = breakersim(&["run", LAB]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for part in [
        "Summary:",
        "Response time histogram:",
        "Latency distribution:",
        "Status code distribution:",
        "cluster.python_server.upstream_cx_overflow: ",
    ] {
        assert!(out.stdout.contains(part), "missing {part:?}");
    }
    let status_line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("  [200]\t"))
        .expect("a 200 line");
    // hey's `  [{{ $code }}]\t{{ $num }} responses` (`defaultTmpl`, requester/print.go).
    assert!(status_line.ends_with(" responses"), "{status_line}");
}

#[test]
fn json_report_has_the_contracts_fields() {
    let out = breakersim(&["run", LAB, "--seed", "3", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(v["scenario"], "envoy-circuit-breaker-lab");
    assert_eq!(v["seed"], 3);
    assert!(v["sim_time_s"].as_f64().unwrap() > 0.0);
    let client = &v["client"];
    assert_eq!(client["requests"], 200);
    let ok = client["status"]["200"].as_u64().unwrap();
    let refused = client["status"]["503"].as_u64().unwrap();
    assert_eq!(ok + refused, 200);
    assert_eq!(client["response_flags"]["UO"].as_u64().unwrap(), refused);
    let availability = client["availability"].as_f64().unwrap();
    assert!((availability - ok as f64 / 200.0).abs() < 1e-12);
    for p in ["p50", "p90", "p99", "max"] {
        assert!(client["latency_ms"][p].as_f64().is_some(), "{p}");
    }
    assert_eq!(
        v["stats"]["cluster.python_server.upstream_rq_pending_overflow"].as_u64(),
        Some(refused)
    );
    assert!(v["outlier_events"].as_array().unwrap().is_empty());
}

#[test]
fn prometheus_output_uses_envoys_names_and_labels() {
    let json = breakersim(&["run", LAB, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let refused = v["client"]["status"]["503"].as_u64().unwrap();
    let overflow = v["stats"]["cluster.python_server.upstream_cx_overflow"]
        .as_u64()
        .unwrap();
    let out = breakersim(&["run", LAB, "--format", "prometheus"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let expect = [
        format!(
            "envoy_cluster_upstream_rq_pending_overflow{{envoy_cluster_name=\"python_server\"}} {refused}"
        ),
        format!(
            "envoy_cluster_upstream_cx_overflow{{envoy_cluster_name=\"python_server\"}} {overflow}"
        ),
        format!(
            "envoy_cluster_upstream_rq{{envoy_response_code=\"503\",envoy_cluster_name=\"python_server\"}} {refused}"
        ),
        format!(
            "envoy_cluster_upstream_rq_xx{{envoy_response_code_class=\"5\",envoy_cluster_name=\"python_server\"}} {refused}"
        ),
        "# TYPE envoy_cluster_upstream_cx_overflow counter".to_string(),
        "# TYPE envoy_cluster_upstream_cx_active gauge".to_string(),
        "envoy_cluster_circuit_breakers_default_cx_open{envoy_cluster_name=\"python_server\"} 0"
            .to_string(),
    ];
    for e in &expect {
        assert!(lines.contains(&e.as_str()), "missing {e}");
    }
}

#[test]
fn set_overrides_fields_by_dotted_path() {
    let out = breakersim(&[
        "run",
        LAB,
        "--format",
        "json",
        "--set",
        "cluster.circuit_breakers.thresholds.0.max_pending_requests=1000",
        "--set",
        "route.timeout=0s",
        "--set",
        "cluster.connect_timeout=1s",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    // With room for every request in the pending queue, nothing is refused.
    assert_eq!(v["client"]["status"]["200"], 200);
    assert_eq!(
        v["stats"]["cluster.python_server.upstream_rq_pending_overflow"],
        0
    );
}

#[test]
fn check_accepts_every_shipped_scenario() {
    for entry in std::fs::read_dir(crate::common::root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let out = breakersim(&["check", path.to_str().unwrap()]);
            assert_eq!(out.code, 0, "{}: {}", path.display(), out.stderr);
            assert!(out.stdout.contains(": ok"));
        }
    }
}

/// `--outlier-log` writes Envoy's event log: one JSON object per line, proto field names in
/// proto order, the same events as the JSON report's `outlier_events`.
#[test]
fn outlier_log_is_envoys_event_log() {
    let dir = std::env::temp_dir().join(format!("breakersim-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("outlier.jsonl");
    let scenario = "scenarios/istio-outlier-tutorial.toml";
    let out = breakersim(&[
        "run",
        scenario,
        "--format",
        "json",
        "--outlier-log",
        log.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 2);
    let first = lines[0];
    assert!(
        first.starts_with(r#"{"type":"CONSECUTIVE_5XX","timestamp":"1970-01-01T00:00:"#),
        "{first}"
    );
    for field in [
        r#""cluster_name":"outbound|9080||reviews.default.svc.cluster.local""#,
        r#""upstream_url":"reviews-v2-0:80""#,
        r#""action":"EJECT""#,
        r#""num_ejections":1"#,
        r#""enforced":true"#,
        r#""eject_consecutive_event":{}"#,
    ] {
        assert!(first.contains(field), "{field} not in {first}");
    }
    assert!(
        !first.contains("secs_since_last_action"),
        "no earlier action: {first}"
    );
    let uneject: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(uneject["action"], "UNEJECT");
    assert_eq!(uneject["enforced"], false);
    assert!(
        uneject["secs_since_last_action"].is_string(),
        "a UInt64Value prints as a string"
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let events = report["outlier_events"].as_array().unwrap();
    assert_eq!(events.len(), lines.len());
    let from_log: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&from_log, events);
}

#[test]
fn text_report_shows_the_ejection_timeline() {
    let out = breakersim(&["run", "scenarios/istio-outlier-tutorial.toml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("Ejection timeline (outlier detection):")
    );
    let row = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("reviews-v2-0"))
        .expect("a row for the failing pod");
    assert!(row.contains("CONSECUTIVE_5XX"), "{row}");
}

/// The `max_ejection_percent` rule before Envoy 1.28 lets the first ejection through: the
/// broken host of four is ejected, where 1.28's rule (25% > 10%) refuses it. The deprecated
/// `max_ejection_percent_rule = "before_1_28"` still selects it, as Envoy 1.27, with a warning
/// at its place.
#[test]
fn envoy_version_selects_the_max_ejection_percent_rule() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "scenarios/max-ejection-percent.toml",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = breakersim(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v = serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap();
        (v, out.stderr)
    };
    let enforced = "cluster.inventory.outlier_detection.ejections_enforced_total";
    let (newest, quiet) = run(&[]);
    assert_eq!(newest["stats"][enforced], 0);
    assert_eq!(quiet, "");
    assert_eq!(
        run(&["--set", "envoy.version=\"1.28\""]).0["stats"][enforced],
        0
    );
    let (v1_27, _) = run(&["--set", "envoy.version=\"1.27\""]);
    assert!(v1_27["stats"][enforced].as_u64().unwrap() >= 1);
    let (alias, warning) = run(&["--set", "envoy.max_ejection_percent_rule=before_1_28"]);
    assert_eq!(alias["stats"], v1_27["stats"]);
    assert!(
        warning.contains("`max_ejection_percent_rule` is deprecated: write `version = \"1.27\"`"),
        "{warning}"
    );
    assert!(
        warning.contains("--set envoy.max_ejection_percent_rule=before_1_28"),
        "{warning}"
    );
}

/// The deprecated rule beside a version on the other side of 1.28 contradicts it: exit 2.
#[test]
fn a_contradicting_max_ejection_percent_rule_is_refused() {
    let out = breakersim(&[
        "check",
        "scenarios/max-ejection-percent.toml",
        "--set",
        "envoy.version=\"1.30\"",
        "--set",
        "envoy.max_ejection_percent_rule=before_1_28",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("contradicts `version = \"1.30\"`: Envoy 1.30 has the other rule"),
        "{}",
        out.stderr
    );
}

/// An Envoy release breakersim does not model is refused with the range it does.
#[test]
fn an_unmodelled_envoy_version_is_refused() {
    for (bad, says) in [
        (
            "\"1.16\"",
            "breakersim models Envoy 1.17 to 1.39, not `1.16`",
        ),
        ("1.28", "write the Envoy version as a quoted string"),
    ] {
        let set = format!("envoy.version={bad}");
        let out = breakersim(&[
            "check",
            "scenarios/max-ejection-percent.toml",
            "--set",
            &set,
        ]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains(says), "{}", out.stderr);
        assert!(out.stderr.contains("envoy.version"), "{}", out.stderr);
    }
}

#[test]
fn outlier_settings_without_a_detector_are_rejected() {
    let out = breakersim(&[
        "check",
        "scenarios/envoy-circuit-breaker-lab.toml",
        "--set",
        "envoy.outlier_timer_phase=1s",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("envoy.outlier_timer_phase"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("[cluster.outlier_detection]"),
        "{}",
        out.stderr
    );
}

/// Retries can be switched on by `--set` on every shipped scenario.
#[test]
fn retry_sets_apply_to_every_shipped_scenario() {
    let sets = [
        "--set",
        "route.retry_policy.retry_on=5xx",
        "--set",
        "route.retry_policy.num_retries=2",
    ];
    for entry in std::fs::read_dir(crate::common::root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let mut args = vec!["check", path.to_str().unwrap()];
            args.extend_from_slice(&sets);
            let out = breakersim(&args);
            assert_eq!(out.code, 0, "{}: {}", path.display(), out.stderr);
        }
    }
    let mut args = vec!["run", LAB, "--format", "json"];
    args.extend_from_slice(&sets);
    let out = breakersim(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    // The lab's 503s are overflows, which are never retried.
    assert_eq!(v["stats"]["cluster.python_server.upstream_rq_retry"], 0);
}
