//! Turns a sweep's results into chart models, as its `[[charts]]` entries ask.

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::scenario::{Override, Scenario};
use sim_core::sim::{RunOptions, run_with};
use sim_core::sweep::{
    ChartKind, ChartSpec, Grid, Metric, Stats, SweepResult, SweepSpec, replication_seed,
};
use sim_core::time::SimDuration;

use crate::charts::{
    Chart, HeatmapChart, LineChart, LinePoint, LineSeries, ReferenceLine, TimelineChart,
    TimelineSeries,
};
use crate::exit::{CliError, CliResult};
use crate::sweep::highlight;

fn bad(chart: &ChartSpec, message: impl Into<String>) -> CliError {
    CliError::command_line(format!("chart {}: {}", chart.file, message.into()))
}

/// The model of chart `chart` of sweep `spec` from its result; `baseline` is the chart's
/// baseline run (`run_baselines`), if it has one.
pub fn build(
    spec: &SweepSpec,
    chart: &ChartSpec,
    r: &SweepResult,
    baseline: Option<&Stats>,
) -> CliResult<Chart> {
    match chart.kind {
        ChartKind::Line => line(chart, r, baseline).map(Chart::Line),
        ChartKind::Heatmap => heatmap(chart, r).map(Chart::Heatmap),
        ChartKind::Timeline => timeline(spec, chart, r).map(Chart::Timeline),
    }
    .map_err(|m| bad(chart, m))
}

/// Checks chart `chart` of a sweep against its grid before anything runs: everything `build`
/// could refuse. The message says what is wrong and what is allowed.
pub fn check(spec: &SweepSpec, chart: &ChartSpec, grid: &Grid) -> Result<(), String> {
    let file = std::path::Path::new(&chart.file);
    let plain = matches!(
        file.components().collect::<Vec<_>>().as_slice(),
        [std::path::Component::Normal(_)]
    );
    if !plain || file.extension().is_none_or(|x| x != "svg") || chart.file.starts_with('.') {
        return Err(format!(
            "file: `{}` is not a plain file name ending in .svg, e.g. \"availability.svg\"",
            chart.file
        ));
    }
    match chart.kind {
        ChartKind::Line => {
            metric(chart, &spec.metrics)?;
            x_numbers(grid, axis(grid, &chart.x, "x")?)?;
            if chart.series.is_some() {
                axis(grid, &chart.series, "series")?;
            }
        }
        ChartKind::Heatmap => {
            metric(chart, &spec.metrics)?;
            axis(grid, &chart.x, "x")?;
            axis(grid, &chart.y, "y")?;
        }
        ChartKind::Timeline => {
            bucket(chart)?;
            if chart.replication >= spec.replications {
                return Err(format!(
                    "replication {} is out of range: the sweep has {} replications, numbered 0 to {}",
                    chart.replication,
                    spec.replications,
                    spec.replications - 1
                ));
            }
        }
    }
    only_for(chart, chart.baseline.is_some(), "baseline", ChartKind::Line)?;
    only_for(
        chart,
        chart.highlight.is_some(),
        "highlight",
        ChartKind::Heatmap,
    )?;
    if let Some(b) = &chart.baseline
        && b.label.trim().is_empty()
    {
        return Err(
            "baseline: needs a `label` for the legend, e.g. \"no outlier detection\"".into(),
        );
    }
    if chart.highlight.is_some() {
        highlight::cell(chart, grid)?;
    }
    fixed_choice(chart, grid)?;
    Ok(())
}

/// A field that only charts of kind `kind` take: refused on others.
fn only_for(chart: &ChartSpec, given: bool, name: &str, kind: ChartKind) -> Result<(), String> {
    if given && chart.kind != kind {
        return Err(format!(
            "{name}: only a {} chart has one, this is a {} chart",
            kind_name(kind),
            kind_name(chart.kind)
        ));
    }
    Ok(())
}

fn kind_name(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Line => "line",
        ChartKind::Heatmap => "heatmap",
        ChartKind::Timeline => "timeline",
    }
}

/// The axes of the grid, for messages: `label (path)`.
fn axes_allowed(grid: &Grid) -> String {
    if grid.axes.is_empty() {
        return "the sweep has no axes".into();
    }
    let axes: Vec<String> = grid
        .axes
        .iter()
        .map(|a| {
            if a.label == a.path {
                a.path.clone()
            } else {
                format!("{} ({})", a.label, a.path)
            }
        })
        .collect();
    format!("allowed: {}", axes.join(", "))
}

pub(super) fn axis(grid: &Grid, name: &Option<String>, role: &str) -> Result<usize, String> {
    let name = name.as_deref().ok_or_else(|| {
        format!(
            "needs `{role}`, an axis path or label; {}",
            axes_allowed(grid)
        )
    })?;
    grid.axis_index(name).ok_or_else(|| {
        format!(
            "`{role} = \"{name}\"` is not an axis of the sweep; {}",
            axes_allowed(grid)
        )
    })
}

pub(super) fn metric(chart: &ChartSpec, metrics: &[Metric]) -> Result<(usize, Metric), String> {
    let allowed = || {
        let names: Vec<String> = metrics.iter().map(Metric::to_string).collect();
        format!("allowed (the sweep's `metrics`): {}", names.join(", "))
    };
    let m = chart
        .metric
        .as_ref()
        .ok_or_else(|| format!("needs `metric`; {}", allowed()))?;
    let i = metrics
        .iter()
        .position(|x| x == m)
        .ok_or_else(|| format!("metric `{m}` is not collected by the sweep; {}", allowed()))?;
    Ok((i, m.clone()))
}

/// The values of axis `x` as numbers, for a line chart.
fn x_numbers(grid: &Grid, x: usize) -> Result<Vec<f64>, String> {
    let axis = &grid.axes[x];
    (0..axis.values.len())
        .map(|i| {
            axis.number(i).ok_or_else(|| {
                format!(
                    "x values must be numbers or durations for a line chart; axis {} has {}",
                    axis.label,
                    axis.show(i)
                )
            })
        })
        .collect()
}

/// The width of a timeline's buckets: `bucket`, else 1s.
fn bucket(chart: &ChartSpec) -> Result<SimDuration, String> {
    let bucket = match &chart.bucket {
        Some(b) => SimDuration::parse(b).map_err(|m| format!("bucket: {m}"))?,
        None => SimDuration::from_secs(1),
    };
    if bucket.is_zero() {
        return Err("bucket must be greater than 0s".into());
    }
    Ok(bucket)
}

/// A timeline chart has at most this many buckets: a typo such as `bucket = "1ns"` would
/// otherwise allocate one per nanosecond of the run.
pub const MAX_TIMELINE_BUCKETS: u64 = 100_000;

/// A timeline chart's bucket against the run it draws (`scenarios`: the grid points'): at most
/// `MAX_TIMELINE_BUCKETS` over the run's duration. Other charts pass.
pub fn check_bucket_count(
    chart: &ChartSpec,
    grid: &Grid,
    scenarios: &[Scenario],
) -> Result<(), String> {
    if chart.kind != ChartKind::Timeline {
        return Ok(());
    }
    let choice = fixed_choice(chart, grid)?;
    let point = grid
        .points
        .iter()
        .position(|p| p.choice == choice)
        .expect("every combination is a point");
    let bucket = bucket(chart)?;
    let Some(duration) = scenarios[point].duration else {
        return Ok(());
    };
    let buckets = duration.0.div_ceil(bucket.0);
    if buckets > MAX_TIMELINE_BUCKETS {
        let least = SimDuration(duration.0.div_ceil(MAX_TIMELINE_BUCKETS));
        return Err(format!(
            "bucket = \"{bucket}\" cuts the run's {duration} into {buckets} buckets; at most \
             {MAX_TIMELINE_BUCKETS} are drawn: use a bucket of at least {least}"
        ));
    }
    Ok(())
}

/// The axis values of the point drawn for axes not on the chart: from `point`, else the first.
fn fixed_choice(chart: &ChartSpec, grid: &Grid) -> Result<Vec<usize>, String> {
    let mut choice = vec![0; grid.axes.len()];
    for entry in &chart.point {
        let (a, v) = axis_value(grid, entry).map_err(|m| format!("point: {m}"))?;
        choice[a] = v;
    }
    Ok(choice)
}

/// `AXIS=VALUE` (the axis by path or label) as the index of the axis and of the value on it.
pub(super) fn axis_value(grid: &Grid, entry: &str) -> Result<(usize, usize), String> {
    let Some((path, value)) = entry.split_once('=') else {
        return Err(format!(
            "`{entry}` is not AXIS=VALUE; {}",
            axes_allowed(grid)
        ));
    };
    let path = path.trim();
    let a = grid
        .axis_index(path)
        .ok_or_else(|| format!("`{path}` is not an axis; {}", axes_allowed(grid)))?;
    // The value read as `--set` reads it: a TOML value, else a string.
    let value = value.trim();
    let wanted = Override::parse(&format!("v={value}"))
        .map(|o| o.value)
        .map_err(|m| m.to_string())?;
    let axis = &grid.axes[a];
    let v = axis
        .values
        .iter()
        .position(|v| *v == wanted)
        .ok_or_else(|| {
            let values: Vec<String> = (0..axis.values.len()).map(|i| axis.show(i)).collect();
            format!(
                "`{entry}`: {value} is not one of the axis values; allowed: {}",
                values.join(", ")
            )
        })?;
    Ok((a, v))
}

fn point_at(r: &SweepResult, choice: &[usize]) -> usize {
    r.grid
        .points
        .iter()
        .position(|p| p.choice == choice)
        .expect("every combination is a point")
}

fn axis_label(r: &SweepResult, a: usize) -> String {
    let axis = &r.grid.axes[a];
    if axis.is_duration() {
        format!("{} (s)", axis.label)
    } else {
        axis.label.clone()
    }
}

fn line(chart: &ChartSpec, r: &SweepResult, baseline: Option<&Stats>) -> Result<LineChart, String> {
    let (mi, m) = metric(chart, &r.metrics)?;
    let x = axis(&r.grid, &chart.x, "x")?;
    let xs = x_numbers(&r.grid, x)?;
    let series_axis = match &chart.series {
        Some(_) => Some(axis(&r.grid, &chart.series, "series")?),
        None => None,
    };
    let base = fixed_choice(chart, &r.grid)?;
    let scale = m.display_scale();
    let series_values = series_axis.map_or(1, |s| r.grid.axes[s].values.len());
    let mut series = Vec::new();
    for s in 0..series_values {
        let mut points = Vec::new();
        for (xv, &xn) in xs.iter().enumerate() {
            let mut choice = base.clone();
            choice[x] = xv;
            if let Some(sa) = series_axis {
                choice[sa] = s;
            }
            let st = r.summaries[point_at(r, &choice)].metrics[mi];
            points.push(LinePoint {
                x: xn,
                mean: st.mean * scale,
                low: st.ci95_low * scale,
                high: st.ci95_high * scale,
            });
        }
        let label = match series_axis {
            Some(sa) => format!("{} = {}", r.grid.axes[sa].label, r.grid.axes[sa].show(s)),
            None => m.label(),
        };
        series.push(LineSeries { label, points });
    }
    let baseline = chart
        .baseline
        .as_ref()
        .zip(baseline)
        .map(|(b, st)| ReferenceLine {
            label: b.label.clone(),
            mean: st.mean * scale,
            low: st.ci95_low * scale,
            high: st.ci95_high * scale,
        });
    let y_range = m
        .is_share()
        .then(|| share_range(&series, baseline.as_ref()));
    Ok(LineChart {
        title: chart.title.clone(),
        x_label: axis_label(r, x),
        y_label: m.label(),
        x_log: chart.x_log,
        y_range,
        series,
        baseline,
    })
}

/// A percentage axis fitted to the bands (and the baseline's) with a 10% margin, never beyond
/// 0..=100.
fn share_range(series: &[LineSeries], baseline: Option<&ReferenceLine>) -> (f64, f64) {
    let bounds = series
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| (p.low, p.high))
        .chain(baseline.map(|b| (b.low, b.high)));
    let low = bounds.clone().map(|b| b.0).fold(f64::INFINITY, f64::min);
    let high = bounds.map(|b| b.1).fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 100.0);
    }
    let pad = ((high - low) * 0.1).max(0.5);
    ((low - pad).max(0.0), (high + pad).min(100.0))
}

fn heatmap(chart: &ChartSpec, r: &SweepResult) -> Result<HeatmapChart, String> {
    let (mi, m) = metric(chart, &r.metrics)?;
    let x = axis(&r.grid, &chart.x, "x")?;
    let y = axis(&r.grid, &chart.y, "y")?;
    let base = fixed_choice(chart, &r.grid)?;
    let (xs, ys) = (r.grid.axes[x].values.len(), r.grid.axes[y].values.len());
    let cells = (0..ys)
        .map(|yv| {
            (0..xs)
                .map(|xv| {
                    let mut choice = base.clone();
                    choice[x] = xv;
                    choice[y] = yv;
                    let st = r.summaries[point_at(r, &choice)].metrics[mi];
                    st.mean.is_finite().then_some(st.mean * m.display_scale())
                })
                .collect()
        })
        .collect();
    let highlight = match &chart.highlight {
        Some(_) => Some(highlight::cell(chart, &r.grid)?),
        None => None,
    };
    Ok(HeatmapChart {
        title: chart.title.clone(),
        x_label: r.grid.axes[x].label.clone(),
        y_label: r.grid.axes[y].label.clone(),
        x_values: (0..xs).map(|i| r.grid.axes[x].show(i)).collect(),
        y_values: (0..ys).map(|i| r.grid.axes[y].show(i)).collect(),
        cells,
        value_label: m.label(),
        decimals: 1,
        highlight,
    })
}

/// One run of the chosen point, recorded over time.
fn timeline(spec: &SweepSpec, chart: &ChartSpec, r: &SweepResult) -> Result<TimelineChart, String> {
    let point = point_at(r, &fixed_choice(chart, &r.grid)?);
    let bucket = bucket(chart)?;
    let seed = replication_seed(spec.seed, chart.replication);
    let options = RunOptions {
        timeline_bucket: Some(bucket),
        ..RunOptions::default()
    };
    let run = run_with(&r.scenarios[point], seed, &options).map_err(|e| e.to_string())?;
    let t = run.timeline.expect("asked for a timeline");
    let spans: Vec<f64> = (0..t.buckets.len())
        .map(|i| t.span(i).as_secs_f64())
        .collect();
    // Every bucket holds some of the run, so no span is 0; a chart must not divide by one.
    let over_span = |amount: f64, span: f64| if span > 0.0 { amount / span } else { 0.0 };
    let per_s = |f: &dyn Fn(&sim_core::sim::Bucket) -> u64| -> Vec<f64> {
        t.buckets
            .iter()
            .zip(&spans)
            .map(|(b, &span)| over_span(f(b) as f64, span))
            .collect()
    };
    let hosts_ejected = t
        .buckets
        .iter()
        .zip(&spans)
        .map(|(b, &span)| over_span(b.ejected_host_ns as f64 / 1e9, span))
        .collect();
    let mut series = vec![
        TimelineSeries {
            label: "2xx".into(),
            per_second: per_s(&|b| b.ok),
        },
        TimelineSeries {
            label: "5xx from hosts".into(),
            per_second: per_s(&|b| b.upstream_5xx),
        },
    ];
    for f in ResponseFlag::ALL {
        if t.buckets.iter().any(|b| b.flagged[f.index()] > 0) {
            let code = if f == ResponseFlag::UT { 504 } else { 503 };
            series.push(TimelineSeries {
                label: format!("{code} {}", f.as_str()),
                per_second: per_s(&|b| b.flagged[f.index()]),
            });
        }
    }
    Ok(TimelineChart {
        title: chart.title.clone(),
        bucket_seconds: bucket.as_secs_f64(),
        bucket_spans: spans,
        series,
        hosts_ejected,
        host_count: run.hosts.len() as u32,
        ejectors: run.mesh.as_ref().map_or(1, |m| m.envoys.len() as u32),
    })
}
