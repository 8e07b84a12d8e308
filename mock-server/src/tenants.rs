//! The standalone server's tenants: everything the mock serves is also served under
//! `{origin}/t/{tenant}/…`, each tenant a world of its own (fixture, pending flows, codes,
//! accounts, scenarios, mode, request log), so that parallel tests sharing one server do not
//! see each other. The bare origin is the default tenant.
//!
//! A tenant is a [`MockService`] whose origin is `{origin}/t/{tenant}`, so every URL it mints
//! (authorization, consent form, callback, Ocoya's start URL) stays inside it, and a state it
//! mints is unknown to every other. Tenants are created from the server's fixture, only by a
//! request a web page cannot send cross-site (`Tenants::may_create`), and forgotten least recently used first: beyond `max_tenants`, and while their
//! weight ([`MockState::weight`](crate::admin::MockState::weight)) is over the budget.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use http::Method;
use serde_json::json;

use crate::admin;
use crate::core::{MockRequest, MockResponse};
use crate::routes::Route;
use crate::service::{MockService, no_store};
use crate::state::{MockConfig, MockState, Seed};

/// The path prefix of the tenants.
const PREFIX: &str = "/t/";

/// The longest tenant id.
pub(crate) const MAX_TENANT_ID: usize = 64;

/// What a tenant weighs before it holds anything: its service (the URLs built for it), an empty
/// state, its slot here. The fixture it starts from is the server's, shared, not its own.
const TENANT_BASE_WEIGHT: usize = 16 * 1024;

/// The default tenant and the others, by id.
#[derive(Debug)]
pub(crate) struct Tenants {
    default: MockService,
    /// The settings each new tenant starts with; its fixture is [`Tenants::seed`]'s.
    config: MockConfig,
    /// The server's fixture and its keys' automaton, shared by every tenant until one loads its
    /// own (which it owns, and is counted by).
    seed: Seed,
    max_tenants: usize,
    budget: usize,
    registry: Mutex<Registry>,
}

#[derive(Debug, Default)]
struct Registry {
    map: HashMap<String, Slot>,
    /// Bumped by every use: a slot's `tick` orders the tenants by last use.
    tick: u64,
    /// The sum of the slots' weights.
    weight: usize,
}

#[derive(Debug)]
struct Slot {
    service: MockService,
    tick: u64,
    used: Instant,
    weight: usize,
}

impl Tenants {
    /// `default` serves the bare origin; new tenants start from `config` with `seed` (shared;
    /// `config`'s own fixture is not read).
    pub(crate) fn new(
        default: MockService,
        config: MockConfig,
        seed: Seed,
        max_tenants: usize,
        budget: usize,
    ) -> Self {
        Self {
            default,
            config,
            seed,
            max_tenants: max_tenants.max(1),
            budget,
            registry: Mutex::new(Registry::default()),
        }
    }

    pub(crate) fn default_service(&self) -> &MockService {
        &self.default
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Routes one request: to a tenant under `/t/{tenant}`, to the list of tenants, or to the
    /// default tenant.
    pub(crate) fn handle(&self, mut req: MockRequest) -> MockResponse {
        let route = self.default.route(&req.path);
        match route {
            Some(Route::Tenant) => {}
            Some(Route::TenantList) => return no_store(self.list(&req)),
            _ => return self.default.handle_routed(req, route),
        }
        let rest = req.path.strip_prefix(PREFIX).unwrap_or_default();
        let (id, tail) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if !valid_id(id) {
            return no_store(invalid_id(id));
        }
        let id = id.to_owned();
        let tail = if tail.is_empty() { "/" } else { tail };
        if matches!(tail, "/__admin/tenants" | "/__admin/tenants/") {
            // The list, asked inside a tenant: that of the server holding it (behind a fleet's
            // proxy, which sends a tenant's paths to one server, the one that has it).
            return no_store(self.list(&req));
        }
        if matches!(tail, "/__admin" | "/__admin/")
            && !matches!(req.method, Method::GET | Method::HEAD)
        {
            return no_store(self.drop_request(&req, &id));
        }
        let service = match self.enter(&id, || self.may_create(&req, tail)) {
            Ok(service) => service,
            Err(refused) => return no_store(*refused),
        };
        req.path = tail.to_owned();
        let resp = service.handle(req);
        self.weigh(&id, &service);
        resp
    }

    /// Whether a request to a tenant that does not exist may create it: only one a web page
    /// cannot send cross-site without a CORS preflight (which the mock never grants), so that
    /// an `<img>` or a form on any page can neither create tenants nor, past `--max-tenants`,
    /// evict other tests' tenants. That is a vendor API call carrying the vendor's key in a
    /// header, or an admin write that passes the admin API's guards (sent as
    /// `application/json`, from loopback or an allowed host, with no foreign `Origin`).
    /// Anything else is a 404 that creates nothing.
    /// Returns the refusal, if any.
    fn may_create(&self, req: &MockRequest, tail: &str) -> Option<MockResponse> {
        let route = self.default.route(tail);
        if matches!(route, Some(Route::Admin(_)))
            && !matches!(req.method, Method::GET | Method::HEAD | Method::OPTIONS)
        {
            return self.default.guard_admin(req);
        }
        let keyed = matches!(route, Some(Route::Api(v)) if v.contract().header_key(req).is_some());
        if keyed {
            return None;
        }
        Some(MockResponse::error(
            404,
            "no such tenant: a tenant is created by a vendor API call carrying the vendor's key, \
             or by an admin write sent as application/json (e.g. POST /t/{tenant}/__admin/reset)",
        ))
    }

    /// The tenant `id`, marked as just used; created first if it does not exist and `create`
    /// allows it (else its refusal). A new tenant is made outside the registry's lock (cheap as
    /// it is: it shares the server's [`Seed`]), so that no other tenant's request waits on it.
    fn enter(
        &self,
        id: &str,
        create: impl FnOnce() -> Option<MockResponse>,
    ) -> Result<MockService, Box<MockResponse>> {
        if let Some(service) = self.registry().touch(id) {
            return Ok(service);
        }
        if let Some(refused) = create() {
            return Err(Box::new(refused));
        }
        let made = self.default.tenant(
            format!("{}{PREFIX}{id}", self.default.origin()),
            MockState::with_seed(&self.seed, &self.config, true),
        );
        let mut r = self.registry();
        // Made meanwhile by another request: that one is the tenant.
        if let Some(service) = r.touch(id) {
            return Ok(service);
        }
        while r.map.len() >= self.max_tenants {
            if !r.evict_stalest(id) {
                break;
            }
        }
        // `touch` has just counted this use: its tick is the newest.
        let tick = r.tick;
        r.weight += TENANT_BASE_WEIGHT;
        r.map.insert(
            id.to_owned(),
            Slot {
                service: made.clone(),
                tick,
                used: Instant::now(),
                weight: TENANT_BASE_WEIGHT,
            },
        );
        Ok(made)
    }

    /// Records what tenant `id` weighs after a request, and forgets the least recently used
    /// others while the tenants weigh more than the budget.
    fn weigh(&self, id: &str, service: &MockService) {
        let weight = TENANT_BASE_WEIGHT + service.state().weight();
        let mut r = self.registry();
        let Some(slot) = r.map.get_mut(id).filter(|s| s.service.same(service)) else {
            // Dropped or evicted (and maybe created again) while the request ran.
            return;
        };
        let before = std::mem::replace(&mut slot.weight, weight);
        r.weight = r.weight - before + weight;
        while r.weight > self.budget {
            if !r.evict_stalest(id) {
                break;
            }
        }
    }

    /// `DELETE /t/{id}/__admin`: forgets the tenant.
    fn drop_request(&self, req: &MockRequest, id: &str) -> MockResponse {
        if let Some(refused) = self.default.guard_admin(req) {
            return refused;
        }
        if req.method != Method::DELETE {
            return MockResponse::error(405, "method not allowed").header("allow", "GET, DELETE");
        }
        let dropped = self.registry().remove(id);
        MockResponse::json(200, &json!({"ok": true, "dropped": dropped}))
    }

    /// `GET /__admin/tenants`: the tenants, most recently used first, with their sizes.
    fn list(&self, req: &MockRequest) -> MockResponse {
        if let Some(refused) = self.default.guard_admin(req) {
            return refused;
        }
        if !matches!(req.method, Method::GET | Method::HEAD) {
            return MockResponse::error(405, "method not allowed").header("allow", "GET");
        }
        let (mut slots, weight): (Vec<_>, _) = {
            let r = self.registry();
            let slots = r
                .map
                .iter()
                .map(|(id, s)| (id.clone(), s.service.clone(), s.tick, s.used, s.weight))
                .collect();
            (slots, r.weight)
        };
        slots.sort_by_key(|s| std::cmp::Reverse(s.2));
        let tenants: Vec<_> = slots
            .into_iter()
            .map(|(id, service, _, used, weight)| {
                let (flows, accounts, requests) = service.state().sizes();
                json!({
                    "id": id,
                    "pending_flows": flows,
                    "accounts": accounts,
                    "requests": requests,
                    "weight_bytes": weight,
                    "idle_secs": used.elapsed().as_secs(),
                })
            })
            .collect();
        admin::json_of(&json!({
            "max_tenants": self.max_tenants,
            "budget_bytes": self.budget,
            "weight_bytes": weight,
            "tenants": tenants,
        }))
    }
}

impl Registry {
    /// The tenant `id`, if it exists, marked as just used.
    fn touch(&mut self, id: &str) -> Option<MockService> {
        self.tick += 1;
        let tick = self.tick;
        let slot = self.map.get_mut(id)?;
        slot.tick = tick;
        slot.used = Instant::now();
        Some(slot.service.clone())
    }

    /// Forgets the least recently used tenant other than `keep`; false when there is none.
    fn evict_stalest(&mut self, keep: &str) -> bool {
        let stalest = self
            .map
            .iter()
            .filter(|(id, _)| id.as_str() != keep)
            .min_by_key(|(_, s)| s.tick)
            .map(|(id, _)| id.clone());
        stalest.is_some_and(|id| self.remove(&id))
    }

    fn remove(&mut self, id: &str) -> bool {
        let slot = self.map.remove(id);
        slot.map(|slot| self.weight -= slot.weight).is_some()
    }
}

/// 1 to 64 of `A-Z a-z 0-9 _ -`.
fn valid_id(id: &str) -> bool {
    (1..=MAX_TENANT_ID).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

fn invalid_id(id: &str) -> MockResponse {
    let shown: String = id.chars().take(MAX_TENANT_ID + 1).collect();
    MockResponse::error(
        400,
        &format!(
            "invalid tenant id {shown:?}: a tenant id is 1 to {MAX_TENANT_ID} of A-Z, a-z, 0-9, \
             `_` and `-` (as in /t/ci-worker-1/…)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_are_1_to_64_of_a_small_alphabet() {
        for ok in ["a", "Z9", "ci-worker_1", &"x".repeat(64)] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in [
            "",
            &"x".repeat(65),
            "a.b",
            "a b",
            "ä",
            "a%20b",
            "a/b",
            "a:b",
        ] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    fn tenants_of(fixture: crate::Fixture) -> Tenants {
        let seed = Seed::new(fixture);
        let config = MockConfig::default();
        let default = MockService::from_parts(
            "http://127.0.0.1:1".to_owned(),
            String::new(),
            crate::MockVendor::ALL.to_vec(),
            MockState::with_seed(&seed, &config, true),
            true,
        );
        Tenants::new(default, config, seed, 10, usize::MAX)
    }

    #[test]
    fn tenants_share_the_servers_fixture_until_one_loads_its_own() {
        let mut fixture = crate::Fixture::default();
        let account = fixture.connected_accounts[0].clone();
        fixture.connected_accounts = vec![account; 2000];
        let tenants = tenants_of(fixture);
        let a = tenants.enter("a", || None).unwrap();
        let b = tenants.enter("b", || None).unwrap();
        let shared = |s: &MockService| {
            let keys = s.state().fixture_keys();
            let fixture = std::sync::Arc::clone(&s.state().lock().fixture);
            (keys, fixture)
        };
        let ((ka, fa), (kb, fb)) = (shared(&a), shared(&b));
        assert!(std::sync::Arc::ptr_eq(&ka, &kb), "one automaton for all");
        assert!(std::sync::Arc::ptr_eq(&fa, &fb), "one fixture for all");
        assert!(std::sync::Arc::ptr_eq(&fa, &tenants.seed.fixture));
        // Its accounts are read, not copied: a tenant weighs the same whatever their number.
        assert_eq!(a.state().accounts().len(), 2000);
        assert!(a.state().weight() < 1024, "{}", a.state().weight());
        // A tenant that loads its own owns it, and is counted by it; the others keep sharing.
        a.state().load_fixture(crate::Fixture::default());
        let (ka2, fa2) = shared(&a);
        assert!(!std::sync::Arc::ptr_eq(&ka2, &kb) && !std::sync::Arc::ptr_eq(&fa2, &fb));
        assert!(a.state().weight() > 1024, "{}", a.state().weight());
        assert!(std::sync::Arc::ptr_eq(&shared(&b).0, &kb));
        assert_eq!(b.state().accounts().len(), 2000);
        // The same tenant again is the same service; a refused one is not made.
        assert!(tenants.enter("a", || None).unwrap().same(&a));
        let refused = tenants.enter("c", || Some(MockResponse::error(404, "no")));
        assert_eq!(refused.err().map(|r| r.status), Some(404));
        assert_eq!(tenants.registry().map.len(), 2);
    }

    #[test]
    fn each_use_makes_a_tenant_the_newest_and_the_stalest_goes_first() {
        let tenants = tenants_of(crate::Fixture::default());
        for id in ["a", "b", "c"] {
            tenants.enter(id, || None).unwrap();
        }
        let tick = |id: &str| tenants.registry().map[id].tick;
        assert!(tick("a") < tick("b") && tick("b") < tick("c"));
        tenants.enter("a", || None).unwrap();
        assert!(tick("a") > tick("c"));
        assert!(tenants.registry().evict_stalest("c"));
        let left: std::collections::BTreeSet<_> = tenants.registry().map.keys().cloned().collect();
        assert_eq!(left, ["a", "c"].map(String::from).into());
    }
}
