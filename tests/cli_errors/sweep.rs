//! Sweep files that cannot be read or are wrong, and their base scenarios, `set` entries, axes
//! and charts: exit 2, found before any run, nothing written.

use super::{SCENARIO, file, path_str, scenario_file};
use crate::common::{fails, root};

/// A sweep file `name` over the tiny scenario: `body` after its `scenario` line.
pub(super) fn sweep_file(name: &str, body: &str) -> String {
    let base = scenario_file(&format!("{name}.base.toml"));
    file(name, &format!("scenario = \"{base}\"\n{body}"))
}

/// `sweep` on `path`: exit 2 with `parts`, nothing written.
fn sweep_fails(path: &str, parts: &[&str]) {
    let out =
        std::env::temp_dir().join(format!("breakersim-cli-errors-out-{}", std::process::id()));
    let out_dir = path_str(&out);
    fails(&["sweep", path, "--out", &out_dir], 2, parts);
    assert!(!out.join("runs.csv").exists(), "{path}: nothing written");
}

#[test]
fn sweep_file_that_cannot_be_read() {
    sweep_fails(
        "no/such/sweep.toml",
        &["no/such/sweep.toml: cannot read the sweep: No such file"],
    );
}

/// A sweep file nested past the TOML reader's limits is refused at its place, as a scenario is
/// (`scenario::nesting_past_the_toml_limits_is_an_error_at_its_place`).
#[test]
fn sweep_file_nested_past_the_toml_limits() {
    let path = sweep_file(
        "deep-sweep.toml",
        &format!("[{}]\n", vec!["a"; 81].join(".")),
    );
    sweep_fails(
        &path,
        &["TOML syntax error: recursion limit", &format!("{path}:2:2")],
    );
}

/// Fields the sweep file does not have, values of the wrong type, a missing `scenario`.
#[test]
fn sweep_fields_that_do_not_fit() {
    let cases = [
        (
            "sw-unknown.toml",
            "metrics = [\"availability\"]\nreplicas = 3\n",
            ":3:1: replicas: unknown field `replicas`, expected one of `name`",
        ),
        (
            "sw-type.toml",
            "metrics = [\"availability\"]\nreplications = \"x\"\n",
            ":3:16: replications: invalid type: string \"x\", expected u64",
        ),
        (
            "sw-kind.toml",
            "metrics = [\"availability\"]\n[[charts]]\nkind = \"pie\"\nfile = \"x.svg\"\ntitle = \"t\"\n",
            ":4:8: charts[0].kind: unknown variant `pie`, expected one of `line`, `heatmap`, `timeline`",
        ),
    ];
    for (name, body, expected) in cases {
        let path = sweep_file(name, body);
        sweep_fails(&path, &[&format!("{path}{expected}")]);
    }
    let path = file("sw-noscenario.toml", "metrics = [\"availability\"]\n");
    sweep_fails(&path, &[&format!("{path}:1:1: missing field `scenario`")]);
}

#[test]
fn sweep_replications_and_metrics_that_are_empty() {
    let path = sweep_file(
        "sw-reps.toml",
        "metrics = [\"availability\"]\nreplications = 0\n",
    );
    sweep_fails(
        &path,
        &[&format!("{path}:3:16: replications: must be 1 or more")],
    );
    let path = sweep_file(
        "sw-name.toml",
        "name = \"../../elsewhere\"\nmetrics = [\"availability\"]\n",
    );
    sweep_fails(
        &path,
        &[&format!(
            "{path}:2:8: name: `../../elsewhere` cannot name a directory: use letters, digits"
        )],
    );
    let path = sweep_file("sw-metrics.toml", "metrics = []\n");
    sweep_fails(
        &path,
        &[&format!(
            "{path}:2:11: metrics: list at least one metric, e.g. [\"availability\"]"
        )],
    );
}

#[test]
fn sweep_axes_that_do_not_expand() {
    let axis = |spec: &str| format!("metrics = [\"availability\"]\n[[axes]]\n{spec}\n");
    let cases = [
        (
            "sw-axis-path.toml",
            axis("path = \"cluster..x\"\nvalues = [1]"),
            ":4:8: axes[0].path: `cluster..x` is not a dotted path, expected a dotted scenario field path, e.g. cluster.outlier_detection.interval",
        ),
        (
            "sw-axis-none.toml",
            axis("path = \"seed\""),
            ":3:1: axes[0]: give either `values = [...]` (not empty) or `range = { from, to, step }`",
        ),
        (
            "sw-axis-order.toml",
            axis("path = \"seed\"\nrange = { from = 5, to = 1, step = 1 }"),
            ":5:9: axes[0].range: needs from <= to and a positive step",
        ),
        (
            "sw-axis-many.toml",
            axis("path = \"seed\"\nrange = { from = 1, to = 100000, step = 1 }"),
            ":5:9: axes[0].range: 100000 values is too many (at most 10000)",
        ),
        (
            "sw-axis-mixed.toml",
            axis("path = \"seed\"\nrange = { from = \"1s\", to = 2, step = 1 }"),
            ":5:9: axes[0].range: from, to and step must be all numbers or all durations (\"5s\")",
        ),
    ];
    for (name, body, expected) in cases {
        let path = sweep_file(name, &body);
        sweep_fails(&path, &[&format!("{path}{expected}")]);
    }
}

#[test]
fn sweep_set_entry_that_is_not_path_value() {
    let path = sweep_file(
        "sw-set-syntax.toml",
        "metrics = [\"availability\"]\nset = [\"duration\"]\n",
    );
    sweep_fails(
        &path,
        &[&format!(
            "{path}: set entry duration: set: no `=` in it, expected PATH=VALUE, e.g. cluster.connect_timeout=1s"
        )],
    );
}

/// A `set` entry that makes the scenario invalid is blamed on itself, in the sweep file.
#[test]
fn sweep_set_entry_that_makes_the_scenario_invalid() {
    let path = sweep_file(
        "sw-set-bad.toml",
        "metrics = [\"availability\"]\nset = [\"cluster.nope=1\"]\n[[axes]]\npath = \"seed\"\nvalues = [1, 2]\n",
    );
    sweep_fails(
        &path,
        &[&format!(
            "{path}: set entry cluster.nope=1: cluster.nope: unknown field `nope`, expected one of"
        )],
    );
}

/// Every axis value of the failing point is named, not only the one at fault.
#[test]
fn sweep_grid_point_names_all_its_axis_values() {
    let path = sweep_file(
        "sw-point.toml",
        "metrics = [\"availability\"]\n[[axes]]\npath = \"seed\"\nvalues = [1, 2]\n[[axes]]\npath = \"clients.0.workers\"\nvalues = [2, 0]\n",
    );
    sweep_fails(
        &path,
        &[&format!(
            "{path}: grid point seed=1, clients.0.workers=0: clients[0].workers: invalid value: integer `0`, expected a nonzero u32"
        )],
    );
}

/// A base scenario that is wrong in itself is blamed on its own line, with the point named.
#[test]
fn sweep_base_scenario_that_is_invalid() {
    let base = file(
        "sw-base-bad.base.toml",
        &SCENARIO.replace("workers = 2", "workers = 0"),
    );
    let path = file(
        "sw-base-bad.toml",
        &format!(
            "scenario = \"{base}\"\nmetrics = [\"availability\"]\n[[axes]]\npath = \"seed\"\nvalues = [1]\n"
        ),
    );
    sweep_fails(
        &path,
        &[
            &format!("{base}:10:11: clients[0].workers: "),
            &format!("(at the grid point seed=1 of {path})"),
        ],
    );
}

/// Chart mistakes are found before any run and named by the sweep file and the chart.
#[test]
fn sweep_charts_that_cannot_be_drawn() {
    let head = "metrics = [\"availability\"]\nreplications = 2\n\
                [[axes]]\npath = \"cluster.lb_policy\"\nlabel = \"lb\"\nvalues = [\"RANDOM\", \"ROUND_ROBIN\"]\n";
    let chart = |kind: &str, rest: &str| {
        format!("{head}[[charts]]\nkind = \"{kind}\"\nfile = \"x.svg\"\ntitle = \"t\"\n{rest}\n")
    };
    let cases = [
        (
            "ch-metric.toml",
            chart("heatmap", "metric = \"share.503\"\nx = \"lb\"\ny = \"lb\""),
            ":8:1: charts[0]: metric `share.503` is not collected by the sweep; allowed (the sweep's `metrics`): availability",
        ),
        (
            "ch-no-metric.toml",
            chart("line", "x = \"lb\""),
            ":8:1: charts[0]: needs `metric`; allowed (the sweep's `metrics`): availability",
        ),
        (
            "ch-no-y.toml",
            chart("heatmap", "metric = \"availability\"\nx = \"lb\""),
            ":8:1: charts[0]: needs `y`, an axis path or label; allowed: lb (cluster.lb_policy)",
        ),
        (
            "ch-x-text.toml",
            chart("line", "metric = \"availability\"\nx = \"lb\""),
            ":8:1: charts[0]: x values must be numbers or durations for a line chart; axis lb has RANDOM",
        ),
        (
            "ch-point-axis.toml",
            chart("timeline", "point = [\"seed=3\"]"),
            ":8:1: charts[0]: point: `seed` is not an axis; allowed: lb (cluster.lb_policy)",
        ),
        (
            "ch-point-value.toml",
            chart("timeline", "point = [\"lb=LEAST_REQUEST\"]"),
            ":8:1: charts[0]: point: `lb=LEAST_REQUEST`: LEAST_REQUEST is not one of the axis values; allowed: RANDOM, ROUND_ROBIN",
        ),
        (
            "ch-point-syntax.toml",
            chart("timeline", "point = [\"lb\"]"),
            ":8:1: charts[0]: point: `lb` is not AXIS=VALUE; allowed: lb (cluster.lb_policy)",
        ),
        (
            "ch-bucket.toml",
            chart("timeline", "bucket = \"soon\""),
            ":8:1: charts[0]: bucket: invalid duration \"soon\": expected a number followed by a unit",
        ),
        (
            "ch-bucket-zero.toml",
            chart("timeline", "bucket = \"0s\""),
            ":8:1: charts[0]: bucket must be greater than 0s",
        ),
        (
            "ch-replication.toml",
            chart("timeline", "replication = 2"),
            ":8:1: charts[0]: replication 2 is out of range: the sweep has 2 replications, numbered 0 to 1",
        ),
        (
            "ch-file.toml",
            chart("timeline", "").replace("x.svg", "../x.svg"),
            ":8:1: charts[0]: file: `../x.svg` is not a plain file name ending in .svg, e.g. \"availability.svg\"",
        ),
        (
            "ch-twice.toml",
            format!(
                "{}[[charts]]\nkind = \"timeline\"\nfile = \"x.svg\"\ntitle = \"u\"\n",
                chart("timeline", "")
            ),
            ":13:1: charts[1]: file: `x.svg` is the file of an earlier chart; give each chart its own",
        ),
    ];
    for (name, body, expected) in cases {
        let path = sweep_file(name, &body);
        sweep_fails(&path, &[&format!("{path}{expected}")]);
    }
}

#[test]
fn shipped_sweeps_load() {
    let dir = root().join("scenarios/sweeps");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("sweeps") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "toml") {
            sim_cli::sweep::load::load_sweep(&path, None)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            count += 1;
        }
    }
    assert!(count > 0);
}
