//! ARCHITECTURE.md's invariants that reading the source can check: sim-core has no I/O, clock
//! or environment and no hash maps; `envoy/` never schedules, `world/` knows nothing of Envoy or
//! the run, `engine/` knows only time; every source file starts with a `//!` line; every path
//! the document names exists. Each check reports `file:line: what`; the unit tests at the end
//! feed each one a bad snippet to show it can fail.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::root;

/// Files of sim-core allowed a `HashMap`/`HashSet`, each with the reason its iteration order
/// cannot reach the output. None today.
const HASH_ALLOWED: &[(&str, &str)] = &[];

/// Modules of `std` sim-core must not use: files, sockets, the environment, processes.
const FORBIDDEN_STD: &[&str] = &["fs", "net", "env", "process"];

/// Names sim-core must not use outside `#[cfg(test)]` items: standard streams, printing,
/// clocks.
const FORBIDDEN_IO: &[&str] = &[
    "stdout",
    "stderr",
    "stdin",
    "println!",
    "eprintln!",
    "print!",
    "eprint!",
    "dbg!",
    "SystemTime",
    "Instant",
];

/// A problem found at a line of a file.
#[derive(Debug, PartialEq)]
struct Violation {
    file: String,
    line: usize,
    what: String,
}

fn report(check: &str, violations: &[Violation]) {
    if violations.is_empty() {
        return;
    }
    let lines: Vec<String> = violations
        .iter()
        .map(|v| format!("{}:{}: {}", v.file, v.line, v.what))
        .collect();
    for l in &lines {
        eprintln!("{l}");
    }
    panic!("{check}:\n{}", lines.join("\n"));
}

/// Every `.rs` file under `dir` (relative to the repository root), sorted.
fn rust_files(dir: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = root();
    let mut paths = Vec::new();
    walk(&root.join(dir), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).expect("under the root");
            let text = fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (rel.to_string_lossy().replace('\\', "/"), text)
        })
        .collect()
}

/// The code of `text` with comments and string and char literals blanked out (newlines kept,
/// so line numbers hold) and every `#[cfg(test)]` item removed. Also returns the names of the
/// modules declared `#[cfg(test)] mod name;`, whose files are test-only.
fn live_code(text: &str) -> (String, Vec<String>) {
    let code = blank_comments_and_literals(text);
    let bytes = code.as_bytes();
    let mut out = code.clone().into_bytes();
    let mut test_mods = Vec::new();
    let attr = "#[cfg(test)]";
    let mut from = 0;
    while let Some(found) = code[from..].find(attr) {
        let start = from + found;
        let mut i = start + attr.len();
        // The item ends at the `;` before any `{`, or at the `}` matching the first `{`.
        let mut depth = 0usize;
        while i < bytes.len() {
            match bytes[i] {
                b';' if depth == 0 => break,
                b'{' => depth += 1,
                b'}' => {
                    if depth <= 1 {
                        break;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            i += 1;
        }
        let item = &code[start + attr.len()..i.min(code.len())];
        let words: Vec<&str> = item.split_whitespace().collect();
        if let ["mod", name] | ["pub", "mod", name] | ["pub(crate)", "mod", name] = words[..] {
            test_mods.push(name.to_string());
        }
        for b in &mut out[start..=i.min(bytes.len() - 1)] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        from = i.min(code.len() - 1) + 1;
        if from >= code.len() {
            break;
        }
    }
    (
        String::from_utf8(out).expect("ASCII blanks keep UTF-8"),
        test_mods,
    )
}

fn blank_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for &ch in &chars[i..j.min(chars.len())] {
                out.push(blank(ch));
            }
            i = j;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            for &ch in &chars[i..(j + 1).min(chars.len())] {
                out.push(blank(ch));
            }
            i = j + 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\''), or a lifetime ('a), which is kept.
            let end = if next == Some('\\') {
                (i + 2..chars.len()).find(|&j| chars[j] == '\'' && j > i + 2)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    for &ch in &chars[i..=e] {
                        out.push(blank(ch));
                    }
                    i = e + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Where `needle` occurs in `code` as a whole word (not inside a longer identifier), by line.
fn word_hits(code: &str, needle: &str) -> Vec<usize> {
    let bytes = code.as_bytes();
    let mut hits = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find(needle) {
        let at = from + found;
        let end = at + needle.len();
        let before_ok = at == 0 || !is_ident(bytes[at - 1]);
        let last_is_ident = needle.as_bytes().last().is_some_and(|&b| is_ident(b));
        let after_ok = !last_is_ident || end >= bytes.len() || !is_ident(bytes[end]);
        if before_ok && after_ok {
            hits.push(line_of(code, at));
        }
        from = end;
    }
    hits
}

fn line_of(code: &str, at: usize) -> usize {
    code[..at].bytes().filter(|&b| b == b'\n').count() + 1
}

/// The files of sim-core that hold non-test code: `(path, code)` with test items removed,
/// files of `#[cfg(test)] mod x;` modules left out.
fn sim_core_live_files() -> Vec<(String, String)> {
    let files = rust_files("sim-core/src");
    let mut test_only = Vec::new();
    let mut live = Vec::new();
    for (path, text) in &files {
        let (code, mods) = live_code(text);
        let dir = module_dir(path);
        for m in mods {
            test_only.push(format!("{dir}{m}.rs"));
            test_only.push(format!("{dir}{m}/mod.rs"));
        }
        live.push((path.clone(), code));
    }
    live.retain(|(p, _)| !test_only.contains(p));
    live
}

/// The directory in which the modules a file declares live: `a/mod.rs` and `lib.rs` declare
/// beside themselves, `a/b.rs` in `a/b/`.
fn module_dir(path: &str) -> String {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    match file {
        "mod.rs" | "lib.rs" | "main.rs" => dir,
        f => format!("{dir}{}/", f.trim_end_matches(".rs")),
    }
}

/// I/O, clocks and the environment in one file's live code.
fn io_violations(path: &str, code: &str) -> Vec<Violation> {
    let mut out: Vec<Violation> = top_names(code, "std")
        .into_iter()
        .filter(|(_, m)| FORBIDDEN_STD.contains(&m.as_str()))
        .map(|(line, m)| Violation {
            file: path.to_string(),
            line,
            what: format!("`std::{m}` in sim-core (no I/O, clock or environment)"),
        })
        .collect();
    for needle in FORBIDDEN_IO {
        for line in word_hits(code, needle) {
            out.push(Violation {
                file: path.to_string(),
                line,
                what: format!("`{needle}` in sim-core (no I/O, clock or environment)"),
            });
        }
    }
    out.sort_by_key(|v| v.line);
    out
}

/// `HashMap`/`HashSet` in one file's live code, unless the file is allowed them.
fn hash_violations(path: &str, code: &str, allowed: &[(&str, &str)]) -> Vec<Violation> {
    if allowed.iter().any(|(file, _)| *file == path) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for needle in ["HashMap", "HashSet"] {
        for line in word_hits(code, needle) {
            out.push(Violation {
                file: path.to_string(),
                line,
                what: format!(
                    "`{needle}` in sim-core: its order can reach the output (use BTreeMap, a Vec, \
                     or list the file in HASH_ALLOWED with a reason)"
                ),
            });
        }
    }
    out
}

/// The top-level sim-core modules a file's live code refers to (`crate::x`, `crate::{x, y}`,
/// `super::` climbing out of its own module), with their lines.
fn crate_modules(path: &str, code: &str) -> Vec<(usize, String)> {
    let own = module_path(path);
    let mut out = top_names(code, "crate");
    for at in word_positions(code, "super") {
        // Count the `super::` in a row; past the file's own depth they name a top module.
        if code[..at].ends_with("super::") {
            continue; // counted from the first `super`
        }
        let mut ups = 0;
        let mut i = at;
        while code[i..].starts_with("super::") {
            ups += 1;
            i += "super::".len();
        }
        if ups == own.len() {
            let (name, _) = ident_at(code, i);
            if !name.is_empty() {
                out.push((line_of(code, at), name));
            }
        } else if ups < own.len() && ups > 0 {
            out.push((line_of(code, at), own[0].clone()));
        }
    }
    out
}

fn ident_at(code: &str, mut i: usize) -> (String, usize) {
    let bytes = code.as_bytes();
    let start = i;
    while i < bytes.len() && is_ident(bytes[i]) {
        i += 1;
    }
    (code[start..i].to_string(), i)
}

/// The names right under `root` in paths of `code` (`root::x`, `root::{x, y::z}`), by line.
fn top_names(code: &str, root: &str) -> Vec<(usize, String)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    for at in word_positions(code, root) {
        let rest = code[at + root.len()..].trim_start();
        let Some(rest) = rest.strip_prefix("::") else {
            continue;
        };
        let offset = code.len() - rest.len();
        let line = line_of(code, at);
        let rest_trim = rest.trim_start();
        let offset = offset + (rest.len() - rest_trim.len());
        if rest_trim.starts_with('{') {
            // Top-level names of the group: idents at brace depth 1 right after `{` or `,`.
            let mut depth = 0;
            let mut expect = false;
            let mut i = offset;
            while i < bytes.len() {
                match bytes[i] {
                    b'{' => {
                        depth += 1;
                        expect = depth == 1;
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b',' if depth == 1 => expect = true,
                    b if is_ident(b) && expect => {
                        let (name, end) = ident_at(code, i);
                        out.push((line_of(code, i), name));
                        expect = false;
                        i = end;
                        continue;
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            let (name, _) = ident_at(code, offset);
            if !name.is_empty() {
                out.push((line, name));
            }
        }
    }
    out
}

fn word_positions(code: &str, word: &str) -> Vec<usize> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find(word) {
        let at = from + found;
        let end = at + word.len();
        if (at == 0 || !is_ident(bytes[at - 1])) && (end >= bytes.len() || !is_ident(bytes[end])) {
            out.push(at);
        }
        from = end;
    }
    out
}

/// The module path of a sim-core file: `sim-core/src/envoy/outlier/detector.rs` →
/// `[envoy, outlier, detector]`, `sim-core/src/envoy/mod.rs` → `[envoy]`.
fn module_path(path: &str) -> Vec<String> {
    let rel = path.strip_prefix("sim-core/src/").unwrap_or(path);
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// A layer's rule: the files under `dir` may not refer to the `forbidden` top modules, or, when
/// `only` is given, to any top module but those (and their own).
struct Layer {
    dir: &'static str,
    forbidden: &'static [&'static str],
    only: Option<&'static [&'static str]>,
    why: &'static str,
}

const LAYERS: &[Layer] = &[
    Layer {
        dir: "sim-core/src/envoy/",
        forbidden: &["engine", "sim"],
        only: None,
        why: "envoy/ never schedules events: it reports what happened for sim/ to schedule",
    },
    Layer {
        dir: "sim-core/src/world/",
        forbidden: &["envoy", "sim"],
        only: None,
        why: "world/ knows nothing of Envoy or the run",
    },
    Layer {
        dir: "sim-core/src/engine/",
        forbidden: &[],
        only: Some(&["time"]),
        why: "engine/ knows only time",
    },
];

fn layer_violations(path: &str, code: &str, layer: &Layer) -> Vec<Violation> {
    if !path.starts_with(layer.dir) {
        return Vec::new();
    }
    let own = module_path(path)[0].clone();
    crate_modules(path, code)
        .into_iter()
        .filter(|(_, m)| {
            *m != own
                && (layer.forbidden.contains(&m.as_str())
                    || layer.only.is_some_and(|only| !only.contains(&m.as_str())))
        })
        .map(|(line, m)| Violation {
            file: path.to_string(),
            line,
            what: format!("uses `crate::{m}`: {}", layer.why),
        })
        .collect()
}

fn module_doc_violation(path: &str, text: &str) -> Option<Violation> {
    (!text.starts_with("//!")).then(|| Violation {
        file: path.to_string(),
        line: 1,
        what: "does not start with a `//!` line saying what the file holds".into(),
    })
}

/// The paths a Markdown document names in backticks: `(line, path)`. Within "## Code map", a
/// paragraph starts with its base directory (`` `sim-core/src/` ``), a bullet's first name is a
/// directory under it, and names in parentheses after a directory are in that directory. Names
/// elsewhere count only when they start with a top directory of the repository.
fn named_paths(doc: &str, top_dirs: &[String]) -> Vec<(usize, String)> {
    let is_pathlike = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-./*".contains(c))
            && ["/", ".rs", ".md", ".toml", ".json"]
                .iter()
                .any(|end| t.ends_with(end))
            && !t.starts_with('.')
    };
    let from_top = |t: &str| top_dirs.iter().any(|d| t.starts_with(&format!("{d}/")));
    let mut out = Vec::new();
    let mut in_map = false;
    let mut base = String::new();
    let mut stack: Vec<String> = Vec::new();
    let mut scope = String::new();
    let mut last_dir: Option<String> = None;
    let mut bullet_start = false;
    let mut para_start = true;
    for (n, line) in doc.lines().enumerate() {
        let n = n + 1;
        if line.starts_with("## ") {
            in_map = line.trim() == "## Code map";
            para_start = true;
            continue;
        }
        if line.trim().is_empty() {
            para_start = true;
            continue;
        }
        if in_map && line.starts_with("- ") {
            bullet_start = true;
            stack.clear();
            scope = base.clone();
            last_dir = None;
        }
        let mut rest = line;
        while !rest.is_empty() {
            let Some(c) = rest.chars().next() else { break };
            if c == '`' {
                let Some(end) = rest[1..].find('`') else {
                    break;
                };
                let token = &rest[1..1 + end];
                rest = &rest[end + 2..];
                if !is_pathlike(token) {
                    bullet_start = false;
                    para_start = false;
                    last_dir = None;
                    continue;
                }
                if !in_map && !from_top(token) {
                    continue;
                }
                let full = if in_map && para_start {
                    base = token.to_string();
                    scope = base.clone();
                    stack.clear();
                    token.to_string()
                } else if in_map && bullet_start && token.ends_with('/') {
                    // A bullet's directory is under the paragraph's, even where the root has
                    // one of the same name (`schema/`).
                    scope = format!("{base}{token}");
                    scope.clone()
                } else if from_top(token) || !in_map {
                    token.to_string()
                } else {
                    format!("{scope}{token}")
                };
                last_dir = full.ends_with('/').then(|| full.clone());
                bullet_start = false;
                para_start = false;
                out.push((n, full));
            } else {
                if in_map {
                    if c == '(' {
                        stack.push(scope.clone());
                        if let Some(d) = last_dir.take() {
                            scope = d;
                        }
                    } else if c == ')' {
                        if let Some(s) = stack.pop() {
                            scope = s;
                        }
                    } else if !c.is_whitespace() {
                        last_dir = None;
                    }
                }
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

fn missing_paths(doc_name: &str, doc: &str, root: &Path) -> Vec<Violation> {
    let top_dirs: Vec<String> = fs::read_dir(root)
        .expect("the root")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|d| !d.starts_with('.'))
        .collect();
    named_paths(doc, &top_dirs)
        .into_iter()
        .filter(|(_, p)| !path_exists(root, p))
        .map(|(line, p)| Violation {
            file: doc_name.to_string(),
            line,
            what: format!("names `{p}`, which does not exist"),
        })
        .collect()
}

/// Whether `p` exists under `root`; a `*` in the last part matches any name.
fn path_exists(root: &Path, p: &str) -> bool {
    match p.rsplit_once('/') {
        Some((dir, last)) if last.contains('*') => {
            let (prefix, suffix) = last.split_once('*').expect("has a *");
            fs::read_dir(root.join(dir)).is_ok_and(|entries| {
                entries.filter_map(|e| e.ok()).any(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.starts_with(prefix) && name.ends_with(suffix)
                })
            })
        }
        _ => root.join(p).exists(),
    }
}

#[test]
fn sim_core_has_no_io_clock_or_environment() {
    let files = sim_core_live_files();
    let has = |name: &str| files.iter().any(|(p, _)| p.ends_with(name));
    assert!(has("sim-core/src/envoy/conn_pool.rs") && has("sim-core/src/lib.rs"));
    assert!(
        !has("conn_pool_tests.rs"),
        "files of #[cfg(test)] modules are left out"
    );
    let v: Vec<Violation> = files
        .iter()
        .flat_map(|(p, code)| io_violations(p, code))
        .collect();
    report("sim-core must do no I/O", &v);
}

#[test]
fn sim_core_has_no_hash_maps() {
    let v: Vec<Violation> = sim_core_live_files()
        .iter()
        .flat_map(|(p, code)| hash_violations(p, code, HASH_ALLOWED))
        .collect();
    report("sim-core's output must not depend on hash order", &v);
}

#[test]
fn layers_keep_to_themselves() {
    let v: Vec<Violation> = sim_core_live_files()
        .iter()
        .flat_map(|(p, code)| LAYERS.iter().flat_map(|l| layer_violations(p, code, l)))
        .collect();
    report("sim-core's layers", &v);
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let v: Vec<Violation> = ["sim-core/src", "sim-cli/src"]
        .iter()
        .flat_map(|dir| rust_files(dir))
        .filter_map(|(p, text)| module_doc_violation(&p, &text))
        .collect();
    report("every source file says what it holds", &v);
}

#[test]
fn every_path_architecture_md_names_exists() {
    let root = root();
    let doc = fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let named = named_paths(&doc, &["sim-core".into(), "sim-cli".into()]);
    assert!(named.len() > 50, "the code map names its files: {named:?}");
    report(
        "ARCHITECTURE.md",
        &missing_paths("ARCHITECTURE.md", &doc, &root),
    );
}

/// Each check, fed a bad snippet, finds it; and is not fooled by comments, strings and tests.
mod checks_can_fail {
    use super::*;

    fn live(text: &str) -> String {
        live_code(text).0
    }

    #[test]
    fn io_is_found_with_its_line() {
        let code = live(
            "//! m\nfn f() {\n    println!(\"x\");\n    let t = std::time::Instant::now();\n}\n",
        );
        let v = io_violations("sim-core/src/x.rs", &code);
        let lines: Vec<usize> = v.iter().map(|v| v.line).collect();
        assert_eq!(lines, [3, 4], "{v:?}");
        assert_eq!(v[0].file, "sim-core/src/x.rs");
        let code = live("use std::fs;\nuse std::io::stdout;\nfn g() { eprintln!(); }\n");
        assert_eq!(io_violations("x.rs", &code).len(), 3);
        let code = live(
            "use std::time::SystemTime;\nuse std::{env, net};\nfn h() { std::env::var(\"A\"); }\n",
        );
        let v = io_violations("x.rs", &code);
        assert_eq!(
            v.iter().map(|v| v.line).collect::<Vec<_>>(),
            [1, 2, 2, 3],
            "{v:?}"
        );
    }

    #[test]
    fn io_in_comments_strings_and_tests_is_not_counted() {
        let text = "//! Never `println!` here.\n/// Calls no `std::fs`.\nfn f() -> &'static str {\n    let _c = '\"';\n    \"println!(std::fs)\"\n}\n/* eprintln! */\nconst R: &str = r#\"stdout \"quoted\" \"#;\n#[cfg(test)]\nmod tests {\n    fn t() { println!(\"{}\", std::time::Instant::now().elapsed().as_nanos()); }\n}\nfn g<'a>(x: &'a str) -> &'a str { x }\n";
        let v = io_violations("x.rs", &live(text));
        assert!(v.is_empty(), "{v:?}");
        // ... but code after the test module is still read.
        let text = "#[cfg(test)]\nmod tests {\n    fn t() {}\n}\nfn late() { println!(); }\n";
        let v = io_violations("x.rs", &live(text));
        assert_eq!(v.iter().map(|v| v.line).collect::<Vec<_>>(), [5]);
    }

    #[test]
    fn test_only_module_files_are_named() {
        let (_, mods) = live_code("pub mod a;\n#[cfg(test)]\nmod a_tests;\n");
        assert_eq!(mods, ["a_tests"]);
        assert_eq!(
            module_dir("sim-core/src/envoy/mod.rs"),
            "sim-core/src/envoy/"
        );
        assert_eq!(
            module_dir("sim-core/src/envoy/outlier.rs"),
            "sim-core/src/envoy/outlier/"
        );
    }

    #[test]
    fn hash_maps_are_found_unless_allowed() {
        let code =
            live("use std::collections::HashMap;\nfn f(s: std::collections::HashSet<u8>) {}\n");
        let v = hash_violations("sim-core/src/x.rs", &code, &[]);
        assert_eq!(v.iter().map(|v| v.line).collect::<Vec<_>>(), [1, 2]);
        let allowed = [("sim-core/src/x.rs", "a lookup only, never iterated")];
        assert!(hash_violations("sim-core/src/x.rs", &code, &allowed).is_empty());
        let code = live("struct MyHashMapLike;\n// HashMap\n");
        assert!(hash_violations("x.rs", &code, &[]).is_empty());
    }

    #[test]
    fn layer_breaches_are_found() {
        let envoy = "use crate::engine::EventQueue;\nuse crate::{time::SimTime, sim::Event};\nuse super::conn_pool::Connection;\n";
        let v = layer_violations("sim-core/src/envoy/retry.rs", &live(envoy), &LAYERS[0]);
        let found: Vec<(usize, &str)> = v.iter().map(|v| (v.line, v.what.as_str())).collect();
        assert_eq!(v.len(), 2, "{found:?}");
        assert_eq!((v[0].line, v[1].line), (1, 2));
        // `super::super::` out of envoy/outlier/ reaches envoy's siblings' parent: `crate`.
        let nested = "use super::super::super::sim::Event;\nuse super::super::host::HostStats;\n";
        let v = layer_violations(
            "sim-core/src/envoy/outlier/detector.rs",
            &live(nested),
            &LAYERS[0],
        );
        assert_eq!(v.iter().map(|v| v.line).collect::<Vec<_>>(), [1], "{v:?}");
        let world = "use crate::envoy::host::HostStats;\n";
        assert_eq!(
            layer_violations("sim-core/src/world/backend.rs", &live(world), &LAYERS[1]).len(),
            1
        );
        let engine = "use crate::time::SimTime;\nuse crate::slab::Key;\n";
        let v = layer_violations("sim-core/src/engine/queue.rs", &live(engine), &LAYERS[2]);
        assert_eq!(v.iter().map(|v| v.line).collect::<Vec<_>>(), [2]);
        // Another directory's file is not the layer's business.
        assert!(layer_violations("sim-core/src/sim/mod.rs", &live(envoy), &LAYERS[0]).is_empty());
    }

    #[test]
    fn a_file_without_a_module_doc_is_found() {
        assert!(module_doc_violation("a.rs", "//! What it holds.\n").is_none());
        let v = module_doc_violation("a.rs", "/// An item doc.\nfn f() {}\n").expect("found");
        assert_eq!((v.file.as_str(), v.line), ("a.rs", 1));
        assert!(module_doc_violation("b.rs", "\n//! Late.\n").is_some());
    }

    #[test]
    fn code_map_paths_resolve_by_paragraph_bullet_and_parentheses() {
        let doc = "# A\n\nSee `sim-core/src/lib.rs` and `SimTime`.\n\n## Code map\n\n`sim-core/src/`\n- `time.rs`: time.\n- `envoy/`: `conn_pool.rs` and `outlier/` (the `detector.rs`), `retry.rs`.\n- `sim-cli/`: `x.rs`.\n\n`sim-cli/src/`: `main.rs`, `import/` (`yaml.rs` with `istio.rs` (`x`) and `emit.rs`), `files.rs`.\n\n## Other\n\n`gone.rs`\n";
        let named: Vec<String> = named_paths(doc, &["sim-core".into(), "sim-cli".into()])
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            named,
            [
                "sim-core/src/lib.rs",
                "sim-core/src/",
                "sim-core/src/time.rs",
                "sim-core/src/envoy/",
                "sim-core/src/envoy/conn_pool.rs",
                "sim-core/src/envoy/outlier/",
                "sim-core/src/envoy/outlier/detector.rs",
                "sim-core/src/envoy/retry.rs",
                "sim-core/src/sim-cli/",
                "sim-core/src/sim-cli/x.rs",
                "sim-cli/src/",
                "sim-cli/src/main.rs",
                "sim-cli/src/import/",
                "sim-cli/src/import/yaml.rs",
                "sim-cli/src/import/istio.rs",
                "sim-cli/src/import/emit.rs",
                "sim-cli/src/files.rs",
            ]
        );
    }

    #[test]
    fn a_code_map_path_that_does_not_exist_is_found() {
        let doc = "## Code map\n\n`sim-core/src/`\n- `envoy/`: `conn_pool.rs`, `router.rs`.\n- `nowhere/`: x.\n";
        let v = missing_paths("A.md", doc, &root());
        let found: Vec<(usize, &str)> = v.iter().map(|v| (v.line, v.what.as_str())).collect();
        assert_eq!(
            found,
            [
                (
                    4,
                    "names `sim-core/src/envoy/router.rs`, which does not exist"
                ),
                (5, "names `sim-core/src/nowhere/`, which does not exist"),
            ]
        );
    }
}
