//! Per-worker host selection: priority loads and panic, then `ROUND_ROBIN`, `LEAST_REQUEST` or
//! `RANDOM` within the chosen host list.
//!
//! - The priority and host list come from [`PriorityLoad`] (`LoadBalancerBase` in
//!   `source/extensions/load_balancing_policies/common/load_balancer_impl.cc`): one random
//!   hash per pick; a priority in panic uses all of its hosts and counts `lb_healthy_panic`.
//! - Round robin follows `round_robin/round_robin_lb.h`: with equal weights each host list
//!   keeps an index that starts at the worker's random `seed_` and survives host changes; with
//!   unequal weights an EDF scheduler built with `createWithPicks(seed)` picks.
//! - Least request follows `least_request/least_request_lb.cc`: with equal weights,
//!   [`LeastRequestPick`] (`N_CHOICES` or `FULL_SCAN`, on `rq_active`, counted at attach);
//!   with unequal weights an EDF scheduler on `weight / (rq_active + 1)` (active request
//!   bias 1), whatever the selection method.
//! - Random follows `random/random_lb.cc`: the pick's hash also picks `hosts[hash % n]`.
//!
//! Schedulers are rebuilt whenever the host sets change (Envoy's `refresh`).
//!
//! Membership (EDS): only the hosts in the cluster are in the lists. An EDS update changes a
//! priority's hosts (`HostSetImpl::updateHosts` in `source/common/upstream/upstream_impl.cc`),
//! and each balancer's priority-update callback runs `EdfLoadBalancerBase::refresh` for it
//! (`source/extensions/load_balancing_policies/common/load_balancer_impl.cc`): the schedulers
//! are built anew from the new list, and round robin's `refreshHostSource` inserts the list's
//! index only if it has none (`round_robin_lb.h`, `rr_indexes_.insert({source, seed_})`), so
//! the index survives and the next pick is `hosts[index % new_len]`. A host list is in EDS
//! order, which here is host order: groups in file order, then joining order
//! (`BaseDynamicClusterImpl::updateDynamicHostList` keeps the update's order, existing hosts
//! in place).

use super::version::{Behaviour, EnvoyVersion};

use super::edf::EdfScheduler;
use super::least_request::LeastRequestPick;
use super::priority_load::{
    DEFAULT_OVERPROVISIONING_FACTOR, HostList, PriorityHosts, PriorityLoad,
};
use super::random::RandomSource;
use crate::rng::SimRng;
use crate::scenario::LbPolicy;

/// Envoy's default `least_request_lb_config.choice_count`.
pub const DEFAULT_CHOICE_COUNT: u32 = 2;

/// The hosts of one priority.
#[derive(Clone, Debug, Default)]
struct Level {
    all: Vec<usize>,
    healthy: Vec<usize>,
    /// Every host of `all`, and of `healthy`, has the same weight (worked out once per
    /// rebuild, not by each worker's balancer at its refresh).
    all_equal: bool,
    healthy_equal: bool,
}

/// The cluster's hosts as every worker's balancer sees them, rebuilt when health changes.
#[derive(Clone, Debug)]
pub struct HostSets {
    weight: Vec<u32>,
    /// Whether each host is in the cluster now (EDS membership).
    member: Vec<bool>,
    levels: Vec<Level>,
    priority_of: Vec<usize>,
    load: PriorityLoad,
    panic_threshold: f64,
    generation: u64,
}

impl HostSets {
    /// Hosts with their priority (0 is the highest) and weight, all healthy.
    pub fn new(priority_of: Vec<usize>, weight: Vec<u32>, panic_threshold: f64) -> Self {
        let member = vec![true; priority_of.len()];
        Self::with_members(priority_of, weight, member, panic_threshold)
    }

    /// Hosts with their priority and weight, all healthy, those with `member[h]` in the
    /// cluster (the others join later, if ever).
    pub fn with_members(
        priority_of: Vec<usize>,
        weight: Vec<u32>,
        member: Vec<bool>,
        panic_threshold: f64,
    ) -> Self {
        let levels = priority_of.iter().max().map_or(1, |p| p + 1);
        let mut sets = HostSets {
            weight,
            member,
            levels: vec![Level::default(); levels],
            priority_of,
            load: PriorityLoad::compute(&[], DEFAULT_OVERPROVISIONING_FACTOR, panic_threshold),
            panic_threshold,
            generation: 0,
        };
        sets.rebuild(|_| true);
        sets
    }

    /// Puts host `host` into the cluster or takes it out; takes effect at the next
    /// [`HostSets::rebuild`].
    pub fn set_member(&mut self, host: usize, member: bool) {
        self.member[host] = member;
    }

    /// Whether host `host` is in the cluster now.
    pub fn is_member(&self, host: usize) -> bool {
        self.member[host]
    }

    /// Recomputes the host lists of the hosts in the cluster, the healthy lists and the
    /// priority loads (after an ejection, an uneject or an EDS update).
    pub fn rebuild(&mut self, healthy: impl Fn(usize) -> bool) {
        for level in &mut self.levels {
            level.all.clear();
            level.healthy.clear();
        }
        for (host, &p) in self.priority_of.iter().enumerate() {
            if !self.member[host] {
                continue;
            }
            self.levels[p].all.push(host);
            if healthy(host) {
                self.levels[p].healthy.push(host);
            }
        }
        let equal = |hosts: &[usize]| {
            hosts
                .windows(2)
                .all(|w| self.weight[w[0]] == self.weight[w[1]])
        };
        for level in &mut self.levels {
            level.all_equal = equal(&level.all);
            level.healthy_equal = equal(&level.healthy);
        }
        let counts: Vec<PriorityHosts> = self
            .levels
            .iter()
            .map(|l| PriorityHosts::new(l.all.len() as u64, l.healthy.len() as u64, 0))
            .collect();
        self.load = PriorityLoad::compute(
            &counts,
            DEFAULT_OVERPROVISIONING_FACTOR,
            self.panic_threshold,
        );
        self.generation += 1;
    }

    /// The priority loads and panic state the next pick uses.
    pub fn load(&self) -> &PriorityLoad {
        &self.load
    }

    fn hosts(&self, priority: usize, list: HostList) -> &[usize] {
        match list {
            HostList::All => &self.levels[priority].all,
            HostList::Healthy => &self.levels[priority].healthy,
            HostList::Degraded => &[],
        }
    }

    /// Whether every host of the list has the same weight (an empty list has no degraded
    /// hosts, and so equal weights).
    fn equal_weights(&self, priority: usize, list: HostList) -> bool {
        let level = &self.levels[priority];
        match list {
            HostList::All => level.all_equal,
            HostList::Healthy => level.healthy_equal,
            HostList::Degraded => true,
        }
    }
}

/// The outcome of one pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pick {
    /// The host index picked, or `None` when the chosen list has no host (`upstream_cx_none_healthy`).
    pub host: Option<usize>,
    /// The priority was in panic (`lb_healthy_panic`).
    pub panic: bool,
}

/// One host list's balancing state on one worker.
#[derive(Debug, Default)]
struct Source {
    rr_index: Option<u64>,
    edf: Option<EdfScheduler<usize>>,
}

#[derive(Debug)]
/// One worker's load balancer for the cluster (its own random stream and round-robin seed),
/// following the policy's Envoy source named in the module doc. Its random numbers come from
/// `R` (the worker's stream; a scripted source in tests, as Envoy's tests mock `random()`).
pub struct LoadBalancer<R: RandomSource = SimRng> {
    policy: LbPolicy,
    least_request: LeastRequestPick,
    rng: R,
    seed: u64,
    /// Envoy 1.30+: a weighted scheduler starts `seed_` picks into its pick list
    /// (`createWithPicks`); before, `seed_ % hosts` picks were made one by one.
    random_start_in_pick_list: bool,
    /// Per (priority, list): index `priority * 2 + (0 all | 1 healthy)`.
    sources: Vec<Source>,
    built_for: u64,
}

fn source_index(priority: usize, list: HostList) -> usize {
    priority * 2 + usize::from(list != HostList::All)
}

impl<R: RandomSource> LoadBalancer<R> {
    /// One worker's balancer; its `seed_` is drawn here, as Envoy draws it when the balancer is
    /// built.
    pub fn new(
        policy: LbPolicy,
        least_request: LeastRequestPick,
        mut rng: R,
        version: EnvoyVersion,
    ) -> Self {
        let seed = rng.random();
        LoadBalancer {
            policy,
            least_request,
            rng,
            seed,
            random_start_in_pick_list: version.has(Behaviour::EdfSchedulerStartsAtARandomPick),
            sources: Vec::new(),
            built_for: u64::MAX,
        }
    }

    /// Picks a host; `rq_active` gives a host's active requests.
    pub fn choose(&mut self, sets: &HostSets, rq_active: impl Fn(usize) -> u64) -> Pick {
        if self.built_for != sets.generation {
            self.refresh(sets, &rq_active);
        }
        let hash = self.rng.random();
        let (priority, list) = sets.load.host_list(hash);
        let panic = list == HostList::All;
        let hosts = sets.hosts(priority, list);
        if hosts.is_empty() {
            return Pick { host: None, panic };
        }
        let source = &mut self.sources[source_index(priority, list)];
        let host = match self.policy {
            LbPolicy::Random => hosts[(hash % hosts.len() as u64) as usize],
            LbPolicy::RoundRobin => match &mut source.edf {
                Some(edf) => edf.pick_and_add(|&h| f64::from(sets.weight[h])),
                None => {
                    let index = source.rr_index.get_or_insert(self.seed);
                    let host = hosts[(*index % hosts.len() as u64) as usize];
                    *index = index.wrapping_add(1);
                    Some(host)
                }
            }
            .expect("a non-empty list"),
            LbPolicy::LeastRequest => match &mut source.edf {
                Some(edf) => edf
                    .pick_and_add(|&h| f64::from(sets.weight[h]) / (rq_active(h) + 1) as f64)
                    .expect("a non-empty list"),
                None => {
                    let rng = &mut self.rng;
                    self.least_request.pick(hosts, || rng.random(), &rq_active)
                }
            },
        };
        Pick {
            host: Some(host),
            panic,
        }
    }

    /// The worker's priority-update callback after an EDS update: `refresh` now, with the
    /// active requests of this moment (Envoy rebuilds when the update reaches the worker, not
    /// at its next pick).
    pub fn refresh_now(&mut self, sets: &HostSets, rq_active: impl Fn(usize) -> u64) {
        self.refresh(sets, &rq_active);
    }

    /// Envoy's `refresh`: schedulers for lists whose weights differ, built as if `seed_` picks
    /// had been made; round-robin indexes are kept.
    fn refresh(&mut self, sets: &HostSets, rq_active: &impl Fn(usize) -> u64) {
        self.sources
            .resize_with(sets.levels.len() * 2, Source::default);
        for priority in 0..sets.levels.len() {
            for list in [HostList::All, HostList::Healthy] {
                let hosts = sets.hosts(priority, list);
                let edf = (self.policy != LbPolicy::Random
                    && hosts.len() > 1
                    && !sets.equal_weights(priority, list))
                .then(|| {
                    let weight = |&h: &usize| match self.policy {
                        LbPolicy::LeastRequest => {
                            f64::from(sets.weight[h]) / (rq_active(h) + 1) as f64
                        }
                        _ => f64::from(sets.weight[h]),
                    };
                    self.weighted_scheduler(hosts, weight)
                });
                self.sources[source_index(priority, list)].edf = edf;
            }
        }
        self.built_for = sets.generation;
    }
}

impl<R: RandomSource> LoadBalancer<R> {
    /// A scheduler for a list whose weights differ (`EdfLoadBalancerBase::refresh`). Envoy 1.30
    /// on: `createWithPicks(hosts, weight, seed_)`, a random start among all the list's picks
    /// (PR #32233). Before: each host added in order, then `seed_ % hosts` picks made and
    /// thrown away, a start among the first `hosts` picks only (the code PR #32233 replaced).
    fn weighted_scheduler(
        &self,
        hosts: &[usize],
        weight: impl Fn(&usize) -> f64,
    ) -> EdfScheduler<usize> {
        if self.random_start_in_pick_list {
            return EdfScheduler::create_with_picks(hosts, weight, self.seed as u32);
        }
        let mut scheduler = EdfScheduler::new();
        for h in hosts {
            scheduler.add(weight(h), *h);
        }
        for _ in 0..self.seed % hosts.len() as u64 {
            scheduler.pick_and_add(&weight);
        }
        scheduler
    }
}

#[cfg(test)]
mod least_request_tests;

#[cfg(test)]
mod membership_tests;

#[cfg(test)]
mod round_robin_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envoy::version::NEWEST_ENVOY;
    use crate::rng::{StreamKind, stream};

    fn lb(policy: LbPolicy, worker: u64) -> LoadBalancer {
        let least_request = LeastRequestPick {
            choice_count: DEFAULT_CHOICE_COUNT,
            method: crate::scenario::SelectionMethod::NChoices,
        };
        LoadBalancer::new(
            policy,
            least_request,
            stream(3, StreamKind::WorkerLb, worker),
            NEWEST_ENVOY,
        )
    }

    fn flat(n: usize) -> HostSets {
        HostSets::new(vec![0; n], vec![1; n], 50.0)
    }

    #[test]
    fn round_robin_cycles_from_a_per_worker_random_start() {
        let sets = flat(3);
        let mut a = lb(LbPolicy::RoundRobin, 0);
        let picks: Vec<usize> = (0..6)
            .map(|_| a.choose(&sets, |_| 0).host.unwrap())
            .collect();
        for w in picks.windows(2) {
            assert_eq!(w[1], (w[0] + 1) % 3);
        }
        let starts: std::collections::BTreeSet<usize> = (0..32)
            .map(|w| {
                lb(LbPolicy::RoundRobin, w)
                    .choose(&sets, |_| 0)
                    .host
                    .unwrap()
            })
            .collect();
        assert_eq!(starts.len(), 3);
    }

    #[test]
    fn least_request_never_picks_the_busier_of_two_samples() {
        // Host 1 is busier: it is picked only when both samples are host 1, probability 1/4.
        let sets = flat(2);
        let active = [0, 5];
        let mut b = lb(LbPolicy::LeastRequest, 0);
        let n = 40_000;
        let busy = (0..n)
            .filter(|_| b.choose(&sets, |h| active[h]).host == Some(1))
            .count();
        assert!((busy as f64 / n as f64 - 0.25).abs() < 0.01);
    }

    #[test]
    fn random_is_uniform() {
        let sets = flat(2);
        let mut r = lb(LbPolicy::Random, 2);
        let ones = (0..20_000)
            .filter(|_| r.choose(&sets, |_| 0).host == Some(1))
            .count();
        assert!((ones as f64 / 20_000.0 - 0.5).abs() < 0.02);
    }

    /// Two hosts, one ejected, threshold 50: 50% healthy is not < 50, so no panic and every
    /// pick goes to the healthy host.
    #[test]
    fn one_of_two_ejected_is_not_panic() {
        let mut sets = flat(2);
        sets.rebuild(|h| h == 0);
        let mut b = lb(LbPolicy::RoundRobin, 0);
        for _ in 0..10 {
            assert_eq!(
                b.choose(&sets, |_| 0),
                Pick {
                    host: Some(0),
                    panic: false
                }
            );
        }
    }

    /// Three hosts, two ejected: 33% < 50, so the priority is in panic and picks cycle over all
    /// three hosts, each counted as a panic pick.
    #[test]
    fn two_of_three_ejected_is_panic_over_all_hosts() {
        let mut sets = flat(3);
        sets.rebuild(|h| h == 0);
        let mut b = lb(LbPolicy::RoundRobin, 0);
        let picks: Vec<Pick> = (0..3).map(|_| b.choose(&sets, |_| 0)).collect();
        assert!(picks.iter().all(|p| p.panic));
        let mut hosts: Vec<usize> = picks.iter().map(|p| p.host.unwrap()).collect();
        hosts.sort();
        assert_eq!(hosts, vec![0, 1, 2]);
    }

    /// Threshold 0 (Istio's default): panic never happens; with every host ejected there is
    /// nothing to pick (503 UH).
    #[test]
    fn threshold_zero_with_all_ejected_picks_nothing() {
        let mut sets = HostSets::new(vec![0; 2], vec![1; 2], 0.0);
        sets.rebuild(|_| false);
        let mut b = lb(LbPolicy::LeastRequest, 0);
        assert_eq!(
            b.choose(&sets, |_| 0),
            Pick {
                host: None,
                panic: false
            }
        );
    }

    /// Priority 1 takes the load priority 0 cannot: P0 with 1 of 2 hosts healthy has
    /// availability min(100, 140 * 1 / 2) = 70, so 70% of picks stay in P0 and 30% go to P1.
    #[test]
    fn overprovisioning_spills_to_the_next_priority() {
        let mut sets = HostSets::new(vec![0, 0, 1], vec![1; 3], 50.0);
        sets.rebuild(|h| h != 1);
        assert_eq!(sets.load().healthy, vec![70, 30]);
        let mut b = lb(LbPolicy::Random, 0);
        let n = 20_000;
        let p1 = (0..n)
            .filter(|_| b.choose(&sets, |_| 0).host == Some(2))
            .count();
        assert!((p1 as f64 / n as f64 - 0.30).abs() < 0.015, "{p1}");
    }

    /// Weighted round robin: weights 1 and 3 give 3 heavy picks in every 4 on average. The
    /// scheduler starts `seed` picks in, and ties between deadlines fall as floating point puts
    /// them (as in Envoy), so 4000 consecutive picks hold 3000 heavy picks, give or take one.
    #[test]
    fn weighted_round_robin_follows_weights() {
        let sets = HostSets::new(vec![0, 0], vec![1, 3], 50.0);
        let mut b = lb(LbPolicy::RoundRobin, 0);
        let picks: Vec<usize> = (0..4000)
            .map(|_| b.choose(&sets, |_| 0).host.unwrap())
            .collect();
        let heavy = picks.iter().filter(|&&h| h == 1).count();
        assert!((2999..=3001).contains(&heavy), "{heavy}");
    }

    /// Before Envoy 1.30 a weighted scheduler is built by adding each host in order, then
    /// making `seed_ % hosts` picks (the code PR #32233 replaced). Weights 4 and 1: host 0's
    /// deadlines are 0.25, 0.5, 0.75, 1.0 (exact in binary), host 1's 1.0; at the tie the entry
    /// queued first (host 1, added second at build, before host 0's re-queue at 1.0) wins.
    /// Seed 2: no pre-pick, so 0, 0, 0, 1, 0. Seed 1: one pre-pick (host 0 at 0.25) is thrown
    /// away, so 0, 0, 1, 0, then host 0 again at 1.25.
    #[test]
    fn weighted_scheduler_before_1_30_starts_after_seed_mod_hosts_picks() {
        let weight = |h: &usize| if *h == 0 { 4.0 } else { 1.0 };
        let least_request = LeastRequestPick {
            choice_count: DEFAULT_CHOICE_COUNT,
            method: crate::scenario::SelectionMethod::NChoices,
        };
        let mut l = LoadBalancer::new(
            LbPolicy::RoundRobin,
            least_request,
            stream(3, StreamKind::WorkerLb, 0),
            EnvoyVersion(29),
        );
        for (seed, expected) in [(2, [0, 0, 0, 1, 0]), (1, [0, 0, 1, 0, 0])] {
            l.seed = seed;
            let mut s = l.weighted_scheduler(&[0, 1], weight);
            let picks: Vec<usize> = (0..5).map(|_| s.pick_and_add(weight).unwrap()).collect();
            assert_eq!(picks, expected, "seed {seed}");
        }
    }
}
