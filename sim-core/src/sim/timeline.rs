//! Responses per time bucket by outcome, and hosts ejected, over simulated time: fixed-width
//! buckets, so memory grows with simulated time, never with requests.

use crate::envoy::router::{Flags, ResponseFlag};
use crate::time::{SimDuration, SimTime};

/// What the clients received in one bucket, and the hosts ejected at its end.
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
    pub hosts_ejected: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub bucket: SimDuration,
    pub buckets: Vec<Bucket>,
    ejected_now: u32,
}

impl Timeline {
    pub fn new(bucket: SimDuration) -> Self {
        Timeline {
            bucket: SimDuration(bucket.0.max(1)),
            buckets: Vec::new(),
            ejected_now: 0,
        }
    }

    fn at(&mut self, t: SimTime) -> &mut Bucket {
        let i = (t.0 / self.bucket.0) as usize;
        while self.buckets.len() <= i {
            self.buckets.push(Bucket {
                hosts_ejected: self.ejected_now,
                ..Bucket::default()
            });
        }
        &mut self.buckets[i]
    }

    /// A response reached its client at `t`.
    /// A response reached its client at `t`: a local reply counts under the flag that explains
    /// it, a host's response (even one with URX or UO from refused retries) by its status.
    pub fn record(&mut self, t: SimTime, status: u16, flags: Flags, local: bool) {
        let b = self.at(t);
        let reason = [
            ResponseFlag::UH,
            ResponseFlag::UF,
            ResponseFlag::UC,
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

    /// The number of ejected hosts changed at `t`.
    pub fn set_ejected(&mut self, t: SimTime, hosts: u32) {
        self.ejected_now = hosts;
        self.at(t).hosts_ejected = hosts;
    }

    /// Extends the buckets to cover the run up to `end`.
    pub fn close(&mut self, end: SimTime) {
        if end.0 > 0 {
            self.at(SimTime(end.0 - 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_count_outcomes_and_carry_ejections_forward() {
        let mut t = Timeline::new(SimDuration::from_secs(1));
        t.record(SimTime(100), 200, Flags::NONE, false);
        t.record(
            SimTime(1_500_000_000),
            503,
            Flags::of(ResponseFlag::UH),
            true,
        );
        t.set_ejected(SimTime(1_600_000_000), 1);
        t.record(
            SimTime(3_200_000_000),
            500,
            Flags::of(ResponseFlag::URX),
            false,
        );
        t.close(SimTime(5_000_000_000));
        assert_eq!(t.buckets.len(), 5);
        assert_eq!(t.buckets[0].ok, 1);
        assert_eq!(t.buckets[1].flagged[ResponseFlag::UH.index()], 1);
        assert_eq!(t.buckets[1].hosts_ejected, 1);
        assert_eq!(t.buckets[2].hosts_ejected, 1, "carried into new buckets");
        assert_eq!(t.buckets[3].upstream_5xx, 1);
        assert_eq!(t.buckets[4].hosts_ejected, 1);
    }
}
