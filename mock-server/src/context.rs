//! What every handler sees: the state, the origin URLs are built on, the control-route root, and
//! the URL prefixes built once per service so that a connect only appends its own values.

use crate::core::MockVendor;
use crate::state::MockState;

/// The per-service context every handler takes.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) state: MockState,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) origin: String,
    /// `""`, or `/{vendor}` for a single mounted vendor.
    pub(crate) root: String,
    pub(crate) vendors: Vec<MockVendor>,
    /// Per vendor, by [`MockVendor::index`]: its OAuth callback URL.
    callbacks: [String; 5],
    /// Per vendor, by [`MockVendor::index`]: the provider's authorization URL up to the value of
    /// its `state` parameter.
    authorize_prefixes: [String; 5],
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
        let callbacks = MockVendor::ALL.map(|v| callback_url(&origin, &root, v));
        let authorize_prefixes =
            MockVendor::ALL.map(|v| authorize_prefix(&origin, &root, v, &callbacks[v.index()]));
        Self {
            state,
            origin,
            root,
            vendors,
            callbacks,
            authorize_prefixes,
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
