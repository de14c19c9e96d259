//! One type for every problem found in an input, from sim-core to the terminal: which file,
//! where in it (a span of its text, or the `--set` or sweep entry the value came from), the field
//! path, what is wrong, what is allowed, and a hint. sim-cli renders it (`--message-format`).

mod line_index;
mod span;
mod suggest;

use std::fmt;
use std::ops::Range;

pub use line_index::LineIndex;
pub use span::{SourceSpan, line_column};
pub use suggest::did_you_mean;

/// How bad it is: an error stops the command (exit 2); a warning or a note changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The input cannot be used as it is.
    Error,
    /// The input is used, but something in it is not what it seems (e.g. an unmodelled field).
    Warning,
    /// What the command does with the input, said for information (e.g. a sweep journal
    /// started afresh).
    Note,
}

impl Severity {
    /// `error` or `warning`, as the messages start.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// Where the bad value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A stretch of the file's text.
    Span(SourceSpan),
    /// The file as a whole, or a part of it that cannot be pointed at.
    Whole,
    /// A `--set PATH=VALUE` argument (the argument as given).
    Override(String),
    /// A part of the input named in words, e.g. a sweep's `grid point interval=5s`.
    Entry(String),
}

/// One problem in an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file (as the user named it), or the flag, the input came from; none for a problem
    /// of the command line as a whole.
    pub file: Option<String>,
    /// Where in it.
    pub place: Place,
    /// Dotted field path, e.g. `cluster.circuit_breakers.thresholds[0].max_connections`.
    pub path: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What is allowed there, when it can be said.
    pub expected: Option<String>,
    /// How to fix it, when there is a likely fix.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error in `file`, at no particular place yet.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, Some(file.into()), message.into())
    }

    /// A warning about `file`.
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, Some(file.into()), message.into())
    }

    /// A note about `file`.
    pub fn note(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Note, Some(file.into()), message.into())
    }

    /// An error of the command line as a whole (no file).
    pub fn command_line(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, None, message.into())
    }

    /// A diagnostic whose message is written as serde and toml write theirs, "what is wrong,
    /// expected what is allowed": the two parts are kept apart.
    /// An unknown name among the allowed ones gets the closest as a hint.
    pub fn from_message(severity: Severity, file: Option<String>, text: &str) -> Diagnostic {
        let (message, expected) = split_expected(text.trim());
        let mut d = Diagnostic::new(severity, file, message.to_string());
        d.expected = expected.map(str::to_string);
        d.hint = expected.and_then(|allowed| closest_name(message, allowed));
        d
    }

    fn new(severity: Severity, file: Option<String>, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            file,
            place: Place::Whole,
            path: None,
            message,
            expected: None,
            hint: None,
        }
    }

    /// Points at bytes `range` of the file's `text`.
    pub fn at(mut self, text: &str, range: Range<usize>) -> Diagnostic {
        self.place = Place::Span(SourceSpan::new(text, range));
        self
    }

    /// Points at an already resolved place.
    pub fn place(mut self, place: Place) -> Diagnostic {
        self.place = place;
        self
    }

    /// Names the field.
    pub fn path(mut self, path: impl Into<String>) -> Diagnostic {
        let path = path.into();
        self.path = (!path.is_empty()).then_some(path);
        self
    }

    /// Says what is allowed.
    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    /// Says how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// The message with what is allowed, as one sentence: `what is wrong, expected X`.
    pub fn message_and_expected(&self) -> String {
        match &self.expected {
            Some(expected) => format!("{}, expected {expected}", self.message),
            None => self.message.clone(),
        }
    }

    /// Where, in words: `file:line:column`, `file`, `file: --set ARG`, `file: ENTRY`.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_deref()?;
        Some(match &self.place {
            Place::Span(s) => format!("{file}:{}:{}", s.line, s.column),
            Place::Whole => file.to_string(),
            Place::Override(arg) => format!("{file}: --set {arg}"),
            Place::Entry(entry) => format!("{file}: {entry}"),
        })
    }
}

/// Splits "what is wrong, expected what is allowed" at its first `, expected `.
fn split_expected(text: &str) -> (&str, Option<&str>) {
    match text.split_once(", expected ") {
        Some((message, expected)) if !message.is_empty() && !expected.is_empty() => {
            (message, Some(expected))
        }
        _ => (text, None),
    }
}

/// "did you mean `x`?" for serde's "unknown field `y`" or "unknown variant `y`", from the
/// backquoted names of what is allowed.
fn closest_name(message: &str, allowed: &str) -> Option<String> {
    let word = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))?
        .split('`')
        .next()?;
    let names: Vec<&str> = allowed.split('`').skip(1).step_by(2).collect();
    did_you_mean(word, &names).map(|name| format!("did you mean `{name}`?"))
}

/// The one-line form: `file:line:col: path: what is wrong, expected X; hint`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = self.location() {
            write!(f, "{location}: ")?;
        }
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.message_and_expected())?;
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_position_path_and_expected() {
        let text = "[cluster]\nconnect_timeout = 5\n";
        let d = Diagnostic::from_message(
            Severity::Error,
            Some("lab.toml".into()),
            "invalid type: integer `5`, expected a duration string",
        )
        .at(text, 28..29)
        .path("cluster.connect_timeout");
        assert_eq!(d.message, "invalid type: integer `5`");
        assert_eq!(d.expected.as_deref(), Some("a duration string"));
        assert_eq!(
            d.to_string(),
            "lab.toml:2:19: cluster.connect_timeout: invalid type: integer `5`, expected a duration string"
        );
        let d = d.hint("write \"5s\"");
        assert!(d.to_string().ends_with("duration string; write \"5s\""));
    }

    #[test]
    fn an_unknown_name_gets_the_closest_allowed_one() {
        let d = Diagnostic::from_message(
            Severity::Error,
            None,
            "unknown field `conect_timeout`, expected one of `name`, `connect_timeout`",
        );
        assert_eq!(d.hint.as_deref(), Some("did you mean `connect_timeout`?"));
        let d = Diagnostic::from_message(
            Severity::Error,
            None,
            "unknown variant `ROUND_ROBN`, expected one of `ROUND_ROBIN`, `RANDOM`",
        );
        assert_eq!(d.hint.as_deref(), Some("did you mean `ROUND_ROBIN`?"));
        let d = Diagnostic::from_message(
            Severity::Error,
            None,
            "unknown field `health_checks`, expected one of `name`, `connect_timeout`",
        );
        assert_eq!(d.hint, None);
    }

    #[test]
    fn display_of_other_places() {
        let d = Diagnostic::error("lab.toml", "bad").place(Place::Override("a=1".into()));
        assert_eq!(d.to_string(), "lab.toml: --set a=1: bad");
        let d = Diagnostic::error("s.toml", "bad").place(Place::Entry("grid point x=1".into()));
        assert_eq!(d.to_string(), "s.toml: grid point x=1: bad");
        assert_eq!(Diagnostic::command_line("bad").to_string(), "bad");
    }
}
