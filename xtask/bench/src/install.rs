//! What the run needs and installs or builds on demand: wrk, Prism, the release mock.

use std::path::Path;
use std::process::Command;

use crate::procs::on_path;
use crate::{Bench, Result, cargo};

impl Bench {
    /// Installs wrk with apt-get if it is not on `PATH`.
    pub(crate) fn ensure_wrk(&mut self) -> Result<()> {
        if on_path("wrk") {
            return Ok(());
        }
        eprintln!("bench: wrk is missing; installing it with apt-get (Debian package `wrk`) …");
        let update = Command::new("apt-get")
            .args(["update"])
            .status()
            .map_err(|e| format!("apt-get: {e}"))?;
        let install = Command::new("apt-get")
            .args(["install", "-y", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| format!("apt-get: {e}"))?;
        if !update.success() || !install.success() || !on_path("wrk") {
            return Err(
                "could not install wrk (apt-get install -y wrk; needs root); install it and re-run"
                    .to_owned(),
            );
        }
        self.notes
            .push("`wrk` was installed by this run (`apt-get install -y wrk`).".to_owned());
        Ok(())
    }

    /// `cargo build --release -p social-connect-mock --features cli`.
    pub(crate) fn build_mock(&self) -> Result<()> {
        let status = Command::new(cargo())
            .args([
                "build",
                "--release",
                "-p",
                "social-connect-mock",
                "--features",
                "cli",
            ])
            .current_dir(&self.root)
            .status()
            .map_err(|e| format!("cargo: {e}"))?;
        if status.success() && self.mock_bin.is_file() {
            Ok(())
        } else {
            Err("cargo build --release -p social-connect-mock --features cli failed".to_owned())
        }
    }

    /// Installs Prism with npm into `target/bench-prism/` if it is not there; false if that fails.
    pub(crate) fn ensure_prism(&mut self) -> bool {
        if self.prism_bin.is_file() {
            return true;
        }
        let Some(dir) = self.prism_bin.ancestors().nth(3).map(Path::to_path_buf) else {
            return false;
        };
        eprintln!(
            "bench: installing @stoplight/prism-cli@5 with npm into {} …",
            dir.display()
        );
        let _ = std::fs::create_dir_all(&dir);
        let ok = Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&dir)
            .arg("@stoplight/prism-cli@5")
            .status()
            .is_ok_and(|s| s.success())
            && self.prism_bin.is_file();
        if ok {
            self.notes.push(
                "Prism was installed by this run (`npm install @stoplight/prism-cli@5` into `target/bench-prism/`)."
                    .to_owned(),
            );
        } else {
            self.notes
                .push("Prism could not be installed with npm; its column is empty.".to_owned());
        }
        ok
    }
}
