//! Ocoya: the workspace in the query, five providers in lower case, a browser URL that starts
//! the flow on Ocoya's own domain, and 400 for an unsupported provider.

use social_connect::{ConnectRequest, Error, Provider, Vendor};
use social_connect_mock::{MockConfig, OWNER_KEY};
use social_connect_tests::{Harness, sample};

use crate::common::{self, answer, answer_sample, success_body};

fn request(h: &Harness) -> ConnectRequest {
    ConnectRequest::new(Provider::Pinterest).owner(h.owner())
}

#[tokio::test]
async fn connect_returns_the_start_url() {
    let h = Harness::new(Vendor::Ocoya).await;
    let link = common::connect_ok(&h, request(&h)).await;
    assert!(
        link.url.path().ends_with("/api/social-connect/start"),
        "{}",
        link.url
    );
    let query: Vec<(String, String)> = link.url.query_pairs().into_owned().collect();
    assert!(query.contains(&("provider".into(), "pinterest".into())));
    assert!(query.contains(&("workspaceId".into(), "ws_demo".into())));
}

#[tokio::test]
async fn documented_statuses_match_the_spec() {
    let h = Harness::new(Vendor::Ocoya).await;
    assert_eq!(answer_sample(&h, Some(OWNER_KEY)).await.status, 200);
    let workspace = sample(Vendor::Ocoya).query;
    assert_eq!(
        answer(&h, Some(OWNER_KEY), workspace, r#"{"provider":"tiktok"}"#)
            .await
            .status,
        400,
        "unsupported provider"
    );
    assert_eq!(answer_sample(&h, None).await.status, 401);
}

#[tokio::test]
async fn errors_are_typed() {
    let h = Harness::new(Vendor::Ocoya).await;
    let err = h
        .client_with("wrong", std::time::Duration::from_secs(5))
        .connect(Vendor::Ocoya, request(&h))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    // An unsupported provider never reaches Ocoya: the SDK refuses it first.
    let err = h
        .client()
        .connect(
            Vendor::Ocoya,
            ConnectRequest::new(Provider::Threads).owner(h.owner()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedProvider { .. }), "{err:?}");
}

#[tokio::test]
async fn flows_approve_deny_replay_expire() {
    let h = Harness::new(Vendor::Ocoya).await;
    let (walk, account) = common::approve_flow_then_replay(&h, request(&h), "pinterest").await;
    common::assert_completion_page(&h, &walk, &account);
    let walk = common::deny_flow(&h, ConnectRequest::new(Provider::X).owner(h.owner())).await;
    common::assert_not_connected_page(&h, &walk, "access_denied");
    common::assert_expiry_refused(&h, request(&h)).await;
}

#[tokio::test]
async fn faults_surface_as_typed_errors() {
    let h = Harness::new(Vendor::Ocoya).await;
    common::assert_faults(&h, request(&h)).await;
}

// The mock's success body against the spec (from the mock's own tests).

#[tokio::test]
async fn success_mirrors_the_documented_url() {
    let h = Harness::mock(Vendor::Ocoya, MockConfig::default()).await;
    let server = h.mock_server();
    let sample = sample(Vendor::Ocoya);
    let b = &success_body(&h, sample.query, sample.body, 200).await;
    let u = b["url"].as_str().unwrap();
    assert!(u.starts_with(&format!(
        "{}/ocoya/api/social-connect/start?provider=instagram&workspaceId=ws_demo&state=",
        server.uri()
    )));
}
