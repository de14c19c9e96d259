//! The event engine: a queue ordered by `(time, seq)` whose entries can be cancelled in place.

mod queue;

pub use queue::{EventQueue, Lane, TimerHandle};
