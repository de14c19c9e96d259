//! Scenarios: the TOML a user writes, parsed, overridden (`--set`) and validated.

mod error;
mod load;
mod model;
mod overrides;
mod validate;
mod values;

pub use error::{ErrorOrigin, ScenarioError};
pub use load::{load_scenario, parse_toml_table, scenario_from_table};
pub use model::*;
pub use overrides::{Override, apply_override};
pub use values::{Percent, Probability};
