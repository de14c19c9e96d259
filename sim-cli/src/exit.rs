//! Failures of a command and their exit codes: 2 for bad input, 1 for anything else.

use std::fmt;
use std::io::Write;

use sim_core::diagnostic::Diagnostic;

#[derive(Debug)]
pub enum CliError {
    /// The user's input is wrong: each diagnostic says where and what is allowed (at least
    /// one). Exit code 2.
    Input(Vec<Diagnostic>),
    /// Generated files on disk differ from what they should be (`report --check`). Exit code 1.
    Stale(String),
    /// Something else failed (writing an output, an internal bug). Exit code 1.
    Internal(anyhow::Error),
    /// A signal stopped the command at a safe point: 128 + the signal's number, as a shell
    /// reports a process the signal ended, with what was kept and how to go on.
    Interrupted { signal: i32, message: String },
}

impl CliError {
    /// One problem with the input.
    pub fn input(d: Diagnostic) -> CliError {
        CliError::Input(vec![d])
    }

    /// A problem with the file (or flag) `file` as a whole.
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> CliError {
        CliError::input(Diagnostic::error(file, message))
    }

    /// A problem with the command line as a whole, in no file.
    pub fn command_line(message: impl Into<String>) -> CliError {
        CliError::input(Diagnostic::command_line(message))
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Stale(_) | CliError::Internal(_) => 1,
            CliError::Interrupted { signal, .. } => 128 + signal,
        }
    }

    /// What to print, as diagnostics: an input error's own, or one made of the message.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            CliError::Input(ds) => ds.clone(),
            other => vec![Diagnostic::command_line(other.to_string())],
        }
    }
}

/// The one-line form of each diagnostic, one per line.
impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(ds) => {
                let lines: Vec<String> = ds.iter().map(Diagnostic::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
            CliError::Stale(m) | CliError::Interrupted { message: m, .. } => f.write_str(m),
            CliError::Internal(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Internal(e)
    }
}

impl From<Diagnostic> for CliError {
    fn from(d: Diagnostic) -> Self {
        CliError::input(d)
    }
}

pub type CliResult<T> = Result<T, CliError>;

/// Prints `text` on stderr. A stderr that cannot be written (closed, or a full disk) is no
/// reason to panic: the exit code still says how the command went.
pub fn note(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}
