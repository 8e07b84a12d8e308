//! Scenarios: what a vendor's connect endpoint does instead of (or besides) its normal answer,
//! and the provider-side faults of the flows it starts.

use serde::{Deserialize, Serialize};

/// A scenario for one vendor's connect endpoint (admin body of `PUT /__admin/scenarios/{vendor}`).
///
/// JSON examples: `{"kind":"latency","ms":250}`, `{"kind":"rate_limited","retry_after_secs":3}`,
/// `{"kind":"rate_limited"}` (no `Retry-After`), `{"kind":"server_error","status":503}`,
/// `{"kind":"malformed_json"}`, `{"kind":"html_body","status":502}`, `{"kind":"drop_connection"}`,
/// `{"kind":"expire_state"}`, `{"kind":"deny_consent"}`; the provider's side of the flows a
/// connect starts: `{"kind":"exchange_fails"}`,
/// `{"kind":"provider_error","error":"temporarily_unavailable","description":"try later"}`,
/// `{"kind":"wrong_state"}`, `{"kind":"slow_consent","ms":2000}`. Each flow ends where the
/// vendor's failures end: WoopSocial's error redirect with the error code, the others' page
/// saying nothing was connected; a wrong state ends on the error page of an unknown state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Answer normally, but the vendor's exchange of the provider's code fails with
    /// `invalid_grant` (RFC 6749 §5.2).
    ExchangeFails,
    /// Answer normally, but the provider sends the browser back with this error (RFC 6749
    /// §4.1.2.1) instead of a code, whatever is chosen.
    ProviderError {
        /// The error code.
        error: ProviderErrorCode,
        /// Its `error_description` (at most 200 printable ASCII characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// Answer normally, but the provider sends the browser back with a `state` that is not the
    /// one the vendor sent.
    WrongState,
    /// Answer normally, but the provider's consent page (and every answer of its authorization
    /// endpoint for the flow) comes after `ms` milliseconds.
    SlowConsent {
        /// The delay in milliseconds (at most 60 000).
        ms: u64,
    },
}

/// An error the fake provider can send back instead of a code (RFC 6749 §4.1.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProviderErrorCode {
    /// The provider failed.
    ServerError,
    /// The provider is overloaded or down for maintenance.
    TemporarilyUnavailable,
    /// The user (or the provider) refused.
    AccessDenied,
}

impl ProviderErrorCode {
    /// The code as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::AccessDenied => "access_denied",
        }
    }
}

/// What a scenario body may hold. serde lets any field through beside the tag of a unit
/// variant, even with `deny_unknown_fields`, so each kind is read as a struct with no unknown
/// field, then turned into its [`Scenario`]: `{"kind":"drop_connection","x":1}` is refused.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Wire {
    Latency {
        ms: u64,
    },
    RateLimited {
        #[serde(default)]
        retry_after_secs: Option<u64>,
    },
    ServerError {
        #[serde(default = "default_500")]
        status: u16,
    },
    MalformedJson {
        #[serde(default = "default_200")]
        status: u16,
    },
    HtmlBody {
        #[serde(default = "default_502")]
        status: u16,
    },
    DropConnection {},
    ExpireState {},
    DenyConsent {},
    ExchangeFails {},
    ProviderError {
        error: ProviderErrorCode,
        #[serde(default)]
        description: Option<String>,
    },
    WrongState {},
    SlowConsent {
        ms: u64,
    },
}

impl<'de> Deserialize<'de> for Scenario {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Wire::deserialize(d)? {
            Wire::Latency { ms } => Self::Latency { ms },
            Wire::RateLimited { retry_after_secs } => Self::RateLimited { retry_after_secs },
            Wire::ServerError { status } => Self::ServerError { status },
            Wire::MalformedJson { status } => Self::MalformedJson { status },
            Wire::HtmlBody { status } => Self::HtmlBody { status },
            Wire::DropConnection {} => Self::DropConnection,
            Wire::ExpireState {} => Self::ExpireState,
            Wire::DenyConsent {} => Self::DenyConsent,
            Wire::ExchangeFails {} => Self::ExchangeFails,
            Wire::ProviderError { error, description } => {
                Self::ProviderError { error, description }
            }
            Wire::WrongState {} => Self::WrongState,
            Wire::SlowConsent { ms } => Self::SlowConsent { ms },
        })
    }
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
            Self::Latency { ms } | Self::SlowConsent { ms } if *ms > 60_000 => {
                Err("ms must be at most 60000".into())
            }
            Self::ProviderError {
                description: Some(d),
                ..
            } if d.len() > 200 || !d.bytes().all(|b| (0x20..0x7f).contains(&b)) => {
                Err("description must be at most 200 printable ASCII characters".into())
            }
            Self::ServerError { status } if !(500..=599).contains(status) => {
                Err("server_error status must be 500..=599".into())
            }
            Self::MalformedJson { status } | Self::HtmlBody { status }
                if !(200..=599).contains(status) =>
            {
                Err("status must be 200..=599".into())
            }
            // These statuses carry no body (RFC 9110 §15.3.5, §15.3.6, §15.4.5), so the body
            // the scenario is about would never be sent.
            Self::MalformedJson { status } | Self::HtmlBody { status }
                if matches!(status, 204 | 205 | 304) =>
            {
                Err(format!("status {status} carries no body; choose another"))
            }
            _ => Ok(()),
        }
    }
}

/// What goes wrong on the provider's side of a flow (the provider-side scenarios), as a flow
/// keeps it: a value of the core, so that the state holds it without reaching up into `flow`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProviderFault {
    /// The code the provider issues cannot be exchanged (`invalid_grant`).
    ExchangeFails,
    /// The provider answers with this error (and description) instead of a code.
    Error(ProviderErrorCode, Option<String>),
    /// The provider sends back a state that is not the flow's.
    WrongState,
    /// The provider's authorization endpoint answers after this long.
    Slow(std::time::Duration),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Scenario, serde_json::Error> {
        serde_json::from_str(s)
    }

    #[test]
    fn unknown_fields_are_refused_in_every_kind() {
        for body in [
            r#"{"kind":"latency","ms":5,"extra":1}"#,
            r#"{"kind":"rate_limited","retry_afer_secs":3}"#,
            r#"{"kind":"server_error","status":503,"x":true}"#,
            r#"{"kind":"malformed_json","stauts":500}"#,
            r#"{"kind":"html_body","status":502,"x":null}"#,
            r#"{"kind":"drop_connection","x":1}"#,
            r#"{"kind":"expire_state","after_secs":3}"#,
            r#"{"kind":"deny_consent","x":"y"}"#,
            r#"{"kind":"exchange_fails","x":1}"#,
            r#"{"kind":"wrong_state","x":1}"#,
            r#"{"kind":"slow_consent","ms":5,"x":1}"#,
            r#"{"kind":"provider_error","error":"server_error","x":1}"#,
            r#"{"kind":"provider_error","error":"invalid_scope"}"#,
            r#"{"kind":"provider_error"}"#,
        ] {
            assert!(parse(body).is_err(), "{body} was accepted");
        }
        assert_eq!(
            parse(r#"{"kind":"latency","ms":5}"#).unwrap(),
            Scenario::Latency { ms: 5 }
        );
        assert_eq!(
            parse(r#"{"kind":"drop_connection"}"#).unwrap(),
            Scenario::DropConnection
        );
    }

    #[test]
    fn provider_faults_read_and_are_bounded() {
        assert_eq!(
            parse(r#"{"kind":"provider_error","error":"temporarily_unavailable","description":"later"}"#)
                .unwrap(),
            Scenario::ProviderError {
                error: ProviderErrorCode::TemporarilyUnavailable,
                description: Some("later".into())
            }
        );
        assert_eq!(
            parse(r#"{"kind":"slow_consent","ms":5}"#).unwrap(),
            Scenario::SlowConsent { ms: 5 }
        );
        assert_eq!(
            parse(r#"{"kind":"wrong_state"}"#).unwrap(),
            Scenario::WrongState
        );
        assert_eq!(
            parse(r#"{"kind":"exchange_fails"}"#).unwrap(),
            Scenario::ExchangeFails
        );
        assert!(Scenario::SlowConsent { ms: 60_001 }.validate().is_err());
        for bad in ["x".repeat(201), "tab\there".into(), "é".into()] {
            let s = Scenario::ProviderError {
                error: ProviderErrorCode::ServerError,
                description: Some(bad.clone()),
            };
            assert!(s.validate().is_err(), "{bad:?}");
        }
        // What the admin API answers back is what it was given.
        let s = Scenario::ProviderError {
            error: ProviderErrorCode::AccessDenied,
            description: None,
        };
        assert_eq!(parse(&serde_json::to_string(&s).unwrap()).unwrap(), s);
    }

    #[test]
    fn a_body_scenario_needs_a_status_that_carries_a_body() {
        for status in [204, 205, 304] {
            assert!(Scenario::MalformedJson { status }.validate().is_err());
            assert!(Scenario::HtmlBody { status }.validate().is_err());
        }
        for status in [200, 206, 400, 502] {
            assert_eq!(Scenario::MalformedJson { status }.validate(), Ok(()));
            assert_eq!(Scenario::HtmlBody { status }.validate(), Ok(()));
        }
    }
}
