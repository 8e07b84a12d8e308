//! Recoup: free-form connector slugs, `account_id` for an account the key manages (any other:
//! 403), and `callback_url`, which gets the browser back without result parameters.

use serde_json::json;
use social_connect::{ConnectOutcome, ConnectRequest, Error, Provider, Vendor};
use social_connect_mock::{
    MEMBER_KEY, MockConfig, OWNER_KEY, fixture::RECOUP_ARTIST_ACCOUNT, fixture::RECOUP_OWN_ACCOUNT,
};
use social_connect_tests::flow::{self, query};
use social_connect_tests::{Harness, Spec};
use url::Url;

use crate::common::{
    self, Answer, answer, answer_sample, answer_to, assert_spec, connect_url, success_body,
};

#[tokio::test]
async fn connect_for_own_and_managed_accounts() {
    let h = Harness::new(Vendor::Recoup).await;
    common::connect_ok(
        &h,
        ConnectRequest::new(Provider::Other("googlesheets".into())),
    )
    .await;
    common::connect_ok(
        &h,
        ConnectRequest::new(Provider::TikTok).account_id(RECOUP_ARTIST_ACCOUNT.parse().unwrap()),
    )
    .await;
}

#[tokio::test]
async fn documented_statuses_match_the_spec() {
    let h = Harness::new(Vendor::Recoup).await;
    assert_eq!(answer_sample(&h, Some(OWNER_KEY)).await.status, 200);
    let bad = answer(&h, Some(OWNER_KEY), "", r#"{"connector":42}"#).await;
    assert_eq!((bad.status, bad.body["error"].as_i64()), (400, Some(400)));
    assert_eq!(
        answer(
            &h,
            Some(OWNER_KEY),
            "",
            r#"{"connector":"x","account_id":"nope"}"#
        )
        .await
        .status,
        400
    );
    assert_eq!(answer_sample(&h, None).await.status, 401);
    let forbidden = answer(
        &h,
        Some(OWNER_KEY),
        "",
        r#"{"connector":"youtube","account_id":"00000000-0000-4000-8000-000000000099"}"#,
    )
    .await;
    assert_eq!(
        (forbidden.status, forbidden.body["error"].as_i64()),
        (403, Some(403))
    );
}

#[tokio::test]
async fn errors_are_typed() {
    let h = Harness::new(Vendor::Recoup).await;
    let err = h
        .client_with("wrong", std::time::Duration::from_secs(5))
        .connect(Vendor::Recoup, ConnectRequest::new(Provider::YouTube))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized(d) if d.message.is_some()),
        "{err:?}"
    );
    let other = "00000000-0000-4000-8000-000000000099".parse().unwrap();
    let err = h
        .client()
        .connect(
            Vendor::Recoup,
            ConnectRequest::new(Provider::YouTube).account_id(other),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    // A callback URL the SDK lets through but the mock's strict mode refuses (plain http to a
    // host that is not loopback): the vendor's 400.
    let err = h
        .client()
        .connect(
            Vendor::Recoup,
            ConnectRequest::new(Provider::YouTube)
                .redirect_url("http://app.example.com/cb".parse().unwrap()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

#[tokio::test]
async fn the_flow_returns_to_the_callback_url_without_results() {
    let h = Harness::new(Vendor::Recoup).await;
    let request = ConnectRequest::new(Provider::X)
        .redirect_url("https://app.example.com/recoup/done".parse().unwrap());
    let (walk, account) = common::approve_flow_then_replay(&h, request, "twitter").await;
    assert_eq!(
        account.owner_id, RECOUP_OWN_ACCOUNT,
        "the key's own account"
    );
    let back = walk.left_to();
    assert_eq!(back.as_str(), "https://app.example.com/recoup/done");
    assert!(matches!(
        ConnectOutcome::from_redirect(Vendor::Recoup, back),
        Err(Error::NotReportedByRedirect(Vendor::Recoup))
    ));
}

#[tokio::test]
async fn without_a_callback_the_flow_ends_on_a_completion_page() {
    let h = Harness::new(Vendor::Recoup).await;
    let (walk, account) =
        common::approve_flow_then_replay(&h, ConnectRequest::new(Provider::LinkedIn), "linkedin")
            .await;
    common::assert_completion_page(&h, &walk, &account);
}

#[tokio::test]
async fn expiry_and_denial() {
    let h = Harness::new(Vendor::Recoup).await;
    common::assert_expiry_refused(&h, ConnectRequest::new(Provider::YouTube)).await;
    let walk = common::deny_flow(&h, ConnectRequest::new(Provider::YouTube)).await;
    common::assert_not_connected_page(&h, &walk, "access_denied");
}

#[tokio::test]
async fn faults_surface_as_typed_errors() {
    let h = Harness::new(Vendor::Recoup).await;
    common::assert_faults(&h, ConnectRequest::new(Provider::YouTube)).await;
}

// The mock's answers: every documented status and body shape, validated against the spec (from
// the mock's own tests).

fn check_error(r: &Answer, status: u16) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_spec(Vendor::Recoup, status, &r.body);
    assert_eq!(r.body["error"], json!(status));
}

#[tokio::test]
async fn success_with_x_api_key_and_with_bearer() {
    let h = Harness::mock(Vendor::Recoup, MockConfig::default()).await;
    let server = h.mock_server();
    let body = &success_body(&h, "", r#"{"connector": "googlesheets"}"#, 200).await;
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["data"]["connector"], json!("googlesheets"));
    let redirect = body["data"]["redirectUrl"].as_str().unwrap();
    assert!(redirect.starts_with(&format!("{}/__provider/authorize?", server.uri())));
    let redirect = Url::parse(redirect).unwrap();
    assert_eq!(query(&redirect, "client_id").as_deref(), Some("recoup"));
    assert_eq!(
        query(&redirect, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(query(&redirect, "state").unwrap().len(), 43);

    let body = json!({"connector": "tiktok", "account_id": RECOUP_ARTIST_ACCOUNT}).to_string();
    let bearer = common::post(&h, "", &body).bearer_auth(OWNER_KEY);
    let r = answer_to(&h, bearer).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_spec(Vendor::Recoup, 200, &r.body);
}

#[tokio::test]
async fn unauthorized() {
    let h = Harness::mock(Vendor::Recoup, MockConfig::default()).await;
    let body = r#"{"connector": "youtube"}"#;
    check_error(&answer(&h, None, "", body).await, 401);
    check_error(&answer(&h, Some("sk_wrong"), "", body).await, 401);
    let basic = common::post(&h, "", body).header("authorization", "Basic abc");
    check_error(&answer_to(&h, basic).await, 401);
}

#[tokio::test]
async fn bad_requests() {
    let h = Harness::mock(Vendor::Recoup, MockConfig::default()).await;
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
        check_error(
            &answer(&h, Some(OWNER_KEY), "", &body.to_string()).await,
            400,
        );
    }
    check_error(
        &answer(&h, Some(OWNER_KEY), "", "{\"connector\":").await,
        400,
    );
    let text = flow::browser()
        .post(connect_url(&h, ""))
        .header("x-api-key", OWNER_KEY)
        .header("content-type", "text/plain")
        .body("{\"connector\":\"x\"}");
    check_error(&answer_to(&h, text).await, 400);
}

#[tokio::test]
async fn forbidden_accounts() {
    let h = Harness::mock(Vendor::Recoup, MockConfig::default()).await;
    let other =
        json!({"connector": "tiktok", "account_id": "00000000-0000-4000-8000-000000000099"});
    check_error(
        &answer(&h, Some(OWNER_KEY), "", &other.to_string()).await,
        403,
    );
    let owners = json!({"connector": "tiktok", "account_id": RECOUP_OWN_ACCOUNT});
    check_error(
        &answer(&h, Some(MEMBER_KEY), "", &owners.to_string()).await,
        403,
    );
    // The member's own account (account_id omitted) is fine.
    let r = answer(&h, Some(MEMBER_KEY), "", r#"{"connector": "tiktok"}"#).await;
    assert_eq!(r.status, 200);
}

#[test]
fn spec_validation_is_not_vacuous() {
    let recoup_200 = |body| Spec::of(Vendor::Recoup).check_body(200, &body);
    assert!(recoup_200(json!({"success": true})).is_err());
    let wrong_type = json!({"success": true, "data": {"connector": "x", "redirectUrl": 5}});
    assert!(recoup_200(wrong_type).is_err());
    let aitronos_401 = |body| Spec::of(Vendor::Aitronos).check_body(401, &body);
    assert!(
        aitronos_401(json!({"success": true, "error": {"code": "X", "message": "m"}})).is_err()
    );
    assert!(
        aitronos_401(json!({"success": false, "error": {"code": "X", "message": "m"}})).is_ok()
    );
}
