//! Ports of Envoy's outlier detector unit tests, `test/common/upstream/outlier_detection_impl_test.cc`
//! (the post-2023 version, where tests that eject set `max_ejection_percent` through the runtime,
//! which matches the current cap `100 * (ejected + 1) / hosts <= max`).
//!
//! How Envoy's fixture maps onto [`Fixture`]:
//! - hosts are indices; every priority shares one index space (the cap counts all priorities);
//! - `time_system_.setMonotonicTime(ms)` is [`Fixture::set_ms`], and every report or tick after it
//!   happens at that time (Envoy's simulated monotonic clock starts at 0);
//! - `interval_timer_->invokeCallback()` is [`Fixture::invoke_interval_timer`];
//! - runtime overrides (`getInteger(..., _)` / `featureEnabled(..., _)`) become config fields;
//! - `NiceMock<MockRandomGenerator>` returns 0 unless scripted, like [`MockRandom`];
//! - `EXPECT_CALL(*event_logger_, logEject(host, _, type, enforced))` and `logUneject(host)`
//!   become an exact comparison of [`Detector::events`]: once a test sets expectations on the
//!   mock logger, gMock fails on any call that matches none of them, so the list is complete.
//!   Envoy does not check the order between different expectations; the orders asserted here
//!   are the order of Envoy's code (gateway before 5xx for one response, success rate before
//!   failure percentage within a tick).

use super::*;
use crate::envoy::random::MockRandom;
use crate::envoy::version::NEWEST_ENVOY;
use crate::scenario::{OutlierDetection, load_scenario};
use crate::time::{SimDuration, SimTime};

use EjectionType::{
    Consecutive5xx as C5XX, ConsecutiveGatewayFailure as GATEWAY,
    ConsecutiveLocalOriginFailure as LOCAL, FailurePercentage as FP,
    FailurePercentageLocalOrigin as FP_LOCAL, SuccessRate as SR,
    SuccessRateLocalOrigin as SR_LOCAL,
};
use OutlierResult::{
    ExtOriginRequestFailed, ExtOriginRequestSuccess, LocalOriginConnectFailed,
    LocalOriginConnectSuccess, LocalOriginTimeout,
};

fn od(text: &str) -> OutlierDetection {
    toml::from_str(text).expect("valid outlier_detection")
}

fn config(text: &str) -> OutlierConfig {
    OutlierConfig::new(&od(text), NEWEST_ENVOY)
}

/// One line of the mock event logger: `logEject(host, _, type, enforced)` or `logUneject(host)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Log {
    Eject(usize, EjectionType, bool),
    Uneject(usize),
}

use Log::{Eject, Uneject};

/// `pattern` repeated `n` times (gMock's `.Times(n)`, for interleaved expectations).
fn times(n: usize, pattern: &[Log]) -> Vec<Log> {
    pattern
        .iter()
        .copied()
        .cycle()
        .take(n * pattern.len())
        .collect()
}

/// Envoy's `OutlierDetectorImplTest` fixture around one detector.
struct Fixture {
    d: Detector<MockRandom>,
    random: MockRandom,
    /// The hosts currently in the cluster (`hosts_` plus `failover_hosts_`), in order.
    hosts: Vec<usize>,
    now: SimTime,
}

impl Fixture {
    /// `DetectorImpl::create` with `hosts` hosts, from an `OutlierDetection` written in TOML.
    fn new(toml: &str, hosts: usize) -> Self {
        let random = MockRandom::default();
        Fixture {
            d: Detector::new(config(toml), hosts, random.clone()),
            random,
            hosts: (0..hosts).collect(),
            now: SimTime::ZERO,
        }
    }

    /// `time_system_.setMonotonicTime(std::chrono::milliseconds(ms))`.
    fn set_ms(&mut self, ms: u64) {
        self.now = SimTime(ms * 1_000_000);
    }

    /// `time_system_.setMonotonicTime(std::chrono::seconds(s))`.
    fn set_s(&mut self, s: u64) {
        self.set_ms(s * 1000);
    }

    /// `addHosts({...})` then `runCallbacks({new}, {})`.
    fn add_host(&mut self) -> usize {
        let h = self.d.add_host();
        self.hosts.push(h);
        h
    }

    /// `runCallbacks({}, hosts_)`: every host leaves.
    fn remove_all_hosts(&mut self) {
        for h in std::mem::take(&mut self.hosts) {
            self.d.remove_host(h);
        }
    }

    fn remove_host(&mut self, host: usize) {
        self.hosts.retain(|&h| h != host);
        self.d.remove_host(host);
    }

    /// `loadRq(host, n, http_code)`.
    fn load_rq(&mut self, host: usize, n: usize, code: u16) {
        for _ in 0..n {
            self.d.put_http_code(host, code, self.now);
        }
    }

    /// `loadRq(hosts_, n, http_code)`.
    fn load_rq_all(&mut self, n: usize, code: u16) {
        for h in self.hosts.clone() {
            self.load_rq(h, n, code);
        }
    }

    /// `loadRq(host, n, result)`.
    fn load_result(&mut self, host: usize, n: usize, result: OutlierResult) {
        for _ in 0..n {
            self.put_result(host, result, None);
        }
    }

    /// `loadRq(hosts_, n, result)`.
    fn load_result_all(&mut self, n: usize, result: OutlierResult) {
        for h in self.hosts.clone() {
            self.load_result(h, n, result);
        }
    }

    /// `hosts_[host]->outlierDetector().putResult(result, code)`.
    fn put_result(&mut self, host: usize, result: OutlierResult, code: Option<u16>) {
        self.d.put_result(host, result, code, self.now);
    }

    /// `interval_timer_->invokeCallback()`.
    fn invoke_interval_timer(&mut self) {
        self.d.on_interval_timer(self.now);
    }

    /// `hosts_[host]->healthFlagGet(Host::HealthFlag::FAILED_OUTLIER_CHECK)`.
    fn ejected(&self, host: usize) -> bool {
        self.d.is_ejected(host)
    }

    fn monitor(&self, host: usize) -> &monitor::HostMonitor {
        self.d.monitor(host).expect("host is in the cluster")
    }

    /// `outlier_detection_ejections_active_.value()`.
    fn ejections_active(&self) -> u64 {
        self.d.stats().ejections_active
    }

    fn stats(&self) -> &OutlierStats {
        self.d.stats()
    }

    /// `successRate(type)` of a host.
    fn success_rate(&self, host: usize, local: bool) -> f64 {
        self.monitor(host).success_rate_monitor(local).shown
    }

    /// Every eject/uneject logged so far.
    fn log(&self) -> Vec<Log> {
        self.d.events().iter().map(to_log).collect()
    }

    /// Every eject/uneject logged so far, with its time in milliseconds.
    fn log_ms(&self) -> Vec<(u64, Log)> {
        self.d
            .events()
            .iter()
            .map(|e| (e.time.0 / 1_000_000, to_log(e)))
            .collect()
    }
}

fn to_log(e: &OutlierEvent) -> Log {
    match e.action {
        OutlierAction::Eject => Eject(
            e.host,
            e.ejection_type.expect("an eject has a type"),
            e.enforced,
        ),
        OutlierAction::Uneject => Uneject(e.host),
    }
}

const MAX_100: &str = "max_ejection_percent = 100";

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// Envoy: OutlierDetectorImplTest.DetectorStaticConfig
/// Every configured field reaches the detector's config as given (interval 0.1 s, max 400 s);
/// gateway and failure-percentage enforcement keep their default 0.
#[test]
fn detector_static_config() {
    let cfg = config(
        r#"
interval = "0.1s"
base_ejection_time = "10s"
consecutive_5xx = 10
max_ejection_percent = 50
enforcing_consecutive_5xx = 10
enforcing_success_rate = 20
success_rate_minimum_hosts = 50
success_rate_request_volume = 200
success_rate_stdev_factor = 3000
failure_percentage_minimum_hosts = 10
failure_percentage_request_volume = 25
failure_percentage_threshold = 70
max_ejection_time = "400s"
"#,
    );
    assert_eq!(cfg.od.interval, SimDuration::from_millis(100));
    assert_eq!(cfg.od.base_ejection_time, SimDuration::from_millis(10_000));
    assert_eq!(cfg.od.consecutive_5xx, 10);
    assert_eq!(cfg.od.consecutive_gateway_failure, 5);
    assert_eq!(cfg.od.max_ejection_percent, 50);
    assert_eq!(cfg.od.enforcing_consecutive_5xx, 10);
    assert_eq!(cfg.od.enforcing_consecutive_gateway_failure, 0);
    assert_eq!(cfg.od.enforcing_success_rate, 20);
    assert_eq!(cfg.od.success_rate_minimum_hosts, 50);
    assert_eq!(cfg.od.success_rate_request_volume, 200);
    assert_eq!(cfg.od.success_rate_stdev_factor, 3000);
    assert_eq!(cfg.od.enforcing_failure_percentage, 0);
    assert_eq!(cfg.od.enforcing_failure_percentage_local_origin, 0);
    assert_eq!(cfg.od.failure_percentage_minimum_hosts, 10);
    assert_eq!(cfg.od.failure_percentage_request_volume, 25);
    assert_eq!(cfg.od.failure_percentage_threshold, 70);
    assert_eq!(cfg.max_ejection_time, SimDuration::from_millis(400_000));
}

/// Envoy: OutlierDetectorImplTest.DetectorStaticConfigMaxDefaultValue
/// Without `max_ejection_time`, the maximum defaults to 300 s.
#[test]
fn detector_static_config_max_default_value() {
    let cfg = config("interval = \"0.1s\"\nbase_ejection_time = \"10s\"");
    assert_eq!(cfg.od.interval, SimDuration::from_millis(100));
    assert_eq!(cfg.od.base_ejection_time, SimDuration::from_millis(10_000));
    assert_eq!(cfg.max_ejection_time, SimDuration::from_millis(300_000));
}

/// Envoy: OutlierDetectorImplTest.DetectorStaticConfigiInvalidMaxEjectTime
/// A `max_ejection_time` (3 s) below `base_ejection_time` (10 s) is rejected. Envoy throws
/// from `DetectorImpl::create`; here the scenario validator refuses the cluster.
#[test]
fn detector_static_configi_invalid_max_eject_time() {
    let scenario = r#"
[cluster]
name = "c"

[cluster.outlier_detection]
interval = "0.1s"
base_ejection_time = "10s"
consecutive_5xx = 10
max_ejection_percent = 50
enforcing_consecutive_5xx = 10
enforcing_success_rate = 20
success_rate_minimum_hosts = 50
success_rate_request_volume = 200
success_rate_stdev_factor = 3000
failure_percentage_minimum_hosts = 10
failure_percentage_request_volume = 25
failure_percentage_threshold = 70
max_ejection_time = "3s"

[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 1
turnaround = "1ms"

[[backends]]
name = "b"
service_time = "1ms"
"#;
    let err = load_scenario(scenario, "inline", &[]).expect_err("max < base is rejected");
    assert_eq!(
        err.path.as_deref(),
        Some("cluster.outlier_detection.max_ejection_time"),
        "{}",
        err.message
    );
    // The same cluster with a valid maximum loads, so the rejection is about that field.
    let valid = scenario.replace("max_ejection_time = \"3s\"", "max_ejection_time = \"10s\"");
    assert!(load_scenario(&valid, "inline", &[]).is_ok());
}

/// Envoy: OutlierDetectorImplTest.DetectorStaticConfigBaseLargerThanMaxNoMax
/// A legacy config with base 400 s and no maximum is accepted; the maximum becomes 400 s.
#[test]
fn detector_static_config_base_larger_than_max_no_max() {
    let cfg = config("interval = \"0.1s\"\nbase_ejection_time = \"400s\"");
    assert_eq!(cfg.od.interval, SimDuration::from_millis(100));
    assert_eq!(cfg.od.base_ejection_time, SimDuration::from_millis(400_000));
    assert_eq!(cfg.max_ejection_time, SimDuration::from_millis(400_000));
}

/// Envoy: OutlierDetectorImplTest.DetectorStaticConfigMaxEjectionTimeJitter
/// `max_ejection_time_jitter = 13s` reaches the config as 13000 ms.
#[test]
fn detector_static_config_max_ejection_time_jitter() {
    let cfg = config(
        "interval = \"0.1s\"\nbase_ejection_time = \"10s\"\nmax_ejection_time_jitter = \"13s\"",
    );
    assert_eq!(cfg.od.interval, SimDuration::from_millis(100));
    assert_eq!(cfg.od.base_ejection_time, SimDuration::from_millis(10_000));
    assert_eq!(cfg.od.max_ejection_time_jitter.as_millis(), 13_000);
}

/// Envoy: OutlierDetectorImplTest.DetectorStaticConfigDefaultMaxEjectionTimeJitter
/// Without `max_ejection_time_jitter`, the jitter bound is 0 ms.
#[test]
fn detector_static_config_default_max_ejection_time_jitter() {
    let cfg = config("interval = \"0.1s\"\nbase_ejection_time = \"10s\"");
    assert_eq!(cfg.od.interval, SimDuration::from_millis(100));
    assert_eq!(cfg.od.base_ejection_time, SimDuration::from_millis(10_000));
    assert_eq!(cfg.od.max_ejection_time_jitter.as_millis(), 0);
}

// ---------------------------------------------------------------------------------------------
// Consecutive errors
// ---------------------------------------------------------------------------------------------

/// Envoy: OutlierDetectorImplTest.DestroyWithActive
/// A primary and a failover host are both ejected (the gauge counts both priorities: 2). The
/// last step, destroying the detector to bring the gauge back to 0, has no equivalent: the
/// detector lives as long as the simulation and is not destroyed while stats are read.
#[test]
fn destroy_with_active() {
    // hosts_[0] is index 0, failover_hosts_[0] is index 1.
    let mut f = Fixture::new(MAX_100, 2);
    f.load_rq(0, 4, 500);
    f.set_ms(0);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.load_rq(1, 4, 500);
    f.set_ms(0);
    f.load_rq(1, 1, 500);
    assert!(f.ejected(1));
    assert_eq!(f.ejections_active(), 2);
    assert_eq!(f.log(), [Eject(0, C5XX, true), Eject(1, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.BasicFlow5xxViaHttpCodes
/// Five 500s eject at once; a tick at 9.999 s keeps the host out, one at 30.001 s brings it
/// back; five more 500s eject it again; removing the hosts zeroes the gauge.
#[test]
fn basic_flow_5xx_via_http_codes() {
    let mut f = Fixture::new(MAX_100, 1);
    f.add_host();

    f.load_rq(0, 1, 500);
    f.load_rq(0, 1, 200);
    f.load_rq(0, 4, 500);
    f.set_ms(0);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    // Interval that doesn't bring the host back in.
    f.set_ms(9999);
    f.invoke_interval_timer();
    assert_eq!(f.monitor(0).last_unejection, None);

    // Interval that does bring the host back in.
    f.set_ms(30001);
    f.invoke_interval_timer();
    assert!(!f.ejected(0));
    assert!(f.monitor(0).last_unejection.is_some());

    // Eject host again to cause an ejection after an unejection has taken place.
    f.load_rq(0, 4, 500);
    f.set_ms(40000);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.remove_all_hosts();
    assert_eq!(f.ejections_active(), 0);
    assert_eq!(f.stats().ejections_total, 2);
    assert_eq!(f.stats().ejections_consecutive_5xx, 2);
    assert_eq!(
        f.log_ms(),
        [
            (0, Eject(0, C5XX, true)),
            (30001, Uneject(0)),
            (40000, Eject(0, C5XX, true)),
        ]
    );
}

/// Envoy: OutlierDetectorImplTest.ConnectSuccessWithOptionalHTTP_OK
/// In non-split mode a connect success carrying code 200 counts as a 200 and resets the streak
/// of connect failures (503s), so alternating them never ejects.
#[test]
fn connect_success_with_optional_http_ok() {
    let mut f = Fixture::new("", 1);
    for _ in 0..100 {
        f.put_result(0, LocalOriginConnectSuccess, Some(200));
        f.put_result(0, LocalOriginConnectFailed, None);
    }
    assert!(!f.ejected(0));
    // Derived: the streak never reaches 5, so nothing is even detected.
    assert_eq!(f.stats().ejections_detected_consecutive_5xx, 0);
    assert_eq!(f.stats().ejections_detected_consecutive_gateway_failure, 0);
}

/// Envoy: OutlierDetectorImplTest.ExternalOriginEventsNonSplit
/// In non-split mode `ExtOriginRequestSuccess` (200) cancels `ExtOriginRequestFailed` (500);
/// 100 failures in a row eject once, as consecutive 5xx (500 is not a gateway error).
#[test]
fn external_origin_events_non_split() {
    let mut f = Fixture::new("max_ejection_percent = 60", 2);
    for _ in 0..100 {
        f.put_result(0, ExtOriginRequestFailed, None);
        f.put_result(0, ExtOriginRequestSuccess, None);
    }
    assert!(!f.ejected(0));

    for _ in 0..100 {
        f.put_result(0, ExtOriginRequestFailed, None);
    }
    assert!(f.ejected(0));
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.BasicFlow5xxViaNonHttpCodes
/// Connect failures map to 503 in non-split mode: the fifth in a row logs an unenforced
/// gateway-failure ejection, then the enforced 5xx ejection; the cycle repeats after unejection.
#[test]
fn basic_flow_5xx_via_non_http_codes() {
    let mut f = Fixture::new(MAX_100, 1);
    f.add_host();

    f.load_result(0, 1, LocalOriginConnectFailed);
    f.load_rq(0, 1, 200);
    f.load_result(0, 4, LocalOriginConnectFailed);
    f.set_ms(0);
    f.load_result(0, 1, LocalOriginConnectFailed);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(9999);
    f.invoke_interval_timer();
    assert_eq!(f.monitor(0).last_unejection, None);

    f.set_ms(30001);
    f.invoke_interval_timer();
    assert!(!f.ejected(0));
    assert!(f.monitor(0).last_unejection.is_some());

    f.load_result(0, 4, LocalOriginConnectFailed);
    f.set_ms(40000);
    f.load_result(0, 1, LocalOriginConnectFailed);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.remove_all_hosts();
    assert_eq!(f.ejections_active(), 0);
    assert_eq!(f.stats().ejections_total, 2);
    assert_eq!(f.stats().ejections_consecutive_5xx, 2);
    assert_eq!(
        f.log_ms(),
        [
            (0, Eject(0, GATEWAY, false)),
            (0, Eject(0, C5XX, true)),
            (30001, Uneject(0)),
            (40000, Eject(0, GATEWAY, false)),
            (40000, Eject(0, C5XX, true)),
        ]
    );
}

/// Envoy: OutlierDetectorImplTest.BasicFlowGatewayFailure
/// With gateway enforcement on and 5xx enforcement off, a 503/500 mix logs one unenforced 5xx
/// ejection, five 503s in a row eject for gateway failure, and again after unejection; the
/// deprecated `ejections_total` counts only the 5xx detection.
#[test]
fn basic_flow_gateway_failure() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nenforcing_consecutive_gateway_failure = 100\nenforcing_consecutive_5xx = 0",
        1,
    );
    f.add_host();

    f.load_rq(0, 1, 503);
    f.load_rq(0, 1, 500);
    f.load_rq(0, 2, 503);
    f.load_rq(0, 2, 503);
    assert_eq!(f.log(), [Eject(0, C5XX, false)]);

    f.set_ms(0);
    f.load_rq(0, 1, 503);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(9999);
    f.invoke_interval_timer();
    assert_eq!(f.monitor(0).last_unejection, None);

    f.set_ms(30001);
    f.invoke_interval_timer();
    assert!(!f.ejected(0));
    assert!(f.monitor(0).last_unejection.is_some());

    f.load_rq(0, 4, 503);
    f.set_ms(40000);
    f.load_rq(0, 1, 503);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.remove_all_hosts();
    assert_eq!(f.ejections_active(), 0);
    let s = f.stats();
    assert_eq!(s.ejections_total, 1);
    assert_eq!(s.ejections_enforced_total, 2);
    assert_eq!(s.ejections_detected_consecutive_gateway_failure, 2);
    assert_eq!(s.ejections_enforced_consecutive_gateway_failure, 2);
    assert_eq!(s.ejections_detected_consecutive_5xx, 1);
    assert_eq!(s.ejections_enforced_consecutive_5xx, 0);
    assert_eq!(
        f.log(),
        [
            Eject(0, C5XX, false),
            Eject(0, GATEWAY, true),
            Uneject(0),
            Eject(0, GATEWAY, true),
        ]
    );
}

/// Envoy: OutlierDetectorImplTest.TimeoutWithHttpCode
/// A timeout carrying code 500 counts as a 500 (5xx ejection, no gateway); carrying 200 it
/// counts as a success; without a code it is a 504 (gateway detection, then 5xx ejection).
#[test]
fn timeout_with_http_code() {
    let mut f = Fixture::new("max_ejection_percent = 35", 3);
    let n = f.d.config().od.consecutive_5xx;
    for _ in 0..n {
        f.put_result(0, LocalOriginTimeout, Some(500));
    }
    assert!(f.ejected(0));

    // Wait until it is unejected.
    f.set_ms(50001);
    f.invoke_interval_timer();
    assert!(!f.ejected(0));

    // Timeouts with a code other than 500: no ejection.
    for _ in 0..n {
        f.put_result(0, LocalOriginTimeout, Some(200));
    }
    assert!(!f.ejected(0));
    assert_eq!(f.log(), [Eject(0, C5XX, true), Uneject(0)]);

    // Timeouts without a code are mapped to 504.
    let n = f.d.config().od.consecutive_gateway_failure;
    for _ in 0..n {
        f.put_result(0, LocalOriginTimeout, None);
    }
    assert!(f.ejected(0));
    assert_eq!(
        f.log_ms(),
        [
            (0, Eject(0, C5XX, true)),
            (50001, Uneject(0)),
            (50001, Eject(0, GATEWAY, false)),
            (50001, Eject(0, C5XX, true)),
        ]
    );
}

/// Envoy: OutlierDetectorImplTest.LargeNumberOfTimeouts
/// Split mode: five timeouts eject for consecutive local-origin failures; ten more while
/// ejected change nothing; after the unejection five more eject again.
#[test]
fn large_number_of_timeouts() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nsplit_external_local_origin_errors = true",
        1,
    );
    let n = f.d.config().od.consecutive_5xx as usize;
    f.load_result(0, n, LocalOriginTimeout);
    assert!(f.ejected(0));

    // More timeouts while ejected.
    f.load_result(0, 2 * n, LocalOriginTimeout);

    f.set_ms(50001);
    f.invoke_interval_timer();
    assert!(!f.ejected(0));

    f.load_result(0, n, LocalOriginTimeout);
    assert!(f.ejected(0));
    assert_eq!(
        f.log_ms(),
        [
            (0, Eject(0, LOCAL, true)),
            (50001, Uneject(0)),
            (50001, Eject(0, LOCAL, true)),
        ]
    );
}

/// Envoy: OutlierDetectorImplTest.BasicFlowLocalOriginFailure
/// Split mode: connect failures eject (30 s), failures while ejected are ignored, the second
/// ejection lasts 60 s (unejected at 90.002 s, not at 40 s); four failures, a connect success
/// and two failures then eject nothing.
#[test]
fn basic_flow_local_origin_failure() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nsplit_external_local_origin_errors = true",
        1,
    );
    let n = f.d.config().od.consecutive_local_origin_failure as usize;
    f.set_ms(0);
    f.load_result(0, n, LocalOriginConnectFailed);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    // Additional failures don't affect future ejections.
    f.load_result(0, n, LocalOriginConnectFailed);

    f.set_ms(9999);
    f.invoke_interval_timer();
    assert_eq!(f.monitor(0).last_unejection, None);

    f.set_ms(30001);
    f.invoke_interval_timer();
    assert!(!f.ejected(0));
    assert!(f.monitor(0).last_unejection.is_some());
    assert_eq!(f.ejections_active(), 0);

    f.load_result(0, n, LocalOriginConnectFailed);
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(40000);
    f.invoke_interval_timer();
    assert_eq!(f.ejections_active(), 1, "second ejection lasts 60 s");

    f.set_ms(90002);
    f.invoke_interval_timer();
    assert_eq!(f.ejections_active(), 0);

    // A few failures, then a success and a few failures: never five in a row.
    f.load_result(0, n - 1, LocalOriginConnectFailed);
    f.put_result(0, LocalOriginConnectSuccess, None);
    f.put_result(0, LocalOriginConnectFailed, None);
    f.put_result(0, LocalOriginConnectFailed, None);
    assert!(!f.ejected(0));
    assert!(f.monitor(0).last_unejection.is_some());

    let s = f.stats();
    assert_eq!(s.ejections_enforced_total, 2);
    assert_eq!(s.ejections_detected_consecutive_local_origin_failure, 2);
    assert_eq!(s.ejections_enforced_consecutive_local_origin_failure, 2);
    assert_eq!(
        f.log_ms(),
        [
            (0, Eject(0, LOCAL, true)),
            (30001, Uneject(0)),
            (30001, Eject(0, LOCAL, true)),
            (90002, Uneject(0)),
        ]
    );
}

/// Envoy: OutlierDetectorImplTest.BasicFlowGatewayFailureAnd5xx
/// Five 503s eject for gateway failure (the 5xx detection on the now-ejected host is dropped);
/// after unejection 2×503 + 3×500 eject for 5xx, and the gateway detector does not fire again.
#[test]
fn basic_flow_gateway_failure_and_5xx() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nenforcing_consecutive_gateway_failure = 100",
        1,
    );
    f.add_host();

    f.load_rq(0, 1, 503);
    f.load_rq(0, 1, 200);
    f.load_rq(0, 4, 503);
    f.set_ms(0);
    f.load_rq(0, 1, 503);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(9999);
    f.invoke_interval_timer();
    assert_eq!(f.monitor(0).last_unejection, None);

    f.set_ms(30001);
    f.invoke_interval_timer();
    assert!(!f.ejected(0));
    assert!(f.monitor(0).last_unejection.is_some());

    // A mix of 500s and 503s to trigger the 5xx ejection first.
    f.load_rq(0, 2, 503);
    assert!(!f.ejected(0));
    f.load_rq(0, 2, 500);
    f.set_ms(40000);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.remove_all_hosts();
    assert_eq!(f.ejections_active(), 0);
    let s = f.stats();
    assert_eq!(s.ejections_total, 1);
    assert_eq!(s.ejections_enforced_total, 2);
    assert_eq!(s.ejections_consecutive_5xx, 1);
    assert_eq!(s.ejections_detected_consecutive_5xx, 1);
    assert_eq!(s.ejections_enforced_consecutive_5xx, 1);
    assert_eq!(s.ejections_detected_consecutive_gateway_failure, 1);
    assert_eq!(s.ejections_enforced_consecutive_gateway_failure, 1);
    assert_eq!(
        f.log(),
        [Eject(0, GATEWAY, true), Uneject(0), Eject(0, C5XX, true)]
    );
}

/// Envoy: OutlierDetectorImplTest.BasicFlowNonHttpCodesExternalOrigin
/// Non-split mode: `ExtOriginRequestSuccess` cancels connect failures; a connect success with
/// no code does not break a streak of connect failures, so the fifth one ejects (5xx) after
/// logging an unenforced gateway failure.
#[test]
fn basic_flow_non_http_codes_external_origin() {
    let mut f = Fixture::new(MAX_100, 1);
    f.add_host();

    for _ in 0..100 {
        f.load_result(0, 1, LocalOriginConnectFailed);
        f.load_result(0, 1, ExtOriginRequestSuccess);
    }
    assert!(!f.ejected(0));

    f.load_result(0, 1, LocalOriginConnectFailed);
    f.put_result(0, LocalOriginConnectSuccess, None);
    f.load_result(0, 3, LocalOriginConnectFailed);
    f.set_ms(0);
    f.load_result(0, 1, LocalOriginConnectFailed);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);
    assert_eq!(f.log(), [Eject(0, GATEWAY, false), Eject(0, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.BasicFlowSuccessRateExternalOrigin
/// Rates {100, 100, 100, 100, 50} over 200+ requests: mean 90, threshold 52, host 4 ejected at
/// the 10 s tick (30 s, back at 50.001 s). Next interval only host 4 has enough volume for
/// failure percentage: its rate (50) is shown but success rate does not run (average -1).
#[test]
fn basic_flow_success_rate_external_origin() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nenforcing_consecutive_5xx = 0\nenforcing_consecutive_gateway_failure = 0",
        5,
    );
    f.load_rq_all(200, 200);
    f.load_rq(4, 200, 503);
    // Non-enforced logging every time the consecutive counters saturate (every 5).
    let saturations = times(40, &[Eject(4, GATEWAY, false), Eject(4, C5XX, false)]);
    assert_eq!(f.log(), saturations);

    f.set_ms(10000);
    f.invoke_interval_timer();
    assert_eq!(f.success_rate(4, false), 50.0);
    assert_eq!(f.d.success_rate_average(false), 90.0);
    assert_eq!(f.d.success_rate_ejection_threshold(false), 52.0);
    // The local-origin success-rate monitor is not affected.
    assert_eq!(f.success_rate(4, true), -1.0);
    assert_eq!(f.d.success_rate_average(true), -1.0);
    assert_eq!(f.d.success_rate_ejection_threshold(true), -1.0);
    assert!(f.ejected(4));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(19999);
    f.invoke_interval_timer();
    assert!(f.ejected(4));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(50001);
    f.invoke_interval_timer();
    assert!(!f.ejected(4));
    assert_eq!(f.ejections_active(), 0);

    // Enough volume for failure percentage on host 4 only; none for success rate.
    f.load_rq_all(25, 200);
    f.load_rq(4, 25, 503);

    f.set_ms(60001);
    f.invoke_interval_timer();
    assert_eq!(f.ejections_active(), 0);
    assert_eq!(f.success_rate(4, false), 50.0);
    assert_eq!(f.d.success_rate_average(false), -1.0);
    assert_eq!(f.d.success_rate_ejection_threshold(false), -1.0);

    let mut expected = saturations;
    expected.extend([Eject(4, SR, true), Uneject(4)]);
    expected.extend(times(5, &[Eject(4, GATEWAY, false), Eject(4, C5XX, false)]));
    assert_eq!(f.log(), expected);
    // Derived from the logger's arguments: the success-rate ejection carries the figures.
    let sr = f.d.events()[80].success_rate.expect("success-rate figures");
    assert_eq!(sr.host_success_rate, 50.0);
    assert_eq!(sr.cluster_average_success_rate, Some(90.0));
    assert_eq!(sr.cluster_success_rate_ejection_threshold, Some(52.0));
}

/// Envoy: OutlierDetectorImplTest.ExternalOriginEventsWithSplit
/// Split mode: `ExtOriginRequestSuccess` cancels `ExtOriginRequestFailed`, which counts as a
/// 503, so 100 failures log one unenforced gateway failure and one enforced 5xx ejection.
#[test]
fn external_origin_events_with_split() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nsplit_external_local_origin_errors = true",
        1,
    );
    for _ in 0..100 {
        f.put_result(0, ExtOriginRequestFailed, None);
        f.put_result(0, ExtOriginRequestSuccess, None);
    }
    assert!(!f.ejected(0));

    for _ in 0..100 {
        f.put_result(0, ExtOriginRequestFailed, None);
    }
    assert!(f.ejected(0));
    assert_eq!(f.log(), [Eject(0, GATEWAY, false), Eject(0, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.BasicFlowSuccessRateLocalOrigin
/// The local-origin version of BasicFlowSuccessRateExternalOrigin (split mode, connect
/// successes and failures): SUCCESS_RATE_LOCAL_ORIGIN ejection, external figures untouched.
/// The part `BasicFlowSuccessRateLocalOrigin` and `BasicFlowFailurePercentageLocalOrigin`
/// share after host 4 has failed half of 200 local-origin attempts: at 10 s host 4 (50%
/// against an average of 90%, threshold 52%) is ejected by the local-origin check while the
/// external-origin monitor stays at -1; it is still out at 19.999 s, back at 50.001 s, and
/// 25 requests per host at 60.001 s are below the request volume, so nothing is ejected and
/// the averages are -1.
fn local_origin_ejection_cycle(f: &mut Fixture) {
    f.set_ms(10000);
    f.invoke_interval_timer();
    assert_eq!(f.success_rate(4, true), 50.0);
    assert_eq!(f.d.success_rate_average(true), 90.0);
    assert_eq!(f.d.success_rate_ejection_threshold(true), 52.0);
    // The external-origin success-rate monitor is not affected.
    assert_eq!(f.success_rate(4, false), -1.0);
    assert_eq!(f.d.success_rate_average(false), -1.0);
    assert_eq!(f.d.success_rate_ejection_threshold(false), -1.0);
    assert!(f.ejected(4));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(19999);
    f.invoke_interval_timer();
    assert!(f.ejected(4));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(50001);
    f.invoke_interval_timer();
    assert!(!f.ejected(4));
    assert_eq!(f.ejections_active(), 0);

    f.load_result_all(25, LocalOriginConnectSuccess);
    f.load_result(4, 25, LocalOriginConnectFailed);

    f.set_ms(60001);
    f.invoke_interval_timer();
    assert_eq!(f.ejections_active(), 0);
    assert_eq!(f.success_rate(4, true), 50.0);
    assert_eq!(f.d.success_rate_average(true), -1.0);
    assert_eq!(f.d.success_rate_ejection_threshold(true), -1.0);
}

#[test]
fn basic_flow_success_rate_local_origin() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nsplit_external_local_origin_errors = true\nenforcing_consecutive_local_origin_failure = 0",
        5,
    );
    f.load_result_all(200, LocalOriginConnectSuccess);
    f.load_result(4, 200, LocalOriginConnectFailed);
    let saturations = times(40, &[Eject(4, LOCAL, false)]);
    assert_eq!(f.log(), saturations);

    local_origin_ejection_cycle(&mut f);

    let mut expected = saturations;
    expected.extend([Eject(4, SR_LOCAL, true), Uneject(4)]);
    expected.extend(times(5, &[Eject(4, LOCAL, false)]));
    assert_eq!(f.log(), expected);
}

/// Envoy: OutlierDetectorImplTest.EmptySuccessRate
/// With no hosts and `success_rate_minimum_hosts = 0`, a tick must not divide by zero.
#[test]
fn empty_success_rate() {
    let mut f = Fixture::new("success_rate_minimum_hosts = 0", 0);
    f.load_rq_all(200, 503);
    f.set_ms(10000);
    f.invoke_interval_timer();
    // Derived: no valid host, so no figures and nothing logged.
    assert_eq!(f.d.success_rate_average(false), -1.0);
    assert!(f.log().is_empty());
}

/// Envoy: OutlierDetectorImplTest.BasicFlowFailurePercentageExternalOrigin
/// Failure percentages {0, 0, 0, 83.3, 85.7} with threshold 85: only host 4 is ejected
/// (FAILURE_PERCENTAGE); success rate has too few hosts with volume. The shown rates are
/// 100·50/300 and 100·50/350.
#[test]
fn basic_flow_failure_percentage_external_origin() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nenforcing_consecutive_5xx = 0\nenforcing_consecutive_gateway_failure = 0\nenforcing_success_rate = 0\nenforcing_failure_percentage = 100",
        5,
    );
    f.load_rq_all(50, 200);
    f.load_rq(3, 250, 503);
    f.load_rq(4, 300, 503);
    let mut expected = times(50, &[Eject(3, GATEWAY, false), Eject(3, C5XX, false)]);
    expected.extend(times(
        60,
        &[Eject(4, GATEWAY, false), Eject(4, C5XX, false)],
    ));
    assert_eq!(f.log(), expected);

    f.set_ms(10000);
    f.invoke_interval_timer();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(f.success_rate(3, false), 100.0 * (50.0 / 300.0)));
    assert!(close(f.success_rate(4, false), 100.0 * (50.0 / 350.0)));
    // The local-origin success-rate monitor is not affected.
    assert_eq!(f.success_rate(4, true), -1.0);
    assert_eq!(f.d.success_rate_average(true), -1.0);
    assert_eq!(f.d.success_rate_ejection_threshold(true), -1.0);
    assert!(!f.ejected(3));
    assert!(f.ejected(4));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(19999);
    f.invoke_interval_timer();
    assert!(f.ejected(4));
    assert_eq!(f.ejections_active(), 1);

    f.set_ms(50001);
    f.invoke_interval_timer();
    assert!(!f.ejected(4));
    assert_eq!(f.ejections_active(), 0);

    f.load_rq_all(25, 200);
    f.load_rq(4, 25, 503);

    f.set_ms(60001);
    f.invoke_interval_timer();
    assert_eq!(f.ejections_active(), 0);
    assert_eq!(f.success_rate(4, false), 50.0);
    assert_eq!(f.d.success_rate_average(false), -1.0);
    assert_eq!(f.d.success_rate_ejection_threshold(false), -1.0);

    expected.extend([Eject(4, FP, true), Uneject(4)]);
    expected.extend(times(5, &[Eject(4, GATEWAY, false), Eject(4, C5XX, false)]));
    assert_eq!(f.log(), expected);
}

/// Envoy: OutlierDetectorImplTest.BasicFlowFailurePercentageLocalOrigin
/// Split mode, failure threshold 40: host 4 at 50 % local success is detected by local
/// success rate (not enforced) and ejected by local failure percentage (enforced).
#[test]
fn basic_flow_failure_percentage_local_origin() {
    let mut f = Fixture::new(
        "max_ejection_percent = 100\nsplit_external_local_origin_errors = true\nenforcing_consecutive_local_origin_failure = 0\nenforcing_local_origin_success_rate = 0\nenforcing_failure_percentage_local_origin = 100\nfailure_percentage_threshold = 40",
        5,
    );
    f.load_result_all(200, LocalOriginConnectSuccess);
    f.load_result(4, 200, LocalOriginConnectFailed);
    let mut expected = times(40, &[Eject(4, LOCAL, false)]);
    assert_eq!(f.log(), expected);

    local_origin_ejection_cycle(&mut f);

    expected.extend([
        Eject(4, SR_LOCAL, false),
        Eject(4, FP_LOCAL, true),
        Uneject(4),
    ]);
    expected.extend(times(5, &[Eject(4, LOCAL, false)]));
    assert_eq!(f.log(), expected);
}

/// Envoy: OutlierDetectorImplTest.RemoveWhileEjected
/// Removing an ejected host lowers the gauge to 0 without an uneject event; the next tick
/// does nothing with it.
#[test]
fn remove_while_ejected() {
    let mut f = Fixture::new(MAX_100, 1);
    f.load_rq(0, 4, 500);
    f.set_ms(0);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);

    f.remove_host(0);
    assert_eq!(f.ejections_active(), 0);

    f.set_ms(9999);
    f.invoke_interval_timer();
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.Overflow
/// Two hosts, 60 %: the first ejection (50 %) passes, the second (100 %) overflows.
#[test]
fn overflow() {
    let mut f = Fixture::new("max_ejection_percent = 60", 2);
    f.load_rq(0, 4, 500);
    f.set_ms(0);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));

    f.load_rq(1, 5, 500);
    assert!(!f.ejected(1));
    assert_eq!(f.ejections_active(), 1);
    assert_eq!(f.stats().ejections_overflow, 1);
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.NotEnforcing
/// Five 503s with 5xx enforcement off: both detections are logged unenforced, nothing is
/// ejected; detected counters and the deprecated `ejections_total` still count.
#[test]
fn not_enforcing() {
    let mut f = Fixture::new(
        "max_ejection_percent = 35\nenforcing_consecutive_5xx = 0",
        3,
    );
    f.load_rq(0, 4, 503);
    f.load_rq(0, 1, 503);
    assert!(!f.ejected(0));
    assert_eq!(f.ejections_active(), 0);
    let s = f.stats();
    assert_eq!(s.ejections_total, 1);
    assert_eq!(s.ejections_enforced_total, 0);
    assert_eq!(s.ejections_consecutive_5xx, 1);
    assert_eq!(s.ejections_detected_consecutive_5xx, 1);
    assert_eq!(s.ejections_enforced_consecutive_5xx, 0);
    assert_eq!(s.ejections_detected_consecutive_gateway_failure, 1);
    assert_eq!(s.ejections_enforced_consecutive_gateway_failure, 0);
    assert_eq!(f.log(), [Eject(0, GATEWAY, false), Eject(0, C5XX, false)]);
}

/// Envoy: OutlierDetectorImplTest.EjectionActiveValueIsAccountedWithoutMetricStorage
/// The cap uses the detector's own count of ejected hosts, not the gauge: host 0 is ejected
/// (50 % of 2), host 1 overflows. Envoy bumps the gauge by hand first, so it expects 2 where
/// the gauge here (which nothing else can touch) reads 1.
#[test]
fn ejection_active_value_is_accounted_without_metric_storage() {
    let mut f = Fixture::new("max_ejection_percent = 50", 2);
    f.load_rq(0, 4, 500);
    f.set_ms(0);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));
    assert_eq!(f.d.ejections_active(), 1, "the detector's own count");
    assert_eq!(
        f.ejections_active(),
        1,
        "Envoy: 2 = 1 + its manual increment"
    );
    assert_eq!(f.stats().ejections_overflow, 0);

    // Now it starts to overflow.
    f.load_rq(1, 5, 500);
    assert!(!f.ejected(1));
    assert_eq!(
        f.ejections_active(),
        1,
        "Envoy: 2 = 1 + its manual increment"
    );
    assert_eq!(f.stats().ejections_overflow, 1);
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.CrossThreadRemoveRace
/// A detection that reaches the detector after its host was removed is dropped. Envoy posts
/// the fifth 500's detection and removes the host before running it; here the fifth 500 is
/// reported after the removal.
#[test]
fn cross_thread_remove_race() {
    let mut f = Fixture::new("", 1);
    f.load_rq(0, 4, 500);
    f.remove_host(0);
    f.load_rq(0, 1, 500);
    assert_eq!(f.ejections_active(), 0);
    // Derived: dropped before any stat (not an overflow, not a detection).
    assert_eq!(f.stats().ejections_detected_consecutive_5xx, 0);
    assert_eq!(f.stats().ejections_overflow, 0);
    assert!(f.log().is_empty());
}

/// Envoy: OutlierDetectorImplTest.CrossThreadFailRace
/// A detection delivered twice ejects once. Envoy runs the posted callback twice; here the
/// second delivery is another detection (five more 500s) for the host already ejected.
#[test]
fn cross_thread_fail_race() {
    let mut f = Fixture::new(MAX_100, 1);
    f.load_rq(0, 4, 500);
    f.set_ms(0);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));
    f.load_rq(0, 5, 500);
    assert_eq!(f.ejections_active(), 1);
    // Derived: the second delivery returns before counting anything.
    assert_eq!(f.stats().ejections_detected_consecutive_5xx, 1);
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.MaxEjectionPercentage
/// A 50 % limit ejects only one of three hosts (33 % passes, 67 % does not).
#[test]
fn max_ejection_percentage() {
    let mut f = Fixture::new(
        "max_ejection_percent = 50\nmax_ejection_time_jitter = \"13s\"",
        3,
    );
    f.set_ms(0);
    f.load_rq(0, 5, 500);
    f.load_rq(1, 5, 500);
    f.load_rq(2, 5, 500);
    assert!(f.ejected(0));
    assert!(!f.ejected(1));
    assert!(!f.ejected(2));
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
    // Derived: one jitter draw for the one ejection, none for the overflows.
    assert_eq!(f.random.draws(), 1);
}

/// Envoy: OutlierDetectorImplTest.MaxEjectionPercentageSingleHost
/// A single host is never ejected with a limit below 100 % (90 %).
#[test]
fn max_ejection_percentage_single_host() {
    let mut f = Fixture::new(
        "max_ejection_percent = 90\nmax_ejection_time_jitter = \"13s\"",
        1,
    );
    f.load_rq(0, 5, 500);
    assert!(!f.ejected(0));
}

/// Envoy: OutlierDetectorImplTest.Consecutive_5xxAlreadyEjected
/// Another run of five 5xx on a host that is already ejected logs nothing more.
#[test]
fn consecutive_5xx_already_ejected() {
    let mut f = Fixture::new(MAX_100, 1);
    f.load_rq(0, 4, 500);
    f.set_ms(0);
    f.load_rq(0, 1, 500);
    assert!(f.ejected(0));

    f.load_rq(0, 1, 200);
    f.load_rq(0, 5, 500);
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
}

// ---------------------------------------------------------------------------------------------
// Ejection time: backoff, maximum, jitter
// ---------------------------------------------------------------------------------------------

/// Envoy: OutlierDetectorImplTest.EjectTimeBackoff
/// Base 10 s: consecutive ejections last 10, 20, 30 s; two healthy intervals bring the next
/// one down to 20 s; fifty healthy intervals bring it back to 10 s.
#[test]
fn eject_time_backoff() {
    let mut f = Fixture::new(
        "base_ejection_time = \"10s\"\nmax_ejection_percent = 100",
        1,
    );
    assert_eq!(f.d.config().od.interval, SimDuration::from_secs(10));
    let expect = |f: &Fixture, ejected: bool| {
        assert_eq!(f.ejected(0), ejected, "at {}", f.now);
        assert_eq!(f.ejections_active(), u64::from(ejected), "at {}", f.now);
    };

    f.set_s(0);
    f.load_rq(0, 5, 500);
    expect(&f, true);

    // First ejection: back after 10 s.
    f.set_s(10);
    f.invoke_interval_timer();
    expect(&f, false);

    // Second ejection in a row: 20 s.
    f.load_rq(0, 5, 500);
    expect(&f, true);
    f.set_s(20);
    f.invoke_interval_timer();
    expect(&f, true);
    f.set_s(30);
    f.invoke_interval_timer();
    expect(&f, false);

    // Third ejection, from 30 s: 30 s.
    f.load_rq(0, 5, 500);
    expect(&f, true);
    f.set_s(40);
    f.invoke_interval_timer();
    expect(&f, true);
    f.set_s(50);
    f.invoke_interval_timer();
    expect(&f, true);
    f.set_s(60);
    f.invoke_interval_timer();
    expect(&f, false);

    // Two healthy intervals.
    f.set_s(70);
    f.invoke_interval_timer();
    f.set_s(80);
    f.invoke_interval_timer();

    // Next ejection: 20 s.
    f.load_rq(0, 5, 500);
    expect(&f, true);
    f.set_s(90);
    f.invoke_interval_timer();
    expect(&f, true);
    f.set_s(100);
    f.invoke_interval_timer();
    expect(&f, false);

    // A long period without errors.
    for i in 1..=50 {
        f.set_s(100 + i * 10);
        f.invoke_interval_timer();
    }

    // Back to 10 s.
    f.set_s(610);
    f.load_rq(0, 5, 500);
    expect(&f, true);
    f.set_s(620);
    f.invoke_interval_timer();
    expect(&f, false);

    let s = |secs: u64| secs * 1000;
    assert_eq!(
        f.log_ms(),
        [
            (s(0), Eject(0, C5XX, true)),
            (s(10), Uneject(0)),
            (s(10), Eject(0, C5XX, true)),
            (s(30), Uneject(0)),
            (s(30), Eject(0, C5XX, true)),
            (s(60), Uneject(0)),
            (s(80), Eject(0, C5XX, true)),
            (s(100), Uneject(0)),
            (s(610), Eject(0, C5XX, true)),
            (s(620), Uneject(0)),
        ]
    );
}

/// Envoy: OutlierDetectorImplTest.EjectTimeBackoffTimeBasedDetection
/// The same backoff with failure-percentage ejections (one host, minimum hosts 1): 10 s, then
/// 20 s, then after two healthy intervals 10 s again.
#[test]
fn eject_time_backoff_time_based_detection() {
    let mut f = Fixture::new(
        "base_ejection_time = \"10s\"\nmax_ejection_percent = 100\nenforcing_consecutive_5xx = 0\nenforcing_consecutive_gateway_failure = 0\nfailure_percentage_minimum_hosts = 1\nenforcing_success_rate = 0\nmax_ejection_time_jitter = \"0s\"\nenforcing_failure_percentage = 100",
        1,
    );
    let base = 10_000;
    assert_eq!(f.d.config().od.interval.as_millis(), base);
    let expect = |f: &Fixture, ejected: bool| {
        assert_eq!(f.ejected(0), ejected, "at {}", f.now);
        assert_eq!(f.ejections_active(), u64::from(ejected), "at {}", f.now);
    };
    let saturations = times(20, &[Eject(0, C5XX, false)]);
    let mut expected = Vec::new();

    f.set_s(0);
    // 100 % failures.
    f.load_rq(0, 100, 500);
    expected.extend(saturations.iter().copied());
    assert_eq!(f.log(), expected);

    let mut tick = 1;
    // Ejected at the tick.
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, true);
    expected.push(Eject(0, FP, true));

    // Unejected at the next.
    tick += 1;
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, false);
    expected.push(Uneject(0));

    // Keep replying with 5xx.
    f.load_rq(0, 100, 500);
    expected.extend(saturations.iter().copied());

    tick += 1;
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, true);
    expected.push(Eject(0, FP, true));

    // Second ejection in a row: stays out one more tick.
    tick += 1;
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, true);

    tick += 1;
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, false);
    expected.push(Uneject(0));

    // Successes for two periods.
    f.load_rq(0, 100, 200);
    tick += 1;
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, false);

    f.load_rq(0, 100, 200);
    tick += 1;
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, false);

    // Errors again.
    f.load_rq(0, 100, 500);
    expected.extend(saturations.iter().copied());

    tick += 1;
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, true);
    expected.push(Eject(0, FP, true));

    // Only one base ejection time this time.
    tick += 1;
    f.set_ms(base * tick);
    f.invoke_interval_timer();
    expect(&f, false);
    expected.push(Uneject(0));

    assert_eq!(f.log(), expected);
}

/// Runs Envoy's MaxEjectTime loop: `ramp` ejections of growing length (ejection i stays out
/// for i - 1 ticks and comes back at tick i), then 9 ejections that stay out `capped_ticks`
/// ticks and come back at the next. Ticks every 10 s, each ejection right after an uneject.
fn run_max_eject_time(f: &mut Fixture, ramp: u64, capped_ticks: u64) {
    let mut eject_tick = 0;
    f.set_s(0);
    let mut one = |f: &mut Fixture, ticks_out: u64, what: &str| {
        f.load_rq(0, 5, 500);
        assert!(f.ejected(0), "{what}: ejected at {}", f.now);
        assert_eq!(f.ejections_active(), 1);
        for _ in 0..ticks_out {
            eject_tick += 1;
            f.set_s(eject_tick * 10);
            f.invoke_interval_timer();
            assert!(f.ejected(0), "{what}: still ejected at {}", f.now);
            assert_eq!(f.ejections_active(), 1);
        }
        eject_tick += 1;
        f.set_s(eject_tick * 10);
        f.invoke_interval_timer();
        assert!(!f.ejected(0), "{what}: back at {}", f.now);
        assert_eq!(f.ejections_active(), 0);
    };
    for i in 1..=ramp {
        one(f, i - 1, &format!("ejection {i}"));
    }
    for i in 1..10 {
        one(f, capped_ticks, &format!("capped ejection {i}"));
    }
    assert_eq!(
        f.log(),
        times((ramp + 9) as usize, &[Eject(0, C5XX, true), Uneject(0)])
    );
}

/// Envoy: OutlierDetectorImplTest.MaxEjectTime
/// Base 10 s, max 300 s: ejection i lasts 10·i s up to the 30th; further ejections stay at
/// 300 s (29 ticks out, back at the 30th).
#[test]
fn max_eject_time() {
    let mut f = Fixture::new(
        "base_ejection_time = \"10s\"\nmax_ejection_time = \"300s\"\nmax_ejection_percent = 100",
        1,
    );
    run_max_eject_time(&mut f, 30, 29);
}

/// Envoy: OutlierDetectorImplTest.MaxEjectTimeNotAlligned
/// Base 10 s, max 305 s (not a multiple): 31 growing ejections, then every ejection lasts
/// 305 s, so the host comes back at the 31st tick (310 s), never later.
#[test]
fn max_eject_time_not_alligned() {
    let mut f = Fixture::new(
        "interval = \"10s\"\nbase_ejection_time = \"10s\"\nmax_ejection_time = \"305s\"\nmax_ejection_percent = 100",
        1,
    );
    run_max_eject_time(&mut f, 31, 30);
}

/// Envoy: OutlierDetectorImplTest.EjectionTimeJitterIsInRange
/// With a 10 s jitter bound and `random()` = 123456789, the jitter is 123456789 % 10001 =
/// 4445 ms, drawn once at the ejection.
#[test]
fn ejection_time_jitter_is_in_range() {
    let mut f = Fixture::new(
        "max_ejection_time_jitter = \"10s\"\nmax_ejection_percent = 100",
        1,
    );
    f.random.will_once(123_456_789);
    f.load_rq(0, 5, 500);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);
    assert_eq!(f.monitor(0).jitter, SimDuration::from_millis(4445));
    assert_eq!(f.random.draws(), 1);
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
}

/// Envoy: OutlierDetectorImplTest.EjectionTimeJitterIsZeroWhenNotConfigured
/// Without a jitter bound, the one draw (1234567890) still happens and the jitter is 0.
#[test]
fn ejection_time_jitter_is_zero_when_not_configured() {
    let mut f = Fixture::new(MAX_100, 1);
    f.random.will_once(1_234_567_890);
    f.load_rq(0, 5, 500);
    assert!(f.ejected(0));
    assert_eq!(f.ejections_active(), 1);
    assert_eq!(f.monitor(0).jitter, SimDuration::ZERO);
    assert_eq!(f.random.draws(), 1);
    assert_eq!(f.log(), [Eject(0, C5XX, true)]);
}

/// Envoy: OutlierUtility.SRThreshold
/// Rates {50, 100, 100, 100, 100} with factor 1.9: average 90, threshold 52. Envoy calls the
/// static helper; here five hosts with those rates go through one tick.
#[test]
fn sr_threshold() {
    let mut f = Fixture::new(MAX_100, 5);
    // 100 requests each, in alternation so that no host has 5 errors in a row.
    for i in 0..100 {
        for h in 0..5 {
            let code = if h == 0 && i % 2 == 0 { 500 } else { 200 };
            f.load_rq(h, 1, code);
        }
    }
    f.set_ms(10000);
    f.invoke_interval_timer();
    assert_eq!(f.d.success_rate_average(false), 90.0);
    assert_eq!(f.d.success_rate_ejection_threshold(false), 52.0);
}
