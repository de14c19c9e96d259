//! Processor sharing in whole nanoseconds: the requests in service share one server, each of
//! `k` progressing at rate `1/k`, so each arrival and completion moves every other completion.
//!
//! Kept as a virtual clock `V`: the work (ns) each request in service has received since the
//! server's origin. A request of work `w` arriving at `V = v` is done when `V` reaches `v + w`.
//! Over `dt` real ns with `k` in service, `V` grows by `(carry + dt) / k` (whole ns) and the
//! remainder stays in `carry`, so no real nanosecond is lost: a busy period lasts exactly the
//! sum of its requests' work. The next completion is the least `v + w` (ties in arrival order);
//! it falls `r × k − carry` real ns after the last update, `r` being its remaining work.
//! Rounding: a request arriving while `carry > 0` shares those few real ns with the others,
//! so each arrival may move the others' completions by under `k` ns against exact sharing.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::backend::Job;
use crate::time::{SimDuration, SimTime};

/// The requests in service at one processor-sharing host.
#[derive(Clone, Debug, Default)]
pub struct SharedServer {
    /// Work (ns) each request in service has received since the origin.
    virtual_ns: u64,
    /// Real ns elapsed since the last update of `virtual_ns` not yet turned into work.
    carry: u64,
    /// When `virtual_ns` and `carry` were last brought up to date.
    last: SimTime,
    /// Requests in service by (virtual finish, arrival number): least first.
    jobs: BinaryHeap<Reverse<(u64, u64, Job)>>,
    /// Arrivals so far: the tie order.
    arrivals: u64,
    /// The host is paused: the server stands still and nothing completes.
    paused: bool,
}

impl SharedServer {
    /// Requests in service.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// No request in service.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Turns the real time since the last update into work for each request in service.
    fn advance(&mut self, now: SimTime) {
        let k = self.jobs.len() as u64;
        let dt = now.since(self.last).0;
        self.last = now;
        if k == 0 {
            self.carry = 0;
            return;
        }
        let total = self.carry + dt;
        self.virtual_ns += total / k;
        self.carry = total % k;
    }

    /// `job` enters service at `now` needing `work` of the whole server.
    pub fn add(&mut self, now: SimTime, work: SimDuration, job: Job) {
        debug_assert!(!self.paused, "no service starts during a pause");
        self.advance(now);
        let finish = self.virtual_ns.saturating_add(work.0);
        self.jobs.push(Reverse((finish, self.arrivals, job)));
        self.arrivals += 1;
    }

    /// The host's process stops at `now`: the work done so far is counted, and none is done
    /// until [`resume`](Self::resume).
    pub fn pause(&mut self, now: SimTime) {
        self.advance(now);
        self.paused = true;
    }

    /// The host's process goes on at `now`, where it stopped: the real time paused gives no
    /// work (the carry of real ns from before the pause is kept).
    pub fn resume(&mut self, now: SimTime) {
        self.last = now;
        self.paused = false;
    }

    /// When the next request will be done, and which, if nothing arrives before (none while
    /// the host is paused).
    pub fn next_completion(&self) -> Option<(SimTime, Job)> {
        if self.paused {
            return None;
        }
        let Reverse((finish, _, job)) = *self.jobs.peek()?;
        let k = self.jobs.len() as u64;
        let remaining = finish.saturating_sub(self.virtual_ns);
        let real = remaining.saturating_mul(k).saturating_sub(self.carry);
        Some((self.last.after(SimDuration(real)), job))
    }

    /// The next request is done at `now` (its [`next_completion`](Self::next_completion)):
    /// it leaves service.
    pub fn complete(&mut self, now: SimTime) -> Option<Job> {
        debug_assert!(!self.paused, "nothing completes during a pause");
        self.advance(now);
        let Reverse((finish, _, job)) = self.jobs.pop()?;
        debug_assert!(
            finish <= self.virtual_ns,
            "completed before its work was done"
        );
        Some(job)
    }

    /// The host crashed: every request in service is lost.
    pub fn clear(&mut self) {
        self.jobs.clear();
        self.carry = 0;
        self.paused = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::backend::jobs;

    fn at(ns: u64) -> SimTime {
        SimTime::ZERO.after(SimDuration(ns))
    }

    /// Runs the server to empty: each completion's time and request, in order.
    fn drain(s: &mut SharedServer) -> Vec<(u64, Job)> {
        let mut out = Vec::new();
        while let Some((t, job)) = s.next_completion() {
            assert_eq!(s.complete(t), Some(job));
            out.push((t.since(SimTime::ZERO).0, job));
        }
        out
    }

    const S: u64 = 1_000_000_000;

    /// Worked by hand: 1 s and 2 s of work at 0. Two share the server until the first has had
    /// its 1 s, at 2 s; the second, alone, needs its last 1 s: done at 3 s.
    #[test]
    fn two_requests_of_one_and_two_seconds_finish_at_two_and_three() {
        let j = jobs(2);
        let mut s = SharedServer::default();
        s.add(at(0), SimDuration(S), j[0]);
        s.add(at(0), SimDuration(2 * S), j[1]);
        assert_eq!(drain(&mut s), vec![(2 * S, j[0]), (3 * S, j[1])]);
    }

    /// Worked by hand: as above, and a third of 1 s arrives at 0.5 s. Until then each of the
    /// two got 0.25 s, so C's finish is V = 1.25 s (A's 1 s, B's 2 s). Three share: A needs
    /// 0.75 s more, 2.25 s of real time, done at 2.75 s (V = 1 s). Two share: C needs 0.25 s,
    /// done at 3.25 s (V = 1.25 s). B alone needs 0.75 s: done at 4 s, the total work.
    #[test]
    fn a_third_arrival_at_half_a_second_slows_both() {
        let j = jobs(3);
        let mut s = SharedServer::default();
        s.add(at(0), SimDuration(S), j[0]);
        s.add(at(0), SimDuration(2 * S), j[1]);
        assert_eq!(s.next_completion(), Some((at(2 * S), j[0])));
        s.add(at(S / 2), SimDuration(S), j[2]);
        assert_eq!(s.next_completion(), Some((at(2_750_000_000), j[0])));
        assert_eq!(
            drain(&mut s),
            vec![(2_750_000_000, j[0]), (3_250_000_000, j[2]), (4 * S, j[1])]
        );
    }

    /// Equal work at the same time: all done at once, in arrival order (3 × 10 ns = 30 ns).
    #[test]
    fn ties_complete_together_in_arrival_order() {
        let j = jobs(3);
        let mut s = SharedServer::default();
        for &job in &j {
            s.add(at(0), SimDuration(10), job);
        }
        assert_eq!(drain(&mut s), vec![(30, j[0]), (30, j[1]), (30, j[2])]);
    }

    /// Worked by hand, whole ns: A and B of 2 ns at 0; C of 2 ns at 1 ns, when each of A and
    /// B has had half a ns (V = 0, carry 1). C's finish is V = 2 like theirs; with carry 1 the
    /// three are done at 1 + 2 × 3 − 1 = 6 ns, in arrival order: the busy period lasts exactly
    /// the 6 ns of work (exact sharing would end A and B at 5.5 ns, C at 6 ns).
    #[test]
    fn fractions_of_a_nanosecond_are_carried_not_lost() {
        let j = jobs(3);
        let mut s = SharedServer::default();
        s.add(at(0), SimDuration(2), j[0]);
        s.add(at(0), SimDuration(2), j[1]);
        s.add(at(1), SimDuration(2), j[2]);
        assert_eq!(drain(&mut s), vec![(6, j[0]), (6, j[1]), (6, j[2])]);
    }

    /// Worked by hand: A (100 ms) and B (200 ms) at 0, a pause from 50 to 150 ms. By 50 ms
    /// each had 25 ms; the pause gives none. From 150 ms A needs 75 ms more, 150 ms shared:
    /// done at 300 ms (200 ms without the pause, plus its 100 ms); B, alone, its last 100 ms:
    /// done at 400 ms, the 300 ms of work plus the pause.
    #[test]
    fn a_pause_stops_the_shared_server() {
        const MS: u64 = 1_000_000;
        let j = jobs(2);
        let mut s = SharedServer::default();
        s.add(at(0), SimDuration(100 * MS), j[0]);
        s.add(at(0), SimDuration(200 * MS), j[1]);
        s.pause(at(50 * MS));
        assert_eq!(s.next_completion(), None, "nothing completes while paused");
        s.resume(at(150 * MS));
        assert_eq!(drain(&mut s), vec![(300 * MS, j[0]), (400 * MS, j[1])]);
    }

    /// An idle gap resets nothing it should not: a request after the server emptied is served
    /// at full speed from its arrival.
    #[test]
    fn after_an_idle_gap_a_request_runs_alone_at_full_speed() {
        let j = jobs(2);
        let mut s = SharedServer::default();
        s.add(at(0), SimDuration(5), j[0]);
        assert_eq!(drain(&mut s), vec![(5, j[0])]);
        s.add(at(100), SimDuration(7), j[1]);
        assert_eq!(drain(&mut s), vec![(107, j[1])]);
        s.add(at(200), SimDuration(7), j[0]);
        s.clear();
        assert!(s.is_empty() && s.next_completion().is_none());
    }
}
