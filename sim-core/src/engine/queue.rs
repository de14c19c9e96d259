//! The event queue: `(time, seq)` order over a binary min-heap plus FIFO lanes.
//!
//! Every scheduled event gets a [`TimerHandle`]. Equal times pop in insertion order because
//! `seq` grows with every schedule. Timers that are always set a fixed delay ahead (a route's
//! timeout, a cluster's connect timeout) are scheduled in a FIFO *lane*: their deadlines only
//! grow, so a lane is a ring buffer and scheduling is O(1); the heap keeps only the events
//! that really need sorting. `pop` takes the earliest of the heap's top and the lanes' heads,
//! so the order is exactly the one a single heap would give.
//!
//! Events live in a slot table; the heap and lanes hold 24-byte `(time, seq, slot,
//! generation)` entries. Cancelling frees the slot at once (the event is dropped and the handle
//! goes stale); the entry left behind is recognised by its old generation and skipped when it
//! reaches the top of the heap or the head of its lane. Cancelled timers therefore never run
//! and never count in [`EventQueue::len`]. When dead entries make up more than half of the
//! heap or of a lane (past a few thousand), they are swept out in one pass, so memory stays
//! within about twice what is really pending. The heap, lanes and slots are reused, so a run
//! whose pending events stay bounded stops allocating once they have grown to that size.

use std::collections::VecDeque;

use crate::time::SimTime;

/// Refers to one scheduled event. Stale handles (the event already ran or was cancelled) are
/// recognised by their generation and ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimerHandle {
    slot: u32,
    generation: u32,
}

/// A FIFO lane for timers scheduled a fixed delay ahead (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lane(pub u8);

/// A heap or lane entry; dead once its slot's generation has moved on.
#[derive(Clone, Copy)]
struct Entry {
    time: SimTime,
    seq: u64,
    slot: u32,
    generation: u32,
}

impl Entry {
    #[inline]
    fn key(&self) -> (SimTime, u64) {
        (self.time, self.seq)
    }
}

/// A slot holds its event while it is queued; `generation` grows each time it is freed.
struct Slot<E> {
    generation: u32,
    /// The lane its entry is in, or `IN_HEAP`.
    lane: u8,
    event: Option<E>,
}

const IN_HEAP: u8 = u8::MAX;

/// Below this many entries, dead ones are left to surface on their own. (Small in unit tests,
/// so that their random runs sweep often.)
const SWEEP_MIN: usize = if cfg!(test) { 64 } else { 4096 };

pub struct EventQueue<E> {
    heap: Vec<Entry>,
    /// Cancelled entries still in the heap.
    heap_dead: usize,
    lanes: Vec<VecDeque<Entry>>,
    /// Cancelled entries still in each lane.
    lanes_dead: Vec<usize>,
    slots: Vec<Slot<E>>,
    free_slots: Vec<u32>,
    /// Events queued and not cancelled.
    live: usize,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::new(),
            heap_dead: 0,
            lanes: Vec::new(),
            lanes_dead: Vec::new(),
            slots: Vec::new(),
            free_slots: Vec::new(),
            live: 0,
            next_seq: 0,
        }
    }

    /// Events waiting to run (cancelled ones do not count).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.earliest().map(|(entry, _)| entry.time)
    }

    /// Schedules `event` at `time`; events at the same time run in the order they were scheduled.
    pub fn schedule(&mut self, time: SimTime, event: E) -> TimerHandle {
        let entry = self.new_entry(time, event, IN_HEAP);
        self.heap.push(entry);
        self.sift_up(self.heap.len() - 1);
        entry.handle()
    }

    /// Schedules `event` at `time` in `lane`. A lane must be given non-decreasing times; an
    /// earlier one than the lane's last goes to the heap instead, so the order stays exact.
    pub fn schedule_in_lane(&mut self, lane: Lane, time: SimTime, event: E) -> TimerHandle {
        let index = lane.0 as usize;
        assert!(lane.0 != IN_HEAP, "lane {} is reserved", IN_HEAP);
        if self.lanes.len() <= index {
            self.lanes.resize_with(index + 1, VecDeque::new);
            self.lanes_dead.resize(index + 1, 0);
        }
        if self.lanes[index]
            .back()
            .is_some_and(|last| time < last.time)
        {
            return self.schedule(time, event);
        }
        let entry = self.new_entry(time, event, lane.0);
        self.lanes[index].push_back(entry);
        entry.handle()
    }

    /// Removes the earliest event and returns it with its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let (entry, from) = self.earliest()?;
        match from {
            None => self.pop_heap_top(),
            Some(lane) => {
                self.lanes[lane].pop_front();
                self.drop_dead_lane_heads(lane);
            }
        }
        Some((entry.time, self.release(entry.slot)))
    }

    /// Cancels a scheduled event. Returns the event if it was still queued.
    pub fn cancel(&mut self, handle: TimerHandle) -> Option<E> {
        if !self.is_scheduled(handle) {
            return None;
        }
        let lane = self.slots[handle.slot as usize].lane;
        let event = self.release(handle.slot);
        if lane == IN_HEAP {
            self.heap_dead += 1;
            self.drop_dead_heap_tops();
            if self.heap_dead > self.heap.len() / 2 && self.heap.len() > SWEEP_MIN {
                self.sweep_heap();
            }
        } else {
            let lane = lane as usize;
            self.lanes_dead[lane] += 1;
            self.drop_dead_lane_heads(lane);
            if self.lanes_dead[lane] > self.lanes[lane].len() / 2
                && self.lanes[lane].len() > SWEEP_MIN
            {
                self.sweep_lane(lane);
            }
        }
        Some(event)
    }

    /// Removes every dead entry from the heap and rebuilds it (keys are unique, so the order
    /// of what remains is unchanged).
    fn sweep_heap(&mut self) {
        let slots = &self.slots;
        self.heap
            .retain(|e| slots[e.slot as usize].generation == e.generation);
        self.heap_dead = 0;
        for position in (0..self.heap.len() / 2).rev() {
            self.sift_down(position);
        }
    }

    fn sweep_lane(&mut self, lane: usize) {
        let slots = &self.slots;
        self.lanes[lane].retain(|e| slots[e.slot as usize].generation == e.generation);
        self.lanes_dead[lane] = 0;
    }

    /// True while the event behind `handle` is still waiting to run.
    pub fn is_scheduled(&self, handle: TimerHandle) -> bool {
        self.slots
            .get(handle.slot as usize)
            .is_some_and(|s| s.generation == handle.generation && s.event.is_some())
    }

    /// The earliest live entry and where it is (`None`: the heap's top; else a lane). The
    /// heap's top and every lane's head are live: dead ones are dropped as soon as they surface.
    fn earliest(&self) -> Option<(Entry, Option<usize>)> {
        let mut best = self.heap.first().map(|e| (*e, None));
        for (i, lane) in self.lanes.iter().enumerate() {
            if let Some(head) = lane.front()
                && best.is_none_or(|(b, _)| head.key() < b.key())
            {
                best = Some((*head, Some(i)));
            }
        }
        best
    }

    #[inline]
    fn is_live(&self, entry: &Entry) -> bool {
        self.slots[entry.slot as usize].generation == entry.generation
    }

    fn drop_dead_lane_heads(&mut self, lane: usize) {
        while let Some(head) = self.lanes[lane].front() {
            if self.is_live(head) {
                break;
            }
            self.lanes[lane].pop_front();
            self.lanes_dead[lane] -= 1;
        }
    }

    fn drop_dead_heap_tops(&mut self) {
        while let Some(top) = self.heap.first() {
            if self.is_live(top) {
                break;
            }
            self.pop_heap_top_entry();
            self.heap_dead -= 1;
        }
    }

    fn pop_heap_top(&mut self) {
        self.pop_heap_top_entry();
        self.drop_dead_heap_tops();
    }

    fn pop_heap_top_entry(&mut self) {
        let last = self.heap.pop().expect("heap is not empty");
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.sift_down(0);
        }
    }

    fn new_entry(&mut self, time: SimTime, event: E, lane: u8) -> Entry {
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    lane: IN_HEAP,
                    event: None,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let s = &mut self.slots[slot as usize];
        s.event = Some(event);
        s.lane = lane;
        self.live += 1;
        let seq = self.next_seq;
        self.next_seq += 1;
        Entry {
            time,
            seq,
            slot,
            generation: s.generation,
        }
    }

    /// Frees `slot` (its handles and entries go stale) and returns its event. A slot whose
    /// generation has reached `u32::MAX` is retired instead of reused, so a generation never
    /// wraps round to match a stale entry.
    fn release(&mut self, slot: u32) -> E {
        let s = &mut self.slots[slot as usize];
        s.generation += 1;
        if s.generation < u32::MAX {
            self.free_slots.push(slot);
        }
        self.live -= 1;
        s.event.take().expect("a queued slot holds its event")
    }

    fn sift_up(&mut self, start: usize) {
        let entry = self.heap[start];
        let mut position = start;
        while position > 0 {
            let parent = (position - 1) / 2;
            if entry.key() >= self.heap[parent].key() {
                break;
            }
            self.heap[position] = self.heap[parent];
            position = parent;
        }
        self.heap[position] = entry;
    }

    fn sift_down(&mut self, start: usize) {
        let entry = self.heap[start];
        let len = self.heap.len();
        let mut position = start;
        loop {
            let left = 2 * position + 1;
            if left >= len {
                break;
            }
            let right = left + 1;
            let child = if right < len && self.heap[right].key() < self.heap[left].key() {
                right
            } else {
                left
            };
            if self.heap[child].key() >= entry.key() {
                break;
            }
            self.heap[position] = self.heap[child];
            position = child;
        }
        self.heap[position] = entry;
    }
}

impl Entry {
    fn handle(&self) -> TimerHandle {
        TimerHandle {
            slot: self.slot,
            generation: self.generation,
        }
    }
}

#[cfg(test)]
impl<E> EventQueue<E> {
    /// Entries held, dead ones included.
    fn stored(&self) -> usize {
        self.heap.len() + self.lanes.iter().map(VecDeque::len).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: u64) -> SimTime {
        SimTime(n)
    }

    fn drain(q: &mut EventQueue<u32>) -> Vec<(u64, u32)> {
        std::iter::from_fn(|| q.pop().map(|(time, e)| (time.0, e))).collect()
    }

    #[test]
    fn pops_in_time_order() {
        let mut q = EventQueue::new();
        for (time, e) in [(5, 1), (1, 2), (3, 3), (9, 4), (2, 5)] {
            q.schedule(t(time), e);
        }
        assert_eq!(drain(&mut q), vec![(1, 2), (2, 5), (3, 3), (5, 1), (9, 4)]);
    }

    #[test]
    fn equal_times_pop_in_insertion_order() {
        let mut q = EventQueue::new();
        for e in 0..100 {
            q.schedule(t(7), e);
        }
        q.schedule(t(3), 1000);
        let order: Vec<u32> = drain(&mut q).into_iter().map(|(_, e)| e).collect();
        let mut expected = vec![1000];
        expected.extend(0..100);
        assert_eq!(order, expected);
    }

    #[test]
    fn cancel_removes_the_entry_at_once() {
        let mut q = EventQueue::new();
        let handles: Vec<_> = (0..10).map(|i| q.schedule(t(100 + i), i as u32)).collect();
        assert_eq!(q.cancel(handles[3]), Some(3));
        assert_eq!(q.cancel(handles[0]), Some(0));
        assert_eq!(q.len(), 8, "cancelled timers must not stay in the heap");
        assert_eq!(q.cancel(handles[3]), None, "a second cancel is a no-op");
        let order: Vec<u32> = drain(&mut q).into_iter().map(|(_, e)| e).collect();
        assert_eq!(order, vec![1, 2, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn stale_handles_do_not_cancel_reused_slots() {
        let mut q = EventQueue::new();
        let old = q.schedule(t(1), 1u32);
        assert_eq!(q.pop(), Some((t(1), 1)));
        let new = q.schedule(t(2), 2u32);
        assert!(!q.is_scheduled(old));
        assert_eq!(q.cancel(old), None);
        assert!(q.is_scheduled(new));
        assert_eq!(q.pop(), Some((t(2), 2)));
    }

    #[test]
    fn many_cancelled_timers_leave_nothing_behind() {
        // A connect timer per connection, cancelled when the connection completes: the queue
        // must stay at the size of what is really pending.
        let mut q = EventQueue::new();
        for i in 0..10_000u64 {
            let timeout = q.schedule(t(i + 5_000_000_000), 0u32);
            q.schedule(t(i + 2_000_000), 1u32);
            q.cancel(timeout);
        }
        assert_eq!(q.len(), 10_000);
        assert!(
            q.stored() <= 2 * 10_000 + 1,
            "swept: {} entries",
            q.stored()
        );
        assert!(drain(&mut q).iter().all(|&(_, e)| e == 1));
        // The same in a lane: long timeouts, nearly all cancelled.
        let mut q = EventQueue::new();
        let mut kept = 0;
        for i in 0..100_000u64 {
            let timeout = q.schedule_in_lane(Lane(0), t(i + 5_000_000_000), 0u32);
            if i % 10 == 0 {
                kept += 1;
            } else {
                q.cancel(timeout);
            }
        }
        assert_eq!(q.len(), kept);
        assert!(q.stored() <= 2 * kept + 1, "swept: {} entries", q.stored());
        assert_eq!(drain(&mut q).len(), kept);
    }

    #[test]
    fn random_operations_match_a_sorted_model() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut q = EventQueue::new();
        let mut model: Vec<(u64, u64, TimerHandle)> = Vec::new();
        let mut seq = 0;
        for _ in 0..5_000 {
            match rng.random_range(0..3) {
                0 | 1 => {
                    let time = rng.random_range(0..1000);
                    let h = q.schedule(t(time), seq as u32);
                    model.push((time, seq, h));
                    seq += 1;
                }
                _ if !model.is_empty() => {
                    let i = rng.random_range(0..model.len());
                    let (_, s, h) = model.swap_remove(i);
                    assert_eq!(q.cancel(h), Some(s as u32));
                }
                _ => {}
            }
        }
        model.sort();
        let expected: Vec<(u64, u32)> =
            model.iter().map(|&(time, s, _)| (time, s as u32)).collect();
        assert_eq!(drain(&mut q), expected);
    }

    #[test]
    fn lanes_and_heap_pop_in_one_time_seq_order() {
        let mut q = EventQueue::new();
        q.schedule_in_lane(Lane(0), t(10), 1u32);
        q.schedule(t(10), 2);
        q.schedule_in_lane(Lane(1), t(5), 3);
        q.schedule_in_lane(Lane(0), t(10), 4);
        q.schedule(t(7), 5);
        // (5,3) (7,5) then time 10 in scheduling order: 1, 2, 4.
        assert_eq!(
            drain(&mut q),
            vec![(5, 3), (7, 5), (10, 1), (10, 2), (10, 4)]
        );
    }

    #[test]
    fn an_earlier_time_in_a_lane_goes_to_the_heap() {
        let mut q = EventQueue::new();
        q.schedule_in_lane(Lane(0), t(20), 1u32);
        q.schedule_in_lane(Lane(0), t(3), 2);
        assert_eq!(q.len(), 2);
        assert_eq!(drain(&mut q), vec![(3, 2), (20, 1)]);
    }

    #[test]
    fn cancelled_lane_timers_are_gone_and_their_handles_stale() {
        let mut q = EventQueue::new();
        let a = q.schedule_in_lane(Lane(0), t(1), 1u32);
        let b = q.schedule_in_lane(Lane(0), t(2), 2);
        let c = q.schedule_in_lane(Lane(0), t(3), 3);
        assert_eq!(q.cancel(b), Some(2));
        assert_eq!(q.cancel(b), None);
        assert_eq!(q.len(), 2);
        assert_eq!(q.cancel(a), Some(1));
        assert_eq!(q.peek_time(), Some(t(3)), "dead heads are dropped");
        // b's slot is reused by a heap event; the stale lane entry must not come back.
        q.schedule(t(9), 4);
        assert!(!q.is_scheduled(b) && q.is_scheduled(c));
        assert_eq!(drain(&mut q), vec![(3, 3), (9, 4)]);
        assert!(q.is_empty());
    }

    /// A run-like mix: the clock advances by popping; heap events at random times ahead, lane
    /// timers a fixed delay ahead (and now and then a shorter one, which must go to the heap),
    /// random cancels. Every pop must be the `(time, seq)` minimum of a plain sorted model.
    #[test]
    fn random_run_with_lanes_matches_a_sorted_model() {
        random_run(11, 20_000, 1, [30, 30, 20]);
    }

    /// Long delays and many cancels: thousands of dead entries, so sweeps happen mid-run.
    #[test]
    fn random_run_with_sweeps_matches_a_sorted_model() {
        random_run(12, 40_000, 100, [20, 20, 50]);
    }

    /// Most of a big heap cancelled in random order: it is swept (more than once, as the
    /// test threshold is 64) and what remains pops in order.
    #[test]
    fn a_swept_heap_keeps_its_order() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut q = EventQueue::new();
        let mut pending: Vec<(u64, u32, TimerHandle)> = (0..1000)
            .map(|e| {
                let time = rng.random_range(0..10_000);
                (time, e, q.schedule(t(time), e))
            })
            .collect();
        for _ in 0..700 {
            let (_, e, h) = pending.swap_remove(rng.random_range(0..pending.len()));
            assert_eq!(q.cancel(h), Some(e));
        }
        assert!(q.stored() <= 2 * 300 + 1, "swept: {} entries", q.stored());
        pending.sort_by_key(|&(time, e, _)| (time, e));
        let expected: Vec<(u64, u32)> = pending.iter().map(|&(time, e, _)| (time, e)).collect();
        assert_eq!(drain(&mut q), expected);
    }

    /// `shares`: percent of operations that schedule in the heap, schedule in a lane, cancel;
    /// the rest pop.
    fn random_run(seed: u64, operations: usize, spread: u64, shares: [u32; 3]) {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut q = EventQueue::new();
        let mut model: Vec<(u64, u32, TimerHandle)> = Vec::new();
        let mut now = 0;
        let mut next = 0u32;
        for _ in 0..operations {
            let [heap, lane, cancel] = shares;
            let r = rng.random_range(0..100);
            match r {
                _ if r < heap => {
                    let time = now + rng.random_range(0..500 * spread);
                    model.push((time, next, q.schedule(t(time), next)));
                }
                _ if r < heap + lane => {
                    let lane = rng.random_range(0..3u8);
                    let delay =
                        ([100, 250, 1000][lane as usize] - rng.random_range(0..2) * 50) * spread;
                    let h = q.schedule_in_lane(Lane(lane), t(now + delay), next);
                    model.push((now + delay, next, h));
                }
                _ if r < heap + lane + cancel => {
                    if model.is_empty() {
                        continue;
                    }
                    let i = rng.random_range(0..model.len());
                    let (_, e, h) = model.swap_remove(i);
                    assert_eq!(q.cancel(h), Some(e));
                    continue;
                }
                _ => {
                    let earliest = (0..model.len()).min_by_key(|&i| (model[i].0, model[i].1));
                    let expected = earliest.map(|i| model.swap_remove(i));
                    let got = q.pop();
                    assert_eq!(got, expected.map(|(time, e, _)| (t(time), e)));
                    if let Some((time, _)) = got {
                        now = time.0;
                    }
                    assert_eq!(q.len(), model.len());
                    continue;
                }
            }
            next += 1;
        }
        model.sort_by_key(|&(time, e, _)| (time, e));
        let expected: Vec<(u64, u32)> = model.iter().map(|&(time, e, _)| (time, e)).collect();
        assert_eq!(drain(&mut q), expected);
    }
}
