//! Recoup — `POST /api/connectors` (served under `/recoup`).
//!
//! Auth: `x-api-key: KEY` or `Authorization: Bearer KEY`. Success: 200
//! `{"success":true,"data":{"connector":slug,"redirectUrl":url}}`. Errors (documented shape):
//! `{"error":<int status>,"message":"…"}` — 401 missing/unknown key; 400 missing or wrong-typed
//! `connector` (slugs: `^[a-z0-9][a-z0-9_-]{0,63}$`), non-uuid `account_id`, non-URI or refused
//! `callback_url`, malformed JSON, wrong content type; 403 an `account_id` the key cannot access.
//! The same shape for the mock's 404/405/413/429/5xx.
//!
//! At the end of a flow the browser goes to `callback_url` unchanged (Recoup documents no result
//! parameters), or to a completion page without one.

use serde_json::json;

use super::{
    ErrKind, FlowOptions, MockVendor, bearer, check_redirect_target, is_slug, json_object,
    key_header, opt_str,
};
use crate::model::{MockRequest, MockResponse, push_json_str};
use crate::oauth::{self, NewFlow};
use crate::service::Ctx;
use crate::state::Snapshot;

pub(crate) fn error(kind: ErrKind, message: &str) -> MockResponse {
    MockResponse::json(
        kind.status(),
        &json!({"error": kind.status(), "message": message}),
    )
}

pub(crate) fn connect(
    ctx: &Ctx,
    snap: &Snapshot,
    req: &MockRequest,
    opts: FlowOptions,
) -> MockResponse {
    let key = key_header(req, "x-api-key").or_else(|| bearer(req));
    let Some(key) = key.filter(|k| snap.fixture.key_known(k)) else {
        return error(
            ErrKind::Unauthorized,
            "Unauthorized: missing or invalid API key",
        );
    };
    let body = match json_object(req) {
        Ok(b) => b,
        Err(m) => return error(ErrKind::BadRequest, &m),
    };
    let connector = match body.get("connector") {
        Some(serde_json::Value::String(s)) if is_slug(s) => s.clone(),
        Some(serde_json::Value::String(_)) => {
            return error(
                ErrKind::BadRequest,
                "connector must be a connector slug (lower-case letters, digits, _ and -)",
            );
        }
        Some(_) => return error(ErrKind::BadRequest, "connector must be a string"),
        None => return error(ErrKind::BadRequest, "connector is required"),
    };
    let callback = match opt_str(&body, "callback_url") {
        Err(m) => return error(ErrKind::BadRequest, &m),
        Ok(None) => None,
        Ok(Some(raw)) => match check_redirect_target(&raw, snap.mode) {
            Ok(u) => Some(u),
            Err(m) => return error(ErrKind::BadRequest, &format!("callback_url: {m}")),
        },
    };
    let account_id = match opt_str(&body, "account_id") {
        Err(m) => return error(ErrKind::BadRequest, &m),
        Ok(Some(raw)) => match uuid::Uuid::parse_str(&raw) {
            Ok(u) => Some(u.hyphenated().to_string()),
            Err(_) => return error(ErrKind::BadRequest, "account_id must be a UUID"),
        },
        Ok(None) => None,
    };
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
    let minted = oauth::begin(
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
    MockResponse::json_bytes(200, body)
}
