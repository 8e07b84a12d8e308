//! The mutable mock state shared by every adapter: fixture, connected accounts, pending OAuth
//! flows, issued codes, the request log, scenarios and mode. All bounded.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use time::OffsetDateTime;

mod accounts;
mod codes;
mod flows;
mod log;
mod pending;

use crate::redact::Keys;
pub(crate) use codes::IssuedCode;
pub(crate) use flows::{AutoPages, Flow, MAX_PAGES_PARAM, Stage};
pub(crate) use log::LogEntry;
pub use log::RecordedRequest;
use log::{Logged, RequestLog};
use pending::Pending;

use crate::core::clock::SystemClock;
use crate::core::{Clock, MockVendor, Mode, Scenario};
use crate::fixture::{ConnectedAccount, Fixture};

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
    /// Host names the admin API answers to besides loopback names and addresses and the mock's
    /// own origin (e.g. `mock`, for `http://mock:4010` in a compose network). See
    /// [`MockState`] for the admin API's other guards.
    pub allowed_hosts: Vec<String>,
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
            allowed_hosts: Vec::new(),
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
    /// Sets the state TTL (at most [`MAX_STATE_TTL`]; a longer one is cut to it).
    pub fn with_state_ttl(mut self, ttl: Duration) -> Self {
        self.state_ttl = ttl;
        self
    }
    /// Lets the admin API answer to `host` too (a name or address, without port).
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into());
        self
    }
    /// Injects a clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// The longest a state may live: a year. Longer TTLs are cut to it, so that no expiry
/// overflows the calendar.
pub const MAX_STATE_TTL: Duration = Duration::from_secs(365 * 24 * 3600);

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

/// A fixture as states use it: the fixture and the automaton that finds its keys, built once
/// and shared (cheap to clone) by every state that starts from it: a server's tenants share
/// the server's until one loads its own. Nothing in it is ever changed in place.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seed {
    pub(crate) fixture: Arc<Fixture>,
    pub(crate) keys: Arc<Keys>,
}

impl Seed {
    pub(crate) fn new(fixture: Fixture) -> Self {
        let keys = Arc::new(Keys::new(fixture.api_keys.iter().map(|k| k.key.clone())));
        Seed {
            fixture: Arc::new(fixture),
            keys,
        }
    }

    /// What it holds, at [`FIXTURE_EXPANSION`] times its JSON, and its keys' automaton.
    fn weight(&self) -> usize {
        serde_json::to_vec(&*self.fixture).map_or(0, |j| j.len()) * FIXTURE_EXPANSION
            + self.keys.memory()
    }
}

#[derive(Debug)]
pub(crate) struct Data {
    /// Shared with [`Snapshot`]s and, until this state loads its own, with the other states
    /// of its [`Seed`]; replaced, never changed in place.
    pub(crate) fixture: Arc<Fixture>,
    pub(crate) mode: Mode,
    pub(crate) state_ttl: Duration,
    /// The accounts flows connected, oldest first (the fixture's are read from the fixture,
    /// never copied: see [`Data::all_accounts`]).
    pub(crate) accounts: VecDeque<ConnectedAccount>,
    /// What the accounts flows connected weigh ([`accounts::account_weight`]); the fixture's
    /// are counted with the fixture.
    pub(crate) accounts_bytes: usize,
    /// Boxed: the map stays small (key + pointer per slot) and an insert moves no flow.
    pub(crate) flows: Pending<Box<Flow>>,
    pub(crate) codes: Pending<IssuedCode>,
    pub(crate) scenarios: BTreeMap<MockVendor, Scenario>,
    pub(crate) counter: u64,
    /// Bumped by every reset: a flow minted from a snapshot older than the last reset is not
    /// kept (the reset, which came after the connect, would have removed it).
    pub(crate) generation: u64,
}

impl Data {
    /// Every connected account: the fixture's, then those flows connected.
    pub(crate) fn all_accounts(&self) -> impl Iterator<Item = &ConnectedAccount> {
        self.fixture.connected_accounts.iter().chain(&self.accounts)
    }

    /// Whether `owner` already has a `platform` account connected at `vendor` (a vendor's
    /// one-account-per-platform rule).
    pub(crate) fn has_account(&self, vendor: MockVendor, owner: &str, platform: &str) -> bool {
        self.all_accounts()
            .any(|a| a.vendor == vendor && a.owner_id == owner && a.platform == platform)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }
}

/// What a vendor's connect needs to know of the state, taken in one short lock so that parsing,
/// validation and minting run outside it.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub(crate) fixture: Arc<Fixture>,
    pub(crate) mode: Mode,
    pub(crate) state_ttl: Duration,
    pub(crate) scenario: Option<Scenario>,
    pub(crate) generation: u64,
}

#[derive(Debug)]
struct Inner {
    data: Mutex<Data>,
    log: Mutex<RequestLog>,
    /// The fixture's API keys, scrubbed from what the log keeps (replaced with the fixture;
    /// shared with the other states of its [`Seed`] until then).
    keys: RwLock<Arc<Keys>>,
    /// What a fixture loaded through the admin API weighs (see [`MockState::weight`]); 0 while
    /// the state uses the fixture it started with.
    own_fixture_weight: AtomicUsize,
    clock: Arc<dyn Clock>,
    initial_mode: Mode,
    log_capacity: usize,
    max_body_bytes: usize,
    allowed_hosts: Vec<String>,
    drop_supported: bool,
}

/// A handle to a mock's state and its admin operations (cheap to clone; all clones share it).
///
#[doc = include_str!("../admin-routes.md")]
#[derive(Debug, Clone)]
pub struct MockState {
    inner: Arc<Inner>,
}

impl MockState {
    pub(crate) fn new(mut config: MockConfig, drop_supported: bool) -> Self {
        let seed = Seed::new(std::mem::take(&mut config.fixture));
        Self::with_seed(&seed, &config, drop_supported)
    }

    /// A state that starts from `seed`, shared (the tenants of a server share the server's
    /// until one loads its own): nothing of the fixture is copied or built again, so a new
    /// state costs the same whatever the fixture's size. The rest of `config` as
    /// [`MockState::new`], its fixture unread.
    pub(crate) fn with_seed(seed: &Seed, config: &MockConfig, drop_supported: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                data: Mutex::new(Data {
                    fixture: Arc::clone(&seed.fixture),
                    mode: config.mode,
                    state_ttl: config.state_ttl.min(MAX_STATE_TTL),
                    accounts: VecDeque::new(),
                    accounts_bytes: 0,
                    flows: Pending::new(),
                    codes: Pending::new(),
                    scenarios: BTreeMap::new(),
                    counter: 0,
                    generation: 0,
                }),
                log: Mutex::new(RequestLog::default()),
                keys: RwLock::new(Arc::clone(&seed.keys)),
                own_fixture_weight: AtomicUsize::new(0),
                clock: Arc::clone(&config.clock),
                initial_mode: config.mode,
                log_capacity: config.request_log_capacity,
                max_body_bytes: config.max_body_bytes,
                allowed_hosts: config
                    .allowed_hosts
                    .iter()
                    .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
                    .collect(),
                drop_supported,
            }),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Data> {
        self.inner.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn log(&self) -> MutexGuard<'_, RequestLog> {
        self.inner.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What a connect to `vendor` needs, in one short lock.
    pub(crate) fn snapshot(&self, vendor: MockVendor) -> Snapshot {
        let d = self.lock();
        Snapshot {
            fixture: Arc::clone(&d.fixture),
            mode: d.mode,
            state_ttl: d.state_ttl,
            scenario: d.scenarios.get(&vendor).cloned(),
            generation: d.generation,
        }
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
        {
            let mut d = self.lock();
            d.accounts = VecDeque::new();
            d.accounts_bytes = 0;
            d.flows.clear();
            d.codes.clear();
            d.scenarios.clear();
            d.mode = mode;
            d.generation += 1;
        }
        self.log().clear();
    }

    /// Replaces the fixture, then resets.
    pub fn load_fixture(&self, fixture: Fixture) {
        // Its own now: counted at its JSON's expansion, with the automaton the log's redaction
        // finds its keys with.
        let seed = Seed::new(fixture);
        self.inner
            .own_fixture_weight
            .store(seed.weight(), Ordering::Relaxed);
        self.lock().fixture = seed.fixture;
        *self.inner.keys.write().unwrap_or_else(|e| e.into_inner()) = seed.keys;
        self.reset();
    }

    /// The fixture's API keys, which the request log never keeps.
    pub(crate) fn fixture_keys(&self) -> Arc<Keys> {
        Arc::clone(&self.inner.keys.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The current fixture.
    pub fn fixture(&self) -> Fixture {
        Fixture::clone(&self.lock().fixture)
    }

    /// Every connected account (fixture and completed flows), oldest first. At most 100,000 are
    /// kept: beyond that, each completion forgets the oldest account a flow connected (the
    /// fixture's accounts stay), so a long-running mock neither grows nor starts failing flows.
    pub fn accounts(&self) -> Vec<ConnectedAccount> {
        self.lock().all_accounts().cloned().collect()
    }

    /// The request log (the last 1000 requests by default), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log().entries().iter().map(Logged::to_public).collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.log().clear();
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

    /// Sets the TTL of states minted from now on (at most [`MAX_STATE_TTL`]).
    pub fn set_state_ttl(&self, ttl: Duration) {
        self.lock().state_ttl = ttl.min(MAX_STATE_TTL);
    }

    /// The names the admin API answers to besides loopback and the mock's own address.
    pub(crate) fn allowed_hosts(&self) -> &[String] {
        &self.inner.allowed_hosts
    }

    /// The TTL of new states.
    pub fn state_ttl(&self) -> Duration {
        self.lock().state_ttl
    }

    /// How many flows are pending (not yet completed, maybe expired but not yet purged).
    pub fn pending_flows(&self) -> usize {
        self.lock().flows.len()
    }

    /// How many pending flows, connected accounts and logged requests the state holds.
    pub(crate) fn sizes(&self) -> (usize, usize, usize) {
        let (flows, accounts) = {
            let d = self.lock();
            (
                d.flows.len(),
                d.fixture.connected_accounts.len() + d.accounts.len(),
            )
        };
        (flows, accounts, self.log().len())
    }

    pub(crate) fn record(&self, entry: LogEntry) {
        let at = self.now();
        let cap = self.inner.log_capacity;
        let mut log = self.log();
        log.seq += 1;
        if cap == 0 {
            return;
        }
        while log.len() >= cap {
            log.pop_front();
        }
        let seq = log.seq;
        log.push(Logged { seq, at, entry });
    }

    /// About how many bytes this state holds beyond an empty one, at their real sizes: each
    /// pending flow, code and account by its strings, the tables by their capacity (which a
    /// reset gives back), the log's entries by their size, and a fixture loaded through the
    /// admin API at [`FIXTURE_EXPANSION`] times its JSON.
    /// The standalone server keeps its tenants' total weight under a budget with it.
    pub(crate) fn weight(&self) -> usize {
        let held = {
            let d = self.lock();
            d.flows.bytes()
                + d.codes.bytes()
                + d.accounts_bytes
                + d.accounts.capacity() * std::mem::size_of::<ConnectedAccount>()
        };
        held + self.log().weight() + self.inner.own_fixture_weight.load(Ordering::Relaxed)
    }
}

/// How many bytes of memory a byte of fixture JSON may become once parsed: a JSON string of
/// one character (`"a",`, 4 bytes) becomes a `String` (24 bytes) and an allocation.
const FIXTURE_EXPANSION: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    /// A connect snapshots the state before it mints its flow, and inserts the flow only if no
    /// reset came in between: so a reset must make every earlier snapshot stale.
    #[test]
    fn a_state_lives_at_most_a_year() {
        assert_eq!(MAX_STATE_TTL, Duration::from_secs(31_536_000));
        let long = MockConfig::default().with_state_ttl(Duration::from_secs(40_000_000));
        assert_eq!(MockState::new(long, true).state_ttl(), MAX_STATE_TTL);
        let year = MockConfig::default().with_state_ttl(MAX_STATE_TTL);
        assert_eq!(MockState::new(year, true).state_ttl(), MAX_STATE_TTL);
    }

    #[test]
    fn a_seed_weighs_its_fixtures_expansion_and_its_keys_automaton() {
        let seed = Seed::new(Fixture::default());
        let json = serde_json::to_vec(&*seed.fixture).unwrap().len();
        assert!(seed.keys.memory() > 0);
        assert_eq!(seed.weight(), json * FIXTURE_EXPANSION + seed.keys.memory());
    }

    #[test]
    fn a_reset_makes_earlier_snapshots_stale() {
        let state = MockState::new(MockConfig::default(), true);
        let before = state.snapshot(MockVendor::Ocoya).generation;
        state.reset();
        let after = state.snapshot(MockVendor::Ocoya).generation;
        assert_ne!(before, after);
        state.reset();
        assert_ne!(after, state.snapshot(MockVendor::Ocoya).generation);
    }
}
