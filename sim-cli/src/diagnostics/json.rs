//! A diagnostic as one line of JSON, for editors and CI (`--message-format json`). Every key is
//! always present (null when it does not apply), so the shape never depends on the error.

use serde_json::{Value, json};
use sim_core::diagnostic::{Diagnostic, Place};

use super::render_human;

/// `d` as one JSON object on one line, with `rendered` the plain human form.
pub fn render_json(d: &Diagnostic) -> String {
    let span = match &d.place {
        Place::Span(s) => Some(s),
        _ => None,
    };
    let at = |f: fn(&sim_core::diagnostic::SourceSpan) -> usize| span.map(f);
    let (set, entry) = match &d.place {
        Place::Override(arg) => (Some(arg.as_str()), None),
        Place::Entry(entry) => (None, Some(entry.as_str())),
        _ => (None, None),
    };
    let object: Value = json!({
        "severity": d.severity.name(),
        "file": d.file,
        "line": at(|s| s.line),
        "column": at(|s| s.column),
        "end_line": at(|s| s.end_line),
        "end_column": at(|s| s.end_column),
        "path": d.path,
        "set": set,
        "entry": entry,
        "message": d.message,
        "expected": d.expected,
        "hint": d.hint,
        "rendered": render_human(d, false),
    });
    let mut line = object.to_string();
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_there_and_spans_are_one_based() {
        let text = "[cluster]\nconnect_timeout = \"soon\"\n";
        let at = text.find("\"soon\"").expect("in text");
        let d = Diagnostic::error("lab.toml", "invalid duration \"soon\"")
            .at(text, at..at + 6)
            .path("cluster.connect_timeout")
            .expected("a number followed by a unit");
        let line = render_json(&d);
        assert!(line.ends_with("}\n") && line.matches('\n').count() == 1);
        let v: Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(v["severity"], "error");
        assert_eq!(v["file"], "lab.toml");
        assert_eq!(
            (v["line"].as_u64(), v["column"].as_u64()),
            (Some(2), Some(19))
        );
        assert_eq!(
            (v["end_line"].as_u64(), v["end_column"].as_u64()),
            (Some(2), Some(25))
        );
        assert_eq!(v["path"], "cluster.connect_timeout");
        assert_eq!(v["expected"], "a number followed by a unit");
        assert!(v["hint"].is_null() && v["set"].is_null() && v["entry"].is_null());
        assert!(
            v["rendered"]
                .as_str()
                .expect("text")
                .contains("--> lab.toml:2:19")
        );
    }
}
