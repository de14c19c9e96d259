//! Writing output files whole or not at all: into a temporary file beside the target, then
//! renamed over it.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("cannot write {}: not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes).and_then(|_| f.sync_all())?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    // The message names the file the user asked for, not the temporary one beside it.
    result.with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_whole_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("breakersim-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.jsonl");
        write_atomically(&target, b"one\n").unwrap();
        write_atomically(&target, b"two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two\n");
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1);
        assert!(write_atomically(&dir.join("missing/x"), b"x").is_err());
    }
}
