//! The OAuth state machine shared by all vendors: the vendor side (state, PKCE verifier, callback,
//! where the browser goes at the end) and a fake provider (consent page, authorization codes bound
//! to the S256 challenge, the token endpoint).
//!
//! URL shapes (`{root}` is empty for [`MockVendors`](crate::MockVendors) and the standalone
//! server, `/{vendor}` for a single vendor mounted with `mount`):
//! - `GET {origin}{root}/__provider/authorize?response_type=code&client_id={vendor}&redirect_uri=
//!   {origin}{root}/__vendor/{vendor}/callback&state=S&code_challenge=C&code_challenge_method=S256
//!   &provider=P` → the consent page; add `&decision=approve|deny` (and `&pages=id1,id2` for a
//!   WoopSocial Facebook connect) to go straight through with 302s.
//! - `POST {root}/__provider/authorize` (form, from the consent page) → 303 to the callback.
//! - `POST {root}/__provider/token` (form: `grant_type=authorization_code`, `code`,
//!   `redirect_uri`, `code_verifier`) → `{"access_token",…}` or `{"error":"invalid_grant",…}`.
//! - `GET {root}/__vendor/{vendor}/callback?code=…&state=…` (or `error=…&state=…`) → the app's
//!   redirect (WoopSocial `redirectUrl`, Recoup `callback_url`) or a completion page; for a
//!   WoopSocial Facebook connect without `pages=`, the page-selection screen, which posts to
//!   `POST {root}/__vendor/woopsocial/pages`.
//! - Ocoya: `GET {origin}/ocoya/api/social-connect/start?provider=P&workspaceId=W&state=S` → 302 to
//!   the provider's authorize URL.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::Method;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::clock::rfc3339;
use crate::fixture::{ConnectedAccount, FacebookPage, Fixture, Resource};
use crate::html::{self, Subject, esc, hidden};
use crate::model::{MockRequest, MockResponse};
use crate::service::Ctx;
use crate::state::{Data, Flow, IssuedCode, MAX_ACCOUNTS, Snapshot, Stage};
use crate::vendors::{FlowOptions, MockVendor};

/// 256 random bits, URL-safe base64 without padding (43 characters).
pub(crate) fn random_token() -> Token {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    Token::encode(&b)
}

/// A state, code, PKCE verifier or challenge: 43 URL-safe base64 characters, kept inline, so a
/// pending flow costs no allocation for them and the flow maps hold their keys in place.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token([u8; 43]);

/// Hashes the first 8 characters (48 random bits) only. The maps keyed by tokens hold only
/// tokens the mock drew at random; a caller can only look keys up, so one who picks colliding
/// prefixes finds nothing more than a miss, and the full 43 bytes are still compared.
impl std::hash::Hash for Token {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut prefix = [0u8; 8];
        prefix.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(prefix));
    }
}

impl Token {
    /// 32 bytes in URL-safe base64 without padding: always 43 characters.
    fn encode(bytes: &[u8; 32]) -> Self {
        let mut out = [0u8; 43];
        let _ = URL_SAFE_NO_PAD.encode_slice(bytes, &mut out);
        Token(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ever built from base64 output or from a `&str`: valid UTF-8 either way.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The token spelled `s`, if `s` has a token's length (to look one up: whether it is one
    /// is then up to the map).
    pub(crate) fn from_text(s: &str) -> Option<Self> {
        s.as_bytes().try_into().ok().map(Token)
    }
}

impl std::ops::Deref for Token {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A short random id (96 bits, hex) for request / trace ids.
pub(crate) fn random_id() -> String {
    let mut b = [0u8; 12];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The PKCE S256 challenge of a verifier (RFC 7636 §4.2).
pub fn pkce_s256(verifier: &str) -> String {
    let digest = Sha256::digest(verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..])
}

/// [`pkce_s256`] of a token, kept inline.
fn challenge_of(verifier: &Token) -> Token {
    Token::encode(&Sha256::digest(verifier.as_bytes()).into())
}

/// What a vendor's connect asks the state machine for.
#[derive(Debug)]
pub(crate) struct NewFlow {
    pub(crate) vendor: MockVendor,
    pub(crate) provider: String,
    pub(crate) platform: String,
    pub(crate) owner_id: String,
    pub(crate) redirect_target: Option<url::Url>,
    pub(crate) opts: FlowOptions,
}

#[derive(Debug)]
pub(crate) struct Minted {
    pub(crate) state: Token,
    pub(crate) authorization_url: String,
}

/// `{origin}{root}/__vendor/{vendor}/callback` (kept in [`Ctx::callbacks`]).
pub(crate) fn callback_url(origin: &str, root: &str, vendor: MockVendor) -> String {
    format!("{origin}{root}/__vendor/{}/callback", vendor.slug())
}

/// The vendor's callback URL on this mock.
pub(crate) fn callback_uri(ctx: &Ctx, vendor: MockVendor) -> &str {
    &ctx.callbacks[vendor.index()]
}

/// The provider's authorization URL for `vendor`, up to the value of `state` (kept in
/// [`Ctx::authorize_prefixes`]).
pub(crate) fn authorize_prefix(
    origin: &str,
    root: &str,
    vendor: MockVendor,
    callback: &str,
) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("response_type", "code")
        .append_pair("client_id", vendor.slug())
        .append_pair("redirect_uri", callback);
    format!("{origin}{root}/__provider/authorize?{}&state=", q.finish())
}

/// Appends `value` as `application/x-www-form-urlencoded` would encode it. Values made only of
/// the bytes that encoding leaves alone (states, PKCE challenges, provider slugs) are copied as
/// they are, without going through the encoder byte by byte.
pub(crate) fn push_form_value(out: &mut String, value: &str) {
    let plain = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_'));
    if plain {
        out.push_str(value);
    } else {
        out.extend(url::form_urlencoded::byte_serialize(value.as_bytes()));
    }
}

fn authorize_url(ctx: &Ctx, flow: &Flow, extra: &[(String, String)]) -> String {
    let prefix = &ctx.authorize_prefixes[flow.vendor.index()];
    let mut out = String::with_capacity(prefix.len() + 160);
    out.push_str(prefix);
    // Both are URL-safe base64 (`random_token`, `pkce_s256`): nothing to encode.
    out.push_str(&flow.state);
    out.push_str("&code_challenge=");
    out.push_str(&flow.challenge);
    out.push_str("&code_challenge_method=S256&provider=");
    push_form_value(&mut out, &flow.provider);
    for (k, v) in extra {
        out.push('&');
        push_form_value(&mut out, k);
        out.push('=');
        push_form_value(&mut out, v);
    }
    out
}

/// Mints a state (and PKCE verifier) for a connect validated against `snap`. Everything but
/// the insertion runs outside the lock; a reset since `snap` was taken drops the flow (the
/// connect is ordered before that reset, which would have removed it).
pub(crate) fn begin(ctx: &Ctx, snap: &Snapshot, nf: NewFlow) -> Minted {
    let now = ctx.state.now();
    let state = random_token();
    let verifier = random_token();
    let challenge = challenge_of(&verifier);
    let expires_at = if nf.opts.expire_now {
        now
    } else {
        now + snap.state_ttl
    };
    let mut flow = Flow {
        vendor: nf.vendor,
        state,
        verifier,
        challenge,
        provider: nf.provider,
        platform: nf.platform,
        owner_id: nf.owner_id,
        redirect_target: nf.redirect_target,
        expires_at,
        stage: Stage::AwaitingConsent,
        deny: nf.opts.deny,
        auto_pages: None,
        seq: 0,
    };
    let authorization_url = authorize_url(ctx, &flow, &[]);
    let mut d = ctx.state.lock();
    if d.generation == snap.generation {
        flow.seq = d.next();
        d.flows.insert(state, Box::new(flow), now);
    }
    drop(d);
    Minted {
        state,
        authorization_url,
    }
}

fn bad_state(detail: &str) -> MockResponse {
    html::error_page(400, "This sign-in link is not valid", detail)
}

const STATE_GONE: &str =
    "The state is unknown, has already been used, or has expired. Start the connection again.";

fn form_pairs(req: &MockRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `GET|POST {root}/__provider/authorize`.
pub(crate) fn provider_authorize(ctx: &Ctx, req: &MockRequest) -> MockResponse {
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
    let client_ok = get(&params, "client_id") == Some(flow.vendor.slug());
    let redirect_ok = get(&params, "redirect_uri") == Some(callback_uri(ctx, flow.vendor));
    let pkce_ok = get(&params, "code_challenge") == Some(flow.challenge.as_str())
        && get(&params, "code_challenge_method") == Some("S256");
    if !client_ok || !redirect_ok || !pkce_ok {
        return html::error_page(
            400,
            "Invalid authorization request",
            "client_id, redirect_uri or the PKCE challenge do not match this authorization request.",
        );
    }
    let decision = get(&params, "decision");
    let Some(decision) = decision else {
        if from_form {
            return html::error_page(400, "Invalid authorization request", "No decision.");
        }
        let page = consent_page(ctx, &d.fixture, flow, &params);
        return MockResponse::html(200, page);
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
        Some(
            get(&params, "pages")
                .map(|p| {
                    p.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    let (redirect_uri, challenge, deny, vendor) = (
        callback_uri(ctx, flow.vendor),
        flow.challenge,
        flow.deny,
        flow.vendor,
    );
    let state_owned = state.to_owned();
    let mut location = url::form_urlencoded::Serializer::new(String::new());
    if approve && !deny {
        let code = random_token();
        let seq = d.next();
        d.codes.insert(
            code,
            IssuedCode {
                client_id: vendor.slug().to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                challenge,
                expires_at: now + std::time::Duration::from_secs(60),
                seq,
            },
            now,
        );
        location.append_pair("code", &code);
    } else {
        location
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The user denied the request");
    }
    location.append_pair("state", &state_owned);
    if let Some(flow) = d.flows.get_mut(&state_owned) {
        flow.stage = Stage::AwaitingCallback;
        flow.auto_pages = auto_pages;
    }
    let status = if from_form { 303 } else { 302 };
    MockResponse::redirect(status, &format!("{redirect_uri}?{}", location.finish()))
}

/// What the pages of a flow say it connects: vendor, provider, owner (named from the fixture).
fn subject<'a>(fixture: &'a Fixture, flow: &'a Flow) -> Subject<'a> {
    let (kind, owners): (&'static str, &'a [Resource]) = match flow.vendor {
        MockVendor::Recoup => ("Recoup account", &fixture.recoup_accounts),
        MockVendor::WoopSocial => ("Project", &fixture.woopsocial_projects),
        MockVendor::Postbreeze => ("Workspace", &fixture.postbreeze_workspaces),
        MockVendor::Aitronos => ("Organization", &fixture.aitronos_organizations),
        MockVendor::Ocoya => ("Workspace", &fixture.ocoya_workspaces),
    };
    Subject {
        vendor: flow.vendor.name(),
        provider: html::provider_name(&flow.provider),
        platform: &flow.platform,
        owner_kind: kind,
        owner_id: &flow.owner_id,
        owner_name: owners
            .iter()
            .find(|r| r.id == flow.owner_id)
            .map(|r| r.name.as_str()),
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
        root = esc(&ctx.root),
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

/// The end of a flow, as the vendor reports it.
#[derive(Debug)]
pub(crate) enum Outcome {
    Connected(Vec<String>),
    Failed(String),
}

fn sanitize_code(s: &str) -> String {
    if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        s.to_owned()
    } else {
        "server_error".to_owned()
    }
}

/// `GET {root}/__vendor/{vendor}/callback`.
pub(crate) fn vendor_callback(ctx: &Ctx, vendor: MockVendor, req: &MockRequest) -> MockResponse {
    if req.method != Method::GET {
        return html::error_page(405, "Method not allowed", "Use GET.").header("allow", "GET");
    }
    let Some(state) = req.query_param("state") else {
        return bad_state("The callback has no state.");
    };
    let now = ctx.state.now();
    let mut d = ctx.state.lock();
    match d.flows.get(&state) {
        None => return bad_state(STATE_GONE),
        Some(f) if f.vendor != vendor => return bad_state(STATE_GONE),
        Some(f) if f.expires_at <= now => {
            d.flows.remove(&state);
            return bad_state(STATE_GONE);
        }
        Some(f) if !matches!(f.stage, Stage::AwaitingCallback) => {
            return bad_state("This state has not been authorized by the provider.");
        }
        Some(_) => {}
    }
    let Some(flow) = d.flows.remove(&state) else {
        return bad_state(STATE_GONE);
    };
    if let Some(e) = req.query_param("error") {
        return finish(
            ctx,
            &d.fixture,
            &flow,
            Outcome::Failed(sanitize_code(&e)),
            302,
        );
    }
    let Some(code) = req.query_param("code") else {
        return finish(
            ctx,
            &d.fixture,
            &flow,
            Outcome::Failed("invalid_request".into()),
            302,
        );
    };
    if let Err(e) = exchange_code(
        &mut d,
        now,
        &code,
        callback_uri(ctx, vendor),
        &flow.verifier,
    ) {
        return finish(
            ctx,
            &d.fixture,
            &flow,
            Outcome::Failed(e.code.to_owned()),
            302,
        );
    }
    if vendor == MockVendor::WoopSocial && flow.platform == "FACEBOOK" {
        let pages = d.fixture.facebook_pages.clone();
        match &flow.auto_pages {
            Some(ids) => {
                let chosen = if ids.is_empty() {
                    pages.first().cloned().into_iter().collect()
                } else {
                    match select_pages(&pages, ids) {
                        Some(c) => c,
                        None => {
                            return finish(
                                ctx,
                                &d.fixture,
                                &flow,
                                Outcome::Failed("invalid_page_selection".into()),
                                302,
                            );
                        }
                    }
                };
                let outcome = connect_accounts(&mut d, &flow, &chosen, now);
                return finish(ctx, &d.fixture, &flow, outcome, 302);
            }
            None => {
                let token = random_token();
                let mut f = flow;
                f.state = token;
                f.stage = Stage::AwaitingPageSelection;
                let page = selection_page(ctx, &subject(&d.fixture, &f), &token, &pages, None);
                d.flows.insert(token, f, now);
                return MockResponse::html(200, page);
            }
        }
    }
    let outcome = connect_accounts(&mut d, &flow, &[], now);
    finish(ctx, &d.fixture, &flow, outcome, 302)
}

fn select_pages(pages: &[FacebookPage], ids: &[String]) -> Option<Vec<FacebookPage>> {
    let mut out = Vec::new();
    for id in ids {
        let p = pages.iter().find(|p| &p.id == id)?;
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    (!out.is_empty()).then_some(out)
}

fn selection_page(
    ctx: &Ctx,
    s: &Subject<'_>,
    token: &str,
    pages: &[FacebookPage],
    note: Option<&str>,
) -> String {
    let mut boxes = String::new();
    for (i, p) in pages.iter().enumerate() {
        boxes.push_str(&format!(
            "<div class=\"choice\"><input type=\"checkbox\" id=\"page-{i}\" name=\"page\" \
             value=\"{id}\"><label for=\"page-{i}\"><span class=\"name\">{name}</span> \
             <span class=\"id\">{id}</span></label></div>",
            id = esc(&p.id),
            name = esc(&p.name)
        ));
    }
    let note = note
        .map(|n| format!("<p class=\"notice\" role=\"alert\">{}</p>", esc(n)))
        .unwrap_or_default();
    let body = format!(
        "<p class=\"badge\">Fake Facebook · page selection</p>\
<h1 id=\"title\">Choose the Facebook pages to connect</h1>{note}\
<p>{vendor} will connect each page you select to the {kind} {owner}, as a separate social \
account.</p>{facts}\
<form method=\"post\" action=\"{root}/__vendor/woopsocial/pages\">{hidden}\
<fieldset><legend>Your Facebook pages</legend>{boxes}</fieldset><div class=\"actions\">\
<button type=\"submit\" name=\"decision\" value=\"connect\" class=\"primary\">Connect selected pages</button>\
<button type=\"submit\" name=\"decision\" value=\"cancel\" class=\"secondary\">Cancel</button></div></form>\
<p class=\"hint\">Cancel connects nothing and sends you back to the app.</p>",
        vendor = esc(s.vendor),
        kind = esc(&s.owner_kind_lower()),
        owner = s.owner_inline(),
        facts = s.facts(),
        root = esc(&ctx.root),
        hidden = hidden("selection", token),
    );
    html::page("Choose the Facebook pages to connect", &body)
}

/// `POST {root}/__vendor/woopsocial/pages` (the page-selection form).
pub(crate) fn page_selection(ctx: &Ctx, req: &MockRequest) -> MockResponse {
    if req.method != Method::POST {
        return html::error_page(405, "Method not allowed", "Use POST.").header("allow", "POST");
    }
    let p = form_pairs(req);
    let Some(token) = get(&p, "selection") else {
        return bad_state("The form has no selection token.");
    };
    let now = ctx.state.now();
    let mut d = ctx.state.lock();
    match d.flows.get(token) {
        Some(f) if matches!(f.stage, Stage::AwaitingPageSelection) && f.expires_at > now => {}
        Some(_) => {
            d.flows.remove(token);
            return bad_state(STATE_GONE);
        }
        None => return bad_state(STATE_GONE),
    }
    let ids: Vec<String> = p
        .iter()
        .filter(|(k, _)| k == "page")
        .map(|(_, v)| v.clone())
        .collect();
    let cancel = get(&p, "decision") == Some("cancel");
    let pages = d.fixture.facebook_pages.clone();
    let chosen = if cancel {
        None
    } else {
        match select_pages(&pages, &ids) {
            Some(c) => Some(c),
            None => {
                let Some(flow) = d.flows.get(token) else {
                    return bad_state(STATE_GONE);
                };
                let page = selection_page(
                    ctx,
                    &subject(&d.fixture, flow),
                    token,
                    &pages,
                    Some("Choose at least one page."),
                );
                return MockResponse::html(200, page);
            }
        }
    };
    let Some(flow) = d.flows.remove(token) else {
        return bad_state(STATE_GONE);
    };
    let outcome = match chosen {
        Some(c) => connect_accounts(&mut d, &flow, &c, now),
        None => Outcome::Failed("access_denied".into()),
    };
    finish(ctx, &d.fixture, &flow, outcome, 303)
}

/// `GET /ocoya/api/social-connect/start?provider=…&workspaceId=…&state=…`.
pub(crate) fn ocoya_start(ctx: &Ctx, req: &MockRequest) -> MockResponse {
    if req.method != Method::GET {
        return html::error_page(405, "Method not allowed", "Use GET.").header("allow", "GET");
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
    MockResponse::redirect(302, &authorize_url(ctx, flow, &extra))
}

fn connect_accounts(
    d: &mut Data,
    flow: &Flow,
    pages: &[FacebookPage],
    now: OffsetDateTime,
) -> Outcome {
    let adding = pages.len().max(1);
    if d.fixture_accounts + adding > MAX_ACCOUNTS {
        return Outcome::Failed("server_error".into());
    }
    if flow.vendor == MockVendor::Postbreeze
        && d.accounts.iter().any(|a| {
            a.vendor == MockVendor::Postbreeze
                && a.owner_id == flow.owner_id
                && a.platform == flow.platform
        })
    {
        return Outcome::Failed("channel_already_connected".into());
    }
    // At the cap, the oldest accounts flows connected make room (they sit right after the
    // fixture's, so removing them moves only the fixture's few).
    while d.accounts.len() + adding > MAX_ACCOUNTS && d.accounts.len() > d.fixture_accounts {
        let oldest = d.fixture_accounts;
        d.accounts.remove(oldest);
    }
    let prefix = match flow.vendor {
        MockVendor::Recoup => "conn",
        MockVendor::WoopSocial => "sa",
        MockVendor::Postbreeze => "acc",
        MockVendor::Aitronos => "pc",
        MockVendor::Ocoya => "sp",
    };
    let at = rfc3339(now);
    let mut ids = Vec::new();
    let items: Vec<Option<&FacebookPage>> = if pages.is_empty() {
        vec![None]
    } else {
        pages.iter().map(Some).collect()
    };
    for page in items {
        let n = d.next();
        let id = format!("{prefix}_{n:06}");
        d.accounts.push_back(ConnectedAccount {
            id: id.clone(),
            vendor: flow.vendor,
            owner_id: flow.owner_id.clone(),
            platform: flow.platform.clone(),
            name: page.map_or_else(
                || format!("Demo {} account", flow.provider),
                |p| p.name.clone(),
            ),
            page_id: page.map(|p| p.id.clone()),
            connected_at: Some(at.clone()),
        });
        ids.push(id);
    }
    Outcome::Connected(ids)
}

/// Sends the browser where the vendor sends it at the end of a flow.
fn finish(
    ctx: &Ctx,
    fixture: &Fixture,
    flow: &Flow,
    outcome: Outcome,
    redirect_status: u16,
) -> MockResponse {
    let _ = ctx;
    match (flow.vendor, &flow.redirect_target) {
        (MockVendor::WoopSocial, Some(target)) => {
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let ours = match &outcome {
                Outcome::Connected(ids) => format!(
                    "status=success&projectId={}&platform={}&socialAccountIds={}",
                    enc(&flow.owner_id),
                    enc(&flow.platform),
                    ids.iter().map(|i| enc(i)).collect::<Vec<_>>().join(",")
                ),
                Outcome::Failed(code) => format!(
                    "status=error&projectId={}&platform={}&error={}",
                    enc(&flow.owner_id),
                    enc(&flow.platform),
                    enc(code)
                ),
            };
            let mut url = target.clone();
            let q = match url.query() {
                Some(existing) if !existing.is_empty() => format!("{existing}&{ours}"),
                _ => ours,
            };
            url.set_query(Some(&q));
            MockResponse::redirect(redirect_status, url.as_str())
        }
        (MockVendor::Recoup, Some(target)) => {
            MockResponse::redirect(redirect_status, target.as_str())
        }
        _ => {
            let s = subject(fixture, flow);
            match outcome {
                Outcome::Connected(ids) => html::completion_page(&s, None, &ids),
                Outcome::Failed(code) => html::completion_page(&s, Some(&code), &[]),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn tokens_are_256_bits() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, random_token());
        assert_eq!(challenge_of(&t).as_str(), pkce_s256(&t));
    }

    #[test]
    fn form_values_are_encoded_as_the_serializer_encodes_them() {
        let values = [
            "abc-_.*XYZ019",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "a b",
            "a+b&c=d",
            "~tilde",
            "ä/é?#%",
            "",
        ];
        for v in values {
            let mut expected = url::form_urlencoded::Serializer::new(String::new());
            expected.append_pair("k", v);
            let mut got = String::from("k=");
            push_form_value(&mut got, v);
            assert_eq!(got, expected.finish(), "{v:?}");
        }
    }

    #[test]
    fn past_the_account_cap_the_oldest_flow_account_makes_room() {
        let state = crate::state::MockState::new(crate::MockConfig::default(), true);
        let fixture = state.accounts();
        assert!(!fixture.is_empty(), "the default fixture has accounts");
        let token = random_token();
        let flow = Flow {
            vendor: MockVendor::WoopSocial,
            state: token,
            verifier: token,
            challenge: token,
            provider: "x".into(),
            platform: "X".into(),
            owner_id: "proj_demo".into(),
            redirect_target: None,
            expires_at: OffsetDateTime::UNIX_EPOCH,
            stage: Stage::AwaitingCallback,
            deny: false,
            auto_pages: None,
            seq: 0,
        };
        let mut d = state.lock();
        let now = OffsetDateTime::UNIX_EPOCH;
        let first = match connect_accounts(&mut d, &flow, &[], now) {
            Outcome::Connected(ids) => ids[0].clone(),
            Outcome::Failed(e) => panic!("{e}"),
        };
        while d.accounts.len() < MAX_ACCOUNTS {
            assert!(matches!(
                connect_accounts(&mut d, &flow, &[], now),
                Outcome::Connected(_)
            ));
        }
        assert!(d.accounts.iter().any(|a| a.id == first));
        let last = match connect_accounts(&mut d, &flow, &[], now) {
            Outcome::Connected(ids) => ids[0].clone(),
            Outcome::Failed(e) => panic!("a completion at the cap failed: {e}"),
        };
        assert_eq!(d.accounts.len(), MAX_ACCOUNTS);
        assert!(!d.accounts.iter().any(|a| a.id == first), "the oldest went");
        assert_eq!(
            d.accounts.back().map(|a| a.id.as_str()),
            Some(last.as_str())
        );
        let kept: Vec<_> = d.accounts.iter().take(fixture.len()).cloned().collect();
        assert_eq!(kept, fixture, "the fixture's accounts stay");
    }
}
