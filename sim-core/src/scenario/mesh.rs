//! Mesh mode: `[[proxies]]` groups of whole Envoys (sidecars or gateway replicas), and how a
//! client's traffic is split over a group's replicas.

use crate::schema::Rule;
use crate::{scenario_enum, scenario_table};

/// breakersim's bound on the replicas of one group (the stream ids of a replica's random
/// draws hold its group and replica in 16 bits each).
pub const MAX_REPLICAS: u32 = 65_535;

scenario_table! {
    /// A group of identical Envoy proxies in front of the shared backends (mesh mode), e.g. the
    /// sidecars of a Deployment's pods or a gateway's replicas. Each replica is a whole Envoy
    /// with the scenario's `[envoy]`, `[cluster]` and `[route]`: its own workers, per-worker
    /// pools and balancers, circuit-breaker counters, outlier detector (with its own timer
    /// phase) and random streams. Without `[[proxies]]` the scenario has one Envoy.
    pub struct ProxyGroup {
        /// Group name, unique among the groups; its replicas are the pods `<name>-0`,
        /// `<name>-1`, and so on.
        name: String { required, rule: Rule::NotBlank },
        /// Envoys in the group. Every replica's pools count against breakersim's bound on
        /// connection pools (replicas x workers x hosts).
        replicas: u32 { default: "1", rule: Rule::Range { min: 1, max: 65_535 } },
    }
}

scenario_enum! {
    /// How a client attached to a proxy group spreads its requests over the group's replicas.
    pub enum Split {
        /// The client stands for the applications of the group's pods, each sending through
        /// its own sidecar: closed-loop worker `k` lives in pod `k mod replicas`; an open-loop
        /// client's requests go each to a pod drawn uniformly (so each pod's arrivals are a
        /// Poisson process of `rate / replicas` when the client's are).
        Pod = "pod",
        /// A load balancer in front of the group (a Kubernetes Service or a gateway's
        /// balancer) sends each request to the next replica in turn.
        RoundRobin = "round_robin",
    }
}

// `scenario_enum!` declares the names; the default is said here.
#[allow(clippy::derivable_impls)]
impl Default for Split {
    fn default() -> Self {
        Split::Pod
    }
}
