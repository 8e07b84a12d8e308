//! Recoup — `POST /api/connectors` (served under `/recoup`).
//!
//! Auth: `x-api-key: KEY` or `Authorization: Bearer KEY`. Success: 200
//! `{"success":true,"data":{"connector":slug,"redirectUrl":url}}`. Errors (documented shape):
//! `{"error":<int status>,"message":"…"}` — 401 missing/unknown key; 400 what breaks Recoup's
//! contract (its spec: `connector` required, `account_id` a uuid, `callback_url` a URI; malformed
//! JSON, wrong content type), a `connector` outside the project's connector rule
//! (`social_connect_spec::is_connector_slug`: the documented "invalid connector"), or a refused `callback_url`;
//! 403 an `account_id` the key cannot access.
//! The same shape for the mock's 404/405/413/429/5xx.
//!
//! At the end of a flow the browser goes to `callback_url` unchanged (Recoup documents no result
//! parameters), or to a completion page without one.

use serde_json::json;

use super::api::{ErrKind, VendorModule};
use super::request::{check_redirect_target, known_key, text, validate};
use crate::context::Ctx;
use crate::core::model::push_json_str;
use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::flow::{self, FlowOptions, NewFlow};
use crate::state::Snapshot;

/// Recoup's module.
#[derive(Debug)]
pub(crate) struct Recoup;

impl VendorModule for Recoup {
    fn vendor(&self) -> MockVendor {
        MockVendor::Recoup
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
        let Some(key) = known_key(MockVendor::Recoup, snap, req) else {
            return error(
                ErrKind::Unauthorized,
                "Unauthorized: missing or invalid API key",
            );
        };
        let body = match validate(MockVendor::Recoup, req, snap.mode) {
            Ok(b) => b,
            Err(v) => return error(ErrKind::BadRequest, &v.message),
        };
        let fields = MockVendor::Recoup.fields();
        let connector = text(&body, fields.provider).unwrap_or_default().to_owned();
        if !social_connect_spec::is_connector_slug(&connector) {
            return error(
                ErrKind::BadRequest,
                "Invalid connector: a connector slug is 1-64 letters, digits, _, - and .",
            );
        }
        let redirect = fields.redirect.unwrap_or_default();
        let callback = match text(&body, redirect) {
            None => None,
            Some(raw) => match check_redirect_target(raw, snap.mode) {
                Ok(u) => Some(u),
                Err(m) => return error(ErrKind::BadRequest, &format!("{redirect}: {m}")),
            },
        };
        // The contract checked the uuid; the mock keys accounts by its hyphenated form.
        let account_id = text(&body, fields.owner.unwrap_or_default())
            .and_then(|raw| uuid::Uuid::parse_str(raw).ok())
            .map(|u| u.hyphenated().to_string());
        let own = snap
            .fixture
            .api_keys
            .iter()
            .find(|k| k.key == key)
            .and_then(|k| k.recoup_account_id.clone());
        let Some(account) = account_id.or(own) else {
            return error(
                ErrKind::Forbidden,
                "Forbidden: this API key has no own account",
            );
        };
        if snap
            .fixture
            .role(MockVendor::Recoup, &account, &key)
            .is_none()
        {
            return error(
                ErrKind::Forbidden,
                &format!("Forbidden: no access to account {account}"),
            );
        }
        let minted = flow::begin(
            ctx,
            snap,
            NewFlow {
                vendor: MockVendor::Recoup,
                provider: connector.clone(),
                platform: connector.clone(),
                owner_id: account,
                redirect_target: callback,
                opts,
            },
        );
        // `{"data":{"connector","redirectUrl"},"success":true}`, keys in the order `json!` sorts them.
        let mut body = Vec::with_capacity(80 + connector.len() + minted.authorization_url.len());
        body.extend_from_slice(b"{\"data\":{\"connector\":");
        push_json_str(&mut body, &connector);
        body.extend_from_slice(b",\"redirectUrl\":");
        push_json_str(&mut body, &minted.authorization_url);
        body.extend_from_slice(b"},\"success\":true}");
        MockResponse::json_bytes(MockVendor::Recoup.contract().success, body)
    }
}

pub(crate) fn error(kind: ErrKind, message: &str) -> MockResponse {
    MockResponse::json(
        kind.status(),
        &json!({"error": kind.status(), "message": message}),
    )
}
