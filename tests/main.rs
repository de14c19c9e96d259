//! Integration tests: one binary, a module per behaviour.

mod cli_errors;
mod cli_run;
mod common;
mod determinism;
mod lab;
mod outlier_reporting;
mod run_end;
mod scenario_snapshots;
mod sweeps;
