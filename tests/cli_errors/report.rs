//! `report` on a root without sweeps (exit 2) and `report --check` on stale reports (exit 1).

use super::{path_str, report_root};
use crate::common::{breakersim, fails, temp_file};

#[test]
fn report_root_without_sweeps() {
    let root = temp_file("cli-errors-report-empty", "").with_extension("d");
    std::fs::create_dir_all(&root).expect("temp dir");
    let shown = path_str(&root);
    for check in [false, true] {
        let mut args = vec!["report", "--root", &shown];
        if check {
            args.push("--check");
        }
        fails(
            &args,
            2,
            &[&format!(
                "{shown}/scenarios/sweeps: cannot list the sweeps: No such file"
            )],
        );
    }
}

#[test]
fn report_check_on_stale_reports() {
    let root = report_root("report-stale");
    let shown = path_str(&root);
    std::fs::create_dir_all(root.join("reports")).expect("temp dir");
    std::fs::write(root.join("reports/README.md"), "old\n").expect("written");
    fails(
        &["report", "--root", &shown, "--check"],
        1,
        &[
            "reports/ is stale: reports/README.md differ from what the sweeps give now; run `breakersim report` and commit them",
        ],
    );
    let out = breakersim(&["report", "--root", &shown]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = breakersim(&["report", "--root", &shown, "--check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("reports/ is up to date"),
        "{}",
        out.stdout
    );
}
