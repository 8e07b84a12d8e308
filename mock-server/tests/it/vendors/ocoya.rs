//! Ocoya: `{"message"}` errors, and the start URL → provider flow. (Its 200 body against the spec
//! is checked in the contract suite.)

use crate::support::*;
use serde_json::Value;
use serde_json::json;
use social_connect_mock::{MockVendor, OWNER_KEY, Scenario};

const V: MockVendor = MockVendor::Ocoya;

fn url(h: &Harness, ws: &str) -> String {
    format!("{}?workspaceId={ws}", h.connect_url(V))
}

fn check_message(r: &Reply, status: u16) {
    assert_eq!(r.status, status, "{}", r.text);
    let b = r.json();
    assert!(b["message"].is_string());
    assert_eq!(b.as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn errors() {
    let h = Harness::wiremock().await;
    let k = [("X-API-Key", OWNER_KEY)];
    let r = post_json(&url(&h, "ws_demo"), &k, &json!({"provider": "tiktok"})).await;
    check_message(&r, 400);
    assert_eq!(r.json()["message"], json!("Unsupported provider"));
    check_message(&post_json(&url(&h, "ws_demo"), &k, &json!({})).await, 400);
    check_message(
        &post_json(&h.connect_url(V), &k, &json!({"provider": "x"})).await,
        400,
    );
    check_message(
        &post_raw(&url(&h, "ws_demo"), &k, "application/json", "[").await,
        400,
    );
    check_message(
        &post_json(&url(&h, "ws_demo"), &NO_AUTH, &json!({"provider": "x"})).await,
        401,
    );
    check_message(
        &post_json(&url(&h, "ws_nope"), &k, &json!({"provider": "x"})).await,
        404,
    );
    h.state()
        .set_scenario(V, Scenario::ServerError { status: 500 })
        .unwrap();
    check_message(
        &post_json(&url(&h, "ws_demo"), &k, &json!({"provider": "x"})).await,
        500,
    );
}

#[tokio::test]
async fn start_url_goes_through_the_provider() {
    let h = Harness::wiremock().await;
    let r = post_json(
        &url(&h, "ws_demo"),
        &[("X-API-Key", OWNER_KEY)],
        &json!({"provider": "pinterest"}),
    )
    .await;
    let start = r.json()["url"].as_str().unwrap().to_owned();
    let s = get(&start).await;
    assert_eq!(s.status, 302);
    let auth = s.location();
    assert!(auth.starts_with(&format!("{}/__provider/authorize?", h.origin())));
    assert_eq!(get(&auth).await.status, 200);
    // Automation through the start URL.
    let s = get(&format!("{start}&decision=approve")).await;
    let callback = get(&s.location()).await.location();
    let done = get(&callback).await;
    assert_eq!(done.status, 200);
    done.assert_html_page();
    assert_eq!(h.state().accounts().last().unwrap().platform, "pinterest");
    get(&start).await.assert_state_error();
}

/// Ocoya's error body: `{"message":"…"}`.
pub(crate) fn assert_error(body: &Value, _status: u16, what: &str) {
    assert_eq!(keys(body, what), ["message"], "{what}: {body}");
    assert_message(body, what);
}
