//! The plain, transport-free request and response types every handler speaks.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};

/// One HTTP request, as the transport-free handlers see it.
///
/// `path` is the percent-encoded path as received (no query); `query` the raw query string.
#[derive(Debug, Clone)]
pub struct MockRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path, starting with `/`, without the query string.
    pub path: String,
    /// The raw query string, without the leading `?`.
    pub query: Option<String>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The request body.
    pub body: Bytes,
    /// The transport refused to read a body over the service's limit (`body` is then empty):
    /// the service answers 413 in the shape of whoever the path names.
    pub(crate) body_too_large: bool,
}

impl MockRequest {
    /// A request with no headers and an empty body; `path_and_query` may carry a `?query`.
    pub fn new(method: Method, path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (path_and_query.to_owned(), None),
        };
        Self {
            method,
            path,
            query,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            body_too_large: false,
        }
    }

    /// Adds a header (ignored if the name or value is not valid HTTP).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        append(&mut self.headers, name, value);
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The first value of a header, if it is valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The decoded query pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query.as_deref().map_or_else(Vec::new, |q| {
            decoded_pairs(q)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
    }

    /// The decoded query pairs, in order, borrowing what needs no decoding.
    pub(crate) fn query_pairs_borrowed(&self) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
        self.query
            .as_deref()
            .map_or_else(Vec::new, |q| decoded_pairs(q).collect())
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        decoded_pairs(self.query.as_deref()?)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// The pairs of a form-encoded string (a query), decoded as `url::form_urlencoded::parse`
/// decodes them. A string with neither `%` nor `+` (most queries) needs no decoding: its pairs
/// are slices of it, found without the decoder's per-byte work.
pub(crate) fn decoded_pairs(q: &str) -> FormPairs<'_> {
    if q.bytes().any(|b| b == b'%' || b == b'+') {
        FormPairs::Encoded(url::form_urlencoded::parse(q.as_bytes()))
    } else {
        FormPairs::Plain(q)
    }
}

/// The iterator of [`decoded_pairs`].
pub(crate) enum FormPairs<'a> {
    /// What is left to split.
    Plain(&'a str),
    Encoded(url::form_urlencoded::Parse<'a>),
}

impl<'a> Iterator for FormPairs<'a> {
    type Item = (Cow<'a, str>, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            FormPairs::Encoded(parse) => parse.next(),
            FormPairs::Plain(rest) => loop {
                if rest.is_empty() {
                    return None;
                }
                // `memchr`, not `str::split`: the vectorised search, on every request's query.
                let end = memchr::memchr(b'&', rest.as_bytes()).unwrap_or(rest.len());
                let item = &rest[..end];
                *rest = rest.get(end + 1..).unwrap_or("");
                if item.is_empty() {
                    continue;
                }
                let (k, v) = match memchr::memchr(b'=', item.as_bytes()) {
                    Some(eq) => (&item[..eq], &item[eq + 1..]),
                    None => (item, ""),
                };
                return Some((Cow::Borrowed(k), Cow::Borrowed(v)));
            },
        }
    }
}

/// One HTTP response produced by the handlers, plus what the transport should do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockResponse {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// Wait this long before answering (a latency scenario).
    pub delay: Option<Duration>,
    /// Close the connection without answering (a dropped-connection scenario; the hyper adapter
    /// only — the wiremock adapter cannot do it and refuses the scenario).
    pub drop_connection: bool,
}

pub(crate) const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; \
base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/// [`CSP`] for a page with a form, up to its `form-action` sources.
const CSP_FORM: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; \
base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

impl MockResponse {
    /// A response with a status and no headers or body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            delay: None,
            drop_connection: false,
        }
    }

    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        Self::new(status).json_content_type().with_body(body)
    }

    /// The mock's own error, `{"error": message}` (the admin API's, the transport's).
    pub(crate) fn error(status: u16, message: &str) -> Self {
        Self::json(status, &serde_json::json!({ "error": message }))
    }

    /// A JSON object of string fields, `{"k1":"v1",…}` in the order given (the vendors' success
    /// bodies, written straight to the body; keys are the mock's own literals).
    pub(crate) fn json_fields(status: u16, fields: &[(&str, &str)]) -> Self {
        let mut body = Vec::with_capacity(
            64 + fields
                .iter()
                .map(|(k, v)| k.len() + v.len() + 6)
                .sum::<usize>(),
        );
        body.push(b'{');
        for (i, (k, v)) in fields.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            push_json_str(&mut body, k);
            body.push(b':');
            push_json_str(&mut body, v);
        }
        body.push(b'}');
        Self::json_bytes(status, body)
    }

    /// A JSON response whose body is already written.
    pub(crate) fn json_bytes(status: u16, body: Vec<u8>) -> Self {
        Self::new(status).json_content_type().with_body(body)
    }

    fn json_content_type(mut self) -> Self {
        self.headers.append(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        self
    }

    /// An HTML page: sets `Referrer-Policy: no-referrer`, a CSP without scripts, `no-store`.
    pub fn html(status: u16, page: String) -> Self {
        Self::new(status)
            .header("content-type", "text/html; charset=utf-8")
            .header("referrer-policy", "no-referrer")
            .header("content-security-policy", CSP)
            .header("x-content-type-options", "nosniff")
            .header("cache-control", "no-store")
            .with_body(page)
    }

    /// An HTML page with a form that posts to the mock itself, whose answer may redirect on to
    /// `then` (the app's redirect target): browsers check `form-action` along the redirects,
    /// so the CSP names that origin too, and nothing else.
    pub(crate) fn html_form(status: u16, page: String, then: Option<&url::Url>) -> Self {
        let mut csp = String::from(CSP_FORM);
        if let Some(u) = then {
            csp.push(' ');
            csp.push_str(&u.origin().ascii_serialization());
        }
        let mut r = Self::html(status, page);
        if let Ok(v) = HeaderValue::from_str(&csp) {
            r.headers.insert(http::header::CONTENT_SECURITY_POLICY, v);
        }
        r
    }

    /// A redirect (302 or 303) with `Referrer-Policy: no-referrer`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::new(status)
            .header("location", location)
            .header("referrer-policy", "no-referrer")
            .header("cache-control", "no-store")
    }

    /// Adds a header (one that is not a valid header name or value is left out).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        append(&mut self.headers, name, value);
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The first value of a header (case-insensitive name).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Appends `s` as a JSON string, as `serde_json` writes it. A string with nothing to escape (the
/// URLs, states and slugs of the vendors' answers) is copied in one go; `serde_json` checks and
/// escapes byte by byte, which was a tenth of a connect's time.
pub(crate) fn push_json_str(out: &mut Vec<u8>, s: &str) {
    // `fold`, not `all`: no early exit, so the check is vectorised.
    let plain = s
        .bytes()
        .fold(true, |ok, b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'));
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

/// Appends a header to `headers`; one that is not a valid header name or value is left out.
fn append(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        headers.append(n, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_found_by_its_name_in_any_case_first_value_first() {
        let req = MockRequest::new(Method::GET, "/")
            .with_header("X-Api-Key", "one")
            .with_header("x-api-key", "two")
            .with_header("Content-Type", "application/json");
        for name in ["x-api-key", "X-API-KEY", "X-Api-Key"] {
            assert_eq!(req.header(name), Some("one"), "{name}");
        }
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(req.header("x-api"), None);
        assert_eq!(req.header("bad name"), None);
        assert_eq!(req.header(""), None);
    }

    #[test]
    fn form_pairs_decode_as_the_url_crate_does() {
        let queries = [
            "workspaceId=ws_demo",
            "a=1&b=2&a=3",
            "a&&b=&=c&d==e&",
            "",
            "&",
            "x=a+b&y=%41%zz&z=%E2%82%AC",
            "n%61me=v",
            "é=ü&k=v=w",
        ];
        for q in queries {
            let ours: Vec<_> = decoded_pairs(q).collect();
            let theirs: Vec<_> = url::form_urlencoded::parse(q.as_bytes()).collect();
            assert_eq!(ours, theirs, "{q}");
        }
        assert!(matches!(decoded_pairs("a=1&b"), FormPairs::Plain(_)));
        assert!(matches!(decoded_pairs("a=1+2"), FormPairs::Encoded(_)));
    }

    #[test]
    fn json_strings_are_written_as_serde_json_writes_them() {
        for s in [
            "https://example.com/a?b=c&d=%2F",
            "",
            "quote \" and backslash \\",
            "tab\t, newline\n, nul\u{0}, del\u{7f}",
            "ünïcödé / ✓",
        ] {
            let mut ours = Vec::new();
            push_json_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
        let r =
            MockResponse::json_fields(201, &[("authorizeUrl", "https://x/?a=\"b"), ("state", "s")]);
        let parsed: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"authorizeUrl": "https://x/?a=\"b", "state": "s"})
        );
        assert_eq!(r.header_value("content-type"), Some("application/json"));
    }
}
