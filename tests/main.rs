//! Integration tests: one binary, a module per behaviour.

mod architecture;
mod cli_error_paths;
mod cli_errors;
mod cli_run;
mod cluster_docs;
mod common;
mod config_ref;
mod determinism;
mod diagnostics;
mod failures;
mod guards;
mod import;
mod import_equivalence;
mod lab;
mod outlier_reporting;
mod properties;
mod retries;
mod run_end;
mod scenario_snapshots;
mod schema;
mod sweep_resume;
mod sweep_shards;
mod sweep_size;
mod sweeps;
mod timing;
