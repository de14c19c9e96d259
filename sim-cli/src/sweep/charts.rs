//! Turns a sweep's results into chart models, as its `[[charts]]` entries ask.

use sim_core::envoy::router::ResponseFlag;
use sim_core::scenario::Override;
use sim_core::scenario::Scenario;
use sim_core::sim::{RunOptions, run_with};
use sim_core::sweep::{
    ChartKind, ChartSpec, Grid, Metric, RunRow, SweepResult, SweepSpec, job_count, job_key,
    replication_seed,
};
use sim_core::time::SimDuration;

use crate::charts::{
    Chart, HeatmapChart, LineChart, LinePoint, LineSeries, TimelineChart, TimelineSeries,
};
use crate::exit::{CliError, CliResult};

fn bad(chart: &ChartSpec, message: impl Into<String>) -> CliError {
    CliError::Input(format!("chart {}: {}", chart.file, message.into()))
}

pub fn build(spec: &SweepSpec, chart: &ChartSpec, r: &SweepResult) -> CliResult<Chart> {
    match chart.kind {
        ChartKind::Line => line(chart, r).map(Chart::Line),
        ChartKind::Heatmap => heatmap(chart, r).map(Chart::Heatmap),
        ChartKind::Timeline => timeline(spec, chart, r).map(Chart::Timeline),
    }
}

fn axis(chart: &ChartSpec, r: &SweepResult, name: &Option<String>, role: &str) -> CliResult<usize> {
    let name = name
        .as_deref()
        .ok_or_else(|| bad(chart, format!("needs `{role}`, an axis path or label")))?;
    r.grid.axis_index(name).ok_or_else(|| {
        bad(
            chart,
            format!("`{role} = \"{name}\"` is not an axis of the sweep"),
        )
    })
}

fn metric(chart: &ChartSpec, r: &SweepResult) -> CliResult<(usize, Metric)> {
    let m = chart
        .metric
        .as_ref()
        .ok_or_else(|| bad(chart, "needs `metric`, one of the sweep's metrics"))?;
    let i = r
        .metrics
        .iter()
        .position(|x| x == m)
        .ok_or_else(|| bad(chart, format!("metric `{m}` is not collected by the sweep")))?;
    Ok((i, m.clone()))
}

/// The axis values of the point drawn for axes not on the chart: from `point`, else the first.
fn fixed_choice(chart: &ChartSpec, r: &SweepResult) -> CliResult<Vec<usize>> {
    let mut choice = vec![0; r.grid.axes.len()];
    for entry in &chart.point {
        let o = Override::parse(entry).map_err(|m| bad(chart, m))?;
        let path = o.path.join(".");
        let a = r
            .grid
            .axis_index(&path)
            .ok_or_else(|| bad(chart, format!("`{path}` in `point` is not an axis")))?;
        let axis = &r.grid.axes[a];
        choice[a] = axis
            .values
            .iter()
            .position(|v| *v == o.value)
            .ok_or_else(|| bad(chart, format!("{entry}: not one of the axis values")))?;
    }
    Ok(choice)
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

fn line(chart: &ChartSpec, r: &SweepResult) -> CliResult<LineChart> {
    let (mi, m) = metric(chart, r)?;
    let x = axis(chart, r, &chart.x, "x")?;
    let series_axis = match &chart.series {
        Some(_) => Some(axis(chart, r, &chart.series, "series")?),
        None => None,
    };
    let base = fixed_choice(chart, r)?;
    let scale = m.display_scale();
    let series_values = series_axis.map_or(1, |s| r.grid.axes[s].values.len());
    let mut series = Vec::new();
    for s in 0..series_values {
        let mut points = Vec::new();
        for xv in 0..r.grid.axes[x].values.len() {
            let mut choice = base.clone();
            choice[x] = xv;
            if let Some(sa) = series_axis {
                choice[sa] = s;
            }
            let st = r.summaries[point_at(r, &choice)].metrics[mi];
            let xn = r.grid.axes[x].number(xv).ok_or_else(|| {
                bad(
                    chart,
                    "x values must be numbers or durations for a line chart",
                )
            })?;
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
    let y_range = m.is_share().then(|| share_range(&series));
    Ok(LineChart {
        title: chart.title.clone(),
        x_label: axis_label(r, x),
        y_label: m.label(),
        x_log: chart.x_log,
        y_range,
        series,
    })
}

/// A percentage axis fitted to the bands with a 10% margin, never beyond 0..=100.
fn share_range(series: &[LineSeries]) -> (f64, f64) {
    let points = series.iter().flat_map(|s| &s.points);
    let low = points.clone().map(|p| p.low).fold(f64::INFINITY, f64::min);
    let high = points.map(|p| p.high).fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 100.0);
    }
    let pad = ((high - low) * 0.1).max(0.5);
    ((low - pad).max(0.0), (high + pad).min(100.0))
}

fn heatmap(chart: &ChartSpec, r: &SweepResult) -> CliResult<HeatmapChart> {
    let (mi, m) = metric(chart, r)?;
    let x = axis(chart, r, &chart.x, "x")?;
    let y = axis(chart, r, &chart.y, "y")?;
    let base = fixed_choice(chart, r)?;
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
    Ok(HeatmapChart {
        title: chart.title.clone(),
        x_label: r.grid.axes[x].label.clone(),
        y_label: r.grid.axes[y].label.clone(),
        x_values: (0..xs).map(|i| r.grid.axes[x].show(i)).collect(),
        y_values: (0..ys).map(|i| r.grid.axes[y].show(i)).collect(),
        cells,
        value_label: m.label(),
        decimals: 1,
    })
}

/// A timeline chart has at most this many buckets: a typo such as `bucket = "1ns"` would
/// otherwise allocate one per nanosecond of the run.
pub const MAX_TIMELINE_BUCKETS: u64 = 100_000;

/// The grid point a timeline chart draws and its bucket width, checked.
fn timeline_plan(
    chart: &ChartSpec,
    r: &SweepResult,
    scenarios: &[Scenario],
) -> CliResult<(usize, SimDuration)> {
    let point = point_at(r, &fixed_choice(chart, r)?);
    let bucket = match &chart.bucket {
        Some(b) => SimDuration::parse(b).map_err(|m| bad(chart, m))?,
        None => SimDuration::from_secs(1),
    };
    if bucket.is_zero() {
        return Err(bad(chart, "bucket must be greater than 0s"));
    }
    if let Some(duration) = scenarios[point].duration {
        let buckets = duration.0.div_ceil(bucket.0);
        if buckets > MAX_TIMELINE_BUCKETS {
            let least = SimDuration(duration.0.div_ceil(MAX_TIMELINE_BUCKETS));
            return Err(bad(
                chart,
                format!(
                    "bucket = \"{bucket}\" cuts the run's {duration} into {buckets} buckets; at most \
                     {MAX_TIMELINE_BUCKETS} are drawn: use a bucket of at least {least}"
                ),
            ));
        }
    }
    Ok((point, bucket))
}

/// Checks every chart of a sweep before any run, on placeholder results: what `build` would
/// refuse after all the runs (an axis or metric that is not there, a bad `point` or `bucket`)
/// is refused at once.
pub fn check_all(spec: &SweepSpec, grid: &Grid, scenarios: &[Scenario]) -> CliResult<()> {
    if spec.charts.is_empty() {
        return Ok(());
    }
    let rows = (0..job_count(spec, grid))
        .map(|job| {
            let key = job_key(spec, job);
            RunRow {
                point: key.point,
                replication: key.replication,
                seed: key.seed,
                values: vec![0.0; spec.metrics.len()],
            }
        })
        .collect();
    let placeholder = SweepResult::from_rows(spec, grid.clone(), Vec::new(), rows)
        .map_err(|e| anyhow::anyhow!("placeholder results: {e}"))?;
    for chart in &spec.charts {
        match chart.kind {
            ChartKind::Timeline => timeline_plan(chart, &placeholder, scenarios).map(|_| ())?,
            _ => build(spec, chart, &placeholder).map(|_| ())?,
        }
    }
    Ok(())
}

/// One run of the chosen point, recorded over time.
fn timeline(spec: &SweepSpec, chart: &ChartSpec, r: &SweepResult) -> CliResult<TimelineChart> {
    let (point, bucket) = timeline_plan(chart, r, &r.scenarios)?;
    let seed = replication_seed(spec.seed, chart.replication);
    let options = RunOptions {
        timeline_bucket: Some(bucket),
    };
    let run =
        run_with(&r.scenarios[point], seed, &options).map_err(|e| bad(chart, e.to_string()))?;
    let t = run.timeline.expect("asked for a timeline");
    let per_s = |f: &dyn Fn(&sim_core::sim::Bucket) -> u64| -> Vec<f64> {
        t.buckets
            .iter()
            .map(|b| f(b) as f64 / bucket.as_secs_f64())
            .collect()
    };
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
        series,
        hosts_ejected: t.buckets.iter().map(|b| b.hosts_ejected).collect(),
        host_count: run.hosts.len() as u32,
    })
}
