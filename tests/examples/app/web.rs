//! The example app's web side: its routes, its users' sessions, its pages. Shared by the
//! example (`main.rs`) and the browser tests that click through it.
//!
//! What to copy from it (docs/sdk.md):
//! - **Sessions are minted by the server only.** A visitor gets an opaque, random `app_sid`
//!   cookie (HttpOnly, SameSite=Lax) when a page with a form is first served; a cookie value
//!   the app did not issue is never adopted (fixation): the visitor gets a fresh one. The app
//!   keeps, under it and per vendor, the [`ConnectSession`] of the flow the visitor started, and
//!   the accounts that got connected. The session lives on the server: a cookie that carried it
//!   would have to be signed, and a session store is what most apps already have.
//! - **State-changing POSTs come from the app's own pages only**: each carries the session's
//!   anti-forgery token (a hidden field, compared in constant time), and a request whose
//!   `Origin` is another site is refused. SameSite=Lax already keeps the cookie off a
//!   cross-site POST; the token and the check hold where it does not (an older browser, a
//!   same-site sibling host).
//! - **A return is routed only for vendors that redirect back** ([`Vendor::accepts_redirect_url`]);
//!   for the others there is no callback to forge, so a cross-site link cannot consume the
//!   visitor's pending session.
//! - Providers are shown by [`Provider::display_name`] ("Facebook Page").
//!
//! What not to copy: plain `http://` on loopback (use `Secure` cookies behind TLS), and the
//! in-memory session store (use your app's).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use social_connect::{
    Client, ConnectOutcome, ConnectRequest, ConnectSession, Error, Provider, SessionError, Vendor,
};
use social_connect_mock::{MockVendors, OWNER_KEY};
use social_connect_tests::{demo_owner, mock_vendor};
use tokio::net::TcpListener;
use url::Url;

/// The cookie that names a visitor's server-side session.
const COOKIE: &str = "app_sid";

/// What each vendor's page offers to connect.
fn offers(vendor: Vendor) -> Vec<Provider> {
    match vendor {
        Vendor::WoopSocial => vec![Provider::FacebookPage, Provider::X],
        Vendor::Recoup => vec![Provider::YouTube],
        Vendor::Postbreeze => vec![Provider::LinkedInPage],
        Vendor::Aitronos => vec![Provider::Other("notion".into())],
        Vendor::Ocoya => vec![Provider::Instagram],
        // Any other vendor: what its sample connects.
        other => vec![social_connect_tests::typical_request(other).provider],
    }
}

/// One thing the app shows on its "connected" page.
#[derive(Debug, Clone)]
struct Connected {
    vendor: Vendor,
    provider: Provider,
    owner: Option<String>,
    /// The vendor's account ids, or what is left to confirm.
    detail: String,
}

/// A visitor's server-side session.
#[derive(Debug)]
struct Visitor {
    /// The anti-forgery token the app's forms carry.
    token: String,
    /// The flow under way at each vendor (one at a time per vendor).
    pending: HashMap<Vendor, ConnectSession>,
    connected: Vec<Connected>,
}

#[derive(Debug, Clone)]
struct AppState {
    client: Client,
    /// `http://127.0.0.1:PORT`, what the redirect URLs are built on.
    origin: Url,
    visitors: Arc<Mutex<HashMap<String, Visitor>>>,
}

/// The app, serving on a loopback port until dropped.
#[derive(Debug)]
pub(crate) struct App {
    /// Where it serves (`http://127.0.0.1:PORT/`).
    pub(crate) url: Url,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl App {
    /// Starts the app on a free loopback port, its SDK client pointed at `mock`.
    pub(crate) async fn start(mock: &MockVendors) -> Result<App, String> {
        let mut builder = Client::builder();
        for vendor in Vendor::ALL {
            builder = builder
                .api_key(vendor, OWNER_KEY)
                .base_url(vendor, mock.base_url(mock_vendor(vendor)))
                .map_err(|e| e.to_string())?;
        }
        let client = builder.build().map_err(|e| e.to_string())?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let origin = Url::parse(&format!("http://{addr}/")).map_err(|e| e.to_string())?;
        let state = AppState {
            client,
            origin: origin.clone(),
            visitors: Arc::default(),
        };
        let router = Router::new()
            .route("/", get(home))
            .route("/vendors/{vendor}", get(vendor_page))
            .route("/connect/{vendor}/{provider}", post(connect))
            .route("/callback/{vendor}", get(callback))
            .route("/connected", get(connected))
            .with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(App { url: origin, task })
    }
}

// ---------------------------------------------------------------------------------------------
// Routes.
// ---------------------------------------------------------------------------------------------

async fn home() -> Html<String> {
    let mut list = String::new();
    for vendor in Vendor::ALL {
        let _ = write!(
            list,
            "<li><a href=\"/vendors/{slug}\">{name}</a></li>",
            slug = vendor.as_str(),
            name = esc(&vendor.to_string())
        );
    }
    page(
        "Example app",
        &format!(
            "<h1>Example app</h1><p>Connect a social account through one of five vendors. The \
             vendors are the embedded mock; nothing real is connected.</p><ul>{list}</ul>\
             <p><a href=\"/connected\">What is connected</a></p>"
        ),
    )
}

async fn vendor_page(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(vendor) = slug.parse::<Vendor>() else {
        return refused(
            StatusCode::NOT_FOUND,
            "No such vendor",
            "This app knows five vendors.",
        );
    };
    let (sid, new_cookie) = session_for(&app, &headers);
    let token = app
        .visitors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&sid)
        .map(|v| v.token.clone())
        .unwrap_or_default();
    let mut buttons = String::new();
    for p in offers(vendor) {
        let _ = write!(
            buttons,
            "<form method=\"post\" action=\"/connect/{v}/{p}\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{token}\">\
             <button type=\"submit\" data-provider=\"{p}\">Connect {name}</button></form>",
            v = vendor.as_str(),
            p = esc(&p.to_string()),
            name = esc(&p.display_name()),
        );
    }
    let returns = if vendor.accepts_redirect_url() {
        format!("{vendor} sends you back here when you are done.")
    } else {
        format!(
            "{vendor} does not send you back to the app: its completion page ends the flow, and \
             the app confirms through {vendor}'s API."
        )
    };
    let mut response = page(
        &vendor.to_string(),
        &format!(
            "<h1>{name}</h1><p>{returns}</p>{buttons}<p><a href=\"/\">All vendors</a></p>",
            name = esc(&vendor.to_string()),
            returns = esc(&returns),
        ),
    )
    .into_response();
    if let Some(cookie) = new_cookie.and_then(|c| c.parse().ok()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn connect(
    State(app): State<AppState>,
    Path((slug, provider)): Path<(String, String)>,
    headers: HeaderMap,
    form: axum::body::Bytes,
) -> Response {
    // Only the app's own page may start a flow: the visitor's session, its token, and no
    // other site's Origin. A refusal changes nothing: no cookie, no flow.
    let Some(sid) = posted_from_our_page(&app, &headers, &form) else {
        return refused(
            StatusCode::FORBIDDEN,
            "Refused",
            "This request did not come from this app's own page. Nothing was started; open \
             the vendor's page and use its button.",
        );
    };
    let Ok(vendor) = slug.parse::<Vendor>() else {
        return refused(
            StatusCode::NOT_FOUND,
            "No such vendor",
            "This app knows five vendors.",
        );
    };
    let Ok(provider) = provider.parse::<Provider>() else {
        return refused(
            StatusCode::BAD_REQUEST,
            "No such provider",
            "Pick one on the vendor's page.",
        );
    };
    let mut request = ConnectRequest::new(provider);
    if vendor != Vendor::Recoup {
        request = request.owner(demo_owner(vendor));
    }
    if vendor.accepts_redirect_url()
        && let Ok(back) = app.origin.join(&format!("callback/{}", vendor.as_str()))
    {
        request = request.redirect_url(back);
    }
    let (link, session) = match app.client.begin(vendor, request).await {
        Ok(started) => started,
        Err(e) => {
            return refused(
                StatusCode::BAD_GATEWAY,
                "The vendor refused",
                &format!("{vendor} did not start the flow: {e}"),
            );
        }
    };
    if let Some(visitor) = app
        .visitors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_mut(&sid)
    {
        visitor.pending.insert(vendor, session);
    }
    Redirect::to(link.url.as_str()).into_response()
}

/// The vendor's redirect back: the visitor's session for that vendor, taken (a session
/// completes once), checks it before anything is read.
async fn callback(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    // Only a vendor that sends the browser back has a return to take: for the others, a link
    // here is a forgery, and must not touch the visitor's pending session.
    let Some(vendor) = slug
        .parse::<Vendor>()
        .ok()
        .filter(|v| v.accepts_redirect_url())
    else {
        return refused(
            StatusCode::NOT_FOUND,
            "No such page",
            "This app takes returns only from vendors that send the browser back.",
        );
    };
    let session = visitor_id(&app, &headers).and_then(|sid| {
        app.visitors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&sid)
            .and_then(|v| v.pending.remove(&vendor))
    });
    let Some(session) = session else {
        return refused(
            StatusCode::BAD_REQUEST,
            "Not a return we expected",
            "No connect flow of yours is under way at this vendor: this link is stale, was \
             already used, or was not started in this browser. Nothing was connected.",
        );
    };
    let Ok(back) = app.origin.join(&uri.to_string()) else {
        return refused(
            StatusCode::BAD_REQUEST,
            "Not a return we expected",
            "An unreadable URL.",
        );
    };
    let kept = session.clone();
    let done = match session.complete(&back) {
        Ok(ConnectOutcome::Connected {
            vendor,
            owner,
            provider,
            account_ids,
            ..
        }) => Connected {
            vendor,
            provider,
            owner: Some(owner),
            detail: account_ids.join(", "),
        },
        Ok(ConnectOutcome::Unconfirmed {
            vendor,
            owner,
            provider,
            ..
        }) => Connected {
            vendor,
            provider,
            owner,
            detail: format!("to confirm through {vendor}'s API"),
        },
        Ok(ConnectOutcome::Failed { error, vendor, .. }) => {
            return refused(
                StatusCode::OK,
                "Not connected",
                &format!(
                    "{vendor} reports that the connection was not made ({error}). You can try again."
                ),
            );
        }
        Ok(_) => {
            return refused(
                StatusCode::OK,
                "Not connected",
                &format!("{vendor} ended the flow without connecting an account."),
            );
        }
        Err(Error::Session(why)) => {
            // Not this flow's return (a forged link the visitor was sent): the visitor's own
            // flow stays under way, so that its real return still completes. An expired one
            // is over.
            if !matches!(why, SessionError::Expired { .. }) {
                keep_pending(&app, &headers, kept);
            }
            return refused(
                StatusCode::BAD_REQUEST,
                "Not a return we expected",
                &format!(
                    "This return does not belong to your connect flow ({why}). Nothing was connected."
                ),
            );
        }
        Err(e) => {
            return refused(
                StatusCode::BAD_REQUEST,
                "Not a return we could read",
                &format!("{e}. Nothing was connected."),
            );
        }
    };
    record(&app, &headers, done);
    Redirect::to("/connected").into_response()
}

async fn connected(State(app): State<AppState>, headers: HeaderMap) -> Html<String> {
    let rows: Vec<Connected> = visitor_id(&app, &headers)
        .and_then(|sid| {
            app.visitors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&sid)
                .map(|v| v.connected.clone())
        })
        .unwrap_or_default();
    let mut list = String::new();
    for c in &rows {
        let _ = write!(
            list,
            "<li class=\"account\"><strong>{provider}</strong> at {vendor}{owner}: {detail}</li>",
            provider = esc(&c.provider.display_name()),
            vendor = esc(&c.vendor.to_string()),
            owner = c
                .owner
                .as_deref()
                .map(|o| format!(" for {}", esc(o)))
                .unwrap_or_default(),
            detail = esc(&c.detail),
        );
    }
    if rows.is_empty() {
        list.push_str("<li>Nothing yet.</li>");
    }
    page(
        "Connected",
        &format!("<h1>Connected</h1><ul>{list}</ul><p><a href=\"/\">Connect another</a></p>"),
    )
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

fn keep_pending(app: &AppState, headers: &HeaderMap, session: ConnectSession) {
    if let Some(sid) = visitor_id(app, headers)
        && let Some(visitor) = app
            .visitors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&sid)
    {
        visitor.pending.entry(session.vendor()).or_insert(session);
    }
}

fn record(app: &AppState, headers: &HeaderMap, c: Connected) {
    if let Some(sid) = visitor_id(app, headers)
        && let Some(visitor) = app
            .visitors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&sid)
    {
        visitor.connected.push(c);
    }
}

/// The visitor's session id from the `Cookie` header (`app_sid=…`), only if the app issued it
/// (and still has it): a value it did not mint names no session.
fn visitor_id(app: &AppState, headers: &HeaderMap) -> Option<String> {
    let sid = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())?;
    app.visitors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains_key(&sid)
        .then_some(sid)
}

/// The visitor's session, or a new one minted here, with the `Set-Cookie` that hands it over.
/// An unknown cookie value is replaced, never adopted.
fn session_for(app: &AppState, headers: &HeaderMap) -> (String, Option<String>) {
    if let Some(sid) = visitor_id(app, headers) {
        return (sid, None);
    }
    let sid = new_id();
    app.visitors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(
            sid.clone(),
            Visitor {
                token: new_id(),
                pending: HashMap::new(),
                connected: Vec::new(),
            },
        );
    let cookie = format!("{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax");
    (sid, Some(cookie))
}

/// The session of a POST sent by the app's own page: a known session, the form's `csrf` equal
/// to its token, and no `Origin` of another site.
fn posted_from_our_page(app: &AppState, headers: &HeaderMap, form: &[u8]) -> Option<String> {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let ours = app.origin.origin().ascii_serialization();
        if origin.to_str().ok()? != ours {
            return None;
        }
    }
    let sid = visitor_id(app, headers)?;
    let sent = url::form_urlencoded::parse(form)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())?;
    let visitors = app.visitors.lock().unwrap_or_else(|e| e.into_inner());
    let token = &visitors.get(&sid)?.token;
    same(token.as_bytes(), sent.as_bytes()).then_some(sid)
}

/// Whether two tokens are equal, in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random visitor id (128 bits from the OS, hex).
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS has randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn refused(status: StatusCode, title: &str, message: &str) -> Response {
    (
        status,
        page(
            title,
            &format!(
                "<h1>{t}</h1><p role=\"alert\">{m}</p><p><a href=\"/\">Back to the app</a></p>",
                t = esc(title),
                m = esc(message)
            ),
        ),
    )
        .into_response()
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font-family:sans-serif;margin:3rem;max-width:40rem}}\
         button{{margin:.3rem 0;padding:.5rem 1rem}}</style></head><body>{body}</body></html>",
        esc(title)
    ))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
