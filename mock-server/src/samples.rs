//! One valid connect request per vendor, against the default fixture: the request every test,
//! bench and tool starts from, written once.
//!
//! ### Example
//! ```
//! use social_connect_mock::{MockConfig, MockService, MockVendor, samples};
//!
//! let service = MockService::new("http://127.0.0.1:4010", MockConfig::default());
//! for vendor in MockVendor::ALL {
//!     let sample = samples::connect(vendor);
//!     assert!((200..300).contains(&service.handle(sample.request()).status), "{vendor}");
//! }
//! ```

use http::Method;

use crate::core::{MockRequest, MockVendor};
use crate::fixture::OWNER_KEY;

/// How a vendor's API takes its key: the model the SDK, the mock and xtask share.
pub use social_connect_spec::Auth;

/// The PKCE S256 challenge of a verifier (RFC 7636), as the mock's provider checks it.
pub use crate::core::token::pkce_s256;

/// A valid connect request to one vendor, made with the default fixture's owner key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectSample {
    /// The vendor.
    pub vendor: MockVendor,
    /// How the key is sent: the first way the vendor's spec names (`Bearer` where it names
    /// none).
    pub scheme: &'static Auth,
    /// The query string without `?` (empty where the vendor takes none).
    pub query: &'static str,
    /// The JSON body; empty where the operation takes none.
    pub body: &'static str,
    /// The owner the request names (project, workspace, organization), or `None` where the
    /// vendor takes the key's own account (Recoup).
    pub owner: Option<&'static str>,
    /// The provider the request connects, as the vendor spells it on the wire.
    pub provider: &'static str,
    /// The connect path, relative to the vendor's base URL, with its path parameters filled in
    /// (the spec's path as it is where it has none).
    pub path: &'static str,
    /// The JSON pointer of the link in the vendor's success answer (its manifest's
    /// `connect.link`, e.g. `/data/redirectUrl`).
    pub link: &'static str,
}

#[allow(clippy::all)]
#[rustfmt::skip]
#[path = "generated/samples.rs"]
mod table;

/// The valid connect request of `vendor` (owner key, the fixture's demo owner), made from its
/// manifest (`specs/<vendor>/vendor.toml`: the owner, the sample provider) and its contract
/// (where each goes, how the key is sent).
pub fn connect(vendor: MockVendor) -> ConnectSample {
    static BEARER: Auth = Auth::Bearer;
    let (path, query, body, owner, provider) = table::sample(vendor);
    ConnectSample {
        vendor,
        scheme: vendor.contract().auth.first().unwrap_or(&BEARER),
        query,
        body,
        owner,
        provider,
        path,
        link: vendor.fields().link,
    }
}

impl ConnectSample {
    /// The connect path with its query, relative to the vendor's base URL
    /// (e.g. `/personal-connectors/authorize?organization_id=org_demo`).
    pub fn relative_target(&self) -> String {
        let path = self.path;
        if self.query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", self.query)
        }
    }

    /// The request target on a mock serving all vendors at their prefixes
    /// (e.g. `/aitronos/v1/personal-connectors/authorize?organization_id=org_demo`).
    pub fn target(&self) -> String {
        format!("{}{}", self.vendor.prefix(), self.relative_target())
    }

    /// [`target`](Self::target) with `key` in the query, where the vendor takes it there (the
    /// target as it is otherwise: the key goes in a header, [`auth`](Self::auth)).
    pub fn target_with_key(&self, key: &str) -> String {
        self.with_key(self.target(), key)
    }

    /// [`url`](Self::url) with `key` in the query, where the vendor takes it there.
    pub fn url_with_key(&self, base_url: &str, key: &str) -> String {
        self.with_key(self.url(base_url), key)
    }

    /// `target` with `key` in the query, where the vendor takes it there.
    pub(crate) fn with_key(&self, target: String, key: &str) -> String {
        let Auth::Query(name) = self.scheme else {
            return target;
        };
        let value: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
        let sep = if target.contains('?') { '&' } else { '?' };
        format!("{target}{sep}{name}={value}")
    }

    /// The full URL under a vendor base URL (as [`crate::MockService::base_url`] gives it).
    pub fn url(&self, base_url: &str) -> String {
        format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            self.relative_target()
        )
    }

    /// The connect operation's method, as its spec states it (`POST`, `GET`, …).
    pub fn method(&self) -> &'static str {
        &self.vendor.contract().method
    }

    /// The header that carries `key` in this vendor's scheme: its name (lower case) and its
    /// value. Where the vendor takes the key in the query, the parameter's name and value
    /// instead ([`target_with_key`](Self::target_with_key) puts it there).
    pub fn auth(&self, key: &str) -> (&'static str, String) {
        let scheme: &'static Auth = self.scheme;
        match scheme {
            Auth::Query(name) => (name, key.to_owned()),
            other => other
                .credentials(key)
                .unwrap_or(("authorization", format!("Bearer {key}"))),
        }
    }

    /// The request as [`crate::MockService::handle`] takes it, with the owner key.
    pub fn request(&self) -> MockRequest {
        self.request_with_key(OWNER_KEY)
    }

    /// The same request made with another key.
    pub fn request_with_key(&self, key: &str) -> MockRequest {
        let method = Method::from_bytes(self.method().as_bytes()).unwrap_or(Method::POST);
        let mut request = MockRequest::new(method, &self.target_with_key(key));
        if !self.scheme.in_query() {
            let (name, value) = self.auth(key);
            request = request.with_header(name, &value);
        }
        if self.vendor.contract().body.is_none() {
            return request;
        }
        request
            .with_header("content-type", "application/json")
            .with_body(self.body)
    }
}
