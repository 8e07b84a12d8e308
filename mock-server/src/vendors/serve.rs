//! What every vendor API does before its connect handler: the body limit (in the vendor's
//! shape), its connect path, the method and the scenarios.

use std::sync::atomic::Ordering;

use crate::context::Ctx;
use crate::contract::Completion;
use crate::core::{MockRequest, MockResponse, MockVendor, Scenario};
use crate::flow::{FlowOptions, ProviderFault};

use super::{ErrKind, module};

/// A request to `vendor`'s API (the route table sent it: its path is under the vendor's
/// prefix), its body over the limit when `too_large`. The answer, whoever wrote it, holds what
/// the spec requires of its status ([`complete`]).
pub(crate) fn handle(
    ctx: &Ctx,
    vendor: MockVendor,
    req: &MockRequest,
    too_large: bool,
) -> MockResponse {
    let rel = req.path.get(vendor.prefix().len()..).unwrap_or_default();
    let mut resp = answer(ctx, vendor, req, rel, too_large);
    complete(ctx, vendor, &mut resp);
    resp
}

fn answer(
    ctx: &Ctx,
    vendor: MockVendor,
    req: &MockRequest,
    rel: &str,
    too_large: bool,
) -> MockResponse {
    let m = module(vendor);
    if too_large {
        return m.error(
            ctx,
            ErrKind::PayloadTooLarge,
            &format!(
                "Request body larger than {} bytes",
                ctx.state.max_body_bytes()
            ),
        );
    }
    if vendor.path_params(rel).is_none() {
        return m.error(ctx, ErrKind::NotFound, "Not found");
    }
    let method = vendor.contract().method.as_str();
    if req.method.as_str() != method {
        return m
            .error(ctx, ErrKind::MethodNotAllowed, "Method not allowed")
            .header("allow", method);
    }
    let snap = ctx.state.snapshot(vendor);
    let mut opts = FlowOptions::default();
    let mut delay = None;
    match snap.scenario {
        None => {}
        Some(Scenario::Latency { ms }) => delay = Some(std::time::Duration::from_millis(ms)),
        Some(Scenario::RateLimited { retry_after_secs }) => {
            let r = m.error(ctx, ErrKind::RateLimited, "Too many requests");
            return match retry_after_secs {
                Some(s) => r.header("retry-after", &s.to_string()),
                None => r,
            };
        }
        Some(Scenario::ServerError { status }) => {
            return m.error(ctx, ErrKind::Server(status), "Internal server error");
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
        Some(Scenario::ExchangeFails) => opts.fault = Some(ProviderFault::ExchangeFails),
        Some(Scenario::ProviderError {
            error,
            ref description,
        }) => {
            opts.fault = Some(ProviderFault::Error(error, description.clone()));
        }
        Some(Scenario::WrongState) => opts.fault = Some(ProviderFault::WrongState),
        Some(Scenario::SlowConsent { ms }) => {
            opts.fault = Some(ProviderFault::Slow(std::time::Duration::from_millis(ms)));
        }
    }
    let mut resp = m.connect(ctx, &snap, req, opts);
    resp.delay = delay;
    resp
}

/// Fills into a JSON answer what the vendor's spec requires of its status and the module does
/// not write, so that a property or a documented status a regenerated spec adds needs no hand
/// edit. A module's success answers have one shape: once one is seen complete, the others are
/// not parsed again (the hot path); errors, rarer, are checked each time. A body that is not
/// JSON (a scenario's malformed or HTML answer) is left as it is. What a service has seen is
/// in its context ([`Ctx::shapes`]: 2 when the module's success answers lack a property the
/// spec added after the module was written, filled in on every answer).
fn complete(ctx: &Ctx, vendor: MockVendor, resp: &mut MockResponse) {
    let contract = vendor.contract();
    let success = resp.status == contract.success;
    let shape = &ctx.shapes[vendor.index()];
    if success && shape.load(Ordering::Relaxed) == 1 {
        return;
    }
    match contract.complete_answer(resp.status, &resp.body) {
        Completion::Filled(body) => {
            resp.body = body.into();
            if success {
                shape.store(2, Ordering::Relaxed);
            }
        }
        Completion::Complete if success => shape.store(1, Ordering::Relaxed),
        Completion::Complete | Completion::Unread => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx::new(
            "http://127.0.0.1:1".to_owned(),
            String::new(),
            MockVendor::ALL.to_vec(),
            crate::state::MockState::new(crate::MockConfig::default(), true),
        )
    }

    fn check(vendor: MockVendor, r: &MockResponse) -> Vec<String> {
        let content_type = r.headers.get("content-type").and_then(|v| v.to_str().ok());
        vendor
            .contract()
            .check_response(r.status, content_type, &r.body)
    }

    /// An error answer short of what the spec requires of its status (as a module written
    /// before the spec documented the status would answer) gets it filled in; what it had stays.
    #[test]
    fn an_answer_short_of_what_its_status_requires_is_completed() {
        let vendor = MockVendor::Aitronos;
        let mut r = MockResponse::json(401, &serde_json::json!({"message": "no key"}));
        assert!(!check(vendor, &r).is_empty(), "short before");
        complete(&ctx(), vendor, &mut r);
        assert!(check(vendor, &r).is_empty(), "{:?}", check(vendor, &r));
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["message"], "no key");
        assert!(body["error"]["code"].is_string(), "{body}");
    }

    /// A body that is not JSON (a scenario's HTML or malformed answer) is left as it is.
    #[test]
    fn an_answer_that_is_not_json_is_left_alone() {
        let mut r = MockResponse::new(200).with_body(&b"{\"url\": \"http://unterminated"[..]);
        let before = r.body.clone();
        complete(&ctx(), MockVendor::Ocoya, &mut r);
        assert_eq!(r.body, before);
    }

    /// What a service learns of its modules' answers is its own: another service (a tenant, a
    /// test's mock) starts from nothing.
    #[test]
    fn what_one_service_learns_of_answers_stays_its_own() {
        let (a, b) = (ctx(), ctx());
        let vendor = MockVendor::Ocoya;
        let mut r = MockResponse::json(vendor.contract().success, &serde_json::json!({}));
        complete(&a, vendor, &mut r);
        let seen = |c: &Ctx| c.shapes[vendor.index()].load(Ordering::Relaxed);
        assert_eq!((seen(&a), seen(&b)), (2, 0));
        assert!(check(vendor, &r).is_empty(), "{:?}", check(vendor, &r));
    }
}
