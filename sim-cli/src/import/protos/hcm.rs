//! `envoy.extensions.filters.network.http_connection_manager.v3`: from
//! `api/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto`
//! at Envoy commit 532044be2679b6a66582612904b84b4371a97f26.

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[
    Message {
        // The oneof `route_specifier` is required (`(validate.required) = true`).
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        fields: &[
            f(
                "codec_type",
                1,
                e("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType"),
            )
            .rule("enum.defined_only"),
            f("stat_prefix", 2, String).rule("string.min_len = 1"),
            f("rds", 3, m("envoy.extensions.filters.network.http_connection_manager.v3.Rds")).of("route_specifier"),
            f("route_config", 4, m("envoy.config.route.v3.RouteConfiguration")).of("route_specifier"),
            f(
                "scoped_routes",
                31,
                m("envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes"),
            )
            .of("route_specifier"),
            f("http_filters", 5, m("envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter")).rep(),
            f("add_user_agent", 6, BOOLV),
            f(
                "tracing",
                7,
                m("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing"),
            ),
            f("common_http_protocol_options", 35, m("envoy.config.core.v3.HttpProtocolOptions")),
            f("http_protocol_options", 8, m("envoy.config.core.v3.Http1ProtocolOptions")),
            f("http2_protocol_options", 9, m("envoy.config.core.v3.Http2ProtocolOptions")),
            f("http3_protocol_options", 44, m("envoy.config.core.v3.Http3ProtocolOptions")),
            f("server_name", 10, String).rule("string.well_known_regex = HTTP_HEADER_VALUE, string.strict = false"),
            f(
                "server_header_transformation",
                34,
                e("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ServerHeaderTransformation"),
            )
            .rule("enum.defined_only"),
            f("scheme_header_transformation", 48, m("envoy.config.core.v3.SchemeHeaderTransformation")),
            f("max_request_headers_kb", 29, U32V).rule("uint32.lte = 8192, uint32.gt = 0"),
            f("stream_idle_timeout", 24, DURATION),
            f("request_timeout", 28, DURATION),
            f("request_headers_timeout", 41, DURATION).rule("duration.gte = {}"),
            f("drain_timeout", 12, DURATION),
            f("delayed_close_timeout", 26, DURATION),
            f("access_log", 13, m("envoy.config.accesslog.v3.AccessLog")).rep(),
            f("access_log_flush_interval", 54, DURATION).dep().rule("duration.gte = {nanos: 1000000}"),
            f("flush_access_log_on_new_request", 55, Bool).dep(),
            f(
                "access_log_options",
                56,
                m("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.HcmAccessLogOptions"),
            ),
            f("use_remote_address", 14, BOOLV),
            f("xff_num_trusted_hops", 19, UInt32),
            f("original_ip_detection_extensions", 46, m("envoy.config.core.v3.TypedExtensionConfig")).rep(),
            f("early_header_mutation_extensions", 52, m("envoy.config.core.v3.TypedExtensionConfig")).rep(),
            f(
                "internal_address_config",
                25,
                m("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.InternalAddressConfig"),
            ),
            f("skip_xff_append", 21, Bool),
            f("via", 22, String).rule("string.well_known_regex = HTTP_HEADER_VALUE, string.strict = false"),
            f("generate_request_id", 15, BOOLV),
            f("preserve_external_request_id", 32, Bool),
            f("always_set_request_id_in_response", 37, Bool),
            f(
                "forward_client_cert_details",
                16,
                e("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ForwardClientCertDetails"),
            )
            .rule("enum.defined_only"),
            f(
                "set_current_client_cert_details",
                17,
                m("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.SetCurrentClientCertDetails"),
            ),
            f("proxy_100_continue", 18, Bool),
            f("represent_ipv4_remote_address_as_ipv4_mapped_ipv6", 20, Bool),
            f(
                "upgrade_configs",
                23,
                m("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig"),
            )
            .rep(),
            f("normalize_path", 30, BOOLV),
            f("merge_slashes", 33, Bool),
            f(
                "path_with_escaped_slashes_action",
                45,
                e("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction"),
            ),
            f(
                "request_id_extension",
                36,
                m("envoy.extensions.filters.network.http_connection_manager.v3.RequestIDExtension"),
            ),
            f(
                "local_reply_config",
                38,
                m("envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig"),
            ),
            // Not in the oneof `strip_port_mode` (only a `field_migrate` promotion note).
            f("strip_matching_host_port", 39, Bool),
            f("strip_any_host_port", 42, Bool).of("strip_port_mode"),
            f("stream_error_on_invalid_http_message", 40, BOOLV),
            f(
                "path_normalization_options",
                43,
                m("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathNormalizationOptions"),
            ),
            f("strip_trailing_host_dot", 47, Bool),
            f(
                "proxy_status_config",
                49,
                m("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ProxyStatusConfig"),
            ),
            f("typed_header_validation_config", 50, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("append_x_forwarded_port", 51, Bool),
            f("append_local_overload", 57, Bool),
            f("add_proxy_protocol_connection_state", 53, BOOLV),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing",
        fields: &[
            f("client_sampling", 3, m("envoy.type.v3.Percent")),
            f("random_sampling", 4, m("envoy.type.v3.Percent")),
            f("overall_sampling", 5, m("envoy.type.v3.Percent")),
            f("verbose", 6, Bool),
            f("max_path_tag_length", 7, U32V),
            f("custom_tags", 8, m("envoy.type.tracing.v3.CustomTag")).rep(),
            f("provider", 9, m("envoy.config.trace.v3.Tracing.Http")),
            f("spawn_upstream_span", 10, BOOLV),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.InternalAddressConfig",
        fields: &[
            f("unix_sockets", 1, Bool),
            f("cidr_ranges", 2, m("envoy.config.core.v3.CidrRange")).rep(),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.SetCurrentClientCertDetails",
        fields: &[
            f("subject", 1, BOOLV),
            f("cert", 3, Bool),
            f("chain", 6, Bool),
            f("dns", 4, Bool),
            f("uri", 5, Bool),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig",
        fields: &[
            f("upgrade_type", 1, String),
            f("filters", 2, m("envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter")).rep(),
            f("enabled", 3, BOOLV),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathNormalizationOptions",
        fields: &[
            f("forwarding_transformation", 1, m("envoy.type.http.v3.PathTransformation")),
            f("http_filter_transformation", 2, m("envoy.type.http.v3.PathTransformation")),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ProxyStatusConfig",
        fields: &[
            f("remove_details", 1, Bool),
            f("remove_connection_termination_details", 2, Bool),
            f("remove_response_flags", 3, Bool),
            f("set_recommended_response_code", 4, Bool),
            f("use_node_id", 5, Bool).of("proxy_name"),
            f("literal_proxy_name", 6, String).of("proxy_name"),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.HcmAccessLogOptions",
        fields: &[
            f("access_log_flush_interval", 1, DURATION).rule("duration.gte = {nanos: 1000000}"),
            f("flush_access_log_on_new_request", 2, Bool),
            f("flush_log_on_tunnel_successfully_established", 3, Bool),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig",
        fields: &[
            f("mappers", 1, m("envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper")).rep(),
            f("body_format", 2, m("envoy.config.core.v3.SubstitutionFormatString")),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper",
        fields: &[
            f("filter", 1, m("envoy.config.accesslog.v3.AccessLogFilter")).rule("message.required"),
            f("status_code", 2, U32V).rule("uint32.lt = 600, uint32.gte = 200"),
            f("body", 3, m("envoy.config.core.v3.DataSource")),
            f("body_format_override", 4, m("envoy.config.core.v3.SubstitutionFormatString")),
            f("headers_to_add", 5, m("envoy.config.core.v3.HeaderValueOption"))
                .rep()
                .rule("repeated.max_items = 1000"),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.Rds",
        fields: &[
            f("config_source", 1, m("envoy.config.core.v3.ConfigSource")).rule("message.required"),
            f("route_config_name", 2, String),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRouteConfigurationsList",
        fields: &[f("scoped_route_configurations", 1, m("envoy.config.route.v3.ScopedRouteConfiguration"))
            .rep()
            .rule("repeated.min_items = 1")],
    },
    Message {
        // The oneof `config_specifier` is required.
        name: "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f(
                "scope_key_builder",
                2,
                m("envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes.ScopeKeyBuilder"),
            )
            .rule("message.required"),
            f("rds_config_source", 3, m("envoy.config.core.v3.ConfigSource")),
            f(
                "scoped_route_configurations_list",
                4,
                m("envoy.extensions.filters.network.http_connection_manager.v3.ScopedRouteConfigurationsList"),
            )
            .of("config_specifier"),
            f("scoped_rds", 5, m("envoy.extensions.filters.network.http_connection_manager.v3.ScopedRds"))
                .of("config_specifier"),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes.ScopeKeyBuilder",
        fields: &[f(
            "fragments",
            1,
            m("envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes.ScopeKeyBuilder.FragmentBuilder"),
        )
        .rep()
        .rule("repeated.min_items = 1")],
    },
    Message {
        // The oneof `type` is required.
        name: "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes.ScopeKeyBuilder.FragmentBuilder",
        fields: &[f(
            "header_value_extractor",
            1,
            m("envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes.ScopeKeyBuilder.FragmentBuilder.HeaderValueExtractor"),
        )
        .of("type")],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes.ScopeKeyBuilder.FragmentBuilder.HeaderValueExtractor",
        fields: &[
            f("name", 1, String)
                .rule("string.min_len = 1, string.well_known_regex = HTTP_HEADER_NAME, string.strict = false"),
            f("element_separator", 2, String),
            f("index", 3, UInt32).of("extract_type"),
            f(
                "element",
                4,
                m("envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes.ScopeKeyBuilder.FragmentBuilder.HeaderValueExtractor.KvElement"),
            )
            .of("extract_type"),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes.ScopeKeyBuilder.FragmentBuilder.HeaderValueExtractor.KvElement",
        fields: &[
            f("separator", 1, String).rule("string.min_len = 1"),
            f("key", 2, String).rule("string.min_len = 1"),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRds",
        fields: &[
            f("scoped_rds_config_source", 1, m("envoy.config.core.v3.ConfigSource")).rule("message.required"),
            f("srds_resources_locator", 2, String),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("typed_config", 4, ANY).of("config_type"),
            f("config_discovery", 5, m("envoy.config.core.v3.ExtensionConfigSource")).of("config_type"),
            f("is_optional", 6, Bool),
            f("disabled", 7, Bool),
        ],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.RequestIDExtension",
        fields: &[f("typed_config", 1, ANY)],
    },
    Message {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.EnvoyMobileHttpConnectionManager",
        fields: &[f(
            "config",
            1,
            m("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"),
        )],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[
    EnumDef {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType",
        values: &[("AUTO", 0), ("HTTP1", 1), ("HTTP2", 2), ("HTTP3", 3)],
    },
    EnumDef {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ServerHeaderTransformation",
        values: &[
            ("OVERWRITE", 0),
            ("APPEND_IF_ABSENT", 1),
            ("PASS_THROUGH", 2),
        ],
    },
    EnumDef {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ForwardClientCertDetails",
        values: &[
            ("SANITIZE", 0),
            ("FORWARD_ONLY", 1),
            ("APPEND_FORWARD", 2),
            ("SANITIZE_SET", 3),
            ("ALWAYS_FORWARD_ONLY", 4),
        ],
    },
    EnumDef {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction",
        values: &[
            ("IMPLEMENTATION_SPECIFIC_DEFAULT", 0),
            ("KEEP_UNCHANGED", 1),
            ("REJECT_REQUEST", 2),
            ("UNESCAPE_AND_REDIRECT", 3),
            ("UNESCAPE_AND_FORWARD", 4),
        ],
    },
    EnumDef {
        name: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing.OperationName",
        values: &[("INGRESS", 0), ("EGRESS", 1)],
    },
];
