//! The grid of a sweep: every combination of axis values, in row-major order (the first axis
//! varies slowest), and the seeds of replications.

use toml::Value;

use super::spec::{AxisSpec, RangeSpec, SweepSpec, plain};
use crate::diagnostic::Diagnostic;
use crate::scenario::Override;
use crate::time::SimDuration;

/// One axis, expanded.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// The scenario field it varies, as a dotted path (`cluster.connect_timeout`).
    pub path: String,
    /// Its short name for charts and tables.
    pub label: String,
    /// Its values, listed or expanded from a range, as TOML values for `--set`.
    pub values: Vec<Value>,
}

impl Axis {
    /// A value as text, as it appears in tables and chart labels (`5s`, `20`).
    pub fn show(&self, i: usize) -> String {
        show(&self.values[i])
    }

    /// A value as a number for a chart axis: durations in seconds, numbers as they are.
    pub fn number(&self, i: usize) -> Option<f64> {
        number(&self.values[i])
    }

    /// True when every value is a duration string.
    pub fn is_duration(&self) -> bool {
        self.values
            .iter()
            .all(|v| v.as_str().is_some_and(|s| SimDuration::parse(s).is_ok()))
    }
}

/// A TOML value as tables and chart labels show it: strings unquoted (`5s`), others as TOML.
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => SimDuration::parse(s).ok().map(SimDuration::as_secs_f64),
        _ => None,
    }
}

/// One combination of axis values: the index of the value on each axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridPoint {
    /// Its position in the grid (row-major: the first axis varies slowest).
    pub index: usize,
    /// For each axis, the index of its value.
    pub choice: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
/// A sweep's axes and every combination of their values.
pub struct Grid {
    /// The axes, in the sweep file's order.
    pub axes: Vec<Axis>,
    /// Every point, in row-major order.
    pub points: Vec<GridPoint>,
}

/// The seed of replication `r`: the same at every grid point (common random numbers), so the
/// points differ by their settings, not by their luck.
pub fn replication_seed(sweep_seed: u64, r: u64) -> u64 {
    let mut z = sweep_seed ^ (r.wrapping_add(1)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Grid {
    /// Every point of the sweep's grid. A huge grid takes as much memory: check its size with
    /// `expand_axes` and `run_count` first.
    pub fn expand(spec: &SweepSpec, source: &str) -> Result<Grid, Diagnostic> {
        Ok(Grid::from_axes(expand_axes(spec, source)?))
    }

    /// Every combination of the values of `axes`, the first axis varying slowest.
    pub fn from_axes(axes: Vec<Axis>) -> Grid {
        let mut points = vec![GridPoint {
            index: 0,
            choice: Vec::new(),
        }];
        for axis in &axes {
            points = points
                .iter()
                .flat_map(|p| {
                    (0..axis.values.len()).map(move |v| {
                        let mut choice = p.choice.clone();
                        choice.push(v);
                        GridPoint { index: 0, choice }
                    })
                })
                .collect();
        }
        for (i, p) in points.iter_mut().enumerate() {
            p.index = i;
        }
        Grid { axes, points }
    }

    /// The `--set`-style overrides that make a point's scenario.
    pub fn overrides(&self, point: &GridPoint) -> Vec<Override> {
        self.axes
            .iter()
            .zip(&point.choice)
            .map(|(axis, &v)| Override {
                raw: format!("{}={}", axis.path, show(&axis.values[v])),
                path: axis.path.split('.').map(str::to_string).collect(),
                value: axis.values[v].clone(),
            })
            .collect()
    }

    /// The axis called `name` (its path or its label).
    pub fn axis_index(&self, name: &str) -> Option<usize> {
        self.axes
            .iter()
            .position(|a| a.path == name || a.label == name)
    }
}

/// The sweep's axes with their values (each at most `MAX_RANGE_VALUES` long if a range), without
/// building the grid.
pub fn expand_axes(spec: &SweepSpec, source: &str) -> Result<Vec<Axis>, Diagnostic> {
    expand_axis_specs(&spec.axes, source)
}

/// The axes `axes` (written at `axes[i]` of the file `source`) with their values: what
/// `expand_axes` does for a sweep, for any file that has sweep axes (a tune file).
pub fn expand_axis_specs(axes: &[AxisSpec], source: &str) -> Result<Vec<Axis>, Diagnostic> {
    axes.iter()
        .enumerate()
        .map(|(i, a)| expand_axis(a, i, source))
        .collect()
}

/// How many grid points and runs (points x replications) `axes` make, `None` where the count
/// does not fit in 64 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunCount {
    /// Grid points (product of the axes' lengths).
    pub points: Option<u64>,
    /// Runs: grid points x replications.
    pub runs: Option<u64>,
}

/// Counts points and runs without building the grid, for the size guard.
pub fn run_count(axes: &[Axis], replications: u64) -> RunCount {
    let points = axes
        .iter()
        .try_fold(1u64, |n, a| n.checked_mul(a.values.len() as u64));
    RunCount {
        points,
        runs: points.and_then(|p| p.checked_mul(replications)),
    }
}

fn expand_axis(a: &AxisSpec, i: usize, source: &str) -> Result<Axis, Diagnostic> {
    let field = |f: &str| format!("axes[{i}].{f}");
    if a.path.is_empty() || a.path.split('.').any(str::is_empty) {
        return Err(plain(
            source,
            &field("path"),
            format!("`{}` is not a dotted path", a.path),
        )
        .expected("a dotted scenario field path, e.g. cluster.outlier_detection.interval"));
    }
    let values = match (&a.values, &a.range) {
        (Some(v), None) if !v.is_empty() => v.clone(),
        (None, Some(r)) => expand_range(r).map_err(|m| plain(source, &field("range"), m))?,
        _ => {
            return Err(plain(
                source,
                &format!("axes[{i}]"),
                "give either `values = [...]` (not empty) or `range = { from, to, step }`",
            ));
        }
    };
    let label = a
        .label
        .clone()
        .unwrap_or_else(|| a.path.rsplit('.').next().unwrap_or(&a.path).to_string());
    Ok(Axis {
        path: a.path.clone(),
        label,
        values,
    })
}

/// At most this many values per range axis.
const MAX_RANGE_VALUES: u64 = 10_000;

fn expand_range(r: &RangeSpec) -> Result<Vec<Value>, String> {
    match (&r.from, &r.to, &r.step) {
        (Value::Integer(from), Value::Integer(to), Value::Integer(step)) => {
            if *step <= 0 || to < from {
                return Err("needs from <= to and a positive step".into());
            }
            let count = ((to - from) / step + 1) as u64;
            if count > MAX_RANGE_VALUES {
                return Err(format!(
                    "{count} values is too many (at most {MAX_RANGE_VALUES})"
                ));
            }
            Ok((0..count as i64)
                .map(|k| Value::Integer(from + k * step))
                .collect())
        }
        (Value::String(from), Value::String(to), Value::String(step)) => {
            let parse = |s: &str| SimDuration::parse(s);
            let (from, to, step) = (parse(from)?, parse(to)?, parse(step)?);
            if step.is_zero() || to < from {
                return Err("needs from <= to and a step above 0s".into());
            }
            let count = (to.0 - from.0) / step.0 + 1;
            if count > MAX_RANGE_VALUES {
                return Err(format!(
                    "{count} values is too many (at most {MAX_RANGE_VALUES})"
                ));
            }
            Ok((0..count)
                .map(|k| Value::String(SimDuration(from.0 + k * step.0).to_string()))
                .collect())
        }
        (from, to, step) => {
            let as_f = |v: &Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
            let (Some(from), Some(to), Some(step)) = (as_f(from), as_f(to), as_f(step)) else {
                return Err(
                    "from, to and step must be all numbers or all durations (\"5s\")".into(),
                );
            };
            if step <= 0.0 || to < from {
                return Err("needs from <= to and a positive step".into());
            }
            let count = ((to - from) / step + 1e-9).floor() as u64 + 1;
            if count > MAX_RANGE_VALUES {
                return Err(format!(
                    "{count} values is too many (at most {MAX_RANGE_VALUES})"
                ));
            }
            Ok((0..count)
                .map(|k| Value::Float(from + k as f64 * step))
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::parse_sweep;

    fn grid(axes: &str) -> Grid {
        let text = format!("scenario = \"x.toml\"\nmetrics = [\"availability\"]\n{axes}");
        Grid::expand(&parse_sweep(&text, "s.toml").unwrap(), "s.toml").unwrap()
    }

    #[test]
    fn points_are_row_major_over_every_combination() {
        let g = grid(
            "[[axes]]\npath = \"a.b\"\nvalues = [1, 2]\n[[axes]]\npath = \"c\"\nvalues = [\"x\", \"y\", \"z\"]\n",
        );
        assert_eq!(g.points.len(), 6);
        let shown: Vec<String> = g
            .points
            .iter()
            .map(|p| {
                format!(
                    "{}{}",
                    g.axes[0].show(p.choice[0]),
                    g.axes[1].show(p.choice[1])
                )
            })
            .collect();
        assert_eq!(shown, vec!["1x", "1y", "1z", "2x", "2y", "2z"]);
        assert_eq!(g.axes[0].label, "b");
    }

    #[test]
    fn ranges_of_numbers_and_durations() {
        let g = grid(
            "[[axes]]\npath = \"n\"\nrange = { from = 5, to = 20, step = 5 }\n[[axes]]\npath = \"d\"\nrange = { from = \"1s\", to = \"2s\", step = \"250ms\" }\n",
        );
        let n: Vec<String> = (0..g.axes[0].values.len())
            .map(|i| g.axes[0].show(i))
            .collect();
        assert_eq!(n, vec!["5", "10", "15", "20"]);
        let d: Vec<String> = (0..g.axes[1].values.len())
            .map(|i| g.axes[1].show(i))
            .collect();
        assert_eq!(d, vec!["1s", "1250ms", "1500ms", "1750ms", "2s"]);
        assert_eq!(g.axes[1].number(1), Some(1.25));
        assert!(g.axes[1].is_duration());
    }

    #[test]
    fn run_counts_are_checked() {
        let axis = |n: usize| Axis {
            path: "a".into(),
            label: "a".into(),
            values: vec![Value::Integer(0); n],
        };
        assert_eq!(
            run_count(&[axis(10), axis(3)], 7),
            RunCount {
                points: Some(30),
                runs: Some(210)
            }
        );
        assert_eq!(run_count(&[], 5).runs, Some(5));
        let big = vec![axis(10_000); 4];
        assert_eq!(run_count(&big, 2_000).points, Some(10_000u64.pow(4)));
        assert_eq!(run_count(&big, 2_000).runs, None);
        assert_eq!(run_count(&vec![axis(10_000); 5], 1).points, None);
    }

    #[test]
    fn no_axes_is_one_point() {
        assert_eq!(grid("").points.len(), 1);
    }

    #[test]
    fn replication_seeds_differ_and_repeat() {
        assert_eq!(replication_seed(1, 0), replication_seed(1, 0));
        assert_ne!(replication_seed(1, 0), replication_seed(1, 1));
        assert_ne!(replication_seed(1, 0), replication_seed(2, 0));
    }
}
