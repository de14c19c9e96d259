//! Scenarios: the TOML a user writes, parsed, overridden (`--set`) and validated. Every table
//! is declared once with `scenario_table!` (`model.rs`, `cluster.rs`, `outlier_detection.rs`,
//! `route.rs`, `world.rs`, `mesh.rs`, `limits.rs`); see `crate::schema`.

mod cluster;
mod config_ref;
mod limits;
mod load;
mod membership;
mod mesh;
mod mesh_check;
mod model;
mod outlier_detection;
mod overrides;
mod route;
mod toml_keys;
mod validate;
mod values;
mod version_check;
mod warnings;
mod world;

pub use crate::schema::{PathSegment, display_path};
pub use cluster::*;
pub use config_ref::ConfigRef;
pub use limits::Limits;
pub use load::{
    apply_overrides, load_scenario, locate_in_toml, parse_toml_table, scenario_from_table,
    toml_syntax_error,
};
pub(crate) use load::{enum_message, segments_of};
pub use membership::{GroupMembership, MembershipChange, PlanError};
pub use mesh::{MAX_REPLICAS, ProxyGroup, Split};
pub use model::*;
pub use outlier_detection::OutlierDetection;
pub use overrides::{Override, apply_override, remove_field};
pub use route::*;
pub use values::{Percent, Probability};
pub use warnings::scenario_warnings;
pub use world::*;
