//! A mock of five vendors' "start an OAuth connect flow" APIs — Recoup, WoopSocial, Postbreeze,
//! Aitronos and Ocoya — with their redirect flows, so apps can contract-test the whole connect
//! flow in CI.
//!
//! # Architecture
//!
//! Vendor behaviour is transport-free: [`MockService::handle`] takes a [`MockRequest`] and returns
//! a [`MockResponse`], synchronously. One module per vendor holds its responses and error bodies;
//! a shared OAuth engine (state, PKCE S256, a fake provider with a consent page and a token
//! endpoint, the vendor callbacks) drives the browser leg. Two thin adapters serve it:
//!
//! - **wiremock** — [`MockVendors::start`] runs all five on one `wiremock::MockServer`;
//!   [`MockVendor::mount`] mounts one into your own server. wiremock
//!   keeps a clone of every matched request for the server's lifetime, so use it in tests.
//! - **hyper** — [`StandaloneServer::start`] serves the same handlers with bounded memory; the
//!   binary (`cargo run -p social-connect-mock --features cli -- --port 4010`) uses it.
//!
//! ## Layers
//!
//! Each layer imports only the layers below it; there is no import cycle.
//!
//! | layer | modules | what it holds |
//! |---|---|---|
//! | adapters | `wiremock_adapter`, `standalone`, `main.rs` | HTTP in and out, nothing else |
//! | limits | `limits` | the standalone server's bounds, apart from serving: head and body deadlines, connection shedding, the write deadline, the large-response budget |
//! | tenants | `tenants` | the standalone server's `/t/{tenant}/…`: a service per tenant, created only by a keyed vendor call or a JSON admin write, forgotten least recently used first |
//! | router | `routes`, `service` | one route table per service (axum's `matchit`, built once): path → admin, engine route, vendor module, or tenant; a body over the limit refused once, by whoever the path names; the request log |
//! | admin | `admin` | the admin API over [`MockState`](admin::MockState) |
//! | vendors | `vendors/` | one module per vendor behind one trait (`vendors/api.rs`): its connect handler, error shape, extra routes (WoopSocial's page selection, Ocoya's start URL) and completion rule (where the browser goes); the engine's default rules (`vendors/defaults.rs`) for what a module does not state; `vendors/mod.rs`, the list and the dispatch, is generated from the manifests |
//! | engine | `flow/` | the OAuth flow shared by all: `begin` (state, PKCE), `provider` (consent, codes, token endpoint), `callback` (consume the state, exchange the code → the authorised flow, handed back to the vendor) |
//! | context | `context` | the state, the origin and the URL prefixes built once per service |
//! | state | `state/` | [`MockState`](admin::MockState): `pending` (bounded maps), `flows`, `codes`, `accounts`, `log` |
//! | pages, fixture | `html`, `fixture` | the HTML pages; who may do what |
//! | core | `core/` | vendor identity (generated from the manifests, `specs/<vendor>/vendor.toml`, with each vendor's rules and demo owners), tokens, mode, the request/response model, clock, scenarios and provider faults |
//! | contract | `contract/` | each vendor's contract (servers, path, auth, query and body schemas, statuses), read from the spec crate (`social_connect_spec`), and the validator every connect runs first |
//!
//! The engine and the router never match on a vendor: what the engine needs to know of one
//! (what it calls an owner, its account ids, Postbreeze's one account per platform) is data the
//! vendor's module hands it when a flow starts, and what happens after the callback is the
//! vendor module's decision. `samples` (feature `samples`) holds one valid connect request per
//! vendor, for tests, benches and tools. Every list of vendors (the enum, the contracts, the dispatch, the samples,
//! the contracts' index) is generated from the manifests by `cargo xtask codegen`, and `cargo xtask vendor
//! new` adds a vendor whose module starts on the default rules.
//!
//! # URLs
//!
//! Vendor APIs (base URL = origin + prefix, then the vendor's own path): `/recoup`
//! (`POST /recoup/api/connectors`), `/woopsocial/v1`, `/postbreeze/api/v1`, `/aitronos/v1`,
//! `/ocoya/api/_public/v1`. The flow (`{root}` is empty for [`MockVendors`] and
//! [`StandaloneServer`], `/{vendor}` for a vendor mounted alone with [`MockVendor::mount`]):
//!
//! - `GET {origin}{root}/__provider/authorize?response_type=code&client_id={vendor}&redirect_uri={origin}{root}/__vendor/{vendor}/callback&state=S&code_challenge=C&code_challenge_method=S256&provider=P`
//!   — the fake provider's consent page (approve / deny, a form posting to
//!   `POST {root}/__provider/authorize`, answered with a 303). Append `&decision=approve` or
//!   `&decision=deny` (and `&pages=fbp_1001,fbp_1002` for a WoopSocial FACEBOOK connect; without
//!   `pages=` the first page is chosen) to go straight through with 302s.
//! - `POST {root}/__provider/token` — `grant_type=authorization_code&code=…&redirect_uri=…&code_verifier=…`
//!   → `{"access_token":…,"token_type":"Bearer","expires_in":3600}` or
//!   `{"error":"invalid_grant"|"invalid_request"|"unsupported_grant_type","error_description":…}`.
//!   Codes are single-use, live 60 s, and are bound to the S256 challenge and the redirect URI.
//! - `GET {root}/__vendor/{vendor}/callback?code=…&state=…` (or `error=…&state=…`) — the vendor
//!   consumes the state, exchanges the code with its stored verifier (the same function as the
//!   token endpoint), records the connected account(s), and sends the browser on: to the
//!   redirect target the connect named (its manifest's `connect.redirect` field), with the
//!   result parameters its manifest's `[redirect_result]` names appended where it has one
//!   (WoopSocial → `redirectUrl` + `status=success&projectId=…&platform=…&socialAccountIds=a,b`
//!   or `status=error&projectId=…&platform=…&error=CODE`; Recoup → `callback_url` unchanged:
//!   Recoup documents no result parameters); without a target, to a completion page (200 HTML).
//! - WoopSocial FACEBOOK without `pages=`: the callback answers a page-selection screen
//!   (labelled checkboxes) posting to `POST {root}/__vendor/woopsocial/pages`, answered with a 303.
//! - `GET {origin}/ocoya/api/social-connect/start?provider=…&workspaceId=…&state=…` — the URL
//!   Ocoya's connect returns; 302 to the provider (passing `decision=` / `pages=` through).
//! - Admin: `{origin}{root}/__admin/…`: every route, body and answer is in one table, on
//!   [`MockState`](admin::MockState).
//! - Tenants (the standalone server only): everything above is also served under
//!   `{origin}/t/{tenant}/…`, a world per tenant (see [`StandaloneServer`]);
//!   `GET {origin}/__admin/tenants` lists them, `DELETE {origin}/t/{tenant}/__admin` drops one.
//!
//! States are 256-bit random (URL-safe base64), single-use (removed under the lock on first
//! use), and expire after the TTL (10 minutes by default) by an injectable
//! [`Clock`](clock::Clock); unknown,
//! replayed or expired states get an HTTP 400 HTML page, never a redirect. Redirects are 302/303,
//! never 307; no code or token of the vendor ever reaches the app's redirect. Every HTML page and
//! redirect carries `Referrer-Policy: no-referrer`; pages carry a CSP that allows no script
//! (they use none) and no external asset, and lets a form post only to the mock (and on to the
//! flow's redirect target); every answer carries `Cache-Control: no-store`. Redirect targets are
//! checked at the connect (a 400 in the vendor's shape; at most 2 KiB): see [`Mode`] for strict
//! and lax. The provider follows RFC 6749 on `response_type`: anything but `code` goes back to
//! the vendor's callback as `error=unsupported_response_type` (`invalid_request` when missing),
//! and the flow ends as the vendor's failures do.
//!
//! The admin API is closed to web pages: a `Host` other than loopback, the mock's own or an
//! allowed one ([`MockConfig::allowed_hosts`]), no `Host` at all, and an `Origin` other than the
//! mock's own get 403,
//! and a write not sent as `application/json` gets 415. The standalone server bounds every
//! connection in time and memory: see [`StandaloneConfig`].
//!
//! # What each vendor answers
//!
//! (Generated from each vendor's spec and manifest, as the README's table is.)
//!
#![doc = include_str!("generated/vendors.md")]
//!
//! Every vendor also answers, in its own shape: 404 (unknown path under its prefix), 405 (with
//! `Allow: POST`), 413 (body over 64 KiB), and through scenarios 429 / 5xx. No input makes the
//! mock answer 500 or panic; only a scenario does.
//!
//! # Default fixture
//!
//! Keys `sk_test_owner` (owner everywhere) and `sk_test_member` (plain member); Recoup accounts
//! `00000000-0000-4000-8000-000000000001` (the owner's own) and `…0002` (an artist it manages);
//! WoopSocial project `proj_demo`; Postbreeze workspace `ws_demo` (INSTAGRAM already connected);
//! Aitronos organization `org_demo`; Ocoya workspace `ws_demo`. See [`Fixture`].
//!
//! # Example
//! ```
//! use social_connect_mock::{MockVendor, MockVendors};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = MockVendors::start().await;
//! let url = format!("{}/social-accounts/connect", mock.base_url(MockVendor::Postbreeze));
//! assert!(url.starts_with("http://127.0.0.1:"));
//! # }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// A table of the bytes for which `$keep` holds: one load per byte, where every request
/// scans (plain paths, queries and form values).
macro_rules! byte_table {
    (|$b:ident| $keep:expr) => {{
        let mut table = [false; 256];
        let mut i = 0;
        while i < 256 {
            let $b = i as u8;
            table[i] = $keep;
            i += 1;
        }
        table
    }};
}

pub mod admin;
mod context;
mod contract;
mod core;
pub mod fixture;
mod flow;
mod html;
mod limits;
mod redact;
mod routes;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
mod service;
pub mod standalone;
mod state;
mod tenants;
mod vendors;
#[cfg(feature = "cli")]
pub mod verify;
mod wiremock_adapter;

// What a test author uses: the service and the server, the vendor handles, the fixture and
// its keys, the scenarios, the request and answer, the recorded request. The rest is in the
// modules (`fixture`, `clock`, `admin`, `standalone`).
pub use crate::core::mode::Mode;
pub use crate::core::model::{MockRequest, MockResponse};
pub use crate::core::scenario::{ProviderErrorCode, Scenario};
pub use crate::core::vendor::MockVendor;
pub use fixture::{Fixture, MEMBER_KEY, OWNER_KEY};
pub use service::MockService;
pub use standalone::{ShutdownHandle, StandaloneConfig, StandaloneServer};
pub use state::{MockConfig, RecordedRequest};
pub use wiremock_adapter::{MockVendors, MountedVendor};

/// Time as the mock reads it (state, code and flow expiry), and a clock a test moves by hand.
pub mod clock {
    pub use crate::core::clock::{Clock, ManualClock, SystemClock};
}

/// The JSON Schemas of the fixture format and the admin bodies, keyed by type name (what
/// `social-connect-mock schema` prints). With the `schema` feature (the binary's `cli` turns it
/// on).
#[cfg(feature = "schema")]
pub fn schemas() -> serde_json::Value {
    fn s<T: schemars::JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).unwrap_or(serde_json::Value::Null)
    }
    serde_json::json!({
        "Fixture": s::<Fixture>(),
        "Scenario": s::<Scenario>(),
        "ModeBody": s::<admin::ModeBody>(),
        "ConnectedAccount": s::<fixture::ConnectedAccount>(),
        "RecordedRequest": s::<RecordedRequest>(),
    })
}
