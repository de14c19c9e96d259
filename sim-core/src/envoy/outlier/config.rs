//! The detector's configuration: `OutlierDetection` with Envoy's defaults resolved
//! (`DetectorConfig` in `outlier_detection_impl.cc`).

use crate::scenario::{MaxEjectionPercentRule, OutlierDetection};
use crate::time::SimDuration;

#[derive(Clone, Debug, PartialEq)]
pub struct OutlierConfig {
    pub interval: SimDuration,
    pub base_ejection_time: SimDuration,
    pub max_ejection_time: SimDuration,
    pub max_ejection_time_jitter: SimDuration,
    pub consecutive_5xx: u32,
    pub consecutive_gateway_failure: u32,
    pub consecutive_local_origin_failure: u32,
    pub max_ejection_percent: u32,
    pub always_eject_one_host: bool,
    pub split_external_local_origin_errors: bool,
    pub success_rate_minimum_hosts: u64,
    pub success_rate_request_volume: u64,
    pub success_rate_stdev_factor: u64,
    pub failure_percentage_threshold: u32,
    pub failure_percentage_minimum_hosts: u64,
    pub failure_percentage_request_volume: u64,
    pub enforcing_consecutive_5xx: u32,
    pub enforcing_consecutive_gateway_failure: u32,
    pub enforcing_consecutive_local_origin_failure: u32,
    pub enforcing_success_rate: u32,
    pub enforcing_local_origin_success_rate: u32,
    pub enforcing_failure_percentage: u32,
    pub enforcing_failure_percentage_local_origin: u32,
    pub max_ejection_percent_rule: MaxEjectionPercentRule,
}

/// Envoy's default `max_ejection_time` floor: 300 s.
pub const DEFAULT_MAX_EJECTION_TIME: SimDuration = SimDuration::from_secs(300);

impl OutlierConfig {
    pub fn new(od: &OutlierDetection, rule: MaxEjectionPercentRule) -> Self {
        OutlierConfig {
            interval: od.interval,
            base_ejection_time: od.base_ejection_time,
            max_ejection_time: od
                .max_ejection_time
                .unwrap_or(DEFAULT_MAX_EJECTION_TIME.max(od.base_ejection_time)),
            max_ejection_time_jitter: od.max_ejection_time_jitter,
            consecutive_5xx: od.consecutive_5xx,
            consecutive_gateway_failure: od.consecutive_gateway_failure,
            consecutive_local_origin_failure: od.consecutive_local_origin_failure,
            max_ejection_percent: od.max_ejection_percent.min(100),
            always_eject_one_host: od.always_eject_one_host,
            split_external_local_origin_errors: od.split_external_local_origin_errors,
            success_rate_minimum_hosts: od.success_rate_minimum_hosts,
            success_rate_request_volume: od.success_rate_request_volume,
            success_rate_stdev_factor: od.success_rate_stdev_factor,
            failure_percentage_threshold: od.failure_percentage_threshold,
            failure_percentage_minimum_hosts: od.failure_percentage_minimum_hosts,
            failure_percentage_request_volume: od.failure_percentage_request_volume,
            enforcing_consecutive_5xx: od.enforcing_consecutive_5xx,
            enforcing_consecutive_gateway_failure: od.enforcing_consecutive_gateway_failure,
            enforcing_consecutive_local_origin_failure: od
                .enforcing_consecutive_local_origin_failure,
            enforcing_success_rate: od.enforcing_success_rate,
            enforcing_local_origin_success_rate: od.enforcing_local_origin_success_rate,
            enforcing_failure_percentage: od.enforcing_failure_percentage,
            enforcing_failure_percentage_local_origin: od.enforcing_failure_percentage_local_origin,
            max_ejection_percent_rule: rule,
        }
    }
}
