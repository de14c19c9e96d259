//! Line charts: a metric against one swept parameter, one line per value of a second one, each
//! with markers at its points and its 95% confidence band shaded behind it.

use std::ops::Range;

use plotters::prelude::*;

use super::axis::{tick_label, ticked};
use super::legend::{Glyph, LegendItem, draw_legend, legend_height};
use super::marks::{clip_polyline, draw_marker, draw_polyline};
use super::model::{LineChart, LinePoint};
use super::style::{
    AXIS, Area, DrawResult, GRID, LABEL_PX, LINE_WIDTH, TICK_PX, WIDTH, font, render, series_style,
};
use super::text::{draw_title, text_width};
use super::ticks::{Along, log_ticks, spaced_ticks};

/// Draws a line chart as a standalone SVG document.
pub fn render_line(chart: &LineChart) -> String {
    render(|root| draw(root, chart))
}

/// Where `x` goes on the axis: its log10 on a log axis.
fn axis_x(x: f64, log: bool) -> f64 {
    if log { x.log10() } else { x }
}

/// The points of a series that can be drawn, in order of x.
fn usable_points(points: &[LinePoint], log: bool) -> Vec<LinePoint> {
    let mut usable: Vec<LinePoint> = points
        .iter()
        .filter(|p| p.x.is_finite() && p.mean.is_finite() && (!log || p.x > 0.0))
        .cloned()
        .collect();
    usable.sort_by(|a, b| a.x.total_cmp(&b.x));
    usable
}

/// The range of `values` widened by `margin` of its span on each side (or by `pad` when all
/// values are equal); `empty` when there are none.
fn fitted(
    values: impl Iterator<Item = f64>,
    margin: f64,
    pad: f64,
    empty: Range<f64>,
) -> Range<f64> {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo > hi {
        empty
    } else if lo == hi {
        let pad = pad.max(lo.abs() * 0.1);
        (lo - pad)..(hi + pad)
    } else {
        let m = (hi - lo) * margin;
        (lo - m)..(hi + m)
    }
}

fn draw(root: &Area, chart: &LineChart) -> DrawResult {
    let log = chart.x_log;
    let series: Vec<Vec<LinePoint>> = chart
        .series
        .iter()
        .map(|s| usable_points(&s.points, log))
        .collect();
    let has_band = series.iter().flatten().any(|p| p.low < p.high);

    let title_height = draw_title(root, &chart.title)?;
    let mut legend: Vec<LegendItem> = Vec::new();
    if chart.series.len() > 1 {
        legend.extend(chart.series.iter().enumerate().map(|(i, s)| LegendItem {
            label: s.label.clone(),
            glyph: Glyph::Series(series_style(i)),
        }));
        if has_band {
            legend.push(LegendItem {
                label: "95% confidence band".to_owned(),
                glyph: Glyph::Area {
                    fill: AXIS.mix(0.18),
                    line: RGBColor(0xbb, 0xbb, 0xbb),
                },
            });
        }
    }
    let legend_width = WIDTH as i32 - 40;
    draw_legend(root, &legend, WIDTH as i32 / 2, title_height, legend_width)?;
    let header = title_height + legend_height(&legend, legend_width) + 6;
    let (_, body) = root.split_vertically(header);

    let x_values = || series.iter().flatten().map(|p| axis_x(p.x, log));
    let x_range = if log {
        fitted(x_values(), 0.05, 0.3, 0.0..1.0)
    } else {
        fitted(x_values(), 0.04, 1.0, 0.0..1.0)
    };
    let y_range = match chart.y_range {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() && lo < hi => lo..hi,
        _ => fitted(
            series
                .iter()
                .flatten()
                .flat_map(|p| [p.mean, p.low, p.high])
                .filter(|v| v.is_finite()),
            0.08,
            1.0,
            0.0..1.0,
        ),
    };

    let (body_width, body_height) = body.dim_in_pixel();
    let x_area = TICK_PX as i32 + LABEL_PX as i32 + 24;
    let plot_height = body_height as i32 - x_area - 16;
    let y_ticks = spaced_ticks(&y_range, plot_height, Along::Y);
    let y_tick_width = y_ticks
        .iter()
        .map(|(_, l)| text_width(l, TICK_PX))
        .max()
        .unwrap_or(0);
    let y_area = y_tick_width + LABEL_PX as i32 + 34;
    let (margin_left, margin_right) = (12, 36);
    let plot_width = body_width as i32 - y_area - margin_left - margin_right;
    let x_ticks = if log {
        let mut xs: Vec<f64> = series.iter().flatten().map(|p| p.x).collect();
        xs.sort_by(f64::total_cmp);
        log_ticks(&x_range, &xs, plot_width)
    } else {
        spaced_ticks(&x_range, plot_width, Along::X)
    };

    let mut ctx = ChartBuilder::on(&body)
        .margin_top(10)
        .margin_bottom(6)
        .margin_left(margin_left)
        .margin_right(margin_right)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(ticked(x_range, &x_ticks), ticked(y_range, &y_ticks))?;
    let x_format = |v: &f64| tick_label(&x_ticks, *v);
    let y_format = |v: &f64| tick_label(&y_ticks, *v);
    ctx.configure_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .label_style(font(TICK_PX))
        .axis_desc_style(font(LABEL_PX))
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .draw()?;

    let (px, py) = ctx.plotting_area().get_pixel_range();
    let (top, bottom) = (py.start.min(py.end), py.start.max(py.end) - 1);
    let to_pixel = |x: f64, y: f64| ctx.backend_coord(&(axis_x(x, log), y));

    // Bands first, so that every line and marker is drawn over all of them.
    for (i, points) in series.iter().enumerate() {
        let color = series_style(i).color;
        let bounds = |p: &LinePoint| {
            let (low, high) = (
                if p.low.is_finite() { p.low } else { p.mean },
                if p.high.is_finite() { p.high } else { p.mean },
            );
            let upper = to_pixel(p.x, high);
            let lower = to_pixel(p.x, low);
            (
                (upper.0, upper.1.clamp(top, bottom)),
                (lower.0, lower.1.clamp(top, bottom)),
            )
        };
        if points.len() == 1 {
            let (upper, lower) = bounds(&points[0]);
            root.draw(&PathElement::new(
                vec![upper, lower],
                color.mix(0.5).stroke_width(2),
            ))?;
        } else if points.iter().any(|p| p.low < p.high) {
            let (upper, lower): (Vec<_>, Vec<_>) = points.iter().map(bounds).unzip();
            let outline: Vec<(i32, i32)> =
                upper.into_iter().chain(lower.into_iter().rev()).collect();
            root.draw(&Polygon::new(outline, color.mix(0.16).filled()))?;
        }
    }
    for (i, points) in series.iter().enumerate() {
        let style = series_style(i);
        let pixels: Vec<(i32, i32)> = points.iter().map(|p| to_pixel(p.x, p.mean)).collect();
        for run in clip_polyline(&pixels, px.clone(), py.clone()) {
            draw_polyline(root, &run, style.color, LINE_WIDTH, style.dash)?;
        }
    }
    for (i, points) in series.iter().enumerate() {
        let style = series_style(i);
        for p in points {
            let (x, y) = to_pixel(p.x, p.mean);
            if px.contains(&x) && (top..=bottom).contains(&y) {
                draw_marker(root, (x, y), style.marker, style.color)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::model::LineSeries;
    use crate::charts::style::has_text;

    fn point(x: f64, mean: f64) -> LinePoint {
        LinePoint {
            x,
            mean,
            low: mean - 1.5,
            high: mean + 1.0,
        }
    }

    fn sample() -> LineChart {
        LineChart {
            title: "Availability by ejection time".to_owned(),
            x_label: "baseEjectionTime (s)".to_owned(),
            y_label: "availability (%)".to_owned(),
            x_log: true,
            y_range: None,
            series: vec![
                LineSeries {
                    label: "interval = 1s".to_owned(),
                    points: [1.0, 5.0, 10.0, 30.0, 60.0, 300.0]
                        .iter()
                        .zip([90.0, 93.0, 95.5, 97.0, 97.5, 98.0])
                        .map(|(&x, m)| point(x, m))
                        .collect(),
                },
                LineSeries {
                    label: "interval = 10s".to_owned(),
                    points: [1.0, 5.0, 10.0, 30.0, 60.0, 300.0]
                        .iter()
                        .zip([85.0, 88.0, 91.0, 94.0, 96.0, 96.5])
                        .map(|(&x, m)| point(x, m))
                        .collect(),
                },
            ],
        }
    }

    #[test]
    fn shows_title_axis_labels_ticks_and_legend() {
        let svg = render_line(&sample());
        for text in [
            "Availability by ejection time",
            "baseEjectionTime (s)",
            "availability (%)",
            "interval = 1s",
            "interval = 10s",
            "95% confidence band",
        ] {
            assert!(has_text(&svg, text), "{text} missing");
        }
        for tick in ["1", "5", "10", "30", "60", "300"] {
            assert!(has_text(&svg, tick), "x tick {tick} missing");
        }
        assert!(svg.contains(r#"width="900" height="560""#));
    }

    #[test]
    fn a_single_series_has_no_legend() {
        let mut chart = sample();
        chart.series.truncate(1);
        let svg = render_line(&chart);
        assert!(!has_text(&svg, "interval = 1s"));
        assert!(!svg.contains("95% confidence band"));
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(render_line(&sample()), render_line(&sample()));
    }

    #[test]
    fn fixed_y_range_and_linear_x_are_used() {
        let mut chart = sample();
        chart.x_log = false;
        chart.y_range = Some((0.0, 100.0));
        let svg = render_line(&chart);
        assert!(has_text(&svg, "100"));
        assert!(has_text(&svg, "0"));
        assert!(has_text(&svg, "300"));
    }

    #[test]
    fn degenerate_charts_render() {
        let mut chart = sample();
        chart.series[0].points.truncate(1);
        chart.series[1].points.clear();
        assert!(render_line(&chart).contains("</svg>"));
        chart.series.clear();
        assert!(render_line(&chart).contains("</svg>"));
    }
}
