//! Postbreeze: single-use expiring URLs and the 409 after a completed flow. (Its answers against
//! the spec, and its error shapes, are checked in the contract suite.)

use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use serde_json::Value;
use serde_json::json;
use social_connect_mock::{MockConfig, MockVendor, OWNER_KEY, clock::ManualClock};

const V: MockVendor = MockVendor::Postbreeze;

#[tokio::test]
async fn completed_flow_then_409() {
    let h = Harness::wiremock().await;
    let url = h.connect_url(V);
    let body = json!({"workspaceId": "ws_demo", "platform": "TIKTOK_BUSINESS"});
    let r = post_json(&url, &owner_auth(V), &body).await;
    let auth = r.json()["authorizeUrl"].as_str().unwrap().to_owned();
    let consent = get(&auth).await;
    assert_eq!(consent.status, 200);
    consent.assert_html_page();
    let callback = approve_to_callback(&auth, "").await;
    // The authorize URL is single-use.
    get(&format!("{auth}&decision=approve"))
        .await
        .assert_state_error();
    let done = get(&callback).await;
    assert_eq!(done.status, 200);
    done.assert_html_page();
    assert!(
        h.state()
            .accounts()
            .iter()
            .any(|a| a.platform == "TIKTOK_BUSINESS" && a.owner_id == "ws_demo")
    );
    let again = post_json(&url, &owner_auth(V), &body).await;
    assert_eq!(again.status, 409, "{}", again.text);
    let b = again.json();
    assert_eq!(b["statusCode"], json!(409));
    assert_eq!(b["code"], json!("CHANNEL_ALREADY_CONNECTED"));
    assert!(b["message"].is_string());
    assert!(b["requestId"].as_str().unwrap().starts_with("req_"));
    get(&callback).await.assert_state_error();
}

#[tokio::test]
async fn authorize_url_expires_with_the_state() {
    let clock = Arc::new(ManualClock::new());
    let h = Harness::wiremock_with(
        MockConfig::default()
            .with_clock(clock.clone())
            .with_state_ttl(Duration::from_secs(300)),
    )
    .await;
    let r = send_sample(&h, V, OWNER_KEY).await;
    let auth = r.json()["authorizeUrl"].as_str().unwrap().to_owned();
    clock.advance(Duration::from_secs(299));
    assert_eq!(get(&auth).await.status, 200);
    clock.advance(Duration::from_secs(2));
    get(&auth).await.assert_state_error();
    get(&format!("{auth}&decision=approve"))
        .await
        .assert_state_error();
}

#[tokio::test]
async fn expiry_between_approval_and_callback() {
    let clock = Arc::new(ManualClock::new());
    let h = Harness::wiremock_with(MockConfig::default().with_clock(clock.clone())).await;
    let r = send_sample(&h, V, OWNER_KEY).await;
    let auth = r.json()["authorizeUrl"].as_str().unwrap().to_owned();
    let callback = approve_to_callback(&auth, "").await;
    clock.advance(Duration::from_secs(601));
    get(&callback).await.assert_state_error();
    assert_eq!(h.state().accounts().len(), 1);
}

/// Postbreeze's error body: `{"statusCode":<status>,"code","message","requestId"}` (no `code`
/// on a 401).
pub(crate) fn assert_error(body: &Value, status: u16, what: &str) {
    let code = match status {
        401 => None,
        400 => Some("VALIDATION_FAILED"),
        403 => Some("FORBIDDEN"),
        404 => Some("NOT_FOUND"),
        405 => Some("METHOD_NOT_ALLOWED"),
        413 => Some("PAYLOAD_TOO_LARGE"),
        other => panic!("no expected Postbreeze error code for {other}"),
    };
    let mut expected = vec!["message", "requestId", "statusCode"];
    if code.is_some() {
        expected.insert(0, "code");
    }
    assert_eq!(keys(body, what), expected, "{what}: {body}");
    assert_eq!(body["statusCode"], status, "{what}: {body}");
    assert_eq!(body["code"].as_str(), code, "{what}: {body}");
    assert!(body["requestId"].is_string(), "{what}: {body}");
    assert_message(body, what);
}
