//! The fake provider: the consent page, authorization codes bound to the PKCE challenge and the
//! redirect URI, and the token endpoint.

use http::Method;
use time::OffsetDateTime;

use super::shared::{STATE_GONE, bad_state, form_pairs, get, subject};
use crate::context::Ctx;
use crate::core::ProviderFault;
use crate::core::clock::expiry;
use crate::core::token::pkce_s256;
use crate::core::{MockRequest, MockResponse, random_id, random_token};
use crate::fixture::Fixture;
use crate::html::{self, esc, hidden};
use crate::state::{AutoPages, Data, Flow, IssuedCode, MAX_PAGES_PARAM, Stage};

/// `GET|POST {root}/__provider/authorize`. A flow with a `slow_consent` fault gets every answer
/// late.
pub(crate) fn provider_authorize(ctx: &Ctx, req: &MockRequest) -> MockResponse {
    let mut slow = None;
    let mut resp = answer(ctx, req, &mut slow);
    if slow.is_some() {
        resp.delay = slow;
    }
    resp
}

/// What the authorization endpoint answers; sets `slow` for a flow with a `slow_consent` fault.
fn answer(ctx: &Ctx, req: &MockRequest, slow: &mut Option<std::time::Duration>) -> MockResponse {
    let (params, from_form) = match req.method {
        Method::GET => (req.query_pairs(), false),
        Method::POST => (form_pairs(req), true),
        _ => {
            return html::error_page(405, "Method not allowed", "Use GET or POST.")
                .header("allow", "GET, POST");
        }
    };
    let Some(state) = get(&params, "state") else {
        return bad_state("The request has no state.");
    };
    let now = ctx.state.now();
    let mut d = ctx.state.lock();
    let Some(flow) = d.flows.get(state) else {
        return bad_state(STATE_GONE);
    };
    if flow.expires_at <= now {
        d.flows.remove(state);
        return bad_state(STATE_GONE);
    }
    if !matches!(flow.stage, Stage::AwaitingConsent) {
        return bad_state("This authorization request has already been answered.");
    }
    if let Some(ProviderFault::Slow(delay)) = flow.fault {
        *slow = Some(delay);
    }
    let client_ok = get(&params, "client_id") == Some(flow.vendor.slug());
    let redirect_ok = get(&params, "redirect_uri") == Some(ctx.callback_uri(flow.vendor));
    let pkce_ok = get(&params, "code_challenge") == Some(flow.challenge.as_str())
        && get(&params, "code_challenge_method") == Some("S256");
    if !client_ok || !redirect_ok || !pkce_ok {
        return html::error_page(
            400,
            "Invalid authorization request",
            "client_id, redirect_uri or the PKCE challenge do not match this authorization request.",
        );
    }
    // RFC 6749 §4.1.1: `response_type` must be `code`. With the client and its redirect URI
    // checked above, §4.1.2.1 answers a wrong one by redirecting back with an error.
    let refused = match get(&params, "response_type") {
        Some("code") => None,
        None => Some(("invalid_request", "response_type is required")),
        Some(_) => Some((
            "unsupported_response_type",
            "this server supports only response_type=code",
        )),
    };
    if let Some((code, description)) = refused {
        let (redirect_uri, state_owned) = (ctx.callback_uri(flow.vendor), state.to_owned());
        if let Some(flow) = d.flows.get_mut(&state_owned) {
            flow.stage = Stage::AwaitingCallback;
        }
        let mut location = url::form_urlencoded::Serializer::new(String::new());
        location
            .append_pair("error", code)
            .append_pair("error_description", description)
            .append_pair("state", &state_owned);
        let status = if from_form { 303 } else { 302 };
        return MockResponse::redirect(status, &format!("{redirect_uri}?{}", location.finish()));
    }
    let decision = get(&params, "decision");
    let Some(decision) = decision else {
        if from_form {
            return html::error_page(400, "Invalid authorization request", "No decision.");
        }
        let page = consent_page(ctx, &d.fixture, flow, &params);
        return MockResponse::html_form(200, page, flow.redirect_target.as_ref());
    };
    let approve = match decision {
        "approve" => true,
        "deny" => false,
        _ => {
            return html::error_page(
                400,
                "Invalid authorization request",
                "decision must be approve or deny.",
            );
        }
    };
    let auto_pages = if from_form {
        None
    } else {
        Some(match get(&params, "pages") {
            None => AutoPages::First,
            Some(p) if p.len() <= MAX_PAGES_PARAM => AutoPages::Chosen(p.to_owned()),
            Some(_) => AutoPages::Chosen(String::new()),
        })
    };
    let (redirect_uri, challenge, deny, vendor, fault) = (
        ctx.callback_uri(flow.vendor),
        flow.challenge,
        flow.deny,
        flow.vendor,
        flow.fault.clone(),
    );
    let state_owned = state.to_owned();
    let mut location = url::form_urlencoded::Serializer::new(String::new());
    if let Some(ProviderFault::Error(error, description)) = &fault {
        location.append_pair("error", error.as_str());
        if let Some(d) = description {
            location.append_pair("error_description", d);
        }
    } else if approve && !deny {
        let code = random_token();
        let seq = d.next();
        d.codes.insert(
            code,
            IssuedCode {
                client_id: vendor.slug().to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                challenge,
                expires_at: expiry(now, std::time::Duration::from_secs(60)),
                seq,
                refused: fault == Some(ProviderFault::ExchangeFails),
            },
            now,
        );
        location.append_pair("code", &code);
    } else {
        location
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The user denied the request");
    }
    // The `wrong_state` scenario: the provider sends back a state it was never given.
    let returned = if fault == Some(ProviderFault::WrongState) {
        random_token().to_string()
    } else {
        state_owned.clone()
    };
    location.append_pair("state", &returned);
    if let Some(flow) = d.flows.get_mut(&state_owned) {
        flow.stage = Stage::AwaitingCallback;
        flow.auto_pages = auto_pages;
    }
    let status = if from_form { 303 } else { 302 };
    MockResponse::redirect(status, &format!("{redirect_uri}?{}", location.finish()))
}

fn consent_page(ctx: &Ctx, fixture: &Fixture, flow: &Flow, params: &[(String, String)]) -> String {
    let mut fields = String::new();
    for name in [
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge",
        "code_challenge_method",
        "provider",
    ] {
        if let Some(v) = get(params, name) {
            fields.push_str(&hidden(name, v));
        }
    }
    let s = subject(fixture, flow);
    let body = format!(
        "<p class=\"badge\">Fake {provider} · sign-in</p>\
<h1 id=\"title\">Connect your {provider} account to {vendor}</h1>\
<p><strong>{vendor}</strong> would like to access your <strong>{provider}</strong> account and \
connect it to the {kind} {owner}.</p>{facts}\
<p>If you approve, {vendor} will be able to:</p><ul class=\"scopes\">\
<li>see your {provider} profile</li><li>publish and read posts for you</li></ul>\
<form method=\"post\" action=\"{root}/__provider/authorize\">{fields}\
<div class=\"actions\">\
<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"primary\">Approve</button>\
<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button>\
</div></form>\
<p class=\"hint\">This is a fake provider: no real {provider} account is involved. Either choice \
sends you back to {vendor}.</p>",
        vendor = esc(s.vendor),
        provider = esc(&s.provider),
        kind = esc(&s.owner_kind_lower()),
        owner = s.owner_inline(),
        facts = s.facts(),
        root = esc(&ctx.base_path),
    );
    html::page(
        &format!("Connect your {} account to {}", s.provider, s.vendor),
        &body,
    )
}

/// Why a code exchange failed (an RFC 6749 §5.2 error code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenError {
    pub(crate) code: &'static str,
    pub(crate) description: &'static str,
}

/// The fake provider's code exchange, shared by the token endpoint and the vendor callbacks.
/// Codes are single-use: removed before anything is checked.
pub(crate) fn exchange_code(
    d: &mut Data,
    now: OffsetDateTime,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<String, TokenError> {
    let grant = |description| TokenError {
        code: "invalid_grant",
        description,
    };
    let issued = d
        .codes
        .remove(code)
        .ok_or_else(|| grant("unknown or already used authorization code"))?;
    if issued.refused {
        return Err(grant(
            "the provider refused this code (the exchange_fails scenario)",
        ));
    }
    if issued.expires_at <= now {
        return Err(grant("authorization code expired"));
    }
    if issued.redirect_uri != redirect_uri {
        return Err(grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    if pkce_s256(verifier) != issued.challenge.as_str() {
        return Err(grant("code_verifier does not match the code_challenge"));
    }
    Ok(issued.client_id)
}

/// `POST {root}/__provider/token`.
pub(crate) fn provider_token(ctx: &Ctx, req: &MockRequest) -> MockResponse {
    let err = |status: u16, code: &str, description: &str| {
        MockResponse::json(
            status,
            &serde_json::json!({"error": code, "error_description": description}),
        )
        .header("cache-control", "no-store")
    };
    if req.method != Method::POST {
        return err(405, "invalid_request", "use POST").header("allow", "POST");
    }
    let p = form_pairs(req);
    if get(&p, "grant_type") != Some("authorization_code") {
        return err(
            400,
            "unsupported_grant_type",
            "grant_type must be authorization_code",
        );
    }
    let (Some(code), Some(redirect_uri), Some(verifier)) = (
        get(&p, "code"),
        get(&p, "redirect_uri"),
        get(&p, "code_verifier"),
    ) else {
        return err(
            400,
            "invalid_request",
            "code, redirect_uri and code_verifier are required",
        );
    };
    let now = ctx.state.now();
    let mut d = ctx.state.lock();
    match exchange_code(&mut d, now, code, redirect_uri, verifier) {
        Ok(client_id) => MockResponse::json(
            200,
            &serde_json::json!({
                "access_token": format!("mock_at_{}", random_id()),
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": format!("{client_id}.connect"),
            }),
        )
        .header("cache-control", "no-store"),
        Err(e) => err(400, e.code, e.description),
    }
}
