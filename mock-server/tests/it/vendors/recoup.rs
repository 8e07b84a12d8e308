//! Recoup: method, size and path errors, and its flow. (Every documented status and body shape,
//! validated against the spec, is checked in the contract suite.)

use crate::support::*;
use serde_json::Value;
use serde_json::json;
use social_connect_mock::{MockVendor, OWNER_KEY, fixture::RECOUP_ARTIST_ACCOUNT};

const V: MockVendor = MockVendor::Recoup;

#[tokio::test]
async fn method_size_and_path_errors() {
    let h = Harness::wiremock().await;
    let url = h.connect_url(V);
    let r = Reply::from(client().get(&url).send().await.unwrap()).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    assert_eq!(r.json()["error"], json!(405));
    let big = format!("{{\"connector\":\"x\",\"pad\":\"{}\"}}", "a".repeat(70_000));
    let r = post_raw(&url, &[("x-api-key", OWNER_KEY)], "application/json", &big).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"], json!(413));
    let r = post_json(&format!("{}/api/nope", h.base(V)), &NO_AUTH, &json!({})).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn flow_redirects_to_callback_url() {
    let h = Harness::wiremock().await;
    let r = post_json(
        &h.connect_url(V),
        &[("x-api-key", OWNER_KEY)],
        &json!({"connector": "youtube", "callback_url": "http://127.0.0.1:9/done?x=1",
                "account_id": RECOUP_ARTIST_ACCOUNT}),
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
    assert_eq!(a.owner_id, RECOUP_ARTIST_ACCOUNT);
    assert_eq!(a.platform, "youtube");

    // Replay: 400 HTML, no redirect.
    get(&callback).await.assert_state_error();
}

#[tokio::test]
async fn flow_without_callback_url_ends_on_a_completion_page() {
    let h = Harness::wiremock().await;
    let r = post_json(
        &h.connect_url(V),
        &[("x-api-key", OWNER_KEY)],
        &json!({"connector": "linkedin"}),
    )
    .await;
    let auth = r.json()["data"]["redirectUrl"].as_str().unwrap().to_owned();
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert_eq!(done.status, 200);
    done.assert_html_page();
    assert!(done.text.contains("account connected"));
}

/// Recoup's error body: `{"error":<status>,"message":"…"}`.
pub(crate) fn assert_error(body: &Value, status: u16, what: &str) {
    assert_eq!(keys(body, what), ["error", "message"], "{what}: {body}");
    assert_eq!(body["error"], status, "{what}: {body}");
    assert_message(body, what);
}
