//! `envoy.extensions.upstreams.http.v3`: from
//! `api/envoy/extensions/upstreams/http/v3/http_protocol_options.proto` at Envoy commit
//! 95f6f621b45d2f9c5bc4e78f6ba62b2fca4d1d3c.

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[
    Message {
        // The oneof `upstream_protocol_options` is required (`(validate.required) = true`).
        name: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        fields: &[
            f(
                "common_http_protocol_options",
                1,
                m("envoy.config.core.v3.HttpProtocolOptions"),
            ),
            f(
                "upstream_http_protocol_options",
                2,
                m("envoy.config.core.v3.UpstreamHttpProtocolOptions"),
            ),
            f(
                "explicit_http_config",
                3,
                m("envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig"),
            )
            .of("upstream_protocol_options"),
            f(
                "use_downstream_protocol_config",
                4,
                m("envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig"),
            )
            .of("upstream_protocol_options"),
            f(
                "auto_config",
                5,
                m("envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig"),
            )
            .of("upstream_protocol_options"),
        ],
    },
    Message {
        // The oneof `protocol_config` is required (`(validate.required) = true`).
        name: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig",
        fields: &[
            f(
                "http_protocol_options",
                1,
                m("envoy.config.core.v3.Http1ProtocolOptions"),
            )
            .of("protocol_config"),
            f(
                "http2_protocol_options",
                2,
                m("envoy.config.core.v3.Http2ProtocolOptions"),
            )
            .of("protocol_config"),
            f(
                "http3_protocol_options",
                3,
                m("envoy.config.core.v3.Http3ProtocolOptions"),
            )
            .of("protocol_config"),
        ],
    },
    Message {
        name: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig",
        fields: &[
            f(
                "http_protocol_options",
                1,
                m("envoy.config.core.v3.Http1ProtocolOptions"),
            ),
            f(
                "http2_protocol_options",
                2,
                m("envoy.config.core.v3.Http2ProtocolOptions"),
            ),
            f(
                "http3_protocol_options",
                3,
                m("envoy.config.core.v3.Http3ProtocolOptions"),
            ),
        ],
    },
    Message {
        name: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig",
        fields: &[
            f(
                "http_protocol_options",
                1,
                m("envoy.config.core.v3.Http1ProtocolOptions"),
            ),
            f(
                "http2_protocol_options",
                2,
                m("envoy.config.core.v3.Http2ProtocolOptions"),
            ),
            f(
                "http3_protocol_options",
                3,
                m("envoy.config.core.v3.Http3ProtocolOptions"),
            ),
            f(
                "alternate_protocols_cache_options",
                4,
                m("envoy.config.core.v3.AlternateProtocolsCacheOptions"),
            ),
        ],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[];
