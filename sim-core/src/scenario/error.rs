//! Errors in scenario input, saying where (file, line, column, field path) and what is allowed.

use std::fmt;

/// Where the bad value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorOrigin {
    /// A place in the scenario file (1-based line and column).
    File { line: usize, column: usize },
    /// The scenario file, at no place that can be pointed to.
    FileWhole,
    /// A `--set PATH=VALUE` argument.
    Override(String),
    /// A part of the file named in words, e.g. a sweep's `grid point interval=5s`.
    Entry(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file's name as the user gave it.
    pub source: String,
    /// Dotted field path, e.g. `cluster.circuit_breakers.thresholds[0].max_connections`.
    pub path: Option<String>,
    pub origin: ErrorOrigin,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            ErrorOrigin::File { line, column } => write!(f, "{}:{line}:{column}: ", self.source)?,
            ErrorOrigin::FileWhole => write!(f, "{}: ", self.source)?,
            ErrorOrigin::Override(arg) => write!(f, "{}: --set {arg}: ", self.source)?,
            ErrorOrigin::Entry(entry) => write!(f, "{}: {entry}: ", self.source)?,
        }
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// 1-based line and column of byte offset `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "a = 1\nbb = \"x\"\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 11), (2, 6));
    }

    #[test]
    fn display_names_file_position_and_path() {
        let e = ScenarioError {
            source: "lab.toml".into(),
            path: Some("cluster.connect_timeout".into()),
            origin: ErrorOrigin::File {
                line: 3,
                column: 19,
            },
            message: "durations cannot be negative".into(),
        };
        assert_eq!(
            e.to_string(),
            "lab.toml:3:19: cluster.connect_timeout: durations cannot be negative"
        );
    }
}
