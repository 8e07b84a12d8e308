//! What every vendor API does before its connect handler: the body limit, routing, the method
//! and the scenarios.

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
    if rel != vendor.connect_path() {
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
    resp.delay = delay;
    resp
}
