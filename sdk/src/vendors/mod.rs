//! One module per vendor: the unified model mapped onto that vendor's generated client. All that
//! a vendor spells its own way lives here.

use crate::{ConnectRequest, Error, Provider, Vendor};

#[cfg(feature = "aitronos")]
pub(crate) mod aitronos;
#[cfg(feature = "ocoya")]
pub(crate) mod ocoya;
#[cfg(feature = "postbreeze")]
pub(crate) mod postbreeze;
#[cfg(feature = "recoup")]
pub(crate) mod recoup;
#[cfg(feature = "woopsocial")]
pub(crate) mod woopsocial;

/// The vendor's generated enum value for `wire` (checked by [`wire_provider`] already; a spec
/// regenerated without the value makes it unsupported rather than a panic).
pub(crate) fn parse_wire<T: std::str::FromStr>(
    vendor: Vendor,
    request: &ConnectRequest,
    wire: &str,
) -> Result<T, Error> {
    wire.parse().map_err(|_| Error::UnsupportedProvider {
        vendor,
        provider: request.provider.clone(),
    })
}

/// Why a provider cannot be sent to a vendor.
#[derive(Debug)]
pub(crate) struct Unsupported;

/// The vendor's wire value for `provider`.
pub(crate) fn wire_provider(vendor: Vendor, provider: &Provider) -> Result<String, Unsupported> {
    match vendor {
        Vendor::Recoup => recoup_slug(provider),
        Vendor::Aitronos => match provider {
            Provider::Other(slug) => free_form(slug),
            _ => Err(Unsupported),
        },
        Vendor::WoopSocial => enum_value(vendor, provider, WOOPSOCIAL, str::to_ascii_uppercase),
        Vendor::Postbreeze => enum_value(vendor, provider, POSTBREEZE, str::to_ascii_uppercase),
        Vendor::Ocoya => enum_value(vendor, provider, OCOYA, str::to_ascii_lowercase),
    }
}

/// A connector slug as Recoup and Aitronos take them: 1–64 of `[A-Za-z0-9_.-]`.
fn free_form(slug: &str) -> Result<String, Unsupported> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(slug.to_owned())
    } else {
        Err(Unsupported)
    }
}

fn recoup_slug(provider: &Provider) -> Result<String, Unsupported> {
    Ok(match provider {
        Provider::TikTok => "tiktok".into(),
        Provider::YouTube => "youtube".into(),
        Provider::X => "twitter".into(),
        Provider::LinkedIn => "linkedin".into(),
        Provider::Other(slug) => return free_form(slug),
        _ => return Err(Unsupported),
    })
}

/// `(unified provider, vendor wire value)`; the vendor's own enum in its spec is the authority
/// for values reached through [`Provider::Other`].
type Table = &'static [(Provider, &'static str)];

const WOOPSOCIAL: Table = &[
    (Provider::Instagram, "INSTAGRAM"),
    (Provider::FacebookPage, "FACEBOOK"),
    (Provider::LinkedIn, "LINKEDIN"),
    (Provider::LinkedInPage, "LINKEDIN_PAGES"),
    (Provider::TikTok, "TIKTOK"),
    (Provider::X, "X"),
    (Provider::YouTube, "YOUTUBE"),
    (Provider::Pinterest, "PINTEREST"),
    (Provider::Threads, "THREADS"),
];

const POSTBREEZE: Table = &[
    (Provider::Instagram, "INSTAGRAM"),
    (Provider::FacebookPage, "FACEBOOK_PAGE"),
    (Provider::X, "X"),
    (Provider::LinkedIn, "LINKEDIN_PERSON"),
    (Provider::LinkedInPage, "LINKEDIN_COMPANY"),
    (Provider::TikTokBusiness, "TIKTOK_BUSINESS"),
    (Provider::TikTok, "TIKTOK_PERSONAL"),
    (Provider::YouTube, "YOUTUBE"),
    (Provider::Pinterest, "PINTEREST"),
    (Provider::Threads, "THREADS"),
    (Provider::Bluesky, "BLUESKY"),
];

const OCOYA: Table = &[
    (Provider::FacebookPage, "facebook"),
    (Provider::Instagram, "instagram"),
    (Provider::X, "x"),
    (Provider::LinkedIn, "linkedin"),
    (Provider::Pinterest, "pinterest"),
];

/// The wire value of a named provider from `table`; for [`Provider::Other`], the name in the
/// vendor's case, which the vendor's generated enum then accepts or refuses.
fn enum_value(
    vendor: Vendor,
    provider: &Provider,
    table: Table,
    case: fn(&str) -> String,
) -> Result<String, Unsupported> {
    match provider {
        Provider::Other(name) => {
            let wire = case(name.trim());
            let listed = table.iter().any(|(_, w)| *w == wire) || spec_lists(vendor, &wire);
            if listed { Ok(wire) } else { Err(Unsupported) }
        }
        named => table
            .iter()
            .find(|(p, _)| p == named)
            .map(|(_, w)| (*w).to_owned())
            .ok_or(Unsupported),
    }
}

/// Whether the vendor's generated enum lists `wire` (e.g. WoopSocial's `WOOPTEST`, or a
/// platform added to a spec after this crate was written). Without the vendor's feature, only
/// the named table counts.
fn spec_lists(vendor: Vendor, wire: &str) -> bool {
    match vendor {
        #[cfg(feature = "woopsocial")]
        Vendor::WoopSocial => wire
            .parse::<crate::woopsocial::types::SocialPlatform>()
            .is_ok(),
        #[cfg(feature = "postbreeze")]
        Vendor::Postbreeze => wire
            .parse::<crate::postbreeze::types::ConnectChannelDtoPlatform>()
            .is_ok(),
        #[cfg(feature = "ocoya")]
        Vendor::Ocoya => wire
            .parse::<crate::ocoya::types::CreateConnectionUrlRequestProvider>()
            .is_ok(),
        _ => false,
    }
}

/// The unified provider for a WoopSocial `platform` value (as on its redirect back).
pub(crate) fn woopsocial_provider(platform: &str) -> Provider {
    WOOPSOCIAL
        .iter()
        .find(|(_, w)| *w == platform)
        .map(|(p, _)| p.clone())
        .unwrap_or_else(|| Provider::Other(platform.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(vendor: Vendor, provider: Provider) -> Option<String> {
        wire_provider(vendor, &provider).ok()
    }

    #[test]
    fn linkedin_member_and_page_stay_apart() {
        assert_eq!(
            wire(Vendor::WoopSocial, Provider::LinkedIn).as_deref(),
            Some("LINKEDIN")
        );
        assert_eq!(
            wire(Vendor::WoopSocial, Provider::LinkedInPage).as_deref(),
            Some("LINKEDIN_PAGES")
        );
        assert_eq!(
            wire(Vendor::Postbreeze, Provider::LinkedIn).as_deref(),
            Some("LINKEDIN_PERSON")
        );
        assert_eq!(
            wire(Vendor::Postbreeze, Provider::LinkedInPage).as_deref(),
            Some("LINKEDIN_COMPANY")
        );
        assert_eq!(
            wire(Vendor::Ocoya, Provider::LinkedIn).as_deref(),
            Some("linkedin")
        );
        assert_eq!(wire(Vendor::Ocoya, Provider::LinkedInPage), None);
        assert_eq!(
            wire(Vendor::Recoup, Provider::LinkedIn).as_deref(),
            Some("linkedin")
        );
    }

    #[test]
    fn tiktok_personal_and_business_stay_apart() {
        assert_eq!(
            wire(Vendor::Postbreeze, Provider::TikTok).as_deref(),
            Some("TIKTOK_PERSONAL")
        );
        assert_eq!(
            wire(Vendor::Postbreeze, Provider::TikTokBusiness).as_deref(),
            Some("TIKTOK_BUSINESS")
        );
        assert_eq!(
            wire(Vendor::WoopSocial, Provider::TikTok).as_deref(),
            Some("TIKTOK")
        );
        assert_eq!(wire(Vendor::WoopSocial, Provider::TikTokBusiness), None);
        assert_eq!(
            wire(Vendor::Recoup, Provider::TikTok).as_deref(),
            Some("tiktok")
        );
    }

    #[test]
    fn facebook_pages_and_x_per_vendor() {
        assert_eq!(
            wire(Vendor::WoopSocial, Provider::FacebookPage).as_deref(),
            Some("FACEBOOK")
        );
        assert_eq!(
            wire(Vendor::Postbreeze, Provider::FacebookPage).as_deref(),
            Some("FACEBOOK_PAGE")
        );
        assert_eq!(
            wire(Vendor::Ocoya, Provider::FacebookPage).as_deref(),
            Some("facebook")
        );
        assert_eq!(
            wire(Vendor::Recoup, Provider::X).as_deref(),
            Some("twitter")
        );
        assert_eq!(wire(Vendor::WoopSocial, Provider::X).as_deref(), Some("X"));
        assert_eq!(wire(Vendor::Ocoya, Provider::X).as_deref(), Some("x"));
    }

    #[test]
    fn free_form_vendors_take_slugs_and_nothing_named_they_do_not_document() {
        assert_eq!(
            wire(Vendor::Recoup, Provider::Other("googlesheets".into())).as_deref(),
            Some("googlesheets")
        );
        assert_eq!(
            wire(Vendor::Aitronos, Provider::Other("github".into())).as_deref(),
            Some("github")
        );
        assert_eq!(wire(Vendor::Aitronos, Provider::Instagram), None);
        assert_eq!(wire(Vendor::Recoup, Provider::Bluesky), None);
        assert_eq!(
            wire(Vendor::Recoup, Provider::Other("bad slug!".into())),
            None
        );
        assert_eq!(wire(Vendor::Aitronos, Provider::Other(String::new())), None);
    }

    #[test]
    fn other_reaches_values_the_spec_lists_in_the_vendors_case() {
        assert_eq!(
            wire(Vendor::WoopSocial, Provider::Other("wooptest".into())).as_deref(),
            Some("WOOPTEST")
        );
        assert_eq!(
            wire(Vendor::Postbreeze, Provider::Other("mastodon".into())),
            None
        );
        assert_eq!(wire(Vendor::Ocoya, Provider::Other("TIKTOK".into())), None);
        assert_eq!(
            wire(Vendor::Postbreeze, Provider::Other("wooptest".into())),
            None,
            "another vendor's value"
        );
    }

    #[test]
    fn every_table_value_is_in_the_vendors_spec_enum() {
        #[cfg(feature = "woopsocial")]
        for (_, w) in WOOPSOCIAL {
            assert!(
                w.parse::<crate::woopsocial::types::SocialPlatform>()
                    .is_ok(),
                "{w}"
            );
        }
        #[cfg(feature = "postbreeze")]
        for (_, w) in POSTBREEZE {
            assert!(
                w.parse::<crate::postbreeze::types::ConnectChannelDtoPlatform>()
                    .is_ok(),
                "{w}"
            );
        }
        #[cfg(feature = "ocoya")]
        for (_, w) in OCOYA {
            assert!(
                w.parse::<crate::ocoya::types::CreateConnectionUrlRequestProvider>()
                    .is_ok(),
                "{w}"
            );
        }
    }

    #[test]
    fn woopsocial_platforms_map_back() {
        assert_eq!(woopsocial_provider("FACEBOOK"), Provider::FacebookPage);
        assert_eq!(
            woopsocial_provider("WOOPTEST"),
            Provider::Other("WOOPTEST".into())
        );
    }
}
