//! The `breakersim` command's library: reading scenario files, running them, and rendering the
//! results as text, JSON or Prometheus exposition. All I/O of breakersim lives in this crate.

pub mod commands;
pub mod exit;
pub mod files;
pub mod output;
pub mod scenario_file;
