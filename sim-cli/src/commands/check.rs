//! `breakersim check FILE.toml`: validate a scenario without running it.

use std::path::Path;

use crate::exit::CliResult;
use crate::scenario_file::read_scenario;

pub fn check(path: &Path, sets: &[String]) -> CliResult<String> {
    let s = read_scenario(path, sets)?;
    let hosts: u32 = s.backends.iter().map(|b| b.replicas.get()).sum();
    Ok(format!(
        "{}: ok (cluster {}, {} client(s), {} backend host(s), {} Envoy worker(s))\n",
        path.display(),
        s.cluster.name,
        s.clients.len(),
        hosts,
        s.envoy.concurrency
    ))
}
