//! Legends: entries (a series' line and marker, a reference line, a shaded box or an outlined
//! cell) laid out in centred rows that fit the chart's width.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::marks::{draw_highlight_outline, draw_marker, draw_polyline};
use super::style::{Area, Dash, DrawResult, HIGHLIGHT, LABEL_PX, LINE_WIDTH, SeriesStyle, font};
use super::text::text_width;

/// How an entry of a legend is drawn.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Glyph {
    /// A short line in the series' dash pattern with its marker in the middle.
    Series(SeriesStyle),
    /// A shaded box with an outline, for an area.
    Area { fill: RGBAColor, line: RGBColor },
    /// A line without markers, for a reference line.
    Line {
        color: RGBColor,
        width: u32,
        dash: Dash,
    },
    /// A box filled with `fill` and outlined as a highlighted cell is.
    Outline { fill: RGBColor },
    /// A series' marker alone, for points not joined by a line.
    Marker(SeriesStyle),
    /// A ring, as drawn around a chosen point.
    Ring,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LegendItem {
    pub label: String,
    pub glyph: Glyph,
}

const LEGEND_ROW: i32 = 26;
const LEGEND_GLYPH: i32 = 44;
const LEGEND_GAP: i32 = 8;
const LEGEND_SPACING: i32 = 28;

fn legend_item_width(item: &LegendItem) -> i32 {
    LEGEND_GLYPH + LEGEND_GAP + text_width(&item.label, LABEL_PX)
}

/// Where the entries of a legend go: one centred row when they fit in `width`, else a grid of
/// equal columns, or centred rows of natural widths when those take fewer rows.
struct LegendLayout {
    /// The indices of each row's items.
    rows: Vec<Vec<usize>>,
    /// The width of every column, or `None` for a single row of natural widths.
    column_width: Option<i32>,
}

fn legend_layout(items: &[LegendItem], width: i32) -> LegendLayout {
    if items.is_empty() {
        return LegendLayout {
            rows: Vec::new(),
            column_width: None,
        };
    }
    let one_row: i32 = items.iter().map(legend_item_width).sum::<i32>()
        + LEGEND_SPACING * (items.len() as i32 - 1);
    if one_row <= width {
        return LegendLayout {
            rows: vec![(0..items.len()).collect()],
            column_width: None,
        };
    }
    let column_width = items.iter().map(legend_item_width).max().unwrap_or(0);
    let columns = ((width + LEGEND_SPACING) / (column_width + LEGEND_SPACING)).max(1) as usize;
    let indices: Vec<usize> = (0..items.len()).collect();
    let grid: Vec<Vec<usize>> = indices.chunks(columns).map(<[usize]>::to_vec).collect();
    let flow = flow_rows(items, width);
    if grid.len() <= flow.len() {
        LegendLayout {
            rows: grid,
            column_width: Some(column_width),
        }
    } else {
        LegendLayout {
            rows: flow,
            column_width: None,
        }
    }
}

/// Rows filled left to right with items of their natural widths.
fn flow_rows(items: &[LegendItem], width: i32) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for (index, item) in items.iter().enumerate() {
        let w = legend_item_width(item);
        match rows.last_mut() {
            Some(row) if used + LEGEND_SPACING + w <= width => {
                row.push(index);
                used += LEGEND_SPACING + w;
            }
            _ => {
                rows.push(vec![index]);
                used = w;
            }
        }
    }
    rows
}

/// The height a legend of these items takes when laid out in `width` pixels.
pub(crate) fn legend_height(items: &[LegendItem], width: i32) -> i32 {
    legend_layout(items, width).rows.len() as i32 * LEGEND_ROW
}

/// Draws the legend centred on `center_x` in at most `width` pixels, the first row's middle at
/// `top + LEGEND_ROW / 2`.
pub(crate) fn draw_legend(
    area: &Area,
    items: &[LegendItem],
    center_x: i32,
    top: i32,
    width: i32,
) -> DrawResult {
    let layout = legend_layout(items, width);
    let widths = |row: &[usize]| -> Vec<i32> {
        row.iter()
            .map(|&i| {
                layout
                    .column_width
                    .unwrap_or_else(|| legend_item_width(&items[i]))
            })
            .collect()
    };
    let grid_width = layout
        .rows
        .iter()
        .map(|row| widths(row).iter().sum::<i32>() + LEGEND_SPACING * (row.len() as i32 - 1))
        .max()
        .unwrap_or(0);
    for (row_index, row) in layout.rows.iter().enumerate() {
        let row_width = match layout.column_width {
            Some(_) => grid_width,
            None => widths(row).iter().sum::<i32>() + LEGEND_SPACING * (row.len() as i32 - 1),
        };
        let mut x = center_x - row_width / 2;
        let y = top + row_index as i32 * LEGEND_ROW + LEGEND_ROW / 2;
        for (&i, w) in row.iter().zip(widths(row)) {
            let item = &items[i];
            draw_glyph(area, &item.glyph, x, y)?;
            area.draw_text(
                &item.label,
                &font(LABEL_PX).pos(Pos::new(HPos::Left, VPos::Center)),
                (x + LEGEND_GLYPH + LEGEND_GAP, y),
            )?;
            x += w + LEGEND_SPACING;
        }
    }
    Ok(())
}

/// The glyph of an entry, its left end at `x`, centred on `y`.
fn draw_glyph(area: &Area, glyph: &Glyph, x: i32, y: i32) -> DrawResult {
    match glyph {
        Glyph::Series(style) => {
            let line = [(x, y), (x + LEGEND_GLYPH, y)];
            draw_polyline(area, &line, style.color, LINE_WIDTH, style.dash)?;
            draw_marker(area, (x + LEGEND_GLYPH / 2, y), style.marker, style.color)
        }
        Glyph::Area { fill, line } => {
            let corners = [(x + 4, y - 8), (x + LEGEND_GLYPH - 4, y + 8)];
            area.draw(&Rectangle::new(corners, fill.filled()))?;
            area.draw(&Rectangle::new(corners, line.stroke_width(2)))?;
            Ok(())
        }
        Glyph::Line { color, width, dash } => draw_polyline(
            area,
            &[(x, y), (x + LEGEND_GLYPH, y)],
            *color,
            *width,
            *dash,
        ),
        Glyph::Marker(style) => {
            draw_marker(area, (x + LEGEND_GLYPH / 2, y), style.marker, style.color)
        }
        Glyph::Ring => {
            area.draw(&Circle::new(
                (x + LEGEND_GLYPH / 2, y),
                10,
                HIGHLIGHT.stroke_width(2),
            ))?;
            Ok(())
        }
        Glyph::Outline { fill } => {
            let (top_left, bottom_right) = ((x + 6, y - 9), (x + LEGEND_GLYPH - 6, y + 9));
            area.draw(&Rectangle::new([top_left, bottom_right], fill.filled()))?;
            draw_highlight_outline(area, top_left, bottom_right)
        }
    }
}
