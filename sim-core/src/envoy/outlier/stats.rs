//! The detector's stats under `cluster.<name>.outlier_detection.` (`ALL_OUTLIER_DETECTION_STATS`
//! in `outlier_detection_impl.h`), including the deprecated counters Envoy still bumps.

use super::event::EjectionType;
use crate::envoy::cluster_stats::{Stat, StatKind};

macro_rules! outlier_stats {
    ($($kind:ident $field:ident),* $(,)?) => {
        /// The detector's counters and its `ejections_active` gauge, under Envoy's names.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct OutlierStats {
            $(
                #[doc = concat!(
                    "`outlier_detection.", stringify!($field), "`: a ", stringify!($kind),
                    " of Envoy's `ALL_OUTLIER_DETECTION_STATS`."
                )]
                pub $field: u64,
            )*
        }

        impl OutlierStats {
            /// Every stat, named `outlier_detection.<stat>`, sorted by name.
            pub fn entries(&self) -> Vec<Stat> {
                let mut out = vec![$(Stat {
                    name: concat!("outlier_detection.", stringify!($field)).to_string(),
                    kind: StatKind::$kind,
                    value: self.$field,
                }),*];
                out.sort_by(|a, b| a.name.cmp(&b.name));
                out
            }
        }
    };
}

outlier_stats! {
    Gauge ejections_active,
    Counter ejections_overflow,
    Counter ejections_enforced_total,
    Counter ejections_total,
    Counter ejections_consecutive_5xx,
    Counter ejections_success_rate,
    Counter ejections_enforced_consecutive_5xx,
    Counter ejections_detected_consecutive_5xx,
    Counter ejections_enforced_success_rate,
    Counter ejections_detected_success_rate,
    Counter ejections_enforced_consecutive_gateway_failure,
    Counter ejections_detected_consecutive_gateway_failure,
    Counter ejections_enforced_consecutive_local_origin_failure,
    Counter ejections_detected_consecutive_local_origin_failure,
    Counter ejections_enforced_local_origin_success_rate,
    Counter ejections_detected_local_origin_success_rate,
    Counter ejections_enforced_failure_percentage,
    Counter ejections_detected_failure_percentage,
    Counter ejections_enforced_local_origin_failure_percentage,
    Counter ejections_detected_local_origin_failure_percentage,
}

impl OutlierStats {
    /// `updateDetectedEjectionStats`.
    pub fn detected(&mut self, t: EjectionType) {
        *match t {
            EjectionType::Consecutive5xx => &mut self.ejections_detected_consecutive_5xx,
            EjectionType::SuccessRate => &mut self.ejections_detected_success_rate,
            EjectionType::ConsecutiveGatewayFailure => {
                &mut self.ejections_detected_consecutive_gateway_failure
            }
            EjectionType::ConsecutiveLocalOriginFailure => {
                &mut self.ejections_detected_consecutive_local_origin_failure
            }
            EjectionType::SuccessRateLocalOrigin => {
                &mut self.ejections_detected_local_origin_success_rate
            }
            EjectionType::FailurePercentage => &mut self.ejections_detected_failure_percentage,
            EjectionType::FailurePercentageLocalOrigin => {
                &mut self.ejections_detected_local_origin_failure_percentage
            }
        } += 1;
    }

    /// `updateEnforcedEjectionStats`.
    pub fn enforced(&mut self, t: EjectionType) {
        self.ejections_enforced_total += 1;
        *match t {
            EjectionType::Consecutive5xx => &mut self.ejections_enforced_consecutive_5xx,
            EjectionType::SuccessRate => &mut self.ejections_enforced_success_rate,
            EjectionType::ConsecutiveGatewayFailure => {
                &mut self.ejections_enforced_consecutive_gateway_failure
            }
            EjectionType::ConsecutiveLocalOriginFailure => {
                &mut self.ejections_enforced_consecutive_local_origin_failure
            }
            EjectionType::SuccessRateLocalOrigin => {
                &mut self.ejections_enforced_local_origin_success_rate
            }
            EjectionType::FailurePercentage => &mut self.ejections_enforced_failure_percentage,
            EjectionType::FailurePercentageLocalOrigin => {
                &mut self.ejections_enforced_local_origin_failure_percentage
            }
        } += 1;
    }
}
