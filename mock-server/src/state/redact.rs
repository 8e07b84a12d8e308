//! What the request log keeps of a request: no credential, and no part larger than a cap.
//!
//! A key belongs in the vendor's auth header, which the log never keeps; but a careless client
//! may put one in the query (`?api_key=…`) or the body. Two rules catch it: a parameter or JSON
//! field whose name says it holds a credential has its value replaced (compared without case,
//! `-` or `_`: a name that ends in `key`, `token`, `secret`, `password`, `passwd`,
//! `credential(s)`, `authorization`, `bearer` or `verifier`, such as `api_key`, `X-Auth-Token`,
//! `client_secret`, `privateKey`), and any of the fixture's keys is replaced wherever it
//! appears. Then each part is cut to its cap (on a character boundary).

use std::borrow::Cow;

/// Most bytes of a path the log keeps.
pub(crate) const MAX_PATH: usize = 1024;
/// Most bytes of a query the log keeps.
pub(crate) const MAX_QUERY: usize = 1024;
/// Most bytes of a body the log keeps.
pub(crate) const MAX_BODY: usize = 4096;

/// What a credential is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

/// How the names (lower case, without `-` and `_`) of parameters and fields that carry
/// credentials end. Over-redacting a harmless `idempotency_key` is the price of catching
/// `private_key`.
const SECRET_SUFFIXES: [&str; 10] = [
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "credential",
    "credentials",
    "authorization",
    "bearer",
    "verifier",
];

/// Substrings (lower case) whose absence from a text proves no secret name is in it: the cheap
/// test that spares most bodies a parse. Each suffix above contains one.
const SECRET_HINTS: [&str; 8] = [
    "key",
    "token",
    "secret",
    "passw",
    "credential",
    "authoriz",
    "bearer",
    "verifier",
];

/// Whether a parameter or field named `name` carries a credential.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let norm: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_SUFFIXES.iter().any(|s| norm.ends_with(s))
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// `s` cut to at most `max` bytes, on a character boundary, in an allocation of its own size
/// (`String::truncate` would keep the whole buffer alive in the log).
pub(crate) fn truncate(s: String, max: usize) -> (String, bool) {
    if s.len() <= max {
        return (s, false);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    (s[..end].to_owned(), true)
}

/// Replaces every occurrence of a known key.
fn scrub_keys<'a>(text: Cow<'a, str>, keys: &[String]) -> Cow<'a, str> {
    let mut text = text;
    for k in keys.iter().filter(|k| !k.is_empty()) {
        if text.contains(k.as_str()) {
            text = Cow::Owned(text.replace(k.as_str(), REDACTED));
        }
    }
    text
}

/// A path with every known key scrubbed (a key pasted into a path segment).
pub(crate) fn scrub(path: String, keys: &[String]) -> String {
    match scrub_keys(Cow::Borrowed(&path), keys) {
        Cow::Borrowed(_) => path,
        Cow::Owned(o) => o,
    }
}

/// A query string (or form body) with the value of every credential-named parameter replaced
/// and every known key scrubbed; the rest is kept byte for byte.
pub(crate) fn query<'a>(q: &'a str, keys: &[String]) -> Cow<'a, str> {
    let named = SECRET_HINTS.iter().any(|h| contains_ignore_case(q, h)) && {
        q.split('&').any(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            is_secret_name(&decoded(name))
        })
    };
    let q: Cow<'a, str> = if named {
        let parts: Vec<String> = q
            .split('&')
            .map(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                if is_secret_name(&decoded(name)) {
                    format!("{name}={REDACTED}")
                } else {
                    pair.to_owned()
                }
            })
            .collect();
        Cow::Owned(parts.join("&"))
    } else {
        Cow::Borrowed(q)
    };
    scrub_keys(q, keys)
}

fn decoded(name: &str) -> String {
    url::form_urlencoded::parse(name.as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_default()
}

/// A request body as the log keeps it: JSON with credential-named fields replaced (at any
/// depth), a form with credential-named parameters replaced, known keys scrubbed either way.
pub(crate) fn body<'a>(text: &'a str, keys: &[String]) -> Cow<'a, str> {
    if !SECRET_HINTS.iter().any(|h| contains_ignore_case(text, h)) {
        return scrub_keys(Cow::Borrowed(text), keys);
    }
    if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(text) {
        if redact_json(&mut v) {
            let out = serde_json::to_string(&v).unwrap_or_else(|_| REDACTED.to_owned());
            return scrub_keys(Cow::Owned(out), keys);
        }
        return scrub_keys(Cow::Borrowed(text), keys);
    }
    query(text, keys)
}

/// Replaces the values of credential-named fields; whether any was.
fn redact_json(v: &mut serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => {
            let mut any = false;
            for (k, v) in m.iter_mut() {
                if is_secret_name(k) {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                    any = true;
                } else {
                    any |= redact_json(v);
                }
            }
            any
        }
        serde_json::Value::Array(a) => a.iter_mut().fold(false, |any, v| redact_json(v) | any),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<String> {
        vec!["sk_test_owner".to_owned(), "sk_test_member".to_owned()]
    }

    #[test]
    fn credential_parameters_lose_their_values() {
        let k = keys();
        assert_eq!(
            query("api_key=sk_live_x&projectId=p", &k),
            "api_key=[redacted]&projectId=p"
        );
        assert_eq!(
            query("X-Api-Key=a&access_token=b&Client_Secret=c&a=1", &k),
            "X-Api-Key=[redacted]&access_token=[redacted]&Client_Secret=[redacted]&a=1"
        );
        // Percent-encoded names are decoded before they are compared.
        assert_eq!(query("api%5Fkey=x", &k), "api%5Fkey=[redacted]");
        // A known key anywhere, under any name.
        assert_eq!(
            query("organization_id=sk_test_owner&x=1", &k),
            "organization_id=[redacted]&x=1"
        );
        // Nothing to do: the same string, not a copy.
        assert!(matches!(
            query("organization_id=org_demo", &k),
            Cow::Borrowed(_)
        ));
        for name in [
            "api_token",
            "auth_token",
            "apiSecret",
            "secret_key",
            "private_key",
            "access_key",
            "x-auth-token",
            "bearer",
            "Password",
            "db_passwd",
            "aws_credentials",
        ] {
            assert_eq!(
                query(&format!("{name}=v&a=1"), &k),
                format!("{name}=[redacted]&a=1"),
                "{name}"
            );
            let sent = format!("{{\"{name}\":\"v\"}}");
            let json = body(&sent, &k);
            assert!(
                json.contains("[redacted]") && !json.contains(":\"v\""),
                "{name}: {json}"
            );
        }
        for kept in [
            "platform=x",
            "projectId=p",
            "redirectUrl=u",
            "connector=c",
            "tokens=2",
        ] {
            assert_eq!(query(kept, &k), kept);
        }
    }

    #[test]
    fn bodies_are_redacted_at_any_depth() {
        let k = keys();
        let out = body(
            r#"{"projectId":"p","apiKey":"sk_live_x","nested":[{"token":"t"}]}"#,
            &k,
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["apiKey"], "[redacted]");
        assert_eq!(v["nested"][0]["token"], "[redacted]");
        assert_eq!(v["projectId"], "p");
        assert_eq!(
            body(r#"{"note":"sk_test_member"}"#, &k),
            r#"{"note":"[redacted]"}"#
        );
        assert_eq!(body("api_key=x&y=2", &k), "api_key=[redacted]&y=2");
        // Secrets only inside a list, in more than one of its items.
        let listed = body(r#"{"items":[{"token":"t1"},{"token":"t2"},{"n":1}]}"#, &k);
        assert!(!listed.contains("t1") && !listed.contains("t2"), "{listed}");
        let plain = r#"{"projectId":"proj_demo","platform":"X"}"#;
        assert!(matches!(body(plain, &k), Cow::Borrowed(_)));
    }

    #[test]
    fn truncation_keeps_characters_whole() {
        assert_eq!(truncate("abc".to_owned(), 3), ("abc".to_owned(), false));
        assert_eq!(truncate("abcd".to_owned(), 3), ("abc".to_owned(), true));
        // "é" is two bytes: a cut inside it keeps neither half.
        assert_eq!(truncate("aé".to_owned(), 2), ("a".to_owned(), true));
        // What the log keeps of a long text is no larger than what it shows.
        let (cut, _) = truncate("x".repeat(60_000), 4096);
        assert!(cut.capacity() < 8192, "{}", cut.capacity());
    }
}
