//! The transport-free engine: one request in, one response out. Both adapters (wiremock and the
//! standalone hyper server) call [`MockService::handle`] and nothing else.

use std::sync::Arc;

use http::Method;

use crate::admin;
use crate::context::Ctx;
use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::flow;
use crate::state::{LogEntry, MockConfig, MockState};
use crate::vendors;

/// The mock's request handler, independent of any transport.
///
/// ### Example
/// ```
/// use social_connect_mock::{MockConfig, MockRequest, MockService};
/// use http::Method;
///
/// let service = MockService::new("http://127.0.0.1:4010", MockConfig::default());
/// let response = service.handle(
///     MockRequest::new(Method::POST, "/postbreeze/api/v1/social-accounts/connect")
///         .with_header("authorization", "Bearer sk_test_owner")
///         .with_header("content-type", "application/json")
///         .with_body(r#"{"workspaceId":"ws_demo","platform":"X"}"#),
/// );
/// assert_eq!(response.status, 201);
/// ```
#[derive(Debug, Clone)]
pub struct MockService {
    pub(crate) ctx: Arc<Ctx>,
}

impl MockService {
    /// All five vendors at their prefixes on `origin` (e.g. `http://127.0.0.1:4010`), control
    /// routes at the root. The transport must honour [`MockResponse::drop_connection`].
    pub fn new(origin: impl Into<String>, config: MockConfig) -> Self {
        Self::from_parts(
            origin.into(),
            String::new(),
            MockVendor::ALL.to_vec(),
            MockState::new(config, true),
        )
    }

    pub(crate) fn from_parts(
        origin: String,
        root: String,
        vendors: Vec<MockVendor>,
        state: MockState,
    ) -> Self {
        Self {
            ctx: Arc::new(Ctx::new(origin, root, vendors, state)),
        }
    }

    /// The state and its admin operations.
    pub fn state(&self) -> &MockState {
        &self.ctx.state
    }

    /// The origin URLs are built on.
    pub fn origin(&self) -> &str {
        &self.ctx.origin
    }

    /// The base URL of a vendor's API (`origin + prefix`).
    pub fn base_url(&self, vendor: MockVendor) -> String {
        format!("{}{}", self.ctx.origin, vendor.prefix())
    }

    /// The admin API's base URL (`…/__admin`).
    pub fn admin_url(&self) -> String {
        format!("{}{}/__admin", self.ctx.origin, self.ctx.root)
    }

    /// Whether `other` is this service (a clone of it), not another with the same settings.
    pub(crate) fn same(&self, other: &MockService) -> bool {
        Arc::ptr_eq(&self.ctx, &other.ctx)
    }

    /// The admin API's guards ([`admin::guard`]) for a request to an admin route served outside
    /// this service (the standalone server's tenant routes).
    pub(crate) fn guard_admin(&self, req: &MockRequest) -> Option<MockResponse> {
        admin::guard(&self.ctx, req).map(no_store)
    }

    /// Handles one request. Never panics on any input; answers 4xx for bad input.
    pub fn handle(&self, req: MockRequest) -> MockResponse {
        let ctx = &*self.ctx;
        let control = if ctx.root.is_empty() {
            Some(req.path.as_str())
        } else {
            req.path
                .strip_prefix(ctx.root.as_str())
                .filter(|r| r.starts_with('/'))
        };
        if let Some(rest) = control.and_then(|p| p.strip_prefix("/__admin"))
            && (rest.is_empty() || rest.starts_with('/'))
        {
            if let Some(refused) = admin::guard(ctx, &req) {
                return no_store(refused);
            }
            if req.body.len() > ctx.state.max_body_bytes() {
                return no_store(admin::admin_error(413, "request body too large"));
            }
            return no_store(admin::handle(ctx, &req, rest));
        }
        let (resp, vendor) = self.route(&req, control);
        // A body over the limit was refused unread (the transport hands over a stand-in).
        let body = vendor
            .filter(|_| !req.body.is_empty() && req.body.len() <= ctx.state.max_body_bytes())
            .map(|_| String::from_utf8_lossy(&req.body).into_owned());
        let keys = ctx.state.fixture_keys();
        ctx.state.record(LogEntry::new(
            req.method,
            req.path,
            req.query.filter(|_| vendor.is_some()),
            vendor,
            resp.status,
            body,
            &keys,
        ));
        no_store(resp)
    }

    fn route(
        &self,
        req: &MockRequest,
        control: Option<&str>,
    ) -> (MockResponse, Option<MockVendor>) {
        let ctx = &*self.ctx;
        if let Some(rest) = control {
            if rest.starts_with("/__") && req.body.len() > ctx.state.max_body_bytes() {
                return (
                    crate::html::error_page(413, "Payload too large", "The body is too large."),
                    None,
                );
            }
            if rest == "/__provider/authorize" {
                return (flow::provider_authorize(ctx, req), None);
            }
            if rest == "/__provider/token" {
                return (flow::provider_token(ctx, req), None);
            }
            if let Some(v) = rest.strip_prefix("/__vendor/")
                && let Some((slug, tail)) = v.split_once('/')
                && let Some(vendor) =
                    MockVendor::from_slug(slug).filter(|v| ctx.vendors.contains(v))
                && let Some(resp) = vendors::module(vendor).control_route(ctx, req, tail)
            {
                return (resp, None);
            }
        }
        for vendor in ctx.vendors.iter().copied() {
            if let Some(resp) = vendors::module(vendor).public_route(ctx, req) {
                return (resp, None);
            }
        }
        for vendor in ctx.vendors.iter().copied() {
            let prefix = vendor.prefix();
            if let Some(rel) = req.path.strip_prefix(prefix)
                && (rel.is_empty() || rel.starts_with('/'))
            {
                return (vendors::handle(ctx, vendor, req, rel), Some(vendor));
            }
        }
        let resp = if req.method == Method::GET && control == Some("/") {
            self.index()
        } else {
            MockResponse::json(
                404,
                &serde_json::json!({"error": "not found", "path": req.path}),
            )
        };
        (resp, None)
    }

    fn index(&self) -> MockResponse {
        let vendors: serde_json::Map<String, serde_json::Value> = self
            .ctx
            .vendors
            .iter()
            .map(|v| (v.slug().to_owned(), self.base_url(*v).into()))
            .collect();
        MockResponse::json(
            200,
            &serde_json::json!({"service": "social-connect-mock", "vendors": vendors, "admin": self.admin_url()}),
        )
    }
}

/// Nothing the mock answers may be cached: its answers carry states, codes, keys and flow
/// results, and change with every admin call. Every response gets `Cache-Control: no-store`
/// unless it says otherwise.
pub(crate) fn no_store(mut resp: MockResponse) -> MockResponse {
    if !resp.headers.contains_key(http::header::CACHE_CONTROL) {
        resp.headers.insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    resp
}
