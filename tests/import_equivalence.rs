//! Importing the shipped configs (`scenarios/configs/`) gives the clusters the lab and tutorial
//! scenarios were first written with by hand, and runs with the same outcomes.

use sim_cli::output::json;
use sim_core::scenario::{Scenario, scenario_from_table};
use toml::{Table, Value};

use crate::common::{breakersim, load, root, run};

/// The lab's cluster as written by hand from the lab's Envoy config, before `import` existed.
const LAB_BY_HAND: &str = r#"
[cluster]
name = "python_server"
connect_timeout = "5s"
lb_policy = "ROUND_ROBIN"

[[cluster.circuit_breakers.thresholds]]
priority = "DEFAULT"
max_connections = 20
max_pending_requests = 20
max_requests = 100

[route]
timeout = "15s"
"#;

/// The tutorial's cluster as written by hand from istio-destination-rule.md §1-3 (no retry
/// policy: the default one never matches in that world).
const TUTORIAL_BY_HAND: &str = r#"
[cluster]
name = "outbound|9080||reviews.default.svc.cluster.local"
connect_timeout = "10s"
lb_policy = "LEAST_REQUEST"

[[cluster.circuit_breakers.thresholds]]
priority = "DEFAULT"
max_connections = 4294967295
max_pending_requests = 4294967295
max_requests = 4294967295
max_retries = 4294967295
track_remaining = true

[cluster.common_lb_config]
healthy_panic_threshold = { value = 0.0 }

[cluster.outlier_detection]
consecutive_5xx = 3
enforcing_consecutive_5xx = 100
interval = "5s"
base_ejection_time = "30s"
max_ejection_percent = 100
enforcing_success_rate = 0

[route]
timeout = "0s"
"#;

const TUTORIAL_CLUSTER: &str = "outbound|9080||reviews.default.svc.cluster.local";

/// The shipped scenario's synthetic world: everything but its cluster and route.
fn world_of(scenario: &str) -> Table {
    let text = std::fs::read_to_string(root().join("scenarios").join(scenario)).expect("shipped");
    let mut table: Table = toml::from_str(&text).expect("valid TOML");
    table.remove("cluster");
    table.remove("route");
    table
}

/// `world` with the cluster, route and Envoy version rule of `config` (scenario TOML).
fn with_config(mut world: Table, config: &str, name: &str) -> Scenario {
    let mut config: Table = toml::from_str(config).expect("scenario TOML");
    for key in ["cluster", "route"] {
        world.insert(key.into(), config.remove(key).expect("present"));
    }
    if let Some(version) = config.get("envoy").and_then(|e| e.get("version")) {
        let Some(Value::Table(envoy)) = world.get_mut("envoy") else {
            panic!("the shipped scenarios set [envoy]")
        };
        envoy.insert("version".into(), version.clone());
    }
    let mut s = scenario_from_table(world, "", name, &[]).unwrap_or_else(|e| panic!("{e}"));
    s.name = Some(name.into());
    s
}

fn imported(args: &[&str]) -> String {
    let out = breakersim(&[&["import"], args].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr, "",
        "the shipped configs use only modelled fields"
    );
    out.stdout
}

fn outcomes(s: &Scenario) -> Vec<String> {
    (1..=3)
        .map(|seed| json::report(&run(s, seed)).to_string())
        .collect()
}

fn assert_same_outcomes(scenario: &str, config_args: &[&str], by_hand: &str) {
    let name = scenario.trim_end_matches(".toml");
    let from_import = with_config(world_of(scenario), &imported(config_args), name);
    let written = with_config(world_of(scenario), by_hand, name);
    let shipped = load(scenario);
    assert_eq!(
        outcomes(&from_import),
        outcomes(&written),
        "{scenario}: import vs by hand"
    );
    assert_eq!(
        outcomes(&from_import),
        outcomes(&shipped),
        "{scenario}: import vs shipped"
    );
}

#[test]
fn imported_lab_bootstrap_runs_like_the_lab() {
    assert_same_outcomes(
        "envoy-circuit-breaker-lab.toml",
        &["scenarios/configs/lab-envoy.yaml"],
        LAB_BY_HAND,
    );
}

#[test]
fn imported_tutorial_destination_rule_runs_like_the_tutorial() {
    let args = [
        "scenarios/configs/tutorial-destinationrule.yaml",
        "--cluster",
        TUTORIAL_CLUSTER,
    ];
    assert_same_outcomes("istio-outlier-tutorial.toml", &args, TUTORIAL_BY_HAND);
    assert_same_outcomes("istio-outlier-single-pod.toml", &args, TUTORIAL_BY_HAND);
}

/// The import's cluster is the hand-written one, field for field (the route differs only by
/// the version's default retry policy, which the hand-written tutorial left out).
#[test]
fn imported_clusters_equal_the_hand_written_ones() {
    let lab = with_config(
        world_of("envoy-circuit-breaker-lab.toml"),
        &imported(&["scenarios/configs/lab-envoy.yaml"]),
        "lab",
    );
    let by_hand = with_config(
        world_of("envoy-circuit-breaker-lab.toml"),
        LAB_BY_HAND,
        "lab",
    );
    assert_eq!(
        format!("{:?}", lab.cluster),
        format!("{:?}", by_hand.cluster)
    );
    assert_eq!(format!("{:?}", lab.route), format!("{:?}", by_hand.route));
    let args = [
        "scenarios/configs/tutorial-destinationrule.yaml",
        "--cluster",
        TUTORIAL_CLUSTER,
    ];
    let tutorial = with_config(
        world_of("istio-outlier-tutorial.toml"),
        &imported(&args),
        "t",
    );
    let by_hand = with_config(
        world_of("istio-outlier-tutorial.toml"),
        TUTORIAL_BY_HAND,
        "t",
    );
    assert_eq!(
        format!("{:?}", tutorial.cluster),
        format!("{:?}", by_hand.cluster)
    );
    assert_eq!(
        tutorial.route.istio_default_retry_policy.as_deref(),
        Some("1.30")
    );
}
