//! What a connect call returns.

use std::time::SystemTime;

use url::Url;

use crate::{Provider, Vendor};

/// The URL to open in the user's browser to approve a connection, as the vendor minted it.
///
/// Connect calls are not retried automatically: each one mints a new single-use URL and state,
/// so a retry after the request may have reached the vendor could leave two live flows.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationLink {
    /// The vendor that minted it.
    pub vendor: Vendor,
    /// The provider being connected.
    pub provider: Provider,
    /// The URL to open in the browser.
    pub url: Url,
    /// The vendor's OAuth `state`, where it returns one (Postbreeze, Aitronos): use it to match
    /// the callback to the user who started the flow.
    pub state: Option<String>,
    /// When the URL stops working, where the vendor says so precisely. No vendor states a
    /// duration today (Postbreeze says "a few minutes"), so this is `None` for all five.
    pub expires_at: Option<SystemTime>,
    /// Whether the vendor documents the URL as single-use (Postbreeze).
    pub single_use: bool,
}
