//! Every command shown in README.md and docs/*.md runs, and shows what it really prints.
//!
//! A small trycmd-like harness, without a dependency: trycmd reads `.toml`/`.trycmd` case files
//! and markdown of its own dialect, while these are the user docs as written, with inputs
//! defined in the docs themselves and commands that read each other's files.
//!
//! - The doc commands are the `breakersim ...` and `cargo ...` commands in the fenced blocks
//!   tagged `console`, `sh`, `bash` or `shell` (a `$ ` prompt in `console` blocks; lines
//!   continued with a trailing `\`; a `# comment` after the command is stripped). Other tools'
//!   commands (`kubectl`, `sbatch`) are not breakersim's and are not run.
//! - Each is run, or is in [`NOT_RUN`] with the reason; a command in neither fails the test, and
//!   so does an entry of [`NOT_RUN`] that matches no command.
//! - `cargo run --release -- ARGS` runs as `breakersim ARGS` (the binary under test).
//! - A doc's commands run in order, in one temp directory holding symlinks to the repository's
//!   top-level files and directories, so `scenarios/...` and `docs/examples/...` resolve and
//!   what a command writes (`> reviews.toml`, `--out DIR`) stays in the temp directory, for the
//!   doc's later commands to read. `> FILE` and `2> FILE` redirect into it.
//! - The exit code must be 0, or the one a `# exit code N` comment gives.
//! - In a `console` block, the lines after a command, up to the next `$ `, are its output
//!   (stdout, then stderr), compared line by line: a `...` line stands for any number of lines,
//!   `[..]` for any text within a line.
//! - `<!-- doc-test: writes FILE -->` before a fenced block writes the block into the temp
//!   directory as FILE before the doc's commands run (an input the doc shows in full).
//!   `<!-- doc-test: shows FILE -->` before a block checks the block (with the same wildcards)
//!   against FILE after the doc's commands ran (an output file the doc shows).
//!
//! `BREAKERSIM_BLESS_DOCS=1 cargo test --test integration doc_commands` rewrites each console
//! output and `shows` block that does not match with what the command really printed
//! (wildcards in a rewritten block are lost: put them back where the output varies, and
//! review the diff). Refused when `CI` is set.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use crate::common::{root, temp_dir};

/// Doc commands that are not run, each with why: (doc, start of the command, reason).
const NOT_RUN: &[(&str, &str, &str)] = &[
    (
        "README.md",
        "cargo test --workspace",
        "the test suite itself",
    ),
    (
        "README.md",
        "cargo install --path sim-cli",
        "installs into ~/.cargo/bin: a release build outside the test's target (CI builds the same binary)",
    ),
    (
        "docs/testing.md",
        "cargo test",
        "the test suite itself (and its long property run)",
    ),
    (
        "docs/testing.md",
        "cargo clippy",
        "a lint of the workspace, run by CI",
    ),
    (
        "docs/performance.md",
        "cargo bench",
        "benchmarks: minutes of measurement",
    ),
    (
        "docs/performance.md",
        "cargo run --release -- run --timing scenarios/bench/bench-100-hosts.toml",
        "a benchmark run (14 s in a debug build); what it shows is wall-clock timings, which vary",
    ),
    (
        "README.md",
        "breakersim sweep scenarios/sweeps/istio-ejection-settings.toml",
        "1,800 runs of ten simulated minutes: minutes in a debug build (reports/ are checked by `report --check`)",
    ),
    (
        "docs/sweeps.md",
        "breakersim sweep scenarios/sweeps/istio-ejection-settings.toml --out DIR --resume",
        "the same long sweep (its resumption is tested in sweep_resume.rs)",
    ),
    (
        "README.md",
        "breakersim run SCENARIO.toml",
        "a usage synopsis, with placeholders",
    ),
    (
        "README.md",
        "breakersim check SCENARIO.toml",
        "a usage synopsis",
    ),
    (
        "README.md",
        "breakersim explain SCENARIO.toml",
        "a usage synopsis",
    ),
    (
        "README.md",
        "breakersim import CONFIG...",
        "a usage synopsis",
    ),
    (
        "README.md",
        "breakersim sweep SWEEP.toml",
        "a usage synopsis",
    ),
    (
        "README.md",
        "breakersim merge SHARD_DIR",
        "a usage synopsis",
    ),
    (
        "README.md",
        "breakersim report [--check]",
        "a usage synopsis",
    ),
    ("README.md", "breakersim tune TUNE.toml", "a usage synopsis"),
    (
        "docs/tune.md",
        "breakersim tune TUNE.toml",
        "a usage synopsis, with placeholders",
    ),
    (
        "docs/sweeps.md",
        "breakersim sweep scenarios/sweeps/istio-ejection-settings.toml [--threads N]",
        "a usage synopsis",
    ),
    (
        "docs/sweeps.md",
        "breakersim merge SHARD_DIR",
        "a usage synopsis",
    ),
    (
        "docs/sweeps.md",
        "breakersim report [--check]",
        "a usage synopsis",
    ),
    (
        "docs/cluster-sweeps.md",
        "srun breakersim sweep",
        "a Slurm job script (docs/cluster/slurm/, checked verbatim by cluster_docs.rs)",
    ),
    (
        "docs/cluster-sweeps.md",
        "breakersim merge \"${dirs[@]}\"",
        "a Slurm job script (docs/cluster/slurm/, checked verbatim by cluster_docs.rs)",
    ),
];

/// A fenced block of a doc.
struct Block {
    /// 0-based line of the opening fence.
    fence: usize,
    tag: String,
    /// The lines between the fences.
    lines: Vec<String>,
    /// `writes FILE` or `shows FILE`, from a `<!-- doc-test: ... -->` just before.
    directive: Option<(String, String)>,
}

fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        if let Some(tag) = line.strip_prefix("```") {
            let start = i;
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                body.push(lines[i].to_string());
                i += 1;
            }
            let directive = (0..start)
                .rev()
                .map(|j| lines[j].trim())
                .find(|l| !l.is_empty())
                .and_then(|l| l.strip_prefix("<!-- doc-test:"))
                .and_then(|l| l.strip_suffix("-->"))
                .map(|d| {
                    let (verb, file) = d.trim().split_once(' ').expect("doc-test: VERB FILE");
                    (verb.to_string(), file.trim().to_string())
                });
            out.push(Block {
                fence: start,
                tag: tag.trim().to_string(),
                lines: body,
                directive,
            });
        }
        i += 1;
    }
    out
}

/// One command of a doc, with the output its doc shows (console blocks).
struct DocCommand {
    /// The command as a reader sees it, continuations joined, comment stripped.
    text: String,
    comment: String,
    /// Shown output and where it sits in the doc (0-based lines, end exclusive).
    shown: Option<(Vec<String>, usize, usize)>,
}

/// Splits `line` at a ` #` comment outside quotes.
fn strip_comment(line: &str) -> (&str, &str) {
    let (mut single, mut double, mut prev_space) = (false, false, true);
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev_space => {
                return (line[..i].trim_end(), line[i + 1..].trim());
            }
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    (line.trim_end(), "")
}

fn commands(block: &Block) -> Vec<DocCommand> {
    let console = block.tag == "console";
    let mut out: Vec<DocCommand> = Vec::new();
    let mut i = 0;
    while i < block.lines.len() {
        let raw = &block.lines[i];
        let start = if console {
            raw.strip_prefix("$ ")
        } else {
            Some(raw.as_str())
        };
        let Some(first) = start else {
            i += 1;
            continue;
        };
        // Join continuation lines.
        let mut parts = Vec::new();
        let mut comments = Vec::new();
        let mut line = first.to_string();
        loop {
            let (code, comment) = strip_comment(&line);
            comments.push(comment.to_string());
            if let Some(head) = code.strip_suffix('\\') {
                parts.push(head.trim().to_string());
                i += 1;
                match block.lines.get(i) {
                    Some(next) => line = next.clone(),
                    None => break,
                }
            } else {
                parts.push(code.trim().to_string());
                break;
            }
        }
        i += 1;
        let text = parts.join(" ").trim().to_string();
        if text.is_empty() {
            continue;
        }
        let shown = console.then(|| {
            let from = i;
            while i < block.lines.len() && !block.lines[i].starts_with("$ ") {
                i += 1;
            }
            let abs = block.fence + 1;
            (block.lines[from..i].to_vec(), abs + from, abs + i)
        });
        out.push(DocCommand {
            text,
            comment: comments.join(" "),
            shown,
        });
    }
    out
}

/// Shell-like words: quotes and backslashes as sh reads them (no expansion).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut in_word, mut single, mut double) = (false, false, false);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => {
                single = !single;
                in_word = true;
            }
            '"' if !single => {
                double = !double;
                in_word = true;
            }
            '\\' if !single => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            c if c.is_whitespace() && !single && !double => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// The command's words after leading `VAR=value` assignments.
fn program_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .skip_while(|w| {
            w.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .collect()
}

/// `text` without its leading `VAR=value` assignments (values without spaces).
fn without_env(text: &str) -> &str {
    let mut rest = text.trim_start();
    while let Some((word, more)) = rest.split_once(' ')
        && word.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    {
        rest = more.trim_start();
    }
    rest
}

fn is_doc_command(text: &str) -> bool {
    let w = program_words(text);
    matches!(w.first().map(String::as_str), Some("cargo" | "breakersim"))
        || w.iter().any(|w| w == "breakersim")
}

/// `breakersim` arguments, stdout and stderr redirections of a runnable command.
struct Runnable {
    args: Vec<String>,
    stdout_to: Option<String>,
    stderr_to: Option<String>,
}

fn runnable(text: &str) -> Option<Runnable> {
    let w = program_words(text);
    let rest = match w.first().map(String::as_str) {
        Some("breakersim") => &w[1..],
        Some("cargo") if w.len() > 3 && w[1..4] == ["run", "--release", "--"] => &w[4..],
        _ => return None,
    };
    let mut r = Runnable {
        args: Vec::new(),
        stdout_to: None,
        stderr_to: None,
    };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            ">" => r.stdout_to = it.next().cloned(),
            "2>" => r.stderr_to = it.next().cloned(),
            a if a.starts_with('>') => r.stdout_to = Some(a[1..].to_string()),
            _ => r.args.push(a.clone()),
        }
    }
    Some(r)
}

/// The exit code a `# exit code N` comment gives, else 0.
fn expected_code(comment: &str) -> i32 {
    comment
        .split("exit code ")
        .nth(1)
        .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Does `pattern` (`...` lines, `[..]` within lines) match `actual`?
fn lines_match(pattern: &[String], actual: &[&str]) -> bool {
    match pattern.split_first() {
        None => actual.is_empty(),
        Some((p, rest)) if p.trim() == "..." => {
            (0..=actual.len()).any(|k| lines_match(rest, &actual[k..]))
        }
        Some((p, rest)) => actual.split_first().is_some_and(|(a, more)| {
            line_matches(p.trim_end(), a.trim_end()) && lines_match(rest, more)
        }),
    }
}

fn line_matches(pattern: &str, actual: &str) -> bool {
    let mut pieces = pattern.split("[..]");
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (n, piece) in pieces.iter().enumerate() {
        if n + 1 == pieces.len() {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn trimmed_lines(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text.lines().map(str::trim_end).collect();
    while v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

fn pattern_lines(shown: &[String]) -> Vec<String> {
    let mut v = shown.to_vec();
    while v.last().is_some_and(|l| l.trim().is_empty()) {
        v.pop();
    }
    v
}

/// The docs whose commands are checked.
fn docs() -> Vec<String> {
    let mut docs = vec!["README.md".to_string()];
    let mut more: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// A temp working directory with the repository's top-level entries linked in.
fn workdir(doc: &str) -> PathBuf {
    let dir = temp_dir(&format!("doc-{}", doc.replace(['/', '.'], "-")));
    for entry in std::fs::read_dir(root()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(entry.path(), dir.join(&name)).unwrap();
        #[cfg(not(unix))]
        compile_error!("the doc harness links the repository with unix symlinks");
    }
    dir
}

/// A replacement of doc lines `from..to` by `with`.
struct Edit {
    from: usize,
    to: usize,
    with: Vec<String>,
}

/// Runs one doc's commands; returns failures, the commands seen, and bless edits.
fn check_doc(doc: &str) -> (Vec<String>, Vec<String>, Vec<Edit>) {
    let text = std::fs::read_to_string(root().join(doc)).unwrap();
    let blocks = blocks(&text);
    let dir = workdir(doc);
    let (mut failures, mut seen, mut edits) = (Vec::new(), Vec::new(), Vec::new());
    for b in &blocks {
        if let Some((verb, file)) = &b.directive
            && verb == "writes"
        {
            std::fs::write(dir.join(file), b.lines.join("\n") + "\n").unwrap();
        }
    }
    for b in &blocks {
        if !matches!(b.tag.as_str(), "console" | "sh" | "bash" | "shell") {
            continue;
        }
        for c in commands(b) {
            if !is_doc_command(&c.text) {
                continue;
            }
            seen.push(c.text.clone());
            let place = format!("{doc}:{}: `{}`", b.fence + 1, c.text);
            if NOT_RUN
                .iter()
                .any(|(d, start, _)| *d == doc && without_env(&c.text).starts_with(start))
            {
                continue;
            }
            let Some(r) = runnable(&c.text) else {
                failures.push(format!("{place}: neither run nor in NOT_RUN"));
                continue;
            };
            let out = Command::new(env!("CARGO_BIN_EXE_breakersim"))
                .args(&r.args)
                .current_dir(&dir)
                .output()
                .expect("the binary runs");
            let (stdout, stderr) = (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
            let mut shown_out = String::new();
            match &r.stdout_to {
                Some(f) => std::fs::write(dir.join(f), &stdout).unwrap(),
                None => shown_out.push_str(&stdout),
            }
            match &r.stderr_to {
                Some(f) => std::fs::write(dir.join(f), &stderr).unwrap(),
                None => shown_out.push_str(&stderr),
            }
            let code = out.status.code().unwrap_or(-1);
            let want = expected_code(&c.comment);
            if code != want {
                failures.push(format!(
                    "{place}: exit code {code}, the doc says {want}\n{stdout}{stderr}"
                ));
                continue;
            }
            if let Some((shown, from, to)) = &c.shown {
                let pattern = pattern_lines(shown);
                let actual = trimmed_lines(&shown_out);
                if !lines_match(&pattern, &actual) {
                    failures.push(format!(
                        "{place}: the doc shows\n{}\nbut it prints\n{}",
                        pattern.join("\n"),
                        actual.join("\n")
                    ));
                    let mut with: Vec<String> = actual.iter().map(|l| l.to_string()).collect();
                    // Keep the blank lines that separated the output from what follows.
                    with.extend(shown[pattern.len()..].iter().cloned());
                    edits.push(Edit {
                        from: *from,
                        to: *to,
                        with,
                    });
                }
            }
        }
    }
    for b in &blocks {
        if let Some((verb, file)) = &b.directive
            && verb == "shows"
        {
            let place = format!("{doc}:{}: the block showing {file}", b.fence + 1);
            match std::fs::read_to_string(dir.join(file)) {
                Err(e) => failures.push(format!("{place}: {e}")),
                Ok(actual) => {
                    let actual = trimmed_lines(&actual);
                    if !lines_match(&pattern_lines(&b.lines), &actual) {
                        failures.push(format!(
                            "{place}: the doc shows\n{}\nbut the file is\n{}",
                            b.lines.join("\n"),
                            actual.join("\n")
                        ));
                        edits.push(Edit {
                            from: b.fence + 1,
                            to: b.fence + 1 + b.lines.len(),
                            with: actual.iter().map(|l| l.to_string()).collect(),
                        });
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    (failures, seen, edits)
}

fn bless(doc: &str, mut edits: Vec<Edit>) {
    let text = std::fs::read_to_string(root().join(doc)).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.from));
    for e in edits {
        lines.splice(e.from..e.to, e.with);
    }
    std::fs::write(root().join(doc), lines.join("\n") + "\n").unwrap();
}

#[test]
fn every_doc_command_runs_and_shows_its_real_output() {
    let blessing = std::env::var_os("BREAKERSIM_BLESS_DOCS").is_some_and(|v| v == "1");
    assert!(
        !(blessing && std::env::var_os("CI").is_some()),
        "BREAKERSIM_BLESS_DOCS is refused when CI is set"
    );
    let docs = docs();
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = docs.iter().map(|d| s.spawn(move || check_doc(d))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut failures = Vec::new();
    let mut used = BTreeSet::new();
    for (doc, (f, seen, edits)) in docs.iter().zip(results) {
        for (i, (d, start, _)) in NOT_RUN.iter().enumerate() {
            if d == doc && seen.iter().any(|c| without_env(c).starts_with(start)) {
                used.insert(i);
            }
        }
        if blessing && !edits.is_empty() {
            bless(doc, edits);
        } else {
            failures.extend(f);
        }
    }
    for (i, (d, start, _)) in NOT_RUN.iter().enumerate() {
        if !used.contains(&i) {
            failures.push(format!("NOT_RUN entry {d}: `{start}` matches no command"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_harness_reads_commands_and_wildcards() {
    let b = Block {
        fence: 0,
        tag: "console".into(),
        lines: [
            "$ breakersim import a.yaml \\",
            "    'b c.yaml' > x.toml   # 1. translate; exit code 2",
            "shown [..] line",
            "...",
            "last",
            "$ echo hi",
        ]
        .map(String::from)
        .to_vec(),
        directive: None,
    };
    let c = commands(&b);
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].text, "breakersim import a.yaml 'b c.yaml' > x.toml");
    assert_eq!(expected_code(&c[0].comment), 2);
    let r = runnable(&c[0].text).unwrap();
    assert_eq!(r.args, ["import", "a.yaml", "b c.yaml"]);
    assert_eq!(r.stdout_to.as_deref(), Some("x.toml"));
    let shown = &c[0].shown.as_ref().unwrap().0;
    assert!(lines_match(shown, &["shown a b line", "x", "y", "last"]));
    assert!(lines_match(shown, &["shown  line", "last"]));
    assert!(!lines_match(shown, &["shown line", "last"]));
    assert!(!lines_match(shown, &["shown a line", "last", "more"]));
    assert!(!is_doc_command(&c[1].text));
    assert!(is_doc_command("PROPTEST_CASES=1 cargo test"));
    assert_eq!(
        runnable("cargo run --release -- run x.toml").unwrap().args,
        ["run", "x.toml"]
    );
}

/// Every relative link of README.md, ARCHITECTURE.md and docs/*.md names a file or directory
/// of the repository.
#[test]
fn every_relative_link_resolves_in_the_repository() {
    let mut docs = docs();
    docs.push("ARCHITECTURE.md".into());
    let repo = root().canonicalize().unwrap();
    let mut broken = Vec::new();
    for doc in docs {
        let text = std::fs::read_to_string(root().join(&doc)).unwrap();
        let base = root().join(&doc).parent().unwrap().to_path_buf();
        let mut in_fence = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            }
            if in_fence {
                continue;
            }
            for target in link_targets(line) {
                if target.contains("://")
                    || target.starts_with('#')
                    || target.starts_with("mailto:")
                {
                    continue;
                }
                let file = target.split('#').next().unwrap();
                let path = base.join(file);
                let inside = path
                    .canonicalize()
                    .is_ok_and(|p| p.starts_with(&repo) && !p.starts_with(repo.join("target")));
                if !inside {
                    broken.push(format!("{doc}:{}: {target}", n + 1));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links outside the repository or to nothing:\n{}",
        broken.join("\n")
    );
}

/// The targets of `[text](target)` and `![alt](target)` links on a line.
fn link_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        match after.find(')') {
            Some(end) => {
                let t = after[..end].trim();
                let t = t.split_whitespace().next().unwrap_or("");
                if !t.is_empty() {
                    out.push(t.to_string());
                }
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}
