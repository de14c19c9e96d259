//! Envoy's outlier detector, following `source/common/upstream/outlier_detection_impl.cc`
//! (`DetectorImpl`, `DetectorHostMonitorImpl`, `SuccessRateAccumulator`, `EventLoggerImpl`).
//!
//! Consecutive-error detection happens at the moment of the Nth error; success-rate and
//! failure-percentage detection, unejection and the multiplier's decay happen only at the
//! interval timer's ticks. The detector never schedules anything: the simulation calls
//! [`Detector::on_interval_timer`] at each tick and re-arms it.

mod config;
mod detector;
mod event;
mod monitor;
mod stats;

pub use crate::envoy::random::RandomSource;
pub use config::OutlierConfig;
pub use detector::Detector;
pub use event::{EjectionType, OutlierAction, OutlierEvent, SuccessRateDetail};
pub use monitor::OutlierResult;
pub use stats::OutlierStats;

#[cfg(test)]
mod hand_worked_tests;

#[cfg(test)]
mod envoy_tests;

#[cfg(test)]
mod envoy_utility_tests;

#[cfg(test)]
mod membership_tests;

#[cfg(test)]
mod same_tick_tests;

#[cfg(test)]
mod version_tests;
