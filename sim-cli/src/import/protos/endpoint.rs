//! `envoy.config.endpoint.v3`: from `api/envoy/config/endpoint/v3/endpoint.proto` at Envoy commit
//! 3313680ead6a806c0e5193565dd3fe29baecb337 and `endpoint_components.proto` at
//! 88d5a6367c64d66fcf9ee6b528dbdeacbea37ce3.

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[
    Message {
        name: "envoy.config.endpoint.v3.ClusterLoadAssignment",
        fields: &[
            f("cluster_name", 1, String).rule("string.min_bytes = 1"),
            f(
                "endpoints",
                2,
                m("envoy.config.endpoint.v3.LocalityLbEndpoints"),
            )
            .rep(),
            f("named_endpoints", 5, m("envoy.config.endpoint.v3.Endpoint")).map(),
            f(
                "policy",
                4,
                m("envoy.config.endpoint.v3.ClusterLoadAssignment.Policy"),
            ),
        ],
    },
    Message {
        name: "envoy.config.endpoint.v3.ClusterLoadAssignment.Policy",
        fields: &[
            f(
                "drop_overloads",
                2,
                m("envoy.config.endpoint.v3.ClusterLoadAssignment.Policy.DropOverload"),
            )
            .rep(),
            f("overprovisioning_factor", 3, U32V).rule("uint32.gt = 0"),
            f("endpoint_stale_after", 4, DURATION).rule("duration.gt = {}"),
        ],
    },
    Message {
        name: "envoy.config.endpoint.v3.ClusterLoadAssignment.Policy.DropOverload",
        fields: &[
            f("category", 1, String).rule("string.min_bytes = 1"),
            f("drop_percentage", 2, m("envoy.type.v3.FractionalPercent")),
        ],
    },
    Message {
        name: "envoy.config.endpoint.v3.Endpoint",
        fields: &[
            f("address", 1, m("envoy.config.core.v3.Address")),
            f(
                "health_check_config",
                2,
                m("envoy.config.endpoint.v3.Endpoint.HealthCheckConfig"),
            ),
            f("hostname", 3, String),
            f(
                "additional_addresses",
                4,
                m("envoy.config.endpoint.v3.Endpoint.AdditionalAddress"),
            )
            .rep(),
        ],
    },
    Message {
        name: "envoy.config.endpoint.v3.Endpoint.HealthCheckConfig",
        fields: &[
            f("port_value", 1, UInt32).rule("uint32.lte = 65535"),
            f("hostname", 2, String),
            f("address", 3, m("envoy.config.core.v3.Address")),
            f("disable_active_health_check", 4, Bool),
        ],
    },
    Message {
        name: "envoy.config.endpoint.v3.Endpoint.AdditionalAddress",
        fields: &[f("address", 1, m("envoy.config.core.v3.Address"))],
    },
    Message {
        name: "envoy.config.endpoint.v3.LbEndpoint",
        fields: &[
            f("endpoint", 1, m("envoy.config.endpoint.v3.Endpoint")).of("host_identifier"),
            f("endpoint_name", 5, String).of("host_identifier"),
            f("health_status", 2, e("envoy.config.core.v3.HealthStatus")),
            f("metadata", 3, m("envoy.config.core.v3.Metadata")),
            f("load_balancing_weight", 4, U32V).rule("uint32.gte = 1"),
        ],
    },
    Message {
        name: "envoy.config.endpoint.v3.LedsClusterLocalityConfig",
        fields: &[
            f("leds_config", 1, m("envoy.config.core.v3.ConfigSource")),
            f("leds_collection_name", 2, String),
        ],
    },
    Message {
        name: "envoy.config.endpoint.v3.LocalityLbEndpoints",
        fields: &[
            f("locality", 1, m("envoy.config.core.v3.Locality")),
            f("lb_endpoints", 2, m("envoy.config.endpoint.v3.LbEndpoint")).rep(),
            f(
                "load_balancer_endpoints",
                7,
                m("envoy.config.endpoint.v3.LocalityLbEndpoints.LbEndpointList"),
            )
            .of("lb_config"),
            f(
                "leds_cluster_locality_config",
                8,
                m("envoy.config.endpoint.v3.LedsClusterLocalityConfig"),
            )
            .of("lb_config"),
            f("load_balancing_weight", 3, U32V).rule("uint32.gte = 1"),
            f("priority", 5, UInt32).rule("uint32.lte = 128"),
            f("proximity", 6, U32V),
        ],
    },
    Message {
        name: "envoy.config.endpoint.v3.LocalityLbEndpoints.LbEndpointList",
        fields: &[f("lb_endpoints", 1, m("envoy.config.endpoint.v3.LbEndpoint")).rep()],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[];
