//! What every handler sees: the state, the origin URLs are built on, the control-route root, and
//! the URL prefixes built once per service so that a connect only appends its own values.

use std::sync::atomic::AtomicU8;

use crate::core::MockVendor;
use crate::state::MockState;

/// The per-service context every handler takes.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) state: MockState,
    /// `http://127.0.0.1:PORT`, no trailing slash; for a tenant of the standalone server,
    /// `http://127.0.0.1:PORT/t/{tenant}`.
    pub(crate) origin: String,
    /// The scheme and authority of `origin` (what a browser sends as `Origin`).
    pub(crate) site: String,
    /// `""`, or `/{vendor}` for a single mounted vendor.
    pub(crate) root: String,
    /// The path of the control routes on the site: `origin`'s path, then `root` (`""`,
    /// `/{vendor}`, `/t/{tenant}`). Forms post to it.
    pub(crate) base_path: String,
    pub(crate) vendors: Vec<MockVendor>,
    /// Per vendor, by [`MockVendor::index`]: its OAuth callback URL.
    callbacks: [String; MockVendor::COUNT],
    /// Per vendor, by [`MockVendor::index`]: the provider's authorization URL up to the value of
    /// its `state` parameter.
    authorize_prefixes: [String; MockVendor::COUNT],
    /// Per vendor, by [`MockVendor::index`], what its module's success answers are, as this
    /// service has seen them: not yet seen (0), all the spec requires (1), or short of a
    /// property the spec requires (2). A cache of the service's own (each tenant's too), so
    /// that nothing one service sees changes another's path.
    pub(crate) shapes: [AtomicU8; MockVendor::COUNT],
}

impl Ctx {
    /// The context of a service on `origin` (a trailing `/` is dropped) serving `vendors`, with
    /// its control routes under `root`.
    pub(crate) fn new(
        origin: String,
        root: String,
        vendors: Vec<MockVendor>,
        state: MockState,
    ) -> Self {
        let origin = origin.trim_end_matches('/').to_owned();
        let (site, path) = split_origin(&origin);
        let (site, base_path) = (site.to_owned(), format!("{path}{root}"));
        let callbacks = MockVendor::ALL.map(|v| callback_url(&origin, &root, v));
        let authorize_prefixes =
            MockVendor::ALL.map(|v| authorize_prefix(&origin, &root, v, &callbacks[v.index()]));
        Self {
            state,
            origin,
            site,
            root,
            base_path,
            vendors,
            callbacks,
            authorize_prefixes,
            shapes: [const { AtomicU8::new(0) }; MockVendor::COUNT],
        }
    }

    /// The vendor's OAuth callback URL on this mock: `{origin}{root}/__vendor/{vendor}/callback`.
    pub(crate) fn callback_uri(&self, vendor: MockVendor) -> &str {
        &self.callbacks[vendor.index()]
    }

    /// The provider's authorization URL for `vendor`, up to the value of `state`:
    /// `{origin}{root}/__provider/authorize?response_type=code&client_id=…&redirect_uri=…&state=`.
    pub(crate) fn authorize_prefix(&self, vendor: MockVendor) -> &str {
        &self.authorize_prefixes[vendor.index()]
    }
}

/// `http://host:port/t/x` → (`http://host:port`, `/t/x`); an origin without a path has an
/// empty one.
fn split_origin(origin: &str) -> (&str, &str) {
    let authority_start = origin.find("://").map_or(0, |i| i + 3);
    match origin[authority_start..].find('/') {
        Some(i) => origin.split_at(authority_start + i),
        None => (origin, ""),
    }
}

fn callback_url(origin: &str, root: &str, vendor: MockVendor) -> String {
    format!("{origin}{root}/__vendor/{}/callback", vendor.slug())
}

fn authorize_prefix(origin: &str, root: &str, vendor: MockVendor, callback: &str) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("response_type", "code")
        .append_pair("client_id", vendor.slug())
        .append_pair("redirect_uri", callback);
    format!("{origin}{root}/__provider/authorize?{}&state=", q.finish())
}

#[cfg(test)]
mod tests {
    use super::split_origin;

    #[test]
    fn an_origin_splits_into_its_site_and_its_path() {
        assert_eq!(
            split_origin("http://127.0.0.1:4010"),
            ("http://127.0.0.1:4010", "")
        );
        assert_eq!(
            split_origin("http://127.0.0.1:4010/t/ci-1"),
            ("http://127.0.0.1:4010", "/t/ci-1")
        );
        assert_eq!(split_origin("mock:1/a"), ("mock:1", "/a"));
    }
}
