//! WoopSocial — `POST /social-accounts/authorization-url` (served under `/woopsocial/v1`).
//!
//! Auth: `Authorization: Bearer KEY`. Success: 200 `{"url":…}`. The request schema has
//! `additionalProperties: false`, so unknown fields are a 400 (ignored in lax mode).
//!
//! **Error bodies are the mock's choice**: WoopSocial documents none. Every error is
//! `{"error":{"code":"…","message":"…"}}` with codes `VALIDATION_ERROR` (400), `UNAUTHORIZED`
//! (401), `PROJECT_NOT_FOUND` (404: an unknown project, or one the key is not a member of — the
//! mock does not reveal which), `NOT_FOUND` (404, other paths), `METHOD_NOT_ALLOWED` (405),
//! `PAYLOAD_TOO_LARGE` (413), `RATE_LIMITED` (429), `INTERNAL_ERROR` (5xx).
//!
//! At the end of a flow with `redirectUrl` the browser goes there with exactly
//! `status=success&projectId=…&platform=…&socialAccountIds=a,b` or
//! `status=error&projectId=…&platform=…&error=CODE` appended (after any query it already has);
//! without `redirectUrl`, a completion page. FACEBOOK shows a page-selection screen first.

use serde_json::json;

use super::{
    ErrKind, FlowOptions, MockVendor, bearer, check_redirect_target, json_object, opt_str, req_str,
};
use crate::model::{MockRequest, MockResponse};
use crate::oauth::{self, NewFlow};
use crate::service::Ctx;
use crate::state::Mode;
use crate::state::Snapshot;

/// WoopSocial's `SocialPlatform` enum.
pub(crate) const PLATFORMS: [&str; 10] = [
    "PINTEREST",
    "LINKEDIN",
    "LINKEDIN_PAGES",
    "INSTAGRAM",
    "FACEBOOK",
    "THREADS",
    "TIKTOK",
    "X",
    "YOUTUBE",
    "WOOPTEST",
];

pub(crate) fn error(kind: ErrKind, message: &str) -> MockResponse {
    let code = match kind {
        ErrKind::BadRequest => "VALIDATION_ERROR",
        ErrKind::Unauthorized => "UNAUTHORIZED",
        ErrKind::Forbidden => "FORBIDDEN",
        ErrKind::NotFound => "NOT_FOUND",
        ErrKind::MethodNotAllowed => "METHOD_NOT_ALLOWED",
        ErrKind::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
        ErrKind::Conflict => "CONFLICT",
        ErrKind::RateLimited => "RATE_LIMITED",
        ErrKind::Server(_) => "INTERNAL_ERROR",
    };
    MockResponse::json(
        kind.status(),
        &json!({"error": {"code": code, "message": message}}),
    )
}

pub(crate) fn connect(
    ctx: &Ctx,
    snap: &Snapshot,
    req: &MockRequest,
    opts: FlowOptions,
) -> MockResponse {
    let Some(key) = bearer(req).filter(|k| snap.fixture.key_known(k)) else {
        return error(ErrKind::Unauthorized, "Missing or invalid API key");
    };
    let body = match json_object(req) {
        Ok(b) => b,
        Err(m) => return error(ErrKind::BadRequest, &m),
    };
    if snap.mode == Mode::Strict
        && let Some(extra) = body
            .keys()
            .find(|k| !["projectId", "platform", "redirectUrl"].contains(&k.as_str()))
    {
        return error(ErrKind::BadRequest, &format!("Unknown property {extra:?}"));
    }
    let project = match req_str(&body, "projectId") {
        Ok(p) => p,
        Err(m) => return error(ErrKind::BadRequest, &m),
    };
    let platform = match req_str(&body, "platform") {
        Ok(p) if PLATFORMS.contains(&p.as_str()) => p,
        Ok(p) => {
            return error(
                ErrKind::BadRequest,
                &format!("platform {p:?} is not one of {}", PLATFORMS.join(", ")),
            );
        }
        Err(m) => return error(ErrKind::BadRequest, &m),
    };
    let redirect = match opt_str(&body, "redirectUrl") {
        Err(m) => return error(ErrKind::BadRequest, &m),
        Ok(None) => None,
        Ok(Some(raw)) => match check_redirect_target(&raw, snap.mode) {
            Ok(u) => Some(u),
            Err(m) => return error(ErrKind::BadRequest, &format!("redirectUrl: {m}")),
        },
    };
    if snap
        .fixture
        .role(MockVendor::WoopSocial, &project, &key)
        .is_none()
    {
        return MockResponse::json(
            404,
            &json!({"error": {"code": "PROJECT_NOT_FOUND", "message": format!("Project {project} not found")}}),
        );
    }
    let minted = oauth::begin(
        ctx,
        snap,
        NewFlow {
            vendor: MockVendor::WoopSocial,
            provider: platform.to_ascii_lowercase(),
            platform,
            owner_id: project,
            redirect_target: redirect,
            opts,
        },
    );
    MockResponse::json_fields(200, &[("url", &minted.authorization_url)])
}
