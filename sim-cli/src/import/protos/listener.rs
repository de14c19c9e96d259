//! `envoy.config.listener.v3`: from `api/envoy/config/listener/v3/listener.proto` at Envoy commit
//! 3551835d82753187dd178df245d73c34a86ec020 and `listener_components.proto` at
//! 909b9f165efc5502788c474b9323fa6c70df04c3.

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[
    Message {
        name: "envoy.config.listener.v3.AdditionalAddress",
        fields: &[
            f("address", 1, m("envoy.config.core.v3.Address")),
            f(
                "socket_options",
                2,
                m("envoy.config.core.v3.SocketOptionsOverride"),
            ),
        ],
    },
    Message {
        name: "envoy.config.listener.v3.Listener",
        fields: &[
            f("name", 1, String),
            f("address", 2, m("envoy.config.core.v3.Address")),
            f(
                "additional_addresses",
                33,
                m("envoy.config.listener.v3.AdditionalAddress"),
            )
            .rep(),
            f("stat_prefix", 28, String),
            f(
                "filter_chains",
                3,
                m("envoy.config.listener.v3.FilterChain"),
            )
            .rep(),
            f("filter_chain_matcher", 32, m("xds.type.matcher.v3.Matcher")),
            f("use_original_dst", 4, BOOLV),
            f(
                "default_filter_chain",
                25,
                m("envoy.config.listener.v3.FilterChain"),
            ),
            f("per_connection_buffer_limit_bytes", 5, U32V),
            f("metadata", 6, m("envoy.config.core.v3.Metadata")),
            f(
                "deprecated_v1",
                7,
                m("envoy.config.listener.v3.Listener.DeprecatedV1"),
            )
            .dep(),
            f(
                "drain_type",
                8,
                e("envoy.config.listener.v3.Listener.DrainType"),
            ),
            f(
                "listener_filters",
                9,
                m("envoy.config.listener.v3.ListenerFilter"),
            )
            .rep(),
            f("listener_filters_timeout", 15, DURATION),
            f("continue_on_listener_filters_timeout", 17, Bool),
            f("transparent", 10, BOOLV),
            f("freebind", 11, BOOLV),
            f("socket_options", 13, m("envoy.config.core.v3.SocketOption")).rep(),
            f("tcp_fast_open_queue_length", 12, U32V),
            f(
                "traffic_direction",
                16,
                e("envoy.config.core.v3.TrafficDirection"),
            ),
            f(
                "udp_listener_config",
                18,
                m("envoy.config.listener.v3.UdpListenerConfig"),
            ),
            f(
                "api_listener",
                19,
                m("envoy.config.listener.v3.ApiListener"),
            ),
            f(
                "connection_balance_config",
                20,
                m("envoy.config.listener.v3.Listener.ConnectionBalanceConfig"),
            ),
            f("reuse_port", 21, Bool).dep(),
            f("enable_reuse_port", 29, BOOLV),
            f("access_log", 22, m("envoy.config.accesslog.v3.AccessLog")).rep(),
            f("tcp_backlog_size", 24, U32V),
            f("max_connections_to_accept_per_socket_event", 34, U32V).rule("uint32.gt = 0"),
            f("bind_to_port", 26, BOOLV),
            f(
                "internal_listener",
                27,
                m("envoy.config.listener.v3.Listener.InternalListenerConfig"),
            )
            .of("listener_specifier"),
            f("enable_mptcp", 30, Bool),
            f("ignore_global_conn_limit", 31, Bool),
        ],
    },
    Message {
        name: "envoy.config.listener.v3.Listener.DeprecatedV1",
        fields: &[f("bind_to_port", 1, BOOLV)],
    },
    Message {
        // The oneof `balance_type` is required.
        name: "envoy.config.listener.v3.Listener.ConnectionBalanceConfig",
        fields: &[
            f(
                "exact_balance",
                1,
                m("envoy.config.listener.v3.Listener.ConnectionBalanceConfig.ExactBalance"),
            )
            .of("balance_type"),
            f(
                "extend_balance",
                2,
                m("envoy.config.core.v3.TypedExtensionConfig"),
            )
            .of("balance_type"),
        ],
    },
    Message {
        name: "envoy.config.listener.v3.Listener.ConnectionBalanceConfig.ExactBalance",
        fields: &[],
    },
    Message {
        name: "envoy.config.listener.v3.Listener.InternalListenerConfig",
        fields: &[],
    },
    // listener_components.proto
    Message {
        name: "envoy.config.listener.v3.Filter",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("typed_config", 4, ANY).of("config_type"),
            f(
                "config_discovery",
                5,
                m("envoy.config.core.v3.ExtensionConfigSource"),
            )
            .of("config_type"),
        ],
    },
    Message {
        name: "envoy.config.listener.v3.FilterChainMatch",
        fields: &[
            f("destination_port", 8, U32V).rule("uint32.lte = 65535, uint32.gte = 1"),
            f("prefix_ranges", 3, m("envoy.config.core.v3.CidrRange")).rep(),
            f("address_suffix", 4, String),
            f("suffix_len", 5, U32V),
            f(
                "source_type",
                12,
                e("envoy.config.listener.v3.FilterChainMatch.ConnectionSourceType"),
            )
            .rule("enum.defined_only"),
            f(
                "source_prefix_ranges",
                6,
                m("envoy.config.core.v3.CidrRange"),
            )
            .rep(),
            f("source_ports", 7, UInt32)
                .rep()
                .rule("repeated.items.uint32.lte = 65535, repeated.items.uint32.gte = 1"),
            f("server_names", 11, String).rep(),
            f("transport_protocol", 9, String),
            f("application_protocols", 10, String).rep(),
        ],
    },
    Message {
        name: "envoy.config.listener.v3.FilterChain",
        fields: &[
            f(
                "filter_chain_match",
                1,
                m("envoy.config.listener.v3.FilterChainMatch"),
            ),
            f("filters", 3, m("envoy.config.listener.v3.Filter")).rep(),
            f("use_proxy_proto", 4, BOOLV).dep(),
            f("metadata", 5, m("envoy.config.core.v3.Metadata")),
            f(
                "transport_socket",
                6,
                m("envoy.config.core.v3.TransportSocket"),
            ),
            f("transport_socket_connect_timeout", 9, DURATION),
            f("name", 7, String),
            f(
                "on_demand_configuration",
                8,
                m("envoy.config.listener.v3.FilterChain.OnDemandConfiguration"),
            ),
        ],
    },
    Message {
        name: "envoy.config.listener.v3.FilterChain.OnDemandConfiguration",
        fields: &[f("rebuild_timeout", 1, DURATION)],
    },
    Message {
        // The oneof `rule` is required.
        name: "envoy.config.listener.v3.ListenerFilterChainMatchPredicate",
        fields: &[
            f(
                "or_match",
                1,
                m("envoy.config.listener.v3.ListenerFilterChainMatchPredicate.MatchSet"),
            )
            .of("rule"),
            f(
                "and_match",
                2,
                m("envoy.config.listener.v3.ListenerFilterChainMatchPredicate.MatchSet"),
            )
            .of("rule"),
            f(
                "not_match",
                3,
                m("envoy.config.listener.v3.ListenerFilterChainMatchPredicate"),
            )
            .of("rule"),
            f("any_match", 4, Bool).of("rule").rule("bool.const = true"),
            f("destination_port_range", 5, m("envoy.type.v3.Int32Range")).of("rule"),
        ],
    },
    Message {
        name: "envoy.config.listener.v3.ListenerFilterChainMatchPredicate.MatchSet",
        fields: &[f(
            "rules",
            1,
            m("envoy.config.listener.v3.ListenerFilterChainMatchPredicate"),
        )
        .rep()
        .rule("repeated.min_items = 2")],
    },
    Message {
        name: "envoy.config.listener.v3.ListenerFilter",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("typed_config", 3, ANY).of("config_type"),
            f(
                "filter_disabled",
                4,
                m("envoy.config.listener.v3.ListenerFilterChainMatchPredicate"),
            ),
        ],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[
    EnumDef {
        name: "envoy.config.listener.v3.Listener.DrainType",
        values: &[("DEFAULT", 0), ("MODIFY_ONLY", 1)],
    },
    EnumDef {
        name: "envoy.config.listener.v3.FilterChainMatch.ConnectionSourceType",
        values: &[("ANY", 0), ("SAME_IP_OR_LOOPBACK", 1), ("EXTERNAL", 2)],
    },
];
