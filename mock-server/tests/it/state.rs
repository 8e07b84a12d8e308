//! The state's public API and the edges of the flow engine: each test here checks a behaviour
//! that cargo-mutants found no test checking (see BENCHMARKS.md, "Mutation testing").

use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use serde_json::json;
use social_connect_mock::{
    Fixture, MockConfig, MockVendor, clock::ManualClock, fixture::ConnectedAccount,
    fixture::RECOUP_ARTIST_ACCOUNT,
};

/// The WoopSocial sample with a redirect URL, so the end of a flow is a redirect to read.
async fn woop_auth_url(h: &Harness) -> String {
    let r = post_json(
        &h.connect_url(MockVendor::WoopSocial),
        &owner_auth(MockVendor::WoopSocial),
        &json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": "https://app.example.com/cb"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_state_reads_back_what_it_was_given() {
    let h = Harness::wiremock().await;
    let state = h.state();
    let mut fixture = Fixture::default();
    fixture.owners.get_mut(&MockVendor::WoopSocial).unwrap()[0].name = "Renamed project".to_owned();
    state.load_fixture(fixture.clone());
    assert_eq!(state.fixture(), fixture);

    assert_eq!(state.pending_flows(), 0);
    woop_auth_url(&h).await;
    assert_eq!(
        state.pending_flows(),
        1,
        "a connect leaves one pending flow"
    );
    assert!(!state.requests().is_empty());
    state.clear_requests();
    assert!(state.requests().is_empty(), "{:?}", state.requests());
}

#[tokio::test]
async fn a_new_state_ttl_applies_to_the_next_flows() {
    let clock = Arc::new(ManualClock::new());
    let h = Harness::wiremock_with(MockConfig::default().with_clock(clock.clone())).await;
    h.state().set_state_ttl(Duration::from_secs(30));
    assert_eq!(h.state().state_ttl(), Duration::from_secs(30));
    let auth = woop_auth_url(&h).await;
    // Past the new TTL (and well inside the default one): the state is gone.
    clock.advance(Duration::from_secs(31));
    let r = get(&format!("{auth}&decision=approve")).await;
    r.assert_state_error();
}

#[tokio::test]
async fn an_error_code_from_the_provider_is_passed_on_only_when_plain() {
    let h = Harness::wiremock().await;
    for (sent, reported) in [
        ("access_denied", "access_denied"),
        ("Access_Denied", "server_error"),
        ("access denied", "server_error"),
        (&*"a".repeat(65), "server_error"),
    ] {
        let callback = approve_to_callback(&woop_auth_url(&h).await, "").await;
        let state = query_param(&callback, "state").unwrap();
        let base = callback.split('?').next().unwrap();
        let url = format!(
            "{base}?state={state}&error={}",
            url::form_urlencoded::byte_serialize(sent.as_bytes()).collect::<String>()
        );
        let r = get(&url).await;
        assert_eq!(r.status, 302, "{}", r.text);
        assert_eq!(
            query_param(&r.location(), "error").as_deref(),
            Some(reported),
            "{sent:?}"
        );
    }
}

#[tokio::test]
async fn the_consent_step_checks_client_and_redirect_uri_each_on_its_own() {
    let h = Harness::wiremock().await;
    for (param, wrong) in [
        ("client_id", "postbreeze"),
        ("redirect_uri", "https://evil.example/callback"),
    ] {
        let auth = woop_auth_url(&h).await;
        let mut url = url::Url::parse(&auth).unwrap();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .map(|(k, v)| {
                if k == param {
                    (k, wrong.to_owned())
                } else {
                    (k, v)
                }
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        let r = get(&format!("{url}&decision=approve")).await;
        assert_eq!(r.status, 400, "a wrong {param} alone: {}", r.text);
        assert!(r.header("location").is_none());
    }
}

#[tokio::test]
async fn the_consent_page_names_the_owner_the_flow_is_for() {
    let h = Harness::wiremock().await;
    let r = post_json(
        &h.connect_url(MockVendor::Recoup),
        &owner_auth(MockVendor::Recoup),
        &json!({"connector": "tiktok", "account_id": RECOUP_ARTIST_ACCOUNT}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let page = get(r.json()["data"]["redirectUrl"].as_str().unwrap()).await;
    assert!(page.text.contains("Demo Artist"), "{}", page.text);
    assert!(
        !page.text.contains("Owner&#39;s own account")
            && !page.text.contains("Owner's own account")
    );
}

fn accounts(n: usize) -> Vec<ConnectedAccount> {
    (0..n)
        .map(|i| ConnectedAccount {
            id: format!("sa_fixture_{i}"),
            vendor: MockVendor::WoopSocial,
            owner_id: "proj_demo".to_owned(),
            platform: "X".to_owned(),
            name: String::new(),
            page_id: None,
            connected_at: None,
        })
        .collect()
}

/// The account store holds 100,000 accounts; the fixture's are never evicted. A fixture one
/// short of the cap leaves room for one more; a full one makes a completion fail with
/// `server_error` rather than exceed the cap.
#[tokio::test]
async fn the_fixture_alone_can_fill_the_account_store() {
    const MAX: usize = 100_000;
    for (fixture_accounts, outcome) in [(MAX - 1, "status=success"), (MAX, "error=server_error")] {
        let fixture = Fixture {
            connected_accounts: accounts(fixture_accounts),
            ..Fixture::default()
        };
        let h = Harness::wiremock_with(MockConfig::default().with_fixture(fixture)).await;
        let callback = approve_to_callback(&woop_auth_url(&h).await, "").await;
        let r = get(&callback).await;
        assert_eq!(r.status, 302, "{}", r.text);
        assert!(
            r.location().contains(outcome),
            "{fixture_accounts}: {}",
            r.location()
        );
        assert!(h.state().accounts().len() <= MAX);
    }
}

#[tokio::test]
async fn a_reset_drops_pending_flows_and_their_links() {
    let h = Harness::wiremock().await;
    let auth = woop_auth_url(&h).await;
    assert_eq!(h.state().pending_flows(), 1);
    h.state().reset();
    assert_eq!(h.state().pending_flows(), 0);
    get(&format!("{auth}&decision=approve"))
        .await
        .assert_state_error();
}

fn account(vendor: MockVendor, owner: &str, platform: &str) -> ConnectedAccount {
    ConnectedAccount {
        id: format!("{owner}_{platform}"),
        vendor,
        owner_id: owner.to_owned(),
        platform: platform.to_owned(),
        name: String::new(),
        page_id: None,
        connected_at: None,
    }
}

/// Postbreeze's one account per platform holds per vendor and per workspace: the same platform
/// at another vendor, or in another workspace, does not block a completion.
#[tokio::test]
async fn one_account_per_platform_is_per_vendor_and_per_workspace() {
    let mut fixture = Fixture::default();
    let workspaces = fixture.owners.get_mut(&MockVendor::Postbreeze).unwrap();
    let mut other = workspaces[0].clone();
    other.id = "ws_other".to_owned();
    workspaces.push(other);
    fixture.connected_accounts = vec![
        account(MockVendor::WoopSocial, "ws_demo", "YOUTUBE"),
        account(MockVendor::Postbreeze, "ws_other", "YOUTUBE"),
    ];
    let h = Harness::wiremock_with(MockConfig::default().with_fixture(fixture)).await;
    let r = post_json(
        &h.connect_url(MockVendor::Postbreeze),
        &owner_auth(MockVendor::Postbreeze),
        &json!({"workspaceId": "ws_demo", "platform": "YOUTUBE"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let callback = approve_to_callback(r.json()["authorizeUrl"].as_str().unwrap(), "").await;
    let done = get(&callback).await;
    assert_eq!(done.status, 200, "{}", done.text);
    let connected = h
        .state()
        .accounts()
        .into_iter()
        .filter(|a| {
            a.vendor == MockVendor::Postbreeze && a.owner_id == "ws_demo" && a.platform == "YOUTUBE"
        })
        .count();
    assert_eq!(connected, 1, "{:?}", h.state().accounts());
}
