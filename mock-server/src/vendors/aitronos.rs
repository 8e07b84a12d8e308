//! Aitronos — `POST /personal-connectors/authorize?organization_id=ORG` (served under
//! `/aitronos/v1`).
//!
//! Auth: `X-API-Key: KEY`. The request is checked against Aitronos's contract (its authored
//! spec: `organization_id`, `connector_type`, `integration_params`) before anything else but the
//! key. Success: 200 `{"authorization_url":…,"state":…}`. Errors use the
//! documented envelope `{"success":false,"error":{"code","message","system_message","type",
//! "status","trace_id","timestamp","details":{}}}`:
//! - 401 `AUTHENTICATION_REQUIRED` / `authentication_error`;
//! - 403 `INSUFFICIENT_PERMISSIONS` / `authorization_error` (unknown organization, or one the key
//!   is not a member of);
//! - **422 `VALIDATION_ERROR` / `validation_error` is the mock's choice** (Aitronos documents no
//!   validation error): what breaks the contract (missing `organization_id`, bad JSON, missing
//!   `connector_type`, non-object `integration_params`), and a `connector_type` outside the
//!   project's connector rule (`social_connect_spec::is_connector_slug`);
//! - the mock's 404/405/413/429/5xx: `NOT_FOUND`, `METHOD_NOT_ALLOWED`, `PAYLOAD_TOO_LARGE`
//!   (type `invalid_request_error`), `RATE_LIMIT_EXCEEDED` (`rate_limit_error`),
//!   `INTERNAL_ERROR` (`server_error`).
//!
//! At the end of a flow: a completion page.

use serde_json::json;

use super::api::{ErrKind, VendorModule};
use super::request::{known_key, text, validate};
use crate::context::Ctx;
use crate::core::{MockRequest, MockResponse, MockVendor, random_id, rfc3339};
use crate::flow::{self, FlowOptions, NewFlow};
use crate::state::Snapshot;

/// Aitronos's module.
#[derive(Debug)]
pub(crate) struct Aitronos;

impl VendorModule for Aitronos {
    fn vendor(&self) -> MockVendor {
        MockVendor::Aitronos
    }

    fn error(&self, ctx: &Ctx, kind: ErrKind, message: &str) -> MockResponse {
        error(ctx, kind, message)
    }

    fn connect(
        &self,
        ctx: &Ctx,
        snap: &Snapshot,
        req: &MockRequest,
        opts: FlowOptions,
    ) -> MockResponse {
        let Some(key) = known_key(MockVendor::Aitronos, snap, req) else {
            return error(
                ctx,
                ErrKind::Unauthorized,
                "Authentication required. Please provide a valid API key.",
            );
        };
        let body = match validate(MockVendor::Aitronos, req, snap.mode) {
            Ok(b) => b,
            Err(v) => return error(ctx, ErrKind::BadRequest, &v.message),
        };
        let fields = MockVendor::Aitronos.fields();
        let org = req
            .query_param(fields.owner.unwrap_or_default())
            .unwrap_or_default();
        let connector = text(&body, fields.provider).unwrap_or_default().to_owned();
        if !social_connect_spec::is_connector_slug(&connector) {
            return error(
                ctx,
                ErrKind::BadRequest,
                "connector_type must be a connector slug (1-64 letters, digits, _, - and .)",
            );
        }
        if snap
            .fixture
            .role(MockVendor::Aitronos, &org, &key)
            .is_none()
        {
            return error(
                ctx,
                ErrKind::Forbidden,
                "You do not have permission to access this resource.",
            );
        }
        let minted = flow::begin(
            ctx,
            snap,
            NewFlow {
                vendor: MockVendor::Aitronos,
                provider: connector.clone(),
                platform: connector,
                owner_id: org,
                redirect_target: None,
                opts,
            },
        );
        MockResponse::json_fields(
            MockVendor::Aitronos.contract().success,
            &[
                ("authorization_url", &minted.authorization_url),
                ("state", minted.state.as_str()),
            ],
        )
    }
}

pub(crate) fn error(ctx: &Ctx, kind: ErrKind, message: &str) -> MockResponse {
    let (status, code, ty, system) = match kind {
        ErrKind::BadRequest => (
            422,
            "VALIDATION_ERROR",
            "validation_error",
            "Request validation failed",
        ),
        ErrKind::Unauthorized => (
            401,
            "AUTHENTICATION_REQUIRED",
            "authentication_error",
            "Missing or invalid authorization header",
        ),
        ErrKind::Forbidden => (
            403,
            "INSUFFICIENT_PERMISSIONS",
            "authorization_error",
            "Insufficient permissions for this operation",
        ),
        ErrKind::NotFound => (404, "NOT_FOUND", "invalid_request_error", "Route not found"),
        ErrKind::MethodNotAllowed => (
            405,
            "METHOD_NOT_ALLOWED",
            "invalid_request_error",
            "Method not allowed for this route",
        ),
        ErrKind::PayloadTooLarge => (
            413,
            "PAYLOAD_TOO_LARGE",
            "invalid_request_error",
            "Request body too large",
        ),
        ErrKind::Conflict => (409, "CONFLICT", "invalid_request_error", "Conflict"),
        ErrKind::RateLimited => (
            429,
            "RATE_LIMIT_EXCEEDED",
            "rate_limit_error",
            "Rate limit exceeded",
        ),
        ErrKind::Server(s) => (
            s,
            "INTERNAL_ERROR",
            "server_error",
            "Unexpected server error",
        ),
    };
    MockResponse::json(
        status,
        &json!({"success": false, "error": {
            "code": code,
            "message": message,
            "system_message": system,
            "type": ty,
            "status": status,
            "trace_id": format!("req_{}", random_id()),
            "timestamp": rfc3339(ctx.state.now()),
            "details": {},
        }}),
    )
}
