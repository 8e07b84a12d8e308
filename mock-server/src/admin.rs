//! The admin API over HTTP, `{root}/__admin/…`: the operations of [`MockState`] as routes
//! (`Op`, which the route table finds), and the types of its bodies. The table of routes,
//! bodies and answers for readers is on `MockState`, and only there.

pub use crate::core::mode::ModeBody;
pub use crate::state::{AdminError, MAX_STATE_TTL, MockState};

use http::Method;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::context::Ctx;
use crate::core::{MockRequest, MockResponse, MockVendor, Scenario};
use crate::fixture::Fixture;

fn ok() -> MockResponse {
    MockResponse::json(200, &json!({"ok": true}))
}

fn body<T: DeserializeOwned>(req: &MockRequest) -> Result<T, serde_json::Error> {
    serde_json::from_slice(&req.body)
}

fn invalid_body(e: serde_json::Error) -> MockResponse {
    MockResponse::error(400, &format!("invalid body: {e}"))
}

/// `v` as a JSON answer, written straight to bytes (no `Value` tree: the log and the accounts
/// can be megabytes).
pub(crate) fn json_of<T: serde::Serialize>(v: &T) -> MockResponse {
    match serde_json::to_vec(v) {
        Ok(body) => MockResponse::json_bytes(200, body),
        Err(e) => MockResponse::error(500, &e.to_string()),
    }
}

fn not_allowed(allow: &str) -> MockResponse {
    MockResponse::error(405, "method not allowed").header("allow", allow)
}

/// Why a web page cannot drive the admin API, checked before anything else of the request:
/// - `Host` must be sent (an HTTP/1.0 request may omit it), and be a loopback name or address,
///   the mock's own host, or an allowed host (`--allow-host`): a DNS-rebinding page reaches
///   the mock under its own name, and is refused;
/// - an `Origin`, if sent, must be the mock's own (a browser sends one with every cross-site
///   `POST`, and with every `fetch`);
/// - a write (`POST`, `PUT`, `DELETE`, `PATCH`) must say `Content-Type: application/json`,
///   which no form and no "simple" cross-site request can send without a CORS preflight, and
///   the mock never approves one.
///
/// Vendor endpoints and flow pages are not affected: browsers are meant to reach those.
pub(crate) fn guard(ctx: &Ctx, req: &MockRequest) -> Option<MockResponse> {
    if req
        .headers
        .get(http::header::HOST)
        .is_some_and(|h| h.to_str().is_err())
    {
        return Some(MockResponse::error(
            403,
            "the admin API refuses an unreadable Host",
        ));
    }
    let Some(h) = req.header("host") else {
        return Some(MockResponse::error(
            403,
            "the admin API answers only a request that names its Host (loopback, the mock's own \
             or an allowed one)",
        ));
    };
    if !host_allowed(ctx, h) {
        return Some(MockResponse::error(
            403,
            &format!(
                "the admin API does not answer to Host {h:?}; start the mock with --allow-host \
                 NAME to allow a name other than loopback and its own address"
            ),
        ));
    }
    if let Some(origin) = req.header("origin")
        && origin != ctx.site
        && origin.strip_prefix("http://") != Some(h)
    {
        return Some(MockResponse::error(
            403,
            &format!("the admin API refuses requests from other origins ({origin:?})"),
        ));
    }
    let write = !matches!(req.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if write && !is_json(req.header("content-type")) {
        return Some(MockResponse::error(
            415,
            "admin writes must be sent with Content-Type: application/json",
        ));
    }
    None
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|c| {
        c.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// The name of a `Host` header (without its port or IPv6 brackets), checked against loopback,
/// the mock's own origin and the allowed names.
fn host_allowed(ctx: &Ctx, host: &str) -> bool {
    let name = host_name(host);
    if name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    {
        return true;
    }
    let own = ctx
        .site
        .split_once("://")
        .map_or(ctx.site.as_str(), |(_, rest)| rest);
    if name.eq_ignore_ascii_case(host_name(own)) {
        return true;
    }
    ctx.state
        .allowed_hosts()
        .iter()
        .any(|a| a.eq_ignore_ascii_case(name))
}

fn host_name(host: &str) -> &str {
    let host = host.trim();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// An operation of the admin API: what a path under `{root}/__admin` names. The route table
/// ([`crate::routes`]) finds it, with or without one trailing `/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `/__admin`: the service's status.
    Status,
    /// `/__admin/reset`.
    Reset,
    /// `/__admin/fixture`.
    Fixture,
    /// `/__admin/accounts`.
    Accounts,
    /// `/__admin/requests`.
    Requests,
    /// `/__admin/scenarios`: every vendor's.
    Scenarios,
    /// `/__admin/scenarios/{vendor}`: one vendor's.
    Scenario(MockVendor),
    /// `/__admin/mode`.
    Mode,
    /// `/__admin/scenarios/{other}`: a vendor the mock does not have.
    UnknownVendor,
    /// Any other path under `/__admin/`.
    Unknown,
}

impl Op {
    /// Each operation's path under `/__admin`, a vendor's scenario for every vendor.
    pub(crate) fn paths() -> impl Iterator<Item = (String, Op)> {
        let fixed = [
            ("", Op::Status),
            ("/reset", Op::Reset),
            ("/fixture", Op::Fixture),
            ("/accounts", Op::Accounts),
            ("/requests", Op::Requests),
            ("/scenarios", Op::Scenarios),
            ("/mode", Op::Mode),
            ("/scenarios/{other}", Op::UnknownVendor),
            ("/{*other}", Op::Unknown),
        ];
        let scenarios = MockVendor::ALL
            .into_iter()
            .map(|v| (format!("/scenarios/{}", v.slug()), Op::Scenario(v)));
        fixed
            .into_iter()
            .map(|(path, op)| (path.to_owned(), op))
            .chain(scenarios)
    }
}

pub(crate) fn handle(ctx: &Ctx, req: &MockRequest, op: Op) -> MockResponse {
    let st = &ctx.state;
    let m = &req.method;
    match op {
        Op::Status => match *m {
            Method::GET => MockResponse::json(
                200,
                &json!({
                    "service": "social-connect-mock",
                    "mode": st.mode(),
                    "state_ttl_secs": st.state_ttl().as_secs(),
                    "scenarios": st.scenarios(),
                    "pending_flows": st.pending_flows(),
                }),
            ),
            _ => not_allowed("GET"),
        },
        Op::Reset => match *m {
            Method::POST => {
                st.reset();
                ok()
            }
            _ => not_allowed("POST"),
        },
        Op::Fixture => match *m {
            Method::GET => json_of(&st.fixture()),
            Method::PUT | Method::POST => match body::<Fixture>(req) {
                Ok(f) => match f.check() {
                    Ok(()) => {
                        st.load_fixture(f);
                        ok()
                    }
                    Err(e) => MockResponse::error(400, &e.to_string()),
                },
                Err(e) => invalid_body(e),
            },
            _ => not_allowed("GET, PUT, POST"),
        },
        Op::Accounts => match *m {
            Method::GET => {
                let filter = req.query_param("vendor");
                let accounts: Vec<_> = st
                    .accounts()
                    .into_iter()
                    .filter(|a| filter.as_deref().is_none_or(|f| a.vendor.slug() == f))
                    .collect();
                json_of(&accounts)
            }
            _ => not_allowed("GET"),
        },
        Op::Requests => match *m {
            Method::GET => json_of(&st.requests()),
            Method::DELETE => {
                st.clear_requests();
                ok()
            }
            _ => not_allowed("GET, DELETE"),
        },
        Op::Scenarios => match *m {
            Method::GET => json_of(&st.scenarios()),
            _ => not_allowed("GET"),
        },
        Op::Mode => match *m {
            Method::GET => json_of(&ModeBody { mode: st.mode() }),
            Method::PUT | Method::POST => match body::<ModeBody>(req) {
                Ok(b) => {
                    st.set_mode(b.mode);
                    ok()
                }
                Err(e) => invalid_body(e),
            },
            _ => not_allowed("GET, PUT, POST"),
        },
        Op::Scenario(vendor) => scenario(st, req, vendor),
        Op::UnknownVendor => MockResponse::error(404, "unknown vendor"),
        Op::Unknown => MockResponse::error(404, "unknown admin path"),
    }
}

/// `/__admin/scenarios/{vendor}`.
fn scenario(st: &MockState, req: &MockRequest, vendor: MockVendor) -> MockResponse {
    match req.method {
        Method::PUT | Method::POST => match body::<Scenario>(req) {
            Ok(s) => match st.set_scenario(vendor, s) {
                Ok(()) => ok(),
                Err(AdminError::Invalid(e)) => MockResponse::error(400, &e),
                Err(AdminError::Unsupported(e)) => MockResponse::error(501, &e),
            },
            Err(e) => invalid_body(e),
        },
        Method::DELETE => {
            st.clear_scenario(vendor);
            ok()
        }
        Method::GET => json_of(&st.scenarios().get(&vendor)),
        _ => not_allowed("GET, PUT, POST, DELETE"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_header_names_its_host_without_a_numeric_port() {
        let cases = [
            ("mock.example:4010", "mock.example"),
            ("mock.example", "mock.example"),
            (" mock.example:80 ", "mock.example"),
            ("[::1]:4010", "::1"),
            ("[::1]", "::1"),
            // Not a port: the whole value is the name, which no allowed host matches.
            ("mock.example:evil", "mock.example:evil"),
            ("mock.example:", "mock.example"),
        ];
        for (host, name) in cases {
            assert_eq!(host_name(host), name, "{host}");
        }
    }
}
