//! `breakersim import`: one test per mapping rule of istiod (docs/import.md)
//! (what istiod writes for a DestinationRule and a VirtualService route, by Istio version),
//! plus Envoy clusters and bootstraps and the input errors. Every expected value is worked out
//! by hand from Istio's documentation and sources (`pilot/pkg/networking/core/
//! cluster_traffic_policy.go`, `pilot/pkg/networking/util/util.go`, `route/retry/retry.go`); the
//! source wins where the two differ. Every imported scenario must also load in sim-core.

use sim_cli::import::{ImportOptions, InputFile, import};
use sim_core::scenario::{Scenario, load_scenario};
use sim_core::time::SimDuration;
use toml::{Table, Value};

use crate::common::{breakersim, temp_file};

const HOST: &str = "reviews.default.svc.cluster.local";
const MAX: i64 = 4_294_967_295;
/// Istio 1.24+'s default `retry_on` (retry.go `defaultPolicy`).
const DEFAULT_RETRY_ON: &str =
    "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

/// An import's result: the scenario TOML parsed as a table, its text, and the warnings.
struct Out {
    table: Table,
    text: String,
    warnings: Vec<String>,
}

impl Out {
    /// The value at a dotted path; a number indexes an array (`thresholds.0.max_retries`).
    fn get(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut v = self.table.get(parts.next()?)?;
        for p in parts {
            v = match v {
                Value::Table(t) => t.get(p)?,
                Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }

    fn need(&self, path: &str) -> &Value {
        self.get(path)
            .unwrap_or_else(|| panic!("{path} missing in\n{}", self.text))
    }

    fn has(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    fn absent(&self, path: &str) {
        assert!(
            !self.has(path),
            "{path} should not be written, got {:?} in\n{}",
            self.get(path),
            self.text
        );
    }

    fn int(&self, path: &str) -> i64 {
        self.need(path)
            .as_integer()
            .unwrap_or_else(|| panic!("{path} is not an integer in\n{}", self.text))
    }

    fn str(&self, path: &str) -> &str {
        self.need(path)
            .as_str()
            .unwrap_or_else(|| panic!("{path} is not a string in\n{}", self.text))
    }

    fn bool(&self, path: &str) -> bool {
        self.need(path)
            .as_bool()
            .unwrap_or_else(|| panic!("{path} is not a bool in\n{}", self.text))
    }

    fn dur(&self, path: &str) -> SimDuration {
        SimDuration::parse(self.str(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// A `type.v3.Percent`: `{ value = x }` or a bare number.
    fn percent(&self, path: &str) -> f64 {
        let v = self.need(path);
        let v = v.get("value").unwrap_or(v);
        v.as_float()
            .or_else(|| v.as_integer().map(|i| i as f64))
            .unwrap_or_else(|| panic!("{path} is not a percent in\n{}", self.text))
    }

    fn ints(&self, path: &str) -> Vec<i64> {
        self.need(path)
            .as_array()
            .unwrap_or_else(|| panic!("{path} is not an array in\n{}", self.text))
            .iter()
            .map(|v| v.as_integer().expect("an integer"))
            .collect()
    }

    /// The scenario as the simulator reads it (Envoy's defaults filled in).
    fn scenario(&self) -> Scenario {
        load_scenario(&self.text, "imported", &[]).unwrap_or_else(|e| panic!("{e}\n{}", self.text))
    }

    fn warned(&self, parts: &[&str]) {
        assert!(
            self.warnings
                .iter()
                .any(|w| parts.iter().all(|p| w.contains(p))),
            "no warning with {parts:?} in {:#?}",
            self.warnings
        );
    }
}

fn try_import(
    files: &[(&str, &str)],
    version: Option<&str>,
    cluster: Option<&str>,
) -> Result<Out, (i32, String)> {
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(source, text)| InputFile {
            source: source.to_string(),
            text: text.to_string(),
        })
        .collect();
    let opts = ImportOptions {
        istio_version: version.map(str::to_string),
        cluster: cluster.map(str::to_string),
        ..ImportOptions::default()
    };
    match import(&inputs, &opts) {
        Ok(imported) => {
            let table = toml::from_str::<Table>(&imported.scenario)
                .unwrap_or_else(|e| panic!("{e}\n{}", imported.scenario));
            let out = Out {
                table,
                text: imported.scenario,
                warnings: imported.warnings.iter().map(ToString::to_string).collect(),
            };
            out.scenario();
            Ok(out)
        }
        Err(e) => Err((e.exit_code(), e.to_string())),
    }
}

fn import_files(files: &[(&str, &str)], version: Option<&str>, cluster: Option<&str>) -> Out {
    try_import(files, version, cluster).unwrap_or_else(|(_, e)| panic!("{e}"))
}

fn import_err(files: &[(&str, &str)], cluster: Option<&str>) -> (i32, String) {
    match try_import(files, None, cluster) {
        Ok(out) => panic!("expected an error, got\n{}", out.text),
        Err(e) => e,
    }
}

/// One DestinationRule file, `dr.yaml`, imported as Istio `version`.
fn istio(yaml: &str, version: &str) -> Out {
    import_files(&[("dr.yaml", yaml)], Some(version), None)
}

/// A DestinationRule for `reviews` whose `trafficPolicy` is `policy` (written from column 0;
/// indented here). Lines 1-7 are the header, so the policy's first line is line 8.
fn dr(policy: &str) -> String {
    let mut s = format!(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: {HOST}\n  trafficPolicy:\n"
    );
    for line in policy.lines().filter(|l| !l.trim().is_empty()) {
        s.push_str("    ");
        s.push_str(line);
        s.push('\n');
    }
    s
}

/// A VirtualService routing to `reviews`, with `extra` (from column 0) in its HTTP route.
fn vs(extra: &str) -> String {
    let mut s = String::from(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n",
    );
    for line in extra.lines().filter(|l| !l.trim().is_empty()) {
        s.push_str("    ");
        s.push_str(line);
        s.push('\n');
    }
    s
}

const OD: &str = "cluster.outlier_detection";
const T0: &str = "cluster.circuit_breakers.thresholds.0";
const RP: &str = "route.retry_policy";

fn od(field: &str) -> String {
    format!("{OD}.{field}")
}

fn t0(field: &str) -> String {
    format!("{T0}.{field}")
}

fn rp(field: &str) -> String {
    format!("{RP}.{field}")
}

// ---------------------------------------------------------------------------------------------
// §1 outlierDetection → cluster.outlier_detection
// ---------------------------------------------------------------------------------------------

// §1.2 row `consecutive5xxErrors`: N>0 → consecutive_5xx N, enforcing_consecutive_5xx 100; the
// gateway counter is left alone. cluster_traffic_policy.go `applyOutlierDetection`.
#[test]
fn consecutive_5xx_errors_are_enforced_at_100() {
    let out = istio(&dr("outlierDetection:\n  consecutive5xxErrors: 7"), "1.30");
    assert_eq!(out.int(&od("consecutive_5xx")), 7);
    assert_eq!(out.int(&od("enforcing_consecutive_5xx")), 100);
    out.absent(&od("consecutive_gateway_failure"));
    out.absent(&od("enforcing_consecutive_gateway_failure"));
}

// §1.2 row `consecutiveGatewayErrors`: N>0 → consecutive_gateway_failure N, enforcing 100;
// the 5xx pair is not written (Envoy's 5 / 100 stay). cluster_traffic_policy.go
// `applyOutlierDetection`.
#[test]
fn consecutive_gateway_errors_are_enforced_at_100() {
    let out = istio(
        &dr("outlierDetection:\n  consecutiveGatewayErrors: 4"),
        "1.30",
    );
    assert_eq!(out.int(&od("consecutive_gateway_failure")), 4);
    assert_eq!(out.int(&od("enforcing_consecutive_gateway_failure")), 100);
    out.absent(&od("consecutive_5xx"));
    out.absent(&od("enforcing_consecutive_5xx"));
    let s = out.scenario();
    let d = s.cluster.outlier_detection.expect("a detector");
    assert_eq!((d.consecutive_5xx, d.enforcing_consecutive_5xx), (5, 100));
}

// §1.2 rows `consecutive5xxErrors` / `consecutiveGatewayErrors`: an explicit 0 is written with
// enforcing 0, which turns that kind of ejection off. cluster_traffic_policy.go
// `applyOutlierDetection` (`if v > 0 { v = 100 }`).
#[test]
fn zero_error_counts_turn_enforcement_off() {
    let out = istio(
        &dr("outlierDetection:\n  consecutive5xxErrors: 0\n  consecutiveGatewayErrors: 0"),
        "1.30",
    );
    assert_eq!(out.int(&od("consecutive_5xx")), 0);
    assert_eq!(out.int(&od("enforcing_consecutive_5xx")), 0);
    assert_eq!(out.int(&od("consecutive_gateway_failure")), 0);
    assert_eq!(out.int(&od("enforcing_consecutive_gateway_failure")), 0);
}

// §1.2 rows `interval` and `baseEjectionTime`: copied as they are (the istio.io example's
// `1m` / `15m`). cluster_traffic_policy.go `applyOutlierDetection`.
#[test]
fn interval_and_base_ejection_time_are_copied() {
    let out = istio(
        &dr("outlierDetection:\n  interval: 1m\n  baseEjectionTime: 15m"),
        "1.30",
    );
    assert_eq!(out.dur(&od("interval")), SimDuration::from_secs(60));
    assert_eq!(
        out.dur(&od("base_ejection_time")),
        SimDuration::from_secs(900)
    );
}

// §1.2 "If unset" column: an empty `outlierDetection: {}` writes only enforcing_success_rate 0
// (and the panic threshold); everything else is Envoy's default: 5 x 5xx enforced at 100,
// gateway 5 at 0, interval 10s, base 30s, 10 %. cluster_traffic_policy.go
// `applyOutlierDetection`.
#[test]
fn empty_outlier_detection_leaves_envoy_defaults() {
    let out = istio(&dr("outlierDetection: {}"), "1.30");
    for field in [
        "consecutive_5xx",
        "enforcing_consecutive_5xx",
        "consecutive_gateway_failure",
        "enforcing_consecutive_gateway_failure",
        "interval",
        "base_ejection_time",
        "max_ejection_percent",
        "split_external_local_origin_errors",
    ] {
        out.absent(&od(field));
    }
    let d = out
        .scenario()
        .cluster
        .outlier_detection
        .expect("a detector");
    assert_eq!(d.consecutive_5xx, 5);
    assert_eq!(d.enforcing_consecutive_5xx, 100);
    assert_eq!(d.enforcing_consecutive_gateway_failure, 0);
    assert_eq!(d.interval, SimDuration::from_secs(10));
    assert_eq!(d.base_ejection_time, SimDuration::from_secs(30));
    assert_eq!(d.max_ejection_percent, 10);
    assert_eq!(d.enforcing_success_rate, 0);
}

// §1.2 row `maxEjectionPercent`: written only when > 0; 0 leaves Envoy's 10 %.
// cluster_traffic_policy.go `applyOutlierDetection` (`if outlier.MaxEjectionPercent > 0`).
#[test]
fn max_ejection_percent_is_written_only_above_zero() {
    let zero = istio(&dr("outlierDetection:\n  maxEjectionPercent: 0"), "1.30");
    zero.absent(&od("max_ejection_percent"));
    let d = zero
        .scenario()
        .cluster
        .outlier_detection
        .expect("a detector");
    assert_eq!(d.max_ejection_percent, 10);
    let hundred = istio(&dr("outlierDetection:\n  maxEjectionPercent: 100"), "1.30");
    assert_eq!(hundred.int(&od("max_ejection_percent")), 100);
}

// §1.2 first row: enforcing_success_rate 0 whenever the block exists.
// cluster_traffic_policy.go `applyOutlierDetection` ("SuccessRate based outlier detection
// should be disabled").
#[test]
fn success_rate_ejection_is_never_enforced() {
    let out = istio(&dr("outlierDetection:\n  consecutive5xxErrors: 3"), "1.30");
    assert_eq!(out.int(&od("enforcing_success_rate")), 0);
}

// Up to 1.4 istiod never wrote enforcing_success_rate, so Envoy's default 100 applied: the
// line `out.EnforcingSuccessRate = ...{Value: 0}` came with istio/istio#25534 (July 2020,
// 1.7; back-ported to 1.5.x/1.6.x patches, issue #25220 shows enforced SUCCESS_RATE ejections
// on 1.6). Not in the spec's §1.3 table; Istio's v1alpha3/cluster.go `applyOutlierDetection`
// of 1.1-1.4 writes only base_ejection_time, the consecutiveErrors trio, interval and
// max_ejection_percent.
#[test]
fn success_rate_ejection_is_enforced_by_envoy_before_1_5() {
    let out = istio(&dr("outlierDetection:\n  consecutiveErrors: 3"), "1.4");
    let d = out
        .scenario()
        .cluster
        .outlier_detection
        .expect("a detector");
    assert_eq!(d.enforcing_success_rate, 100);
}

// §1.2 rows `splitExternalLocalOriginErrors` / `consecutiveLocalOriginFailures`: split true →
// split_external_local_origin_errors true, enforcing_local_origin_success_rate 0; a count > 0 →
// consecutive_local_origin_failure N with enforcing 100. cluster_traffic_policy.go
// `applyOutlierDetection`.
#[test]
fn split_local_origin_errors_with_a_count() {
    let out = istio(
        &dr(
            "outlierDetection:\n  splitExternalLocalOriginErrors: true\n  consecutiveLocalOriginFailures: 2",
        ),
        "1.30",
    );
    assert!(out.bool(&od("split_external_local_origin_errors")));
    assert_eq!(out.int(&od("enforcing_local_origin_success_rate")), 0);
    assert_eq!(out.int(&od("consecutive_local_origin_failure")), 2);
    assert_eq!(
        out.int(&od("enforcing_consecutive_local_origin_failure")),
        100
    );
}

// Same rows: split true without a count (or with 0) writes no local-origin count, so Envoy's 5
// enforced at 100 applies. cluster_traffic_policy.go `applyOutlierDetection`
// (`ConsecutiveLocalOriginFailures.GetValue() > 0`).
#[test]
fn split_local_origin_errors_without_a_count_keeps_envoy_default() {
    for policy in [
        "outlierDetection:\n  splitExternalLocalOriginErrors: true",
        "outlierDetection:\n  splitExternalLocalOriginErrors: true\n  consecutiveLocalOriginFailures: 0",
    ] {
        let out = istio(&dr(policy), "1.30");
        assert!(out.bool(&od("split_external_local_origin_errors")));
        assert_eq!(out.int(&od("enforcing_local_origin_success_rate")), 0);
        out.absent(&od("consecutive_local_origin_failure"));
        out.absent(&od("enforcing_consecutive_local_origin_failure"));
    }
}

// Same rows: without split, consecutiveLocalOriginFailures is not translated (validation
// rejects it), so it must not reach the cluster and is reported. cluster_traffic_policy.go
// `applyOutlierDetection` (only inside `if outlier.SplitExternalLocalOriginErrors`).
#[test]
fn local_origin_failures_without_split_are_not_translated() {
    let out = istio(
        &dr("outlierDetection:\n  consecutiveLocalOriginFailures: 2"),
        "1.30",
    );
    out.absent(&od("split_external_local_origin_errors"));
    out.absent(&od("consecutive_local_origin_failure"));
    out.absent(&od("enforcing_consecutive_local_origin_failure"));
    out.warned(&["consecutiveLocalOriginFailures", "dr.yaml:9:"]);
}

// §1.3 row 1.11 (`88ec468a97a`): the split arrived in 1.11; 1.10 does not translate it.
#[test]
fn split_local_origin_errors_are_not_known_before_1_11() {
    let out = istio(
        &dr("outlierDetection:\n  consecutive5xxErrors: 3\n  splitExternalLocalOriginErrors: true"),
        "1.10",
    );
    out.absent(&od("split_external_local_origin_errors"));
    out.absent(&od("enforcing_local_origin_success_rate"));
    out.warned(&["splitExternalLocalOriginErrors", "dr.yaml:10:"]);
}

// §1.3 row ≤1.4: `consecutiveErrors: N` → consecutive_gateway_failure N,
// enforcing_consecutive_gateway_failure 100, enforcing_consecutive_5xx 0 (only 502/503/504
// eject). v1alpha3/cluster.go `applyOutlierDetection` ("Only listen to gateway errors").
#[test]
fn consecutive_errors_mean_gateway_errors_before_1_7() {
    for version in ["1.4", "1.6"] {
        let out = istio(&dr("outlierDetection:\n  consecutiveErrors: 3"), version);
        assert_eq!(out.int(&od("consecutive_gateway_failure")), 3, "{version}");
        assert_eq!(
            out.int(&od("enforcing_consecutive_gateway_failure")),
            100,
            "{version}"
        );
        assert_eq!(out.int(&od("enforcing_consecutive_5xx")), 0, "{version}");
        out.absent(&od("consecutive_5xx"));
    }
}

// Same source: the trio is written only `if outlier.ConsecutiveErrors > 0`; an explicit 0
// writes nothing, so Envoy's 5 x 5xx (enforced at 100) stays in force.
#[test]
fn consecutive_errors_zero_writes_nothing_before_1_7() {
    let out = istio(&dr("outlierDetection:\n  consecutiveErrors: 0"), "1.4");
    out.absent(&od("consecutive_gateway_failure"));
    out.absent(&od("enforcing_consecutive_gateway_failure"));
    out.absent(&od("enforcing_consecutive_5xx"));
}

// §1.3 row 1.7 (`a291ab60276`) and §1.2 row `consecutiveErrors`: ignored from 1.7, so an old DR
// with only consecutiveErrors gets Envoy's defaults (5 x 5xx, 10s, 30s, 10 %).
#[test]
fn consecutive_errors_are_ignored_from_1_7() {
    let out = istio(&dr("outlierDetection:\n  consecutiveErrors: 3"), "1.7");
    out.absent(&od("consecutive_gateway_failure"));
    out.absent(&od("enforcing_consecutive_gateway_failure"));
    out.absent(&od("consecutive_5xx"));
    out.absent(&od("enforcing_consecutive_5xx"));
    let d = out
        .scenario()
        .cluster
        .outlier_detection
        .expect("a detector");
    assert_eq!((d.consecutive_5xx, d.enforcing_consecutive_5xx), (5, 100));
    assert_eq!(d.enforcing_consecutive_gateway_failure, 0);
}

// Same change: istiod ignores consecutiveErrors from 1.7 (validation only warns), so the import
// reports it with its line instead of dropping it silently, on every later version.
#[test]
fn consecutive_errors_are_reported_from_1_7() {
    for version in ["1.7", "1.30"] {
        let out = istio(&dr("outlierDetection:\n  consecutiveErrors: 3"), version);
        out.warned(&[
            "outlierDetection.consecutiveErrors",
            "dr.yaml:9:",
            "since 1.7",
        ]);
    }
    let old = istio(&dr("outlierDetection:\n  consecutiveErrors: 3"), "1.6");
    assert!(
        !old.warnings.iter().any(|w| w.contains("consecutiveErrors")),
        "{:#?}",
        old.warnings
    );
}

// §1.3 row 1.5 (`b288f6f6ad1`): consecutive5xxErrors did not exist before 1.5.
#[test]
fn consecutive_5xx_errors_are_not_known_before_1_5() {
    let out = istio(&dr("outlierDetection:\n  consecutive5xxErrors: 3"), "1.4");
    out.absent(&od("consecutive_5xx"));
    out.absent(&od("enforcing_consecutive_5xx"));
    out.warned(&["consecutive5xxErrors", "dr.yaml:9:"]);
}

// §1.2 row `minHealthPercent`: common_lb_config.healthy_panic_threshold = minHealthPercent.
// cluster_traffic_policy.go `applyOutlierDetection` (`c.CommonLbConfig.HealthyPanicThreshold`).
#[test]
fn min_health_percent_is_the_panic_threshold() {
    let out = istio(
        &dr("outlierDetection:\n  consecutive5xxErrors: 3\n  minHealthPercent: 25"),
        "1.30",
    );
    assert_eq!(
        out.percent("cluster.common_lb_config.healthy_panic_threshold"),
        25.0
    );
}

// §1.2 panic details and §1.3 row 1.3 (`501dc215c06`): from 1.3 the threshold is written even
// when minHealthPercent is unset, as 0: panic off.
#[test]
fn panic_threshold_is_zero_by_default_from_1_3() {
    for version in ["1.3", "1.30"] {
        let out = istio(&dr("outlierDetection:\n  consecutive5xxErrors: 3"), version);
        assert_eq!(
            out.percent("cluster.common_lb_config.healthy_panic_threshold"),
            0.0,
            "{version}"
        );
    }
}

// §1.3 row 1.1-1.2: the threshold was written only if minHealthPercent > 0; otherwise Envoy's
// 50 % applied (istio/istio#13682). v1alpha3/cluster.go `applyOutlierDetection`
// (`if outlier.MinHealthPercent > 0`).
#[test]
fn panic_threshold_is_envoy_50_unless_set_before_1_3() {
    let unset = istio(&dr("outlierDetection:\n  consecutive5xxErrors: 3"), "1.2");
    unset.absent("cluster.common_lb_config.healthy_panic_threshold");
    assert_eq!(
        unset
            .scenario()
            .cluster
            .common_lb_config
            .healthy_panic_threshold
            .0,
        50.0
    );
    let set = istio(
        &dr("outlierDetection:\n  consecutive5xxErrors: 3\n  minHealthPercent: 30"),
        "1.2",
    );
    assert_eq!(
        set.percent("cluster.common_lb_config.healthy_panic_threshold"),
        30.0
    );
}

// §1.1 "no outlierDetection block" and §1.2 panic details: no detector at all (nothing is ever
// ejected), and no threshold written, so Envoy's 50 % panic applies (1.30).
// cluster_traffic_policy.go `applyOutlierDetection` (`if outlier == nil { return }`).
#[test]
fn no_outlier_detection_block_means_no_detector_and_envoy_panic() {
    let out = istio(
        &dr("connectionPool:\n  tcp:\n    maxConnections: 10"),
        "1.30",
    );
    out.absent(OD);
    out.absent("cluster.common_lb_config");
    out.absent("envoy.max_ejection_percent_rule");
    assert_eq!(out.str("envoy.version"), "1.38");
    let s = out.scenario();
    assert!(s.cluster.outlier_detection.is_none());
    assert_eq!(s.cluster.common_lb_config.healthy_panic_threshold.0, 50.0);
}

// §1.3 row "1.20+ (Envoy ≥1.28)": the max_ejection_percent cap applies to the first ejection
// too from Istio 1.20; before, one host could always be ejected. The import writes the Envoy
// each Istio release ships (istio_envoy.rs), which chooses the rule; Istio 1.8 and older ship an
// Envoy older than breakersim models, so they run as 1.17 with a warning.
#[test]
fn envoy_version_by_istio_version() {
    let policy = dr("outlierDetection:\n  consecutive5xxErrors: 3");
    for (version, envoy) in [
        ("1.9", "1.17"),
        ("1.10", "1.18"),
        ("1.19", "1.27"),
        ("1.20", "1.28"),
        ("1.23", "1.31"),
        ("1.30", "1.38"),
    ] {
        let out = istio(&policy, version);
        assert_eq!(out.str("envoy.version"), envoy, "{version}");
        out.absent("envoy.max_ejection_percent_rule");
    }
    let out = istio(&policy, "1.8");
    assert_eq!(out.str("envoy.version"), "1.17");
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("Istio 1.8 ships Envoy 1.16, older than the oldest release")),
        "{:?}",
        out.warnings
    );
}

// ---------------------------------------------------------------------------------------------
// §2 connectionPool → circuit_breakers and protocol options
// ---------------------------------------------------------------------------------------------

// §2.1: one DEFAULT thresholds entry, every limit 2^32-1, track_remaining true, even without a
// connectionPool. cluster_traffic_policy.go `getDefaultCircuitBreakerThresholds`.
#[test]
fn thresholds_are_always_written_at_2_32_minus_1() {
    let out = istio(&dr("outlierDetection:\n  consecutive5xxErrors: 3"), "1.30");
    let thresholds = out
        .need("cluster.circuit_breakers.thresholds")
        .as_array()
        .expect("an array");
    assert_eq!(thresholds.len(), 1);
    assert_eq!(out.str(&t0("priority")), "DEFAULT");
    for field in [
        "max_connections",
        "max_pending_requests",
        "max_requests",
        "max_retries",
    ] {
        assert_eq!(out.int(&t0(field)), MAX, "{field}");
    }
    assert!(out.bool(&t0("track_remaining")));
    out.absent(&t0("retry_budget"));
}

// §2.2 row `tcp.maxConnections` → max_connections. cluster_traffic_policy.go
// `applyConnectionPool`.
#[test]
fn tcp_max_connections_is_max_connections() {
    let out = istio(
        &dr("connectionPool:\n  tcp:\n    maxConnections: 10"),
        "1.30",
    );
    assert_eq!(out.int(&t0("max_connections")), 10);
    assert_eq!(out.int(&t0("max_pending_requests")), MAX);
    assert_eq!(out.int(&t0("max_requests")), MAX);
    assert_eq!(out.int(&t0("max_retries")), MAX);
}

// §2.2 row `http.http1MaxPendingRequests` → max_pending_requests. cluster_traffic_policy.go
// `applyConnectionPool`.
#[test]
fn http1_max_pending_requests_is_max_pending_requests() {
    let out = istio(
        &dr("connectionPool:\n  http:\n    http1MaxPendingRequests: 1"),
        "1.30",
    );
    assert_eq!(out.int(&t0("max_pending_requests")), 1);
    assert_eq!(out.int(&t0("max_connections")), MAX);
}

// §2.2 row `http.http2MaxRequests` → max_requests (HTTP/1.1 too). cluster_traffic_policy.go
// `applyConnectionPool`.
#[test]
fn http2_max_requests_is_max_requests() {
    let out = istio(
        &dr("connectionPool:\n  http:\n    http2MaxRequests: 50"),
        "1.30",
    );
    assert_eq!(out.int(&t0("max_requests")), 50);
    assert_eq!(out.int(&t0("max_pending_requests")), MAX);
}

// §2.2 row `http.maxRetries` → max_retries. cluster_traffic_policy.go `applyConnectionPool`.
#[test]
fn max_retries_is_max_retries() {
    let out = istio(&dr("connectionPool:\n  http:\n    maxRetries: 3"), "1.30");
    assert_eq!(out.int(&t0("max_retries")), 3);
    assert_eq!(out.int(&t0("max_requests")), MAX);
}

// §2.2 heading: zero means "keep the default" for every int field (the FIXME): 0 limits stay
// 2^32-1 and maxRequestsPerConnection 0 writes no protocol option. cluster_traffic_policy.go
// `applyConnectionPool` (`> 0` tests).
#[test]
fn zero_limits_keep_the_defaults() {
    let out = istio(
        &dr(
            "connectionPool:\n  tcp:\n    maxConnections: 0\n  http:\n    http1MaxPendingRequests: 0\n    http2MaxRequests: 0\n    maxRetries: 0\n    maxRequestsPerConnection: 0",
        ),
        "1.30",
    );
    for field in [
        "max_connections",
        "max_pending_requests",
        "max_requests",
        "max_retries",
    ] {
        assert_eq!(out.int(&t0(field)), MAX, "{field}");
    }
    out.absent("cluster.common_http_protocol_options");
}

// §2.2 row `http.maxRequestsPerConnection` →
// common_http_protocol_options.max_requests_per_connection. cluster_traffic_policy.go
// `applyConnectionPool`.
#[test]
fn max_requests_per_connection() {
    let out = istio(
        &dr("connectionPool:\n  http:\n    maxRequestsPerConnection: 1"),
        "1.30",
    );
    assert_eq!(
        out.int("cluster.common_http_protocol_options.max_requests_per_connection"),
        1
    );
}

// §2.2 row `tcp.connectTimeout` and §3.3: the DR's value, else the mesh's 10s.
// cluster_traffic_policy.go `applyConnectionPool` / `applyDefaultConnectionPool`.
#[test]
fn connect_timeout_from_the_rule_or_the_mesh_default() {
    let set = istio(
        &dr("connectionPool:\n  tcp:\n    connectTimeout: 250ms"),
        "1.30",
    );
    assert_eq!(
        set.dur("cluster.connect_timeout"),
        SimDuration::from_millis(250)
    );
    let unset = istio(
        &dr("connectionPool:\n  tcp:\n    maxConnections: 10"),
        "1.30",
    );
    assert_eq!(
        unset.dur("cluster.connect_timeout"),
        SimDuration::from_secs(10)
    );
}

// §2.2 row `http.h2UpgradePolicy` / `http.maxConcurrentStreams`: UPGRADE makes the cluster
// HTTP/2 (setH2Options), and maxConcurrentStreams then sets
// http2_protocol_options.max_concurrent_streams. The mesh default (DO_NOT_UPGRADE) keeps
// HTTP/1.1. cluster_traffic_policy.go `shouldH2Upgrade`, `applyConnectionPool`.
#[test]
fn h2_upgrade_policy_upgrade_makes_the_cluster_http2() {
    let out = istio(
        &dr(
            "connectionPool:\n  http:\n    h2UpgradePolicy: UPGRADE\n    maxConcurrentStreams: 100",
        ),
        "1.30",
    );
    assert_eq!(
        out.int("cluster.http2_protocol_options.max_concurrent_streams"),
        100
    );
    let default = istio(&dr("connectionPool:\n  http:\n    maxRetries: 3"), "1.30");
    default.absent("cluster.http2_protocol_options");
}

// §2.2 row `http.h2UpgradePolicy` while it is not translated: the field must at least be
// reported with its path and line (no silent drop).
#[test]
fn h2_upgrade_policy_is_not_dropped_silently() {
    let out = istio(
        &dr("connectionPool:\n  http:\n    h2UpgradePolicy: UPGRADE"),
        "1.30",
    );
    if !out.has("cluster.http2_protocol_options") {
        out.warned(&["connectionPool.http.h2UpgradePolicy", "dr.yaml:10:"]);
    }
}

// §2.2 row `h2UpgradePolicy` by version: istio/istio#21809 implemented UPGRADE in 1.6 (before,
// istiod ignored it: reported, HTTP/1.1); up to 1.14 setH2Options wrote max_concurrent_streams
// 1073741824, removed by istio/istio#40009 (1.15).
#[test]
fn h2_upgrade_policy_by_version() {
    let policy = dr("connectionPool:\n  http:\n    h2UpgradePolicy: UPGRADE");
    let old = istio(&policy, "1.5");
    old.absent("cluster.http2_protocol_options");
    old.warned(&["h2UpgradePolicy", "dr.yaml:10:", "1.6"]);
    let v1_14 = istio(&policy, "1.14");
    assert_eq!(
        v1_14.int("cluster.http2_protocol_options.max_concurrent_streams"),
        1_073_741_824
    );
    let v1_15 = istio(&policy, "1.15");
    assert!(v1_15.has("cluster.http2_protocol_options"));
    v1_15.absent("cluster.http2_protocol_options.max_concurrent_streams");
    assert!(v1_15.scenario().cluster.http2_protocol_options.is_some());
}

// maxConcurrentStreams reaches a rule-upgraded cluster only since istiod upgrades before it
// applies the pool (istio/istio#57569; issue #57583 saw it ignored on 1.22 and 1.26): before
// 1.30 the cluster is HTTP/2 without the limit and the field is reported. Without UPGRADE the
// cluster stays HTTP/1.1 and the field is reported too.
#[test]
fn max_concurrent_streams_needs_an_upgraded_cluster() {
    let upgrade =
        dr("connectionPool:\n  http:\n    h2UpgradePolicy: UPGRADE\n    maxConcurrentStreams: 100");
    let v1_29 = istio(&upgrade, "1.29");
    assert!(v1_29.has("cluster.http2_protocol_options"));
    v1_29.absent("cluster.http2_protocol_options.max_concurrent_streams");
    v1_29.warned(&["maxConcurrentStreams", "dr.yaml:11:"]);
    let plain = istio(
        &dr("connectionPool:\n  http:\n    maxConcurrentStreams: 100"),
        "1.30",
    );
    plain.absent("cluster.http2_protocol_options");
    plain.warned(&["maxConcurrentStreams", "dr.yaml:10:"]);
}

// useClientProtocol keeps each client's protocol, so the rule's UPGRADE does not apply
// (istio/istio#53876); breakersim does not model the client's protocol, so it is reported.
#[test]
fn use_client_protocol_is_reported_and_not_upgraded() {
    let out = istio(
        &dr("connectionPool:\n  http:\n    h2UpgradePolicy: UPGRADE\n    useClientProtocol: true"),
        "1.30",
    );
    out.absent("cluster.http2_protocol_options");
    out.warned(&["useClientProtocol", "dr.yaml:11:"]);
}

// §2.2 row `trafficPolicy.retryBudget` (1.27+): thresholds[0].retry_budget with the given
// percent and minRetryConcurrency. cluster_traffic_policy.go `applyRetryBudget`.
#[test]
fn retry_budget_is_the_thresholds_retry_budget() {
    let out = istio(
        &dr("retryBudget:\n  percent: 25\n  minRetryConcurrency: 5"),
        "1.30",
    );
    assert_eq!(out.percent(&t0("retry_budget.budget_percent")), 25.0);
    assert_eq!(out.int(&t0("retry_budget.min_retry_concurrency")), 5);
}

// Same row: istiod always writes both fields (percent 20, fixed from 0.2 by istio/istio#59505
// in March 2026, so 1.30; minRetryConcurrency 3 when unset or 0). Envoy counts an empty
// retry_budget as no budget at all (envoy-circuit-breaking.md §1), so the defaults must be
// written out. cluster_traffic_policy.go `applyRetryBudget`.
#[test]
fn retry_budget_defaults_are_written_out() {
    let empty = istio(&dr("retryBudget: {}"), "1.30");
    assert_eq!(empty.percent(&t0("retry_budget.budget_percent")), 20.0);
    assert_eq!(empty.int(&t0("retry_budget.min_retry_concurrency")), 3);
    let zero = istio(
        &dr("retryBudget:\n  percent: 30\n  minRetryConcurrency: 0"),
        "1.30",
    );
    assert_eq!(zero.int(&t0("retry_budget.min_retry_concurrency")), 3);
}

// Same row, "(1.27+)" (`cef716e3b83`): before 1.27 there is no retryBudget, so nothing is
// written and the field is reported.
#[test]
fn retry_budget_is_not_known_before_1_27() {
    let out = istio(
        &dr("retryBudget:\n  percent: 25\n  minRetryConcurrency: 5"),
        "1.26",
    );
    out.absent(&t0("retry_budget"));
    out.warned(&["retryBudget"]);
}

// Same row: before istio/istio#59505 (1.30) applyRetryBudget's default percent was 0.2, which a
// type.v3.Percent reads as 0.2 %, not 20 %.
#[test]
fn retry_budget_default_percent_before_1_30() {
    let out = istio(&dr("retryBudget:\n  minRetryConcurrency: 4"), "1.29");
    assert_eq!(out.percent(&t0("retry_budget.budget_percent")), 0.2);
    assert_eq!(out.int(&t0("retry_budget.min_retry_concurrency")), 4);
}

const BUDGET_SUBSETS: &str = r#"apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews.default.svc.cluster.local
  trafficPolicy:
    retryBudget:
      percent: 40
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      connectionPool:
        http:
          http2MaxRequests: 1000
"#;

// util.go `ShallowCopyTrafficPolicy` / `mergeTrafficPolicy` copy RetryBudget only since
// istio/istio#59668 (1.30; issue #59667): on 1.27-1.29 a subset with its own trafficPolicy has
// no retry budget, and the rule's is reported; a subset without one keeps the rule's.
#[test]
fn retry_budget_of_subsets_by_version() {
    let import = |subset: &str, version: &str| {
        let cluster = format!("outbound|9080|{subset}|{HOST}");
        import_files(
            &[("dr.yaml", BUDGET_SUBSETS)],
            Some(version),
            Some(&cluster),
        )
    };
    let v2_old = import("v2", "1.29");
    v2_old.absent(&t0("retry_budget"));
    v2_old.warned(&["spec.trafficPolicy.retryBudget", "dr.yaml:8:", "59667"]);
    assert_eq!(
        import("v2", "1.30").percent(&t0("retry_budget.budget_percent")),
        40.0
    );
    assert_eq!(
        import("v1", "1.29").percent(&t0("retry_budget.budget_percent")),
        40.0
    );
    assert!(
        !import("v1", "1.29")
            .warnings
            .iter()
            .any(|w| w.contains("subsets[0].labels")),
        "the selected subset's labels are its hosts, not a warning"
    );
}

// ---------------------------------------------------------------------------------------------
// §3 load balancer, default retry policy, timeouts
// ---------------------------------------------------------------------------------------------

// §3.1: the default lb_policy is ROUND_ROBIN up to 1.13 and LEAST_REQUEST from 1.14
// (`e048ab8b983`). cluster_traffic_policy.go `applySimpleDefaultLoadBalancer`.
#[test]
fn default_lb_policy_by_version() {
    let policy = dr("connectionPool:\n  tcp:\n    maxConnections: 10");
    for (version, lb) in [
        ("1.1", "ROUND_ROBIN"),
        ("1.13", "ROUND_ROBIN"),
        ("1.14", "LEAST_REQUEST"),
        ("1.30", "LEAST_REQUEST"),
    ] {
        assert_eq!(
            istio(&policy, version).str("cluster.lb_policy"),
            lb,
            "{version}"
        );
    }
}

// §3.1: an explicit loadBalancer.simple wins over the version default; LEAST_CONN is an alias
// of LEAST_REQUEST. cluster_traffic_policy.go `applyLoadBalancer`.
#[test]
fn explicit_simple_lb_policy() {
    for (version, simple, lb) in [
        ("1.30", "ROUND_ROBIN", "ROUND_ROBIN"),
        ("1.30", "RANDOM", "RANDOM"),
        ("1.13", "LEAST_REQUEST", "LEAST_REQUEST"),
        ("1.13", "LEAST_CONN", "LEAST_REQUEST"),
    ] {
        let out = istio(&dr(&format!("loadBalancer:\n  simple: {simple}")), version);
        assert_eq!(out.str("cluster.lb_policy"), lb, "{simple} on {version}");
    }
}

// §3.3: no VirtualService timeout → route timeout 0s (disabled), not Envoy's 15s.
// route/route.go `setTimeout`.
#[test]
fn route_timeout_defaults_to_0s() {
    let out = istio(
        &dr("connectionPool:\n  tcp:\n    maxConnections: 10"),
        "1.30",
    );
    assert_eq!(out.dur("route.timeout"), SimDuration::from_secs(0));
    assert_eq!(out.scenario().route.timeout, SimDuration::from_secs(0));
}

/// A route with only Istio's default retry policy: `istio_default_retry_policy` is the
/// version, and no explicit `retry_policy`. Returns what that stands for.
fn default_retry_policy(version: &str) -> Option<sim_core::scenario::RetryPolicy> {
    let out = istio(
        &dr("connectionPool:\n  tcp:\n    maxConnections: 10"),
        version,
    );
    assert_eq!(out.str("route.istio_default_retry_policy"), version);
    out.absent(RP);
    let s = out.scenario();
    let v = s.route.istio_default_retry_policy.expect("written");
    sim_core::envoy::retry::istio_default_retry_policy(&v).expect("a known version")
}

// §3.2 column "Istio 1.0": no default retry policy at all. route/retry/retry.go history (the
// default arrived with `ca48c42211d` for 1.1).
#[test]
fn no_default_retry_policy_in_1_0() {
    assert!(default_retry_policy("1.0").is_none());
}

// §3.2 column "1.1-1.23": 2 retries on connect-failure, refused-stream, unavailable,
// cancelled and retriable status [503]; previous_hosts; 3 host selection attempts in 1.1, 5
// from 1.2 (`d557ad36c9a`). retry.go `defaultPolicy` with Exclude503FromDefaultRetries off.
#[test]
fn default_retry_policy_retries_503_from_1_1_to_1_23() {
    for (version, attempts) in [("1.1", 3), ("1.10", 5), ("1.23", 5)] {
        let p = default_retry_policy(version).expect("a default policy");
        assert_eq!(p.num_retries, 2, "{version}");
        assert_eq!(p.retry_on, DEFAULT_RETRY_ON, "{version}");
        assert_eq!(p.retriable_status_codes, vec![503], "{version}");
        assert_eq!(p.host_selection_retry_max_attempts, attempts, "{version}");
        assert_eq!(p.retry_host_predicate.len(), 1, "{version}");
        assert_eq!(
            p.retry_host_predicate[0].name,
            "envoy.retry_host_predicates.previous_hosts"
        );
        assert!(p.per_try_timeout.is_none());
    }
}

// §3.2 column "1.24+" (`65aaaf4f8c5`): the same policy without any retriable status code.
// retry.go `defaultPolicy` (Exclude503FromDefaultRetries on).
#[test]
fn default_retry_policy_has_no_status_codes_from_1_24() {
    for version in ["1.24", "1.30"] {
        let p = default_retry_policy(version).expect("a default policy");
        assert_eq!(p.num_retries, 2);
        assert_eq!(p.retry_on, DEFAULT_RETRY_ON);
        assert!(p.retriable_status_codes.is_empty(), "{version}");
        assert_eq!(p.host_selection_retry_max_attempts, 5);
    }
}

fn with_vs(extra: &str, version: &str) -> Out {
    import_files(
        &[
            (
                "dr.yaml",
                &dr("connectionPool:\n  tcp:\n    maxConnections: 10"),
            ),
            ("vs.yaml", &vs(extra)),
        ],
        Some(version),
        None,
    )
}

// §3.2 and retry.go `ConvertPolicy`: VirtualService retries start from the default policy,
// with num_retries = attempts and per_try_timeout = perTryTimeout; retry_on, status codes,
// previous_hosts and 5 host selection attempts stay the default's (1.30: no status codes).
#[test]
fn virtual_service_attempts_and_per_try_timeout() {
    let out = with_vs("retries:\n  attempts: 3\n  perTryTimeout: 2s", "1.30");
    assert_eq!(out.int(&rp("num_retries")), 3);
    assert_eq!(out.dur(&rp("per_try_timeout")), SimDuration::from_secs(2));
    assert_eq!(out.str(&rp("retry_on")), DEFAULT_RETRY_ON);
    assert!(out.ints(&rp("retriable_status_codes")).is_empty());
    assert_eq!(
        out.need(&rp("retry_host_predicate"))
            .get(0)
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str),
        Some("envoy.retry_host_predicates.previous_hosts")
    );
    assert_eq!(out.int(&rp("host_selection_retry_max_attempts")), 5);
    out.absent("route.istio_default_retry_policy");
}

// retry.go `ConvertPolicy` on 1.1-1.23: without retryOn the default's 503 stays retriable.
#[test]
fn virtual_service_retries_keep_503_before_1_24() {
    let out = with_vs("retries:\n  attempts: 2", "1.23");
    assert_eq!(out.int(&rp("num_retries")), 2);
    assert_eq!(out.str(&rp("retry_on")), DEFAULT_RETRY_ON);
    assert_eq!(out.ints(&rp("retriable_status_codes")), vec![503]);
}

// §3.2 last paragraph and retry.go `ConvertPolicy` / `parseRetryOn`: retryOn replaces retry_on
// and the status codes; bare codes move to retriable_status_codes and
// `retriable-status-codes` is added once (not twice if already listed); spaces are trimmed.
#[test]
fn retry_on_status_codes_become_retriable_status_codes() {
    for (retry_on, want_on, want_codes) in [
        (
            "gateway-error,connect-failure,503,504",
            "gateway-error,connect-failure,retriable-status-codes",
            vec![503, 504],
        ),
        (
            "5xx,retriable-status-codes,429",
            "5xx,retriable-status-codes",
            vec![429],
        ),
        ("5xx, 503", "5xx,retriable-status-codes", vec![503]),
        ("5xx", "5xx", vec![]),
    ] {
        let out = with_vs(
            &format!("retries:\n  attempts: 2\n  retryOn: \"{retry_on}\""),
            "1.23",
        );
        assert_eq!(out.str(&rp("retry_on")), want_on, "{retry_on}");
        assert_eq!(
            out.ints(&rp("retriable_status_codes")),
            want_codes,
            "{retry_on}"
        );
    }
}

// §3.2 "`retries.attempts: 0` removes retries": no policy at all, not even the default.
// retry.go `ConvertPolicy` (`in.Attempts <= 0` → nil).
#[test]
fn virtual_service_attempts_zero_means_no_retries() {
    let out = with_vs("retries:\n  attempts: 0\n  perTryTimeout: 1s", "1.30");
    out.absent(RP);
    out.absent("route.istio_default_retry_policy");
    let s = out.scenario();
    assert!(s.route.retry_policy.is_none() && s.route.istio_default_retry_policy.is_none());
}

// §3.3 / route.go `setTimeout`: the VirtualService's timeout is the route timeout; without
// retries the route keeps the version's default retry policy.
#[test]
fn virtual_service_timeout() {
    let out = with_vs("timeout: 3s", "1.30");
    assert_eq!(out.dur("route.timeout"), SimDuration::from_secs(3));
    assert_eq!(out.str("route.istio_default_retry_policy"), "1.30");
}

// §3.2 row "retry back-off": a user `retries.backoff` sets only base_interval (1.26+).
// retry.go `ConvertPolicy` (`RetryBackOff{BaseInterval: in.Backoff}`).
#[test]
fn virtual_service_backoff_sets_base_interval() {
    let out = with_vs("retries:\n  attempts: 2\n  backoff: 100ms", "1.30");
    assert_eq!(
        out.dur(&rp("retry_back_off.base_interval")),
        SimDuration::from_millis(100)
    );
    out.absent(&rp("retry_back_off.max_interval"));
}

// Same row, "(1.26+)": HTTPRetry.backoff came with istio/api#3461 and istio/istio#55639
// (2025); before 1.26 there is no such field, so Envoy's 25 ms base applies and the field is
// reported.
#[test]
fn virtual_service_backoff_is_not_known_before_1_26() {
    let out = with_vs("retries:\n  attempts: 2\n  backoff: 100ms", "1.25");
    out.absent(&rp("retry_back_off"));
    out.warned(&["backoff", "vs.yaml:14:"]);
}

// §3.2 column "Istio 1.0": retries only from the VirtualService, with retry_on
// `5xx,connect-failure,refused-stream`, num_retries and per_try_timeout, and nothing else (no
// previous_hosts predicate, no status codes). Istio 1.0 route.go `translateRetryPolicy`.
#[test]
fn virtual_service_retries_in_1_0() {
    let out = with_vs("retries:\n  attempts: 3\n  perTryTimeout: 2s", "1.0");
    assert_eq!(
        out.str(&rp("retry_on")),
        "5xx,connect-failure,refused-stream"
    );
    assert_eq!(out.int(&rp("num_retries")), 3);
    assert_eq!(out.dur(&rp("per_try_timeout")), SimDuration::from_secs(2));
    let predicates = out
        .get(&rp("retry_host_predicate"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    assert_eq!(predicates, 0);
    let codes = out
        .get(&rp("retriable_status_codes"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    assert_eq!(codes, 0);
}

// Same source: 1.0 has no retryOn (route/retry/retry.go reads it from 1.1), so it is reported
// and retry_on stays 1.0's fixed list.
#[test]
fn virtual_service_retry_on_is_not_known_in_1_0() {
    let out = with_vs("retries:\n  attempts: 2\n  retryOn: gateway-error", "1.0");
    assert_eq!(
        out.str(&rp("retry_on")),
        "5xx,connect-failure,refused-stream"
    );
    out.warned(&["retryOn", "vs.yaml:14:"]);
}

// ---------------------------------------------------------------------------------------------
// §1.1 policy choice: portLevelSettings and subsets
// ---------------------------------------------------------------------------------------------

const PORT_LEVEL: &str = r#"apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews.default.svc.cluster.local
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
    outlierDetection:
      consecutive5xxErrors: 3
    loadBalancer:
      simple: RANDOM
    portLevelSettings:
    - port:
        number: 9080
      connectionPool:
        http:
          http1MaxPendingRequests: 7
"#;

// §1.1 "replaced whole by a matching portLevelSettings entry (no field inheritance)": on port
// 9080 only the entry's connectionPool applies; the top-level maxConnections, outlier detection
// and RANDOM are gone (defaults: 2^32-1, no detector, LEAST_REQUEST on 1.30).
// util.go `GetPortLevelTrafficPolicy` / `shadowCopyPortTrafficPolicy`.
#[test]
fn port_level_settings_replace_the_whole_policy() {
    let cluster = format!("outbound|9080||{HOST}");
    let out = import_files(&[("dr.yaml", PORT_LEVEL)], Some("1.30"), Some(&cluster));
    assert_eq!(out.str("cluster.name"), cluster);
    assert_eq!(out.int(&t0("max_pending_requests")), 7);
    assert_eq!(out.int(&t0("max_connections")), MAX);
    out.absent(OD);
    out.absent("envoy.max_ejection_percent_rule");
    assert_eq!(out.str("cluster.lb_policy"), "LEAST_REQUEST");
}

// Same rule, other port: an entry for 9080 does not touch port 8080's cluster.
#[test]
fn port_level_settings_of_another_port_do_not_apply() {
    let cluster = format!("outbound|8080||{HOST}");
    let out = import_files(&[("dr.yaml", PORT_LEVEL)], Some("1.30"), Some(&cluster));
    assert_eq!(out.int(&t0("max_connections")), 100);
    assert_eq!(out.int(&t0("max_pending_requests")), MAX);
    assert_eq!(out.int(&od("consecutive_5xx")), 3);
    assert_eq!(out.str("cluster.lb_policy"), "RANDOM");
}

const SUBSETS: &str = r#"apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews.default.svc.cluster.local
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
    outlierDetection:
      consecutive5xxErrors: 3
      interval: 7s
    loadBalancer:
      simple: RANDOM
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      outlierDetection:
        consecutive5xxErrors: 9
  - name: v3
    labels:
      version: v3
    trafficPolicy:
      connectionPool:
        tcp:
          maxConnections: 50
      portLevelSettings:
      - port:
          number: 9080
        connectionPool:
          tcp:
            maxConnections: 5
"#;

fn subset(name: &str, port: u16) -> Out {
    let cluster = format!("outbound|{port}|{name}|{HOST}");
    let out = import_files(&[("dr.yaml", SUBSETS)], Some("1.30"), Some(&cluster));
    assert_eq!(out.str("cluster.name"), cluster);
    out
}

// §1.1 "subset trafficPolicy merged per top-level block": v2's outlierDetection replaces the
// parent's block whole (its interval 7s is not inherited), while the parent's connectionPool
// and loadBalancer stay; v1 (no policy) is the parent's. util.go `MergeSubsetTrafficPolicy` /
// `mergeTrafficPolicy`.
#[test]
fn subset_policy_replaces_the_parents_blocks_one_by_one() {
    let v2 = subset("v2", 9080);
    assert_eq!(v2.int(&od("consecutive_5xx")), 9);
    v2.absent(&od("interval"));
    assert_eq!(v2.int(&t0("max_connections")), 100);
    assert_eq!(v2.str("cluster.lb_policy"), "RANDOM");
    let v1 = subset("v1", 9080);
    assert_eq!(v1.int(&od("consecutive_5xx")), 3);
    assert_eq!(v1.dur(&od("interval")), SimDuration::from_secs(7));
}

// Same rule, a subset's portLevelSettings on another port: the subset's top-level
// connectionPool (50) replaces the parent's; the parent's outlier detection stays.
#[test]
fn subset_policy_on_a_port_without_port_level_settings() {
    let v3 = subset("v3", 8080);
    assert_eq!(v3.int(&t0("max_connections")), 50);
    assert_eq!(v3.int(&od("consecutive_5xx")), 3);
    assert_eq!(v3.str("cluster.lb_policy"), "RANDOM");
}

// §1.1 and util.go `MergeSubsetTrafficPolicy`: a subset's matching portLevelSettings entry
// (hasPortLevel) replaces connectionPool, outlierDetection, loadBalancer and tls whole,
// unset ones included: maxConnections 5, no detector, default LEAST_REQUEST. (Older istiod,
// `MergeTrafficPolicy`, did the same: "port level policies do not inherit".)
#[test]
fn subset_port_level_settings_replace_every_block() {
    let v3 = subset("v3", 9080);
    assert_eq!(v3.int(&t0("max_connections")), 5);
    v3.absent(OD);
    assert_eq!(v3.str("cluster.lb_policy"), "LEAST_REQUEST");
}

// ---------------------------------------------------------------------------------------------
// Several documents, several files
// ---------------------------------------------------------------------------------------------

// One file with two documents: the DestinationRule and the VirtualService that routes to it.
#[test]
fn destination_rule_and_virtual_service_in_one_file() {
    let text = format!(
        "{}---\n{}",
        dr("outlierDetection:\n  consecutive5xxErrors: 3"),
        vs("timeout: 4s\nretries:\n  attempts: 2\n  retryOn: 5xx")
    );
    let out = import_files(&[("both.yaml", &text)], Some("1.30"), None);
    assert_eq!(out.int(&od("consecutive_5xx")), 3);
    assert_eq!(out.dur("route.timeout"), SimDuration::from_secs(4));
    assert_eq!(out.int(&rp("num_retries")), 2);
    assert_eq!(out.str(&rp("retry_on")), "5xx");
    assert!(out.ints(&rp("retriable_status_codes")).is_empty());
}

// Two files: the VirtualService (sending to subset v2) in one, the DestinationRule in the
// other; v2's policy applies and the route carries the VirtualService's retries.
#[test]
fn destination_rule_and_virtual_service_in_two_files() {
    let route = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v2\n    retries:\n      attempts: 4\n";
    let out = import_files(
        &[("vs.yaml", route), ("dr.yaml", SUBSETS)],
        Some("1.30"),
        None,
    );
    assert!(out.str("cluster.name").contains("|v2|"), "{}", out.text);
    assert_eq!(out.int(&od("consecutive_5xx")), 9);
    assert_eq!(out.int(&rp("num_retries")), 4);
}

// ---------------------------------------------------------------------------------------------
// Envoy: a v3 Cluster, a bootstrap (envoy-circuit-breaking.md, envoy-outlier-detection.md)
// ---------------------------------------------------------------------------------------------

const CLUSTER: &str = r#"name: backend
connect_timeout: 0.25s
type: STATIC
lb_policy: LEAST_REQUEST
circuit_breakers:
  thresholds:
  - priority: DEFAULT
    max_connections: 10
    max_pending_requests: 3
    max_retries: 2
    track_remaining: true
outlier_detection:
  consecutive_5xx: 4
  interval: 2s
  base_ejection_time: {seconds: 1, nanos: 500000000}
  max_ejection_percent: 50
  enforcing_success_rate: 0
common_lb_config:
  healthy_panic_threshold: {value: 0}
load_assignment:
  cluster_name: backend
  endpoints:
  - lb_endpoints:
    - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 8080}}}
    - endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: 8080}}}
    - endpoint: {address: {socket_address: {address: 10.0.0.3, port_value: 8080}}}
"#;

// An envoy.config.cluster.v3.Cluster: Envoy's names copied as they are; unset threshold
// limits are Envoy's (max_requests 1024); no route in the file, so Envoy's 15s route timeout;
// three endpoints become three backends.
#[test]
fn envoy_v3_cluster() {
    let out = import_files(&[("cluster.yaml", CLUSTER)], None, None);
    assert_eq!(out.str("cluster.name"), "backend");
    assert_eq!(out.str("cluster.lb_policy"), "LEAST_REQUEST");
    assert_eq!(out.str(&t0("priority")), "DEFAULT");
    assert_eq!(out.int(&t0("max_connections")), 10);
    assert_eq!(out.int(&t0("max_pending_requests")), 3);
    assert_eq!(out.int(&t0("max_retries")), 2);
    assert!(out.bool(&t0("track_remaining")));
    out.absent(&t0("max_requests"));
    assert_eq!(out.int(&od("consecutive_5xx")), 4);
    assert_eq!(out.int(&od("max_ejection_percent")), 50);
    assert_eq!(out.int(&od("enforcing_success_rate")), 0);
    assert_eq!(
        out.percent("cluster.common_lb_config.healthy_panic_threshold"),
        0.0
    );
    assert_eq!(out.dur("route.timeout"), SimDuration::from_secs(15));
    let s = out.scenario();
    let replicas: u32 = s.backends.iter().map(|b| b.replicas).sum();
    assert_eq!(replicas, 3);
}

// Envoy durations in the three forms the proto JSON mapping allows: "2s", "0.25s" and
// {seconds, nanos}.
#[test]
fn envoy_durations_in_every_form() {
    let out = import_files(&[("cluster.yaml", CLUSTER)], None, None);
    assert_eq!(
        out.dur("cluster.connect_timeout"),
        SimDuration::from_millis(250)
    );
    assert_eq!(out.dur(&od("interval")), SimDuration::from_secs(2));
    assert_eq!(
        out.dur(&od("base_ejection_time")),
        SimDuration::from_millis(1500)
    );
}

// A bare cluster takes Envoy's defaults: connect_timeout 5s, ROUND_ROBIN, no thresholds entry
// (1024/1024/1024/3), route timeout 15s.
#[test]
fn envoy_cluster_defaults() {
    let out = import_files(&[("cluster.yaml", "name: bare\n")], None, None);
    assert_eq!(
        out.dur("cluster.connect_timeout"),
        SimDuration::from_secs(5)
    );
    assert_eq!(out.str("cluster.lb_policy"), "ROUND_ROBIN");
    out.absent("cluster.circuit_breakers");
    out.absent(OD);
    assert_eq!(out.dur("route.timeout"), SimDuration::from_secs(15));
}

const BOOTSTRAP: &str = r#"static_resources:
  listeners:
  - name: listener_0
    address:
      socket_address: {address: 0.0.0.0, port_value: 10000}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          route_config:
            name: local_route
            virtual_hosts:
            - name: backend
              domains: ["*"]
              routes:
              - match: {prefix: "/a"}
                route:
                  cluster: alpha
                  timeout: 3s
                  retry_policy:
                    retry_on: 5xx,reset
                    num_retries: 2
                    per_try_timeout: 0.5s
                    retriable_status_codes: [503]
                    retry_back_off: {base_interval: 0.1s, max_interval: 1s}
                    retry_host_predicate:
                    - name: envoy.retry_host_predicates.previous_hosts
                    host_selection_retry_max_attempts: 4
              - match: {prefix: "/"}
                route:
                  cluster: beta
                  timeout: {seconds: 7, nanos: 0}
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
  - name: alpha
    connect_timeout: 1s
  - name: beta
    connect_timeout: {seconds: 2, nanos: 500000000}
    lb_policy: RANDOM
"#;

// Envoy keeps the retry_on conditions it knows and drops the rest without a word
// (`RetryPolicyImpl` in source/common/router/config_impl.cc takes only
// `RetryStateImpl::parseRetryOn(...).first`): so does the import, with a warning at the
// config's line. (Found by the import fuzz target: `2xx,reset` was copied as written and the
// scenario then refused.)
#[test]
fn envoy_route_retry_on_conditions_envoy_does_not_know_are_dropped_with_a_warning() {
    let config = BOOTSTRAP.replace("retry_on: 5xx,reset", "retry_on: 2xx,reset,5xxx");
    let out = import_files(&[("envoy.yaml", &config)], None, Some("alpha"));
    assert_eq!(out.str(&rp("retry_on")), "reset");
    out.warned(&["envoy.yaml:", "`2xx`, `5xxx`", "retry_on = \"reset\""]);
    assert!(out.scenario().route.retry_policy.is_some());
    let none_known = BOOTSTRAP.replace("retry_on: 5xx,reset", "retry_on: 2xx");
    let out = import_files(&[("envoy.yaml", &none_known)], None, Some("alpha"));
    assert_eq!(out.str(&rp("retry_on")), "");
    out.warned(&["`2xx`"]);
}

// A bootstrap: the chosen cluster and the HTTP connection manager route that sends to it, its
// timeout and retry_policy copied with Envoy's names.
#[test]
fn envoy_bootstrap_route_timeout_and_retry_policy() {
    let out = import_files(&[("envoy.yaml", BOOTSTRAP)], None, Some("alpha"));
    assert_eq!(out.str("cluster.name"), "alpha");
    assert_eq!(
        out.dur("cluster.connect_timeout"),
        SimDuration::from_secs(1)
    );
    assert_eq!(out.dur("route.timeout"), SimDuration::from_secs(3));
    assert_eq!(out.str(&rp("retry_on")), "5xx,reset");
    assert_eq!(out.int(&rp("num_retries")), 2);
    assert_eq!(
        out.dur(&rp("per_try_timeout")),
        SimDuration::from_millis(500)
    );
    assert_eq!(out.ints(&rp("retriable_status_codes")), vec![503]);
    assert_eq!(
        out.dur(&rp("retry_back_off.base_interval")),
        SimDuration::from_millis(100)
    );
    assert_eq!(
        out.dur(&rp("retry_back_off.max_interval")),
        SimDuration::from_secs(1)
    );
    assert_eq!(
        out.need(&rp("retry_host_predicate"))
            .get(0)
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str),
        Some("envoy.retry_host_predicates.previous_hosts")
    );
    assert_eq!(out.int(&rp("host_selection_retry_max_attempts")), 4);
}

// `--cluster NAME` picks among several clusters (and their routes); without it, or with an
// unknown name, the import fails naming the file.
#[test]
fn envoy_bootstrap_cluster_flag_chooses_among_several() {
    let beta = import_files(&[("envoy.yaml", BOOTSTRAP)], None, Some("beta"));
    assert_eq!(beta.str("cluster.name"), "beta");
    assert_eq!(
        beta.dur("cluster.connect_timeout"),
        SimDuration::from_millis(2500)
    );
    assert_eq!(beta.str("cluster.lb_policy"), "RANDOM");
    assert_eq!(beta.dur("route.timeout"), SimDuration::from_secs(7));
    beta.absent(RP);
    let (code, message) = import_err(&[("envoy.yaml", BOOTSTRAP)], None);
    assert_eq!(code, 2);
    assert!(
        message.contains("envoy.yaml") && message.contains("--cluster"),
        "{message}"
    );
    let (code, message) = import_err(&[("envoy.yaml", BOOTSTRAP)], Some("gamma"));
    assert_eq!(code, 2);
    assert!(
        message.contains("envoy.yaml") && message.contains("gamma"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------------------------
// Errors and warnings
// ---------------------------------------------------------------------------------------------

/// Line 4, `  host: a: b`: the second `:` (column 10) is a mapping value where none may be.
const MALFORMED: &str =
    "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nspec:\n  host: a: b\n";

/// A DestinationRule (lines 1-9), `---` (line 10), then a Deployment whose `kind` value is at
/// line 12, column 7.
fn with_deployment() -> String {
    format!(
        "{}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
        dr("outlierDetection:\n  consecutive5xxErrors: 3")
    )
}

// Malformed YAML is an input error (exit code 2) naming file:line:col of the fault.
#[test]
fn malformed_yaml_names_file_line_and_column() {
    let (code, message) = import_err(&[("bad.yaml", MALFORMED)], None);
    assert_eq!(code, 2);
    assert!(message.contains("bad.yaml:4:10"), "{message}");
}

// A kind that is neither an Envoy config nor a DestinationRule/VirtualService is an input
// error naming file:line:col of its `kind` value, in whichever document it is.
#[test]
fn unsupported_kind_names_file_line_and_column() {
    let (code, message) = import_err(
        &[(
            "deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
        )],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        message.contains("deploy.yaml:2:7") && message.contains("Deployment"),
        "{message}"
    );
    let out = import_files(&[("mixed.yaml", &with_deployment())], None, None);
    out.warned(&["mixed.yaml:12:7", "kind Deployment is skipped"]);
}

// A field breakersim does not model (trafficPolicy.tls, line 8) is a warning naming its path
// and file:line; the import still succeeds.
#[test]
fn unmodelled_istio_field_is_a_warning_with_path_and_line() {
    let out = istio(
        &dr("tls: {mode: ISTIO_MUTUAL}\noutlierDetection:\n  consecutive5xxErrors: 3"),
        "1.30",
    );
    out.warned(&["trafficPolicy.tls", "dr.yaml:8:"]);
    assert_eq!(out.int(&od("consecutive_5xx")), 3);
}

// An Envoy cluster field breakersim does not model (health_checks, line 3) is a warning naming
// it and file:line.
#[test]
fn unmodelled_envoy_field_is_a_warning_with_path_and_line() {
    let out = import_files(
        &[(
            "c.yaml",
            "name: c\nconnect_timeout: 1s\nhealth_checks:\n- timeout: 1s\n  interval: 5s\n",
        )],
        None,
        None,
    );
    out.warned(&["health_checks", "c.yaml:3:"]);
}

// Same rule for `dns_lookup_family` (line 3): breakersim resolves no DNS, so the field is not
// modelled and must be reported, not swallowed.
#[test]
fn envoy_dns_lookup_family_is_a_warning() {
    let out = import_files(
        &[(
            "c.yaml",
            "name: c\nconnect_timeout: 1s\ndns_lookup_family: V4_ONLY\n",
        )],
        None,
        None,
    );
    out.warned(&["dns_lookup_family", "c.yaml:3:"]);
}

// `type`: STATIC and STRICT_DNS are one host per endpoint, what the backends model, so they are
// read silently (the lab's config uses STRICT_DNS); LOGICAL_DNS (one host whatever the endpoints)
// is reported.
#[test]
fn envoy_cluster_type() {
    let read = |t: &str| {
        import_files(
            &[(
                "c.yaml",
                &format!("name: c\nconnect_timeout: 1s\ntype: {t}\n"),
            )],
            None,
            None,
        )
    };
    for t in ["STATIC", "STRICT_DNS"] {
        assert!(read(t).warnings.is_empty(), "{t}: {:#?}", read(t).warnings);
    }
    read("LOGICAL_DNS").warned(&["type", "c.yaml:3:"]);
}

// The CLI: malformed YAML and an unsupported kind exit with code 2 and an `error:` naming
// file:line:col on stderr.
#[test]
fn cli_rejects_malformed_yaml_and_unsupported_kind_with_code_2() {
    let bad = temp_file("import-malformed.yaml", MALFORMED);
    let bad = bad.to_str().expect("utf-8 path");
    let out = breakersim(&["import", bad]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{bad}:4:10")),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"));
    // Beside a DestinationRule, another kind is skipped with a warning at its place (a
    // manifest holds Deployments and Services too).
    let kind = temp_file("import-deployment.yaml", &with_deployment());
    let kind = kind.to_str().expect("utf-8 path");
    let out = breakersim(&["import", kind]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(&format!("warning: {kind}:12:7"))
            && out.stderr.contains("kind Deployment is skipped"),
        "{}",
        out.stderr
    );
}

// The CLI with two files (DestinationRule and VirtualService) and --istio-version: exit 0, the
// scenario on stdout, the unmodelled field as a `warning:` on stderr.
#[test]
fn cli_imports_two_files_and_warns_on_stderr() {
    let rule = temp_file(
        "import-dr.yaml",
        &dr("tls: {mode: ISTIO_MUTUAL}\noutlierDetection:\n  consecutive5xxErrors: 3"),
    );
    let route = temp_file("import-vs.yaml", &vs("timeout: 2s"));
    let out = breakersim(&[
        "import",
        rule.to_str().expect("utf-8 path"),
        route.to_str().expect("utf-8 path"),
        "--istio-version",
        "1.23",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let table: Table = toml::from_str(&out.stdout).expect("TOML on stdout");
    assert_eq!(table["route"]["timeout"].as_str(), Some("2s"));
    assert_eq!(
        table["route"]["istio_default_retry_policy"].as_str(),
        Some("1.23")
    );
    assert_eq!(table["envoy"]["version"].as_str(), Some("1.31"));
    assert!(
        out.stderr.contains("warning:") && out.stderr.contains("trafficPolicy.tls"),
        "{}",
        out.stderr
    );
}

/// A value of the wrong type is an error naming its place and what is expected, never dropped
/// or defaulted: an Envoy route's `num_retries: "x"` and a bad `base_interval`.
#[test]
fn wrong_typed_values_are_errors_with_their_place() {
    let cluster = "name: c\nconnect_timeout: 1s\n";
    let (code, message) = import_err(
        &[("c.yaml", &format!("{cluster}lb_policy: {{ a: 1 }}\n"))],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        message.contains("c.yaml:3:12: lb_policy: invalid value a mapping, expected a string"),
        "{message}"
    );
    let od = format!("{cluster}outlier_detection:\n  interval: soon\n");
    let (code, message) = import_err(&[("c.yaml", &od)], None);
    assert_eq!(code, 2);
    assert!(
        message.contains(
            "c.yaml:4:13: outlier_detection.interval: invalid value \"soon\": a duration must \
             start with an integer, expected a duration in seconds"
        ),
        "{message}"
    );
}

/// `{ seconds, nanos }` past u64 nanoseconds, or nanos of a second or more, are errors, not
/// an overflow.
#[test]
fn out_of_range_durations_are_errors() {
    for bad in [
        "{ seconds: 18446744074 }",
        "{ seconds: 1, nanos: 1000000000 }",
    ] {
        let text = format!("name: c\nconnect_timeout: {bad}\n");
        let (code, message) = import_err(&[("c.yaml", &text)], None);
        assert_eq!(code, 2, "{bad}");
        assert!(
            message.contains(
                "c.yaml:2:18: connect_timeout: invalid value a mapping, expected a duration"
            ),
            "{bad}: {message}"
        );
    }
}
