//! The one way a test or check of this suite skips: [`skip`] prints why, counts the skip by
//! reason, and refuses it where a skip would hide a failure.
//!
//! - [`Kind::Mock`]: a test against the mock has everything it needs, so it never skips; under
//!   `CI=true` a skip panics (a mock-mode test that returns early would report ok having checked
//!   nothing).
//! - [`Kind::Browser`]: a test in headless Chromium skips when Chromium or chromedriver is
//!   missing, and panics instead under `CI=true`.
//! - [`Kind::Live`]: a check of live mode (`tests/tests/contract/live.rs`) skips when its vendor
//!   is not configured or the check needs the mock's control; live mode reports the counts
//!   ([`skipped`]) in its summary line, and never panics for a skip.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// What kind of test or check skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A test against the mock.
    Mock,
    /// A test in a real browser.
    Browser,
    /// A check of live mode, against a real vendor.
    Live,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::Mock => "mock-mode",
            Kind::Browser => "browser",
            Kind::Live => "live",
        })
    }
}

/// Skips so far in this process, by kind and reason.
static SKIPS: Mutex<BTreeMap<(Kind, String), usize>> = Mutex::new(BTreeMap::new());

/// Whether this is a CI run (`CI=true`).
pub fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Records that `test` (a test, or one check of live mode) is skipped because of `reason`, and
/// prints it.
///
/// # Panics
/// Under `CI=true` for a [`Kind::Mock`] or [`Kind::Browser`] test: there, every one must run.
pub fn skip(kind: Kind, test: &str, reason: &str) {
    *SKIPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry((kind, reason.to_owned()))
        .or_default() += 1;
    if kind != Kind::Live && ci() {
        panic!("{kind} test `{test}` would skip ({reason}); CI=true, so it must run");
    }
    eprintln!("skipped {kind} `{test}`: {reason}");
}

/// How many `kind` skips this process has recorded, per reason (in reason order).
pub fn skipped(kind: Kind) -> Vec<(String, usize)> {
    SKIPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|((k, _), _)| *k == kind)
        .map(|((_, reason), n)| (reason.clone(), *n))
        .collect()
}
