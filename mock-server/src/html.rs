//! The HTML pages of the flow: consent, page selection, completion and errors. No script, no
//! external asset (system fonts, inline CSS only); every page is sent with
//! `Referrer-Policy: no-referrer` and a CSP without scripts.
//!
//! The pages are meant for people as much as for automation: each says which vendor, which
//! provider and which owner (project / workspace / organization / account) is being connected;
//! every control is a real `<button>` or `<input type="checkbox">` with a `<label for>`, reachable
//! with the keyboard, with a visible focus ring.

use crate::core::MockResponse;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "*{box-sizing:border-box}\
html{color-scheme:light}\
body{margin:0;padding:2.5rem 1rem;background:#f3f4f6;color:#1f2328;\
font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\
main{max-width:36rem;margin:0 auto;background:#fff;border:1px solid #d0d7de;border-radius:12px;\
padding:1.5rem 1.75rem 1.75rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
.badge{display:inline-block;margin:0;font-size:.75rem;font-weight:700;letter-spacing:.05em;\
text-transform:uppercase;color:#6b4a00;background:#fff4ce;border:1px solid #e7cf7a;\
border-radius:999px;padding:.1rem .65rem}\
.badge.error{color:#8a1c12;background:#ffebe9;border-color:#f5b5ae}\
.badge.ok{color:#0f5323;background:#dafbe1;border-color:#9ad8a8}\
h1{font-size:1.5rem;line-height:1.25;margin:.75rem 0 .75rem}\
p{margin:.6rem 0}\
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1.1rem;margin:1rem 0;\
padding:.8rem 1rem;background:#f6f8fa;border:1px solid #e1e4e8;border-radius:8px}\
dl.facts dt{font-weight:600;color:#424a53}\
dl.facts dd{margin:0;overflow-wrap:anywhere}\
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;\
background:#eef1f4;border-radius:4px;padding:.05rem .3rem}\
ul.scopes,ul.ids{margin:.4rem 0 .8rem;padding-left:1.3rem}\
fieldset{border:1px solid #d0d7de;border-radius:8px;margin:1rem 0;padding:.4rem .8rem .7rem}\
legend{font-weight:600;padding:0 .35rem}\
.choice{display:flex;align-items:center;gap:.7rem;margin:.2rem 0;padding:.45rem .5rem;\
border-radius:6px}\
.choice:hover{background:#f1f6ff}\
.choice label{flex:1;cursor:pointer;display:flex;justify-content:space-between;gap:1rem}\
.choice .id{color:#57606a;font-size:.85rem}\
input[type=checkbox]{width:1.2rem;height:1.2rem;margin:0;accent-color:#0a58ca;cursor:pointer}\
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem}\
button{font:inherit;font-weight:600;padding:.55rem 1.35rem;border-radius:8px;cursor:pointer;\
border:2px solid #0a58ca}\
button.primary{background:#0a58ca;color:#fff}\
button.primary:hover{background:#0848a6;border-color:#0848a6}\
button.secondary{background:#fff;color:#0a58ca}\
button.secondary:hover{background:#f1f6ff}\
:focus{outline:none}\
:focus-visible{outline:3px solid #e36209;outline-offset:2px}\
.notice{margin:.8rem 0;padding:.6rem .85rem;border-left:4px solid #cf222e;background:#ffebe9;\
border-radius:4px}\
.hint{color:#57606a;font-size:.9rem}\
footer{max-width:36rem;margin:1rem auto 0;color:#57606a;font-size:.85rem;text-align:center}";

/// A whole page: `title` for `<title>`, `badge` (plain text) above the content, `body` (HTML).
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\"><title>{}</title><style>{STYLE}</style></head>\
<body><main aria-labelledby=\"title\">{body}</main>\
<footer>social-connect-mock — a fake for tests: no real account, token or provider is \
involved.</footer></body></html>\n",
        esc(title)
    )
}

/// What a flow connects, shown on every page of the flow.
#[derive(Debug)]
pub(crate) struct Subject<'a> {
    /// The vendor's display name.
    pub(crate) vendor: &'static str,
    /// The provider's display name (`Facebook`).
    pub(crate) provider: String,
    /// The vendor's own platform / connector value (`FACEBOOK`).
    pub(crate) platform: &'a str,
    /// What the vendor calls the owner (`Project`).
    pub(crate) owner_kind: &'static str,
    /// The owner's id.
    pub(crate) owner_id: &'a str,
    /// The owner's name, from the fixture.
    pub(crate) owner_name: Option<&'a str>,
}

impl Subject<'_> {
    /// The owner as HTML: `Demo project <code>proj_demo</code>`.
    pub(crate) fn owner_html(&self) -> String {
        match self.owner_name.filter(|n| !n.is_empty()) {
            Some(name) => format!("{} <code>{}</code>", esc(name), esc(self.owner_id)),
            None => format!("<code>{}</code>", esc(self.owner_id)),
        }
    }

    /// The owner in running text: `“Demo project” (<code>proj_demo</code>)`.
    pub(crate) fn owner_inline(&self) -> String {
        match self.owner_name.filter(|n| !n.is_empty()) {
            Some(name) => format!(
                "<strong>“{}”</strong> (<code>{}</code>)",
                esc(name),
                esc(self.owner_id)
            ),
            None => format!("<code>{}</code>", esc(self.owner_id)),
        }
    }

    /// The owner kind in lower case (`project`).
    pub(crate) fn owner_kind_lower(&self) -> String {
        self.owner_kind.to_lowercase()
    }

    /// The facts box: vendor, provider, owner.
    pub(crate) fn facts(&self) -> String {
        let platform = if self.provider.eq_ignore_ascii_case(self.platform) {
            String::new()
        } else {
            format!(" <code>{}</code>", esc(self.platform))
        };
        format!(
            "<dl class=\"facts\"><dt>Vendor</dt><dd>{vendor}</dd>\
<dt>Provider</dt><dd>{provider}{platform}</dd>\
<dt>{kind}</dt><dd>{owner}</dd></dl>",
            vendor = esc(self.vendor),
            provider = esc(&self.provider),
            kind = esc(self.owner_kind),
            owner = self.owner_html(),
        )
    }
}

/// The 405 page of a flow page that answers only `allow` (`GET`, `GET, POST`).
pub(crate) fn method_not_allowed(allow: &str) -> MockResponse {
    let detail = format!("Use {}.", allow.replace(", ", " or "));
    error_page(405, "Method not allowed", &detail).header("allow", allow)
}

/// An error page (HTTP 400 for an unknown, replayed or expired state; never a redirect).
pub(crate) fn error_page(status: u16, title: &str, detail: &str) -> MockResponse {
    let hint = if status == 400 {
        "<p class=\"hint\">Nothing was connected. Go back to the app that sent you here and start \
the connection again: each sign-in link works once and expires after a few minutes.</p>"
    } else {
        ""
    };
    MockResponse::html(
        status,
        page(
            title,
            &format!(
                "<p class=\"badge error\">Error {status}</p><h1 id=\"title\">{}</h1>\
<p class=\"notice\" role=\"alert\">{}</p>{hint}",
                esc(title),
                esc(detail)
            ),
        ),
    )
}

/// A human explanation of a vendor's OAuth error code.
fn explain(code: &str, s: &Subject<'_>) -> String {
    match code {
        "access_denied" => format!(
            "The request was declined: {} was not given access to your {} account.",
            s.vendor, s.provider
        ),
        "channel_already_connected" => format!(
            "A {} account is already connected to this {}.",
            s.provider,
            s.owner_kind_lower()
        ),
        "invalid_grant" => {
            "The provider's authorization code was refused (unknown, used or expired).".to_owned()
        }
        "invalid_page_selection" => "None of the requested Facebook pages exist.".to_owned(),
        _ => "The vendor could not complete the connection.".to_owned(),
    }
}

/// A completion page (the end of a flow without a redirect target): `code` is the error code
/// when the connection failed.
pub(crate) fn completion_page(s: &Subject<'_>, code: Option<&str>, ids: &[String]) -> MockResponse {
    let vendor = s.vendor;
    let mut body = String::new();
    let title = match code {
        None => {
            let title = format!("{vendor}: account connected");
            body.push_str(&format!(
                "<p class=\"badge ok\">{v} · connected</p>\
<h1 id=\"title\">{p} account connected</h1>\
<p>Your {p} account is now connected to {v}, in the {k} {o}.</p>{facts}",
                v = esc(vendor),
                p = esc(&s.provider),
                k = esc(&s.owner_kind_lower()),
                o = s.owner_inline(),
                facts = s.facts(),
            ));
            if !ids.is_empty() {
                body.push_str(&format!(
                    "<p>{} account id{}:</p><ul class=\"ids\">",
                    esc(vendor),
                    if ids.len() == 1 { "" } else { "s" }
                ));
                for id in ids {
                    body.push_str(&format!(
                        "<li><code class=\"account-id\">{}</code></li>",
                        esc(id)
                    ));
                }
                body.push_str("</ul>");
            }
            title
        }
        Some(code) => {
            let title = format!("{vendor}: connection not completed");
            body.push_str(&format!(
                "<p class=\"badge error\">{v} · not connected</p>\
<h1 id=\"title\">Connection not completed</h1>\
<p class=\"notice\" role=\"alert\">{why}</p>\
<p>Nothing was connected. Error code: <code class=\"error-code\">{c}</code>.</p>{facts}",
                v = esc(vendor),
                why = esc(&explain(code, s)),
                c = esc(code),
                facts = s.facts(),
            ));
            title
        }
    };
    body.push_str("<p class=\"hint\">You can close this window and return to the app.</p>");
    MockResponse::html(200, page(&title, &body))
}

pub(crate) fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        esc(name),
        esc(value)
    )
}
