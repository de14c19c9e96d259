//! Timelines: one run over simulated time, responses per second by outcome as lines, and the
//! mean number of hosts ejected in each bucket as a shaded step line on a second y axis.

use std::ops::Range;

use plotters::prelude::*;

use super::axis::{headroom, tick_label, ticked};
use super::legend::{Glyph, LegendItem, draw_legend, legend_height};
use super::marks::{draw_marker, draw_polyline};
use super::model::TimelineChart;
use super::style::{
    AXIS, Area, DrawResult, GRID, LABEL_PX, LINE_WIDTH, TICK_PX, WIDTH, font, render, series_style,
};
use super::text::{draw_title, fmt_plain, text_width};
use super::ticks::{Along, Ticks, spaced_ticks};

pub(crate) const X_LABEL: &str = "simulated time (s)";
pub(crate) const Y_LABEL: &str = "responses per second (1/s)";
/// The legend entry of the second axis' line.
fn hosts_legend(chart: &TimelineChart) -> String {
    format!("{} ejected (right axis)", chart.ejected_noun())
}

const HOSTS_FILL: RGBColor = RGBColor(0x60, 0x60, 0x60);
const HOSTS_LINE: RGBColor = RGBColor(0x4d, 0x4d, 0x4d);

/// About this many markers per series, so that they mark the series without hiding it.
const MARKERS_PER_SERIES: usize = 12;

/// The second axis' label: what it shows over buckets of `bucket` seconds.
fn hosts_label(chart: &TimelineChart, bucket: f64) -> String {
    format!(
        "{} ejected (mean over each {} s)",
        chart.ejected_noun(),
        fmt_plain(bucket)
    )
}

/// Draws a timeline as a standalone SVG document.
pub fn render_timeline(chart: &TimelineChart) -> String {
    render(|root| draw(root, chart))
}

/// Where the buckets lie on the time axis, in seconds.
struct Buckets {
    width: f64,
    spans: Vec<f64>,
}

impl Buckets {
    fn of(chart: &TimelineChart) -> Buckets {
        let width = if chart.bucket_seconds > 0.0 && chart.bucket_seconds.is_finite() {
            chart.bucket_seconds
        } else {
            1.0
        };
        let count = chart
            .series
            .iter()
            .map(|s| s.per_second.len())
            .chain([chart.hosts_ejected.len()])
            .max()
            .unwrap_or(0)
            .max(1);
        let spans = (0..count)
            .map(|i| match chart.bucket_spans.get(i) {
                Some(&s) if s > 0.0 && s <= width => s,
                _ => width,
            })
            .collect();
        Buckets { width, spans }
    }

    fn start(&self, i: usize) -> f64 {
        i as f64 * self.width
    }

    fn end(&self, i: usize) -> f64 {
        self.start(i) + self.spans[i.min(self.spans.len() - 1)]
    }

    fn middle(&self, i: usize) -> f64 {
        (self.start(i) + self.end(i)) / 2.0
    }

    /// The time axis: from 0 to the end of the last bucket.
    fn range(&self) -> Range<f64> {
        0.0..self.end(self.spans.len() - 1)
    }
}

fn legend_items(chart: &TimelineChart) -> Vec<LegendItem> {
    let mut legend: Vec<LegendItem> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            label: s.label.clone(),
            glyph: Glyph::Series(series_style(i)),
        })
        .collect();
    legend.push(LegendItem {
        label: hosts_legend(chart),
        glyph: Glyph::Area {
            fill: HOSTS_FILL.mix(0.15),
            line: HOSTS_LINE,
        },
    });
    legend
}

/// The widest label of `ticks`, in pixels.
fn widest(ticks: &Ticks) -> i32 {
    ticks
        .iter()
        .map(|(_, l)| text_width(l, TICK_PX))
        .max()
        .unwrap_or(0)
}

fn draw(root: &Area, chart: &TimelineChart) -> DrawResult {
    let buckets = Buckets::of(chart);
    let x_range = buckets.range();
    let y_max = chart
        .series
        .iter()
        .flat_map(|s| s.per_second.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y_range = 0.0..headroom(y_max);
    let hosts_top = chart
        .hosts_ejected
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(
            f64::from(chart.host_count * chart.ejectors.max(1)),
            f64::max,
        );
    let y2_range = 0.0..headroom(hosts_top);

    let title_height = draw_title(root, &chart.title)?;
    let legend = legend_items(chart);
    let legend_width = WIDTH as i32 - 40;
    draw_legend(root, &legend, WIDTH as i32 / 2, title_height, legend_width)?;
    let header = title_height + legend_height(&legend, legend_width) + 6;
    let (_, body) = root.split_vertically(header);
    let (body_width, body_height) = body.dim_in_pixel();

    let x_area = TICK_PX as i32 + LABEL_PX as i32 + 24;
    let plot_height = body_height as i32 - x_area - 16;
    let y_ticks = spaced_ticks(&y_range, plot_height, Along::Y);
    let y2_ticks = spaced_ticks(&y2_range, plot_height, Along::Y);
    let y_area = widest(&y_ticks) + LABEL_PX as i32 + 34;
    let y2_area = widest(&y2_ticks) + LABEL_PX as i32 + 34;
    let margin_left = 12;
    let plot_width = body_width as i32 - y_area - y2_area - 2 * margin_left;
    let x_ticks = spaced_ticks(&x_range, plot_width, Along::X);

    let mut ctx = ChartBuilder::on(&body)
        .margin_top(10)
        .margin_bottom(6)
        .margin_left(margin_left)
        .margin_right(margin_left)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .right_y_label_area_size(y2_area)
        .build_cartesian_2d(ticked(x_range.clone(), &x_ticks), ticked(y_range, &y_ticks))?
        .set_secondary_coord(
            ticked(x_range.clone(), &x_ticks),
            ticked(y2_range, &y2_ticks),
        );
    let x_format = |v: &f64| tick_label(&x_ticks, *v);
    let y_format = |v: &f64| tick_label(&y_ticks, *v);
    let y2_format = |v: &f64| tick_label(&y2_ticks, *v);
    ctx.configure_mesh()
        .x_desc(X_LABEL)
        .y_desc(Y_LABEL)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(LABEL_PX))
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .draw()?;
    ctx.configure_secondary_axes()
        .y_desc(hosts_label(chart, buckets.width))
        .label_style(font(TICK_PX))
        .axis_desc_style(font(LABEL_PX))
        .y_label_formatter(&y2_format)
        .axis_style(AXIS.stroke_width(1))
        .draw()?;

    let secondary = ctx.borrow_secondary();
    draw_hosts_ejected(root, chart, &buckets, &|x, y| {
        secondary.backend_coord(&(x, y))
    })?;
    let primary = |x: f64, y: f64| ctx.backend_coord(&(x, y));
    draw_series(root, chart, &buckets, &primary)?;
    draw_series_markers(root, chart, &buckets, &primary)
}

/// Hosts ejected: a step per bucket at its mean, shaded down to zero, behind the lines.
fn draw_hosts_ejected(
    root: &Area,
    chart: &TimelineChart,
    buckets: &Buckets,
    to_pixel: &dyn Fn(f64, f64) -> (i32, i32),
) -> DrawResult {
    if chart.hosts_ejected.is_empty() {
        return Ok(());
    }
    let mut steps: Vec<(i32, i32)> = Vec::new();
    for (i, &hosts) in chart.hosts_ejected.iter().enumerate() {
        let y = if hosts.is_finite() { hosts } else { 0.0 };
        steps.push(to_pixel(buckets.start(i), y));
        steps.push(to_pixel(buckets.end(i), y));
    }
    let end = buckets.end(chart.hosts_ejected.len() - 1);
    let mut shaded = steps.clone();
    shaded.push(to_pixel(end, 0.0));
    shaded.push(to_pixel(0.0, 0.0));
    root.draw(&Polygon::new(shaded, HOSTS_FILL.mix(0.15).filled()))?;
    root.draw(&PathElement::new(steps, HOSTS_LINE.stroke_width(2)))?;
    Ok(())
}

/// Responses per second at the middle of each bucket; a gap where a value is missing.
fn draw_series(
    root: &Area,
    chart: &TimelineChart,
    buckets: &Buckets,
    to_pixel: &dyn Fn(f64, f64) -> (i32, i32),
) -> DrawResult {
    for (s, series) in chart.series.iter().enumerate() {
        let style = series_style(s);
        let mut run: Vec<(i32, i32)> = Vec::new();
        for (i, &v) in series.per_second.iter().enumerate() {
            if v.is_finite() {
                run.push(to_pixel(buckets.middle(i), v));
            } else {
                draw_polyline(root, &run, style.color, LINE_WIDTH, style.dash)?;
                run.clear();
            }
        }
        draw_polyline(root, &run, style.color, LINE_WIDTH, style.dash)?;
    }
    Ok(())
}

/// Markers on every few points, staggered between series so that they do not cover each other
/// where the lines coincide.
fn draw_series_markers(
    root: &Area,
    chart: &TimelineChart,
    buckets: &Buckets,
    to_pixel: &dyn Fn(f64, f64) -> (i32, i32),
) -> DrawResult {
    let stride = buckets.spans.len().div_ceil(MARKERS_PER_SERIES).max(1);
    let series_count = chart.series.len().max(1);
    for (s, series) in chart.series.iter().enumerate() {
        let style = series_style(s);
        let offset = s * stride / series_count;
        for (i, &v) in series.per_second.iter().enumerate() {
            // None at zero: the lines there lie on the axis, markers would only crowd it.
            if v.is_finite() && v != 0.0 && i % stride == offset {
                draw_marker(
                    root,
                    to_pixel(buckets.middle(i), v),
                    style.marker,
                    style.color,
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::model::TimelineSeries;
    use crate::charts::style::has_text;

    fn sample() -> TimelineChart {
        let wave = |scale: f64, shift: usize| -> Vec<f64> {
            (0..60)
                .map(|i| scale * (1.0 + (((i + shift) % 20) as f64 / 20.0)))
                .collect()
        };
        TimelineChart {
            title: "Outlier ejection during a backend failure".to_owned(),
            bucket_seconds: 0.5,
            bucket_spans: vec![0.5; 60],
            series: vec![
                TimelineSeries {
                    label: "2xx".to_owned(),
                    per_second: wave(400.0, 0),
                },
                TimelineSeries {
                    label: "503 UO".to_owned(),
                    per_second: wave(50.0, 7),
                },
            ],
            hosts_ejected: (0..60).map(|i| [0.0, 1.0, 2.0, 0.6][i / 15]).collect(),
            host_count: 3,
            ejectors: 1,
        }
    }

    /// In mesh mode the second axis counts (sidecar, host) pairs, up to hosts x sidecars.
    #[test]
    fn a_mesh_timeline_counts_sidecar_host_pairs() {
        let chart = TimelineChart {
            ejectors: 10,
            ..sample()
        };
        let svg = render_timeline(&chart);
        assert!(has_text(&svg, "sidecar-host pairs ejected (right axis)"));
        assert!(has_text(
            &svg,
            "sidecar-host pairs ejected (mean over each 0.5 s)"
        ));
        assert!(
            has_text(&svg, "30"),
            "the axis reaches 3 hosts x 10 sidecars"
        );
    }

    #[test]
    fn shows_title_axis_labels_and_legend() {
        let svg = render_timeline(&sample());
        for text in [
            "Outlier ejection during a backend failure",
            X_LABEL,
            Y_LABEL,
            "hosts ejected (mean over each 0.5 s)",
            "hosts ejected (right axis)",
            "2xx",
            "503 UO",
        ] {
            assert!(has_text(&svg, text), "{text} missing");
        }
        // The second axis runs to the cluster's 3 hosts (with 8% headroom: 3.24) over about
        // 410 px: room for 8 ticks, a raw step of 3.24 / 7 = 0.46, rounded up to 0.5.
        for tick in ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"] {
            assert!(has_text(&svg, tick), "right tick {tick} missing");
        }
        assert!(!has_text(&svg, "3.5"));
    }

    /// 10 buckets of 2 s, the last cut to 1 s by the end of the run: the time axis ends at
    /// 19 s, its ticks (one per 50 px of about 600, raw step 19 / 11 = 1.7, rounded up to 2)
    /// stopping at 18.
    #[test]
    fn a_last_bucket_cut_short_ends_the_time_axis() {
        let mut chart = sample();
        chart.bucket_seconds = 2.0;
        chart.bucket_spans = [[2.0; 9].as_slice(), &[1.0]].concat();
        for s in &mut chart.series {
            s.per_second.truncate(10);
        }
        chart.hosts_ejected.truncate(10);
        let buckets = Buckets::of(&chart);
        assert_eq!(buckets.range(), 0.0..19.0);
        assert_eq!(buckets.middle(9), 18.5);
        let svg = render_timeline(&chart);
        assert!(has_text(&svg, "18"));
        assert!(!has_text(&svg, "20"));
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(render_timeline(&sample()), render_timeline(&sample()));
    }

    #[test]
    fn degenerate_timelines_render() {
        let mut chart = sample();
        chart.series.clear();
        chart.hosts_ejected.clear();
        chart.bucket_spans.clear();
        chart.host_count = 0;
        chart.bucket_seconds = 0.0;
        assert!(render_timeline(&chart).contains("</svg>"));
    }
}
