//! A backend host's service starts and ends: under `fifo` each request's end is scheduled when
//! it starts; under `processor_sharing` only the next end of the shared server is scheduled,
//! and moved whenever a request enters or leaves service.

use super::Simulation;
use super::events::Event;
use crate::scenario::ServiceModel;
use crate::time::SimDuration;
use crate::world::backend::Job;

impl Simulation<'_> {
    /// `job` enters service at `host`, needing `service`. Under `processor_sharing` the next
    /// completion is moved by [`service_changed`](Self::service_changed), once the event is
    /// handled.
    pub(super) fn begin_service(&mut self, host: usize, job: Job, service: SimDuration) {
        self.rec_attempt(job.attempt, |request, attempt| {
            super::record::What::ServiceStart { request, attempt }
        });
        let b = &mut self.backends[host];
        match b.model {
            ServiceModel::Fifo => {
                let event = Event::ServiceDone {
                    attempt: job.attempt,
                    conn: job.conn,
                    host: host as u32,
                    epoch: b.epoch(),
                    due: b.pausing.running(self.now).saturating_add(service.0),
                };
                self.schedule(self.now.after(service), event);
            }
            ServiceModel::ProcessorSharing => b.shared.add(self.now, service, job),
        }
    }

    /// A ServiceDone event of the current epoch ends `job`'s service: under
    /// `processor_sharing` it leaves the shared server (it is the one the event was for).
    pub(super) fn end_service(&mut self, host: usize, job: Job) {
        let b = &mut self.backends[host];
        if b.model == ServiceModel::ProcessorSharing {
            self.service_timers[host] = None;
            let done = b.shared.complete(self.now);
            debug_assert_eq!(done, Some(job), "the shared server's next completion");
        }
    }

    /// The requests in service at `host` changed: under `processor_sharing`, its one pending
    /// completion is cancelled and the new next one scheduled.
    pub(super) fn service_changed(&mut self, host: usize) {
        let b = &self.backends[host];
        if b.model != ServiceModel::ProcessorSharing {
            return;
        }
        let next = b.shared.next_completion();
        let epoch = b.epoch();
        let old = self.service_timers[host].take();
        self.cancel(old);
        if let Some((at, job)) = next {
            let event = Event::ServiceDone {
                attempt: job.attempt,
                conn: job.conn,
                host: host as u32,
                epoch,
                due: 0,
            };
            self.service_timers[host] = Some(self.schedule(at, event));
        }
    }
}
