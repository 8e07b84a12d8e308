//! Ocoya — `POST /social-profiles/connection-url?workspaceId=WS` (served under
//! `/ocoya/api/_public/v1`).
//!
//! Auth: `X-API-Key: KEY`. Success: 200 `{"url":…}`, where the URL mirrors the documented
//! `https://app.ocoya.com/api/social-connect/start?provider=instagram&workspaceId=…` on the mock's
//! own origin (`{origin}/ocoya/api/social-connect/start?provider=…&workspaceId=…&state=…`), which
//! 302s to the fake provider.
//!
//! **Error bodies are the mock's choice**: Ocoya documents a 400 ("Unsupported provider") and a
//! 500 without bodies. The mock sends `{"message":"…"}` for every error: 400 for an unsupported
//! provider, a bad body or a missing `workspaceId`; 401 a missing/unknown key; 404 an unknown
//! workspace or one the key cannot access; 405/413 as usual; 429/500/503 only through scenarios.
//!
//! At the end of a flow: a completion page.

use serde_json::json;

use super::{ErrKind, FlowOptions, MockVendor, json_object, key_header, req_str};
use crate::model::{MockRequest, MockResponse};
use crate::oauth::{self, NewFlow};
use crate::service::Ctx;
use crate::state::Snapshot;

/// Ocoya's providers.
pub(crate) const PROVIDERS: [&str; 5] = ["facebook", "instagram", "x", "linkedin", "pinterest"];

pub(crate) fn error(kind: ErrKind, message: &str) -> MockResponse {
    MockResponse::json(kind.status(), &json!({"message": message}))
}

pub(crate) fn connect(
    ctx: &Ctx,
    snap: &Snapshot,
    req: &MockRequest,
    opts: FlowOptions,
) -> MockResponse {
    let Some(key) = key_header(req, "x-api-key").filter(|k| snap.fixture.key_known(k)) else {
        return error(ErrKind::Unauthorized, "Unauthorized");
    };
    let Some(workspace) = req.query_param("workspaceId").filter(|w| !w.is_empty()) else {
        return error(ErrKind::BadRequest, "workspaceId is required");
    };
    let body = match json_object(req) {
        Ok(b) => b,
        Err(m) => return error(ErrKind::BadRequest, &m),
    };
    let provider = match req_str(&body, "provider") {
        Ok(p) if PROVIDERS.contains(&p.as_str()) => p,
        Ok(_) => return error(ErrKind::BadRequest, "Unsupported provider"),
        Err(m) => return error(ErrKind::BadRequest, &m),
    };
    if snap
        .fixture
        .role(MockVendor::Ocoya, &workspace, &key)
        .is_none()
    {
        return error(ErrKind::NotFound, "Workspace not found");
    }
    let minted = oauth::begin(
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
    url.push_str("/ocoya/api/social-connect/start?provider=");
    oauth::push_form_value(&mut url, &provider);
    url.push_str("&workspaceId=");
    oauth::push_form_value(&mut url, &workspace);
    url.push_str("&state=");
    oauth::push_form_value(&mut url, &minted.state);
    MockResponse::json_fields(200, &[("url", &url)])
}
