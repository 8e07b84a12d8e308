//! Aitronos: the organization in the query, free-form connector types with optional
//! `integration_params`, and its error envelope with `trace_id` and `timestamp`.

use serde_json::json;
use social_connect::{ConnectRequest, Error, Provider, Vendor};
use social_connect_mock::{MockConfig, OWNER_KEY};
use social_connect_tests::flow::query;
use social_connect_tests::{Harness, sample};

use crate::common::{
    self, Answer, answer, answer_sample, answer_to, assert_spec, connect_url, success_body,
};

fn request(h: &Harness) -> ConnectRequest {
    let mut params = serde_json::Map::new();
    params.insert("site_name".into(), json!("Marketing"));
    ConnectRequest::new(Provider::Other("sharepoint".into()))
        .owner(h.owner())
        .integration_params(params)
}

#[tokio::test]
async fn connect_returns_a_link_and_state() {
    let h = Harness::new(Vendor::Aitronos).await;
    let link = common::connect_ok(&h, request(&h)).await;
    let in_url = query(&link.url, "state");
    assert!(
        in_url.is_some(),
        "the authorization URL carries a state: {}",
        link.url
    );
    assert_eq!(
        link.state, in_url,
        "the link's state is the authorization URL's"
    );
}

#[tokio::test]
async fn documented_statuses_match_the_spec() {
    let h = Harness::new(Vendor::Aitronos).await;
    let notion = sample(Vendor::Aitronos).body;
    assert_eq!(answer_sample(&h, Some(OWNER_KEY)).await.status, 200);
    let unauthorized = answer_sample(&h, Some("wrong")).await;
    assert_eq!(unauthorized.status, 401);
    assert_eq!(
        unauthorized.body["error"]["code"],
        "AUTHENTICATION_REQUIRED"
    );
    let forbidden = answer(&h, Some(OWNER_KEY), "organization_id=org_other", notion).await;
    assert_eq!(
        (forbidden.status, forbidden.body["error"]["type"].as_str()),
        (403, Some("authorization_error"))
    );
    assert_eq!(answer(&h, Some(OWNER_KEY), "", notion).await.status, 422);
}

#[tokio::test]
async fn errors_are_typed_with_trace_ids() {
    let h = Harness::new(Vendor::Aitronos).await;
    let err = h
        .client_with("wrong", std::time::Duration::from_secs(5))
        .connect(Vendor::Aitronos, request(&h))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized(d) if d.code.as_deref() == Some("AUTHENTICATION_REQUIRED") && d.request_id.is_some()),
        "{err:?}"
    );
    let err = h
        .client()
        .connect(
            Vendor::Aitronos,
            ConnectRequest::new(Provider::Other("github".into())).owner("org_other"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Forbidden(d) if d.code.as_deref() == Some("INSUFFICIENT_PERMISSIONS")),
        "{err:?}"
    );
}

#[tokio::test]
async fn flows_approve_deny_replay_expire() {
    let h = Harness::new(Vendor::Aitronos).await;
    let (walk, account) = common::approve_flow_then_replay(&h, request(&h), "sharepoint").await;
    common::assert_completion_page(&h, &walk, &account);
    let walk = common::deny_flow(&h, request(&h)).await;
    common::assert_not_connected_page(&h, &walk, "access_denied");
    common::assert_expiry_refused(&h, request(&h)).await;
}

#[tokio::test]
async fn faults_surface_as_typed_errors() {
    let h = Harness::new(Vendor::Aitronos).await;
    common::assert_faults(&h, request(&h)).await;
}

// The mock's answers against the spec and its error envelope (from the mock's own tests).

fn check_envelope(r: &Answer, status: u16, code: &str, ty: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let b = &r.body;
    if status == 401 || status == 403 {
        assert_spec(Vendor::Aitronos, status, b);
    }
    assert_eq!(b["success"], json!(false));
    let e = &b["error"];
    assert_eq!(e["code"], json!(code));
    assert_eq!(e["type"], json!(ty));
    assert_eq!(e["status"], json!(status));
    assert!(e["message"].is_string() && e["system_message"].is_string());
    assert!(e["trace_id"].as_str().unwrap().starts_with("req_"));
    let ts = e["timestamp"].as_str().unwrap();
    assert!(ts.ends_with('Z'));
    time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!(e["details"], json!({}));
}

#[tokio::test]
async fn success_matches_spec() {
    let h = Harness::mock(Vendor::Aitronos, MockConfig::default()).await;
    let b = &success_body(
        &h,
        sample(Vendor::Aitronos).query,
        r#"{"connector_type": "sharepoint", "integration_params": {"site": "Team"}}"#,
        200,
    )
    .await;
    common::assert_state_matches_url(b, "authorization_url");
}

#[tokio::test]
async fn errors() {
    let h = Harness::mock(Vendor::Aitronos, MockConfig::default()).await;
    let org = sample(Vendor::Aitronos).query;
    let ok = r#"{"connector_type": "github"}"#;
    check_envelope(
        &answer(&h, None, org, ok).await,
        401,
        "AUTHENTICATION_REQUIRED",
        "authentication_error",
    );
    check_envelope(
        &answer(&h, Some("bad"), org, ok).await,
        401,
        "AUTHENTICATION_REQUIRED",
        "authentication_error",
    );
    let bearer = common::post(&h, org, ok).bearer_auth(OWNER_KEY);
    check_envelope(
        &answer_to(&h, bearer).await,
        401,
        "AUTHENTICATION_REQUIRED",
        "authentication_error",
    );
    check_envelope(
        &answer(&h, Some(OWNER_KEY), "organization_id=org_other", ok).await,
        403,
        "INSUFFICIENT_PERMISSIONS",
        "authorization_error",
    );
    check_envelope(
        &answer(&h, Some(OWNER_KEY), "", ok).await,
        422,
        "VALIDATION_ERROR",
        "validation_error",
    );
    for body in [
        r#"{}"#,
        r#"{"connector_type": 1}"#,
        r#"{"connector_type": "github", "integration_params": []}"#,
        "{]",
    ] {
        check_envelope(
            &answer(&h, Some(OWNER_KEY), org, body).await,
            422,
            "VALIDATION_ERROR",
            "validation_error",
        );
    }
    let get = social_connect_tests::flow::browser().get(connect_url(&h, org));
    check_envelope(
        &answer_to(&h, get).await,
        405,
        "METHOD_NOT_ALLOWED",
        "invalid_request_error",
    );
}
