//! Integration tests: one binary, a module per behaviour.

mod cli_error_paths;
mod cli_errors;
mod cli_run;
mod common;
mod config_ref;
mod determinism;
mod failures;
mod import;
mod import_equivalence;
mod lab;
mod outlier_reporting;
mod retries;
mod run_end;
mod scenario_snapshots;
mod sweeps;
mod timing;
