//! `cargo xtask bench`: forwards its arguments to the benchmark, a crate of its own
//! (`xtask/bench/`, package `xtask-bench`) so that the other tasks do not build its HTTP stack.
//! It runs in release: the floor server and the flow client must be optimised like the mock.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

/// Runs `cargo run --release --quiet -p xtask-bench -- ARGS` in `root`; its exit code is ours.
pub(crate) fn run(root: &Path, args: &[OsString]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .args(["run", "--release", "--quiet", "-p", "xtask-bench", "--"])
        .args(args)
        .current_dir(root)
        .status();
    match status {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            // Ended by a signal.
            None => ExitCode::FAILURE,
        },
        Err(err) => {
            eprintln!("error: cannot run {}: {err}", cargo.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
