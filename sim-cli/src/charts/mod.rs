//! Charts as SVG, drawn with plotters' SVG backend (no system fonts): what they show is built
//! by the sweep and report commands; how they look is decided here.

mod axis;
mod heatmap;
mod legend;
mod line;
mod marks;
pub mod model;
mod scatter;
mod style;
mod text;
mod ticks;
mod timeline;

pub use heatmap::render_heatmap;
pub use line::render_line;
pub use model::{
    BestPoint, Chart, FrontLine, HeatmapChart, HighlightCell, LineChart, LinePoint, LineSeries,
    ReferenceLine, ScatterChart, ScatterGroup, ScatterPoint, TimelineChart, TimelineSeries,
    VerticalLine,
};
pub use scatter::render_scatter;
pub use timeline::render_timeline;

/// Draws `chart` as a standalone SVG document of 900 × 560 pixels. The same chart always gives
/// the same bytes.
pub fn render_svg(chart: &Chart) -> String {
    match chart {
        Chart::Line(line) => render_line(line),
        Chart::Heatmap(heatmap) => render_heatmap(heatmap),
        Chart::Timeline(timeline) => render_timeline(timeline),
        Chart::Scatter(scatter) => render_scatter(scatter),
    }
}
