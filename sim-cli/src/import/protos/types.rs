//! `envoy.type.v3` (`Percent`, `FractionalPercent`) from `api/envoy/type/v3/percent.proto` at
//! Envoy commit 39e27d5592495fc81d9b9841040368cbc45e7ac1 (whose rules are written as
//! `(buf.validate.field)`), and `envoy.service.discovery.v3.DiscoveryResponse` from
//! `api/envoy/service/discovery/v3/discovery.proto` at df24f69e880ae998c97889856fdbd1f0d3dd1b55.

use super::build::*;

pub(super) static MESSAGES: &[Message] = &[
    Message {
        name: "envoy.type.v3.Percent",
        fields: &[f("value", 1, Double).rule("double.lte = 100, double.gte = 0")],
    },
    Message {
        name: "envoy.type.v3.FractionalPercent",
        fields: &[
            f("numerator", 1, UInt32),
            f(
                "denominator",
                2,
                e("envoy.type.v3.FractionalPercent.DenominatorType"),
            )
            .rule("enum.defined_only"),
        ],
    },
    Message {
        name: "envoy.service.discovery.v3.DiscoveryResponse",
        fields: &[
            f("version_info", 1, String),
            f("resources", 2, ANY).rep(),
            f("canary", 3, Bool),
            f("type_url", 4, String),
            f("nonce", 5, String),
            f("control_plane", 6, m("envoy.config.core.v3.ControlPlane")),
        ],
    },
];

pub(super) static ENUMS: &[EnumDef] = &[EnumDef {
    name: "envoy.type.v3.FractionalPercent.DenominatorType",
    values: &[("HUNDRED", 0), ("TEN_THOUSAND", 1), ("MILLION", 2)],
}];
