//! Text: width estimates (plotters is built without font files, so it only guesses text widths;
//! every layout decision uses [`text_width`], a deliberately generous estimate, instead), the
//! title, and number formatting.

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{Area, TITLE_PX, WIDTH, bold_font};

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
    fn long_titles_wrap() {
        let lines = wrap(&"word ".repeat(40), 400, TITLE_PX);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, TITLE_PX) <= 400));
    }
}
