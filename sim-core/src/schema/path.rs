//! Where a field is in a scenario (`cluster.circuit_breakers.thresholds[0].max_connections`), and
//! a rule broken there.

/// A path segment: a table key or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A key of a table.
    Key(String),
    /// An index in a list, from 0.
    Index(usize),
}

/// Dotted names as `--set` writes them (`a.b.0.c`), in the notation of error messages
/// (`a.b[0].c`): a segment that is a number is a list index.
pub fn display_dotted(segments: &[String]) -> String {
    let path: Vec<PathSegment> = segments
        .iter()
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathSegment::Index(i),
            Err(_) => PathSegment::Key(s.clone()),
        })
        .collect();
    display_path(&path)
}

/// The path as messages write it: `a.b[0].c`.
pub fn display_path(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
            PathSegment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

/// A rule broken at `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Where it is, from the top of the scenario.
    pub path: Vec<PathSegment>,
    /// What is wrong.
    pub message: String,
    /// What is allowed, when said apart from the message.
    pub expected: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Invalid {
    /// `message` at `path`.
    pub fn new(path: Vec<PathSegment>, message: impl Into<String>) -> Invalid {
        Invalid {
            path,
            message: message.into(),
            expected: None,
            hint: None,
        }
    }

    /// Says what is allowed.
    pub fn expected(mut self, expected: impl Into<String>) -> Invalid {
        self.expected = Some(expected.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_dotted_with_indices_in_brackets() {
        let path = [
            PathSegment::Key("cluster".into()),
            PathSegment::Key("thresholds".into()),
            PathSegment::Index(0),
            PathSegment::Key("max_connections".into()),
        ];
        assert_eq!(display_path(&path), "cluster.thresholds[0].max_connections");
        assert_eq!(display_path(&[]), "");
    }
}
