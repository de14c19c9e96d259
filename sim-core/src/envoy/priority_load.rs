//! Priority loads and panic, computed as Envoy's `LoadBalancerBase` computes them.
//!
//! Follows envoyproxy/envoy `source/extensions/load_balancing_policies/common/load_balancer_impl.cc`
//! (at 00cf9a056f3e; `source/common/upstream/load_balancer_impl.cc` in older releases):
//! `LoadBalancerBase::recalculatePerPriorityState`, `distributeLoad`,
//! `calculateNormalizedTotalAvailability` (in `load_balancer_impl.h`),
//! `recalculatePerPriorityPanic`, `isHostSetInPanic`, `recalculateLoadInTotalPanic`,
//! `choosePriority`, `chooseHostSet`, and the panic step of
//! `ZoneAwareLoadBalancerBase::hostSourceToUse`. The cluster's `healthy_panic_threshold` is
//! turned into an integer as `PROTOBUF_PERCENT_TO_ROUNDED_INTEGER_OR_DEFAULT` does
//! (`ProtobufPercentHelper::convertPercent`, `source/common/protobuf/utility.cc`).
//!
//! Envoy updates this state one priority at a time and, where it returns early, keeps the
//! loads (and, with panic disabled, the panic flags) of the previous update; here everything is
//! recomputed from zero. The picks are the same: both early returns (nothing available) end
//! with priority 0 holding 100% of the healthy load, which decides every pick, and with a
//! threshold of 0 no flag can have been set before.

/// Envoy's default overprovisioning factor, in percent (1.4).
pub const DEFAULT_OVERPROVISIONING_FACTOR: u32 = 140;

/// Envoy's default `healthy_panic_threshold`, in percent.
pub const DEFAULT_PANIC_THRESHOLD_PERCENT: f64 = 50.0;

/// Summed host weights of one priority, used instead of host counts for a priority's
/// availability when the host set has `weighted_priority_health`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostWeights {
    /// All hosts that are not excluded.
    pub total: u64,
    /// Summed weights of the healthy hosts.
    pub healthy: u64,
    /// Summed weights of the degraded hosts.
    pub degraded: u64,
}

/// One priority's host set as the load balancer sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PriorityHosts {
    /// Hosts that are not excluded (Envoy's `hosts().size() - excludedHosts().size()`).
    pub hosts: u64,
    /// Healthy hosts: not ejected by outlier detection (breakersim has no active health check).
    pub healthy: u64,
    /// Degraded hosts.
    pub degraded: u64,
    /// Excluded hosts. They count nowhere except in the split of a total panic, where Envoy
    /// uses `hosts().size()`, which still holds them.
    pub excluded: u64,
    /// `Some` when the host set has `weighted_priority_health`. Panic still uses host counts.
    pub weights: Option<HostWeights>,
}

impl PriorityHosts {
    /// A priority with these host counts, no excluded host, unweighted.
    pub fn new(hosts: u64, healthy: u64, degraded: u64) -> Self {
        debug_assert!(healthy + degraded <= hosts);
        Self {
            hosts,
            healthy,
            degraded,
            ..Self::default()
        }
    }

    /// The same with `excluded` excluded hosts.
    pub fn with_excluded(self, excluded: u64) -> Self {
        Self { excluded, ..self }
    }

    /// The same, with availability from summed weights (`weighted_priority_health`).
    pub fn with_weights(self, weights: HostWeights) -> Self {
        Self {
            weights: Some(weights),
            ..self
        }
    }

    /// `(total, healthy, degraded)` as counts, or as weights with `weighted_priority_health`.
    fn availability_basis(&self) -> (u64, u64, u64) {
        match self.weights {
            Some(w) => (w.total, w.healthy, w.degraded),
            None => (self.hosts, self.healthy, self.degraded),
        }
    }

    /// Healthy and degraded availability: `min(100, overprovisioning * part / total)` each, in
    /// integer arithmetic; both 0 for a priority without (non-excluded) hosts.
    fn availability(&self, overprovisioning_factor: u32) -> (u32, u32) {
        let (total, healthy, degraded) = self.availability_basis();
        if self.hosts == 0 || total == 0 {
            return (0, 0);
        }
        let scaled =
            |part: u64| (u64::from(overprovisioning_factor) * part / total).min(100) as u32;
        (scaled(healthy), scaled(degraded))
    }

    /// Envoy's `isHostSetInPanic`: healthy% + degraded% of the non-excluded host *count*,
    /// in doubles, strictly below the threshold.
    fn below_panic_threshold(&self, panic_threshold: u64) -> bool {
        let percent_of_hosts = |part: u64| {
            if self.hosts == 0 {
                0.0
            } else {
                100.0 * part as f64 / self.hosts as f64
            }
        };
        percent_of_hosts(self.healthy) + percent_of_hosts(self.degraded) < panic_threshold as f64
    }

    /// Envoy's `hosts().size()`: excluded hosts included.
    fn all_hosts(&self) -> u64 {
        self.hosts + self.excluded
    }
}

/// Which availability a pick targets (Envoy's `LoadBalancerBase::HostAvailability`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostSource {
    /// Healthy hosts.
    Healthy,
    /// Degraded hosts, picked when the healthy load leaves some over.
    Degraded,
}

/// Which host list of the chosen priority the balancer picks from (Envoy's
/// `HostsSource::SourceType`, without the per-locality lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostList {
    /// Every host of the priority, healthy or not: the priority is in panic.
    All,
    /// The priority's healthy hosts.
    Healthy,
    /// The priority's degraded hosts.
    Degraded,
}

/// Envoy's `recalculatePerPriorityState` + `recalculatePerPriorityPanic` result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorityLoad {
    /// Percent of requests sent to each priority's healthy hosts.
    pub healthy: Vec<u32>,
    /// Percent of requests sent to each priority's degraded hosts.
    pub degraded: Vec<u32>,
    /// Per priority: in panic, so a pick uses all of its hosts.
    pub panic: Vec<bool>,
    /// Every priority is in panic and the load was split by host count.
    pub total_panic: bool,
    /// Envoy's `per_priority_health_`: healthy availability, 0..=100.
    pub healthy_availability: Vec<u32>,
    /// Envoy's `per_priority_degraded_`: degraded availability, 0..=100.
    pub degraded_availability: Vec<u32>,
}

impl PriorityLoad {
    /// Computes loads and panic for `priorities` (index 0 is the highest priority).
    ///
    /// `panic_threshold_percent` is the cluster's `healthy_panic_threshold` (0..=100); it is
    /// truncated to an integer as Envoy does, see [`panic_threshold_from_percent`]. An empty
    /// slice is treated as one priority without hosts, since Envoy's priority set always holds
    /// priority 0.
    pub fn compute(
        priorities: &[PriorityHosts],
        overprovisioning_factor: u32,
        panic_threshold_percent: f64,
    ) -> Self {
        const NO_HOSTS: &[PriorityHosts] = &[PriorityHosts {
            hosts: 0,
            healthy: 0,
            degraded: 0,
            excluded: 0,
            weights: None,
        }];
        let priorities = if priorities.is_empty() {
            NO_HOSTS
        } else {
            priorities
        };
        let mut load = Self::with_availability(priorities, overprovisioning_factor);
        let normalized_total = load.normalized_total_availability();
        if normalized_total > 0 {
            load.distribute(normalized_total);
        }
        let panic_threshold = panic_threshold_from_percent(panic_threshold_percent);
        load.apply_panic(priorities, normalized_total, panic_threshold);
        load
    }

    /// Envoy's `choosePriority` on these loads: see [`choose_priority`].
    pub fn choose_priority(&self, hash: u64) -> (usize, HostSource) {
        choose_priority(hash, &self.healthy, &self.degraded)
    }

    /// Whether `priority` is in panic; Envoy then picks from all of its hosts and counts
    /// `lb_healthy_panic` (or picks nothing with zone-aware `fail_traffic_on_panic`).
    pub fn in_panic(&self, priority: usize) -> bool {
        self.panic.get(priority).copied().unwrap_or(false)
    }

    /// The priority and host list a pick uses for `hash`, as the first step of
    /// `ZoneAwareLoadBalancerBase::hostSourceToUse` without locality routing.
    pub fn host_list(&self, hash: u64) -> (usize, HostList) {
        let (priority, source) = self.choose_priority(hash);
        let list = match source {
            _ if self.in_panic(priority) => HostList::All,
            HostSource::Healthy => HostList::Healthy,
            HostSource::Degraded => HostList::Degraded,
        };
        (priority, list)
    }

    fn with_availability(priorities: &[PriorityHosts], overprovisioning_factor: u32) -> Self {
        let (healthy_availability, degraded_availability) = priorities
            .iter()
            .map(|p| p.availability(overprovisioning_factor))
            .unzip();
        let n = priorities.len();
        Self {
            healthy: vec![0; n],
            degraded: vec![0; n],
            panic: vec![false; n],
            total_panic: false,
            healthy_availability,
            degraded_availability,
        }
    }

    /// Sum of every priority's healthy and degraded availability, capped at 100.
    fn normalized_total_availability(&self) -> u32 {
        let sum: u32 = self.healthy_availability.iter().sum::<u32>()
            + self.degraded_availability.iter().sum::<u32>();
        sum.min(100)
    }

    /// Spreads 100% over the priorities: healthy availability first, in priority order, then
    /// degraded; the rounding remainder goes to the first priority with healthy availability,
    /// or else the first with degraded availability.
    fn distribute(&mut self, normalized_total: u32) {
        let (first_healthy, left_for_degraded) = distribute_load(
            &mut self.healthy,
            &self.healthy_availability,
            100,
            normalized_total,
        );
        let (first_degraded, remainder) = distribute_load(
            &mut self.degraded,
            &self.degraded_availability,
            left_for_degraded,
            normalized_total,
        );
        if remainder == 0 {
            return;
        }
        match (first_healthy, first_degraded) {
            (Some(p), _) => self.healthy[p] += remainder,
            (None, Some(p)) => self.degraded[p] += remainder,
            (None, None) => unreachable!("a positive total availability has a first priority"),
        }
    }

    /// Envoy's `recalculatePerPriorityPanic`.
    fn apply_panic(&mut self, priorities: &[PriorityHosts], normalized_total: u32, threshold: u64) {
        if threshold == 0 && normalized_total == 0 {
            // Panic disabled and nothing available: priority 0 takes all the load so that the
            // loads add up to 100, and its pick finds no healthy host.
            self.healthy[0] = 100;
            return;
        }
        for (panic, hosts) in self.panic.iter_mut().zip(priorities) {
            *panic = normalized_total != 100 && hosts.below_panic_threshold(threshold);
        }
        self.total_panic = self.panic.iter().all(|&panic| panic);
        if self.total_panic {
            self.split_by_host_count(priorities);
        }
    }

    /// Envoy's `recalculateLoadInTotalPanic`: every priority gets `100 * hosts / all hosts`
    /// (excluded hosts included) as healthy load, the remainder goes to the first priority
    /// with hosts, and degraded load is 0. Without any host, priority 0 gets everything.
    fn split_by_host_count(&mut self, priorities: &[PriorityHosts]) {
        let total_hosts: u64 = priorities.iter().map(PriorityHosts::all_hosts).sum();
        if total_hosts == 0 {
            self.healthy[0] = 100;
            return;
        }
        let mut remaining = 100;
        for (i, hosts) in priorities.iter().enumerate() {
            let share = (100 * hosts.all_hosts() / total_hosts) as u32;
            self.healthy[i] = share;
            self.degraded[i] = 0;
            remaining -= share;
        }
        let first_with_hosts = priorities.iter().position(|p| p.all_hosts() > 0);
        self.healthy[first_with_hosts.expect("total_hosts > 0")] += remaining;
    }
}

/// Envoy's `distributeLoad`: gives each priority in turn `min(left, availability * 100 /
/// normalized_total)`. Returns the first priority with availability and the load left over.
fn distribute_load(
    load: &mut [u32],
    availability: &[u32],
    total_load: u32,
    normalized_total: u32,
) -> (Option<usize>, u32) {
    let mut left = total_load;
    for (share, &available) in load.iter_mut().zip(availability) {
        *share = left.min(available * 100 / normalized_total);
        left -= *share;
    }
    let first_available = availability.iter().position(|&a| a > 0);
    (first_available, left)
}

/// Envoy's `choosePriority`: `hash % 100 + 1` (1..=100) is matched against the cumulative
/// healthy loads in priority order, then, continuing the same sum, the degraded loads. If the
/// loads do not reach it (they always add up to 100 in Envoy), priority 0 healthy.
///
/// Takes the loads explicitly because Envoy lets a retry priority plugin replace them
/// (`LoadBalancerContext::determinePriorityLoad`).
pub fn choose_priority(hash: u64, healthy: &[u32], degraded: &[u32]) -> (usize, HostSource) {
    let target = hash % 100 + 1;
    let tagged_healthy = healthy.iter().map(|&l| (l, HostSource::Healthy));
    let tagged_degraded = degraded.iter().map(|&l| (l, HostSource::Degraded));
    let mut cumulative = 0u64;
    for (priority, (load, source)) in tagged_healthy
        .enumerate()
        .chain(tagged_degraded.enumerate())
    {
        cumulative += u64::from(load);
        if target <= cumulative {
            return (priority, source);
        }
    }
    (0, HostSource::Healthy)
}

/// The integer panic threshold Envoy uses for a cluster `healthy_panic_threshold` of `percent`:
/// `convertPercent` computes `100 * (percent / 100.0)` and truncates it (despite the macro's
/// name), then the balancer caps it at 100. So 57.0 gives 56, because 0.57 * 100 is
/// 56.99999999999999 in doubles.
pub fn panic_threshold_from_percent(percent: f64) -> u64 {
    ((100.0 * (percent / 100.0)) as u64).min(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(total: u64, healthy: u64) -> PriorityHosts {
        PriorityHosts::new(total, healthy, 0)
    }

    /// Envoy's test helper `updateHostSet(num_hosts, healthy, degraded, excluded)`: `num_hosts`
    /// there includes the excluded hosts.
    fn host_set(num_hosts: u64, healthy: u64, degraded: u64, excluded: u64) -> PriorityHosts {
        PriorityHosts::new(num_hosts - excluded, healthy, degraded).with_excluded(excluded)
    }

    fn compute(priorities: &[PriorityHosts]) -> PriorityLoad {
        PriorityLoad::compute(
            priorities,
            DEFAULT_OVERPROVISIONING_FACTOR,
            DEFAULT_PANIC_THRESHOLD_PERCENT,
        )
    }

    fn compute_with_threshold(priorities: &[PriorityHosts], threshold: f64) -> PriorityLoad {
        PriorityLoad::compute(priorities, DEFAULT_OVERPROVISIONING_FACTOR, threshold)
    }

    fn compute_with_factor(priorities: &[PriorityHosts], factor: u32) -> PriorityLoad {
        PriorityLoad::compute(priorities, factor, DEFAULT_PANIC_THRESHOLD_PERCENT)
    }

    // Envoy: LoadBalancerBaseTest.PrioritySelection
    #[test]
    fn priority_selection() {
        // P0 and P1 in panic: split by host count.
        let load = compute(&[hosts(1, 0), hosts(1, 0)]);
        assert_eq!(load.healthy, [50, 50]);
        // The context's override {100, 0, 0} picks P0 with hash 0.
        assert_eq!(choose_priority(0, &[100, 0, 0], &[0, 0, 0]).0, 0);

        let load = compute(&[hosts(1, 0), hosts(2, 0)]);
        assert_eq!(load.healthy, [34, 66]);

        // A healthy P2 takes everything.
        let load = compute(&[hosts(1, 0), hosts(2, 0), hosts(1, 1)]);
        assert_eq!(load.healthy, [0, 0, 100]);
        assert_eq!(choose_priority(0, &[0, 0, 100], &[0, 0, 0]).0, 2);
        assert_eq!(load.choose_priority(0).0, 2);

        // A healthy host in P0 is selected at once.
        let load = compute(&[hosts(1, 1), hosts(2, 0), hosts(1, 1)]);
        assert_eq!((load.healthy[0], load.healthy[2]), (100, 0));
        assert_eq!(load.choose_priority(0).0, 0);

        // And losing it fails back over to P2.
        let load = compute(&[hosts(1, 0), hosts(2, 0), hosts(1, 1)]);
        assert_eq!((load.healthy[0], load.healthy[2]), (0, 100));
        assert_eq!(load.choose_priority(0).0, 2);
    }

    // Envoy: LoadBalancerBaseTest.PrioritySelectionWithFilter (the loads come from the
    // context: P0 excluded for healthy, then for degraded).
    #[test]
    fn priority_selection_with_overridden_loads() {
        assert_eq!(
            choose_priority(0, &[0, 100], &[0, 0]),
            (1, HostSource::Healthy)
        );
        assert_eq!(
            choose_priority(0, &[0, 0], &[0, 100]),
            (1, HostSource::Degraded)
        );
    }

    // Envoy: LoadBalancerBaseTest.PrioritySelectionFuzz, made exhaustive: every split of up to
    // 4 hosts per priority into healthy/degraded/unhealthy, every hash 0..100. A pick lands on
    // load of its own kind; outside panic, on a priority that has hosts of that kind.
    #[test]
    fn priority_selection_exhaustive() {
        let splits: Vec<PriorityHosts> = (0..=4u64)
            .flat_map(|n| {
                (0..=n).flat_map(move |h| (0..=n - h).map(move |d| PriorityHosts::new(n, h, d)))
            })
            .collect();
        for &p0 in &splits {
            for &p1 in &splits {
                let sets = [p0, p1];
                let load = compute(&sets);
                let total: u32 = load.healthy.iter().chain(&load.degraded).sum();
                assert_eq!(total, 100, "{sets:?}");
                for hash in 0..100 {
                    let (p, source) = load.choose_priority(hash);
                    let (share, available) = match source {
                        HostSource::Healthy => (load.healthy[p], sets[p].healthy),
                        HostSource::Degraded => (load.degraded[p], sets[p].degraded),
                    };
                    assert!(share > 0, "{sets:?} hash {hash}");
                    if load.in_panic(p) {
                        // All hosts of P are used; only with no host anywhere may that be none.
                        let any_hosts = sets.iter().any(|s| s.hosts > 0);
                        assert!(sets[p].hosts > 0 || !any_hosts, "{sets:?} hash {hash}");
                    } else {
                        assert!(available > 0, "{sets:?} hash {hash}");
                    }
                }
            }
        }
    }

    // Envoy: LoadBalancerBaseTest.OverProvisioningFactor
    #[test]
    fn overprovisioning_factor() {
        // 1.4 makes P0 receive 70%.
        assert_eq!(compute(&[hosts(4, 2), hosts(4, 2)]).healthy, [70, 30]);
        // With 1.0 the load follows the healthy ratio.
        assert_eq!(
            compute_with_factor(&[hosts(4, 2), hosts(4, 2)], 100).healthy,
            [50, 50]
        );
    }

    // Envoy: LoadBalancerBaseTest.WeightedPriorityHealth
    #[test]
    fn weighted_priority_health() {
        // P0 weights 3, 3 healthy and 2, 2 unhealthy: total 10, healthy 6.
        let p0 = hosts(4, 2).with_weights(HostWeights {
            total: 10,
            healthy: 6,
            degraded: 0,
        });
        let p1 = hosts(1, 1).with_weights(HostWeights {
            total: 1,
            healthy: 1,
            degraded: 0,
        });
        assert_eq!(compute_with_factor(&[p0, p1], 100).healthy, [60, 40]);
    }

    // Envoy: LoadBalancerBaseTest.WeightedPriorityHealthExcluded
    #[test]
    fn weighted_priority_health_excluded() {
        // P0: weight 4 healthy, 10 excluded, 6 unhealthy.
        let p0 = host_set(3, 1, 0, 1).with_weights(HostWeights {
            total: 10,
            healthy: 4,
            degraded: 0,
        });
        let p1 = hosts(1, 1).with_weights(HostWeights {
            total: 1,
            healthy: 1,
            degraded: 0,
        });
        assert_eq!(compute_with_factor(&[p0, p1], 100).healthy, [40, 60]);
    }

    // Envoy: LoadBalancerBaseTest.WeightedPriorityHealthDegraded
    #[test]
    fn weighted_priority_health_degraded() {
        // P0: healthy 4, degraded 3, unhealthy 2 and 1. P1: healthy 1, degraded 9.
        let p0 = PriorityHosts::new(4, 1, 1).with_weights(HostWeights {
            total: 10,
            healthy: 4,
            degraded: 3,
        });
        let p1 = PriorityHosts::new(2, 1, 1).with_weights(HostWeights {
            total: 10,
            healthy: 1,
            degraded: 9,
        });
        let load = compute_with_factor(&[p0, p1], 100);
        assert_eq!(load.healthy, [40, 10]);
        assert_eq!(load.degraded, [30, 20]);
    }

    // Envoy: LoadBalancerBaseTest.GentleFailover
    #[test]
    fn gentle_failover() {
        let check = |sets: &[PriorityHosts], healthy: [u32; 2], panic: [bool; 2]| {
            let load = compute(sets);
            assert_eq!(load.healthy, healthy, "{sets:?}");
            assert_eq!(load.panic, panic, "{sets:?}");
        };
        check(&[hosts(1, 1), hosts(1, 1)], [100, 0], [false, false]);
        // 70 + 70 >= 100: no panic.
        check(&[hosts(2, 1), hosts(2, 1)], [70, 30], [false, false]);
        // P0 is below the threshold, but the total health is 100.
        check(&[hosts(4, 1), hosts(2, 2)], [35, 65], [false, false]);
        // 35 + 35 < 100: both in panic.
        check(&[hosts(4, 1), hosts(4, 1)], [50, 50], [true, true]);
        // 3 of P0's 4 hosts excluded: P0 is fully healthy.
        check(
            &[host_set(4, 1, 0, 3), hosts(5, 1)],
            [100, 0],
            [false, false],
        );
        // All of P0 excluded, P1 at 35: total panic, split 4:4.
        check(&[host_set(4, 0, 0, 4), hosts(4, 1)], [50, 50], [true, true]);
        // Total panic counts excluded hosts: 4:6.
        check(
            &[host_set(4, 0, 0, 1), host_set(6, 1, 0, 2)],
            [40, 60],
            [true, true],
        );
    }

    // Envoy: LoadBalancerBaseTest.GentleFailoverWithExtraLevels
    #[test]
    fn gentle_failover_with_extra_levels() {
        let check =
            |sets: [PriorityHosts; 3], threshold: f64, healthy: [u32; 3], degraded: [u32; 3]| {
                let load = compute_with_threshold(&sets, threshold);
                assert_eq!(load.healthy, healthy, "{sets:?}");
                assert_eq!(load.degraded, degraded, "{sets:?}");
                load.panic
            };
        let none = [0, 0, 0];
        let h = hosts;
        let d = |n, degraded| PriorityHosts::new(n, 0, degraded);
        let hd = PriorityHosts::new;

        let panic = check([h(1, 1), h(1, 1), h(1, 1)], 50.0, [100, 0, 0], none);
        assert_eq!(panic, [false; 3]);
        check([h(2, 1), h(2, 1), h(2, 1)], 50.0, [70, 30, 0], none);
        check([h(4, 1), h(2, 2), h(2, 1)], 50.0, [35, 65, 0], none);
        check([h(4, 1), h(4, 1), h(4, 1)], 50.0, [35, 35, 30], none);
        // 28 * 3 < 100: scaled, P0 takes the rounding error.
        let panic = check([h(5, 1), h(5, 1), h(5, 1)], 50.0, [34, 33, 33], none);
        assert_eq!(panic, [true; 3]);
        // P0 and P1 down, P2 fully (then 80%) healthy: no panic.
        let panic = check([h(5, 0), h(5, 0), h(5, 5)], 50.0, [0, 0, 100], none);
        assert_eq!(panic, [false; 3]);
        let panic = check([h(5, 0), h(5, 0), h(5, 4)], 50.0, [0, 0, 100], none);
        assert_eq!(panic, [false; 3]);
        // P2 at 56%: all in panic, split by host count.
        let panic = check([h(5, 0), h(5, 0), h(5, 2)], 50.0, [34, 33, 33], none);
        assert_eq!(panic, [true; 3]);
        // P0 fully degraded, P1 56 healthy + 56 degraded, P2 56 healthy.
        let panic = check([d(5, 5), hd(5, 2, 2), h(5, 2)], 50.0, [0, 56, 44], none);
        assert_eq!(panic, [false; 3]);
        // All down: 5:3:2.
        let panic = check([h(5, 0), h(3, 0), h(2, 0)], 50.0, [50, 30, 20], none);
        assert_eq!(panic, [true; 3]);
        // 5:6:3 of 14, rounding error to P0.
        let panic = check([h(5, 0), h(6, 2), h(3, 1)], 50.0, [37, 42, 21], none);
        assert_eq!(panic, [true; 3]);
        // Load spills over into degraded.
        check([d(5, 1), d(5, 5), h(5, 1)], 50.0, [0, 0, 28], [28, 44, 0]);
        // No healthy priority, panic disabled: the remainder goes to the first degraded one.
        check([h(5, 0), d(5, 2), d(5, 1)], 0.0, none, [0, 67, 33]);
        // Same hosts with the threshold back at 50: total panic ignores health.
        check([h(5, 0), d(5, 2), d(5, 1)], 50.0, [34, 33, 33], none);
        // The remainder goes to the first priority with hosts.
        let panic = check([h(3, 0), h(3, 0), h(3, 0)], 50.0, [34, 33, 33], none);
        assert_eq!(panic, [true; 3]);
        let panic = check([h(0, 0), h(6, 0), h(3, 0)], 50.0, [0, 67, 33], none);
        assert_eq!(panic, [true; 3]);
    }

    // Envoy: LoadBalancerBaseTest.BoundaryConditions, made exhaustive: the loads always add up
    // to 100 (Envoy asserts it).
    #[test]
    fn loads_always_add_up_to_100() {
        for n0 in 0..=12u64 {
            for h0 in 0..=n0 {
                for n1 in 0..=12u64 {
                    for h1 in 0..=n1 {
                        let load = compute(&[hosts(n0, h0), hosts(n1, h1)]);
                        let total: u32 = load.healthy.iter().chain(&load.degraded).sum();
                        assert_eq!(total, 100, "{n0}/{h0} {n1}/{h1}");
                    }
                }
            }
        }
    }

    // Envoy: RoundRobinLoadBalancerTest.MaxUnhealthyPanic: 2 of 6 healthy picks from all
    // hosts; 4 of 6 healthy goes back to the healthy list.
    #[test]
    fn max_unhealthy_panic() {
        let load = compute(&[hosts(6, 2)]);
        assert!(load.in_panic(0));
        assert_eq!(load.host_list(0), (0, HostList::All));
        let load = compute(&[hosts(6, 4)]);
        assert!(!load.in_panic(0));
        assert_eq!(load.host_list(0), (0, HostList::Healthy));
    }

    // Envoy: RoundRobinLoadBalancerTest.DisablePanicMode: threshold 0, one unhealthy host:
    // no panic, and the pick targets P0's (empty) healthy list.
    #[test]
    fn zero_threshold_disables_panic() {
        let load = compute_with_threshold(&[hosts(1, 0)], 0.0);
        assert_eq!(load.healthy, [100]);
        assert_eq!(load.panic, [false]);
        assert!(!load.total_panic);
        assert_eq!(load.host_list(0), (0, HostList::Healthy));
    }

    // Spec: 2 hosts, 1 unhealthy, threshold 50. Availability 140*1/2 = 70, so the normalized
    // total is 70 and the panic test runs: 100*1/2 = 50.0 is not < 50. No panic; P0 gets
    // min(100, 70*100/70) = 100% healthy load.
    #[test]
    fn half_healthy_is_not_panic_at_50() {
        let load = compute(&[hosts(2, 1)]);
        assert_eq!(load.panic, [false]);
        assert!(!load.total_panic);
        assert_eq!(load.healthy, [100]);
        assert_eq!(load.host_list(42), (0, HostList::Healthy));
    }

    // Spec: 3 hosts, 2 unhealthy. Availability 140/3 = 46 < 100; 33.3% < 50: panic, and as
    // the only priority, total panic: P0 gets 100% by host count, picking from all hosts.
    #[test]
    fn one_third_healthy_is_panic() {
        let load = compute(&[hosts(3, 1)]);
        assert_eq!(load.panic, [true]);
        assert!(load.total_panic);
        assert_eq!(load.healthy, [100]);
        assert_eq!(load.host_list(0), (0, HostList::All));
    }

    // Spec: 4 hosts, 3 healthy, threshold 80. 75% < 80, but availability is
    // min(100, 140*3/4 = 105) = 100, so the normalized total is 100 and nothing panics.
    #[test]
    fn full_normalized_total_prevents_panic() {
        let load = compute_with_threshold(&[hosts(4, 3)], 80.0);
        assert_eq!(load.panic, [false]);
        assert_eq!(load.healthy, [100]);
    }

    // Spec: threshold 0 and nothing available (two priorities, all hosts unhealthy):
    // P0 gets 100% healthy load, nothing is in panic.
    #[test]
    fn zero_threshold_with_nothing_available() {
        let load = compute_with_threshold(&[hosts(2, 0), hosts(3, 0)], 0.0);
        assert_eq!(load.healthy, [100, 0]);
        assert_eq!(load.degraded, [0, 0]);
        assert_eq!(load.panic, [false, false]);
        assert!(!load.total_panic);
        assert_eq!(load.choose_priority(99), (0, HostSource::Healthy));
    }

    // Hand-worked walk: healthy [30, 20], degraded [50, 0]. hash % 100 + 1 = 1..=30 -> P0
    // healthy, 31..=50 -> P1 healthy, 51..=100 -> P0 degraded. u64::MAX % 100 = 15 -> 16.
    #[test]
    fn choose_priority_walks_healthy_then_degraded() {
        let healthy = [30, 20];
        let degraded = [50, 0];
        let pick = |hash| choose_priority(hash, &healthy, &degraded);
        assert_eq!(pick(0), (0, HostSource::Healthy));
        assert_eq!(pick(29), (0, HostSource::Healthy));
        assert_eq!(pick(30), (1, HostSource::Healthy));
        assert_eq!(pick(49), (1, HostSource::Healthy));
        assert_eq!(pick(50), (0, HostSource::Degraded));
        assert_eq!(pick(99), (0, HostSource::Degraded));
        assert_eq!(pick(100), (0, HostSource::Healthy));
        assert_eq!(pick(u64::MAX), (0, HostSource::Healthy));
    }

    // Hand-worked: convertPercent truncates 100 * (p / 100.0). 50 -> 50 exactly; 57 -> 0.57 is
    // 0.56999999999999995 and times 100 rounds to 56.99999999999999, so 56; 33.9 -> 33.
    #[test]
    fn panic_threshold_is_truncated_like_envoy() {
        assert_eq!(panic_threshold_from_percent(50.0), 50);
        assert_eq!(panic_threshold_from_percent(57.0), 56);
        assert_eq!(panic_threshold_from_percent(33.9), 33);
        assert_eq!(panic_threshold_from_percent(100.0), 100);
        assert_eq!(panic_threshold_from_percent(0.0), 0);
        // 14 of 25 healthy is 56.0%: not < 56, so a configured 57 does not panic.
        assert!(!compute_with_threshold(&[hosts(25, 14)], 57.0).in_panic(0));
    }

    // Hand-worked: Envoy's priority set always holds P0; no hosts at all is total panic with
    // P0 at 100% (recalculateLoadInTotalPanic's empty-backend case).
    #[test]
    fn no_priorities_behave_as_an_empty_p0() {
        let load = compute(&[]);
        assert_eq!(load.healthy, [100]);
        assert!(load.total_panic);
        assert_eq!(load.host_list(7), (0, HostList::All));
    }
}
