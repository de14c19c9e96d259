//! Where the longest dotted key of a TOML text is: the toml crate refuses a key of too many
//! parts ("recursion limit") without saying where, so the error is pointed at it from here.

use std::ops::Range;

use toml_parser::Source;
use toml_parser::parser::{Event, EventKind, parse_document};

/// The span of the dotted key with the most parts in `text` (the first of them, from its
/// first part to its last), read by the toml crate's own parser; `None` without one of two or
/// more parts.
pub fn longest_dotted_key(text: &str) -> Option<Range<usize>> {
    let tokens = Source::new(text).lex().into_vec();
    let mut keys = DottedKeys::default();
    let mut receiver = |event: Event| keys.see(&event);
    parse_document(&tokens, &mut receiver, &mut ());
    keys.longest
        .filter(|(parts, _)| *parts > 1)
        .map(|(_, span)| span)
}

/// The dotted key being read and the longest so far, each as (parts, span).
#[derive(Default)]
struct DottedKeys {
    current: Option<(usize, Range<usize>)>,
    after_separator: bool,
    longest: Option<(usize, Range<usize>)>,
}

impl DottedKeys {
    fn see(&mut self, event: &Event) {
        let span = event.span();
        match event.kind() {
            EventKind::SimpleKey => {
                let key = match self.current.take() {
                    Some((parts, s)) if self.after_separator => (parts + 1, s.start..span.end()),
                    _ => (1, span.start()..span.end()),
                };
                if self.longest.as_ref().is_none_or(|(most, _)| key.0 > *most) {
                    self.longest = Some(key.clone());
                }
                self.current = Some(key);
                self.after_separator = false;
            }
            EventKind::KeySep => self.after_separator = true,
            EventKind::Whitespace => {}
            _ => {
                self.current = None;
                self.after_separator = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::longest_dotted_key;

    #[test]
    fn the_first_key_of_the_most_parts_is_found() {
        let text = "a.b = 1\n[x . y.\"z.w\"]\nc.d.e = 2\n";
        // `[x . y."z.w"]` (3 parts, bytes 9..20: `[` is byte 8, the key 11 bytes) comes before `c.d.e` (3 parts).
        assert_eq!(longest_dotted_key(text), Some(9..20));
        assert_eq!(&text[9..20], "x . y.\"z.w\"");
    }

    #[test]
    fn plain_keys_and_values_with_dots_are_no_dotted_key() {
        assert_eq!(longest_dotted_key("a = 1.5\nb = \"x.y.z\"\n"), None);
    }
}
