//! The sweep file (`scenarios/sweeps/*.toml`), as written by users.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::metrics::Metric;
use crate::diagnostic::{Diagnostic, Severity};
use crate::scenario::{enum_message, locate_in_toml, segments_of, toml_syntax_error};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// A sweep file: the base scenario, its axes, the metrics to collect and the charts to draw.
pub struct SweepSpec {
    /// Name of the sweep (defaults to the file stem); names the output directory and report.
    #[serde(default)]
    pub name: Option<String>,
    /// One paragraph on what the sweep shows, for the report.
    #[serde(default)]
    pub description: Option<String>,
    /// The base scenario, relative to the sweep file.
    pub scenario: String,
    /// The sweep's seed; each replication's seed is derived from it.
    #[serde(default = "one")]
    pub seed: u64,
    /// Runs per grid point, each with its own seed.
    #[serde(default = "one")]
    pub replications: u64,
    /// Overrides applied to the base scenario before the axes, as `PATH=VALUE`.
    #[serde(default)]
    pub set: Vec<String>,
    #[serde(default)]
    /// The axes of the grid, in order (the first varies slowest).
    pub axes: Vec<AxisSpec>,
    /// What to collect from every run (see `Metric`).
    pub metrics: Vec<Metric>,
    #[serde(default)]
    /// The charts to draw from the results.
    pub charts: Vec<ChartSpec>,
    /// The most runs (grid points x replications) the sweep may have; the CLI's default
    /// applies when unset. A guard against a grid too big to hold in memory.
    #[serde(default)]
    pub max_runs: Option<u64>,
}

fn one() -> u64 {
    1
}

/// One axis: a scenario field by dotted path, and its values.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisSpec {
    /// The scenario field varied, as a dotted path (`cluster.connect_timeout`).
    pub path: String,
    /// A short name for charts and tables (defaults to the last part of the path).
    #[serde(default)]
    pub label: Option<String>,
    /// The values, each a TOML value as the field takes it (`"5s"`, `20`, `true`).
    #[serde(default)]
    pub values: Option<Vec<toml::Value>>,
    /// Or a range: numbers, or durations written as strings.
    #[serde(default)]
    pub range: Option<RangeSpec>,
}

/// `from` to `to` inclusive by `step`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// The first value.
    pub from: toml::Value,
    /// The last value, included if a whole number of steps away.
    pub to: toml::Value,
    /// The step between values.
    pub step: toml::Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
/// What a chart draws.
pub enum ChartKind {
    /// A metric against `x`, one line per value of `series`, with 95% confidence bands.
    Line,
    /// A metric over `x` and `y`, one cell per grid point.
    Heatmap,
    /// One run over time: responses per second by outcome and hosts ejected.
    Timeline,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// A chart of the sweep's results (`[[charts]]`).
pub struct ChartSpec {
    /// Line, heatmap or timeline.
    pub kind: ChartKind,
    /// The SVG file written (in the output directory, and in `reports/`).
    pub file: String,
    /// The chart's title.
    pub title: String,
    /// One paragraph on what the chart shows, for the report.
    #[serde(default)]
    pub caption: Option<String>,
    /// The metric drawn (line and heatmap).
    #[serde(default)]
    pub metric: Option<Metric>,
    /// Axis (by path or label) along x (line and heatmap).
    #[serde(default)]
    pub x: Option<String>,
    /// Axis giving one line per value (line).
    #[serde(default)]
    pub series: Option<String>,
    /// Axis along y (heatmap).
    #[serde(default)]
    pub y: Option<String>,
    /// Log scale for x (line).
    #[serde(default)]
    pub x_log: bool,
    /// The grid point drawn (timeline): `PATH=VALUE` for each axis; the first value of any axis
    /// not given.
    #[serde(default)]
    pub point: Vec<String>,
    /// Which replication of that point (timeline).
    #[serde(default)]
    pub replication: u64,
    /// Bucket width of the timeline, e.g. `"5s"`.
    #[serde(default)]
    pub bucket: Option<String>,
    /// A reference line across a line chart: the base scenario changed, run for every
    /// replication.
    #[serde(default)]
    pub baseline: Option<BaselineSpec>,
    /// One cell of a heatmap to outline.
    #[serde(default)]
    pub highlight: Option<HighlightSpec>,
}

/// `baseline = { label = "no outlier detection", unset = ["cluster.outlier_detection"] }`:
/// the sweep's base scenario with its `set`, then these fields removed, then these overrides,
/// and no axis values; run with the seed of every replication, its mean drawn across the chart.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineSpec {
    /// Its entry in the legend, e.g. `no outlier detection`.
    pub label: String,
    /// Fields removed (dotted paths), so that they take their defaults or, for an optional
    /// table, are absent.
    #[serde(default)]
    pub unset: Vec<String>,
    /// Overrides, as `PATH=VALUE`, applied after `unset`.
    #[serde(default)]
    pub set: Vec<String>,
}

/// `highlight = { point = ["max_connections=20", "max_pending_requests=20"], label = "..." }`:
/// the heatmap cell at these values of its x and y axes, outlined, with `label` saying why.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HighlightSpec {
    /// `AXIS=VALUE` for the chart's x and for its y axis.
    pub point: Vec<String>,
    /// What the outlined cell is, e.g. `the lab's own settings`.
    pub label: String,
}

/// Parses a sweep file; errors name the file, the field path and (where known) line and column.
pub fn parse_sweep(text: &str, source: &str) -> Result<SweepSpec, Diagnostic> {
    let spec = parse_fields(text, source)?;
    check_fields(&spec, source).map_err(|d| locate_in_toml(d, text))?;
    Ok(spec)
}

/// A sweep file's fields (or those of another file built on the same pieces, as a tune file),
/// each of the right type; errors name the field path and its line and column.
pub(crate) fn parse_fields<T: DeserializeOwned>(text: &str, source: &str) -> Result<T, Diagnostic> {
    let de = toml::Deserializer::parse(text).map_err(|e| toml_syntax_error(text, source, &e))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let mut message = e.inner().message().trim().to_string();
        if let Ok(root) = toml::from_str::<toml::Table>(text) {
            let root = toml::Value::Table(root);
            message = enum_message::<T>(&message, &root, &segments_of(e.path()));
        }
        let d = Diagnostic::from_message(Severity::Error, Some(source.to_string()), &message)
            .path(if path == "." { String::new() } else { path });
        match e.inner().span() {
            Some(span) => d.at(text, span),
            None => locate_in_toml(d, text),
        }
    })
}

/// What the types alone do not refuse.
fn check_fields(spec: &SweepSpec, source: &str) -> Result<(), Diagnostic> {
    if spec.replications == 0 {
        return Err(plain(source, "replications", "must be 1 or more"));
    }
    if spec.max_runs == Some(0) {
        return Err(plain(source, "max_runs", "must be 1 or more"));
    }
    if let Some(name) = &spec.name
        && !is_plain_name(name)
    {
        return Err(plain(
            source,
            "name",
            format!(
                "`{name}` cannot name a directory: use letters, digits, `-`, `_` and `.` (not \
                 starting with `.`), e.g. \"ejection-settings\""
            ),
        ));
    }
    if spec.metrics.is_empty() {
        return Err(plain(
            source,
            "metrics",
            "list at least one metric, e.g. [\"availability\"]",
        ));
    }
    Ok(())
}

/// A sweep's name names its output directory under `target/sweeps/`: one plain component.
pub(crate) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// An error at a field of the sweep file, to be pointed at in its text by [`locate_in_toml`].
pub(crate) fn plain(source: &str, path: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::from_message(Severity::Error, Some(source.to_string()), &message.into()).path(path)
}
