//! Recoup: every documented status and body shape, validated against the spec, and its flow.

use crate::support::*;
use serde_json::json;
use social_connect_mock::MockVendor;

const V: MockVendor = MockVendor::Recoup;
const P: &str = "/api/connectors";

fn check_error(r: &Reply, status: u16) {
    assert_eq!(r.status, status, "{}", r.text);
    let body = r.json();
    assert_spec("recoup", P, status, &body);
    assert_eq!(body["error"], json!(status));
}

#[tokio::test]
async fn success_with_x_api_key_and_with_bearer() {
    let h = Harness::wiremock().await;
    let url = h.connect_url(V);
    let r = post_json(
        &url,
        &[("x-api-key", OWNER)],
        &json!({"connector": "googlesheets"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_spec("recoup", P, 200, &body);
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["data"]["connector"], json!("googlesheets"));
    let redirect = body["data"]["redirectUrl"].as_str().unwrap();
    assert!(redirect.starts_with(&format!("{}/__provider/authorize?", h.origin())));
    assert_eq!(
        query_param(redirect, "client_id").as_deref(),
        Some("recoup")
    );
    assert_eq!(
        query_param(redirect, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(query_param(redirect, "state").unwrap().len(), 43);

    let r = post_json(
        &url,
        &[("authorization", "Bearer sk_test_owner")],
        &json!({"connector": "tiktok", "account_id": "00000000-0000-4000-8000-000000000002"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_spec("recoup", P, 200, &r.json());
}

#[tokio::test]
async fn unauthorized() {
    let h = Harness::wiremock().await;
    let url = h.connect_url(V);
    let body = json!({"connector": "youtube"});
    check_error(&post_json(&url, &[], &body).await, 401);
    check_error(
        &post_json(&url, &[("x-api-key", "sk_wrong")], &body).await,
        401,
    );
    check_error(
        &post_json(&url, &[("authorization", "Basic abc")], &body).await,
        401,
    );
}

#[tokio::test]
async fn bad_requests() {
    let h = Harness::wiremock().await;
    let url = h.connect_url(V);
    let k = [("x-api-key", OWNER)];
    for body in [
        json!({}),
        json!({"connector": 7}),
        json!({"connector": "Google Sheets"}),
        json!({"connector": "youtube", "account_id": "not-a-uuid"}),
        json!({"connector": "youtube", "callback_url": "not a uri"}),
        json!({"connector": "youtube", "callback_url": "/relative"}),
        json!({"connector": "youtube", "callback_url": "javascript:alert(1)"}),
        json!({"connector": "youtube", "callback_url": "http://evil.example.com/cb"}),
        json!({"connector": "youtube", "callback_url": "https://app.example.com/cb#x"}),
        json!({"connector": "youtube", "callback_url": "https://u:p@app.example.com/cb"}),
        json!(["connector"]),
    ] {
        check_error(&post_json(&url, &k, &body).await, 400);
    }
    check_error(
        &post_raw(&url, &k, "application/json", "{\"connector\":").await,
        400,
    );
    check_error(
        &post_raw(&url, &k, "text/plain", "{\"connector\":\"x\"}").await,
        400,
    );
}

#[tokio::test]
async fn forbidden_accounts() {
    let h = Harness::wiremock().await;
    let url = h.connect_url(V);
    let other =
        json!({"connector": "tiktok", "account_id": "00000000-0000-4000-8000-000000000099"});
    check_error(&post_json(&url, &[("x-api-key", OWNER)], &other).await, 403);
    let owners =
        json!({"connector": "tiktok", "account_id": "00000000-0000-4000-8000-000000000001"});
    check_error(
        &post_json(&url, &[("x-api-key", MEMBER)], &owners).await,
        403,
    );
    // The member's own account (account_id omitted) is fine.
    let r = post_json(
        &url,
        &[("x-api-key", MEMBER)],
        &json!({"connector": "tiktok"}),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn method_size_and_path_errors() {
    let h = Harness::wiremock().await;
    let url = h.connect_url(V);
    let r = Reply::from(client().get(&url).send().await.unwrap()).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    assert_eq!(r.json()["error"], json!(405));
    let big = format!("{{\"connector\":\"x\",\"pad\":\"{}\"}}", "a".repeat(70_000));
    let r = post_raw(&url, &[("x-api-key", OWNER)], "application/json", &big).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"], json!(413));
    let r = post_json(&format!("{}/api/nope", h.base(V)), &[], &json!({})).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn flow_redirects_to_callback_url() {
    let h = Harness::wiremock().await;
    let r = post_json(
        &h.connect_url(V),
        &[("x-api-key", OWNER)],
        &json!({"connector": "youtube", "callback_url": "http://127.0.0.1:9/done?x=1",
                "account_id": "00000000-0000-4000-8000-000000000002"}),
    )
    .await;
    let auth = r.json()["data"]["redirectUrl"].as_str().unwrap().to_owned();

    // The consent page.
    let page = get(&auth).await;
    assert_eq!(page.status, 200);
    page.assert_html_page();
    assert!(page.text.contains("value=\"approve\"") && page.text.contains("value=\"deny\""));

    // Approve → the vendor callback → the app.
    let callback = approve_to_callback(&auth, "").await;
    assert!(callback.starts_with(&format!("{}/__vendor/recoup/callback?", h.origin())));
    let done = get(&callback).await;
    assert_eq!(done.status, 302);
    assert_eq!(done.location(), "http://127.0.0.1:9/done?x=1");
    assert_eq!(done.header("referrer-policy"), Some("no-referrer"));

    let accounts = h.state().accounts();
    let a = accounts.last().unwrap();
    assert_eq!(a.vendor, V);
    assert_eq!(a.owner_id, "00000000-0000-4000-8000-000000000002");
    assert_eq!(a.platform, "youtube");

    // Replay: 400 HTML, no redirect.
    get(&callback).await.assert_state_error();
}

#[tokio::test]
async fn flow_without_callback_url_ends_on_a_completion_page() {
    let h = Harness::wiremock().await;
    let r = post_json(
        &h.connect_url(V),
        &[("x-api-key", OWNER)],
        &json!({"connector": "linkedin"}),
    )
    .await;
    let auth = r.json()["data"]["redirectUrl"].as_str().unwrap().to_owned();
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert_eq!(done.status, 200);
    done.assert_html_page();
    assert!(done.text.contains("account connected"));
}

#[test]
fn spec_validation_is_not_vacuous() {
    let schema = response_schema("recoup", P, "200");
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    assert!(!v.is_valid(&json!({"success": true})));
    assert!(!v.is_valid(&json!({"success": true, "data": {"connector": "x", "redirectUrl": 5}})));
    let schema = response_schema("aitronos", "/personal-connectors/authorize", "401");
    let v = jsonschema::validator_for(&schema).unwrap();
    assert!(!v.is_valid(&json!({"success": true, "error": {"code": "X", "message": "m"}})));
    assert!(v.is_valid(&json!({"success": false, "error": {"code": "X", "message": "m"}})));
}
