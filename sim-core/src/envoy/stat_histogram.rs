//! Envoy's cluster histograms (`upstream_rq_time`, `upstream_cx_connect_ms`) as Envoy's stats
//! store keeps them: whole milliseconds in circllhist's log-linear bins, read out the way the
//! admin `/stats/prometheus` endpoint reads them.
//!
//! - A value is a whole number of milliseconds, truncated: `HistogramCompletableTimespanImpl::
//!   tickCount` (`source/common/stats/timespan_impl.cc`) and the router's `onUpstreamComplete`
//!   (`source/common/router/router.cc`) both take `std::chrono::duration_cast<milliseconds>`,
//!   which truncates, and `recordValue` stores it with `hist_insert_intscale(h, value, 0, 1)`.
//! - `int_scale_to_hist_bucket` (libcircllhist `circllhist.c`) puts a value in the bin of its two
//!   leading decimal digits: 0 alone; 1..=9 as `val = 10 v, exp = 0` (bins 0.1 wide); else
//!   `val` = the two leading digits and `exp` = digits - 1.
//! - Prometheus' `_bucket{le=B}` is `hist_approx_count_below(h, B)`: the samples in bins whose
//!   upper edge (`hist_bucket_to_double + hist_bucket_to_double_bin_width`) is `<= B`; `_sum` is
//!   `hist_approx_sum`: each bin's midpoint times its count, bins in ascending order
//!   (`HistogramStatisticsImpl`, `source/common/stats/histogram_impl.cc`).
//! - The bounds are Envoy's default buckets, `HistogramSettingsImpl::defaultBuckets()`
//!   (`source/common/stats/histogram_impl.cc`).
//!
//! Memory is fixed (one count per bin); recording is an index computation and an add.

/// Envoy's default histogram bucket bounds (ms for these histograms).
pub const DEFAULT_BUCKETS: [f64; 19] = [
    0.5, 1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0, 30000.0,
    60000.0, 300000.0, 600000.0, 1800000.0, 3600000.0,
];

/// Decimal exponents a value in ms can have: u64 nanoseconds are below 1.9e13 ms.
const EXPONENTS: usize = 20;
/// Bins: the zero bin, then 90 (`val` 10..=99) per exponent.
const BINS: usize = 1 + EXPONENTS * 90;

/// `power_of_ten[exp]` for the non-negative exponents used here (exact in f64).
fn power_of_ten(exp: usize) -> f64 {
    10f64.powi(exp as i32)
}

/// circllhist's bucket of a whole number `v >= 1`: `(val, exp)`.
fn bucket_of(v: u64) -> (u64, usize) {
    let (mut val, mut exp) = (v, 1usize);
    if val < 10 {
        val *= 10;
        exp -= 1;
    }
    while val >= 100 {
        val /= 10;
        exp += 1;
    }
    (val, exp)
}

fn index_of(v: u64) -> usize {
    if v == 0 {
        return 0;
    }
    let (val, exp) = bucket_of(v);
    1 + exp * 90 + (val as usize - 10)
}

/// `(hist_bucket_to_double, hist_bucket_to_double_bin_width)` of bin `i`, as circllhist
/// computes them in doubles.
fn bin_edge_and_width(i: usize) -> (f64, f64) {
    if i == 0 {
        return (0.0, 0.0);
    }
    let (exp, val) = ((i - 1) / 90, (i - 1) % 90 + 10);
    let p = power_of_ten(exp);
    ((val as f64 / 10.0) * p, p / 10.0)
}

/// One histogram of whole milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatHistogram {
    bins: Box<[u64]>,
    count: u64,
}

impl Default for StatHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl StatHistogram {
    /// Empty.
    pub fn new() -> Self {
        StatHistogram {
            bins: vec![0; BINS].into_boxed_slice(),
            count: 0,
        }
    }

    /// `recordValue(ms)`.
    pub fn record(&mut self, ms: u64) {
        self.bins[index_of(ms)] += 1;
        self.count += 1;
    }

    /// Records a span in nanoseconds as Envoy does: truncated to whole milliseconds.
    pub fn record_nanos(&mut self, nanos: u64) {
        self.record(nanos / 1_000_000);
    }

    /// `hist_sample_count`.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// `hist_approx_count_below(h, bound)`.
    pub fn count_below(&self, bound: f64) -> u64 {
        let mut n = 0;
        for (i, &c) in self.bins.iter().enumerate().filter(|(_, c)| **c > 0) {
            let (edge, width) = bin_edge_and_width(i);
            if edge + width <= bound {
                n += c;
            } else {
                break;
            }
        }
        n
    }

    /// `hist_approx_sum`: bin midpoints (`hist_bucket_midpoint`) times counts, in bin order.
    pub fn sum(&self) -> f64 {
        let mut sum = 0.0;
        for (i, &c) in self.bins.iter().enumerate().filter(|(_, c)| **c > 0) {
            let (edge, width) = bin_edge_and_width(i);
            let midpoint = if edge == 0.0 { 0.0 } else { edge + width / 2.0 };
            sum += midpoint * c as f64;
        }
        sum
    }

    /// The cumulative counts at [`DEFAULT_BUCKETS`] (`computedBuckets`).
    pub fn cumulative(&self) -> [u64; DEFAULT_BUCKETS.len()] {
        DEFAULT_BUCKETS.map(|b| self.count_below(b))
    }

    /// Adds `other`'s samples (Envoy merges each worker's histogram into the parent's with
    /// `hist_accumulate`, bin by bin; here also a fleet's sum).
    pub fn add(&mut self, other: &StatHistogram) {
        for (a, b) in self.bins.iter_mut().zip(other.bins.iter()) {
            *a += b;
        }
        self.count += other.count;
    }
}

/// The cluster's histograms of one Envoy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterHistograms {
    /// `cluster.<name>.upstream_rq_time`: from the downstream request complete to the upstream
    /// response complete, for each response forwarded from a host (`Filter::onUpstreamComplete`
    /// → `CodeStatsImpl::chargeResponseTiming`).
    pub upstream_rq_time: StatHistogram,
    /// `cluster.<name>.upstream_cx_connect_ms`: from a connection's creation to `Connected`
    /// (`ActiveClient` constructor → `recordConnectionSetup`,
    /// `source/common/conn_pool/conn_pool_base.cc`).
    pub upstream_cx_connect_ms: StatHistogram,
}

impl ClusterHistograms {
    /// Adds `other`'s samples.
    pub fn add(&mut self, other: &ClusterHistograms) {
        self.upstream_rq_time.add(&other.upstream_rq_time);
        self.upstream_cx_connect_ms
            .add(&other.upstream_cx_connect_ms);
    }

    /// `(name relative to the cluster, histogram)`, sorted by name.
    pub fn entries(&self) -> [(&'static str, &StatHistogram); 2] {
        [
            ("upstream_cx_connect_ms", &self.upstream_cx_connect_ms),
            ("upstream_rq_time", &self.upstream_rq_time),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bins `int_scale_to_hist_bucket(v, 0)` gives, worked out by hand from its loop.
    #[test]
    fn values_fall_in_circllhist_bins() {
        assert_eq!(bucket_of(1), (10, 0));
        assert_eq!(bucket_of(9), (90, 0));
        assert_eq!(bucket_of(10), (10, 1));
        assert_eq!(bucket_of(99), (99, 1));
        assert_eq!(bucket_of(100), (10, 2));
        assert_eq!(bucket_of(2549), (25, 3));
        assert_eq!(index_of(0), 0);
        assert_eq!(index_of(1), 1);
        assert_eq!(index_of(10), 91);
        assert_eq!(bucket_of(u64::MAX).1, 19);
        assert!(index_of(u64::MAX) < BINS);
    }

    /// With the default bounds (all two-digit numbers) and whole-ms values, a value counts
    /// in `le=B` when it is below `B` (0 counts everywhere): a value equal to a bound sits in a
    /// bin reaching past it. One bin is the exception, in doubles as circllhist computes it:
    /// [490, 500) has its edge `(49 / 10.0) * 100 = 490.00000000000006` and its upper edge
    /// `500.00000000000006 > 500`, so 490 to 499 ms count only from `le="1000"`. Checked over
    /// every value up to the last bound.
    #[test]
    fn count_below_is_strictly_below_for_whole_ms_but_one_bin() {
        for v in 0..=3_600_001u64 {
            let i = index_of(v);
            let (edge, width) = bin_edge_and_width(i);
            for b in DEFAULT_BUCKETS {
                let counted = edge + width <= b;
                let quirk = (490..500).contains(&v) && b == 500.0;
                assert_eq!(counted, (v == 0 || (v as f64) < b) && !quirk, "v={v} b={b}");
            }
        }
        let mut h = StatHistogram::new();
        h.record(495);
        assert_eq!((h.count_below(500.0), h.count_below(1000.0)), (0, 1));
    }

    #[test]
    fn sums_are_bin_midpoints() {
        let mut h = StatHistogram::new();
        h.record(0);
        h.record(3); // bin [3.0, 3.1): midpoint 3.05
        h.record(3);
        h.record(120); // bin [120, 130): midpoint 125
        assert_eq!(h.count(), 4);
        let midpoint_3 = 3.0f64 + 0.1 / 2.0;
        assert_eq!(h.sum(), 0.0 + midpoint_3 * 2.0 + 125.0);
        assert_eq!(h.count_below(0.5), 1);
        assert_eq!(h.count_below(5.0), 3);
        assert_eq!(h.count_below(100.0), 3);
        assert_eq!(h.count_below(250.0), 4);
    }

    #[test]
    fn nanoseconds_truncate_to_whole_milliseconds() {
        let mut h = StatHistogram::new();
        h.record_nanos(4_999_999);
        h.record_nanos(5_000_000);
        assert_eq!(h.count_below(5.0), 1);
        assert_eq!(h.count_below(10.0), 2);
    }
}
