//! `envoy.extensions.load_balancing_policies.*.v3`: from
//! `api/envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto` at Envoy
//! commit 02aefdc5a51ed38bfe670e522ff98bd94179804e (it has `selection_method`, Envoy 1.30+).

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[Message {
    name: "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest",
    fields: &[
        f("choice_count", 1, U32V).rule("uint32.gte = 2"),
        f("active_request_bias", 2, m("envoy.config.core.v3.RuntimeDouble")),
        f("slow_start_config", 3, m("envoy.extensions.load_balancing_policies.common.v3.SlowStartConfig")),
        f("locality_lb_config", 4, m("envoy.extensions.load_balancing_policies.common.v3.LocalityLbConfig")),
        f("enable_full_scan", 5, BOOLV).dep(),
        f("selection_method", 6, e("envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest.SelectionMethod"))
            .rule("enum.defined_only"),
        f("connection_aware_lb_config", 7, m("envoy.extensions.load_balancing_policies.common.v3.ConnectionAwareLbConfig")),
    ],
}];

pub(super) static ENUMS: &[EnumDef] = &[EnumDef {
    name: "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest.SelectionMethod",
    values: &[("N_CHOICES", 0), ("FULL_SCAN", 1)],
}];
