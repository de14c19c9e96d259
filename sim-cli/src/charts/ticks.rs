//! Choosing axis ticks: round values, as many as the axis has room for.

use std::ops::Range;

use super::style::TICK_PX;
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

/// Which way an axis runs: a label takes its width along x, its height along y.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Along {
    X,
    Y,
}

/// The least room between neighbouring ticks of a linear axis, in pixels.
const MIN_TICK_SPACING: i32 = 50;
/// At most this many ticks on a linear axis, however long.
const MAX_TICKS: usize = 12;
/// The least gap between neighbouring tick labels, in pixels.
const MIN_LABEL_GAP: i32 = 16;

/// How far a tick label reaches along the axis, in pixels.
fn label_extent(label: &str, along: Along) -> i32 {
    match along {
        Along::X => text_width(label, TICK_PX),
        Along::Y => TICK_PX as i32,
    }
}

/// The pixel, counted from the start of an axis `length` pixels long over `range`, where
/// `value` is drawn: rounded to the nearest, as [`super::axis::TickedAxis`] maps it. The middle
/// of the axis when the range is empty.
pub(crate) fn axis_pixel(value: f64, range: &Range<f64>, length: i32) -> i32 {
    let span = range.end - range.start;
    if span.is_nan() || span <= 0.0 {
        return length / 2;
    }
    (f64::from(length) * (value - range.start) / span).round() as i32
}

/// Whether neighbouring labels, given as (centre, extent) in pixels along the axis, come
/// closer than `MIN_LABEL_GAP`.
fn crowded(mut labels: Vec<(i32, i32)>) -> bool {
    labels.sort_unstable();
    labels
        .windows(2)
        .any(|pair| pair[1].0 - pair[0].0 < (pair[0].1 + pair[1].1) / 2 + MIN_LABEL_GAP)
}

/// Whether the labels of `ticks` on an axis over `range`, `length` pixels long, are crowded.
fn ticks_crowded(ticks: &Ticks, range: &Range<f64>, length: i32, along: Along) -> bool {
    crowded(
        ticks
            .iter()
            .map(|(v, label)| (axis_pixel(*v, range, length), label_extent(label, along)))
            .collect(),
    )
}

/// The ticks of a linear axis over `range`, `length` pixels long: round values (1, 2 or 5
/// times a power of ten apart), one per `MIN_TICK_SPACING` pixels (2 to `MAX_TICKS`), fewer
/// while neighbouring labels would come closer than `MIN_LABEL_GAP`. Every linear axis of
/// every chart takes its ticks from here.
pub(crate) fn spaced_ticks(range: &Range<f64>, length: i32, along: Along) -> Ticks {
    let mut count = (length / MIN_TICK_SPACING).clamp(2, MAX_TICKS as i32) as usize;
    loop {
        let ticks = linear_ticks(range, count);
        if count <= 2 || !ticks_crowded(&ticks, range, length, along) {
            return ticks;
        }
        count -= 1;
    }
}

/// The ticks of a log10 axis over `range` (in log10 units), `length` pixels long along x,
/// labelled with plain numbers: the data's own values (`data`, ascending) when there are at
/// most 15 and their labels are not crowded, else 1, 2 and 5 per decade if not crowded, else
/// one per decade.
pub(crate) fn log_ticks(range: &Range<f64>, data: &[f64], length: i32) -> Ticks {
    let as_ticks =
        |values: &[f64]| -> Ticks { values.iter().map(|&v| (v.log10(), fmt_plain(v))).collect() };
    let fits = |ticks: &Ticks| ticks.len() >= 2 && !ticks_crowded(ticks, range, length, Along::X);
    let mut distinct: Vec<f64> = Vec::new();
    for &x in data {
        if distinct
            .last()
            .is_none_or(|&last| fmt_plain(last) != fmt_plain(x))
        {
            distinct.push(x);
        }
    }
    let decades = (range.start.floor() as i32)..=(range.end.ceil() as i32);
    let in_range = |v: &f64| {
        let l = v.log10();
        l >= range.start - 1e-9 && l <= range.end + 1e-9
    };
    let one_two_five: Vec<f64> = decades
        .clone()
        .flat_map(|d| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(d)))
        .filter(in_range)
        .collect();
    let ones: Vec<f64> = decades.map(|d| 10f64.powi(d)).filter(in_range).collect();
    let (data, one_two_five, ones) = (
        as_ticks(&distinct),
        as_ticks(&one_two_five),
        as_ticks(&ones),
    );
    if distinct.len() <= 15 && fits(&data) {
        data
    } else if fits(&one_two_five) {
        one_two_five
    } else if ones.len() >= 2 {
        ones
    } else {
        data
    }
}

/// Category ticks at the centres of `count` equal cells along an axis `length` pixels long,
/// labelled from `labels` (blank past its end): every cell's when the widest label leaves
/// `MIN_LABEL_GAP` to the next, else every second, third... (whichever first does).
pub(crate) fn category_ticks(labels: &[String], count: usize, length: i32, along: Along) -> Ticks {
    let count = count.max(1);
    let cell = f64::from(length) / count as f64;
    let widest = labels
        .iter()
        .map(|l| label_extent(l, along))
        .max()
        .unwrap_or(0);
    let mut stride = 1;
    while (stride as f64) * cell < f64::from(widest + MIN_LABEL_GAP) && stride < count {
        stride += 1;
    }
    (0..count)
        .step_by(stride)
        .map(|i| (i as f64 + 0.5, labels.get(i).cloned().unwrap_or_default()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ticks: &Ticks) -> Vec<&str> {
        ticks.iter().map(|(_, l)| l.as_str()).collect()
    }

    #[test]
    fn linear_ticks_are_round() {
        let ticks = linear_ticks(&(0.0..100.0), 6);
        assert_eq!(labels(&ticks), ["0", "20", "40", "60", "80", "100"]);
        let ticks = linear_ticks(&(0.95..1.0), 6);
        assert_eq!(ticks[0].1, "0.95");
        assert!(ticks.len() <= 6);
    }

    /// Thirds of 100 pixels are 33.3 and 66.7: rounded to 33 and 67 (truncating would put the
    /// second at 66, a pixel left of where the axis draws it).
    #[test]
    fn values_land_on_the_nearest_pixel() {
        let range = 0.0..3.0;
        assert_eq!(axis_pixel(0.0, &range, 100), 0);
        assert_eq!(axis_pixel(1.0, &range, 100), 33);
        assert_eq!(axis_pixel(2.0, &range, 100), 67);
        assert_eq!(axis_pixel(3.0, &range, 100), 100);
        assert_eq!(
            axis_pixel(2.0, &(1.0..1.0), 100),
            50,
            "an empty range: the middle"
        );
    }

    /// 600 s over 700 px: room for 700 / 50 = 14 ticks, capped at 12; a raw step of 600 / 11 =
    /// 54.5 rounds up to 100, so 0 to 600 by 100, 117 px apart, labels at most 27 px wide.
    #[test]
    fn a_long_axis_gets_a_tick_per_round_step() {
        let ticks = spaced_ticks(&(0.0..600.0), 700, Along::X);
        assert_eq!(
            labels(&ticks),
            ["0", "100", "200", "300", "400", "500", "600"]
        );
        assert_eq!(ticks[6].0, 600.0);
    }

    /// 0 to 6,000,000 over 200 px: room for 4 ticks, 0 to 6,000,000 by 2,000,000 at pixels 0,
    /// 67, 133 and 200. "2000000" is 7 digits x 0.64 em x 14 px = 63 px wide, so the middle two
    /// labels, 66 px apart, would need 63 + 16 = 79 px: too close. With 3 ticks the raw step,
    /// 3,000,000, rounds up to 5,000,000: ticks 0 and 5,000,000 at 167 px, which fit.
    #[test]
    fn crowded_labels_thin_the_ticks() {
        let ticks = spaced_ticks(&(0.0..6e6), 200, Along::X);
        assert_eq!(labels(&ticks), ["0", "5000000"]);
    }

    /// Along y a label takes its height (14 px), not its width: the same 6,000,000 over 200 px
    /// keeps its 4 ticks, 66 px apart against the 14 + 16 = 30 px needed.
    #[test]
    fn vertical_labels_take_their_height() {
        let ticks = spaced_ticks(&(0.0..6e6), 200, Along::Y);
        assert_eq!(labels(&ticks), ["0", "2000000", "4000000", "6000000"]);
    }

    /// An axis of 0 to 2.16 hosts over 380 px: 7 ticks' room, raw step 2.16 / 6 = 0.36, which
    /// rounds up to 0.5: 0 to 2 by 0.5, with one decimal.
    #[test]
    fn fractional_steps_carry_their_decimals() {
        let ticks = spaced_ticks(&(0.0..2.16), 380, Along::Y);
        assert_eq!(labels(&ticks), ["0.0", "0.5", "1.0", "1.5", "2.0"]);
    }

    /// log10(300) = 2.477. Over 700 px the data's own values fit: the closest, 30 and 60, are
    /// log10(2) / 2.477 x 700 = 85 px apart against the 18 + 16 = 34 px needed. Over 100 px
    /// those two are 12 px apart, and so are 1 and 2 of the 1-2-5 ticks: one tick per decade.
    #[test]
    fn log_axes_show_the_data_when_it_fits() {
        let range = 0.0..300f64.log10();
        let data = [1.0, 5.0, 10.0, 30.0, 60.0, 300.0];
        let wide = log_ticks(&range, &data, 700);
        assert_eq!(labels(&wide), ["1", "5", "10", "30", "60", "300"]);
        assert_eq!(labels(&log_ticks(&range, &data, 100)), ["1", "10", "100"]);
    }

    /// Six labels of up to 27 px ("160") in cells of 420 / 6 = 70 px all fit (27 + 16 = 43);
    /// in cells of 180 / 6 = 30 px every second one does (2 x 30 = 60 >= 43).
    #[test]
    fn category_labels_are_thinned_to_fit() {
        let values: Vec<String> = [5, 10, 20, 40, 80, 160].map(|v| v.to_string()).into();
        let wide = category_ticks(&values, 6, 420, Along::X);
        assert_eq!(labels(&wide), ["5", "10", "20", "40", "80", "160"]);
        assert_eq!(wide[0].0, 0.5);
        let narrow = category_ticks(&values, 6, 180, Along::X);
        assert_eq!(labels(&narrow), ["5", "20", "80"]);
        assert_eq!(narrow[2].0, 4.5);
    }
}
