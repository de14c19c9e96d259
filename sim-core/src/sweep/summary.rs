//! Per grid point: mean, sample standard deviation, 95% confidence interval of the mean
//! (Student's t), min and max of each metric over the replications.

/// Summary of one metric at one grid point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// Runs summarised.
    pub n: u64,
    /// Mean over the runs.
    pub mean: f64,
    /// Sample standard deviation (n - 1); 0 with one run.
    pub stdev: f64,
    /// Low end of the 95% confidence interval of the mean (Student's t).
    pub ci95_low: f64,
    /// High end of the 95% confidence interval of the mean.
    pub ci95_high: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// Two-sided 97.5% quantiles of Student's t for 1..=30 degrees of freedom.
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

fn t_975(df: u64) -> f64 {
    match df {
        0 => 0.0,
        1..=30 => T_975[df as usize - 1],
        31..=40 => 2.021,
        41..=60 => 2.000,
        61..=120 => 1.980,
        _ => 1.960,
    }
}

impl Stats {
    /// The summary of `values` (every field NaN when there are none).
    pub fn of(values: &[f64]) -> Stats {
        let n = values.len() as u64;
        if n == 0 {
            return Stats {
                n: 0,
                mean: f64::NAN,
                stdev: f64::NAN,
                ci95_low: f64::NAN,
                ci95_high: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let stdev = if n > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let half = t_975(n - 1) * stdev / (n as f64).sqrt();
        Stats {
            n,
            mean,
            stdev,
            ci95_low: mean - half,
            ci95_high: mean + half,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// Every metric's summary at one grid point.
#[derive(Clone, Debug, PartialEq)]
pub struct PointSummary {
    /// Index of the grid point.
    pub point: usize,
    /// In the order of the sweep's metrics.
    pub metrics: Vec<Stats>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, sum of squares 32, sample variance 32/7,
    /// stdev 2.138; t(7) = 2.365, half width 2.365 * 2.138 / sqrt(8) = 1.788.
    #[test]
    fn sample_stdev_and_t_interval() {
        let s = Stats::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.mean, 5.0);
        assert!((s.stdev - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert!((s.ci95_high - 5.0 - 2.365 * s.stdev / 8f64.sqrt()).abs() < 1e-12);
        assert!((s.ci95_high - 6.788).abs() < 1e-3);
        assert_eq!((s.min, s.max), (2.0, 9.0));
    }

    #[test]
    fn one_value_has_no_spread() {
        let s = Stats::of(&[3.0]);
        assert_eq!((s.stdev, s.ci95_low, s.ci95_high), (0.0, 3.0, 3.0));
    }
}
