//! The detector under EDS membership changes, worked by hand from
//! `source/common/upstream/outlier_detection_impl.cc` (envoyproxy/envoy, commit 00c7146d):
//! `DetectorImpl::initialize`'s member-update callback (`addHostMonitor` for each added host,
//! `host_monitors_.erase` for each removed one, `ejections_active_helper_.dec()` if it was
//! ejected), `ejectHost`'s cap `100 * (ejections_active + 1) / host_monitors_.size() <=
//! max_ejection_percent`, and `onConsecutiveErrorWorker`, which returns for a host without a
//! monitor.

use super::*;
use crate::envoy::version::NEWEST_ENVOY;
use crate::scenario::OutlierDetection;
use crate::time::SimTime;

fn detector(text: &str, hosts: usize) -> Detector<crate::rng::SimRng> {
    let od: OutlierDetection = toml::from_str(text).expect("valid outlier_detection");
    Detector::new(
        OutlierConfig::new(&od, NEWEST_ENVOY),
        hosts,
        crate::rng::stream(1, crate::rng::StreamKind::OutlierDetector, 0),
    )
}

fn five_500s(d: &mut Detector<crate::rng::SimRng>, host: usize) {
    for _ in 0..5 {
        d.put_http_code(host, 500, SimTime::ZERO);
    }
}

/// Three slots, host 2 not yet in EDS; `max_ejection_percent = 50`.
/// - host 0's fifth 500: 100 * (0 + 1) / 2 = 50 <= 50, ejected;
/// - host 1's: 100 * 2 / 2 = 100 > 50, an overflow;
/// - host 2 joins (3 monitors): host 1's next five 500s: 100 * 2 / 3 = 66.7 > 50, an overflow;
/// - host 0 leaves while ejected: `ejections_active` 1 → 0 with no event; host 1's next five:
///   100 * 1 / 2 = 50 <= 50, ejected;
/// - host 0's results after it left are dropped before any stat.
#[test]
fn the_cap_counts_the_hosts_in_eds() {
    let mut d = detector("max_ejection_percent = 50", 3);
    d.remove_host(2);
    five_500s(&mut d, 0);
    assert!(d.is_ejected(0));
    five_500s(&mut d, 1);
    assert!(!d.is_ejected(1));
    assert_eq!(d.stats().ejections_overflow, 1);

    d.join_host(2);
    five_500s(&mut d, 1);
    assert!(!d.is_ejected(1));
    assert_eq!(d.stats().ejections_overflow, 2);

    d.remove_host(0);
    assert_eq!(d.ejections_active(), 0);
    assert_eq!(d.ejected_hosts(), 0);
    five_500s(&mut d, 1);
    assert!(d.is_ejected(1));
    assert_eq!(d.ejections_active(), 1);

    let detected = d.stats().ejections_detected_consecutive_5xx;
    five_500s(&mut d, 0);
    assert_eq!(d.stats().ejections_detected_consecutive_5xx, detected);
    let ejects = d
        .events()
        .iter()
        .filter(|e| e.action == OutlierAction::Eject && e.enforced)
        .count();
    assert_eq!(ejects, 2, "hosts 0 and 1; no uneject event for host 0");
    assert!(d.events().iter().all(|e| e.action == OutlierAction::Eject));
}

/// A joining host gets a fresh monitor: four 500s, then five more, eject it at the ninth (the
/// counter starts at 0 on `addHostMonitor`), and it is healthy until then.
#[test]
fn a_joining_host_starts_with_a_fresh_monitor() {
    let mut d = detector("max_ejection_percent = 100", 2);
    d.remove_host(1);
    d.put_http_code(1, 500, SimTime::ZERO);
    assert!(d.monitor(1).is_none(), "no monitor before it joins");
    d.join_host(1);
    for _ in 0..4 {
        d.put_http_code(1, 500, SimTime::ZERO);
    }
    assert!(!d.is_ejected(1));
    d.put_http_code(1, 500, SimTime::ZERO);
    assert!(d.is_ejected(1));
}
