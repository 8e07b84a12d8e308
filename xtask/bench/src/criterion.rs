//! The SDK against raw reqwest: `cargo bench -p social-connect --bench connect`, read back from
//! criterion's estimates and the bench's `paired:` line.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::log_tail;
use crate::{Bench, Result, cargo, target_dir};

/// The criterion results: medians with their 95% intervals, and the paired ratio.
#[derive(Debug)]
pub(crate) struct Sdk {
    pub(crate) raw_ns: f64,
    pub(crate) client_ns: f64,
    pub(crate) raw_ci: (f64, f64),
    pub(crate) client_ci: (f64, f64),
    /// The bench's `paired:` line: median and quartiles of client/raw over interleaved rounds.
    pub(crate) paired: Option<(f64, f64, f64)>,
}

impl Sdk {
    /// The ratio the target is judged on: the paired median when there is one (the two
    /// criterion runs are seconds apart, on a machine whose load changes in between).
    pub(crate) fn ratio(&self) -> f64 {
        self.paired
            .map_or(self.client_ns / self.raw_ns, |(median, _, _)| median)
    }
}

/// `paired: client/raw median M (quartiles Q1 Q3) over …` from the bench's output.
fn parse_paired(log: &str) -> Option<(f64, f64, f64)> {
    let line = log
        .lines()
        .find_map(|l| l.strip_prefix("paired: client/raw median "))?;
    let mut words = line.split_whitespace();
    let median = words.next()?.parse().ok()?;
    let q1 = words.nth(1)?.parse().ok()?;
    let q3 = words.next()?.trim_end_matches(')').parse().ok()?;
    Some((median, q1, q3))
}

impl Bench {
    /// Runs the criterion bench `connect`, its output in `target/bench/criterion.log`.
    pub(crate) fn criterion(&self) -> Result<Sdk> {
        let log_path = self.work.join("criterion.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let dir = target_dir(&self.root)
            .join("criterion")
            .join("connect_loopback");
        let estimates = |name: &str| dir.join(name).join("new").join("estimates.json");
        // Old results must not pass for new ones.
        let _ = std::fs::remove_file(estimates("raw_reqwest_post"));
        let _ = std::fs::remove_file(estimates("client_connect"));
        let status = Command::new(cargo())
            .args(["bench", "-p", "social-connect", "--bench", "connect"])
            .current_dir(&self.root)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .status()
            .map_err(|e| format!("cargo bench: {e}"))?;
        if !status.success() {
            return Err(format!("cargo bench failed: {}", log_tail(&log_path)));
        }
        let (raw_ns, raw_ci) = median(&estimates("raw_reqwest_post"))?;
        let (client_ns, client_ci) = median(&estimates("client_connect"))?;
        let paired = parse_paired(&std::fs::read_to_string(&log_path).unwrap_or_default());
        Ok(Sdk {
            raw_ns,
            client_ns,
            raw_ci,
            client_ci,
            paired,
        })
    }
}

/// `(median point estimate, (lower, upper))` in ns from criterion's `estimates.json`.
fn median(path: &Path) -> Result<(f64, (f64, f64))> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let m = &json["median"];
    let num = |v: &serde_json::Value| v.as_f64();
    match (
        num(&m["point_estimate"]),
        num(&m["confidence_interval"]["lower_bound"]),
        num(&m["confidence_interval"]["upper_bound"]),
    ) {
        (Some(p), Some(l), Some(u)) => Ok((p, (l, u))),
        _ => Err(format!("{}: no median", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paired_line_is_read() {
        let log = "noise\npaired: client/raw median 1.0179 (quartiles 0.9759 1.0705) over 41 rounds of 100 + 100 calls\n";
        assert_eq!(parse_paired(log), Some((1.0179, 0.9759, 1.0705)));
        assert_eq!(parse_paired("nothing here"), None);
    }
}
