//! Test bodies every vendor module runs with its own facts. All of them run against the mock
//! except the raw requests ([`answer`] and the ones built on it) and [`connect_live`], which live
//! mode (`live.rs`) also sends to a real vendor.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use social_connect::{AuthorizationLink, ConnectRequest, Error, Vendor};
use social_connect_mock::{
    OWNER_KEY, Scenario, fixture::ConnectedAccount, fixture::RECOUP_OWN_ACCOUNT,
};
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
    path_url(h, sample(h.vendor).path, query)
}

/// `path` (relative to the vendor's base URL) with `query` under the vendor's base URL.
fn path_url(h: &Harness, path: &str, query: &str) -> String {
    let url = format!("{}{}", h.base_url(), path);
    if query.is_empty() {
        url
    } else {
        format!("{url}?{query}")
    }
}

/// A connect request's parts: its path (relative to the vendor's base URL, path parameters
/// filled in), its query (without `?`) and its body, as [`sample`] gives them and a test
/// changes them.
#[derive(Debug, Clone)]
pub struct Parts {
    pub path: String,
    pub query: String,
    pub body: String,
}

impl Parts {
    /// The vendor's sample request.
    pub fn sample(vendor: Vendor) -> Parts {
        let s = sample(vendor);
        Parts {
            path: s.path.to_owned(),
            query: s.query.to_owned(),
            body: s.body.to_owned(),
        }
    }

    /// The parts with the field `field` set to `value` wherever the spec puts it: a path
    /// parameter (`template` is the spec's connect path), a query parameter, or a body field.
    pub fn with_field(mut self, template: &str, field: &str, value: &str) -> Parts {
        let param = format!("{{{field}}}");
        if template.split('/').any(|s| s == param) {
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            self.path = template
                .split('/')
                .zip(self.path.split('/'))
                .map(|(t, p)| if t == param { encoded.as_str() } else { p })
                .collect::<Vec<_>>()
                .join("/");
            return self;
        }
        let mut body: Value = serde_json::from_str(&self.body).unwrap_or(Value::Null);
        if body.get(field).is_some() {
            body[field] = Value::from(value);
            self.body = body.to_string();
            return self;
        }
        let query: Vec<(String, String)> = url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .map(|(k, v)| {
                if k == field {
                    (k, value.to_owned())
                } else {
                    (k, v)
                }
            })
            .collect();
        self.query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query)
            .finish();
        self
    }

    /// The parts with the value `from` replaced by `to` wherever it is a whole value: a path
    /// segment, a query value, a body field's value.
    pub fn replacing(mut self, from: &str, to: &str) -> Parts {
        self.path = self
            .path
            .split('/')
            .map(|s| if s == from { to } else { s })
            .collect::<Vec<_>>()
            .join("/");
        self.query = self
            .query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, v)) if v == from => format!("{k}={to}"),
                _ => p.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
        let mut body: Value = serde_json::from_str(&self.body).unwrap_or(Value::Null);
        if let Some(map) = body.as_object_mut() {
            for v in map.values_mut() {
                if v.as_str() == Some(from) {
                    *v = Value::from(to);
                }
            }
            self.body = body.to_string();
        }
        self
    }
}

/// A POST of `body` (raw bytes, so malformed input can be sent; JSON content type) to the
/// vendor's connect endpoint with `query`, without a key.
pub fn post(h: &Harness, query: &str, body: &str) -> reqwest::RequestBuilder {
    // (Named for the usual case: the method is the vendor's own, see `post_to`.)
    post_to(h, sample(h.vendor).path, query, body)
}

/// [`post`] to `path` (relative to the vendor's base URL), with the method of the vendor's
/// connect operation (a POST, or a GET where its spec says so).
fn post_to(h: &Harness, path: &str, query: &str, body: &str) -> reqwest::RequestBuilder {
    let method = reqwest::Method::from_bytes(sample(h.vendor).method().as_bytes())
        .expect("a method the spec names");
    flow::browser()
        .request(method, path_url(h, path, query))
        .header("content-type", "application/json")
        .body(body.to_owned())
}

/// [`answer`] for a request of the given [`Parts`].
pub async fn answer_parts(h: &Harness, key: Option<&str>, parts: &Parts) -> Answer {
    let mut request = post_to(h, &parts.path, &parts.query, &parts.body);
    if let Some(key) = key {
        request = keyed(h, request, key);
    }
    answer_to(h, request).await
}

/// `request` with `key` (the live key in place of [`OWNER_KEY`] in live mode) where the vendor
/// takes it: a header, or the query.
fn keyed(h: &Harness, request: reqwest::RequestBuilder, key: &str) -> reqwest::RequestBuilder {
    let sample = sample(h.vendor);
    let (name, value) = sample.auth(&h.key(key));
    if sample.scheme.in_query() {
        request.query(&[(name, value)])
    } else {
        request.header(name, value)
    }
}

/// [`post`] with `key` in the vendor's auth scheme (the live key in place of [`OWNER_KEY`] in
/// live mode), the answer checked as [`answer_to`] does.
pub async fn answer(h: &Harness, key: Option<&str>, query: &str, body: &str) -> Answer {
    let mut request = post(h, query, body);
    if let Some(key) = key {
        request = keyed(h, request, key);
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
        .filter(|r| r.vendor == Some(vendor) && r.method == sample(h.vendor).method())
        .collect();
    assert!(!sent.is_empty(), "the SDK sent nothing to {}", h.vendor);
    for request in sent {
        // An operation without a request body gets none.
        let text = request.body.as_deref().unwrap_or_default();
        let body: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(text).expect("the SDK sends JSON")
        };
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
