//! Test bodies every vendor module runs with its own facts.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use social_connect::{AuthorizationLink, ConnectRequest, Error, Vendor};
use social_connect_mock::{OWNER_KEY, Scenario};
use social_connect_tests::flow::{self, Hop};
use social_connect_tests::{Harness, Spec, mock_vendor, sample};
use url::Url;

/// Statuses a vendor's spec does not document but the mock must still answer (a real vendor
/// does too), each with its reason. Any other undocumented status fails [`answer_to`].
pub fn undocumented_but_expected(vendor: Vendor, status: u16) -> Option<&'static str> {
    match (vendor, status) {
        (Vendor::WoopSocial | Vendor::Ocoya, 401) => Some("the spec documents no auth failure"),
        (Vendor::WoopSocial, 400) => Some("the spec documents no validation failure"),
        (Vendor::WoopSocial | Vendor::Ocoya, 404) => Some("an unknown owner"),
        (Vendor::Aitronos, 422) => Some("the reference documents no validation failure"),
        (Vendor::Postbreeze, 403) => Some("the prose says only owners and admins may connect"),
        (_, 405 | 413) => Some("wrong method, oversized body"),
        _ => None,
    }
}

/// A raw answer of the mock's connect endpoint, checked against the vendor's spec.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

/// The vendor's connect endpoint with `query` (without `?`; empty for none).
pub fn connect_url(h: &Harness, query: &str) -> String {
    let url = format!("{}{}", h.base_url(), mock_vendor(h.vendor).connect_path());
    if query.is_empty() {
        url
    } else {
        format!("{url}?{query}")
    }
}

/// A POST of `body` (raw bytes, so malformed input can be sent; JSON content type) to the
/// vendor's connect endpoint with `query`, without a key.
pub fn post(h: &Harness, query: &str, body: &str) -> reqwest::RequestBuilder {
    flow::browser()
        .post(connect_url(h, query))
        .header("content-type", "application/json")
        .body(body.to_owned())
}

/// [`post`] with `key` in the vendor's auth scheme, the answer checked as [`answer_to`] does.
pub async fn answer(h: &Harness, key: Option<&str>, query: &str, body: &str) -> Answer {
    let mut request = post(h, query, body);
    if let Some(key) = key {
        let (name, value) = sample(h.vendor).auth(key);
        request = request.header(name, value);
    }
    answer_to(h, request).await
}

/// The vendor's sample connect request (`social_connect_mock::samples`) made with `key` (or no
/// key), checked as [`answer_to`] does.
pub async fn answer_sample(h: &Harness, key: Option<&str>) -> Answer {
    let sample = sample(h.vendor);
    answer(h, key, sample.query, sample.body).await
}

/// Sends `request` (any method, headers and body) and checks the answer against the spec: a
/// documented status (or one of [`undocumented_but_expected`]), the declared content type, a body
/// valid against the schema.
pub async fn answer_to(h: &Harness, request: reqwest::RequestBuilder) -> Answer {
    let vendor = h.vendor;
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response.bytes().await.expect("body");
    let spec = Spec::of(vendor);
    if spec.documented_statuses().contains(&status) {
        if let Err(mismatch) = spec.check_response(status, content_type.as_deref(), &bytes) {
            panic!("{mismatch}");
        }
    } else {
        assert!(
            undocumented_but_expected(vendor, status).is_some(),
            "{vendor} answered {status}, which its spec does not document: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
    Answer {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

/// Asserts that `body` matches the schema `vendor`'s spec documents for `status` (see
/// [`Spec::check_body`]).
pub fn assert_spec(vendor: Vendor, status: u16, body: &Value) {
    if let Err(mismatch) = Spec::of(vendor).check_body(status, body) {
        panic!("{mismatch}");
    }
}

/// [`answer`] with the owner key, which must succeed with `status` and a body valid against the
/// schema the spec documents for it; returns the body.
pub async fn success_body(h: &Harness, query: &str, body: &str, status: u16) -> Value {
    let r = answer(h, Some(OWNER_KEY), query, body).await;
    assert_eq!(r.status, status, "{}", r.body);
    assert_spec(h.vendor, status, &r.body);
    r.body
}

/// A success body's `state` is the `state` of the authorization URL in its field `url_field`.
pub fn assert_state_matches_url(body: &Value, url_field: &str) {
    let url = Url::parse(body[url_field].as_str().expect("an authorization URL")).unwrap();
    assert_eq!(
        flow::query(&url, "state").as_deref(),
        body["state"].as_str()
    );
}

/// Every request the SDK sent to the mock's connect endpoint, checked against the request schema.
pub fn assert_sdk_requests_match_spec(h: &Harness) {
    let Some(server) = h.mock_server("request validation") else {
        return;
    };
    let vendor = mock_vendor(h.vendor);
    let sent: Vec<_> = server
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.vendor == Some(vendor) && r.method == "POST")
        .collect();
    assert!(!sent.is_empty(), "the SDK sent nothing to {}", h.vendor);
    for request in sent {
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap_or_default())
            .expect("the SDK sends JSON");
        if let Err(mismatch) = Spec::of(h.vendor).check_request(request.query.as_deref(), &body) {
            panic!("the SDK sent an off-spec request: {mismatch}");
        }
    }
}

/// The SDK's connect succeeds, its link points at the mock, and what it sent matches the spec.
pub async fn connect_ok(h: &Harness, request: ConnectRequest) -> AuthorizationLink {
    let link = h
        .client()
        .connect(h.vendor, request.clone())
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", h.vendor));
    assert_eq!(link.vendor, h.vendor);
    assert_eq!(link.provider, request.provider);
    if let Some(server) = h.mock_server("link origin") {
        assert_eq!(
            link.url.origin(),
            Url::parse(&server.uri()).unwrap().origin(),
            "the link points at the mock"
        );
    }
    assert_sdk_requests_match_spec(h);
    link
}

/// Walks the whole flow from `link` with `decision` (and `pages`), returning every hop.
pub async fn run_flow(h: &Harness, link: &AuthorizationLink, extra: &[(&str, &str)]) -> Vec<Hop> {
    let server = h.mock_server("flow").expect("flows run on the mock");
    let origin = Url::parse(&server.uri()).unwrap();
    let browser = flow::browser();
    // The consent page first, as a person would see it.
    let consent = flow::get(&browser, &link.url).await;
    let consent = if consent.status.is_redirection() {
        // Ocoya's start URL sends the browser on to the provider.
        flow::get(&browser, consent.location.as_ref().unwrap()).await
    } else {
        consent
    };
    assert_eq!(
        consent.status,
        StatusCode::OK,
        "consent page: {}",
        consent.body
    );
    assert!(
        consent.body.contains("<form"),
        "the consent page has a form"
    );
    assert_eq!(consent.referrer_policy.as_deref(), Some("no-referrer"));
    flow::walk(&browser, &flow::with_query(&link.url, extra), &origin).await
}

/// After a completed flow the same authorization URL is refused with an HTML error, no redirect.
pub async fn assert_replay_refused(link: &AuthorizationLink) {
    let browser = flow::browser();
    let url = flow::with_query(&link.url, &[("decision", "approve")]);
    let mut hop = flow::get(&browser, &url).await;
    if hop.status.is_redirection() && hop.url.path().contains("/social-connect/start") {
        hop = flow::get(&browser, hop.location.as_ref().unwrap()).await;
    }
    assert_eq!(
        hop.status,
        StatusCode::BAD_REQUEST,
        "a used state is refused: {}",
        hop.body
    );
    assert!(hop.location.is_none(), "never a redirect for a bad state");
    assert!(hop.body.contains("<html"), "an HTML error page");
}

/// The whole approve flow, the replay after it, and the account in the mock.
pub async fn approve_flow_then_replay(
    h: &Harness,
    request: ConnectRequest,
    expected_platform: &str,
) -> Vec<Hop> {
    let Some(server) = h.mock_server("approve flow") else {
        return Vec::new();
    };
    let before = server.state().accounts().len();
    let link = connect_ok(h, request.clone()).await;
    let hops = run_flow(h, &link, &[("decision", "approve")]).await;
    let accounts = server.state().accounts();
    assert_eq!(accounts.len(), before + 1, "one account connected");
    let account = accounts.last().unwrap();
    assert_eq!(account.platform, expected_platform);
    assert_eq!(
        Some(account.owner_id.as_str()),
        request.owner.as_deref().or(Some(account.owner_id.as_str()))
    );
    assert_replay_refused(&link).await;
    hops
}

/// An expired authorization URL is refused like an unknown one.
pub async fn assert_expiry_refused(h: &Harness, request: ConnectRequest) {
    let Some(_) = h.mock_server("expiry") else {
        return;
    };
    let link = connect_ok(h, request).await;
    h.clock().unwrap().advance(Duration::from_secs(11 * 60));
    assert_replay_refused(&link).await;
}

/// A denied flow connects nothing and ends without a vendor code in any URL.
pub async fn deny_flow(h: &Harness, request: ConnectRequest) -> Vec<Hop> {
    let Some(server) = h.mock_server("deny flow") else {
        return Vec::new();
    };
    let before = server.state().accounts().len();
    let link = connect_ok(h, request).await;
    let hops = run_flow(h, &link, &[("decision", "deny")]).await;
    assert_eq!(server.state().accounts().len(), before, "nothing connected");
    hops
}

/// Each scenario fault surfaces as the right typed error.
pub async fn assert_faults(h: &Harness, request: ConnectRequest) {
    let Some(server) = h.mock_server("faults") else {
        return;
    };
    let state = server.state();
    let vendor = mock_vendor(h.vendor);
    let client = h.client_with(OWNER_KEY, Duration::from_millis(400));
    let run = async |scenario: Scenario| {
        state
            .set_scenario(vendor, scenario)
            .expect("scenario accepted");
        let result = client.connect(h.vendor, request.clone()).await;
        state.clear_scenario(vendor);
        result.expect_err("a fault is an error")
    };
    let err = run(Scenario::RateLimited {
        retry_after_secs: Some(3),
    })
    .await;
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3)),
        "{err:?}"
    );
    let err = run(Scenario::RateLimited {
        retry_after_secs: None,
    })
    .await;
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
    let err = run(Scenario::ServerError { status: 503 }).await;
    assert!(
        matches!(&err, Error::Server(d) if d.status == 503),
        "{err:?}"
    );
    let err = run(Scenario::HtmlBody { status: 502 }).await;
    assert!(
        matches!(&err, Error::Server(d) if d.status == 502 && d.body_excerpt.as_deref().is_some_and(|b| b.contains("<html"))),
        "{err:?}"
    );
    let err = run(Scenario::MalformedJson { status: 200 }).await;
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
    let err = run(Scenario::DropConnection).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let started = std::time::Instant::now();
    let err = run(Scenario::Latency { ms: 3_000 }).await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(2_500),
        "the timeout, not the latency, ends the call"
    );
    // And with every fault cleared, the vendor answers normally again.
    client
        .connect(h.vendor, request)
        .await
        .expect("healthy again");
}
