//! Detector sequences whose expected figures were worked out by hand from
//! Envoy's detector (envoyproxy/envoy source/common/upstream/outlier_detection_impl.cc), step by
//! step in the comments.

use super::*;
use crate::envoy::version::{EnvoyVersion, NEWEST_ENVOY};
use crate::scenario::OutlierDetection;
use crate::time::SimTime;

/// Random numbers that are never needed (every enforcement here is 0 or 100, jitter max 0
/// still draws once per ejection; any value % 1 is 0).
struct Zeros;
impl RandomSource for Zeros {
    fn random(&mut self) -> u64 {
        0
    }
}

fn od(text: &str) -> OutlierDetection {
    toml::from_str(text).expect("valid outlier_detection")
}

fn ms(t: u64) -> SimTime {
    SimTime(t * 1_000_000)
}

/// The tutorial's settings on a host that fails every request it gets, one request per second
/// at t = k + 0.5 s while it is not ejected; interval ticks at 5, 10, 15, ... s.
///
/// Ejection k happens at the 3rd failure after an uneject (2 s after the uneject tick + 0.5 s),
/// with multiplier m = k (capped where m*30 >= 300+30): length min(30*m, 300) s, rounded up to
/// the next tick. Worked by hand:
///   eject 2.5 s (m=1, 30 s) → uneject tick 35; eject 37.5 (m=2, 60) → ≥97.5 → 100;
///   eject 102.5 (m=3, 90) → 195; 197.5 (m=4, 120) → 320; 322.5 (m=5, 150) → 475;
///   477.5 (m=6, 180) → 660; 662.5 (m=7, 210) → 875; 877.5 (m=8, 240) → 1120;
///   1122.5 (m=9, 270) → 1395; 1397.5 (m=10, 300) → 1700;
///   1702.5 (10*30 < 330 so m=11, length capped at 300) → 2005;
///   2007.5 (11*30 = 330 is not < 330, m stays 11) → 2310.
#[test]
fn failing_host_ejections_grow_by_base_round_up_to_ticks_and_cap_at_300s() {
    let cfg = OutlierConfig::new(
        &od(
            "consecutive_5xx = 3\ninterval = \"5s\"\nbase_ejection_time = \"30s\"\nmax_ejection_percent = 100",
        ),
        NEWEST_ENVOY,
    );
    let mut d = Detector::new(cfg, 1, Zeros);
    let mut ejections = Vec::new();
    for half_second in 0..(2400 * 2) {
        let t = ms(half_second * 500);
        if half_second % 10 == 0 && half_second > 0 {
            d.on_interval_timer(t); // every 5 s
        }
        if half_second % 2 == 1 && !d.is_ejected(0) {
            d.put_http_code(0, 500, t);
        }
    }
    for e in d.events() {
        match e.action {
            OutlierAction::Eject => ejections.push((e.time.0 / 1_000_000, 0, e.multiplier)),
            OutlierAction::Uneject => ejections.last_mut().unwrap().1 = e.time.0 / 1_000_000,
        }
    }
    let expected = [
        (2_500, 35_000, 1),
        (37_500, 100_000, 2),
        (102_500, 195_000, 3),
        (197_500, 320_000, 4),
        (322_500, 475_000, 5),
        (477_500, 660_000, 6),
        (662_500, 875_000, 7),
        (877_500, 1_120_000, 8),
        (1_122_500, 1_395_000, 9),
        (1_397_500, 1_700_000, 10),
        (1_702_500, 2_005_000, 11),
        (2_007_500, 2_310_000, 11),
    ];
    assert_eq!(&ejections[..expected.len()], &expected);
    assert_eq!(
        d.stats().ejections_enforced_consecutive_5xx,
        ejections.len() as u64
    );
    assert_eq!(
        d.stats().ejections_detected_consecutive_5xx,
        ejections.len() as u64
    );
}

/// After the host recovers, the multiplier drops by one at every tick at least one interval
/// after its last uneject, whatever happens in between; a new ejection then uses what is left.
///
/// Multiplier 3 after ejections at 0.5, 35.5 and 100.5 s (uneject ticks 35, 100, 195 with
/// 1-request bursts of 3 failures at x.5, x+0.5... simplified: 3 failures right after each
/// uneject). From the uneject at 195: tick 200 → 2, 205 → 1, 210 → 0, and it stays 0.
#[test]
fn multiplier_decays_one_step_per_interval_after_recovery() {
    let cfg = OutlierConfig::new(
        &od(
            "consecutive_5xx = 3\ninterval = \"5s\"\nbase_ejection_time = \"30s\"\nmax_ejection_percent = 100",
        ),
        NEWEST_ENVOY,
    );
    let mut d = Detector::new(cfg, 1, Zeros);
    let burst = |d: &mut Detector<Zeros>, at_ms: u64| {
        for i in 0..3 {
            d.put_http_code(0, 503, ms(at_ms + i));
        }
    };
    burst(&mut d, 500); // eject at 0.502 s, m = 1, out 30 s → tick 35
    for tick in (5..=35).step_by(5) {
        d.on_interval_timer(ms(tick * 1000));
    }
    assert!(!d.is_ejected(0));
    burst(&mut d, 35_500); // m = 2, out 60 s → due at 95.502 → tick 100
    for tick in (40..=100).step_by(5) {
        d.on_interval_timer(ms(tick * 1000));
    }
    assert!(!d.is_ejected(0));
    burst(&mut d, 100_500); // m = 3, out 90 s → due at 190.502 → tick 195
    for tick in (105..=195).step_by(5) {
        d.on_interval_timer(ms(tick * 1000));
    }
    assert!(!d.is_ejected(0));
    let m = |d: &Detector<Zeros>| d.monitor(0).unwrap().backoff;
    assert_eq!(
        m(&d),
        3,
        "no decay on the uneject tick itself (0 s since uneject)"
    );
    // The host now answers 200s; ticks at 200, 205, 210 each take one step.
    d.put_http_code(0, 200, ms(196_000));
    d.on_interval_timer(ms(200_000));
    assert_eq!(m(&d), 2);
    d.on_interval_timer(ms(205_000));
    assert_eq!(m(&d), 1);
    d.on_interval_timer(ms(210_000));
    assert_eq!(m(&d), 0);
    d.on_interval_timer(ms(215_000));
    assert_eq!(m(&d), 0, "never below zero");
    // A new failure burst ejects for base again: m = 1, 30 s.
    burst(&mut d, 216_000);
    assert_eq!(m(&d), 1);
    d.on_interval_timer(ms(245_000));
    assert!(d.is_ejected(0), "216.002 + 30 = 246.002 > 245");
    d.on_interval_timer(ms(250_000));
    assert!(!d.is_ejected(0));
}

/// `consecutive_5xx = 0` never fires: the counter is pre-incremented before the `==` test.
#[test]
fn consecutive_5xx_zero_never_ejects() {
    let cfg = OutlierConfig::new(
        &od("consecutive_5xx = 0\nmax_ejection_percent = 100"),
        NEWEST_ENVOY,
    );
    let mut d = Detector::new(cfg, 1, Zeros);
    for i in 0..10_000 {
        d.put_http_code(0, 500, ms(i));
    }
    assert!(!d.is_ejected(0));
    assert_eq!(d.stats().ejections_detected_consecutive_5xx, 0);
    assert!(d.events().is_empty());
}

/// The cap counts the host about to go: with the default 10%, nine hosts eject nothing
/// (100 * 1 / 9 = 11.1 > 10) and count an overflow; ten hosts eject one. Before Envoy 1.28
/// (`100 * 0 / 9 = 0 < 10`) the first ejection always passed; `always_eject_one_host` does the
/// same when none is ejected.
#[test]
fn max_ejection_percent_counts_the_host_being_ejected() {
    let fail5 = |d: &mut Detector<Zeros>, host: usize| {
        for i in 0..5 {
            d.put_http_code(host, 500, ms(i));
        }
    };
    let cfg = |rule, extra: &str| OutlierConfig::new(&od(extra), rule);
    let mut nine = Detector::new(cfg(NEWEST_ENVOY, ""), 9, Zeros);
    fail5(&mut nine, 0);
    assert!(!nine.is_ejected(0));
    assert_eq!(nine.stats().ejections_overflow, 1);
    assert_eq!(nine.stats().ejections_detected_consecutive_5xx, 1);
    assert_eq!(nine.stats().ejections_total, 0);

    let mut ten = Detector::new(cfg(NEWEST_ENVOY, ""), 10, Zeros);
    fail5(&mut ten, 0);
    fail5(&mut ten, 1);
    assert!(ten.is_ejected(0));
    assert!(!ten.is_ejected(1), "100 * 2 / 10 = 20 > 10");
    assert_eq!(ten.stats().ejections_overflow, 1);

    let mut old = Detector::new(cfg(EnvoyVersion(27), ""), 9, Zeros);
    fail5(&mut old, 0);
    fail5(&mut old, 1);
    assert!(old.is_ejected(0), "0% ejected < 10%");
    assert!(!old.is_ejected(1), "11.1% ejected is not < 10%");

    let mut one = Detector::new(cfg(NEWEST_ENVOY, "always_eject_one_host = true"), 3, Zeros);
    fail5(&mut one, 0);
    fail5(&mut one, 1);
    assert!(one.is_ejected(0));
    assert!(!one.is_ejected(1), "one is already ejected");
}

/// The worked example of the spec (§2.10): rates {50, 100, 100, 100, 100} → mean 90,
/// population variance 400, stdev 20, threshold 90 - 1.9 * 20 = 52, so the host at 50% goes.
#[test]
fn success_rate_threshold_uses_the_population_stdev() {
    let cfg = OutlierConfig::new(&od("max_ejection_percent = 100"), NEWEST_ENVOY);
    let mut d = Detector::new(cfg, 5, Zeros);
    for i in 0..100u64 {
        for host in 0..5 {
            let code = if host == 0 && i % 2 == 0 { 500 } else { 200 };
            // Interleave hosts so no host reaches 5 consecutive 5xx.
            d.put_http_code(host, code, ms(i));
        }
    }
    // The tick rotates the bucket just filled into place and analyses it at once.
    d.on_interval_timer(ms(10_000));
    assert!(d.is_ejected(0));
    assert_eq!(d.stats().ejections_detected_success_rate, 1);
    assert_eq!(d.stats().ejections_enforced_success_rate, 1);
    assert_eq!(d.stats().ejections_success_rate, 1, "deprecated counter");
    assert_eq!(d.stats().ejections_total, 1, "deprecated counter");
    let e = &d.events()[0];
    assert_eq!(e.ejection_type, Some(EjectionType::SuccessRate));
    let sr = e.success_rate.expect("success-rate figures are logged");
    assert_eq!(sr.host_success_rate, 50.0);
    assert_eq!(sr.cluster_average_success_rate, Some(90.0));
    assert_eq!(sr.cluster_success_rate_ejection_threshold, Some(52.0));
    assert_eq!(d.success_rate_average(false), 90.0);
    assert!(!d.is_ejected(1));
}

/// Fills one interval: `host` answers `ok` of every 100 requests with 200 and the rest 500,
/// interleaved so no host reaches a consecutive-5xx threshold; the others answer 200.
fn one_interval(d: &mut Detector<Zeros>, hosts: usize, host: usize, ok: u64) {
    for i in 0..100u64 {
        for h in 0..hosts {
            let code = if h == host && i >= ok { 500 } else { 200 };
            d.put_http_code(h, code, ms(i));
        }
    }
}

/// Success rate ejects strictly below the threshold: rates {50, 100, 100, 100, 100} with a
/// stdev factor of 2.0 give 90 - 2 * 20 = 50 exactly, and the host at 50% stays.
#[test]
fn success_rate_at_exactly_the_threshold_is_not_ejected() {
    let cfg = OutlierConfig::new(
        &od("consecutive_5xx = 0\nmax_ejection_percent = 100\nsuccess_rate_stdev_factor = 2000"),
        NEWEST_ENVOY,
    );
    let mut d = Detector::new(cfg, 5, Zeros);
    one_interval(&mut d, 5, 0, 50);
    d.on_interval_timer(ms(10_000));
    assert_eq!(d.success_rate_ejection_threshold(false), 50.0);
    assert!(!d.is_ejected(0));
    assert_eq!(d.stats().ejections_detected_success_rate, 0);
}

/// Failure percentage ejects at or above the threshold: 85% failures against the default 85
/// is ejected; 84% is not.
#[test]
fn failure_percentage_at_exactly_the_threshold_is_ejected() {
    let text = "consecutive_5xx = 0\nmax_ejection_percent = 100\nenforcing_success_rate = 0\nenforcing_failure_percentage = 100";
    let cfg = OutlierConfig::new(&od(text), NEWEST_ENVOY);
    let mut at = Detector::new(cfg.clone(), 5, Zeros);
    one_interval(&mut at, 5, 0, 15);
    at.on_interval_timer(ms(10_000));
    assert!(at.is_ejected(0), "100 - 15 = 85 >= 85");
    assert_eq!(at.stats().ejections_enforced_failure_percentage, 1);
    let mut below = Detector::new(cfg, 5, Zeros);
    one_interval(&mut below, 5, 0, 16);
    below.on_interval_timer(ms(10_000));
    assert!(!below.is_ejected(0), "100 - 16 = 84 < 85");
}

/// Always the same large draw: the jitter is then its maximum, 18,446,742,000,000 ms.
struct Large;
impl RandomSource for Large {
    fn random(&mut self) -> u64 {
        18_446_742_000_000
    }
}

/// Found by probing extreme values (`--set cluster.outlier_detection.base_ejection_time=5124095h`
/// panicked): durations near the top of u64 nanoseconds must not overflow. `5124095h` is
/// 18,446,742,000,000,000,000 ns, just under 2^64; `max_ejection_time` defaults to it too.
/// The third failure ejects: multiplier 0 × base < max + base (Envoy's int64 milliseconds never
/// overflow here; u128 does the same), so it becomes 1. The jitter, 18,446,742,000,000 ms, makes
/// the ejection last past the end of time: at the tick of 10 s the host stays out.
#[test]
fn ejection_times_near_the_end_of_time_do_not_overflow() {
    let text = "consecutive_5xx = 3\nmax_ejection_percent = 100\nbase_ejection_time = \"5124095h\"\n\
                max_ejection_time_jitter = \"5124095h\"";
    let cfg = OutlierConfig::new(&od(text), NEWEST_ENVOY);
    let mut d = Detector::new(cfg, 1, Large);
    for t in 1..=3 {
        d.put_http_code(0, 500, ms(t));
    }
    assert!(d.is_ejected(0));
    assert_eq!(d.events()[0].multiplier, 1);
    d.on_interval_timer(ms(10_000));
    assert!(d.is_ejected(0));
}
