//! A diagnostic as rustc shows one: a title, ` --> file:line:col`, the offending line with the
//! bad value underlined and labelled with what is allowed, then notes and a hint. Drawn by
//! annotate-snippets, the crate rustc and cargo render their own messages with.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use sim_core::diagnostic::{Diagnostic, Place, Severity};

/// `d` rendered for a person; `color` adds ANSI styles.
pub fn render_human(d: &Diagnostic, color: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let title = match &d.path {
        Some(path) => format!("{path}: {}", d.message),
        None => d.message.clone(),
    };
    let expected = d.expected.as_ref().map(|e| format!("expected {e}"));
    let mut group = Group::with_title(level.primary_title(title));
    let mut expected_shown = false;
    match (&d.place, &d.file) {
        (Place::Span(span), Some(file)) => {
            let mut annotation = AnnotationKind::Primary.span(span.in_line.clone());
            if let Some(label) = &expected {
                annotation = annotation.label(label.as_str());
                expected_shown = true;
            }
            group = group.element(
                Snippet::source(span.line_text.as_str())
                    .line_start(span.line)
                    .path(file.as_str())
                    .annotation(annotation),
            );
        }
        (Place::Override(arg), Some(file)) => {
            group = group
                .element(Origin::path(file.as_str()))
                .element(Level::NOTE.message(format!("the value comes from `--set {arg}`")));
        }
        (Place::Entry(entry), Some(file)) => {
            group = group
                .element(Origin::path(file.as_str()))
                .element(Level::NOTE.message(format!("in {entry}")));
        }
        (_, Some(file)) => group = group.element(Origin::path(file.as_str())),
        (_, None) => {}
    }
    if let (Some(e), false) = (&expected, expected_shown) {
        group = group.element(Level::NOTE.message(e.as_str()));
    }
    if let Some(hint) = &d.hint {
        group = group.element(Level::HELP.message(hint.as_str()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = renderer.render(&[group]);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect_timeout_of_5() -> Diagnostic {
        let text = "[cluster]\nname = \"c\"\nconnect_timeout = 5\n";
        let at = text.find("5\n").expect("in text");
        Diagnostic::error("lab.toml", "invalid type: integer `5`")
            .at(text, at..at + 1)
            .path("cluster.connect_timeout")
            .expected("a duration string such as \"5s\"")
            .hint("write it quoted, with its unit: \"5s\"")
    }

    /// The layout rustc uses: title, arrow with file:line:col, gutter with the line number,
    /// the line, a caret under the value with its label, then the help.
    #[test]
    fn a_bad_value_is_underlined_in_its_line() {
        let shown = render_human(&connect_timeout_of_5(), false);
        let expected = "\
error: cluster.connect_timeout: invalid type: integer `5`
 --> lab.toml:3:19
  |
3 | connect_timeout = 5
  |                   ^ expected a duration string such as \"5s\"
  |
  = help: write it quoted, with its unit: \"5s\"
";
        assert_eq!(shown, expected);
    }

    #[test]
    fn a_value_from_set_names_the_argument() {
        let d = Diagnostic::error("lab.toml", "durations cannot be negative")
            .path("cluster.connect_timeout")
            .place(Place::Override("cluster.connect_timeout=-1s".into()));
        let shown = render_human(&d, false);
        assert!(
            shown.starts_with("error: cluster.connect_timeout: durations cannot be negative\n")
        );
        assert!(shown.contains("--> lab.toml"), "{shown}");
        assert!(
            shown.contains("note: the value comes from `--set cluster.connect_timeout=-1s`"),
            "{shown}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!render_human(&connect_timeout_of_5(), false).contains('\u{1b}'));
        assert!(render_human(&connect_timeout_of_5(), true).contains('\u{1b}'));
    }
}
