//! The admin API over HTTP, `{root}/__admin/…`: the operations of [`MockState`](crate::MockState)
//! as routes. The table of routes, bodies and answers is on `MockState`, and only there.

use http::Method;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::context::Ctx;
use crate::core::mode::ModeBody;
use crate::core::{MockRequest, MockResponse, MockVendor, Scenario};
use crate::fixture::Fixture;
use crate::state::AdminError;

pub(crate) fn admin_error(status: u16, message: &str) -> MockResponse {
    MockResponse::json(status, &json!({"error": message}))
}

fn ok() -> MockResponse {
    MockResponse::json(200, &json!({"ok": true}))
}

fn body<T: DeserializeOwned>(req: &MockRequest) -> Result<T, serde_json::Error> {
    serde_json::from_slice(&req.body)
}

fn invalid_body(e: serde_json::Error) -> MockResponse {
    admin_error(400, &format!("invalid body: {e}"))
}

fn json_of<T: serde::Serialize>(v: &T) -> MockResponse {
    match serde_json::to_value(v) {
        Ok(v) => MockResponse::json(200, &v),
        Err(e) => admin_error(500, &e.to_string()),
    }
}

fn not_allowed(allow: &str) -> MockResponse {
    admin_error(405, "method not allowed").header("allow", allow)
}

pub(crate) fn handle(ctx: &Ctx, req: &MockRequest, rest: &str) -> MockResponse {
    let st = &ctx.state;
    let m = &req.method;
    let rest = rest.trim_end_matches('/');
    match rest {
        "" => match *m {
            Method::GET => MockResponse::json(
                200,
                &json!({
                    "mode": st.mode(),
                    "state_ttl_secs": st.state_ttl().as_secs(),
                    "scenarios": st.scenarios(),
                    "pending_flows": st.pending_flows(),
                }),
            ),
            _ => not_allowed("GET"),
        },
        "/reset" => match *m {
            Method::POST => {
                st.reset();
                ok()
            }
            _ => not_allowed("POST"),
        },
        "/fixture" => match *m {
            Method::GET => json_of(&st.fixture()),
            Method::PUT | Method::POST => match body::<Fixture>(req) {
                Ok(f) => {
                    st.load_fixture(f);
                    ok()
                }
                Err(e) => invalid_body(e),
            },
            _ => not_allowed("GET, PUT, POST"),
        },
        "/accounts" => match *m {
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
        "/requests" => match *m {
            Method::GET => json_of(&st.requests()),
            Method::DELETE => {
                st.clear_requests();
                ok()
            }
            _ => not_allowed("GET, DELETE"),
        },
        "/scenarios" => match *m {
            Method::GET => json_of(&st.scenarios()),
            _ => not_allowed("GET"),
        },
        "/mode" => match *m {
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
        other => {
            let Some(slug) = other.strip_prefix("/scenarios/") else {
                return admin_error(404, "unknown admin path");
            };
            let Some(vendor) = MockVendor::from_slug(slug) else {
                return admin_error(404, "unknown vendor");
            };
            match *m {
                Method::PUT | Method::POST => match body::<Scenario>(req) {
                    Ok(s) => match st.set_scenario(vendor, s) {
                        Ok(()) => ok(),
                        Err(AdminError::Invalid(e)) => admin_error(400, &e),
                        Err(AdminError::Unsupported(e)) => admin_error(501, &e),
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
    }
}
