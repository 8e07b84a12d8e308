//! WoopSocial: the only vendor that reports the outcome on the redirect back to the app — its
//! documented success and error parameters, several ids after a Facebook page selection.

use serde_json::json;
use social_connect::{ConnectOutcome, ConnectRequest, Error, Provider, Vendor};
use social_connect_mock::{MockConfig, Mode, OWNER_KEY};
use social_connect_tests::Harness;
use social_connect_tests::flow::{Walk, query};
use url::Url;

use crate::common::{self, answer, answer_sample, success_body};

const APP: &str = "https://app.example.com/oauth/complete?session=abc";

fn request(h: &Harness, provider: Provider) -> ConnectRequest {
    ConnectRequest::new(provider)
        .owner(h.owner())
        .redirect_url(APP.parse().unwrap())
}

/// The app's URL the flow was sent back to (exactly the redirect URL's origin and path, its own
/// query first), read as WoopSocial's documented outcome.
fn outcome_of(walk: &Walk) -> ConnectOutcome {
    let back = walk.left_to();
    let app = Url::parse(APP).unwrap();
    assert_eq!(
        (back.origin(), back.path()),
        (app.origin(), app.path()),
        "back at the app: {back}"
    );
    assert!(
        back.as_str()
            .starts_with("https://app.example.com/oauth/complete?session=abc&"),
        "back at the app, its own query kept: {back}"
    );
    assert_eq!(back.fragment(), None);
    ConnectOutcome::from_redirect(Vendor::WoopSocial, back).unwrap()
}

#[tokio::test]
async fn connect_returns_a_link() {
    let h = Harness::new(Vendor::WoopSocial).await;
    common::connect_ok(&h, request(&h, Provider::LinkedInPage)).await;
}

#[tokio::test]
async fn statuses_match_the_spec() {
    let h = Harness::new(Vendor::WoopSocial).await;
    assert_eq!(
        answer(
            &h,
            Some(OWNER_KEY),
            "",
            r#"{"projectId":"proj_demo","platform":"WOOPTEST"}"#
        )
        .await
        .status,
        200
    );
    assert_eq!(
        answer(
            &h,
            Some(OWNER_KEY),
            "",
            r#"{"projectId":"proj_demo","platform":"X","extra":1}"#
        )
        .await
        .status,
        400,
        "additionalProperties: false"
    );
    assert_eq!(answer_sample(&h, None).await.status, 401);
    assert_eq!(
        answer(
            &h,
            Some(OWNER_KEY),
            "",
            r#"{"projectId":"proj_nope","platform":"X"}"#
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn errors_are_typed() {
    let h = Harness::new(Vendor::WoopSocial).await;
    let err = h
        .client_with("wrong", std::time::Duration::from_secs(5))
        .connect(Vendor::WoopSocial, request(&h, Provider::X))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    let err = h
        .client()
        .connect(
            Vendor::WoopSocial,
            ConnectRequest::new(Provider::X).owner("proj_nope"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    // A redirect target the mock refuses in strict mode (plain http to a public host).
    let err = h
        .client()
        .connect(
            Vendor::WoopSocial,
            ConnectRequest::new(Provider::X)
                .owner(h.owner())
                .redirect_url("http://app.example.com/cb".parse().unwrap()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

#[tokio::test]
async fn success_redirect_carries_the_documented_parameters() {
    let h = Harness::new(Vendor::WoopSocial).await;
    let (walk, account) =
        common::approve_flow_then_replay(&h, request(&h, Provider::LinkedIn), "LINKEDIN").await;
    let last = walk.left_to();
    let keys: Vec<String> = last.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(
        keys,
        [
            "session",
            "status",
            "projectId",
            "platform",
            "socialAccountIds"
        ],
        "exactly the documented parameters, status first"
    );
    let ConnectOutcome::Connected {
        owner,
        provider,
        account_ids,
        ..
    } = outcome_of(&walk)
    else {
        panic!("not connected")
    };
    assert_eq!(
        (owner.as_str(), provider),
        ("proj_demo", Provider::LinkedIn)
    );
    assert_eq!(account_ids, [account.id], "the account the flow connected");
    let server = h.mock_server();
    assert!(
        server
            .state()
            .accounts()
            .iter()
            .any(|a| a.id == account_ids[0]),
        "the redirect names the account the mock holds"
    );
}

#[tokio::test]
async fn facebook_page_selection_gives_several_ids() {
    let h = Harness::new(Vendor::WoopSocial).await;
    let link = common::connect_ok(&h, request(&h, Provider::FacebookPage)).await;
    let walk = common::run_flow(
        &h,
        &link,
        &[("decision", "approve"), ("pages", "fbp_1001,fbp_1003")],
    )
    .await;
    let ConnectOutcome::Connected {
        account_ids,
        provider,
        ..
    } = outcome_of(&walk)
    else {
        panic!("not connected")
    };
    assert_eq!(provider, Provider::FacebookPage);
    assert_eq!(account_ids.len(), 2, "{account_ids:?}");
    let accounts = h.mock_server().state().accounts();
    let pages: Vec<_> = accounts
        .iter()
        .filter(|a| account_ids.contains(&a.id))
        .filter_map(|a| a.page_id.clone())
        .collect();
    assert_eq!(pages, ["fbp_1001", "fbp_1003"]);
}

/// Automation that approves a Facebook connect without `pages=` gets the first page, exactly one;
/// the interactive page-selection screen is driven in the browser tests.
#[tokio::test]
async fn automated_facebook_approval_without_pages_connects_the_first_page() {
    let h = Harness::new(Vendor::WoopSocial).await;
    let link = common::connect_ok(&h, request(&h, Provider::FacebookPage)).await;
    let walk = common::run_flow(&h, &link, &[("decision", "approve")]).await;
    let ConnectOutcome::Connected { account_ids, .. } = outcome_of(&walk) else {
        panic!("not connected")
    };
    assert_eq!(account_ids.len(), 1, "{account_ids:?}");
    let accounts = h.mock_server().state().accounts();
    let account = accounts.iter().find(|a| a.id == account_ids[0]).unwrap();
    assert_eq!(account.page_id.as_deref(), Some("fbp_1001"));
}

#[tokio::test]
async fn denial_redirects_with_status_error() {
    let h = Harness::new(Vendor::WoopSocial).await;
    let walk = common::deny_flow(&h, request(&h, Provider::Instagram)).await;
    let last = walk.left_to();
    let keys: Vec<String> = last.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(
        keys,
        ["session", "status", "projectId", "platform", "error"]
    );
    let ConnectOutcome::Failed { error, .. } = outcome_of(&walk) else {
        panic!("not failed")
    };
    assert_eq!(error, "access_denied");
}

#[tokio::test]
async fn replayed_and_expired_states_are_http_errors_not_redirects() {
    let h = Harness::new(Vendor::WoopSocial).await;
    common::assert_expiry_refused(&h, request(&h, Provider::X)).await;
    let forged = Url::parse(&format!(
        "{}/__provider/authorize?state=forged&decision=approve",
        h.mock_server().uri()
    ))
    .unwrap();
    let hop =
        social_connect_tests::flow::get(&social_connect_tests::flow::browser(), &forged).await;
    assert_eq!(hop.status.as_u16(), 400);
    assert!(hop.location.is_none());
}

#[tokio::test]
async fn faults_surface_as_typed_errors() {
    let h = Harness::new(Vendor::WoopSocial).await;
    common::assert_faults(&h, request(&h, Provider::X)).await;
}

// The mock's success bodies against the spec (from the mock's own tests).

/// Connects with `body` and the owner key, checks the 200 body against the spec, returns its URL.
async fn connect_raw(h: &Harness, body: serde_json::Value) -> Url {
    let body = success_body(h, "", &body.to_string(), 200).await;
    Url::parse(body["url"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn success_matches_spec() {
    let h = Harness::mock(Vendor::WoopSocial, MockConfig::default()).await;
    let url = connect_raw(
        &h,
        json!({"projectId": "proj_demo", "platform": "INSTAGRAM",
        "redirectUrl": "https://app.example.com/oauth/complete"}),
    )
    .await;
    assert_eq!(query(&url, "client_id").as_deref(), Some("woopsocial"));
    assert_eq!(query(&url, "provider").as_deref(), Some("instagram"));
}

/// The connects the mock's own WoopSocial flow tests start from (`mock-server/tests/it`), their
/// 200 bodies against the spec: the check those tests made before spec validation moved here.
#[tokio::test]
async fn the_mock_flow_tests_connects_match_the_spec() {
    let lax = Harness::mock(
        Vendor::WoopSocial,
        MockConfig::default().with_mode(Mode::Lax),
    )
    .await;
    connect_raw(
        &lax,
        json!({"projectId": "proj_demo", "platform": "X", "extra": true,
        "redirectUrl": "http://app.example.com/cb#frag"}),
    )
    .await;
    let h = Harness::mock(Vendor::WoopSocial, MockConfig::default()).await;
    for body in [
        json!({"projectId": "proj_demo", "platform": "LINKEDIN",
        "redirectUrl": "https://app.example.com/oauth/complete?keep=1"}),
        json!({"projectId": "proj_demo", "platform": "TIKTOK",
        "redirectUrl": "http://localhost:3000/cb"}),
        json!({"projectId": "proj_demo", "platform": "FACEBOOK",
        "redirectUrl": "https://app.example.com/done"}),
        json!({"projectId": "proj_demo", "platform": "WOOPTEST"}),
    ] {
        connect_raw(&h, body).await;
    }
}
