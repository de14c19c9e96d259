//! A sweep's output directory, taken for one sweep or merge at a time: an advisory lock on the
//! directory held while it writes, no other sweep's journal in it, and no temporary files an
//! interrupted write left behind.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use sim_core::diagnostic::Diagnostic;

use crate::diagnostics::emit;
use crate::exit::{CliError, CliResult};
use crate::sweep::journal;

/// The directory, locked until this is dropped.
pub struct OutDir {
    pub path: PathBuf,
    _lock: File,
}

impl OutDir {
    /// Creates `out` if need be and takes it for the sweep named `sweep`: refused (exit 2) if
    /// another breakersim holds it, if its journal is not a regular file, or (unless
    /// `resuming`, which checks the journal itself) if it holds another sweep's journal;
    /// temporary files left by an interrupted write are removed.
    pub fn take(out: &Path, sweep: &str, resuming: bool) -> CliResult<OutDir> {
        let shown = out.display().to_string();
        fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("cannot create {shown}: {e}"))?;
        let lock = lock(out, &shown)?;
        remove_stale_temporaries(out, &shown)?;
        check_journal(&out.join(journal::FILE_NAME), sweep, resuming)?;
        Ok(OutDir {
            path: out.to_path_buf(),
            _lock: lock,
        })
    }
}

/// An exclusive `flock` on the directory itself (no lock file among the outputs), released
/// when the process ends however it ends.
fn lock(out: &Path, shown: &str) -> CliResult<File> {
    let file = File::open(out).map_err(|e| anyhow::anyhow!("cannot open {shown}: {e}"))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(CliError::input(
            Diagnostic::error(
                shown,
                "another breakersim sweep or merge is writing into this directory",
            )
            .hint("wait for it to finish, or pick another --out"),
        )),
        Err(TryLockError::Error(e)) => Err(anyhow::anyhow!("cannot lock {shown}: {e}").into()),
    }
}

/// Is `name` one of the temporary files `files::write_output` makes (`.NAME.tmp-PID`)?
fn is_temporary(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    rest.rsplit_once(".tmp-").is_some_and(|(file, pid)| {
        !file.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Removes the temporary files an interrupted write left (nothing else writes here while the
/// lock is held).
fn remove_stale_temporaries(out: &Path, shown: &str) -> CliResult<()> {
    let entries = fs::read_dir(out).map_err(|e| anyhow::anyhow!("cannot read {shown}: {e}"))?;
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if is_temporary(&name.to_string_lossy()) && entry.file_type().is_ok_and(|t| t.is_file()) {
            fs::remove_file(entry.path())
                .map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", entry.path().display()))?;
            removed += 1;
        }
    }
    if removed > 0 {
        emit(&Diagnostic::note(
            shown,
            format!("removed {removed} temporary file(s) an interrupted write left"),
        ));
    }
    Ok(())
}

/// The journal, if there is one, must be a regular file of this sweep (by name: a sweep whose
/// settings changed may start afresh in its own directory, another sweep may not mix its files
/// with this one's).
fn check_journal(path: &Path, sweep: &str, resuming: bool) -> CliResult<()> {
    let shown = path.display().to_string();
    match fs::symlink_metadata(path) {
        Err(_) => return Ok(()),
        Ok(meta) if !meta.is_file() => {
            return Err(CliError::in_file(
                shown,
                "the journal is not a regular file; breakersim appends to it and renames over it",
            ));
        }
        Ok(_) if resuming => return Ok(()),
        Ok(_) => {}
    }
    let Ok(Some(found)) = journal::read(path) else {
        // A damaged journal is the resume's business (`--resume` says what is wrong).
        return Ok(());
    };
    if found.header.sweep == sweep {
        return Ok(());
    }
    Err(CliError::input(
        Diagnostic::error(
            shown,
            format!(
                "this directory holds the runs of sweep `{}` ({}), not of `{sweep}`: their files would mix",
                found.header.sweep, found.header.file
            ),
        )
        .hint("pick another --out, or delete the directory"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_write_outputs_temporaries_are_temporary() {
        assert!(is_temporary(".runs.csv.tmp-4242"));
        assert!(is_temporary(".summary.json.tmp-1"));
        for name in [
            "runs.csv",
            ".tmp-12",
            ".runs.csv.tmp-",
            ".runs.csv.tmp-12a",
            "x.tmp-12",
        ] {
            assert!(!is_temporary(name), "{name}");
        }
    }

    #[test]
    fn a_second_taker_is_refused_while_the_first_holds_it() {
        let dir = std::env::temp_dir().join(format!("breakersim-outdir-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(".runs.csv.tmp-99"), "torn").unwrap();
        let first = OutDir::take(&dir, "a", false).unwrap();
        assert!(!dir.join(".runs.csv.tmp-99").exists());
        let second = OutDir::take(&dir, "a", false).err().expect("refused");
        assert_eq!(second.exit_code(), 2);
        assert!(
            second.to_string().contains("another breakersim"),
            "{second}"
        );
        drop(first);
        assert!(OutDir::take(&dir, "a", false).is_ok());
    }
}
