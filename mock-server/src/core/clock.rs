//! The injectable clock used for state expiry and timestamps.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

/// A source of the current time. Tests inject a [`ManualClock`] to expire states on demand.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time (UTC).
    fn now(&self) -> OffsetDateTime;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to.
///
/// ### Example
/// ```
/// use social_connect_mock::{clock::Clock, clock::ManualClock};
/// use std::time::Duration;
/// let clock = ManualClock::new();
/// let t0 = clock.now();
/// clock.advance(Duration::from_secs(601));
/// assert_eq!(clock.now() - t0, time::Duration::seconds(601));
/// ```
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

impl ManualClock {
    /// A manual clock starting at the current real time (whole seconds).
    pub fn new() -> Self {
        let now = OffsetDateTime::now_utc();
        Self::starting_at(now.replace_nanosecond(0).unwrap_or(now))
    }

    /// A manual clock starting at `start`.
    pub fn starting_at(start: OffsetDateTime) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: OffsetDateTime) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// RFC 3339 UTC with whole seconds, e.g. `2025-11-11T10:30:00Z`.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// `now + ttl`, or the end of the calendar when that overflows it (a TTL is capped, but an
/// injected clock may stand anywhere): an expiry never panics.
pub(crate) fn expiry(now: OffsetDateTime, ttl: std::time::Duration) -> OffsetDateTime {
    time::Duration::try_from(ttl)
        .ok()
        .and_then(|ttl| now.checked_add(ttl))
        .unwrap_or(time::PrimitiveDateTime::MAX.assume_utc())
}
