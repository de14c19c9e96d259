//! An Istio `outlierDetection` block into `cluster.outlier_detection` and the panic threshold,
//! as istiod of the chosen version writes them (istio
//! `pilot/pkg/networking/core/cluster_traffic_policy.go` `applyOutlierDetection`; before 1.10
//! `pilot/pkg/networking/core/v1alpha3/cluster.go`).

use super::emit::{Doc, Origin, Value};
use super::istio::{Version, count, file, istio, not_known};
use super::yaml::Node;
use crate::exit::CliResult;

pub fn outlier_detection(doc: &mut Doc, od: &Node, v: Version) -> CliResult<()> {
    doc.section(
        "[cluster.outlier_detection]",
        Some("Unset fields take Envoy's defaults (max_ejection_time max(300s, base))"),
    );
    success_rate(doc, v);
    consecutive_errors(doc, od, v);
    error_counts(doc, od, v);
    for (istio_key, envoy_key) in [
        ("interval", "interval"),
        ("baseEjectionTime", "base_ejection_time"),
    ] {
        if let Some(d) = od.get(istio_key) {
            let value = d.required_duration()?;
            doc.set(envoy_key, Value::duration(value), file(&d));
        }
    }
    if let Some(m) = od.get("maxEjectionPercent").filter(|m| m.u64() > Some(0)) {
        let n = m.u64().unwrap_or(0);
        doc.set("max_ejection_percent", Value::int(n), file(&m));
    }
    local_origin(doc, od, v);
    panic_threshold(doc, od, v);
    Ok(())
}

/// `enforcing_success_rate: 0` ("SuccessRate based outlier detection should be disabled"),
/// written since istio/istio#25534 (1.7), back-ported to 1.5 (#25566) and 1.6 (#25567). Before,
/// v1alpha3/cluster.go `applyOutlierDetection` left Envoy's 100: success-rate ejection was
/// enforced.
fn success_rate(doc: &mut Doc, v: Version) {
    if v >= Version(1, 5) {
        doc.set("enforcing_success_rate", Value::int(0), istio(v));
    }
}

/// The deprecated `consecutiveErrors`. Up to 1.6 (v1alpha3/cluster.go `applyOutlierDetection`,
/// "Only listen to gateway errors") `N > 0` meant 502/503/504 only: consecutive_gateway_failure
/// N enforced at 100, enforcing_consecutive_5xx 0; 0 wrote nothing. Since `a291ab60276` (1.7)
/// istiod ignores it (validation only warns), so it is reported.
fn consecutive_errors(doc: &mut Doc, od: &Node, v: Version) {
    let Some(ce) = od.get("consecutiveErrors") else {
        return;
    };
    if v >= Version(1, 7) {
        ce.ignore(
            "istiod ignores it since 1.7 (a291ab60276); consecutiveGatewayErrors has its old \
             meaning",
        );
        return;
    }
    let n = count(&ce).unwrap_or(0);
    if n > 0 {
        doc.set("consecutive_gateway_failure", Value::int(n), file(&ce));
        let on = istio(v);
        doc.set("enforcing_consecutive_gateway_failure", Value::int(100), on);
        doc.set("enforcing_consecutive_5xx", Value::int(0), istio(v));
    }
}

/// `consecutive5xxErrors` and `consecutiveGatewayErrors` (added by `b288f6f6ad1`, 1.5): the
/// count, enforced at 100 when above 0, else 0.
fn error_counts(doc: &mut Doc, od: &Node, v: Version) {
    for (key, envoy, enforcing) in [
        (
            "consecutive5xxErrors",
            "consecutive_5xx",
            "enforcing_consecutive_5xx",
        ),
        (
            "consecutiveGatewayErrors",
            "consecutive_gateway_failure",
            "enforcing_consecutive_gateway_failure",
        ),
    ] {
        let Some(c) = od.get(key) else { continue };
        if v < Version(1, 5) {
            c.ignore(not_known(v, "1.5", "b288f6f6ad1"));
            continue;
        }
        let n = count(&c).unwrap_or(0);
        doc.set(envoy, Value::int(n), file(&c));
        let percent = if n > 0 { 100 } else { 0 };
        doc.set(enforcing, Value::int(percent), istio(v));
    }
}

/// `splitExternalLocalOriginErrors` (added by `88ec468a97a`, 1.11): the split, local-origin
/// success rate unenforced, and `consecutiveLocalOriginFailures` when above 0 (enforced at 100).
/// Without the split the count is not translated (validation rejects it).
fn local_origin(doc: &mut Doc, od: &Node, v: Version) {
    let split = od.get("splitExternalLocalOriginErrors");
    let failures = od.get("consecutiveLocalOriginFailures");
    if v < Version(1, 11) {
        for n in split.iter().chain(failures.iter()) {
            n.ignore(not_known(v, "1.11", "88ec468a97a"));
        }
        return;
    }
    if split.as_ref().and_then(|s| s.bool()) != Some(true) {
        if let Some(f) = failures {
            f.ignore("only translated with splitExternalLocalOriginErrors: true");
        }
        return;
    }
    doc.set(
        "split_external_local_origin_errors",
        Value::bool(true),
        Origin::File(od.line()),
    );
    let zero = Value::int(0);
    doc.set("enforcing_local_origin_success_rate", zero, istio(v));
    if let Some(c) = failures
        && let Some(n) = count(&c).filter(|&n| n > 0)
    {
        doc.set("consecutive_local_origin_failure", Value::int(n), file(&c));
        let on = Value::int(100);
        doc.set("enforcing_consecutive_local_origin_failure", on, istio(v));
    }
}

/// `minHealthPercent` → `common_lb_config.healthy_panic_threshold`: written whenever the block
/// exists since `501dc215c06` (1.3), 0 by default; before, only when above 0 (Envoy's 50 %
/// otherwise).
fn panic_threshold(doc: &mut Doc, od: &Node, v: Version) {
    let min_health = od.get("minHealthPercent");
    let value = min_health.as_ref().and_then(|m| m.u64()).unwrap_or(0);
    if v < Version(1, 3) && value == 0 {
        return;
    }
    let origin = min_health.as_ref().map_or(istio(v), file);
    doc.section("[cluster.common_lb_config]", Some("minHealthPercent"));
    doc.set(
        "healthy_panic_threshold",
        Value::percent(value as f64),
        origin,
    );
}
