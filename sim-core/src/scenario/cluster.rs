//! `[cluster]`: the fields of `envoy.config.cluster.v3.Cluster` breakersim models, with Envoy's
//! names, defaults and validation rules (`api/envoy/config/cluster/v3/cluster.proto`,
//! `circuit_breaker.proto`, `api/envoy/config/core/v3/protocol.proto`).

use super::outlier_detection::OutlierDetection;
use super::values::Percent;
use crate::schema::Rule;
use crate::time::SimDuration;
use crate::{scenario_enum, scenario_table};

scenario_table! {
    /// The one upstream cluster, `envoy.config.cluster.v3.Cluster`. Its endpoints are all the
    /// backend hosts, with the `weight` and `priority` of their `[[backends]]` group.
    /// Connections to them are HTTP/1.1, one request at a time per connection, unless
    /// `http2_protocol_options` is present.
    #[envoy("envoy.config.cluster.v3.Cluster")]
    pub struct Cluster {
        /// Cluster name, used in stat names (`cluster.<name>.upstream_rq_total`).
        name: String { required, rule: Rule::NotBlank, envoy: String },
        /// Time allowed for an upstream TCP connect.
        connect_timeout: SimDuration {
            default: "\"5s\"",
            rule: Rule::DurationAboveZero,
            envoy: Duration,
        },
        /// How each worker's load balancer picks a host.
        lb_policy: LbPolicy { default: "\"ROUND_ROBIN\"", envoy: Enum },
        /// Limits on connections, requests and retries, per routing priority.
        circuit_breakers: CircuitBreakers { default: "{}", envoy: Message },
        /// Present, even as `{}`: the cluster speaks HTTP/2 upstream (the v3 cluster field,
        /// deprecated in Envoy for `typed_extension_protocol_options`).
        http2_protocol_options: Option<Http2ProtocolOptions> { absent: "HTTP/1.1", envoy: Message },
        /// Options of HTTP/1.1 and HTTP/2 connections.
        common_http_protocol_options: CommonHttpProtocolOptions { default: "{}", envoy: Message },
        /// Panic threshold of the load balancers.
        common_lb_config: CommonLbConfig { default: "{}", envoy: Message },
        /// Options of `LEAST_REQUEST`.
        least_request_lb_config: LeastRequestLbConfig { default: "{}", envoy: Message },
        /// Without this table the cluster has no outlier detector and no host is ever
        /// ejected; an empty table turns it on with Envoy's defaults.
        outlier_detection: Option<OutlierDetection> { absent: "no outlier detection", envoy: Message },
    }
}

scenario_enum! {
    /// `Cluster.LbPolicy`: how a worker's load balancer picks a host.
    pub enum LbPolicy {
        /// Each worker starts at a random position, as Envoy does; with unequal weights it
        /// follows the weights.
        RoundRobin = "ROUND_ROBIN",
        /// With equal weights, draws `choice_count` hosts (with replacement) and keeps the
        /// first unless a later one has strictly fewer active requests; with unequal weights,
        /// picks by `weight / (active requests + 1)`.
        LeastRequest = "LEAST_REQUEST",
        /// A host at random; weights are ignored.
        Random = "RANDOM",
    }
}

scenario_table! {
    /// `config.core.v3.Http2ProtocolOptions`: the part breakersim models.
    #[envoy("envoy.config.core.v3.Http2ProtocolOptions")]
    pub struct Http2ProtocolOptions {
        /// Requests one connection carries at once (`protocol.proto`:
        /// `uint32 = {lte: 2147483647 gte: 1}`).
        max_concurrent_streams: Option<u32> {
            absent: "`1024` (Envoy 1.36 on; `2147483647` before)",
            rule: Rule::Range { min: 1, max: 2_147_483_647 },
            envoy: UInt32Value,
        },
    }
}

scenario_table! {
    /// `config.core.v3.HttpProtocolOptions`: the part breakersim models.
    #[envoy("envoy.config.core.v3.HttpProtocolOptions")]
    #[derive(Default)]
    pub struct CommonHttpProtocolOptions {
        /// Requests over a connection's life, HTTP/1.1 or HTTP/2: the connection takes no more
        /// after the Nth and closes once it is done. `0` means unlimited (HTTP/2: 2^29).
        max_requests_per_connection: Option<u32> { absent: "unlimited", envoy: UInt32Value },
    }
}

scenario_table! {
    /// `Cluster.CommonLbConfig`: the part breakersim models.
    #[envoy("envoy.config.cluster.v3.Cluster.CommonLbConfig")]
    #[derive(Default)]
    pub struct CommonLbConfig {
        /// Below this share of available hosts a priority is in panic and its balancer uses all
        /// of its hosts, healthy or not. `0` disables panic. As in Envoy, it is truncated to a
        /// whole percent in floating point (`57.0` acts as 56).
        healthy_panic_threshold: Percent { default: "50.0", envoy: Percent },
    }
}

scenario_table! {
    /// `Cluster.LeastRequestLbConfig`: the part breakersim models, with `selection_method`
    /// from the typed extension `envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest`
    /// (a cluster's `load_balancing_policy`), which has both fields.
    #[envoy("envoy.config.cluster.v3.Cluster.LeastRequestLbConfig")]
    #[derive(Default)]
    pub struct LeastRequestLbConfig {
        /// Hosts drawn per `LEAST_REQUEST` pick when the weights are equal (Envoy: `gte: 2`;
        /// breakersim draws at most 1,000). Only `N_CHOICES` reads it.
        choice_count: u32 { default: "2", rule: Rule::AtLeast(2), envoy: UInt32Value },
        /// How a pick with equal weights looks for the host with the fewest active requests.
        /// Only the typed `LeastRequest` extension has it (Envoy 1.30+); a cluster's
        /// `least_request_lb_config` does not, so there it is always `N_CHOICES`. With unequal
        /// weights neither method applies: the weighted scheduler picks.
        selection_method: SelectionMethod { default: "\"N_CHOICES\"" },
    }
}

scenario_enum! {
    /// `LeastRequest.SelectionMethod` (`api/envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto`).
    pub enum SelectionMethod {
        /// `choice_count` random draws, with replacement; a later draw replaces the candidate
        /// only with strictly fewer active requests.
        NChoices = "N_CHOICES",
        /// Every host in the list is looked at; of the hosts tied for the fewest active
        /// requests, each is equally likely (one random draw per tie met).
        FullScan = "FULL_SCAN",
    }
}

// `scenario_enum!` declares the names; the default is said here.
#[allow(clippy::derivable_impls)]
impl Default for SelectionMethod {
    fn default() -> Self {
        SelectionMethod::NChoices
    }
}

scenario_table! {
    /// `envoy.config.cluster.v3.CircuitBreakers`.
    #[envoy("envoy.config.cluster.v3.CircuitBreakers")]
    #[derive(Default)]
    pub struct CircuitBreakers {
        /// The limits for each routing priority: zero, one or more entries. A priority without
        /// an entry gets Envoy's defaults; of several entries for one priority, the first
        /// counts, as in Envoy.
        thresholds: Vec<Thresholds> { default: "[]", envoy: RepeatedMessage },
        /// Limits for each host. Envoy honours only `max_connections` here, so only it is
        /// accepted.
        per_host_thresholds: Vec<PerHostThresholds> { default: "[]", envoy: RepeatedMessage },
    }
}

scenario_table! {
    /// `CircuitBreakers.Thresholds`: the limits for one routing priority. A limit is reached
    /// when the current count equals it (Envoy's strict `<`), so `0` refuses everything.
    #[envoy("envoy.config.cluster.v3.CircuitBreakers.Thresholds")]
    #[derive(Default)]
    pub struct Thresholds {
        /// The routing priority these limits apply to.
        priority: RoutingPriority { default: "\"DEFAULT\"", envoy: Enum },
        /// Open upstream connections, counted over the whole cluster.
        max_connections: Option<u32> { absent: "`1024`", envoy: UInt32Value },
        /// Requests waiting for a connection.
        max_pending_requests: Option<u32> { absent: "`1024`", envoy: UInt32Value },
        /// Requests in progress upstream.
        max_requests: Option<u32> { absent: "`1024`", envoy: UInt32Value },
        /// Retries in progress (the retry breaker).
        max_retries: Option<u32> { absent: "`3`", envoy: UInt32Value },
        /// Also publish the `circuit_breakers.<priority>.remaining_{cx,pending,rq,retries}`
        /// gauges. With a `retry_budget`, as in Envoy, `remaining_retries` is `max_retries`
        /// until the first retry decision, then 0, and `rq_retry_open` still compares the
        /// retries held with `max_retries`, not with the budget.
        track_remaining: bool { default: "false", envoy: Bool },
        /// When present it replaces `max_retries`: max(floor(P / 100 × (active + pending
        /// requests)), N) retries at once, for this priority; `retry_budget = {}` is 20% and 3
        /// (Envoy 1.17 needed one field set, see `envoy.version`).
        retry_budget: Option<RetryBudget> { absent: "none", envoy: Message },
    }
}

scenario_table! {
    /// `CircuitBreakers.Thresholds` in `per_host_thresholds`: Envoy honours only
    /// `max_connections` there. Only the entry for the route's `priority` counts (the first,
    /// if several).
    #[envoy("envoy.config.cluster.v3.CircuitBreakers.Thresholds")]
    pub struct PerHostThresholds {
        /// The routing priority this entry applies to.
        priority: RoutingPriority { default: "\"DEFAULT\"", envoy: Enum },
        /// Open connections to each host, counted over all workers. A blocked connection counts
        /// `upstream_cx_overflow`; a worker's pool with no connection at all to a host still
        /// opens one.
        max_connections: Option<u32> { absent: "unlimited", envoy: UInt32Value },
    }
}

scenario_table! {
    /// `Thresholds.RetryBudget`: while configured, it replaces `max_retries`.
    #[envoy("envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget")]
    pub struct RetryBudget {
        /// Share of active plus pending requests that may be retries: `{ value = P }` or a bare
        /// number, 0 to 100.
        budget_percent: Option<Percent> { absent: "`20`", envoy: Percent },
        /// Retries always allowed at once.
        min_retry_concurrency: Option<u32> { absent: "`3`", envoy: UInt32Value },
    }
}

scenario_enum! {
    /// `config.core.v3.RoutingPriority`.
    pub enum RoutingPriority {
        /// The default priority.
        Default = "DEFAULT",
        /// High priority: its own thresholds.
        High = "HIGH",
    }
}

// `scenario_enum!` declares the names; the default is said here.
#[allow(clippy::derivable_impls)]
impl Default for RoutingPriority {
    fn default() -> Self {
        RoutingPriority::Default
    }
}

impl RoutingPriority {
    /// The priority's slot in per-priority arrays: 0 for `DEFAULT`, 1 for `HIGH`.
    pub fn index(self) -> usize {
        match self {
            RoutingPriority::Default => 0,
            RoutingPriority::High => 1,
        }
    }

    /// The lowercase name used in stat names (`circuit_breakers.default.cx_open`).
    pub fn stat_name(self) -> &'static str {
        match self {
            RoutingPriority::Default => "default",
            RoutingPriority::High => "high",
        }
    }
}
