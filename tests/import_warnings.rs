//! The import's warnings say what it cannot simulate, at its place, and nothing else: an
//! Istio load balancer that is no balancer (PASSTHROUGH), a cluster reached by a non-HTTP
//! network filter, a real Envoy field not taken for a misspelling, an empty YAML document not
//! taken for a stray resource. Each case is from a file of `tests/fixtures/real-configs/`.

use sim_cli::import::{ImportOptions, InputFile, import};

/// Imports `text` as `name`; the scenario and the warnings, or the error.
fn run(name: &str, text: &str, cluster: Option<&str>) -> Result<(String, Vec<String>), String> {
    let inputs = [InputFile {
        source: name.into(),
        text: text.into(),
    }];
    let opts = ImportOptions {
        cluster: cluster.map(str::to_string),
        ..ImportOptions::default()
    };
    match import(&inputs, &opts) {
        Ok(out) => Ok((
            out.scenario,
            out.warnings.iter().map(ToString::to_string).collect(),
        )),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            Err(e.to_string())
        }
    }
}

fn dr_with_lb(simple: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: d\n\
         spec:\n  host: api.example.com\n  trafficPolicy:\n    loadBalancer:\n      simple: \
         {simple}\n"
    )
}

fn lb_policy(scenario: &str) -> String {
    let t: toml::Table = toml::from_str(scenario).expect("TOML");
    t["cluster"]["lb_policy"]
        .as_str()
        .expect("a string")
        .to_string()
}

/// istiod turns PASSTHROUGH into an ORIGINAL_DST cluster with `CLUSTER_PROVIDED` balancing
/// (`applyLoadBalancer`, pilot/pkg/networking/core/cluster_traffic_policy.go): listed at the
/// field, and istiod's default balancer (least request since 1.14) simulated, not silently.
#[test]
fn passthrough_is_listed_at_its_line() {
    let (scenario, warnings) = run("dr.yaml", &dr_with_lb("PASSTHROUGH"), None).unwrap();
    assert_eq!(lb_policy(&scenario), "LEAST_REQUEST");
    assert!(
        warnings.iter().any(|w| w.contains("dr.yaml:9:7")
            && w.contains("loadBalancer.simple is ignored")
            && w.contains("ORIGINAL_DST")),
        "{warnings:#?}"
    );
}

/// `UNSPECIFIED` is istiod's default balancer, with nothing to warn about; a name outside
/// Istio's `SimpleLB` enum is refused at its place, as the CRD's schema refuses it.
#[test]
fn unspecified_is_the_default_and_an_unknown_policy_is_refused() {
    let (scenario, warnings) = run("dr.yaml", &dr_with_lb("UNSPECIFIED"), None).unwrap();
    assert_eq!(lb_policy(&scenario), "LEAST_REQUEST");
    assert!(
        !warnings.iter().any(|w| w.contains("loadBalancer")),
        "{warnings:#?}"
    );
    let e = run("dr.yaml", &dr_with_lb("LEAST_CONNECTIONS"), None).unwrap_err();
    assert!(
        e.contains("dr.yaml:9:15")
            && e.contains("\"LEAST_CONNECTIONS\" is not a loadBalancer.simple policy")
            && e.contains("PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST"),
        "{e}"
    );
}

/// A trailing `---` (as in Istio's own Bookinfo samples) is an empty document, which istiod's
/// reader skips (`parseInputsImpl`, pilot/pkg/config/kube/crd/conversion.go): no warning, so
/// `--strict` does not refuse the file for it. A document that is not empty still is warned.
#[test]
fn an_empty_document_is_no_resource() {
    let text = format!("{}---\n# only a comment\n---\n", dr_with_lb("RANDOM"));
    let (_, warnings) = run("dr.yaml", &text, None).unwrap();
    assert!(
        !warnings
            .iter()
            .any(|w| w.contains("not a Kubernetes resource")),
        "{warnings:#?}"
    );
    let text = format!("{}---\nname: c\n", dr_with_lb("RANDOM"));
    let (_, warnings) = run("dr.yaml", &text, None).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("dr.yaml:11:1") && w.contains("not a Kubernetes resource")),
        "{warnings:#?}"
    );
}

/// `max_connection_pools` is a field of Envoy's `Thresholds` and the extension name a key of
/// `typed_extension_protocol_options`: not modelled, so listed, but never answered with "did
/// you mean" another field, as a misspelling would be.
#[test]
fn a_real_envoy_field_is_not_taken_for_a_misspelling() {
    let text = "name: c\ncircuit_breakers:\n  thresholds:\n  - max_connection_pools: 3\n    \
                max_connections: 5\ntyped_extension_protocol_options:\n  \
                envoy.extensions.upstreams.http.v3.EpSpecificHttpProtocolOptions:\n    \
                \"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.EpSpecificHttpProtocolOptions\n";
    let (_, warnings) = run("c.yaml", text, None).unwrap();
    for field in ["max_connection_pools", "EpSpecificHttpProtocolOptions"] {
        let w = warnings
            .iter()
            .find(|w| w.contains(field))
            .unwrap_or_else(|| panic!("{field} not listed: {warnings:#?}"));
        assert!(w.contains("is not modelled"), "{w}");
        assert!(!w.contains("did you mean"), "{w}");
    }
}

/// A cluster that only a `redis_proxy` (or `tcp_proxy`) filter sends to carries no HTTP
/// requests through a route: warned at the filter's name, not simulated silently as HTTP.
/// A cluster an HTTP connection manager routes to gets no such warning.
#[test]
fn a_cluster_behind_a_network_filter_is_warned() {
    let listener = |filter: &str, config: &str| {
        format!(
            "static_resources:\n  listeners:\n  - name: l\n    filter_chains:\n    - filters:\n      \
             - name: {filter}\n        typed_config:\n{config}  clusters:\n  - name: backend\n"
        )
    };
    let tcp = listener(
        "envoy.filters.network.tcp_proxy",
        "          \"@type\": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy\n          \
         stat_prefix: t\n          cluster: backend\n",
    );
    let (_, warnings) = run("b.yaml", &tcp, None).unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("b.yaml:6:15")
            && w.contains(
                "cluster backend is reached through envoy.filters.network.tcp_proxy, not an HTTP \
                 connection manager"
            )),
        "{warnings:#?}"
    );
    let http = listener(
        "envoy.filters.network.http_connection_manager",
        "          \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager\n          \
         stat_prefix: h\n          route_config:\n            virtual_hosts:\n            - name: v\n              \
         domains: [\"*\"]\n              routes:\n              - match: {prefix: /}\n                \
         route: {cluster: backend}\n",
    );
    let (_, warnings) = run("b.yaml", &http, None).unwrap();
    assert!(
        !warnings.iter().any(|w| w.contains("reached through")),
        "{warnings:#?}"
    );
}
