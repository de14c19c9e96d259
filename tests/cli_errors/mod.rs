//! Every error path of the CLI that no other module covers, by kind of input: the exit code (2
//! for bad input, 1 for anything else), `error: ` first on stderr, the file (and line, column
//! and field path where the input has them), what is allowed where the code says it, nothing on
//! stdout, and never a panic. docs/errors.md lists every error path and its test. Messages are
//! checked in their one-line form (`--message-format short`); `diagnostics` checks how they are
//! drawn.

mod command_line;
mod config_ref;
mod import;
mod output_paths;
mod report;
mod scenario;
mod set;
mod sweep;

use std::path::{Path, PathBuf};

use crate::common::temp_file;

/// A small valid scenario: one threshold, 2 workers x 3 requests, one backend failing 10% of
/// its requests. The line numbers in the messages the tests expect are its own.
pub const SCENARIO: &str = r#"[cluster]
name = "c"
connect_timeout = "1s"

[[cluster.circuit_breakers.thresholds]]
max_connections = 10

[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 3

[[backends]]
name = "b"
error_probability = 0.1
"#;

/// A file of this module's own under the tests' temp dir.
fn file(name: &str, text: &str) -> String {
    path_str(&temp_file(&format!("cli-errors-{name}"), text))
}

fn path_str(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

/// `SCENARIO`, written once per caller name.
fn scenario_file(name: &str) -> String {
    file(name, SCENARIO)
}

/// An Envoy bootstrap with two clusters, `alpha` and `beta`.
const BOOTSTRAP: &str = "static_resources:
  clusters:
  - name: alpha
    connect_timeout: 1s
  - name: beta
    connect_timeout: 2s
";

const DESTINATION_RULE: &str = "apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
";

/// A repository root with one tiny sweep (no axes, no charts) in scenarios/sweeps/.
fn report_root(name: &str) -> PathBuf {
    let root = temp_file(&format!("cli-errors-{name}"), "").with_extension("d");
    let sweeps = root.join("scenarios/sweeps");
    std::fs::create_dir_all(&sweeps).expect("temp dir");
    std::fs::write(root.join("scenarios/tiny.toml"), SCENARIO).expect("written");
    std::fs::write(
        sweeps.join("tiny.toml"),
        "scenario = \"../tiny.toml\"\nmetrics = [\"availability\"]\n",
    )
    .expect("written");
    root
}
