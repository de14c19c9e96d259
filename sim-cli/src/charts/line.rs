//! Line charts: a metric against one swept parameter, one line per value of a second one, each
//! with markers at its points and its 95% confidence band shaded behind it, and optionally a
//! baseline: a horizontal reference line with its own band.

use std::ops::Range;

use plotters::prelude::*;

use super::axis::{draw_mesh, ticked};
use super::legend::{Glyph, LegendItem, draw_legend, legend_height};
use super::marks::{clip_polyline, draw_marker, draw_polyline};
use super::model::{LineChart, LinePoint, ReferenceLine};
use super::style::{
    AXIS, Area, DrawResult, LABEL_PX, LINE_WIDTH, REFERENCE, REFERENCE_DASH, REFERENCE_WIDTH,
    TICK_PX, WIDTH, render, series_style,
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
pub(crate) fn fitted(
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

/// The legend: one entry per series and the confidence band when there are several series,
/// and the baseline when there is one (then the lone series gets an entry too).
fn legend_items(chart: &LineChart, has_band: bool) -> Vec<LegendItem> {
    let mut legend: Vec<LegendItem> = Vec::new();
    if chart.series.len() > 1 || chart.baseline.is_some() {
        legend.extend(chart.series.iter().enumerate().map(|(i, s)| LegendItem {
            label: s.label.clone(),
            glyph: Glyph::Series(series_style(i)),
        }));
    }
    if let Some(b) = &chart.baseline {
        legend.push(LegendItem {
            label: b.label.clone(),
            glyph: Glyph::Line {
                color: REFERENCE,
                width: REFERENCE_WIDTH,
                dash: REFERENCE_DASH,
            },
        });
    }
    if has_band && legend.len() > 1 {
        legend.push(LegendItem {
            label: "95% confidence band".to_owned(),
            glyph: Glyph::Area {
                fill: AXIS.mix(0.18),
                line: RGBColor(0xbb, 0xbb, 0xbb),
            },
        });
    }
    legend
}

/// The y axis: the chart's fixed range, else fitted to every mean and band, the baseline's
/// included.
fn y_range(chart: &LineChart, series: &[Vec<LinePoint>]) -> Range<f64> {
    if let Some((lo, hi)) = chart.y_range
        && lo.is_finite()
        && hi.is_finite()
        && lo < hi
    {
        return lo..hi;
    }
    let baseline = chart.baseline.iter().flat_map(|b| [b.mean, b.low, b.high]);
    let values = series
        .iter()
        .flatten()
        .flat_map(|p| [p.mean, p.low, p.high])
        .chain(baseline)
        .filter(|v| v.is_finite());
    fitted(values, 0.08, 1.0, 0.0..1.0)
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
    let legend = legend_items(chart, has_band);
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
    let y_range = y_range(chart, &series);

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
    draw_mesh(
        &mut ctx,
        (chart.x_label.as_str(), chart.y_label.as_str()),
        (&x_ticks, &y_ticks),
    )?;

    let (px, py) = ctx.plotting_area().get_pixel_range();
    let plot = Plot {
        x: px,
        y: py.start.min(py.end)..py.start.max(py.end),
    };
    let to_pixel = |x: f64, y: f64| ctx.backend_coord(&(axis_x(x, log), y));
    let y_pixel = |y: f64| ctx.backend_coord(&(ctx.x_range().start, y)).1;
    // Bands first, so that every line and marker is drawn over all of them; the baseline's
    // behind the series' own.
    if let Some(b) = &chart.baseline {
        draw_baseline_band(root, &plot, b, &y_pixel)?;
    }
    draw_bands(root, &plot, &series, &to_pixel)?;
    if let Some(b) = &chart.baseline {
        draw_baseline(root, &plot, b, &y_pixel)?;
    }
    draw_lines(root, &plot, &series, &to_pixel)?;
    draw_markers(root, &plot, &series, &to_pixel)
}

/// The plot's pixels: `x` and `y` as half-open ranges, `y` from top to bottom.
struct Plot {
    x: Range<i32>,
    y: Range<i32>,
}

impl Plot {
    fn clamp_y(&self, y: i32) -> i32 {
        y.clamp(self.y.start, self.y.end - 1)
    }

    fn contains(&self, (x, y): (i32, i32)) -> bool {
        self.x.contains(&x) && self.y.contains(&y)
    }
}

type ToPixel<'a> = dyn Fn(f64, f64) -> (i32, i32) + 'a;

/// Each series' 95% confidence band, shaded in its colour (a bar for a single point).
fn draw_bands(
    root: &Area,
    plot: &Plot,
    series: &[Vec<LinePoint>],
    to_pixel: &ToPixel,
) -> DrawResult {
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
                (upper.0, plot.clamp_y(upper.1)),
                (lower.0, plot.clamp_y(lower.1)),
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
    Ok(())
}

/// The baseline's 95% confidence interval: a grey band across the whole plot.
fn draw_baseline_band(
    root: &Area,
    plot: &Plot,
    baseline: &ReferenceLine,
    y_pixel: &dyn Fn(f64) -> i32,
) -> DrawResult {
    let has_width =
        baseline.low.is_finite() && baseline.high.is_finite() && baseline.low < baseline.high;
    if !has_width {
        return Ok(());
    }
    let (top, bottom) = (
        plot.clamp_y(y_pixel(baseline.high)),
        plot.clamp_y(y_pixel(baseline.low)),
    );
    let corners = [(plot.x.start, top), (plot.x.end - 1, bottom)];
    root.draw(&Rectangle::new(corners, AXIS.mix(0.18).filled()))?;
    Ok(())
}

/// The baseline's mean: a horizontal reference line across the whole plot.
fn draw_baseline(
    root: &Area,
    plot: &Plot,
    baseline: &ReferenceLine,
    y_pixel: &dyn Fn(f64) -> i32,
) -> DrawResult {
    if !baseline.mean.is_finite() {
        return Ok(());
    }
    let y = y_pixel(baseline.mean);
    if !plot.y.contains(&y) {
        return Ok(());
    }
    let line = [(plot.x.start, y), (plot.x.end - 1, y)];
    draw_polyline(root, &line, REFERENCE, REFERENCE_WIDTH, REFERENCE_DASH)
}

/// Each series' means joined by a line in its colour and dash pattern, clipped to the plot.
fn draw_lines(
    root: &Area,
    plot: &Plot,
    series: &[Vec<LinePoint>],
    to_pixel: &ToPixel,
) -> DrawResult {
    for (i, points) in series.iter().enumerate() {
        let style = series_style(i);
        let pixels: Vec<(i32, i32)> = points.iter().map(|p| to_pixel(p.x, p.mean)).collect();
        for run in clip_polyline(&pixels, plot.x.clone(), plot.y.clone()) {
            draw_polyline(root, &run, style.color, LINE_WIDTH, style.dash)?;
        }
    }
    Ok(())
}

/// Each series' marker on each of its points inside the plot.
fn draw_markers(
    root: &Area,
    plot: &Plot,
    series: &[Vec<LinePoint>],
    to_pixel: &ToPixel,
) -> DrawResult {
    for (i, points) in series.iter().enumerate() {
        let style = series_style(i);
        for p in points {
            let at = to_pixel(p.x, p.mean);
            if plot.contains(at) {
                draw_marker(root, at, style.marker, style.color)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

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
            baseline: None,
        }
    }

    fn with_baseline() -> LineChart {
        LineChart {
            baseline: Some(ReferenceLine {
                label: "no outlier detection".to_owned(),
                mean: 75.0,
                low: 74.5,
                high: 75.5,
            }),
            ..sample()
        }
    }

    /// The levels at which `<polyline>`s stroked in `color` run horizontally (dashes
    /// included), each with the leftmost and rightmost x reached at it.
    fn horizontal_lines(svg: &str, color: &str) -> BTreeMap<i32, (i32, i32)> {
        let mut levels: BTreeMap<i32, (i32, i32)> = BTreeMap::new();
        for element in svg.split("<polyline").skip(1) {
            let element = &element[..element.find("/>").unwrap_or(element.len())];
            if !element.contains(&format!("stroke=\"{color}\"")) {
                continue;
            }
            let points = element.split("points=\"").nth(1).unwrap_or("");
            let points = &points[..points.find('"').unwrap_or(0)];
            let xy: Vec<(i32, i32)> = points
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            if xy.len() > 1 && xy.iter().all(|p| p.1 == xy[0].1) {
                let extent = levels.entry(xy[0].1).or_insert((i32::MAX, i32::MIN));
                for (x, _) in xy {
                    *extent = (extent.0.min(x), extent.1.max(x));
                }
            }
        }
        levels
    }

    /// The horizontal grid lines (`<line>`s in the grid's colour): y, and x from and to.
    fn grid_rows(svg: &str) -> BTreeMap<i32, (i32, i32)> {
        let mut rows = BTreeMap::new();
        for element in svg.split("<line").skip(1) {
            let element = &element[..element.find("/>").unwrap_or(element.len())];
            if !element.contains("stroke=\"#DDDDDD\"") {
                continue;
            }
            let attr = |name: &str| -> i32 {
                let v = element.split(&format!(" {name}=\"")).nth(1).unwrap_or("");
                v[..v.find('"').unwrap_or(0)].parse().unwrap_or(-1)
            };
            if attr("y1") == attr("y2") {
                rows.insert(attr("y1"), (attr("x1"), attr("x2")));
            }
        }
        rows
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
        assert_eq!(render_line(&with_baseline()), render_line(&with_baseline()));
    }

    /// The bands span 83.5 to 99 and the baseline's 74.5 to 75.5: the axis, 8% wider on each
    /// side, runs from 72.54 to 100.96, ticked every 5 from 75 to 100. The baseline, at 75,
    /// lies on the grid line of the 75 tick.
    #[test]
    fn a_baseline_is_a_labelled_line_across_the_plot_within_the_axis() {
        let svg = render_line(&with_baseline());
        assert!(has_text(&svg, "no outlier detection"));
        for tick in ["75", "80", "85", "90", "95", "100"] {
            assert!(has_text(&svg, tick), "y tick {tick} missing");
        }
        assert!(!has_text(&svg, "70"));
        let grid = grid_rows(&svg);
        let (&lowest_grid, &grid_extent) = grid.last_key_value().expect("grid lines");
        // Beside the line across the plot, the legend's glyph: 44 px of it, near the top.
        let reference = horizontal_lines(&svg, "#4D4D4D");
        let across: Vec<(&i32, &(i32, i32))> =
            reference.iter().filter(|(_, e)| e.1 - e.0 > 44).collect();
        assert_eq!(across.len(), 1, "{reference:?}");
        let (&y, &(left, right)) = across[0];
        assert_eq!(y, lowest_grid, "the baseline lies on the 75 grid line");
        assert!(
            left - grid_extent.0 <= 1 && grid_extent.1 - right <= 16,
            "across the plot"
        );
    }

    #[test]
    fn a_single_series_with_a_baseline_has_a_legend() {
        let mut chart = with_baseline();
        chart.series.truncate(1);
        let svg = render_line(&chart);
        assert!(has_text(&svg, "interval = 1s"));
        assert!(has_text(&svg, "no outlier detection"));
        assert!(has_text(&svg, "95% confidence band"));
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
