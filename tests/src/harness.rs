//! Where a test runs: the mock, always, for every test of the contract suite; a real vendor only
//! in live mode, a separate command.
//!
//! # The contract suite: the mock
//!
//! [`Harness::new`] and [`Harness::mock`] start a fresh mock. The suite ignores the
//! `SOCIAL_CONNECT_LIVE_*` variables entirely: a vendor's URL left in the environment changes
//! nothing, and no mock-mode test skips (one that tried would fail under `CI=true`, see
//! [`crate::skip`]).
//!
//! # Live mode: checking against a live vendor
//!
//! ```text
//! SOCIAL_CONNECT_LIVE_POSTBREEZE_URL=https://api.postbreeze.example/api/v1 \
//! SOCIAL_CONNECT_LIVE_POSTBREEZE_KEY=pb_live_… SOCIAL_CONNECT_LIVE_POSTBREEZE_OWNER=ws_… \
//!   cargo test -p social-connect-tests --test contract live -- --ignored --nocapture
//! ```
//!
//! One ignored test, `live` (`tests/tests/contract/live.rs`), takes [`Harness::live`] for every
//! vendor whose `SOCIAL_CONNECT_LIVE_<VENDOR>_URL` (its base URL, as the SDK's `base_url` takes
//! it) and `..._KEY` are set (`<VENDOR>` is `RECOUP`, `WOOPSOCIAL`, `POSTBREEZE`, `AITRONOS` or
//! `OCOYA`; `..._OWNER` names the project, workspace or organization to connect for, where the
//! vendor needs one). It runs the checks that need no control of the vendor: a valid connect
//! through the SDK returns an absolute link, the raw answer's status and body match the spec,
//! a wrong key and no key get the documented 401 in the spec's shape, and the SDK types a wrong
//! key as `Unauthorized`. What needs the mock (flows, faults, other errors, the fixture's
//! accounts) is counted as skipped. It prints one line, `live: N checks ran, M skipped
//! (<reason>: count, ...)`, and fails if any check fails. Live checks mint real, single-use
//! authorization URLs (never opened) and make a few calls with a wrong key or none.

use std::sync::Arc;
use std::time::Duration;

use social_connect::{Client, Vendor};
use social_connect_mock::{
    MockConfig, OWNER_KEY, StandaloneConfig, StandaloneServer, clock::ManualClock,
};

use crate::{demo_owner, mock_vendor};

/// What a test talks to.
#[derive(Debug)]
pub enum Target {
    /// The mock, served by its hyper adapter on a loopback port, with a manual clock.
    Mock {
        /// The running server.
        server: StandaloneServer,
        /// Its clock, for expiry tests.
        clock: Arc<ManualClock>,
    },
    /// A real vendor from the environment.
    Live {
        /// Its base URL.
        base_url: String,
        /// Its key.
        key: String,
        /// The owner to connect for, if given.
        owner: Option<String>,
    },
}

/// One vendor's test environment.
#[derive(Debug)]
pub struct Harness {
    /// The vendor under test.
    pub vendor: Vendor,
    /// What it talks to.
    pub target: Target,
}

fn live_var(vendor: Vendor, what: &str) -> Option<String> {
    std::env::var(format!(
        "SOCIAL_CONNECT_LIVE_{}_{what}",
        vendor.as_str().to_ascii_uppercase()
    ))
    .ok()
    .filter(|v| !v.is_empty())
}

impl Harness {
    /// A fresh mock for `vendor` with the default fixture (the `SOCIAL_CONNECT_LIVE_*` variables
    /// are ignored: see the module docs).
    pub async fn new(vendor: Vendor) -> Harness {
        Harness::mock(vendor, MockConfig::default()).await
    }

    /// The live `vendor` of live mode, when its `SOCIAL_CONNECT_LIVE_<VENDOR>_URL` and `..._KEY`
    /// are set (and `..._OWNER`, if given, as its owner).
    pub fn live(vendor: Vendor) -> Option<Harness> {
        let (base_url, key) = (live_var(vendor, "URL")?, live_var(vendor, "KEY")?);
        Some(Harness::live_at(
            vendor,
            base_url,
            key,
            live_var(vendor, "OWNER"),
        ))
    }

    /// A vendor the suite does not control, at `base_url` with `key` (and `owner`): what live
    /// mode runs against (also a server posing as one, to test live mode itself).
    pub fn live_at(
        vendor: Vendor,
        base_url: String,
        key: String,
        owner: Option<String>,
    ) -> Harness {
        Harness {
            vendor,
            target: Target::Live {
                base_url,
                key,
                owner,
            },
        }
    }

    /// Whether live mode was given an owner for this vendor (`SOCIAL_CONNECT_LIVE_<VENDOR>_OWNER`).
    pub fn live_owner(&self) -> Option<&str> {
        match &self.target {
            Target::Live { owner, .. } => owner.as_deref(),
            Target::Mock { .. } => None,
        }
    }

    /// Always the mock, started with `config` (its clock replaced by a manual one).
    pub async fn mock(vendor: Vendor, config: MockConfig) -> Harness {
        let clock = Arc::new(ManualClock::new());
        let config = config.with_clock(clock.clone());
        let server = StandaloneServer::start(StandaloneConfig::on_port(0).with_mock(config))
            .await
            .expect("the mock starts on a loopback port");
        Harness {
            vendor,
            target: Target::Mock { server, clock },
        }
    }

    /// The mock server.
    ///
    /// # Panics
    /// In live mode: only the mock is under the suite's control (live mode's checks never ask).
    pub fn mock_server(&self) -> &StandaloneServer {
        match &self.target {
            Target::Mock { server, .. } => server,
            Target::Live { .. } => panic!("{}: a live vendor is not the mock", self.vendor),
        }
    }

    /// The mock's clock.
    ///
    /// # Panics
    /// In live mode.
    pub fn clock(&self) -> &ManualClock {
        match &self.target {
            Target::Mock { clock, .. } => clock,
            Target::Live { .. } => panic!("{}: a live vendor has no manual clock", self.vendor),
        }
    }

    /// The vendor's base URL.
    pub fn base_url(&self) -> String {
        match &self.target {
            Target::Mock { server, .. } => server.base_url(mock_vendor(self.vendor)),
            Target::Live { base_url, .. } => base_url.clone(),
        }
    }

    /// The owner to connect for: the live one, or the fixture's demo owner (see [`demo_owner`]).
    pub fn owner(&self) -> String {
        match &self.target {
            Target::Live {
                owner: Some(owner), ..
            } => owner.clone(),
            _ => demo_owner(self.vendor).to_owned(),
        }
    }

    /// `key`, or the live key in its place when `key` is the fixture's owner key ([`OWNER_KEY`])
    /// and this is live mode.
    pub fn key(&self, key: &str) -> String {
        match &self.target {
            Target::Live { key: live, .. } if key == OWNER_KEY => live.clone(),
            _ => key.to_owned(),
        }
    }

    /// An SDK client for this vendor with `key` (the live key replaces the fixture's owner key,
    /// [`OWNER_KEY`]).
    pub fn client_with(&self, key: &str, timeout: Duration) -> Client {
        let key = self.key(key);
        Client::builder()
            .api_key(self.vendor, key)
            .base_url(self.vendor, self.base_url())
            .expect("the base URL is valid")
            .timeout(timeout)
            .build()
            .expect("the client builds")
    }

    /// An SDK client with the owner key and a 5-second timeout.
    pub fn client(&self) -> Client {
        self.client_with(OWNER_KEY, Duration::from_secs(5))
    }
}
