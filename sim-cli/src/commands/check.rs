//! `breakersim check FILE.toml`: validate a scenario without running it.

use std::path::{Path, PathBuf};

use crate::exit::CliResult;
use crate::scenario_file::read_scenario;

/// Validate a scenario file (with any --set overrides) without running it.
#[derive(Clone, Debug, clap::Args)]
pub struct CheckArgs {
    /// The scenario file.
    pub file: PathBuf,
    /// Override a field by its dotted path before validating.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
}

/// `check` on its arguments.
pub fn check_command(args: &CheckArgs) -> CliResult<String> {
    check(&args.file, &args.sets)
}

pub fn check(path: &Path, sets: &[String]) -> CliResult<String> {
    let s = read_scenario(path, sets)?;
    let hosts: u32 = s.backends.iter().map(|b| b.replicas).sum();
    let envoys: u64 = s.proxies.iter().map(|p| u64::from(p.replicas)).sum();
    let fleet = if s.proxies.is_empty() {
        String::new()
    } else {
        format!(
            " each, {envoys} Envoys in {} proxy group(s)",
            s.proxies.len()
        )
    };
    Ok(format!(
        "{}: ok (cluster {}, {} client(s), {} backend host(s), {} Envoy worker(s){fleet})\n",
        path.display(),
        s.cluster.name,
        s.clients.len(),
        hosts,
        s.envoy.concurrency
    ))
}
