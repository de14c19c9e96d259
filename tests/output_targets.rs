//! Outputs go where the user pointed them: devices and FIFOs are written in place, never
//! replaced by a regular file; a symbolic link is followed and stays a link; `-` is stdout.
//! Device nodes are made with `mknod` in a scratch directory (never in `/dev`), and the
//! writes are tried as root and, through `setpriv`, as an unprivileged user.

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{root, scenario_path, temp_dir};

const NOBODY: &str = "65534";

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs the tutorial with `--outlier-log TARGET`, as root or (with `as_nobody`) as user
/// 65534: exit code, stdout, stderr.
fn run_with_log(target: &Path, as_nobody: bool) -> (i32, String, String) {
    run_as(target, as_nobody, &[])
}

/// As [`run_with_log`], the unprivileged user's command started by `prefix` (a shell that
/// makes the user's own stdout pipe, as a user's shell would).
fn run_as(target: &Path, as_nobody: bool, prefix: &[&str]) -> (i32, String, String) {
    let bin = env!("CARGO_BIN_EXE_breakersim");
    let scenario = scenario_path("istio-outlier-tutorial.toml");
    let mut cmd = if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"]);
        c.args(prefix).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .arg("run")
        .arg(&scenario)
        .arg("--outlier-log")
        .arg(target)
        .args(["--message-format", "short"])
        .current_dir(root())
        .output()
        .expect("breakersim runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A scratch directory anyone may write in (the unprivileged user makes its files there).
fn scratch(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    dir
}

/// `mknod -m 666 PATH c MAJOR MINOR`: Linux's null (1, 3) and full (1, 7) devices.
fn char_device(path: &Path, minor: u32) {
    let made = Command::new("mknod")
        .args(["-m", "666"])
        .arg(path)
        .args(["c", "1", &minor.to_string()])
        .status()
        .unwrap();
    assert!(made.success(), "mknod {}", path.display());
}

fn is_char_device(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

fn users() -> Vec<bool> {
    if is_root() {
        vec![false, true]
    } else {
        vec![false]
    }
}

#[test]
fn a_full_device_is_an_error_and_stays_a_device() {
    if !is_root() {
        // mknod needs root; the other tests here cover the unprivileged paths.
        return;
    }
    let dir = scratch("out-devices");
    let (full, null) = (dir.join("full"), dir.join("null"));
    char_device(&full, 7);
    char_device(&null, 3);
    for as_nobody in users() {
        let (code, _, stderr) = run_with_log(&full, as_nobody);
        assert_eq!(code, 1, "nobody={as_nobody}: {stderr}");
        assert!(stderr.contains("--outlier-log"), "{stderr}");
        assert!(stderr.contains("No space left on device"), "{stderr}");
        assert!(is_char_device(&full), "the node was replaced");
        let (code, _, stderr) = run_with_log(&null, as_nobody);
        assert_eq!(code, 0, "nobody={as_nobody}: {stderr}");
        assert!(is_char_device(&null), "the node was replaced");
    }
    assert_eq!(
        fs::read_dir(&dir).unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn dash_and_a_link_to_stdout_write_the_log_on_stdout() {
    let dir = scratch("out-stdout");
    let link = dir.join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    for as_nobody in users() {
        for target in [Path::new("-"), link.as_path()] {
            // The unprivileged user's stdout is a pipe its own shell made: a pipe root made
            // cannot be opened again through /proc by another user.
            let shell_pipe = ["sh", "-c", "\"$0\" \"$@\" | cat"];
            let (code, stdout, stderr) = run_as(target, as_nobody, &shell_pipe);
            assert_eq!(code, 0, "{}: {stderr}", target.display());
            assert!(stdout.contains("Summary:"), "{stdout}");
            let log_lines = stdout.lines().filter(|l| l.starts_with("{\"")).count();
            assert_eq!(
                log_lines, 11,
                "the tutorial's 6 ejections and 5 unejections"
            );
        }
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn a_fifo_gets_the_log_and_stays_a_fifo() {
    let dir = scratch("out-fifo");
    let fifo = dir.join("log.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    fs::set_permissions(&fifo, fs::Permissions::from_mode(0o666)).unwrap();
    for as_nobody in users() {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(&fifo).unwrap())
        };
        let (code, _, stderr) = run_with_log(&fifo, as_nobody);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(reader.join().unwrap().lines().count(), 11);
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }
}

#[test]
fn a_link_to_a_file_is_followed_and_a_dangling_link_refused() {
    let dir = scratch("out-links");
    let (real, link, dangling) = (dir.join("real.jsonl"), dir.join("log"), dir.join("gone"));
    fs::write(&real, "old\n").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), &dangling).unwrap();
    let (code, _, stderr) = run_with_log(&link, false);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&real).unwrap().lines().count(), 11);
    let (code, _, stderr) = run_with_log(&dangling, false);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("which does not exist"), "{stderr}");
    assert!(!dir.join("nowhere").exists());
}
