//! What `breakersim import` prints for each import input on disk (tests/fixtures/import/ and the
//! shipped scenarios/configs/): the scenario TOML on stdout and the warnings on stderr, as insta
//! snapshots. Each was checked by hand against its input: every value and every `from the file,
//! line N` comment.

use crate::common::breakersim_as_given;

/// (snapshot name, arguments after `import`). Left out until it is right:
/// tests/fixtures/import/destinationrule-and-virtualservice.yaml, whose `retry_on` is said to
/// come "from the file, line 30" (the first line of `retries`, where `attempts` is) instead of
/// line 32 (`retryOn`): `translate_retries` in sim-cli/src/import/istio_retry.rs gives
/// `retry_on` and `num_retries` the line of the `retries` block, and says "from the file" even
/// when `retry_on` is the Istio default's.
const CASES: [(&str, &[&str]); 5] = [
    (
        "envoy_cluster",
        &["tests/fixtures/import/envoy-cluster.yaml"],
    ),
    (
        "envoy_bootstrap",
        &[
            "tests/fixtures/import/envoy-bootstrap.yaml",
            "--cluster",
            "alpha",
        ],
    ),
    (
        "istio_destinationrule",
        &["tests/fixtures/import/destinationrule.yaml"],
    ),
    ("shipped_lab_envoy", &["scenarios/configs/lab-envoy.yaml"]),
    (
        "shipped_tutorial_destinationrule",
        &["scenarios/configs/tutorial-destinationrule.yaml"],
    ),
];

#[test]
fn every_import_input_on_disk() {
    for (name, args) in CASES {
        let mut all = vec!["import"];
        all.extend(args);
        all.extend(["--message-format", "human"]);
        let out = breakersim_as_given(&all);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        // What import prints is a scenario that loads.
        sim_core::scenario::load_scenario(&out.stdout, name, &[])
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", out.stdout));
        insta::assert_snapshot!(format!("{name}_scenario"), out.stdout);
        insta::assert_snapshot!(format!("{name}_warnings"), out.stderr);
    }
}
