//! A scenario file, loaded and validated as `breakersim check` does (its `[cluster] from`
//! config imported, warnings made): success, or bad input at its place; never a panic.
#![no_main]

use breakersim_fuzz::{input_file, judge, toml_needs_place};
use libfuzzer_sys::fuzz_target;
use sim_cli::commands::check::check;

fuzz_target!(|data: &[u8]| {
    let path = input_file("fuzz-scenario.toml", data);
    judge("check", check(&path, &[]), toml_needs_place);
});
