//! `envoy.config.cluster.v3`: from `api/envoy/config/cluster/v3/cluster.proto` at Envoy commit
//! 6b35b269394160d9bd96c278c496e8dbd8a4f257, `circuit_breaker.proto` at
//! 01c2c1fadbc61d572c7e02568c98ff001c0bfe8f and `outlier_detection.proto` at
//! b62b88e01756395dd64c8d85ce3483e38892463e (the newer of the two stored versions read: it has
//! `always_eject_one_host`, and `monitors` as a list of extensions).

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[
    Message {
        name: "envoy.config.cluster.v3.Cluster",
        fields: &[
            f("transport_socket_matches", 43, m("envoy.config.cluster.v3.Cluster.TransportSocketMatch")).rep(),
            f("name", 1, String).rule("string.min_len = 1"),
            f("alt_stat_name", 28, String),
            f("type", 2, e("envoy.config.cluster.v3.Cluster.DiscoveryType"))
                .of("cluster_discovery_type")
                .rule("enum.defined_only"),
            f("cluster_type", 38, m("envoy.config.cluster.v3.Cluster.CustomClusterType"))
                .of("cluster_discovery_type"),
            f("eds_cluster_config", 3, m("envoy.config.cluster.v3.Cluster.EdsClusterConfig")),
            f("connect_timeout", 4, DURATION).rule("duration.gt = {}"),
            f("per_connection_buffer_limit_bytes", 5, U32V),
            f("lb_policy", 6, e("envoy.config.cluster.v3.Cluster.LbPolicy")).rule("enum.defined_only"),
            f("load_assignment", 33, m("envoy.config.endpoint.v3.ClusterLoadAssignment")),
            f("health_checks", 8, m("envoy.config.core.v3.HealthCheck")).rep(),
            f("max_requests_per_connection", 9, U32V).dep(),
            f("circuit_breakers", 10, m("envoy.config.cluster.v3.CircuitBreakers")),
            f("upstream_http_protocol_options", 46, m("envoy.config.core.v3.UpstreamHttpProtocolOptions")).dep(),
            f("common_http_protocol_options", 29, m("envoy.config.core.v3.HttpProtocolOptions")).dep(),
            f("http_protocol_options", 13, m("envoy.config.core.v3.Http1ProtocolOptions")).dep(),
            f("http2_protocol_options", 14, m("envoy.config.core.v3.Http2ProtocolOptions")).dep(),
            f("typed_extension_protocol_options", 36, ANY).map(),
            f("dns_refresh_rate", 16, DURATION).rule("duration.gt = {nanos: 1000000}"),
            f("dns_failure_refresh_rate", 44, m("envoy.config.cluster.v3.Cluster.RefreshRate")),
            f("respect_dns_ttl", 39, Bool),
            f("dns_lookup_family", 17, e("envoy.config.cluster.v3.Cluster.DnsLookupFamily")).rule("enum.defined_only"),
            f("dns_resolvers", 18, m("envoy.config.core.v3.Address")).rep().dep(),
            f("use_tcp_for_dns_lookups", 45, Bool).dep(),
            f("dns_resolution_config", 53, m("envoy.config.core.v3.DnsResolutionConfig")).dep(),
            f("typed_dns_resolver_config", 55, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("wait_for_warm_on_init", 54, BOOLV),
            f("outlier_detection", 19, m("envoy.config.cluster.v3.OutlierDetection")),
            f("cleanup_interval", 20, DURATION).rule("duration.gt = {}"),
            f("upstream_bind_config", 21, m("envoy.config.core.v3.BindConfig")),
            f("lb_subset_config", 22, m("envoy.config.cluster.v3.Cluster.LbSubsetConfig")),
            f("ring_hash_lb_config", 23, m("envoy.config.cluster.v3.Cluster.RingHashLbConfig")).of("lb_config"),
            f("maglev_lb_config", 52, m("envoy.config.cluster.v3.Cluster.MaglevLbConfig")).of("lb_config"),
            f("original_dst_lb_config", 34, m("envoy.config.cluster.v3.Cluster.OriginalDstLbConfig")).of("lb_config"),
            f("least_request_lb_config", 37, m("envoy.config.cluster.v3.Cluster.LeastRequestLbConfig")).of("lb_config"),
            f("round_robin_lb_config", 56, m("envoy.config.cluster.v3.Cluster.RoundRobinLbConfig")).of("lb_config"),
            f("common_lb_config", 27, m("envoy.config.cluster.v3.Cluster.CommonLbConfig")),
            f("transport_socket", 24, m("envoy.config.core.v3.TransportSocket")),
            f("metadata", 25, m("envoy.config.core.v3.Metadata")),
            f("protocol_selection", 26, e("envoy.config.cluster.v3.Cluster.ClusterProtocolSelection")).dep(),
            f("upstream_connection_options", 30, m("envoy.config.cluster.v3.UpstreamConnectionOptions")),
            f("close_connections_on_host_health_failure", 31, Bool),
            f("ignore_health_on_host_removal", 32, Bool),
            f("filters", 40, m("envoy.config.cluster.v3.Filter")).rep(),
            f("load_balancing_policy", 41, m("envoy.config.cluster.v3.LoadBalancingPolicy")),
            f("lrs_server", 42, m("envoy.config.core.v3.ConfigSource")),
            f("track_timeout_budgets", 47, Bool).dep(),
            f("upstream_config", 48, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("track_cluster_stats", 49, m("envoy.config.cluster.v3.TrackClusterStats")),
            f("preconnect_policy", 50, m("envoy.config.cluster.v3.Cluster.PreconnectPolicy")),
            f("connection_pool_per_downstream_connection", 51, Bool),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.TransportSocketMatch",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("match", 2, STRUCT),
            f("transport_socket", 3, m("envoy.config.core.v3.TransportSocket")),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.CustomClusterType",
        fields: &[f("name", 1, String).rule("string.min_len = 1"), f("typed_config", 2, ANY)],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.EdsClusterConfig",
        fields: &[
            f("eds_config", 1, m("envoy.config.core.v3.ConfigSource")),
            f("service_name", 2, String),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.LbSubsetConfig",
        fields: &[
            f("fallback_policy", 1, e("envoy.config.cluster.v3.Cluster.LbSubsetConfig.LbSubsetFallbackPolicy"))
                .rule("enum.defined_only"),
            f("default_subset", 2, STRUCT),
            f("subset_selectors", 3, m("envoy.config.cluster.v3.Cluster.LbSubsetConfig.LbSubsetSelector")).rep(),
            f("locality_weight_aware", 4, Bool),
            f("scale_locality_weight", 5, Bool),
            f("panic_mode_any", 6, Bool),
            f("list_as_any", 7, Bool),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.LbSubsetConfig.LbSubsetSelector",
        fields: &[
            f("keys", 1, String).rep(),
            f("single_host_per_subset", 4, Bool),
            f(
                "fallback_policy",
                2,
                e("envoy.config.cluster.v3.Cluster.LbSubsetConfig.LbSubsetSelector.LbSubsetSelectorFallbackPolicy"),
            )
            .rule("enum.defined_only"),
            f("fallback_keys_subset", 3, String).rep(),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.SlowStartConfig",
        fields: &[
            f("slow_start_window", 1, DURATION),
            f("aggression", 2, m("envoy.config.core.v3.RuntimeDouble")),
            f("min_weight_percent", 3, m("envoy.type.v3.Percent")),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.RoundRobinLbConfig",
        fields: &[f("slow_start_config", 1, m("envoy.config.cluster.v3.Cluster.SlowStartConfig"))],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.LeastRequestLbConfig",
        fields: &[
            f("choice_count", 1, U32V).rule("uint32.gte = 2"),
            f("active_request_bias", 2, m("envoy.config.core.v3.RuntimeDouble")),
            f("slow_start_config", 3, m("envoy.config.cluster.v3.Cluster.SlowStartConfig")),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.RingHashLbConfig",
        fields: &[
            f("minimum_ring_size", 1, U64V).rule("uint64.lte = 8388608"),
            f("hash_function", 3, e("envoy.config.cluster.v3.Cluster.RingHashLbConfig.HashFunction"))
                .rule("enum.defined_only"),
            f("maximum_ring_size", 4, U64V).rule("uint64.lte = 8388608"),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.MaglevLbConfig",
        fields: &[f("table_size", 1, U64V).rule("uint64.lte = 5000011")],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.OriginalDstLbConfig",
        fields: &[f("use_http_header", 1, Bool)],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.CommonLbConfig",
        fields: &[
            f("healthy_panic_threshold", 1, m("envoy.type.v3.Percent")),
            f("zone_aware_lb_config", 2, m("envoy.config.cluster.v3.Cluster.CommonLbConfig.ZoneAwareLbConfig"))
                .of("locality_config_specifier"),
            f(
                "locality_weighted_lb_config",
                3,
                m("envoy.config.cluster.v3.Cluster.CommonLbConfig.LocalityWeightedLbConfig"),
            )
            .of("locality_config_specifier"),
            f("update_merge_window", 4, DURATION),
            f("ignore_new_hosts_until_first_hc", 5, Bool),
            f("close_connections_on_host_set_change", 6, Bool),
            f(
                "consistent_hashing_lb_config",
                7,
                m("envoy.config.cluster.v3.Cluster.CommonLbConfig.ConsistentHashingLbConfig"),
            ),
            f("override_host_status", 8, m("envoy.config.core.v3.HealthStatusSet")),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.CommonLbConfig.ZoneAwareLbConfig",
        fields: &[
            f("routing_enabled", 1, m("envoy.type.v3.Percent")),
            f("min_cluster_size", 2, U64V),
            f("fail_traffic_on_panic", 3, Bool),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.CommonLbConfig.LocalityWeightedLbConfig",
        fields: &[],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.CommonLbConfig.ConsistentHashingLbConfig",
        fields: &[
            f("use_hostname_for_hashing", 1, Bool),
            f("hash_balance_factor", 2, U32V).rule("uint32.gte = 100"),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.RefreshRate",
        fields: &[
            f("base_interval", 1, DURATION).rule("duration.required, duration.gt = {nanos: 1000000}"),
            f("max_interval", 2, DURATION).rule("duration.gt = {nanos: 1000000}"),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.Cluster.PreconnectPolicy",
        fields: &[
            f("per_upstream_preconnect_ratio", 1, DOUBLEV).rule("double.lte = 3, double.gte = 1"),
            f("predictive_preconnect_ratio", 2, DOUBLEV).rule("double.lte = 3, double.gte = 1"),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.LoadBalancingPolicy",
        fields: &[f("policies", 1, m("envoy.config.cluster.v3.LoadBalancingPolicy.Policy")).rep()],
    },
    Message {
        name: "envoy.config.cluster.v3.LoadBalancingPolicy.Policy",
        fields: &[f("typed_extension_config", 4, m("envoy.config.core.v3.TypedExtensionConfig"))],
    },
    Message {
        name: "envoy.config.cluster.v3.UpstreamConnectionOptions",
        fields: &[f("tcp_keepalive", 1, m("envoy.config.core.v3.TcpKeepalive"))],
    },
    Message {
        name: "envoy.config.cluster.v3.TrackClusterStats",
        fields: &[f("timeout_budgets", 1, Bool), f("request_response_sizes", 2, Bool)],
    },
    // circuit_breaker.proto
    Message {
        name: "envoy.config.cluster.v3.CircuitBreakers",
        fields: &[
            f("thresholds", 1, m("envoy.config.cluster.v3.CircuitBreakers.Thresholds")).rep(),
            f("per_host_thresholds", 2, m("envoy.config.cluster.v3.CircuitBreakers.Thresholds")).rep(),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.CircuitBreakers.Thresholds",
        fields: &[
            f("priority", 1, e("envoy.config.core.v3.RoutingPriority")).rule("enum.defined_only"),
            f("max_connections", 2, U32V),
            f("max_pending_requests", 3, U32V),
            f("max_requests", 4, U32V),
            f("max_retries", 5, U32V),
            f("retry_budget", 8, m("envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget")),
            f("track_remaining", 6, Bool),
            f("max_connection_pools", 7, U32V),
        ],
    },
    Message {
        name: "envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget",
        fields: &[
            f("budget_percent", 1, m("envoy.type.v3.Percent")),
            f("min_retry_concurrency", 2, U32V),
        ],
    },
    // outlier_detection.proto
    Message {
        name: "envoy.config.cluster.v3.OutlierDetection",
        fields: &[
            f("consecutive_5xx", 1, U32V),
            f("interval", 2, DURATION).rule("duration.gt = {}"),
            f("base_ejection_time", 3, DURATION).rule("duration.gt = {}"),
            f("max_ejection_percent", 4, U32V).rule("uint32.lte = 100"),
            f("enforcing_consecutive_5xx", 5, U32V).rule("uint32.lte = 100"),
            f("enforcing_success_rate", 6, U32V).rule("uint32.lte = 100"),
            f("success_rate_minimum_hosts", 7, U32V),
            f("success_rate_request_volume", 8, U32V),
            f("success_rate_stdev_factor", 9, U32V),
            f("consecutive_gateway_failure", 10, U32V),
            f("enforcing_consecutive_gateway_failure", 11, U32V).rule("uint32.lte = 100"),
            f("split_external_local_origin_errors", 12, Bool),
            f("consecutive_local_origin_failure", 13, U32V),
            f("enforcing_consecutive_local_origin_failure", 14, U32V).rule("uint32.lte = 100"),
            f("enforcing_local_origin_success_rate", 15, U32V).rule("uint32.lte = 100"),
            f("failure_percentage_threshold", 16, U32V).rule("uint32.lte = 100"),
            f("enforcing_failure_percentage", 17, U32V).rule("uint32.lte = 100"),
            f("enforcing_failure_percentage_local_origin", 18, U32V).rule("uint32.lte = 100"),
            f("failure_percentage_minimum_hosts", 19, U32V),
            f("failure_percentage_request_volume", 20, U32V),
            f("max_ejection_time", 21, DURATION).rule("duration.gt = {}"),
            f("max_ejection_time_jitter", 22, DURATION),
            f("successful_active_health_check_uneject_host", 23, BOOLV),
            f("monitors", 24, m("envoy.config.core.v3.TypedExtensionConfig")).rep(),
            f("always_eject_one_host", 25, BOOLV),
        ],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[
    EnumDef {
        name: "envoy.config.cluster.v3.Cluster.DiscoveryType",
        values: &[
            ("STATIC", 0),
            ("STRICT_DNS", 1),
            ("LOGICAL_DNS", 2),
            ("EDS", 3),
            ("ORIGINAL_DST", 4),
        ],
    },
    EnumDef {
        name: "envoy.config.cluster.v3.Cluster.LbPolicy",
        values: &[
            ("ROUND_ROBIN", 0),
            ("LEAST_REQUEST", 1),
            ("RING_HASH", 2),
            ("RANDOM", 3),
            ("MAGLEV", 5),
            ("CLUSTER_PROVIDED", 6),
            ("LOAD_BALANCING_POLICY_CONFIG", 7),
        ],
    },
    EnumDef {
        name: "envoy.config.cluster.v3.Cluster.DnsLookupFamily",
        values: &[
            ("AUTO", 0),
            ("V4_ONLY", 1),
            ("V6_ONLY", 2),
            ("V4_PREFERRED", 3),
            ("ALL", 4),
        ],
    },
    EnumDef {
        name: "envoy.config.cluster.v3.Cluster.ClusterProtocolSelection",
        values: &[
            ("USE_CONFIGURED_PROTOCOL", 0),
            ("USE_DOWNSTREAM_PROTOCOL", 1),
        ],
    },
    EnumDef {
        name: "envoy.config.cluster.v3.Cluster.LbSubsetConfig.LbSubsetFallbackPolicy",
        values: &[
            ("NO_FALLBACK", 0),
            ("ANY_ENDPOINT", 1),
            ("DEFAULT_SUBSET", 2),
        ],
    },
    EnumDef {
        name: "envoy.config.cluster.v3.Cluster.LbSubsetConfig.LbSubsetSelector.LbSubsetSelectorFallbackPolicy",
        values: &[
            ("NOT_DEFINED", 0),
            ("NO_FALLBACK", 1),
            ("ANY_ENDPOINT", 2),
            ("DEFAULT_SUBSET", 3),
            ("KEYS_SUBSET", 4),
        ],
    },
    EnumDef {
        name: "envoy.config.cluster.v3.Cluster.RingHashLbConfig.HashFunction",
        values: &[("XX_HASH", 0), ("MURMUR_HASH_2", 1)],
    },
];
