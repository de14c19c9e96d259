//! Charts as SVG, drawn with plotters' SVG backend (no system fonts): what they show is built
//! by the sweep and report commands; how they look is decided here.

mod axis;
mod heatmap;
mod legend;
mod line;
mod marks;
pub mod model;
mod style;
mod text;
mod ticks;
mod timeline;

pub use heatmap::render_heatmap;
pub use line::render_line;
pub use model::{
    Chart, HeatmapChart, HighlightCell, LineChart, LinePoint, LineSeries, ReferenceLine,
    TimelineChart, TimelineSeries,
};
pub use timeline::render_timeline;

/// Draws `chart` as a standalone SVG document of 900 × 560 pixels. The same chart always gives
/// the same bytes.
pub fn render_svg(chart: &Chart) -> String {
    match chart {
        Chart::Line(line) => render_line(line),
        Chart::Heatmap(heatmap) => render_heatmap(heatmap),
        Chart::Timeline(timeline) => render_timeline(timeline),
    }
}
