//! Ports of the tests in Envoy's `test/common/upstream/outlier_detection_impl_test.cc` that are
//! outside the `OutlierDetectorImplTest` fixture: the detector factory and the success-rate
//! threshold utility.

use super::OutlierConfig;
use super::detector::success_rate_ejection_threshold;
use crate::envoy::version::NEWEST_ENVOY;
use crate::scenario::load_scenario;

/// A one-request scenario whose cluster has `outlier` as its outlier-detection table (or none).
fn cluster_with(outlier: &str) -> String {
    format!(
        r#"
[cluster]
name = "fake_cluster"
{outlier}

[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 1
turnaround = "1ms"

[[backends]]
name = "b"
service_time = "1ms"
"#
    )
}

/// Envoy: OutlierDetectorImplFactoryTest.NoDetector
/// A cluster without `outlier_detection` gets no detector (`createForCluster` returns null):
/// the proxy builds one only from `cluster.outlier_detection` (`Proxy::new` in
/// `sim-core/src/sim/proxy.rs`).
#[test]
fn outlier_detector_impl_factory_test_no_detector() {
    let s = load_scenario(&cluster_with(""), "inline", &[]).expect("valid");
    assert!(s.cluster.outlier_detection.is_none());
}

/// Envoy: OutlierDetectorImplFactoryTest.Detector
/// `mutable_outlier_detection()` alone (an empty message) is enough for a detector, with
/// Envoy's defaults (10 s interval, 5 consecutive 5xx).
#[test]
fn outlier_detector_impl_factory_test_detector() {
    let scenario = cluster_with("[cluster.outlier_detection]");
    let s = load_scenario(&scenario, "inline", &[]).expect("valid");
    let od = s.cluster.outlier_detection.as_ref().expect("a detector");
    let cfg = OutlierConfig::new(od, NEWEST_ENVOY);
    assert_eq!(cfg.od.interval.as_millis(), 10_000);
    assert_eq!(cfg.od.consecutive_5xx, 5);
}

/// Envoy: OutlierUtility.SRThreshold
/// Rates 50, 100, 100, 100, 100 (sum 450), factor 1.9: mean 90, population stdev 20, threshold
/// 90 - 1.9 x 20 = 52, both exactly.
#[test]
fn outlier_utility_sr_threshold() {
    let rates = [50.0, 100.0, 100.0, 100.0, 100.0];
    let n = success_rate_ejection_threshold(450.0, rates.into_iter(), 1.9);
    assert_eq!(n.average, 90.0);
    assert_eq!(n.threshold, 52.0);
}
