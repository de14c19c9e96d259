//! `breakersim report [--check]`: regenerate `reports/` (every chart of every sweep in
//! `scenarios/sweeps/`, and `reports/README.md`); with `--check`, only say whether the files
//! on disk are what the sweeps give now.

use std::path::{Path, PathBuf};

use crate::commands::sweep::{default_threads, run_loaded};
use crate::exit::{CliError, CliResult};
use crate::files::write_all_or_none;
use crate::report::{ReportedSweep, readme, sweep_section};
use crate::sweep::Files;
use crate::sweep::baselines::run_baselines;
use crate::sweep::load::load_sweep;

/// Regenerate reports/ (charts and README.md) from the sweeps in scenarios/sweeps/.
#[derive(Clone, Debug, clap::Args)]
pub struct ReportArgs {
    /// Do not write: exit 1 if reports/ differs from what the sweeps give now.
    #[arg(long)]
    pub check: bool,
    /// The repository root (holding `scenarios/sweeps/` and `reports/`).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

fn sweep_files(root: &Path) -> CliResult<Vec<PathBuf>> {
    let dir = root.join("scenarios").join("sweeps");
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        CliError::in_file(
            dir.display().to_string(),
            format!("cannot list the sweeps: {e}"),
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Every file of `reports/`, by name, as the sweeps give them now.
fn generate(root: &Path, threads: usize) -> CliResult<Files> {
    let mut files = Vec::new();
    let mut sections = Vec::new();
    for path in sweep_files(root)? {
        let sweep = load_sweep(&path, None)?;
        let result = run_loaded(&path, &sweep, threads)?;
        let baselines = run_baselines(&sweep, threads)?;
        let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let reported = ReportedSweep {
            sweep: &sweep,
            result: &result,
            baselines: &baselines,
            sweep_file: relative,
        };
        let (section, charts) = sweep_section(&reported)?;
        sections.push(section);
        files.extend(charts);
    }
    files.push(("README.md".to_string(), readme(&sections).into_bytes()));
    Ok(files)
}

pub fn report_command(args: &ReportArgs) -> CliResult<String> {
    let threads = args.threads.map_or_else(default_threads, usize::from);
    let files = generate(&args.root, threads)?;
    let dir = args.root.join("reports");
    if args.check {
        let stale: Vec<String> = files
            .iter()
            .filter(|(name, bytes)| std::fs::read(dir.join(name)).ok().as_deref() != Some(bytes))
            .map(|(name, _)| format!("reports/{name}"))
            .collect();
        if stale.is_empty() {
            return Ok(format!("reports/ is up to date ({} files)\n", files.len()));
        }
        return Err(CliError::Stale(format!(
            "reports/ is stale: {} differ from what the sweeps give now; run `breakersim report` and commit them",
            stale.join(", ")
        )));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    write_all_or_none(&dir, &files)?;
    Ok(format!(
        "wrote {} files to {}\n",
        files.len(),
        dir.display()
    ))
}
