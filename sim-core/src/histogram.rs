//! A fixed-size log-linear histogram of durations: memory independent of how many values it holds.
//!
//! Values below 256 ns are exact; above, each power of two is split into 128 buckets, so any
//! reported percentile is within 0.8% of the true value. Min, max, count and sum are exact.

use crate::time::SimDuration;

const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS; // 128
const BUCKETS: usize = ((64 - SUB_BITS as usize - 1) * SUB as usize) + 2 * SUB as usize;

#[derive(Clone, Debug)]
/// Latencies (ns) of one kind of response over a run: 128 buckets per power of two, about
/// 7,400 `u64` counts whatever the number of values.
pub struct Histogram {
    counts: Vec<u64>,
    count: u64,
    sum: u128,
    min: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

fn bucket_of(v: u64) -> usize {
    if v < 2 * SUB {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros();
    let shift = msb - SUB_BITS;
    (shift as u64 * SUB + (v >> shift)) as usize
}

/// `[low, low + width)` of bucket `idx`.
fn bucket_range(idx: usize) -> (u64, u64) {
    let idx = idx as u64;
    if idx < 2 * SUB {
        return (idx, 1);
    }
    let shift = idx / SUB - 1;
    let top = idx - shift * SUB;
    (top << shift, 1u64 << shift)
}

impl Histogram {
    /// No value recorded.
    pub fn new() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            count: 0,
            sum: 0,
            min: u64::MAX,
            max: 0,
        }
    }

    /// Adds one duration.
    pub fn record(&mut self, d: SimDuration) {
        let v = d.0;
        self.counts[bucket_of(v)] += 1;
        self.count += 1;
        self.sum += v as u128;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    /// Values recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The smallest value recorded (0 if none).
    pub fn min(&self) -> SimDuration {
        SimDuration(if self.count == 0 { 0 } else { self.min })
    }

    /// The largest value recorded (0 if none).
    pub fn max(&self) -> SimDuration {
        SimDuration(self.max)
    }

    /// The exact mean, rounded down to the nanosecond (0 if none).
    pub fn mean(&self) -> SimDuration {
        if self.count == 0 {
            return SimDuration::ZERO;
        }
        SimDuration((self.sum / self.count as u128) as u64)
    }

    /// The value at quantile `q` (0..=1): the midpoint of the bucket holding the
    /// `ceil(q * count)`-th smallest value, clamped to the observed min and max.
    pub fn quantile(&self, q: f64) -> SimDuration {
        if self.count == 0 {
            return SimDuration::ZERO;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        self.at_rank(rank)
    }

    /// The `rank`-th smallest value (1-based, at least 1): the midpoint of the bucket holding
    /// it, clamped to the observed min and max; 0 when empty.
    pub fn at_rank(&self, rank: u64) -> SimDuration {
        if self.count == 0 {
            return SimDuration::ZERO;
        }
        let mut seen = 0;
        for (idx, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (low, width) = bucket_range(idx);
                let mid = low + (width - 1) / 2;
                return SimDuration(mid.clamp(self.min, self.max));
            }
        }
        SimDuration(self.max)
    }

    /// How many values are at most `d` (to within the bucket holding `d`).
    pub fn count_at_most(&self, d: SimDuration) -> u64 {
        let last = bucket_of(d.0);
        self.counts[..=last].iter().sum()
    }

    /// Adds every value of `other` (replications of a sweep point).
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_cover_their_values() {
        let mut expected_low = 0u64;
        for idx in 0..BUCKETS {
            let (low, width) = bucket_range(idx);
            assert_eq!(low, expected_low, "bucket {idx}");
            assert_eq!(bucket_of(low), idx);
            assert_eq!(bucket_of(low + (width - 1)), idx);
            expected_low = low.wrapping_add(width);
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::new();
        for v in [3, 1, 2, 5, 4] {
            h.record(SimDuration(v));
        }
        assert_eq!(h.quantile(0.5), SimDuration(3));
        assert_eq!(h.quantile(1.0), SimDuration(5));
        assert_eq!(h.quantile(0.0), SimDuration(1));
        assert_eq!(h.mean(), SimDuration(3));
    }

    #[test]
    fn quantiles_are_within_one_percent() {
        let mut h = Histogram::new();
        // 1..=100_000 microseconds: the q-quantile is q * 100ms.
        for v in 1..=100_000u64 {
            h.record(SimDuration::from_micros(v));
        }
        for q in [0.5, 0.9, 0.99] {
            let got = h.quantile(q).0 as f64;
            let want = q * 100_000_000.0;
            assert!((got - want).abs() / want < 0.008, "q{q}: {got} vs {want}");
        }
        assert_eq!(h.max(), SimDuration::from_millis(100));
        assert_eq!(h.min(), SimDuration::from_micros(1));
        assert_eq!(h.count(), 100_000);
        let below = h.count_at_most(SimDuration::from_millis(25)) as f64;
        assert!((below - 25_000.0).abs() / 25_000.0 < 0.008, "{below}");
    }
}
