//! Every error path of the CLI that no other module covers with its exit code and message (the
//! others are listed in docs/errors.md): the exit code (2 for bad input, 1 for anything else),
//! `error: ` first on stderr, the file (and line, column and field path where the input has
//! them), what is allowed where the code says it, nothing on stdout, and never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::{breakersim, breakersim_as_given, fails, root, temp_file};

/// A small valid scenario: 2 workers x 3 requests.
const TINY: &str = r#"[cluster]
name = "c"
connect_timeout = "1s"

[[clients]]
kind = "closed_loop"
workers = 2
requests_per_worker = 3

[[backends]]
name = "b"
"#;

/// A file of this module's own under the tests' temp dir.
fn file(name: &str, text: &str) -> String {
    path_str(&temp_file(&format!("errpath-{name}"), text))
}

fn path_str(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

/// The tiny scenario, written once per caller name.
fn tiny(name: &str) -> String {
    file(name, TINY)
}

// ---------------------------------------------------------------------------------------------
// Usage errors (clap): exit 2
// ---------------------------------------------------------------------------------------------

#[test]
fn no_command_prints_the_help_on_stderr_with_code_2() {
    let out = breakersim(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("Usage: breakersim [OPTIONS] <COMMAND>"),
        "{}",
        out.stderr
    );
    for command in ["run", "sweep", "report", "import", "check"] {
        assert!(out.stderr.contains(command), "{}", out.stderr);
    }
}

#[test]
fn unknown_command() {
    fails(
        &["frobnicate"],
        2,
        &["unrecognized subcommand 'frobnicate'", "Usage: breakersim"],
    );
}

#[test]
fn unknown_flag() {
    fails(
        &["run", "x.toml", "--frob"],
        2,
        &["unexpected argument '--frob'", "Usage: breakersim run"],
    );
}

#[test]
fn missing_required_argument() {
    fails(
        &["run"],
        2,
        &["required arguments were not provided", "<SCENARIO>"],
    );
    fails(
        &["import"],
        2,
        &["required arguments were not provided", "<FILE>"],
    );
}

#[test]
fn bad_flag_values() {
    let lab = "scenarios/envoy-circuit-breaker-lab.toml";
    fails(
        &["run", lab, "--format", "xml"],
        2,
        &[
            "invalid value 'xml' for '--format <FORMAT>'",
            "[possible values: text, json, prometheus]",
        ],
    );
    fails(
        &["run", lab, "--seed", "abc"],
        2,
        &["invalid value 'abc' for '--seed <SEED>'"],
    );
    fails(
        &["sweep", "x.toml", "--threads", "many"],
        2,
        &["invalid value 'many' for '--threads <THREADS>'"],
    );
    fails(
        &["sweep", "x.toml", "--threads", "0"],
        2,
        &["invalid value '0' for '--threads <THREADS>': 0 is not in 1..=65535"],
    );
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    for args in [&["--help"][..], &["run", "--help"], &["help", "sweep"]] {
        let out = breakersim_as_given(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(out.stdout.contains("Usage: breakersim"), "{}", out.stdout);
    }
    let out = breakersim(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("breakersim "), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// run and check: the scenario file and --set: exit 2
// ---------------------------------------------------------------------------------------------

#[test]
fn scenario_that_cannot_be_read() {
    let dir = path_str(&std::env::temp_dir());
    for cmd in ["run", "check"] {
        fails(
            &[cmd, &dir],
            2,
            &[&format!("{dir}: cannot read the scenario:")],
        );
        fails(
            &[cmd, "no/such/file.toml"],
            2,
            &["no/such/file.toml: cannot read the scenario: No such file"],
        );
    }
}

#[test]
fn scenario_value_of_the_wrong_type() {
    let path = file(
        "wrong-type.toml",
        &TINY.replace("connect_timeout = \"1s\"", "connect_timeout = 5"),
    );
    fails(
        &["check", &path],
        2,
        &[&format!(
            "{path}:3:19: cluster.connect_timeout: invalid type: integer `5`, expected a duration string such as \"5s\""
        )],
    );
}

/// A name field given something else than a name lists the names it takes.
#[test]
fn scenario_name_field_of_the_wrong_type() {
    let path = file(
        "wrong-name.toml",
        &TINY.replace("kind = \"closed_loop\"", "kind = 3"),
    );
    fails(
        &["run", &path],
        2,
        &[&format!(
            "{path}:6:8: clients[0].kind: expected a quoted name, `closed_loop` or `open_loop`"
        )],
    );
}

#[test]
fn set_path_that_is_not_dotted_names() {
    let path = tiny("set-path.toml");
    for arg in ["=3", "cluster..name=x"] {
        fails(
            &["check", &path, "--set", arg],
            2,
            &[&format!(
                "{path}: --set {arg}: the path must be dotted field names, e.g. cluster."
            )],
        );
    }
}

#[test]
fn set_unknown_field() {
    let path = tiny("set-unknown.toml");
    fails(
        &["run", &path, "--set", "cluster.conect_timeout=2s"],
        2,
        &[
            &format!(
                "{path}: --set cluster.conect_timeout=2s: cluster.conect_timeout: unknown field `conect_timeout`"
            ),
            "expected one of `name`, `connect_timeout`",
        ],
    );
}

#[test]
fn set_value_of_the_wrong_type() {
    let path = tiny("set-type.toml");
    fails(
        &["check", &path, "--set", "clients.0.workers=two"],
        2,
        &[&format!(
            "{path}: --set clients.0.workers=two: clients[0].workers: invalid type: string \"two\", expected a nonzero u32"
        )],
    );
    fails(
        &["check", &path, "--set", "cluster.lb_policy=3"],
        2,
        &[
            "cluster.lb_policy: expected a quoted name, one of `ROUND_ROBIN`, `LEAST_REQUEST`, `RANDOM`",
        ],
    );
}

/// Paths that cannot be walked: through a value, into a list by name, into a list the file
/// does not have.
#[test]
fn set_path_that_cannot_be_walked() {
    let path = tiny("set-walk.toml");
    let cases = [
        (
            "cluster.name.x=1",
            "cluster.name.x: `cluster.name` is not a table, so it has no field `x`",
        ),
        (
            "clients.first.workers=1",
            "`clients` is a list: index it with a number, e.g. clients.0",
        ),
        (
            "retries.0.x=1",
            "`retries` is not in the file, and --set cannot add list entries: add the [[retries]] table to the file first",
        ),
    ];
    for (arg, expected) in cases {
        fails(
            &["check", &path, "--set", arg],
            2,
            &[&format!("{path}: --set {arg}: "), expected],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// run: outputs that cannot be written: exit 1
// ---------------------------------------------------------------------------------------------

#[test]
fn outlier_log_that_cannot_be_written() {
    let path = tiny("outlier-log.toml");
    let missing = std::env::temp_dir().join("breakersim-no-such-dir/x.jsonl");
    let missing = path_str(&missing);
    fails(
        &["run", &path, "--outlier-log", &missing],
        1,
        &[&format!(
            "--outlier-log: cannot write {missing}: No such file"
        )],
    );
    // The tests' own directory: the temporary file goes beside it, in the system temp dir.
    let dir = path_str(Path::new(&path).parent().expect("a directory"));
    fails(
        &["run", &path, "--outlier-log", &dir],
        1,
        &[&format!("--outlier-log: cannot write {dir}")],
    );
    fails(
        &["run", &path, "--outlier-log", "/"],
        1,
        &["--outlier-log: cannot write /: not a file name"],
    );
}

/// Runs the binary with stdout or stderr on /dev/full (Linux); None where there is none.
fn with_full(args: &[&str], stdout_full: bool) -> Option<(i32, String)> {
    let full = Path::new("/dev/full");
    if !full.exists() {
        return None;
    }
    let device = || Stdio::from(std::fs::File::create(full).expect("/dev/full opens"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_breakersim"));
    cmd.args(args).current_dir(root());
    if stdout_full {
        cmd.stdout(device()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::piped()).stderr(device());
    }
    let out = cmd.output().expect("the binary runs");
    let text = if stdout_full { out.stderr } else { out.stdout };
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&text).into_owned(),
    ))
}

#[test]
fn stdout_that_cannot_be_written() {
    let path = tiny("stdout-full.toml");
    let Some((code, stderr)) = with_full(&["run", &path], true) else {
        return;
    };
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write the output to stdout: No space left on device"),
        "{stderr}"
    );
}

/// A stderr that cannot be written changes nothing but the message: no panic (exit 101).
#[test]
fn stderr_that_cannot_be_written() {
    let Some((code, _)) = with_full(&["run", "no/such/file.toml"], false) else {
        return;
    };
    assert_eq!(code, 2);
    let path = tiny("stderr-full.toml");
    let (code, stdout) = with_full(&["run", &path, "--timing"], false).expect("as above");
    assert_eq!(code, 0);
    assert!(stdout.contains("Availability"), "{stdout}");
}

// ---------------------------------------------------------------------------------------------
// [cluster] from = "...": exit 2
// ---------------------------------------------------------------------------------------------

/// An Envoy bootstrap with two clusters, `alpha` and `beta`.
const BOOTSTRAP: &str = "static_resources:
  clusters:
  - name: alpha
    connect_timeout: 1s
  - name: beta
    connect_timeout: 2s
";

const DESTINATION_RULE: &str = "apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
";

/// A scenario `<name>.toml` whose `[cluster]` is `from` the config `<name>.yaml` (its text
/// `config`, written beside it; each test has its own, as tests run in parallel) and `rest`.
fn with_config(name: &str, config: &str, rest: &str) -> String {
    file(&format!("{name}.yaml"), config);
    let world = &TINY[TINY.find("[[clients]]").expect("clients")..];
    file(
        &format!("{name}.toml"),
        &format!("[cluster]\nfrom = \"errpath-{name}.yaml\"\n{rest}\n\n{world}"),
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
            "errpath-cfg-select-none.yaml; allowed: alpha, beta",
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
            "errpath-cfg-several.yaml: 2 clusters (alpha, beta); choose one with select = \"NAME\" in the [cluster] of ",
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

// ---------------------------------------------------------------------------------------------
// sweep: exit 2 for the sweep file, 1 for outputs
// ---------------------------------------------------------------------------------------------

/// A sweep file `name` over the tiny scenario: `body` after its `scenario` line.
fn sweep_file(name: &str, body: &str) -> String {
    let base = tiny(&format!("{name}.base.toml"));
    file(name, &format!("scenario = \"{base}\"\n{body}"))
}

/// `sweep` on `path`: exit 2 with `parts`, nothing written.
fn sweep_fails(path: &str, parts: &[&str]) {
    let out = std::env::temp_dir().join(format!("breakersim-errpath-out-{}", std::process::id()));
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
        &TINY.replace("workers = 2", "workers = 0"),
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
            &format!("{base}:7:11: clients[0].workers: "),
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
fn sweep_out_that_cannot_be_created() {
    let path = sweep_file("sw-out.toml", "metrics = [\"availability\"]\n");
    let regular = file("sw-out-regular", "a file, not a directory\n");
    let out = format!("{regular}/out");
    fails(
        &["sweep", &path, "--out", &out],
        1,
        &[&format!("cannot create {out}: Not a directory")],
    );
}

// ---------------------------------------------------------------------------------------------
// report: exit 2 for a root without sweeps, 1 for stale or unwritable reports
// ---------------------------------------------------------------------------------------------

/// A repository root with one tiny sweep (no axes, no charts) in scenarios/sweeps/.
fn report_root(name: &str) -> PathBuf {
    let root = temp_file(&format!("errpath-{name}"), "").with_extension("d");
    let sweeps = root.join("scenarios/sweeps");
    std::fs::create_dir_all(&sweeps).expect("temp dir");
    std::fs::write(root.join("scenarios/tiny.toml"), TINY).expect("written");
    std::fs::write(
        sweeps.join("tiny.toml"),
        "scenario = \"../tiny.toml\"\nmetrics = [\"availability\"]\n",
    )
    .expect("written");
    root
}

#[test]
fn report_root_without_sweeps() {
    let root = temp_file("errpath-report-empty", "").with_extension("d");
    std::fs::create_dir_all(&root).expect("temp dir");
    let shown = path_str(&root);
    for check in [false, true] {
        let mut args = vec!["report", "--root", &shown];
        if check {
            args.push("--check");
        }
        fails(
            &args,
            2,
            &[&format!(
                "{shown}/scenarios/sweeps: cannot list the sweeps: No such file"
            )],
        );
    }
}

#[test]
fn report_check_on_stale_reports() {
    let root = report_root("report-stale");
    let shown = path_str(&root);
    std::fs::create_dir_all(root.join("reports")).expect("temp dir");
    std::fs::write(root.join("reports/README.md"), "old\n").expect("written");
    fails(
        &["report", "--root", &shown, "--check"],
        1,
        &[
            "reports/ is stale: reports/README.md differ from what the sweeps give now; run `breakersim report` and commit them",
        ],
    );
    let out = breakersim(&["report", "--root", &shown]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = breakersim(&["report", "--root", &shown, "--check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("reports/ is up to date"),
        "{}",
        out.stdout
    );
}

#[test]
fn report_that_cannot_be_written() {
    let root = report_root("report-unwritable");
    std::fs::write(root.join("reports"), "a file, not a directory\n").expect("written");
    let shown = path_str(&root);
    fails(
        &["report", "--root", &shown],
        1,
        &[&format!("cannot create {shown}/reports: File exists")],
    );
}

// ---------------------------------------------------------------------------------------------
// import: exit 2
// ---------------------------------------------------------------------------------------------

#[test]
fn import_file_that_cannot_be_read() {
    fails(
        &["import", "no/such/config.yaml"],
        2,
        &["no/such/config.yaml: cannot read: No such file"],
    );
}

#[test]
fn import_api_version_that_is_not_istios() {
    let path = file(
        "api.yaml",
        "apiVersion: networking.istio.io/v9\nkind: DestinationRule\n",
    );
    fails(
        &["import", &path],
        2,
        &[&format!(
            "{path}:1:13: apiVersion: \"networking.istio.io/v9\" is not supported, expected networking.istio.io/v1alpha3, networking.istio.io/v1beta1, networking.istio.io/v1"
        )],
    );
}

/// An empty file, or a VirtualService alone, has nothing to import.
#[test]
fn import_of_nothing_to_import() {
    let empty = file("empty.yaml", "# nothing here\n");
    let vs = file(
        "vs-only.yaml",
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  hosts: [reviews]\n",
    );
    fails(
        &["import", &empty],
        2,
        &[&format!(
            "{empty}: no Envoy bootstrap, Envoy Cluster or Istio DestinationRule found"
        )],
    );
    fails(
        &["import", &vs],
        2,
        &[&format!("{vs}: no Istio DestinationRule found")],
    );
}

#[test]
fn import_bootstrap_without_clusters() {
    let path = file("boot-none.yaml", "static_resources:\n  clusters: []\n");
    fails(
        &["import", &path],
        2,
        &[&format!("{path}: static_resources has no clusters")],
    );
}

#[test]
fn import_bootstrap_with_several_clusters_and_no_flag() {
    let path = file("boot-two.yaml", BOOTSTRAP);
    fails(
        &["import", &path],
        2,
        &[&format!(
            "{path}: 2 clusters (alpha, beta); choose one with --cluster NAME"
        )],
    );
}

#[test]
fn import_cluster_flag_that_names_no_cluster() {
    let path = file("boot-gamma.yaml", BOOTSTRAP);
    fails(
        &["import", &path, "--cluster", "gamma"],
        2,
        &[&format!(
            "--cluster: no cluster named gamma in {path}; allowed: alpha, beta"
        )],
    );
}

#[test]
fn import_cluster_without_a_name() {
    let path = file(
        "boot-noname.yaml",
        "static_resources:\n  clusters:\n  - connect_timeout: 1s\n",
    );
    fails(
        &["import", &path],
        2,
        &[&format!(
            "{path}:3:5: static_resources.clusters[0]: a cluster needs a `name`"
        )],
    );
}

#[test]
fn import_destination_rule_without_spec_or_host() {
    let head = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n";
    let no_spec = file("dr-nospec.yaml", head);
    fails(
        &["import", &no_spec],
        2,
        &[&format!("{no_spec}:1:1: a DestinationRule needs a spec")],
    );
    let no_host = file(
        "dr-nohost.yaml",
        &format!("{head}spec:\n  trafficPolicy: {{}}\n"),
    );
    fails(
        &["import", &no_host],
        2,
        &[&format!("{no_host}:4:3: spec: host is required")],
    );
}

#[test]
fn import_cluster_flag_that_is_not_an_istio_cluster_name() {
    let path = file("dr-flag.yaml", DESTINATION_RULE);
    fails(
        &["import", &path, "--cluster", "v1|reviews"],
        2,
        &[
            "--cluster: `v1|reviews` is not of the form outbound|<port>|<subset>|<host>, e.g. outbound|9080||reviews.default.svc.cluster.local",
        ],
    );
    fails(
        &["import", &path, "--cluster", "outbound|9080||ratings"],
        2,
        &[&format!(
            "{path}: no DestinationRule applies to the service ratings, expected one of the rules' hosts: reviews.default.svc.cluster.local"
        )],
    );
}

#[test]
fn import_istio_version_that_is_not_a_version() {
    let path = file("dr-version.yaml", DESTINATION_RULE);
    fails(
        &["import", &path, "--istio-version", "latest"],
        2,
        &["--istio-version: `latest` is not an Istio version like 1.24"],
    );
    for version in ["0.9", "2.5"] {
        fails(
            &["import", &path, "--istio-version", version],
            2,
            &[&format!(
                "--istio-version: `{version}` is not an Istio 1.x version: breakersim follows \
                 istiod 1.0 to 1.30 (a newer 1.x gets 1.30's rules)"
            )],
        );
    }
}

/// Values of the wrong type, from Envoy and from Istio, through the binary.
#[test]
fn import_value_of_the_wrong_type() {
    let envoy = file(
        "envoy-type.yaml",
        "name: c\nconnect_timeout: 1s\nlb_policy: 7\n",
    );
    fails(
        &["import", &envoy],
        2,
        &[&format!(
            "{envoy}:3:12: lb_policy: invalid value 7, expected a string"
        )],
    );
    let istio = file(
        "istio-type.yaml",
        &format!(
            "{DESTINATION_RULE}  trafficPolicy:\n    connectionPool:\n      tcp:\n        connectTimeout: soon\n"
        ),
    );
    fails(
        &["import", &istio],
        2,
        &[&format!(
            "{istio}:10:25: spec.trafficPolicy.connectionPool.tcp.connectTimeout: invalid value \"soon\", expected a duration such as \"5s\" or \"0.25s\""
        )],
    );
}

#[test]
fn import_stream_limit_of_zero() {
    let path = file(
        "h2-zero.yaml",
        "name: c\nconnect_timeout: 1s\nhttp2_protocol_options:\n  max_concurrent_streams: 0\n",
    );
    fails(
        &["import", &path],
        2,
        &[&format!(
            "{path}:4:27: http2_protocol_options.max_concurrent_streams: 0 is out of range, expected 1 to 2147483647, as Envoy allows"
        )],
    );
}

// ---------------------------------------------------------------------------------------------
// The shipped sweeps pass the checks made before a sweep runs.
// ---------------------------------------------------------------------------------------------

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
