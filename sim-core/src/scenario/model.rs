//! The scenario file's structure. Envoy's parts use Envoy's v3 field names, units and defaults;
//! the synthetic world (clients, backends, network) has its own names, documented in
//! `docs/scenario-format.md`.

use std::num::NonZeroU32;

use serde::Deserialize;

use super::limits::Limits;
use super::values::{Percent, Probability};
use crate::dist::Distribution;
use crate::time::SimDuration;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name shown in outputs; defaults to the file's stem.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Seed used when `--seed` is not given.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Stop the run at this simulated time. Without it the run ends when every client is done
    /// and nothing is in flight.
    #[serde(default)]
    pub duration: Option<SimDuration>,
    #[serde(default)]
    pub envoy: EnvoyProcess,
    pub cluster: Cluster,
    #[serde(default)]
    pub route: Route,
    #[serde(default)]
    pub network: Network,
    #[serde(default)]
    pub clients: Vec<Client>,
    #[serde(default)]
    pub backends: Vec<BackendGroup>,
    /// Guards on the run's size: events processed and requests in flight.
    #[serde(default)]
    pub limits: Limits,
}

fn default_seed() -> u64 {
    1
}

/// The Envoy process itself.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvoyProcess {
    /// Worker threads (`--concurrency`). Each worker has its own connection pools and load
    /// balancer; circuit-breaker counters are shared by all.
    #[serde(default = "default_concurrency")]
    pub concurrency: NonZeroU32,
    /// When the outlier detector's interval timer first fires (it is armed when the cluster is
    /// created, long before the scenario starts). Less than `interval`; drawn from the seed
    /// when unset.
    #[serde(default)]
    pub outlier_timer_phase: Option<SimDuration>,
    /// Which `max_ejection_percent` rule to apply: Envoy 1.28 and later, or the older rule that
    /// always allowed the first ejection.
    /// Only with `[cluster.outlier_detection]`.
    #[serde(default)]
    pub max_ejection_percent_rule: Option<MaxEjectionPercentRule>,
}

/// How Envoy caps ejections by `max_ejection_percent`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxEjectionPercentRule {
    /// Envoy 1.28 and later: eject only if `100 * (ejected + 1) / hosts <= max_ejection_percent`.
    #[default]
    Current,
    /// Envoy before 1.28: eject while `100 * ejected / hosts < max_ejection_percent`, so the
    /// first ejection is always allowed.
    #[serde(rename = "before_1_28")]
    Before1_28,
}

fn default_concurrency() -> NonZeroU32 {
    NonZeroU32::new(2).expect("2 is not zero")
}

impl Default for EnvoyProcess {
    fn default() -> Self {
        EnvoyProcess {
            concurrency: default_concurrency(),
            outlier_timer_phase: None,
            max_ejection_percent_rule: None,
        }
    }
}

/// `envoy.config.cluster.v3.Cluster`, the fields breakersim models.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    pub name: String,
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout: SimDuration,
    #[serde(default)]
    pub lb_policy: LbPolicy,
    #[serde(default)]
    pub circuit_breakers: CircuitBreakers,
    /// Present: the cluster speaks HTTP/2 upstream (the v3 `Cluster.http2_protocol_options`).
    #[serde(default)]
    pub http2_protocol_options: Option<Http2ProtocolOptions>,
    #[serde(default)]
    pub common_http_protocol_options: CommonHttpProtocolOptions,
    #[serde(default)]
    pub common_lb_config: CommonLbConfig,
    #[serde(default)]
    pub least_request_lb_config: LeastRequestLbConfig,
    /// Without this table the cluster has no outlier detector and nothing is ever ejected.
    #[serde(default)]
    pub outlier_detection: Option<OutlierDetection>,
}

/// `config.core.v3.Http2ProtocolOptions`: the part breakersim models.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http2ProtocolOptions {
    /// Streams at once per connection: 1 to 2147483647, Envoy's default.
    #[serde(default)]
    pub max_concurrent_streams: Option<u32>,
}

/// `config.core.v3.HttpProtocolOptions`: the part breakersim models.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonHttpProtocolOptions {
    /// Requests over a connection's life; 0 or unset means unlimited (HTTP/2: 2^29).
    #[serde(default)]
    pub max_requests_per_connection: Option<u32>,
}

/// `Cluster.CommonLbConfig`: the part breakersim models.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonLbConfig {
    /// Below this share of available hosts a priority is in panic and its balancer uses all of
    /// its hosts, healthy or not. `{ value = 50.0 }` (or a bare number); 0 disables panic.
    #[serde(default = "default_panic_threshold")]
    pub healthy_panic_threshold: Percent,
}

fn default_panic_threshold() -> Percent {
    Percent(50.0)
}

impl Default for CommonLbConfig {
    fn default() -> Self {
        CommonLbConfig {
            healthy_panic_threshold: default_panic_threshold(),
        }
    }
}

/// `Cluster.LeastRequestLbConfig`: the part breakersim models.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeastRequestLbConfig {
    /// Hosts drawn per pick when weights are equal (at least 2).
    #[serde(default = "default_choice_count")]
    pub choice_count: u32,
}

fn default_choice_count() -> u32 {
    2
}

impl Default for LeastRequestLbConfig {
    fn default() -> Self {
        LeastRequestLbConfig {
            choice_count: default_choice_count(),
        }
    }
}

/// `envoy.config.cluster.v3.OutlierDetection`, every field, with Envoy's defaults. Durations
/// are strings (`"10s"`); percentages are whole numbers 0..=100;
/// `success_rate_stdev_factor` is the factor times 1000, as in Envoy.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutlierDetection {
    #[serde(default = "five")]
    pub consecutive_5xx: u32,
    #[serde(default = "default_interval")]
    pub interval: SimDuration,
    #[serde(default = "default_base_ejection_time")]
    pub base_ejection_time: SimDuration,
    #[serde(default = "ten")]
    pub max_ejection_percent: u32,
    #[serde(default = "hundred")]
    pub enforcing_consecutive_5xx: u32,
    #[serde(default = "hundred")]
    pub enforcing_success_rate: u32,
    #[serde(default = "five_u64")]
    pub success_rate_minimum_hosts: u64,
    #[serde(default = "hundred_u64")]
    pub success_rate_request_volume: u64,
    #[serde(default = "default_stdev_factor")]
    pub success_rate_stdev_factor: u64,
    #[serde(default = "five")]
    pub consecutive_gateway_failure: u32,
    #[serde(default)]
    pub enforcing_consecutive_gateway_failure: u32,
    #[serde(default)]
    pub split_external_local_origin_errors: bool,
    #[serde(default = "five")]
    pub consecutive_local_origin_failure: u32,
    #[serde(default = "hundred")]
    pub enforcing_consecutive_local_origin_failure: u32,
    #[serde(default = "hundred")]
    pub enforcing_local_origin_success_rate: u32,
    #[serde(default = "default_failure_percentage_threshold")]
    pub failure_percentage_threshold: u32,
    #[serde(default)]
    pub enforcing_failure_percentage: u32,
    #[serde(default)]
    pub enforcing_failure_percentage_local_origin: u32,
    #[serde(default = "five_u64")]
    pub failure_percentage_minimum_hosts: u64,
    #[serde(default = "fifty_u64")]
    pub failure_percentage_request_volume: u64,
    /// Defaults to max(300s, base_ejection_time).
    #[serde(default)]
    pub max_ejection_time: Option<SimDuration>,
    #[serde(default)]
    pub max_ejection_time_jitter: SimDuration,
    /// Accepted for copy-paste; breakersim models no active health checking, so it has no effect.
    #[serde(default = "yes")]
    pub successful_active_health_check_uneject_host: bool,
    #[serde(default)]
    pub always_eject_one_host: bool,
}

fn five() -> u32 {
    5
}
fn ten() -> u32 {
    10
}
fn hundred() -> u32 {
    100
}
fn five_u64() -> u64 {
    5
}
fn fifty_u64() -> u64 {
    50
}
fn hundred_u64() -> u64 {
    100
}
fn default_stdev_factor() -> u64 {
    1900
}
fn default_failure_percentage_threshold() -> u32 {
    85
}
fn default_interval() -> SimDuration {
    SimDuration::from_secs(10)
}
fn default_base_ejection_time() -> SimDuration {
    SimDuration::from_secs(30)
}

fn default_connect_timeout() -> SimDuration {
    SimDuration::from_secs(5)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum LbPolicy {
    #[default]
    #[serde(rename = "ROUND_ROBIN")]
    RoundRobin,
    #[serde(rename = "LEAST_REQUEST")]
    LeastRequest,
    #[serde(rename = "RANDOM")]
    Random,
}

/// `envoy.config.cluster.v3.CircuitBreakers`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreakers {
    #[serde(default)]
    pub thresholds: Vec<Thresholds>,
    /// Per-host limits. Envoy honours only `max_connections` here, so only it is accepted.
    #[serde(default)]
    pub per_host_thresholds: Vec<PerHostThresholds>,
}

/// `CircuitBreakers.Thresholds` in `per_host_thresholds`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerHostThresholds {
    #[serde(default)]
    pub priority: RoutingPriority,
    #[serde(default)]
    pub max_connections: Option<u32>,
}

/// `Thresholds.RetryBudget`: while configured, it replaces `max_retries`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryBudget {
    /// Share of active plus pending requests that may be retries (Envoy default 20%).
    #[serde(default)]
    pub budget_percent: Option<Percent>,
    /// Retries always allowed at once (Envoy default 3).
    #[serde(default)]
    pub min_retry_concurrency: Option<u32>,
}

/// `RoutingPriority`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum RoutingPriority {
    #[default]
    #[serde(rename = "DEFAULT")]
    Default,
    #[serde(rename = "HIGH")]
    High,
}

impl RoutingPriority {
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

/// `CircuitBreakers.Thresholds`. Unset limits take Envoy's defaults (1024/1024/1024/3).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default)]
    pub priority: RoutingPriority,
    #[serde(default)]
    pub max_connections: Option<u32>,
    #[serde(default)]
    pub max_pending_requests: Option<u32>,
    #[serde(default)]
    pub max_requests: Option<u32>,
    #[serde(default)]
    pub max_retries: Option<u32>,
    #[serde(default)]
    pub track_remaining: bool,
    /// Counts only if `budget_percent` or `min_retry_concurrency` is set, as in Envoy.
    #[serde(default)]
    pub retry_budget: Option<RetryBudget>,
}

/// `envoy.config.route.v3.RouteAction`, the fields breakersim models.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Covers the whole request from the moment Envoy has received it; `0s` disables it.
    #[serde(default = "default_route_timeout")]
    pub timeout: SimDuration,
    #[serde(default)]
    pub priority: RoutingPriority,
    #[serde(default)]
    pub retry_policy: Option<RetryPolicy>,
    /// Istio's default retry policy of this Istio version (`"1.24"`, `"1.23"`, ...), for a route
    /// without retries of its own: none before 1.1; 1.1-1.23 also retry 503; 1.24 on do not.
    /// Mutually exclusive with `retry_policy` (validation rejects both).
    #[serde(default, deserialize_with = "istio_version_string")]
    pub istio_default_retry_policy: Option<String>,
}

/// An Istio version must be a string: as a number, `1.30` would silently become `1.3`.
fn istio_version_string<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Number(f64),
    }
    match Written::deserialize(d)? {
        Written::Text(s) => Ok(Some(s)),
        Written::Number(n) => Err(serde::de::Error::custom(format!(
            "write the Istio version as a quoted string such as \"1.24\", not the number {n} (a number loses trailing zeros: 1.30 would read as 1.3); with --set: 'route.istio_default_retry_policy=\"1.24\"'"
        ))),
    }
}

/// `envoy.config.route.v3.RetryPolicy`: the parts breakersim models, Envoy's names and defaults.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Comma-separated conditions, as in Envoy: `5xx`, `gateway-error`, `connect-failure`,
    /// `retriable-4xx`, `reset`, `reset-before-request`, `retriable-status-codes`; also
    /// `refused-stream`, which never matches (breakersim's backends cannot refuse HTTP/2 streams
    /// today), and the gRPC ones (which never match here either).
    #[serde(default)]
    pub retry_on: String,
    #[serde(default = "one_u32")]
    pub num_retries: u32,
    /// Starts when an attempt gets a connection; must be below the route timeout to count.
    #[serde(default)]
    pub per_try_timeout: Option<SimDuration>,
    #[serde(default)]
    pub retriable_status_codes: Vec<u16>,
    #[serde(default)]
    pub retry_back_off: Option<RetryBackOff>,
    /// Only `envoy.retry_host_predicates.previous_hosts` is modelled.
    #[serde(default)]
    pub retry_host_predicate: Vec<RetryHostPredicate>,
    #[serde(default = "one_u32")]
    pub host_selection_retry_max_attempts: u32,
}

fn one_u32() -> u32 {
    1
}

/// `RetryPolicy.RetryBackOff`. As in Envoy, both intervals must be greater than 0 and are used
/// in whole milliseconds: cut toward zero, then at least 1 ms.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryBackOff {
    pub base_interval: SimDuration,
    /// Defaults to 10 x `base_interval` (in whole milliseconds); must not be below it.
    #[serde(default)]
    pub max_interval: Option<SimDuration>,
}

/// `RetryPolicy.RetryHostPredicate` (by name; no typed config needed for previous_hosts).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryHostPredicate {
    pub name: String,
}

fn default_route_timeout() -> SimDuration {
    SimDuration::from_secs(15)
}

impl Default for Route {
    fn default() -> Self {
        Route {
            timeout: default_route_timeout(),
            priority: RoutingPriority::Default,
            retry_policy: None,
            istio_default_retry_policy: None,
        }
    }
}

/// The network on each side of Envoy.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Clients ↔ Envoy.
    #[serde(default = "Link::local")]
    pub downstream: Link,
    /// Envoy ↔ backends.
    #[serde(default = "Link::local")]
    pub upstream: Link,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            downstream: Link::local(),
            upstream: Link::local(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// One-way latency of every message.
    #[serde(default = "default_latency")]
    pub latency: Distribution,
    /// Time from starting a TCP connect to the connection being usable.
    #[serde(default = "default_connect_time")]
    pub connect_time: Distribution,
}

fn default_latency() -> Distribution {
    Distribution::constant(SimDuration::from_micros(50))
}

fn default_connect_time() -> Distribution {
    Distribution::constant(SimDuration::from_micros(100))
}

impl Link {
    pub fn local() -> Self {
        Link {
            latency: default_latency(),
            connect_time: default_connect_time(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// Workers that each send a request, wait for its response, pause, and repeat (like `hey`).
    ClosedLoop,
    /// Requests at a rate, whatever happens to earlier ones.
    OpenLoop,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    /// Exactly `1 / rate` apart.
    Constant,
    /// A Poisson process: exponential gaps with mean `1 / rate`.
    #[default]
    Poisson,
}

/// A synthetic client. Fields that apply to one kind only are rejected on the other.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    #[serde(default)]
    pub name: Option<String>,
    pub kind: ClientKind,
    #[serde(default)]
    pub start: SimDuration,
    /// How long the client keeps sending, from its `start`. Without it the client sends until
    /// its requests are done or the scenario's `duration` ends the run.
    #[serde(default)]
    pub duration: Option<SimDuration>,
    /// Reuse the downstream connection (HTTP/1.1 keep-alive) or open one per request.
    #[serde(default = "yes")]
    pub keep_alive: bool,
    // closed loop
    #[serde(default)]
    pub workers: Option<NonZeroU32>,
    #[serde(default)]
    pub requests_per_worker: Option<u64>,
    #[serde(default)]
    pub turnaround: Option<Distribution>,
    // open loop
    #[serde(default)]
    pub rate: Option<f64>,
    #[serde(default)]
    pub arrivals: Option<Arrivals>,
}

fn yes() -> bool {
    true
}

/// A group of identical backend hosts, each one endpoint of the cluster.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendGroup {
    pub name: String,
    #[serde(default = "one")]
    pub replicas: NonZeroU32,
    /// Each host's `load_balancing_weight` (1 or more).
    #[serde(default = "one")]
    pub weight: NonZeroU32,
    /// The priority of the hosts' `LocalityLbEndpoints` (0 is the highest).
    #[serde(default)]
    pub priority: u32,
    #[serde(default)]
    pub service_time: Distribution,
    /// Requests served at once per host; more wait in a FIFO queue. 0 means no limit.
    #[serde(default)]
    pub concurrency: u32,
    /// Requests that may wait in each host's queue; one more is answered 503 at once.
    #[serde(default = "default_max_queue_length")]
    pub max_queue_length: u32,
    /// HTTP/1.1 keep-alive; `false` answers like an HTTP/1.0 server and closes every connection
    /// after its response (as `python3 -m http.server` does).
    #[serde(default = "yes")]
    pub keep_alive: bool,
    #[serde(default)]
    pub error_probability: Probability,
    /// Status returned with `error_probability`.
    #[serde(default = "default_error_status")]
    pub error_status: u16,
    /// Changes of behaviour over time, in order of `at`.
    #[serde(default)]
    pub phases: Vec<Phase>,
}

fn one() -> NonZeroU32 {
    NonZeroU32::MIN
}

/// Default of `max_queue_length`: the longest queue of a shipped scenario is retry-storm's
/// 1,501 (requests given up by their per-try timeout still wait their turn); 100,000 waiting
/// requests take 1.6 MB.
pub const DEFAULT_MAX_QUEUE_LENGTH: u32 = 100_000;

fn default_max_queue_length() -> u32 {
    DEFAULT_MAX_QUEUE_LENGTH
}

fn default_error_status() -> u16 {
    500
}

/// What a backend host does with requests at some moment: the group's fields with the phases
/// that have started applied.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendBehaviour {
    pub service_time: Distribution,
    pub concurrency: u32,
    pub keep_alive: bool,
    pub error_probability: Probability,
    pub error_status: u16,
    /// Down: connects are refused, and connections and requests in flight are reset.
    pub crashed: bool,
    /// Unreachable: connects never complete and requests in flight are never answered.
    pub black_hole: bool,
    /// Service times are multiplied by this (a slow period).
    pub latency_multiplier: f64,
}

impl BackendGroup {
    /// The behaviour before any phase.
    pub fn initial_behaviour(&self) -> BackendBehaviour {
        BackendBehaviour {
            service_time: self.service_time.clone(),
            concurrency: self.concurrency,
            keep_alive: self.keep_alive,
            error_probability: self.error_probability,
            error_status: self.error_status,
            crashed: false,
            black_hole: false,
            latency_multiplier: 1.0,
        }
    }
}

/// From `at` on, the given fields replace the host group's behaviour.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub at: SimDuration,
    #[serde(default)]
    pub service_time: Option<Distribution>,
    #[serde(default)]
    pub concurrency: Option<u32>,
    #[serde(default)]
    pub keep_alive: Option<bool>,
    #[serde(default)]
    pub error_probability: Option<Probability>,
    #[serde(default)]
    pub error_status: Option<u16>,
    /// `true`: the hosts crash (refuse connects, reset what is in flight) until a later phase
    /// sets it back to `false`.
    #[serde(default)]
    pub crashed: Option<bool>,
    /// `true`: the hosts stop answering anything (connects time out) until set back.
    #[serde(default)]
    pub black_hole: Option<bool>,
    /// Multiplies service times from this phase on (1.0 is normal speed).
    #[serde(default)]
    pub latency_multiplier: Option<f64>,
    /// A graceful restart at `at`: HTTP/2 connections get GOAWAY and drain; HTTP/1 keep-alive
    /// connections are closed once idle.
    #[serde(default)]
    pub restart: bool,
}

impl BackendBehaviour {
    /// This behaviour with a phase's fields applied.
    pub fn with_phase(&self, phase: &Phase) -> BackendBehaviour {
        BackendBehaviour {
            service_time: phase
                .service_time
                .clone()
                .unwrap_or_else(|| self.service_time.clone()),
            concurrency: phase.concurrency.unwrap_or(self.concurrency),
            keep_alive: phase.keep_alive.unwrap_or(self.keep_alive),
            error_probability: phase.error_probability.unwrap_or(self.error_probability),
            error_status: phase.error_status.unwrap_or(self.error_status),
            crashed: phase.crashed.unwrap_or(self.crashed),
            black_hole: phase.black_hole.unwrap_or(self.black_hole),
            latency_multiplier: phase.latency_multiplier.unwrap_or(self.latency_multiplier),
        }
    }
}
