//! The router's retry decisions for one request.
//!
//! Follows `source/common/router/retry_state_impl.cc` (`shouldRetry`, `wouldRetryFromHeaders`,
//! `wouldRetryFromReset`), `source/common/common/backoff_strategy.cc`
//! (`JitteredExponentialBackOffStrategy`) and the retry breaker of `resource_manager_impl.h`:
//! - a retry is decided per attempt outcome; the retry slot (`retries`) is held from the
//!   decision until the next decision or the end of the request;
//! - `num_retries` is checked before the breaker: `upstream_rq_retry_limit_exceeded` (URX)
//!   comes first, then `upstream_rq_retry_overflow` (UO);
//! - a decision not to retry after an armed retry counts `upstream_rq_retry_success`;
//! - back-off `k` waits uniformly in `[0, min(base * 2^(k-1), max))` ms, counted in
//!   `upstream_rq_retry_backoff_exponential`;
//! - a 425 (Too Early) matched by `retriable-status-codes` is retried at once, on the next
//!   dispatcher iteration, with no back-off drawn or counted (`RetryDecision::RetryImmediately`).

use super::cluster_stats::ClusterStats;
use super::random::RandomSource;
use super::resource_manager::ResourceManager;
use super::version::{Behaviour, EnvoyVersion};
use crate::istio_version::IstioVersion;
use crate::scenario::{RetryPolicy, Route};
use crate::time::SimDuration;

/// Envoy's default base back-off (`upstream.base_retry_backoff_ms`).
pub const DEFAULT_BASE_INTERVAL_MS: u64 = 25;

/// The `retry_on` conditions breakersim can meet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetryOn {
    /// `5xx`: any 5xx response, and any reset or connect failure (not a breaker's overflow).
    pub five_xx: bool,
    /// `gateway-error`: 502, 503 or 504, and any reset or connect failure (not an overflow).
    pub gateway_error: bool,
    /// `connect-failure`: the connection could not be made or timed out.
    pub connect_failure: bool,
    /// `retriable-4xx`: a 409.
    pub retriable_4xx: bool,
    /// `refused-stream`: HTTP/2 `REFUSED_STREAM`.
    pub refused_stream: bool,
    /// `reset`: any reset or connect failure (not an overflow).
    pub reset: bool,
    /// `reset-before-request`: a reset or connect failure before request bytes went upstream.
    pub reset_before_request: bool,
    /// `retriable-status-codes`: a status in the policy's `retriable_status_codes`.
    pub retriable_status_codes: bool,
}

/// Conditions Envoy accepts that never match here (gRPC statuses, headers, rate limits).
const NEVER_MATCHING: &[&str] = &[
    "cancelled",
    "deadline-exceeded",
    "internal",
    "resource-exhausted",
    "unavailable",
    "retriable-headers",
    "envoy-ratelimited",
    "http3-post-connect-failure",
];

impl RetryOn {
    /// Parses Envoy's comma-separated `retry_on`.
    pub fn parse(text: &str) -> Result<RetryOn, String> {
        let mut on = RetryOn::default();
        for token in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            match token {
                "5xx" => on.five_xx = true,
                "gateway-error" => on.gateway_error = true,
                "connect-failure" => on.connect_failure = true,
                "retriable-4xx" => on.retriable_4xx = true,
                "refused-stream" => on.refused_stream = true,
                "reset" => on.reset = true,
                "reset-before-request" => on.reset_before_request = true,
                "retriable-status-codes" => on.retriable_status_codes = true,
                t if NEVER_MATCHING.contains(&t) => {}
                other => {
                    return Err(format!(
                        "unknown retry_on condition `{other}`: allowed 5xx, gateway-error, connect-failure, retriable-4xx, refused-stream, reset, reset-before-request, retriable-status-codes, and {}",
                        NEVER_MATCHING.join(", ")
                    ));
                }
            }
        }
        Ok(on)
    }

    /// Splits Envoy's comma-separated `retry_on` into the conditions Envoy knows (joined with
    /// commas) and those it does not. Envoy's route config keeps only the known ones and drops
    /// the rest without a word: `RetryPolicyImpl` takes `RetryStateImpl::parseRetryOn(...).first`
    /// and ignores its `all_fields_valid` half (`source/common/router/config_impl.cc`).
    pub fn split_known(text: &str) -> (String, Vec<String>) {
        let (known, unknown): (Vec<&str>, Vec<&str>) = text
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .partition(|t| RetryOn::parse(t).is_ok());
        (
            known.join(","),
            unknown.into_iter().map(String::from).collect(),
        )
    }

    /// No condition set, so nothing is retried.
    pub fn is_empty(&self) -> bool {
        *self == RetryOn::default()
    }
}

/// A route's retry policy, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    /// The conditions that allow a retry.
    pub retry_on: RetryOn,
    /// Statuses retried under `retriable-status-codes`.
    pub retriable_status_codes: Vec<u16>,
    /// Retries allowed after the first attempt (`num_retries`).
    pub num_retries: u32,
    /// Ignored (None) when not below a non-zero route timeout, as Envoy does.
    pub per_try_timeout: Option<SimDuration>,
    /// Back-off base (ms, whole): `retry_back_off.base_interval`, default 25 ms.
    pub base_interval_ms: u64,
    /// Back-off ceiling (ms, whole): `retry_back_off.max_interval`, default 10 x the base.
    pub max_interval_ms: u64,
    /// The `envoy.retry_host_predicates.previous_hosts` predicate is on: retries avoid hosts
    /// already attempted.
    pub previous_hosts: bool,
    /// Picks per attempt while the predicate rejects the host (`host_selection_retry_max_attempts`).
    pub host_selection_retry_max_attempts: u32,
    /// A listed 425 is retried at once, without back-off (Envoy 1.22 on,
    /// [`Behaviour::TooEarlyRetriedAtOnce`]); before, after the back-off like any listed status.
    pub too_early_retried_at_once: bool,
}

/// The name of the only retry host predicate breakersim models.
pub const PREVIOUS_HOSTS: &str = "envoy.retry_host_predicates.previous_hosts";

/// Why a route cannot have both `retry_policy` and `istio_default_retry_policy`.
pub const BOTH_RETRY_POLICIES: &str = "cannot be used together with [route.retry_policy]: the two are mutually exclusive (Istio's default applies only to a route without retries of its own); remove one of them";

/// A `retry_back_off` interval as Envoy's router uses it (`RetryPolicyImpl` in
/// `source/common/router/retry_policy_impl.cc`): `PROTOBUF_GET_MS_*` converts the duration with
/// `DurationUtil::durationToMilliseconds`, which cuts it to whole milliseconds (protobuf's
/// `TimeUtil::DurationToMilliseconds` rounds toward zero), and a result below 1 ms becomes
/// 1 ms. So `"1.9ms"` is 1 ms and `"0.5ms"` is 1 ms.
pub fn backoff_ms(interval: SimDuration) -> u64 {
    interval.as_millis().max(1)
}

impl RetryConfig {
    /// The route's `retry_policy` resolved against its timeout; `Err` names what cannot be modelled.
    pub fn from_policy(p: &RetryPolicy, route_timeout: SimDuration) -> Result<RetryConfig, String> {
        let back_off = p.retry_back_off.as_ref();
        let base = back_off.map_or(DEFAULT_BASE_INTERVAL_MS, |b| backoff_ms(b.base_interval));
        // Envoy's default maximum is 10 x the base already in whole milliseconds.
        let max = back_off
            .and_then(|b| b.max_interval)
            .map_or(base * 10, backoff_ms);
        let per_try_timeout = p
            .per_try_timeout
            .filter(|t| !t.is_zero())
            .filter(|t| route_timeout.is_zero() || *t < route_timeout);
        Ok(RetryConfig {
            retry_on: RetryOn::parse(&p.retry_on)?,
            retriable_status_codes: p.retriable_status_codes.clone(),
            num_retries: p.num_retries,
            per_try_timeout,
            base_interval_ms: base,
            max_interval_ms: max,
            previous_hosts: p
                .retry_host_predicate
                .iter()
                .any(|h| h.name == PREVIOUS_HOSTS),
            host_selection_retry_max_attempts: p.host_selection_retry_max_attempts,
            too_early_retried_at_once: true,
        })
    }

    /// This configuration as Envoy `version` applies it.
    pub fn for_version(self, version: EnvoyVersion) -> RetryConfig {
        RetryConfig {
            too_early_retried_at_once: version.has(Behaviour::TooEarlyRetriedAtOnce),
            ..self
        }
    }

    /// The route's retry policy: its own, or Istio's default of the version asked for (never
    /// both: validation rejects that).
    pub fn for_route(route: &Route) -> Result<Option<RetryConfig>, String> {
        let policy = match (&route.retry_policy, &route.istio_default_retry_policy) {
            (Some(_), Some(_)) => return Err(BOTH_RETRY_POLICIES.to_string()),
            (Some(p), None) => Some(p.clone()),
            (None, Some(version)) => istio_default_retry_policy(&version.0)?,
            (None, None) => None,
        };
        policy
            .map(|p| RetryConfig::from_policy(&p, route.timeout))
            .transpose()
    }

    /// `wouldRetryFromHeaders` for a response status, in Envoy's order: `5xx`,
    /// `gateway-error`, `retriable-4xx` (409) retry with back-off; then `retriable-status-codes`:
    /// any listed status but 425 with back-off, a listed 425 at once.
    ///
    /// The 425 branch follows `RetryStateImpl::wouldRetryFromHeaders` in
    /// `source/common/router/retry_state_impl.cc`: a 425 is retried immediately (and with early
    /// data disabled) when the downstream request has no `Early-Data` header, and not retried
    /// when it has one. breakersim's clients never send early data (no HTTP/3), so a listed
    /// 425 is always retried at once. Envoy 1.22 added this behind the runtime guard
    /// `envoy.reloadable_features.conn_pool_new_stream_with_early_data_and_http3` (default
    /// on; with it off a 425 took the back-off like any listed status); current Envoy has no
    /// guard. `too_early_retried_at_once` switches between the two.
    pub fn would_retry_status(&self, status: u16) -> RetryDecision {
        let on = &self.retry_on;
        if (on.five_xx && (500..600).contains(&status))
            || (on.gateway_error && matches!(status, 502..=504))
            || (on.retriable_4xx && status == 409)
        {
            return RetryDecision::RetryWithBackoff;
        }
        if !(on.retriable_status_codes && self.retriable_status_codes.contains(&status)) {
            return RetryDecision::NoRetry;
        }
        if status == TOO_EARLY && self.too_early_retried_at_once {
            RetryDecision::RetryImmediately
        } else {
            RetryDecision::RetryWithBackoff
        }
    }

    /// `wouldRetryFromReset`, in Envoy's order: overflow never; connect failures with
    /// `connect-failure`; `reset-before-request` when nothing was sent; `reset`; any reset for
    /// `5xx` and `gateway-error`; `refused-stream` for a refused stream.
    pub fn would_retry_reset(&self, reset: ResetKind) -> bool {
        let on = &self.retry_on;
        match reset {
            ResetKind::Overflow => false,
            _ if on.connect_failure && reset == ResetKind::ConnectFailure => true,
            _ if on.reset_before_request && !reset.request_sent() => true,
            _ if on.reset || on.five_xx || on.gateway_error => true,
            _ => on.refused_stream && reset == ResetKind::RefusedStream,
        }
    }
}

/// Istio's default HTTP retry policy by version (istio `route/retry/retry.go`): none before 1.1;
/// `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`, 2 retries,
/// previous_hosts with 5 host selection attempts since; 503 retriable from 1.1 to 1.23 only.
pub fn istio_default_retry_policy(version: &str) -> Result<Option<RetryPolicy>, String> {
    let v = IstioVersion::parse(version)?;
    if v < IstioVersion(1, 1) {
        return Ok(None);
    }
    let codes = if v < IstioVersion(1, 24) {
        vec![503]
    } else {
        vec![]
    };
    Ok(Some(RetryPolicy {
        retry_on: "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
            .into(),
        num_retries: 2,
        per_try_timeout: None,
        retriable_status_codes: codes,
        retry_back_off: None,
        retry_host_predicate: vec![crate::scenario::RetryHostPredicate {
            name: PREVIOUS_HOSTS.into(),
        }],
        host_selection_retry_max_attempts: if v < IstioVersion(1, 2) { 3 } else { 5 },
    }))
}

/// HTTP 425 Too Early (`Http::Code::TooEarly`).
pub const TOO_EARLY: u16 = 425;

/// `RetryState::RetryDecision`: whether an outcome is retriable, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryDecision {
    /// Not retriable.
    NoRetry,
    /// Retriable after the jittered exponential back-off.
    RetryWithBackoff,
    /// Retriable on the next dispatcher iteration, with no back-off (a 425).
    RetryImmediately,
}

impl RetryDecision {
    /// A reset's yes or no (`wouldRetryFromReset` answers only with back-off over HTTP/1 and
    /// HTTP/2; its immediate retries are for HTTP/3, not modelled).
    pub fn with_backoff_if(retriable: bool) -> Self {
        if retriable {
            RetryDecision::RetryWithBackoff
        } else {
            RetryDecision::NoRetry
        }
    }
}

/// Why an attempt ended without a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetKind {
    /// A circuit breaker refused it.
    Overflow,
    /// The connection could not be made (refused or timed out).
    ConnectFailure,
    /// The connection closed under the request (`ConnectionTermination`).
    ConnectionTermination,
    /// Envoy reset it (`LocalReset`): the reason a per-try timeout's retry is checked under.
    /// Answered, if not retried, by `reply_for_reset` as Envoy's `onUpstreamReset` would (503
    /// LR); a per-try timeout itself is answered 504 UT instead.
    LocalReset,
    /// The backend refused the HTTP/2 stream (`REFUSED_STREAM`, Envoy's
    /// `RemoteRefusedStreamReset`): 503 UR. A backend with `http2_max_concurrent_streams`
    /// refuses the streams past its limit sent before Envoy has its SETTINGS.
    RefusedStream,
}

impl ResetKind {
    /// Whether request bytes had gone upstream (not for a connect failure or an overflow).
    pub fn request_sent(self) -> bool {
        !matches!(self, ResetKind::Overflow | ResetKind::ConnectFailure)
    }
}

/// The result of `shouldRetry`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryStatus {
    /// Retry after this back-off; zero for an immediate retry (Envoy's
    /// `scheduleCallbackNextIteration`: after the work of the current event).
    Yes(SimDuration),
    /// Do not retry: the outcome is not retriable, or it was a success.
    No,
    /// `num_retries` used up (flag URX).
    NoRetryLimitExceeded,
    /// The retry breaker refused (flag UO).
    NoOverflow,
}

/// `JitteredExponentialBackOffStrategy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    next_ms: u64,
    max_ms: u64,
}

impl Backoff {
    /// Back-off starting at `base_ms`, its ceiling doubling up to `max_ms`.
    pub fn new(base_ms: u64, max_ms: u64) -> Self {
        Backoff {
            next_ms: base_ms,
            max_ms,
        }
    }

    /// `nextBackOffMs`: one `random()` draw modulo the current ceiling (so uniform in
    /// `[0, current)`), then the ceiling doubles up to max.
    pub fn next(&mut self, rng: &mut impl RandomSource) -> SimDuration {
        let ceiling = self.next_ms.max(1);
        self.next_ms = if self.next_ms < self.max_ms / 2 {
            self.next_ms * 2
        } else {
            self.max_ms
        };
        SimDuration::from_millis(rng.random() % ceiling)
    }
}

/// One request's retry state.
#[derive(Clone, Debug)]
pub struct RetryState {
    remaining: u32,
    backoff: Backoff,
    /// A retry was decided and its slot is held.
    armed: bool,
    /// Hosts attempted so far (previous_hosts).
    pub attempted: Vec<usize>,
}

impl RetryState {
    /// A fresh state for one request: every retry left, back-off at its base.
    pub fn new(cfg: &RetryConfig) -> Self {
        RetryState {
            remaining: cfg.num_retries,
            backoff: Backoff::new(cfg.base_interval_ms, cfg.max_interval_ms),
            armed: false,
            attempted: Vec::new(),
        }
    }

    /// `shouldRetry`, given whether and how the outcome is retriable. Only a retry with back-off
    /// draws a random number and counts `upstream_rq_retry_backoff_exponential`
    /// (`enableBackoffTimer`); an immediate one schedules its callback for the next iteration.
    pub fn should_retry(
        &mut self,
        decision: RetryDecision,
        rm: &mut ResourceManager,
        stats: &mut ClusterStats,
        rng: &mut impl RandomSource,
    ) -> RetryStatus {
        let would_retry = decision != RetryDecision::NoRetry;
        if self.armed && !would_retry {
            stats.upstream_rq_retry_success += 1;
        }
        self.release(rm);
        if !would_retry {
            return RetryStatus::No;
        }
        if self.remaining == 0 {
            stats.upstream_rq_retry_limit_exceeded += 1;
            return RetryStatus::NoRetryLimitExceeded;
        }
        self.remaining -= 1;
        if !rm.can_create_retry() {
            stats.upstream_rq_retry_overflow += 1;
            return RetryStatus::NoOverflow;
        }
        self.armed = true;
        rm.inc_retry();
        stats.upstream_rq_retry += 1;
        if decision == RetryDecision::RetryImmediately {
            return RetryStatus::Yes(SimDuration::ZERO);
        }
        stats.upstream_rq_retry_backoff_exponential += 1;
        RetryStatus::Yes(self.backoff.next(rng))
    }

    /// `resetRetry`: the held retry slot is given back.
    pub fn release(&mut self, rm: &mut ResourceManager) {
        if std::mem::take(&mut self.armed) {
            rm.dec_retry();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamKind, stream};

    /// Retry k waits uniformly in [0, min(25 * 2^(k-1), 250)) ms: ceilings 25, 50, 100, 200,
    /// 250, 250.
    #[test]
    fn backoff_windows_of_retries_1_to_6() {
        let mut rng = stream(1, StreamKind::Client, 0);
        let ceilings = [25, 50, 100, 200, 250, 250];
        let mut maxima = [0u64; 6];
        for _ in 0..4000 {
            let mut b = Backoff::new(25, 250);
            for (k, ceiling) in ceilings.iter().enumerate() {
                let d = b.next(&mut rng).as_millis();
                assert!(d < *ceiling, "retry {} waited {d} ms", k + 1);
                maxima[k] = maxima[k].max(d);
            }
        }
        for (k, ceiling) in ceilings.iter().enumerate() {
            assert_eq!(
                maxima[k],
                ceiling - 1,
                "the window of retry {} is used whole",
                k + 1
            );
        }
    }

    #[test]
    fn retry_on_parses_envoys_conditions() {
        let on = RetryOn::parse("5xx, connect-failure,unavailable").unwrap();
        assert!(on.five_xx && on.connect_failure && !on.gateway_error);
        assert!(
            RetryOn::parse("5xxx")
                .unwrap_err()
                .contains("unknown retry_on")
        );
        assert!(RetryOn::parse("cancelled").unwrap().is_empty());
    }

    fn config(retry_on: &str) -> RetryConfig {
        let policy: RetryPolicy = toml::from_str(&format!("retry_on = \"{retry_on}\"")).unwrap();
        RetryConfig::from_policy(&policy, SimDuration::from_secs(15)).unwrap()
    }

    #[test]
    fn which_outcomes_are_retried() {
        let yes = |c: &RetryConfig, status| c.would_retry_status(status) != RetryDecision::NoRetry;
        let gw = config("gateway-error");
        assert!(yes(&gw, 503) && !yes(&gw, 500));
        let c409 = config("retriable-4xx");
        assert!(yes(&c409, 409) && !yes(&c409, 404));
        let cf = config("connect-failure");
        assert!(cf.would_retry_reset(ResetKind::ConnectFailure));
        assert!(!cf.would_retry_reset(ResetKind::ConnectionTermination));
        assert!(
            !cf.would_retry_reset(ResetKind::LocalReset),
            "a per-try timeout is not a connect failure"
        );
        let rbr = config("reset-before-request");
        assert!(rbr.would_retry_reset(ResetKind::ConnectFailure));
        assert!(!rbr.would_retry_reset(ResetKind::LocalReset));
        for on in ["5xx", "gateway-error", "reset"] {
            let c = config(on);
            assert!(c.would_retry_reset(ResetKind::LocalReset), "{on}");
            assert!(
                !c.would_retry_reset(ResetKind::Overflow),
                "{on}: overflow is never retried"
            );
        }
        let mut codes = config("retriable-status-codes");
        codes.retriable_status_codes = vec![503];
        assert!(yes(&codes, 503) && !yes(&codes, 500));
    }

    #[test]
    fn istio_defaults_by_version() {
        assert_eq!(
            istio_default_retry_policy("1.0")
                .unwrap()
                .map(|p| p.num_retries),
            None
        );
        let old = istio_default_retry_policy("1.23").unwrap().unwrap();
        assert_eq!(old.retriable_status_codes, vec![503]);
        assert_eq!(old.host_selection_retry_max_attempts, 5);
        let new = istio_default_retry_policy("1.24").unwrap().unwrap();
        assert!(new.retriable_status_codes.is_empty());
        assert_eq!(new.num_retries, 2);
        assert_eq!(
            istio_default_retry_policy("1.1")
                .unwrap()
                .unwrap()
                .host_selection_retry_max_attempts,
            3
        );
        assert!(istio_default_retry_policy("latest").is_err());
    }

    fn back_off(table: &str) -> (u64, u64) {
        let p: RetryPolicy =
            toml::from_str(&format!("retry_on = \"5xx\"\nretry_back_off = {table}")).unwrap();
        let c = RetryConfig::from_policy(&p, SimDuration::from_secs(15)).unwrap();
        (c.base_interval_ms, c.max_interval_ms)
    }

    /// Envoy's `RetryPolicyImpl` (`source/common/router/retry_policy_impl.cc`) cuts both
    /// intervals to whole milliseconds (`DurationUtil::durationToMilliseconds`, toward zero),
    /// raises a result below 1 ms to 1 ms, and `RetryStateImpl` defaults the maximum to 10 x that
    /// base: "1.9ms" → 1 ms (max 10); "0.5ms" → 1 ms, so max 10 ms, not 10 x 0.5 = 5 ms; an
    /// explicit "0.2ms" maximum → 1 ms; "25.999ms" → 25 ms (max 250).
    #[test]
    fn back_off_intervals_are_cut_to_whole_milliseconds_at_least_1() {
        assert_eq!(back_off("{ base_interval = \"1.9ms\" }"), (1, 10));
        assert_eq!(back_off("{ base_interval = \"0.5ms\" }"), (1, 10));
        assert_eq!(
            back_off("{ base_interval = \"0.5ms\", max_interval = \"0.2ms\" }"),
            (1, 1)
        );
        assert_eq!(back_off("{ base_interval = \"25.999ms\" }"), (25, 250));
        assert_eq!(
            back_off("{ base_interval = \"10ms\", max_interval = \"30.7ms\" }"),
            (10, 30)
        );
        let default: RetryPolicy = toml::from_str("retry_on = \"5xx\"").unwrap();
        let c = RetryConfig::from_policy(&default, SimDuration::from_secs(15)).unwrap();
        assert_eq!((c.base_interval_ms, c.max_interval_ms), (25, 250));
    }

    /// A route with both policies has no retry configuration (validation names the field).
    #[test]
    fn both_policies_on_a_route_are_refused() {
        let route: Route = toml::from_str(
            "istio_default_retry_policy = \"1.24\"\n[retry_policy]\nretry_on = \"5xx\"",
        )
        .unwrap();
        assert_eq!(
            RetryConfig::for_route(&route).unwrap_err(),
            BOTH_RETRY_POLICIES
        );
    }

    /// The per-try timeout counts only below the route timeout.
    #[test]
    fn per_try_timeout_at_or_above_the_route_timeout_is_ignored() {
        let p: RetryPolicy =
            toml::from_str("retry_on = \"5xx\"\nper_try_timeout = \"2s\"").unwrap();
        let at = |route: u64| {
            RetryConfig::from_policy(&p, SimDuration::from_secs(route))
                .unwrap()
                .per_try_timeout
        };
        assert_eq!(at(15), Some(SimDuration::from_secs(2)));
        assert_eq!(at(2), None);
        assert_eq!(
            at(0),
            Some(SimDuration::from_secs(2)),
            "no route timeout: it counts"
        );
    }
}
