//! The one error type of the crate.

use std::fmt;
use std::time::Duration;

use crate::{Provider, Vendor};

/// What a vendor said in an error response, kept as the vendor said it.
///
/// Every vendor shapes its error bodies differently (Recoup `{error, message}`, Postbreeze
/// `{statusCode, code, message, requestId}`, Aitronos `{success, error: {code, message,
/// trace_id, …}}`); this keeps the parts that matter when reporting a problem to the vendor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VendorError {
    /// The vendor that answered.
    pub vendor: Vendor,
    /// The HTTP status.
    pub status: u16,
    /// The vendor's error code (`CHANNEL_ALREADY_CONNECTED`, `AUTHENTICATION_REQUIRED`, …).
    pub code: Option<String>,
    /// The vendor's human-readable message.
    pub message: Option<String>,
    /// The vendor's request or trace id (Postbreeze `requestId`, Aitronos `trace_id`).
    pub request_id: Option<String>,
    /// The start of the body when it was not the vendor's JSON (e.g. an HTML error page),
    /// at most [`EXCERPT_LIMIT`] bytes.
    pub body_excerpt: Option<String>,
}

/// The most bytes of an unexpected body that an error keeps.
pub const EXCERPT_LIMIT: usize = 512;

impl fmt::Display for VendorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}", self.vendor, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong, before a request is sent or after.
///
/// Errors never contain an API key: keys live only in request headers marked sensitive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A redirect is not the return of the [`ConnectSession`](crate::ConnectSession) it was
    /// checked against (forged, another session's, expired, or naming another owner or
    /// provider); nothing was read from it.
    #[error("not this session's return: {0}")]
    Session(#[from] crate::SessionError),
    /// The vendor rejected the API key (HTTP 401).
    #[error("unauthorized: {0}")]
    Unauthorized(VendorError),
    /// The key is valid but may not do this, e.g. a member key at Postbreeze, another account at
    /// Recoup (HTTP 403).
    #[error("forbidden: {0}")]
    Forbidden(VendorError),
    /// The vendor rejected the request as invalid (HTTP 400 or 422).
    #[error("invalid request: {0}")]
    InvalidRequest(VendorError),
    /// The owner (project, workspace, organization) does not exist (HTTP 404).
    #[error("not found: {0}")]
    NotFound(VendorError),
    /// The owner already has an account connected for this provider (Postbreeze 409
    /// `CHANNEL_ALREADY_CONNECTED`).
    #[error("already connected: {0}")]
    AlreadyConnected(VendorError),
    /// The vendor is rate limiting (HTTP 429); `retry_after` is its `Retry-After`, if sent.
    #[error("rate limited{}: {detail}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// How long the vendor asked to wait.
        retry_after: Option<Duration>,
        /// What the vendor said.
        detail: VendorError,
    },
    /// The vendor failed (HTTP 5xx).
    #[error("server error: {0}")]
    Server(VendorError),
    /// The vendor answered something this client cannot read: an undocumented status, or a
    /// success whose body is not the documented JSON.
    #[error("unexpected response from {vendor}: HTTP {status}{}", excerpt.as_deref().map(|e| format!(", body starts {}", quoted(e))).unwrap_or_default())]
    UnexpectedResponse {
        /// The vendor.
        vendor: Vendor,
        /// The HTTP status.
        status: u16,
        /// The response's content type, if any.
        content_type: Option<String>,
        /// The start of the body (at most [`EXCERPT_LIMIT`] bytes).
        excerpt: Option<String>,
    },
    /// The request did not complete within the client's timeout.
    #[error("{vendor} did not answer within {}", seconds(*after))]
    Timeout {
        /// The vendor.
        vendor: Vendor,
        /// The timeout that expired.
        after: Duration,
    },
    /// The request failed on the way: connection refused or reset, TLS, DNS.
    #[error("could not reach {vendor}: {source}")]
    Transport {
        /// The vendor.
        vendor: Vendor,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The vendor does not support this provider (checked before any request).
    #[error("{vendor} does not support provider `{provider}`")]
    UnsupportedProvider {
        /// The vendor.
        vendor: Vendor,
        /// The provider asked for.
        provider: Provider,
    },
    /// The vendor needs an owner (`projectId`, `workspaceId`, `organization_id`) and the request
    /// has none (checked before any request).
    #[error("{vendor} needs an owner (`{field}`): set one with ConnectRequest::owner")]
    MissingOwner {
        /// The vendor.
        vendor: Vendor,
        /// The vendor's name for the owner field.
        field: &'static str,
    },
    /// The owner is not of the form the vendor takes (Recoup's `account_id` is a UUID).
    #[error("{vendor} cannot take owner {}: {reason}", quoted(owner))]
    InvalidOwner {
        /// The vendor.
        vendor: Vendor,
        /// The owner given.
        owner: String,
        /// Why it is refused.
        reason: String,
    },
    /// The request carries a field this vendor does not take (`integration_params` outside
    /// Aitronos; checked before any request).
    #[error("{vendor} takes no `{field}`")]
    UnsupportedField {
        /// The vendor.
        vendor: Vendor,
        /// The field's name.
        field: &'static str,
    },
    /// The redirect URL cannot be used: not absolute http(s), has a fragment or user info, or
    /// the vendor takes none (checked before any request).
    #[error("redirect URL refused for {vendor}: {reason}")]
    InvalidRedirectUrl {
        /// The vendor.
        vendor: Vendor,
        /// Why it is refused.
        reason: String,
    },
    /// The vendor's spec, as this version of the crate was generated from it, asks for a
    /// request the unified [`ConnectRequest`](crate::ConnectRequest) cannot make (a body field
    /// it requires that the SDK does not fill); checked before any request.
    #[error("{vendor}: {reason}")]
    UnsupportedRequest {
        /// The vendor.
        vendor: Vendor,
        /// What does not fit.
        reason: String,
    },
    /// The crate was built without this vendor's cargo feature.
    #[error("{0} is not enabled: build social-connect with its cargo feature")]
    VendorDisabled(Vendor),
    /// No API key is configured for this vendor.
    #[error("no API key configured for {0}: set one with ClientBuilder::api_key")]
    MissingApiKey(Vendor),
    /// No base URL is known for this vendor (Postbreeze publishes none).
    #[error("no base URL for {0}: set one with ClientBuilder::base_url")]
    MissingBaseUrl(Vendor),
    /// A configuration value is invalid (a base URL, a key that is no valid header value).
    #[error("invalid configuration for {vendor}: {reason}")]
    InvalidConfig {
        /// The vendor.
        vendor: Vendor,
        /// What is wrong.
        reason: String,
    },
    /// The redirect back to the app does not carry the vendor's documented result.
    #[error("redirect from {vendor} is not a valid result: {reason}")]
    InvalidRedirect {
        /// The vendor.
        vendor: Vendor,
        /// What is missing or wrong.
        reason: String,
    },
    /// The vendor documents no result parameters on its redirect back to the app: confirm the
    /// connection through its API instead.
    #[error("{0} does not report the outcome on its redirect back to the app")]
    NotReportedByRedirect(Vendor),
}

impl Error {
    /// The vendor's error details, for errors that come from a vendor response.
    ///
    /// ### Example
    /// ```
    /// # fn check(err: social_connect::Error) {
    /// if let Some(detail) = err.vendor_error() {
    ///     eprintln!("request id for support: {:?}", detail.request_id);
    /// }
    /// # }
    /// ```
    pub fn vendor_error(&self) -> Option<&VendorError> {
        match self {
            Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::InvalidRequest(e)
            | Error::NotFound(e)
            | Error::AlreadyConnected(e)
            | Error::Server(e)
            | Error::RateLimited { detail: e, .. } => Some(e),
            _ => None,
        }
    }
}

/// Cuts `bytes` to at most [`EXCERPT_LIMIT`] bytes of (lossy) UTF-8, on a character boundary.
/// Text from a vendor or a caller, as an error message shows it: in quotes, each control
/// character (a newline, say) shown as a space, so that the message stays one line of plain
/// words (never Rust's debug syntax).
pub(crate) fn quoted(text: &str) -> String {
    let plain: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("\u{201c}{plain}\u{201d}")
}

/// A duration as people read it: `250 ms`, `5 s`, `1.5 s`.
pub(crate) fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

pub(crate) fn excerpt(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT_LIMIT)]);
    let mut end = text.len().min(EXCERPT_LIMIT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_plain_words() {
        let timeout = Error::Timeout {
            vendor: Vendor::Ocoya,
            after: Duration::from_millis(1500),
        };
        assert_eq!(timeout.to_string(), "Ocoya did not answer within 1.5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "250 ms");
        assert_eq!(seconds(Duration::from_secs(5)), "5 s");
        let odd = Error::UnexpectedResponse {
            vendor: Vendor::Postbreeze,
            status: 201,
            content_type: None,
            excerpt: Some("{\"authorizeUrl\":\"ad\"}\n".to_owned()),
        };
        assert_eq!(
            odd.to_string(),
            "unexpected response from Postbreeze: HTTP 201, body starts \u{201c}{\"authorizeUrl\":\"ad\"} \u{201d}"
        );
    }
}
