//! What the vendors' connect handlers share: reading keys, JSON bodies and fields, and checking
//! redirect targets. Each vendor decides which of these it uses and how it answers a failure.

use serde_json::{Map, Value};

use crate::core::{MockRequest, Mode};

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
