//! A cluster's typed `load_balancing_policy`, imported as Envoy's `ClusterInfoImpl` reads it
//! (`source/common/upstream/upstream_impl.cc`): it replaces `lb_policy` and the `*_lb_config`
//! fields, and the first policy of a type Envoy registers is used (`configureLbPolicies`); the
//! least-request extension's `choice_count` and `selection_method` (Envoy 1.30+) are read.

const POLICIES: &str = r#"name: c
lb_policy: RING_HASH
least_request_lb_config: {choice_count: 7}
load_balancing_policy:
  policies:
  - typed_extension_config:
      name: custom
      typed_config: {"@type": type.googleapis.com/com.example.Custom}
  - typed_extension_config:
      name: envoy.load_balancing_policies.least_request
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest
        selectionMethod: FULL_SCAN
        choice_count: 3
  - typed_extension_config:
      name: envoy.load_balancing_policies.round_robin
      typed_config: {"@type": type.googleapis.com/envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin}
"#;

/// The unknown type is skipped, least request is used with its two fields, round robin after
/// it and the legacy `lb_policy` and `least_request_lb_config` are reported as ignored.
#[test]
fn first_registered_typed_policy_is_used_with_its_selection_method() {
    let path = crate::common::temp_file("typed-lb.yaml", POLICIES);
    let out = crate::common::breakersim(&["import", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let scenario: toml::Table = toml::from_str(&out.stdout).expect("a scenario");
    let cluster = scenario["cluster"].as_table().unwrap();
    assert_eq!(cluster["lb_policy"].as_str(), Some("LEAST_REQUEST"));
    let lr = cluster["least_request_lb_config"].as_table().unwrap();
    assert_eq!(lr["selection_method"].as_str(), Some("FULL_SCAN"));
    assert_eq!(lr["choice_count"].as_integer(), Some(3));
    for ignored in [
        "lb_policy is ignored",
        "least_request_lb_config is ignored",
        "policies[0].typed_extension_config is ignored",
        "policies[2].typed_extension_config is ignored",
    ] {
        assert!(out.stderr.contains(ignored), "{ignored}: {}", out.stderr);
    }
}

/// `selection_method` by number (protobuf's JSON parser takes an enum's number) and a value
/// outside the enum refused (`enum.defined_only`).
#[test]
fn selection_method_by_number_and_undefined_value_refused() {
    let one = POLICIES.replace("selectionMethod: FULL_SCAN", "selection_method: 1");
    let path = crate::common::temp_file("typed-lb-1.yaml", &one);
    let out = crate::common::breakersim(&["import", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("selection_method = \"FULL_SCAN\""),
        "{}",
        out.stdout
    );
    let bad = POLICIES.replace("selectionMethod: FULL_SCAN", "selection_method: 2");
    let path = crate::common::temp_file("typed-lb-2.yaml", &bad);
    let out = crate::common::breakersim(&["import", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}
