//! The peer benchmark's files (benches/peers/, docs/performance.md#peer-benchmark) stay valid:
//! its Python compiles and its shell script parses. The benchmark itself needs SimPy from PyPI
//! and minutes of wall time, so it is run by hand (`bash benches/peers/compare.sh`), never here.

use std::process::Command;

use crate::common::{root, temp_dir};

#[test]
fn the_peer_models_python_compiles() {
    let out = temp_dir("peers-pyc");
    for file in ["simpy_model.py", "run.py"] {
        let source = root().join("benches/peers").join(file);
        // py_compile with the bytecode in a temp dir: nothing is written into the repository.
        let status = Command::new("python3")
            .args([
                "-c",
                "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
            ])
            .arg(&source)
            .arg(out.join(format!("{file}c")))
            .status()
            .expect("python3 runs");
        assert!(status.success(), "{} does not compile", source.display());
    }
}

#[test]
fn the_peer_benchmark_script_parses() {
    let script = root().join("benches/peers/compare.sh");
    let status = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash runs");
    assert!(status.success(), "{} does not parse", script.display());
}
