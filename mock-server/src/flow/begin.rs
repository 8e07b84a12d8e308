//! The start of a flow: a vendor's connect mints a state and a PKCE verifier, and gets the
//! provider's authorization URL to hand out.

use super::shared::push_form_value;
use crate::context::Ctx;
use crate::core::clock::expiry;
use crate::core::token::challenge_of;
use crate::core::{MockVendor, ProviderFault, Token, random_token};
use crate::state::{Flow, Snapshot, Stage};

/// Flags a scenario puts on the flow a connect mints.
#[derive(Debug, Clone, Default)]
pub(crate) struct FlowOptions {
    pub(crate) expire_now: bool,
    pub(crate) deny: bool,
    /// A provider-side fault the flow meets (a scenario).
    pub(crate) fault: Option<ProviderFault>,
}

/// What a vendor's connect asks the state machine for.
#[derive(Debug)]
pub(crate) struct NewFlow {
    pub(crate) vendor: MockVendor,
    pub(crate) provider: String,
    pub(crate) platform: String,
    pub(crate) owner_id: String,
    pub(crate) redirect_target: Option<url::Url>,
    pub(crate) opts: FlowOptions,
}

/// The flow a connect started: its state and the provider's authorization URL.
#[derive(Debug)]
pub(crate) struct Minted {
    pub(crate) state: Token,
    pub(crate) authorization_url: String,
}

/// The provider's authorization URL of `flow`, with `extra` parameters appended.
pub(crate) fn authorize_url(ctx: &Ctx, flow: &Flow, extra: &[(String, String)]) -> String {
    let prefix = ctx.authorize_prefix(flow.vendor);
    let mut out = String::with_capacity(prefix.len() + 160);
    out.push_str(prefix);
    // Both are URL-safe base64 (`random_token`, `pkce_s256`): nothing to encode.
    out.push_str(&flow.state);
    out.push_str("&code_challenge=");
    out.push_str(&flow.challenge);
    out.push_str("&code_challenge_method=S256&provider=");
    push_form_value(&mut out, &flow.provider);
    for (k, v) in extra {
        out.push('&');
        push_form_value(&mut out, k);
        out.push('=');
        push_form_value(&mut out, v);
    }
    out
}

/// Mints a state (and PKCE verifier) for a connect validated against `snap`, and the
/// provider's authorization URL the vendor hands out. Everything but the insertion runs outside
/// the lock; a reset since `snap` was taken drops the flow (the connect is ordered before that
/// reset, which would have removed it).
pub(crate) fn begin(ctx: &Ctx, snap: &Snapshot, nf: NewFlow) -> Minted {
    let (state, url) = mint(ctx, snap, nf, true);
    Minted {
        state,
        authorization_url: url.unwrap_or_default(),
    }
}

/// [`begin`] for a vendor that hands out a page of its own (Ocoya's start page), which builds
/// the provider's URL only when the browser gets there: the state alone.
pub(crate) fn begin_at_own_page(ctx: &Ctx, snap: &Snapshot, nf: NewFlow) -> Token {
    mint(ctx, snap, nf, false).0
}

fn mint(ctx: &Ctx, snap: &Snapshot, nf: NewFlow, link: bool) -> (Token, Option<String>) {
    let now = ctx.state.now();
    let state = random_token();
    let verifier = random_token();
    let challenge = challenge_of(&verifier);
    let expires_at = if nf.opts.expire_now {
        now
    } else {
        expiry(now, snap.state_ttl)
    };
    let mut flow = Flow {
        vendor: nf.vendor,
        rules: nf.vendor.rules(),
        state,
        verifier,
        challenge,
        provider: nf.provider,
        platform: nf.platform,
        owner_id: nf.owner_id,
        redirect_target: nf.redirect_target,
        expires_at,
        stage: Stage::AwaitingConsent,
        deny: nf.opts.deny,
        fault: nf.opts.fault,
        auto_pages: None,
        seq: 0,
    };
    let authorization_url = link.then(|| authorize_url(ctx, &flow, &[]));
    let mut d = ctx.state.lock();
    if d.generation == snap.generation {
        flow.seq = d.next();
        d.flows.insert(state, Box::new(flow), now);
    }
    drop(d);
    (state, authorization_url)
}
