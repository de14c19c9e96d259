//! The rules istiod applies to the Istio resources it reads, each as istiod's source has it:
//! short hosts resolved in the resource's namespace (`ResolveShortnameToFQDN`,
//! `pilot/pkg/model/config.go`), the most specific DestinationRule host for a service
//! (`MostSpecificHostMatch`), subsets that must exist, the port from the VirtualService
//! destination, Kubernetes `List`s and multi-document files.

use sim_cli::import::{ImportOptions, InputFile, import};
use toml::Table;

fn run(text: &str, cluster: Option<&str>) -> Result<(Table, Vec<String>), String> {
    let inputs = [InputFile {
        source: "rules.yaml".into(),
        text: text.into(),
    }];
    let opts = ImportOptions {
        cluster: cluster.map(str::to_string),
        ..ImportOptions::default()
    };
    match import(&inputs, &opts) {
        Ok(out) => Ok((
            toml::from_str(&out.scenario).expect("TOML"),
            out.warnings.iter().map(ToString::to_string).collect(),
        )),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            Err(e.to_string())
        }
    }
}

fn dr(name: &str, namespace: Option<&str>, host: &str, extra: &str) -> String {
    let ns = namespace.map_or(String::new(), |n| format!("  namespace: {n}\n"));
    format!(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: {name}\n{ns}\
         spec:\n  host: {host}\n  trafficPolicy:\n    connectionPool:\n      tcp:\n        \
         maxConnections: 7\n{extra}"
    )
}

fn cluster_name(t: &Table) -> &str {
    t["cluster"]["name"].as_str().expect("a name")
}

/// `demo-service` in namespace `demo` is `demo-service.demo.svc.cluster.local`; a name with a
/// dot is taken as written; no namespace is `default`.
#[test]
fn short_hosts_resolve_in_the_rules_namespace() {
    let (t, _) = run(&dr("d", Some("demo"), "demo-service", ""), None).unwrap();
    assert_eq!(
        cluster_name(&t),
        "outbound|80||demo-service.demo.svc.cluster.local"
    );
    let (t, _) = run(&dr("d", None, "reviews", ""), None).unwrap();
    assert_eq!(
        cluster_name(&t),
        "outbound|80||reviews.default.svc.cluster.local"
    );
    let (t, _) = run(&dr("d", Some("demo"), "api.example.com", ""), None).unwrap();
    assert_eq!(cluster_name(&t), "outbound|80||api.example.com");
}

/// Without a port from `--cluster` or a VirtualService, the cluster's port is unknown: a
/// warning at the rule's host says so, never a silent 80.
#[test]
fn an_unknown_port_is_warned() {
    let (_, warnings) = run(&dr("d", None, "reviews", ""), None).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("rules.yaml:6:9") && w.contains("no port")),
        "{warnings:#?}"
    );
}

/// The VirtualService destination gives the port and the subset (resolved in the
/// VirtualService's own namespace).
#[test]
fn the_virtual_service_gives_port_and_subset() {
    let subsets = "  subsets:\n  - name: v2\n    labels: { version: v2 }\n";
    let vs = "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\n  \
              namespace: demo\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        \
              host: reviews\n        subset: v2\n        port: { number: 9080 }\n";
    let text = format!("{}{vs}", dr("d", Some("demo"), "reviews", subsets));
    let (t, warnings) = run(&text, None).unwrap();
    assert_eq!(
        cluster_name(&t),
        "outbound|9080|v2|reviews.demo.svc.cluster.local"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("no port")),
        "{warnings:#?}"
    );
}

/// A subset the rule does not define gets no cluster from istiod: refused, naming the
/// subsets there are.
#[test]
fn an_unknown_subset_is_refused() {
    let subsets = "  subsets:\n  - name: v1\n    labels: { version: v1 }\n";
    let message = run(
        &dr("d", None, "reviews", subsets),
        Some("outbound|9080|v9|reviews.default.svc.cluster.local"),
    )
    .unwrap_err();
    assert!(message.contains("subset v9 is not defined"), "{message}");
    assert!(message.contains("its subsets: v1"), "{message}");
}

/// `host: "*"` applies the rule to every service: the import needs the service named.
#[test]
fn a_wildcard_host_needs_the_service_named() {
    let text = dr("d", None, "\"*\"", "");
    let message = run(&text, None).unwrap_err();
    assert!(message.contains("rules.yaml:6:9"), "{message}");
    assert!(message.contains("every service"), "{message}");
    let (t, _) = run(
        &text,
        Some("outbound|9080||ratings.default.svc.cluster.local"),
    )
    .unwrap();
    assert_eq!(
        cluster_name(&t),
        "outbound|9080||ratings.default.svc.cluster.local"
    );
}

/// With several rules, the most specific host wins for the chosen service (an exact host
/// before a wildcard); with no choice, the rules are listed.
#[test]
fn several_rules_the_most_specific_host_wins() {
    let exact = dr("exact", None, "reviews", "");
    let wild = dr("wild", None, "\"*.default.svc.cluster.local\"", "")
        .replace("maxConnections: 7", "maxConnections: 9");
    let text = format!("{wild}---\n{exact}");
    let max = |t: &Table| {
        t["cluster"]["circuit_breakers"]["thresholds"][0]["max_connections"].as_integer()
    };
    let (t, _) = run(
        &text,
        Some("outbound|9080||reviews.default.svc.cluster.local"),
    )
    .unwrap();
    assert_eq!(max(&t), Some(7));
    let (t, _) = run(
        &text,
        Some("outbound|9080||ratings.default.svc.cluster.local"),
    )
    .unwrap();
    assert_eq!(max(&t), Some(9));
    let message = run(&text, None).unwrap_err();
    assert!(message.contains("2 DestinationRules"), "{message}");
    assert!(message.contains("--cluster"), "{message}");
}

/// A Kubernetes `List` holds its objects in `items`; objects of other kinds are skipped with
/// a warning at their place.
#[test]
fn lists_are_opened_and_other_kinds_skipped() {
    let item = dr("d", None, "reviews", "")
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("- {l}\n")
            } else {
                format!("  {l}\n")
            }
        })
        .collect::<String>();
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n{item}- apiVersion: v1\n  kind: Service\n  \
         metadata: {{ name: reviews }}\n"
    );
    let (t, warnings) = run(&text, None).unwrap();
    assert_eq!(
        cluster_name(&t),
        "outbound|80||reviews.default.svc.cluster.local"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("kind Service is skipped")),
        "{warnings:#?}"
    );
}

/// Istio's APIs before 1.0 (`RouteRule`, `DestinationPolicy`) are refused with the reason.
#[test]
fn pre_1_0_istio_apis_are_refused() {
    let text = "apiVersion: config.istio.io/v1alpha2\nkind: RouteRule\nmetadata:\n  name: r\n";
    let message = run(text, None).unwrap_err();
    assert!(message.contains("rules.yaml:2:7"), "{message}");
    assert!(message.contains("before 1.0"), "{message}");
}

/// `--port` names the Service's port when nothing else does.
#[test]
fn the_port_flag_names_the_port() {
    let inputs = [InputFile {
        source: "rules.yaml".into(),
        text: dr("d", None, "reviews", ""),
    }];
    let opts = ImportOptions {
        port: Some(9080),
        ..ImportOptions::default()
    };
    let out = import(&inputs, &opts).unwrap();
    let t: Table = toml::from_str(&out.scenario).unwrap();
    assert_eq!(
        cluster_name(&t),
        "outbound|9080||reviews.default.svc.cluster.local"
    );
    assert!(
        !out.warnings
            .iter()
            .any(|w| w.to_string().contains("no port"))
    );
}

/// `kubectl get ... -o yaml` prints a `List`: docs/examples/reviews-list.yaml holds the two
/// resources of reviews-destinationrule.yaml and reviews-virtualservice.yaml and imports to
/// the same scenario.
#[test]
fn a_list_imports_as_its_resources() {
    let read = |f: &str| InputFile {
        source: f.into(),
        text: std::fs::read_to_string(crate::common::root().join("docs/examples").join(f)).unwrap(),
    };
    let scenario = |files: &[InputFile]| -> Table {
        toml::from_str(&import(files, &ImportOptions::default()).unwrap().scenario).unwrap()
    };
    let list = scenario(&[read("reviews-list.yaml")]);
    let apart = scenario(&[
        read("reviews-destinationrule.yaml"),
        read("reviews-virtualservice.yaml"),
    ]);
    assert_eq!(list, apart);
    assert_eq!(
        cluster_name(&list),
        "outbound|80|v3|reviews.default.svc.cluster.local"
    );
}

/// An Envoy document given with Istio resources is skipped with a warning at its place, not
/// silently.
#[test]
fn an_envoy_document_beside_istio_resources_is_warned() {
    let text = format!(
        "{}---\nname: c\nconnect_timeout: 1s\n",
        dr("d", None, "reviews", "")
    );
    let (_, warnings) = run(&text, None).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("rules.yaml:12:1") && w.contains("not a Kubernetes resource")),
        "{warnings:#?}"
    );
}
