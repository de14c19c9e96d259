//! Mesh mode's outputs as a fleet's tools would see them (a Prometheus scrape with a `pod` label
//! per replica, an outlier log whose lines name their pod), and `import` writing a mesh.

use sim_cli::output::{outlier_log, prometheus};

use crate::common::{breakersim, run_text};

/// Two sidecars in front of one always-failing host, 10 ms apart: each ejects it on its own
/// fifth 5xx (`tests/mesh.rs` works the times out), pod `frontend-0` at 81 ms and `frontend-1`
/// at 91 ms, and no more within the 3 s run (10 s interval, 30 s ejections).
fn two_sidecars() -> String {
    crate::mesh::consecutive_fleet(2)
}

#[test]
fn every_pod_has_its_own_series_in_the_scrape() {
    let text = prometheus::render(&run_text(&two_sidecars()));
    for pod in ["frontend-0", "frontend-1"] {
        let ejected = text.lines().find(|l| {
            l.starts_with("envoy_cluster_outlier_detection_ejections_enforced_total{")
                && l.contains(&format!("pod=\"{pod}\""))
        });
        let line = ejected.unwrap_or_else(|| panic!("no ejection series for {pod}:\n{text}"));
        assert!(line.ends_with(" 1"), "{line}");
    }
}

#[test]
fn every_outlier_log_line_names_its_pod() {
    let log = outlier_log::render(&run_text(&two_sidecars()));
    let ejections: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["action"] == "EJECT")
        .collect();
    assert_eq!(ejections.len(), 2, "{log}");
    assert_eq!(ejections[0]["pod"], "frontend-0");
    assert_eq!(ejections[1]["pod"], "frontend-1");
}

#[test]
fn import_writes_a_mesh_of_n_sidecars_or_a_deployments_replicas() {
    let dr = "scenarios/configs/tutorial-destinationrule.yaml";
    let out = breakersim(&["import", dr, "--sidecars", "4"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("[[proxies]]\nname = \"sidecars\""),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("replicas = 4"), "{}", out.stdout);
    assert!(
        out.stdout.contains("proxy_group = \"sidecars\""),
        "{}",
        out.stdout
    );
    let dep = "tests/fixtures/import/mesh-deployment.yaml";
    let from = breakersim(&["import", dep, "--sidecars-from", "productpage"]);
    assert_eq!(from.code, 0, "{}", from.stderr);
    assert!(
        from.stdout
            .contains("replicas = 12      # Deployment productpage's spec.replicas"),
        "{}",
        from.stdout
    );
    let scenario = crate::common::temp_file("mesh-import.toml", &from.stdout);
    let check = breakersim(&["check", &scenario.to_string_lossy()]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stdout.contains("12 Envoys in 1 proxy group(s)"),
        "{}",
        check.stdout
    );
    let missing = breakersim(&["import", dep, "--sidecars-from", "reviews"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("found: productpage"),
        "{}",
        missing.stderr
    );
}
