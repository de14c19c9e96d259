//! The event queue alone (`sim_core::engine::EventQueue`), under the classic "hold" workload:
//! pop the earliest event, push one back at its time plus a random increment, so the number of
//! pending events stays constant. At 16, 4,096 and 65,536 pending events; throughput in holds
//! per second (one hold = one pop + one schedule, i.e. one event processed).
//!
//! The increments are exponential (mean 1 ms), drawn beforehand from a fixed-seed ChaCha8
//! stream with sim-core's own `Distribution`, and cycled: the timed loop does no random
//! drawing, so it measures the queue and not the generator.
//!
//!     cargo bench --bench engine

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim_core::dist::Distribution;
use sim_core::engine::EventQueue;
use sim_core::rng::{StreamKind, stream};
use sim_core::time::{SimDuration, SimTime};

/// Pending events held in the queue.
const SIZES: [usize; 3] = [16, 4_096, 65_536];
/// Holds per timed iteration (and the length of the increment table they cycle through).
const HOLDS: usize = 1_024;

/// `HOLDS` exponential increments, the same on every run.
fn increments() -> Vec<SimDuration> {
    let mut rng = stream(1, StreamKind::Client, 0);
    let exp = Distribution::Exponential {
        mean: SimDuration::from_millis(1),
    };
    (0..HOLDS).map(|_| exp.sample(&mut rng)).collect()
}

/// A queue of `pending` events at random times, brought to the hold model's steady state.
fn filled_queue(pending: usize, increments: &[SimDuration]) -> EventQueue<u64> {
    let mut queue = EventQueue::new();
    for i in 0..pending {
        let at = SimTime::ZERO.after(increments[i % increments.len()]);
        queue.schedule(at, i as u64);
    }
    // Warm the time distribution: after a few holds per event, the pending times no longer
    // depend on how the queue was filled.
    for i in 0..4 * pending.max(HOLDS) {
        hold(&mut queue, increments[i % increments.len()]);
    }
    queue
}

#[inline]
fn hold(queue: &mut EventQueue<u64>, increment: SimDuration) {
    let (time, event) = queue.pop().expect("the hold model never empties the queue");
    queue.schedule(time.after(increment), event);
}

fn hold_model(c: &mut Criterion) {
    let increments = increments();
    let mut group = c.benchmark_group("event_queue_hold");
    group.throughput(Throughput::Elements(HOLDS as u64));
    for pending in SIZES {
        let mut queue = filled_queue(pending, &increments);
        group.bench_function(BenchmarkId::from_parameter(pending), |b| {
            b.iter(|| {
                for &increment in &increments {
                    hold(&mut queue, black_box(increment));
                }
            })
        });
        assert_eq!(queue.len(), pending);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .without_plots()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = hold_model
}
criterion_main!(benches);
