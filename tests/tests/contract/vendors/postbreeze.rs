//! Postbreeze: 201 with a single-use URL and a state; 400, 401, 403 for members, and 409
//! `CHANNEL_ALREADY_CONNECTED` once a flow has connected the platform.

use serde_json::json;
use social_connect::{ConnectRequest, Error, Provider, Vendor};
use social_connect_mock::{MEMBER_KEY, MockConfig, OWNER_KEY};
use social_connect_tests::Harness;

use crate::common::{self, Answer, answer, answer_sample, assert_spec, success_body};

fn request(h: &Harness) -> ConnectRequest {
    ConnectRequest::new(Provider::TikTokBusiness).owner(h.owner())
}

#[tokio::test]
async fn connect_returns_a_single_use_link_with_state() {
    let h = Harness::new(Vendor::Postbreeze).await;
    let link = common::connect_ok(&h, request(&h)).await;
    assert!(link.single_use);
    assert!(
        link.state.as_deref().is_some_and(|s| s.len() >= 22),
        "state carries ≥128 bits"
    );
}

#[tokio::test]
async fn documented_statuses_match_the_spec() {
    let h = Harness::new(Vendor::Postbreeze).await;
    let ok = answer_sample(&h, Some(OWNER_KEY)).await;
    assert_eq!(ok.status, 201);
    let bad = answer(
        &h,
        Some(OWNER_KEY),
        "",
        r#"{"workspaceId":"ws_demo","platform":"MYSPACE"}"#,
    )
    .await;
    assert_eq!(
        (bad.status, bad.body["code"].as_str()),
        (400, Some("VALIDATION_FAILED"))
    );
    let malformed = answer(&h, Some(OWNER_KEY), "", r#"{"workspaceId":"#).await;
    assert_eq!(malformed.status, 400);
    let unauthorized = answer_sample(&h, Some("pb_live_wrong")).await;
    assert_eq!(unauthorized.status, 401);
    let conflict = answer(
        &h,
        Some(OWNER_KEY),
        "",
        r#"{"workspaceId":"ws_demo","platform":"INSTAGRAM"}"#,
    )
    .await;
    assert_eq!(
        (conflict.status, conflict.body["code"].as_str()),
        (409, Some("CHANNEL_ALREADY_CONNECTED"))
    );
}

#[tokio::test]
async fn errors_are_typed() {
    let h = Harness::new(Vendor::Postbreeze).await;
    let err = h
        .client_with("pb_live_wrong", std::time::Duration::from_secs(5))
        .connect(Vendor::Postbreeze, request(&h))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized(d) if d.request_id.is_some()),
        "{err:?}"
    );
    let err = h
        .client_with(MEMBER_KEY, std::time::Duration::from_secs(5))
        .connect(Vendor::Postbreeze, request(&h))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(d) if d.code.as_deref() == Some("FORBIDDEN")),
        "{err:?}"
    );
    let err = h
        .client()
        .connect(
            Vendor::Postbreeze,
            ConnectRequest::new(Provider::Instagram).owner(h.owner()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::AlreadyConnected(d) if d.code.as_deref() == Some("CHANNEL_ALREADY_CONNECTED")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_completed_flow_connects_and_the_second_connect_is_409() {
    let h = Harness::new(Vendor::Postbreeze).await;
    let (walk, account) =
        common::approve_flow_then_replay(&h, request(&h), "TIKTOK_BUSINESS").await;
    common::assert_completion_page(&h, &walk, &account);
    let page = &walk.page().body;
    assert!(
        page.contains("<code>TIKTOK_BUSINESS</code></dd>"),
        "the page names the platform as sent: {page}"
    );
    let err = h
        .client()
        .connect(Vendor::Postbreeze, request(&h))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AlreadyConnected(_)), "{err:?}");
}

#[tokio::test]
async fn expired_state_is_refused() {
    let h = Harness::new(Vendor::Postbreeze).await;
    common::assert_expiry_refused(&h, request(&h)).await;
}

#[tokio::test]
async fn denial_connects_nothing() {
    let h = Harness::new(Vendor::Postbreeze).await;
    let walk = common::deny_flow(&h, request(&h)).await;
    common::assert_not_connected_page(&h, &walk, "access_denied");
}

#[tokio::test]
async fn faults_surface_as_typed_errors() {
    let h = Harness::new(Vendor::Postbreeze).await;
    common::assert_faults(&h, request(&h)).await;
}

// The mock's answers against the spec and its error shapes (from the mock's own tests).

fn check_coded(r: &Answer, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let b = &r.body;
    assert_eq!(b["statusCode"], json!(status));
    assert_eq!(b["code"], json!(code));
    assert!(b["message"].is_string());
    assert!(b["requestId"].as_str().unwrap().starts_with("req_"));
}

#[tokio::test]
async fn created_matches_spec() {
    let h = Harness::mock(Vendor::Postbreeze, MockConfig::default()).await;
    let body = r#"{"workspaceId": "ws_demo", "platform": "BLUESKY"}"#;
    let b = &success_body(&h, "", body, 201).await;
    common::assert_state_matches_url(b, "authorizeUrl");
}

#[tokio::test]
async fn documented_errors() {
    let h = Harness::mock(Vendor::Postbreeze, MockConfig::default()).await;
    let ok = r#"{"workspaceId": "ws_demo", "platform": "X"}"#;
    for r in [
        answer(&h, None, "", ok).await,
        answer(&h, Some("nope"), "", ok).await,
    ] {
        assert_eq!(r.status, 401);
        let b = &r.body;
        assert_spec(Vendor::Postbreeze, 401, b);
        assert_eq!(b["message"], json!("Unauthorized"));
        assert_eq!(b["statusCode"], json!(401));
        assert!(b.get("code").is_none());
    }
    for body in [
        r#"{"platform": "X"}"#,
        r#"{"workspaceId": "ws_demo"}"#,
        r#"{"workspaceId": "ws_demo", "platform": "instagram"}"#,
        r#"{"workspaceId": 3, "platform": "X"}"#,
    ] {
        let r = answer(&h, Some(OWNER_KEY), "", body).await;
        check_coded(&r, 400, "VALIDATION_FAILED");
        assert_spec(Vendor::Postbreeze, 400, &r.body);
    }
    check_coded(
        &answer(&h, Some(OWNER_KEY), "", "nope").await,
        400,
        "VALIDATION_FAILED",
    );
    check_coded(
        &answer(&h, Some(MEMBER_KEY), "", ok).await,
        403,
        "FORBIDDEN",
    );
    check_coded(
        &answer(
            &h,
            Some(OWNER_KEY),
            "",
            r#"{"workspaceId": "ws_other", "platform": "X"}"#,
        )
        .await,
        403,
        "FORBIDDEN",
    );
    check_coded(
        &answer(
            &h,
            Some(OWNER_KEY),
            "",
            r#"{"workspaceId": "ws_demo", "platform": "INSTAGRAM"}"#,
        )
        .await,
        409,
        "CHANNEL_ALREADY_CONNECTED",
    );
}
