//! A host that one tick's success-rate pass ejects and that also reaches the failure-percentage
//! threshold: expected figures worked out by hand from envoyproxy/envoy
//! `source/common/upstream/outlier_detection_impl.cc` (commit 00c7146d), functions
//! `DetectorImpl::processSuccessRateEjections` (both host lists are built before either pass;
//! the failure-percentage loop calls `updateDetectedEjectionStats` and `ejectHost` for every
//! host at or over the threshold, with no `FAILED_OUTLIER_CHECK` test) and
//! `DetectorImpl::ejectHost` (cap `100 * (ejections_active_helper_ + 1) / hosts <= max`,
//! `ejections_total` only for CONSECUTIVE_5XX and SUCCESS_RATE, the enforcement roll, then
//! `ejections_active_helper_.inc()`, `eject` (num_ejections + 1, ejection time), jitter,
//! multiplier + 1 while `multiplier * base < max + base`, and `logEject(.., true)`; unenforced:
//! `logEject(.., false)`; over the cap: `ejections_overflow` only). Envoy's own tests never
//! combine the two passes on one host (the `ASSERT` in `DetectorHostMonitorImpl::eject` would
//! fire in their debug builds); release builds, modelled here, compile it out.
//!
//! Every test: 5 hosts, consecutive detection off; hosts 0-3 answer 200 x 200, host 4 answers
//! 200 x 500, all before the tick at 10 s. Success rates {100, 100, 100, 100, 0}: mean 80,
//! population variance (4 * 20^2 + 80^2) / 5 = 1600, stdev 40, threshold 80 - 1.9 * 40 = 4,
//! so host 4 (0 < 4) is a success-rate outlier; its failure percentage 100 >= 85 makes it a
//! failure-percentage outlier too. The success-rate ejection (the first) passes any cap of at
//! least 100 * (0 + 1) / 5 = 20 %; the failure-percentage one meets 100 * (1 + 1) / 5 = 40 %.

use super::*;
use crate::envoy::version::NEWEST_ENVOY;
use crate::scenario::OutlierDetection;
use crate::time::SimTime;
use EjectionType::{FailurePercentage as FP, SuccessRate as SR};

/// Every enforcement here is 0 or 100 (no roll); jitter (max 0) draws and `% 1` gives 0.
struct Zeros;
impl RandomSource for Zeros {
    fn random(&mut self) -> u64 {
        0
    }
}

fn ms(t: u64) -> SimTime {
    SimTime(t * 1_000_000)
}

/// The detector after the tick at 10 s, with `extra` appended to the common settings.
fn after_first_tick(extra: &str) -> Detector<Zeros> {
    let text = format!("consecutive_5xx = 0\nconsecutive_gateway_failure = 0\n{extra}");
    let od: OutlierDetection = toml::from_str(&text).expect("valid outlier_detection");
    let cfg = OutlierConfig::new(&od, NEWEST_ENVOY);
    let mut d = Detector::new(cfg, 5, Zeros);
    for i in 0..200 {
        for host in 0..5 {
            d.put_http_code(host, if host == 4 { 500 } else { 200 }, ms(i));
        }
    }
    d.on_interval_timer(ms(10_000));
    d
}

fn logged(d: &Detector<Zeros>) -> Vec<(usize, Option<EjectionType>, bool, u32)> {
    let e = d.events().iter();
    e.map(|e| (e.host, e.ejection_type, e.enforced, e.num_ejections))
        .collect()
}

/// `enforcing_failure_percentage = 0` (its default), cap 100 %: the failure-percentage pass
/// detects host 4 (`ejections_detected_failure_percentage` 1), the cap passes (40 <= 100), the
/// roll at 0 % fails, and Envoy logs `FAILURE_PERCENTAGE` with `enforced: false`. Nothing else
/// changes: one enforced ejection, `ejections_total` 1 (success rate only), gauge 1.
#[test]
fn success_rate_ejected_host_is_detected_unenforced_by_failure_percentage() {
    let d = after_first_tick("max_ejection_percent = 100");
    assert_eq!(
        logged(&d),
        vec![(4, Some(SR), true, 1), (4, Some(FP), false, 1)]
    );
    let s = d.stats();
    assert_eq!(s.ejections_detected_success_rate, 1);
    assert_eq!(s.ejections_enforced_success_rate, 1);
    assert_eq!(s.ejections_success_rate, 1);
    assert_eq!(s.ejections_detected_failure_percentage, 1);
    assert_eq!(s.ejections_enforced_failure_percentage, 0);
    assert_eq!(s.ejections_enforced_total, 1);
    assert_eq!(s.ejections_total, 1);
    assert_eq!(s.ejections_overflow, 0);
    assert_eq!(s.ejections_active, 1);
    let fp = d.events()[1]
        .success_rate
        .expect("a failure-percentage event has a rate");
    assert_eq!(fp.host_success_rate, 0.0);
    assert_eq!(fp.cluster_average_success_rate, None);
}

/// Cap 20 %: the success-rate ejection passes (20 <= 20); the failure-percentage detection is
/// counted, then 100 * (1 + 1) / 5 = 40 > 20 counts `ejections_overflow` and logs nothing.
#[test]
fn success_rate_ejected_host_overflows_the_cap_in_failure_percentage() {
    let d = after_first_tick("max_ejection_percent = 20");
    assert_eq!(logged(&d), vec![(4, Some(SR), true, 1)]);
    let s = d.stats();
    assert_eq!(s.ejections_detected_failure_percentage, 1);
    assert_eq!(s.ejections_overflow, 1);
    assert_eq!(s.ejections_enforced_total, 1);
    assert_eq!(s.ejections_active, 1);
}

/// `enforcing_failure_percentage = 100`, cap 100 %: host 4 is ejected a second time. The gauge
/// (`ejections_active_helper_`) is raised twice, `num_ejections` becomes 2 and the multiplier
/// 0 -> 1 -> 2 (1 * 30 s < 300 s + 30 s), so the ejection lasts min(30 s * 2, 300 s) = 60 s:
/// the tick at 60 s (50 s after) keeps it, the tick at 70 s (60 <= 60) unejects it, and
/// `unejectHost` lowers the gauge once, leaving 1 with no host ejected.
#[test]
fn success_rate_ejected_host_is_ejected_again_by_enforced_failure_percentage() {
    let mut d = after_first_tick("max_ejection_percent = 100\nenforcing_failure_percentage = 100");
    assert_eq!(
        logged(&d),
        vec![(4, Some(SR), true, 1), (4, Some(FP), true, 2)]
    );
    assert_eq!(d.events()[1].multiplier, 2);
    let s = d.stats();
    assert_eq!(s.ejections_enforced_success_rate, 1);
    assert_eq!(s.ejections_enforced_failure_percentage, 1);
    assert_eq!(s.ejections_enforced_total, 2);
    assert_eq!(s.ejections_total, 1, "FAILURE_PERCENTAGE does not count it");
    assert_eq!(s.ejections_active, 2);
    assert_eq!(d.ejected_hosts(), 1);
    for t in [20_000, 30_000, 40_000, 50_000, 60_000] {
        d.on_interval_timer(ms(t));
        assert!(d.is_ejected(4), "still out at {t} ms");
    }
    d.on_interval_timer(ms(70_000));
    assert!(!d.is_ejected(4));
    assert_eq!(
        d.stats().ejections_active,
        1,
        "the second increment is never undone"
    );
    assert_eq!(d.ejected_hosts(), 0);
}

/// The leaked count stays in the cap. Cap 40 %: the first tick's two ejections pass (20 and
/// 40 <= 40); after the uneject at 70 s the gauge is 1 with no host out. Then hosts 3 and 4
/// fail every request before the tick at 80 s: rates {100, 100, 100, 0, 0}, mean 60, variance
/// (3 * 40^2 + 2 * 60^2) / 5 = 2400, stdev 48.99, threshold 60 - 1.9 * 48.99 = -33.1, so
/// success rate finds nothing; failure percentage finds host 3, which needs
/// 100 * (1 + 1) / 5 = 40 <= 40 and is ejected, then host 4, which needs 100 * (2 + 1) / 5 = 60
/// > 40 and overflows. Without the leaked count both would have been ejected.
#[test]
fn leaked_ejection_count_still_counts_in_the_cap() {
    let mut d = after_first_tick("max_ejection_percent = 40\nenforcing_failure_percentage = 100");
    assert_eq!(d.stats().ejections_enforced_total, 2);
    for t in [20_000, 30_000, 40_000, 50_000, 60_000, 70_000] {
        d.on_interval_timer(ms(t));
    }
    assert_eq!((d.stats().ejections_active, d.ejected_hosts()), (1, 0));
    for i in 0..200 {
        for host in 0..5 {
            d.put_http_code(host, if host >= 3 { 500 } else { 200 }, ms(70_000 + i));
        }
    }
    d.on_interval_timer(ms(80_000));
    assert!(d.is_ejected(3));
    assert!(!d.is_ejected(4));
    assert_eq!(d.stats().ejections_overflow, 1);
    assert_eq!(d.stats().ejections_active, 2);
    assert_eq!(d.ejected_hosts(), 1);
}
