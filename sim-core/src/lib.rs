//! breakersim's engine: a deterministic discrete-event simulation of clients, one Envoy proxy
//! (circuit breakers, connection pools, load balancing, router) and backends. No I/O, no clock.

#![warn(missing_docs)]

pub mod compare;
pub mod diagnostic;
pub mod dist;
pub mod engine;
pub mod envoy;
pub mod histogram;
pub mod istio_version;
pub mod rng;
pub mod scenario;
pub mod schema;
pub mod sim;
pub mod slab;
pub mod sweep;
pub mod time;
pub mod tune;
pub mod world;
