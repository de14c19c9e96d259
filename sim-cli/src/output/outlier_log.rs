//! Outlier events as Envoy's event log writes them: one `envoy.data.cluster.v3.
//! OutlierDetectionEvent` per line, JSON with proto field names, fields in proto order, every
//! primitive printed (`EventLoggerImpl` in `outlier_detection_impl.cc`).
//!
//! As in Envoy: `secs_since_last_action` is a `UInt64Value`, so a JSON string, and absent when
//! there was no earlier action; the success-rate figures are `uint32`, so Envoy's doubles are
//! truncated (a negative threshold shows as 0); an uneject leaves `type` and `enforced` at
//! their defaults (`CONSECUTIVE_5XX`, `false`) and carries no event detail. `timestamp` is the
//! Unix epoch plus simulated time. In mesh mode each line starts with the `pod` of the Envoy
//! that logged it, as a log collector would label it.

use serde::Serialize;
use sim_core::envoy::outlier::{EjectionType, OutlierAction, OutlierEvent};
use sim_core::sim::RunResult;

#[derive(Serialize)]
struct SuccessRateEvent {
    host_success_rate: u32,
    cluster_average_success_rate: u32,
    cluster_success_rate_ejection_threshold: u32,
}

#[derive(Serialize)]
struct FailurePercentageEvent {
    host_success_rate: u32,
}

#[derive(Serialize)]
struct ConsecutiveEvent {}

#[derive(Serialize)]
struct LogLine<'a> {
    /// Mesh mode: the pod whose Envoy logged it, as a fleet's log collector labels each line
    /// (not a field of Envoy's event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pod: Option<&'a str>,
    #[serde(rename = "type")]
    ejection_type: &'static str,
    timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    secs_since_last_action: Option<String>,
    cluster_name: &'a str,
    upstream_url: &'a str,
    action: &'static str,
    num_ejections: u32,
    enforced: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    eject_success_rate_event: Option<SuccessRateEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eject_consecutive_event: Option<ConsecutiveEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eject_failure_percentage_event: Option<FailurePercentageEvent>,
}

/// `uint32` from Envoy's double: truncated, negatives as 0.
fn as_uint32(v: f64) -> u32 {
    if v <= 0.0 { 0 } else { v as u32 }
}

/// Protobuf's JSON timestamp: RFC 3339, UTC, with 0, 3, 6 or 9 fractional digits.
pub fn timestamp(nanos: u64) -> String {
    let secs = nanos / 1_000_000_000;
    let frac = nanos % 1_000_000_000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    let clock = format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60);
    let fraction = if frac == 0 {
        String::new()
    } else if frac.is_multiple_of(1_000_000) {
        format!(".{:03}", frac / 1_000_000)
    } else if frac.is_multiple_of(1_000) {
        format!(".{:06}", frac / 1_000)
    } else {
        format!(".{frac:09}")
    };
    format!("{y:04}-{m:02}-{d:02}T{clock}{fraction}Z")
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Event `i` of the run, with its cluster, host address and (mesh mode) pod.
fn run_line<'a>(r: &'a RunResult, i: usize, e: &OutlierEvent) -> LogLine<'a> {
    let pod = r
        .mesh
        .as_ref()
        .map(|m| m.envoys[m.event_envoys[i] as usize].pod.as_str());
    line(&r.cluster, &r.hosts[e.host].address, pod, e)
}

/// `EventLoggerImpl::logEject` / `logUneject`'s event for `e`.
fn line<'a>(
    cluster_name: &'a str,
    upstream_url: &'a str,
    pod: Option<&'a str>,
    e: &OutlierEvent,
) -> LogLine<'a> {
    let t = e.ejection_type.unwrap_or(EjectionType::Consecutive5xx);
    let eject = e.action == OutlierAction::Eject;
    let sr = e.success_rate.filter(|_| eject);
    let is_consecutive = eject && !t.is_rate_based();
    LogLine {
        pod,
        ejection_type: t.proto_name(),
        timestamp: timestamp(e.time.as_nanos()),
        secs_since_last_action: e.secs_since_last_action.map(|s| s.to_string()),
        cluster_name,
        upstream_url,
        action: e.action.proto_name(),
        num_ejections: e.num_ejections,
        enforced: e.enforced,
        eject_success_rate_event: sr.and_then(|d| {
            Some(SuccessRateEvent {
                host_success_rate: as_uint32(d.host_success_rate),
                cluster_average_success_rate: as_uint32(d.cluster_average_success_rate?),
                cluster_success_rate_ejection_threshold: as_uint32(
                    d.cluster_success_rate_ejection_threshold?,
                ),
            })
        }),
        eject_consecutive_event: is_consecutive.then_some(ConsecutiveEvent {}),
        eject_failure_percentage_event: sr
            .filter(|d| d.cluster_average_success_rate.is_none())
            .map(|d| FailurePercentageEvent {
                host_success_rate: as_uint32(d.host_success_rate),
            }),
    }
}

/// Event `i` of the run as a JSON value (for the `outlier_events` of the JSON report).
pub fn event_value(r: &RunResult, i: usize) -> serde_json::Value {
    serde_json::to_value(run_line(r, i, &r.outlier_events[i])).expect("events always serialise")
}

/// The whole log: one JSON object per line.
pub fn render(r: &RunResult) -> String {
    let mut out = String::new();
    for (i, e) in r.outlier_events.iter().enumerate() {
        out.push_str(&serde_json::to_string(&run_line(r, i, e)).expect("events always serialise"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::envoy::outlier::SuccessRateDetail;
    use sim_core::time::SimTime;

    #[test]
    fn timestamps_are_rfc3339_with_protobuf_fractions() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(2_500_000_000), "1970-01-01T00:00:02.500Z");
        assert_eq!(
            timestamp(86_400_000_000_000 + 1_000),
            "1970-01-02T00:00:00.000001Z"
        );
        assert_eq!(
            timestamp(3_600_000_000_001),
            "1970-01-01T01:00:00.000000001Z"
        );
        // 2000-03-01 is day 11017 since the epoch.
        assert_eq!(
            timestamp(11_017 * 86_400 * 1_000_000_000),
            "2000-03-01T00:00:00Z"
        );
    }

    #[test]
    fn success_rates_truncate_like_a_uint32() {
        assert_eq!(as_uint32(52.9), 52);
        assert_eq!(as_uint32(-3.0), 0);
        assert_eq!(as_uint32(100.0), 100);
    }

    /// One logged event at Envoy's test clock (`setSystemTime(1545123600000 ms)`, rendered
    /// 2018-12-18T09:00:00Z), its host with no ejection counted (the mock's `numEjections()`).
    fn event(
        action: OutlierAction,
        t: Option<EjectionType>,
        enforced: bool,
        secs: Option<u64>,
        rates: Option<SuccessRateDetail>,
    ) -> String {
        let e = OutlierEvent {
            time: SimTime(1_545_123_600 * 1_000_000_000),
            host: 0,
            action,
            ejection_type: t,
            secs_since_last_action: secs,
            num_ejections: 0,
            enforced,
            success_rate: rates,
            multiplier: 1,
        };
        serde_json::to_string(&line("fake_cluster", "10.0.0.1:443", None, &e)).unwrap()
    }

    /// Port of OutlierDetectionEventLoggerImplTest.All
    /// (test/common/upstream/outlier_detection_impl_test.cc): the six lines its mock file is
    /// written, field for field, first without and then with 30 s since the last action (the
    /// mocked success rates are all 0).
    #[test]
    fn outlier_detection_event_logger_impl_test_all() {
        use EjectionType::{Consecutive5xx, FailurePercentage, SuccessRate};
        use OutlierAction::{Eject, Uneject};
        let head = |t: &str, secs: &str| {
            format!(
                "{{\"type\":\"{t}\",\"timestamp\":\"2018-12-18T09:00:00Z\",{secs}\
                 \"cluster_name\":\"fake_cluster\",\"upstream_url\":\"10.0.0.1:443\","
            )
        };
        let secs = "\"secs_since_last_action\":\"30\",";
        let uneject = "\"action\":\"UNEJECT\",\"num_ejections\":0,\"enforced\":false}";
        let zero_rates = SuccessRateDetail {
            host_success_rate: 0.0,
            cluster_average_success_rate: Some(0.0),
            cluster_success_rate_ejection_threshold: Some(0.0),
        };
        let fp_rate = SuccessRateDetail {
            cluster_average_success_rate: None,
            cluster_success_rate_ejection_threshold: None,
            ..zero_rates
        };

        assert_eq!(
            event(Eject, Some(Consecutive5xx), true, None, None),
            head("CONSECUTIVE_5XX", "")
                + "\"action\":\"EJECT\",\"num_ejections\":0,\"enforced\":true,\
                   \"eject_consecutive_event\":{}}"
        );
        assert_eq!(
            event(Uneject, None, false, None, None),
            head("CONSECUTIVE_5XX", "") + uneject
        );
        assert_eq!(
            event(Eject, Some(SuccessRate), false, Some(30), Some(zero_rates)),
            head("SUCCESS_RATE", secs)
                + "\"action\":\"EJECT\",\"num_ejections\":0,\"enforced\":false,\
                   \"eject_success_rate_event\":{\"host_success_rate\":0,\
                   \"cluster_average_success_rate\":0,\
                   \"cluster_success_rate_ejection_threshold\":0}}"
        );
        assert_eq!(
            event(Uneject, None, false, Some(30), None),
            head("CONSECUTIVE_5XX", secs) + uneject
        );
        assert_eq!(
            event(
                Eject,
                Some(FailurePercentage),
                false,
                Some(30),
                Some(fp_rate)
            ),
            head("FAILURE_PERCENTAGE", secs)
                + "\"action\":\"EJECT\",\"num_ejections\":0,\"enforced\":false,\
                   \"eject_failure_percentage_event\":{\"host_success_rate\":0}}"
        );
        assert_eq!(
            event(Uneject, None, false, Some(30), None),
            head("CONSECUTIVE_5XX", secs) + uneject
        );
    }
}
