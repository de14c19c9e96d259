//! The detector's configuration: the scenario's `OutlierDetection` table as it is (its fields and
//! Envoy's defaults come from the schema), plus what Envoy works out from it when it builds
//! `DetectorConfig` (`outlier_detection_impl.cc`).

use crate::scenario::{MaxEjectionPercentRule, OutlierDetection};
use crate::time::SimDuration;

#[derive(Clone, Debug, PartialEq)]
/// The outlier detector's configuration (`DetectorConfig` in
/// `source/common/upstream/outlier_detection_impl.cc`).
pub struct OutlierConfig {
    /// Every field of the cluster's `outlier_detection`, read by name.
    pub od: OutlierDetection,
    /// `max_ejection_time`, or when unset Envoy's max(300 s, `base_ejection_time`).
    pub max_ejection_time: SimDuration,
    /// Which version's `max_ejection_percent` rule applies.
    pub max_ejection_percent_rule: MaxEjectionPercentRule,
}

/// Envoy's default `max_ejection_time` floor: 300 s (`DEFAULT_MAX_EJECTION_TIME_MS` in
/// `outlier_detection_impl.h`).
pub const DEFAULT_MAX_EJECTION_TIME: SimDuration = SimDuration::from_secs(300);

impl OutlierConfig {
    /// The configuration from the cluster's `outlier_detection` and the Istio/Envoy version's
    /// `max_ejection_percent` rule, with `max_ejection_time` defaulted as Envoy does.
    pub fn new(od: &OutlierDetection, rule: MaxEjectionPercentRule) -> Self {
        OutlierConfig {
            od: od.clone(),
            max_ejection_time: od
                .max_ejection_time
                .unwrap_or(DEFAULT_MAX_EJECTION_TIME.max(od.base_ejection_time)),
            max_ejection_percent_rule: rule,
        }
    }
}
