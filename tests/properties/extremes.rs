//! Extreme values in every field a `--set` can reach: zero, one, the largest integers, the
//! longest durations (`5124095h` is just under 2^64 ns), NaN and infinities, odd strings and
//! tables, on every shipped scenario. `check`, then `run` with a low `limits.max_events`: each
//! succeeds or fails as bad input with a located message, never a panic or an overflow.

use proptest::prelude::*;
use proptest::sample::select;

use super::mutations::{check_and_run, scenario_files, workdir};

const PATHS: &[&str] = &[
    "seed",
    "duration",
    "envoy.concurrency",
    "envoy.outlier_timer_phase",
    "cluster.connect_timeout",
    "cluster.lb_policy",
    "cluster.http2_protocol_options.max_concurrent_streams",
    "cluster.common_http_protocol_options.max_requests_per_connection",
    "cluster.common_lb_config.healthy_panic_threshold",
    "cluster.least_request_lb_config.choice_count",
    "cluster.circuit_breakers.thresholds.0.max_connections",
    "cluster.circuit_breakers.thresholds.0.max_pending_requests",
    "cluster.circuit_breakers.thresholds.0.max_requests",
    "cluster.circuit_breakers.thresholds.0.max_retries",
    "cluster.circuit_breakers.thresholds.0.retry_budget.budget_percent",
    "cluster.circuit_breakers.thresholds.0.retry_budget.min_retry_concurrency",
    "cluster.outlier_detection.consecutive_5xx",
    "cluster.outlier_detection.consecutive_gateway_failure",
    "cluster.outlier_detection.interval",
    "cluster.outlier_detection.base_ejection_time",
    "cluster.outlier_detection.max_ejection_time",
    "cluster.outlier_detection.max_ejection_time_jitter",
    "cluster.outlier_detection.max_ejection_percent",
    "cluster.outlier_detection.success_rate_minimum_hosts",
    "cluster.outlier_detection.success_rate_request_volume",
    "cluster.outlier_detection.success_rate_stdev_factor",
    "cluster.outlier_detection.failure_percentage_threshold",
    "cluster.outlier_detection.failure_percentage_request_volume",
    "cluster.outlier_detection.enforcing_failure_percentage",
    "route.timeout",
    "route.retry_policy.retry_on",
    "route.retry_policy.num_retries",
    "route.retry_policy.per_try_timeout",
    "route.retry_policy.host_selection_retry_max_attempts",
    "route.retry_policy.retry_back_off.base_interval",
    "route.retry_policy.retry_back_off.max_interval",
    "route.retry_policy.retriable_status_codes",
    "network.downstream.latency",
    "network.downstream.connect_time",
    "network.upstream.latency",
    "network.upstream.connect_time",
    "clients.0.workers",
    "clients.0.requests_per_worker",
    "clients.0.rate",
    "clients.0.start",
    "clients.0.duration",
    "clients.0.turnaround",
    "backends.0.replicas",
    "backends.0.weight",
    "backends.0.priority",
    "backends.0.service_time",
    "backends.0.concurrency",
    "backends.0.max_queue_length",
    "backends.0.error_probability",
    "backends.0.error_status",
    "backends.0.phases.0.at",
    "backends.0.phases.0.latency_multiplier",
    "backends.0.phases.0.concurrency",
    "limits.max_in_flight",
];

const VALUES: &[&str] = &[
    "0",
    "1",
    "2",
    "-1",
    "127",
    "128",
    "599",
    "65535",
    "2147483647",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "0.0",
    "1e-9",
    "0.5",
    "1e9",
    "1e308",
    "nan",
    "inf",
    "-inf",
    "0s",
    "1ns",
    "1ms",
    "5124095h",
    "5124096h",
    "18446744073.709551615s",
    "18446744073.709551616s",
    "1.0000000005ns",
    "{ uniform = { min = \"0s\", max = \"5124095h\" } }",
    "{ exponential = { mean = \"5124095h\" } }",
    "{ lognormal = { median = \"5124095h\", p99 = \"5124095h\" } }",
    "{ lognormal = { median = \"1ns\", p99 = \"5124095h\" } }",
    "{ value = 1e308 }",
    "{ value = nan }",
    "[503, 0, 65535]",
    "5xx,reset,connect-failure",
    "RANDOM",
    "LEAST_REQUEST",
    "''",
];

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn extreme_values_fail_as_bad_input_or_run(
        which in any::<usize>(),
        sets in proptest::collection::vec((select(PATHS), select(VALUES)), 1..=3),
    ) {
        let (name, text) = &scenario_files()[which % scenario_files().len()];
        let path = workdir().join(format!("extreme-{}", name.replace('/', "-")));
        std::fs::write(&path, text).expect("write");
        let sets: Vec<String> = sets.iter().map(|(p, v)| format!("{p}={v}")).collect();
        check_and_run(&path, sets)?;
    }
}
