//! Writing an output where the user asked: a regular file (or a new path) whole or not at all,
//! through a temporary file beside it renamed over it; a device, FIFO or `-` (stdout) written
//! straight; a symbolic link followed, never replaced.

use std::fs::{self, Metadata};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Where the bytes for a path go.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A regular file, or a path where nothing is yet: replaced whole by a rename.
    File(PathBuf),
    /// A character or block device, a FIFO or a socket: opened and written,
    /// never replaced (a rename would put a regular file in the node's place).
    Stream(PathBuf),
}

/// Writes `bytes` to `path` (`-` is standard output). A regular file is replaced whole or not
/// at all; a device or FIFO is written in place; a symbolic link is followed to what it points
/// at, and stays a link. The error names `path` as the user gave it.
pub fn write_output(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let result = if path == Path::new("-") {
        write_stdout(bytes)
    } else {
        target_of(path).and_then(|target| match target {
            Target::File(file) => replace_whole(&file, bytes),
            Target::Stream(node) => write_in_place(&node, bytes),
        })
    };
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// What `path` is, following symbolic links deliberately: a link to a regular file writes that
/// file (found by its canonical path, so the rename happens beside it), a link to a device or
/// FIFO writes through the link, and a link to nothing or to a directory is refused.
fn target_of(path: &Path) -> anyhow::Result<Target> {
    let meta = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Target::File(path.to_path_buf()));
        }
        other => other?,
    };
    if !meta.file_type().is_symlink() {
        return kind_of(path.to_path_buf(), &meta);
    }
    let pointed = match fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "it is a symbolic link to {}, which does not exist (breakersim follows links but \
             does not create their targets)",
            fs::read_link(path).map_or_else(|_| "?".into(), |p| p.display().to_string())
        ),
        other => other?,
    };
    if pointed.is_file() {
        return Ok(Target::File(fs::canonicalize(path)?));
    }
    kind_of(path.to_path_buf(), &pointed)
}

fn kind_of(path: PathBuf, meta: &Metadata) -> anyhow::Result<Target> {
    if meta.is_dir() {
        bail!("it is a directory; give a file name");
    }
    Ok(if meta.is_file() {
        Target::File(path)
    } else {
        Target::Stream(path)
    })
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Opens an existing node for writing (no create, no truncate: a device or FIFO has neither)
/// and writes everything; a device that refuses (`/dev/full`) is an error.
fn write_in_place(node: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = fs::OpenOptions::new().write(true).open(node)?;
    f.write_all(bytes)?;
    f.flush()?;
    Ok(())
}

/// Writes into a temporary file beside `file`, syncs it and renames it over `file`; the
/// temporary file is removed if anything fails.
fn replace_whole(file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = stage(file, bytes)?;
    fs::rename(&tmp, file).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })?;
    Ok(())
}

/// Writes `bytes` into a synced temporary file beside `file` and returns its path; nothing is
/// left if that fails.
fn stage(file: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let tmp = temp_path(file)?;
    let written = fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e.into());
    }
    Ok(tmp)
}

/// Writes every `(name, bytes)` of `files` into `dir`, all or none: each regular file (or new
/// path) is first written and synced beside its place, and only when every one is are they
/// renamed into place; devices and FIFOs among them are written last. A failure before the
/// renames leaves every file as it was, and no temporary file.
pub fn write_all_or_none(dir: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut streams: Vec<(PathBuf, &[u8])> = Vec::new();
    let result = files.iter().try_for_each(|(name, bytes)| {
        let path = dir.join(name);
        let target =
            target_of(&path).with_context(|| format!("cannot write {}", path.display()))?;
        match target {
            Target::File(file) => {
                let tmp = stage(&file, bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                staged.push((tmp, file));
            }
            Target::Stream(node) => streams.push((node, bytes)),
        }
        anyhow::Ok(())
    });
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, file) in &staged {
        fs::rename(tmp, file).with_context(|| format!("cannot write {}", file.display()))?;
    }
    for (node, bytes) in streams {
        write_in_place(&node, bytes).with_context(|| format!("cannot write {}", node.display()))?;
    }
    Ok(())
}

/// The temporary file `write_output` writes beside `file` before renaming it:
/// `.NAME.tmp-PID`.
pub fn temp_path(file: &Path) -> anyhow::Result<PathBuf> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file.file_name().context("not a file name")?;
    Ok(dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("breakersim-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_the_whole_file_and_leaves_no_temporary() {
        let dir = scratch("whole");
        let target = dir.join("out.jsonl");
        write_output(&target, b"one\n").unwrap();
        write_output(&target, b"two\n").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "two\n");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        assert!(write_output(&dir.join("missing/x"), b"x").is_err());
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn a_link_to_a_file_stays_a_link_and_its_target_is_replaced() {
        let dir = scratch("link");
        let real = dir.join("real.csv");
        fs::write(&real, "old").unwrap();
        let link = dir.join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_output(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2, "no temporary left");
    }

    #[test]
    fn a_dangling_link_or_a_directory_is_refused_and_left_alone() {
        let dir = scratch("refused");
        let link = dir.join("dangling");
        std::os::unix::fs::symlink("nowhere", &link).unwrap();
        let e = format!("{:#}", write_output(&link, b"x").unwrap_err());
        assert!(
            e.contains("symbolic link to nowhere, which does not exist"),
            "{e}"
        );
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(!dir.join("nowhere").exists());
        let e = format!("{:#}", write_output(&dir, b"x").unwrap_err());
        assert!(e.contains("is a directory"), "{e}");
    }

    #[test]
    fn a_fifo_is_written_in_place_not_replaced() {
        let dir = scratch("fifo");
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(&fifo).unwrap())
        };
        write_output(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn a_set_that_cannot_all_be_written_leaves_every_file_as_it_was() {
        let dir = scratch("set");
        fs::write(dir.join("a.csv"), "old a").unwrap();
        fs::create_dir(dir.join("b.csv")).unwrap();
        let files = vec![
            ("a.csv".to_string(), b"new a".to_vec()),
            ("b.csv".to_string(), b"new b".to_vec()),
        ];
        let e = format!("{:#}", write_all_or_none(&dir, &files).unwrap_err());
        assert!(e.contains("b.csv") && e.contains("is a directory"), "{e}");
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2, "no temporary left");
        fs::remove_dir(dir.join("b.csv")).unwrap();
        write_all_or_none(&dir, &files).unwrap();
        assert_eq!(fs::read_to_string(dir.join("b.csv")).unwrap(), "new b");
    }

    #[test]
    fn targets_are_told_apart() {
        let dir = scratch("kinds");
        let new = dir.join("new");
        assert_eq!(target_of(&new).unwrap(), Target::File(new.clone()));
        fs::write(&new, "x").unwrap();
        assert_eq!(target_of(&new).unwrap(), Target::File(new.clone()));
    }
}
