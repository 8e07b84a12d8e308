//! Postbreeze — `POST /social-accounts/connect` (served under `/postbreeze/api/v1`).
//!
//! Auth: `Authorization: Bearer KEY`. The request is checked against Postbreeze's contract (its
//! spec: `workspaceId`, the `platform` enum) before anything else but the key. Success: 201 `{"authorizeUrl":…,"state":…}`; the URL is
//! single-use and lives as long as the state (the TTL). Errors:
//! - 400 `{"statusCode":400,"code":"VALIDATION_FAILED","message":…,"requestId":…}`;
//! - 401 `{"statusCode":401,"message":"Unauthorized","requestId":…}`;
//! - 403 `{"statusCode":403,"code":"FORBIDDEN",…}` for a workspace the key cannot access or a
//!   member who is not owner/admin;
//! - 409 `{"statusCode":409,"code":"CHANNEL_ALREADY_CONNECTED",…}` when the workspace already has
//!   an account for that platform (fixture or completed flow);
//! - the mock's 404/405/413/429/5xx use the 400 shape with codes `NOT_FOUND`, `METHOD_NOT_ALLOWED`,
//!   `PAYLOAD_TOO_LARGE`, `TOO_MANY_REQUESTS`, `INTERNAL_SERVER_ERROR`.
//!
//! At the end of a flow: a completion page.

use serde_json::json;

use super::api::{ErrKind, VendorModule};
use super::request::{known_key, text, validate};
use crate::context::Ctx;
use crate::core::random_id;
use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::fixture::Role;
use crate::flow::{self, FlowOptions, NewFlow};
use crate::state::Snapshot;

/// Postbreeze's module.
#[derive(Debug)]
pub(crate) struct Postbreeze;

impl VendorModule for Postbreeze {
    fn vendor(&self) -> MockVendor {
        MockVendor::Postbreeze
    }

    fn error(&self, _ctx: &Ctx, kind: ErrKind, message: &str) -> MockResponse {
        error(kind, message)
    }

    fn connect(
        &self,
        ctx: &Ctx,
        snap: &Snapshot,
        req: &MockRequest,
        opts: FlowOptions,
    ) -> MockResponse {
        let Some(key) = known_key(MockVendor::Postbreeze, snap, req) else {
            return error(ErrKind::Unauthorized, "Unauthorized");
        };
        let body = match validate(MockVendor::Postbreeze, req, snap.mode) {
            Ok(b) => b,
            Err(v) => return error(ErrKind::BadRequest, &v.message),
        };
        let fields = MockVendor::Postbreeze.fields();
        let workspace = text(&body, fields.owner.unwrap_or_default())
            .unwrap_or_default()
            .to_owned();
        let platform = text(&body, fields.provider).unwrap_or_default().to_owned();
        match snap.fixture.role(MockVendor::Postbreeze, &workspace, &key) {
            None => {
                return error(
                    ErrKind::Forbidden,
                    "This API key cannot access the requested workspace",
                );
            }
            Some(Role::Member) => {
                return error(
                    ErrKind::Forbidden,
                    "Only workspace owners and admins can connect accounts",
                );
            }
            Some(Role::Owner | Role::Admin) => {}
        }
        let taken = ctx
            .state
            .lock()
            .has_account(self.vendor(), &workspace, &platform);
        if taken {
            return error(
                ErrKind::Conflict,
                &format!("This workspace already has a {platform} account connected"),
            );
        }
        let minted = flow::begin(
            ctx,
            snap,
            NewFlow {
                vendor: MockVendor::Postbreeze,
                provider: platform.to_ascii_lowercase(),
                platform,
                owner_id: workspace,
                redirect_target: None,
                opts,
            },
        );
        MockResponse::json_fields(
            MockVendor::Postbreeze.contract().success,
            &[
                ("authorizeUrl", &minted.authorization_url),
                ("state", minted.state.as_str()),
            ],
        )
    }
}

pub(crate) fn error(kind: ErrKind, message: &str) -> MockResponse {
    let request_id = format!("req_{}", random_id());
    if kind == ErrKind::Unauthorized {
        return MockResponse::json(
            401,
            &json!({"statusCode": 401, "message": "Unauthorized", "requestId": request_id}),
        );
    }
    let code = match kind {
        ErrKind::BadRequest => "VALIDATION_FAILED",
        ErrKind::Unauthorized => "UNAUTHORIZED",
        ErrKind::Forbidden => "FORBIDDEN",
        ErrKind::NotFound => "NOT_FOUND",
        ErrKind::MethodNotAllowed => "METHOD_NOT_ALLOWED",
        ErrKind::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
        ErrKind::Conflict => "CHANNEL_ALREADY_CONNECTED",
        ErrKind::RateLimited => "TOO_MANY_REQUESTS",
        ErrKind::Server(_) => "INTERNAL_SERVER_ERROR",
    };
    MockResponse::json(
        kind.status(),
        &json!({"statusCode": kind.status(), "code": code, "message": message, "requestId": request_id}),
    )
}
