//! The event queue: events in `(time, seq)` order on a radix-256 timing wheel.
//!
//! Every scheduled event gets a [`TimerHandle`]. Events at the same time pop in the order they
//! were scheduled. The wheel relies on simulated time never going back: every entry in a
//! bucket is due at or after `floor`, the time of the earliest entry last taken out.
//!
//! An entry due at `t` sits in the bucket named by the highest base-256 digit (8 bits of the
//! nanoseconds) in which `t` differs from `floor`: bucket `(level, digit)` holds times that
//! agree with `floor` above `level` and have `digit` there. Scheduling is a push onto one
//! bucket. Popping takes from `ready`, a short run of entries sorted by time; when it runs
//! dry, the lowest non-empty bucket (found with two trailing-zero counts over a bitmap) is
//! emptied: if it is small and low (at most 16 entries, a range of at most 2^16 ns) it is
//! sorted and becomes `ready`, and what is later scheduled within its range joins `ready` in
//! order; otherwise `floor` moves to its earliest entry and each entry moves down to the
//! bucket it belongs to now (as in a radix heap). An entry moves at most once per level it
//! starts above (a 10 ms timer at most twice) and keys are compared only inside a bucket.
//!
//! Order at equal times needs no sequence number: entries due at the same time always share
//! a bucket (or `ready`), buckets are appended to and emptied front to back, an entry moved
//! down lands in a bucket that was empty (every lower bucket is empty when one is emptied),
//! and the sorts are stable; so each bucket stays in scheduling order. An event scheduled
//! before `floor` (never done by a simulation, allowed all the same) joins `ready` in order.
//!
//! Events live in a slot table; buckets hold 16-byte `(time, slot, generation)` entries.
//! Cancelling frees the slot at once (the event is dropped and the handle goes stale); the
//! entry left behind is recognised by its old generation and dropped when its bucket is
//! emptied or it reaches the front of `ready`. Cancelled timers therefore never run and never
//! count in [`EventQueue::len`]. When dead entries make up more than half of those held (past
//! a few thousand), they are swept out in one pass, so memory stays within about twice what is
//! really pending. An emptied bucket gives its buffer to a pool of spares, and an empty
//! bucket takes one from there when first pushed to (`ready` likewise hands on the buffer it
//! lets go): buffers number about as many as buckets in use at once, not one per bucket ever
//! used, so memory stays flat in simulated time. A run whose pending events stay bounded stops
//! allocating once its buffers and slots have grown to that size.
//!
//! Lanes ([`EventQueue::new_lane`]) hold timers of a fixed delay after a clock that never
//! goes back, such as a timeout armed at every request and nearly always cancelled: a FIFO
//! whose due times never decrease. The wheel holds one representative entry per lane (for
//! its earliest live timer, on a slot of the lane's own with generation `u32::MAX`), not one
//! per timer; cancelling only stales the timer's generation. When the representative comes
//! up, the lane's cancelled timers at its front are dropped and it is placed again for the
//! first live one, or that one, if due now, pops in its place. So a lane whose timers are
//! mostly cancelled costs the wheel about one wake per delay, not a move per timer. At equal
//! times a lane's timer pops as if scheduled when its representative was placed (see
//! [`EventQueue::schedule_in_lane`]); a lane's own timers pop in the order scheduled.

use std::collections::VecDeque;

use crate::time::SimTime;

/// Refers to one scheduled event. Stale handles (the event already ran or was cancelled) are
/// recognised by their generation and ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimerHandle {
    slot: u32,
    generation: u32,
}

/// A lane of timers whose due times never decrease (see [`EventQueue::new_lane`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneId(u32);

/// A lane's entries in due order (dead ones until they reach its front or a sweep), and
/// whether its representative is in the wheel.
struct Lane {
    entries: VecDeque<Entry>,
    /// The slot its representative entries name (generation [`REPRESENTATIVE`], no event).
    slot: u32,
    represented: bool,
    /// Due time of the last entry scheduled into it: a later one may not be earlier.
    last: SimTime,
}

/// The generation of a lane's slot: never reached by an event's slot (those retire at
/// `u32::MAX`, and their entries carry a smaller generation), so an entry carrying it is a
/// lane's representative, and it is always live.
const REPRESENTATIVE: u32 = u32::MAX;

/// A bucket or `ready` entry; dead once its slot's generation has moved on.
#[derive(Clone, Copy)]
struct Entry {
    time: SimTime,
    slot: u32,
    generation: u32,
}

/// Bits per digit of a time, buckets per level, levels to cover a `u64` of nanoseconds.
const DIGIT_BITS: u32 = 8;
const DIGITS: usize = 1 << DIGIT_BITS;
const LEVELS: usize = 64_usize.div_ceil(DIGIT_BITS as usize);
const BUCKETS: usize = LEVELS * DIGITS;
/// Words of the occupancy bitmap (one bit per bucket).
const WORDS: usize = BUCKETS.div_ceil(64);
const _: () = assert!(WORDS <= 64, "one summary word covers the bitmap");

/// Below this many entries held, dead ones are left to surface on their own. (Small in unit
/// tests, so that their random runs sweep often.)
const SWEEP_MIN: usize = if cfg!(test) { 64 } else { 4096 };

/// A bucket of at most this many entries is sorted into `ready` rather than spread over the
/// buckets below it.
const SORT_MAX: usize = 16;
/// ... if its level is at most this (so that `ready`'s range stays short).
const SORT_LEVEL_MAX: u32 = 2;

/// The simulation's event queue: events of type `E` due at a [`SimTime`], popped in
/// `(time, scheduling order)`, each cancellable through the [`TimerHandle`] its scheduling
/// returned.
pub struct EventQueue<E> {
    /// No entry is due before it: the time of the last event popped (or looked at).
    floor: SimTime,
    /// Entries due before `ready_end`, sorted by time and then scheduling order; those before
    /// `ready_head` are gone. Every bucket's entries are due at or after `ready_end`.
    ready: Vec<Entry>,
    ready_head: usize,
    ready_end: SimTime,
    /// `LEVELS * DIGITS` buckets, level-major. An empty bucket holds no buffer.
    buckets: Vec<Vec<Entry>>,
    /// Empty buffers of emptied buckets, taken by buckets as they are first pushed to.
    spare: Vec<Vec<Entry>>,
    /// One bit per bucket, in bucket order: set while the bucket is not empty. Buckets are
    /// level-major, so the lowest set bit is the bucket with the earliest entries.
    occupied: [u64; WORDS],
    /// Bit `w`: `occupied[w] != 0`.
    occupied_words: u64,
    /// Entries held in `ready` and the buckets, dead ones included, and how many are dead.
    held: usize,
    dead: usize,
    /// Slot `i` holds an event while it is queued; `generations[i]` grows each time it is
    /// freed. (Apart, so that the liveness checks of moving entries touch only 4 bytes each.)
    events: Vec<Option<E>>,
    generations: Vec<u32>,
    free_slots: Vec<u32>,
    /// Events queued and not cancelled.
    live: usize,
    /// Lanes in the order made, so in the order of their slots.
    lanes: Vec<Lane>,
    /// Times a lane's representative came up.
    #[cfg(test)]
    wakes: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue at time 0.
    pub fn new() -> Self {
        EventQueue {
            floor: SimTime::ZERO,
            ready: Vec::new(),
            ready_head: 0,
            ready_end: SimTime::ZERO,
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            spare: Vec::new(),
            occupied: [0; WORDS],
            occupied_words: 0,
            held: 0,
            dead: 0,
            events: Vec::new(),
            generations: Vec::new(),
            free_slots: Vec::new(),
            live: 0,
            lanes: Vec::new(),
            #[cfg(test)]
            wakes: 0,
        }
    }

    /// Events waiting to run (cancelled ones do not count).
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no live event is waiting (cancelled ones do not count).
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Schedules `event` at `time`; events at the same time run in the order they were
    /// scheduled. (A time before the last event popped is allowed: it runs next.)
    pub fn schedule(&mut self, time: SimTime, event: E) -> TimerHandle {
        let slot = self.occupy_slot(event);
        let entry = Entry {
            time,
            slot,
            generation: self.generations[slot as usize],
        };
        self.held += 1;
        self.place(entry);
        TimerHandle {
            slot,
            generation: entry.generation,
        }
    }

    /// A new lane: a FIFO of timers, each due a fixed delay after a time that never goes back
    /// (such as a timeout armed at every request), so due times never decrease. The wheel
    /// holds one representative entry for the lane (for its earliest live entry), not one per
    /// timer, and cancelling one leaves no work in the wheel.
    pub fn new_lane(&mut self) -> LaneId {
        let slot = u32::try_from(self.events.len()).expect("fewer than 2^32 slots");
        self.events.push(None);
        self.generations.push(REPRESENTATIVE);
        self.lanes.push(Lane {
            entries: VecDeque::new(),
            slot,
            represented: false,
            last: SimTime::ZERO,
        });
        LaneId(self.lanes.len() as u32 - 1)
    }

    /// Schedules `event` at `time` in `lane`. A `time` before the lane's last one is
    /// scheduled on the wheel instead (the lane keeps its order). At equal times, a lane's
    /// event pops as if scheduled when its lane's representative was placed for it: at this
    /// call if the lane had no live entry in the wheel's view (no representative), else when
    /// the entry before it in the lane popped, or when the representative came up and found
    /// the entries before it cancelled. A lane's own entries pop in the order scheduled.
    pub fn schedule_in_lane(&mut self, lane: LaneId, time: SimTime, event: E) -> TimerHandle {
        if time < self.lanes[lane.0 as usize].last {
            return self.schedule(time, event);
        }
        let slot = self.occupy_slot(event);
        let generation = self.generations[slot as usize];
        self.held += 1;
        let l = &mut self.lanes[lane.0 as usize];
        l.last = time;
        l.entries.push_back(Entry {
            time,
            slot,
            generation,
        });
        if !l.represented {
            l.represented = true;
            let representative = Entry {
                time,
                slot: l.slot,
                generation: REPRESENTATIVE,
            };
            self.place(representative);
        }
        TimerHandle { slot, generation }
    }

    /// Removes the earliest event and returns it with its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(SimTime(u64::MAX))
    }

    /// Removes the earliest event if it is due at or before `limit`, and returns it with its
    /// time. (`None` and not [`EventQueue::is_empty`]: the next event is due after `limit`.)
    pub fn pop_due(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        if !self.front_live() || self.ready[self.ready_head].time > limit {
            return None;
        }
        let entry = self.ready[self.ready_head];
        self.ready_head += 1;
        self.held -= 1;
        Some((entry.time, self.release(entry.slot)))
    }

    /// Cancels a scheduled event. Returns the event if it was still queued.
    pub fn cancel(&mut self, handle: TimerHandle) -> Option<E> {
        if !self.is_scheduled(handle) {
            return None;
        }
        let event = self.release(handle.slot);
        self.dead += 1;
        if self.dead > self.held / 2 && self.held > SWEEP_MIN {
            self.sweep();
        }
        Some(event)
    }

    /// Bytes of heap the queue holds (its buffers' capacities), for memory checks.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let entries = self.ready.capacity()
            + self.buckets.iter().map(Vec::capacity).sum::<usize>()
            + self.spare.iter().map(Vec::capacity).sum::<usize>()
            + self
                .lanes
                .iter()
                .map(|l| l.entries.capacity())
                .sum::<usize>();
        entries * size_of::<Entry>()
            + (self.buckets.capacity() + self.spare.capacity()) * size_of::<Vec<Entry>>()
            + self.events.capacity() * size_of::<Option<E>>()
            + self.generations.capacity() * size_of::<u32>()
            + self.free_slots.capacity() * size_of::<u32>()
            + self.lanes.capacity() * size_of::<Lane>()
    }

    /// True while the event behind `handle` is still waiting to run.
    pub fn is_scheduled(&self, handle: TimerHandle) -> bool {
        let slot = handle.slot as usize;
        self.generations.get(slot) == Some(&handle.generation) && self.events[slot].is_some()
    }

    #[inline]
    fn is_live(&self, entry: &Entry) -> bool {
        self.generations[entry.slot as usize] == entry.generation
    }

    /// Puts `entry` where it belongs: in `ready` if due before `ready_end`, else in its bucket.
    #[inline(always)]
    fn place(&mut self, entry: Entry) {
        let differing = entry.time.0 ^ self.floor.0;
        if entry.time < self.ready_end || differing == 0 {
            self.insert_ready(entry);
            return;
        }
        let level = (u64::BITS - 1 - differing.leading_zeros()) / DIGIT_BITS;
        let digit = (entry.time.0 >> (level * DIGIT_BITS)) as usize & (DIGITS - 1);
        let index = level as usize * DIGITS + digit;
        let bucket = &mut self.buckets[index];
        if bucket.len() == bucket.capacity() {
            self.grow_bucket(index);
        }
        self.buckets[index].push(entry);
        self.occupied[index / 64] |= 1 << (index % 64);
        self.occupied_words |= 1 << (index / 64);
    }

    /// A full bucket: an empty one takes a spare buffer (if there is one), a full one grows.
    #[cold]
    #[inline(never)]
    fn grow_bucket(&mut self, index: usize) {
        let bucket = &mut self.buckets[index];
        match self.spare.pop() {
            Some(buffer) if bucket.capacity() == 0 => *bucket = buffer,
            Some(buffer) => {
                self.spare.push(buffer);
                bucket.reserve(1);
            }
            None => bucket.reserve(1),
        }
    }

    /// Keeps `buffer`'s allocation (emptied) for a bucket to come.
    fn give_back(&mut self, mut buffer: Vec<Entry>) {
        if buffer.capacity() > 0 {
            buffer.clear();
            self.spare.push(buffer);
        }
    }

    /// Inserts `entry` into `ready` after every entry due at or before it.
    #[inline]
    fn insert_ready(&mut self, entry: Entry) {
        match self.ready.last() {
            Some(last) if last.time > entry.time => self.insert_ready_before_last(entry),
            _ => self.ready.push(entry),
        }
    }

    #[cold]
    #[inline(never)]
    fn insert_ready_before_last(&mut self, entry: Entry) {
        let waiting = &self.ready[self.ready_head..];
        let position = self.ready_head + waiting.partition_point(|e| e.time <= entry.time);
        self.ready.insert(position, entry);
    }

    /// Drops dead entries at the front of `ready` and refills it from the buckets until a live
    /// entry is at its front. False when no event is pending.
    fn front_live(&mut self) -> bool {
        loop {
            while let Some(&entry) = self.ready.get(self.ready_head) {
                if self.is_live(&entry) {
                    if entry.generation != REPRESENTATIVE {
                        return true;
                    }
                    self.wake_lane(entry);
                    continue;
                }
                self.ready_head += 1;
                self.held -= 1;
                self.dead -= 1;
            }
            if !self.refill_ready() {
                return false;
            }
        }
    }

    /// A lane's representative at the front of `ready`: the lane's cancelled entries at its
    /// front are dropped; a live one due now takes the representative's place (and the next
    /// gets a representative), a later one gets the representative placed again at its time.
    #[inline(never)]
    fn wake_lane(&mut self, representative: Entry) {
        #[cfg(test)]
        {
            self.wakes += 1;
        }
        let lane = self.lanes.partition_point(|l| l.slot < representative.slot);
        self.drop_dead_heads(lane);
        match self.lanes[lane].entries.front().copied() {
            Some(head) if head.time == representative.time => {
                self.lanes[lane].entries.pop_front();
                self.ready[self.ready_head] = head;
                self.represent(lane);
            }
            Some(head) => {
                self.ready_head += 1;
                self.place(Entry {
                    time: head.time,
                    ..representative
                });
            }
            None => {
                self.ready_head += 1;
                self.lanes[lane].represented = false;
            }
        }
    }

    /// Drops the cancelled entries at the front of `lane`.
    fn drop_dead_heads(&mut self, lane: usize) {
        let l = &mut self.lanes[lane];
        while let Some(head) = l.entries.front() {
            if self.generations[head.slot as usize] == head.generation {
                return;
            }
            l.entries.pop_front();
            self.held -= 1;
            self.dead -= 1;
        }
    }

    /// Places a representative for `lane`'s first live entry, if it has one.
    fn represent(&mut self, lane: usize) {
        self.drop_dead_heads(lane);
        let l = &mut self.lanes[lane];
        match l.entries.front() {
            Some(head) => {
                let representative = Entry {
                    time: head.time,
                    slot: l.slot,
                    generation: REPRESENTATIVE,
                };
                self.place(representative);
            }
            None => l.represented = false,
        }
    }

    /// With `ready` used up: empties the lowest non-empty bucket. A level-0 bucket (one time)
    /// or a small one becomes `ready` as it is (sorted by time; the sort is stable), and what
    /// is later scheduled within its range joins it there. A bigger one moves `floor` to its
    /// earliest entry and each entry down to the bucket it belongs to now. False when every
    /// bucket is empty.
    fn refill_ready(&mut self) -> bool {
        self.ready.clear();
        self.ready_head = 0;
        if self.occupied_words == 0 {
            return false;
        }
        let word = self.occupied_words.trailing_zeros() as usize;
        let index = word * 64 + self.occupied[word].trailing_zeros() as usize;
        self.mark_empty(index);
        let level = (index / DIGITS) as u32;
        if level <= SORT_LEVEL_MAX && self.buckets[index].len() <= SORT_MAX {
            // The bucket's buffer becomes `ready` (the old one is kept spare); the bucket's
            // range is where it agrees with `floor` above its level: [its first time rounded
            // down to the level, + one digit there).
            let old = std::mem::replace(&mut self.ready, std::mem::take(&mut self.buckets[index]));
            self.give_back(old);
            sort_by_time(&mut self.ready);
            self.floor = self.ready[0].time;
            let shift = level * DIGIT_BITS;
            let start = self.floor.0 >> shift << shift;
            self.ready_end = SimTime(start.saturating_add(1 << shift));
            return true;
        }
        let mut bucket = std::mem::take(&mut self.buckets[index]);
        // The earliest entry, dead or alive: no live one is earlier, and none is elsewhere.
        self.floor = bucket.iter().map(|e| e.time).min().expect("occupied");
        self.ready_end = SimTime(self.floor.0.saturating_add(1));
        for entry in bucket.drain(..) {
            if self.is_live(&entry) {
                self.place(entry);
            } else {
                self.held -= 1;
                self.dead -= 1;
            }
        }
        self.give_back(bucket);
        true
    }

    fn mark_empty(&mut self, index: usize) {
        let word = index / 64;
        self.occupied[word] &= !(1 << (index % 64));
        if self.occupied[word] == 0 {
            self.occupied_words &= !(1 << word);
        }
    }

    /// Removes every dead entry; what remains keeps its order.
    fn sweep(&mut self) {
        let generations = &self.generations;
        let is_live = |e: &Entry| generations[e.slot as usize] == e.generation;
        self.ready.drain(..self.ready_head);
        self.ready_head = 0;
        self.ready.retain(is_live);
        for bucket in &mut self.buckets {
            bucket.retain(is_live);
        }
        for lane in &mut self.lanes {
            lane.entries.retain(is_live);
        }
        for index in 0..BUCKETS {
            if self.buckets[index].is_empty() {
                self.mark_empty(index);
                let buffer = std::mem::take(&mut self.buckets[index]);
                self.give_back(buffer);
            }
        }
        self.held -= self.dead;
        self.dead = 0;
    }

    #[inline]
    fn occupy_slot(&mut self, event: E) -> u32 {
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.events.push(None);
                self.generations.push(0);
                (self.events.len() - 1) as u32
            }
        };
        self.events[slot as usize] = Some(event);
        self.live += 1;
        slot
    }

    /// Frees `slot` (its handles and entries go stale) and returns its event. A slot whose
    /// generation has reached `u32::MAX` is retired instead of reused, so a generation never
    /// wraps round to match a stale entry.
    #[inline]
    fn release(&mut self, slot: u32) -> E {
        let generation = &mut self.generations[slot as usize];
        *generation += 1;
        if *generation < u32::MAX {
            self.free_slots.push(slot);
        }
        self.live -= 1;
        self.events[slot as usize]
            .take()
            .expect("a queued slot holds its event")
    }
}

/// Stable insertion sort by time: the buckets sorted are small (at most `SORT_MAX`).
#[inline]
fn sort_by_time(entries: &mut [Entry]) {
    for i in 1..entries.len() {
        let entry = entries[i];
        let mut j = i;
        while j > 0 && entries[j - 1].time > entry.time {
            entries[j] = entries[j - 1];
            j -= 1;
        }
        entries[j] = entry;
    }
}

#[cfg(test)]
impl<E> EventQueue<E> {
    /// Entries held, dead ones included.
    fn stored(&self) -> usize {
        let wheel = self.ready[self.ready_head..]
            .iter()
            .chain(self.buckets.iter().flatten());
        let events = wheel.filter(|e| e.generation != REPRESENTATIVE).count();
        events + self.lanes.iter().map(|l| l.entries.len()).sum::<usize>()
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
        // Long timeouts at growing times, nearly all cancelled.
        let mut q = EventQueue::new();
        let mut kept = 0;
        for i in 0..100_000u64 {
            let timeout = q.schedule(t(i + 5_000_000_000), 0u32);
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
    fn pop_due_stops_at_the_limit() {
        let mut q = EventQueue::new();
        q.schedule(t(10), 1u32);
        q.schedule(t(20), 2);
        assert_eq!(q.pop_due(t(15)), Some((t(10), 1)));
        assert_eq!(q.pop_due(t(15)), None);
        assert!(!q.is_empty(), "the event after the limit stays");
        assert_eq!(q.pop_due(t(20)), Some((t(20), 2)));
        assert_eq!(q.pop_due(t(20)), None);
        assert!(q.is_empty());
    }

    #[test]
    fn equal_times_keep_their_order_when_moved_down() {
        // 1 is scheduled far ahead from floor 0; 3 at the same time after the floor has moved
        // close to it; 2 and 4 in between. 1 must still pop before 3.
        let mut q = EventQueue::new();
        q.schedule(t(1_000_000), 1u32);
        q.schedule(t(999_000), 2);
        assert_eq!(q.pop(), Some((t(999_000), 2)));
        q.schedule(t(1_000_000), 3);
        q.schedule(t(999_999), 4);
        assert_eq!(
            drain(&mut q),
            vec![(999_999, 4), (1_000_000, 1), (1_000_000, 3)]
        );
    }

    #[test]
    fn scheduling_before_the_floor_keeps_the_order() {
        let mut q = EventQueue::new();
        q.schedule(t(100), 1u32);
        q.schedule(t(300), 2);
        q.schedule(t(300), 3);
        assert_eq!(q.pop(), Some((t(100), 1)));
        // Looking ahead (nothing is due by 299) moves the floor to 300; an event at 200 is
        // still allowed.
        assert_eq!(q.pop_due(t(299)), None);
        assert_eq!(q.len(), 2);
        q.schedule(t(200), 4);
        q.schedule(t(300), 5);
        assert_eq!(drain(&mut q), vec![(200, 4), (300, 2), (300, 3), (300, 5)]);
    }

    #[test]
    fn cancelled_front_timers_are_gone_and_their_handles_stale() {
        let mut q = EventQueue::new();
        let a = q.schedule(t(1), 1u32);
        let b = q.schedule(t(2), 2);
        let c = q.schedule(t(3), 3);
        assert_eq!(q.cancel(b), Some(2));
        assert_eq!(q.cancel(b), None);
        assert_eq!(q.len(), 2);
        assert_eq!(q.cancel(a), Some(1));
        assert_eq!(q.pop_due(t(2)), None, "dead entries are skipped");
        // b's slot is reused; its stale entry must not come back.
        q.schedule(t(9), 4);
        assert!(!q.is_scheduled(b) && q.is_scheduled(c));
        assert_eq!(drain(&mut q), vec![(3, 3), (9, 4)]);
        assert!(q.is_empty());
    }

    /// A hold model like a simulation's: 4 chains of events, each scheduling its next an
    /// exponential gap (mean 8 ms) later, so ~500 events per simulated second; each event
    /// arms a 1 s and a 50 ms timer (as a route and a per-try timeout), cancelled 1-20 ms
    /// later but for one in 500, which fires. The run starts 100 s before time 2^40 ns, so that
    /// the floor crosses a level-5 digit (every 2^40 ns, ~1,100 s) once before the warm-up
    /// ends (400 s in) and once more before the end (1,210 s in). What the queue holds after
    /// warm-up and at the end must be within 10%: memory follows what is pending, not how
    /// long the run has gone on. (Before emptied buckets gave their buffers back, it held
    /// 1.67 times as much at the end: every bucket kept the buffer it had grown to.)
    #[test]
    fn held_memory_stays_flat_in_simulated_time() {
        use rand::{RngExt, SeedableRng};
        use std::{cmp::Reverse, collections::BinaryHeap};
        const MS: u64 = 1_000_000;
        const TIMER: u32 = 100;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut q = EventQueue::new();
        let start = (1 << 40) - 100_000 * MS;
        for chain in 0..4 {
            q.schedule(t(start + u64::from(chain)), chain);
        }
        let mut to_cancel = BinaryHeap::new();
        let mut warm = 0;
        while let Some((now, chain)) = q.pop() {
            let now = now.0;
            while let Some(&Reverse((at, h))) = to_cancel.peek() {
                if at > now {
                    break;
                }
                to_cancel.pop();
                q.cancel(h);
            }
            if chain == TIMER {
                continue;
            }
            let u: f64 = rng.random_range(f64::EPSILON..1.0);
            q.schedule(t(now + (-u.ln() * 8.0 * MS as f64) as u64), chain);
            for delay in [1000 * MS, 50 * MS] {
                let h = q.schedule(t(now + delay), TIMER);
                if rng.random_range(0..500) != 0 {
                    to_cancel.push(Reverse((now + rng.random_range(MS..20 * MS), h)));
                }
            }
            if warm == 0 && now >= start + 400_000 * MS {
                warm = q.heap_bytes();
            }
            if now >= start + 1_210_000 * MS {
                break;
            }
        }
        let end = q.heap_bytes();
        assert!(
            end * 10 <= warm * 11 && warm * 10 <= end * 11,
            "held {warm} bytes after warm-up and {end} at the end"
        );
    }

    #[test]
    fn lane_timers_pop_in_time_order_with_the_wheel() {
        let mut q = EventQueue::new();
        let lane = q.new_lane();
        for (at, e) in [(10, 1), (20, 2), (30, 3)] {
            q.schedule_in_lane(lane, t(at), e);
        }
        for (at, e) in [(15, 4), (5, 5), (25, 6), (40, 7)] {
            q.schedule(t(at), e);
        }
        assert_eq!(q.len(), 7);
        let popped = drain(&mut q);
        assert_eq!(
            popped,
            [(5, 5), (10, 1), (15, 4), (20, 2), (25, 6), (30, 3), (40, 7)]
        );
    }

    #[test]
    fn cancelled_lane_timers_never_pop_and_do_not_count() {
        let mut q = EventQueue::new();
        let lane = q.new_lane();
        let h: Vec<_> = (0..5)
            .map(|i| q.schedule_in_lane(lane, t(10 * i), i as u32))
            .collect();
        let wheel = q.schedule(t(25), 9);
        assert_eq!(q.cancel(h[0]), Some(0), "the represented head");
        assert_eq!(q.cancel(h[2]), Some(2));
        assert_eq!(q.cancel(h[2]), None, "a second cancel is a no-op");
        assert!(!q.is_scheduled(h[2]) && q.is_scheduled(h[3]) && q.is_scheduled(wheel));
        assert_eq!(q.len(), 4);
        assert_eq!(q.pop(), Some((t(10), 1)));
        assert_eq!(q.cancel(h[4]), Some(4));
        assert_eq!(q.len(), 2);
        assert_eq!(drain(&mut q), [(25, 9), (30, 3)]);
        // All cancelled: the representative comes up, finds nothing, and the lane is idle.
        let a = q.schedule_in_lane(lane, t(50), 10);
        q.cancel(a);
        assert!(q.is_empty());
        assert_eq!(q.pop(), None);
        q.schedule_in_lane(lane, t(60), 11);
        assert_eq!(drain(&mut q), [(60, 11)]);
    }

    #[test]
    fn an_earlier_lane_time_goes_to_the_wheel() {
        let mut q = EventQueue::new();
        let lane = q.new_lane();
        q.schedule_in_lane(lane, t(50), 1u32);
        q.schedule_in_lane(lane, t(20), 2);
        assert_eq!(drain(&mut q), [(20, 2), (50, 1)]);
    }

    /// Ties: a lane's timer pops among the events of its time as if scheduled when its
    /// lane's representative was placed for it.
    #[test]
    fn equal_times_order_lane_timers_by_their_representative() {
        let mut q = EventQueue::new();
        let lane = q.new_lane();
        // The lane is idle: its representative is placed at once, before the wheel's 1.
        q.schedule_in_lane(lane, t(10), 0u32);
        q.schedule(t(10), 1);
        // 2 waits behind 0 in the lane; its representative is placed when 0 pops, after 3.
        q.schedule_in_lane(lane, t(20), 2);
        q.schedule(t(20), 3);
        assert_eq!(drain(&mut q), [(10, 0), (10, 1), (20, 3), (20, 2)]);
        // Lane timers due at one time pop in the order scheduled.
        for e in 4..8 {
            q.schedule_in_lane(lane, t(30), e);
        }
        assert_eq!(drain(&mut q), [(30, 4), (30, 5), (30, 6), (30, 7)]);
    }

    /// An event every 1 ms for 100 s arms a 1 s timer in a lane and cancels it 10 ms later.
    /// The representative comes up at the due time of a cancelled head and skips to the first
    /// live timer, armed up to 10 ms before: about one wake per 0.99 s, so ~101 wakes for
    /// 100,000 timers (on the wheel, each would have moved down and surfaced on its own).
    #[test]
    fn a_lane_of_cancelled_timers_wakes_once_per_delay() {
        const MS: u64 = 1_000_000;
        let mut q = EventQueue::new();
        let lane = q.new_lane();
        let mut armed = VecDeque::new();
        q.schedule(t(0), 0u32);
        while let Some((now, e)) = q.pop() {
            assert_eq!(e, 0, "no timer fires");
            let now = now.0;
            while armed.front().is_some_and(|&(at, _)| at + 10 * MS <= now) {
                let (_, h) = armed.pop_front().expect("a front");
                assert!(q.cancel(h).is_some());
            }
            if now < 100_000 * MS {
                armed.push_back((now, q.schedule_in_lane(lane, t(now + 1000 * MS), 1)));
                q.schedule(t(now + MS), 0);
            } else {
                armed
                    .drain(..)
                    .for_each(|(_, h)| assert!(q.cancel(h).is_some()));
            }
        }
        assert!((95..=105).contains(&q.wakes), "{} wakes", q.wakes);
    }

    /// A run-like mix: the clock advances by popping; events at random times ahead, timers a
    /// few fixed delays ahead (many equal times), random cancels. Every pop must be the
    /// `(time, seq)` minimum of a plain sorted model.
    #[test]
    fn random_run_with_timers_matches_a_sorted_model() {
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

    /// Now and then an event before the floor (below the clock): the queue is placed again.
    #[test]
    fn random_run_with_past_events_matches_a_sorted_model() {
        random_run(13, 20_000, 1, [35, 30, 20]);
    }

    /// Times spread over many levels of the wheel (up to about 2^40 ns ahead).
    #[test]
    fn random_run_over_many_levels_matches_a_sorted_model() {
        random_run(14, 20_000, 1 << 30, [40, 10, 10]);
    }

    /// `shares`: percent of operations that schedule at a random time ahead, schedule a
    /// fixed-delay timer, cancel; the rest pop. With `ahead` above 30, the share above 30 is
    /// scheduled up to 50 ns before the last pop.
    fn random_run(seed: u64, operations: usize, spread: u64, shares: [u32; 3]) {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut q = EventQueue::new();
        let mut model: Vec<(u64, u32, TimerHandle)> = Vec::new();
        let mut now = 0;
        let mut next = 0u32;
        for _ in 0..operations {
            let [ahead, timer, cancel] = shares;
            let r = rng.random_range(0..100);
            match r {
                _ if r < ahead.min(30) => {
                    let time = now + rng.random_range(0..500 * spread);
                    model.push((time, next, q.schedule(t(time), next)));
                }
                _ if r < ahead => {
                    let time = now.saturating_sub(rng.random_range(0..50));
                    model.push((time, next, q.schedule(t(time), next)));
                }
                _ if r < ahead + timer => {
                    let kind = rng.random_range(0..3);
                    let delay = ([100, 250, 1000][kind] - rng.random_range(0..2) * 50) * spread;
                    let h = q.schedule(t(now + delay), next);
                    model.push((now + delay, next, h));
                }
                _ if r < ahead + timer + cancel => {
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
