//! The scenario file's top level and its `[envoy]` table. The Envoy parts use Envoy's v3 field
//! names, units and defaults (`cluster.rs`, `outlier_detection.rs`, `route.rs`); the synthetic
//! world has its own names (`world.rs`). Every table is declared with `scenario_table!`, the one
//! place its fields, defaults and rules are written (`docs/scenario-format.md` and
//! `schema/scenario.schema.json` are generated from them).

use std::num::NonZeroU32;

use super::cluster::Cluster;
use super::limits::Limits;
use super::route::Route;
use super::world::{BackendGroup, Client, Network};
use crate::time::SimDuration;
use crate::{scenario_enum, scenario_table};

scenario_table! {
    /// A scenario: one Envoy proxy, the clients that send it requests and the backends behind
    /// it.
    pub struct Scenario {
        /// Scenario name shown in outputs.
        name: Option<String> { absent: "the file name without its extension" },
        /// Free text.
        description: Option<String> { absent: "none" },
        /// Seed of the run when `--seed` is not given. The same scenario and seed always give
        /// the same result.
        seed: u64 { default: "1" },
        /// Stop the run at this simulated time. Without it the run ends when every client is
        /// done and nothing is in flight.
        duration: Option<SimDuration> { absent: "none: until nothing is left to do" },
        /// The Envoy process.
        envoy: EnvoyProcess { default: "{}" },
        /// The one upstream cluster.
        cluster: Cluster { required },
        /// The route to the cluster.
        route: Route { default: "{}" },
        /// The networks on each side of Envoy.
        network: Network { default: "{}" },
        /// The synthetic clients; at least one.
        clients: Vec<Client> { default: "[]" },
        /// The backend host groups; at least one.
        backends: Vec<BackendGroup> { default: "[]" },
        /// Guards on the run's size: events processed and requests in flight.
        limits: Limits { default: "{}" },
    }
}

scenario_table! {
    /// The Envoy process.
    #[derive(Default)]
    pub struct EnvoyProcess {
        /// Worker threads, Envoy's `--concurrency`. Each worker has its own connection pools
        /// and load balancer; circuit-breaker counters are shared by all. Envoy's own default
        /// is the number of CPU cores; breakersim's is 2 on every machine.
        concurrency: NonZeroU32 { default: "2" },
        /// When the outlier detector's interval timer first fires (Envoy arms it when the
        /// cluster is created, long before the scenario starts). Must be less than
        /// `outlier_detection.interval`. Only with `[cluster.outlier_detection]`.
        outlier_timer_phase: Option<SimDuration> { absent: "drawn uniformly in [0, interval) from the seed" },
        /// Which Envoy version's `max_ejection_percent` rule to apply. Only with
        /// `[cluster.outlier_detection]`.
        max_ejection_percent_rule: Option<MaxEjectionPercentRule> { absent: "`\"current\"`" },
    }
}

scenario_enum! {
    /// How Envoy caps ejections by `max_ejection_percent`.
    pub enum MaxEjectionPercentRule {
        /// Envoy 1.28 and later: eject only if `100 * (ejected + 1) / hosts <=
        /// max_ejection_percent`.
        Current = "current",
        /// Envoy before 1.28: eject while `100 * ejected / hosts < max_ejection_percent`, so
        /// the first ejection is always allowed.
        Before1_28 = "before_1_28",
    }
}

// `scenario_enum!` declares the names; the default is said here.
#[allow(clippy::derivable_impls)]
impl Default for MaxEjectionPercentRule {
    fn default() -> Self {
        MaxEjectionPercentRule::Current
    }
}
