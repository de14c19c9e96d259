//! Envoy's algorithms as plain state machines: they take inputs and return decisions, and never
//! schedule events themselves, so each can be driven by hand the way Envoy's unit tests do.

pub mod cluster_stats;
pub mod conn_pool;
pub mod edf;
pub mod host;
pub mod least_request;
pub mod load_balancer;
pub mod local_reply;
pub mod outlier;
pub mod priority_load;
pub mod random;
pub mod resource_manager;
pub mod retry;
pub mod stat_histogram;
pub mod version;
pub mod version_doc;

#[cfg(test)]
mod conn_pool_drain_tests;
#[cfg(test)]
mod conn_pool_envoy_tests;
#[cfg(test)]
mod conn_pool_harness;
#[cfg(test)]
mod conn_pool_settings_tests;
#[cfg(test)]
mod conn_pool_tests;
#[cfg(test)]
mod retry_envoy_tests;
