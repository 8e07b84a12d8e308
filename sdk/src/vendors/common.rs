//! What every vendor module builds on: the [`VendorApi`] trait, [`Clients`] (each vendor's
//! endpoint), the facts a spec states ([`Facts`]), and the helpers that know no vendor: key
//! schemes, wire tables, free-form slugs, parsing a wire value into a generated enum.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderName;
use url::Url;

use crate::{AuthorizationLink, ConnectOutcome, ConnectRequest, Error, Provider, Vendor};

/// What the unified model needs from one vendor: one vendor, one module.
///
/// Each vendor's module implements this for a unit struct and keeps everything that vendor
/// spells or does its own way: how it names providers on the wire (both ways), how it takes
/// the API key, what it calls the owner and which optional fields it takes, its base URL, its
/// connect call through its generated client, and how it reports the outcome on the redirect
/// back. Code outside `vendors/` never matches on a [`Vendor`] for vendor knowledge: the public
/// methods of [`Vendor`], [`crate::Client`], [`ConnectRequest`] and [`ConnectOutcome`] ask
/// [`api`](super::api) for the vendor's implementation and keep only what all vendors share (the checks
/// made before sending, the HTTP client, the error mapping).
///
/// The modules exist whatever the cargo features: a vendor's wire mapping and facts work
/// without its generated client. Only [`VendorApi::connect`] and the check against the
/// generated enum need the vendor's feature.
pub(crate) trait VendorApi: Identity + Sync {
    /// The vendor's wire value for `provider`, or why it cannot be sent.
    fn wire(&self, provider: &Provider) -> Result<String, Unsupported>;

    /// The unified provider for a wire value of the vendor's (e.g. on its redirect back), from
    /// its [`table`](Self::table); a value it does not name is kept as [`Provider::Other`].
    fn provider(&self, wire: &str) -> Provider {
        table_provider(self.table(), wire)
    }

    /// The module's hand-written table of named providers and their wire values.
    fn table(&self) -> Table {
        &[]
    }

    /// Whether the vendor's spec lists `wire` (its generated enum parses it); `None` where the
    /// spec takes a free-form string, or the vendor's feature (and so its enum) is off.
    fn spec_lists(&self, wire: &str) -> Option<bool> {
        let _ = wire;
        None
    }

    /// What the project knows of the vendor beyond its spec (its manifest, as the spec crate
    /// serves it).
    fn manifest(&self) -> &'static social_connect_spec::Manifest {
        static NONE: social_connect_spec::Manifest = social_connect_spec::Manifest::EMPTY;
        social_connect_spec::manifest(self.vendor().as_str()).unwrap_or(&NONE)
    }

    /// How the vendor takes the API key: the first way its spec names.
    fn key_scheme(&self) -> &'static Auth {
        static BEARER: Auth = Auth::Bearer;
        self.facts().auth.first().unwrap_or(&BEARER)
    }

    /// What the vendor calls the owner of a connection (`projectId`, `workspaceId`, …): the
    /// manifest's mapping of [`ConnectRequest::owner`] to a field the spec names; `None` where
    /// the vendor takes no owner (a connection belongs to the key's own account).
    fn owner_name(&self) -> Option<&'static str> {
        self.manifest().connect.owner
    }

    /// Whether a connect call must name an owner: whether the spec requires the owner field.
    fn requires_owner(&self) -> bool {
        self.owner_name().is_some_and(|o| self.facts().requires(o))
    }

    /// The field that takes [`ConnectRequest::redirect_url`], where the vendor takes one (its
    /// manifest says).
    fn redirect_field(&self) -> Option<&'static str> {
        self.manifest().connect.redirect
    }

    /// Whether the vendor takes a URL to send the browser back to after OAuth.
    fn accepts_redirect_url(&self) -> bool {
        self.redirect_field().is_some()
    }

    /// The field that takes [`ConnectRequest::integration_params`], where the vendor takes
    /// them (its manifest says).
    fn integration_params_field(&self) -> Option<&'static str> {
        self.manifest().connect.params
    }

    /// Whether the vendor takes [`ConnectRequest::integration_params`].
    fn accepts_integration_params(&self) -> bool {
        self.integration_params_field().is_some()
    }

    /// The production base URL: the first server in the vendor's spec that is not a local one.
    fn default_base_url(&self) -> Option<&'static str> {
        self.facts().public_server
    }

    /// The base URL the generated client gets until one is set: the public one, or else the
    /// first server the spec names (which [`crate::Client::connect`] does not use: without a
    /// public base URL, it needs one set).
    fn base_url_until_set(&self) -> &'static str {
        self.default_base_url()
            .or_else(|| self.facts().servers.first().copied())
            .unwrap_or_default()
    }

    /// Sends the connect call for `request` (already checked; its provider is `wire` on the
    /// wire) through the vendor's generated client on `endpoint`, never retried.
    ///
    /// A vendor implements this under its cargo feature; without it, there is no generated
    /// client and the call is [`Error::VendorDisabled`].
    fn connect<'a>(
        &'a self,
        endpoint: &'a Endpoint,
        request: &'a ConnectRequest,
        wire: String,
        timeout: Duration,
    ) -> Connecting<'a> {
        let _ = (endpoint, request, wire, timeout);
        Box::pin(std::future::ready(Err(Error::VendorDisabled(
            self.vendor(),
        ))))
    }

    /// The outcome the vendor reports on the redirect back to the app, read with the result
    /// parameters its manifest states ([`social_connect_spec::RedirectResult`]); the status and
    /// the error are read before any id. A vendor that documents none answers
    /// [`Error::NotReportedByRedirect`].
    fn outcome(&self, redirect: &Url) -> Result<ConnectOutcome, Error> {
        let vendor = self.vendor();
        let Some(r) = social_connect_spec::redirect_result(vendor.as_str()) else {
            return Err(Error::NotReportedByRedirect(vendor));
        };
        let invalid = |reason: String| Error::InvalidRedirect { vendor, reason };
        let param = |name: &str| -> Result<Option<String>, Error> {
            let mut values = redirect
                .query_pairs()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v);
            let first = values.next().map(|v| v.into_owned());
            if values.next().is_some() {
                return Err(invalid(format!("`{name}` appears more than once")));
            }
            Ok(first)
        };
        let required = |name: &str| -> Result<String, Error> {
            param(name)?
                .filter(|v| !v.is_empty())
                .ok_or_else(|| invalid(format!("`{name}` is missing")))
        };
        let status = required(r.status)?;
        let error = param(r.error)?;
        if status == r.failure {
            let error = error.filter(|e| !e.is_empty()).ok_or_else(|| {
                let (s, f, e) = (r.status, r.failure, r.error);
                invalid(format!("`{s}={f}` without an `{e}` code"))
            })?;
            return Ok(ConnectOutcome::Failed {
                vendor,
                owner: required(r.owner)?,
                provider: self.provider(&required(r.provider)?),
                error,
            });
        }
        if status != r.success {
            let (s, ok, f) = (r.status, r.success, r.failure);
            return Err(invalid(format!("`{s}={status}` is neither {ok} nor {f}")));
        }
        if let Some(error) = error {
            let (s, ok, e) = (r.status, r.success, r.error);
            return Err(invalid(format!("`{s}={ok}` together with `{e}={error}`")));
        }
        let ids = required(r.accounts)?;
        let account_ids: Vec<String> = ids.split(',').map(str::to_owned).collect();
        if account_ids.iter().any(|id| id.trim().is_empty()) {
            let a = r.accounts;
            return Err(invalid(format!("`{a}={ids}` has an empty id")));
        }
        Ok(ConnectOutcome::Connected {
            vendor,
            owner: required(r.owner)?,
            provider: self.provider(&required(r.provider)?),
            account_ids,
        })
    }
}

// The public behaviour of the value types that needs vendor knowledge, implemented here so that
// `vendor.rs`, `request.rs`, `outcome.rs` and `session.rs` never reach into this layer.
impl Vendor {
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
        super::api(self).wire(provider).is_ok()
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
        super::api(self).requires_owner()
    }

    /// What the vendor calls the owner of a connection; `None` where it takes no owner (a
    /// connection belongs to the key's own account).
    ///
    /// ### Example
    /// ```
    /// use social_connect::Vendor;
    /// assert_eq!(Vendor::WoopSocial.owner_name(), Some("projectId"));
    /// ```
    pub fn owner_name(self) -> Option<&'static str> {
        super::api(self).owner_name()
    }

    /// Whether the vendor takes a URL to send the browser back to after OAuth
    /// (WoopSocial's `redirectUrl`, Recoup's `callback_url`).
    pub fn accepts_redirect_url(self) -> bool {
        super::api(self).accepts_redirect_url()
    }

    /// The production base URL: the first server in the vendor's spec that is not a local one
    /// (generated from `specs/`). Postbreeze's spec names only a local server, so it has none:
    /// set one with [`ClientBuilder::base_url`](crate::ClientBuilder::base_url).
    pub fn default_base_url(self) -> Option<&'static str> {
        super::api(self).default_base_url()
    }

    /// Whether the vendor takes [`ConnectRequest::integration_params`].
    pub(crate) fn accepts_integration_params(self) -> bool {
        super::api(self).accepts_integration_params()
    }

    /// Whether `a` and `b` are one provider to this vendor: the same wire value (two names of
    /// one value agree), or both unsupported.
    pub(crate) fn same_provider(self, a: &Provider, b: &Provider) -> bool {
        let api = super::api(self);
        api.wire(a).ok() == api.wire(b).ok()
    }
}

impl ConnectOutcome {
    /// Reads the outcome from the URL the vendor redirected the browser to.
    ///
    /// **Unauthenticated**: it believes whatever URL it is given. Anyone who knows the app's
    /// redirect URL can craft one, and an attacker's own finished redirect replayed in a
    /// victim's browser reads as a success too. Apps should start flows with
    /// [`Client::begin`](crate::Client::begin) and read returns with
    /// [`ConnectSession::complete`](crate::ConnectSession::complete), which checks that the
    /// redirect belongs to the user's own session first.
    ///
    /// The result parameters are those the vendor's manifest names (`[redirect_result]`): of
    /// today's vendors only WoopSocial documents any (`status`, `projectId`, `platform`,
    /// `socialAccountIds` or `error`); `status` and `error` are read before any id. For the
    /// other vendors this returns [`Error::NotReportedByRedirect`]: confirm through their API.
    ///
    /// ### Example
    /// ```
    /// use social_connect::{ConnectOutcome, Error, Vendor};
    /// let back: url::Url = "https://app.example.com/done".parse().unwrap();
    /// assert!(matches!(
    ///     ConnectOutcome::from_redirect(Vendor::Postbreeze, &back),
    ///     Err(Error::NotReportedByRedirect(Vendor::Postbreeze))
    /// ));
    /// ```
    pub fn from_redirect(vendor: Vendor, url: &Url) -> Result<Self, Error> {
        super::api(vendor).outcome(url)
    }
}

/// A connect call under way (boxed: [`VendorApi`] is used as `dyn`).
pub(crate) type Connecting<'a> =
    Pin<Box<dyn Future<Output = Result<AuthorizationLink, Error>> + Send + 'a>>;

/// Where one vendor is reached: its base URL and its HTTP client (auth header, timeouts).
///
/// Each call builds the vendor's generated client from it ([`Endpoint::raw`]): cheap (a string
/// and a reference-counted handle), and it gives every call a [`Capture`](crate::response) of
/// its own, through which the `exec` hook hands the call's answer to the error mapping.
#[derive(Debug)]
pub(crate) struct Endpoint {
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
    /// The API key of a vendor that takes it in the query (others carry theirs in `http`'s
    /// default headers).
    pub(crate) query_key: Option<QueryKey>,
}

/// An API key that goes in the query: kept out of `Debug`.
pub(crate) struct QueryKey(pub(crate) String);

impl std::fmt::Debug for QueryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("QueryKey(***)")
    }
}

impl Endpoint {
    /// The key a vendor that takes it in the query gets on its connect call.
    #[allow(dead_code)] // used by the connect of a vendor whose spec takes the key so
    pub(crate) fn query_key(&self) -> Option<&str> {
        self.query_key.as_ref().map(|k| k.0.as_str())
    }

    /// A generated client `C` for one call, made by its `new_with_client`.
    #[allow(dead_code)] // unused when every vendor's feature is off
    pub(crate) fn raw<C>(
        &self,
        new: fn(&str, reqwest::Client, crate::response::Capture) -> C,
    ) -> C {
        new(
            &self.base,
            self.http.clone(),
            crate::response::Capture::default(),
        )
    }
}

/// Every vendor's [`Endpoint`], in [`Vendor::ALL`] order.
#[derive(Debug)]
pub(crate) struct Clients {
    endpoints: Vec<Endpoint>,
}

impl Clients {
    /// Each vendor's endpoint on `base(vendor)` with `http(vendor)`, in [`Vendor::ALL`] order
    /// (the first failure is the one reported).
    pub(crate) fn new(
        base: impl Fn(Vendor) -> String,
        http: impl Fn(Vendor) -> Result<reqwest::Client, Error>,
        query_key: impl Fn(Vendor) -> Option<QueryKey>,
    ) -> Result<Self, Error> {
        let endpoints = Vendor::ALL
            .into_iter()
            .map(|vendor| {
                Ok(Endpoint {
                    base: base(vendor),
                    http: http(vendor)?,
                    query_key: query_key(vendor),
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Self { endpoints })
    }

    /// `vendor`'s endpoint.
    pub(crate) fn endpoint(&self, vendor: Vendor) -> &Endpoint {
        let index = Vendor::ALL
            .iter()
            .position(|v| *v == vendor)
            .unwrap_or_default();
        &self.endpoints[index]
    }
}

/// What a vendor's spec states that the unified layer needs; one static per vendor in
/// [`super::facts`], generated from `specs/` (never edited by hand).
#[derive(Debug)]
pub(crate) struct Facts {
    /// The server URLs, in the spec's order.
    pub(crate) servers: &'static [&'static str],
    /// The first server URL that is not a local one.
    pub(crate) public_server: Option<&'static str>,
    /// The ways the connect operation takes the key, in the spec's order.
    pub(crate) auth: &'static [Auth],
    /// The connect operation's query parameters and top-level body fields, with whether each
    /// is required.
    pub(crate) fields: &'static [(&'static str, bool)],
}

impl Facts {
    /// Whether the spec names `field`.
    #[cfg(test)]
    pub(crate) fn names(&self, field: &str) -> bool {
        self.fields.iter().any(|(f, _)| *f == field)
    }

    /// Whether the spec requires `field`.
    pub(crate) fn requires(&self, field: &str) -> bool {
        self.fields.iter().any(|(f, r)| *f == field && *r)
    }
}

/// How a vendor takes the API key (the one model the SDK, the mock and xtask share). A key in
/// the query is set on the vendor's connect call (see [`Endpoint::query_key`]), never in a
/// header.
pub(crate) use social_connect_spec::Auth;

/// The header that carries `key` in `auth`; `None` for a key that goes in the query (or a
/// header name that is not one, which a spec cannot state).
pub(crate) fn key_header(auth: &Auth, key: &str) -> Option<(HeaderName, String)> {
    let (name, value) = auth.credentials(key)?;
    Some((HeaderName::try_from(name).ok()?, value))
}

/// Which vendor a module implements, and what its spec states: written for every vendor's
/// module by codegen (`vendors/mod.rs`), from its manifest, so that no module restates them.
pub(crate) trait Identity {
    /// The vendor this implements.
    fn vendor(&self) -> Vendor;

    /// What the vendor's spec states that this layer needs (generated: [`super::facts`]).
    fn facts(&self) -> &'static Facts;
}

/// The vendor's generated enum value for `wire` (checked by [`VendorApi::wire`] already; a spec
/// regenerated without the value makes it unsupported rather than a panic).
#[allow(dead_code)] // unused when no vendor whose spec lists its providers is enabled
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

/// The vendor's generated request body `T`, made from `fields` (a JSON object in the wire's
/// names). Going through JSON rather than a struct literal keeps the SDK compiling when a
/// regenerated spec adds a body field: an optional one is left out; a required one the SDK does
/// not fill, or a field the spec no longer takes, is [`Error::UnsupportedRequest`] before any
/// request is sent.
#[allow(dead_code)] // unused when every vendor's feature is off
pub(crate) fn request_body<T: serde::de::DeserializeOwned>(
    vendor: Vendor,
    mut fields: serde_json::Value,
) -> Result<T, Error> {
    // A field the request leaves unset is left out (a generated map or list field takes no
    // `null`; an optional one is `None` either way).
    if let Some(map) = fields.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    serde_json::from_value(fields).map_err(|e| Error::UnsupportedRequest {
        vendor,
        reason: format!("the request body does not fit the vendor's spec: {e}"),
    })
}

/// The link at the JSON `pointer` of a vendor's success answer of `status` (any generated
/// answer type: it is read through its JSON form, so a regenerated type with other names still
/// works). An answer that holds no absolute URL there, or says it did not succeed (its
/// `success` or `ok` is `false`), is [`Error::UnexpectedResponse`].
#[allow(dead_code)] // used by the connect of every vendor whose feature is on
pub(crate) fn link_at<T: serde::Serialize>(
    vendor: Vendor,
    status: u16,
    answer: &T,
    pointer: &str,
) -> Result<Url, Error> {
    let value = serde_json::to_value(answer).ok();
    let refused = value.as_ref().is_some_and(|v| {
        ["/success", "/ok"]
            .iter()
            .any(|p| v.pointer(p) == Some(&serde_json::Value::Bool(false)))
    });
    let url = value
        .as_ref()
        .and_then(|v| v.pointer(pointer))
        .and_then(serde_json::Value::as_str)
        .and_then(|t| Url::parse(t).ok());
    match url {
        Some(url) if !refused => Ok(url),
        _ => Err(Error::UnexpectedResponse {
            vendor,
            status,
            content_type: None,
            excerpt: answer_excerpt(answer),
        }),
    }
}

/// The start of a vendor's answer, as [`Error::UnexpectedResponse`] shows it: the answer as
/// read, written back as JSON (the field that could not be used is in it, with its value).
pub(crate) fn answer_excerpt<T: serde::Serialize>(answer: &T) -> Option<String> {
    serde_json::to_vec(answer)
        .ok()
        .and_then(|bytes| crate::error::excerpt(&bytes))
}

/// The string at the JSON `pointer` of a vendor's answer, if there is one.
#[allow(dead_code)] // used by vendor modules that take their link by pointer
pub(crate) fn text_at<T: serde::Serialize>(answer: &T, pointer: &str) -> Option<String> {
    let value = serde_json::to_value(answer).ok()?;
    value.pointer(pointer)?.as_str().map(str::to_owned)
}

/// Why a provider cannot be sent to a vendor.
#[derive(Debug)]
pub(crate) struct Unsupported;

/// A connector slug as the free-form vendors take them ([`social_connect_spec::is_connector_slug`],
/// the rule the mock enforces too).
pub(crate) fn free_form(slug: &str) -> Result<String, Unsupported> {
    if social_connect_spec::is_connector_slug(slug) {
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

/// The wire value of a named provider from `api`'s table; for [`Provider::Other`], the name in
/// the vendor's `case`, which the table or the vendor's spec ([`VendorApi::spec_lists`]) must
/// list.
pub(crate) fn enum_value(
    api: &dyn VendorApi,
    provider: &Provider,
    case: fn(&str) -> String,
) -> Result<String, Unsupported> {
    match provider {
        Provider::Other(name) => {
            let wire = case(name.trim());
            let listed =
                api.table().iter().any(|(_, w)| *w == wire) || api.spec_lists(&wire) == Some(true);
            if listed { Ok(wire) } else { Err(Unsupported) }
        }
        named => table_wire(api.table(), named),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::api;
    use reqwest::header::AUTHORIZATION;

    #[test]
    fn each_vendor_answers_for_itself() {
        for vendor in Vendor::ALL {
            assert_eq!(api(vendor).vendor(), vendor);
        }
    }

    #[test]
    fn every_field_a_module_maps_is_one_its_spec_names() {
        for vendor in Vendor::ALL {
            let api = api(vendor);
            let facts = api.facts();
            let mapped = [
                api.owner_name(),
                api.redirect_field(),
                api.integration_params_field(),
            ];
            for field in mapped.into_iter().flatten() {
                assert!(
                    facts.names(field),
                    "{vendor}: sdk/src/vendors/{}.rs maps a field `{field}` that \
                     specs/{}/openapi.yaml does not name",
                    vendor.as_str(),
                    vendor.as_str()
                );
            }
        }
    }

    /// The contract check of the hand-written layer: a table value a regenerated spec no
    /// longer lists fails here, naming the vendor, the value and the file to fix.
    #[test]
    fn every_wire_value_a_module_maps_is_one_its_spec_lists() {
        let mut checked = 0;
        for vendor in Vendor::ALL {
            let api = api(vendor);
            // The vendors whose spec lists its values check them against their generated enum.
            #[cfg(all(feature = "postbreeze", feature = "woopsocial", feature = "ocoya"))]
            if matches!(
                vendor,
                Vendor::Postbreeze | Vendor::WoopSocial | Vendor::Ocoya
            ) {
                assert!(
                    api.table().iter().all(|(_, w)| api.spec_lists(w).is_some()),
                    "{vendor}: its table is not checked against its spec's enum"
                );
            }
            for (provider, wire) in api.table() {
                if let Some(listed) = api.spec_lists(wire) {
                    assert!(
                        listed,
                        "{vendor}: sdk/src/vendors/{v}.rs maps Provider::{provider:?} to \
                         {wire:?}, which specs/{v}/openapi.yaml no longer lists: remove or \
                         remap it",
                        v = vendor.as_str()
                    );
                    checked += 1;
                }
            }
        }
        // Postbreeze's 11, WoopSocial's and Ocoya's tables: with every feature on, all checked.
        #[cfg(all(feature = "postbreeze", feature = "woopsocial", feature = "ocoya"))]
        assert!(checked >= 20, "only {checked} values checked");
        let _ = checked;
    }

    #[test]
    fn base_urls_come_from_each_specs_servers() {
        for vendor in Vendor::ALL {
            let api = api(vendor);
            let servers = api.facts().servers;
            let until_set = api.base_url_until_set();
            assert!(
                servers.contains(&until_set),
                "{vendor}: {until_set:?} of {servers:?}"
            );
            match api.default_base_url() {
                Some(url) => {
                    assert!(servers.contains(&url), "{vendor}: {url}");
                    assert!(url.starts_with("https://"), "{vendor}: {url}");
                    assert_eq!(until_set, url, "{vendor}: the public URL until one is set");
                }
                None => assert!(
                    servers
                        .iter()
                        .all(|s| s.contains("localhost") || s.contains("127.0.0.1")),
                    "{vendor}: a public server in {servers:?} was not taken"
                ),
            }
        }
    }

    #[test]
    fn every_key_scheme_makes_a_header() {
        for vendor in Vendor::ALL {
            let scheme = api(vendor).key_scheme();
            match (scheme, key_header(scheme, "k")) {
                (Auth::Query(_), header) => assert_eq!(header, None, "{vendor}"),
                (Auth::Basic, Some((_, value))) => {
                    assert_eq!(value, "Basic azo=", "{vendor}")
                }
                (_, Some((name, value))) => assert!(value.ends_with('k'), "{vendor} {name}"),
                (_, None) => panic!("{vendor}: a header scheme without a header"),
            }
        }
        assert_eq!(
            key_header(&Auth::Bearer, "k"),
            Some((AUTHORIZATION, "Bearer k".to_owned()))
        );
        // A bare key as the user name.
        assert_eq!(
            key_header(&Auth::Basic, "sk_test"),
            Some((AUTHORIZATION, "Basic c2tfdGVzdDo=".to_owned()))
        );
        assert_eq!(key_header(&Auth::query("api_key"), "k"), None);
        assert_eq!(
            key_header(&Auth::header("bad name"), "k"),
            None,
            "not a header name"
        );
        let key = QueryKey("sk_live_secret".into());
        assert_eq!(format!("{key:?}"), "QueryKey(***)");
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
