//! Choosing axis ticks: round values, as many as the axis has room for.

use std::ops::Range;

use super::text::{fmt_fixed, fmt_plain, text_width};

/// Axis ticks: positions on the axis and their labels.
pub(crate) type Ticks = Vec<(f64, String)>;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_round() {
        let ticks = linear_ticks(&(0.0..100.0), 6);
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "20", "40", "60", "80", "100"]);
        let ticks = linear_ticks(&(0.95..1.0), 6);
        assert_eq!(ticks[0].1, "0.95");
        assert!(ticks.len() <= 6);
    }
}
