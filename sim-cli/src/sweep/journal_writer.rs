//! Appending finished runs to the journal while a sweep runs, from any thread.
//!
//! Durability: each run is one `write` of one whole line to a file opened for appending, behind
//! a mutex, with nothing buffered in the process, so a killed process (SIGKILL, an OOM kill, a
//! preempted pod) loses no finished run: what was written is in the kernel. A syncing thread
//! calls `sync_data` once a second while anything is unsynced, and once at the end, so a power
//! loss or kernel crash loses at most the runs of the last second or so. A line torn by such a
//! crash fails its checksum and is run again on `--resume`.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use anyhow::anyhow;
use sim_core::sweep::RunRow;

use crate::exit::CliResult;
use crate::files::write_output;
use crate::sweep::journal::{Header, render, row_line};

/// How often unsynced lines are synced to disk.
const SYNC_PERIOD: Duration = Duration::from_secs(1);

pub struct JournalWriter {
    path: PathBuf,
    file: Mutex<File>,
    /// The same file, for `sync_data` without holding up writers.
    sync_handle: File,
    dirty: AtomicBool,
    /// Runs in the journal: those it started with and those appended.
    saved: AtomicU64,
    /// The first write or sync error; nothing more is written after one.
    error: Mutex<Option<std::io::Error>>,
}

impl JournalWriter {
    /// Starts the journal at `path`: replaces whatever is there, atomically, with `header` and
    /// `done` (runs already finished, e.g. read back for `--resume`), then appends.
    pub fn create(path: &Path, header: &Header, done: &BTreeMap<u64, RunRow>) -> CliResult<Self> {
        write_output(path, &render(header, done))?;
        // Make the rename itself durable, so a power loss soon after cannot lose the journal
        // (best effort: not every platform can sync a directory).
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Ok(d) = File::open(dir.unwrap_or(Path::new("."))) {
            let _ = d.sync_all();
        }
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| anyhow!("cannot open {} to append: {e}", path.display()))?;
        let sync_handle = file
            .try_clone()
            .map_err(|e| anyhow!("cannot open {} to append: {e}", path.display()))?;
        Ok(JournalWriter {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            sync_handle,
            dirty: AtomicBool::new(false),
            saved: AtomicU64::new(done.len() as u64),
            error: Mutex::new(None),
        })
    }

    fn failed(&self, e: std::io::Error) {
        let mut error = self.error.lock().unwrap_or_else(|p| p.into_inner());
        error.get_or_insert(e);
    }

    /// Whether a write or sync has failed: the sweep should stop, as nothing more is saved.
    pub fn has_failed(&self) -> bool {
        self.error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Appends one finished run as one line, in one write.
    pub fn append(&self, job: u64, row: &RunRow) {
        if self.has_failed() {
            return;
        }
        let line = row_line(job, row);
        let written = {
            let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
            file.write_all(line.as_bytes())
        };
        match written {
            Ok(()) => {
                self.saved.fetch_add(1, Ordering::AcqRel);
                self.dirty.store(true, Ordering::Release);
            }
            Err(e) => self.failed(e),
        }
    }

    fn sync(&self) {
        if self.dirty.swap(false, Ordering::AcqRel)
            && let Err(e) = self.sync_handle.sync_data()
        {
            self.failed(e);
        }
    }

    /// Runs `work` while a thread syncs the journal every `SYNC_PERIOD`; syncs once more at the
    /// end.
    pub fn syncing_while<T>(&self, work: impl FnOnce() -> T) -> T {
        let (stop, stopped) = channel::<()>();
        let result = std::thread::scope(|s| {
            s.spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(SYNC_PERIOD) {
                    self.sync();
                }
            });
            let result = work();
            drop(stop);
            result
        });
        self.sync();
        result
    }

    /// How many runs the journal holds (written to the kernel; synced unless the last sync
    /// failed).
    pub fn saved(&self) -> u64 {
        self.saved.load(Ordering::Acquire)
    }

    /// The first error met while writing, if any, with `resume`: what to do once it is mended.
    pub fn finish(self, resume: &str) -> CliResult<()> {
        let saved = self.saved();
        match self.error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            None => Ok(()),
            Some(e) => Err(anyhow!(
                "cannot write {}: {e}; the sweep stopped at once: {saved} runs are saved in it; once it can be written, continue with: {resume}",
                self.path.display()
            )
            .into()),
        }
    }
}
