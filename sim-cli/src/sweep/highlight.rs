//! A heatmap's highlighted cell, `highlight = { point = [...], label = "..." }`, found on the
//! chart's x and y axes.

use sim_core::sweep::{ChartSpec, Grid};

use crate::charts::HighlightCell;
use crate::sweep::charts::{axis, axis_value};

/// The cell chart `chart` highlights (it must have a `highlight`): `point` gives one value of
/// its x axis and one of its y axis, and nothing else.
pub fn cell(chart: &ChartSpec, grid: &Grid) -> Result<HighlightCell, String> {
    let spec = chart
        .highlight
        .as_ref()
        .expect("called for a chart with a highlight");
    let x = axis(grid, &chart.x, "x")?;
    let y = axis(grid, &chart.y, "y")?;
    let axes = format!(
        "x = `{}` and y = `{}`",
        grid.axes[x].label, grid.axes[y].label
    );
    if spec.label.trim().is_empty() {
        return Err("highlight: needs a `label` saying what the cell is".into());
    }
    let (mut column, mut row) = (None, None);
    for entry in &spec.point {
        let (a, v) = axis_value(grid, entry).map_err(|m| format!("highlight: point: {m}"))?;
        let slot = if a == x {
            &mut column
        } else if a == y {
            &mut row
        } else {
            return Err(format!(
                "highlight: point: `{entry}` is not on the heatmap's axes; give one value for each of {axes}"
            ));
        };
        if slot.replace(v).is_some() {
            return Err(format!(
                "highlight: point: `{entry}` gives its axis a second value; give one value for each of {axes}"
            ));
        }
    }
    match (column, row) {
        (Some(column), Some(row)) => Ok(HighlightCell {
            row,
            column,
            label: spec.label.clone(),
        }),
        _ => Err(format!(
            "highlight: point: give one value for each of {axes}, e.g. [\"{}={}\", \"{}={}\"]",
            grid.axes[x].label,
            grid.axes[x].show(0),
            grid.axes[y].label,
            grid.axes[y].show(0)
        )),
    }
}
