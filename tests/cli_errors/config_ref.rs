//! A scenario whose `[cluster]` is `from` an Envoy or Istio file, with a `select` or
//! `istio_version` that does not fit it: exit 2.

use super::{BOOTSTRAP, DESTINATION_RULE, SCENARIO, file};
use crate::common::fails;

/// A scenario `<name>.toml` whose `[cluster]` is `from` the config `<name>.yaml` (its text
/// `config`, written beside it; each test has its own, as tests run in parallel) and `rest`.
fn with_config(name: &str, config: &str, rest: &str) -> String {
    file(&format!("{name}.yaml"), config);
    let world = &SCENARIO[SCENARIO.find("[[clients]]").expect("clients")..];
    file(
        &format!("{name}.toml"),
        &format!("[cluster]\nfrom = \"cli-errors-{name}.yaml\"\n{rest}\n\n{world}"),
    )
}

#[test]
fn config_select_that_is_not_a_string() {
    let path = with_config("cfg-select-type", BOOTSTRAP, "select = 3");
    fails(
        &["check", &path],
        2,
        &[&format!(
            "{path}:3:10: cluster.select: invalid type: integer `3`, expected a string"
        )],
    );
}

#[test]
fn config_select_that_names_no_cluster() {
    let path = with_config("cfg-select-none", BOOTSTRAP, "select = \"gamma\"");
    fails(
        &["check", &path],
        2,
        &[
            &format!("{path}:3:10: cluster.select: no cluster named gamma in "),
            "cli-errors-cfg-select-none.yaml; allowed: alpha, beta",
        ],
    );
}

#[test]
fn config_with_several_clusters_and_no_select() {
    let path = with_config("cfg-several", BOOTSTRAP, "");
    fails(
        &["run", &path],
        2,
        &[
            "cli-errors-cfg-several.yaml: 2 clusters (alpha, beta); choose one with select = \"NAME\" in the [cluster] of ",
            &path,
        ],
    );
}

#[test]
fn config_istio_version_that_is_not_a_version() {
    let path = with_config(
        "cfg-version",
        DESTINATION_RULE,
        "istio_version = \"latest\"",
    );
    fails(
        &["check", &path],
        2,
        &[&format!(
            "{path}:3:17: cluster.istio_version: `latest` is not an Istio version like 1.24"
        )],
    );
}

#[test]
fn config_select_that_is_not_an_istio_cluster_name() {
    let path = with_config("cfg-select-istio", DESTINATION_RULE, "select = \"reviews\"");
    fails(
        &["check", &path],
        2,
        &[&format!(
            "{path}:3:10: cluster.select: `reviews` is not of the form outbound|<port>|<subset>|<host>"
        )],
    );
}

/// A `[cluster] from` config nested past the YAML reader's limit is refused at its place in
/// the config, as `import` refuses it (`import_of_flow_collections_nested_past_the_yaml_readers_limit`).
#[test]
fn config_nested_past_the_yaml_readers_limit() {
    let deep = format!("{}{}\n", "[".repeat(300), "]".repeat(300));
    let path = with_config("cfg-deep", &deep, "");
    let config = path.replace("cfg-deep.toml", "cfg-deep.yaml");
    fails(
        &["--message-format", "short", "check", &path],
        2,
        &[&format!(
            "{config}:1:256: YAML syntax error: recursion limit exceeded"
        )],
    );
}
