//! Marks in backend pixels: polylines (solid or dashed, clipped to the plot), markers and the
//! outline of a highlighted cell.

use std::ops::Range;

use plotters::prelude::*;

use super::style::{Area, Dash, DrawResult, HIGHLIGHT, Marker};

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
    for run in dash_runs(points, dash.pattern()) {
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

/// The outline of a highlighted rectangle, corners in pixels: a thick dark frame just inside
/// it with a thin white line inside that, so that it shows on dark and light fills alike.
pub(crate) fn draw_highlight_outline(
    area: &Area,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
) -> DrawResult {
    for inset in 0..3 {
        let corners = [(x0 + inset, y0 + inset), (x1 - inset, y1 - inset)];
        area.draw(&Rectangle::new(corners, HIGHLIGHT.stroke_width(1)))?;
    }
    let corners = [(x0 + 3, y0 + 3), (x1 - 3, y1 - 3)];
    area.draw(&Rectangle::new(corners, WHITE.stroke_width(1)))?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
