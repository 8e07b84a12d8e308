//! Aitronos: the flow, ending on a completion page. (Its answers against the spec, and its
//! error envelope, are checked in the contract suite.)

use crate::support::*;
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
