//! Small helpers: units, clipping, logs.

use std::path::Path;

/// kB → MB.
pub(crate) fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// `s` trimmed, cut to `max` characters with `…`.
/// The median and the 99th percentile of latencies in microseconds, in milliseconds (0 when
/// there are none).
pub(crate) fn p50_p99_ms(micros: &mut [u64]) -> (f64, f64) {
    micros.sort_unstable();
    let pct = |p: f64| {
        micros
            .get(((micros.len() as f64 * p) as usize).min(micros.len().saturating_sub(1)))
            .map_or(0.0, |us| *us as f64 / 1000.0)
    };
    (pct(0.50), pct(0.99))
}

pub(crate) fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// The last six non-empty lines of a log, on one line, colours removed.
pub(crate) fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(6)..].join(" / ");
    clip(&strip_ansi(&tail), 600)
}

/// `s` without its ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ … letter
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The 1, 5 and 15 min load averages.
pub(crate) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_ansi() {
        assert_eq!(strip_ansi("\u{1b}[31merror\u{1b}[39m x"), "error x");
    }
}
