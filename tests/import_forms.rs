//! The same Envoy config in each form an SRE may hold imports to the same scenario: a
//! bootstrap, its admin `/config_dump` (snake_case, as Envoy's admin prints with
//! `preserve_proto_field_names`, `source/common/protobuf/yaml_utility.cc`), `istioctl
//! proxy-config cluster|route -o json` (camelCase json names, as Go's protojson prints), and
//! CDS + RDS resource files. The inputs (`tests/fixtures/import-forms/`) were written by hand
//! from the bootstrap, as Envoy and istioctl print it.

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
    let backends = bootstrap["backends"].as_array().unwrap();
    assert_eq!(backends[0]["replicas"].as_integer(), Some(2));
    assert_eq!(backends[1]["weight"].as_integer(), Some(2));
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
fn cds_and_rds_files_import_as_their_bootstrap() {
    same_as_bootstrap(&["cds.yaml", "rds.yaml"]);
}
