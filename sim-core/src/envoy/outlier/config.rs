//! The detector's configuration: the scenario's `OutlierDetection` table as it is (its fields and
//! Envoy's defaults come from the schema), plus what Envoy works out from it when it builds
//! `DetectorConfig` (`outlier_detection_impl.cc`).

use crate::envoy::version::EnvoyVersion;
use crate::scenario::OutlierDetection;
use crate::time::SimDuration;

#[derive(Clone, Debug, PartialEq)]
/// The outlier detector's configuration (`DetectorConfig` in
/// `source/common/upstream/outlier_detection_impl.cc`).
pub struct OutlierConfig {
    /// Every field of the cluster's `outlier_detection`, read by name.
    pub od: OutlierDetection,
    /// `max_ejection_time`, or when unset Envoy's max(300 s, `base_ejection_time`).
    pub max_ejection_time: SimDuration,
    /// The Envoy release whose cap and multiplier rules apply.
    pub version: EnvoyVersion,
}

/// Envoy's default `max_ejection_time` floor: 300 s (`DEFAULT_MAX_EJECTION_TIME_MS` in
/// `outlier_detection_impl.h`).
pub const DEFAULT_MAX_EJECTION_TIME: SimDuration = SimDuration::from_secs(300);

impl OutlierConfig {
    /// The configuration from the cluster's `outlier_detection` for Envoy `version`, with
    /// `max_ejection_time` defaulted as Envoy does.
    pub fn new(od: &OutlierDetection, version: EnvoyVersion) -> Self {
        OutlierConfig {
            od: od.clone(),
            max_ejection_time: od
                .max_ejection_time
                .unwrap_or(DEFAULT_MAX_EJECTION_TIME.max(od.base_ejection_time)),
            version,
        }
    }
}
