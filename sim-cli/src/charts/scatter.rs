//! Scatter charts: points with 95% intervals on both axes (error bars), in groups that each
//! have a marker, colour and legend entry; a line joining some of them (a Pareto front); a
//! vertical reference line (a constraint's bound); one point circled (the best).

use plotters::prelude::*;

use super::axis::{draw_mesh, ticked};
use super::legend::{Glyph, LegendItem, draw_legend, legend_height};
use super::line::fitted;
use super::marks::{clip_polyline, draw_marker, draw_polyline};
use super::model::{ScatterChart, ScatterPoint};
use super::style::{
    Area, DrawResult, HIGHLIGHT, LABEL_PX, LINE_WIDTH, REFERENCE, REFERENCE_DASH, REFERENCE_WIDTH,
    TICK_PX, WIDTH, render, series_style,
};
use super::text::{draw_title, text_width};
use super::ticks::{Along, spaced_ticks};

/// Draws a scatter chart as a standalone SVG document.
pub fn render_scatter(chart: &ScatterChart) -> String {
    render(|root| draw(root, chart))
}

/// The style of group `g`: the series styles after the first, which the front's line takes.
fn group_style(g: usize) -> super::style::SeriesStyle {
    series_style(g + 1)
}

fn legend_items(chart: &ScatterChart) -> Vec<LegendItem> {
    let mut items = Vec::new();
    if let Some(front) = &chart.front {
        items.push(LegendItem {
            label: front.label.clone(),
            glyph: Glyph::Line {
                color: series_style(0).color,
                width: LINE_WIDTH,
                dash: series_style(0).dash,
            },
        });
    }
    for (g, group) in chart.groups.iter().enumerate() {
        let mut style = group_style(g);
        style.dash = super::style::Dash::SOLID;
        items.push(LegendItem {
            label: group.label.clone(),
            glyph: Glyph::Marker(style),
        });
    }
    if let Some(bound) = &chart.x_bound {
        items.push(LegendItem {
            label: bound.label.clone(),
            glyph: Glyph::Line {
                color: REFERENCE,
                width: REFERENCE_WIDTH,
                dash: REFERENCE_DASH,
            },
        });
    }
    if let Some(best) = &chart.best {
        items.push(LegendItem {
            label: best.label.clone(),
            glyph: Glyph::Ring,
        });
    }
    items
}

fn finite_or(v: f64, or: f64) -> f64 {
    if v.is_finite() { v } else { or }
}

fn draw(root: &Area, chart: &ScatterChart) -> DrawResult {
    let points: Vec<&ScatterPoint> = chart
        .groups
        .iter()
        .flat_map(|g| &g.points)
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    let title_height = draw_title(root, &chart.title)?;
    let legend = legend_items(chart);
    let legend_width = WIDTH as i32 - 40;
    draw_legend(root, &legend, WIDTH as i32 / 2, title_height, legend_width)?;
    let header = title_height + legend_height(&legend, legend_width) + 6;
    let (_, body) = root.split_vertically(header);

    let xs = points
        .iter()
        .flat_map(|p| [p.x, finite_or(p.x_low, p.x), finite_or(p.x_high, p.x)])
        .chain(chart.x_bound.iter().map(|b| b.x));
    let x_range = fitted(xs, 0.06, 1.0, 0.0..1.0);
    let ys = points
        .iter()
        .flat_map(|p| [p.y, finite_or(p.y_low, p.y), finite_or(p.y_high, p.y)]);
    let y_range = fitted(ys, 0.08, 1.0, 0.0..1.0);

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
    let x_ticks = spaced_ticks(&x_range, plot_width, Along::X);

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
    let (top, bottom) = (py.start.min(py.end), py.start.max(py.end));
    let to_pixel = |x: f64, y: f64| ctx.backend_coord(&(x, y));

    if let Some(bound) = &chart.x_bound {
        let x = to_pixel(bound.x, ctx.y_range().start).0;
        if px.contains(&x) {
            let line = [(x, top), (x, bottom - 1)];
            draw_polyline(root, &line, REFERENCE, REFERENCE_WIDTH, REFERENCE_DASH)?;
        }
    }
    for (g, group) in chart.groups.iter().enumerate() {
        let color = group_style(g).color;
        for p in group
            .points
            .iter()
            .filter(|p| p.x.is_finite() && p.y.is_finite())
        {
            draw_error_bars(root, p, color, &to_pixel)?;
        }
    }
    if let Some(front) = &chart.front {
        let style = series_style(0);
        let pixels: Vec<(i32, i32)> = front.points.iter().map(|&(x, y)| to_pixel(x, y)).collect();
        for run in clip_polyline(&pixels, px.clone(), top..bottom) {
            draw_polyline(root, &run, style.color, LINE_WIDTH, style.dash)?;
        }
    }
    for (g, group) in chart.groups.iter().enumerate() {
        let style = group_style(g);
        for p in group
            .points
            .iter()
            .filter(|p| p.x.is_finite() && p.y.is_finite())
        {
            draw_marker(root, to_pixel(p.x, p.y), style.marker, style.color)?;
        }
    }
    if let Some(best) = &chart.best {
        let at = to_pixel(best.x, best.y);
        root.draw(&Circle::new(at, 12, HIGHLIGHT.stroke_width(2)))?;
    }
    Ok(())
}

/// The point's 95% intervals: a vertical and a horizontal bar with short caps, in a light
/// mix of the group's colour.
fn draw_error_bars(
    root: &Area,
    p: &ScatterPoint,
    color: RGBColor,
    to_pixel: &dyn Fn(f64, f64) -> (i32, i32),
) -> DrawResult {
    let stroke = color.mix(0.55).stroke_width(2);
    let (y_low, y_high) = (finite_or(p.y_low, p.y), finite_or(p.y_high, p.y));
    let (x_low, x_high) = (finite_or(p.x_low, p.x), finite_or(p.x_high, p.x));
    let (a, b) = (to_pixel(p.x, y_low), to_pixel(p.x, y_high));
    if a != b {
        root.draw(&PathElement::new(vec![a, b], stroke))?;
        for end in [a, b] {
            root.draw(&PathElement::new(
                vec![(end.0 - 4, end.1), (end.0 + 4, end.1)],
                stroke,
            ))?;
        }
    }
    let (a, b) = (to_pixel(x_low, p.y), to_pixel(x_high, p.y));
    if a != b {
        root.draw(&PathElement::new(vec![a, b], stroke))?;
        for end in [a, b] {
            root.draw(&PathElement::new(
                vec![(end.0, end.1 - 4), (end.0, end.1 + 4)],
                stroke,
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::model::{BestPoint, FrontLine, ScatterGroup, VerticalLine};
    use crate::charts::style::has_text;

    fn point(x: f64, y: f64) -> ScatterPoint {
        ScatterPoint {
            x,
            x_low: x - 0.5,
            x_high: x + 0.5,
            y,
            y_low: y - 0.2,
            y_high: y + 0.2,
        }
    }

    fn sample() -> ScatterChart {
        ScatterChart {
            title: "Availability against p99 latency".into(),
            x_label: "p99 latency (ms)".into(),
            y_label: "availability (%)".into(),
            groups: vec![
                ScatterGroup {
                    label: "feasible".into(),
                    points: vec![point(10.0, 97.0), point(14.0, 98.0)],
                },
                ScatterGroup {
                    label: "infeasible".into(),
                    points: vec![point(25.0, 99.0)],
                },
            ],
            front: Some(FrontLine {
                label: "Pareto front".into(),
                points: vec![(10.0, 97.0), (14.0, 98.0), (25.0, 99.0)],
            }),
            x_bound: Some(VerticalLine {
                label: "bound: p99 < 20 ms".into(),
                x: 20.0,
            }),
            best: Some(BestPoint {
                label: "best".into(),
                x: 14.0,
                y: 98.0,
            }),
        }
    }

    #[test]
    fn shows_title_axes_and_every_legend_entry() {
        let svg = render_scatter(&sample());
        for text in [
            "Availability against p99 latency",
            "p99 latency (ms)",
            "availability (%)",
            "feasible",
            "infeasible",
            "Pareto front",
            "bound: p99 < 20 ms",
            "best",
        ] {
            assert!(has_text(&svg, text), "{text} missing");
        }
        assert_eq!(svg, render_scatter(&sample()));
    }

    #[test]
    fn degenerate_charts_render() {
        let mut chart = sample();
        chart.groups.iter_mut().for_each(|g| g.points.clear());
        chart.front = None;
        assert!(render_scatter(&chart).contains("</svg>"));
    }
}
