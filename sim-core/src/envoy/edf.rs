//! Earliest-deadline-first scheduler for weighted host picks, as Envoy's `EdfScheduler`.
//!
//! Follows envoyproxy/envoy `source/common/upstream/edf_scheduler.h` (the version with
//! `createWithPicks`, PR #31592): `add`, `pickAndAdd`, `peekAgain`, `popEntry` and
//! `createWithPicks`. The weighted round-robin and least-request balancers build one scheduler
//! per host list with `createWithPicks(hosts, weight, seed_)` (`EdfLoadBalancerBase::refresh` in
//! `source/extensions/load_balancing_policies/common/load_balancer_impl.cc`).
//!
//! Each entry's deadline is `current_time + 1 / weight`. A pick pops the earliest deadline,
//! moves `current_time` to it and puts the item back with the weight it has *now*. Equal
//! deadlines go to the entry added first: Envoy numbers every insertion (`order_offset_`).
//!
//! One departure: Envoy keeps entries as `weak_ptr` and silently skips those whose host has
//! gone. Envoy's balancers rebuild their schedulers whenever a host list changes, so an entry
//! only expires in the window before that rebuild; here the owner rebuilds the scheduler at the
//! same moment and entries never expire.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// Envoy caps the emulated picks of `createWithPicks` at `u32::MAX / 10`.
const MAX_EMULATED_PICKS: u32 = 429_496_729;

/// Added to every weight while `createWithPicks` emulates its picks in bulk, so that weights
/// that are multiples of each other give the same deadlines as picking one at a time would.
const BULK_PICK_WEIGHT_EPSILON: f64 = 1e-13;

/// A queued item with its deadline and its insertion number (Envoy's `EdfEntry`).
#[derive(Clone, Debug)]
struct Entry<T> {
    deadline: f64,
    order: u64,
    item: T,
}

impl<T> Ord for Entry<T> {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest deadline, and among equal
    /// deadlines the lowest insertion number.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .deadline
            .total_cmp(&self.deadline)
            .then_with(|| other.order.cmp(&self.order))
    }
}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T> Eq for Entry<T> {}

/// Envoy's EDF scheduler over items of type `T` (host indices, typically).
#[derive(Clone, Debug)]
pub struct EdfScheduler<T> {
    current_time: f64,
    next_order: u64,
    queue: BinaryHeap<Entry<T>>,
    /// Items handed out by `peek_again` and not yet picked; they are already back in `queue`.
    prepicked: VecDeque<T>,
}

impl<T> Default for EdfScheduler<T> {
    fn default() -> Self {
        Self {
            current_time: 0.0,
            next_order: 0,
            queue: BinaryHeap::new(),
            prepicked: VecDeque::new(),
        }
    }
}

impl<T: Clone> EdfScheduler<T> {
    /// An empty scheduler at time 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `item` with deadline `current_time + 1 / weight`. Envoy asserts `weight > 0`.
    pub fn add(&mut self, weight: f64, item: T) {
        debug_assert!(weight > 0.0, "EDF weight must be positive, got {weight}");
        let deadline = self.current_time + 1.0 / weight;
        let order = self.next_order;
        self.next_order += 1;
        self.queue.push(Entry {
            deadline,
            order,
            item,
        });
    }

    /// Whether nothing is queued (Envoy's `empty()`).
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Returns the next item. An item already announced by [`Self::peek_again`] comes first and
    /// is not queued again (that was done when it was peeked). Otherwise the earliest deadline
    /// is popped and re-queued with `weight_of(item)`, its weight at this moment.
    pub fn pick_and_add(&mut self, mut weight_of: impl FnMut(&T) -> f64) -> Option<T> {
        if let Some(item) = self.prepicked.pop_front() {
            return Some(item);
        }
        let item = self.pop_earliest()?;
        self.add(weight_of(&item), item.clone());
        Some(item)
    }

    /// Returns the item the next not-yet-announced pick will give: the first call announces the
    /// next pick, the second call the one after, and so on. The item is popped and re-queued as
    /// if picked, and remembered so that [`Self::pick_and_add`] returns it later.
    pub fn peek_again(&mut self, mut weight_of: impl FnMut(&T) -> f64) -> Option<T> {
        let item = self.pop_earliest()?;
        self.prepicked.push_back(item.clone());
        self.add(weight_of(&item), item.clone());
        Some(item)
    }

    /// Builds a scheduler in the state it would have after `picks` calls of `pick_and_add` on a
    /// scheduler to which `items` were added in order (Envoy's `createWithPicks`).
    ///
    /// Like Envoy, `picks` is first reduced modulo 429496729, and the bulk of the picks is
    /// emulated at once: item `i` is taken to have been picked `floor(P * w_i / W)` times (one
    /// fewer when floating point rounds that up), with `w_i` its weight plus 1e-13 and `W` their
    /// sum; the few remaining picks are then done one at a time with the plain weights. Items
    /// keep their index as insertion number, so ties may break differently than with real picks.
    ///
    /// Envoy passes the balancer's `seed_`, a `u64`, to this `uint32_t` parameter: the caller
    /// must truncate it (`seed as u32`) before Envoy's modulo applies.
    pub fn create_with_picks(
        items: &[T],
        mut weight_of: impl FnMut(&T) -> f64,
        picks: u32,
    ) -> Self {
        let picks = picks % MAX_EMULATED_PICKS;
        if items.is_empty() {
            return Self::new();
        }
        let weights: Vec<f64> = items
            .iter()
            .map(|item| weight_of(item) + BULK_PICK_WEIGHT_EPSILON)
            .collect();
        let weights_sum = weights.iter().fold(0.0, |sum, weight| sum + weight);

        let mut entries = Vec::with_capacity(items.len());
        let mut picks_so_far: u32 = 0;
        let mut latest_pick_time = 0.0;
        for (index, (item, &weight)) in items.iter().zip(&weights).enumerate() {
            let emulated = emulated_picks(weight, weights_sum, picks);
            let pick_time = f64::from(emulated) / weight;
            entries.push(Entry {
                deadline: f64::from(emulated + 1) / weight,
                order: index as u64,
                item: item.clone(),
            });
            if latest_pick_time < pick_time {
                latest_pick_time = pick_time;
            }
            picks_so_far += emulated;
        }

        let mut scheduler = Self {
            current_time: latest_pick_time,
            next_order: items.len() as u64,
            queue: BinaryHeap::from(entries),
            prepicked: VecDeque::new(),
        };
        for _ in picks_so_far..picks {
            scheduler.pick_and_add(&mut weight_of);
        }
        scheduler
    }

    /// Pops the earliest deadline and moves the clock to it (Envoy's `popEntry`).
    fn pop_earliest(&mut self) -> Option<T> {
        let entry = self.queue.pop()?;
        debug_assert!(entry.deadline >= self.current_time);
        self.current_time = entry.deadline;
        Some(entry.item)
    }
}

/// How many of `picks` picks an item of `weight` (already augmented) is taken to have had:
/// `floor(weight * picks / weights_sum)`, minus one when floating point put the pick time at or
/// beyond the average pick time `picks / weights_sum`.
fn emulated_picks(weight: f64, weights_sum: f64, picks: u32) -> u32 {
    let floor = (weight * f64::from(picks) / weights_sum) as u32;
    let rounded_too_far = f64::from(floor) / weight >= f64::from(picks) / weights_sum;
    if floor > 0 && rounded_too_far {
        floor - 1
    } else {
        floor
    }
}

#[cfg(test)]
impl<T: Clone> EdfScheduler<T> {
    /// The queue as (deadline, item), earliest first, for comparing two schedulers the way
    /// Envoy's `EdfSchedulerTest::compareEdfSchedulers` does.
    fn queue_in_pick_order(&self) -> Vec<(f64, T)> {
        let mut entries: Vec<&Entry<T>> = self.queue.iter().collect();
        entries.sort_by(|a, b| b.cmp(a));
        entries
            .into_iter()
            .map(|entry| (entry.deadline, entry.item.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Envoy's `EdfSchedulerTest::compareEdfSchedulers`: same items in the same pick order,
    /// deadlines within 1e-5.
    fn assert_same_queue<T: Clone + PartialEq + std::fmt::Debug>(
        a: &EdfScheduler<T>,
        b: &EdfScheduler<T>,
    ) {
        let (a, b) = (a.queue_in_pick_order(), b.queue_in_pick_order());
        assert_eq!(a.len(), b.len());
        for (i, ((deadline_a, item_a), (deadline_b, item_b))) in a.iter().zip(&b).enumerate() {
            assert!(
                (deadline_a - deadline_b).abs() <= 1e-5,
                "unequal deadline in element {i}: {deadline_a} vs {deadline_b}"
            );
            assert_eq!(item_a, item_b, "unequal entry in element {i}");
        }
    }

    /// A small deterministic generator for the distribution test (SplitMix64).
    struct SplitMix64(u64);

    impl SplitMix64 {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }

    // Envoy: EdfSchedulerTest.Empty
    #[test]
    fn empty_scheduler_gives_nothing() {
        let mut sched: EdfScheduler<u32> = EdfScheduler::new();
        assert!(sched.is_empty());
        assert_eq!(sched.peek_again(|_| 0.0), None);
        assert_eq!(sched.pick_and_add(|_| 0.0), None);
    }

    // Envoy: EdfSchedulerTest.Unweighted
    #[test]
    fn equal_weights_give_round_robin_in_insertion_order() {
        let mut sched = EdfScheduler::new();
        for i in 0..128u32 {
            sched.add(1.0, i);
        }
        for _round in 0..128 {
            for i in 0..128u32 {
                let peek = sched.peek_again(|_| 1.0);
                let pick = sched.pick_and_add(|_| 1.0);
                assert_eq!(pick, Some(i));
                assert_eq!(peek, pick);
            }
        }
    }

    // Envoy: EdfSchedulerTest.Weighted
    #[test]
    fn distinct_weights_give_weighted_round_robin() {
        let mut sched = EdfScheduler::new();
        let mut pick_count = [0u32; 128];
        for i in 0..128u32 {
            sched.add(f64::from(i + 1), i);
        }
        let weight_of = |item: &u32| f64::from(*item + 1);
        for _ in 0..(128 * 129 / 2) {
            let peek = sched.peek_again(weight_of);
            let pick = sched.pick_and_add(weight_of).unwrap();
            assert_eq!(Some(pick), peek);
            pick_count[pick as usize] += 1;
        }
        for (i, count) in pick_count.iter().enumerate() {
            assert_eq!(*count, i as u32 + 1);
        }
    }

    // Envoy: EdfSchedulerTest.ManyPeekahead
    #[test]
    fn peeking_ahead_announces_the_coming_picks() {
        let mut sched1 = EdfScheduler::new();
        let mut sched2 = EdfScheduler::new();
        for i in 0..128u32 {
            sched1.add(1.0, i);
            sched2.add(1.0, i);
        }
        let peeked: Vec<u32> = (0..10)
            .map(|_| sched1.peek_again(|_| 1.0).unwrap())
            .collect();
        for expected in peeked {
            let p1 = sched1.pick_and_add(|_| 1.0);
            let p2 = sched2.pick_and_add(|_| 1.0);
            assert_eq!(p1, Some(expected));
            assert_eq!(p2, p1);
        }
    }

    // Hand-worked tie-breaking (Envoy's `order_offset_`, FIFO among equal deadlines).
    // A(w=2), B(w=1), C(w=2) queued as (0.5,#0), (1.0,#1), (0.5,#2).
    // Pick A at 0.5 -> (1.0,#3); C at 0.5 -> (1.0,#4); then three entries at 1.0: B(#1) first
    // -> (2.0,#5), A(#3) -> (1.5,#6), C(#4) -> (1.5,#7); A(#6) at 1.5 -> (2.0,#8);
    // C(#7) -> (2.0,#9); at 2.0: B(#5), A(#8), C(#9).
    #[test]
    fn equal_deadlines_go_to_the_earlier_insertion() {
        let mut sched = EdfScheduler::new();
        sched.add(2.0, 'A');
        sched.add(1.0, 'B');
        sched.add(2.0, 'C');
        let weight_of = |item: &char| if *item == 'B' { 1.0 } else { 2.0 };
        let picks: String = (0..10)
            .map(|_| sched.pick_and_add(weight_of).unwrap())
            .collect();
        assert_eq!(picks, "ACBACACBAC");
    }

    // Hand-worked: the weight is read when an item is re-queued, not when it was first added.
    // A, B both added with weight 1: (1.0,#0), (1.0,#1). A now weighs 4.
    // Pick A at 1.0 -> (1.25,#2); B at 1.0 -> (2.0,#3); A 1.25 -> 1.5; A 1.5 -> 1.75;
    // A 1.75 -> (2.0,#6); at 2.0 B(#3) goes before A(#6).
    #[test]
    fn requeue_uses_the_current_weight() {
        let mut sched = EdfScheduler::new();
        sched.add(1.0, 'A');
        sched.add(1.0, 'B');
        let weight_of = |item: &char| if *item == 'A' { 4.0 } else { 1.0 };
        let picks: String = (0..6)
            .map(|_| sched.pick_and_add(weight_of).unwrap())
            .collect();
        assert_eq!(picks, "ABAAAB");
    }

    // Envoy: EdfSchedulerTest.SchedulerWithZeroPicksEqualToEmptyWithAddedEntries
    #[test]
    fn zero_picks_equal_adding_one_by_one() {
        let entries: Vec<u32> = (1..=128).collect();
        let mut sched1 = EdfScheduler::new();
        for &entry in &entries {
            sched1.add(f64::from(entry), entry);
        }
        let sched2 = EdfScheduler::create_with_picks(&entries, |w| f64::from(*w), 0);
        assert_same_queue(&sched1, &sched2);
    }

    // Envoy: EdfSchedulerTest.SchedulerWithSomePicksEqualToEmptyWithAddedEntries
    #[test]
    fn some_picks_equal_picking_one_by_one() {
        let entries: Vec<f64> = (0..128)
            .map(|i| (100.5 - 0.01) / 128.0 * f64::from(i) + 0.01)
            .collect();
        for picks in [5u32, 140, 501, 123_456, 894_571] {
            let mut sched1 = EdfScheduler::new();
            for &weight in &entries {
                sched1.add(weight, weight);
            }
            for _ in 0..picks {
                sched1.pick_and_add(|w| *w);
            }
            let sched2 = EdfScheduler::create_with_picks(&entries, |w| *w, picks);
            assert_same_queue(&sched1, &sched2);
        }
    }

    // Envoy: EdfSchedulerTest.SchedulerWithSomePicksEmptyEntries
    #[test]
    fn picks_on_no_entries_give_an_empty_scheduler() {
        let mut sched: EdfScheduler<f64> = EdfScheduler::create_with_picks(&[], |w| *w, 123);
        assert_eq!(sched.peek_again(|_| 0.0), None);
        assert_eq!(sched.pick_and_add(|_| 0.0), None);
    }

    /// Envoy's `firstPickTest`: over many schedulers built with random pre-picks, the first pick
    /// follows the weights (which sum to 100) within one percentage point. Envoy runs 400,000
    /// iterations; 100,000 keep the standard error below 0.16 points.
    fn first_pick_follows_weights(weights: &[f64], rng: &mut SplitMix64) {
        const ITERATIONS: u32 = 100_000;
        let entries: Vec<usize> = (0..weights.len()).collect();
        let weight_of = |i: &usize| weights[*i];
        let mut first_picks = vec![0u32; weights.len()];
        for _ in 0..ITERATIONS {
            let picks = rng.next_u64() as u32;
            let mut sched = EdfScheduler::create_with_picks(&entries, weight_of, picks);
            first_picks[sched.pick_and_add(weight_of).unwrap()] += 1;
        }
        for (i, &count) in first_picks.iter().enumerate() {
            let observed = 100.0 * f64::from(count) / f64::from(ITERATIONS);
            assert!(
                (observed - weights[i]).abs() <= 1.0,
                "weights {weights:?}: entry {i} observed {observed}%"
            );
        }
    }

    // Envoy: EdfSchedulerTest.SchedulerWithRandomPicksFirstPickDistribution
    #[test]
    fn first_pick_after_random_pre_picks_follows_weights() {
        let mut rng = SplitMix64(0x5EED);
        first_pick_follows_weights(&[25.0, 75.0], &mut rng);
        first_pick_follows_weights(&[1.0, 99.0], &mut rng);
        first_pick_follows_weights(&[50.0, 50.0], &mut rng);
        first_pick_follows_weights(&[1.0, 20.0, 79.0], &mut rng);
    }

    // Envoy: RoundRobinLoadBalancerTest.WeightedSeed (the scheduler part: hosts of weight 1 and
    // 2, seed 1, so `createWithPicks(hosts, weight, 1)`), expected picks h0 h1 h1 h0 h1 h1.
    #[test]
    fn seed_one_with_weights_one_and_two() {
        let hosts = [0usize, 1];
        let weight_of = |h: &usize| [1.0, 2.0][*h];
        let mut sched = EdfScheduler::create_with_picks(&hosts, weight_of, 1);
        let picks: Vec<usize> = (0..6)
            .map(|_| sched.pick_and_add(weight_of).unwrap())
            .collect();
        assert_eq!(picks, [0, 1, 1, 0, 1, 1]);
    }

    // Envoy: RoundRobinLoadBalancerTest.WeightedInitializationPicksAllHosts: weights {6, 3, 1},
    // seeds 0..10, the first pick of each new scheduler lands 6, 3 and 1 times.
    #[test]
    fn first_picks_over_consecutive_seeds_follow_weights() {
        let hosts = [0usize, 1, 2];
        let weight_of = |h: &usize| [6.0, 3.0, 1.0][*h];
        let mut counts = [0u32; 3];
        for seed in 0..10 {
            let mut sched = EdfScheduler::create_with_picks(&hosts, weight_of, seed);
            counts[sched.pick_and_add(weight_of).unwrap()] += 1;
        }
        assert_eq!(counts, [6, 3, 1]);
    }

    // Hand-worked: Envoy reduces the picks modulo 429496729 (u32::MAX / 10), so 429496729 + 1
    // pre-picks are the same as 1.
    #[test]
    fn pre_picks_wrap_at_a_tenth_of_u32_max() {
        let hosts = [0usize, 1];
        let weight_of = |h: &usize| [1.0, 2.0][*h];
        let wrapped = EdfScheduler::create_with_picks(&hosts, weight_of, 429_496_730);
        let one = EdfScheduler::create_with_picks(&hosts, weight_of, 1);
        assert_eq!(wrapped.queue_in_pick_order(), one.queue_in_pick_order());
        assert_eq!(wrapped.current_time, one.current_time);
    }
}
