//! The event engine: a monotone queue in `(time, scheduling order)` whose entries can be
//! cancelled in place.

mod queue;

pub use queue::{EventQueue, LaneId, TimerHandle};
