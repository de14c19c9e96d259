//! `envoy.admin.v3`: `ConfigDump` and `BootstrapConfigDump` from
//! `api/envoy/admin/v3/config_dump.proto` at Envoy commit
//! a6193bb3e145a881be038a1cdd6b1a98a00410be; the per-resource dumps (listeners, clusters,
//! routes, endpoints) and `UpdateFailureState` from `config_dump_shared.proto` at
//! 0966f096e1073034c2429ca283299f46374238f3.
//!
//! The stored `config_dump.proto` is older than the split into `config_dump_shared.proto` and
//! still defines the per-resource dumps itself, without `error_state`/`client_status` on the
//! dynamic entries and without `EndpointsConfigDump`; the tables follow the newer shared file.

use super::build::*;

const UPDATE_FAILURE: FieldType = m("envoy.admin.v3.UpdateFailureState");
const STATUS: FieldType = e("envoy.admin.v3.ClientResourceStatus");

pub(super) static MESSAGES: &[Message] = &[
    // config_dump.proto
    Message {
        name: "envoy.admin.v3.ConfigDump",
        fields: &[f("configs", 1, ANY).rep()],
    },
    Message {
        name: "envoy.admin.v3.BootstrapConfigDump",
        fields: &[
            f("bootstrap", 1, m("envoy.config.bootstrap.v3.Bootstrap")),
            f("last_updated", 2, TIMESTAMP),
        ],
    },
    // config_dump_shared.proto
    Message {
        name: "envoy.admin.v3.UpdateFailureState",
        fields: &[
            f("failed_configuration", 1, ANY),
            f("last_update_attempt", 2, TIMESTAMP),
            f("details", 3, String),
            f("version_info", 4, String),
        ],
    },
    Message {
        name: "envoy.admin.v3.ListenersConfigDump",
        fields: &[
            f("version_info", 1, String),
            f(
                "static_listeners",
                2,
                m("envoy.admin.v3.ListenersConfigDump.StaticListener"),
            )
            .rep(),
            f(
                "dynamic_listeners",
                3,
                m("envoy.admin.v3.ListenersConfigDump.DynamicListener"),
            )
            .rep(),
        ],
    },
    Message {
        name: "envoy.admin.v3.ListenersConfigDump.StaticListener",
        fields: &[f("listener", 1, ANY), f("last_updated", 2, TIMESTAMP)],
    },
    Message {
        name: "envoy.admin.v3.ListenersConfigDump.DynamicListenerState",
        fields: &[
            f("version_info", 1, String),
            f("listener", 2, ANY),
            f("last_updated", 3, TIMESTAMP),
        ],
    },
    Message {
        name: "envoy.admin.v3.ListenersConfigDump.DynamicListener",
        fields: &[
            f("name", 1, String),
            f(
                "active_state",
                2,
                m("envoy.admin.v3.ListenersConfigDump.DynamicListenerState"),
            ),
            f(
                "warming_state",
                3,
                m("envoy.admin.v3.ListenersConfigDump.DynamicListenerState"),
            ),
            f(
                "draining_state",
                4,
                m("envoy.admin.v3.ListenersConfigDump.DynamicListenerState"),
            ),
            f("error_state", 5, UPDATE_FAILURE),
            f("client_status", 6, STATUS),
        ],
    },
    Message {
        name: "envoy.admin.v3.ClustersConfigDump",
        fields: &[
            f("version_info", 1, String),
            f(
                "static_clusters",
                2,
                m("envoy.admin.v3.ClustersConfigDump.StaticCluster"),
            )
            .rep(),
            f(
                "dynamic_active_clusters",
                3,
                m("envoy.admin.v3.ClustersConfigDump.DynamicCluster"),
            )
            .rep(),
            f(
                "dynamic_warming_clusters",
                4,
                m("envoy.admin.v3.ClustersConfigDump.DynamicCluster"),
            )
            .rep(),
        ],
    },
    Message {
        name: "envoy.admin.v3.ClustersConfigDump.StaticCluster",
        fields: &[f("cluster", 1, ANY), f("last_updated", 2, TIMESTAMP)],
    },
    Message {
        name: "envoy.admin.v3.ClustersConfigDump.DynamicCluster",
        fields: &[
            f("version_info", 1, String),
            f("cluster", 2, ANY),
            f("last_updated", 3, TIMESTAMP),
            f("error_state", 4, UPDATE_FAILURE),
            f("client_status", 5, STATUS),
        ],
    },
    Message {
        name: "envoy.admin.v3.RoutesConfigDump",
        fields: &[
            f(
                "static_route_configs",
                2,
                m("envoy.admin.v3.RoutesConfigDump.StaticRouteConfig"),
            )
            .rep(),
            f(
                "dynamic_route_configs",
                3,
                m("envoy.admin.v3.RoutesConfigDump.DynamicRouteConfig"),
            )
            .rep(),
        ],
    },
    Message {
        name: "envoy.admin.v3.RoutesConfigDump.StaticRouteConfig",
        fields: &[f("route_config", 1, ANY), f("last_updated", 2, TIMESTAMP)],
    },
    Message {
        name: "envoy.admin.v3.RoutesConfigDump.DynamicRouteConfig",
        fields: &[
            f("version_info", 1, String),
            f("route_config", 2, ANY),
            f("last_updated", 3, TIMESTAMP),
            f("error_state", 4, UPDATE_FAILURE),
            f("client_status", 5, STATUS),
        ],
    },
    Message {
        name: "envoy.admin.v3.EndpointsConfigDump",
        fields: &[
            f(
                "static_endpoint_configs",
                2,
                m("envoy.admin.v3.EndpointsConfigDump.StaticEndpointConfig"),
            )
            .rep(),
            f(
                "dynamic_endpoint_configs",
                3,
                m("envoy.admin.v3.EndpointsConfigDump.DynamicEndpointConfig"),
            )
            .rep(),
        ],
    },
    Message {
        name: "envoy.admin.v3.EndpointsConfigDump.StaticEndpointConfig",
        fields: &[
            f("endpoint_config", 1, ANY),
            f("last_updated", 2, TIMESTAMP),
        ],
    },
    Message {
        name: "envoy.admin.v3.EndpointsConfigDump.DynamicEndpointConfig",
        fields: &[
            f("version_info", 1, String),
            f("endpoint_config", 2, ANY),
            f("last_updated", 3, TIMESTAMP),
            f("error_state", 4, UPDATE_FAILURE),
            f("client_status", 5, STATUS),
        ],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[EnumDef {
    name: "envoy.admin.v3.ClientResourceStatus",
    values: &[
        ("UNKNOWN", 0),
        ("REQUESTED", 1),
        ("DOES_NOT_EXIST", 2),
        ("ACKED", 3),
        ("NACKED", 4),
        ("RECEIVED_ERROR", 5),
        ("TIMEOUT", 6),
    ],
}];
