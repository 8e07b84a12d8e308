//! The third-party services a connection is made to.

use std::fmt;
use std::str::FromStr;

/// The third-party service being connected, in one vocabulary across vendors.
///
/// It keeps apart what the vendors keep apart: a LinkedIn member profile and a LinkedIn
/// organization page, a personal and a business TikTok account. Each vendor spells these its own
/// way on the wire (`LINKEDIN_COMPANY`, `LINKEDIN_PAGES`, `twitter`, `x`, …); the mapping lives in
/// one module per vendor. [`Provider::Other`] carries a vendor's own name for anything else:
/// Recoup's and Aitronos' free-form connector slugs, or a platform value a vendor added.
///
/// ### Example
/// ```
/// use social_connect::Provider;
///
/// let p: Provider = "linkedin_page".parse().unwrap();
/// assert_eq!(p, Provider::LinkedInPage);
/// assert_eq!(p.to_string(), "linkedin_page");
/// assert_eq!("twitter".parse::<Provider>().unwrap(), Provider::X);
/// assert_eq!("notion".parse::<Provider>().unwrap(), Provider::Other("notion".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Provider {
    /// Instagram (professional account).
    Instagram,
    /// Facebook pages (WoopSocial `FACEBOOK` connects the pages picked on its page-selection
    /// screen, Postbreeze `FACEBOOK_PAGE`, Ocoya `facebook`).
    FacebookPage,
    /// A LinkedIn member profile (WoopSocial `LINKEDIN`, Postbreeze `LINKEDIN_PERSON`,
    /// Ocoya `linkedin`, Recoup `linkedin`).
    LinkedIn,
    /// A LinkedIn organization page (WoopSocial `LINKEDIN_PAGES`, Postbreeze `LINKEDIN_COMPANY`).
    LinkedInPage,
    /// A personal TikTok account (WoopSocial `TIKTOK`, Postbreeze `TIKTOK_PERSONAL`, Recoup
    /// `tiktok`).
    TikTok,
    /// A TikTok business account (Postbreeze `TIKTOK_BUSINESS`).
    TikTokBusiness,
    /// X, formerly Twitter (`X`, `x`; Recoup `twitter`).
    X,
    /// YouTube.
    YouTube,
    /// Pinterest.
    Pinterest,
    /// Threads.
    Threads,
    /// Bluesky.
    Bluesky,
    /// A vendor's own name for a service this enum does not name: Recoup connector slugs
    /// (`googlesheets`), Aitronos connector types (`github`, `notion`), or a platform value a
    /// vendor added to its spec.
    Other(String),
}

impl Provider {
    /// Every named provider (all but [`Provider::Other`]).
    pub const NAMED: [Provider; 11] = [
        Provider::Instagram,
        Provider::FacebookPage,
        Provider::LinkedIn,
        Provider::LinkedInPage,
        Provider::TikTok,
        Provider::TikTokBusiness,
        Provider::X,
        Provider::YouTube,
        Provider::Pinterest,
        Provider::Threads,
        Provider::Bluesky,
    ];

    /// The unified name (`linkedin_page`), or the vendor's own for [`Provider::Other`].
    ///
    /// ### Example
    /// ```
    /// assert_eq!(social_connect::Provider::TikTokBusiness.as_str(), "tiktok_business");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Provider::Instagram => "instagram",
            Provider::FacebookPage => "facebook_page",
            Provider::LinkedIn => "linkedin",
            Provider::LinkedInPage => "linkedin_page",
            Provider::TikTok => "tiktok",
            Provider::TikTokBusiness => "tiktok_business",
            Provider::X => "x",
            Provider::YouTube => "youtube",
            Provider::Pinterest => "pinterest",
            Provider::Threads => "threads",
            Provider::Bluesky => "bluesky",
            Provider::Other(name) => name,
        }
    }
}

impl Provider {
    /// The name people read (`Facebook Page`, `TikTok Business`), for a page or a message; a
    /// vendor's own name for [`Provider::Other`] in words (`google_sheets` → `Google Sheets`).
    ///
    /// ### Example
    /// ```
    /// use social_connect::Provider;
    /// assert_eq!(Provider::FacebookPage.display_name(), "Facebook Page");
    /// assert_eq!(Provider::Other("notion".into()).display_name(), "Notion");
    /// ```
    pub fn display_name(&self) -> String {
        social_connect_spec::provider_display_name(self.as_str())
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An empty provider name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a provider name must not be empty")]
pub struct ParseProviderError;

impl FromStr for Provider {
    type Err = ParseProviderError;

    /// Unified names and their common spellings (`twitter`, `facebook`, `linkedin_company`, …),
    /// case-insensitively; anything else becomes [`Provider::Other`] as given.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(ParseProviderError);
        }
        let key = trimmed.to_ascii_lowercase().replace('-', "_");
        Ok(match key.as_str() {
            "instagram" => Provider::Instagram,
            "facebook_page" | "facebook" => Provider::FacebookPage,
            "linkedin" | "linkedin_person" => Provider::LinkedIn,
            "linkedin_page" | "linkedin_pages" | "linkedin_company" => Provider::LinkedInPage,
            "tiktok" | "tiktok_personal" => Provider::TikTok,
            "tiktok_business" => Provider::TikTokBusiness,
            "x" | "twitter" => Provider::X,
            "youtube" => Provider::YouTube,
            "pinterest" => Provider::Pinterest,
            "threads" => Provider::Threads,
            "bluesky" => Provider::Bluesky,
            _ => Provider::Other(trimmed.to_owned()),
        })
    }
}
