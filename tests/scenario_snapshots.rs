//! Every shipped scenario's outcome (the JSON report, as YAML) is a reviewed snapshot, and so
//! is the lab's text report. CI never writes snapshots (`INSTA_UPDATE=no`).

use crate::common::run;
use sim_cli::output::{json, text};

#[test]
fn every_scenario_outcome() {
    insta::glob!("../scenarios", "*.toml", |path| {
        let s = sim_cli::scenario_file::read_scenario(path, &[])
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let r = run(&s, s.seed);
        insta::assert_yaml_snapshot!(json::report(&r));
    });
}

#[test]
fn lab_text_report() {
    let s = crate::common::load("envoy-circuit-breaker-lab.toml");
    insta::assert_snapshot!(text::render(&run(&s, s.seed)));
}
