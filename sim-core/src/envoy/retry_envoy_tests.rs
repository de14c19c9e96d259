//! Ports of Envoy's retry-state unit tests, `test/common/router/retry_state_impl_test.cc`
//! (`RouterRetryStateImplTest`; the newest version the reference index holds is of mid-2020,
//! and the budget and HTTP/3 cases are from later ones), with their expected figures.
//!
//! How Envoy's fixture maps onto [`Fixture`]:
//! - `policy_` (or an `x-envoy-retry-on` / `x-envoy-max-retries` request header, which only
//!   set the same `retry_on` and `num_retries`) is the route's `retry_policy` in TOML;
//!   `TestRetryPolicy` defaults to 1 retry, and the mock runtime's `upstream.base_retry_backoff_ms`
//!   to its default, 25 ms;
//! - `NiceMock<Upstream::MockClusterInfo>`'s resource manager allows 1 connection, 1024 pending
//!   requests, 1024 requests and 1 retry ([`MOCK_CLUSTER`]);
//! - `shouldRetryHeaders` is [`Fixture::headers`], `shouldRetryReset` is [`Fixture::reset`];
//!   `enableTimer(ms)` on the retry timer is the back-off in [`RetryStatus::Yes`];
//! - the reset reasons: `Overflow`, `ConnectionFailure` and `RemoteRefusedStreamReset` are
//!   [`ResetKind::Overflow`], [`ResetKind::ConnectFailure`] and [`ResetKind::RefusedStream`];
//!   `RemoteReset` is [`REMOTE_RESET`].

use super::cluster_stats::ClusterStats;
use super::random::MockRandom;
use super::resource_manager::ResourceManager;
use super::retry::{
    ResetKind, RetryConfig, RetryDecision, RetryOn, RetryState, RetryStatus, TOO_EARLY,
};
use crate::scenario::{RetryPolicy, Route, Thresholds};
use crate::time::SimDuration;

/// `MockClusterInfo`'s `ResourceManagerImpl(runtime_, "fake_key", 1, 1024, 1024, 1, ...)`.
const MOCK_CLUSTER: &str = "max_connections = 1\nmax_retries = 1";

/// Envoy's `RemoteReset` (the peer reset the stream). breakersim's closest reason is a
/// connection closed under the request; `wouldRetryFromReset` treats every reset that is
/// neither an overflow, a connect failure nor a refused stream alike, and both come after
/// request bytes went upstream, so `reset-before-request` treats them alike too.
const REMOTE_RESET: ResetKind = ResetKind::ConnectionTermination;

/// One request's retry state against a fresh cluster: `RouterRetryStateImplTest`.
struct Fixture {
    cfg: RetryConfig,
    state: RetryState,
    rm: ResourceManager,
    stats: ClusterStats,
    random: MockRandom,
}

impl Fixture {
    /// `setup()` with the route's `retry_policy` (TOML) and the cluster's thresholds (TOML).
    fn with(policy: &str, thresholds: &str) -> Self {
        let policy: RetryPolicy = toml::from_str(policy).expect("valid retry_policy");
        let cfg = RetryConfig::from_policy(&policy, SimDuration::from_secs(15)).expect("modelled");
        let t: Thresholds = toml::from_str(thresholds).expect("valid thresholds");
        Fixture {
            state: RetryState::new(&cfg),
            cfg,
            rm: ResourceManager::from_thresholds(Some(&t)),
            stats: ClusterStats::new(),
            random: MockRandom::default(),
        }
    }

    /// `x-envoy-retry-on: <retry_on>` on the mock cluster.
    fn on(retry_on: &str) -> Self {
        Self::with(&format!("retry_on = \"{retry_on}\""), MOCK_CLUSTER)
    }

    /// `shouldRetryHeaders` for a response with this `:status`.
    fn headers(&mut self, status: u16) -> RetryStatus {
        let decision = self.cfg.would_retry_status(status);
        self.should_retry(decision)
    }

    /// `shouldRetryReset` for this reset reason.
    fn reset(&mut self, reset: ResetKind) -> RetryStatus {
        let decision = RetryDecision::with_backoff_if(self.cfg.would_retry_reset(reset));
        self.should_retry(decision)
    }

    fn should_retry(&mut self, decision: RetryDecision) -> RetryStatus {
        let (rm, stats, random) = (&mut self.rm, &mut self.stats, &mut self.random);
        self.state.should_retry(decision, rm, stats, random)
    }
}

fn is_yes(s: RetryStatus) -> bool {
    matches!(s, RetryStatus::Yes(_))
}

/// `RetryStatus::Yes` with the retry timer enabled for `ms`.
fn yes_after_ms(ms: u64) -> RetryStatus {
    RetryStatus::Yes(SimDuration::from_millis(ms))
}

/// The shape of many of Envoy's cases: the outcome is retried once (the timer armed), then the
/// single retry of the default policy is spent.
fn retried_once_then_limit(mut outcome: impl FnMut(&mut Fixture) -> RetryStatus, f: &mut Fixture) {
    assert!(is_yes(outcome(f)), "first outcome retried");
    assert_eq!(f.stats.upstream_rq_retry_backoff_exponential, 1);
    assert_eq!(outcome(f), RetryStatus::NoRetryLimitExceeded);
}

// ---------------------------------------------------------------------------------------------
// Which outcomes each retry_on condition retries
// ---------------------------------------------------------------------------------------------

/// Envoy: RouterRetryStateImplTest.PolicyNoneRemoteReset
/// No retry policy and no retry header: `RetryStateImpl::create` returns no state at all.
/// breakersim's router builds a state only from a route's retry configuration with some
/// `retry_on` condition (`Proxy::new_retry_state`).
#[test]
fn router_retry_state_impl_test_policy_none_remote_reset() {
    let route: Route = toml::from_str("").expect("a route with defaults");
    assert_eq!(RetryConfig::for_route(&route), Ok(None));
    assert!(RetryOn::parse("").expect("empty is valid").is_empty());
}

/// Envoy: RouterRetryStateImplTest.PolicyRefusedStream
#[test]
fn router_retry_state_impl_test_policy_refused_stream() {
    let mut f = Fixture::on("refused-stream");
    retried_once_then_limit(|f| f.reset(ResetKind::RefusedStream), &mut f);
}

/// Envoy: RouterRetryStateImplTest.Policy5xxResetOverflow
#[test]
fn router_retry_state_impl_test_policy_5xx_reset_overflow() {
    let mut f = Fixture::on("5xx");
    assert_eq!(f.reset(ResetKind::Overflow), RetryStatus::No);
}

/// Envoy: RouterRetryStateImplTest.Policy5xxRemoteReset
#[test]
fn router_retry_state_impl_test_policy_5xx_remote_reset() {
    let mut f = Fixture::on("5xx");
    retried_once_then_limit(|f| f.reset(REMOTE_RESET), &mut f);
}

/// Envoy: RouterRetryStateImplTest.Policy5xxRemote503
#[test]
fn router_retry_state_impl_test_policy_5xx_remote_503() {
    let mut f = Fixture::on("5xx");
    retried_once_then_limit(|f| f.headers(503), &mut f);
}

/// Envoy: RouterRetryStateImplTest.PolicyGatewayErrorRemote502
#[test]
fn router_retry_state_impl_test_policy_gateway_error_remote_502() {
    let mut f = Fixture::on("gateway-error");
    retried_once_then_limit(|f| f.headers(502), &mut f);
}

/// Envoy: RouterRetryStateImplTest.PolicyGatewayErrorRemote503
#[test]
fn router_retry_state_impl_test_policy_gateway_error_remote_503() {
    let mut f = Fixture::on("gateway-error");
    retried_once_then_limit(|f| f.headers(503), &mut f);
}

/// Envoy: RouterRetryStateImplTest.PolicyGatewayErrorRemote504
#[test]
fn router_retry_state_impl_test_policy_gateway_error_remote_504() {
    let mut f = Fixture::on("gateway-error");
    retried_once_then_limit(|f| f.headers(504), &mut f);
}

/// Envoy: RouterRetryStateImplTest.PolicyGatewayErrorResetOverflow
#[test]
fn router_retry_state_impl_test_policy_gateway_error_reset_overflow() {
    let mut f = Fixture::on("gateway-error");
    assert_eq!(f.reset(ResetKind::Overflow), RetryStatus::No);
}

/// Envoy: RouterRetryStateImplTest.PolicyGatewayErrorRemoteReset
#[test]
fn router_retry_state_impl_test_policy_gateway_error_remote_reset() {
    let mut f = Fixture::on("gateway-error");
    retried_once_then_limit(|f| f.reset(REMOTE_RESET), &mut f);
}

/// Envoy: RouterRetryStateImplTest.Policy5xxRemote200RemoteReset
/// A 200 is not retried; a reset after it still is, once.
#[test]
fn router_retry_state_impl_test_policy_5xx_remote_200_remote_reset() {
    let mut f = Fixture::on("5xx");
    assert_eq!(f.headers(200), RetryStatus::No);
    assert!(is_yes(f.reset(REMOTE_RESET)));
    assert_eq!(f.reset(REMOTE_RESET), RetryStatus::NoRetryLimitExceeded);
}

/// Envoy: RouterRetryStateImplTest.PolicyConnectFailureOtherReset
#[test]
fn router_retry_state_impl_test_policy_connect_failure_other_reset() {
    let mut f = Fixture::on("connect-failure");
    assert_eq!(f.reset(REMOTE_RESET), RetryStatus::No);
}

/// Envoy: RouterRetryStateImplTest.PolicyConnectFailureResetConnectFailure
#[test]
fn router_retry_state_impl_test_policy_connect_failure_reset_connect_failure() {
    let mut f = Fixture::on("connect-failure");
    assert!(is_yes(f.reset(ResetKind::ConnectFailure)));
}

/// Envoy: RouterRetryStateImplTest.PolicyRetriable4xxRetry
#[test]
fn router_retry_state_impl_test_policy_retriable_4xx_retry() {
    let mut f = Fixture::on("retriable-4xx");
    assert!(is_yes(f.headers(409)));
}

/// Envoy: RouterRetryStateImplTest.PolicyRetriable4xxNoRetry
#[test]
fn router_retry_state_impl_test_policy_retriable_4xx_no_retry() {
    let mut f = Fixture::on("retriable-4xx");
    assert_eq!(f.headers(400), RetryStatus::No);
}

/// Envoy: RouterRetryStateImplTest.PolicyRetriable4xxReset
#[test]
fn router_retry_state_impl_test_policy_retriable_4xx_reset() {
    let mut f = Fixture::on("retriable-4xx");
    assert_eq!(f.reset(REMOTE_RESET), RetryStatus::No);
}

/// Envoy: RouterRetryStateImplTest.RetriableStatusCodes (through `verifyRetryWithRemoteResponse`
/// in later versions): 409 listed under `retriable-status-codes` is retried with the back-off
/// timer, then the single retry is spent.
#[test]
fn router_retry_state_impl_test_retriable_status_codes() {
    let mut f = Fixture::with(
        "retry_on = \"retriable-status-codes\"\nretriable_status_codes = [409]",
        MOCK_CLUSTER,
    );
    retried_once_then_limit(|f| f.headers(409), &mut f);
}

/// Envoy: RouterRetryStateImplTest.RetriableStatusCodesUpstreamReset
/// `retriable-status-codes` alone does not retry a reset.
#[test]
fn router_retry_state_impl_test_retriable_status_codes_upstream_reset() {
    let mut f = Fixture::with(
        "retry_on = \"retriable-status-codes\"\nretriable_status_codes = [409]",
        MOCK_CLUSTER,
    );
    assert_eq!(f.reset(REMOTE_RESET), RetryStatus::No);
}

/// Envoy: RouterRetryStateImplTest.PolicyResetRemoteReset
#[test]
fn router_retry_state_impl_test_policy_reset_remote_reset() {
    let mut f = Fixture::on("reset");
    retried_once_then_limit(|f| f.reset(REMOTE_RESET), &mut f);
}

/// Envoy: RouterRetryStateImplTest.Http3AutoConfigRetryOnTooEarlyRetriableStatusCode, with 425
/// listed in the policy instead of added by an HTTP/3 cluster (breakersim has no HTTP/3;
/// `wouldRetryFromHeaders` treats both the same): a 425 is retried through the schedulable
/// callback (`scheduleCallbackNextIteration`), not the back-off timer, so no back-off is drawn
/// or counted; then the single retry is spent. The downstream request carries no `Early-Data`
/// header (NoRetryUponTooEarlyStatusCodeWithDownstreamEarlyData, where it does, cannot arise
/// here).
#[test]
fn router_retry_state_impl_test_http3_auto_config_retry_on_too_early_retriable_status_code() {
    let mut f = Fixture::with(
        "retry_on = \"retriable-status-codes\"\nretriable_status_codes = [425]",
        MOCK_CLUSTER,
    );
    assert_eq!(f.headers(TOO_EARLY), RetryStatus::Yes(SimDuration::ZERO));
    assert_eq!(f.random.draws(), 0, "no back-off drawn");
    assert_eq!(f.stats.upstream_rq_retry, 1);
    assert_eq!(f.stats.upstream_rq_retry_backoff_exponential, 0);
    assert_eq!(
        f.rm.retries.current(),
        1,
        "the slot is held like any retry's"
    );
    assert_eq!(f.headers(TOO_EARLY), RetryStatus::NoRetryLimitExceeded);
    assert_eq!(f.rm.retries.current(), 0);
}

/// From `wouldRetryFromHeaders` (`source/common/router/retry_state_impl.cc`): 425 is a 4xx
/// other than 409, so only `retriable-status-codes` listing it retries it (no default); a 425
/// under `5xx`, `retriable-4xx` or another list is not retried.
#[test]
fn too_early_is_retried_only_when_listed() {
    for policy in [
        "retry_on = \"5xx\"",
        "retry_on = \"retriable-4xx\"",
        "retry_on = \"retriable-status-codes\"\nretriable_status_codes = [409]",
    ] {
        let mut f = Fixture::with(policy, MOCK_CLUSTER);
        assert_eq!(f.headers(TOO_EARLY), RetryStatus::No, "{policy}");
    }
}

// ---------------------------------------------------------------------------------------------
// Retries left, the retry breaker, back-off
// ---------------------------------------------------------------------------------------------

/// Envoy: RouterRetryStateImplTest.RouteConfigNoRetriesAllowed
/// `num_retries` 0: a retriable connect failure is refused for the limit, not retried.
#[test]
fn router_retry_state_impl_test_route_config_no_retries_allowed() {
    let mut f = Fixture::with(
        "retry_on = \"connect-failure\"\nnum_retries = 0",
        MOCK_CLUSTER,
    );
    assert_eq!(
        f.reset(ResetKind::ConnectFailure),
        RetryStatus::NoRetryLimitExceeded
    );
}

/// Envoy: RouterRetryStateImplTest.RouteConfigNoHeaderConfig
/// The route's own policy, no request header: `connect-failure` with 1 retry.
#[test]
fn router_retry_state_impl_test_route_config_no_header_config() {
    let mut f = Fixture::with(
        "retry_on = \"connect-failure\"\nnum_retries = 1",
        MOCK_CLUSTER,
    );
    assert!(is_yes(f.reset(ResetKind::ConnectFailure)));
}

/// Envoy: RouterRetryStateImplTest.NoAvailableRetries
/// Every limit 0: the retry breaker refuses, and `upstream_rq_retry_overflow` counts it.
#[test]
fn router_retry_state_impl_test_no_available_retries() {
    let mut f = Fixture::with(
        "retry_on = \"connect-failure\"",
        "max_connections = 0\nmax_pending_requests = 0\nmax_requests = 0\nmax_retries = 0",
    );
    assert_eq!(f.reset(ResetKind::ConnectFailure), RetryStatus::NoOverflow);
    assert_eq!(f.stats.upstream_rq_retry_overflow, 1);
}

/// Envoy: RouterRetryStateImplTest.MaxRetriesHeader, with its `x-envoy-max-retries: 3` as the
/// route's `num_retries` (the header only overrides that number): three connect failures are
/// retried, each releasing the slot its predecessor held before taking one, so the mock's
/// `max_retries` of 1 never refuses; with the third held `rq_retry_open` is 1; the fourth is
/// refused for the limit; 3 retries, none counted a success.
#[test]
fn router_retry_state_impl_test_max_retries_header() {
    let mut f = Fixture::with(
        "retry_on = \"connect-failure\"\nnum_retries = 3",
        MOCK_CLUSTER,
    );
    for _ in 0..3 {
        assert!(is_yes(f.reset(ResetKind::ConnectFailure)));
    }
    assert!(f.rm.retries.is_open(), "rq_retry_open");
    assert_eq!(
        f.reset(ResetKind::ConnectFailure),
        RetryStatus::NoRetryLimitExceeded
    );
    assert_eq!(f.stats.upstream_rq_retry, 3);
    assert_eq!(f.stats.upstream_rq_retry_success, 0);
}

/// Envoy: RouterRetryStateImplTest.Backoff
/// Base 25 ms: with `random()` 190 each time the timer is set to 190 % 25 = 15, 190 % 50 = 40,
/// 190 % 100 = 90 ms; the 200 that follows counts one retry success and frees the slot.
#[test]
fn router_retry_state_impl_test_backoff() {
    let mut f = Fixture::with(
        "retry_on = \"connect-failure\"\nnum_retries = 3",
        MOCK_CLUSTER,
    );
    for ms in [15, 40, 90] {
        f.random.will_once(190);
        assert_eq!(f.reset(ResetKind::ConnectFailure), yes_after_ms(ms));
    }
    assert_eq!(f.headers(200), RetryStatus::No);
    assert_eq!(f.stats.upstream_rq_retry, 3);
    assert_eq!(f.stats.upstream_rq_retry_success, 1);
    assert!(!f.rm.retries.is_open(), "rq_retry_open");
}

/// The timers `shouldRetryReset` sets for connect failures, one scripted `random()` each.
fn connect_failure_backoffs(policy: &str, randoms: &[u64]) -> Vec<RetryStatus> {
    let mut f = Fixture::with(policy, MOCK_CLUSTER);
    randoms
        .iter()
        .map(|&r| {
            f.random.will_once(r);
            f.reset(ResetKind::ConnectFailure)
        })
        .collect()
}

/// Envoy: RouterRetryStateImplTest.CustomBackOffInterval
/// Base 100 ms, max 1200 ms: ceilings 100, 200, 400, 800, 1200.
#[test]
fn router_retry_state_impl_test_custom_back_off_interval() {
    let policy = "retry_on = \"connect-failure\"\nnum_retries = 10\n\
                  retry_back_off = { base_interval = \"100ms\", max_interval = \"1200ms\" }";
    assert_eq!(
        connect_failure_backoffs(policy, &[149, 350, 751, 2399, 2399]),
        [49, 150, 351, 799, 1199].map(yes_after_ms)
    );
}

/// Envoy: RouterRetryStateImplTest.CustomBackOffIntervalDefaultMax
/// Base 100 ms, the maximum 10 x that: ceilings 100, 200, 400, 800, 1000.
#[test]
fn router_retry_state_impl_test_custom_back_off_interval_default_max() {
    let policy = "retry_on = \"connect-failure\"\nnum_retries = 10\n\
                  retry_back_off = { base_interval = \"100ms\" }";
    assert_eq!(
        connect_failure_backoffs(policy, &[149, 350, 751, 2999, 2999]),
        [49, 150, 351, 599, 999].map(yes_after_ms)
    );
}

/// Envoy: RouterRetryStateImplTest.HostSelectionAttempts
#[test]
fn router_retry_state_impl_test_host_selection_attempts() {
    let f = Fixture::with(
        "retry_on = \"connect-failure\"\nhost_selection_retry_max_attempts = 2",
        MOCK_CLUSTER,
    );
    assert_eq!(f.cfg.host_selection_retry_max_attempts, 2);
}

/// Envoy: RouterRetryStateImplTest.Cancel
/// A retry armed, then the request goes away: the state's end (Envoy's destructor,
/// `resetRetry`) gives the held retry slot back.
#[test]
fn router_retry_state_impl_test_cancel() {
    let mut f = Fixture::on("connect-failure");
    assert!(is_yes(f.reset(ResetKind::ConnectFailure)));
    assert_eq!(f.rm.retries.current(), 1);
    f.state.release(&mut f.rm);
    assert_eq!(f.rm.retries.current(), 0);
}

/// Envoy: RouterRetryStateImplTest.NoPreferredOverLimitExceeded
/// With no retry left, a response that is not retriable is `No`, not `NoRetryLimitExceeded`.
#[test]
fn router_retry_state_impl_test_no_preferred_over_limit_exceeded() {
    let mut f = Fixture::with("retry_on = \"5xx\"\nnum_retries = 1", MOCK_CLUSTER);
    assert!(is_yes(f.headers(503)));
    assert_eq!(f.headers(200), RetryStatus::No);
}

// ---------------------------------------------------------------------------------------------
// Retry budgets
// ---------------------------------------------------------------------------------------------

/// Envoy: RouterRetryStateImplTest.BudgetAvailableRetries
/// Every limit 0, but a budget of 20 %, at least 3, allows the retry.
#[test]
fn router_retry_state_impl_test_budget_available_retries() {
    let mut f = Fixture::with(
        "retry_on = \"5xx\"",
        "max_connections = 0\nmax_pending_requests = 0\nmax_requests = 0\nmax_retries = 0\n\
         retry_budget = { budget_percent = { value = 20.0 }, min_retry_concurrency = 3 }",
    );
    assert!(is_yes(f.headers(500)));
}

/// Envoy: RouterRetryStateImplTest.BudgetNoAvailableRetries
/// `max_retries` 5 would allow it, but a budget of 0 %, at least 0, allows none.
#[test]
fn router_retry_state_impl_test_budget_no_available_retries() {
    let mut f = Fixture::with(
        "retry_on = \"5xx\"",
        "max_connections = 0\nmax_pending_requests = 0\nmax_requests = 20\nmax_retries = 5\n\
         retry_budget = { budget_percent = { value = 0.0 }, min_retry_concurrency = 0 }",
    );
    assert_eq!(f.headers(500), RetryStatus::NoOverflow);
}

/// Envoy: RouterRetryStateImplTest.BudgetVerifyMinimumConcurrency (up to its runtime
/// override, which breakersim has no runtime for): 2 retries held elsewhere, 3 allowed at
/// least, so this one is allowed; with 4 held (its own released first, then 3 < 3 fails) it
/// overflows; 20 active requests raise the budget to floor(0.2 x 20) = 4, so it is allowed
/// again; one more held elsewhere and it overflows.
#[test]
fn router_retry_state_impl_test_budget_verify_minimum_concurrency() {
    let mut f = Fixture::with(
        "retry_on = \"5xx\"\nnum_retries = 42",
        "max_connections = 0\nmax_pending_requests = 0\nmax_requests = 0\nmax_retries = 0\n\
         retry_budget = { budget_percent = { value = 20.0 }, min_retry_concurrency = 3 }",
    );
    f.rm.retries.inc();
    f.rm.retries.inc();
    assert!(is_yes(f.headers(500)));
    f.rm.retries.inc();
    assert_eq!(f.headers(500), RetryStatus::NoOverflow);
    for _ in 0..20 {
        f.rm.requests.inc();
    }
    assert!(is_yes(f.headers(500)));
    f.rm.retries.inc();
    assert_eq!(f.headers(500), RetryStatus::NoOverflow);
}

// ---------------------------------------------------------------------------------------------
// Parsing retry_on
// ---------------------------------------------------------------------------------------------

/// Envoy: RouterRetryStateImplTest.ParseRetryOn
/// Tokens are trimmed; an unknown one (`xxx`, `5 xx`) makes the list not all valid and is
/// dropped, the others kept (`5xx | gateway-error | connect-failure` = 7, without `5xx` 6).
#[test]
fn router_retry_state_impl_test_parse_retry_on() {
    let all = RetryOn::parse("5xx,gateway-error,connect-failure").expect("all valid");
    assert!(all.five_xx && all.gateway_error && all.connect_failure);
    let spaced = RetryOn::parse(" 5xx,gateway-error ,  connect-failure   ").expect("trimmed");
    assert_eq!(spaced, all);
    for (config, unknown) in [
        ("xxx,gateway-error,connect-failure", "xxx"),
        (" 5 xx,gateway-error ,  connect-failure   ", "5 xx"),
    ] {
        assert!(RetryOn::parse(config).is_err(), "{config}");
        let (known, dropped) = RetryOn::split_known(config);
        assert_eq!(known, "gateway-error,connect-failure");
        assert_eq!(dropped, [unknown]);
        let kept = RetryOn::parse(&known).expect("known conditions parse");
        assert!(!kept.five_xx && kept.gateway_error && kept.connect_failure);
    }
}

/// Envoy: RouterRetryStateImplTest.ParseRetryGrpcOn
/// The gRPC conditions are known (breakersim accepts them; they never match, having no gRPC);
/// a misspelt one (`resource-exhaust`, `resource- exhausted`) is not.
#[test]
fn router_retry_state_impl_test_parse_retry_grpc_on() {
    for valid in [
        "cancelled,deadline-exceeded,resource-exhausted",
        "   cancelled,deadline-exceeded   ,   resource-exhausted   ",
    ] {
        assert_eq!(RetryOn::split_known(valid).1, Vec::<String>::new());
        assert!(RetryOn::parse(valid).is_ok());
    }
    for (config, unknown) in [
        (
            "cancelled,deadline-exceeded,resource-exhaust",
            "resource-exhaust",
        ),
        (
            "   cancelled,deadline-exceeded   ,   resource- exhausted   ",
            "resource- exhausted",
        ),
    ] {
        let (known, dropped) = RetryOn::split_known(config);
        assert_eq!(known, "cancelled,deadline-exceeded");
        assert_eq!(dropped, [unknown]);
    }
}
