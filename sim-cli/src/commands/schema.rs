//! `breakersim schema`: print the JSON Schema of scenario files, for an editor's TOML language
//! server (the same as `schema/scenario.schema.json` in the repository, for this build).

use crate::exit::CliResult;

/// Print the JSON Schema of scenario files (for editors: see docs/scenario-format.md).
#[derive(Clone, Debug, clap::Args)]
pub struct SchemaArgs {}

/// The schema as pretty JSON, ending with a line break.
pub fn schema_command(_args: &SchemaArgs) -> CliResult<String> {
    Ok(schema_text())
}

/// The text of `schema/scenario.schema.json`.
pub fn schema_text() -> String {
    let schema = sim_core::schema::scenario_json_schema();
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON value always prints");
    text.push('\n');
    text
}
