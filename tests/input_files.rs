//! Inputs are read bounded: only regular files (a device or FIFO could never end), at most
//! `BREAKERSIM_MAX_INPUT_BYTES`, and as UTF-8 text whose first bad byte is shown at its line and
//! column, for every kind of input (scenario, sweep, `cluster.from`, `import`, journal).

use std::path::Path;
use std::process::Command;

use crate::common::{breakersim, fails, root, scenario_path, temp_dir};

fn fifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn special_files_are_refused_with_what_they_are() {
    let dir = temp_dir("input-special");
    let pipe = dir.join("pipe.yaml");
    fifo(&pipe);
    let p = pipe.to_str().unwrap();
    fails(
        &["check", "/dev/zero"],
        2,
        &["/dev/zero: cannot read the scenario: it is a character device, not a regular file"],
    );
    fails(&["import", p], 2, &["cannot read the input: it is a FIFO"]);
    fails(&["sweep", p], 2, &["cannot read the sweep: it is a FIFO"]);
    let scenario = dir.join("from.toml");
    std::fs::write(&scenario, "[cluster]\nfrom = \"/dev/zero\"\n").unwrap();
    fails(
        &["check", scenario.to_str().unwrap()],
        2,
        &["from.toml:2:8: cluster.from: cannot read /dev/zero: it is a character device"],
    );
    fails(&["check", dir.to_str().unwrap()], 2, &["it is a directory"]);

    // A FIFO as a sweep's journal: neither read on --resume nor written without it.
    let sweep = crate::sweeps::small_sweep("input-journal.toml");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    fifo(&out.join("runs.journal"));
    let s = sweep.to_str().unwrap();
    for extra in [&[][..], &["--resume"][..]] {
        let mut args = vec!["sweep", s, "--out", out.to_str().unwrap()];
        args.extend(extra);
        fails(
            &args,
            2,
            &["runs.journal: the journal is not a regular file"],
        );
    }
}

#[test]
fn an_input_over_the_cap_is_refused() {
    let scenario = scenario_path("istio-outlier-tutorial.toml");
    let size = std::fs::metadata(&scenario).unwrap().len();
    let run = |cap: &str| {
        Command::new(env!("CARGO_BIN_EXE_breakersim"))
            .args([
                "check",
                scenario.to_str().unwrap(),
                "--message-format",
                "short",
            ])
            .env("BREAKERSIM_MAX_INPUT_BYTES", cap)
            .current_dir(root())
            .output()
            .unwrap()
    };
    let at_cap = run(&size.to_string());
    assert_eq!(at_cap.status.code(), Some(0), "the cap is inclusive");
    let over = run(&(size - 1).to_string());
    assert_eq!(over.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&over.stderr);
    assert!(
        stderr.contains(&format!(
            "cannot read the scenario: it is larger than {} bytes, the most breakersim reads (set BREAKERSIM_MAX_INPUT_BYTES to raise it)",
            size - 1
        )),
        "{stderr}"
    );
    let bad = run("lots");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a number of bytes"));
}

/// A scenario file past 512 KiB (here 100,000 backend groups, which would take seconds and
/// hundreds of MB to parse) is refused before it is parsed; a config may be larger.
#[test]
fn a_scenario_past_512_kib_is_refused_unread() {
    let groups: String = (0..100_000)
        .map(|i| format!("[[backends]]\nname = \"b{i}\"\n"))
        .collect();
    let dir = temp_dir("input-big");
    let path = dir.join("groups.toml");
    std::fs::write(&path, format!("[cluster]\nname = \"c\"\n{groups}")).unwrap();
    fails(
        &["check", path.to_str().unwrap()],
        2,
        &[
            "groups.toml: cannot read the scenario: it is larger than 524288 bytes, the most breakersim reads (set BREAKERSIM_MAX_INPUT_BYTES to raise it)",
        ],
    );
}

#[test]
fn a_byte_that_is_not_utf8_is_located() {
    let dir = temp_dir("input-utf8");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    // Line 2, after `name = "a` (9 bytes): column 10.
    let scenario = write("bad.toml", b"seed = 1\nname = \"a\xffb\"\n");
    fails(
        &["check", &scenario],
        2,
        &[
            "bad.toml:2:10: the scenario is not UTF-8 text: byte 0xff cannot start or continue a character, expected UTF-8 text",
        ],
    );
    // Latin-1 in a YAML comment, line 3 column 5.
    let yaml = write("bad.yaml", b"kind: x\n# ok\n# ca\xe9\n");
    fails(
        &["import", &yaml],
        2,
        &["bad.yaml:3:5: the input is not UTF-8 text: byte 0xe9"],
    );
    let from = write(
        "from.toml",
        format!("[cluster]\nfrom = \"{yaml}\"\n").as_bytes(),
    );
    fails(
        &["check", &from],
        2,
        &["bad.yaml:3:5: the config is not UTF-8 text"],
    );
    let sweep = write("bad-sweep.toml", b"\xfe");
    fails(
        &["sweep", &sweep],
        2,
        &["bad-sweep.toml:1:1: the sweep is not UTF-8 text: byte 0xfe"],
    );
    assert_eq!(breakersim(&["check", &scenario]).stdout, "");
}
