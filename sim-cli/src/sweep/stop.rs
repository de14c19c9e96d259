//! SIGINT and SIGTERM during a sweep: the first asks the runs to stop at a safe point (no new
//! run starts; every finished run is already in the journal); a second ends the process at
//! once with the signal's exit code.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// The signals that stop a sweep, and what the shell calls them.
const STOPPING: [(i32, &str); 2] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")];

/// Which stopping signal has arrived, if any, while it is installed.
pub struct StopSignal {
    received: Arc<AtomicUsize>,
    ids: Vec<signal_hook::SigId>,
}

impl StopSignal {
    /// Installs the handlers until this is dropped.
    pub fn install() -> std::io::Result<StopSignal> {
        let received = Arc::new(AtomicUsize::new(0));
        let armed = Arc::new(AtomicBool::new(false));
        let mut ids = Vec::new();
        for (signal, _) in STOPPING {
            // The exit comes first: it only fires when an earlier signal armed it.
            ids.push(flag::register_conditional_shutdown(
                signal,
                128 + signal,
                Arc::clone(&armed),
            )?);
            ids.push(flag::register_usize(
                signal,
                Arc::clone(&received),
                signal as usize,
            )?);
            ids.push(flag::register(signal, Arc::clone(&armed))?);
        }
        Ok(StopSignal { received, ids })
    }

    /// The signal that asked to stop (its number and name), if one did.
    pub fn received(&self) -> Option<(i32, &'static str)> {
        let n = self.received.load(Ordering::SeqCst);
        STOPPING.into_iter().find(|(s, _)| *s as usize == n)
    }
}

impl Drop for StopSignal {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}
