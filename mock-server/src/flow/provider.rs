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
/// The state's lock is held twice, briefly: to read the flow, and to record its answer (if
/// another request answered it in between, this one is told so, as it would have been).
fn answer(ctx: &Ctx, req: &MockRequest, slow: &mut Option<std::time::Duration>) -> MockResponse {
    let (params, from_form) = match req.method {
        Method::GET => (req.query_pairs(), false),
        Method::POST => (form_pairs(req), true),
        _ => {
            return html::method_not_allowed("GET, POST");
        }
    };
    let Some(state) = get(&params, "state") else {
        return bad_state("The request has no state.");
    };
    let now = ctx.state.now();
    let (flow, fixture) = match awaiting_consent(ctx, state, now) {
        Ok(found) => found,
        Err(why) => return bad_state(why),
    };
    if let Some(ProviderFault::Slow(delay)) = flow.fault {
        *slow = Some(delay);
    }
    if let Some(refused) = mismatched(ctx, &flow, &params) {
        return refused;
    }
    let status = if from_form { 303 } else { 302 };
    if let Some(error) = response_type_error(&params) {
        // RFC 6749 §4.1.2.1: with the client and its redirect URI checked, a wrong
        // `response_type` is answered by redirecting back with an error.
        return record(ctx, &flow, now, Answer::Refused(error), status);
    }
    let Some(decision) = get(&params, "decision") else {
        if from_form {
            return html::error_page(400, "Invalid authorization request", "No decision.");
        }
        let page = consent_page(ctx, &fixture, &flow, &params);
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
    let auto_pages = (!from_form).then(|| match get(&params, "pages") {
        None => AutoPages::First,
        Some(p) if p.len() <= MAX_PAGES_PARAM => AutoPages::Chosen(p.to_owned()),
        Some(_) => AutoPages::Chosen(String::new()),
    });
    record(
        ctx,
        &flow,
        now,
        Answer::Decided(approve, auto_pages),
        status,
    )
}

/// The flow of `state`, still waiting for its consent, and the fixture (both copied out of one
/// short lock); else why not, as the page says it. An expired flow is forgotten.
fn awaiting_consent(
    ctx: &Ctx,
    state: &str,
    now: OffsetDateTime,
) -> Result<(Flow, std::sync::Arc<Fixture>), &'static str> {
    let mut d = ctx.state.lock();
    let Some(flow) = d.flows.live(state, now) else {
        return Err(STATE_GONE);
    };
    if !matches!(flow.stage, Stage::AwaitingConsent) {
        return Err(ANSWERED);
    }
    let flow = Flow::clone(flow);
    Ok((flow, std::sync::Arc::clone(&d.fixture)))
}

/// The 400 page for a request whose client, redirect URI or PKCE challenge is not the flow's.
fn mismatched(ctx: &Ctx, flow: &Flow, params: &[(String, String)]) -> Option<MockResponse> {
    let client_ok = get(params, "client_id") == Some(flow.vendor.slug());
    let redirect_ok = get(params, "redirect_uri") == Some(ctx.callback_uri(flow.vendor));
    let pkce_ok = get(params, "code_challenge") == Some(flow.challenge.as_str())
        && get(params, "code_challenge_method") == Some("S256");
    (!client_ok || !redirect_ok || !pkce_ok).then(|| {
        html::error_page(
            400,
            "Invalid authorization request",
            "client_id, redirect_uri or the PKCE challenge do not match this authorization request.",
        )
    })
}

/// RFC 6749 §4.1.1: `response_type` must be `code`; the error and its description otherwise.
fn response_type_error(params: &[(String, String)]) -> Option<(&'static str, &'static str)> {
    match get(params, "response_type") {
        Some("code") => None,
        None => Some(("invalid_request", "response_type is required")),
        Some(_) => Some((
            "unsupported_response_type",
            "this server supports only response_type=code",
        )),
    }
}

/// What the page says of a flow another request has answered.
const ANSWERED: &str = "This authorization request has already been answered.";

/// How the provider answers a flow's authorization request.
enum Answer {
    /// Refused before any decision: the error and its description.
    Refused((&'static str, &'static str)),
    /// The user's decision (approve: true, or deny), and the pages a WoopSocial Facebook flow
    /// followed without a browser takes (`None` for a form's answer).
    Decided(bool, Option<AutoPages>),
}

/// Records `answer` on `flow` (its code, if one is issued; the flow now waits for its
/// callback) and redirects back to the vendor's callback with it. In one short lock, which
/// first checks that no other request answered the flow since it was read.
fn record(
    ctx: &Ctx,
    flow: &Flow,
    now: OffsetDateTime,
    answer: Answer,
    status: u16,
) -> MockResponse {
    let redirect_uri = ctx.callback_uri(flow.vendor);
    let mut location = url::form_urlencoded::Serializer::new(String::new());
    let mut d = ctx.state.lock();
    match d.flows.get(flow.state.as_str()).map(|f| &f.stage) {
        Some(Stage::AwaitingConsent) => {}
        Some(_) => return bad_state(ANSWERED),
        None => return bad_state(STATE_GONE),
    }
    let (returned, auto_pages) = match answer {
        Answer::Refused((code, description)) => {
            location
                .append_pair("error", code)
                .append_pair("error_description", description);
            (flow.state.to_string(), None)
        }
        Answer::Decided(approve, auto_pages) => {
            decided(&mut d, flow, now, approve, redirect_uri, &mut location);
            // The `wrong_state` scenario: the provider sends back a state it was never given.
            let returned = if flow.fault == Some(ProviderFault::WrongState) {
                random_token().to_string()
            } else {
                flow.state.to_string()
            };
            (returned, Some(auto_pages))
        }
    };
    location.append_pair("state", &returned);
    if let Some(kept) = d.flows.get_mut(flow.state.as_str()) {
        kept.stage = Stage::AwaitingCallback;
        if let Some(auto_pages) = auto_pages {
            kept.auto_pages = auto_pages;
        }
    }
    drop(d);
    MockResponse::redirect(status, &format!("{redirect_uri}?{}", location.finish()))
}

/// Adds to `location` what a decision sends back: the provider's fault, a code it issues (kept
/// in `d`, bound to the flow's challenge and redirect URI), or `access_denied`.
fn decided(
    d: &mut Data,
    flow: &Flow,
    now: OffsetDateTime,
    approve: bool,
    redirect_uri: &str,
    location: &mut url::form_urlencoded::Serializer<'_, String>,
) {
    if let Some(ProviderFault::Error(error, description)) = &flow.fault {
        location.append_pair("error", error.as_str());
        if let Some(d) = description {
            location.append_pair("error_description", d);
        }
    } else if approve && !flow.deny {
        let code = random_token();
        let seq = d.next();
        d.codes.insert(
            code,
            IssuedCode {
                client_id: flow.vendor.slug().to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                challenge: flow.challenge,
                expires_at: expiry(now, std::time::Duration::from_secs(60)),
                seq,
                refused: flow.fault == Some(ProviderFault::ExchangeFails),
            },
            now,
        );
        location.append_pair("code", &code);
    } else {
        location
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The user denied the request");
    }
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
