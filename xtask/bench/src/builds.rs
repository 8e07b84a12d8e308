//! Build times of `social-connect`: one vendor feature and all five, cold and warm.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use crate::{Bench, cargo, target_dir};

/// One configuration's build times, in seconds (`None`: not run or failed).
#[derive(Debug)]
pub(crate) struct BuildTime {
    pub(crate) label: &'static str,
    pub(crate) cold_s: Option<f64>,
    pub(crate) warm_s: Option<f64>,
}

impl Bench {
    /// Cold builds (with `--with-builds`) and warm rebuilds, in `target/bench-build-*`.
    pub(crate) fn builds(&self) -> Vec<BuildTime> {
        let target = target_dir(&self.root);
        let configs: [(&'static str, &'static str, &[&str]); 2] = [
            (
                "one vendor (`--no-default-features --features postbreeze`)",
                "bench-build-one",
                &["--no-default-features", "--features", "postbreeze"],
            ),
            ("all five (default features)", "bench-build-all", &[]),
        ];
        let mut out = Vec::new();
        for (label, dir, features) in configs {
            let dir = target.join(dir);
            let mut cold_s = None;
            if self.args.with_builds {
                eprintln!("bench: cold build, {label} …");
                let _ = std::fs::remove_dir_all(&dir);
                cold_s = self.timed_build(&dir, features);
            } else if !dir.exists() {
                out.push(BuildTime {
                    label,
                    cold_s: None,
                    warm_s: None,
                });
                continue;
            }
            eprintln!("bench: warm build, {label} …");
            let lib = self.root.join("sdk").join("src").join("lib.rs");
            let touched = std::fs::File::options()
                .append(true)
                .open(&lib)
                .and_then(|f| f.set_modified(SystemTime::now()));
            let warm_s = if touched.is_ok() {
                self.timed_build(&dir, features)
            } else {
                None
            };
            out.push(BuildTime {
                label,
                cold_s,
                warm_s,
            });
        }
        out
    }

    fn timed_build(&self, dir: &Path, features: &[&str]) -> Option<f64> {
        let started = Instant::now();
        let ok = Command::new(cargo())
            .args(["build", "--quiet", "-p", "social-connect"])
            .args(features)
            .env("CARGO_TARGET_DIR", dir)
            .current_dir(&self.root)
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| started.elapsed().as_secs_f64())
    }
}

/// A Rust user's cold test build with one of this workspace's crates, beside the same crate
/// with only what it is compared with (seconds; `None`: failed).
#[derive(Debug)]
pub(crate) struct UserBuild {
    pub(crate) label: &'static str,
    pub(crate) ours: &'static str,
    pub(crate) anchor: &'static str,
    pub(crate) ours_s: Option<f64>,
    pub(crate) anchor_s: Option<f64>,
}

impl UserBuild {
    pub(crate) fn ratio(&self) -> Option<f64> {
        Some(self.ours_s? / self.anchor_s?)
    }
}

/// The dependencies a user's crate declares, as `Cargo.toml` lines.
struct UserCrate {
    name: &'static str,
    dependencies: String,
    dev_dependencies: String,
}

impl Bench {
    /// Cold `cargo test --no-run` of fresh crates in `target/bench-user/`, each with its own
    /// target directory and this workspace's `Cargo.lock` (the same versions), one after the
    /// other: the mock as a dev-dependency against wiremock alone, and the SDK against the raw
    /// reqwest stack it builds on.
    pub(crate) fn user_builds(&self) -> Vec<UserBuild> {
        let root = self.root.display().to_string();
        let tokio = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#;
        let krate = |name, dependencies: String, dev_dependencies: String| UserCrate {
            name,
            dependencies,
            dev_dependencies,
        };
        let mock = krate(
            "with-mock",
            String::new(),
            format!("social-connect-mock = {{ path = \"{root}/mock-server\" }}\n{tokio}"),
        );
        let wiremock = krate(
            "with-wiremock",
            String::new(),
            format!("wiremock = \"0.6\"\n{tokio}"),
        );
        let sdk = krate(
            "with-sdk",
            format!("social-connect = {{ path = \"{root}/sdk\" }}\n{tokio}"),
            String::new(),
        );
        let raw = krate(
            "with-reqwest",
            format!(
                "reqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \
                 \"query\", \"rustls\"] }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
                 serde_json = \"1\"\nurl = \"2\"\n{tokio}"
            ),
            String::new(),
        );
        let pairs = [
            (
                "a test crate using the mock, against wiremock alone",
                mock,
                wiremock,
            ),
            ("a crate using the SDK, against raw reqwest", sdk, raw),
        ];
        pairs
            .into_iter()
            .map(|(label, ours, anchor)| UserBuild {
                label,
                ours: ours.name,
                anchor: anchor.name,
                ours_s: self.cold_user_build(&ours),
                anchor_s: self.cold_user_build(&anchor),
            })
            .collect()
    }

    fn cold_user_build(&self, c: &UserCrate) -> Option<f64> {
        let dir = target_dir(&self.root).join("bench-user").join(c.name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).ok()?;
        std::fs::create_dir_all(dir.join("tests")).ok()?;
        let manifest = format!(
            "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\n{}\n\n[dev-dependencies]\n{}\n",
            c.name, c.dependencies, c.dev_dependencies
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).ok()?;
        std::fs::write(dir.join("src/lib.rs"), "").ok()?;
        std::fs::write(
            dir.join("tests/it.rs"),
            "#[tokio::test]\nasync fn builds() {}\n",
        )
        .ok()?;
        std::fs::copy(self.root.join("Cargo.lock"), dir.join("Cargo.lock")).ok()?;
        eprintln!("bench: cold `cargo test --no-run`, {} …", c.name);
        let started = Instant::now();
        let ok = Command::new(cargo())
            .args(["test", "--no-run", "--quiet"])
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let took = started.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(dir.join("target"));
        ok.then_some(took)
    }
}
