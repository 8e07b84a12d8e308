//! What the run needs and installs or builds on demand: wrk, Prism, the release mock.

use std::path::Path;
use std::process::{Command, Stdio};

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

    /// Installs WireMock standalone with npm (its package `wiremock` carries the jar) into
    /// `target/bench-wiremock/` if it is not there, and checks Java runs; false if either fails.
    /// `self.wiremock_jar` becomes the jar's path.
    pub(crate) fn ensure_wiremock(&mut self) -> bool {
        let dir = self.wiremock_jar.clone();
        let find = |dir: &Path| -> Option<std::path::PathBuf> {
            let build = dir.join("node_modules").join("wiremock").join("build");
            std::fs::read_dir(build)
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|x| x == "jar"))
        };
        if dir.is_file() {
            return true;
        }
        if find(&dir).is_none() {
            eprintln!(
                "bench: installing wiremock with npm into {} …",
                dir.display()
            );
            let _ = std::fs::create_dir_all(&dir);
            let _ = Command::new("npm")
                .args([
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    "--prefix",
                ])
                .arg(&dir)
                .arg("wiremock@3")
                .status();
            if find(&dir).is_some() {
                self.notes.push(
                    "WireMock was installed by this run (`npm install wiremock@3` into `target/bench-wiremock/`; the jar runs on the machine's Java)."
                        .to_owned(),
                );
            }
        }
        let java = Command::new("java")
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        match find(&dir) {
            Some(jar) if java => {
                self.wiremock_jar = jar;
                true
            }
            _ => {
                self.notes.push(
                    "WireMock could not be run (npm's `wiremock` or Java missing); its column is empty."
                        .to_owned(),
                );
                false
            }
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
