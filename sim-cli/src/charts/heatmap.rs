//! Heatmaps: a metric over a grid of two swept parameters, one cell per grid point coloured on
//! a viridis-like scale (its lightness rises with the value) and its value written in it; one
//! cell may be outlined, with a legend entry saying what it is.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{tick_label, ticked};
use super::legend::{Glyph, LegendItem, draw_legend, legend_height};
use super::marks::draw_highlight_outline;
use super::model::HeatmapChart;
use super::style::{AXIS, Area, DrawResult, LABEL_PX, TEXT, TICK_PX, WIDTH, font, render};
use super::text::{draw_title, fmt_fixed, text_width};
use super::ticks::{Along, Ticks, category_ticks, spaced_ticks};

/// Draws a heatmap as a standalone SVG document.
pub fn render_heatmap(chart: &HeatmapChart) -> String {
    render(|root| draw(root, chart))
}

/// Viridis at ten evenly spaced points, dark purple to yellow.
const VIRIDIS: [(u8, u8, u8); 10] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x28, 0x78),
    (0x3e, 0x4a, 0x89),
    (0x31, 0x68, 0x8e),
    (0x26, 0x82, 0x8e),
    (0x1f, 0x9e, 0x89),
    (0x35, 0xb7, 0x79),
    (0x6d, 0xcd, 0x59),
    (0xb4, 0xde, 0x2c),
    (0xfd, 0xe7, 0x25),
];

/// The scale's colour at `t` in `0..=1`.
fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (VIRIDIS.len() - 1) as f64;
    let index = (scaled.floor() as usize).min(VIRIDIS.len() - 2);
    let f = scaled - index as f64;
    let (a, b) = (VIRIDIS[index], VIRIDIS[index + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// WCAG relative luminance.
fn luminance(color: RGBColor) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(color.0) + 0.7152 * channel(color.1) + 0.0722 * channel(color.2)
}

/// Dark or white text, whichever contrasts more with `background`.
fn text_color(background: RGBColor) -> RGBColor {
    let y = luminance(background);
    let on_white = 1.05 / (y + 0.05);
    let on_dark = (y + 0.05) / (luminance(TEXT) + 0.05);
    if on_dark >= on_white { TEXT } else { WHITE }
}

const MISSING_FILL: RGBColor = RGBColor(0xf2, 0xf2, 0xf2);
const MISSING_HATCH: RGBColor = RGBColor(0xc8, 0xc8, 0xc8);
const MISSING_TEXT: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// Bar width, tick length and the gaps around the colour bar, in pixels.
const BAR_GAP: i32 = 28;
const BAR_WIDTH: i32 = 24;
const BAR_TICK: i32 = 6;

/// Diagonal hatching of a rectangle in pixels, every `spacing` pixels.
fn hatch(area: &Area, (x0, y0): (i32, i32), (x1, y1): (i32, i32), spacing: i32) -> DrawResult {
    let (w, h) = (x1 - x0, y1 - y0);
    // Lines x - x0 + (y - y0) = k: from the top or left edge to the bottom or right edge.
    let mut k = spacing;
    while k < w + h {
        let start = if k <= w {
            (x0 + k, y0)
        } else {
            (x1, y0 + k - w)
        };
        let end = if k <= h {
            (x0, y0 + k)
        } else {
            (x0 + k - h, y1)
        };
        area.draw(&PathElement::new(
            vec![start, end],
            MISSING_HATCH.stroke_width(1),
        ))?;
        k += spacing;
    }
    Ok(())
}

/// The grid's cells and the range of their values.
struct Cells<'a> {
    chart: &'a HeatmapChart,
    rows: usize,
    columns: usize,
    /// Every value there is, row by row.
    values: Vec<f64>,
    min: f64,
    max: f64,
}

impl<'a> Cells<'a> {
    fn of(chart: &'a HeatmapChart) -> Cells<'a> {
        let columns = chart
            .x_values
            .len()
            .max(chart.cells.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let rows = chart.y_values.len().max(chart.cells.len()).max(1);
        let mut cells = Cells {
            chart,
            rows,
            columns,
            values: Vec::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        };
        cells.values = (0..rows)
            .flat_map(|r| (0..columns).map(move |c| (r, c)))
            .filter_map(|(r, c)| cells.get(r, c))
            .collect();
        for &v in &cells.values {
            cells.min = cells.min.min(v);
            cells.max = cells.max.max(v);
        }
        cells
    }

    /// The value of a cell, if it has a finite one.
    fn get(&self, row: usize, column: usize) -> Option<f64> {
        self.chart
            .cells
            .get(row)
            .and_then(|r| r.get(column).copied().flatten())
            .filter(|v| v.is_finite())
    }

    /// Where `v` lies on the colour scale, 0 to 1.
    fn position(&self, v: f64) -> f64 {
        if self.max > self.min {
            (v - self.min) / (self.max - self.min)
        } else {
            0.5
        }
    }

    /// The fill of a cell: its value's colour, or the fill of a missing value.
    fn fill(&self, row: usize, column: usize) -> RGBColor {
        self.get(row, column)
            .map_or(MISSING_FILL, |v| viridis(self.position(v)))
    }

    /// The ticks of the colour scale, `length` pixels tall.
    fn bar_ticks(&self, length: i32) -> Ticks {
        if self.values.is_empty() {
            Vec::new()
        } else if self.max > self.min {
            spaced_ticks(&(self.min..self.max), length, Along::Y)
        } else {
            vec![(self.min, fmt_fixed(self.min, self.chart.decimals))]
        }
    }
}

/// The legend: the highlighted cell, when there is one.
fn legend_items(chart: &HeatmapChart, cells: &Cells) -> Vec<LegendItem> {
    chart
        .highlight
        .iter()
        .map(|h| LegendItem {
            label: h.label.clone(),
            glyph: Glyph::Outline {
                fill: cells.fill(h.row, h.column),
            },
        })
        .collect()
}

fn draw(root: &Area, chart: &HeatmapChart) -> DrawResult {
    let cells = Cells::of(chart);
    let (rows, columns) = (cells.rows, cells.columns);

    let title_height = draw_title(root, &chart.title)?;
    let legend = legend_items(chart, &cells);
    let legend_width = WIDTH as i32 - 40;
    draw_legend(root, &legend, WIDTH as i32 / 2, title_height, legend_width)?;
    let header = title_height + legend_height(&legend, legend_width) + 4;
    let (_, below_title) = root.split_vertically(header);
    let x_area = TICK_PX as i32 + LABEL_PX as i32 + 24;
    let (margin_top, margin_bottom, margin_left) = (6, 6, 12);
    let plot_height = below_title.dim_in_pixel().1 as i32 - x_area - margin_top - margin_bottom;

    let bar_ticks = cells.bar_ticks(plot_height);
    let bar_labels_width = bar_ticks
        .iter()
        .map(|(_, l)| text_width(l, TICK_PX))
        .max()
        .unwrap_or(0);
    let bar_area =
        BAR_GAP + BAR_WIDTH + BAR_TICK + 6 + bar_labels_width + 16 + LABEL_PX as i32 + 14;
    let (body, _) = below_title.split_horizontally(WIDTH as i32 - bar_area);

    let y_widest = chart
        .y_values
        .iter()
        .map(|l| text_width(l, TICK_PX))
        .max()
        .unwrap_or(0);
    let y_area = y_widest + LABEL_PX as i32 + 34;
    let plot_width = body.dim_in_pixel().0 as i32 - y_area - margin_left;
    let x_ticks = category_ticks(&chart.x_values, columns, plot_width, Along::X);
    let y_ticks = category_ticks(&chart.y_values, rows, plot_height, Along::Y);

    let mut ctx = ChartBuilder::on(&body)
        .margin_top(margin_top)
        .margin_bottom(margin_bottom)
        .margin_left(margin_left)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            ticked(0.0..columns as f64, &x_ticks),
            ticked(0.0..rows as f64, &y_ticks),
        )?;
    let x_format = |v: &f64| tick_label(&x_ticks, *v);
    let y_format = |v: &f64| tick_label(&y_ticks, *v);
    ctx.configure_mesh()
        .disable_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .label_style(font(TICK_PX))
        .axis_desc_style(font(LABEL_PX))
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .axis_style(AXIS.stroke_width(1))
        .draw()?;

    // A cell's corners in pixels, inside the pixel of white left between cells.
    let corners = |row: usize, column: usize| {
        let (x0, y0) = ctx.backend_coord(&(column as f64, (row + 1) as f64));
        let (x1, y1) = ctx.backend_coord(&((column + 1) as f64, row as f64));
        ((x0 + 1, y0 + 1), (x1 - 1, y1 - 1))
    };
    draw_cells(root, &cells, &corners)?;
    if let Some(h) = &chart.highlight
        && h.row < rows
        && h.column < columns
    {
        let (top_left, bottom_right) = corners(h.row, h.column);
        draw_highlight_outline(root, top_left, bottom_right)?;
    }
    let (px, py) = ctx.plotting_area().get_pixel_range();
    draw_colour_bar(root, &cells, &bar_ticks, bar_labels_width, px.end, py)
}

type Corners<'a> = dyn Fn(usize, usize) -> ((i32, i32), (i32, i32)) + 'a;

/// Every cell, filled with its value's colour and its value written in it; a missing value
/// hatched, with a dash.
fn draw_cells(root: &Area, cells: &Cells, corners: &Corners) -> DrawResult {
    // One size for every value: the largest (16 px down to 12 px) at which the widest fits.
    let ((x0, _), (x1, _)) = corners(0, 0);
    let cell_width = x1 - x0;
    let decimals = cells.chart.decimals;
    let widest_value = cells
        .values
        .iter()
        .map(|&v| fmt_fixed(v, decimals))
        .max_by_key(|text| text.chars().count())
        .unwrap_or_default();
    let value_px = [16, 14, 12]
        .into_iter()
        .find(|&px| text_width(&widest_value, px) <= cell_width - 4)
        .unwrap_or(12);
    for row in 0..cells.rows {
        for column in 0..cells.columns {
            let ((x0, y0), (x1, y1)) = corners(row, column);
            let center = ((x0 + x1) / 2, (y0 + y1) / 2);
            let fill = cells.fill(row, column);
            let (text, ink) = match cells.get(row, column) {
                Some(v) => (fmt_fixed(v, decimals), text_color(fill)),
                None => ("–".to_owned(), MISSING_TEXT),
            };
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))?;
            if cells.get(row, column).is_none() {
                hatch(root, (x0, y0), (x1, y1), 8)?;
            }
            root.draw_text(
                &text,
                &font(value_px)
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
                center,
            )?;
        }
    }
    Ok(())
}

/// The colour scale, as tall as the grid (`py`), to the right of its right edge `plot_right`.
fn draw_colour_bar(
    root: &Area,
    cells: &Cells,
    bar_ticks: &Ticks,
    bar_labels_width: i32,
    plot_right: i32,
    py: std::ops::Range<i32>,
) -> DrawResult {
    let chart = cells.chart;
    let bar_x0 = plot_right + BAR_GAP;
    let bar_x1 = bar_x0 + BAR_WIDTH;
    let (top, bottom) = (py.start, py.end - 1);
    let steps = 96;
    for step in 0..steps {
        let y_hi = bottom - (bottom - top) * (step + 1) / steps;
        let y_lo = bottom - (bottom - top) * step / steps;
        let color = if cells.values.is_empty() {
            MISSING_FILL
        } else {
            viridis((f64::from(step) + 0.5) / f64::from(steps))
        };
        root.draw(&Rectangle::new(
            [(bar_x0, y_hi), (bar_x1, y_lo)],
            color.filled(),
        ))?;
    }
    root.draw(&Rectangle::new(
        [(bar_x0, top), (bar_x1, bottom)],
        AXIS.stroke_width(1),
    ))?;
    for (value, label) in bar_ticks {
        let y = bottom - (cells.position(*value) * f64::from(bottom - top)).round() as i32;
        root.draw(&PathElement::new(
            vec![(bar_x1, y), (bar_x1 + BAR_TICK, y)],
            AXIS.stroke_width(1),
        ))?;
        root.draw_text(
            label,
            &font(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center)),
            (bar_x1 + BAR_TICK + 4, y),
        )?;
    }
    let label_x = bar_x1 + BAR_TICK + 6 + bar_labels_width + 14;
    root.draw_text(
        &chart.value_label,
        &font(LABEL_PX)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top)),
        (label_x, (top + bottom) / 2),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::model::HighlightCell;
    use crate::charts::style::has_text;

    fn sample() -> HeatmapChart {
        HeatmapChart {
            title: "503 share by max_requests and consecutive_5xx".to_owned(),
            x_label: "max_requests (requests)".to_owned(),
            y_label: "consecutive_5xx (errors)".to_owned(),
            x_values: vec!["16".to_owned(), "64".to_owned(), "256".to_owned()],
            y_values: vec!["3".to_owned(), "5".to_owned()],
            cells: vec![
                vec![Some(12.345), Some(3.0), None],
                vec![Some(0.5), Some(48.26), Some(100.0)],
            ],
            value_label: "503 share (%)".to_owned(),
            decimals: 1,
            highlight: None,
        }
    }

    /// The corners of every `<rect>` stroked in `color`: (x, y, width, height).
    fn outlines(svg: &str, color: &str) -> Vec<(i32, i32, i32, i32)> {
        let attr = |element: &str, name: &str| -> i32 {
            let value = element.split(&format!(" {name}=\"")).nth(1).unwrap_or("");
            value[..value.find('"').unwrap_or(0)].parse().unwrap_or(-1)
        };
        svg.split("<rect")
            .skip(1)
            .map(|e| &e[..e.find("/>").unwrap_or(e.len())])
            .filter(|e| e.contains(&format!("stroke=\"{color}\"")))
            .map(|e| {
                (
                    attr(e, "x"),
                    attr(e, "y"),
                    attr(e, "width"),
                    attr(e, "height"),
                )
            })
            .collect()
    }

    #[test]
    fn shows_title_labels_and_every_value() {
        let svg = render_heatmap(&sample());
        for text in [
            "503 share by max_requests and consecutive_5xx",
            "max_requests (requests)",
            "consecutive_5xx (errors)",
            "503 share (%)",
            "16",
            "64",
            "256",
            "3",
            "5",
            "12.3",
            "3.0",
            "0.5",
            "48.3",
            "100.0",
            "–",
        ] {
            assert!(has_text(&svg, text), "{text} missing");
        }
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(render_heatmap(&sample()), render_heatmap(&sample()));
    }

    /// The corners of the filled `<rect>` drawn just before the text `value`: its cell.
    fn cell_of(svg: &str, value: &str) -> (i32, i32, i32, i32) {
        let text = svg
            .find(&format!(">\n{value}\n</text>"))
            .expect("the value is written");
        let rect = svg[..text].rfind("<rect").expect("a cell before its value");
        let element = &svg[rect..text];
        let attr = |name: &str| -> i32 {
            let v = element.split(&format!(" {name}=\"")).nth(1).unwrap_or("");
            v[..v.find('"').unwrap_or(0)].parse().unwrap_or(-1)
        };
        (attr("x"), attr("y"), attr("width"), attr("height"))
    }

    /// The cell of row 1 (y = 5), column 2 (x = 256), the one reading 100.0, is outlined by
    /// three black frames, the outermost on the cell's own edge, each next one a pixel inside;
    /// a legend entry says what it is. Without a highlight nothing is framed in black.
    #[test]
    fn a_highlighted_cell_is_outlined_and_named() {
        let mut chart = sample();
        chart.highlight = Some(HighlightCell {
            row: 1,
            column: 2,
            label: "the lab's own settings".to_owned(),
        });
        let svg = render_heatmap(&chart);
        assert!(has_text(&svg, "the lab's own settings"));
        // The legend's glyph has three small frames too; the cell's are the large ones.
        let mut frames: Vec<_> = outlines(&svg, "#000000")
            .into_iter()
            .filter(|f| f.2 > 60)
            .collect();
        frames.sort();
        let (x, y, w, h) = cell_of(&svg, "100.0");
        assert_eq!(
            frames,
            [
                (x, y, w, h),
                (x + 1, y + 1, w - 2, h - 2),
                (x + 2, y + 2, w - 4, h - 4)
            ]
        );
        assert!(outlines(&render_heatmap(&sample()), "#000000").is_empty());
    }

    #[test]
    fn the_scale_gets_lighter_and_text_contrasts() {
        let lightness: Vec<f64> = (0..=20)
            .map(|i| luminance(viridis(f64::from(i) / 20.0)))
            .collect();
        assert!(lightness.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(text_color(viridis(0.0)), WHITE);
        assert_eq!(text_color(viridis(1.0)), TEXT);
    }

    #[test]
    fn degenerate_grids_render() {
        let mut chart = sample();
        chart.cells = vec![vec![None, None, None], vec![None, None, None]];
        assert!(render_heatmap(&chart).contains("</svg>"));
        chart.cells = vec![vec![Some(2.0)]];
        chart.x_values.clear();
        chart.y_values.clear();
        assert!(has_text(&render_heatmap(&chart), "2.0"));
    }
}
