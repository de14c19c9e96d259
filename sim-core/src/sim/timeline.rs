//! Responses per time bucket by outcome, and the time hosts spent ejected, over simulated time:
//! fixed-width buckets, so memory grows with simulated time, never with requests.

use crate::envoy::local_reply::{Flags, ResponseFlag};
use crate::time::{SimDuration, SimTime};

/// What the clients received in one bucket, and how long hosts were ejected in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    /// 2xx responses.
    pub ok: u64,
    /// 5xx answered by a host (no Envoy flag).
    pub upstream_5xx: u64,
    /// Everything else answered by a host (1xx, 3xx, 4xx).
    pub upstream_other: u64,
    /// Local replies, by flag (indexed by `ResponseFlag::index`).
    pub flagged: [u64; ResponseFlag::ALL.len()],
    /// Host-nanoseconds ejected within the bucket: each host's time ejected in it, summed
    /// (one host ejected for the whole of a 5 s bucket and another for 1 s of it: 6e9). Over
    /// the bucket's span it is the mean number of hosts ejected.
    pub ejected_host_ns: u128,
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// Responses and ejected host-time per bucket of simulated time, for timeline charts.
pub struct Timeline {
    /// Each bucket's width (at least 1 ns).
    pub bucket: SimDuration,
    /// The buckets from time 0, in order.
    pub buckets: Vec<Bucket>,
    /// Hosts ejected since `ejected_since`.
    ejected_now: u32,
    /// When the number of ejected hosts last changed: the ejected host-time before it is in
    /// the buckets, the time after it not yet.
    ejected_since: SimTime,
    /// The end of the run, once closed.
    end: Option<SimTime>,
}

impl Timeline {
    /// An empty timeline of buckets `bucket` wide (0 taken as 1 ns).
    pub fn new(bucket: SimDuration) -> Self {
        Timeline {
            bucket: SimDuration(bucket.0.max(1)),
            buckets: Vec::new(),
            ejected_now: 0,
            ejected_since: SimTime::ZERO,
            end: None,
        }
    }

    /// The bucket holding instant `t`, created (with every bucket before it) if need be.
    fn at(&mut self, t: SimTime) -> &mut Bucket {
        let i = (t.0 / self.bucket.0) as usize;
        if self.buckets.len() <= i {
            self.buckets.resize(i + 1, Bucket::default());
        }
        &mut self.buckets[i]
    }

    /// A response reached its client at `t`: a local reply counts under the flag that explains
    /// it (a reset's UR or LR before a refused retry's UO), a host's response (even one with URX or UO from refused retries) by its status.
    pub fn record(&mut self, t: SimTime, status: u16, flags: Flags, local: bool) {
        let b = self.at(t);
        let reason = [
            ResponseFlag::UH,
            ResponseFlag::UF,
            ResponseFlag::UC,
            ResponseFlag::UR,
            ResponseFlag::LR,
            ResponseFlag::UT,
            ResponseFlag::UO,
        ]
        .into_iter()
        .find(|f| flags.contains(*f));
        match reason {
            Some(f) if local => b.flagged[f.index()] += 1,
            _ if (200..300).contains(&status) => b.ok += 1,
            _ if status >= 500 => b.upstream_5xx += 1,
            _ => b.upstream_other += 1,
        }
    }

    /// How many hosts are ejected now.
    pub fn hosts_ejected(&self) -> u32 {
        self.ejected_now
    }

    /// The number of ejected hosts changed to `hosts` at `t`.
    pub fn set_ejected(&mut self, t: SimTime, hosts: u32) {
        self.credit_ejected(t);
        self.ejected_now = hosts;
    }

    /// Adds the hosts ejected since `ejected_since`, for the time until `until`, to the buckets
    /// that time falls in.
    fn credit_ejected(&mut self, until: SimTime) {
        let hosts = u128::from(self.ejected_now);
        let width = self.bucket.0;
        let mut from = self.ejected_since.0;
        while hosts > 0 && from < until.0 {
            let bucket_end = (from / width).saturating_add(1).saturating_mul(width);
            let to = bucket_end.min(until.0);
            self.at(SimTime(from)).ejected_host_ns += hosts * u128::from(to - from);
            from = to;
        }
        self.ejected_since = self.ejected_since.max(until);
    }

    /// Ends the record at `end`: the buckets cover the run up to it, and the hosts still ejected
    /// are counted up to it.
    pub fn close(&mut self, end: SimTime) {
        self.credit_ejected(end);
        if end.0 > 0 {
            self.at(SimTime(end.0 - 1));
        }
        self.end = Some(end);
    }

    /// How much of bucket `i` the run covered: the bucket's width, less what lies past the
    /// run's end for the last one.
    pub fn span(&self, i: usize) -> SimDuration {
        let start = (i as u64).saturating_mul(self.bucket.0);
        let end = start.saturating_add(self.bucket.0);
        let covered = self.end.map_or(end, |e| end.min(e.0));
        SimDuration(covered.saturating_sub(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> SimTime {
        SimTime(s * 1_000_000_000)
    }

    const SECOND_NS: u128 = 1_000_000_000;

    #[test]
    fn buckets_count_outcomes() {
        let mut t = Timeline::new(SimDuration::from_secs(1));
        t.record(SimTime(100), 200, Flags::NONE, false);
        t.record(
            SimTime(1_500_000_000),
            503,
            Flags::of(ResponseFlag::UH),
            true,
        );
        t.record(
            SimTime(3_200_000_000),
            500,
            Flags::of(ResponseFlag::URX),
            false,
        );
        t.close(secs(5));
        assert_eq!(t.buckets.len(), 5);
        assert_eq!(t.buckets[0].ok, 1);
        assert_eq!(t.buckets[1].flagged[ResponseFlag::UH.index()], 1);
        assert_eq!(t.buckets[3].upstream_5xx, 1);
    }

    /// One host ejected from 3 s to 12 s, 5 s buckets, run ending at 15 s: 2 s of the first
    /// bucket, all 5 s of the second, 2 s of the third (means 0.4, 1.0, 0.4).
    #[test]
    fn ejected_time_is_split_at_bucket_edges() {
        let mut t = Timeline::new(SimDuration::from_secs(5));
        t.set_ejected(secs(3), 1);
        t.set_ejected(secs(12), 0);
        t.close(secs(15));
        let ejected: Vec<u128> = t.buckets.iter().map(|b| b.ejected_host_ns).collect();
        assert_eq!(ejected, [2 * SECOND_NS, 5 * SECOND_NS, 2 * SECOND_NS]);
        assert_eq!(t.span(1), SimDuration::from_secs(5));
    }

    /// Host A out from 1 s to 4 s, host B from 2 s to 7 s, 5 s buckets, run ending at 8 s:
    /// 1 host for [1, 2), 2 for [2, 4), 1 for [4, 7). The first bucket holds 1 + 2 x 2 + 1 = 6
    /// host-seconds (mean 6 / 5 = 1.2); the second, cut to 3 s by the end, 2 (mean 2 / 3).
    #[test]
    fn overlapping_ejections_add_up_and_the_last_bucket_is_cut_at_the_end() {
        let mut t = Timeline::new(SimDuration::from_secs(5));
        t.set_ejected(secs(1), 1);
        t.set_ejected(secs(2), 2);
        t.set_ejected(secs(4), 1);
        t.set_ejected(secs(7), 0);
        t.close(secs(8));
        assert_eq!(t.buckets[0].ejected_host_ns, 6 * SECOND_NS);
        assert_eq!(t.buckets[1].ejected_host_ns, 2 * SECOND_NS);
        assert_eq!(t.span(0), SimDuration::from_secs(5));
        assert_eq!(t.span(1), SimDuration::from_secs(3));
    }

    /// A host still out at the end counts up to the end, across buckets in which nothing else
    /// happened: out from 2 s of a 10 s run with 4 s buckets: 2, 4 and 2 s.
    #[test]
    fn a_host_still_ejected_counts_until_the_end() {
        let mut t = Timeline::new(SimDuration::from_secs(4));
        t.set_ejected(secs(2), 1);
        assert_eq!(t.hosts_ejected(), 1);
        t.close(secs(10));
        let ejected: Vec<u128> = t.buckets.iter().map(|b| b.ejected_host_ns).collect();
        assert_eq!(ejected, [2 * SECOND_NS, 4 * SECOND_NS, 2 * SECOND_NS]);
        assert_eq!(t.span(2), SimDuration::from_secs(2));
    }
}
