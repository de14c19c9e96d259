//! `breakersim tune`: the optimum of a scenario worked out by hand is found, within its
//! interval; the race is the same on 1 and 2 threads; budgets and the size guard refuse with
//! the estimate; bad tune files exit 2 at their place.

use sim_core::tune::{Fate, Stop, race};

use crate::common::{breakersim, load, root, run, temp_file};

const HAND: &str = "scenarios/tunes/consecutive-5xx.toml";

fn load_tune(path: &std::path::Path) -> sim_cli::tune::load::LoadedTune {
    sim_cli::tune::load::load_tune(path, None, None).unwrap_or_else(|e| panic!("{e}"))
}

/// The hand derivation is in scenarios/tune-consecutive-5xx.toml. With consecutive_5xx = k:
/// bad-0 (always 500) gets every third request until its k-th 500 ejects it for 60 s, longer
/// than the 40 s run: k failures. After that round robin alternates flaky-0 and steady-0 (one
/// worker, one request at a time: each is served in at most 5 ms and the next is sent 100 ms
/// later), so flaky-0 gets 3 of the 6 requests sent in its bad window 20.05 to 20.65 s (at
/// 20.1, ..., 20.6 s), 3 in a row (the counter is at 0 before: it never failed). Envoy ejects
/// at the k-th consecutive 5xx (`consecutive_5xx`, compared with == after the increment;
/// source/common/upstream/outlier_detection_impl.cc, DetectorHostMonitorImpl::putHttpResponseCode):
/// with k <= 3 flaky-0 is ejected at its k-th failure (max_ejection_percent 100 allows two of
/// three hosts out, 100 * 2 / 3 < 100; panic routing is off) and stays out from about 20.3 s to
/// the end, about half the run; with k >= 4 it fails 3 and is never ejected. steady-0 never
/// fails. So for N requests: availability = 1 - (k + min(k, 3)) / N, and flaky-0 ejected less
/// than 1% of the time only for k >= 4: the best k under the constraints is 4, availability
/// 1 - 7 / N, and the runner-up k = 5 is 1 / N lower.
#[test]
fn tune_finds_the_optimum_worked_out_by_hand() {
    let t = load_tune(&root().join(HAND));
    let r = race(&t.plan, &t.grid, &t.scenarios, 2, &|| {}).unwrap();
    let base = load("tune-consecutive-5xx.toml");
    let n = run(&base, base.seed).client.received as f64;
    assert_eq!(n, 400.0, "a request every 100 ms for 40 s");
    let best = r.best.expect("a best candidate");
    assert_eq!(sim_cli::tune::settings(&t.grid, best), "consecutive_5xx=4");
    assert_eq!(r.stop, Stop::Decided);
    let hand = 1.0 - 7.0 / n;
    let i = sim_cli::tune::interval(&r.candidates[best], 0);
    assert!(
        i.low() - 1e-12 <= hand && hand <= i.high() + 1e-12,
        "{hand} in {i:?}"
    );
    for (c, cand) in r.candidates.iter().enumerate() {
        let k = c as f64 + 1.0;
        let expected = 1.0 - (k + k.min(3.0)) / n;
        for v in &cand.values[0] {
            assert!((v - expected).abs() < 1e-12, "k = {k}: {v} vs {expected}");
        }
        match c + 1 {
            1..=3 => assert!(
                matches!(cand.fate, Fate::Infeasible { constraint: 0, .. }),
                "k = {k}: {:?}",
                cand.fate
            ),
            4 => assert_eq!(cand.fate, Fate::Survived),
            _ => assert!(matches!(cand.fate, Fate::Worse { than: 3, .. }), "k = {k}"),
        }
    }
    assert_eq!(r.runner_up, Some(4));
    let (d, _) = sim_cli::tune::best_minus_runner_up(&r).unwrap();
    assert!((d.centre - 1.0 / n).abs() < 1e-12, "{d:?}");
    // One round of 8 candidates x 4 replications decides it.
    assert_eq!((r.runs_used(), r.full_grid_runs()), (32, 32));
}

/// A short tutorial race (60 s runs) whose rounds drop candidates both ways.
fn tutorial_tune() -> std::path::PathBuf {
    let scenario = root().join("scenarios/istio-outlier-tutorial.toml");
    temp_file(
        "tutorial-tune.toml",
        &format!(
            r#"scenario = "{}"
set = ["duration=60s", "backends.0.error_probability=0.01"]
seed = 2
budget = 200
replications = {{ initial = 3, max = 12 }}
objective = {{ maximize = "availability" }}
constraints = ["ejected_fraction.reviews-v1-0 < 1%", "latency.p99 < 50"]

[[axes]]
path = "cluster.outlier_detection.consecutive_5xx"
values = [1, 3, 5]

[[axes]]
path = "cluster.outlier_detection.base_ejection_time"
values = ["5s", "30s"]
"#,
            scenario.display()
        ),
    )
}

#[test]
fn the_race_is_the_same_on_1_and_2_threads() {
    let t = load_tune(&tutorial_tune());
    let one = race(&t.plan, &t.grid, &t.scenarios, 1, &|| {}).unwrap();
    let two = race(&t.plan, &t.grid, &t.scenarios, 2, &|| {}).unwrap();
    assert_eq!(one, two);
    assert!(one.rounds.len() > 1, "{:?}", one.rounds);
    let path = tutorial_tune();
    let path = path.to_str().unwrap();
    let a = breakersim(&["tune", path, "--threads", "1", "--format", "json"]);
    let b = breakersim(&["tune", path, "--threads", "2", "--format", "json"]);
    assert_eq!((a.code, b.code), (0, 0), "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn a_tune_over_its_budget_or_the_size_guard_is_refused_with_the_estimate() {
    let hand = root().join(HAND);
    let text = std::fs::read_to_string(&hand).unwrap().replace(
        "\"../tune-consecutive-5xx.toml\"",
        &format!(
            "\"{}\"",
            root().join("scenarios/tune-consecutive-5xx.toml").display()
        ),
    );
    let low = temp_file(
        "low-budget.toml",
        &text.replace("budget = 200", "budget = 20"),
    );
    let out = breakersim(&["tune", low.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("budget: the first round alone takes 32 runs = 8 candidates x 4 replications, more than the budget of 20 runs (the whole grid at 16 replications would take 128)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("low-budget.toml:10:10:"),
        "{}",
        out.stderr
    );
    let flag = breakersim(&["tune", hand.to_str().unwrap(), "--budget", "31"]);
    assert_eq!(flag.code, 2, "{}", flag.stderr);
    assert!(flag.stderr.contains("--budget 32"), "{}", flag.stderr);
    let guard = temp_file("guard.toml", &format!("max_runs = 100\n{text}"));
    let out = breakersim(&["tune", guard.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("128 runs = 8 points x 16 replications, more than the limit of 100 runs (set by `max_runs` in the tune file)"),
        "{}",
        out.stderr
    );
    // A budget that pays for the first round but not the second stops the race there.
    let t = sim_cli::tune::load::load_tune(&tutorial_tune(), None, Some(20)).unwrap();
    let r = race(&t.plan, &t.grid, &t.scenarios, 2, &|| {}).unwrap();
    assert!(matches!(r.stop, Stop::Budget { .. }), "{:?}", r.stop);
    assert!(r.runs_used() <= 20);
}

#[test]
fn bad_tune_files_exit_2_at_their_place() {
    let scenario = root().join("scenarios/tune-consecutive-5xx.toml");
    let good = format!(
        "scenario = \"{}\"\nbudget = 100\nreplications = {{ initial = 2, max = 4 }}\nobjective = {{ maximize = \"availability\" }}\nconstraints = [\"latency.p99 < 200\"]\n[[axes]]\npath = \"cluster.outlier_detection.consecutive_5xx\"\nvalues = [1, 2]\n",
        scenario.display()
    );
    let cases = [
        (
            good.replace("latency.p99 < 200", "latency.p99 ~ 200"),
            "bad-op.toml:5:",
            "constraints[0]: constraint `latency.p99 ~ 200`: no comparison",
        ),
        (
            good.replace("latency.p99 < 200", "latency.p75 < 200"),
            "bad-metric.toml:5:",
            "unknown metric `latency.p75`",
        ),
        (
            good.replace("maximize", "maximise"),
            "bad-objective.toml:4:",
            "unknown field `maximise`",
        ),
        (
            good.replace("initial = 2", "initial = 1"),
            "bad-schedule.toml:3:",
            "replications.initial: 1 replications give no interval",
        ),
        (
            good.replace("values = [1, 2]", "values = [-1, 2]"),
            "bad-point.toml",
            "grid point cluster.outlier_detection.consecutive_5xx=-1",
        ),
    ];
    let names = [
        "bad-op.toml",
        "bad-metric.toml",
        "bad-objective.toml",
        "bad-schedule.toml",
        "bad-point.toml",
    ];
    for ((text, place, message), name) in cases.iter().zip(names) {
        let path = temp_file(name, text);
        let out = breakersim(&["tune", path.to_str().unwrap()]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stderr.contains(place), "{name}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{name}: {}", out.stderr);
    }
    let ok = temp_file("good.toml", &good);
    let out = breakersim(&["tune", ok.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn text_json_and_chart_report_the_best_and_the_cost() {
    let chart = crate::common::temp_dir("tune-chart").join("tune.svg");
    let out = breakersim(&["tune", HAND, "--chart", chart.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("best: consecutive_5xx=4 (4 runs, feasible)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("runs used: 32 of 32"), "{}", out.stdout);
    let svg = std::fs::read_to_string(&chart).unwrap();
    for text in [
        "Tune: maximize availability against ejected_fraction.flaky-0",
        "availability (%)",
        "time flaky-0 spent ejected (%)",
        "Pareto front (means)",
        "bound: ejected_fraction.flaky-0 &lt; 1%",
        "best: consecutive_5xx=4",
    ] {
        assert!(svg.contains(text), "{text} missing from the chart");
    }
    let json = breakersim(&["tune", HAND, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["best"]["settings"], "consecutive_5xx=4");
    assert_eq!(
        v["best"]["set"][0],
        "cluster.outlier_detection.consecutive_5xx=4"
    );
    assert_eq!(v["stop"], "decided");
    assert_eq!(v["runs_used"], 32);
    assert_eq!(v["pareto_fronts"][0]["front"][0], "consecutive_5xx=4");
}
