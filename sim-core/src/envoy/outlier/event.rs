//! Ejection types and the event log entries (`envoy.data.cluster.v3.OutlierDetectionEvent`).

use crate::time::SimTime;

/// `envoy.data.cluster.v3.OutlierEjectionType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EjectionType {
    /// `consecutive_5xx` errors in a row (with split local origin: external-origin 5xx only).
    Consecutive5xx,
    /// Success rate below the cluster's `average - stdev_factor * stdev` at an interval tick.
    SuccessRate,
    /// `consecutive_gateway_failure` 502/503/504s (or local-origin failures) in a row.
    ConsecutiveGatewayFailure,
    /// `consecutive_local_origin_failure` connect failures, resets or timeouts in a row (split
    /// local origin only).
    ConsecutiveLocalOriginFailure,
    /// Local-origin success rate below its threshold at an interval tick.
    SuccessRateLocalOrigin,
    /// Failure percentage at or above `failure_percentage_threshold` (%) at an interval tick.
    FailurePercentage,
    /// Local-origin failure percentage at or above `failure_percentage_threshold` (%) at a tick.
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

/// What an event log entry records (`envoy.data.cluster.v3.Action`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlierAction {
    /// The host was found an outlier (ejected if `enforced`).
    Eject,
    /// The host's ejection time ran out at an interval tick and it was brought back.
    Uneject,
}

impl OutlierAction {
    /// The enum value's name, as Envoy's JSON event log prints it.
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
    /// The host's success rate in the last interval, in %.
    pub host_success_rate: f64,
    /// `None` for failure-percentage ejections, which log only the host's rate.
    pub cluster_average_success_rate: Option<f64>,
    /// The threshold (%) the host's rate fell below; `None` for failure-percentage ejections.
    pub cluster_success_rate_ejection_threshold: Option<f64>,
}

/// One line of Envoy's outlier event log.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlierEvent {
    /// When it happened, simulated.
    pub time: SimTime,
    /// Index of the host in the cluster.
    pub host: usize,
    /// Eject or uneject.
    pub action: OutlierAction,
    /// The ejection type; an uneject carries none (Envoy leaves the field at its default).
    pub ejection_type: Option<EjectionType>,
    /// Whole seconds since the host's last uneject (for an eject) or last eject (for an
    /// uneject); `None` if there was none.
    pub secs_since_last_action: Option<u64>,
    /// Enforced ejections of the host so far, this one included if enforced (Envoy's
    /// `num_ejections`).
    pub num_ejections: u32,
    /// Whether the ejection took effect: its `enforcing_*` roll (%) passed. (An ejection that
    /// `max_ejection_percent` stops is counted in `ejections_overflow`, not logged.)
    pub enforced: bool,
    /// The rates behind a success-rate or failure-percentage ejection.
    pub success_rate: Option<SuccessRateDetail>,
    /// The ejection-time multiplier after this action (not part of Envoy's log).
    pub multiplier: u32,
}
