//! `breakersim import FILE.yaml [--istio-version X.Y] [--cluster NAME]`: print a scenario TOML;
//! fields breakersim does not model are listed on stderr.

use std::path::{Path, PathBuf};

use crate::diagnostics::emit;
use crate::exit::CliResult;
use crate::import::world::World;
use crate::import::{ImportOptions, InputFile, Sidecars, import};

/// Reads YAML files for `import`.
pub fn read_inputs(paths: &[PathBuf]) -> CliResult<Vec<InputFile>> {
    paths.iter().map(|p| read_input(p)).collect()
}

fn read_input(path: &Path) -> CliResult<InputFile> {
    let source = path.display().to_string();
    let text = crate::input::read_text(path).map_err(|e| e.diagnostic(&source, "input"))?;
    Ok(InputFile { source, text })
}

/// Turn an Envoy bootstrap or cluster, or an Istio DestinationRule (with VirtualServices),
/// into a scenario TOML (printed); unmodelled fields are listed on stderr.
#[derive(Clone, Debug, clap::Args)]
pub struct ImportArgs {
    /// YAML files: their documents are read together (e.g. a DestinationRule and the
    /// VirtualService that routes to it).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Istio version whose translation to follow (default: the newest known, 1.30).
    #[arg(long, value_name = "X.Y")]
    pub istio_version: Option<String>,
    /// Which cluster: its name in a bootstrap, or outbound|<port>|<subset>|<host> for Istio.
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// Fields Envoy does not know are warnings, not errors (as Envoy's
    /// --allow-unknown-static-fields).
    #[arg(long)]
    pub allow_unknown_fields: bool,
    /// Fields breakersim does not model are errors (exit 2), not warnings.
    #[arg(long)]
    pub strict: bool,
    /// The synthetic clients and backends, sized from the cluster's breakers: a steady load,
    /// one host failing, an overload, or one host crashing.
    #[arg(long, value_enum, default_value_t = World::OneHostFails)]
    pub world: World,
    /// Istio: the Service's port, when neither --cluster nor a VirtualService destination
    /// gives it.
    #[arg(long, value_name = "N")]
    pub port: Option<u64>,
    /// Write a mesh: the clients behind N sidecars, each its own Envoy (docs/mesh.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=65_535))]
    pub sidecars: Option<u64>,
    /// Write a mesh with as many sidecars as this Deployment in the files has replicas.
    #[arg(long, value_name = "DEPLOYMENT", conflicts_with = "sidecars")]
    pub sidecars_from: Option<String>,
}

/// `import` on its arguments.
pub fn import_command(args: &ImportArgs) -> CliResult<String> {
    let opts = ImportOptions {
        istio_version: args.istio_version.clone(),
        cluster: args.cluster.clone(),
        scenario: None,
        allow_unknown_fields: args.allow_unknown_fields,
        strict: args.strict,
        world: args.world,
        port: args.port,
        sidecars: match (&args.sidecars, &args.sidecars_from) {
            (Some(n), _) => Some(Sidecars::Count(*n)),
            (None, Some(name)) => Some(Sidecars::FromDeployment(name.clone())),
            (None, None) => None,
        },
    };
    import_files(&args.files, &opts)
}

/// Imports `paths` with `opts`, printing the warnings on stderr.
pub fn import_files(paths: &[PathBuf], opts: &ImportOptions) -> CliResult<String> {
    let imported = import(&read_inputs(paths)?, opts)?;
    for w in &imported.warnings {
        emit(w);
    }
    Ok(imported.scenario)
}
