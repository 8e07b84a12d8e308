//! The shared OAuth state machine: consent page, PKCE-bound single-use codes, the token
//! endpoint, unknown/replayed/expired states, scenarios that expire or deny.

use crate::support::*;
use serde_json::json;
use social_connect_mock::{MockVendor, OWNER_KEY, Scenario, samples};

async fn woop_connect(h: &Harness) -> String {
    let r = post_json(
        &h.connect_url(MockVendor::WoopSocial),
        &owner_auth(MockVendor::WoopSocial),
        &json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": "https://app.example.com/cb"}),
    )
    .await;
    r.json()["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn consent_page_is_a_real_form_without_script() {
    let h = Harness::standalone().await;
    let auth = woop_connect(&h).await;
    let page = get(&auth).await;
    assert_eq!(page.status, 200);
    page.assert_html_page();
    assert!(page.text.starts_with("<!DOCTYPE html>"));
    assert!(
        page.text
            .contains("<form method=\"post\" action=\"/__provider/authorize\">")
    );
    assert!(page.text.contains("name=\"decision\" value=\"approve\""));
    // No script, no inline handler, nothing loaded or linked from anywhere but the mock (the
    // hidden redirect_uri is a value, not a link), and a CSP that forbids scripts.
    assert_self_contained_page(&page, &h.origin());
    let attributes = html_attributes(&page.text);
    assert!(
        attributes
            .iter()
            .any(|a| a.tag == "form" && a.name == "action" && a.value == "/__provider/authorize"),
        "the parser sees the form's action: {attributes:?}"
    );
}

#[tokio::test]
async fn token_endpoint_codes_are_single_use_and_bound_to_the_verifier() {
    let h = Harness::wiremock().await;
    let token = format!("{}/__provider/token", h.origin());
    let auth = woop_connect(&h).await;
    let callback = approve_to_callback(&auth, "").await;
    let code = query_param(&callback, "code").unwrap();
    let redirect_uri = query_param(&auth, "redirect_uri").unwrap();

    let r = post_form(&token, &[("grant_type", "password")]).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("unsupported_grant_type"))
    );
    let r = post_form(
        &token,
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_request"))
    );
    let wrong = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let pairs = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("code_verifier", wrong),
    ];
    let r = post_form(&token, &pairs).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_grant"))
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // The code is gone: the vendor's own exchange fails too, and the app hears invalid_grant.
    let done = get(&callback).await;
    assert_eq!(
        done.location(),
        "https://app.example.com/cb?status=error&projectId=proj_demo&platform=X&error=invalid_grant"
    );
}

#[tokio::test]
async fn unknown_and_tampered_states_are_errors_not_redirects() {
    let h = Harness::wiremock().await;
    let o = h.origin();
    get(&format!(
        "{o}/__vendor/woopsocial/callback?state=nope&code=x"
    ))
    .await
    .assert_state_error();
    get(&format!("{o}/__vendor/woopsocial/callback?code=x"))
        .await
        .assert_state_error();
    get(&format!("{o}/__provider/authorize?state=nope"))
        .await
        .assert_state_error();
    let auth = woop_connect(&h).await;
    let state = query_param(&auth, "state").unwrap();
    // A callback before the provider approved does not consume the state.
    get(&format!(
        "{o}/__vendor/woopsocial/callback?state={state}&code=x"
    ))
    .await
    .assert_state_error();
    // A wrong vendor's callback does not either.
    get(&format!(
        "{o}/__vendor/postbreeze/callback?state={state}&code=x"
    ))
    .await
    .assert_state_error();
    let tampered = auth.replace("code_challenge=", "code_challenge=x");
    let r = get(&format!("{tampered}&decision=approve")).await;
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());
    // Still usable after those.
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert_eq!(done.status, 302);
    assert!(done.location().contains("status=success"));
}

#[tokio::test]
async fn expire_state_scenario() {
    let h = Harness::wiremock().await;
    h.state()
        .set_scenario(MockVendor::WoopSocial, Scenario::ExpireState)
        .unwrap();
    let auth = woop_connect(&h).await;
    get(&auth).await.assert_state_error();
}

#[tokio::test]
async fn deny_consent_scenario() {
    let h = Harness::wiremock().await;
    h.state()
        .set_scenario(MockVendor::WoopSocial, Scenario::DenyConsent)
        .unwrap();
    let auth = woop_connect(&h).await;
    let r = get(&format!("{auth}&decision=approve")).await;
    let callback = r.location();
    assert_eq!(
        query_param(&callback, "error").as_deref(),
        Some("access_denied")
    );
    assert!(query_param(&callback, "code").is_none());
    let done = get(&callback).await;
    assert!(
        done.location()
            .ends_with("status=error&projectId=proj_demo&platform=X&error=access_denied")
    );
}

#[tokio::test]
async fn redirects_are_302_or_303_with_no_referrer() {
    let h = Harness::standalone().await;
    let auth = woop_connect(&h).await;
    let r = get(&format!("{auth}&decision=approve")).await;
    assert_eq!(r.status, 302);
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    let done = get(&r.location()).await;
    assert_eq!(done.status, 302);
    assert_eq!(done.header("referrer-policy"), Some("no-referrer"));
}

#[tokio::test]
async fn a_single_mounted_vendor_has_its_own_routes() {
    let server = wiremock::MockServer::start().await;
    let pb = MockVendor::Postbreeze.mount(&server).await;
    let woop = MockVendor::WoopSocial.mount(&server).await;
    let sample = samples::connect(MockVendor::Postbreeze);
    let r = post_raw(
        &sample.url(&pb.base_url()),
        &[sample.auth(OWNER_KEY)],
        "application/json",
        sample.body,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let auth = r.json()["authorizeUrl"].as_str().unwrap().to_owned();
    assert!(auth.starts_with(&format!(
        "{}/postbreeze/__provider/authorize?",
        server.uri()
    )));
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert_eq!(done.status, 200);
    assert_eq!(pb.state().accounts().len(), 2);
    assert_eq!(woop.state().accounts().len(), 1);
    let r = get(&format!("{}/accounts", woop.admin_url())).await;
    assert_eq!(r.status, 200);
    assert!(woop.admin_url().ends_with("/woopsocial/__admin"));
}
