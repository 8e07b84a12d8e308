//! The transport-free engine: one request in, one response out. Both adapters (wiremock and the
//! standalone hyper server) call [`MockService::handle`] and nothing else.

use std::sync::{Arc, OnceLock};

use http::Method;

use crate::admin;
use crate::context::Ctx;
use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::flow;
use crate::routes::{Route, Routes};
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
    /// Who answers each path, built once with the service.
    routes: Arc<Routes>,
    /// The route table of the tenants of this service, shared by all of them.
    tenant_routes: Arc<OnceLock<Arc<Routes>>>,
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
            false,
        )
    }

    /// A service on `origin` serving `vendors`, its control routes under `root`; with the
    /// tenants' routes (which [`crate::tenants::Tenants`] answers) when `tenants` is set.
    pub(crate) fn from_parts(
        origin: String,
        root: String,
        vendors: Vec<MockVendor>,
        state: MockState,
        tenants: bool,
    ) -> Self {
        let routes = Arc::new(route_table(&root, &vendors, tenants));
        Self::with_routes(Ctx::new(origin, root, vendors, state), routes)
    }

    fn with_routes(ctx: Ctx, routes: Arc<Routes>) -> Self {
        Self {
            ctx: Arc::new(ctx),
            routes,
            tenant_routes: Arc::default(),
        }
    }

    /// A tenant of this service (the standalone server's default): every vendor, on `origin`,
    /// with `state`. All tenants share one route table (the service's own, less the tenants'
    /// routes), built when the first is made.
    pub(crate) fn tenant(&self, origin: String, state: MockState) -> MockService {
        let all = MockVendor::ALL.to_vec();
        let routes = self
            .tenant_routes
            .get_or_init(|| Arc::new(route_table("", &all, false)))
            .clone();
        Self::with_routes(Ctx::new(origin, String::new(), all, state), routes)
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
        let route = self.route(&req.path);
        self.handle_routed(req, route)
    }

    /// Who answers `path` (a tenant's path only on the standalone server's default service).
    pub(crate) fn route(&self, path: &str) -> Option<Route> {
        self.routes.find(path)
    }

    /// Handles a request [`route`](Self::route) has routed. A body over the limit is refused
    /// here, once, by whoever answers the route, in its own shape.
    pub(crate) fn handle_routed(&self, req: MockRequest, route: Option<Route>) -> MockResponse {
        let ctx = &*self.ctx;
        let too_large = req.body_too_large || req.body.len() > ctx.state.max_body_bytes();
        if let Some(Route::Admin(op)) = route {
            if let Some(refused) = admin::guard(ctx, &req) {
                return no_store(refused);
            }
            if too_large {
                return no_store(MockResponse::error(413, "request body too large"));
            }
            return no_store(admin::handle(ctx, &req, op));
        }
        let vendor = match route {
            Some(Route::Api(vendor)) => Some(vendor),
            _ => None,
        };
        let resp = self.answer(&req, route, too_large);
        let body = vendor
            .filter(|_| !req.body.is_empty() && !too_large)
            .map(|_| match std::str::from_utf8(&req.body) {
                // The common case, without `from_utf8_lossy`'s chunked scan.
                Ok(text) => text.to_owned(),
                Err(_) => String::from_utf8_lossy(&req.body).into_owned(),
            });
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

    /// The answer to a request that is not the admin API's.
    fn answer(&self, req: &MockRequest, route: Option<Route>, too_large: bool) -> MockResponse {
        let ctx = &*self.ctx;
        // The control routes (`{root}/__…`) answer a body over the limit with a page.
        if too_large
            && req
                .path
                .strip_prefix(ctx.root.as_str())
                .is_some_and(|rest| rest.starts_with("/__"))
        {
            return crate::html::error_page(413, "Payload too large", "The body is too large.");
        }
        let not_found = || {
            MockResponse::json(
                404,
                &serde_json::json!({"error": "not found", "path": req.path}),
            )
        };
        match route {
            Some(Route::Api(vendor)) => vendors::handle(ctx, vendor, req, too_large),
            Some(Route::Authorize) => flow::provider_authorize(ctx, req),
            Some(Route::Token) => flow::provider_token(ctx, req),
            Some(Route::VendorControl) => {
                let rest = req
                    .path
                    .get(ctx.root.len() + "/__vendor/".len()..)
                    .unwrap_or_default();
                rest.split_once('/')
                    .and_then(|(slug, tail)| {
                        let vendor =
                            MockVendor::from_slug(slug).filter(|v| ctx.vendors.contains(v))?;
                        vendors::module(vendor).control_route(ctx, req, tail)
                    })
                    .unwrap_or_else(not_found)
            }
            Some(Route::VendorPublic(vendor)) => vendors::module(vendor).public_route(ctx, req),
            Some(Route::Index) if req.method == Method::GET => self.index(),
            // The tenants' routes are answered before the service (`Tenants::handle`).
            Some(Route::Index | Route::Tenant | Route::TenantList | Route::Admin(_)) | None => {
                not_found()
            }
        }
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

/// The route table of a service with its control routes under `root`, serving `vendors` (and
/// the paths their modules serve outside their APIs).
fn route_table(root: &str, vendors: &[MockVendor], tenants: bool) -> Routes {
    Routes::new(
        root,
        vendors,
        |v| vendors::module(v).public_paths(),
        tenants,
    )
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
