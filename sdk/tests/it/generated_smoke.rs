//! Each generated client calls its operation against a wiremock `MockServer` and decodes the
//! success body its vendor documents, through the builder interface (`operation().param(..)
//! .body(..).send()`). This proves the generated code, not the unified layer.

use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[cfg(feature = "recoup")]
#[tokio::test]
async fn recoup_authorize_connector_decodes_the_documented_body() {
    use social_connect::recoup::{Client, types};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/connectors"))
        .and(body_json(json!({"connector": "tiktok"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": {"connector": "tiktok", "redirectUrl": "https://auth.example.com/o?state=s"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Default::default());
    let body = types::AuthorizeConnectorRequest {
        connector: "tiktok".into(),
        account_id: None,
        callback_url: None,
    };
    let got = client
        .authorize_connector()
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(got.success);
    assert_eq!(got.data.connector, "tiktok");
    assert_eq!(
        got.data.redirect_url.as_str(),
        "https://auth.example.com/o?state=s"
    );
}

#[cfg(feature = "woopsocial")]
#[tokio::test]
async fn woopsocial_create_authorization_url_decodes_the_documented_body() {
    use social_connect::woopsocial::{Client, types};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/social-accounts/authorization-url"))
        .and(body_json(
            json!({"projectId": "proj_demo", "platform": "FACEBOOK"}),
        ))
        // A field the spec does not list: the tolerant response type must still decode.
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"url": "https://woop.example/oauth?s=1", "added": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Default::default());
    let body = types::CreateOAuthAuthorizationRequest {
        project_id: "proj_demo".into(),
        platform: types::SocialPlatform::Facebook,
        redirect_url: None,
    };
    let got = client
        .create_authorization_url()
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.url.as_str(), "https://woop.example/oauth?s=1");
}

#[cfg(feature = "postbreeze")]
#[tokio::test]
async fn postbreeze_connect_decodes_the_documented_body_and_errors() {
    use social_connect::postbreeze::{Client, Error, types};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/social-accounts/connect"))
        .and(body_json(
            json!({"workspaceId": "ws_demo", "platform": "TIKTOK_BUSINESS"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "authorizeUrl": "https://pb.example/authorize?state=abc", "state": "abc"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/social-accounts/connect"))
        .and(body_json(
            json!({"workspaceId": "ws_other", "platform": "TIKTOK_BUSINESS"}),
        ))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "statusCode": 401, "message": "Unauthorized", "requestId": "req_1"
        })))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Default::default());
    let mut body = types::ConnectChannelDto {
        workspace_id: "ws_demo".into(),
        platform: types::ConnectChannelDtoPlatform::TiktokBusiness,
    };
    let got = client
        .connect_social_account()
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status().as_u16(), 201);
    assert_eq!(got.state.as_deref(), Some("abc"));

    body.workspace_id = "ws_other".into();
    match client
        .connect_social_account()
        .body(body.clone())
        .send()
        .await
    {
        Err(Error::ErrorResponse(err)) => {
            assert_eq!(err.status().as_u16(), 401);
            assert_eq!(err.request_id.as_deref(), Some("req_1"));
        }
        other => panic!("expected the documented 401 body, got {other:?}"),
    }
}

#[cfg(feature = "aitronos")]
#[tokio::test]
async fn aitronos_authorize_decodes_the_documented_body() {
    use social_connect::aitronos::{Client, types};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/personal-connectors/authorize"))
        .and(query_param("organization_id", "org_demo"))
        .and(body_json(json!({"connector_type": "github"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "authorization_url": "https://example.com/resource", "state": "example_state"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Default::default());
    let body = types::InitiateOauthRequest {
        connector_type: "github".into(),
        integration_params: Default::default(),
    };
    let got = client
        .authorize_connector()
        .organization_id("org_demo")
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        got.authorization_url.as_str(),
        "https://example.com/resource"
    );
    assert_eq!(got.state, "example_state");
}

#[cfg(feature = "ocoya")]
#[tokio::test]
async fn ocoya_create_connection_url_decodes_the_documented_body() {
    use social_connect::ocoya::{Client, types};
    let server = MockServer::start().await;
    let url = "https://app.ocoya.com/api/social-connect/start?provider=instagram&workspaceId=w";
    Mock::given(method("POST"))
        .and(path("/social-profiles/connection-url"))
        .and(query_param("workspaceId", "cmayvq3hk00017apshay5qezu"))
        .and(body_json(json!({"provider": "instagram"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"url": url})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(&server.uri(), Default::default());
    let body = types::CreateConnectionUrlRequest {
        provider: types::CreateConnectionUrlRequestProvider::Instagram,
    };
    let got = client
        .create_connection_url()
        .workspace_id("cmayvq3hk00017apshay5qezu")
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.url, url);
}
