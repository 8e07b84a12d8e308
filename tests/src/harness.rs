//! Where a test runs: against the mock (the default), or against a real vendor when
//! `SOCIAL_CONNECT_LIVE_<VENDOR>_URL` and `..._KEY` (and `..._OWNER` where the vendor needs one)
//! are set. Tests that need the mock's control (scenarios, flows, its state) skip themselves
//! with a printed reason when live.

use std::sync::Arc;
use std::time::Duration;

use social_connect::{Client, Vendor};
use social_connect_mock::{ManualClock, MockConfig, OWNER_KEY, StandaloneConfig, StandaloneServer};

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
    /// The environment for `vendor`: live when its variables are set, else a fresh mock.
    pub async fn new(vendor: Vendor) -> Harness {
        if let (Some(base_url), Some(key)) = (live_var(vendor, "URL"), live_var(vendor, "KEY")) {
            return Harness {
                vendor,
                target: Target::Live {
                    base_url,
                    key,
                    owner: live_var(vendor, "OWNER"),
                },
            };
        }
        Harness::mock(vendor, MockConfig::default()).await
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

    /// The mock server, or `None` (having printed why the calling test is skipped) when live.
    pub fn mock_server(&self, test: &str) -> Option<&StandaloneServer> {
        match &self.target {
            Target::Mock { server, .. } => Some(server),
            Target::Live { .. } => {
                eprintln!(
                    "skipped live {}: `{test}` needs the mock's control of the vendor",
                    self.vendor
                );
                None
            }
        }
    }

    /// The mock's clock (mock only).
    pub fn clock(&self) -> Option<&ManualClock> {
        match &self.target {
            Target::Mock { clock, .. } => Some(clock),
            Target::Live { .. } => None,
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

    /// An SDK client for this vendor with `key` (the live key replaces the fixture's owner key,
    /// [`OWNER_KEY`]).
    pub fn client_with(&self, key: &str, timeout: Duration) -> Client {
        let key = match &self.target {
            Target::Live { key: live, .. } if key == OWNER_KEY => live.clone(),
            _ => key.to_owned(),
        };
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
