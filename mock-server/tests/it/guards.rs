//! What a careless or hostile client cannot do to the mock (issue "the standalone mock holds
//! under hostile and careless clients", findings 3 to 8): overflow its clock, drive its admin
//! API from a web page, get a code for the wrong `response_type`, double WoopSocial's result,
//! find a key in its log, and the smaller holes. Connection and memory bounds are in `bounds`.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use serde_json::json;
use social_connect_mock::{
    MockConfig, MockVendor, Mode, OWNER_KEY, admin::MAX_STATE_TTL, clock::ManualClock,
};

const WOOP: MockVendor = MockVendor::WoopSocial;

async fn woop_connect(h: &Harness, body: serde_json::Value) -> Reply {
    post_json(&h.connect_url(WOOP), &owner_auth(WOOP), &body).await
}

async fn woop_auth(h: &Harness, redirect: &str) -> String {
    let r = woop_connect(
        h,
        json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": redirect}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["url"].as_str().unwrap().to_owned()
}

// 3. Options and arithmetic.

#[test]
fn a_ttl_past_a_year_is_refused_at_start_up_with_exit_code_2() {
    for args in [
        ["--state-ttl-secs", "18446744073709551615"],
        ["--state-ttl-secs", "0"],
        ["--max-connections", "0"],
        ["--body-timeout-secs", "0"],
        ["--port", "65536"],
        ["--allow-host", "evil.example/x"],
        ["--allow-host", "mock:4010"],
    ] {
        // With a closed stdin lifeline: should an option wrongly pass, the mock stops at once
        // instead of hanging the test.
        let out = crate::support::mock_command()
            .args(args)
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(args[0]) && err.contains("invalid value"),
            "{args:?}: {err}"
        );
    }
}

#[tokio::test]
async fn the_longest_ttl_and_a_clock_at_the_end_of_time_still_mint_states() {
    // The library takes any Duration: it is capped, not added blindly.
    let h = Harness::standalone_with(MockConfig::default().with_state_ttl(Duration::MAX)).await;
    assert_eq!(h.state().state_ttl(), MAX_STATE_TTL);
    let auth = woop_auth(&h, "https://app.example.com/done").await;
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert_eq!(done.status, 302, "{}", done.text);

    // A clock 30 s before the calendar ends: the state and the code would expire past it.
    let end = time::PrimitiveDateTime::MAX.assume_utc() - time::Duration::seconds(30);
    let clock = Arc::new(ManualClock::starting_at(end));
    let h = Harness::standalone_with(MockConfig::default().with_clock(clock)).await;
    let auth = woop_auth(&h, "https://app.example.com/done").await;
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert_eq!(done.status, 302, "{}", done.text);
    assert_eq!(
        query_param(&done.location(), "status").as_deref(),
        Some("success")
    );
}

// 4. The admin API and web pages.

async fn send(req: reqwest::RequestBuilder) -> Reply {
    Reply::from(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_cross_site_form_post_cannot_change_the_mode() {
    let h = Harness::standalone().await;
    let c = client();
    let mode = format!("{}/mode", h.admin());
    // What a page on another site can send without a preflight: text/plain, its own Origin.
    let r = send(
        c.post(&mode)
            .header("content-type", "text/plain")
            .header("origin", "https://evil.example")
            .body(r#"{"mode":"lax"}"#),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    // The same without an Origin (not a browser): the content type alone is refused.
    let r = send(
        c.post(&mode)
            .header("content-type", "text/plain")
            .body(r#"{"mode":"lax"}"#),
    )
    .await;
    assert_eq!(r.status, 415, "{}", r.text);
    for path in ["fixture", "scenarios/ocoya", "reset"] {
        let r = send(
            c.post(format!("{}/{path}", h.admin()))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("kind=server_error"),
        )
        .await;
        assert_eq!(r.status, 415, "{path}: {}", r.text);
    }
    assert_eq!(h.state().mode(), Mode::Strict);
    assert!(h.state().scenarios().is_empty());
    // JSON from the mock's own origin (or none) works.
    let r = send(
        c.put(&mode)
            .header("origin", h.origin())
            .json(&json!({"mode": "lax"})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(h.state().mode(), Mode::Lax);
    let r = send(
        c.delete(format!("{}/scenarios/ocoya", h.admin()))
            .header("origin", "null")
            .header("content-type", "application/json"),
    )
    .await;
    assert_eq!(r.status, 403, "an opaque origin: {}", r.text);
}

#[tokio::test]
async fn a_rebound_host_cannot_read_the_fixture_but_vendor_endpoints_answer_it() {
    let h = Harness::standalone().await;
    let c = client();
    let fixture = format!("{}/fixture", h.admin());
    let r = send(c.get(&fixture).header("host", "evil.example:4010")).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let unreadable = reqwest::header::HeaderValue::from_bytes(b"\xffevil.example").unwrap();
    let r = send(c.get(&fixture).header("host", unreadable)).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(!r.text.contains(OWNER_KEY));
    for host in ["localhost:1", "127.0.0.1", "[::1]:9", "127.9.9.9"] {
        let r = send(c.get(&fixture).header("host", host)).await;
        assert_eq!(r.status, 200, "{host}: {}", r.text);
    }
    // A request that names no Host (HTTP/1.0 may omit it) is refused too; a vendor endpoint
    // still answers one.
    for (path, status) in [("/__admin/fixture", "403"), ("/__admin/requests", "403")] {
        let answer = http10(&h.origin(), path).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.0 {status}")),
            "{path}: {answer}"
        );
        assert!(!answer.contains(OWNER_KEY), "{path}: {answer}");
    }
    let answer = http10(&h.origin(), "/").await;
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");

    // Vendor endpoints are for anyone who can reach them.
    let r =
        send(sample_request(&c, &h, MockVendor::Ocoya, OWNER_KEY).header("host", "evil.example"))
            .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // --allow-host NAME: a compose network's service name.
    let h = Harness::standalone_with(MockConfig::default().allow_host("mock")).await;
    let fixture = format!("{}/fixture", h.admin());
    let r = send(c.get(&fixture).header("host", "mock:4010")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = send(c.get(&fixture).header("host", "mock.evil.example")).await;
    assert_eq!(r.status, 403, "{}", r.text);
}

/// `GET {path} HTTP/1.0` with no header at all; the whole answer.
async fn http10(origin: &str, path: &str) -> String {
    let authority = origin.trim_start_matches("http://");
    let addr = tokio::net::lookup_host(authority)
        .await
        .unwrap()
        .next()
        .unwrap();
    raw_exchange(
        addr,
        format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes(),
        false,
    )
    .await
}

#[test]
fn the_binary_takes_allow_host() {
    let mut b = Binary::start(&["--allow-host", "mock"], Stdio::null());
    let fixture = format!("{}/__admin/fixture", b.origin);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = client();
        assert_eq!(
            send(c.get(&fixture).header("host", "mock:80")).await.status,
            200
        );
        assert_eq!(
            send(c.get(&fixture).header("host", "other")).await.status,
            403
        );
    });
    b.child.kill().ok();
    b.child.wait().ok();
}

// 5. The provider and RFC 6749; WoopSocial's result keys.

#[tokio::test]
async fn the_provider_refuses_a_response_type_other_than_code() {
    let h = Harness::standalone().await;
    for (response_type, error) in [
        (Some("token"), "unsupported_response_type"),
        (Some("id_token token"), "unsupported_response_type"),
        (Some("CODE"), "unsupported_response_type"),
        (None, "invalid_request"),
    ] {
        let auth = woop_auth(&h, "https://app.example.com/done").await;
        let mut url = url::Url::parse(&auth).unwrap();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .filter(|(k, _)| k != "response_type")
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        if let Some(t) = response_type {
            url.query_pairs_mut().append_pair("response_type", t);
        }
        // RFC 6749 §4.1.2.1: back to the client's redirect URI with the error, no code.
        let r = get(&format!("{url}&decision=approve")).await;
        assert_eq!(r.status, 302, "{response_type:?}: {}", r.text);
        let back = r.location();
        assert_eq!(query_param(&back, "error").as_deref(), Some(error));
        assert!(query_param(&back, "code").is_none());
        assert_eq!(query_param(&back, "state"), query_param(&auth, "state"));
        // WoopSocial ends the flow with its error redirect, carrying that code.
        let done = get(&back).await;
        assert_eq!(done.status, 302, "{}", done.text);
        let app = done.location();
        assert!(
            app.starts_with("https://app.example.com/done?status=error&"),
            "{app}"
        );
        assert_eq!(query_param(&app, "error").as_deref(), Some(error));
    }
    assert!(h.state().accounts().iter().all(|a| a.vendor != WOOP));
}

#[tokio::test]
async fn woopsocial_result_keys_in_a_redirect_url_are_refused_in_strict_mode_only() {
    let h = Harness::standalone().await;
    for key in [
        "status",
        "projectId",
        "platform",
        "socialAccountIds",
        "error",
    ] {
        let r = woop_connect(
            &h,
            json!({"projectId": "proj_demo", "platform": "X",
                   "redirectUrl": format!("https://app.example.com/done?{key}=x&keep=1")}),
        )
        .await;
        assert_eq!(r.status, 400, "{key}: {}", r.text);
        assert_eq!(r.json()["error"]["code"], json!("VALIDATION_ERROR"));
        assert!(r.json()["error"]["message"].as_str().unwrap().contains(key));
    }
    // The app's own parameters are fine, and come back first.
    let auth = woop_auth(&h, "https://app.example.com/done?tab=social&statusx=1").await;
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert!(
        done.location()
            .starts_with("https://app.example.com/done?tab=social&statusx=1&status=success&"),
        "{}",
        done.location()
    );

    // Lax mode lets a client test its own parser against a doubled result.
    h.state().set_mode(Mode::Lax);
    let auth = woop_auth(
        &h,
        "https://app.example.com/done?status=success&socialAccountIds=sa_evil",
    )
    .await;
    let denied = get(&format!("{auth}&decision=deny")).await;
    let done = get(&denied.location()).await;
    let statuses: Vec<String> = url::Url::parse(&done.location())
        .unwrap()
        .query_pairs()
        .filter(|(k, _)| k == "status")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(statuses, ["success", "error"]);
}

// 6. Keys in the log.

#[tokio::test]
async fn a_key_sent_outside_the_auth_header_is_never_logged() {
    let h = Harness::standalone().await;
    let c = client();
    let recoup = h.connect_url(MockVendor::Recoup);
    let sep = if recoup.contains('?') { '&' } else { '?' };
    // In the query, under a credential's name and under another name.
    send(
        c.post(format!("{recoup}{sep}api_key={OWNER_KEY}"))
            .json(&json!({})),
    )
    .await;
    send(
        c.post(format!(
            "{recoup}{sep}note={OWNER_KEY}&token=sk_live_unknown"
        ))
        .json(&json!({})),
    )
    .await;
    // In a JSON body, at any depth, and in a form body.
    send(c.post(&recoup).json(
        &json!({"connector": "x", "apiKey": "sk_live_other", "deep": [{"secret": "s3"}],
                          "note": OWNER_KEY}),
    ))
    .await;
    send(
        c.post(&recoup)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("client_secret=cs_1&x={OWNER_KEY}")),
    )
    .await;
    // In the path.
    send(c.get(format!("{}/{OWNER_KEY}", h.base(MockVendor::Recoup)))).await;
    let log = get(&format!("{}/requests", h.admin())).await;
    assert_eq!(log.status, 200);
    for secret in [OWNER_KEY, "sk_live_unknown", "sk_live_other", "s3", "cs_1"] {
        assert!(!log.text.contains(secret), "{secret} in {}", log.text);
    }
    let entries = log.json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 5);
    assert!(log.text.contains("[redacted]"));
    // What is not a credential stays.
    assert!(
        entries[2]["body"]
            .as_str()
            .unwrap()
            .contains("\"connector\":\"x\"")
    );
}

// 7. The smaller holes.

#[tokio::test]
async fn the_page_form_does_not_consume_another_vendors_state() {
    let h = Harness::standalone().await;
    let r = send_sample(&h, MockVendor::Postbreeze, OWNER_KEY).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pending = h.state().pending_flows();
    let provider = r.json()["authorizeUrl"].as_str().unwrap().to_owned();
    let state = query_param(&provider, "state").unwrap();
    let pages = format!("{}/__vendor/woopsocial/pages", h.origin());
    post_form(&pages, &[("selection", &state), ("page", "fbp_1001")])
        .await
        .assert_state_error();
    assert_eq!(h.state().pending_flows(), pending);
    // The Postbreeze flow is still whole.
    let done = get(&approve_to_callback(&provider, "").await).await;
    assert!(done.status < 400, "{}: {}", done.status, done.text);
}

#[tokio::test]
async fn an_empty_page_selection_connects_nothing() {
    let h = Harness::standalone().await;
    for pages in ["", ",", " , "] {
        let r = woop_connect(
            &h,
            json!({"projectId": "proj_demo", "platform": "FACEBOOK",
                   "redirectUrl": "https://app.example.com/done"}),
        )
        .await;
        let auth = r.json()["url"].as_str().unwrap().to_owned();
        let pages_param = format!("&pages={}", pages.replace(' ', "%20"));
        let back = get(&format!("{auth}&decision=approve{pages_param}")).await;
        let done = get(&back.location()).await;
        assert_eq!(
            query_param(&done.location(), "error").as_deref(),
            Some("invalid_page_selection"),
            "pages={pages:?}: {}",
            done.location()
        );
    }
    assert!(h.state().accounts().iter().all(|a| a.vendor != WOOP));
}

/// A flow keeps what `pages=` said until its callback, so the mock keeps at most 1 KiB of it:
/// a longer list (valid ids repeated) is an invalid selection; one just within is taken.
#[tokio::test]
async fn a_pages_list_longer_than_a_kib_is_an_invalid_selection() {
    let h = Harness::standalone().await;
    for (repeat, outcome) in [(113, "success"), (114, "error")] {
        // "fbp_1001," is 9 bytes: 113 of them, less the last comma, are 1,016 bytes.
        let pages = vec!["fbp_1001"; repeat].join(",");
        let r = woop_connect(
            &h,
            json!({"projectId": "proj_demo", "platform": "FACEBOOK",
                   "redirectUrl": "https://app.example.com/done"}),
        )
        .await;
        let auth = r.json()["url"].as_str().unwrap().to_owned();
        let back = get(&format!("{auth}&decision=approve&pages={pages}")).await;
        let done = get(&back.location()).await;
        let location = done.location();
        assert_eq!(
            query_param(&location, "status").as_deref(),
            Some(outcome),
            "{} bytes: {location}",
            pages.len()
        );
        if outcome == "error" {
            assert_eq!(
                query_param(&location, "error").as_deref(),
                Some("invalid_page_selection")
            );
        }
    }
}

#[tokio::test]
async fn scenario_bodies_are_checked_whole() {
    let h = Harness::standalone().await;
    let c = client();
    for body in [
        json!({"kind": "drop_connection", "after_ms": 5}),
        json!({"kind": "latency", "ms": 5, "jitter": 1}),
        json!({"kind": "malformed_json", "status": 204}),
        json!({"kind": "html_body", "status": 304}),
    ] {
        let r = send(c.put(format!("{}/scenarios/ocoya", h.admin())).json(&body)).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
    }
    assert!(h.state().scenarios().is_empty());
}

#[tokio::test]
async fn answers_are_never_cached_and_forms_post_only_where_the_flow_goes() {
    let h = Harness::standalone().await;
    let r = woop_connect(
        &h,
        json!({"projectId": "proj_demo", "platform": "FACEBOOK",
               "redirectUrl": "https://app.example.com:8443/done"}),
    )
    .await;
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let auth = r.json()["url"].as_str().unwrap().to_owned();
    assert_eq!(
        get(&h.admin()).await.header("cache-control"),
        Some("no-store")
    );
    let consent = get(&auth).await;
    let csp = consent
        .header("content-security-policy")
        .unwrap()
        .to_owned();
    assert!(
        csp.ends_with("form-action 'self' https://app.example.com:8443"),
        "{csp}"
    );
    assert_self_contained_page(&consent, &h.origin());
    // A page without a form may post nowhere.
    let gone = get(&format!(
        "{}/__vendor/woopsocial/callback?state=nope",
        h.origin()
    ))
    .await;
    assert!(
        gone.header("content-security-policy")
            .unwrap()
            .contains("form-action 'none'")
    );
}
