//! Plotters axes whose grid lines and labels are exactly the ticks chosen in `ticks.rs`.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;

use super::ticks::{Ticks, axis_pixel};

/// The label of the tick nearest to `value` (plotters hands the key points back to the label
/// formatter).
pub(crate) fn tick_label(ticks: &Ticks, value: f64) -> String {
    ticks
        .iter()
        .min_by(|a, b| (a.0 - value).abs().total_cmp(&(b.0 - value).abs()))
        .map(|(_, label)| label.clone())
        .unwrap_or_default()
}

/// A linear axis over `range` whose grid lines and labels are exactly the given ticks (plotters'
/// own f64 axes pick their ticks themselves and cannot be combined with fixed key points and a
/// label formatter).
pub(crate) struct TickedAxis {
    range: Range<f64>,
    ticks: Vec<f64>,
}

pub(crate) fn ticked(range: Range<f64>, ticks: &Ticks) -> TickedAxis {
    TickedAxis {
        range,
        ticks: ticks.iter().map(|(v, _)| *v).collect(),
    }
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        limit.0 + axis_pixel(*value, &self.range, limit.1 - limit.0)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// The end of a linear axis starting at 0 that leaves a little room above `max`.
pub(crate) fn headroom(max: f64) -> f64 {
    if max > 0.0 && max.is_finite() {
        max * 1.08
    } else {
        1.0
    }
}

/// A chart's plotting area on two ticked axes.
pub(crate) type TickedChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<TickedAxis, TickedAxis>>;

/// Draws the grid lines at the ticks, the tick labels and the axis titles, in the house style
/// (every chart with a grid: line, scatter, timeline).
pub(crate) fn draw_mesh(
    ctx: &mut TickedChart<'_, '_>,
    (x_desc, y_desc): (&str, &str),
    (x_ticks, y_ticks): (&Ticks, &Ticks),
) -> super::style::DrawResult {
    use super::style::{AXIS, GRID, LABEL_PX, TICK_PX, font};
    let x_format = |v: &f64| tick_label(x_ticks, *v);
    let y_format = |v: &f64| tick_label(y_ticks, *v);
    ctx.configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(LABEL_PX))
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .draw()?;
    Ok(())
}
