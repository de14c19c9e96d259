//! The scenario file's top level and its `[envoy]` table. The Envoy parts use Envoy's v3 field
//! names, units and defaults (`cluster.rs`, `outlier_detection.rs`, `route.rs`); the synthetic
//! world has its own names (`world.rs`). Every table is declared with `scenario_table!`, the one
//! place its fields, defaults and rules are written (`docs/scenario-format.md` and
//! `schema/scenario.schema.json` are generated from them).

use std::num::NonZeroU32;

use super::cluster::Cluster;
use super::limits::Limits;
use super::mesh::ProxyGroup;
use super::route::Route;
use super::world::{BackendGroup, Client, Network};
use crate::envoy::version::{EnvoyVersion, NEWEST_ENVOY};
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
        /// `"envoy"`: the clients send to Envoy, which sends to the backends. `"none"`: the
        /// clients send straight to the backends, to check the world alone against real
        /// servers (docs/validation.md). Each closed-loop worker is then an HTTP/1.1 client of
        /// its own, like one of hey's: one connection at a time, kept while the server keeps
        /// it, made again when the server closes it. `[cluster]` and `[route]` describe that
        /// client: `connect_timeout` is its dial timeout, `[route] timeout` its whole request's
        /// timeout (hey's `-t`, counted as a 504 UT), `lb_policy` how it spreads its
        /// connections over the backends; `[network.upstream]` is its network and kernel;
        /// `[envoy]` and `[network.downstream]` are not read. Outlier detection, retries,
        /// circuit breakers and HTTP/2 are Envoy's and exit 2.
        proxy: ProxyKind { default: "\"envoy\"" },
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
        /// Mesh mode: groups of Envoys, each replica a whole Envoy, all in front of the same
        /// backends (docs/mesh.md). Empty: one Envoy. Not with `proxy = "none"`.
        proxies: Vec<ProxyGroup> { default: "[]" },
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
        /// The Envoy release whose behaviour to model: every modelled behaviour that changed
        /// between releases follows it (the table is in `docs/fidelity.md#envoy-versions`).
        version: Option<EnvoyVersion> { absent: "the newest modelled, `\"1.39\"`" },
        /// Deprecated: use `version`. `"before_1_28"` reads as `version = "1.27"`, `"current"` as
        /// the newest; it now selects every behaviour of that release, not only the
        /// `max_ejection_percent` rule. Only with `[cluster.outlier_detection]`.
        max_ejection_percent_rule: Option<MaxEjectionPercentRule> { absent: "none" },
    }
}

scenario_enum! {
    /// What stands between the clients and the backends.
    pub enum ProxyKind {
        /// One Envoy.
        Envoy = "envoy",
        /// Nothing: the clients connect to the backends themselves.
        None = "none",
    }
}

// `scenario_enum!` declares the names; the default is said here.
#[allow(clippy::derivable_impls)]
impl Default for ProxyKind {
    fn default() -> Self {
        ProxyKind::Envoy
    }
}

scenario_enum! {
    /// Deprecated (`[envoy] version` replaces it): which release's `max_ejection_percent` rule.
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

impl MaxEjectionPercentRule {
    /// The release the deprecated name stands for: the last before 1.28, or the newest.
    pub fn version(self) -> EnvoyVersion {
        match self {
            MaxEjectionPercentRule::Current => NEWEST_ENVOY,
            MaxEjectionPercentRule::Before1_28 => EnvoyVersion(27),
        }
    }
}

impl EnvoyProcess {
    /// The release to model: `version`, else what the deprecated `max_ejection_percent_rule`
    /// stands for, else the newest. (`validate` refuses the two when they disagree.)
    pub fn envoy_version(&self) -> EnvoyVersion {
        self.version
            .or(self
                .max_ejection_percent_rule
                .map(MaxEjectionPercentRule::version))
            .unwrap_or(NEWEST_ENVOY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{DefaultValue, Table};

    /// The default the reference tables show for `[envoy] version` is the newest release.
    #[test]
    fn the_documented_default_version_is_the_newest() {
        let field = EnvoyProcess::spec()
            .fields
            .iter()
            .find(|f| f.name == "version")
            .expect("a version field");
        let DefaultValue::Absent(text) = field.default else {
            panic!("version has no literal default");
        };
        assert!(text.contains(&format!("\"{NEWEST_ENVOY}\"")), "{text}");
        assert_eq!(EnvoyProcess::default().envoy_version(), NEWEST_ENVOY);
    }
}
