//! The run's guards (`[limits]`): what a run that reached one reports instead of its results.

use std::fmt;

use crate::time::SimTime;

/// Which limit of `[limits]` a run reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `limits.max_events`: events processed.
    Events,
    /// `limits.max_in_flight`: requests sent and not yet answered.
    InFlight,
    /// Not a setting: the end of the simulated time a run can represent
    /// (`SimTime::HORIZON`), which an event a saturated sum of durations put there reaches.
    Time,
    /// The lifecycle record's size (`RunOptions::lifecycle`, `--max-record-entries`).
    RecordEntries,
}

impl Limit {
    /// The field's name under `[limits]`; none for the end of simulated time, which no
    /// setting raises.
    pub fn field(self) -> Option<&'static str> {
        match self {
            Limit::Events => Some("max_events"),
            Limit::InFlight => Some("max_in_flight"),
            Limit::Time => None,
            Limit::RecordEntries => None,
        }
    }
}

/// A run stopped by one of its limits, with where it had got to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLimitExceeded {
    /// Which limit was reached.
    pub limit: Limit,
    /// The limit's value.
    pub value: u64,
    /// Simulated time when the run stopped.
    pub sim_time: SimTime,
    /// Events run before it stopped.
    pub events_processed: u64,
    /// Host monitors the outlier detectors' passes had visited, which count against
    /// `max_events` beside the events.
    pub detector_visits: u64,
    /// Requests the clients had sent when the run stopped (answered or not).
    pub requests_sent: u64,
    /// Requests sent and not yet answered when the run stopped.
    pub in_flight: u64,
}

impl fmt::Display for RunLimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limit {
            Limit::Events if self.detector_visits > 0 => write!(
                f,
                "the run stopped at {} simulated after {} events and {} host visits by outlier \
                 detection passes (one a host each interval), together the limit \
                 limits.max_events = {} (requests in flight: {}); check `duration`, the clients' \
                 rates and `outlier_detection.interval` against the hosts",
                self.sim_time,
                self.events_processed,
                self.detector_visits,
                self.value,
                self.in_flight
            )?,
            Limit::Events => write!(
                f,
                "the run stopped at {} simulated after {} events, the limit limits.max_events = {} \
                 (requests in flight: {}); check `duration` and the clients' rates",
                self.sim_time, self.events_processed, self.value, self.in_flight
            )?,
            Limit::InFlight => write!(
                f,
                "the run stopped at {} simulated with {} requests sent and not yet answered, the \
                 limit limits.max_in_flight = {} (after {} events); check the clients' rates and \
                 the timeouts (a request to a black hole with `route.timeout = \"0s\"` never ends)",
                self.sim_time, self.in_flight, self.value, self.events_processed
            )?,
            Limit::Time => write!(
                f,
                "an event fell at or past {} simulated (2^63 ns, about 292 years), the end of \
                 the time a run can represent, after {} events: a duration in the scenario (a \
                 service time, a timeout, a pause, a phase) or a sum of them is too long to \
                 simulate; shorten it",
                SimTime::HORIZON,
                self.events_processed
            )?,
            Limit::RecordEntries => write!(
                f,
                "the run stopped at {} simulated: its lifecycle record (--access-log, \
                 --trace) reached {} entries, the limit --max-record-entries = {} (after {} \
                 requests sent); to record more, raise it with `--max-record-entries N`, or \
                 shorten the run (`--set duration=...`)",
                self.sim_time, self.value, self.value, self.requests_sent
            )?,
        }
        match self.limit.field() {
            Some(field) => write!(
                f,
                "; to allow more, raise it with `--set limits.{field}=N` or `{field} = N` under \
                 `[limits]` in the scenario"
            ),
            None => Ok(()),
        }
    }
}

impl std::error::Error for RunLimitExceeded {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_limit_the_time_and_how_to_raise_it() {
        let e = RunLimitExceeded {
            limit: Limit::Events,
            value: 1000,
            sim_time: SimTime(1_500_000_000),
            events_processed: 1000,
            detector_visits: 0,
            requests_sent: 40,
            in_flight: 3,
        };
        assert_eq!(
            e.to_string(),
            "the run stopped at 1.500000s simulated after 1000 events, the limit \
             limits.max_events = 1000 (requests in flight: 3); check `duration` and the clients' \
             rates; to allow more, raise it with `--set limits.max_events=N` or `max_events = N` \
             under `[limits]` in the scenario"
        );
        let e = RunLimitExceeded {
            limit: Limit::InFlight,
            value: 2,
            in_flight: 2,
            ..e
        };
        let m = e.to_string();
        assert!(
            m.contains("with 2 requests sent and not yet answered"),
            "{m}"
        );
        assert!(
            m.contains("limits.max_in_flight = 2 (after 1000 events)"),
            "{m}"
        );
        assert!(m.ends_with("`--set limits.max_in_flight=N` or `max_in_flight = N` under `[limits]` in the scenario"), "{m}");
    }
}
