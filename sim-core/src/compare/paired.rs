//! Statistics of a paired comparison: two configurations run on the same seeds (common random
//! numbers), the mean of each, and the 95% confidence interval of their difference, paired
//! (Student's t on the per-seed differences) and, for reference, unpaired (Welch's t on the two
//! samples as if independent).

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Confidence level of every interval.
pub const CONFIDENCE: f64 = 0.95;

/// A two-sided 95% interval around `centre`: `centre - half_width` to `centre + half_width`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub centre: f64,
    /// Half the interval's width.
    pub half_width: f64,
}

impl Interval {
    /// The interval's lower end.
    pub fn low(&self) -> f64 {
        self.centre - self.half_width
    }

    /// The interval's upper end.
    pub fn high(&self) -> f64 {
        self.centre + self.half_width
    }

    /// Whether 0 lies outside the interval (the difference is detected).
    pub fn excludes_zero(&self) -> bool {
        self.low() > 0.0 || self.high() < 0.0
    }
}

/// What B − A is, in words a reader can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The whole interval is above 0.
    Higher,
    /// The whole interval is below 0.
    Lower,
    /// The interval holds 0: no difference detected at this precision.
    NoDifference,
    /// Every run gave the same value in A and B.
    Identical,
}

/// One metric's comparison over `n` seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paired {
    /// Replications compared.
    pub n: usize,
    /// A's mean.
    pub mean_a: f64,
    /// B's mean.
    pub mean_b: f64,
    /// B − A, paired by seed.
    pub difference: Interval,
    /// B − A as if the two samples were independent (Welch).
    pub unpaired: Interval,
    /// What the paired interval says.
    pub verdict: Verdict,
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// The sample variance (n − 1 in the denominator); 0 for fewer than two values.
fn variance(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = mean(v);
    v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64
}

/// The two-sided `confidence` quantile of Student's t with `df` degrees of freedom: the
/// `1 - (1 - confidence) / 2` quantile.
pub fn t_quantile(df: f64, confidence: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df.max(1.0))
        .expect("a positive number of degrees of freedom")
        .inverse_cdf(1.0 - (1.0 - confidence) / 2.0)
}

/// The two-sided `confidence` interval of the mean of `values` (at least two): Student's t
/// with n - 1 degrees of freedom on the sample standard deviation.
pub fn mean_interval(values: &[f64], confidence: f64) -> Interval {
    let n = values.len();
    Interval {
        centre: mean(values),
        half_width: t_quantile((n - 1) as f64, confidence) * (variance(values) / n as f64).sqrt(),
    }
}

/// Compares `a` and `b`, the metric's values on the same seeds in the same order (at least
/// two), at 95%.
pub fn compare(a: &[f64], b: &[f64]) -> Paired {
    compare_at(a, b, CONFIDENCE)
}

/// `compare` with two-sided `confidence` intervals.
pub fn compare_at(a: &[f64], b: &[f64], confidence: f64) -> Paired {
    assert_eq!(a.len(), b.len(), "paired by seed");
    let n = a.len();
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let (mean_a, mean_b) = (mean(a), mean(b));
    let paired_se = (variance(&d) / n as f64).sqrt();
    let difference = Interval {
        centre: mean(&d),
        half_width: t_quantile((n - 1) as f64, confidence) * paired_se,
    };
    let (va, vb) = (variance(a) / n as f64, variance(b) / n as f64);
    // Welch–Satterthwaite degrees of freedom.
    let df = if va + vb > 0.0 {
        (va + vb).powi(2) / (va * va / (n - 1) as f64 + vb * vb / (n - 1) as f64)
    } else {
        (n - 1) as f64
    };
    let unpaired = Interval {
        centre: mean_b - mean_a,
        half_width: t_quantile(df, confidence) * (va + vb).sqrt(),
    };
    let verdict = if d.iter().all(|x| *x == 0.0) {
        Verdict::Identical
    } else if difference.low() > 0.0 {
        Verdict::Higher
    } else if difference.high() < 0.0 {
        Verdict::Lower
    } else {
        Verdict::NoDifference
    };
    Paired {
        n,
        mean_a,
        mean_b,
        difference,
        unpaired,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand: differences 1, 2, 3 (B = A + d): mean 2, sample sd 1, SE 1/√3; t(0.975,
    /// 2) = 4.302653 (the tables' 4.303), half-width 4.302653 / √3 = 2.484138.
    #[test]
    fn the_paired_interval_is_students_t_on_the_differences() {
        let a = [10.0, 20.0, 30.0];
        let b = [11.0, 22.0, 33.0];
        let p = compare(&a, &b);
        assert_eq!(p.n, 3);
        assert!((p.difference.centre - 2.0).abs() < 1e-12);
        assert!((p.difference.half_width - 2.484_138).abs() < 1e-6, "{p:?}");
        assert_eq!(p.verdict, Verdict::NoDifference);
    }

    /// Worked by hand: a = 10, 20, 30 and b = a + 1: the paired differences are all 1 (sd 0, an
    /// interval of width 0: higher), while unpaired the samples' spread (variance 100 each, SE
    /// √(200/3) = 8.165) swamps the difference: Welch's df = (200/3)² / (2 × (100/3)² / 2) = 4,
    /// t(0.975, 4) = 2.776445, half-width 22.67.
    #[test]
    fn pairing_removes_the_spread_the_seeds_share() {
        let a = [10.0, 20.0, 30.0];
        let b = [11.0, 21.0, 31.0];
        let p = compare(&a, &b);
        assert_eq!(p.difference.half_width, 0.0);
        assert_eq!(p.verdict, Verdict::Higher);
        assert!((p.unpaired.half_width - 2.776_445 * (200.0f64 / 3.0).sqrt()).abs() < 1e-4);
        assert!(!p.unpaired.excludes_zero());
    }

    #[test]
    fn equal_runs_are_identical_and_lower_is_lower() {
        assert_eq!(
            compare(&[1.0, 2.0], &[1.0, 2.0]).verdict,
            Verdict::Identical
        );
        let p = compare(&[5.0, 6.0, 7.0, 8.0], &[4.0, 5.1, 5.9, 7.0]);
        assert_eq!(p.verdict, Verdict::Lower, "{p:?}");
    }
}
