//! What surrounds the proxy: synthetic clients and backend hosts. Each owns its random stream.

pub mod backend;
pub mod client;
pub mod pause;
pub mod sharing;
pub mod tcp;
