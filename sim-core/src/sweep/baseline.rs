//! A chart's baseline: the sweep's base scenario with a change of its own (`unset`, `set`),
//! run with the seed of every replication, for a reference line. Its runs are not jobs of the
//! sweep: they are run again whenever the chart is drawn, the same on any number of threads.

use std::fmt;

use rayon::prelude::*;
use toml::Table;

use super::grid::replication_seed;
use super::metrics::Metric;
use super::spec::{BaselineSpec, SweepSpec, plain};
use super::summary::Stats;
use crate::diagnostic::{Diagnostic, Place};
use crate::scenario::{Override, Scenario, apply_override, remove_field, scenario_from_table};
use crate::sim::{RunLimitExceeded, run};

/// Where chart `chart`'s baseline is written in the sweep file, for messages.
fn field(chart: usize) -> String {
    format!("charts[{chart}].baseline")
}

/// The scenario of chart `chart`'s baseline, if it has one: the base table with the sweep's
/// `set`, then the baseline's `unset` and its `set`, validated. No axis value is applied: the
/// baseline is one line across the chart.
pub fn baseline_scenario(
    spec: &SweepSpec,
    chart: usize,
    base: &Table,
    base_text: &str,
    base_source: &str,
    sweep_source: &str,
) -> Result<Option<Scenario>, Diagnostic> {
    let Some(baseline) = &spec.charts[chart].baseline else {
        return Ok(None);
    };
    let at = field(chart);
    let parse = |list: &[String], name: &str| -> Result<Vec<Override>, Diagnostic> {
        list.iter()
            .map(|s| Override::parse(s).map_err(|m| plain(sweep_source, name, m)))
            .collect()
    };
    let sweep_set = parse(&spec.set, "set")?;
    let own_set = parse(&baseline.set, &format!("{at}.set"))?;
    let mut table = base.clone();
    let blame = |o: &Override, message: String| {
        Diagnostic::error(sweep_source, message)
            .path(o.display_path())
            .place(Place::Entry(format!("{at}: set entry {}", o.raw)))
    };
    for o in &sweep_set {
        apply_override(&mut table, o).map_err(|m| blame(o, m))?;
    }
    for path in &baseline.unset {
        remove_field(&mut table, path)
            .map_err(|m| plain(sweep_source, &format!("{at}.unset"), m))?;
    }
    for o in &own_set {
        apply_override(&mut table, o).map_err(|m| blame(o, m))?;
    }
    let overrides: Vec<Override> = sweep_set.into_iter().chain(own_set).collect();
    scenario_from_table(table, base_text, base_source, &overrides)
        .map(Some)
        .map_err(|e| locate(e, baseline, &at, sweep_source))
}

/// An invalid baseline scenario, blamed on the override that made it so, or else on the base
/// file with a note that the baseline changed it.
fn locate(e: Diagnostic, baseline: &BaselineSpec, at: &str, sweep_source: &str) -> Diagnostic {
    match e.place {
        Place::Override(ref raw) => {
            let place = Place::Entry(format!("{at}: set entry {raw}"));
            Diagnostic {
                file: Some(sweep_source.to_string()),
                ..e
            }
            .place(place)
        }
        _ => Diagnostic {
            message: format!(
                "{} (in the baseline `{}` of {sweep_source}, {at})",
                e.message, baseline.label
            ),
            ..e
        },
    }
}

/// A baseline run that reached one of its scenario's `[limits]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineRunFailed {
    /// Index of the chart in the sweep's `[[charts]]`.
    pub chart: usize,
    /// The baseline's `label`, as the chart's legend shows it.
    pub label: String,
    /// Which replication (from 0).
    pub replication: u64,
    /// The replication's seed.
    pub seed: u64,
    /// The limit reached and where the run had got to.
    pub error: RunLimitExceeded,
}

impl fmt::Display for BaselineRunFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}`, replication {}, seed {}: {}",
            field(self.chart),
            self.label,
            self.replication,
            self.seed,
            self.error,
        )?;
        match self.error.limit.field() {
            Some(limit) => write!(
                f,
                " (raise it for the baseline: `set = [\"limits.{limit}=N\"]` in {})",
                field(self.chart)
            ),
            None => Ok(()),
        }
    }
}

impl std::error::Error for BaselineRunFailed {}

/// `metric` over the runs of chart `chart`'s baseline `scenario`, one per replication with that
/// replication's seed (the seeds of every grid point), on `threads` threads. The result does
/// not depend on the threads; a failure is the first replication, in order, that reached a
/// limit.
pub fn run_baseline(
    spec: &SweepSpec,
    chart: usize,
    scenario: &Scenario,
    metric: &Metric,
    threads: usize,
) -> Result<Stats, BaselineRunFailed> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("a thread pool");
    let runs: Vec<Result<f64, BaselineRunFailed>> = pool.install(|| {
        (0..spec.replications)
            .into_par_iter()
            .map(|replication| {
                let seed = replication_seed(spec.seed, replication);
                run(scenario, seed)
                    .map(|result| metric.value(&result))
                    .map_err(|error| BaselineRunFailed {
                        chart,
                        label: spec.charts[chart]
                            .baseline
                            .as_ref()
                            .map_or_else(String::new, |b| b.label.clone()),
                        replication,
                        seed,
                        error,
                    })
            })
            .collect()
    });
    let values = runs.into_iter().collect::<Result<Vec<f64>, _>>()?;
    Ok(Stats::of(&values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_toml_table;
    use crate::sweep::parse_sweep;

    /// Three hosts, one answering 500 to everything; 60 requests in turn.
    const BASE: &str = r#"
[cluster]
name = "c"
lb_policy = "ROUND_ROBIN"
[cluster.outlier_detection]
consecutive_5xx = 1
interval = "1s"
base_ejection_time = "300s"
max_ejection_percent = 100
[[clients]]
kind = "closed_loop"
workers = 1
requests_per_worker = 60
[[backends]]
name = "ok"
replicas = 2
[[backends]]
name = "broken"
error_probability = 1.0
error_status = 500
"#;

    fn sweep(baseline: &str) -> SweepSpec {
        let text = format!(
            "scenario = \"base.toml\"\nreplications = 3\nmetrics = [\"availability\"]\n\
             [[charts]]\nkind = \"line\"\nfile = \"a.svg\"\ntitle = \"t\"\nmetric = \"availability\"\n\
             x = \"interval\"\nbaseline = {baseline}\n\
             [[axes]]\npath = \"cluster.outlier_detection.interval\"\nvalues = [\"1s\"]\n"
        );
        parse_sweep(&text, "s.toml").unwrap()
    }

    fn scenario_of(spec: &SweepSpec) -> Result<Option<Scenario>, Diagnostic> {
        let base = parse_toml_table(BASE, "base.toml").unwrap();
        baseline_scenario(spec, 0, &base, BASE, "base.toml", "s.toml")
    }

    #[test]
    fn unset_removes_the_outlier_detector() {
        let spec = sweep("{ label = \"none\", unset = [\"cluster.outlier_detection\"] }");
        let s = scenario_of(&spec).unwrap().unwrap();
        assert!(s.cluster.outlier_detection.is_none());
    }

    /// Without a detector round robin sends every third request to the broken host: 20 of 60
    /// fail, availability 2/3 in every replication (closed loop, one worker: no luck involved),
    /// so the mean is 2/3 and the interval has no width.
    #[test]
    fn the_baseline_runs_every_replication() {
        let spec = sweep("{ label = \"none\", unset = [\"cluster.outlier_detection\"] }");
        let s = scenario_of(&spec).unwrap().unwrap();
        let metric = Metric::parse("availability").unwrap();
        let stats = run_baseline(&spec, 0, &s, &metric, 2).unwrap();
        assert_eq!(stats.n, 3);
        assert!((stats.mean - 40.0 / 60.0).abs() < 1e-12, "{}", stats.mean);
        assert_eq!(stats.min, stats.max);
        assert_eq!(run_baseline(&spec, 0, &s, &metric, 1).unwrap(), stats);
    }

    #[test]
    fn set_applies_after_unset() {
        let spec = sweep(
            "{ label = \"x\", unset = [\"cluster.outlier_detection\"], set = [\"cluster.outlier_detection.consecutive_5xx=7\"] }",
        );
        let s = scenario_of(&spec).unwrap().unwrap();
        let od = s
            .cluster
            .outlier_detection
            .expect("set again after the unset");
        assert_eq!(od.consecutive_5xx, 7);
    }

    #[test]
    fn mistakes_name_the_baseline() {
        let spec = sweep("{ label = \"x\", unset = [\"cluster.outlier\"] }");
        let e = scenario_of(&spec).unwrap_err().to_string();
        assert!(e.contains("charts[0].baseline.unset"), "{e}");
        assert!(
            e.contains("`cluster.outlier` is not in the scenario"),
            "{e}"
        );
        let spec = sweep("{ label = \"x\", set = [\"cluster.connect_timeout=-1s\"] }");
        let e = scenario_of(&spec).unwrap_err().to_string();
        assert!(e.contains("charts[0].baseline: set entry"), "{e}");
    }
}
