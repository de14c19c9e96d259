//! Scenarios: the TOML a user writes, parsed, overridden (`--set`) and validated.

mod error;
mod limits;
mod load;
mod model;
mod overrides;
mod validate;
mod values;

pub use error::{ErrorOrigin, ScenarioError, line_column};
pub use limits::{DEFAULT_MAX_EVENTS, DEFAULT_MAX_IN_FLIGHT, Limits};
pub use load::{
    PathSegment, apply_overrides, display_path, load_scenario, parse_toml_table,
    scenario_from_table,
};
pub(crate) use load::{enum_message, segments_of};
pub use model::*;
pub use overrides::{Override, apply_override, remove_field};
pub use values::{Percent, Probability};
