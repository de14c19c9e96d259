//! `breakersim import FILE.yaml [--istio-version X.Y] [--cluster NAME]`: print a scenario TOML;
//! fields breakersim does not model are listed on stderr.

use std::path::{Path, PathBuf};

use crate::exit::{CliError, CliResult, note};
use crate::import::{ImportOptions, InputFile, import};

/// Reads YAML files for `import`.
pub fn read_inputs(paths: &[PathBuf]) -> CliResult<Vec<InputFile>> {
    paths.iter().map(|p| read_input(p)).collect()
}

fn read_input(path: &Path) -> CliResult<InputFile> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{source}: cannot read: {e}")))?;
    Ok(InputFile { source, text })
}

pub fn import_command(paths: &[PathBuf], opts: &ImportOptions) -> CliResult<String> {
    let imported = import(&read_inputs(paths)?, opts)?;
    for w in &imported.warnings {
        note(&format!("warning: {w}\n"));
    }
    Ok(imported.scenario)
}
