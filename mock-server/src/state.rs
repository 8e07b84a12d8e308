//! The mutable mock state shared by every adapter: fixture, connected accounts, pending OAuth
//! flows, issued codes, the request log, scenarios and mode. All bounded.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::clock::{Clock, SystemClock, rfc3339};
use crate::fixture::{ConnectedAccount, Fixture};
use crate::scenario::Scenario;
use crate::vendors::MockVendor;

/// Strict (default) or lax validation.
///
/// Lax mimics lenient vendors, to test a client's own defences. It relaxes only:
/// - redirect targets (WoopSocial `redirectUrl`, Recoup `callback_url`): plain `http` to any host,
///   fragments and userinfo are accepted (still absolute `http`/`https` only: `javascript:`,
///   `data:` and relative URLs are refused in both modes);
/// - WoopSocial's `additionalProperties: false`: unknown request fields are ignored.
///
/// State handling (single use, expiry, PKCE) is the same in both modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Refuse what RFC 9700 says to refuse (the default).
    #[default]
    Strict,
    /// Accept what lenient vendors accept.
    Lax,
}

/// Admin body of `PUT /__admin/mode`: `{"mode":"lax"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeBody {
    /// The mode.
    pub mode: Mode,
}

/// One request in the log (`GET /__admin/requests`), newest last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecordedRequest {
    /// Sequence number since start (not reset by reset).
    pub seq: u64,
    /// When it arrived (RFC 3339, UTC).
    pub at: String,
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The query string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The vendor whose API was called (absent for flow pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<MockVendor>,
    /// The status answered.
    pub status: u16,
    /// The body of a vendor API request (UTF-8, lossy, at most 4 KiB); credentials are never kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// Settings a mock starts with.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The fixture (default: [`Fixture::default`]).
    pub fixture: Fixture,
    /// The mode (default strict).
    pub mode: Mode,
    /// How long a state (and so an authorization URL) lives (default 10 minutes).
    pub state_ttl: Duration,
    /// The clock (default the system clock).
    pub clock: Arc<dyn Clock>,
    /// How many requests the log keeps (default 1000).
    pub request_log_capacity: usize,
    /// The largest request body accepted (default 64 KiB; larger → 413).
    pub max_body_bytes: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            fixture: Fixture::default(),
            mode: Mode::Strict,
            state_ttl: Duration::from_secs(600),
            clock: Arc::new(SystemClock),
            request_log_capacity: 1000,
            max_body_bytes: 64 * 1024,
        }
    }
}

impl MockConfig {
    /// Replaces the fixture.
    pub fn with_fixture(mut self, fixture: Fixture) -> Self {
        self.fixture = fixture;
        self
    }
    /// Sets the mode.
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }
    /// Sets the state TTL.
    pub fn with_state_ttl(mut self, ttl: Duration) -> Self {
        self.state_ttl = ttl;
        self
    }
    /// Injects a clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// Why an admin operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// The body or value is invalid.
    #[error("invalid admin request: {0}")]
    Invalid(String),
    /// This adapter cannot do it (a dropped connection under wiremock).
    #[error("unsupported by this adapter: {0}")]
    Unsupported(String),
}

/// Most pending flows / codes kept at once; the oldest are evicted beyond that.
pub(crate) const MAX_FLOWS: usize = 10_000;
/// Most connected accounts kept (each a few hundred bytes); further completions fail with `server_error`.
pub(crate) const MAX_ACCOUNTS: usize = 100_000;

#[derive(Debug, Clone)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum Stage {
    /// Minted by a connect; the provider has not decided yet.
    AwaitingConsent,
    /// The provider has redirected to the vendor callback.
    AwaitingCallback,
    /// WoopSocial Facebook: the page-selection screen is showing (keyed by a selection token).
    AwaitingPageSelection,
}

#[derive(Debug, Clone)]
pub(crate) struct Flow {
    pub(crate) vendor: MockVendor,
    pub(crate) state: String,
    pub(crate) verifier: String,
    pub(crate) challenge: String,
    /// The provider shown on the consent page (lower case).
    pub(crate) provider: String,
    /// The vendor's own platform / connector value.
    pub(crate) platform: String,
    pub(crate) owner_id: String,
    pub(crate) redirect_target: Option<url::Url>,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) stage: Stage,
    pub(crate) deny: bool,
    /// Set when the decision came by `decision=` (automation): `Some(pages)` from `pages=`.
    pub(crate) auto_pages: Option<Vec<String>>,
    pub(crate) seq: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct IssuedCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: String,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) seq: u64,
}

#[derive(Debug)]
pub(crate) struct Data {
    pub(crate) fixture: Fixture,
    pub(crate) mode: Mode,
    pub(crate) state_ttl: Duration,
    pub(crate) accounts: Vec<ConnectedAccount>,
    pub(crate) flows: HashMap<String, Flow>,
    pub(crate) codes: HashMap<String, IssuedCode>,
    pub(crate) requests: VecDeque<RecordedRequest>,
    pub(crate) scenarios: BTreeMap<MockVendor, Scenario>,
    pub(crate) counter: u64,
    pub(crate) request_seq: u64,
    pub(crate) purge_tick: u64,
}

impl Data {
    pub(crate) fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Drops expired flows and codes (every 256th call, or when a cap is reached), and the
    /// oldest tenth when a cap is still reached: amortised O(1) per connect.
    pub(crate) fn purge(&mut self, now: OffsetDateTime) {
        self.purge_tick = self.purge_tick.wrapping_add(1);
        let full = self.flows.len() >= MAX_FLOWS || self.codes.len() >= MAX_FLOWS;
        if !full && !self.purge_tick.is_multiple_of(256) {
            return;
        }
        self.flows.retain(|_, f| f.expires_at > now);
        self.codes.retain(|_, c| c.expires_at > now);
        evict_oldest(&mut self.flows, |f| f.seq);
        evict_oldest(&mut self.codes, |c| c.seq);
    }
}

fn evict_oldest<V>(map: &mut HashMap<String, V>, seq: impl Fn(&V) -> u64) {
    if map.len() < MAX_FLOWS {
        return;
    }
    let mut seqs: Vec<u64> = map.values().map(&seq).collect();
    let k = MAX_FLOWS / 10;
    let (_, cutoff, _) = seqs.select_nth_unstable(k);
    let cutoff = *cutoff;
    map.retain(|_, v| seq(v) > cutoff);
}

#[derive(Debug)]
struct Inner {
    data: Mutex<Data>,
    clock: Arc<dyn Clock>,
    initial_mode: Mode,
    log_capacity: usize,
    max_body_bytes: usize,
    drop_supported: bool,
}

/// A handle to a mock's state and its admin operations (cheap to clone; all clones share it).
///
/// The same operations over HTTP, under `{origin}{root}/__admin` (answers are JSON; errors
/// `{"error":"…"}` with 400 / 404 / 405 / 413, and 501 for a scenario the adapter cannot do):
///
/// | method & path | body | answer |
/// |---|---|---|
/// | `GET /__admin` | – | `{"mode","state_ttl_secs","scenarios","pending_flows"}` |
/// | `POST /__admin/reset` | – | `{"ok":true}` |
/// | `GET /__admin/fixture` | – | the [`Fixture`] |
/// | `PUT`/`POST /__admin/fixture` | a [`Fixture`] | `{"ok":true}` (and resets) |
/// | `GET /__admin/accounts[?vendor=postbreeze]` | – | `[ConnectedAccount]` |
/// | `GET /__admin/requests` | – | `[RecordedRequest]`, oldest first |
/// | `DELETE /__admin/requests` | – | `{"ok":true}` |
/// | `GET /__admin/scenarios` | – | `{"postbreeze":{"kind":"rate_limited",…},…}` |
/// | `GET /__admin/scenarios/{vendor}` | – | the [`Scenario`] or `null` |
/// | `PUT`/`POST /__admin/scenarios/{vendor}` | a [`Scenario`], e.g. `{"kind":"latency","ms":250}` | `{"ok":true}` |
/// | `DELETE /__admin/scenarios/{vendor}` | – | `{"ok":true}` |
/// | `GET /__admin/mode` | – | `{"mode":"strict"}` |
/// | `PUT`/`POST /__admin/mode` | [`ModeBody`] `{"mode":"lax"}` | `{"ok":true}` |
#[derive(Debug, Clone)]
pub struct MockState {
    inner: Arc<Inner>,
}

impl MockState {
    pub(crate) fn new(config: MockConfig, drop_supported: bool) -> Self {
        let accounts = config.fixture.connected_accounts.clone();
        Self {
            inner: Arc::new(Inner {
                data: Mutex::new(Data {
                    fixture: config.fixture,
                    mode: config.mode,
                    state_ttl: config.state_ttl,
                    accounts,
                    flows: HashMap::new(),
                    codes: HashMap::new(),
                    requests: VecDeque::new(),
                    scenarios: BTreeMap::new(),
                    counter: 0,
                    request_seq: 0,
                    purge_tick: 0,
                }),
                clock: config.clock,
                initial_mode: config.mode,
                log_capacity: config.request_log_capacity,
                max_body_bytes: config.max_body_bytes,
                drop_supported,
            }),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Data> {
        self.inner.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// The current time of the mock's clock.
    pub fn now(&self) -> OffsetDateTime {
        self.inner.clock.now()
    }

    /// The clock the mock uses.
    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.inner.clock)
    }

    /// Back to the current fixture: its accounts, no pending flows, no scenarios, the initial mode,
    /// an empty request log.
    pub fn reset(&self) {
        let mode = self.inner.initial_mode;
        let mut d = self.lock();
        d.accounts = d.fixture.connected_accounts.clone();
        d.flows.clear();
        d.codes.clear();
        d.requests.clear();
        d.scenarios.clear();
        d.mode = mode;
    }

    /// Replaces the fixture, then resets.
    pub fn load_fixture(&self, fixture: Fixture) {
        self.lock().fixture = fixture;
        self.reset();
    }

    /// The current fixture.
    pub fn fixture(&self) -> Fixture {
        self.lock().fixture.clone()
    }

    /// Every connected account (fixture and completed flows), oldest first.
    pub fn accounts(&self) -> Vec<ConnectedAccount> {
        self.lock().accounts.clone()
    }

    /// The request log (the last 1000 requests by default), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.iter().cloned().collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// Sets the scenario of `vendor`'s connect endpoint.
    pub fn set_scenario(&self, vendor: MockVendor, scenario: Scenario) -> Result<(), AdminError> {
        scenario.validate().map_err(AdminError::Invalid)?;
        if scenario == Scenario::DropConnection && !self.inner.drop_supported {
            return Err(AdminError::Unsupported(
                "drop_connection: wiremock always sends a response, so the wiremock adapter \
                 cannot drop a connection; use the standalone server (StandaloneServer / the \
                 binary), or a server_error / html_body scenario"
                    .to_owned(),
            ));
        }
        self.lock().scenarios.insert(vendor, scenario);
        Ok(())
    }

    /// Back to normal behaviour for `vendor`.
    pub fn clear_scenario(&self, vendor: MockVendor) {
        self.lock().scenarios.remove(&vendor);
    }

    /// The scenarios in force.
    pub fn scenarios(&self) -> BTreeMap<MockVendor, Scenario> {
        self.lock().scenarios.clone()
    }

    /// Sets the mode.
    pub fn set_mode(&self, mode: Mode) {
        self.lock().mode = mode;
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.lock().mode
    }

    /// Sets the TTL of states minted from now on.
    pub fn set_state_ttl(&self, ttl: Duration) {
        self.lock().state_ttl = ttl;
    }

    /// The TTL of new states.
    pub fn state_ttl(&self) -> Duration {
        self.lock().state_ttl
    }

    /// How many flows are pending (not yet completed, maybe expired but not yet purged).
    pub fn pending_flows(&self) -> usize {
        self.lock().flows.len()
    }

    pub(crate) fn record(&self, mut rec: RecordedRequest) {
        let now = rfc3339(self.now());
        let cap = self.inner.log_capacity;
        let mut d = self.lock();
        d.request_seq += 1;
        rec.seq = d.request_seq;
        rec.at = now;
        if cap == 0 {
            return;
        }
        while d.requests.len() >= cap {
            d.requests.pop_front();
        }
        d.requests.push_back(rec);
    }
}
