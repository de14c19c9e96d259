//! Which Envoy release each Istio release ships in its proxy (`istio/proxy`, branch
//! `release-1.N`, the `ENVOY_SHA` its `WORKSPACE` pins): what `import` writes as
//! `[envoy] version` for Istio resources.

use sim_core::envoy::version::{EnvoyVersion, OLDEST_ENVOY};

use super::istio::Version;

/// Istio minor → Envoy minor, with the evidence for each row. "Offset" rows are inferred from
/// the date of the first Envoy commit pinned after the branch cut and the offset Istio 1.N ↔
/// Envoy 1.(N+8) that every confirmed row from 1.4 to 1.27 follows.
const ISTIO_ENVOY: &[(u32, u32, &str)] = &[
    (
        4,
        12,
        "istio/proxy release-1.4 97fbdb611: \"based on Envoy v1.12.0\"",
    ),
    (
        5,
        13,
        "istio/proxy release-1.5 1d997c17e: \"Merge envoy-wasm for v1.13.0\"",
    ),
    (
        6,
        14,
        "istio/proxy release-1.6 2b0dd1cd5: \"update envoy to 1.14.1\"",
    ),
    (
        7,
        15,
        "inferred: release-1.7 pins istio/envoy release-1.7; dates and offset",
    ),
    (
        8,
        16,
        "istio/proxy release-1.8 dd64630c8: \"upstream Envoy v1.16\"",
    ),
    (
        9,
        17,
        "inferred: first pin after the branch cut is dated the Envoy 1.17.0 release day",
    ),
    (
        10,
        18,
        "istio/proxy release-1.10 e06247cde: \"Manual update to Envoy 1.18.3\"",
    ),
    (
        11,
        19,
        "istio/proxy release-1.11 3cb442b49: \"Bump envoy to 1.19.0 final\"",
    ),
    (
        12,
        20,
        "istio/proxy release-1.12 68917cdb8: \"Update to envoyproxy v1.20\"",
    ),
    (
        13,
        21,
        "istio/proxy release-1.13: \"Use release/v1.21 from github.com/envoyproxy/envoy\"",
    ),
    (
        14,
        22,
        "inferred: first pin dated 2022-04-15, the Envoy 1.22.0 release day",
    ),
    (
        15,
        23,
        "pinned ENVOY_SHA 0865d3a1 is envoyproxy.io's \"1.23.7-0865d3\"",
    ),
    (16, 24, "istio.io supported-releases table: 1.16.x ↔ 1.24.x"),
    (17, 25, "istio.io supported-releases table: 1.17.x ↔ 1.25.x"),
    (18, 26, "istio.io supported-releases table: 1.18.x ↔ 1.26.x"),
    (
        19,
        27,
        "inferred: first pin 2023-08-03, after Envoy 1.27.0 (2023-07-26); offset",
    ),
    (
        20,
        28,
        "inferred: first pin dated 2023-10-18, the Envoy 1.28.0 release day; offset",
    ),
    (
        21,
        29,
        "istio/proxy release-1.21 467438722: \"Bump Envoy to 1.29.3\"",
    ),
    (
        22,
        30,
        "inferred: first pin 2024-04-22, after Envoy 1.30.0 (2024-04-16); offset",
    ),
    (
        23,
        31,
        "istio release note reset-before-request.yaml: \"policy added in Envoy 1.31\"",
    ),
    (
        24,
        32,
        "inferred: first pin 2024-10-30, after Envoy 1.32.1; offset",
    ),
    (
        25,
        33,
        "istio/proxy release-1.25 ab5b0d32f: \"Update envoy to v1.33.8\"",
    ),
    (
        26,
        34,
        "istio/proxy release-1.26 3a04f68cd: \"Update envoy to v1.34.6\"",
    ),
    (
        27,
        35,
        "istio/proxy release-1.27 1a53bf14a: \"Update envoy to the latest 1.35-dev\"",
    ),
    (
        28,
        36,
        "inferred: first pin dated 2025-10-15, after Envoy 1.36.0; offset",
    ),
    (
        29,
        37,
        "inferred: first pin dated 2026-01-13, the Envoy 1.37.0 release day; offset",
    ),
    (
        30,
        38,
        "inferred: pins from 2026-04-13 (1.38-dev) to 2026-08-20; offset",
    ),
];

/// The Envoy an Istio release ships, as far as breakersim models it: `Ok` with the release, or
/// `Err` with the release to model instead and why (an Istio whose Envoy is older than
/// [`OLDEST_ENVOY`], or so old that no upstream Envoy release is named).
pub fn envoy_of_istio(v: Version) -> Result<EnvoyVersion, (EnvoyVersion, String)> {
    let newest = ISTIO_ENVOY.last().expect("a table");
    let row = ISTIO_ENVOY
        .iter()
        .find(|(istio, _, _)| *istio == v.1)
        .or((v.1 > newest.0).then_some(newest));
    let Some(&(_, envoy, _)) = row else {
        return Err((
            OLDEST_ENVOY,
            format!(
                "Istio {} shipped a fork of Envoy older than 1.12 (istio/envoy); breakersim \
                 models Envoy {OLDEST_ENVOY} to the newest, so this runs as Envoy \
                 {OLDEST_ENVOY}. That Envoy's ejection multiplier never came down and had no \
                 max_ejection_time: repeated ejections last longer there",
                v.show()
            ),
        ));
    };
    let envoy = EnvoyVersion(envoy);
    if envoy < OLDEST_ENVOY {
        return Err((
            OLDEST_ENVOY,
            format!(
                "Istio {} ships Envoy {envoy}, older than the oldest release breakersim models \
                 ({OLDEST_ENVOY}), so this runs as Envoy {OLDEST_ENVOY}. Envoy {envoy}'s ejection \
                 multiplier never came down and had no max_ejection_time: repeated ejections \
                 last longer there",
                v.show()
            ),
        ));
    }
    Ok(envoy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_order_and_in_the_modelled_range_from_istio_1_9() {
        assert!(
            ISTIO_ENVOY
                .windows(2)
                .all(|w| w[0].0 + 1 == w[1].0 && w[0].1 < w[1].1)
        );
        assert_eq!(envoy_of_istio(Version(1, 9)), Ok(EnvoyVersion(17)));
        assert_eq!(envoy_of_istio(Version(1, 20)), Ok(EnvoyVersion(28)));
        assert_eq!(envoy_of_istio(Version(1, 30)), Ok(EnvoyVersion(38)));
        // A newer Istio than the table: the newest row, as istiod's rules are the newest's.
        assert_eq!(envoy_of_istio(Version(1, 33)), Ok(EnvoyVersion(38)));
        let sim_core::envoy::version::EnvoyVersion(newest) = sim_core::envoy::version::NEWEST_ENVOY;
        assert!(ISTIO_ENVOY.iter().all(|r| r.1 <= newest));
    }

    #[test]
    fn older_istio_runs_as_the_oldest_modelled_envoy_with_a_reason() {
        let (v, why) = envoy_of_istio(Version(1, 8)).unwrap_err();
        assert_eq!(v, OLDEST_ENVOY);
        assert!(
            why.starts_with("Istio 1.8 ships Envoy 1.16, older than"),
            "{why}"
        );
        let (v, why) = envoy_of_istio(Version(1, 2)).unwrap_err();
        assert_eq!(v, OLDEST_ENVOY);
        assert!(
            why.starts_with("Istio 1.2 shipped a fork of Envoy"),
            "{why}"
        );
    }
}
