//! The `breakersim` command's library: reading scenario files, running them, and rendering the
//! results as text, JSON or Prometheus exposition. All I/O of breakersim lives in this crate.

pub mod charts;
pub mod commands;
pub mod compare_chart;
pub mod config_ref;
pub mod diagnostics;
pub mod exit;
pub mod files;
pub mod import;
pub mod input;
pub mod output;
pub mod report;
pub mod scenario_file;
pub mod sweep;
pub mod tune;
