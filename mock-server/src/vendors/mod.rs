//! The five vendors: their identity, URL prefixes, and what they share (auth header parsing, JSON
//! body parsing, redirect-target checks, error kinds). One module per vendor holds its behaviour.

use std::fmt;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{MockRequest, MockResponse};
use crate::scenario::Scenario;
use crate::service::Ctx;
use crate::state::Mode;

pub(crate) mod aitronos;
pub(crate) mod ocoya;
pub(crate) mod postbreeze;
pub(crate) mod recoup;
pub(crate) mod woopsocial;

/// One of the five mocked vendors.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum MockVendor {
    /// Recoup: `POST /api/connectors`, served under `/recoup`.
    Recoup,
    /// WoopSocial: `POST /social-accounts/authorization-url`, served under `/woopsocial/v1`.
    WoopSocial,
    /// Postbreeze: `POST /social-accounts/connect`, served under `/postbreeze/api/v1`.
    Postbreeze,
    /// Aitronos: `POST /personal-connectors/authorize`, served under `/aitronos/v1`.
    Aitronos,
    /// Ocoya: `POST /social-profiles/connection-url`, served under `/ocoya/api/_public/v1`.
    Ocoya,
}

impl MockVendor {
    /// All five, in a stable order.
    pub const ALL: [MockVendor; 5] = [
        MockVendor::Recoup,
        MockVendor::WoopSocial,
        MockVendor::Postbreeze,
        MockVendor::Aitronos,
        MockVendor::Ocoya,
    ];

    /// The lower-case name used in URLs and JSON (`recoup`, `woopsocial`, …).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Recoup => "recoup",
            Self::WoopSocial => "woopsocial",
            Self::Postbreeze => "postbreeze",
            Self::Aitronos => "aitronos",
            Self::Ocoya => "ocoya",
        }
    }

    /// The vendor's display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Recoup => "Recoup",
            Self::WoopSocial => "WoopSocial",
            Self::Postbreeze => "Postbreeze",
            Self::Aitronos => "Aitronos",
            Self::Ocoya => "Ocoya",
        }
    }

    /// Its position in [`ALL`](Self::ALL).
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Parses a slug.
    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }

    /// The path prefix the vendor's API is served under (its base URL is `origin + prefix`).
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Recoup => "/recoup",
            Self::WoopSocial => "/woopsocial/v1",
            Self::Postbreeze => "/postbreeze/api/v1",
            Self::Aitronos => "/aitronos/v1",
            Self::Ocoya => "/ocoya/api/_public/v1",
        }
    }

    /// The connect endpoint's path, relative to [`prefix`](Self::prefix).
    pub fn connect_path(self) -> &'static str {
        match self {
            Self::Recoup => "/api/connectors",
            Self::WoopSocial => "/social-accounts/authorization-url",
            Self::Postbreeze => "/social-accounts/connect",
            Self::Aitronos => "/personal-connectors/authorize",
            Self::Ocoya => "/social-profiles/connection-url",
        }
    }
}

impl fmt::Display for MockVendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// The error situations every vendor has to answer, each in its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    Conflict,
    RateLimited,
    Server(u16),
}

impl ErrKind {
    pub(crate) fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::PayloadTooLarge => 413,
            Self::Conflict => 409,
            Self::RateLimited => 429,
            Self::Server(s) => s,
        }
    }
}

/// Flags a scenario puts on the flow a connect mints.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FlowOptions {
    pub(crate) expire_now: bool,
    pub(crate) deny: bool,
}

/// The vendor's error response.
pub(crate) fn error(ctx: &Ctx, vendor: MockVendor, kind: ErrKind, message: &str) -> MockResponse {
    match vendor {
        MockVendor::Recoup => recoup::error(kind, message),
        MockVendor::WoopSocial => woopsocial::error(kind, message),
        MockVendor::Postbreeze => postbreeze::error(kind, message),
        MockVendor::Aitronos => aitronos::error(ctx, kind, message),
        MockVendor::Ocoya => ocoya::error(kind, message),
    }
}

/// A request to `vendor`'s API; `rel` is the path after the vendor prefix.
pub(crate) fn handle(ctx: &Ctx, vendor: MockVendor, req: &MockRequest, rel: &str) -> MockResponse {
    if req.body.len() > ctx.state.max_body_bytes() {
        return error(
            ctx,
            vendor,
            ErrKind::PayloadTooLarge,
            &format!(
                "Request body larger than {} bytes",
                ctx.state.max_body_bytes()
            ),
        );
    }
    if rel != vendor.connect_path() {
        return error(ctx, vendor, ErrKind::NotFound, "Not found");
    }
    if req.method != Method::POST {
        return error(ctx, vendor, ErrKind::MethodNotAllowed, "Method not allowed")
            .header("allow", "POST");
    }
    let snap = ctx.state.snapshot(vendor);
    let mut opts = FlowOptions::default();
    let mut delay = None;
    match snap.scenario {
        None => {}
        Some(Scenario::Latency { ms }) => delay = Some(std::time::Duration::from_millis(ms)),
        Some(Scenario::RateLimited { retry_after_secs }) => {
            let r = error(ctx, vendor, ErrKind::RateLimited, "Too many requests");
            return match retry_after_secs {
                Some(s) => r.header("retry-after", &s.to_string()),
                None => r,
            };
        }
        Some(Scenario::ServerError { status }) => {
            return error(
                ctx,
                vendor,
                ErrKind::Server(status),
                "Internal server error",
            );
        }
        Some(Scenario::MalformedJson { status }) => {
            return MockResponse::new(status)
                .header("content-type", "application/json")
                .with_body(&b"{\"url\": \"http://unterminated"[..]);
        }
        Some(Scenario::HtmlBody { status }) => {
            return MockResponse::new(status)
                .header("content-type", "text/html; charset=utf-8")
                .with_body(format!(
                    "<html><head><title>{status} Bad Gateway</title></head><body><center>\
                     <h1>{status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
                ));
        }
        Some(Scenario::DropConnection) => {
            let mut r = MockResponse::new(502);
            r.drop_connection = true;
            return r;
        }
        Some(Scenario::ExpireState) => opts.expire_now = true,
        Some(Scenario::DenyConsent) => opts.deny = true,
    }
    let mut resp = match vendor {
        MockVendor::Recoup => recoup::connect(ctx, &snap, req, opts),
        MockVendor::WoopSocial => woopsocial::connect(ctx, &snap, req, opts),
        MockVendor::Postbreeze => postbreeze::connect(ctx, &snap, req, opts),
        MockVendor::Aitronos => aitronos::connect(ctx, &snap, req, opts),
        MockVendor::Ocoya => ocoya::connect(ctx, &snap, req, opts),
    };
    resp.delay = delay;
    resp
}

/// `Authorization: Bearer <key>` (scheme case-insensitive).
pub(crate) fn bearer(req: &MockRequest) -> Option<String> {
    let v = req.header("authorization")?.trim();
    let (scheme, rest) = v.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") && !rest.trim().is_empty() {
        Some(rest.trim().to_owned())
    } else {
        None
    }
}

/// A header carrying the key itself (`x-api-key`).
pub(crate) fn key_header(req: &MockRequest, name: &str) -> Option<String> {
    req.header(name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The body as a JSON object; the error is a message for a 400/422.
pub(crate) fn json_object(req: &MockRequest) -> Result<Map<String, Value>, String> {
    let ct = req.header("content-type").unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    let json_suffix = mime
        .len()
        .checked_sub(5)
        .and_then(|i| mime.get(i..))
        .is_some_and(|t| t.eq_ignore_ascii_case("+json"));
    if !mime.eq_ignore_ascii_case("application/json") && !json_suffix {
        return Err("Content-Type must be application/json".to_owned());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("Request body must be a JSON object".to_owned()),
        Err(e) => Err(format!("Malformed JSON body: {e}")),
    }
}

/// An optional string field: absent or null → `Ok(None)`; another type → an error message.
pub(crate) fn opt_str(body: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{field} must be a string")),
    }
}

/// A required string field.
pub(crate) fn req_str(body: &Map<String, Value>, field: &str) -> Result<String, String> {
    match opt_str(body, field)? {
        Some(s) if !s.is_empty() => Ok(s),
        Some(_) => Err(format!("{field} must not be empty")),
        None => Err(format!("{field} is required")),
    }
}

/// `^[a-z0-9][a-z0-9_-]{0,63}$`
pub(crate) fn is_slug(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-')
}

/// Checks a redirect target given at the start of a flow (see [`Mode`] for what lax relaxes).
pub(crate) fn check_redirect_target(raw: &str, mode: Mode) -> Result<url::Url, String> {
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("redirect URL must not contain whitespace or control characters".to_owned());
    }
    let url =
        url::Url::parse(raw).map_err(|_| "redirect URL must be an absolute URI".to_owned())?;
    let scheme = url.scheme();
    if scheme != "https" && scheme != "http" {
        return Err(format!("redirect URL scheme {scheme:?} is not allowed"));
    }
    if url.host().is_none() {
        return Err("redirect URL must have a host".to_owned());
    }
    if mode == Mode::Lax {
        return Ok(url);
    }
    if scheme == "http" && !is_loopback(&url) {
        return Err("redirect URL must use https (http only to loopback)".to_owned());
    }
    if url.fragment().is_some() || raw.contains('#') {
        return Err("redirect URL must not have a fragment".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("redirect URL must not have userinfo".to_owned());
    }
    Ok(url)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets() {
        let ok = [
            "https://app.example.com/done",
            "http://127.0.0.1:8080/cb",
            "http://127.1.2.3/cb",
            "http://[::1]:9/cb",
            "http://localhost/cb?x=1",
        ];
        for u in ok {
            assert!(check_redirect_target(u, Mode::Strict).is_ok(), "{u}");
        }
        let bad = [
            "http://example.com/cb",
            "https://app.example.com/cb#frag",
            "https://user:pw@app.example.com/cb",
            "javascript:alert(1)",
            "data:text/html,hi",
            "/relative",
            "https://app.example.com/a b",
            "ftp://example.com/",
        ];
        for u in bad {
            assert!(check_redirect_target(u, Mode::Strict).is_err(), "{u}");
        }
        assert!(check_redirect_target("http://example.com/cb#f", Mode::Lax).is_ok());
        assert!(check_redirect_target("javascript:alert(1)", Mode::Lax).is_err());
    }

    #[test]
    fn slugs() {
        assert!(is_slug("googlesheets"));
        assert!(is_slug("linkedin_pages-2"));
        assert!(!is_slug("Tiktok"));
        assert!(!is_slug(""));
        assert!(!is_slug("-x"));
        assert!(!is_slug(&"a".repeat(65)));
    }
}
