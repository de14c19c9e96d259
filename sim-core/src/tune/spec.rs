//! The tune file (`scenarios/tunes/*.toml`): a sweep's base scenario, `set` and axes (read by
//! the sweep's own types and parser), an objective, constraints, the replications schedule and
//! a budget.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::diagnostic::Diagnostic;
use crate::scenario::locate_in_toml;
use crate::sweep::Metric;
use crate::sweep::spec::{AxisSpec, is_plain_name, parse_fields, plain};

/// A tune file, as written by users.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TuneSpec {
    /// Name of the tune (defaults to the file stem).
    #[serde(default)]
    pub name: Option<String>,
    /// One paragraph on what the tune asks.
    #[serde(default)]
    pub description: Option<String>,
    /// The base scenario, relative to the tune file.
    pub scenario: String,
    /// The seed the replication seeds are drawn from (as a sweep's).
    #[serde(default = "one")]
    pub seed: u64,
    /// Overrides applied to the base scenario before the axes, as `PATH=VALUE`.
    #[serde(default)]
    pub set: Vec<String>,
    /// The settings searched: sweep axes, every combination a candidate.
    #[serde(default)]
    pub axes: Vec<AxisSpec>,
    /// The metric to maximise or minimise.
    pub objective: ObjectiveSpec,
    /// Conditions a candidate must meet, e.g. `"latency.p99 < 200"`.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// The replications schedule: `{ initial = 4, max = 64 }`.
    pub replications: Schedule,
    /// The most runs the tune may use.
    pub budget: u64,
    /// The sweep's size guard on the whole grid at `replications.max` (default as for sweeps).
    #[serde(default)]
    pub max_runs: Option<u64>,
}

fn one() -> u64 {
    1
}

/// `objective = { maximize = "availability" }` or `{ minimize = "latency.p99" }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveSpec {
    /// The metric to make as high as possible.
    #[serde(default)]
    pub maximize: Option<Metric>,
    /// The metric to make as low as possible.
    #[serde(default)]
    pub minimize: Option<Metric>,
}

/// The objective, checked: a metric and a direction.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    /// The metric.
    pub metric: Metric,
    /// True to maximise it.
    pub maximize: bool,
}

impl Objective {
    /// Whether mean `a` is better than mean `b`.
    pub fn better(&self, a: f64, b: f64) -> bool {
        if self.maximize { a > b } else { a < b }
    }

    /// `maximize` or `minimize`.
    pub fn verb(&self) -> &'static str {
        if self.maximize {
            "maximize"
        } else {
            "minimize"
        }
    }
}

/// `replications = { initial = 4, max = 64 }`: every candidate runs `initial` replications,
/// the survivors of each round twice as many, up to `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Replications of the first round (at least 2: an interval needs two runs).
    pub initial: u64,
    /// Replications never exceeded (at least `initial`).
    pub max: u64,
}

impl Schedule {
    /// The replications after each round: `initial`, doubled each round, the last `max`.
    pub fn rounds(&self) -> Vec<u64> {
        let mut out = vec![self.initial];
        while let Some(&last) = out.last()
            && last < self.max
        {
            out.push((last * 2).min(self.max));
        }
        out
    }
}

/// A comparison of a constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Less,
    /// `<=`
    AtMost,
    /// `>`
    Greater,
    /// `>=`
    AtLeast,
}

impl Op {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Less => "<",
            Op::AtMost => "<=",
            Op::Greater => ">",
            Op::AtLeast => ">=",
        }
    }

    /// True when a value must stay below the bound (`<`, `<=`): lower is better.
    pub fn upper_bound(self) -> bool {
        matches!(self, Op::Less | Op::AtMost)
    }

    /// Whether `value` meets `bound`.
    pub fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Op::Less => value < bound,
            Op::AtMost => value <= bound,
            Op::Greater => value > bound,
            Op::AtLeast => value >= bound,
        }
    }
}

/// `"METRIC OP BOUND"`: `"latency.p99 < 200"` (ms), `"ejected_fraction.reviews-v1-0 < 1%"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    /// As written.
    pub text: String,
    /// The metric constrained.
    pub metric: Metric,
    /// The comparison.
    pub op: Op,
    /// The bound, in the metric's unit (a share as a fraction: `1%` is 0.01).
    pub bound: f64,
}

const CONSTRAINT_FORM: &str = "\"METRIC OP BOUND\" with OP one of <, <=, >, >= and BOUND a number in the metric's unit (latencies in ms, seconds in s, shares as fractions or with %), e.g. \"latency.p99 < 200\" or \"ejected_fraction.reviews-v1-0 < 1%\"";

impl Constraint {
    /// Reads `"METRIC OP BOUND"`; `Err` says what is allowed.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let bad = |why: &str| format!("constraint `{text}`: {why}; write {CONSTRAINT_FORM}");
        let at = text.find(['<', '>']).ok_or_else(|| bad("no comparison"))?;
        let (name, rest) = (text[..at].trim(), &text[at..]);
        let (op, bound) = [
            ("<=", Op::AtMost),
            (">=", Op::AtLeast),
            ("<", Op::Less),
            (">", Op::Greater),
        ]
        .into_iter()
        .find_map(|(sym, op)| rest.strip_prefix(sym).map(|b| (op, b.trim())))
        .expect("rest starts with < or >");
        let metric = Metric::parse(name).map_err(|e| bad(&e))?;
        let (number, percent) = match bound.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (bound, false),
        };
        if percent && !metric.is_share() {
            return Err(bad(&format!(
                "`{name}` is not a share: give its bound without %"
            )));
        }
        let mut bound: f64 = number
            .parse()
            .ok()
            .filter(|b: &f64| b.is_finite())
            .ok_or_else(|| bad(&format!("`{bound}` is not a number")))?;
        if percent {
            bound /= 100.0;
        }
        Ok(Constraint {
            text: text.to_string(),
            metric,
            op,
            bound,
        })
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.metric, self.op.symbol(), self.bound)
    }
}

impl<'de> Deserialize<'de> for Constraint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Constraint::parse(&text).map_err(de::Error::custom)
    }
}

/// Parses a tune file; errors name the file, the field path and (where known) line and column.
pub fn parse_tune(text: &str, source: &str) -> Result<TuneSpec, Diagnostic> {
    let spec: TuneSpec = parse_fields(text, source)?;
    check_fields(&spec, source).map_err(|d| locate_in_toml(d, text))?;
    Ok(spec)
}

impl TuneSpec {
    /// The objective, checked by `parse_tune` to be exactly one of `maximize` and `minimize`.
    pub fn objective(&self) -> Objective {
        match (&self.objective.maximize, &self.objective.minimize) {
            (Some(m), _) => Objective {
                metric: m.clone(),
                maximize: true,
            },
            (None, Some(m)) => Objective {
                metric: m.clone(),
                maximize: false,
            },
            (None, None) => unreachable!("checked by parse_tune"),
        }
    }
}

/// What the types alone do not refuse.
fn check_fields(spec: &TuneSpec, source: &str) -> Result<(), Diagnostic> {
    let err = |path: &str, m: String| Err(plain(source, path, m));
    if spec.objective.maximize.is_some() == spec.objective.minimize.is_some() {
        return err(
            "objective",
            "give exactly one of `maximize` and `minimize`, e.g. objective = { maximize = \"availability\" }".into(),
        );
    }
    if spec.axes.is_empty() {
        return err(
            "axes",
            "list at least one setting to search, as a sweep's [[axes]] (path, and values or range)".into(),
        );
    }
    let r = spec.replications;
    if r.initial < 2 {
        return err(
            "replications.initial",
            format!("{} replications give no interval: at least 2", r.initial),
        );
    }
    if r.max < r.initial {
        return err(
            "replications.max",
            format!("{} is fewer than initial ({})", r.max, r.initial),
        );
    }
    if spec.budget == 0 {
        return err("budget", "must be 1 or more runs".into());
    }
    if spec.max_runs == Some(0) {
        return err("max_runs", "must be 1 or more".into());
    }
    if let Some(name) = &spec.name
        && !is_plain_name(name)
    {
        return err(
            "name",
            format!("`{name}`: use letters, digits, `-`, `_` and `.` (not starting with `.`)"),
        );
    }
    Ok(())
}

/// The metrics every run records: the objective's first, then each constraint's not yet listed.
pub fn tune_metrics(objective: &Objective, constraints: &[Constraint]) -> Vec<Metric> {
    let mut out = vec![objective.metric.clone()];
    for c in constraints {
        if !out.iter().any(|m| m.name == c.metric.name) {
            out.push(c.metric.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "scenario = \"x.toml\"\nbudget = 100\nreplications = { initial = 4, max = 32 }\nobjective = { maximize = \"availability\" }\n[[axes]]\npath = \"a\"\nvalues = [1, 2]\n";

    #[test]
    fn constraints_read_metric_operator_and_bound() {
        let c = Constraint::parse("latency.p99 < 200").unwrap();
        assert_eq!((c.op, c.bound), (Op::Less, 200.0));
        let c = Constraint::parse("ejected_fraction.reviews-v1-0<=1%").unwrap();
        assert_eq!((c.op, c.bound), (Op::AtMost, 0.01));
        assert_eq!(c.metric.name, "ejected_fraction.reviews-v1-0");
        let c = Constraint::parse("availability >= 0.99").unwrap();
        assert_eq!((c.op, c.bound), (Op::AtLeast, 0.99));
        for (bad, why) in [
            ("latency.p99 = 200", "no comparison"),
            ("latncy.p99 < 200", "unknown metric"),
            ("latency.p99 < 2%", "not a share"),
            ("latency.p99 < fast", "not a number"),
        ] {
            let e = Constraint::parse(bad).unwrap_err();
            assert!(
                e.contains(why) && e.contains("METRIC OP BOUND"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn the_schedule_doubles_up_to_max() {
        let s = |initial, max| Schedule { initial, max }.rounds();
        assert_eq!(s(4, 32), vec![4, 8, 16, 32]);
        assert_eq!(s(4, 20), vec![4, 8, 16, 20]);
        assert_eq!(s(5, 5), vec![5]);
    }

    #[test]
    fn a_tune_file_is_checked_with_its_place() {
        let spec = parse_tune(BASE, "t.toml").unwrap();
        assert_eq!(spec.objective().verb(), "maximize");
        let both = BASE.replace(
            "{ maximize = \"availability\" }",
            "{ maximize = \"availability\", minimize = \"latency.p99\" }",
        );
        let e = parse_tune(&both, "t.toml").unwrap_err();
        assert_eq!(e.path.as_deref(), Some("objective"));
        assert!(e.location().unwrap().contains(":4:"), "{e}");
        let one = BASE.replace("initial = 4", "initial = 1");
        let e = parse_tune(&one, "t.toml").unwrap_err();
        assert_eq!(e.path.as_deref(), Some("replications.initial"));
        let bad = format!("constraints = [\"latency.p99 ~ 3\"]\n{BASE}");
        let e = parse_tune(&bad, "t.toml").unwrap_err();
        assert_eq!(e.path.as_deref(), Some("constraints[0]"));
        assert!(e.location().unwrap().starts_with("t.toml:1:"), "{e}");
    }
}
