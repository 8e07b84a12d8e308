//! The admin API over HTTP on both adapters, the library operations, and every scenario.

use std::time::{Duration, Instant};

use crate::support::*;
use serde_json::json;
use social_connect_mock::{
    Fixture, MockConfig, MockVendor, OWNER_KEY, Scenario, admin::AdminError,
};

async fn admin_roundtrip(h: Harness) {
    let a = h.admin();
    let c = client();
    let r = get(&a).await;
    assert_eq!(r.json()["mode"], json!("strict"));

    // Accounts, and a fixture swap.
    let r = get(&format!("{a}/accounts")).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let mut fixture = Fixture::default();
    fixture.connected_accounts.clear();
    let r = Reply::from(
        c.put(format!("{a}/fixture"))
            .json(&fixture)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        get(&format!("{a}/accounts"))
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = Reply::from(
        c.put(format!("{a}/fixture"))
            .header("content-type", "application/json")
            .body("{\"nope\":1}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].is_string());

    // Requests are logged.
    send_sample(&h, MockVendor::Postbreeze, OWNER_KEY).await;
    let log = get(&format!("{a}/requests")).await.json();
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["vendor"], json!("postbreeze"));
    assert_eq!(last["status"], json!(201));
    assert_eq!(last["method"], json!("POST"));

    // Scenarios.
    let r = Reply::from(
        c.put(format!("{a}/scenarios/postbreeze"))
            .json(&json!({"kind": "rate_limited", "retry_after_secs": 7}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = send_sample(&h, MockVendor::Postbreeze, OWNER_KEY).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(r.json()["code"], json!("TOO_MANY_REQUESTS"));
    assert_eq!(
        get(&format!("{a}/scenarios")).await.json()["postbreeze"]["kind"],
        json!("rate_limited")
    );
    let one = get(&format!("{a}/scenarios/postbreeze")).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json()["kind"], json!("rate_limited"));
    assert_eq!(one.json()["retry_after_secs"], json!(7));
    let r = Reply::from(
        c.delete(format!("{a}/scenarios/postbreeze"))
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        get(&format!("{a}/scenarios/postbreeze")).await.json(),
        json!(null)
    );

    // The request log, and emptying it.
    let logged = get(&format!("{a}/requests")).await.json();
    assert!(!logged.as_array().unwrap().is_empty(), "{logged}");
    let r = Reply::from(
        c.delete(format!("{a}/requests"))
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(get(&format!("{a}/requests")).await.json(), json!([]));

    let r = Reply::from(
        c.put(format!("{a}/scenarios/myspace"))
            .json(&json!({"kind":"drop_connection"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = Reply::from(
        c.put(format!("{a}/scenarios/ocoya"))
            .json(&json!({"kind":"server_error","status":200}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 400);

    // Mode.
    let r = Reply::from(
        c.put(format!("{a}/mode"))
            .json(&json!({"mode": "lax"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        get(&format!("{a}/mode")).await.json(),
        json!({"mode": "lax"})
    );

    // Reset: back to the loaded fixture, strict, no scenarios, empty log.
    let r = Reply::from(
        c.post(format!("{a}/reset"))
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(h.state().mode(), social_connect_mock::Mode::Strict);
    assert!(h.state().requests().is_empty());
    assert!(h.state().accounts().is_empty());
    let r = Reply::from(c.get(format!("{a}/reset")).send().await.unwrap()).await;
    assert_eq!(r.status, 405);
}

#[tokio::test]
async fn admin_over_wiremock() {
    admin_roundtrip(Harness::wiremock().await).await;
}

#[tokio::test]
async fn admin_over_hyper() {
    admin_roundtrip(Harness::standalone().await).await;
}

async fn scenarios_on(h: &Harness) {
    let v = MockVendor::Recoup;
    let st = h.state();

    st.set_scenario(v, Scenario::Latency { ms: 150 }).unwrap();
    let t = Instant::now();
    assert_eq!(send_sample(h, v, OWNER_KEY).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));

    st.set_scenario(
        v,
        Scenario::RateLimited {
            retry_after_secs: None,
        },
    )
    .unwrap();
    let r = send_sample(h, v, OWNER_KEY).await;
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_none());
    assert_eq!(
        r.json(),
        json!({"error": 429, "message": "Too many requests"})
    );

    st.set_scenario(v, Scenario::ServerError { status: 503 })
        .unwrap();
    assert_eq!(send_sample(h, v, OWNER_KEY).await.status, 503);

    st.set_scenario(v, Scenario::MalformedJson { status: 200 })
        .unwrap();
    let r = send_sample(h, v, OWNER_KEY).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());

    st.set_scenario(v, Scenario::HtmlBody { status: 502 })
        .unwrap();
    let r = send_sample(h, v, OWNER_KEY).await;
    assert_eq!(r.status, 502);
    assert!(r.text.contains("<html>"));

    st.clear_scenario(v);
    assert_eq!(send_sample(h, v, OWNER_KEY).await.status, 200);
}

#[tokio::test]
async fn scenarios_over_wiremock() {
    let h = Harness::wiremock().await;
    scenarios_on(&h).await;
    assert!(matches!(
        h.state()
            .set_scenario(MockVendor::Recoup, Scenario::DropConnection),
        Err(AdminError::Unsupported(_))
    ));
    let r = Reply::from(
        client()
            .put(format!("{}/scenarios/recoup", h.admin()))
            .json(&json!({"kind": "drop_connection"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 501);
}

#[tokio::test]
async fn scenarios_over_hyper_including_a_dropped_connection() {
    let h = Harness::standalone().await;
    scenarios_on(&h).await;
    h.state()
        .set_scenario(MockVendor::Ocoya, Scenario::DropConnection)
        .unwrap();
    // The connection is closed without an answer: the client sees a failed request at once,
    // not a response, and not a hang that only its timeout ends.
    let timeout = Duration::from_secs(10);
    let client = reqwest::Client::builder().timeout(timeout).build().unwrap();
    let started = Instant::now();
    let err = sample_request(&client, &h, MockVendor::Ocoya, OWNER_KEY)
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "a hang, not a dropped connection: {err}");
    assert!(
        started.elapsed() < timeout / 2,
        "the connection was dropped at once: {:?}",
        started.elapsed()
    );
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    assert!(!err.is_status() && err.status().is_none(), "{err:?}");
    // The server is still fine afterwards.
    h.state().clear_scenario(MockVendor::Ocoya);
    assert_eq!(get(&h.admin()).await.status, 200);
}

#[tokio::test]
async fn the_request_log_is_bounded() {
    let config = MockConfig {
        request_log_capacity: 5,
        ..MockConfig::default()
    };
    let h = Harness::standalone_with(config).await;
    for _ in 0..8 {
        get(&format!("{}/api/connectors", h.base(MockVendor::Recoup))).await;
    }
    let log = h.state().requests();
    assert_eq!(log.len(), 5);
    assert_eq!(log[0].seq, 4);
    assert_eq!(log[4].status, 405);
}

#[test]
fn schemas_cover_fixture_and_admin_bodies() {
    let s = social_connect_mock::schemas();
    for k in [
        "Fixture",
        "Scenario",
        "ModeBody",
        "ConnectedAccount",
        "RecordedRequest",
    ] {
        assert!(s[k].is_object(), "{k}");
    }
    let fixture = serde_json::to_value(Fixture::default()).unwrap();
    let v = jsonschema::validator_for(&s["Fixture"]).unwrap();
    assert!(v.is_valid(&fixture));
    let v = jsonschema::validator_for(&s["Scenario"]).unwrap();
    assert!(v.is_valid(&json!({"kind": "latency", "ms": 5})));
    assert!(!v.is_valid(&json!({"kind": "teleport"})));
}
