//! A backend host's stop-the-world pauses (`pauses`): their schedule, drawn from a stream of the
//! host's own, and the host's running clock, which stands still while the process is paused.
//!
//! The running clock `R(t)` is real time less the time paused so far. A request whose service
//! needs `w` and starts at `s` is done when `R` reaches `R(s) + w`: under `fifo` its completion
//! is scheduled at `s + w` (the earliest it can be) and, when it fires short of that, moved on
//! by what is left ([`Pausing::recheck`]); so a pause costs each request in service at most one
//! more event.

use rand::RngExt;

use crate::dist::Distribution;
use crate::rng::{SimRng, StreamKind, stream};
use crate::scenario::Pauses;
use crate::time::{SimDuration, SimTime};

/// The pause schedule of a host with `pauses`.
#[derive(Clone, Debug)]
struct Schedule {
    every: Distribution,
    duration: Distribution,
    first: Option<SimDuration>,
    rng: SimRng,
}

/// Whether a host's process is paused, and its running clock.
#[derive(Clone, Debug, Default)]
pub struct Pausing {
    /// `None`: the host never pauses (no draw, no event, `R(t) = t`). Boxed: its distributions
    /// and random stream are read only when a pause starts or ends, and would otherwise spread
    /// the backend's per-request fields over more cache lines.
    schedule: Option<Box<Schedule>>,
    paused: bool,
    /// When the current pause started.
    paused_at: SimTime,
    /// When the current pause is due to end.
    resume_at: SimTime,
    /// Real ns paused before the current pause.
    stopped: u64,
}

impl Pausing {
    /// The pauses of host `index` (its stream id) under `seed`, if its group has any.
    pub fn new(pauses: Option<&Pauses>, seed: u64, index: u64) -> Self {
        let schedule = pauses.map(|p| {
            Box::new(Schedule {
                every: p.every.clone(),
                duration: p.duration.clone(),
                first: p.first,
                rng: stream(seed, StreamKind::BackendPauses, index),
            })
        });
        Pausing {
            schedule,
            ..Pausing::default()
        }
    }

    /// When the first pause starts: `first`, or uniform in `[0, g)` for a draw `g` of `every`
    /// (0 when `g` is 0). `None` for a host without pauses.
    pub fn first_start(&mut self) -> Option<SimTime> {
        let s = self.schedule.as_mut()?;
        let at = match s.first {
            Some(at) => at,
            None => {
                let g = s.every.sample(&mut s.rng).0;
                SimDuration(if g == 0 { 0 } else { s.rng.random_range(0..g) })
            }
        };
        Some(SimTime::ZERO.after(at))
    }

    /// A pause is due at `now`: its length is drawn, and the process stops if `stop` (a
    /// crashed host has nothing to pause, but its schedule goes on). Returns when it ends.
    pub fn start(&mut self, now: SimTime, stop: bool) -> SimTime {
        let s = self.schedule.as_mut().expect("a host with pauses");
        let end = now.after(s.duration.sample(&mut s.rng));
        if stop {
            self.paused = true;
            self.paused_at = now;
            self.resume_at = end;
        }
        end
    }

    /// The pause due to end at `now` ends (if a crash has not ended it already); the gap to the
    /// next is drawn. Returns when the next pause starts.
    pub fn end(&mut self, now: SimTime) -> SimTime {
        self.interrupt(now);
        let s = self.schedule.as_mut().expect("a host with pauses");
        now.after(s.every.sample(&mut s.rng))
    }

    /// The process is gone (a crash): a pause in progress ends now.
    pub fn interrupt(&mut self, now: SimTime) {
        if self.paused {
            self.stopped += now.since(self.paused_at).0;
            self.paused = false;
        }
    }

    /// The process is paused now.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// The running clock at `now`, in ns: real time less the time paused.
    pub fn running(&self, now: SimTime) -> u64 {
        let until = if self.paused { self.paused_at } else { now };
        until.0 - self.stopped
    }

    /// A completion due at running time `due` fires at `now`: `None` if the work is done, or
    /// when to look again (pauses since it was scheduled held it back).
    pub fn recheck(&self, now: SimTime, due: u64) -> Option<SimTime> {
        self.schedule.as_ref()?;
        let left = due.saturating_sub(self.running(now));
        if self.paused {
            Some(self.resume_at.after(SimDuration(left)))
        } else {
            (left > 0).then(|| now.after(SimDuration(left)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    fn pauses(every: u64, duration: u64, first: Option<u64>) -> Pauses {
        Pauses {
            every: Distribution::Constant(SimDuration(every * MS)),
            duration: Distribution::Constant(SimDuration(duration * MS)),
            first: first.map(|f| SimDuration(f * MS)),
        }
    }

    fn at(ms: u64) -> SimTime {
        SimTime(ms * MS)
    }

    /// Worked by hand: first pause at 30 ms for 50 ms, then 200 ms of running between pauses:
    /// paused 30–80 ms and 280–330 ms. A request of 100 ms of work started at 0 (due at
    /// R = 100 ms) fires at 100 ms with R = 50 ms, is moved to 150 ms, and is done there.
    #[test]
    fn a_pause_moves_a_completion_by_its_length() {
        let mut p = Pausing::new(Some(&pauses(200, 50, Some(30))), 1, 0);
        assert_eq!(p.first_start(), Some(at(30)));
        assert_eq!(p.start(at(30), true), at(80));
        assert!(p.is_paused());
        assert_eq!(p.running(at(60)), 30 * MS, "the clock stands still");
        assert_eq!(p.recheck(at(60), 100 * MS), Some(at(150)));
        assert_eq!(p.end(at(80)), at(280));
        assert_eq!(p.recheck(at(100), 100 * MS), Some(at(150)));
        assert_eq!(p.recheck(at(150), 100 * MS), None);
        assert_eq!(p.start(at(280), true), at(330));
        assert_eq!(p.end(at(330)), at(530));
        assert_eq!(p.running(at(400)), 300 * MS);
    }

    /// A crash at 50 ms ends the pause begun at 30 ms (20 ms paused); the planned end at 80 ms
    /// then only draws the gap. A pause due while crashed stops nothing.
    #[test]
    fn a_crash_ends_a_pause_and_a_crashed_host_does_not_pause() {
        let mut p = Pausing::new(Some(&pauses(200, 50, Some(30))), 1, 0);
        p.start(at(30), true);
        p.interrupt(at(50));
        assert!(!p.is_paused());
        assert_eq!(p.running(at(60)), 40 * MS);
        assert_eq!(p.end(at(80)), at(280));
        assert_eq!(p.running(at(100)), 80 * MS);
        assert_eq!(p.start(at(280), false), at(330));
        assert!(!p.is_paused());
        assert_eq!(p.running(at(300)), 280 * MS);
    }

    /// Without `pauses` the clock is real time and nothing is ever held back.
    #[test]
    fn a_host_without_pauses_runs_on_real_time() {
        let mut p = Pausing::new(None, 1, 0);
        assert_eq!(p.first_start(), None);
        assert_eq!(p.running(at(7)), 7 * MS);
        assert_eq!(p.recheck(at(7), 9 * MS), None);
    }

    /// Without `first`, hosts draw their own first pause within one `every`, from their own
    /// streams: host 0 and host 1 differ, and the same host under the same seed is the same.
    #[test]
    fn hosts_draw_their_own_first_pause() {
        let p = pauses(10_000, 300, None);
        let first = |i| Pausing::new(Some(&p), 7, i).first_start().unwrap();
        assert_eq!(first(0), first(0));
        assert_ne!(first(0), first(1));
        assert!(first(0) < at(10_000) && first(1) < at(10_000));
    }
}
