//! Test bodies every vendor module runs with its own facts. All of them run against the mock
//! except the raw requests ([`answer`] and the ones built on it) and [`connect_live`], which live
//! mode (`live.rs`) also sends to a real vendor.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use social_connect::{AuthorizationLink, ConnectRequest, Error, Vendor};
use social_connect_mock::{ConnectedAccount, OWNER_KEY, RECOUP_OWN_ACCOUNT, Scenario};
use social_connect_tests::flow::{self, Walk};
use social_connect_tests::{Harness, Spec, mock_vendor, sample, typical_request};
use url::Url;

/// Statuses a vendor's spec does not document but the mock must still answer (a real vendor
/// does too), each with its reason. Any other undocumented status fails [`answer_to`].
pub fn undocumented_but_expected(vendor: Vendor, status: u16) -> Option<&'static str> {
    match (vendor, status) {
        // Every vendor refuses a request without a key, or one it cannot read, documented or
        // not.
        (_, 401) => Some("the spec documents no auth failure"),
        (_, 400) => Some("the spec documents no validation failure"),
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
    // The sample's path: the connect path with any path parameters filled in.
    let url = format!("{}{}", h.base_url(), sample(h.vendor).path);
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

/// [`post`] with `key` in the vendor's auth scheme (the live key in place of [`OWNER_KEY`] in
/// live mode), the answer checked as [`answer_to`] does.
pub async fn answer(h: &Harness, key: Option<&str>, query: &str, body: &str) -> Answer {
    let mut request = post(h, query, body);
    if let Some(key) = key {
        let (name, value) = sample(h.vendor).auth(&h.key(key));
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
    let response = request.send().await.expect("the vendor answers");
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
    let server = h.mock_server();
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

/// The SDK's connect succeeds with an absolute http(s) link for the vendor and provider asked
/// for (against the mock or, in live mode, a real vendor).
pub async fn connect_live(h: &Harness, request: ConnectRequest) -> AuthorizationLink {
    let link = h
        .client()
        .connect(h.vendor, request.clone())
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", h.vendor));
    assert_eq!(link.vendor, h.vendor);
    assert_eq!(link.provider, request.provider);
    assert!(
        matches!(link.url.scheme(), "http" | "https") && link.url.host_str().is_some(),
        "an absolute http(s) link: {}",
        link.url
    );
    link
}

/// [`connect_live`] against the mock: the link also points at the mock, and what the SDK sent
/// matches the spec.
pub async fn connect_ok(h: &Harness, request: ConnectRequest) -> AuthorizationLink {
    let link = connect_live(h, request).await;
    assert_eq!(
        link.url.origin(),
        Url::parse(&h.mock_server().uri()).unwrap().origin(),
        "the link points at the mock"
    );
    assert_sdk_requests_match_spec(h);
    link
}

/// Walks the whole flow from `link` with `decision` (and `pages`).
pub async fn run_flow(h: &Harness, link: &AuthorizationLink, extra: &[(&str, &str)]) -> Walk {
    let server = h.mock_server();
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

/// The owner the mock connects `request`'s account for: the request's owner, or for Recoup
/// without `account_id` the key's own account ([`RECOUP_OWN_ACCOUNT`]).
fn owner_used(h: &Harness, request: &ConnectRequest) -> String {
    match (&request.owner, h.vendor) {
        (Some(owner), _) => owner.clone(),
        (None, Vendor::Recoup) => RECOUP_OWN_ACCOUNT.to_owned(),
        // The engine's default rules record a flow without an owner as the key's own.
        (None, _) => "self".to_owned(),
    }
}

/// The whole approve flow, the replay after it, and the account in the mock (for the owner the
/// request names, on `expected_platform`), which is returned with the walk.
pub async fn approve_flow_then_replay(
    h: &Harness,
    request: ConnectRequest,
    expected_platform: &str,
) -> (Walk, ConnectedAccount) {
    let server = h.mock_server();
    let before = server.state().accounts().len();
    let link = connect_ok(h, request.clone()).await;
    let walk = run_flow(h, &link, &[("decision", "approve")]).await;
    let accounts = server.state().accounts();
    assert_eq!(accounts.len(), before + 1, "one account connected");
    let account = accounts.last().unwrap().clone();
    assert_eq!(account.vendor, mock_vendor(h.vendor));
    assert_eq!(account.platform, expected_platform);
    assert_eq!(
        account.owner_id,
        owner_used(h, &request),
        "the account's owner"
    );
    assert_replay_refused(&link).await;
    (walk, account)
}

/// The vendor's typical request ([`typical_request`]) through the SDK, its flow approved and
/// followed to the end, the replay refused; the account the mock recorded, as JSON.
pub async fn connect_and_follow(h: &Harness) -> Value {
    let request = typical_request(h.vendor);
    let platform = sample(h.vendor).provider;
    let (walk, account) = approve_flow_then_replay(h, request, platform).await;
    assert!(walk.page().status.is_success() || walk.page().status.is_redirection());
    serde_json::to_value(account).expect("an account serialises")
}

/// The sample request with the owner key succeeds with the answer the spec documents; without
/// a key it is a 401 (in the spec's shape where it documents one).
pub async fn documented_statuses_match_the_spec(h: &Harness) {
    let ok = answer_sample(h, Some(OWNER_KEY)).await;
    assert!((200..300).contains(&ok.status), "{}", ok.body);
    assert_spec(h.vendor, ok.status, &ok.body);
    let refused = answer_sample(h, None).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
}

/// The flow ended on the mock's completion page (200 HTML) naming the vendor, the owner and
/// `account`'s id.
pub fn assert_completion_page(h: &Harness, walk: &Walk, account: &ConnectedAccount) {
    let page = walk.page();
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    let vendor = mock_vendor(h.vendor).name();
    let body = &page.body;
    for want in [
        format!("<title>{vendor}: account connected</title>"),
        format!("<code class=\"account-id\">{}</code>", account.id),
        format!("<code>{}</code>", account.owner_id),
    ] {
        assert!(
            body.contains(&want),
            "the completion page lacks {want}: {body}"
        );
    }
}

/// The flow ended on the mock's completion page (200 HTML) saying nothing was connected, with
/// the error `code`.
pub fn assert_not_connected_page(h: &Harness, walk: &Walk, code: &str) {
    let page = walk.page();
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    let vendor = mock_vendor(h.vendor).name();
    let body = &page.body;
    for want in [
        format!("<title>{vendor}: connection not completed</title>"),
        format!("<code class=\"error-code\">{code}</code>"),
    ] {
        assert!(body.contains(&want), "the page lacks {want}: {body}");
    }
}

/// An expired authorization URL is refused like an unknown one.
pub async fn assert_expiry_refused(h: &Harness, request: ConnectRequest) {
    let link = connect_ok(h, request).await;
    h.clock().advance(Duration::from_secs(11 * 60));
    assert_replay_refused(&link).await;
}

/// A denied flow connects nothing and ends without a vendor code in any URL.
pub async fn deny_flow(h: &Harness, request: ConnectRequest) -> Walk {
    let server = h.mock_server();
    let before = server.state().accounts().len();
    let link = connect_ok(h, request).await;
    let walk = run_flow(h, &link, &[("decision", "deny")]).await;
    assert_eq!(server.state().accounts().len(), before, "nothing connected");
    walk
}

/// Each scenario fault surfaces as the right typed error.
pub async fn assert_faults(h: &Harness, request: ConnectRequest) {
    let state = h.mock_server().state();
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
