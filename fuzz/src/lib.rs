//! What the fuzz targets share: a directory laid out like `scenarios/` for the inputs to sit
//! in (so that relative paths resolve as for a shipped file), and the judgement of an outcome:
//! success, or bad input said as diagnostics that name a file and, for a syntax error or a
//! field of a TOML file, its place. Anything else (a panic, an internal error) is a finding.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sim_cli::exit::CliError;
use sim_core::diagnostic::{Diagnostic, Place};

/// The repository's root (this crate is `fuzz/` in it).
pub fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A temp directory with every shipped scenario, the configs they import, `bench/`, and
/// `sweeps/` beside them, made once per process.
pub fn workdir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("breakersim-fuzz-{}", std::process::id()));
        for sub in ["configs", "sweeps", "bench"] {
            std::fs::create_dir_all(dir.join(sub)).expect("temp dir");
        }
        let src = root().join("scenarios");
        for sub in ["", "configs", "bench"] {
            for e in std::fs::read_dir(src.join(sub)).expect("scenarios/") {
                let p = e.expect("entry").path();
                if p.is_file() {
                    std::fs::copy(&p, dir.join(sub).join(p.file_name().unwrap())).expect("copy");
                }
            }
        }
        dir
    })
}

/// Writes `data` to `name` under [`workdir`] and returns its path.
pub fn input_file(name: &str, data: &[u8]) -> PathBuf {
    let path = workdir().join(name);
    std::fs::write(&path, data).expect("write the input");
    path
}

/// A diagnostic that points somewhere: a span of a file, a `--set`, a sweep entry, or a
/// field path.
pub fn located(d: &Diagnostic) -> bool {
    !matches!(d.place, Place::Whole) || d.path.is_some()
}

/// Panics (a finding) unless `result` is success or bad input whose every diagnostic has a
/// message and a file, and, where `needs_place` says so of it, a place.
pub fn judge<T>(
    what: &str,
    result: Result<T, CliError>,
    needs_place: impl Fn(&Diagnostic) -> bool,
) {
    let ds = match result {
        Ok(_) => return,
        Err(CliError::Input(ds)) => ds,
        Err(e) => panic!("{what}: not bad input (exit {}): {e}", e.exit_code()),
    };
    assert!(!ds.is_empty(), "{what}: an error with no diagnostic");
    for d in &ds {
        assert!(!d.message.trim().is_empty(), "{what}: empty message: {d}");
        assert!(
            d.file.as_deref().is_some_and(|f| !f.is_empty()),
            "{what}: names no file: {d}"
        );
        let syntax = d.message.contains("syntax error");
        assert!(
            located(d) || !(syntax || needs_place(d)),
            "{what}: no line, column or field path: {d}"
        );
    }
}

/// For a TOML input (scenario, sweep): every diagnostic about a `.toml` file has a place,
/// except that a file could not be read or a run stopped (a seed's, which has none).
pub fn toml_needs_place(d: &Diagnostic) -> bool {
    d.file.as_deref().is_some_and(|f| f.ends_with(".toml"))
        && !d.message.starts_with("cannot read")
        && !d.message.starts_with("seed ")
}
