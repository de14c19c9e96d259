//! Per-worker host selection for `ROUND_ROBIN`, `LEAST_REQUEST` and `RANDOM` over one priority
//! of equally weighted healthy hosts.
//!
//! - Round robin follows `source/extensions/load_balancing_policies/round_robin/round_robin_lb.h`
//!   (unweighted path): each worker's index starts at a random `seed_` drawn when its load
//!   balancer is built, and a pick returns `hosts[index++ % n]`.
//! - Least request follows `least_request/least_request_lb.cc` (`unweightedHostPick`): draw
//!   `choice_count` indices with replacement; keep the first, replace it only by a host with
//!   strictly fewer active requests (`rq_active`, counted at attach).
//! - Random follows `random/random_lb.cc`: one `random()` picks `hosts[r % n]`.

use rand::RngExt;

use crate::rng::SimRng;
use crate::scenario::LbPolicy;

/// Envoy's default `least_request_lb_config.choice_count`.
pub const DEFAULT_CHOICE_COUNT: u32 = 2;

#[derive(Clone, Debug)]
pub struct LoadBalancer {
    policy: LbPolicy,
    rr_index: u64,
    choice_count: u32,
    rng: SimRng,
}

impl LoadBalancer {
    /// Builds one worker's balancer; round robin draws its start index here, as Envoy does.
    pub fn new(policy: LbPolicy, choice_count: u32, mut rng: SimRng) -> Self {
        let rr_index = if policy == LbPolicy::RoundRobin {
            rng.random::<u64>()
        } else {
            0
        };
        LoadBalancer {
            policy,
            rr_index,
            choice_count: choice_count.max(1),
            rng,
        }
    }

    /// Picks one of `hosts` (indices into the cluster's host list); `rq_active` gives a
    /// host's active requests. `None` when there is no host to pick.
    pub fn choose(&mut self, hosts: &[usize], rq_active: impl Fn(usize) -> u64) -> Option<usize> {
        let n = hosts.len() as u64;
        if n == 0 {
            return None;
        }
        Some(match self.policy {
            LbPolicy::RoundRobin => {
                let i = self.rr_index % n;
                self.rr_index = self.rr_index.wrapping_add(1);
                hosts[i as usize]
            }
            LbPolicy::Random => hosts[(self.rng.random::<u64>() % n) as usize],
            LbPolicy::LeastRequest => {
                let mut candidate = hosts[(self.rng.random::<u64>() % n) as usize];
                for _ in 1..self.choice_count {
                    let sampled = hosts[(self.rng.random::<u64>() % n) as usize];
                    if rq_active(sampled) < rq_active(candidate) {
                        candidate = sampled;
                    }
                }
                candidate
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamKind, stream};

    fn lb(policy: LbPolicy, worker: u64) -> LoadBalancer {
        LoadBalancer::new(
            policy,
            DEFAULT_CHOICE_COUNT,
            stream(3, StreamKind::WorkerLb, worker),
        )
    }

    #[test]
    fn round_robin_cycles_from_a_per_worker_random_start() {
        let hosts = [0, 1, 2];
        let active = [0; 3];
        let mut a = lb(LbPolicy::RoundRobin, 0);
        let picks: Vec<usize> = (0..6)
            .map(|_| a.choose(&hosts, |h| active[h]).unwrap())
            .collect();
        // Consecutive picks advance by one, modulo 3.
        for w in picks.windows(2) {
            assert_eq!(w[1], (w[0] + 1) % 3);
        }
        // Another worker has its own start: over many workers every start occurs.
        let starts: std::collections::BTreeSet<usize> = (0..32)
            .map(|w| {
                lb(LbPolicy::RoundRobin, w)
                    .choose(&hosts, |h| active[h])
                    .unwrap()
            })
            .collect();
        assert_eq!(starts.len(), 3);
    }

    #[test]
    fn least_request_never_picks_the_busier_of_two_samples() {
        // Two hosts, host 1 busier: a pick is host 1 only if both samples are host 1,
        // probability 1/4 with replacement.
        let hosts = [0, 1];
        let active = [0, 5];
        let mut b = lb(LbPolicy::LeastRequest, 0);
        let n = 40_000;
        let busy = (0..n)
            .filter(|_| b.choose(&hosts, |h| active[h]) == Some(1))
            .count();
        let share = busy as f64 / n as f64;
        assert!((share - 0.25).abs() < 0.01, "share {share}");
    }

    #[test]
    fn least_request_ties_keep_the_first_sample() {
        // Equal load: the first sample is kept, so picks are uniform.
        let hosts = [0, 1, 2, 3];
        let active = [1; 4];
        let mut b = lb(LbPolicy::LeastRequest, 1);
        let mut counts = [0u32; 4];
        for _ in 0..40_000 {
            counts[b.choose(&hosts, |h| active[h]).unwrap()] += 1;
        }
        for c in counts {
            assert!((c as f64 / 10_000.0 - 1.0).abs() < 0.05, "{counts:?}");
        }
    }

    #[test]
    fn random_is_uniform_and_no_host_is_none() {
        let hosts = [4, 7];
        let active = [0; 8];
        let mut r = lb(LbPolicy::Random, 2);
        let sevens = (0..20_000)
            .filter(|_| r.choose(&hosts, |h| active[h]) == Some(7))
            .count();
        assert!((sevens as f64 / 20_000.0 - 0.5).abs() < 0.02);
        assert_eq!(r.choose(&[], |h| active[h]), None);
    }
}
