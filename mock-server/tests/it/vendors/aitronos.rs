//! Aitronos: the flow, ending on a completion page. (Its answers against the spec, and its
//! error envelope, are checked in the contract suite.)

use crate::support::*;
use serde_json::Value;
use social_connect_mock::{MEMBER_KEY, MockVendor};

const V: MockVendor = MockVendor::Aitronos;

#[tokio::test]
async fn flow_ends_on_a_completion_page() {
    let h = Harness::wiremock().await;
    let r = send_sample(&h, V, MEMBER_KEY).await;
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

/// Aitronos's error envelope: `{"success":false,"error":{"code","message","system_message",
/// "type","status","trace_id","timestamp","details"}}`.
pub(crate) fn assert_error(body: &Value, status: u16, what: &str) {
    let code = match status {
        422 => "VALIDATION_ERROR",
        401 => "AUTHENTICATION_REQUIRED",
        403 => "INSUFFICIENT_PERMISSIONS",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        413 => "PAYLOAD_TOO_LARGE",
        other => panic!("no expected Aitronos error code for {other}"),
    };
    assert_eq!(keys(body, what), ["error", "success"], "{what}: {body}");
    assert_eq!(body["success"], false, "{what}: {body}");
    let e = &body["error"];
    assert_eq!(
        keys(e, what),
        [
            "code",
            "details",
            "message",
            "status",
            "system_message",
            "timestamp",
            "trace_id",
            "type"
        ],
        "{what}: {body}"
    );
    assert_eq!(e["code"], code, "{what}: {body}");
    assert_eq!(e["status"], status, "{what}: {body}");
    assert_message(e, what);
}
