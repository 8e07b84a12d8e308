//! WoopSocial: the mock's error shape, and the redirect flow with its documented query
//! parameters, including Facebook page selection. (Its 200 bodies against the spec, those of
//! these tests' connects included, are checked in the contract suite.)

use crate::support::*;
use serde_json::Value;
use serde_json::json;
use social_connect_mock::{MockConfig, MockVendor, Mode, OWNER_KEY};

const V: MockVendor = MockVendor::WoopSocial;

fn check_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    let body = r.json();
    assert_eq!(body["error"]["code"], json!(code), "{body}");
    assert!(body["error"]["message"].is_string());
    assert_eq!(body.as_object().unwrap().len(), 1);
}

async fn connect(h: &Harness, body: serde_json::Value) -> String {
    let r = post_json(&h.connect_url(V), &owner_auth(V), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn errors() {
    let h = Harness::wiremock().await;
    let url = h.connect_url(V);
    let ok = json!({"projectId": "proj_demo", "platform": "X"});
    check_error(&post_json(&url, &NO_AUTH, &ok).await, 401, "UNAUTHORIZED");
    check_error(
        &post_json(&url, &[("x-api-key", OWNER_KEY)], &ok).await,
        401,
        "UNAUTHORIZED",
    );
    for body in [
        json!({"projectId": "proj_demo", "platform": "X", "extra": 1}),
        json!({"projectId": "proj_demo", "platform": "MYSPACE"}),
        json!({"projectId": "proj_demo", "platform": "x"}),
        json!({"platform": "X"}),
        json!({"projectId": "proj_demo"}),
        json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": "data:text/html,hi"}),
        json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": "http://example.com/cb"}),
    ] {
        check_error(
            &post_json(&url, &owner_auth(V), &body).await,
            400,
            "VALIDATION_ERROR",
        );
    }
    check_error(
        &post_raw(&url, &owner_auth(V), "application/json", "{").await,
        400,
        "VALIDATION_ERROR",
    );
    check_error(
        &post_json(
            &url,
            &owner_auth(V),
            &json!({"projectId": "proj_other", "platform": "X"}),
        )
        .await,
        404,
        "PROJECT_NOT_FOUND",
    );
    let r = Reply::from(client().delete(&url).send().await.unwrap()).await;
    check_error(&r, 405, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn lax_mode_accepts_what_lenient_vendors_accept() {
    let h = Harness::wiremock_with(MockConfig::default().with_mode(Mode::Lax)).await;
    connect(
        &h,
        json!({"projectId": "proj_demo", "platform": "X", "extra": true,
        "redirectUrl": "http://app.example.com/cb#frag"}),
    )
    .await;
    h.state().set_mode(Mode::Strict);
    let r = post_json(
        &h.connect_url(V),
        &owner_auth(V),
        &json!({"projectId": "proj_demo", "platform": "X", "extra": true}),
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn success_redirect_has_exactly_the_documented_parameters() {
    let h = Harness::wiremock().await;
    let auth = connect(
        &h,
        json!({"projectId": "proj_demo", "platform": "LINKEDIN",
        "redirectUrl": "https://app.example.com/oauth/complete?keep=1"}),
    )
    .await;
    let consent = get(&auth).await;
    assert_eq!(consent.status, 200);
    consent.assert_html_page();
    let callback = approve_to_callback(&auth, "").await;
    let done = get(&callback).await;
    assert_eq!(done.status, 302);
    let loc = done.location();
    let id = h.state().accounts().last().unwrap().id.clone();
    assert_eq!(
        loc,
        format!(
            "https://app.example.com/oauth/complete?keep=1&status=success&projectId=proj_demo&platform=LINKEDIN&socialAccountIds={id}"
        )
    );
    assert!(!loc.contains("code=") && !loc.contains("state=") && !loc.contains("token"));
    get(&callback).await.assert_state_error();
}

#[tokio::test]
async fn denial_redirects_with_status_error() {
    let h = Harness::wiremock().await;
    let auth = connect(
        &h,
        json!({"projectId": "proj_demo", "platform": "TIKTOK",
        "redirectUrl": "http://localhost:3000/cb"}),
    )
    .await;
    let r = get(&format!("{auth}&decision=deny")).await;
    assert_eq!(r.status, 302);
    let callback = r.location();
    assert_eq!(
        query_param(&callback, "error").as_deref(),
        Some("access_denied")
    );
    let done = get(&callback).await;
    assert_eq!(
        done.location(),
        "http://localhost:3000/cb?status=error&projectId=proj_demo&platform=TIKTOK&error=access_denied"
    );
    assert_eq!(h.state().accounts().len(), 1);
}

/// The consent and page-selection forms posted over plain HTTP, field by field. No browser: the
/// contract suite's `browser_woopsocial_facebook_consent_and_page_selection` drives the pages in
/// a real one.
#[tokio::test]
async fn facebook_page_selection_posted_as_forms_gives_several_ids() {
    let h = Harness::wiremock().await;
    let auth = connect(
        &h,
        json!({"projectId": "proj_demo", "platform": "FACEBOOK",
        "redirectUrl": "https://app.example.com/done"}),
    )
    .await;
    // Approve by posting the consent form's fields (POST, 303, as a browser's submit would be).
    let r = post_form(
        &format!("{}/__provider/authorize", h.origin()),
        &[
            ("response_type", "code"),
            ("client_id", "woopsocial"),
            ("redirect_uri", &query_param(&auth, "redirect_uri").unwrap()),
            ("state", &query_param(&auth, "state").unwrap()),
            (
                "code_challenge",
                &query_param(&auth, "code_challenge").unwrap(),
            ),
            ("code_challenge_method", "S256"),
            ("provider", "facebook"),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let selection = get(&absolute(&h.origin(), &r.location())).await;
    assert_eq!(selection.status, 200);
    selection.assert_html_page();
    assert!(selection.text.contains("type=\"checkbox\""));
    assert!(selection.text.contains("<label for=\"page-0\">"));
    let token_start = selection.text.find("name=\"selection\" value=\"").unwrap() + 24;
    let token = &selection.text[token_start..token_start + 43];
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("selection", token)
        .append_pair("page", "fbp_1001")
        .append_pair("page", "fbp_1003")
        .append_pair("decision", "connect");
    let done = Reply::from(
        client()
            .post(format!("{}/__vendor/woopsocial/pages", h.origin()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.finish())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.text);
    let ids = query_param(&done.location(), "socialAccountIds").unwrap();
    assert_eq!(ids.split(',').count(), 2);
    assert!(done.location().contains(&format!("socialAccountIds={ids}")));
    let pages: Vec<_> = h
        .state()
        .accounts()
        .into_iter()
        .filter_map(|a| a.page_id)
        .collect();
    assert_eq!(pages, ["fbp_1001", "fbp_1003"]);
}

#[tokio::test]
async fn facebook_page_selection_by_automation() {
    let h = Harness::wiremock().await;
    let auth = connect(
        &h,
        json!({"projectId": "proj_demo", "platform": "FACEBOOK",
        "redirectUrl": "https://app.example.com/done"}),
    )
    .await;
    let callback = approve_to_callback(&auth, "&pages=fbp_1001,fbp_1002,fbp_1003").await;
    let done = get(&callback).await;
    assert_eq!(done.status, 302);
    let loc = done.location();
    assert!(loc.starts_with("https://app.example.com/done?status=success&projectId=proj_demo&platform=FACEBOOK&socialAccountIds="));
    assert_eq!(
        query_param(&loc, "socialAccountIds")
            .unwrap()
            .split(',')
            .count(),
        3
    );
}

#[tokio::test]
async fn without_redirect_url_a_completion_page() {
    let h = Harness::wiremock().await;
    let auth = connect(
        &h,
        json!({"projectId": "proj_demo", "platform": "WOOPTEST"}),
    )
    .await;
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert_eq!(done.status, 200);
    done.assert_html_page();
}

#[tokio::test]
async fn facebook_page_selection_needs_a_page_and_can_be_cancelled() {
    let h = Harness::wiremock().await;
    let auth = connect(
        &h,
        json!({"projectId": "proj_demo", "platform": "FACEBOOK",
        "redirectUrl": "https://app.example.com/done"}),
    )
    .await;
    let r = post_form(
        &format!("{}/__provider/authorize", h.origin()),
        &[
            ("response_type", "code"),
            ("client_id", "woopsocial"),
            ("redirect_uri", &query_param(&auth, "redirect_uri").unwrap()),
            ("state", &query_param(&auth, "state").unwrap()),
            (
                "code_challenge",
                &query_param(&auth, "code_challenge").unwrap(),
            ),
            ("code_challenge_method", "S256"),
            ("decision", "approve"),
        ],
    )
    .await;
    let selection = get(&r.location()).await;
    let at = selection.text.find("name=\"selection\" value=\"").unwrap() + 24;
    let token = selection.text[at..at + 43].to_owned();
    let pages = format!("{}/__vendor/woopsocial/pages", h.origin());
    let again = post_form(&pages, &[("selection", &token), ("decision", "connect")]).await;
    assert_eq!(again.status, 200);
    assert!(again.text.contains("Choose at least one page."));
    let done = post_form(&pages, &[("selection", &token), ("decision", "cancel")]).await;
    assert_eq!(done.status, 303);
    assert_eq!(
        done.location(),
        "https://app.example.com/done?status=error&projectId=proj_demo&platform=FACEBOOK&error=access_denied"
    );
    post_form(&pages, &[("selection", &token), ("page", "fbp_1001")])
        .await
        .assert_state_error();
}

/// WoopSocial's error body: `{"error":{"code","message"}}`.
pub(crate) fn assert_error(body: &Value, status: u16, what: &str) {
    let code = match status {
        400 => "VALIDATION_ERROR",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        413 => "PAYLOAD_TOO_LARGE",
        other => panic!("no expected WoopSocial error code for {other}"),
    };
    assert_eq!(keys(body, what), ["error"], "{what}: {body}");
    let e = &body["error"];
    assert_eq!(keys(e, what), ["code", "message"], "{what}: {body}");
    assert_eq!(e["code"], code, "{what}: {body}");
    assert_message(e, what);
}
