//! `envoy.config.core.v3`: from `api/envoy/config/core/v3/` at these Envoy commits:
//! `protocol.proto` fe54c457a1b966b25a748d26fe55dda5411bf289, `address.proto`
//! 20c8935fa568d385cd6e263d1cf7567895a677dd, `base.proto`
//! d65a4a5d0f6b63d76208164752d1d82ba8b3d5f5, `health_check.proto`
//! a1981d6b18188664b68594cde4448cdaf5bb9f53 (HealthCheck's own fields; its nested checkers are
//! left unwalked), `extension.proto` 4a2fedabbb9418939f70ddc82995d805443a7dbc and
//! `config_source.proto` 36438b69774b8252811197e6c66653656dd748f3.

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[
    // protocol.proto
    Message {
        name: "envoy.config.core.v3.QuicProtocolOptions",
        fields: &[
            f("max_concurrent_streams", 1, U32V),
            f("initial_stream_window_size", 2, U32V).rule("uint32.lte = 16777216, uint32.gte = 1"),
            f("initial_connection_window_size", 3, U32V).rule("uint32.lte = 25165824, uint32.gte = 1"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.UpstreamHttpProtocolOptions",
        fields: &[f("auto_sni", 1, Bool), f("auto_san_validation", 2, Bool)],
    },
    Message {
        name: "envoy.config.core.v3.AlternateProtocolsCacheOptions",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("max_entries", 2, U32V).rule("uint32.gt = 0"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.HttpProtocolOptions",
        fields: &[
            f("idle_timeout", 1, DURATION),
            f("max_connection_duration", 3, DURATION),
            f("max_headers_count", 2, U32V).rule("uint32.gte = 1"),
            f("max_stream_duration", 4, DURATION),
            f(
                "headers_with_underscores_action",
                5,
                e("envoy.config.core.v3.HttpProtocolOptions.HeadersWithUnderscoresAction"),
            ),
            f("max_requests_per_connection", 6, U32V),
        ],
    },
    Message {
        name: "envoy.config.core.v3.Http1ProtocolOptions",
        fields: &[
            f("allow_absolute_url", 1, BOOLV),
            f("accept_http_10", 2, Bool),
            f("default_host_for_http_10", 3, String),
            f("header_key_format", 4, m("envoy.config.core.v3.Http1ProtocolOptions.HeaderKeyFormat")),
            f("enable_trailers", 5, Bool),
            f("allow_chunked_length", 6, Bool),
            f("override_stream_error_on_invalid_http_message", 7, BOOLV),
        ],
    },
    Message {
        // The oneof `header_format` is required (`(validate.required) = true`).
        name: "envoy.config.core.v3.Http1ProtocolOptions.HeaderKeyFormat",
        fields: &[
            f(
                "proper_case_words",
                1,
                m("envoy.config.core.v3.Http1ProtocolOptions.HeaderKeyFormat.ProperCaseWords"),
            )
            .of("header_format"),
            f("stateful_formatter", 8, m("envoy.config.core.v3.TypedExtensionConfig")).of("header_format"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.Http1ProtocolOptions.HeaderKeyFormat.ProperCaseWords",
        fields: &[],
    },
    Message {
        name: "envoy.config.core.v3.KeepaliveSettings",
        fields: &[
            f("interval", 1, DURATION).rule("duration.gte = {nanos: 1000000}"),
            f("timeout", 2, DURATION).rule("duration.required, duration.gte = {nanos: 1000000}"),
            f("interval_jitter", 3, m("envoy.type.v3.Percent")),
            f("connection_idle_interval", 4, DURATION).rule("duration.gte = {nanos: 1000000}"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.Http2ProtocolOptions",
        fields: &[
            f("hpack_table_size", 1, U32V),
            f("max_concurrent_streams", 2, U32V).rule("uint32.lte = 2147483647, uint32.gte = 1"),
            f("initial_stream_window_size", 3, U32V).rule("uint32.lte = 2147483647, uint32.gte = 65535"),
            f("initial_connection_window_size", 4, U32V).rule("uint32.lte = 2147483647, uint32.gte = 65535"),
            f("allow_connect", 5, Bool),
            f("allow_metadata", 6, Bool),
            f("max_outbound_frames", 7, U32V).rule("uint32.gte = 1"),
            f("max_outbound_control_frames", 8, U32V).rule("uint32.gte = 1"),
            f("max_consecutive_inbound_frames_with_empty_payload", 9, U32V),
            f("max_inbound_priority_frames_per_stream", 10, U32V),
            f("max_inbound_window_update_frames_per_data_frame_sent", 11, U32V).rule("uint32.gte = 1"),
            f("stream_error_on_invalid_http_messaging", 12, Bool).dep(),
            f("override_stream_error_on_invalid_http_message", 14, BOOLV),
            f(
                "custom_settings_parameters",
                13,
                m("envoy.config.core.v3.Http2ProtocolOptions.SettingsParameter"),
            )
            .rep(),
            f("connection_keepalive", 15, m("envoy.config.core.v3.KeepaliveSettings")),
        ],
    },
    Message {
        name: "envoy.config.core.v3.Http2ProtocolOptions.SettingsParameter",
        fields: &[
            f("identifier", 1, U32V).rule("uint32.lte = 65535, uint32.gte = 0, message.required"),
            f("value", 2, U32V).rule("message.required"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.GrpcProtocolOptions",
        fields: &[f("http2_protocol_options", 1, m("envoy.config.core.v3.Http2ProtocolOptions"))],
    },
    Message {
        name: "envoy.config.core.v3.Http3ProtocolOptions",
        fields: &[
            f("quic_protocol_options", 1, m("envoy.config.core.v3.QuicProtocolOptions")),
            f("override_stream_error_on_invalid_http_message", 2, BOOLV),
            f("allow_extended_connect", 5, Bool),
        ],
    },
    Message {
        name: "envoy.config.core.v3.SchemeHeaderTransformation",
        fields: &[f("scheme_to_overwrite", 1, String)
            .of("transformation")
            .rule("string.in = [\"http\", \"https\"]")],
    },
    // address.proto
    Message {
        name: "envoy.config.core.v3.Pipe",
        fields: &[
            f("path", 1, String).rule("string.min_len = 1"),
            f("mode", 2, UInt32).rule("uint32.lte = 511"),
        ],
    },
    Message {
        // The oneof `address_name_specifier` is required.
        name: "envoy.config.core.v3.EnvoyInternalAddress",
        fields: &[f("server_listener_name", 1, String).of("address_name_specifier")],
    },
    Message {
        // The oneof `port_specifier` is required.
        name: "envoy.config.core.v3.SocketAddress",
        fields: &[
            f("protocol", 1, e("envoy.config.core.v3.SocketAddress.Protocol")).rule("enum.defined_only"),
            f("address", 2, String).rule("string.min_len = 1"),
            f("port_value", 3, UInt32).of("port_specifier").rule("uint32.lte = 65535"),
            f("named_port", 4, String).of("port_specifier"),
            f("resolver_name", 5, String),
            f("ipv4_compat", 6, Bool),
        ],
    },
    Message {
        name: "envoy.config.core.v3.TcpKeepalive",
        fields: &[
            f("keepalive_probes", 1, U32V),
            f("keepalive_time", 2, U32V),
            f("keepalive_interval", 3, U32V),
        ],
    },
    Message {
        name: "envoy.config.core.v3.BindConfig",
        fields: &[
            f("source_address", 1, m("envoy.config.core.v3.SocketAddress")).rule("message.required"),
            f("freebind", 2, BOOLV),
            f("socket_options", 3, m("envoy.config.core.v3.SocketOption")).rep(),
        ],
    },
    Message {
        // The oneof `address` is required.
        name: "envoy.config.core.v3.Address",
        fields: &[
            f("socket_address", 1, m("envoy.config.core.v3.SocketAddress")).of("address"),
            f("pipe", 2, m("envoy.config.core.v3.Pipe")).of("address"),
            f("envoy_internal_address", 3, m("envoy.config.core.v3.EnvoyInternalAddress")).of("address"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.CidrRange",
        fields: &[
            f("address_prefix", 1, String).rule("string.min_len = 1"),
            f("prefix_len", 2, U32V).rule("uint32.lte = 128"),
        ],
    },
    // base.proto
    Message {
        name: "envoy.config.core.v3.Locality",
        fields: &[f("region", 1, String), f("zone", 2, String), f("sub_zone", 3, String)],
    },
    Message {
        name: "envoy.config.core.v3.BuildVersion",
        fields: &[f("version", 1, m("envoy.type.v3.SemanticVersion")), f("metadata", 2, STRUCT)],
    },
    Message {
        name: "envoy.config.core.v3.Extension",
        fields: &[
            f("name", 1, String),
            f("category", 2, String),
            f("type_descriptor", 3, String).dep(),
            f("version", 4, m("envoy.config.core.v3.BuildVersion")),
            f("disabled", 5, Bool),
            f("type_urls", 6, String).rep(),
        ],
    },
    Message {
        name: "envoy.config.core.v3.Node",
        fields: &[
            f("id", 1, String),
            f("cluster", 2, String),
            f("metadata", 3, STRUCT),
            f("dynamic_parameters", 12, m("xds.core.v3.ContextParams")).map(),
            f("locality", 4, m("envoy.config.core.v3.Locality")),
            f("user_agent_name", 6, String),
            f("user_agent_version", 7, String).of("user_agent_version_type"),
            f("user_agent_build_version", 8, m("envoy.config.core.v3.BuildVersion")).of("user_agent_version_type"),
            f("extensions", 9, m("envoy.config.core.v3.Extension")).rep(),
            f("client_features", 10, String).rep(),
            f("listening_addresses", 11, m("envoy.config.core.v3.Address")).rep().dep(),
        ],
    },
    Message {
        name: "envoy.config.core.v3.Metadata",
        fields: &[f("filter_metadata", 1, STRUCT).map(), f("typed_filter_metadata", 2, ANY).map()],
    },
    Message {
        name: "envoy.config.core.v3.RuntimeUInt32",
        fields: &[
            f("default_value", 2, UInt32),
            f("runtime_key", 3, String).rule("string.min_len = 1"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.RuntimePercent",
        fields: &[
            f("default_value", 1, m("envoy.type.v3.Percent")),
            f("runtime_key", 2, String).rule("string.min_len = 1"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.RuntimeDouble",
        fields: &[
            f("default_value", 1, Double),
            f("runtime_key", 2, String).rule("string.min_len = 1"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.RuntimeFeatureFlag",
        fields: &[
            f("default_value", 1, BOOLV).rule("message.required"),
            f("runtime_key", 2, String).rule("string.min_len = 1"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.RuntimeFractionalPercent",
        fields: &[
            f("default_value", 1, m("envoy.type.v3.FractionalPercent")).rule("message.required"),
            f("runtime_key", 2, String),
        ],
    },
    Message {
        name: "envoy.config.core.v3.HeaderValue",
        fields: &[
            f("key", 1, String).rule(
                "string.min_len = 1, string.max_bytes = 16384, string.well_known_regex = HTTP_HEADER_NAME, string.strict = false",
            ),
            f("value", 2, String)
                .rule("string.max_bytes = 16384, string.well_known_regex = HTTP_HEADER_VALUE, string.strict = false"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.HeaderValueOption",
        fields: &[
            f("header", 1, m("envoy.config.core.v3.HeaderValue")).rule("message.required"),
            f("append", 2, BOOLV),
            f("append_action", 3, e("envoy.config.core.v3.HeaderValueOption.HeaderAppendAction"))
                .rule("enum.defined_only"),
            f("keep_empty_value", 4, Bool),
        ],
    },
    Message {
        // The oneof `specifier` is required.
        name: "envoy.config.core.v3.DataSource",
        fields: &[
            f("filename", 1, String).of("specifier").rule("string.min_len = 1"),
            f("inline_bytes", 2, Bytes).of("specifier"),
            f("inline_string", 3, String).of("specifier"),
            f("environment_variable", 4, String).of("specifier").rule("string.min_len = 1"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.TransportSocket",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("typed_config", 3, ANY).of("config_type"),
        ],
    },
    Message {
        name: "envoy.config.core.v3.ControlPlane",
        fields: &[f("identifier", 1, String)],
    },
    // health_check.proto
    Message {
        name: "envoy.config.core.v3.HealthStatusSet",
        fields: &[f("statuses", 1, e("envoy.config.core.v3.HealthStatus"))
            .rep()
            .rule("repeated.items.enum.defined_only")],
    },
    Message {
        // The oneof `health_checker` is required.
        name: "envoy.config.core.v3.HealthCheck",
        fields: &[
            f("timeout", 1, DURATION).rule("duration.required, duration.gt = {}"),
            f("interval", 2, DURATION).rule("duration.required, duration.gt = {}"),
            f("initial_jitter", 20, DURATION),
            f("interval_jitter", 3, DURATION),
            f("interval_jitter_percent", 18, UInt32),
            f("unhealthy_threshold", 4, U32V).rule("message.required"),
            f("healthy_threshold", 5, U32V).rule("message.required"),
            f("alt_port", 6, U32V),
            f("reuse_connection", 7, BOOLV),
            f("http_health_check", 8, m("envoy.config.core.v3.HealthCheck.HttpHealthCheck")).of("health_checker"),
            f("tcp_health_check", 9, m("envoy.config.core.v3.HealthCheck.TcpHealthCheck")).of("health_checker"),
            f("grpc_health_check", 11, m("envoy.config.core.v3.HealthCheck.GrpcHealthCheck")).of("health_checker"),
            f("custom_health_check", 13, m("envoy.config.core.v3.HealthCheck.CustomHealthCheck"))
                .of("health_checker"),
            f("no_traffic_interval", 12, DURATION).rule("duration.gt = {}"),
            f("no_traffic_healthy_interval", 24, DURATION).rule("duration.gt = {}"),
            f("unhealthy_interval", 14, DURATION).rule("duration.gt = {}"),
            f("unhealthy_edge_interval", 15, DURATION).rule("duration.gt = {}"),
            f("healthy_edge_interval", 16, DURATION).rule("duration.gt = {}"),
            f("event_log_path", 17, String).dep(),
            f("event_logger", 25, m("envoy.config.core.v3.TypedExtensionConfig")).rep(),
            f("event_service", 22, m("envoy.config.core.v3.EventServiceConfig")),
            f("always_log_health_check_failures", 19, Bool),
            f("always_log_health_check_success", 26, Bool),
            f("tls_options", 21, m("envoy.config.core.v3.HealthCheck.TlsOptions")),
            f("transport_socket_match_criteria", 23, STRUCT),
        ],
    },
    // extension.proto
    Message {
        name: "envoy.config.core.v3.TypedExtensionConfig",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("typed_config", 2, ANY).rule("any.required"),
        ],
    },
    // config_source.proto
    Message {
        name: "envoy.config.core.v3.ApiConfigSource",
        fields: &[
            f("api_type", 1, e("envoy.config.core.v3.ApiConfigSource.ApiType")).rule("enum.defined_only"),
            f("transport_api_version", 8, e("envoy.config.core.v3.ApiVersion")).rule("enum.defined_only"),
            f("cluster_names", 2, String).rep(),
            f("grpc_services", 4, m("envoy.config.core.v3.GrpcService")).rep(),
            f("refresh_delay", 3, DURATION),
            f("request_timeout", 5, DURATION).rule("duration.gt = {}"),
            f("rate_limit_settings", 6, m("envoy.config.core.v3.RateLimitSettings")),
            f("set_node_on_first_message_only", 7, Bool),
        ],
    },
    Message {
        name: "envoy.config.core.v3.AggregatedConfigSource",
        fields: &[],
    },
    Message {
        name: "envoy.config.core.v3.SelfConfigSource",
        fields: &[f("transport_api_version", 1, e("envoy.config.core.v3.ApiVersion")).rule("enum.defined_only")],
    },
    Message {
        name: "envoy.config.core.v3.RateLimitSettings",
        fields: &[f("max_tokens", 1, U32V), f("fill_rate", 2, DOUBLEV).rule("double.gt = 0")],
    },
    Message {
        // The oneof `config_source_specifier` is required.
        name: "envoy.config.core.v3.ConfigSource",
        fields: &[
            f("authorities", 7, m("xds.core.v3.Authority")).rep(),
            f("path", 1, String).of("config_source_specifier"),
            f("api_config_source", 2, m("envoy.config.core.v3.ApiConfigSource")).of("config_source_specifier"),
            f("ads", 3, m("envoy.config.core.v3.AggregatedConfigSource")).of("config_source_specifier"),
            f("self", 5, m("envoy.config.core.v3.SelfConfigSource")).of("config_source_specifier"),
            f("initial_fetch_timeout", 4, DURATION),
            f("resource_api_version", 6, e("envoy.config.core.v3.ApiVersion")).rule("enum.defined_only"),
        ],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[
    EnumDef {
        name: "envoy.config.core.v3.RoutingPriority",
        values: &[("DEFAULT", 0), ("HIGH", 1)],
    },
    EnumDef {
        name: "envoy.config.core.v3.RequestMethod",
        values: &[
            ("METHOD_UNSPECIFIED", 0),
            ("GET", 1),
            ("HEAD", 2),
            ("POST", 3),
            ("PUT", 4),
            ("DELETE", 5),
            ("CONNECT", 6),
            ("OPTIONS", 7),
            ("TRACE", 8),
            ("PATCH", 9),
        ],
    },
    EnumDef {
        name: "envoy.config.core.v3.TrafficDirection",
        values: &[("UNSPECIFIED", 0), ("INBOUND", 1), ("OUTBOUND", 2)],
    },
    EnumDef {
        name: "envoy.config.core.v3.HealthStatus",
        values: &[
            ("UNKNOWN", 0),
            ("HEALTHY", 1),
            ("UNHEALTHY", 2),
            ("DRAINING", 3),
            ("TIMEOUT", 4),
            ("DEGRADED", 5),
        ],
    },
    EnumDef {
        name: "envoy.config.core.v3.HttpProtocolOptions.HeadersWithUnderscoresAction",
        values: &[("ALLOW", 0), ("REJECT_REQUEST", 1), ("DROP_HEADER", 2)],
    },
    EnumDef {
        name: "envoy.config.core.v3.SocketAddress.Protocol",
        values: &[("TCP", 0), ("UDP", 1)],
    },
    EnumDef {
        name: "envoy.config.core.v3.HeaderValueOption.HeaderAppendAction",
        values: &[
            ("APPEND_IF_EXISTS_OR_ADD", 0),
            ("ADD_IF_ABSENT", 1),
            ("OVERWRITE_IF_EXISTS_OR_ADD", 2),
        ],
    },
    EnumDef {
        // AUTO and V2 are deprecated values.
        name: "envoy.config.core.v3.ApiVersion",
        values: &[("AUTO", 0), ("V2", 1), ("V3", 2)],
    },
    EnumDef {
        name: "envoy.config.core.v3.ApiConfigSource.ApiType",
        values: &[
            ("DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE", 0),
            ("REST", 1),
            ("GRPC", 2),
            ("DELTA_GRPC", 3),
            ("AGGREGATED_GRPC", 5),
            ("AGGREGATED_DELTA_GRPC", 6),
        ],
    },
];
