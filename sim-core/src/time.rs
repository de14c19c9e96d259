//! Simulated time as integer nanoseconds, and durations written the way Envoy writes them ("5s", "250ms").

use std::fmt;

/// A point in simulated time, in nanoseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A length of simulated time, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

/// Nanoseconds in a microsecond.
pub const NANOS_PER_MICRO: u64 = 1_000;
/// Nanoseconds in a millisecond.
pub const NANOS_PER_MILLI: u64 = 1_000_000;
/// Nanoseconds in a second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

impl SimTime {
    /// The start of the run.
    pub const ZERO: SimTime = SimTime(0);
    /// The end of the simulated time a run may reach: 2^63 ns, about 292 years. Sums of
    /// durations saturate at `u64::MAX` (`after`), past it, so a run that reaches it stops with
    /// an error instead of going on with a wrong clock (`sim::Limit::Time`).
    pub const HORIZON: SimTime = SimTime(1 << 63);

    /// Nanoseconds since the start of the run.
    pub fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds since the start of the run, for rates and reports (not for ordering).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// `self + d`, saturating at the end of representable time.
    pub fn after(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// 0 ns.
    pub const ZERO: SimDuration = SimDuration(0);

    /// `n` nanoseconds.
    pub const fn from_nanos(n: u64) -> Self {
        SimDuration(n)
    }
    /// `n` microseconds (1,000 ns each).
    pub const fn from_micros(n: u64) -> Self {
        SimDuration(n * NANOS_PER_MICRO)
    }
    /// `n` milliseconds (1,000,000 ns each).
    pub const fn from_millis(n: u64) -> Self {
        SimDuration(n * NANOS_PER_MILLI)
    }
    /// `n` seconds (10^9 ns each).
    pub const fn from_secs(n: u64) -> Self {
        SimDuration(n * NANOS_PER_SEC)
    }
    /// The length in nanoseconds.
    pub fn as_nanos(self) -> u64 {
        self.0
    }
    /// Whole milliseconds, rounded down.
    pub fn as_millis(self) -> u64 {
        self.0 / NANOS_PER_MILLI
    }
    /// The length in seconds, as a float, for rates and reports.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }
    /// The length in milliseconds, as a float (latency reports).
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_MILLI as f64
    }
    /// Whether it is 0 ns.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses a duration such as `"5s"`, `"0.25s"`, `"250ms"`, `"10us"`, `"100ns"`, `"2m"`, `"1h"`.
    /// The number may have a fraction; the result is rounded to the nearest nanosecond.
    pub fn parse(text: &str) -> Result<SimDuration, String> {
        let s = text.trim();
        if s.starts_with('-') {
            return Err(format!(
                "invalid duration \"{text}\": durations cannot be negative"
            ));
        }
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| missing_unit(text))?;
        let (number, unit) = s.split_at(split);
        let scale = match unit.trim() {
            "ns" => 1,
            "us" | "µs" => NANOS_PER_MICRO,
            "ms" => NANOS_PER_MILLI,
            "s" => NANOS_PER_SEC,
            "m" => 60 * NANOS_PER_SEC,
            "h" => 3600 * NANOS_PER_SEC,
            _ => return Err(missing_unit(text)),
        };
        parse_scaled(number, scale).ok_or_else(|| {
            format!("invalid duration \"{text}\": \"{number}\" is not a number of {unit} that fits")
        })
    }
}

fn missing_unit(text: &str) -> String {
    format!(
        "invalid duration \"{text}\": expected a number followed by a unit (ns, us, ms, s, m, h), e.g. \"5s\" or \"250ms\""
    )
}

/// Exact decimal scaling: `"1.5"` × 1e9 = 1_500_000_000 without going through floating point.
fn parse_scaled(number: &str, scale: u64) -> Option<SimDuration> {
    let (whole, frac) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = whole.checked_mul(scale)?;
    let mut place = scale;
    for digit in frac.chars() {
        let d = digit.to_digit(10)? as u64;
        if place < 10 {
            // Round half up on the first digit below one nanosecond.
            if d >= 5 {
                nanos = nanos.checked_add(1)?;
            }
            break;
        }
        place /= 10;
        nanos = nanos.checked_add(d * place)?;
    }
    Some(SimDuration(nanos))
}

impl fmt::Display for SimDuration {
    /// Formats with the largest unit that divides the value exactly, as Envoy's YAML would show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n == 0 {
            return write!(f, "0s");
        }
        for (scale, unit) in [
            (NANOS_PER_SEC, "s"),
            (NANOS_PER_MILLI, "ms"),
            (NANOS_PER_MICRO, "us"),
        ] {
            if n.is_multiple_of(scale) {
                return write!(f, "{}{unit}", n / scale);
            }
        }
        write!(f, "{n}ns")
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.6}s", self.as_secs_f64())
    }
}

impl<'de> serde::Deserialize<'de> for SimDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SimDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string such as \"5s\", \"250ms\" or \"10us\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SimDuration, E> {
                SimDuration::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl serde::Serialize for SimDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(SimDuration::parse("5s"), Ok(SimDuration(5_000_000_000)));
        assert_eq!(SimDuration::parse("250ms"), Ok(SimDuration(250_000_000)));
        assert_eq!(SimDuration::parse("10us"), Ok(SimDuration(10_000)));
        assert_eq!(SimDuration::parse("7ns"), Ok(SimDuration(7)));
        assert_eq!(SimDuration::parse("2m"), Ok(SimDuration(120_000_000_000)));
        assert_eq!(SimDuration::parse("1h"), Ok(SimDuration(3_600_000_000_000)));
        assert_eq!(SimDuration::parse("0s"), Ok(SimDuration(0)));
    }

    #[test]
    fn parses_fractions_exactly() {
        assert_eq!(SimDuration::parse("0.25s"), Ok(SimDuration(250_000_000)));
        assert_eq!(SimDuration::parse("1.5ms"), Ok(SimDuration(1_500_000)));
        assert_eq!(SimDuration::parse(".5us"), Ok(SimDuration(500)));
        assert_eq!(SimDuration::parse("0.0000000016s"), Ok(SimDuration(2)));
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        assert!(SimDuration::parse("-5s").unwrap_err().contains("negative"));
        assert!(SimDuration::parse("5").unwrap_err().contains("unit"));
        assert!(
            SimDuration::parse("5 parsecs")
                .unwrap_err()
                .contains("unit")
        );
        assert!(SimDuration::parse("s").is_err());
        assert!(SimDuration::parse("1.2.3s").is_err());
        assert!(SimDuration::parse("99999999999999999999s").is_err());
    }

    #[test]
    fn displays_in_the_largest_exact_unit() {
        assert_eq!(SimDuration::from_secs(30).to_string(), "30s");
        assert_eq!(SimDuration::from_millis(250).to_string(), "250ms");
        assert_eq!(SimDuration(1_500_000_000).to_string(), "1500ms");
        assert_eq!(SimDuration(7).to_string(), "7ns");
    }
}
