//! What every chart shares: the canvas size, fonts, the greyscale-safe series styles (colour,
//! marker shape and dash pattern), the legend, axis ticks and number formatting.
//!
//! Plotters is built without font files, so it only estimates text widths; every layout decision
//! here uses [`text_width`], a deliberately generous estimate, instead.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The drawing surface of a whole chart.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// What drawing into an in-memory SVG can fail with (it does not, in practice).
pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error>>;

pub(crate) const WIDTH: u32 = 900;
pub(crate) const HEIGHT: u32 = 560;

/// Font sizes in SVG pixels.
pub(crate) const TITLE_PX: u32 = 22;
pub(crate) const LABEL_PX: u32 = 16;
pub(crate) const TICK_PX: u32 = 14;

const FONT: &str = "sans-serif";
pub(crate) const TEXT: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
pub(crate) const AXIS: RGBColor = RGBColor(0x40, 0x40, 0x40);
pub(crate) const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
pub(crate) const LINE_WIDTH: u32 = 3;

/// A text style whose SVG `font-size` is `px` (plotters' SVG backend divides the size by 1.24;
/// multiples of 1.24 by whole pixels divide back exactly).
pub(crate) fn font(px: u32) -> TextStyle<'static> {
    (FONT, f64::from(px) * 1.24).into_font().color(&TEXT)
}

pub(crate) fn bold_font(px: u32) -> TextStyle<'static> {
    (FONT, f64::from(px) * 1.24, FontStyle::Bold)
        .into_font()
        .color(&TEXT)
}

/// A generous estimate of the width of `text` at `px` pixels in a sans-serif font, by the widths
/// of DejaVu Sans (the widest common one; Arial and Helvetica are narrower), rounded up.
pub(crate) fn text_width(text: &str, px: u32) -> i32 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'j' | 'l' | ' ' => 0.34,
            'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' => 0.42,
            'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.98,
            c if c.is_ascii_uppercase() => 0.74,
            _ => 0.64,
        })
        .sum();
    (ems * f64::from(px)).ceil() as i32
}

/// Series colours, ordered so that neighbours differ most in lightness (CIE L*): navy 22,
/// orange 67, green 44, light blue 77, dark red 31, pink 56. They stay apart in greyscale, and
/// every series also has its own marker shape and dash pattern.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0x16, 0x30, 0x6e),
    RGBColor(0xef, 0x8a, 0x17),
    RGBColor(0x1b, 0x78, 0x37),
    RGBColor(0x86, 0xc5, 0xe8),
    RGBColor(0x99, 0x00, 0x0d),
    RGBColor(0xd9, 0x58, 0x9f),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Star,
}

const MARKERS: [Marker; 6] = [
    Marker::Circle,
    Marker::Square,
    Marker::TriangleUp,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Star,
];

/// A line's dash pattern: lengths in pixels of alternately drawn and skipped stretches
/// (empty for a solid line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dash(&'static [u32]);

impl Dash {
    pub(crate) const SOLID: Dash = Dash(&[]);
}

const DASHES: [Dash; 5] = [
    Dash::SOLID,
    Dash(&[14, 6]),
    Dash(&[3, 5]),
    Dash(&[12, 4, 3, 4]),
    Dash(&[6, 4]),
];

/// How one series is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SeriesStyle {
    pub color: RGBColor,
    pub marker: Marker,
    pub dash: Dash,
}

/// The style of the `index`th series: colour, marker and dash all change from one series to the
/// next, and the combination repeats only after 30 series.
pub(crate) fn series_style(index: usize) -> SeriesStyle {
    SeriesStyle {
        color: PALETTE[index % PALETTE.len()],
        marker: MARKERS[index % MARKERS.len()],
        dash: DASHES[index % DASHES.len()],
    }
}

/// The drawn stretches of a polyline under a dash pattern, in pixels. The pattern carries on
/// across the polyline's corners.
fn dash_runs(points: &[(i32, i32)], pattern: &[u32]) -> Vec<Vec<(i32, i32)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    if pattern.is_empty() || pattern.iter().all(|&l| l == 0) || points.is_empty() {
        return vec![points.to_vec()];
    }
    let mut element = 0;
    let mut left = f64::from(pattern[0]);
    let to_f = |(x, y): (i32, i32)| (f64::from(x), f64::from(y));
    let mut current = vec![to_f(points[0])];
    for pair in points.windows(2) {
        let (a, b) = (to_f(pair[0]), to_f(pair[1]));
        let length = (b.0 - a.0).hypot(b.1 - a.1);
        let mut done = 0.0;
        while length - done > left {
            done += left;
            let t = done / length;
            let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            if element % 2 == 0 {
                current.push(p);
                runs.push(std::mem::take(&mut current));
            } else {
                current = vec![p];
            }
            element = (element + 1) % pattern.len();
            left = f64::from(pattern[element]);
        }
        left -= length - done;
        if element % 2 == 0 {
            current.push(b);
        }
    }
    if element % 2 == 0 {
        runs.push(current);
    }
    runs.into_iter()
        .map(|run| {
            let mut pixels: Vec<(i32, i32)> = run
                .into_iter()
                .map(|(x, y)| (x.round() as i32, y.round() as i32))
                .collect();
            pixels.dedup();
            pixels
        })
        .filter(|run| run.len() > 1)
        .collect()
}

/// A polyline in backend pixels, solid or dashed.
pub(crate) fn draw_polyline(
    area: &Area,
    points: &[(i32, i32)],
    color: RGBColor,
    width: u32,
    dash: Dash,
) -> DrawResult {
    if points.len() < 2 {
        return Ok(());
    }
    for run in dash_runs(points, dash.0) {
        area.draw(&PathElement::new(run, color.stroke_width(width)))?;
    }
    Ok(())
}

/// A marker centred on `(x, y)` in backend pixels: filled with the series colour, outlined in
/// white so that it stands out from the lines under it.
pub(crate) fn draw_marker(
    area: &Area,
    (x, y): (i32, i32),
    marker: Marker,
    color: RGBColor,
) -> DrawResult {
    let fill = color.filled();
    let outline = WHITE.stroke_width(1);
    let polygon = |offsets: &[(i32, i32)]| -> Vec<(i32, i32)> {
        offsets.iter().map(|&(dx, dy)| (x + dx, y + dy)).collect()
    };
    let shape = match marker {
        Marker::Circle => {
            area.draw(&Circle::new((x, y), 5, fill))?;
            area.draw(&Circle::new((x, y), 6, outline))?;
            return Ok(());
        }
        Marker::Square => polygon(&[(-5, -5), (5, -5), (5, 5), (-5, 5)]),
        Marker::TriangleUp => polygon(&[(0, -7), (6, 4), (-6, 4)]),
        Marker::TriangleDown => polygon(&[(0, 7), (6, -4), (-6, -4)]),
        Marker::Diamond => polygon(&[(0, -7), (6, 0), (0, 7), (-6, 0)]),
        Marker::Star => polygon(&[
            (0, -8),
            (2, -3),
            (7, -3),
            (3, 1),
            (5, 7),
            (0, 3),
            (-5, 7),
            (-3, 1),
            (-7, -3),
            (-2, -3),
        ]),
    };
    area.draw(&Polygon::new(shape.clone(), fill))?;
    let mut closed = shape;
    closed.push(closed[0]);
    area.draw(&PathElement::new(closed, outline))?;
    Ok(())
}

/// How an entry of a legend is drawn.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Glyph {
    /// A short line in the series' dash pattern with its marker in the middle.
    Series(SeriesStyle),
    /// A shaded box with an outline, for an area.
    Area { fill: RGBAColor, line: RGBColor },
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
            match &item.glyph {
                Glyph::Series(style) => {
                    draw_polyline(
                        area,
                        &[(x, y), (x + LEGEND_GLYPH, y)],
                        style.color,
                        LINE_WIDTH,
                        style.dash,
                    )?;
                    draw_marker(area, (x + LEGEND_GLYPH / 2, y), style.marker, style.color)?;
                }
                Glyph::Area { fill, line } => {
                    let corners = [(x + 4, y - 8), (x + LEGEND_GLYPH - 4, y + 8)];
                    area.draw(&Rectangle::new(corners, fill.filled()))?;
                    area.draw(&Rectangle::new(corners, line.stroke_width(2)))?;
                }
            }
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

/// Draws the title centred at the top, on two lines when it is too long for one; returns the
/// height it takes, margin below included.
pub(crate) fn draw_title(area: &Area, title: &str) -> Result<i32, Box<dyn std::error::Error>> {
    let lines = wrap(title, WIDTH as i32 - 40, TITLE_PX);
    let line_height = TITLE_PX as i32 + 6;
    for (index, line) in lines.iter().enumerate() {
        area.draw_text(
            line,
            &bold_font(TITLE_PX).pos(Pos::new(HPos::Center, VPos::Top)),
            (WIDTH as i32 / 2, 12 + index as i32 * line_height),
        )?;
    }
    Ok(12 + lines.len() as i32 * line_height + 6)
}

/// Splits `text` at spaces into lines that fit `width` pixels at `px` (a word longer than the
/// width gets a line of its own).
fn wrap(text: &str, width: i32, px: u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, px) <= width || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// `value` with exactly `decimals` decimals, never `-0`.
pub(crate) fn fmt_fixed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_owned(),
        _ => text,
    }
}

/// `value` as a plain number: at most three decimals, trailing zeros dropped (`0.5`, `30`).
pub(crate) fn fmt_plain(value: f64) -> String {
    let text = fmt_fixed(value, 3);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// Axis ticks: positions on the axis and their labels.
pub(crate) type Ticks = Vec<(f64, String)>;

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
        let span = self.range.end - self.range.start;
        if span.is_nan() || span <= 0.0 {
            return (limit.0 + limit.1) / 2;
        }
        let t = (value - self.range.start) / span;
        limit.0 + (f64::from(limit.1 - limit.0) * t).round() as i32
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

/// A step of 1, 2 or 5 times a power of ten near `raw`, and its decimals.
fn nice_step(raw: f64) -> (f64, usize) {
    let exponent = raw.log10().floor();
    let base = 10f64.powf(exponent);
    let fraction = raw / base;
    // The tolerance keeps 0.01 / 0.01 = 1.0000000000000002 at 1.
    let mantissa = if fraction <= 1.0 + 1e-9 {
        1.0
    } else if fraction <= 2.0 + 1e-9 {
        2.0
    } else if fraction <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    let step = mantissa * base;
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    (step, decimals)
}

/// At most `max_count` evenly spaced round ticks within `range`, labelled with the decimals
/// their step needs.
pub(crate) fn linear_ticks(range: &Range<f64>, max_count: usize) -> Ticks {
    let span = range.end - range.start;
    if span.is_nan() || span <= 0.0 || !span.is_finite() {
        return vec![(range.start, fmt_plain(range.start))];
    }
    let mut raw = span / max_count.max(2).saturating_sub(1) as f64;
    loop {
        let (step, decimals) = nice_step(raw);
        let first = (range.start / step - 1e-9).ceil() as i64;
        let last = (range.end / step + 1e-9).floor() as i64;
        if (last - first + 1) as usize <= max_count.max(2) {
            return (first..=last)
                .map(|k| {
                    let value = k as f64 * step;
                    (value, fmt_fixed(value, decimals))
                })
                .collect();
        }
        raw = step * 1.01;
    }
}

/// Whether labels centred on these pixel positions would overlap: `positions` and `labels`
/// in the same order, `min_gap` pixels required between neighbours.
pub(crate) fn labels_overlap(positions: &[i32], labels: &[String], px: u32, min_gap: i32) -> bool {
    let mut sorted: Vec<(i32, i32)> = positions
        .iter()
        .zip(labels)
        .map(|(&p, label)| (p, text_width(label, px)))
        .collect();
    sorted.sort_unstable();
    sorted
        .windows(2)
        .any(|pair| (pair[1].0 - pair[0].0).abs() < (pair[0].1 + pair[1].1) / 2 + min_gap)
}

/// The end of a linear axis starting at 0 that leaves a little room above `max`.
pub(crate) fn headroom(max: f64) -> f64 {
    if max > 0.0 && max.is_finite() {
        max * 1.08
    } else {
        1.0
    }
}

/// Clips a polyline in pixels to a rectangle: the visible runs.
pub(crate) fn clip_polyline(
    points: &[(i32, i32)],
    x: Range<i32>,
    y: Range<i32>,
) -> Vec<Vec<(i32, i32)>> {
    let (x0, x1) = (f64::from(x.start), f64::from(x.end));
    let (y0, y1) = (f64::from(y.start.min(y.end)), f64::from(y.start.max(y.end)));
    let mut runs: Vec<Vec<(i32, i32)>> = Vec::new();
    let mut current: Vec<(i32, i32)> = Vec::new();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (ax, ay) = (f64::from(a.0), f64::from(a.1));
        let (dx, dy) = (f64::from(b.0) - ax, f64::from(b.1) - ay);
        // Liang-Barsky.
        let mut t0: f64 = 0.0;
        let mut t1: f64 = 1.0;
        let mut visible = true;
        for (p, q) in [(-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)] {
            if p == 0.0 {
                if q < 0.0 {
                    visible = false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if !visible || t0 > t1 {
            if current.len() > 1 {
                runs.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        }
        let at = |t: f64| ((ax + t * dx).round() as i32, (ay + t * dy).round() as i32);
        let (start, end) = (at(t0), at(t1));
        if current.last() != Some(&start) {
            if current.len() > 1 {
                runs.push(std::mem::take(&mut current));
            }
            current = vec![start];
        }
        current.push(end);
        if t1 < 1.0 {
            runs.push(std::mem::take(&mut current));
        }
    }
    if current.len() > 1 {
        runs.push(current);
    }
    runs
}

/// Renders into a new SVG string with a white background.
pub(crate) fn render(draw: impl FnOnce(&Area) -> DrawResult) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)
            .expect("filling an in-memory SVG cannot fail");
        draw(&root).expect("drawing into an in-memory SVG cannot fail");
        root.present()
            .expect("finishing an in-memory SVG cannot fail");
    }
    svg
}

/// Whether the SVG has a text element reading exactly `text` (as plotters writes them).
#[cfg(test)]
pub(crate) fn has_text(svg: &str, text: &str) -> bool {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    svg.contains(&format!(">\n{escaped}\n</text>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_formatting_never_shows_negative_zero() {
        assert_eq!(fmt_fixed(-0.0001, 2), "0.00");
        assert_eq!(fmt_fixed(-1.5, 1), "-1.5");
        assert_eq!(fmt_plain(30.0), "30");
        assert_eq!(fmt_plain(0.5), "0.5");
        assert_eq!(fmt_plain(29.999_999_999_999_996), "30");
    }

    #[test]
    fn linear_ticks_are_round() {
        let ticks = linear_ticks(&(0.0..100.0), 6);
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "20", "40", "60", "80", "100"]);
        let ticks = linear_ticks(&(0.95..1.0), 6);
        assert_eq!(ticks[0].1, "0.95");
        assert!(ticks.len() <= 6);
    }

    #[test]
    fn series_styles_differ_in_every_respect_between_neighbours() {
        for i in 0..11 {
            let (a, b) = (series_style(i), series_style(i + 1));
            assert_ne!(a.color, b.color);
            assert_ne!(a.marker, b.marker);
            assert_ne!(a.dash, b.dash);
        }
    }

    #[test]
    fn dashes_follow_the_pattern_across_corners() {
        let runs = dash_runs(&[(0, 0), (10, 0), (10, 10)], &[6, 4]);
        assert_eq!(runs, vec![vec![(0, 0), (6, 0)], vec![(10, 0), (10, 6)]]);
        assert_eq!(
            dash_runs(&[(0, 0), (5, 0)], &[]),
            vec![vec![(0, 0), (5, 0)]]
        );
    }

    #[test]
    fn polylines_are_clipped_to_the_plot() {
        let runs = clip_polyline(
            &[(0, 50), (100, 50), (100, 150), (200, 50)],
            10..190,
            0..100,
        );
        assert_eq!(
            runs,
            vec![
                vec![(10, 50), (100, 50), (100, 100)],
                vec![(150, 100), (190, 60)]
            ]
        );
    }

    #[test]
    fn long_titles_wrap() {
        let lines = wrap(&"word ".repeat(40), 400, TITLE_PX);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, TITLE_PX) <= 400));
    }
}
