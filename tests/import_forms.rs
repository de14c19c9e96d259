//! The same Envoy config in each form an SRE may hold imports to the same scenario: a
//! bootstrap, its admin `/config_dump` (snake_case, as Envoy's admin prints with
//! `preserve_proto_field_names`, `source/common/protobuf/yaml_utility.cc`), `istioctl
//! proxy-config cluster|route -o json` (camelCase json names, as Go's protojson prints), and
//! CDS + RDS resource files; also istioctl's `-o yaml`, and an EDS cluster with `istioctl
//! proxy-config endpoint` output for its hosts. The inputs (`tests/fixtures/import-forms/`) were written by hand
//! from the bootstrap, as Envoy and istioctl print it.

use sim_cli::import::world::World;
use sim_cli::import::{ImportOptions, InputFile, import};
use toml::Table;

use crate::common::root;

/// The scenario `files` import to (values only: the comments name each file's lines), and
/// the warnings.
fn imported(files: &[&str]) -> (Table, Vec<String>) {
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|f| {
            let path = root().join("tests/fixtures/import-forms").join(f);
            InputFile {
                source: f.to_string(),
                text: std::fs::read_to_string(path).expect("fixture"),
            }
        })
        .collect();
    let out = import(&inputs, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let table = toml::from_str(&out.scenario).expect("TOML");
    (
        table,
        out.warnings.iter().map(ToString::to_string).collect(),
    )
}

fn same_as_bootstrap(files: &[&str]) {
    let (bootstrap, none) = imported(&["bootstrap.yaml"]);
    assert!(none.is_empty(), "{none:#?}");
    let (other, warnings) = imported(files);
    assert_eq!(other, bootstrap, "{files:?}");
    assert!(warnings.is_empty(), "{files:?}: {warnings:#?}");
    // The values themselves, read off bootstrap.yaml by hand.
    let th = &bootstrap["cluster"]["circuit_breakers"]["thresholds"][0];
    assert_eq!(th["max_connections"].as_integer(), Some(50));
    assert_eq!(
        bootstrap["cluster"]["connect_timeout"].as_str(),
        Some("250ms")
    );
    assert_eq!(
        bootstrap["route"]["retry_policy"]["per_try_timeout"].as_str(),
        Some("500ms")
    );
    // The default world (one-host-fails): one host of the first endpoint group split off to
    // fail, then the rest; the weight-2 endpoint keeps its weight.
    let backends = bootstrap["backends"].as_array().unwrap();
    let replicas: Vec<_> = backends
        .iter()
        .map(|b| b["replicas"].as_integer())
        .collect();
    assert_eq!(replicas, [Some(1), Some(1), Some(1)]);
    assert_eq!(backends[0]["name"].as_str(), Some("failing"));
    assert_eq!(backends[2]["weight"].as_integer(), Some(2));
}

/// The world's load, worked out by hand for bootstrap.yaml: its DEFAULT thresholds admit
/// min(max_requests 200, max_connections 50) = 50 requests at once over HTTP/1.1; the mean
/// service time is 5 ms × e^(σ²/2), σ = ln 5 / 2.326, = 6.3523 ms; 50 / 6.3523 ms = 7,871/s,
/// above 2,000/s, so each of the 3 hosts serves floor(2000 × 6.3523 ms / 3) = 4 at once, 12 /
/// 6.3523 ms = 1,889.1/s in all: half is 945/s (one-host-fails, steady), 1.5× is 2,834/s.
#[test]
fn the_world_is_sized_from_the_breakers() {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/import-forms/bootstrap.yaml")).unwrap();
    let rate = |world: World| {
        let inputs = [InputFile {
            source: "b.yaml".into(),
            text: text.clone(),
        }];
        let opts = ImportOptions {
            world,
            ..ImportOptions::default()
        };
        let out = import(&inputs, &opts).unwrap();
        let t: Table = toml::from_str(&out.scenario).unwrap();
        (
            t["clients"][0]["rate"].as_float().unwrap(),
            t["backends"][0]["concurrency"].as_integer(),
            t["duration"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(rate(World::OneHostFails), (945.0, Some(4), "300s".into()));
    assert_eq!(rate(World::Steady), (945.0, Some(4), "60s".into()));
    assert_eq!(rate(World::Overload), (2834.0, Some(4), "60s".into()));
    assert_eq!(rate(World::Crash).2, "180s");
}

/// Where the breakers are within reach (the lab's 20 at once: 20 / 6.3523 ms = 3,148/s is
/// above 2,000; 10 at once, 1,574/s, is not), the load is sized on them and the hosts are left
/// unlimited.
#[test]
fn a_world_on_reachable_breakers_leaves_the_hosts_unlimited() {
    let text = "name: c\ncircuit_breakers:\n  thresholds:\n  - max_connections: 10\n";
    let inputs = [InputFile {
        source: "c.yaml".into(),
        text: text.into(),
    }];
    let opts = ImportOptions {
        world: World::Overload,
        ..ImportOptions::default()
    };
    let out = import(&inputs, &opts).unwrap();
    let t: Table = toml::from_str(&out.scenario).unwrap();
    // 1.5 × 10 / 6.3523 ms = 2,361.4 → 2,361.
    assert_eq!(t["clients"][0]["rate"].as_float(), Some(2361.0));
    assert!(t["backends"][0].get("concurrency").is_none());
}

#[test]
fn a_config_dump_imports_as_its_bootstrap() {
    same_as_bootstrap(&["config-dump.json"]);
}

#[test]
fn istioctl_proxy_config_output_imports_as_its_bootstrap() {
    same_as_bootstrap(&["istioctl-clusters.json", "istioctl-routes.json"]);
}

#[test]
fn istioctl_yaml_output_imports_as_its_bootstrap() {
    same_as_bootstrap(&["istioctl-clusters.yaml", "istioctl-routes.yaml"]);
}

/// An Istio sidecar's clusters are EDS: their hosts come from `istioctl proxy-config endpoint
/// -o json` (`ClusterStatus`: each host's weight).
#[test]
fn istioctl_eds_clusters_with_their_endpoints_import_as_their_bootstrap() {
    same_as_bootstrap(&[
        "istioctl-eds-clusters.json",
        "istioctl-routes.json",
        "istioctl-endpoints.json",
    ]);
}

#[test]
fn cds_and_rds_files_import_as_their_bootstrap() {
    same_as_bootstrap(&["cds.yaml", "rds.yaml"]);
}
