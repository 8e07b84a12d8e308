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
use crate::oauth::Token;
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
/// Most connected accounts kept (each a few hundred bytes); beyond that a completion forgets the
/// oldest account a flow connected (the fixture's accounts stay).
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
    pub(crate) state: Token,
    pub(crate) verifier: Token,
    pub(crate) challenge: Token,
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
    pub(crate) challenge: Token,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) seq: u64,
}

/// What a [`Pending`] entry carries: its sequence number (insertion order) and its expiry.
pub(crate) trait Expiring {
    fn seq(&self) -> u64;
    fn expires_at(&self) -> OffsetDateTime;
}

impl Expiring for Flow {
    fn seq(&self) -> u64 {
        self.seq
    }
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
}

impl<T: Expiring> Expiring for Box<T> {
    fn seq(&self) -> u64 {
        (**self).seq()
    }
    fn expires_at(&self) -> OffsetDateTime {
        (**self).expires_at()
    }
}

impl Expiring for IssuedCode {
    fn seq(&self) -> u64 {
        self.seq
    }
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
}

/// Pending flows or issued codes by key, at most [`MAX_FLOWS`] of them; beyond that the oldest
/// goes first. Inserting costs amortised O(1): an insertion-order queue is trimmed from its front
/// (expired or evicted entries, and entries already taken out of the map), and compacted when it
/// holds more than twice the cap, so neither the map nor the queue grows without bound and no
/// insert scans the whole map.
#[derive(Debug)]
pub(crate) struct Pending<V> {
    map: HashMap<Token, V>,
    /// `(seq, key)` in insertion order. An entry is stale when its key is gone from the map or
    /// now holds another seq.
    order: VecDeque<(u64, Token)>,
}

impl<V: Expiring> Pending<V> {
    fn new() -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.map.get(&Token::from_text(key)?)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(&Token::from_text(key)?)
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        self.map.remove(&Token::from_text(key)?)
    }

    /// Inserts `value` under `key`, first dropping entries from the old end that have expired
    /// by `now`, and the oldest ones while the map is full.
    pub(crate) fn insert(&mut self, key: Token, value: V, now: OffsetDateTime) {
        while let Some((seq, k)) = self.order.pop_front() {
            let live = match self.map.get(&k) {
                Some(v) if v.seq() == seq => v,
                _ => continue,
            };
            if live.expires_at() > now && self.map.len() < MAX_FLOWS {
                self.order.push_front((seq, k));
                break;
            }
            self.map.remove(&k);
        }
        if self.order.len() >= 2 * MAX_FLOWS {
            let map = &self.map;
            self.order
                .retain(|(seq, k)| map.get(k).is_some_and(|v| v.seq() == *seq));
        }
        self.order.push_back((value.seq(), key));
        self.map.insert(key, value);
    }
}

#[derive(Debug)]
pub(crate) struct Data {
    /// Shared with [`Snapshot`]s; replaced, never changed in place.
    pub(crate) fixture: Arc<Fixture>,
    pub(crate) mode: Mode,
    pub(crate) state_ttl: Duration,
    /// The fixture's accounts first (`fixture_accounts` of them), then those flows connected.
    pub(crate) accounts: VecDeque<ConnectedAccount>,
    pub(crate) fixture_accounts: usize,
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

/// One entry of the request log, kept as cheaply as it can be; formatted when the log is read.
#[derive(Debug)]
pub(crate) struct LogEntry {
    pub(crate) method: http::Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) vendor: Option<MockVendor>,
    pub(crate) status: u16,
    pub(crate) body: Option<String>,
}

#[derive(Debug)]
struct Logged {
    seq: u64,
    at: OffsetDateTime,
    entry: LogEntry,
}

impl Logged {
    fn to_public(&self) -> RecordedRequest {
        let e = &self.entry;
        RecordedRequest {
            seq: self.seq,
            at: rfc3339(self.at),
            method: e.method.to_string(),
            path: e.path.clone(),
            query: e.query.clone(),
            vendor: e.vendor,
            status: e.status,
            body: e.body.clone(),
        }
    }
}

/// The request log, behind its own lock so that logging never waits on the flows.
#[derive(Debug, Default)]
struct RequestLog {
    entries: VecDeque<Logged>,
    seq: u64,
}

#[derive(Debug)]
struct Inner {
    data: Mutex<Data>,
    log: Mutex<RequestLog>,
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
        let accounts: VecDeque<_> = config.fixture.connected_accounts.iter().cloned().collect();
        Self {
            inner: Arc::new(Inner {
                data: Mutex::new(Data {
                    fixture: Arc::new(config.fixture),
                    mode: config.mode,
                    state_ttl: config.state_ttl,
                    fixture_accounts: accounts.len(),
                    accounts,
                    flows: Pending::new(),
                    codes: Pending::new(),
                    scenarios: BTreeMap::new(),
                    counter: 0,
                    generation: 0,
                }),
                log: Mutex::new(RequestLog::default()),
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
            d.accounts = d.fixture.connected_accounts.iter().cloned().collect();
            d.fixture_accounts = d.accounts.len();
            d.flows.clear();
            d.codes.clear();
            d.scenarios.clear();
            d.mode = mode;
            d.generation += 1;
        }
        self.log().entries.clear();
    }

    /// Replaces the fixture, then resets.
    pub fn load_fixture(&self, fixture: Fixture) {
        self.lock().fixture = Arc::new(fixture);
        self.reset();
    }

    /// The current fixture.
    pub fn fixture(&self) -> Fixture {
        Fixture::clone(&self.lock().fixture)
    }

    /// Every connected account (fixture and completed flows), oldest first. At most 100,000 are
    /// kept: beyond that, each completion forgets the oldest account a flow connected (the
    /// fixture's accounts stay), so a long-running mock neither grows nor starts failing flows.
    pub fn accounts(&self) -> Vec<ConnectedAccount> {
        self.lock().accounts.iter().cloned().collect()
    }

    /// The request log (the last 1000 requests by default), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log().entries.iter().map(Logged::to_public).collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.log().entries.clear();
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

    pub(crate) fn record(&self, entry: LogEntry) {
        let at = self.now();
        let cap = self.inner.log_capacity;
        let mut log = self.log();
        log.seq += 1;
        if cap == 0 {
            return;
        }
        while log.entries.len() >= cap {
            log.entries.pop_front();
        }
        let seq = log.seq;
        log.entries.push_back(Logged { seq, at, entry });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Entry {
        seq: u64,
        expires_at: OffsetDateTime,
    }

    impl Expiring for Entry {
        fn seq(&self) -> u64 {
            self.seq
        }
        fn expires_at(&self) -> OffsetDateTime {
            self.expires_at
        }
    }

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(secs)
    }

    /// `name`, padded to a token's 43 characters.
    fn key(name: &str) -> String {
        format!("{name:_<43}")
    }

    /// `k{n}` as a key.
    fn k(n: impl std::fmt::Display) -> String {
        key(&format!("k{n}"))
    }

    fn tok(name: &str) -> Token {
        Token::from_text(&key(name)).unwrap()
    }

    fn fill(p: &mut Pending<Entry>, seqs: std::ops::Range<u64>, expires: i64, now: i64) {
        for seq in seqs {
            let e = Entry {
                seq,
                expires_at: at(expires),
            };
            p.insert(tok(&format!("k{seq}")), e, at(now));
        }
    }

    #[test]
    fn the_oldest_entry_goes_when_the_cap_is_reached() {
        let mut p = Pending::new();
        fill(&mut p, 0..MAX_FLOWS as u64 + 5, 1000, 0);
        assert_eq!(p.len(), MAX_FLOWS);
        assert!(p.get(&k(4)).is_none(), "the five oldest are gone");
        assert!(p.get(&k(5)).is_some());
        assert!(p.get(&k(MAX_FLOWS + 4)).is_some());
    }

    #[test]
    fn expired_entries_go_from_the_old_end() {
        let mut p = Pending::new();
        fill(&mut p, 0..10, 5, 0);
        fill(&mut p, 10..12, 100, 6);
        assert_eq!(
            p.len(),
            2,
            "the ten expired at 5 are dropped by an insert at 6"
        );
        assert!(p.get(&k(10)).is_some() && p.get(&k(11)).is_some());
    }

    #[test]
    fn taken_entries_do_not_pile_up_in_the_order_queue() {
        let mut p = Pending::new();
        // A long-lived entry at the front keeps expiry from trimming the queue.
        fill(&mut p, 0..1, 1_000_000, 0);
        for seq in 1..(5 * MAX_FLOWS as u64) {
            let e = Entry {
                seq,
                expires_at: at(1_000_000),
            };
            p.insert(tok(&format!("k{seq}")), e, at(0));
            assert!(p.remove(&k(seq)).is_some());
        }
        assert_eq!(p.len(), 1);
        assert!(p.order.len() <= 2 * MAX_FLOWS, "{}", p.order.len());
        assert!(p.get(&k(0)).is_some());
    }

    #[test]
    fn a_rekeyed_entry_counts_from_its_reinsertion() {
        let mut p = Pending::new();
        fill(&mut p, 0..2, 1000, 0);
        let e = p.remove(&k(0)).unwrap();
        p.insert(tok("moved"), e, at(0));
        fill(&mut p, 2..MAX_FLOWS as u64 + 1, 1000, 0);
        assert_eq!(p.len(), MAX_FLOWS);
        assert!(p.get(&k(1)).is_none(), "k1 was inserted first");
        assert!(p.get(&key("moved")).is_some());
        fill(&mut p, MAX_FLOWS as u64 + 1..MAX_FLOWS as u64 + 2, 1000, 0);
        assert!(
            p.get(&key("moved")).is_none(),
            "then the re-keyed entry, still under its seq"
        );
        assert!(p.get(&k(2)).is_some());
    }
}
