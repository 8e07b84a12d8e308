//! Tenants of the standalone server (`/t/{tenant}/…`): a world each, created only by a request
//! a web page cannot send cross-site, listed, dropped, and forgotten least recently used first.

use serde_json::{Value, json};
use social_connect_mock::{MockVendor, OWNER_KEY, StandaloneConfig, StandaloneServer, samples};

use crate::support::{
    Reply, absolute, client, connect_link as connect, get, html_attributes, query_param,
};

async fn server(config: StandaloneConfig) -> StandaloneServer {
    StandaloneServer::start(config).await.unwrap()
}

fn tenant_base(s: &StandaloneServer, tenant: &str, v: MockVendor) -> String {
    format!("{}/t/{tenant}{}", s.uri(), v.prefix())
}

/// Follows `url` (with `decision=approve`) hop by hop; every hop must stay under `inside`.
/// Returns the hops and the last answer.
async fn walk(url: &str, origin: &str, inside: &str) -> (Vec<String>, Reply) {
    let mut hops = vec![format!("{url}&decision=approve")];
    loop {
        let here = hops.last().unwrap().clone();
        assert!(here.starts_with(inside), "{here} left {inside}");
        let r = get(&here).await;
        if !matches!(r.status, 302 | 303) {
            return (hops, r);
        }
        hops.push(absolute(origin, &r.location()));
    }
}

/// The ids `GET /__admin/tenants` listed, in its order.
fn ids(listed: &Value) -> Vec<&str> {
    listed["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect()
}

async fn admin_get(url: &str) -> Value {
    let r = get(url).await;
    assert_eq!(r.status, 200, "{url}: {}", r.text);
    r.json()
}

/// Creates tenant `id` (or marks it used): an admin write, which may create one.
async fn create(origin: &str, id: &str) {
    let r = admin_send(
        reqwest::Method::POST,
        &format!("{origin}/t/{id}/__admin/reset"),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn admin_send(method: reqwest::Method, url: &str, body: Option<Value>) -> Reply {
    let mut req = client()
        .request(method, url)
        .header("content-type", "application/json");
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    Reply::from(req.send().await.unwrap()).await
}

#[tokio::test]
async fn every_vendors_flow_stays_inside_its_tenant_and_connects_there_only() {
    let s = server(StandaloneConfig::default()).await;
    let origin = s.uri();
    for v in MockVendor::ALL {
        let inside = format!("{origin}/t/ci-1/");
        let link = connect(&tenant_base(&s, "ci-1", v), v).await;
        assert!(link.starts_with(&inside), "{v:?}: {link}");
        let (hops, last) = walk(&link, &origin, &inside).await;
        assert!(hops.len() >= 2, "{v:?}: {hops:?}");
        assert_eq!(last.status, 200, "{v:?}: {}", last.text);
        assert!(
            hops.iter().any(|h| h.contains("/__vendor/")),
            "{v:?} passed no callback: {hops:?}"
        );
    }
    let mine = admin_get(&format!("{origin}/t/ci-1/__admin/accounts")).await;
    let fixture_accounts = s.state().accounts().len();
    assert_eq!(
        mine.as_array().unwrap().len(),
        fixture_accounts + MockVendor::ALL.len(),
        "{mine}"
    );
    // Nothing reached the default tenant or another one.
    assert_eq!(s.state().accounts().len(), fixture_accounts);
    create(&origin, "ci-2").await;
    let other = admin_get(&format!("{origin}/t/ci-2/__admin/accounts")).await;
    assert_eq!(other.as_array().unwrap().len(), fixture_accounts);
    let log = admin_get(&format!("{origin}/t/ci-1/__admin/requests")).await;
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/ocoya/api/_public/v1/social-profiles/connection-url"));
    assert!(paths.iter().all(|p| !p.starts_with("/t/")), "{paths:?}");
    assert!(
        s.state().requests().is_empty(),
        "the default tenant logged a tenant's request"
    );
}

#[tokio::test]
async fn a_state_minted_in_one_tenant_is_unknown_in_every_other() {
    let s = server(StandaloneConfig::default()).await;
    let origin = s.uri();
    let v = MockVendor::Postbreeze;
    let link = connect(&tenant_base(&s, "a", v), v).await;
    let callback = {
        let r = get(&format!("{link}&decision=approve")).await;
        assert_eq!(r.status, 302, "{}", r.text);
        r.location()
    };
    let code = query_param(&callback, "code").unwrap();
    let state = query_param(&callback, "state").unwrap();
    create(&origin, "b").await;
    for elsewhere in [format!("{origin}/t/b"), origin.clone()] {
        let forged = format!("{elsewhere}/__vendor/postbreeze/callback?code={code}&state={state}");
        get(&forged).await.assert_state_error();
        let consent = link.replacen(&format!("{origin}/t/a"), &elsewhere, 1);
        get(&format!("{consent}&decision=approve"))
            .await
            .assert_state_error();
    }
    // The flow is still there in its own tenant, and completes once.
    let done = get(&callback).await;
    assert_eq!(done.status, 200, "{}", done.text);
    get(&callback).await.assert_state_error();
}

#[tokio::test]
async fn reset_scenarios_and_mode_of_one_tenant_leave_the_others_alone() {
    let s = server(StandaloneConfig::default()).await;
    let origin = s.uri();
    let v = MockVendor::Ocoya;
    let pending = connect(&tenant_base(&s, "b", v), v).await;
    let a_admin = format!("{origin}/t/a/__admin");
    assert_eq!(
        admin_send(reqwest::Method::POST, &format!("{a_admin}/reset"), None)
            .await
            .status,
        200
    );
    let r = admin_send(
        reqwest::Method::PUT,
        &format!("{a_admin}/scenarios/ocoya"),
        Some(json!({"kind": "server_error", "status": 503})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin_send(
        reqwest::Method::PUT,
        &format!("{a_admin}/mode"),
        Some(json!({"mode": "lax"})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // A's connects fail; B's and the default tenant's do not; B's pending flow survived.
    let sample = samples::connect(v);
    let (name, value) = sample.auth(OWNER_KEY);
    let failing = client()
        .post(sample.url(&tenant_base(&s, "a", v)))
        .header(name, value)
        .header("content-type", "application/json")
        .body(sample.body)
        .send()
        .await
        .unwrap();
    assert_eq!(failing.status(), 503);
    connect(&s.base_url(v), v).await;
    assert_eq!(s.state().mode(), social_connect_mock::Mode::Strict);
    let b = admin_get(&format!("{origin}/t/b/__admin")).await;
    assert_eq!(b["mode"], "strict");
    assert_eq!(b["scenarios"], json!({}));
    let (_, last) = walk(&pending, &origin, &format!("{origin}/t/b/")).await;
    assert_eq!(last.status, 200, "{}", last.text);
}

#[tokio::test]
async fn the_consent_and_page_selection_forms_post_inside_the_tenant() {
    let s = server(StandaloneConfig::default()).await;
    let origin = s.uri();
    let link = connect(
        &tenant_base(&s, "forms", MockVendor::Ocoya),
        MockVendor::Ocoya,
    )
    .await;
    // Ocoya's start URL leads to the consent page; its form posts to the tenant's provider.
    let start = get(&link).await;
    let consent = get(&absolute(&origin, &start.location())).await;
    assert_eq!(consent.status, 200, "{}", consent.text);
    let actions: Vec<String> = html_attributes(&consent.text)
        .into_iter()
        .filter(|a| a.name == "action")
        .map(|a| a.value)
        .collect();
    assert_eq!(actions, ["/t/forms/__provider/authorize"]);

    // WoopSocial's Facebook page selection.
    let r = client()
        .post(format!(
            "{}/social-accounts/authorization-url",
            tenant_base(&s, "forms", MockVendor::WoopSocial)
        ))
        .bearer_auth(OWNER_KEY)
        .json(&json!({"projectId": "proj_demo", "platform": "FACEBOOK",
                      "redirectUrl": "https://app.example.com/back"}))
        .send()
        .await
        .unwrap();
    let link = Reply::from(r).await.json()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    // The consent form's hidden fields are the link's parameters.
    let mut fields: Vec<(String, String)> = url::Url::parse(&link)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    fields.push(("decision".into(), "approve".into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let approved =
        crate::support::post_form(&format!("{origin}/t/forms/__provider/authorize"), &pairs).await;
    assert_eq!(approved.status, 303, "{}", approved.text);
    let selection = get(&absolute(&origin, &approved.location())).await;
    let actions: Vec<String> = html_attributes(&selection.text)
        .into_iter()
        .filter(|a| a.name == "action")
        .map(|a| a.value)
        .collect();
    assert_eq!(actions, ["/t/forms/__vendor/woopsocial/pages"]);
}

#[tokio::test]
async fn bad_tenant_ids_are_a_clear_400() {
    let s = server(StandaloneConfig::default()).await;
    let origin = s.uri();
    for bad in [
        "/t",
        "/t/",
        "/t//recoup",
        &format!("/t/{}/", "x".repeat(65)),
        "/t/a.b/__admin",
        "/t/a%20b/",
        "/t/%C3%A4/",
        "/t/a:b/",
    ] {
        let r = get(&format!("{origin}{bad}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        let msg = r.json()["error"].as_str().unwrap().to_owned();
        assert!(msg.contains("invalid tenant id"), "{bad}: {msg}");
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    // A long id is shown cut to one character past the longest valid one.
    let r = get(&format!("{origin}/t/{}/", "y".repeat(200))).await;
    let msg = r.json()["error"].as_str().unwrap().to_owned();
    assert!(msg.contains(&format!("\"{}\"", "y".repeat(65))), "{msg}");
    let longest = "x".repeat(64);
    create(&origin, &longest).await;
    let r = get(&format!("{origin}/t/{longest}/__admin")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    assert_eq!(listed["tenants"].as_array().unwrap().len(), 1, "{listed}");
}

#[tokio::test]
async fn tenants_are_listed_with_their_sizes_and_dropped() {
    let s = server(StandaloneConfig::default()).await;
    let origin = s.uri();
    connect(
        &tenant_base(&s, "one", MockVendor::Aitronos),
        MockVendor::Aitronos,
    )
    .await;
    create(&origin, "two").await;
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    let ids = ids(&listed);
    assert_eq!(ids, ["two", "one"], "most recently used first: {listed}");
    let one = &listed["tenants"][1];
    assert_eq!(one["pending_flows"], 1, "{one}");
    assert_eq!(one["requests"], 1, "{one}");
    assert!(
        one["weight_bytes"].as_u64().unwrap()
            > listed["tenants"][0]["weight_bytes"].as_u64().unwrap()
    );
    assert_eq!(listed["max_tenants"], 1000);

    // A drop needs the admin API's guards: a write sent as JSON, from no foreign origin.
    let r = client()
        .delete(format!("{origin}/t/one/__admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = client()
        .delete(format!("{origin}/t/one/__admin"))
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client()
        .post(format!("{origin}/t/one/__admin"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, DELETE");
    let r = admin_send(
        reqwest::Method::DELETE,
        &format!("{origin}/t/one/__admin"),
        None,
    )
    .await;
    assert_eq!(r.json(), json!({"ok": true, "dropped": true}));
    let r = admin_send(
        reqwest::Method::DELETE,
        &format!("{origin}/t/one/__admin"),
        None,
    )
    .await;
    assert_eq!(r.json(), json!({"ok": true, "dropped": false}));
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    assert_eq!(listed["tenants"].as_array().unwrap().len(), 1, "{listed}");
    // The total is what the tenants left weigh: the dropped one's weight went with it.
    assert_eq!(
        listed["weight_bytes"], listed["tenants"][0]["weight_bytes"],
        "{listed}"
    );
    // Dropped, it is unknown; created again, it starts afresh.
    assert_eq!(get(&format!("{origin}/t/one/__admin")).await.status, 404);
    create(&origin, "one").await;
    let again = admin_get(&format!("{origin}/t/one/__admin")).await;
    assert_eq!(again["pending_flows"], 0);
    // The mock's own origin may drive a tenant's admin API (a page it serves never does, but
    // the check compares scheme and authority, not the tenant's path).
    let r = client()
        .post(format!("{origin}/t/one/__admin/reset"))
        .header("content-type", "application/json")
        .header("origin", &origin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn beyond_max_tenants_the_least_recently_used_is_forgotten() {
    let s = server(StandaloneConfig {
        max_tenants: 3,
        ..StandaloneConfig::default()
    })
    .await;
    let origin = s.uri();
    for t in ["a", "b", "c", "a", "d"] {
        create(&origin, t).await;
    }
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    let ids = ids(&listed);
    assert_eq!(ids, ["d", "a", "c"], "{listed}");
}

#[tokio::test]
async fn beyond_the_budget_the_least_recently_used_tenants_are_forgotten() {
    // Room for a few empty tenants and one with a handful of flows.
    let s = server(StandaloneConfig {
        tenant_budget: 200 * 1024,
        ..StandaloneConfig::default()
    })
    .await;
    let origin = s.uri();
    let v = MockVendor::Recoup;
    let early = connect(&tenant_base(&s, "early", v), v).await;
    for t in ["b", "c", "d"] {
        create(&origin, t).await;
    }
    for _ in 0..50 {
        connect(&tenant_base(&s, "busy", v), v).await;
    }
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    let ids = ids(&listed);
    assert_eq!(ids.first(), Some(&"busy"), "{listed}");
    assert!(!ids.contains(&"early"), "the stalest stayed: {listed}");
    assert!(
        listed["weight_bytes"].as_u64().unwrap() <= 200 * 1024,
        "{listed}"
    );
    // Its flow went with it, and a GET does not bring the tenant back.
    assert_eq!(get(&format!("{early}&decision=approve")).await.status, 404);
    let after = admin_get(&format!("{origin}/__admin/tenants")).await;
    assert!(!self::ids(&after).contains(&"early"), "{after}");
}

#[tokio::test]
async fn tenants_that_weigh_exactly_the_budget_are_all_kept() {
    // What an empty tenant weighs, by the mock's own count (the same for every empty one).
    let probe = server(StandaloneConfig::default()).await;
    create(&probe.uri(), "probe").await;
    let listed = admin_get(&format!("{}/__admin/tenants", probe.uri())).await;
    let empty = listed["tenants"][0]["weight_bytes"].as_u64().unwrap() as usize;
    probe.shutdown().await;

    let s = server(StandaloneConfig {
        tenant_budget: 2 * empty,
        ..StandaloneConfig::default()
    })
    .await;
    let origin = s.uri();
    create(&origin, "a").await;
    create(&origin, "b").await;
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    assert_eq!(listed["weight_bytes"], 2 * empty, "{listed}");
    assert_eq!(
        ids(&listed),
        ["b", "a"],
        "at the budget, not past it: {listed}"
    );
    create(&origin, "c").await;
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    assert_eq!(ids(&listed), ["c", "b"], "past it: {listed}");
}

#[tokio::test]
async fn one_request_that_outgrows_the_budget_forgets_as_many_tenants_as_it_takes() {
    let budget = 200 * 1024;
    let s = server(StandaloneConfig {
        tenant_budget: budget,
        ..StandaloneConfig::default()
    })
    .await;
    let origin = s.uri();
    for t in ["a", "b", "c", "d"] {
        create(&origin, t).await;
    }
    // One fixture that, counted at its expansion, outweighs several empty tenants at once.
    let mut fixture = social_connect_mock::Fixture::default();
    let model = fixture.connected_accounts[0].clone();
    let mut n = 0;
    while serde_json::to_string(&fixture).unwrap().len() < 9 * 1024 {
        n += 1;
        let mut account = model.clone();
        account.id = format!("{}_{n}", model.id);
        account.name = format!("Account {n}");
        fixture.connected_accounts.push(account);
    }
    let r = admin_send(
        reqwest::Method::PUT,
        &format!("{origin}/t/big/__admin/fixture"),
        Some(serde_json::to_value(&fixture).unwrap()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    let ids = ids(&listed);
    assert_eq!(ids.first(), Some(&"big"), "{listed}");
    assert!(
        ids.len() <= 3,
        "one tenant forgotten where the budget needed more: {listed}"
    );
    assert!(
        listed["weight_bytes"].as_u64().unwrap() <= budget as u64,
        "{listed}"
    );
}

#[tokio::test]
async fn only_a_request_a_page_cannot_send_cross_site_creates_a_tenant() {
    let s = server(StandaloneConfig {
        max_tenants: 2,
        ..StandaloneConfig::default()
    })
    .await;
    let origin = s.uri();
    let v = MockVendor::Ocoya;
    let link_a = connect(&tenant_base(&s, "a", v), v).await;
    create(&origin, "b").await;
    // What any web page can make a browser send: plain GETs (an <img>, a link), forms (a
    // urlencoded or text/plain POST), a vendor call without its key. None creates a tenant,
    // so none evicts one.
    for i in 0..50 {
        let t = format!("{origin}/t/page-{i}");
        for url in [
            format!("{t}/"),
            format!("{t}/__admin"),
            format!("{t}/__admin/accounts"),
            format!("{t}/__provider/authorize?response_type=code&state=x"),
            format!("{t}{}{}", v.prefix(), v.connect_path()),
        ] {
            let r = get(&url).await;
            assert_eq!(r.status, 404, "{url}: {}", r.text);
        }
        let form = client()
            .post(format!("{t}/__admin/reset"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("a=b")
            .send()
            .await
            .unwrap();
        assert_eq!(form.status(), 415);
        let keyless = client()
            .post(samples::connect(v).url(&format!("{t}{}", v.prefix())))
            .header("content-type", "text/plain")
            .body(samples::connect(v).body)
            .send()
            .await
            .unwrap();
        assert_eq!(keyless.status(), 404);
        // An admin write from a foreign page's origin is refused before it creates anything.
        let foreign = client()
            .post(format!("{t}/__admin/reset"))
            .header("content-type", "application/json")
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), 403);
    }
    let listed = admin_get(&format!("{origin}/__admin/tenants")).await;
    assert_eq!(ids(&listed), ["b", "a"], "{listed}");
    // A's flow is untouched.
    let (_, last) = walk(&link_a, &origin, &format!("{origin}/t/a/")).await;
    assert_eq!(last.status, 200, "{}", last.text);
}
