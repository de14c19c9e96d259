//! A `DiscoveryResponse` file's resources as Envoy decodes them: each an `Any` with its
//! `@type` (protobuf's JSON parser refuses one without), and a resource wrapped in
//! `envoy.service.discovery.v3.Resource` (for its name, version or TTL) unwrapped
//! (`DecodedResourceImpl::fromResource`, `source/common/config/decoded_resource_impl.h`).

use sim_cli::import::{ImportOptions, InputFile, import};

fn run(text: &str) -> Result<toml::Table, String> {
    let inputs = [InputFile {
        source: "cds.yaml".into(),
        text: text.into(),
    }];
    match import(&inputs, &ImportOptions::default()) {
        Ok(out) => Ok(toml::from_str(&out.scenario).expect("TOML")),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            Err(e.to_string())
        }
    }
}

const CLUSTER: &str = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

#[test]
fn a_wrapped_resource_is_unwrapped() {
    let text = format!(
        "resources:\n- \"@type\": type.googleapis.com/envoy.service.discovery.v3.Resource\n  \
         name: c\n  resource:\n    \"@type\": {CLUSTER}\n    name: c\n    connect_timeout: 2s\n"
    );
    let t = run(&text).unwrap();
    assert_eq!(t["cluster"]["name"].as_str(), Some("c"));
    assert_eq!(t["cluster"]["connect_timeout"].as_str(), Some("2s"));
}

/// The wrapped cluster is checked for unknown fields as a bare one is.
#[test]
fn a_wrapped_cluster_with_an_unknown_field_is_refused() {
    let text = format!(
        "resources:\n- \"@type\": type.googleapis.com/envoy.service.discovery.v3.Resource\n  \
         resource:\n    \"@type\": {CLUSTER}\n    name: c\n    conect_timeout: 2s\n"
    );
    let e = run(&text).unwrap_err();
    assert!(
        e.contains("cds.yaml:6:5") && e.contains("`conect_timeout` is not a field"),
        "{e}"
    );
}

/// A resource with no `@type` (Kuma's golden files list `{name, resource}` this way) is
/// refused at its place, not skipped: beside a typed cluster it would otherwise vanish.
#[test]
fn a_resource_without_its_type_is_refused() {
    let text = format!(
        "resources:\n- \"@type\": {CLUSTER}\n  name: a\n- name: b\n  resource:\n    \
         \"@type\": {CLUSTER}\n    name: b\n"
    );
    let e = run(&text).unwrap_err();
    assert!(
        e.contains("cds.yaml:4:3") && e.contains("a resource with no `@type`"),
        "{e}"
    );
}
