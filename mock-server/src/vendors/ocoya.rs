//! Ocoya — `POST /social-profiles/connection-url?workspaceId=WS` (served under
//! `/ocoya/api/_public/v1`).
//!
//! Auth: `X-API-Key: KEY`. Success: 200 `{"url":…}`, where the URL mirrors the documented
//! `https://app.ocoya.com/api/social-connect/start?provider=instagram&workspaceId=…` on the mock's
//! own origin (`{origin}/ocoya/api/social-connect/start?provider=…&workspaceId=…&state=…`), which
//! 302s to the fake provider.
//!
//! The request is checked against Ocoya's contract (its spec: `workspaceId`, the `provider`
//! enum) before anything else but the key.
//!
//! **Error bodies are the mock's choice**: Ocoya documents a 400 ("Unsupported provider") and a
//! 500 without bodies. The mock sends `{"message":"…"}` for every error: 400 for a provider its
//! spec does not list (`Unsupported provider`), a bad body or a missing `workspaceId`; 401 a
//! missing/unknown key; 404 an unknown workspace or one the key cannot access; 405/413 as usual;
//! 429/500/503 only through scenarios.
//!
//! At the end of a flow: a completion page.

use http::Method;

use super::api::{ErrKind, VendorModule};
use super::request::{known_key, text, validate};
use crate::context::Ctx;
use crate::contract::ViolationKind;
use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::flow::{self, FlowOptions, NewFlow, STATE_GONE, bad_state};
use crate::html;
use crate::state::Snapshot;
use crate::state::Stage;

/// Ocoya's module.
#[derive(Debug)]
pub(crate) struct Ocoya;

impl VendorModule for Ocoya {
    fn vendor(&self) -> MockVendor {
        MockVendor::Ocoya
    }

    fn public_paths(&self) -> &'static [&'static str] {
        &[START_PATH]
    }

    fn public_route(&self, ctx: &Ctx, req: &MockRequest) -> MockResponse {
        start(ctx, req)
    }

    fn connect(
        &self,
        ctx: &Ctx,
        snap: &Snapshot,
        req: &MockRequest,
        opts: FlowOptions,
    ) -> MockResponse {
        let Some(key) = known_key(MockVendor::Ocoya, snap, req) else {
            return self.error(ctx, ErrKind::Unauthorized, "Unauthorized");
        };
        let body = match validate(MockVendor::Ocoya, req, snap.mode) {
            Ok(b) => b,
            Err(v)
                if v.kind == ViolationKind::Enum
                    && v.field == MockVendor::Ocoya.fields().provider =>
            {
                return self.error(ctx, ErrKind::BadRequest, "Unsupported provider");
            }
            Err(v) => return self.error(ctx, ErrKind::BadRequest, &v.message),
        };
        let fields = MockVendor::Ocoya.fields();
        let workspace = req
            .query_param(fields.owner.unwrap_or_default())
            .unwrap_or_default();
        let provider = text(&body, fields.provider).unwrap_or_default().to_owned();
        if snap
            .fixture
            .role(MockVendor::Ocoya, &workspace, &key)
            .is_none()
        {
            return self.error(ctx, ErrKind::NotFound, "Workspace not found");
        }
        let state = flow::begin_at_own_page(
            ctx,
            snap,
            NewFlow {
                vendor: MockVendor::Ocoya,
                provider: provider.clone(),
                platform: provider.clone(),
                owner_id: workspace.clone(),
                redirect_target: None,
                opts,
            },
        );
        let mut url = String::with_capacity(ctx.origin.len() + 160);
        url.push_str(&ctx.origin);
        url.push_str(START_PATH);
        url.push_str("?provider=");
        flow::push_form_value(&mut url, &provider);
        url.push_str("&workspaceId=");
        flow::push_form_value(&mut url, &workspace);
        url.push_str("&state=");
        flow::push_form_value(&mut url, &state);
        MockResponse::json_fields(MockVendor::Ocoya.contract().success, &[("url", &url)])
    }
}

/// The path of the URL Ocoya's connect returns (on the mock's origin, as Ocoya's is on its app).
const START_PATH: &str = "/ocoya/api/social-connect/start";

/// `GET /ocoya/api/social-connect/start?provider=…&workspaceId=…&state=…`.
fn start(ctx: &Ctx, req: &MockRequest) -> MockResponse {
    if req.method != Method::GET {
        return html::method_not_allowed("GET");
    }
    let Some(state) = req.query_param("state") else {
        return bad_state("The link has no state.");
    };
    let now = ctx.state.now();
    let d = ctx.state.lock();
    let Some(flow) = d.flows.get(&state) else {
        return bad_state(STATE_GONE);
    };
    let ok = flow.vendor == MockVendor::Ocoya
        && matches!(flow.stage, Stage::AwaitingConsent)
        && flow.expires_at > now
        && req.query_param("provider").as_deref() == Some(flow.provider.as_str())
        && req.query_param("workspaceId").as_deref() == Some(flow.owner_id.as_str());
    if !ok {
        return bad_state(STATE_GONE);
    }
    let extra: Vec<(String, String)> = req
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| k == "decision" || k == "pages")
        .collect();
    MockResponse::redirect(302, &flow::authorize_url(ctx, flow, &extra))
}
