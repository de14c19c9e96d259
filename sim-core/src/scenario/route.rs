//! `[route]`: the route's `envoy.config.route.v3.RouteAction` and its `RetryPolicy`
//! (`api/envoy/config/route/v3/route_components.proto`), the fields breakersim models.

use super::cluster::RoutingPriority;
use crate::scenario_table;
use crate::schema::{IstioVersionText, Rule};
use crate::time::SimDuration;

scenario_table! {
    /// The route's `envoy.config.route.v3.RouteAction`.
    #[envoy("envoy.config.route.v3.RouteAction")]
    #[derive(Default)]
    pub struct Route {
        /// Covers the whole request, every attempt and back-off included, from the moment Envoy
        /// has received it. When it fires, the client gets a 504 with flag `UT`. `"0s"`
        /// disables it.
        timeout: SimDuration { default: "\"15s\"", envoy: Duration },
        /// Routing priority of every request, which selects the thresholds entry that applies.
        priority: RoutingPriority { default: "\"DEFAULT\"", envoy: Enum },
        /// When and how Envoy tries a request again.
        retry_policy: Option<RetryPolicy> { absent: "no retries", envoy: Message },
        /// Without `retry_policy`: the retry policy Istio gives a route whose VirtualService
        /// sets no `retries`, in this Istio version (`"1.24"`): none before 1.1; 1.1 to 1.23
        /// also retry 503; 1.24 on do not. Cannot be combined with `retry_policy`.
        istio_default_retry_policy: Option<IstioVersionText> { absent: "none" },
    }
}

scenario_table! {
    /// `envoy.config.route.v3.RetryPolicy`: when and how Envoy tries a request again.
    #[envoy("envoy.config.route.v3.RetryPolicy")]
    pub struct RetryPolicy {
        /// Comma-separated conditions, as in Envoy (see the table of conditions below).
        retry_on: String { default: "\"\"", envoy: String },
        /// Retries allowed per request, after the first attempt.
        num_retries: u32 { default: "1", envoy: UInt32Value },
        /// Timeout of each attempt, from the moment it gets a connection. Ignored if `"0s"`,
        /// or at or above a non-zero `route.timeout`. On expiry the attempt is reset (an
        /// HTTP/1.1 connection is closed), `upstream_rq_per_try_timeout` is counted and outlier
        /// detection sees a local-origin timeout.
        per_try_timeout: Option<SimDuration> { absent: "none", envoy: Duration },
        /// Statuses that `retriable-status-codes` retries.
        retriable_status_codes: Vec<u16> {
            default: "[]",
            rule: Rule::Range { min: 100, max: 599 },
            envoy: RepeatedUInt32,
        },
        /// Retry k waits a random whole number of milliseconds in [0, min(base × 2^(k−1),
        /// max)).
        retry_back_off: Option<RetryBackOff> { absent: "base `\"25ms\"`, max 10 × base", envoy: Message },
        /// Only `{ name = "envoy.retry_host_predicates.previous_hosts" }`: a retry avoids the
        /// hosts already tried.
        retry_host_predicate: Vec<RetryHostPredicate> { default: "[]", envoy: RepeatedMessage },
        /// With `previous_hosts`, how many times a pick of a host already tried is drawn again.
        /// The last pick stands. breakersim draws at most 1,000 times.
        host_selection_retry_max_attempts: u32 { default: "1", rule: Rule::AtLeast(1), envoy: Int64 },
    }
}

scenario_table! {
    /// `RetryPolicy.RetryBackOff`. As in Envoy, both intervals must be greater than 0 and are
    /// used in whole milliseconds: cut toward zero, then at least 1 ms.
    #[envoy("envoy.config.route.v3.RetryPolicy.RetryBackOff")]
    pub struct RetryBackOff {
        /// The first retry's back-off ceiling.
        base_interval: SimDuration { required, rule: Rule::DurationAboveZero, envoy: Duration },
        /// The ceiling back-offs grow to; not below `base_interval` once both are cut to whole
        /// milliseconds.
        max_interval: Option<SimDuration> {
            absent: "10 × base_interval",
            rule: Rule::DurationAboveZero,
            envoy: Duration,
        },
    }
}

scenario_table! {
    /// `RetryPolicy.RetryHostPredicate`, by name: no typed config is needed for
    /// `previous_hosts`.
    #[envoy("envoy.config.route.v3.RetryPolicy.RetryHostPredicate")]
    pub struct RetryHostPredicate {
        /// The predicate's extension name.
        name: String { required, envoy: String },
    }
}
