//! The shape of a vendor module: the trait every vendor implements, and the error situations
//! every vendor answers in its own shape.

use crate::context::Ctx;
use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::fixture::Fixture;
use crate::flow::{self, FlowOptions, Outcome};
use crate::state::{Flow, Snapshot};

/// A vendor's behaviour. The router and the admin API reach a vendor only through this trait;
/// the shared OAuth engine never calls it (the vendor calls the engine).
pub(crate) trait VendorModule: Sync {
    /// Which vendor this is.
    fn vendor(&self) -> MockVendor;

    /// The vendor's error response for `kind`; by default, the body its spec documents for
    /// the status ([`defaults::error`](super::defaults::error)).
    fn error(&self, ctx: &Ctx, kind: ErrKind, message: &str) -> MockResponse {
        let _ = ctx;
        super::defaults::error(self.vendor(), kind, message)
    }

    /// `POST {prefix}{connect_path}`, after the shared checks and the scenario; by default,
    /// the engine's default rules ([`defaults::connect`](super::defaults::connect)).
    fn connect(
        &self,
        ctx: &Ctx,
        snap: &Snapshot,
        req: &MockRequest,
        opts: FlowOptions,
    ) -> MockResponse {
        super::defaults::connect(ctx, snap, req, opts, self.vendor())
    }

    /// The paths the vendor serves outside its API prefix and the control routes (Ocoya's
    /// start URL), for the route table; [`public_route`](Self::public_route) answers them.
    fn public_paths(&self) -> &'static [&'static str] {
        &[]
    }

    /// A request to one of [`public_paths`](Self::public_paths).
    fn public_route(&self, _ctx: &Ctx, _req: &MockRequest) -> MockResponse {
        MockResponse::error(404, "not found")
    }

    /// `{root}/__vendor/{vendor}/{tail}`: the OAuth callback, and the vendor's own screens
    /// (WoopSocial's page selection); `None` for a tail the vendor does not serve.
    fn control_route(&self, ctx: &Ctx, req: &MockRequest, tail: &str) -> Option<MockResponse> {
        (tail == "callback").then(|| self.callback(ctx, req))
    }

    /// The OAuth callback: the engine consumes the state and exchanges the code, then the
    /// vendor records the account and sends the browser on.
    fn callback(&self, ctx: &Ctx, req: &MockRequest) -> MockResponse {
        let mut a = match flow::authorise(ctx, self.vendor(), req) {
            Ok(a) => a,
            Err(page) => return *page,
        };
        let outcome = match a.failure.take() {
            Some(code) => Outcome::Failed(code),
            None => a.connect(&[]),
        };
        self.finish(&a.d.fixture, &a.flow, outcome, 302)
    }

    /// Where the browser goes at the end of a flow: back to the app's redirect target, with the
    /// outcome's parameters appended where the vendor reports it there (its manifest's
    /// `[redirect_result]`, after any query the target already has); a completion page when the
    /// connect named no target.
    fn finish(
        &self,
        fixture: &Fixture,
        flow: &Flow,
        outcome: Outcome,
        redirect_status: u16,
    ) -> MockResponse {
        let Some(target) = &flow.redirect_target else {
            return flow::completion_page(fixture, flow, outcome);
        };
        let mut url = target.clone();
        if let Some(r) = social_connect_spec::redirect_result(self.vendor().slug()) {
            let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
            let (status, key, value) = match &outcome {
                Outcome::Connected(ids) => {
                    let ids: Vec<String> = ids.iter().map(|i| enc(i)).collect();
                    (r.success, r.accounts, ids.join(","))
                }
                Outcome::Failed(code) => (r.failure, r.error, enc(code)),
            };
            let ours = format!(
                "{}={status}&{}={}&{}={}&{key}={value}",
                r.status,
                r.owner,
                enc(&flow.owner_id),
                r.provider,
                enc(&flow.platform),
            );
            let query = match url.query() {
                Some(existing) if !existing.is_empty() => format!("{existing}&{ours}"),
                _ => ours,
            };
            url.set_query(Some(&query));
        }
        MockResponse::redirect(redirect_status, url.as_str())
    }
}

/// The error situations every vendor has to answer, each in its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    Conflict,
    RateLimited,
    Server(u16),
}

impl ErrKind {
    pub(crate) fn status(self) -> u16 {
        self.status_and_code().0
    }

    /// The code an error body with a place for one carries (the default rules').
    pub(crate) fn code(self) -> &'static str {
        self.status_and_code().1
    }

    fn status_and_code(self) -> (u16, &'static str) {
        match self {
            Self::BadRequest => (400, "invalid_request"),
            Self::Unauthorized => (401, "unauthorized"),
            Self::Forbidden => (403, "forbidden"),
            Self::NotFound => (404, "not_found"),
            Self::MethodNotAllowed => (405, "method_not_allowed"),
            Self::PayloadTooLarge => (413, "payload_too_large"),
            Self::Conflict => (409, "conflict"),
            Self::RateLimited => (429, "rate_limited"),
            Self::Server(s) => (s, "server_error"),
        }
    }
}
