//! A sweep file in `sweeps/` beside the shipped scenarios, loaded as `breakersim sweep` does
//! before its first run (axes, size guard, charts, every grid point's scenario): success, or
//! bad input at its place; never a panic.
#![no_main]

use breakersim_fuzz::{input_file, judge, toml_needs_place};
use libfuzzer_sys::fuzz_target;
use sim_cli::sweep::load::load_sweep;

fuzz_target!(|data: &[u8]| {
    let path = input_file("sweeps/fuzz-sweep.toml", data);
    judge("load_sweep", load_sweep(&path, None), toml_needs_place);
});
