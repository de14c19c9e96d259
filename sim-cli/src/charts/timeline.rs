//! Timelines: one run over simulated time, responses per second by outcome as lines, and the
//! hosts ejected as a shaded step line on a second y axis.

use plotters::prelude::*;

use super::axis::{headroom, tick_label, ticked};
use super::legend::{Glyph, LegendItem, draw_legend, legend_height};
use super::marks::{draw_marker, draw_polyline};
use super::model::TimelineChart;
use super::style::{
    AXIS, Area, DrawResult, GRID, LABEL_PX, LINE_WIDTH, TICK_PX, WIDTH, font, render, series_style,
};
use super::text::{draw_title, text_width};
use super::ticks::{Along, Ticks, spaced_ticks};

pub(crate) const X_LABEL: &str = "simulated time (s)";
pub(crate) const Y_LABEL: &str = "responses per second (1/s)";
pub(crate) const HOSTS_LABEL: &str = "hosts ejected (hosts)";
pub(crate) const HOSTS_LEGEND: &str = "hosts ejected (right axis)";

const HOSTS_FILL: RGBColor = RGBColor(0x60, 0x60, 0x60);
const HOSTS_LINE: RGBColor = RGBColor(0x4d, 0x4d, 0x4d);

/// About this many markers per series, so that they mark the series without hiding it.
const MARKERS_PER_SERIES: usize = 12;

/// Draws a timeline as a standalone SVG document.
pub fn render_timeline(chart: &TimelineChart) -> String {
    render(|root| draw(root, chart))
}

/// Whole-number ticks from 0 to `max` inclusive, at most `max_count` of them.
fn integer_ticks(max: u32, max_count: u32) -> Ticks {
    let mut step = 1;
    let mut multipliers = [2, 5, 10].into_iter().cycle();
    let mut base = 1;
    while max / step + 1 > max_count {
        let m = multipliers.next().unwrap_or(10);
        if m == 10 {
            base *= 10;
            step = base;
        } else {
            step = base * m;
        }
    }
    (0..=max / step)
        .map(|k| (f64::from(k * step), (k * step).to_string()))
        .collect()
}

fn draw(root: &Area, chart: &TimelineChart) -> DrawResult {
    let bucket = if chart.bucket_seconds > 0.0 && chart.bucket_seconds.is_finite() {
        chart.bucket_seconds
    } else {
        1.0
    };
    let buckets = chart
        .series
        .iter()
        .map(|s| s.per_second.len())
        .chain([chart.hosts_ejected.len()])
        .max()
        .unwrap_or(0)
        .max(1);
    let x_range = 0.0..buckets as f64 * bucket;
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
        .max()
        .unwrap_or(0)
        .max(chart.host_count);
    let y2_range = 0.0..headroom(f64::from(hosts_top));

    let title_height = draw_title(root, &chart.title)?;
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
        label: HOSTS_LEGEND.to_owned(),
        glyph: Glyph::Area {
            fill: HOSTS_FILL.mix(0.15),
            line: HOSTS_LINE,
        },
    });
    let legend_width = WIDTH as i32 - 40;
    draw_legend(root, &legend, WIDTH as i32 / 2, title_height, legend_width)?;
    let header = title_height + legend_height(&legend, legend_width) + 6;
    let (_, body) = root.split_vertically(header);
    let (body_width, body_height) = body.dim_in_pixel();

    let x_area = TICK_PX as i32 + LABEL_PX as i32 + 24;
    let plot_height = body_height as i32 - x_area - 16;
    let y_ticks = spaced_ticks(&y_range, plot_height, Along::Y);
    let y2_ticks = integer_ticks(hosts_top, (plot_height / 40).clamp(3, 11) as u32);
    let widest = |ticks: &Ticks| {
        ticks
            .iter()
            .map(|(_, l)| text_width(l, TICK_PX))
            .max()
            .unwrap_or(0)
    };
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
        .y_desc(HOSTS_LABEL)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(LABEL_PX))
        .y_label_formatter(&y2_format)
        .axis_style(AXIS.stroke_width(1))
        .draw()?;

    // Hosts ejected: a step per bucket, shaded down to zero, behind the lines.
    if !chart.hosts_ejected.is_empty() {
        let secondary = ctx.borrow_secondary();
        let mut steps: Vec<(i32, i32)> = Vec::new();
        for (i, &hosts) in chart.hosts_ejected.iter().enumerate() {
            let y = f64::from(hosts);
            steps.push(secondary.backend_coord(&(i as f64 * bucket, y)));
            steps.push(secondary.backend_coord(&((i + 1) as f64 * bucket, y)));
        }
        let end = chart.hosts_ejected.len() as f64 * bucket;
        let mut shaded = steps.clone();
        shaded.push(secondary.backend_coord(&(end, 0.0)));
        shaded.push(secondary.backend_coord(&(0.0, 0.0)));
        root.draw(&Polygon::new(shaded, HOSTS_FILL.mix(0.15).filled()))?;
        root.draw(&PathElement::new(steps, HOSTS_LINE.stroke_width(2)))?;
    }

    // Responses per second at the middle of each bucket; a gap where a value is missing.
    let at = |i: usize, v: f64| ctx.backend_coord(&((i as f64 + 0.5) * bucket, v));
    for (s, series) in chart.series.iter().enumerate() {
        let style = series_style(s);
        let mut run: Vec<(i32, i32)> = Vec::new();
        for (i, &v) in series.per_second.iter().enumerate() {
            if v.is_finite() {
                run.push(at(i, v));
            } else {
                draw_polyline(root, &run, style.color, LINE_WIDTH, style.dash)?;
                run.clear();
            }
        }
        draw_polyline(root, &run, style.color, LINE_WIDTH, style.dash)?;
    }
    // Markers on every few points, staggered between series so that they do not cover each
    // other where the lines coincide.
    let stride = buckets.div_ceil(MARKERS_PER_SERIES).max(1);
    let series_count = chart.series.len().max(1);
    for (s, series) in chart.series.iter().enumerate() {
        let style = series_style(s);
        let offset = s * stride / series_count;
        for (i, &v) in series.per_second.iter().enumerate() {
            // None at zero: the lines there lie on the axis, markers would only crowd it.
            if v.is_finite() && v != 0.0 && i % stride == offset {
                draw_marker(root, at(i, v), style.marker, style.color)?;
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
            hosts_ejected: (0..60).map(|i| [0, 1, 2, 1][i / 15]).collect(),
            host_count: 3,
        }
    }

    #[test]
    fn shows_title_axis_labels_and_legend() {
        let svg = render_timeline(&sample());
        for text in [
            "Outlier ejection during a backend failure",
            X_LABEL,
            Y_LABEL,
            HOSTS_LABEL,
            HOSTS_LEGEND,
            "2xx",
            "503 UO",
        ] {
            assert!(has_text(&svg, text), "{text} missing");
        }
        // The second axis counts hosts in whole numbers up to the cluster's size.
        for tick in ["0", "1", "2", "3"] {
            assert!(has_text(&svg, tick));
        }
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(render_timeline(&sample()), render_timeline(&sample()));
    }

    #[test]
    fn integer_ticks_stay_whole_and_few() {
        let labels = |t: Ticks| t.into_iter().map(|(_, l)| l).collect::<Vec<_>>();
        assert_eq!(labels(integer_ticks(3, 6)), ["0", "1", "2", "3"]);
        assert_eq!(
            labels(integer_ticks(10, 6)),
            ["0", "2", "4", "6", "8", "10"]
        );
        assert_eq!(labels(integer_ticks(0, 6)), ["0"]);
        assert!(integer_ticks(1000, 8).len() <= 8);
    }

    #[test]
    fn degenerate_timelines_render() {
        let mut chart = sample();
        chart.series.clear();
        chart.hosts_ejected.clear();
        chart.host_count = 0;
        chart.bucket_seconds = 0.0;
        assert!(render_timeline(&chart).contains("</svg>"));
    }
}
