//! The one model of a vendor that `social-connect`, `social-connect-mock` and `cargo xtask`
//! share: what a vendor's published OpenAPI spec states about its connect operation (its
//! [`Contract`]), how it takes the API key ([`Auth`]), what the project knows of it beyond its
//! spec (its [`Manifest`]), and the project's rules for a free-form connector slug
//! ([`is_connector_slug`]) and a provider's name ([`provider_display_name`]).
//!
//! `cargo xtask codegen` reads each contract from `specs/<vendor>/openapi.yaml` and writes it
//! to `specs/<vendor>/contract.json`, and [`contract()`] returns it. The SDK checks its calls against a contract, the mock validates requests against
//! it, and the change report compares two of them.
//!
//! ```
//! let ocoya = social_connect_spec::contract("ocoya").expect("a vendor of the workspace");
//! assert_eq!(ocoya.method, "POST");
//! assert_eq!(ocoya.path, "/social-profiles/connection-url");
//! assert!(ocoya.auth.contains(&social_connect_spec::Auth::header("x-api-key")));
//! ```

#![deny(missing_docs)]

mod contract;

pub use contract::{Auth, Body, Contract, Param, Property, Response, Schema, Ty, literal_text};
pub use manifest::{ConnectFields, DemoMembers, DemoOwner, Manifest, MockRules, RedirectResult};

mod manifest;

/// The file, in `specs/<vendor>/`, of a vendor's spec as every side reads it when the vendor has
/// local corrections: its published `openapi.yaml` through its `overlay.yaml` (OpenAPI Overlay
/// 1.0), written by `cargo xtask codegen`. A vendor without an overlay has none: its
/// `openapi.yaml` is read as it is.
pub const EFFECTIVE_SPEC: &str = "openapi.effective.json";

#[rustfmt::skip]
mod generated;

/// The contract `vendor`'s spec states (by its lower-case name), as the last `cargo xtask
/// codegen` read it; `None` for a name that is not a vendor of the workspace.
///
/// The contracts are parsed once, on first use.
pub fn contract(vendor: &str) -> Option<&'static Contract> {
    use std::sync::OnceLock;
    static PARSED: OnceLock<Vec<Option<Contract>>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        generated::CONTRACTS
            .iter()
            .map(|(_, json)| Contract::from_snapshot(json))
            .collect()
    });
    let index = generated::CONTRACTS
        .iter()
        .position(|(n, _)| *n == vendor)?;
    parsed.get(index)?.as_ref()
}

/// `vendor`'s manifest (by its lower-case name); `None` for a name that is not a vendor of the
/// workspace.
pub fn manifest(vendor: &str) -> Option<&'static Manifest> {
    generated::MANIFESTS
        .iter()
        .find(|(name, _)| *name == vendor)
        .map(|(_, manifest)| manifest)
}

/// `vendor`'s [`RedirectResult`]; `None` for a vendor that reports no outcome on the redirect.
pub fn redirect_result(vendor: &str) -> Option<&'static RedirectResult> {
    manifest(vendor)?.redirect_result.as_ref()
}

/// The vendors whose contracts [`contract()`] knows, in the workspace's order.
pub fn vendors() -> impl Iterator<Item = &'static str> {
    generated::CONTRACTS.iter().map(|(name, _)| *name)
}

/// **The project's rule for a connector slug**, where a spec leaves the connector a free-form
/// string (Recoup's `connector`, Aitronos's `connector_type`): 1–64 of `[A-Za-z0-9_.-]`. The SDK
/// sends no other, and the mock answers any other with the vendor's "invalid connector" error.
///
/// ```
/// use social_connect_spec::is_connector_slug;
/// assert!(is_connector_slug("google_drive"));
/// assert!(!is_connector_slug("google drive"));
/// assert!(!is_connector_slug(&"x".repeat(65)));
/// ```
pub fn is_connector_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// **The project's name of a provider as people read it** (`Facebook Page`, `Google Sheets`),
/// from the value a vendor or the unified model spells it with (`FACEBOOK_PAGE`, `googlesheets`,
/// `tiktok-business`): the SDK's `Provider::display_name` and the mock's pages. A provider the
/// project does not name is the value's words, each capitalised (`notion_pages` → `Notion
/// Pages`).
///
/// ```
/// use social_connect_spec::provider_display_name as name;
/// assert_eq!(name("FACEBOOK_PAGE"), "Facebook Page");
/// assert_eq!(name("googlesheets"), "Google Sheets");
/// assert_eq!(name("notion_pages"), "Notion Pages");
/// ```
pub fn provider_display_name(value: &str) -> String {
    let key = value.trim().to_ascii_lowercase().replace('-', "_");
    let named = match key.as_str() {
        "instagram" => "Instagram",
        "facebook" | "facebook_pages" => "Facebook",
        "facebook_page" => "Facebook Page",
        "linkedin" | "linkedin_person" => "LinkedIn",
        "linkedin_page" | "linkedin_company" => "LinkedIn Page",
        "linkedin_pages" => "LinkedIn Pages",
        "tiktok" | "tiktok_personal" => "TikTok",
        "tiktok_business" => "TikTok Business",
        "x" | "twitter" => "X",
        "youtube" => "YouTube",
        "pinterest" => "Pinterest",
        "threads" => "Threads",
        "bluesky" => "Bluesky",
        "mastodon" => "Mastodon",
        "reddit" => "Reddit",
        "google_business" | "google_business_profile" | "googlebusiness" => {
            "Google Business Profile"
        }
        "googlesheets" | "google_sheets" => "Google Sheets",
        "gmail" => "Gmail",
        "slack" => "Slack",
        "spotify" => "Spotify",
        _ => {
            let words = value.split(['_', '-', ' ']).filter(|w| !w.is_empty());
            let capitalised = words.map(|w| {
                let mut chars = w.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            });
            return capitalised.collect::<Vec<_>>().join(" ");
        }
    };
    named.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_are_named_as_people_read_them() {
        let cases = [
            ("instagram", "Instagram"),
            ("FACEBOOK", "Facebook"),
            ("facebook_page", "Facebook Page"),
            ("linkedin-company", "LinkedIn Page"),
            ("LINKEDIN_PAGES", "LinkedIn Pages"),
            ("tiktok_business", "TikTok Business"),
            ("twitter", "X"),
            ("google_sheets", "Google Sheets"),
            ("notion", "Notion"),
            ("my-own_tool", "My Own Tool"),
            ("Google Drive", "Google Drive"),
            ("", ""),
        ];
        for (value, name) in cases {
            assert_eq!(provider_display_name(value), name, "{value:?}");
        }
    }

    #[test]
    fn connector_slugs() {
        assert!(is_connector_slug("googlesheets"));
        assert!(is_connector_slug("linkedin_pages-2"));
        assert!(is_connector_slug("GoogleSheets"));
        assert!(is_connector_slug("google.sheets"));
        assert!(is_connector_slug(&"a".repeat(64)));
        assert!(!is_connector_slug(""));
        assert!(!is_connector_slug("bad slug"));
        assert!(!is_connector_slug("é"));
        assert!(!is_connector_slug(&"a".repeat(65)));
    }

    #[test]
    fn every_vendor_has_a_contract_that_reads() {
        let names: Vec<_> = vendors().collect();
        assert!(!names.is_empty());
        for name in names {
            let c = contract(name).unwrap_or_else(|| panic!("{name}: contract.json does not read"));
            assert_eq!(c.vendor, name);
            assert!(c.success_status().is_some(), "{name}: no 2xx documented");
        }
        assert!(contract("nobody").is_none());
    }

    #[test]
    fn every_vendor_has_a_manifest_and_only_they_do() {
        for name in vendors() {
            let m = manifest(name).unwrap_or_else(|| panic!("{name}: no manifest"));
            assert!(!m.connect.provider.is_empty(), "{name}");
            assert!(m.mock.mount.starts_with('/'), "{name}");
            assert!(!m.mock.demo_owners.is_empty(), "{name}");
        }
        assert_eq!(manifest("nobody"), None);
        assert_eq!(
            generated::MANIFESTS.len(),
            vendors().count(),
            "one manifest per contract"
        );
    }
}
