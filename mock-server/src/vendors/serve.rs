//! What every vendor API does before its connect handler: the body limit, routing, the method
//! and the scenarios.

use std::sync::atomic::{AtomicU8, Ordering};

use crate::context::Ctx;
use crate::core::{MockRequest, MockResponse, MockVendor, Scenario};
use crate::flow::{FlowOptions, ProviderFault};

use super::{ErrKind, module};

/// A request to `vendor`'s API; `rel` is the path after the vendor prefix.
pub(crate) fn handle(ctx: &Ctx, vendor: MockVendor, req: &MockRequest, rel: &str) -> MockResponse {
    let m = module(vendor);
    if req.body.len() > ctx.state.max_body_bytes() {
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
    let method = vendor.contract().method;
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
    complete_success(vendor, &mut resp);
    resp.delay = delay;
    resp
}

/// Per vendor, what its module's success answers are: not yet seen (0), all the spec requires
/// (1), or short of a property the spec requires (2: one the spec added after the module was
/// written, filled in on every answer).
static SHAPE: [AtomicU8; MockVendor::COUNT] = [const { AtomicU8::new(0) }; MockVendor::COUNT];

/// Fills into a success answer what the vendor's spec requires and its module does not write,
/// so that a property a regenerated spec adds to an answer needs no hand edit. A module's
/// answers have one shape: once one is seen complete, the others are not parsed again.
fn complete_success(vendor: MockVendor, resp: &mut MockResponse) {
    let contract = vendor.contract();
    let shape = &SHAPE[vendor.index()];
    if resp.status != contract.success || shape.load(Ordering::Relaxed) == 1 {
        return;
    }
    match contract.complete_answer(resp.status, &resp.body) {
        Some(body) => {
            resp.body = body.into();
            shape.store(2, Ordering::Relaxed);
        }
        None => shape.store(1, Ordering::Relaxed),
    }
}
