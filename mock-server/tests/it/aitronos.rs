//! Aitronos: 200/401/403 against the spec's envelope, the mock's 422 validation errors, the flow.

use crate::support::*;
use serde_json::json;
use social_connect_mock::MockVendor;

const V: MockVendor = MockVendor::Aitronos;
const P: &str = "/personal-connectors/authorize";

fn url(h: &Harness, org: &str) -> String {
    format!("{}?organization_id={org}", h.connect_url(V))
}

fn check_envelope(r: &Reply, status: u16, code: &str, ty: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    let b = r.json();
    if status == 401 || status == 403 {
        assert_spec("aitronos", P, status, &b);
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
    let h = Harness::wiremock().await;
    let r = post_json(
        &url(&h, "org_demo"),
        &[("X-API-Key", OWNER)],
        &json!({"connector_type": "sharepoint", "integration_params": {"site": "Team"}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let b = r.json();
    assert_spec("aitronos", P, 200, &b);
    assert_eq!(
        query_param(b["authorization_url"].as_str().unwrap(), "state").as_deref(),
        b["state"].as_str()
    );
}

#[tokio::test]
async fn errors() {
    let h = Harness::wiremock().await;
    let ok = json!({"connector_type": "github"});
    let k = [("X-API-Key", OWNER)];
    check_envelope(
        &post_json(&url(&h, "org_demo"), &[], &ok).await,
        401,
        "AUTHENTICATION_REQUIRED",
        "authentication_error",
    );
    check_envelope(
        &post_json(&url(&h, "org_demo"), &[("X-API-Key", "bad")], &ok).await,
        401,
        "AUTHENTICATION_REQUIRED",
        "authentication_error",
    );
    check_envelope(
        &post_json(
            &url(&h, "org_demo"),
            &[("authorization", "Bearer sk_test_owner")],
            &ok,
        )
        .await,
        401,
        "AUTHENTICATION_REQUIRED",
        "authentication_error",
    );
    check_envelope(
        &post_json(&url(&h, "org_other"), &k, &ok).await,
        403,
        "INSUFFICIENT_PERMISSIONS",
        "authorization_error",
    );
    check_envelope(
        &post_json(&h.connect_url(V), &k, &ok).await,
        422,
        "VALIDATION_ERROR",
        "validation_error",
    );
    for body in [
        json!({}),
        json!({"connector_type": 1}),
        json!({"connector_type": "github", "integration_params": []}),
    ] {
        check_envelope(
            &post_json(&url(&h, "org_demo"), &k, &body).await,
            422,
            "VALIDATION_ERROR",
            "validation_error",
        );
    }
    check_envelope(
        &post_raw(&url(&h, "org_demo"), &k, "application/json", "{]").await,
        422,
        "VALIDATION_ERROR",
        "validation_error",
    );
    let r = Reply::from(client().get(url(&h, "org_demo")).send().await.unwrap()).await;
    check_envelope(&r, 405, "METHOD_NOT_ALLOWED", "invalid_request_error");
}

#[tokio::test]
async fn flow_ends_on_a_completion_page() {
    let h = Harness::wiremock().await;
    let r = post_json(
        &url(&h, "org_demo"),
        &[("X-API-Key", MEMBER)],
        &json!({"connector_type": "notion"}),
    )
    .await;
    let auth = r.json()["authorization_url"].as_str().unwrap().to_owned();
    let callback = approve_to_callback(&auth, "").await;
    let done = get(&callback).await;
    assert_eq!(done.status, 200);
    done.assert_html_page();
    let a = h.state().accounts().last().unwrap().clone();
    assert_eq!(
        (a.vendor, a.owner_id.as_str(), a.platform.as_str()),
        (V, "org_demo", "notion")
    );
    get(&callback).await.assert_state_error();
}
