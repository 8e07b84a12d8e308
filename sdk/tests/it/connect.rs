//! `Client::connect` over HTTP against wiremock: each vendor's auth scheme and success body, and
//! every error status its spec documents, as the typed error.

use std::time::Duration;

use serde_json::{Value, json};
use social_connect::{Client, ConnectRequest, Error, Provider, Vendor};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::refused_client;

const KEY: &str = "sk_test_secret_key_123";

struct Case {
    path: &'static str,
    auth: (&'static str, String),
}

fn case(vendor: Vendor) -> Case {
    match vendor {
        Vendor::Recoup => Case {
            path: "/api/connectors",
            auth: ("x-api-key", KEY.into()),
        },
        Vendor::WoopSocial => Case {
            path: "/social-accounts/authorization-url",
            auth: ("authorization", format!("Bearer {KEY}")),
        },
        Vendor::Postbreeze => Case {
            path: "/social-accounts/connect",
            auth: ("authorization", format!("Bearer {KEY}")),
        },
        Vendor::Aitronos => Case {
            path: "/personal-connectors/authorize",
            auth: ("x-api-key", KEY.into()),
        },
        Vendor::Ocoya => Case {
            path: "/social-profiles/connection-url",
            auth: ("x-api-key", KEY.into()),
        },
        other => unimplemented!("no case for {other}"),
    }
}

fn request(vendor: Vendor) -> ConnectRequest {
    match vendor {
        Vendor::Recoup => ConnectRequest::new(Provider::X),
        Vendor::WoopSocial => ConnectRequest::new(Provider::FacebookPage).owner("proj_demo"),
        Vendor::Postbreeze => ConnectRequest::new(Provider::TikTokBusiness).owner("ws_demo"),
        Vendor::Aitronos => ConnectRequest::new(Provider::Other("github".into())).owner("org_demo"),
        Vendor::Ocoya => ConnectRequest::new(Provider::LinkedIn).owner("ws_demo"),
        other => unimplemented!("no request for {other}"),
    }
}

async fn client_for(server: &MockServer, vendor: Vendor, timeout: Duration) -> Client {
    Client::builder()
        .api_key(vendor, KEY)
        .base_url(vendor, server.uri())
        .unwrap()
        .timeout(timeout)
        .build()
        .unwrap()
}

async fn answer(
    vendor: Vendor,
    template: ResponseTemplate,
) -> Result<social_connect::AuthorizationLink, Error> {
    let server = MockServer::start().await;
    let c = case(vendor);
    Mock::given(method("POST"))
        .and(path(c.path))
        .and(header(c.auth.0, c.auth.1.as_str()))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server, vendor, Duration::from_secs(5)).await;
    client.connect(vendor, request(vendor)).await
}

#[tokio::test]
async fn each_vendor_sends_its_documented_request_and_reads_its_success_body() {
    let server = MockServer::start().await;
    let expectations: [(Vendor, Value, u16, Value); 5] = [
        (
            Vendor::Recoup,
            json!({"connector": "twitter"}),
            200,
            json!({"success": true, "data": {"connector": "twitter", "redirectUrl": "https://r.example/o"}}),
        ),
        (
            Vendor::WoopSocial,
            json!({"projectId": "proj_demo", "platform": "FACEBOOK"}),
            200,
            json!({"url": "https://w.example/o"}),
        ),
        (
            Vendor::Postbreeze,
            json!({"workspaceId": "ws_demo", "platform": "TIKTOK_BUSINESS"}),
            201,
            json!({"authorizeUrl": "https://p.example/o", "state": "st_1"}),
        ),
        (
            Vendor::Aitronos,
            json!({"connector_type": "github"}),
            200,
            json!({"authorization_url": "https://a.example/o", "state": "st_2"}),
        ),
        (
            Vendor::Ocoya,
            json!({"provider": "linkedin"}),
            200,
            json!({"url": "https://o.example/o"}),
        ),
    ];
    for (vendor, body, status, answer) in &expectations {
        let c = case(*vendor);
        let mut mock = Mock::given(method("POST"))
            .and(path(c.path))
            .and(header(c.auth.0, c.auth.1.as_str()))
            .and(body_json(body));
        match vendor {
            Vendor::Aitronos => mock = mock.and(query_param("organization_id", "org_demo")),
            Vendor::Ocoya => mock = mock.and(query_param("workspaceId", "ws_demo")),
            _ => {}
        }
        mock.respond_with(ResponseTemplate::new(*status).set_body_json(answer))
            .expect(1)
            .mount(&server)
            .await;
    }
    for (vendor, _, _, _) in &expectations {
        let client = client_for(&server, *vendor, Duration::from_secs(5)).await;
        let link = client.connect(*vendor, request(*vendor)).await.unwrap();
        assert_eq!(link.vendor, *vendor);
        assert_eq!(link.provider, request(*vendor).provider);
        assert!(link.url.as_str().ends_with(".example/o"), "{}", link.url);
        match vendor {
            Vendor::Postbreeze => {
                assert_eq!(link.state.as_deref(), Some("st_1"));
                assert!(link.single_use);
            }
            Vendor::Aitronos => assert_eq!(link.state.as_deref(), Some("st_2")),
            _ => assert_eq!(link.state, None),
        }
    }
}

#[tokio::test]
async fn recoup_documented_errors() {
    for (status, want) in [
        (400, "InvalidRequest"),
        (401, "Unauthorized"),
        (403, "Forbidden"),
    ] {
        let err = answer(
            Vendor::Recoup,
            ResponseTemplate::new(status)
                .set_body_json(json!({"error": status, "message": "nope"})),
        )
        .await
        .unwrap_err();
        assert_eq!(variant(&err), want);
        let detail = err.vendor_error().unwrap();
        assert_eq!(
            (detail.status, detail.message.as_deref()),
            (status, Some("nope"))
        );
    }
}

#[tokio::test]
async fn postbreeze_documented_errors_keep_code_and_request_id() {
    for (status, code, want) in [
        (400, Some("VALIDATION_FAILED"), "InvalidRequest"),
        (401, None, "Unauthorized"),
        (403, Some("FORBIDDEN"), "Forbidden"),
        (409, Some("CHANNEL_ALREADY_CONNECTED"), "AlreadyConnected"),
    ] {
        let mut body = json!({"statusCode": status, "message": "m", "requestId": "req_9"});
        if let Some(code) = code {
            body["code"] = json!(code);
        }
        let err = answer(
            Vendor::Postbreeze,
            ResponseTemplate::new(status).set_body_json(body),
        )
        .await
        .unwrap_err();
        assert_eq!(variant(&err), want, "{status}");
        let detail = err.vendor_error().unwrap();
        assert_eq!(detail.code.as_deref(), code);
        assert_eq!(detail.request_id.as_deref(), Some("req_9"));
    }
}

#[tokio::test]
async fn aitronos_envelope_errors_keep_the_trace_id() {
    for (status, code, want) in [
        (401, "AUTHENTICATION_REQUIRED", "Unauthorized"),
        (403, "INSUFFICIENT_PERMISSIONS", "Forbidden"),
    ] {
        let body = json!({"success": false, "error": {"code": code, "message": "m", "system_message": "s",
            "type": "authentication_error", "status": status, "trace_id": "req_abc123xyz",
            "timestamp": "2025-11-11T10:30:00Z", "details": {}}});
        let err = answer(
            Vendor::Aitronos,
            ResponseTemplate::new(status).set_body_json(body),
        )
        .await
        .unwrap_err();
        assert_eq!(variant(&err), want);
        let detail = err.vendor_error().unwrap();
        assert_eq!(detail.code.as_deref(), Some(code));
        assert_eq!(detail.request_id.as_deref(), Some("req_abc123xyz"));
    }
}

#[tokio::test]
async fn ocoya_and_woopsocial_errors_without_documented_bodies() {
    let err = answer(Vendor::Ocoya, ResponseTemplate::new(400))
        .await
        .unwrap_err();
    assert_eq!(variant(&err), "InvalidRequest");
    let err = answer(
        Vendor::Ocoya,
        ResponseTemplate::new(500).set_body_string("oops"),
    )
    .await
    .unwrap_err();
    assert_eq!(variant(&err), "Server");
    assert_eq!(
        err.vendor_error().unwrap().body_excerpt.as_deref(),
        Some("oops")
    );
    let err = answer(
        Vendor::WoopSocial,
        ResponseTemplate::new(401)
            .set_body_json(json!({"error": {"code": "UNAUTHORIZED", "message": "bad key"}})),
    )
    .await
    .unwrap_err();
    assert_eq!(variant(&err), "Unauthorized");
    assert_eq!(
        err.vendor_error().unwrap().code.as_deref(),
        Some("UNAUTHORIZED")
    );
}

#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let err = answer(
        Vendor::Postbreeze,
        ResponseTemplate::new(429).insert_header("retry-after", "12"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(12)),
        "{err:?}"
    );
    let err = answer(Vendor::Postbreeze, ResponseTemplate::new(429))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn bodies_that_are_not_the_documented_json_are_errors_not_panics() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let err = answer(
        Vendor::Recoup,
        ResponseTemplate::new(401).set_body_raw(html, "text/html"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        variant(&err),
        "Unauthorized",
        "the status decides even when the body is HTML"
    );
    assert_eq!(
        err.vendor_error().unwrap().body_excerpt.as_deref(),
        Some(html)
    );

    let err = answer(
        Vendor::WoopSocial,
        ResponseTemplate::new(200).set_body_raw(html, "text/html"),
    )
    .await
    .unwrap_err();
    match err {
        Error::UnexpectedResponse {
            status: 200,
            ref excerpt,
            ref content_type,
            ..
        } => {
            assert_eq!(excerpt.as_deref(), Some(html));
            assert_eq!(content_type.as_deref(), Some("text/html"));
        }
        other => panic!("{other:?}"),
    }
    let err = answer(
        Vendor::Postbreeze,
        ResponseTemplate::new(201).set_body_json(json!({"authorizeUrl": "not a url"})),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { status: 201, .. }),
        "{err:?}"
    );
    let err = answer(
        Vendor::Aitronos,
        ResponseTemplate::new(200).set_body_raw("{\"authorization_url\": ", "application/json"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { status: 200, .. }),
        "{err:?}"
    );
    let err = answer(
        Vendor::Ocoya,
        ResponseTemplate::new(302).insert_header("location", "https://elsewhere.example/"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedResponse { status: 302, .. }),
        "redirects are not followed: {err:?}"
    );
}

/// A valid Ocoya success body padded to `len` bytes (the padding after the URL).
fn padded_success(len: usize) -> String {
    let head = r#"{"url":"https://app.ocoya.com/connect?x=1","pad":""#;
    let tail = r#""}"#;
    let pad = "x".repeat(len - head.len() - tail.len());
    let body = format!("{head}{pad}{tail}");
    assert_eq!(body.len(), len);
    body
}

#[tokio::test]
async fn huge_bodies_are_read_only_up_to_the_limit() {
    // Just under the limit, a valid body is read whole and parsed.
    let fits = padded_success(social_connect::BODY_LIMIT - 1024);
    let link = answer(
        Vendor::Ocoya,
        ResponseTemplate::new(200).set_body_raw(fits, "application/json"),
    )
    .await
    .expect("a valid body under the limit is read");
    assert_eq!(link.url.as_str(), "https://app.ocoya.com/connect?x=1");
    // Over it, the same valid body is cut at the limit: an unlimited read would parse it and
    // succeed, a bounded one cannot.
    let huge = padded_success(social_connect::BODY_LIMIT * 3);
    let err = answer(
        Vendor::Ocoya,
        ResponseTemplate::new(200).set_body_raw(huge, "application/json"),
    )
    .await
    .expect_err("a body over the limit is not read whole");
    match err {
        Error::UnexpectedResponse {
            status: 200,
            excerpt: Some(e),
            ..
        } => {
            assert!(e.len() <= social_connect::EXCERPT_LIMIT + 3, "{e}");
            assert!(e.starts_with(r#"{"url":"#), "{e}");
            assert!(e.ends_with('…'), "the excerpt says there was more: {e}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_vendor_is_a_timeout_within_the_client_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = client_for(&server, Vendor::Ocoya, Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let err = client
        .connect(Vendor::Ocoya, request(Vendor::Ocoya))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                vendor: Vendor::Ocoya,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "returned within the timeout, not the delay"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let client = refused_client(KEY);
    let err = client
        .connect(Vendor::Ocoya, request(Vendor::Ocoya))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                vendor: Vendor::Ocoya,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[tokio::test]
async fn checks_fail_before_any_request_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let mut builder = Client::builder();
    for vendor in Vendor::ALL {
        builder = builder
            .api_key(vendor, KEY)
            .base_url(vendor, server.uri())
            .unwrap();
    }
    let client = builder.build().unwrap();
    let cases: Vec<(Vendor, ConnectRequest, &str)> = vec![
        (
            Vendor::Aitronos,
            ConnectRequest::new(Provider::Instagram).owner("org_demo"),
            "UnsupportedProvider",
        ),
        (
            Vendor::Ocoya,
            ConnectRequest::new(Provider::Bluesky).owner("ws_demo"),
            "UnsupportedProvider",
        ),
        (
            Vendor::Postbreeze,
            ConnectRequest::new(Provider::Instagram),
            "MissingOwner",
        ),
        (
            Vendor::Recoup,
            ConnectRequest::new(Provider::TikTok).owner("not-a-uuid"),
            "InvalidOwner",
        ),
        (
            Vendor::WoopSocial,
            ConnectRequest::new(Provider::X)
                .owner("p")
                .redirect_url("javascript:alert(1)".parse().unwrap()),
            "InvalidRedirectUrl",
        ),
        (
            Vendor::Postbreeze,
            ConnectRequest::new(Provider::X)
                .owner("w")
                .redirect_url("https://app.example/cb".parse().unwrap()),
            "InvalidRedirectUrl",
        ),
    ];
    for (vendor, request, want) in cases {
        let err = client.connect(vendor, request).await.unwrap_err();
        assert_eq!(variant(&err), want, "{vendor}: {err}");
    }
    let keyless = Client::builder()
        .base_url(Vendor::Ocoya, server.uri())
        .unwrap()
        .build()
        .unwrap();
    assert!(matches!(
        keyless.connect(Vendor::Ocoya, request(Vendor::Ocoya)).await,
        Err(Error::MissingApiKey(Vendor::Ocoya))
    ));
    let no_base = Client::builder()
        .api_key(Vendor::Postbreeze, KEY)
        .build()
        .unwrap();
    assert!(matches!(
        no_base
            .connect(Vendor::Postbreeze, request(Vendor::Postbreeze))
            .await,
        Err(Error::MissingBaseUrl(Vendor::Postbreeze))
    ));
}

#[test]
fn no_key_in_debug_output() {
    let builder = Client::builder().api_key(Vendor::WoopSocial, KEY);
    assert!(!format!("{builder:?}").contains(KEY));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(KEY));
    assert!(
        !format!("{:?}", client.woopsocial()).contains(KEY),
        "the generated client's Debug shows the reqwest client, whose headers are sensitive"
    );
}

fn variant(err: &Error) -> &'static str {
    match err {
        Error::Unauthorized(_) => "Unauthorized",
        Error::Forbidden(_) => "Forbidden",
        Error::InvalidRequest(_) => "InvalidRequest",
        Error::NotFound(_) => "NotFound",
        Error::AlreadyConnected(_) => "AlreadyConnected",
        Error::RateLimited { .. } => "RateLimited",
        Error::Server(_) => "Server",
        Error::UnexpectedResponse { .. } => "UnexpectedResponse",
        Error::Timeout { .. } => "Timeout",
        Error::Transport { .. } => "Transport",
        Error::UnsupportedProvider { .. } => "UnsupportedProvider",
        Error::MissingOwner { .. } => "MissingOwner",
        Error::InvalidOwner { .. } => "InvalidOwner",
        Error::InvalidRedirectUrl { .. } => "InvalidRedirectUrl",
        Error::MissingApiKey(_) => "MissingApiKey",
        Error::MissingBaseUrl(_) => "MissingBaseUrl",
        _ => "other",
    }
}

#[tokio::test]
async fn a_slow_body_is_a_timeout_within_the_client_timeout() {
    use tokio::io::AsyncWriteExt;
    // Headers at once, then the body a byte at a time, far slower than the timeout allows.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buf).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 64\r\n\r\n{")
                    .await;
                for _ in 0..64 {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    if socket.write_all(b" ").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let client = Client::builder()
        .api_key(Vendor::Ocoya, KEY)
        .base_url(Vendor::Ocoya, format!("http://{addr}"))
        .unwrap()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client
        .connect(Vendor::Ocoya, request(Vendor::Ocoya))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}
