//! `[cluster] from = "…"`: a scenario follows an Envoy or Istio config file, and whatever the
//! scenario writes itself (or `--set` changes) wins over the file.

use std::path::PathBuf;

use sim_cli::scenario_file::read_scenario;
use sim_core::time::SimDuration;

use crate::common::{breakersim, temp_file};

const DESTINATION_RULE: &str = "\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews.default.svc.cluster.local
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 3
      interval: 5s
      baseEjectionTime: 30s
";

const VIRTUAL_SERVICE: &str = "\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews.default.svc.cluster.local]
  http:
  - route:
    - destination:
        host: reviews.default.svc.cluster.local
    retries:
      attempts: 4
      retryOn: 5xx
      perTryTimeout: 2s
";

const WORLD: &str = r#"
[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 3

[[backends]]
name = "b"
replicas = 2
"#;

/// Writes, in a directory of its own (tests run in parallel), a DestinationRule, a
/// VirtualService and a scenario named `name` whose `[cluster]` is `cluster`.
fn scenario(name: &str, cluster: &str) -> PathBuf {
    let dir = temp_file(name, "").with_extension("d");
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("cfgref-dr.yaml"), DESTINATION_RULE).expect("written");
    std::fs::write(dir.join("cfgref-vs.yaml"), VIRTUAL_SERVICE).expect("written");
    let path = dir.join(name);
    std::fs::write(&path, format!("{cluster}\n{WORLD}")).expect("written");
    path
}

#[test]
fn the_config_file_gives_cluster_and_route() {
    let path = scenario("cfgref-plain.toml", "[cluster]\nfrom = \"cfgref-dr.yaml\"");
    let s = read_scenario(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
    // istiod's name, and Istio's defaults (istio-destination-rule.md §1-3).
    assert_eq!(
        s.cluster.name,
        "outbound|80||reviews.default.svc.cluster.local"
    );
    let od = s.cluster.outlier_detection.expect("outlierDetection given");
    assert_eq!(od.consecutive_5xx, 3);
    assert_eq!(od.interval, SimDuration::from_secs(5));
    assert_eq!(od.base_ejection_time, SimDuration::from_secs(30));
    assert_eq!(od.enforcing_success_rate, 0);
    assert_eq!(s.route.timeout, SimDuration::ZERO);
    assert_eq!(s.route.istio_default_retry_policy.as_deref(), Some("1.30"));
}

#[test]
fn the_scenario_overrides_the_config_field_by_field() {
    let cluster = "[cluster]\nfrom = \"cfgref-dr.yaml\"\nistio_version = \"1.10\"\n\
                   [cluster.outlier_detection]\ninterval = \"1s\"";
    let path = scenario("cfgref-over.toml", cluster);
    let sets = ["cluster.outlier_detection.base_ejection_time=\"60s\"".to_string()];
    let s = read_scenario(&path, &sets).unwrap_or_else(|e| panic!("{e}"));
    let od = s.cluster.outlier_detection.expect("outlierDetection given");
    assert_eq!(
        od.interval,
        SimDuration::from_secs(1),
        "the scenario's own value"
    );
    assert_eq!(od.base_ejection_time, SimDuration::from_secs(60), "--set");
    assert_eq!(od.consecutive_5xx, 3, "the file's value");
    assert_eq!(s.route.istio_default_retry_policy.as_deref(), Some("1.10"));
}

#[test]
fn several_files_and_a_virtual_service() {
    let cluster = "[cluster]\nfrom = [\"cfgref-dr.yaml\", \"cfgref-vs.yaml\"]";
    let s =
        read_scenario(&scenario("cfgref-vs.toml", cluster), &[]).unwrap_or_else(|e| panic!("{e}"));
    let retry = s.route.retry_policy.expect("the VirtualService's retries");
    assert_eq!(retry.num_retries, 4);
    assert_eq!(retry.retry_on, "5xx");
}

#[test]
fn the_scenarios_retry_policy_replaces_the_default_one() {
    let cluster = "[cluster]\nfrom = \"cfgref-dr.yaml\"\n\
                   [route.retry_policy]\nretry_on = \"5xx\"\nnum_retries = 1";
    let s = read_scenario(&scenario("cfgref-retry.toml", cluster), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.route.istio_default_retry_policy, None);
    assert_eq!(s.route.retry_policy.expect("own").num_retries, 1);
}

/// The scenario's own retry policy replaces the VirtualService's whole: its per-try timeout
/// does not leak in.
#[test]
fn the_scenarios_retry_policy_replaces_the_virtual_services() {
    let cluster = "[cluster]\nfrom = [\"cfgref-dr.yaml\", \"cfgref-vs.yaml\"]\n\
                   [route.retry_policy]\nretry_on = \"reset\"\nnum_retries = 1";
    let s = read_scenario(&scenario("cfgref-own-vs.toml", cluster), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let retry = s.route.retry_policy.expect("own");
    assert_eq!((retry.retry_on.as_str(), retry.num_retries), ("reset", 1));
    assert_eq!(
        retry.per_try_timeout, None,
        "nothing of the imported policy is kept"
    );
}

/// And the scenario's choice of Istio default policy replaces the VirtualService's retries.
#[test]
fn the_scenarios_istio_default_policy_replaces_the_virtual_services() {
    let cluster = "[cluster]\nfrom = [\"cfgref-dr.yaml\", \"cfgref-vs.yaml\"]\n\
                   [route]\nistio_default_retry_policy = \"1.23\"";
    let s = read_scenario(&scenario("cfgref-own-default.toml", cluster), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(s.route.retry_policy.is_none());
    assert_eq!(s.route.istio_default_retry_policy.as_deref(), Some("1.23"));
}

#[test]
fn a_numeric_istio_version_exits_2() {
    let cluster = "[cluster]\nfrom = \"cfgref-dr.yaml\"\nistio_version = 1.30";
    let out = breakersim(&[
        "check",
        scenario("cfgref-num.toml", cluster).to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            ":3:17: cluster.istio_version: write the Istio version as a quoted string such as \"1.24\", not the number 1.3"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_config_file_exits_2_naming_the_field() {
    let path = scenario("cfgref-missing.toml", "[cluster]\nfrom = \"nowhere.yaml\"");
    let out = breakersim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("cfgref-missing.toml:2:8: cluster.from: cannot read"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nowhere.yaml"), "{}", out.stderr);
}

#[test]
fn a_config_file_that_is_not_a_path_exits_2() {
    let path = scenario("cfgref-number.toml", "[cluster]\nfrom = 3");
    let out = breakersim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(":2:8: cluster.from: not a file path, expected the path"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_broken_config_file_exits_2_with_its_line_and_column() {
    temp_file("cfgref-broken.yaml", "spec:\n  host: [unclosed\n");
    let path = temp_file(
        "cfgref-broken.toml",
        &format!("[cluster]\nfrom = \"cfgref-broken.yaml\"\n{WORLD}"),
    );
    let out = breakersim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("cfgref-broken.yaml:3:1: YAML syntax error"),
        "{}",
        out.stderr
    );
}

/// Found by the mutation property test: a bad `istio_version` or `select` was refused with the
/// import's message for its command-line flag, naming neither the scenario nor the field.
#[test]
fn a_bad_import_option_names_the_scenario_and_the_field() {
    let version = "[cluster]\nfrom = \"cfgref-dr.yaml\"\nistio_version = \"1ns\"";
    let path = scenario("cfgref-version.toml", version);
    let out = breakersim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "error: {}:3:17: cluster.istio_version: `1ns` is not an Istio version like 1.24\n",
            path.display()
        )
    );
    let host = "reviews.default.svc.cluster.local";
    let select = format!("[cluster]\nfrom = \"cfgref-dr.yaml\"\nselect = \"x|{host}\"");
    let path = scenario("cfgref-select.toml", &select);
    let out = breakersim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "error: {}:3:10: cluster.select: `x|{host}` is not of the form outbound|<port>|<subset>|<host>, e.g. outbound|9080||reviews.default.svc.cluster.local\n",
            path.display()
        )
    );
    let out = breakersim(&[
        "import",
        path.with_file_name("cfgref-dr.yaml").to_str().unwrap(),
        "--istio-version",
        "x",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: --istio-version: `x` is not an Istio version like 1.24\n"
    );
}

/// `from = []` names no config: an error at the field, in the scenario file, exit 2.
#[test]
fn an_empty_from_is_an_error_at_the_field() {
    let path = crate::common::temp_file("from-empty.toml", "[cluster]\nfrom = []\n");
    let out = crate::common::breakersim(&["check", &path.to_string_lossy()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("from-empty.toml"), "{}", out.stderr);
    assert!(
        out.stderr.contains("cluster.from: names no file"),
        "{}",
        out.stderr
    );
}
