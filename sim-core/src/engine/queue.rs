//! An indexed binary min-heap of events keyed by `(time, seq)`.
//!
//! Every scheduled event gets a [`TimerHandle`]; cancelling removes the entry from the heap at
//! once (O(log n)), so cancelled timers never pile up. Equal times pop in insertion order because
//! `seq` grows with every push. The heap and its slot table are reused, so a run that keeps the
//! number of pending events bounded does not allocate once they have grown to that size.

use crate::time::SimTime;

/// Refers to one scheduled event. Stale handles (the event already ran or was cancelled) are
/// recognised by their generation and ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimerHandle {
    slot: u32,
    generation: u32,
}

struct Entry<E> {
    time: SimTime,
    seq: u64,
    slot: u32,
    event: E,
}

impl<E> Entry<E> {
    #[inline]
    fn key(&self) -> (SimTime, u64) {
        (self.time, self.seq)
    }
}

/// Where a slot's event sits in the heap (`NOT_QUEUED` when the slot is free).
struct Slot {
    position: u32,
    generation: u32,
}

const NOT_QUEUED: u32 = u32::MAX;

pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
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
            slots: Vec::new(),
            free_slots: Vec::new(),
            next_seq: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|e| e.time)
    }

    /// Schedules `event` at `time`; events at the same time run in the order they were scheduled.
    pub fn schedule(&mut self, time: SimTime, event: E) -> TimerHandle {
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.slots.push(Slot {
                    position: NOT_QUEUED,
                    generation: 0,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        let position = self.heap.len();
        self.heap.push(Entry {
            time,
            seq,
            slot,
            event,
        });
        self.slots[slot as usize].position = position as u32;
        self.sift_up(position);
        TimerHandle {
            slot,
            generation: self.slots[slot as usize].generation,
        }
    }

    /// Removes the earliest event and returns it with its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if self.heap.is_empty() {
            return None;
        }
        let entry = self.remove_at(0);
        Some((entry.time, entry.event))
    }

    /// Cancels a scheduled event. Returns the event if it was still queued.
    pub fn cancel(&mut self, handle: TimerHandle) -> Option<E> {
        let slot = self.slots.get(handle.slot as usize)?;
        if slot.generation != handle.generation || slot.position == NOT_QUEUED {
            return None;
        }
        let position = slot.position as usize;
        Some(self.remove_at(position).event)
    }

    /// True while the event behind `handle` is still waiting to run.
    pub fn is_scheduled(&self, handle: TimerHandle) -> bool {
        self.slots
            .get(handle.slot as usize)
            .is_some_and(|s| s.generation == handle.generation && s.position != NOT_QUEUED)
    }

    fn remove_at(&mut self, position: usize) -> Entry<E> {
        let last = self.heap.len() - 1;
        self.heap.swap(position, last);
        let entry = self.heap.pop().expect("heap is not empty");
        self.release_slot(entry.slot);
        if position < self.heap.len() {
            self.slots[self.heap[position].slot as usize].position = position as u32;
            let moved_up = self.sift_up(position);
            if !moved_up {
                self.sift_down(position);
            }
        }
        entry
    }

    fn release_slot(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.position = NOT_QUEUED;
        s.generation = s.generation.wrapping_add(1);
        self.free_slots.push(slot);
    }

    /// Moves the entry at `position` up while it is earlier than its parent. True if it moved.
    fn sift_up(&mut self, mut position: usize) -> bool {
        let start = position;
        while position > 0 {
            let parent = (position - 1) / 2;
            if self.heap[position].key() >= self.heap[parent].key() {
                break;
            }
            self.swap_entries(position, parent);
            position = parent;
        }
        position != start
    }

    fn sift_down(&mut self, mut position: usize) {
        let len = self.heap.len();
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
            if self.heap[child].key() >= self.heap[position].key() {
                break;
            }
            self.swap_entries(position, child);
            position = child;
        }
    }

    fn swap_entries(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.slots[self.heap[a].slot as usize].position = a as u32;
        self.slots[self.heap[b].slot as usize].position = b as u32;
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
        assert!(drain(&mut q).iter().all(|&(_, e)| e == 1));
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
}
