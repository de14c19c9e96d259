//! Failures of a command and their exit codes: 2 for bad input, 1 for anything else.

use std::fmt;
use std::io::Write;

#[derive(Debug)]
pub enum CliError {
    /// The user's input is wrong: the message says where and what is allowed. Exit code 2.
    Input(String),
    /// Generated files on disk differ from what they should be (`report --check`). Exit code 1.
    Stale(String),
    /// Something else failed (writing an output, an internal bug). Exit code 1.
    Internal(anyhow::Error),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Stale(_) | CliError::Internal(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(m) | CliError::Stale(m) => f.write_str(m),
            CliError::Internal(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Internal(e)
    }
}

impl From<sim_core::scenario::ScenarioError> for CliError {
    fn from(e: sim_core::scenario::ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}

pub type CliResult<T> = Result<T, CliError>;

/// Prints `text` on stderr. A stderr that cannot be written (closed, or a full disk) is no
/// reason to panic: the exit code still says how the command went.
pub fn note(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}
