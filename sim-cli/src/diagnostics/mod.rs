//! Printing diagnostics on stderr in the form chosen with `--message-format`: rustc-style
//! snippets for people (`human`), one line each (`short`), or JSON lines for editors and CI.

mod human;
mod json;

use std::io::IsTerminal;
use std::sync::OnceLock;

use sim_core::diagnostic::Diagnostic;

pub use human::render_human;
pub use json::render_json;

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// The offending line of the file with the bad value underlined, as rustc and cargo show
    /// errors; coloured when stderr is a terminal (and `NO_COLOR` is not set).
    #[default]
    Human,
    /// One line each: `error: file:line:col: path: what is wrong, expected what is allowed`.
    Short,
    /// One JSON object per line (fields in docs/errors.md).
    Json,
}

static FORMAT: OnceLock<MessageFormat> = OnceLock::new();

/// Chooses the format for the rest of the process (the first choice stays).
pub fn set_message_format(format: MessageFormat) {
    let _ = FORMAT.set(format);
}

/// The format chosen, or `human`.
pub fn message_format() -> MessageFormat {
    FORMAT.get().copied().unwrap_or_default()
}

/// `d` as text in `format`, ending with a line break.
pub fn render(d: &Diagnostic, format: MessageFormat, color: bool) -> String {
    match format {
        MessageFormat::Human => render_human(d, color),
        MessageFormat::Short => format!("{}: {d}\n", d.severity.name()),
        MessageFormat::Json => render_json(d),
    }
}

/// Prints `d` on stderr in the chosen format. A stderr that cannot be written changes nothing.
pub fn emit(d: &Diagnostic) {
    crate::exit::note(&render(d, message_format(), stderr_has_color()));
}

/// Colour only for a terminal, and never with `NO_COLOR` set to anything but empty
/// (<https://no-color.org>).
fn stderr_has_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
