//! How Envoy reads a scalar of its YAML: the rules of protobuf's JSON parser in legacy mode,
//! which Envoy uses for every config it loads, after turning the YAML into JSON.
//!
//! Envoy's `MessageUtil::loadFromYaml` (`source/common/protobuf/yaml_utility.cc`) converts the
//! YAML to a `google.protobuf.Value` (unquoted scalars become booleans or numbers where
//! yaml-cpp can read them so, anything else a string), prints it as JSON, and parses that with
//! `JsonStringToMessage`, `case_insensitive_enum_parsing = true`, first refusing unknown fields.
//! protobuf's `JsonStreamToMessage` (`src/google/protobuf/json/json.cc`) always sets
//! `allow_legacy_syntax`. Its parser (`src/google/protobuf/json/internal/parser.cc`) then reads:
//! - an integer as a JSON number or a string of one; a number with a zero fraction (`20.0`) is
//!   that integer; a fraction, a sign on an unsigned field, or a value past the field's width
//!   is an error (`ParseIntInner`, `ParseFloatStringAsInt`, `ParseUInt`);
//! - a bool as `true`/`false`, or in legacy mode a string `absl::SimpleAtob` reads;
//! - an enum by its name, in any case (`ParseEnum`; numbers are read by the caller);
//! - a `google.protobuf.Duration` as `"<seconds>[.<up to 9 digits>]s"` (`ParseDuration`), or
//!   in legacy mode as an object `{seconds, nanos}`;
//! - a wrapper (`UInt32Value`, `BoolValue`, ...) as its bare value, or in legacy mode as an
//!   object `{value: ...}`; any other message (`envoy.type.v3.Percent`) only as an object;
//! - a single value in place of a repeated field as a list of one (legacy mode);
//! - `null` as the field left unset.

use sim_core::time::SimDuration;

/// An integer read as protobuf reads one for a field of `bits` width (32 or 64), unsigned; or
/// the reason it cannot be.
pub fn unsigned_from_number(n: f64, bits: u32) -> Result<u64, String> {
    if !n.is_finite() || n.fract() != 0.0 {
        return Err("expected an integer, but the number has a fractional part".into());
    }
    if n < 0.0 || n > max_for(bits) as f64 {
        return Err(out_of_range());
    }
    Ok(n as u64)
}

/// An integer given as a YAML integer, checked against the field's width.
pub fn unsigned_from_int(i: i64, bits: u32) -> Result<u64, String> {
    if i < 0 || i as u64 > max_for(bits) {
        return Err(out_of_range());
    }
    Ok(i as u64)
}

/// An integer given as a string: digits (an optional `+`), or a number with a zero fraction;
/// no spaces (protobuf checks for them, as `SimpleAtoi` would skip them).
pub fn unsigned_from_str(s: &str, bits: u32) -> Result<u64, String> {
    if s.chars().any(|c| c.is_ascii_whitespace()) {
        return Err("non-number characters in quoted number".into());
    }
    let digits = s.strip_prefix('+').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match digits.parse::<u64>() {
            Ok(n) if n <= max_for(bits) => Ok(n),
            _ => Err(out_of_range()),
        };
    }
    if s.starts_with('-') && s[1..].bytes().all(|b| b.is_ascii_digit()) && s.len() > 1 {
        return Err(out_of_range());
    }
    match s.parse::<f64>() {
        Ok(n) => unsigned_from_number(n, bits),
        Err(_) => Err(format!("invalid number: '{s}'")),
    }
}

fn max_for(bits: u32) -> u64 {
    if bits == 32 {
        u64::from(u32::MAX)
    } else {
        u64::MAX
    }
}

/// protobuf's words for it (`ParseUInt`); the caller says what the range is.
fn out_of_range() -> String {
    "integer out of range".into()
}

/// A bool from a string, as `absl::SimpleAtob` reads one (legacy mode): `true`, `t`, `yes`,
/// `y`, `1` and `false`, `f`, `no`, `n`, `0`, in any case.
pub fn bool_from_str(s: &str) -> Option<bool> {
    const TRUE: [&str; 5] = ["true", "t", "yes", "y", "1"];
    const FALSE: [&str; 5] = ["false", "f", "no", "n", "0"];
    let lower = s.to_ascii_lowercase();
    if TRUE.contains(&lower.as_str()) {
        Some(true)
    } else if FALSE.contains(&lower.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// A `google.protobuf.Duration` string as protobuf's `ParseDuration` reads it: an integer
/// number of seconds, an optional fraction of 1 to 9 digits, and `s`. Negative durations parse
/// in protobuf but no duration breakersim reads may be negative, so they are refused here.
pub fn duration_from_str(s: &str) -> Result<SimDuration, String> {
    let int_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(s.len());
    if int_end == 0 {
        return Err("a duration must start with an integer".into());
    }
    let (whole, rest) = s.split_at(int_end);
    let secs: i64 = whole
        .parse()
        .map_err(|_| "the duration has bad seconds".to_string())?;
    let (frac, unit) = match rest.strip_prefix('.') {
        Some(r) => {
            let digits = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            if digits == 0 || digits > 9 {
                return Err("the duration has bad nanoseconds".into());
            }
            r.split_at(digits)
        }
        None => ("", rest),
    };
    if unit != "s" {
        return Err(
            "a duration must end with a single 's' (Envoy reads only seconds, e.g. \"0.25s\")"
                .into(),
        );
    }
    if secs < 0 || whole.starts_with('-') {
        return Err("a negative duration".into());
    }
    let nanos: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().expect("nine digits")
    };
    (secs as u64)
        .checked_mul(1_000_000_000)
        .and_then(|ns| ns.checked_add(nanos))
        .map(SimDuration)
        .ok_or_else(|| "the duration is out of range".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As protobuf's `ParseIntInner`/`ParseUInt` (`json/internal/parser.cc`), worked by hand.
    #[test]
    fn integers_read_as_protobuf_reads_them() {
        assert_eq!(unsigned_from_str("20", 32), Ok(20));
        assert_eq!(unsigned_from_str("+20", 32), Ok(20));
        assert_eq!(unsigned_from_str("20.0", 32), Ok(20));
        assert_eq!(unsigned_from_str("2e1", 32), Ok(20));
        assert!(unsigned_from_str(" 20", 32).is_err());
        assert!(unsigned_from_str("20.5", 32).is_err());
        assert!(
            unsigned_from_str("-1", 32)
                .unwrap_err()
                .contains("out of range")
        );
        assert!(
            unsigned_from_str("4294967296", 32)
                .unwrap_err()
                .contains("out of range")
        );
        assert_eq!(unsigned_from_str("4294967296", 64), Ok(4_294_967_296));
        assert_eq!(unsigned_from_number(20.0, 32), Ok(20));
        assert!(unsigned_from_number(0.5, 32).is_err());
        assert!(
            unsigned_from_int(-1, 32)
                .unwrap_err()
                .contains("out of range")
        );
        assert!(unsigned_from_int(1 << 32, 32).is_err());
        assert!(
            unsigned_from_str("twenty", 32)
                .unwrap_err()
                .contains("invalid number")
        );
    }

    /// As protobuf's `ParseDuration`: seconds with up to nine fraction digits, then `s`.
    #[test]
    fn durations_take_only_seconds() {
        assert_eq!(duration_from_str("5s"), Ok(SimDuration::from_secs(5)));
        assert_eq!(
            duration_from_str("0.25s"),
            Ok(SimDuration::from_millis(250))
        );
        assert_eq!(duration_from_str("0.000000001s"), Ok(SimDuration(1)));
        assert!(duration_from_str("0.0000000001s").is_err());
        assert!(
            duration_from_str("250ms")
                .unwrap_err()
                .contains("single 's'")
        );
        assert!(duration_from_str("5m").is_err());
        assert!(duration_from_str(".5s").is_err());
        assert!(duration_from_str("5").is_err());
        assert!(duration_from_str("-1s").is_err());
    }

    /// As `absl::SimpleAtob`.
    #[test]
    fn bools_from_strings() {
        assert_eq!(bool_from_str("True"), Some(true));
        assert_eq!(bool_from_str("yes"), Some(true));
        assert_eq!(bool_from_str("0"), Some(false));
        assert_eq!(bool_from_str("maybe"), None);
    }
}
