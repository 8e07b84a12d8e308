//! One vendor, one module: everything a vendor spells or does its own way lives in its module
//! (`recoup.rs`, `woopsocial.rs`, `postbreeze.rs`, `aitronos.rs`, `ocoya.rs`), behind one trait,
//! [`VendorApi`]. The rest of the crate reaches a vendor only through [`api`].
//!
//! This module holds the trait, [`api`] (the one `match` from [`Vendor`] to its module),
//! [`Clients`] (the generated clients, one field per enabled vendor) and the helpers that know
//! no vendor: key schemes, wire tables, free-form slugs, parsing a wire value into a generated
//! enum.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderName};
use url::Url;

use crate::{AuthorizationLink, ConnectOutcome, ConnectRequest, Error, Provider, Vendor};

pub(crate) mod aitronos;
pub(crate) mod ocoya;
pub(crate) mod postbreeze;
pub(crate) mod recoup;
pub(crate) mod woopsocial;

/// What the unified model needs from one vendor: one vendor, one module.
///
/// Each vendor's module implements this for a unit struct and keeps everything that vendor
/// spells or does its own way: how it names providers on the wire (both ways), how it takes
/// the API key, what it calls the owner and which optional fields it takes, its base URL, its
/// connect call through its generated client, and how it reports the outcome on the redirect
/// back. Code outside `vendors/` never matches on a [`Vendor`] for vendor knowledge: the public
/// methods of [`Vendor`], [`crate::Client`], [`ConnectRequest`] and [`ConnectOutcome`] ask
/// [`api`] for the vendor's implementation and keep only what all vendors share (the checks
/// made before sending, the HTTP client, the error mapping).
///
/// The modules exist whatever the cargo features: a vendor's wire mapping and facts work
/// without its generated client. Only [`VendorApi::connect`] and the check against the
/// generated enum need the vendor's feature.
pub(crate) trait VendorApi: Sync {
    /// The vendor this implements.
    fn vendor(&self) -> Vendor;

    /// The vendor's wire value for `provider`, or why it cannot be sent.
    fn wire(&self, provider: &Provider) -> Result<String, Unsupported>;

    /// The unified provider for a wire value of the vendor's (e.g. on its redirect back); a
    /// value it does not name is kept as [`Provider::Other`].
    fn provider(&self, wire: &str) -> Provider;

    /// How the vendor takes the API key.
    fn key_scheme(&self) -> KeyScheme;

    /// What the vendor calls the owner of a connection (`projectId`, `workspaceId`, …).
    fn owner_name(&self) -> &'static str;

    /// Whether a connect call must name an owner.
    fn requires_owner(&self) -> bool;

    /// Whether the vendor takes a URL to send the browser back to after OAuth.
    fn accepts_redirect_url(&self) -> bool;

    /// Whether the vendor takes [`ConnectRequest::integration_params`].
    fn accepts_integration_params(&self) -> bool {
        false
    }

    /// The production base URL from the vendor's spec, where it names a public one.
    fn default_base_url(&self) -> Option<&'static str>;

    /// The base URL the generated client gets until one is set: the public one, or else the
    /// server the spec names (which [`crate::Client::connect`] does not use: without a public
    /// base URL, it needs one set).
    fn base_url_until_set(&self) -> &'static str {
        self.default_base_url().unwrap_or_default()
    }

    /// Sends the connect call for `request` (already checked; its provider is `wire` on the
    /// wire) through the vendor's generated client in `clients`, never retried.
    ///
    /// A vendor implements this under its cargo feature; without it, there is no generated
    /// client and the call is [`Error::VendorDisabled`].
    fn connect<'a>(
        &'a self,
        clients: &'a Clients,
        request: &'a ConnectRequest,
        wire: String,
        timeout: Duration,
    ) -> Connecting<'a> {
        let _ = (clients, request, wire, timeout);
        Box::pin(std::future::ready(Err(Error::VendorDisabled(
            self.vendor(),
        ))))
    }

    /// The outcome the vendor reports on the redirect back to the app. Only vendors that
    /// document result parameters override this; the others answer
    /// [`Error::NotReportedByRedirect`].
    fn outcome(&self, redirect: &Url) -> Result<ConnectOutcome, Error> {
        let _ = redirect;
        Err(Error::NotReportedByRedirect(self.vendor()))
    }
}

/// A connect call under way (boxed: [`VendorApi`] is used as `dyn`).
pub(crate) type Connecting<'a> =
    Pin<Box<dyn Future<Output = Result<AuthorizationLink, Error>> + Send + 'a>>;

/// The implementation of `vendor`: the one place a [`Vendor`] is matched to its module.
pub(crate) fn api(vendor: Vendor) -> &'static dyn VendorApi {
    match vendor {
        Vendor::Recoup => &recoup::Recoup,
        Vendor::WoopSocial => &woopsocial::WoopSocial,
        Vendor::Postbreeze => &postbreeze::Postbreeze,
        Vendor::Aitronos => &aitronos::Aitronos,
        Vendor::Ocoya => &ocoya::Ocoya,
    }
}

/// The generated client of each enabled vendor, with its own HTTP client and base URL.
pub(crate) struct Clients {
    #[cfg(feature = "recoup")]
    pub(crate) recoup: crate::recoup::Client,
    #[cfg(feature = "woopsocial")]
    pub(crate) woopsocial: crate::woopsocial::Client,
    #[cfg(feature = "postbreeze")]
    pub(crate) postbreeze: crate::postbreeze::Client,
    #[cfg(feature = "aitronos")]
    pub(crate) aitronos: crate::aitronos::Client,
    #[cfg(feature = "ocoya")]
    pub(crate) ocoya: crate::ocoya::Client,
}

impl Clients {
    /// Builds each enabled vendor's generated client on `base(vendor)` with `http(vendor)`, in
    /// [`Vendor::ALL`] order (the first failure is the one reported).
    pub(crate) fn new(
        base: impl Fn(Vendor) -> String,
        http: impl Fn(Vendor) -> Result<reqwest::Client, Error>,
    ) -> Result<Self, Error> {
        let _ = (&base, &http);
        Ok(Self {
            #[cfg(feature = "recoup")]
            recoup: crate::recoup::Client::new_with_client(
                &base(Vendor::Recoup),
                http(Vendor::Recoup)?,
            ),
            #[cfg(feature = "woopsocial")]
            woopsocial: crate::woopsocial::Client::new_with_client(
                &base(Vendor::WoopSocial),
                http(Vendor::WoopSocial)?,
            ),
            #[cfg(feature = "postbreeze")]
            postbreeze: crate::postbreeze::Client::new_with_client(
                &base(Vendor::Postbreeze),
                http(Vendor::Postbreeze)?,
            ),
            #[cfg(feature = "aitronos")]
            aitronos: crate::aitronos::Client::new_with_client(
                &base(Vendor::Aitronos),
                http(Vendor::Aitronos)?,
            ),
            #[cfg(feature = "ocoya")]
            ocoya: crate::ocoya::Client::new_with_client(
                &base(Vendor::Ocoya),
                http(Vendor::Ocoya)?,
            ),
        })
    }
}

/// How a vendor takes the API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key as it is, in the named header (lower case).
    Header(&'static str),
}

impl KeyScheme {
    /// The header that carries `key` in this scheme, and its value.
    pub(crate) fn header(self, key: &str) -> (HeaderName, String) {
        match self {
            KeyScheme::Bearer => (AUTHORIZATION, format!("Bearer {key}")),
            KeyScheme::Header(name) => (HeaderName::from_static(name), key.to_owned()),
        }
    }
}

/// The vendor's generated enum value for `wire` (checked by [`VendorApi::wire`] already; a spec
/// regenerated without the value makes it unsupported rather than a panic).
#[cfg(any(feature = "woopsocial", feature = "postbreeze", feature = "ocoya"))]
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

/// A connector slug as the free-form vendors take them: 1–64 of `[A-Za-z0-9_.-]`.
pub(crate) fn free_form(slug: &str) -> Result<String, Unsupported> {
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

/// `(unified provider, vendor wire value)`; the vendor's own enum in its spec is the authority
/// for values reached through [`Provider::Other`].
pub(crate) type Table = &'static [(Provider, &'static str)];

/// The wire value `table` gives the named `provider`.
pub(crate) fn table_wire(table: Table, provider: &Provider) -> Result<String, Unsupported> {
    table
        .iter()
        .find(|(p, _)| p == provider)
        .map(|(_, w)| (*w).to_owned())
        .ok_or(Unsupported)
}

/// The provider `table` gives `wire`; a value it does not list is kept as [`Provider::Other`].
pub(crate) fn table_provider(table: Table, wire: &str) -> Provider {
    table
        .iter()
        .find(|(_, w)| *w == wire)
        .map(|(p, _)| p.clone())
        .unwrap_or_else(|| Provider::Other(wire.to_owned()))
}

/// The wire value of a named provider from `table`; for [`Provider::Other`], the name in the
/// vendor's `case`, which `table` or the vendor's generated enum (`spec_lists`) must list.
pub(crate) fn enum_value(
    provider: &Provider,
    table: Table,
    case: fn(&str) -> String,
    spec_lists: fn(&str) -> bool,
) -> Result<String, Unsupported> {
    match provider {
        Provider::Other(name) => {
            let wire = case(name.trim());
            let listed = table.iter().any(|(_, w)| *w == wire) || spec_lists(&wire);
            if listed { Ok(wire) } else { Err(Unsupported) }
        }
        named => table_wire(table, named),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vendor_answers_for_itself() {
        for vendor in Vendor::ALL {
            assert_eq!(api(vendor).vendor(), vendor);
        }
    }

    #[test]
    fn every_key_scheme_makes_a_header() {
        for vendor in Vendor::ALL {
            let (name, value) = api(vendor).key_scheme().header("k");
            assert!(value.ends_with('k'), "{vendor} {name}");
        }
        assert_eq!(
            KeyScheme::Bearer.header("k"),
            (AUTHORIZATION, "Bearer k".to_owned())
        );
    }

    #[test]
    fn named_providers_map_back_from_the_wire() {
        for vendor in Vendor::ALL {
            let api = api(vendor);
            for provider in Provider::NAMED {
                if let Ok(wire) = api.wire(&provider) {
                    assert_eq!(api.provider(&wire), provider, "{vendor} {wire}");
                }
            }
        }
    }

    #[test]
    fn free_form_slugs_are_bounded_and_plain() {
        assert_eq!(
            free_form("google.sheets_v-2").ok().as_deref(),
            Some("google.sheets_v-2")
        );
        assert!(free_form(&"a".repeat(64)).is_ok());
        assert!(free_form(&"a".repeat(65)).is_err());
        assert!(free_form("").is_err());
        assert!(free_form("bad slug!").is_err());
    }

    #[test]
    fn vendors_without_a_documented_redirect_say_so() {
        let url = Url::parse("https://app.example.com/cb?status=success").unwrap();
        for vendor in [
            Vendor::Recoup,
            Vendor::Postbreeze,
            Vendor::Aitronos,
            Vendor::Ocoya,
        ] {
            assert!(matches!(
                ConnectOutcome::from_redirect(vendor, &url),
                Err(Error::NotReportedByRedirect(v)) if v == vendor
            ));
        }
    }
}
