//! Scenarios: what a vendor's connect endpoint does instead of (or besides) its normal answer.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A scenario for one vendor's connect endpoint (admin body of `PUT /__admin/scenarios/{vendor}`).
///
/// JSON examples: `{"kind":"latency","ms":250}`, `{"kind":"rate_limited","retry_after_secs":3}`,
/// `{"kind":"rate_limited"}` (no `Retry-After`), `{"kind":"server_error","status":503}`,
/// `{"kind":"malformed_json"}`, `{"kind":"html_body","status":502}`, `{"kind":"drop_connection"}`,
/// `{"kind":"expire_state"}`, `{"kind":"deny_consent"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scenario {
    /// Answer normally, after `ms` milliseconds.
    Latency {
        /// The delay in milliseconds (at most 60 000).
        ms: u64,
    },
    /// 429 in the vendor's error shape, with `Retry-After: <secs>` if given.
    RateLimited {
        /// The `Retry-After` value in seconds; omitted → no header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u64>,
    },
    /// A 5xx in the vendor's error shape (500 by default; 503 is the other usual one).
    ServerError {
        /// The status, 500–599.
        #[serde(default = "default_500")]
        status: u16,
    },
    /// A body that is not valid JSON, with `Content-Type: application/json`.
    MalformedJson {
        /// The status (200 by default).
        #[serde(default = "default_200")]
        status: u16,
    },
    /// An HTML error page, as a proxy in front of the vendor would send.
    HtmlBody {
        /// The status (502 by default).
        #[serde(default = "default_502")]
        status: u16,
    },
    /// Close the connection without a response (standalone hyper server only).
    DropConnection,
    /// Answer normally, but the state minted is already expired.
    ExpireState,
    /// Answer normally, but the fake provider denies consent (`access_denied`) whatever is chosen.
    DenyConsent,
}

fn default_200() -> u16 {
    200
}
fn default_500() -> u16 {
    500
}
fn default_502() -> u16 {
    502
}

impl Scenario {
    pub(crate) fn validate(&self) -> Result<(), String> {
        match self {
            Self::Latency { ms } if *ms > 60_000 => Err("latency ms must be at most 60000".into()),
            Self::ServerError { status } if !(500..=599).contains(status) => {
                Err("server_error status must be 500..=599".into())
            }
            Self::MalformedJson { status } | Self::HtmlBody { status }
                if !(200..=599).contains(status) =>
            {
                Err("status must be 200..=599".into())
            }
            _ => Ok(()),
        }
    }
}
