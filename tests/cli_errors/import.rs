//! `import` of YAML that cannot be read, has nothing to import, or is wrong, and its flags
//! (`--cluster`, `--istio-version`): exit 2.

use super::{BOOTSTRAP, DESTINATION_RULE, file};
use crate::common::fails;

#[test]
fn import_file_that_cannot_be_read() {
    fails(
        &["import", "no/such/config.yaml"],
        2,
        &["no/such/config.yaml: cannot read the input: No such file"],
    );
}

#[test]
fn import_api_version_that_is_not_istios() {
    let path = file(
        "api.yaml",
        "apiVersion: networking.istio.io/v9\nkind: DestinationRule\n",
    );
    fails(
        &["import", &path],
        2,
        &[&format!(
            "{path}:1:13: apiVersion: \"networking.istio.io/v9\" is not supported, expected networking.istio.io/v1alpha3, networking.istio.io/v1beta1, networking.istio.io/v1"
        )],
    );
}

/// An empty file, or a VirtualService alone, has nothing to import.
#[test]
fn import_of_nothing_to_import() {
    let empty = file("empty.yaml", "# nothing here\n");
    let vs = file(
        "vs-only.yaml",
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  hosts: [reviews]\n",
    );
    fails(
        &["import", &empty],
        2,
        &[&format!(
            "{empty}: no Envoy bootstrap, Envoy Cluster or Istio DestinationRule found"
        )],
    );
    fails(
        &["import", &vs],
        2,
        &[&format!("{vs}: no Istio DestinationRule found")],
    );
}

#[test]
fn import_bootstrap_without_clusters() {
    let path = file("boot-none.yaml", "static_resources:\n  clusters: []\n");
    fails(
        &["import", &path],
        2,
        &[&format!("{path}: static_resources has no clusters")],
    );
}

#[test]
fn import_bootstrap_with_several_clusters_and_no_flag() {
    let path = file("boot-two.yaml", BOOTSTRAP);
    fails(
        &["import", &path],
        2,
        &[&format!(
            "{path}: 2 clusters (alpha, beta); choose one with --cluster NAME"
        )],
    );
}

#[test]
fn import_cluster_flag_that_names_no_cluster() {
    let path = file("boot-gamma.yaml", BOOTSTRAP);
    fails(
        &["import", &path, "--cluster", "gamma"],
        2,
        &[&format!(
            "--cluster: no cluster named gamma in {path}; allowed: alpha, beta"
        )],
    );
}

#[test]
fn import_cluster_without_a_name() {
    let path = file(
        "boot-noname.yaml",
        "static_resources:\n  clusters:\n  - connect_timeout: 1s\n",
    );
    fails(
        &["import", &path],
        2,
        &[&format!(
            "{path}:3:5: static_resources.clusters[0]: a cluster needs a `name`"
        )],
    );
}

#[test]
fn import_destination_rule_without_spec_or_host() {
    let head = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n";
    let no_spec = file("dr-nospec.yaml", head);
    fails(
        &["import", &no_spec],
        2,
        &[&format!("{no_spec}:1:1: a DestinationRule needs a spec")],
    );
    let no_host = file(
        "dr-nohost.yaml",
        &format!("{head}spec:\n  trafficPolicy: {{}}\n"),
    );
    fails(
        &["import", &no_host],
        2,
        &[&format!("{no_host}:4:3: spec: host is required")],
    );
}

#[test]
fn import_cluster_flag_that_is_not_an_istio_cluster_name() {
    let path = file("dr-flag.yaml", DESTINATION_RULE);
    fails(
        &["import", &path, "--cluster", "v1|reviews"],
        2,
        &[
            "--cluster: `v1|reviews` is not of the form outbound|<port>|<subset>|<host>, e.g. outbound|9080||reviews.default.svc.cluster.local",
        ],
    );
    fails(
        &["import", &path, "--cluster", "outbound|9080||ratings"],
        2,
        &[&format!(
            "{path}: no DestinationRule applies to the service ratings, expected one of the rules' hosts: reviews.default.svc.cluster.local"
        )],
    );
}

#[test]
fn import_istio_version_that_is_not_a_version() {
    let path = file("dr-version.yaml", DESTINATION_RULE);
    fails(
        &["import", &path, "--istio-version", "latest"],
        2,
        &["--istio-version: `latest` is not an Istio version like 1.24"],
    );
    for version in ["0.9", "2.5"] {
        fails(
            &["import", &path, "--istio-version", version],
            2,
            &[&format!(
                "--istio-version: `{version}` is not an Istio 1.x version: breakersim follows \
                 istiod 1.0 to 1.30 (a newer 1.x gets 1.30's rules)"
            )],
        );
    }
}

/// Values of the wrong type, from Envoy and from Istio, through the binary.
#[test]
fn import_value_of_the_wrong_type() {
    let envoy = file(
        "envoy-type.yaml",
        "name: c\nconnect_timeout: 1s\nlb_policy: { a: 1 }\n",
    );
    fails(
        &["import", &envoy],
        2,
        &[&format!(
            "{envoy}:3:12: lb_policy: invalid value a mapping, expected a string"
        )],
    );
    let istio = file(
        "istio-type.yaml",
        &format!(
            "{DESTINATION_RULE}  trafficPolicy:\n    connectionPool:\n      tcp:\n        connectTimeout: soon\n"
        ),
    );
    fails(
        &["import", &istio],
        2,
        &[&format!(
            "{istio}:10:25: spec.trafficPolicy.connectionPool.tcp.connectTimeout: invalid value \"soon\", expected a duration such as \"5s\" or \"0.25s\""
        )],
    );
}

#[test]
fn import_stream_limit_of_zero() {
    let path = file(
        "h2-zero.yaml",
        "name: c\nconnect_timeout: 1s\nhttp2_protocol_options:\n  max_concurrent_streams: 0\n",
    );
    fails(
        &["import", &path],
        2,
        &[&format!(
            "{path}:4:27: http2_protocol_options.max_concurrent_streams: 0 is out of range, expected 1 to 2147483647, as Envoy allows"
        )],
    );
}

/// Flow collections (`[`, `{`) nested past the YAML reader's 255 levels are refused at the
/// bracket that passes them, in YAML and JSON alike (saphyr-parser 0.3.4 counts them in a
/// `u8`, `increase_flow_level` in `scanner.rs`: "recursion limit exceeded"). Nesting within
/// that and past 100 levels is refused by the import's own depth check (`import_loading`).
#[test]
fn import_of_flow_collections_nested_past_the_yaml_readers_limit() {
    let json = file(
        "deep-flow.json",
        &format!("{}{}\n", "[".repeat(300), "]".repeat(300)),
    );
    let yaml = file(
        "deep-flow.yaml",
        &format!("x: {}1{}\n", "{a: ".repeat(300), "}".repeat(300)),
    );
    // The 256th `[` is column 256; the 256th `{` comes after `x: ` and 255 `{a: `.
    for (path, at) in [(&json, ":1:256:"), (&yaml, ":1:1024:")] {
        fails(
            &["--message-format", "short", "import", path],
            2,
            &[&format!(
                "{path}{at} YAML syntax error: recursion limit exceeded"
            )],
        );
    }
}
