//! Random distributions of durations (service time, latency, connect time, turnaround).
//!
//! Written in a scenario as a bare duration (`"2ms"`, a constant) or a one-key table:
//! `{ constant = "2ms" }`, `{ uniform = { min = "1ms", max = "3ms" } }`,
//! `{ exponential = { mean = "2ms" } }`, `{ lognormal = { median = "2ms", p99 = "9ms" } }`.

use std::fmt;

use rand::RngExt;
use serde::de::{self, MapAccess, Visitor};

use crate::rng::SimRng;
use crate::time::SimDuration;

/// z such that P(Z <= z) = 0.99 for a standard normal Z.
const Z_P99: f64 = 2.326_347_874_040_841;

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
/// A distribution of durations (ns) to draw a service time, latency, connect time or
/// turnaround from; each draw uses the drawing entity's own stream ([`SimRng`]).
pub enum Distribution {
    /// Always the same duration.
    Constant(SimDuration),
    /// Uniform between `min` and `max`, inclusive.
    Uniform {
        /// The shortest duration drawn.
        min: SimDuration,
        /// The longest duration drawn.
        max: SimDuration,
    },
    /// Exponential with the given mean (memoryless service times, Poisson arrivals).
    Exponential {
        /// The mean duration.
        mean: SimDuration,
    },
    /// Log-normal given by its median and 99th percentile: mu = ln(median),
    /// sigma = ln(p99 / median) / z(0.99). Build it with [`Distribution::lognormal`], which
    /// works out mu and sigma once rather than at every draw.
    Lognormal {
        /// Half the draws are shorter than this.
        median: SimDuration,
        /// 99% of the draws are shorter than this.
        p99: SimDuration,
        #[serde(skip)]
        /// `ln(median)` in nanoseconds, worked out once by [`Distribution::lognormal`].
        ln_median: f64,
        #[serde(skip)]
        /// `ln(p99 / median) / z(0.99)`, worked out once by [`Distribution::lognormal`].
        sigma: f64,
    },
}

impl Default for Distribution {
    fn default() -> Self {
        Distribution::Constant(SimDuration::ZERO)
    }
}

impl Distribution {
    /// Always `d`.
    pub fn constant(d: SimDuration) -> Self {
        Distribution::Constant(d)
    }

    /// Log-normal with this median and 99th percentile (`p99 >= median`), with mu and sigma
    /// worked out here.
    pub fn lognormal(median: SimDuration, p99: SimDuration) -> Self {
        Distribution::Lognormal {
            median,
            p99,
            ln_median: (median.0 as f64).ln(),
            sigma: lognormal_sigma(median, p99),
        }
    }

    /// Draws one duration. Constant distributions draw nothing from `rng`.
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match *self {
            Distribution::Constant(d) => d,
            Distribution::Uniform { min, max } => {
                if max.0 <= min.0 {
                    min
                } else {
                    SimDuration(rng.random_range(min.0..=max.0))
                }
            }
            Distribution::Exponential { mean } => {
                SimDuration((standard_exponential(rng) * mean.0 as f64).round() as u64)
            }
            Distribution::Lognormal {
                ln_median, sigma, ..
            } => {
                let z = standard_normal(rng);
                SimDuration((ln_median + sigma * z).exp().round() as u64)
            }
        }
    }

    /// The mean of the distribution, in nanoseconds (for docs and sanity checks).
    pub fn mean_nanos(&self) -> f64 {
        match *self {
            Distribution::Constant(d) => d.0 as f64,
            Distribution::Uniform { min, max } => (min.0 as f64 + max.0 as f64) / 2.0,
            Distribution::Exponential { mean } => mean.0 as f64,
            Distribution::Lognormal { median, sigma, .. } => {
                median.0 as f64 * (sigma * sigma / 2.0).exp()
            }
        }
    }

    fn validate(&self) -> Result<(), String> {
        match *self {
            Distribution::Uniform { min, max } if max < min => Err(format!(
                "uniform distribution needs min <= max, got min = {min}, max = {max}"
            )),
            Distribution::Lognormal { median, p99, .. } if median.is_zero() || p99 < median => {
                Err(format!(
                    "lognormal distribution needs 0 < median <= p99, got median = {median}, p99 = {p99}"
                ))
            }
            _ => Ok(()),
        }
    }
}

fn lognormal_sigma(median: SimDuration, p99: SimDuration) -> f64 {
    (p99.0 as f64 / median.0 as f64).ln() / Z_P99
}

/// One draw of the standard normal: rand_distr's ziggurat (`StandardNormal`), which takes one
/// 64-bit word from `rng` for ~99% of draws and computes no logarithm or cosine for them.
fn standard_normal(rng: &mut SimRng) -> f64 {
    rng.sample(rand_distr::StandardNormal)
}

/// One draw of the exponential with mean 1 (rand_distr's ziggurat `Exp1`): memoryless service
/// times, and the gaps between a Poisson client's arrivals (`world/client.rs`).
pub fn standard_exponential(rng: &mut SimRng) -> f64 {
    rng.sample(rand_distr::Exp1)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UniformParams {
    min: SimDuration,
    max: SimDuration,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExponentialParams {
    mean: SimDuration,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LognormalParams {
    median: SimDuration,
    p99: SimDuration,
}

const KINDS: &[&str] = &["constant", "uniform", "exponential", "lognormal"];

impl<'de> serde::Deserialize<'de> for Distribution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Distribution;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a duration such as \"2ms\" or a table with one of the keys constant, uniform, exponential, lognormal",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Distribution, E> {
                SimDuration::parse(v)
                    .map(Distribution::Constant)
                    .map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Distribution, A::Error> {
                let Some(kind) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "empty distribution: use one of constant, uniform, exponential, lognormal",
                    ));
                };
                let dist = match kind.as_str() {
                    "constant" => Distribution::Constant(map.next_value()?),
                    "uniform" => {
                        let p: UniformParams = map.next_value()?;
                        Distribution::Uniform {
                            min: p.min,
                            max: p.max,
                        }
                    }
                    "exponential" => {
                        let p: ExponentialParams = map.next_value()?;
                        Distribution::Exponential { mean: p.mean }
                    }
                    "lognormal" => {
                        let p: LognormalParams = map.next_value()?;
                        Distribution::lognormal(p.median, p.p99)
                    }
                    other => return Err(de::Error::unknown_variant(other, KINDS)),
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "a distribution has exactly one kind; found `{kind}` and `{extra}`"
                    )));
                }
                dist.validate().map_err(de::Error::custom)?;
                Ok(dist)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamKind, stream};

    fn mean_of(d: &Distribution, n: usize) -> f64 {
        let mut rng = stream(1, StreamKind::BackendHost, 0);
        (0..n).map(|_| d.sample(&mut rng).0 as f64).sum::<f64>() / n as f64
    }

    fn quantile_of(d: &Distribution, n: usize, q: f64) -> f64 {
        let mut rng = stream(2, StreamKind::BackendHost, 0);
        let mut v: Vec<u64> = (0..n).map(|_| d.sample(&mut rng).0).collect();
        v.sort_unstable();
        v[((n as f64) * q) as usize] as f64
    }

    #[test]
    fn constant_draws_nothing() {
        let d = Distribution::Constant(SimDuration::from_millis(2));
        let mut a = stream(1, StreamKind::Client, 0);
        let b = a.clone();
        assert_eq!(d.sample(&mut a), SimDuration::from_millis(2));
        assert_eq!(a, b);
    }

    #[test]
    fn uniform_mean_is_the_midpoint() {
        let d = Distribution::Uniform {
            min: SimDuration::from_micros(200),
            max: SimDuration::from_micros(1000),
        };
        let m = mean_of(&d, 200_000);
        assert!((m - 600_000.0).abs() < 3_000.0, "mean {m}");
    }

    #[test]
    fn exponential_mean_matches() {
        let d = Distribution::Exponential {
            mean: SimDuration::from_millis(2),
        };
        let m = mean_of(&d, 200_000);
        assert!((m - 2e6).abs() < 2e4, "mean {m}");
    }

    #[test]
    fn lognormal_median_and_p99_match_their_parameters() {
        let d = Distribution::lognormal(SimDuration::from_millis(2), SimDuration::from_millis(10));
        let median = quantile_of(&d, 200_000, 0.5);
        let p99 = quantile_of(&d, 200_000, 0.99);
        assert!((median - 2e6).abs() < 2e4, "median {median}");
        assert!((p99 - 1e7).abs() < 3e5, "p99 {p99}");
    }

    #[derive(serde::Deserialize, Debug)]
    struct Holder {
        d: Distribution,
    }

    fn parse(text: &str) -> Result<Distribution, String> {
        toml::from_str::<Holder>(text)
            .map(|h| h.d)
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn parses_every_written_form() {
        assert_eq!(
            parse(r#"d = "2ms""#),
            Ok(Distribution::Constant(SimDuration::from_millis(2)))
        );
        assert_eq!(
            parse(r#"d = { constant = "2ms" }"#),
            Ok(Distribution::Constant(SimDuration::from_millis(2)))
        );
        assert_eq!(
            parse(r#"d = { uniform = { min = "1ms", max = "3ms" } }"#),
            Ok(Distribution::Uniform {
                min: SimDuration::from_millis(1),
                max: SimDuration::from_millis(3)
            })
        );
        assert_eq!(
            parse(r#"d = { lognormal = { median = "1ms", p99 = "5ms" } }"#),
            Ok(Distribution::lognormal(
                SimDuration::from_millis(1),
                SimDuration::from_millis(5)
            ))
        );
    }

    #[test]
    fn rejects_bad_distributions_with_a_reason() {
        assert!(
            parse(r#"d = { gaussian = "1ms" }"#)
                .unwrap_err()
                .contains("gaussian")
        );
        assert!(
            parse(r#"d = { uniform = { min = "3ms", max = "1ms" } }"#)
                .unwrap_err()
                .contains("min <= max")
        );
        assert!(
            parse(r#"d = { lognormal = { median = "3ms", p99 = "1ms" } }"#)
                .unwrap_err()
                .contains("median <= p99")
        );
        assert!(
            parse(r#"d = { constant = "-1ms" }"#)
                .unwrap_err()
                .contains("negative")
        );
    }
}
