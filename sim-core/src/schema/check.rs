//! Checking a field's value against its [`Rule`].

use std::num::NonZeroU32;

use super::Rule;
use super::path::{Invalid, PathSegment};
use crate::time::SimDuration;

/// A value a rule can be checked on. `None` passes (an absent field has its own meaning).
pub trait Checked {
    /// What is wrong with the value under `rule`, and at which index of a list.
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)>;
}

/// `Err` when `value` (at `path`) breaks `rule`, naming what is allowed.
pub fn check_rule<T: Checked>(rule: &Rule, value: &T, path: &[PathSegment]) -> Result<(), Invalid> {
    match value.violation(rule) {
        None => Ok(()),
        Some((index, message)) => {
            let mut path = path.to_vec();
            path.extend(index.map(PathSegment::Index));
            Err(Invalid::new(path, message).expected(rule.allowed()))
        }
    }
}

fn number_violation(n: u64, rule: &Rule) -> Option<(Option<usize>, String)> {
    match rule {
        Rule::Range { min, max } if n < *min || n > *max => {
            Some((None, format!("{n} is out of range")))
        }
        Rule::AtLeast(min) if n < *min => Some((None, format!("{n} is out of range"))),
        _ => None,
    }
}

impl Checked for u64 {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        number_violation(*self, rule)
    }
}

impl Checked for u32 {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        number_violation(u64::from(*self), rule)
    }
}

impl Checked for u16 {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        number_violation(u64::from(*self), rule)
    }
}

impl Checked for NonZeroU32 {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        number_violation(u64::from(self.get()), rule)
    }
}

impl Checked for SimDuration {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        match rule {
            Rule::DurationAboveZero if self.is_zero() => Some((None, "`0s` is not allowed".into())),
            _ => None,
        }
    }
}

impl Checked for f64 {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        match rule {
            Rule::PositiveUpTo(max)
                if !(self.is_finite() && *self > 0.0 && *self <= *max as f64) =>
            {
                Some((None, format!("{self} is out of range")))
            }
            _ => None,
        }
    }
}

impl Checked for String {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        match rule {
            Rule::NotBlank if self.trim().is_empty() => Some((None, "must not be empty".into())),
            _ => None,
        }
    }
}

impl<T: Checked> Checked for Option<T> {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        self.as_ref().and_then(|v| v.violation(rule))
    }
}

impl<T: Checked> Checked for Vec<T> {
    fn violation(&self, rule: &Rule) -> Option<(Option<usize>, String)> {
        self.iter()
            .enumerate()
            .find_map(|(i, v)| v.violation(rule).map(|(_, m)| (Some(i), m)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(field: &str) -> Vec<PathSegment> {
        vec![PathSegment::Key(field.into())]
    }

    #[test]
    fn ranges_include_both_ends() {
        let percent = Rule::Range { min: 0, max: 100 };
        for ok in [0u32, 100] {
            assert!(check_rule(&percent, &ok, &at("p")).is_ok());
        }
        let e = check_rule(&percent, &101u32, &at("p")).expect_err("101");
        assert_eq!(e.message, "101 is out of range");
        assert_eq!(e.expected.as_deref(), Some("0 to 100"));
        let at_least_two = Rule::Range { min: 2, max: 1000 };
        assert!(check_rule(&at_least_two, &1u32, &at("c")).is_err());
    }

    #[test]
    fn durations_above_zero() {
        let rule = Rule::DurationAboveZero;
        assert!(check_rule(&rule, &SimDuration(1), &at("d")).is_ok());
        let e = check_rule(&rule, &SimDuration::ZERO, &at("d")).expect_err("0s");
        assert_eq!(
            e.expected.as_deref(),
            Some("a duration greater than 0s, as Envoy requires")
        );
    }

    /// An absent value passes; a list names the index of its first bad entry.
    #[test]
    fn options_and_lists() {
        let rule = Rule::Range { min: 100, max: 599 };
        assert!(check_rule(&rule, &None::<u16>, &at("x")).is_ok());
        let e = check_rule(&rule, &vec![200u16, 700, 99], &at("codes")).expect_err("700");
        assert_eq!(
            e.path,
            vec![PathSegment::Key("codes".into()), PathSegment::Index(1)]
        );
        assert_eq!(e.message, "700 is out of range");
    }
}
