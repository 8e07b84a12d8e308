//! The HTML pages of the flow: consent, page selection, completion and errors. No script, no
//! external asset; every page is sent with `Referrer-Policy: no-referrer` and a CSP without scripts.

use crate::model::MockResponse;

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

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;\
padding:0 1rem;color:#1d1d1f}h1{font-size:1.4rem}.card{border:1px solid #ccc;border-radius:8px;\
padding:1rem 1.5rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.6rem}\
.muted{color:#666;font-size:.9rem}label{display:block;margin:.4rem 0}";

pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\"><title>{}</title><style>{STYLE}</style></head>\
<body><div class=\"card\">{body}</div><p class=\"muted\">social-connect-mock — a fake, for tests.</p>\
</body></html>\n",
        esc(title)
    )
}

/// An HTTP 400 error page for an unknown, replayed or expired state (never a redirect).
pub(crate) fn error_page(status: u16, title: &str, detail: &str) -> MockResponse {
    MockResponse::html(
        status,
        page(
            title,
            &format!("<h1>{}</h1><p>{}</p>", esc(title), esc(detail)),
        ),
    )
}

/// A completion page (the end of a flow without a redirect target).
pub(crate) fn completion_page(
    vendor: &str,
    ok: bool,
    detail: &str,
    ids: &[String],
) -> MockResponse {
    let title = if ok {
        format!("{vendor}: account connected")
    } else {
        format!("{vendor}: connection not completed")
    };
    let mut body = format!("<h1>{}</h1><p>{}</p>", esc(&title), esc(detail));
    if !ids.is_empty() {
        body.push_str("<ul>");
        for id in ids {
            body.push_str(&format!(
                "<li><code class=\"account-id\">{}</code></li>",
                esc(id)
            ));
        }
        body.push_str("</ul>");
    }
    body.push_str("<p>You can close this window.</p>");
    MockResponse::html(200, page(&title, &body))
}

pub(crate) fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        esc(name),
        esc(value)
    )
}
