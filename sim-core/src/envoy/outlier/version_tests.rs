//! The detector on Envoy releases before 1.28, beside 1.28 and later: the multiplier's decay
//! (PR #29711) and the `max_ejection_percent` cap (PR #27624 in 1.27, PR #27909 in 1.28). Expected figures are
//! worked out by hand from the code before and after those changes, step by step in the
//! comments: `checkHostForUneject` before PR #29711 as quoted in envoyproxy/envoy#21142, and
//! `onIntervalTimer` / `ejectHost` in `source/common/upstream/outlier_detection_impl.cc`.

use super::*;
use crate::envoy::version::{EnvoyVersion, NEWEST_ENVOY};
use crate::scenario::OutlierDetection;
use crate::time::SimTime;

/// Enforcement is 0 or 100 and jitter 0 here, so every draw is thrown away.
struct Zeros;
impl RandomSource for Zeros {
    fn random(&mut self) -> u64 {
        0
    }
}

const V1_27: EnvoyVersion = EnvoyVersion(27);
const V1_28: EnvoyVersion = EnvoyVersion(28);

fn detector(text: &str, hosts: usize, version: EnvoyVersion) -> Detector<Zeros> {
    let od: OutlierDetection = toml::from_str(text).expect("valid outlier_detection");
    Detector::new(OutlierConfig::new(&od, version), hosts, Zeros)
}

fn s(t: u64) -> SimTime {
    SimTime(t * 1_000_000_000)
}

/// One host whose every answer is a 500, judged by failure percentage only (Envoy's
/// `EjectTimeBackoffTimeBasedDetection` settings: interval 10 s, base 10 s, one host, volume
/// 50, enforcing FP 100, consecutive detection off). 100 failures before each tick.
///
/// Envoy 1.28+: tick 1 ejects (m 0 → 1); tick 2 unejects (10 s ≥ 10 s × 1); tick 3 ejects
/// again (m 1 → 2) and the decay, after the passes, skips the ejected host; tick 4: 10 s < 20 s,
/// still out; tick 5 unejects.
///
/// Envoy 1.27: tick 3 starts with `checkHostForUneject`, which finds the host not ejected and
/// takes its multiplier 1 → 0 before the failure-percentage pass ejects it (0 → 1); tick 4:
/// 10 s ≥ 10 s × 1, back already. This is the bug PR #29711 fixed (issue #26758).
#[test]
fn failure_percentage_ejections_grow_only_from_envoy_1_28() {
    let text = "interval = \"10s\"\nbase_ejection_time = \"10s\"\nmax_ejection_percent = 100\n\
                enforcing_consecutive_5xx = 0\nenforcing_consecutive_gateway_failure = 0\n\
                failure_percentage_minimum_hosts = 1\nenforcing_success_rate = 0\n\
                enforcing_failure_percentage = 100";
    for (version, out_at_tick_4, multiplier_after_tick_3) in [(V1_28, true, 2), (V1_27, false, 1)] {
        let mut d = detector(text, 1, version);
        let fail = |d: &mut Detector<Zeros>, at: SimTime| {
            for _ in 0..100 {
                d.put_http_code(0, 500, at);
            }
        };
        fail(&mut d, s(1));
        d.on_interval_timer(s(10));
        assert!(d.is_ejected(0), "{version}: tick 1");
        d.on_interval_timer(s(20));
        assert!(!d.is_ejected(0), "{version}: tick 2");
        fail(&mut d, s(21));
        d.on_interval_timer(s(30));
        assert!(d.is_ejected(0), "{version}: tick 3");
        assert_eq!(
            d.monitor(0).unwrap().backoff,
            multiplier_after_tick_3,
            "{version}"
        );
        d.on_interval_timer(s(40));
        assert_eq!(d.is_ejected(0), out_at_tick_4, "{version}: tick 4");
        d.on_interval_timer(s(50));
        assert!(!d.is_ejected(0), "{version}: tick 5");
    }
}

/// A host ejected by consecutive 5xx and back at a tick: neither release lowers its
/// multiplier at that tick (1.27: it was ejected when `checkHostForUneject` looked; 1.28: 0 s
/// since the uneject). At the next tick both do, so with consecutive errors the two agree.
/// Interval 5 s, base 30 s: eject at 0.5 s (m 1), back at tick 35 s, m stays 1; tick 40: m 0.
#[test]
fn consecutive_5xx_decay_is_the_same_before_and_after_1_28() {
    let text = "consecutive_5xx = 3\ninterval = \"5s\"\nbase_ejection_time = \"30s\"\n\
                max_ejection_percent = 100";
    for version in [V1_27, V1_28] {
        let mut d = detector(text, 1, version);
        for _ in 0..3 {
            d.put_http_code(0, 503, SimTime(500_000_000));
        }
        assert!(d.is_ejected(0));
        for tick in (5..=35).step_by(5) {
            d.on_interval_timer(s(tick));
        }
        assert!(!d.is_ejected(0), "{version}");
        assert_eq!(
            d.monitor(0).unwrap().backoff,
            1,
            "{version}: at the uneject tick"
        );
        d.on_interval_timer(s(40));
        assert_eq!(
            d.monitor(0).unwrap().backoff,
            0,
            "{version}: one tick later"
        );
    }
}

/// Issue #26877's cluster: three hosts, `max_ejection_percent = 50`, two of them failing.
/// Before 1.27 (`100 * ejected / hosts < max`): the first ejection passes (0 < 50), and so
/// does the second (33.3 < 50), leaving one host of three. In 1.27 (PR #27624: none ejected,
/// or `100 * (ejected + 1) / hosts <= max`) the first passes as the first, the second is refused
/// (66.7 > 50) and counted as an overflow; from 1.28 (PR #27909, the first counted too) the same
/// here, since 33.3 <= 50.
#[test]
fn max_ejection_percent_before_and_after_1_27() {
    let text = "consecutive_5xx = 1\nmax_ejection_percent = 50\ninterval = \"1h\"";
    for (version, ejected, overflows) in [
        (EnvoyVersion(26), 2, 0),
        (V1_27, 1, 1),
        (V1_28, 1, 1),
        (NEWEST_ENVOY, 1, 1),
    ] {
        let mut d = detector(text, 3, version);
        d.put_http_code(0, 500, s(1));
        d.put_http_code(1, 500, s(2));
        assert_eq!(d.ejections_active(), ejected, "{version}");
        assert_eq!(d.stats().ejections_overflow, overflows, "{version}");
    }
}

/// Where 1.27 and 1.28 part: nine hosts at the default 10%, one failing. 1.27 ejects it as the
/// first ejection; 1.28 refuses it (100 * 1 / 9 = 11.1 > 10) and counts an overflow. Before
/// 1.27, 0 < 10 lets it through too; with `max_ejection_percent = 0` it is refused there (0 < 0
/// fails) while 1.27 still ejects it as the first.
#[test]
fn the_first_ejection_by_release() {
    let eject_one = |version, percent: u32| {
        let text =
            format!("consecutive_5xx = 1\nmax_ejection_percent = {percent}\ninterval = \"1h\"");
        let mut d = detector(&text, 9, version);
        d.put_http_code(0, 500, s(1));
        (d.ejections_active(), d.stats().ejections_overflow)
    };
    assert_eq!(eject_one(EnvoyVersion(26), 10), (1, 0));
    assert_eq!(eject_one(V1_27, 10), (1, 0));
    assert_eq!(eject_one(V1_28, 10), (0, 1));
    assert_eq!(eject_one(EnvoyVersion(26), 0), (0, 1));
    assert_eq!(eject_one(V1_27, 0), (1, 0));
    assert_eq!(eject_one(V1_28, 0), (0, 1));
}

// Ports of Envoy 1.27's own tests: `test/common/upstream/outlier_detection_impl_test.cc` on
// `release/v1.27` (read at cpakulski/envoy `rel1.27/33303`, commit 2b33a2d9, 1.27.5-dev). Its
// tests leave `max_ejection_percent` at its default of 10% where 1.28's set it to 100% through
// the runtime: 1.27 lets the first ejection through whatever the cap says.

fn events_of(d: &Detector<Zeros>) -> Vec<(usize, OutlierAction, Option<EjectionType>, bool)> {
    d.events()
        .iter()
        .map(|e| (e.host, e.action, e.ejection_type, e.enforced))
        .collect()
}

fn load_rq(d: &mut Detector<Zeros>, host: usize, n: usize, code: u16, at: SimTime) {
    for _ in 0..n {
        d.put_http_code(host, code, at);
    }
}

fn ms(t: u64) -> SimTime {
    SimTime(t * 1_000_000)
}

/// Port of OutlierDetectorImplTest.BasicFlow5xxViaHttpCodes (release/v1.27): two hosts, the
/// default 10% cap. Host 0 is ejected at its 5th 500 (the first ejection passes), back at
/// 30,001 ms, ejected again at 40,000 ms; then both hosts leave. ejections_total and
/// ejections_consecutive_5xx are 2. On 1.28 the same cap refuses both (100 * 1 / 2 > 10).
#[test]
fn basic_flow_5xx_via_http_codes_on_1_27() {
    let mut d = detector("", 1, V1_27);
    d.add_host();
    load_rq(&mut d, 0, 1, 500, ms(0));
    load_rq(&mut d, 0, 1, 200, ms(0));
    load_rq(&mut d, 0, 4, 500, ms(0));
    load_rq(&mut d, 0, 1, 500, ms(0));
    assert!(d.is_ejected(0));
    assert_eq!(d.ejections_active(), 1);
    d.on_interval_timer(ms(9_999));
    assert!(d.monitor(0).unwrap().last_unejection.is_none());
    d.on_interval_timer(ms(30_001));
    assert!(!d.is_ejected(0));
    assert!(d.monitor(0).unwrap().last_unejection.is_some());
    load_rq(&mut d, 0, 4, 500, ms(40_000));
    load_rq(&mut d, 0, 1, 500, ms(40_000));
    assert!(d.is_ejected(0));
    assert_eq!(d.ejections_active(), 1);
    d.remove_host(0);
    d.remove_host(1);
    assert_eq!(d.ejections_active(), 0);
    assert_eq!(d.stats().ejections_total, 2);
    assert_eq!(d.stats().ejections_consecutive_5xx, 2);
    assert_eq!(d.stats().ejections_enforced_consecutive_gateway_failure, 0);
    use EjectionType::Consecutive5xx as C5XX;
    use OutlierAction::{Eject, Uneject};
    assert_eq!(
        events_of(&d),
        [
            (0, Eject, Some(C5XX), true),
            (0, Uneject, None, false),
            (0, Eject, Some(C5XX), true)
        ]
    );

    let mut newer = detector("", 2, V1_28);
    load_rq(&mut newer, 0, 5, 500, ms(0));
    assert!(!newer.is_ejected(0));
    assert_eq!(newer.stats().ejections_overflow, 1);
}

/// Port of OutlierDetectorImplTest.Overflow (release/v1.27): two hosts, the cap at 1%. Host 0's
/// 5th 500 ejects it, the first ejection; host 1's fifth is refused (100 * 2 / 2 > 1): one
/// ejection active, one overflow.
#[test]
fn overflow_on_1_27() {
    let mut d = detector("max_ejection_percent = 1", 2, V1_27);
    load_rq(&mut d, 0, 4, 500, ms(0));
    load_rq(&mut d, 0, 1, 500, ms(0));
    assert!(d.is_ejected(0));
    load_rq(&mut d, 1, 5, 500, ms(0));
    assert!(!d.is_ejected(1));
    assert_eq!(d.ejections_active(), 1);
    assert_eq!(d.stats().ejections_overflow, 1);
}

/// Port of OutlierDetectorImplTest.MaxEjectionPercentage (release/v1.27): three hosts, the cap at
/// 50%, every host failing. Only host 0 is ejected (the first); hosts 1 and 2 would make
/// 66.7% and are refused. Before 1.27 host 1 was ejected too (33.3 < 50, issue #26877).
#[test]
fn max_ejection_percentage_on_1_27() {
    let text = "max_ejection_percent = 50\nmax_ejection_time_jitter = \"13s\"";
    let mut d = detector(text, 3, V1_27);
    for host in 0..3 {
        load_rq(&mut d, host, 5, 500, ms(0));
    }
    assert!(d.is_ejected(0));
    assert!(!d.is_ejected(1));
    assert!(!d.is_ejected(2));
    assert_eq!(
        events_of(&d),
        [(
            0,
            OutlierAction::Eject,
            Some(EjectionType::Consecutive5xx),
            true
        )]
    );
    let mut older = detector(text, 3, EnvoyVersion(26));
    for host in 0..3 {
        load_rq(&mut older, host, 5, 500, ms(0));
    }
    assert_eq!(older.ejections_active(), 2);
}
