//! Envoy or Istio YAML or JSON, imported as `breakersim import` does: the first byte chooses
//! the options (JSON or YAML file names, `--strict`, `--allow-unknown-fields`, an Istio
//! version), the rest is one to three files split at NUL bytes. Success must give a scenario
//! that loads or says where it does not; an error must be bad input that names a file; never
//! a panic.
#![no_main]

use breakersim_fuzz::judge;
use libfuzzer_sys::fuzz_target;
use sim_cli::exit::CliError;
use sim_cli::import::{ImportOptions, InputFile, import};
use sim_core::scenario::load_scenario;

/// The Istio versions the first byte picks from: none (the newest), an old and a new one, and
/// one breakersim does not know.
const ISTIO: [Option<&str>; 4] = [None, Some("1.5"), Some("1.22"), Some("0.9")];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return; // `import` refuses it before parsing (input.rs), at its byte.
    };
    let ext = if flags & 1 == 0 { "yaml" } else { "json" };
    let files: Vec<InputFile> = text
        .splitn(3, '\0')
        .enumerate()
        .map(|(i, t)| InputFile {
            source: format!("in-{i}.{ext}"),
            text: t.to_string(),
        })
        .collect();
    let opts = ImportOptions {
        strict: flags & 2 != 0,
        allow_unknown_fields: flags & 4 != 0,
        istio_version: ISTIO[usize::from(flags >> 3 & 3)].map(str::to_string),
        ..ImportOptions::default()
    };
    match import(&files, &opts) {
        // A scenario that does not load must say where in it (an Envoy `retry_on` condition
        // breakersim does not know is written as found: docs/testing.md#fuzzing).
        Ok(out) => judge(
            "the imported scenario",
            load_scenario(&out.scenario, "imported.toml", &[]).map_err(CliError::from),
            |_| true,
        ),
        e => judge("import", e, |_| false),
    }
});
