//! The five vendors.

use std::fmt;
use std::str::FromStr;

use crate::Provider;

/// A vendor whose "connect a social account" API this crate speaks.
///
/// ### Example
/// ```
/// use social_connect::{Provider, Vendor};
///
/// let vendor: Vendor = "postbreeze".parse().unwrap();
/// assert_eq!(vendor, Vendor::Postbreeze);
/// assert!(vendor.supports(&Provider::TikTokBusiness));
/// assert!(!Vendor::Ocoya.supports(&Provider::TikTokBusiness));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Vendor {
    /// Recoup (`POST /api/connectors`): free-form connector slugs, optional `account_id` owner.
    Recoup,
    /// WoopSocial (`POST /v1/social-accounts/authorization-url`): a project owns the connection;
    /// the only vendor that reports the outcome on the redirect back to the app.
    WoopSocial,
    /// Postbreeze (`POST /api/v1/social-accounts/connect`): a workspace owns the connection; one
    /// account per platform per workspace.
    Postbreeze,
    /// Aitronos (`POST /v1/personal-connectors/authorize`): an organization owns the connection;
    /// its connectors are work tools (github, notion, …), named free-form.
    Aitronos,
    /// Ocoya (`POST /api/_public/v1/social-profiles/connection-url`): a workspace owns the
    /// connection.
    Ocoya,
}

impl Vendor {
    /// Every vendor, in a stable order.
    pub const ALL: [Vendor; 5] = [
        Vendor::Recoup,
        Vendor::WoopSocial,
        Vendor::Postbreeze,
        Vendor::Aitronos,
        Vendor::Ocoya,
    ];

    /// The lower-case name used in configuration, URLs and cargo features.
    ///
    /// ### Example
    /// ```
    /// assert_eq!(social_connect::Vendor::WoopSocial.as_str(), "woopsocial");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Recoup => "recoup",
            Vendor::WoopSocial => "woopsocial",
            Vendor::Postbreeze => "postbreeze",
            Vendor::Aitronos => "aitronos",
            Vendor::Ocoya => "ocoya",
        }
    }

    /// Whether the vendor can connect `provider` (checked before any request is sent).
    ///
    /// Recoup and Aitronos take free-form connector names: [`Provider::Other`] with a slug is
    /// supported there. At the other vendors, `Other` is supported when it names one of the
    /// vendor's own platform values (e.g. `Other("WOOPTEST")` at WoopSocial).
    ///
    /// ### Example
    /// ```
    /// use social_connect::{Provider, Vendor};
    /// assert!(Vendor::Recoup.supports(&Provider::Other("googlesheets".into())));
    /// assert!(Vendor::WoopSocial.supports(&Provider::Other("WOOPTEST".into())));
    /// assert!(!Vendor::Aitronos.supports(&Provider::Instagram));
    /// ```
    pub fn supports(self, provider: &Provider) -> bool {
        crate::vendors::api(self).wire(provider).is_ok()
    }

    /// The named providers this vendor documents (free-form vendors also take
    /// [`Provider::Other`]).
    ///
    /// ### Example
    /// ```
    /// use social_connect::{Provider, Vendor};
    /// assert!(Vendor::Postbreeze.providers().contains(&Provider::Bluesky));
    /// assert!(Vendor::Aitronos.providers().is_empty());
    /// ```
    pub fn providers(self) -> Vec<Provider> {
        Provider::NAMED
            .iter()
            .filter(|p| self.supports(p))
            .cloned()
            .collect()
    }

    /// Whether a connect call must name an owner (project, workspace or organization).
    ///
    /// ### Example
    /// ```
    /// use social_connect::Vendor;
    /// assert!(Vendor::Postbreeze.requires_owner());
    /// assert!(!Vendor::Recoup.requires_owner()); // omitted: the caller's own account
    /// ```
    pub fn requires_owner(self) -> bool {
        crate::vendors::api(self).requires_owner()
    }

    /// What the vendor calls the owner of a connection.
    pub fn owner_name(self) -> &'static str {
        crate::vendors::api(self).owner_name()
    }

    /// Whether the vendor takes a URL to send the browser back to after OAuth
    /// (WoopSocial's `redirectUrl`, Recoup's `callback_url`).
    pub fn accepts_redirect_url(self) -> bool {
        crate::vendors::api(self).accepts_redirect_url()
    }

    /// The production base URL: the first server in the vendor's spec that is not a local one
    /// (generated from `specs/`). Postbreeze's spec names only a local server, so it has none:
    /// set one with [`ClientBuilder::base_url`](crate::ClientBuilder::base_url).
    pub fn default_base_url(self) -> Option<&'static str> {
        crate::vendors::api(self).default_base_url()
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vendor::Recoup => "Recoup",
            Vendor::WoopSocial => "WoopSocial",
            Vendor::Postbreeze => "Postbreeze",
            Vendor::Aitronos => "Aitronos",
            Vendor::Ocoya => "Ocoya",
        })
    }
}

/// A string that names no vendor.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown vendor `{0}` (expected recoup, woopsocial, postbreeze, aitronos or ocoya)")]
pub struct ParseVendorError(pub String);

impl FromStr for Vendor {
    type Err = ParseVendorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vendor::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseVendorError(s.to_owned()))
    }
}
