//! `envoy.config.bootstrap.v3`: from `api/envoy/config/bootstrap/v3/bootstrap.proto` at Envoy
//! commit 902143755769e08aae0474981b9eef0ab6bf28d8.

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[
    Message {
        name: "envoy.config.bootstrap.v3.Bootstrap",
        fields: &[
            f("node", 1, m("envoy.config.core.v3.Node")),
            f("node_context_params", 26, String).rep(),
            f("static_resources", 2, m("envoy.config.bootstrap.v3.Bootstrap.StaticResources")),
            f("dynamic_resources", 3, m("envoy.config.bootstrap.v3.Bootstrap.DynamicResources")),
            f("cluster_manager", 4, m("envoy.config.bootstrap.v3.ClusterManager")),
            f("hds_config", 14, m("envoy.config.core.v3.ApiConfigSource")),
            f("flags_path", 5, String),
            f("stats_sinks", 6, m("envoy.config.metrics.v3.StatsSink")).rep(),
            f("stats_config", 13, m("envoy.config.metrics.v3.StatsConfig")),
            // Not in the oneof `stats_flush` (only a `field_migrate` promotion note).
            f("stats_flush_interval", 7, DURATION)
                .rule("duration.lt = {seconds: 300}, duration.gte = {nanos: 1000000}"),
            f("stats_flush_on_admin", 29, Bool).of("stats_flush").rule("bool.const = true"),
            f("watchdog", 8, m("envoy.config.bootstrap.v3.Watchdog")).dep(),
            f("watchdogs", 27, m("envoy.config.bootstrap.v3.Watchdogs")),
            f("tracing", 9, m("envoy.config.trace.v3.Tracing")).dep(),
            f("layered_runtime", 17, m("envoy.config.bootstrap.v3.LayeredRuntime")),
            f("admin", 12, m("envoy.config.bootstrap.v3.Admin")),
            f("overload_manager", 15, m("envoy.config.overload.v3.OverloadManager")),
            f("enable_dispatcher_stats", 16, Bool),
            f("header_prefix", 18, String),
            f("stats_server_version_override", 19, U64V),
            f("use_tcp_for_dns_lookups", 20, Bool).dep(),
            f("dns_resolution_config", 30, m("envoy.config.core.v3.DnsResolutionConfig")).dep(),
            f("typed_dns_resolver_config", 31, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("bootstrap_extensions", 21, m("envoy.config.core.v3.TypedExtensionConfig")).rep(),
            f("fatal_actions", 28, m("envoy.config.bootstrap.v3.FatalAction")).rep(),
            f("config_sources", 22, m("envoy.config.core.v3.ConfigSource")).rep(),
            f("default_config_source", 23, m("envoy.config.core.v3.ConfigSource")),
            f("default_socket_interface", 24, String),
            f("certificate_provider_instances", 25, m("envoy.config.core.v3.TypedExtensionConfig")).map(),
            f("inline_headers", 32, m("envoy.config.bootstrap.v3.CustomInlineHeader")).rep(),
            f("perf_tracing_file_path", 33, String),
            f("default_regex_engine", 34, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("xds_delegate_extension", 35, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("xds_config_tracker_extension", 36, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("listener_manager", 37, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("application_log_config", 38, m("envoy.config.bootstrap.v3.Bootstrap.ApplicationLogConfig")),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.Bootstrap.StaticResources",
        fields: &[
            f("listeners", 1, m("envoy.config.listener.v3.Listener")).rep(),
            f("clusters", 2, m("envoy.config.cluster.v3.Cluster")).rep(),
            f("secrets", 3, m("envoy.extensions.transport_sockets.tls.v3.Secret")).rep(),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.Bootstrap.DynamicResources",
        fields: &[
            f("lds_config", 1, m("envoy.config.core.v3.ConfigSource")),
            f("lds_resources_locator", 5, String),
            f("cds_config", 2, m("envoy.config.core.v3.ConfigSource")),
            f("cds_resources_locator", 6, String),
            f("ads_config", 3, m("envoy.config.core.v3.ApiConfigSource")),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.Bootstrap.ApplicationLogConfig",
        fields: &[f("log_format", 1, m("envoy.config.bootstrap.v3.Bootstrap.ApplicationLogConfig.LogFormat"))],
    },
    Message {
        // The oneof `log_format` is required (`(validate.required) = true`).
        name: "envoy.config.bootstrap.v3.Bootstrap.ApplicationLogConfig.LogFormat",
        fields: &[
            f("json_format", 1, STRUCT).of("log_format"),
            f("text_format", 2, String).of("log_format"),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.Admin",
        fields: &[
            f("access_log", 5, m("envoy.config.accesslog.v3.AccessLog")).rep(),
            f("access_log_path", 1, String).dep(),
            f("profile_path", 2, String),
            f("address", 3, m("envoy.config.core.v3.Address")),
            f("socket_options", 4, m("envoy.config.core.v3.SocketOption")).rep(),
            f("ignore_global_conn_limit", 6, Bool),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.ClusterManager",
        fields: &[
            f("local_cluster_name", 1, String),
            f("outlier_detection", 2, m("envoy.config.bootstrap.v3.ClusterManager.OutlierDetection")),
            f("upstream_bind_config", 3, m("envoy.config.core.v3.BindConfig")),
            f("load_stats_config", 4, m("envoy.config.core.v3.ApiConfigSource")),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.ClusterManager.OutlierDetection",
        fields: &[
            f("event_log_path", 1, String),
            f("event_service", 2, m("envoy.config.core.v3.EventServiceConfig")),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.Watchdogs",
        fields: &[
            f("main_thread_watchdog", 1, m("envoy.config.bootstrap.v3.Watchdog")),
            f("worker_watchdog", 2, m("envoy.config.bootstrap.v3.Watchdog")),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.Watchdog",
        fields: &[
            f("actions", 7, m("envoy.config.bootstrap.v3.Watchdog.WatchdogAction")).rep(),
            f("miss_timeout", 1, DURATION),
            f("megamiss_timeout", 2, DURATION),
            f("kill_timeout", 3, DURATION),
            f("max_kill_timeout_jitter", 6, DURATION).rule("duration.gte = {}"),
            f("multikill_timeout", 4, DURATION),
            f("multikill_threshold", 5, m("envoy.type.v3.Percent")),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.Watchdog.WatchdogAction",
        fields: &[
            f("config", 1, m("envoy.config.core.v3.TypedExtensionConfig")),
            f("event", 2, e("envoy.config.bootstrap.v3.Watchdog.WatchdogAction.WatchdogEvent")).rule("enum.defined_only"),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.FatalAction",
        fields: &[f("config", 1, m("envoy.config.core.v3.TypedExtensionConfig"))],
    },
    Message {
        name: "envoy.config.bootstrap.v3.Runtime",
        fields: &[
            f("symlink_root", 1, String),
            f("subdirectory", 2, String),
            f("override_subdirectory", 3, String),
            f("base", 4, STRUCT),
        ],
    },
    Message {
        // The oneof `layer_specifier` is required (`(validate.required) = true`).
        name: "envoy.config.bootstrap.v3.RuntimeLayer",
        fields: &[
            f("name", 1, String).rule("string.min_len = 1"),
            f("static_layer", 2, STRUCT).of("layer_specifier"),
            f("disk_layer", 3, m("envoy.config.bootstrap.v3.RuntimeLayer.DiskLayer")).of("layer_specifier"),
            f("admin_layer", 4, m("envoy.config.bootstrap.v3.RuntimeLayer.AdminLayer")).of("layer_specifier"),
            f("rtds_layer", 5, m("envoy.config.bootstrap.v3.RuntimeLayer.RtdsLayer")).of("layer_specifier"),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.RuntimeLayer.DiskLayer",
        fields: &[
            f("symlink_root", 1, String),
            f("subdirectory", 3, String),
            f("append_service_cluster", 2, Bool),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.RuntimeLayer.AdminLayer",
        fields: &[],
    },
    Message {
        name: "envoy.config.bootstrap.v3.RuntimeLayer.RtdsLayer",
        fields: &[
            f("name", 1, String),
            f("rtds_config", 2, m("envoy.config.core.v3.ConfigSource")),
        ],
    },
    Message {
        name: "envoy.config.bootstrap.v3.LayeredRuntime",
        fields: &[f("layers", 1, m("envoy.config.bootstrap.v3.RuntimeLayer")).rep()],
    },
    Message {
        name: "envoy.config.bootstrap.v3.CustomInlineHeader",
        fields: &[
            f("inline_header_name", 1, String)
                .rule("string.min_len = 1, string.well_known_regex = HTTP_HEADER_NAME, string.strict = false"),
            f("inline_header_type", 2, e("envoy.config.bootstrap.v3.CustomInlineHeader.InlineHeaderType"))
                .rule("enum.defined_only"),
        ],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[
    EnumDef {
        name: "envoy.config.bootstrap.v3.Watchdog.WatchdogAction.WatchdogEvent",
        values: &[
            ("UNKNOWN", 0),
            ("KILL", 1),
            ("MULTIKILL", 2),
            ("MEGAMISS", 3),
            ("MISS", 4),
        ],
    },
    EnumDef {
        name: "envoy.config.bootstrap.v3.CustomInlineHeader.InlineHeaderType",
        values: &[
            ("REQUEST_HEADER", 0),
            ("REQUEST_TRAILER", 1),
            ("RESPONSE_HEADER", 2),
            ("RESPONSE_TRAILER", 3),
        ],
    },
];
