//! The vendor's side of the provider's answer: consume the state, exchange the code with the
//! stored verifier, and hand the authorised flow to the vendor's module, which decides what
//! happens next (record accounts, a screen of its own, where the browser goes).

use std::sync::MutexGuard;

use http::Method;
use time::OffsetDateTime;

use super::provider::exchange_code;
use super::shared::{STATE_GONE, bad_state, subject};
use crate::context::Ctx;
use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::fixture::{FacebookPage, Fixture};
use crate::html;
use crate::state::{Data, Flow, Stage};

/// The end of a flow, as the vendor reports it.
#[derive(Debug)]
pub(crate) enum Outcome {
    Connected(Vec<String>),
    Failed(String),
}

fn sanitize_code(s: &str) -> String {
    if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        s.to_owned()
    } else {
        "server_error".to_owned()
    }
}

/// A flow the provider has answered, taken out of the pending flows. The lock stays held, so
/// that what the vendor does next (recording accounts) is atomic with consuming the state.
#[derive(Debug)]
pub(crate) struct Authorised<'a> {
    pub(crate) d: MutexGuard<'a, Data>,
    pub(crate) flow: Box<Flow>,
    pub(crate) now: OffsetDateTime,
    /// Why the flow failed at the provider (its `error=`, a missing code, or the code
    /// exchange's RFC 6749 §5.2 error code); `None` when the code was exchanged.
    pub(crate) failure: Option<String>,
}

impl Authorised<'_> {
    /// Records the account(s) the flow connects: one, or one per Facebook page.
    pub(crate) fn connect(&mut self, pages: &[FacebookPage]) -> Outcome {
        connect_accounts(&mut self.d, &self.flow, pages, self.now)
    }
}

/// Records the account(s) a completed flow connects, as the outcome the vendor reports.
pub(crate) fn connect_accounts(
    d: &mut Data,
    flow: &Flow,
    pages: &[FacebookPage],
    now: OffsetDateTime,
) -> Outcome {
    match d.connect_accounts(flow, pages, now) {
        Ok(ids) => Outcome::Connected(ids),
        Err(code) => Outcome::Failed(code.to_owned()),
    }
}

/// `GET {root}/__vendor/{vendor}/callback?code=…&state=…` (or `error=…&state=…`): consumes the
/// state (single use; unknown, replayed, foreign or expired → an HTML error page, never a
/// redirect) and exchanges the code exactly as the token endpoint does.
pub(crate) fn authorise<'a>(
    ctx: &'a Ctx,
    vendor: MockVendor,
    req: &MockRequest,
) -> Result<Authorised<'a>, Box<MockResponse>> {
    if req.method != Method::GET {
        return Err(Box::new(html::method_not_allowed("GET")));
    }
    let Some(state) = req.query_param("state") else {
        return Err(Box::new(bad_state("The callback has no state.")));
    };
    let now = ctx.state.now();
    let mut d = ctx.state.lock();
    match d.flows.live(&state, now) {
        Some(f) if f.vendor != vendor => return Err(Box::new(bad_state(STATE_GONE))),
        Some(f) if !matches!(f.stage, Stage::AwaitingCallback) => {
            return Err(Box::new(bad_state(
                "This state has not been authorized by the provider.",
            )));
        }
        Some(_) => {}
        None => return Err(Box::new(bad_state(STATE_GONE))),
    }
    let Some(flow) = d.flows.remove(&state) else {
        return Err(Box::new(bad_state(STATE_GONE)));
    };
    let failure = if let Some(e) = req.query_param("error") {
        Some(sanitize_code(&e))
    } else if let Some(code) = req.query_param("code") {
        exchange_code(&mut d, now, &code, ctx.callback_uri(vendor), &flow.verifier)
            .err()
            .map(|e| e.code.to_owned())
    } else {
        Some("invalid_request".to_owned())
    };
    Ok(Authorised {
        d,
        flow,
        now,
        failure,
    })
}

/// The completion page: what a vendor without a redirect back to the app shows at the end.
pub(crate) fn completion_page(fixture: &Fixture, flow: &Flow, outcome: Outcome) -> MockResponse {
    let s = subject(fixture, flow);
    match outcome {
        Outcome::Connected(ids) => html::completion_page(&s, None, &ids),
        Outcome::Failed(code) => html::completion_page(&s, Some(&code), &[]),
    }
}
