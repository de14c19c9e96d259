//! The look every chart shares: the canvas, fonts, colours and the greyscale-safe series
//! styles (colour, marker shape and dash pattern), and rendering into an SVG string.

use plotters::coord::Shift;
use plotters::prelude::*;

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
/// The frame of a highlighted heatmap cell.
pub(crate) const HIGHLIGHT: RGBColor = RGBColor(0x00, 0x00, 0x00);
/// A reference line (a baseline): dark grey, thinner than the series, dash-dot-dot, no markers,
/// so that it reads as a reference in colour and in greyscale; its confidence band is grey.
pub(crate) const REFERENCE: RGBColor = RGBColor(0x4d, 0x4d, 0x4d);
pub(crate) const REFERENCE_WIDTH: u32 = 2;
pub(crate) const REFERENCE_DASH: Dash = Dash(&[16, 4, 3, 4, 3, 4]);

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

    /// The lengths of the drawn and skipped stretches, in pixels.
    pub(crate) fn pattern(self) -> &'static [u32] {
        self.0
    }
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
    fn series_styles_differ_in_every_respect_between_neighbours() {
        for i in 0..11 {
            let (a, b) = (series_style(i), series_style(i + 1));
            assert_ne!(a.color, b.color);
            assert_ne!(a.marker, b.marker);
            assert_ne!(a.dash, b.dash);
        }
    }

    #[test]
    fn a_reference_line_is_drawn_unlike_any_series() {
        for i in 0..30 {
            let style = series_style(i);
            assert_ne!(style.dash, REFERENCE_DASH);
            assert_ne!(style.color, REFERENCE);
        }
    }
}
