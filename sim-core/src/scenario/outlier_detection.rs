//! `[cluster.outlier_detection]`: every field of `envoy.config.cluster.v3.OutlierDetection`
//! (`api/envoy/config/cluster/v3/outlier_detection.proto`), with Envoy's defaults
//! (`outlier_detection_impl.h`) and validation rules. Adding a field here is the whole of its
//! configuration: the detector, the import and the docs read it from this table.

use crate::scenario_table;
use crate::schema::Rule;
use crate::time::SimDuration;

/// Envoy's `(validate.rules).uint32 = {lte: 100}` on the percentages.
const PERCENT: Rule = Rule::Range { min: 0, max: 100 };

scenario_table! {
    /// `envoy.config.cluster.v3.OutlierDetection`, every field, with Envoy's defaults.
    /// Percentages are whole numbers from 0 to 100; an `enforcing_*` field is the chance that a
    /// detection of that kind really ejects the host.
    #[envoy("envoy.config.cluster.v3.OutlierDetection")]
    #[derive(Default)]
    pub struct OutlierDetection {
        /// Consecutive 5xx responses that eject a host (Envoy compares with `==` after the
        /// increment, so `0` never fires).
        consecutive_5xx: u32 { default: "5", envoy: UInt32Value },
        /// Time between two ticks of the detector's timer.
        interval: SimDuration {
            default: "\"10s\"",
            rule: Rule::DurationAboveZero,
            envoy: Duration,
        },
        /// Ejection length for a multiplier of 1.
        base_ejection_time: SimDuration {
            default: "\"30s\"",
            rule: Rule::DurationAboveZero,
            envoy: Duration,
        },
        /// Most hosts ejected at once, as a percentage of all hosts; how the cap is checked
        /// depends on `envoy.version`.
        max_ejection_percent: u32 {
            default: "10",
            rule: PERCENT,
            envoy: UInt32Value,
            note: "the rule changed in Envoy 1.27 (PR #27624) and 1.28 (PR #27909): docs/fidelity.md#envoy-versions",
        },
        /// Enforcement of consecutive 5xx.
        enforcing_consecutive_5xx: u32 { default: "100", rule: PERCENT, envoy: UInt32Value },
        /// Enforcement of success rate.
        enforcing_success_rate: u32 { default: "100", rule: PERCENT, envoy: UInt32Value },
        /// Success-rate detection runs only if at least this many hosts have at least
        /// `success_rate_request_volume` requests in the last interval.
        success_rate_minimum_hosts: u64 { default: "5", envoy: UInt32Value },
        /// Requests a host needs in the last interval to take part in success-rate detection.
        success_rate_request_volume: u64 { default: "100", envoy: UInt32Value },
        /// The factor × 1000: a host is ejected if its success rate is below mean − factor ×
        /// standard deviation.
        success_rate_stdev_factor: u64 { default: "1900", envoy: UInt32Value },
        /// Consecutive 502, 503 or 504 responses that eject a host.
        consecutive_gateway_failure: u32 { default: "5", envoy: UInt32Value },
        /// Enforcement of consecutive gateway failures.
        enforcing_consecutive_gateway_failure: u32 { default: "0", rule: PERCENT, envoy: UInt32Value },
        /// Count local-origin errors (connect failures, timeouts) apart from HTTP codes. When
        /// `false`, a connect failure counts as a 503 and a timeout as a 504.
        split_external_local_origin_errors: bool { default: "false", envoy: Bool },
        /// Consecutive local-origin failures that eject a host (only with
        /// `split_external_local_origin_errors`).
        consecutive_local_origin_failure: u32 { default: "5", envoy: UInt32Value },
        /// Enforcement of consecutive local-origin failures.
        enforcing_consecutive_local_origin_failure: u32 {
            default: "100",
            rule: PERCENT,
            envoy: UInt32Value,
        },
        /// Enforcement of local-origin success rate (only with
        /// `split_external_local_origin_errors`).
        enforcing_local_origin_success_rate: u32 { default: "100", rule: PERCENT, envoy: UInt32Value },
        /// A host whose failures in the last interval reach this percentage is ejected.
        failure_percentage_threshold: u32 { default: "85", rule: PERCENT, envoy: UInt32Value },
        /// Enforcement of failure percentage.
        enforcing_failure_percentage: u32 { default: "0", rule: PERCENT, envoy: UInt32Value },
        /// Enforcement of local-origin failure percentage (only with
        /// `split_external_local_origin_errors`).
        enforcing_failure_percentage_local_origin: u32 {
            default: "0",
            rule: PERCENT,
            envoy: UInt32Value,
        },
        /// As `success_rate_minimum_hosts`, for failure-percentage detection.
        failure_percentage_minimum_hosts: u64 { default: "5", envoy: UInt32Value },
        /// As `success_rate_request_volume`, for failure-percentage detection.
        failure_percentage_request_volume: u64 { default: "50", envoy: UInt32Value },
        /// Longest ejection, jitter not included; not below `base_ejection_time` (Envoy rejects
        /// the cluster).
        max_ejection_time: Option<SimDuration> {
            absent: "max(`\"300s\"`, `base_ejection_time`)",
            rule: Rule::DurationAboveZero,
            envoy: Duration,
        },
        /// Each ejection lasts a random extra 0 to this many whole milliseconds.
        max_ejection_time_jitter: SimDuration { default: "\"0s\"", envoy: Duration },
        /// Accepted for copying from Envoy, but has no effect: breakersim does not model active
        /// health checking.
        successful_active_health_check_uneject_host: bool { default: "true", envoy: BoolValue },
        /// Allow one ejection when no host is ejected, whatever `max_ejection_percent` says.
        always_eject_one_host: bool {
            default: "false",
            envoy: BoolValue,
            note: "added in Envoy 1.31 by PR #34796",
        },
    }
}
