//! Reading an input file: only a regular file (a device or FIFO may never end), at most
//! `BREAKERSIM_MAX_INPUT_BYTES` bytes, and as text only UTF-8, its first bad byte located.

use std::fmt;
use std::io::Read;
use std::path::Path;

use sim_core::diagnostic::Diagnostic;

/// The largest input read unless `BREAKERSIM_MAX_INPUT_BYTES` says otherwise: 256 MiB, far
/// above any config or journal breakersim writes (a 100,000-run journal is about 20 MB).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 << 20;

/// The largest scenario or sweep file read unless `BREAKERSIM_MAX_INPUT_BYTES` says otherwise:
/// 512 KiB, 200 times the largest shipped scenario, and parsed in well under a second (a file
/// of 19,000 backend groups, 490 KB, is checked in 0.3 s and 59 MB). Configs and journals,
/// which real deployments make large, get [`DEFAULT_MAX_INPUT_BYTES`].
pub const DEFAULT_MAX_SCENARIO_BYTES: u64 = 512 << 10;

/// The environment variable that raises (or lowers) the cap on an input's size.
pub const MAX_INPUT_ENV: &str = "BREAKERSIM_MAX_INPUT_BYTES";

/// Why an input could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// Not a regular file: what it is.
    NotRegular(&'static str),
    /// Longer than the cap.
    TooLarge {
        cap: u64,
    },
    /// The cap in the environment is not a number.
    BadCap(String),
    /// Not UTF-8: the text with bad bytes replaced, and where (in it) the first one is.
    NotUtf8 {
        lossy: String,
        at: usize,
        byte: u8,
    },
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// The error as a diagnostic about `file`, which holds the `what` (e.g. "scenario"); a
    /// byte that is not UTF-8 is pointed at, in `file`.
    pub fn diagnostic(self, file: &str, what: &str) -> Diagnostic {
        match self {
            ReadError::NotUtf8 { lossy, at, byte } => Diagnostic::error(
                file,
                format!("the {what} is not UTF-8 text: byte 0x{byte:02x} cannot start or continue a character"),
            )
            .at(&lossy, at..at + '\u{FFFD}'.len_utf8())
            .expected("UTF-8 text (TOML, YAML and JSON files are UTF-8)"),
            other => Diagnostic::error(file, format!("cannot read the {what}: {other}")),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(kind) => write!(
                f,
                "it is {kind}, not a regular file (breakersim reads inputs whole, so only files)"
            ),
            ReadError::TooLarge { cap } => write!(
                f,
                "it is larger than {cap} bytes, the most breakersim reads (set {MAX_INPUT_ENV} to raise it)"
            ),
            ReadError::BadCap(v) => {
                write!(f, "{MAX_INPUT_ENV}={v:?} is not a number of bytes")
            }
            ReadError::NotUtf8 { at, .. } => write!(f, "not UTF-8 at byte {at}"),
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// The cap: the environment's, else `default`.
fn cap(default: u64) -> Result<u64, ReadError> {
    match std::env::var(MAX_INPUT_ENV) {
        Ok(v) => v.trim().parse().map_err(|_| ReadError::BadCap(v)),
        Err(_) => Ok(default),
    }
}

fn kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    match () {
        _ if t.is_file() => None,
        _ if t.is_dir() => Some("a directory"),
        _ if t.is_fifo() => Some("a FIFO"),
        _ if t.is_char_device() => Some("a character device"),
        _ if t.is_block_device() => Some("a block device"),
        _ if t.is_socket() => Some("a socket"),
        _ => Some("not a file"),
    }
}

/// The bytes of the regular file at `path` (links followed), at most the cap.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_bytes_at_most(path, DEFAULT_MAX_INPUT_BYTES)
}

/// As [`read_bytes`], the cap `default` unless the environment sets one.
fn read_bytes_at_most(path: &Path, default: u64) -> Result<Vec<u8>, ReadError> {
    let cap = cap(default)?;
    let meta = std::fs::metadata(path)?;
    if let Some(kind) = kind(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge { cap });
    }
    let file = std::fs::File::open(path)?;
    // Read one byte past the cap: a file that grew since `metadata` is still refused.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge { cap });
    }
    Ok(bytes)
}

/// The UTF-8 text of the regular file at `path`, at most the cap (a config's).
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    text(read_bytes(path)?)
}

/// The UTF-8 text of the scenario or sweep file at `path`, at most the scenario cap.
pub fn read_scenario_text(path: &Path) -> Result<String, ReadError> {
    text(read_bytes_at_most(path, DEFAULT_MAX_SCENARIO_BYTES)?)
}

fn text(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[at];
        ReadError::NotUtf8 {
            lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            at,
            byte,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("breakersim-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn the_first_bad_byte_is_located_on_its_line_and_column() {
        // Line 2 is `name = "a` then the bad byte: column 10.
        let path = scratch("bad.toml", b"seed = 1\nname = \"a\xffb\"\n");
        let e = read_text(&path).unwrap_err();
        let d = e.diagnostic("bad.toml", "scenario");
        let shown = d.to_string();
        assert!(shown.contains("bad.toml:2:10"), "{shown}");
        assert!(shown.contains("byte 0xff"), "{shown}");
    }

    #[test]
    fn devices_and_directories_are_refused_without_reading() {
        let e = read_bytes(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("a character device"), "{e}");
        let e = read_bytes(&std::env::temp_dir()).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
        assert!(
            read_bytes(Path::new("/nonexistent/x"))
                .unwrap_err()
                .is_not_found()
        );
    }
}
