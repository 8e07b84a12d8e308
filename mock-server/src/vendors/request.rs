//! What the vendors' connect handlers share: the key and the contract checks every connect
//! runs first (both from the vendor's spec, through its generated contract), reading validated
//! fields, the connector-slug rule, and checking redirect targets. Each vendor decides how it
//! answers a failure.

use crate::contract::{Object, Violation};
use crate::core::{MockRequest, MockVendor, Mode};
use crate::state::Snapshot;

/// The API key the request carries in one of the ways `vendor`'s spec names, if the fixture
/// knows it.
pub(crate) fn known_key(vendor: MockVendor, snap: &Snapshot, req: &MockRequest) -> Option<String> {
    vendor
        .contract()
        .key(|h| req.header(h), |q| req.query_param(q))
        .filter(|k| snap.fixture.key_known(k))
}

/// Checks the request's query and body against `vendor`'s contract (lax mode lets unknown body
/// fields through); the body as an object when they hold.
pub(crate) fn validate(
    vendor: MockVendor,
    req: &MockRequest,
    mode: Mode,
) -> Result<Object, Violation> {
    let contract = vendor.contract();
    if !contract.path_params.is_empty() {
        let rel = req.path.strip_prefix(vendor.prefix()).unwrap_or(&req.path);
        let params = vendor.path_params(rel).unwrap_or_default();
        contract.validate_path(&params)?;
    }
    // Most vendors take no query parameter: decode the query only for those that do.
    let query = if contract.query.is_empty() {
        Vec::new()
    } else {
        req.query_pairs_borrowed()
    };
    contract
        .validate(
            &query,
            req.header("content-type"),
            &req.body,
            mode == Mode::Lax,
        )
        .map(|v| v.body)
}

/// Why a redirect target cannot be taken in strict mode: its query already carries one of the
/// parameters `vendor` appends to it at the end of a flow (its manifest's `[redirect_result]`).
/// The app would read two `status` values on its return, and a parser that takes the first
/// would believe the app's own. Lax mode lets it through, so an app can test its own parser.
pub(crate) fn result_key_clash(
    vendor: MockVendor,
    target: &url::Url,
    field: &str,
    mode: Mode,
) -> Option<String> {
    let keys = social_connect_spec::redirect_result(vendor.slug())?.keys();
    let clash = target
        .query_pairs()
        .map(|(k, _)| k)
        .find(|k| keys.contains(&k.as_ref()))
        .filter(|_| mode == Mode::Strict)?;
    Some(format!(
        "{field}: its query must not carry {clash:?}: {} appends {} to it",
        vendor.name(),
        keys.join(", ")
    ))
}

/// A string field of a validated body (`None` when absent or null).
pub(crate) fn text<'b>(body: &'b Object, field: &str) -> Option<&'b str> {
    body.get(field).and_then(|v| v.as_str())
}

/// The longest redirect target a flow keeps, in bytes: **the mock's bound**, which no vendor
/// documents. Every pending flow holds one, so it bounds what 10,000 pending flows hold; 2 KiB
/// is more than browsers and proxies reliably carry in a URL anyway.
pub(crate) const MAX_REDIRECT_URL: usize = 2048;

/// Checks a redirect target given at the start of a flow (see [`Mode`] for what lax relaxes).
pub(crate) fn check_redirect_target(raw: &str, mode: Mode) -> Result<url::Url, String> {
    if raw.len() > MAX_REDIRECT_URL {
        return Err(format!(
            "redirect URL must be at most {MAX_REDIRECT_URL} bytes (it has {})",
            raw.len()
        ));
    }
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("redirect URL must not contain whitespace or control characters".to_owned());
    }
    let url =
        url::Url::parse(raw).map_err(|_| "redirect URL must be an absolute URI".to_owned())?;
    // What the flow keeps is the parsed form, percent-encoded: `é` takes six bytes there.
    if url.as_str().len() > MAX_REDIRECT_URL {
        return Err(format!(
            "redirect URL must be at most {MAX_REDIRECT_URL} bytes once percent-encoded (it has {})",
            url.as_str().len()
        ));
    }
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
    fn a_target_carrying_a_result_parameter_is_refused_in_strict_mode_only() {
        let appends = |v: &MockVendor| social_connect_spec::redirect_result(v.slug()).is_some();
        let woop = MockVendor::ALL.into_iter().find(appends).unwrap();
        let keys = social_connect_spec::redirect_result(woop.slug())
            .unwrap()
            .keys();
        let clashing: url::Url = format!("https://app.example/cb?{}=mine", keys[0])
            .parse()
            .unwrap();
        let field = woop.fields().redirect.unwrap();
        let why = result_key_clash(woop, &clashing, field, Mode::Strict).unwrap();
        let reason = format!("{field}: its query must not carry");
        assert!(why.starts_with(&reason), "{why}");
        assert!(why.contains(&keys.join(", ")), "{why}");
        assert_eq!(result_key_clash(woop, &clashing, "f", Mode::Lax), None);
        let clean: url::Url = "https://app.example/cb?mine=1".parse().unwrap();
        assert_eq!(result_key_clash(woop, &clean, "f", Mode::Strict), None);
        // A vendor that appends nothing has nothing to clash with.
        let none = MockVendor::ALL.into_iter().find(|v| !appends(v)).unwrap();
        assert_eq!(result_key_clash(none, &clashing, "f", Mode::Strict), None);
    }

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
        let at_cap = format!("https://a.example/{}", "x".repeat(MAX_REDIRECT_URL - 18));
        assert_eq!(at_cap.len(), MAX_REDIRECT_URL);
        for mode in [Mode::Strict, Mode::Lax] {
            assert!(check_redirect_target(&at_cap, mode).is_ok());
            assert!(check_redirect_target(&format!("{at_cap}y"), mode).is_err());
            // 500 `é`: 1,000 bytes as sent, 3,000 percent-encoded.
            let wide = format!("https://a.example/{}", "é".repeat(500));
            assert!(wide.len() < MAX_REDIRECT_URL);
            assert!(check_redirect_target(&wide, mode).is_err());
        }
        assert!(check_redirect_target("javascript:alert(1)", Mode::Lax).is_err());
    }
}
