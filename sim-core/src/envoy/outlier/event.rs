//! Ejection types and the event log entries (`envoy.data.cluster.v3.OutlierDetectionEvent`).

use crate::time::SimTime;

/// `envoy.data.cluster.v3.OutlierEjectionType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EjectionType {
    Consecutive5xx,
    SuccessRate,
    ConsecutiveGatewayFailure,
    ConsecutiveLocalOriginFailure,
    SuccessRateLocalOrigin,
    FailurePercentage,
    FailurePercentageLocalOrigin,
}

impl EjectionType {
    /// The enum value's name, as Envoy's JSON event log prints it.
    pub fn proto_name(self) -> &'static str {
        match self {
            EjectionType::Consecutive5xx => "CONSECUTIVE_5XX",
            EjectionType::SuccessRate => "SUCCESS_RATE",
            EjectionType::ConsecutiveGatewayFailure => "CONSECUTIVE_GATEWAY_FAILURE",
            EjectionType::ConsecutiveLocalOriginFailure => "CONSECUTIVE_LOCAL_ORIGIN_FAILURE",
            EjectionType::SuccessRateLocalOrigin => "SUCCESS_RATE_LOCAL_ORIGIN",
            EjectionType::FailurePercentage => "FAILURE_PERCENTAGE",
            EjectionType::FailurePercentageLocalOrigin => "FAILURE_PERCENTAGE_LOCAL_ORIGIN",
        }
    }

    /// True for the types decided at interval ticks from success rates.
    pub fn is_rate_based(self) -> bool {
        !matches!(
            self,
            EjectionType::Consecutive5xx
                | EjectionType::ConsecutiveGatewayFailure
                | EjectionType::ConsecutiveLocalOriginFailure
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlierAction {
    Eject,
    Uneject,
}

impl OutlierAction {
    pub fn proto_name(self) -> &'static str {
        match self {
            OutlierAction::Eject => "EJECT",
            OutlierAction::Uneject => "UNEJECT",
        }
    }
}

/// Success-rate figures logged with a success-rate or failure-percentage ejection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SuccessRateDetail {
    pub host_success_rate: f64,
    /// `None` for failure-percentage ejections, which log only the host's rate.
    pub cluster_average_success_rate: Option<f64>,
    pub cluster_success_rate_ejection_threshold: Option<f64>,
}

/// One line of Envoy's outlier event log.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlierEvent {
    pub time: SimTime,
    /// Index of the host in the cluster.
    pub host: usize,
    pub action: OutlierAction,
    /// The ejection type; an uneject carries none (Envoy leaves the field at its default).
    pub ejection_type: Option<EjectionType>,
    /// Whole seconds since the host's last uneject (for an eject) or last eject (for an
    /// uneject); `None` if there was none.
    pub secs_since_last_action: Option<u64>,
    pub num_ejections: u32,
    pub enforced: bool,
    pub success_rate: Option<SuccessRateDetail>,
    /// The ejection-time multiplier after this action (not part of Envoy's log).
    pub multiplier: u32,
}
