//! WoopSocial — `POST /social-accounts/authorization-url` (served under `/woopsocial/v1`).
//!
//! Auth: `Authorization: Bearer KEY`. Success: 200 `{"url":…}`. The request is checked against
//! WoopSocial's contract (its spec: `projectId`, the `SocialPlatform` enum, `redirectUrl` a URI)
//! before anything else but the key; the request schema has `additionalProperties: false`, so
//! unknown fields are a 400 (let through in lax mode).
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
//! So that the app reads exactly one of each, a `redirectUrl` whose query already has one of
//! those keys is a 400 in strict mode (lax mode lets it through, for testing an app's parser).

use serde_json::json;

use super::api::{ErrKind, VendorModule};
use super::request::{check_redirect_target, known_key, result_key_clash, text, validate};
use http::Method;

use crate::context::Ctx;
use crate::core::{MockRequest, MockResponse, MockVendor, random_token};
use crate::fixture::FacebookPage;
use crate::flow::{
    self, Authorised, FlowOptions, NewFlow, Outcome, STATE_GONE, bad_state, form_pairs, get,
    subject,
};
use crate::html::{self, Subject, esc, hidden};
use crate::state::{AutoPages, Snapshot, Stage};

/// The platform whose connect shows the page-selection screen. **The project's reading of
/// WoopSocial's prose** ("For Facebook, WoopSocial shows a page-selection screen"): the spec
/// states no such rule, so a `SocialPlatform` value it adds connects directly.
pub(crate) const PAGE_SELECTION_PLATFORM: &str = "FACEBOOK";

/// WoopSocial's module.
#[derive(Debug)]
pub(crate) struct WoopSocial;

impl VendorModule for WoopSocial {
    fn vendor(&self) -> MockVendor {
        MockVendor::WoopSocial
    }

    fn error(&self, _ctx: &Ctx, kind: ErrKind, message: &str) -> MockResponse {
        error(kind, message)
    }

    fn control_route(&self, ctx: &Ctx, req: &MockRequest, tail: &str) -> Option<MockResponse> {
        match tail {
            "callback" => Some(self.callback(ctx, req)),
            "pages" => Some(page_selection(ctx, req)),
            _ => None,
        }
    }

    /// A FACEBOOK connect chooses pages: those named by `pages=` (the first without it) when the
    /// decision came by `decision=`, else on the page-selection screen.
    fn callback(&self, ctx: &Ctx, req: &MockRequest) -> MockResponse {
        let mut a = match flow::authorise(ctx, MockVendor::WoopSocial, req) {
            Ok(a) => a,
            Err(page) => return *page,
        };
        if let Some(code) = a.failure.take() {
            return self.finish(&a.d.fixture, &a.flow, Outcome::Failed(code), 302);
        }
        if a.flow.platform != PAGE_SELECTION_PLATFORM {
            let outcome = a.connect(&[]);
            return self.finish(&a.d.fixture, &a.flow, outcome, 302);
        }
        let pages = a.d.fixture.facebook_pages.clone();
        match a.flow.auto_pages.take() {
            Some(choice) => {
                let chosen = match choice {
                    AutoPages::First => pages.first().cloned().into_iter().collect(),
                    // `pages=` naming no page, or a page the fixture lacks.
                    AutoPages::Chosen(ids) => match select_pages(
                        &pages,
                        ids.split(',').map(str::trim).filter(|s| !s.is_empty()),
                    ) {
                        Some(c) => c,
                        None => {
                            let failed = Outcome::Failed("invalid_page_selection".into());
                            return self.finish(&a.d.fixture, &a.flow, failed, 302);
                        }
                    },
                };
                let outcome = a.connect(&chosen);
                self.finish(&a.d.fixture, &a.flow, outcome, 302)
            }
            None => {
                let Authorised {
                    mut d,
                    mut flow,
                    now,
                    ..
                } = a;
                let token = random_token();
                flow.state = token;
                flow.stage = Stage::AwaitingPageSelection;
                let page = selection_page(ctx, &subject(&d.fixture, &flow), &token, &pages, None);
                let then = flow.redirect_target.clone();
                d.flows.insert(token, flow, now);
                MockResponse::html_form(200, page, then.as_ref())
            }
        }
    }

    fn connect(
        &self,
        ctx: &Ctx,
        snap: &Snapshot,
        req: &MockRequest,
        opts: FlowOptions,
    ) -> MockResponse {
        let Some(key) = known_key(MockVendor::WoopSocial, snap, req) else {
            return error(ErrKind::Unauthorized, "Missing or invalid API key");
        };
        let body = match validate(MockVendor::WoopSocial, req, snap.mode) {
            Ok(b) => b,
            Err(v) => return error(ErrKind::BadRequest, &v.message),
        };
        let fields = MockVendor::WoopSocial.fields();
        let project = text(&body, fields.owner.unwrap_or_default())
            .unwrap_or_default()
            .to_owned();
        let platform = text(&body, fields.provider).unwrap_or_default().to_owned();
        let redirect_field = fields.redirect.unwrap_or_default();
        let redirect = match text(&body, redirect_field) {
            None => None,
            Some(raw) => match check_redirect_target(raw, snap.mode) {
                Ok(u) => Some(u),
                Err(m) => return error(ErrKind::BadRequest, &format!("{redirect_field}: {m}")),
            },
        };
        let clash = |u: &url::Url| result_key_clash(self.vendor(), u, redirect_field, snap.mode);
        if let Some(why) = redirect.as_ref().and_then(clash) {
            return error(ErrKind::BadRequest, &why);
        }
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
        let minted = flow::begin(
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
        MockResponse::json_fields(
            MockVendor::WoopSocial.contract().success,
            &[("url", &minted.authorization_url)],
        )
    }
}

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

/// The pages `ids` names, or `None` when it names none or one the fixture lacks.
fn select_pages<'a>(
    pages: &[FacebookPage],
    ids: impl IntoIterator<Item = &'a str>,
) -> Option<Vec<FacebookPage>> {
    let mut out = Vec::new();
    for id in ids {
        let p = pages.iter().find(|p| p.id == id)?;
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
        root = esc(&ctx.base_path),
        hidden = hidden("selection", token),
    );
    html::page("Choose the Facebook pages to connect", &body)
}

/// `POST {root}/__vendor/woopsocial/pages` (the page-selection form).
fn page_selection(ctx: &Ctx, req: &MockRequest) -> MockResponse {
    if req.method != Method::POST {
        return html::method_not_allowed("POST");
    }
    let p = form_pairs(req);
    let Some(token) = get(&p, "selection") else {
        return bad_state("The form has no selection token.");
    };
    let now = ctx.state.now();
    let mut d = ctx.state.lock();
    // Another vendor's state, or a flow at another step: not this form's to consume.
    let live = d.flows.live(token, now);
    if !live.is_some_and(|f| matches!(f.stage, Stage::AwaitingPageSelection)) {
        return bad_state(STATE_GONE);
    }
    let ids = p
        .iter()
        .filter(|(k, _)| k == "page")
        .map(|(_, v)| v.as_str());
    let cancel = get(&p, "decision") == Some("cancel");
    let pages = d.fixture.facebook_pages.clone();
    let chosen = if cancel {
        None
    } else {
        match select_pages(&pages, ids) {
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
                return MockResponse::html_form(200, page, flow.redirect_target.as_ref());
            }
        }
    };
    let Some(flow) = d.flows.remove(token) else {
        return bad_state(STATE_GONE);
    };
    let outcome = match chosen {
        Some(c) => flow::connect_accounts(&mut d, &flow, &c, now),
        None => Outcome::Failed("access_denied".into()),
    };
    WoopSocial.finish(&d.fixture, &flow, outcome, 303)
}
