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
