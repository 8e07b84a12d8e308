//! Strict or lax validation.

use serde::{Deserialize, Serialize};

/// Strict (default) or lax validation.
///
/// Lax mimics lenient vendors, to test a client's own defences. It relaxes only:
/// - redirect targets (WoopSocial `redirectUrl`, Recoup `callback_url`): plain `http` to any host,
///   fragments and userinfo are accepted (still absolute `http`/`https` only: `javascript:`,
///   `data:` and relative URLs are refused in both modes);
/// - WoopSocial's `additionalProperties: false`: unknown request fields are ignored.
///
/// State handling (single use, expiry, PKCE) is the same in both modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Refuse what RFC 9700 says to refuse (the default).
    #[default]
    Strict,
    /// Accept what lenient vendors accept.
    Lax,
}

/// Admin body of `PUT /__admin/mode`: `{"mode":"lax"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ModeBody {
    /// The mode.
    pub mode: Mode,
}
