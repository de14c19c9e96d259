//! `envoy.config.route.v3`: from `api/envoy/config/route/v3/route.proto` at Envoy commit
//! c33e7f824b9946853a80e839d6e80ef2a09f3bb4 and `route_components.proto` at
//! 3304863897c75c4d14207b5ec658318a5eec08ef.
//!
//! The two files were stored at different commits: `route.proto`'s
//! `RouteConfiguration.cluster_specifier_plugins` names `ClusterSpecifierPlugin`, which the older
//! `route_components.proto` read here does not define yet; it is left unwalked.

use super::build::*;

/// `repeated string` header names: each item `well_known_regex: HTTP_HEADER_NAME, strict: false`.
const HEADER_NAMES: &str = "repeated.items.string.well_known_regex = HTTP_HEADER_NAME, repeated.items.string.strict = false";
/// As [`HEADER_NAMES`], each item also `min_len: 1`.
const HEADER_NAMES_NONEMPTY: &str = "repeated.items.string.min_len = 1, repeated.items.string.well_known_regex = HTTP_HEADER_NAME, repeated.items.string.strict = false";
const HEADER_NAME: &str =
    "string.min_len = 1, string.well_known_regex = HTTP_HEADER_NAME, string.strict = false";
const HEADER_VALUE: &str = "string.well_known_regex = HTTP_HEADER_VALUE, string.strict = false";
const MAX_1000: &str = "repeated.max_items = 1000";

const HVO: FieldType = m("envoy.config.core.v3.HeaderValueOption");
const HEADER_MATCHER: FieldType = m("envoy.config.route.v3.HeaderMatcher");
const REGEX_SUBST: FieldType = m("envoy.type.matcher.v3.RegexMatchAndSubstitute");

pub(super) static MESSAGES: &[Message] = &[
    // route.proto
    Message {
        name: "envoy.config.route.v3.RouteConfiguration",
        fields: &[
            f("name", 1, String),
            f("virtual_hosts", 2, m("envoy.config.route.v3.VirtualHost")).rep(),
            f("vhds", 9, m("envoy.config.route.v3.Vhds")),
            f("internal_only_headers", 3, String).rep().rule(HEADER_NAMES),
            f("response_headers_to_add", 4, HVO).rep().rule(MAX_1000),
            f("response_headers_to_remove", 5, String).rep().rule(HEADER_NAMES),
            f("request_headers_to_add", 6, HVO).rep().rule(MAX_1000),
            f("request_headers_to_remove", 8, String).rep().rule(HEADER_NAMES),
            f("most_specific_header_mutations_wins", 10, Bool),
            f("validate_clusters", 7, BOOLV),
            f("max_direct_response_body_size_bytes", 11, U32V),
            f("cluster_specifier_plugins", 12, m("envoy.config.route.v3.ClusterSpecifierPlugin")).rep(),
            f("request_mirror_policies", 13, m("envoy.config.route.v3.RouteAction.RequestMirrorPolicy")).rep(),
            f("ignore_port_in_host_matching", 14, Bool),
            f("vhost_header", 18, String),
            f("ignore_path_parameters_in_path_matching", 15, Bool),
            f("typed_per_filter_config", 16, ANY).map(),
            f("metadata", 17, m("envoy.config.core.v3.Metadata")),
        ],
    },
    Message {
        name: "envoy.config.route.v3.Vhds",
        fields: &[f("config_source", 1, m("envoy.config.core.v3.ConfigSource")).rule("message.required")],
    },
    // route_components.proto
    Message {
        name: "envoy.config.route.v3.VirtualHost",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("domains", 2, String).rep().rule(
                "repeated.min_items = 1, repeated.items.string.well_known_regex = HTTP_HEADER_VALUE, repeated.items.string.strict = false",
            ),
            f("routes", 3, m("envoy.config.route.v3.Route")).rep(),
            f("require_tls", 4, e("envoy.config.route.v3.VirtualHost.TlsRequirementType")).rule("enum.defined_only"),
            f("virtual_clusters", 5, m("envoy.config.route.v3.VirtualCluster")).rep(),
            f("rate_limits", 6, m("envoy.config.route.v3.RateLimit")).rep(),
            f("request_headers_to_add", 7, HVO).rep().rule(MAX_1000),
            f("request_headers_to_remove", 13, String).rep().rule(HEADER_NAMES_NONEMPTY),
            f("response_headers_to_add", 10, HVO).rep().rule(MAX_1000),
            f("response_headers_to_remove", 11, String).rep().rule(HEADER_NAMES_NONEMPTY),
            f("cors", 8, m("envoy.config.route.v3.CorsPolicy")),
            f("typed_per_filter_config", 15, ANY).map(),
            f("include_request_attempt_count", 14, Bool),
            f("include_attempt_count_in_response", 19, Bool),
            f("retry_policy", 16, m("envoy.config.route.v3.RetryPolicy")),
            f("retry_policy_typed_config", 20, ANY),
            f("hedge_policy", 17, m("envoy.config.route.v3.HedgePolicy")),
            f("per_request_buffer_limit_bytes", 18, U32V),
        ],
    },
    Message {
        name: "envoy.config.route.v3.FilterAction",
        fields: &[f("action", 1, ANY)],
    },
    Message {
        // The oneof `action` is required (`(validate.required) = true`).
        name: "envoy.config.route.v3.Route",
        fields: &[
            f("name", 14, String),
            f("match", 1, m("envoy.config.route.v3.RouteMatch")).rule("message.required"),
            f("route", 2, m("envoy.config.route.v3.RouteAction")).of("action"),
            f("redirect", 3, m("envoy.config.route.v3.RedirectAction")).of("action"),
            f("direct_response", 7, m("envoy.config.route.v3.DirectResponseAction")).of("action"),
            f("filter_action", 17, m("envoy.config.route.v3.FilterAction")).of("action"),
            f("non_forwarding_action", 18, m("envoy.config.route.v3.NonForwardingAction")).of("action"),
            f("metadata", 4, m("envoy.config.core.v3.Metadata")),
            f("decorator", 5, m("envoy.config.route.v3.Decorator")),
            f("typed_per_filter_config", 13, ANY).map(),
            f("request_headers_to_add", 9, HVO).rep().rule(MAX_1000),
            f("request_headers_to_remove", 12, String).rep().rule(HEADER_NAMES_NONEMPTY),
            f("response_headers_to_add", 10, HVO).rep().rule(MAX_1000),
            f("response_headers_to_remove", 11, String).rep().rule(HEADER_NAMES_NONEMPTY),
            f("tracing", 15, m("envoy.config.route.v3.Tracing")),
            f("per_request_buffer_limit_bytes", 16, U32V),
        ],
    },
    Message {
        name: "envoy.config.route.v3.WeightedCluster",
        fields: &[
            f("clusters", 1, m("envoy.config.route.v3.WeightedCluster.ClusterWeight"))
                .rep()
                .rule("repeated.min_items = 1"),
            f("total_weight", 3, U32V).rule("uint32.gte = 1"),
            f("runtime_key_prefix", 2, String),
        ],
    },
    Message {
        name: "envoy.config.route.v3.WeightedCluster.ClusterWeight",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("weight", 2, U32V),
            f("metadata_match", 3, m("envoy.config.core.v3.Metadata")),
            f("request_headers_to_add", 4, HVO).rep().rule(MAX_1000),
            f("request_headers_to_remove", 9, String).rep().rule(HEADER_NAMES),
            f("response_headers_to_add", 5, HVO).rep().rule(MAX_1000),
            f("response_headers_to_remove", 6, String).rep().rule(HEADER_NAMES),
            f("typed_per_filter_config", 10, ANY).map(),
        ],
    },
    Message {
        // The oneof `path_specifier` is required.
        name: "envoy.config.route.v3.RouteMatch",
        fields: &[
            f("prefix", 1, String).of("path_specifier"),
            f("path", 2, String).of("path_specifier"),
            f("safe_regex", 10, m("envoy.type.matcher.v3.RegexMatcher"))
                .of("path_specifier")
                .rule("message.required"),
            f("connect_matcher", 12, m("envoy.config.route.v3.RouteMatch.ConnectMatcher")).of("path_specifier"),
            f("case_sensitive", 4, BOOLV),
            f("runtime_fraction", 9, m("envoy.config.core.v3.RuntimeFractionalPercent")),
            f("headers", 6, HEADER_MATCHER).rep(),
            f("query_parameters", 7, m("envoy.config.route.v3.QueryParameterMatcher")).rep(),
            f("grpc", 8, m("envoy.config.route.v3.RouteMatch.GrpcRouteMatchOptions")),
            f("tls_context", 11, m("envoy.config.route.v3.RouteMatch.TlsContextMatchOptions")),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RouteMatch.GrpcRouteMatchOptions",
        fields: &[],
    },
    Message {
        name: "envoy.config.route.v3.RouteMatch.TlsContextMatchOptions",
        fields: &[f("presented", 1, BOOLV), f("validated", 2, BOOLV)],
    },
    Message {
        name: "envoy.config.route.v3.RouteMatch.ConnectMatcher",
        fields: &[],
    },
    Message {
        name: "envoy.config.route.v3.CorsPolicy",
        fields: &[
            f("allow_origin_string_match", 11, m("envoy.type.matcher.v3.StringMatcher")).rep(),
            f("allow_methods", 2, String),
            f("allow_headers", 3, String),
            f("expose_headers", 4, String),
            f("max_age", 5, String),
            f("allow_credentials", 6, BOOLV),
            f("filter_enabled", 9, m("envoy.config.core.v3.RuntimeFractionalPercent")).of("enabled_specifier"),
            f("shadow_enabled", 10, m("envoy.config.core.v3.RuntimeFractionalPercent")),
        ],
    },
    Message {
        // The oneof `cluster_specifier` is required (`(validate.required) = true`).
        name: "envoy.config.route.v3.RouteAction",
        fields: &[
            f("cluster", 1, String).of("cluster_specifier").rule("string.min_len = 1"),
            f("cluster_header", 2, String).of("cluster_specifier").rule(HEADER_NAME),
            f("weighted_clusters", 3, m("envoy.config.route.v3.WeightedCluster")).of("cluster_specifier"),
            f(
                "cluster_not_found_response_code",
                20,
                e("envoy.config.route.v3.RouteAction.ClusterNotFoundResponseCode"),
            )
            .rule("enum.defined_only"),
            f("metadata_match", 4, m("envoy.config.core.v3.Metadata")),
            f("prefix_rewrite", 5, String).rule(HEADER_VALUE),
            f("regex_rewrite", 32, REGEX_SUBST),
            f("host_rewrite_literal", 6, String).of("host_rewrite_specifier").rule(HEADER_VALUE),
            f("auto_host_rewrite", 7, BOOLV).of("host_rewrite_specifier"),
            f("host_rewrite_header", 29, String)
                .of("host_rewrite_specifier")
                .rule("string.well_known_regex = HTTP_HEADER_NAME, string.strict = false"),
            f("host_rewrite_path_regex", 35, REGEX_SUBST).of("host_rewrite_specifier"),
            f("timeout", 8, DURATION),
            f("idle_timeout", 24, DURATION),
            f("retry_policy", 9, m("envoy.config.route.v3.RetryPolicy")),
            f("retry_policy_typed_config", 33, ANY),
            f("request_mirror_policies", 30, m("envoy.config.route.v3.RouteAction.RequestMirrorPolicy")).rep(),
            f("priority", 11, e("envoy.config.core.v3.RoutingPriority")).rule("enum.defined_only"),
            f("rate_limits", 13, m("envoy.config.route.v3.RateLimit")).rep(),
            f("include_vh_rate_limits", 14, BOOLV).dep(),
            f("hash_policy", 15, m("envoy.config.route.v3.RouteAction.HashPolicy")).rep(),
            f("cors", 17, m("envoy.config.route.v3.CorsPolicy")),
            f("max_grpc_timeout", 23, DURATION).dep(),
            f("grpc_timeout_offset", 28, DURATION).dep(),
            f("upgrade_configs", 25, m("envoy.config.route.v3.RouteAction.UpgradeConfig")).rep(),
            f("internal_redirect_policy", 34, m("envoy.config.route.v3.InternalRedirectPolicy")),
            f("internal_redirect_action", 26, e("envoy.config.route.v3.RouteAction.InternalRedirectAction")).dep(),
            f("max_internal_redirects", 31, U32V).dep(),
            f("hedge_policy", 27, m("envoy.config.route.v3.HedgePolicy")),
            f("max_stream_duration", 36, m("envoy.config.route.v3.RouteAction.MaxStreamDuration")),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.RequestMirrorPolicy",
        fields: &[
            f("cluster", 1, String).rule("string.min_len = 1"),
            f("runtime_fraction", 3, m("envoy.config.core.v3.RuntimeFractionalPercent")),
            f("trace_sampled", 4, BOOLV),
        ],
    },
    Message {
        // The oneof `policy_specifier` is required.
        name: "envoy.config.route.v3.RouteAction.HashPolicy",
        fields: &[
            f("header", 1, m("envoy.config.route.v3.RouteAction.HashPolicy.Header")).of("policy_specifier"),
            f("cookie", 2, m("envoy.config.route.v3.RouteAction.HashPolicy.Cookie")).of("policy_specifier"),
            f(
                "connection_properties",
                3,
                m("envoy.config.route.v3.RouteAction.HashPolicy.ConnectionProperties"),
            )
            .of("policy_specifier"),
            f("query_parameter", 5, m("envoy.config.route.v3.RouteAction.HashPolicy.QueryParameter"))
                .of("policy_specifier"),
            f("filter_state", 6, m("envoy.config.route.v3.RouteAction.HashPolicy.FilterState")).of("policy_specifier"),
            f("terminal", 4, Bool),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.HashPolicy.Header",
        fields: &[f("header_name", 1, String).rule(HEADER_NAME), f("regex_rewrite", 2, REGEX_SUBST)],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.HashPolicy.Cookie",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("ttl", 2, DURATION),
            f("path", 3, String),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.HashPolicy.ConnectionProperties",
        fields: &[f("source_ip", 1, Bool)],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.HashPolicy.QueryParameter",
        fields: &[f("name", 1, String).rule("string.min_len = 1")],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.HashPolicy.FilterState",
        fields: &[f("key", 1, String).rule("string.min_len = 1")],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.UpgradeConfig",
        fields: &[
            f("upgrade_type", 1, String)
                .rule("string.min_len = 1, string.well_known_regex = HTTP_HEADER_VALUE, string.strict = false"),
            f("enabled", 2, BOOLV),
            f("connect_config", 3, m("envoy.config.route.v3.RouteAction.UpgradeConfig.ConnectConfig")),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.UpgradeConfig.ConnectConfig",
        fields: &[
            f("proxy_protocol_config", 1, m("envoy.config.core.v3.ProxyProtocolConfig")),
            f("allow_post", 2, Bool),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RouteAction.MaxStreamDuration",
        fields: &[
            f("max_stream_duration", 1, DURATION),
            f("grpc_timeout_header_max", 2, DURATION),
            f("grpc_timeout_header_offset", 3, DURATION),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RetryPolicy",
        fields: &[
            f("retry_on", 1, String),
            f("num_retries", 2, U32V),
            f("per_try_timeout", 3, DURATION),
            f("retry_priority", 4, m("envoy.config.route.v3.RetryPolicy.RetryPriority")),
            f("retry_host_predicate", 5, m("envoy.config.route.v3.RetryPolicy.RetryHostPredicate")).rep(),
            f("host_selection_retry_max_attempts", 6, Int64),
            f("retriable_status_codes", 7, UInt32).rep(),
            f("retry_back_off", 8, m("envoy.config.route.v3.RetryPolicy.RetryBackOff")),
            f(
                "rate_limited_retry_back_off",
                11,
                m("envoy.config.route.v3.RetryPolicy.RateLimitedRetryBackOff"),
            ),
            f("retriable_headers", 9, HEADER_MATCHER).rep(),
            f("retriable_request_headers", 10, HEADER_MATCHER).rep(),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RetryPolicy.RetryPriority",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("typed_config", 3, ANY).of("config_type"),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RetryPolicy.RetryHostPredicate",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("typed_config", 3, ANY).of("config_type"),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RetryPolicy.RetryBackOff",
        fields: &[
            f("base_interval", 1, DURATION).rule("duration.required, duration.gt = {}"),
            f("max_interval", 2, DURATION).rule("duration.gt = {}"),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RetryPolicy.ResetHeader",
        fields: &[
            f("name", 1, String).rule(HEADER_NAME),
            f("format", 2, e("envoy.config.route.v3.RetryPolicy.ResetHeaderFormat")).rule("enum.defined_only"),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RetryPolicy.RateLimitedRetryBackOff",
        fields: &[
            f("reset_headers", 1, m("envoy.config.route.v3.RetryPolicy.ResetHeader"))
                .rep()
                .rule("repeated.min_items = 1"),
            f("max_interval", 2, DURATION).rule("duration.gt = {}"),
        ],
    },
    Message {
        name: "envoy.config.route.v3.HedgePolicy",
        fields: &[
            f("initial_requests", 1, U32V).rule("uint32.gte = 1"),
            f("additional_request_chance", 2, m("envoy.type.v3.FractionalPercent")),
            f("hedge_on_per_try_timeout", 3, Bool),
        ],
    },
    Message {
        name: "envoy.config.route.v3.RedirectAction",
        fields: &[
            f("https_redirect", 4, Bool).of("scheme_rewrite_specifier"),
            f("scheme_redirect", 7, String).of("scheme_rewrite_specifier"),
            f("host_redirect", 1, String).rule(HEADER_VALUE),
            f("port_redirect", 8, UInt32),
            f("path_redirect", 2, String).of("path_rewrite_specifier").rule(HEADER_VALUE),
            f("prefix_rewrite", 5, String).of("path_rewrite_specifier").rule(HEADER_VALUE),
            f("regex_rewrite", 9, REGEX_SUBST).of("path_rewrite_specifier"),
            f("response_code", 3, e("envoy.config.route.v3.RedirectAction.RedirectResponseCode"))
                .rule("enum.defined_only"),
            f("strip_query", 6, Bool),
        ],
    },
    Message {
        name: "envoy.config.route.v3.DirectResponseAction",
        fields: &[
            f("status", 1, UInt32).rule("uint32.lt = 600, uint32.gte = 100"),
            f("body", 2, m("envoy.config.core.v3.DataSource")),
        ],
    },
    Message {
        name: "envoy.config.route.v3.NonForwardingAction",
        fields: &[],
    },
    Message {
        name: "envoy.config.route.v3.Decorator",
        fields: &[f("operation", 1, String).rule("string.min_len = 1"), f("propagate", 2, BOOLV)],
    },
    Message {
        name: "envoy.config.route.v3.Tracing",
        fields: &[
            f("client_sampling", 1, m("envoy.type.v3.FractionalPercent")),
            f("random_sampling", 2, m("envoy.type.v3.FractionalPercent")),
            f("overall_sampling", 3, m("envoy.type.v3.FractionalPercent")),
            f("custom_tags", 4, m("envoy.type.tracing.v3.CustomTag")).rep(),
        ],
    },
    Message {
        name: "envoy.config.route.v3.VirtualCluster",
        fields: &[f("headers", 4, HEADER_MATCHER).rep(), f("name", 2, String).rule("string.min_len = 1")],
    },
    Message {
        // Top-level fields only; its `Action` and `Override` are left unwalked.
        name: "envoy.config.route.v3.RateLimit",
        fields: &[
            f("stage", 1, U32V).rule("uint32.lte = 10"),
            f("disable_key", 2, String),
            f("actions", 3, m("envoy.config.route.v3.RateLimit.Action")).rep().rule("repeated.min_items = 1"),
            f("limit", 4, m("envoy.config.route.v3.RateLimit.Override")),
        ],
    },
    Message {
        name: "envoy.config.route.v3.HeaderMatcher",
        fields: &[
            f("name", 1, String).rule(HEADER_NAME),
            f("exact_match", 4, String).of("header_match_specifier"),
            f("safe_regex_match", 11, m("envoy.type.matcher.v3.RegexMatcher")).of("header_match_specifier"),
            f("range_match", 6, m("envoy.type.v3.Int64Range")).of("header_match_specifier"),
            f("present_match", 7, Bool).of("header_match_specifier"),
            f("prefix_match", 9, String).of("header_match_specifier").rule("string.min_len = 1"),
            f("suffix_match", 10, String).of("header_match_specifier").rule("string.min_len = 1"),
            f("contains_match", 12, String).of("header_match_specifier").rule("string.min_len = 1"),
            f("invert_match", 8, Bool),
        ],
    },
    Message {
        name: "envoy.config.route.v3.QueryParameterMatcher",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1, string.max_bytes = 1024"),
            f("string_match", 5, m("envoy.type.matcher.v3.StringMatcher"))
                .of("query_parameter_match_specifier")
                .rule("message.required"),
            f("present_match", 6, Bool).of("query_parameter_match_specifier"),
        ],
    },
    Message {
        name: "envoy.config.route.v3.InternalRedirectPolicy",
        fields: &[
            f("max_internal_redirects", 1, U32V),
            f("redirect_response_codes", 2, UInt32).rep().rule("repeated.max_items = 5"),
            f("predicates", 3, m("envoy.config.core.v3.TypedExtensionConfig")).rep(),
            f("allow_cross_scheme_redirect", 4, Bool),
        ],
    },
    Message {
        name: "envoy.config.route.v3.FilterConfig",
        fields: &[f("config", 1, ANY), f("is_optional", 2, Bool)],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[
    EnumDef {
        name: "envoy.config.route.v3.VirtualHost.TlsRequirementType",
        values: &[("NONE", 0), ("EXTERNAL_ONLY", 1), ("ALL", 2)],
    },
    EnumDef {
        name: "envoy.config.route.v3.RouteAction.ClusterNotFoundResponseCode",
        values: &[("SERVICE_UNAVAILABLE", 0), ("NOT_FOUND", 1)],
    },
    EnumDef {
        // The whole enum is `option deprecated = true`.
        name: "envoy.config.route.v3.RouteAction.InternalRedirectAction",
        values: &[
            ("PASS_THROUGH_INTERNAL_REDIRECT", 0),
            ("HANDLE_INTERNAL_REDIRECT", 1),
        ],
    },
    EnumDef {
        name: "envoy.config.route.v3.RetryPolicy.ResetHeaderFormat",
        values: &[("SECONDS", 0), ("UNIX_TIMESTAMP", 1)],
    },
    EnumDef {
        name: "envoy.config.route.v3.RedirectAction.RedirectResponseCode",
        values: &[
            ("MOVED_PERMANENTLY", 0),
            ("FOUND", 1),
            ("SEE_OTHER", 2),
            ("TEMPORARY_REDIRECT", 3),
            ("PERMANENT_REDIRECT", 4),
        ],
    },
];
