//! Backend hosts' stop-the-world pauses as events: a pause starts (the process stops; the
//! shared server stands still), a completion it held back is moved on, and a pause ends (the
//! server goes on, starts what waits and reads the requests the kernel held, in order).

use super::Simulation;
use super::events::Event;
use crate::envoy::conn_pool::ConnId;
use crate::slab::Key;
use crate::time::SimTime;

impl Simulation<'_> {
    /// Each host with `pauses` gets its first pause.
    pub(super) fn schedule_first_pauses(&mut self) {
        for host in 0..self.backends.len() {
            if let Some(at) = self.backends[host].pausing.first_start() {
                let host = host as u32;
                self.schedule(at, Event::PauseStart { host });
            }
        }
    }

    /// A pause is due: the process stops, unless it is crashed (nothing to pause; the
    /// schedule goes on). Under `processor_sharing` the pending completion is withdrawn.
    pub(super) fn on_pause_start(&mut self, host: usize) {
        let b = &mut self.backends[host];
        let stop = !b.behaviour.crashed;
        let end = b.pausing.start(self.now, stop);
        if stop {
            b.shared.pause(self.now);
            self.service_changed(host);
        }
        let host = host as u32;
        self.schedule(end, Event::PauseEnd { host });
    }

    /// A `fifo` completion fired before its work was done (a pause stopped the host since it
    /// was scheduled): it fires again when it will be, `later`.
    pub(super) fn service_held_back(
        &mut self,
        later: SimTime,
        attempt: Key,
        conn: ConnId,
        host: usize,
        due: u64,
    ) {
        let event = Event::ServiceDone {
            attempt,
            conn,
            host: host as u32,
            epoch: self.backends[host].epoch(),
            due,
        };
        self.schedule(later, event);
    }

    /// The pause ends (if a crash has not ended it) and the next one is scheduled. The process
    /// goes on where it stopped: the shared server runs again, waiting requests start if a
    /// phase freed slots, then the requests the kernel held are read in arrival order, each
    /// as it would have been on arrival.
    pub(super) fn on_pause_end(&mut self, host: usize) {
        let b = &mut self.backends[host];
        let was_paused = b.pausing.is_paused();
        let next = b.pausing.end(self.now);
        self.schedule(next, Event::PauseStart { host: host as u32 });
        if !was_paused {
            return;
        }
        self.backends[host].shared.resume(self.now);
        self.resume_accept_loop(host);
        self.start_waiting_jobs(host);
        while let Some(job) = self.backends[host].next_held() {
            self.on_request_at_backend(job.attempt, job.conn, host);
        }
    }
}
