//! Synthetic clients: closed-loop workers like `hey` (send, wait for the response, pause,
//! repeat) and open-loop arrivals at a constant rate or as a Poisson process.

use rand::RngExt;

use crate::dist::Distribution;
use crate::rng::{SimRng, StreamKind, stream};
use crate::scenario::{Arrivals, Client, ClientKind};
use crate::time::{SimDuration, SimTime};

/// One closed-loop worker and its downstream connection.
#[derive(Clone, Debug)]
pub struct Worker {
    /// Requests it may still send (`None`: until the client's end).
    pub remaining: Option<u64>,
    /// The Envoy worker that accepted its keep-alive connection, once connected.
    pub envoy_worker: Option<u32>,
}

#[derive(Clone, Debug)]
/// One client of the scenario while it runs: its workers (closed loop) or arrival process
/// (open loop), its window of time and its random stream.
pub struct ClientRuntime {
    /// `name`, or `client-<index>`.
    pub name: String,
    /// Closed loop (workers) or open loop (arrivals at `rate`).
    pub kind: ClientKind,
    /// When it sends its first request.
    pub start: SimTime,
    /// No request is sent at or after this time.
    pub end: Option<SimTime>,
    /// Keep the downstream connection open between requests (else one per request).
    pub keep_alive: bool,
    /// Closed-loop workers (none for an open-loop client).
    pub workers: Vec<Worker>,
    turnaround: Distribution,
    /// Gap between the first requests of consecutive workers.
    pub worker_start_interval: SimDuration,
    rate: f64,
    arrivals: Arrivals,
    /// Its own random stream (turnaround pauses, Poisson gaps, Envoy worker choice).
    pub rng: SimRng,
}

/// Where a request enters Envoy, and whether it first opens a downstream connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Downstream {
    /// The Envoy worker (0-based) whose listener takes the request.
    pub envoy_worker: u32,
    /// Whether the request opens a new downstream connection first (no keep-alive, or the first).
    pub new_connection: bool,
}

impl ClientRuntime {
    /// Client `index` of the scenario, with its own stream derived from `seed`; `scenario_duration`
    /// ends it when it has no `duration` of its own.
    pub fn new(
        index: usize,
        c: &Client,
        scenario_duration: Option<SimDuration>,
        seed: u64,
    ) -> Self {
        let start = SimTime::ZERO.after(c.start);
        let end = c
            .duration
            .map(|d| start.after(d))
            .or_else(|| scenario_duration.map(|d| SimTime::ZERO.after(d)));
        let workers = (0..c.workers.map_or(0, |w| w.get()))
            .map(|_| Worker {
                remaining: c.requests_per_worker,
                envoy_worker: None,
            })
            .collect();
        ClientRuntime {
            name: c.name.clone().unwrap_or_else(|| format!("client-{index}")),
            kind: c.kind,
            start,
            end,
            keep_alive: c.keep_alive,
            workers,
            turnaround: c.turnaround.clone().unwrap_or_default(),
            worker_start_interval: c.worker_start_interval.unwrap_or(SimDuration::ZERO),
            rate: c.rate.unwrap_or(0.0),
            arrivals: c.arrivals.unwrap_or_default(),
            rng: stream(seed, StreamKind::Client, index as u64),
        }
    }

    /// Whether it may send a request at `t`: from `start` until before `end`.
    pub fn is_open_at(&self, t: SimTime) -> bool {
        t >= self.start && self.end.is_none_or(|end| t < end)
    }

    /// Time from one open-loop arrival to the next.
    pub fn next_gap(&mut self) -> SimDuration {
        let mean_ns = 1e9 / self.rate;
        let gap = match self.arrivals {
            Arrivals::Constant => mean_ns,
            Arrivals::Poisson => crate::dist::standard_exponential(&mut self.rng) * mean_ns,
        };
        SimDuration(gap.round().max(1.0) as u64)
    }

    /// The first open-loop arrival: at the start for constant arrivals, one gap later for Poisson.
    pub fn first_arrival(&mut self) -> SimTime {
        match self.arrivals {
            Arrivals::Constant => self.start,
            Arrivals::Poisson => {
                let gap = self.next_gap();
                self.start.after(gap)
            }
        }
    }

    /// Client-side pause between a response and the worker's next request.
    pub fn turnaround(&mut self) -> SimDuration {
        self.turnaround.sample(&mut self.rng)
    }

    /// True if closed-loop worker `w` has requests left; counts one off if so.
    pub fn take_request(&mut self, w: usize) -> bool {
        match &mut self.workers[w].remaining {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => true,
        }
    }

    /// The Envoy worker a request goes to. A closed-loop worker keeps its connection (and so
    /// its Envoy worker) with keep-alive; otherwise every request opens a connection that the
    /// kernel hands to a uniformly random Envoy worker (SO_REUSEPORT). Open-loop requests with
    /// keep-alive use warm connections spread uniformly over the workers.
    pub fn downstream(&mut self, worker: Option<usize>, concurrency: u32) -> Downstream {
        if let Some(w) = worker.filter(|_| self.keep_alive)
            && let Some(envoy_worker) = self.workers[w].envoy_worker
        {
            return Downstream {
                envoy_worker,
                new_connection: false,
            };
        }
        let envoy_worker = self.rng.random_range(0..concurrency);
        if let Some(w) = worker.filter(|_| self.keep_alive) {
            self.workers[w].envoy_worker = Some(envoy_worker);
            return Downstream {
                envoy_worker,
                new_connection: true,
            };
        }
        Downstream {
            envoy_worker,
            new_connection: !self.keep_alive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn closed(workers: u32, requests: u64, keep_alive: bool) -> Client {
        Client {
            name: None,
            kind: ClientKind::ClosedLoop,
            start: SimDuration::ZERO,
            duration: None,
            keep_alive,
            workers: NonZeroU32::new(workers),
            requests_per_worker: Some(requests),
            turnaround: None,
            worker_start_interval: None,
            rate: None,
            arrivals: None,
            proxy_group: None,
            split: None,
        }
    }

    #[test]
    fn closed_loop_workers_send_exactly_their_requests() {
        let mut c = ClientRuntime::new(0, &closed(2, 4, true), None, 1);
        let sent = (0..10).filter(|_| c.take_request(0)).count();
        assert_eq!(sent, 4);
        assert!(c.take_request(1));
    }

    #[test]
    fn keep_alive_connections_stay_on_their_envoy_worker() {
        let mut c = ClientRuntime::new(0, &closed(1, 10, true), None, 1);
        let first = c.downstream(Some(0), 8);
        assert!(first.new_connection);
        for _ in 0..5 {
            let next = c.downstream(Some(0), 8);
            assert_eq!(next.envoy_worker, first.envoy_worker);
            assert!(!next.new_connection);
        }
        let mut fresh = ClientRuntime::new(0, &closed(1, 10, false), None, 1);
        assert!(fresh.downstream(Some(0), 8).new_connection);
        assert!(fresh.downstream(Some(0), 8).new_connection);
    }

    #[test]
    fn constant_arrivals_are_evenly_spaced_and_poisson_average_the_rate() {
        let mut open = Client {
            kind: ClientKind::OpenLoop,
            workers: None,
            requests_per_worker: None,
            rate: Some(200.0),
            arrivals: Some(Arrivals::Constant),
            ..closed(1, 1, true)
        };
        let mut c = ClientRuntime::new(0, &open, Some(SimDuration::from_secs(1)), 1);
        assert_eq!(c.first_arrival(), SimTime::ZERO);
        assert_eq!(c.next_gap(), SimDuration::from_millis(5));
        open.arrivals = Some(Arrivals::Poisson);
        let mut p = ClientRuntime::new(0, &open, None, 1);
        let n = 50_000;
        let mean = (0..n).map(|_| p.next_gap().0 as f64).sum::<f64>() / n as f64;
        assert!((mean - 5e6).abs() < 5e4, "mean gap {mean}");
    }
}
