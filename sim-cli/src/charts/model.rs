//! The data of each kind of chart, independent of how it is drawn.

/// One point of a line: the mean of a metric at `x`, and its 95% confidence interval.
#[derive(Clone, Debug, PartialEq)]
pub struct LinePoint {
    pub x: f64,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// One line of a line chart (one value of the second axis).
#[derive(Clone, Debug, PartialEq)]
pub struct LineSeries {
    /// E.g. `interval = 5s`.
    pub label: String,
    pub points: Vec<LinePoint>,
}

/// A metric against one axis, one line per value of a second axis, with confidence bands.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    pub title: String,
    /// With units, e.g. `baseEjectionTime (s)`.
    pub x_label: String,
    /// With units, e.g. `availability (%)`.
    pub y_label: String,
    /// Plot x on a log10 scale (all x > 0).
    pub x_log: bool,
    /// Optional fixed y range; otherwise fitted to the data.
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<LineSeries>,
    /// A horizontal reference line across the chart, e.g. the metric without outlier detection.
    pub baseline: Option<ReferenceLine>,
}

/// The value of a metric under other settings than the chart's, with its 95% confidence
/// interval, drawn as a horizontal line.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceLine {
    /// Its legend entry, e.g. `no outlier detection`.
    pub label: String,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// A metric over two axes: one coloured cell per grid point, its value written in the cell.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatmapChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Column labels, left to right.
    pub x_values: Vec<String>,
    /// Row labels, bottom to top.
    pub y_values: Vec<String>,
    /// `cells[row][column]`, `None` where there is no value.
    pub cells: Vec<Vec<Option<f64>>>,
    /// What the colour scale measures, with units, e.g. `503 share (%)`.
    pub value_label: String,
    /// Decimal places of the values written in the cells.
    pub decimals: usize,
    /// One cell to outline, and what it is.
    pub highlight: Option<HighlightCell>,
}

/// A heatmap cell outlined, with a legend entry saying what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct HighlightCell {
    /// Indices into `cells`: the row (from the bottom) and the column.
    pub row: usize,
    pub column: usize,
    /// E.g. `the lab's own settings`.
    pub label: String,
}

/// One outcome's responses per bucket of a timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineSeries {
    /// E.g. `2xx`, `5xx from hosts`, `503 UO`, `503 UH`.
    pub label: String,
    /// Responses per second in each bucket (over the part of it the run covered).
    pub per_second: Vec<f64>,
}

/// One run over simulated time: responses per second by outcome, and hosts ejected.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineChart {
    pub title: String,
    /// Width of each bucket in seconds; bucket `i` covers `[i * w, (i + 1) * w)`.
    pub bucket_seconds: f64,
    /// Seconds of each bucket the run covered: the width, less for a last bucket cut short.
    pub bucket_spans: Vec<f64>,
    pub series: Vec<TimelineSeries>,
    /// The mean number of hosts ejected over each bucket (time-weighted: host-seconds
    /// ejected in it over its span), drawn on a second y axis.
    pub hosts_ejected: Vec<f64>,
    /// Hosts in the cluster (the top of the second axis, times `ejectors`).
    pub host_count: u32,
    /// The Envoys whose ejections are counted: 1, or in mesh mode the fleet's, each (Envoy,
    /// host) pair then counting once.
    pub ejectors: u32,
}

impl TimelineChart {
    /// What the second axis counts: hosts, or in mesh mode (sidecar, host) pairs.
    pub fn ejected_noun(&self) -> &'static str {
        if self.ejectors > 1 {
            "sidecar-host pairs"
        } else {
            "hosts"
        }
    }
}

/// A point with its 95% intervals on both axes.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterPoint {
    pub x: f64,
    pub x_low: f64,
    pub x_high: f64,
    pub y: f64,
    pub y_low: f64,
    pub y_high: f64,
}

/// Points drawn alike, with one legend entry, e.g. `feasible`.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterGroup {
    pub label: String,
    pub points: Vec<ScatterPoint>,
}

/// A line through some points, e.g. a Pareto front, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontLine {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// A vertical reference line at `x`, e.g. a constraint's bound.
#[derive(Clone, Debug, PartialEq)]
pub struct VerticalLine {
    pub label: String,
    pub x: f64,
}

/// One point circled, e.g. the best candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct BestPoint {
    pub label: String,
    pub x: f64,
    pub y: f64,
}

/// Points of two metrics against each other, each with its intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterChart {
    pub title: String,
    /// With units.
    pub x_label: String,
    /// With units.
    pub y_label: String,
    pub groups: Vec<ScatterGroup>,
    pub front: Option<FrontLine>,
    pub x_bound: Option<VerticalLine>,
    pub best: Option<BestPoint>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Chart {
    Line(LineChart),
    Heatmap(HeatmapChart),
    Timeline(TimelineChart),
    Scatter(ScatterChart),
}
