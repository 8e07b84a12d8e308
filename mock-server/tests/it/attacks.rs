//! Attacks on the redirect flow (RFC 6749 §4.1.2.1 and §10.12, RFC 9700, RFC 7636): each is
//! refused with an HTTP error and no redirect, and no key, code or token leaks into a redirect,
//! the request log or what the binary prints.

use std::collections::HashSet;
use std::sync::Arc;

use crate::support::{
    Binary, Harness, absolute, approve_to_callback, get, owner_auth, post_form, post_json,
    query_param, sample_request, send_sample,
};
use serde_json::json;
use social_connect_mock::{MockVendor, OWNER_KEY};

async fn authorization_url(h: &Harness, v: MockVendor) -> String {
    let reply = send_sample(h, v, OWNER_KEY).await;
    assert!(reply.status < 300, "{}", reply.text);
    // Where the link is: the vendor's manifest says (`connect.link`).
    let link = social_connect_mock::samples::connect(v).link;
    reply
        .json()
        .pointer(link)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_else(|| panic!("{v:?}: no link at {link}: {}", reply.text))
        .to_owned()
}

#[tokio::test]
async fn hostile_redirect_targets_are_refused_at_the_start() {
    let h = Harness::standalone().await;
    for target in [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "/relative/path",
        "//evil.example/cb",
        "https://app.example.com/cb#fragment",
        "https://user:pw@app.example.com/cb",
        "http://app.example.com/cb",
        "ftp://app.example.com/cb",
        "",
    ] {
        let woop = post_json(
            &h.connect_url(MockVendor::WoopSocial),
            &owner_auth(MockVendor::WoopSocial),
            &json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": target}),
        )
        .await;
        assert_eq!(woop.status, 400, "WoopSocial took {target:?}");
        let recoup = post_json(
            &h.connect_url(MockVendor::Recoup),
            &[("x-api-key", OWNER_KEY)],
            &json!({"connector": "youtube", "callback_url": target}),
        )
        .await;
        assert_eq!(recoup.status, 400, "Recoup took {target:?}");
        assert_eq!(recoup.json()["error"], 400);
    }
    assert_eq!(h.state().pending_flows(), 0, "no flow was started");
}

#[tokio::test]
async fn forged_truncated_and_foreign_states_are_refused() {
    let h = Harness::standalone().await;
    let auth_url = authorization_url(&h, MockVendor::WoopSocial).await;
    let state = query_param(&auth_url, "state").unwrap();
    let truncated = auth_url.replace(&state, &state[..state.len() / 2]);
    get(&format!("{truncated}&decision=approve"))
        .await
        .assert_state_error();
    let forged = auth_url.replace(&state, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    get(&format!("{forged}&decision=approve"))
        .await
        .assert_state_error();

    // The provider's redirect to WoopSocial's callback, replayed at Postbreeze's callback: the
    // 400 error page, and no account at all recorded (a WoopSocial one is what a replay that got
    // through would add, the flow being WoopSocial's).
    let callback = approve_to_callback(&auth_url, "").await;
    let foreign = callback.replace(
        "/__vendor/woopsocial/callback",
        "/__vendor/postbreeze/callback",
    );
    assert_ne!(foreign, callback);
    let before = h.state().accounts();
    get(&absolute(&h.origin(), &foreign))
        .await
        .assert_state_error();
    assert_eq!(
        h.state().accounts(),
        before,
        "the replay at Postbreeze connected nothing"
    );
    // The state was not consumed by the replay: WoopSocial's own callback still completes (on
    // its completion page: the sample request has no redirectUrl).
    let done = get(&absolute(&h.origin(), &callback)).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(done.text.contains("account connected"), "{}", done.text);
    assert_eq!(h.state().accounts().len(), before.len() + 1);
}

#[tokio::test]
async fn codes_are_single_use_and_bound_to_the_pkce_verifier() {
    let h = Harness::standalone().await;
    let token_url = format!("{}/__provider/token", h.origin());
    // A code with the wrong verifier.
    let auth_url = authorization_url(&h, MockVendor::Ocoya).await;
    let start = get(&format!("{auth_url}&decision=approve")).await;
    let provider_url = absolute(&h.origin(), &start.location());
    let callback = approve_to_callback(&provider_url, "").await;
    let code = query_param(&callback, "code").unwrap();
    let redirect_uri = callback.split('?').next().unwrap().to_owned();
    let wrong = post_form(
        &token_url,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect_uri),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier-0123",
            ),
        ],
    )
    .await;
    assert_eq!(
        (wrong.status, wrong.json()["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let missing = post_form(
        &token_url,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect_uri),
        ],
    )
    .await;
    assert_eq!(
        missing.status, 400,
        "a code bound to a challenge needs its verifier"
    );

    // A code redeemed by the vendor cannot be redeemed again.
    let auth_url = authorization_url(&h, MockVendor::Aitronos).await;
    let callback = approve_to_callback(&auth_url, "").await;
    let done = get(&absolute(&h.origin(), &callback)).await;
    assert_eq!(done.status, 200, "{}", done.text);
    let code = query_param(&callback, "code").unwrap();
    let redirect_uri = callback.split('?').next().unwrap().to_owned();
    let again = post_form(
        &token_url,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect_uri),
            ("code_verifier", "x".repeat(43).as_str()),
        ],
    )
    .await;
    assert_eq!(
        (again.status, again.json()["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    get(&absolute(&h.origin(), &callback))
        .await
        .assert_state_error();
}

#[tokio::test]
async fn pkce_cannot_be_downgraded() {
    let h = Harness::standalone().await;
    let auth_url = authorization_url(&h, MockVendor::Recoup).await;
    let challenge = query_param(&auth_url, "code_challenge").unwrap();
    let without = auth_url.replace(&format!("&code_challenge={challenge}"), "");
    let reply = get(&format!("{without}&decision=approve")).await;
    assert_eq!(reply.status, 400, "no challenge, no code: {}", reply.text);
    assert!(reply.header("location").is_none());
    let plain = auth_url.replace("code_challenge_method=S256", "code_challenge_method=plain");
    let reply = get(&format!("{plain}&decision=approve")).await;
    assert_eq!(reply.status, 400, "plain is refused: {}", reply.text);
    assert!(reply.header("location").is_none());
}

#[tokio::test]
async fn no_key_or_code_in_redirects_or_the_request_log() {
    let h = Harness::standalone().await;
    let app = "https://app.example.com/done";
    let reply = post_json(
        &h.connect_url(MockVendor::WoopSocial),
        &owner_auth(MockVendor::WoopSocial),
        &json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": app}),
    )
    .await;
    let auth_url = reply.json()["url"].as_str().unwrap().to_owned();
    let callback = approve_to_callback(&auth_url, "").await;
    let code = query_param(&callback, "code").unwrap();
    let back = get(&absolute(&h.origin(), &callback)).await;
    let location = back.location();
    assert!(location.starts_with(app));
    for secret in [OWNER_KEY, code.as_str(), "access_token", "code="] {
        assert!(!location.contains(secret), "{secret} in {location}");
    }
    // Every vendor's whole flow (key in a header, state and code in the URLs), then a wrong key:
    // none of the keys, states or codes is in the log as the admin API serves it.
    let mut secrets = vec![
        OWNER_KEY.to_owned(),
        "sk_wrong_secret".to_owned(),
        code,
        query_param(&auth_url, "state").unwrap(),
    ];
    for v in MockVendor::ALL {
        let mut url = authorization_url(&h, v).await;
        secrets.push(query_param(&url, "state").unwrap());
        if !url.contains("/__provider/authorize") {
            // Ocoya's start URL first.
            url = absolute(&h.origin(), &get(&url).await.location());
        }
        let callback = approve_to_callback(&url, "").await;
        secrets.push(query_param(&callback, "code").unwrap());
        let done = get(&absolute(&h.origin(), &callback)).await;
        assert!(done.status < 400, "{v:?}: {} {}", done.status, done.text);
    }
    let wrong = post_json(
        &h.connect_url(MockVendor::WoopSocial),
        &[("authorization", "Bearer sk_wrong_secret")],
        &json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": app}),
    )
    .await;
    assert_eq!(wrong.status, 401);
    let log = get(&format!("{}/requests", h.admin())).await;
    assert_eq!(log.status, 200);
    let entries = log.json().as_array().unwrap().len();
    assert!(entries >= 20, "the log holds the flows: {}", log.text);
    assert!(
        log.text.contains("/__vendor/woopsocial/callback"),
        "the log holds the callbacks: {}",
        log.text
    );
    for secret in &secrets {
        assert!(
            !log.text.contains(secret.as_str()),
            "{secret} in the request log: {}",
            log.text
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_concurrent_flows_each_redeem_exactly_once() {
    const FLOWS: usize = 10_000;
    let h = Arc::new(Harness::standalone().await);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let limit = Arc::new(tokio::sync::Semaphore::new(256));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..FLOWS {
        let (h, client, limit) = (h.clone(), client.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            let vendor = [MockVendor::Ocoya, MockVendor::Aitronos, MockVendor::Recoup][i % 3];
            let request = sample_request(&client, &h, vendor, OWNER_KEY);
            let json: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            let link = social_connect_mock::samples::connect(vendor).link;
            let url = json
                .pointer(link)
                .and_then(|u| u.as_str())
                .unwrap()
                .to_owned();
            let mut next = format!("{url}&decision=approve");
            // Follow to the vendor callback (Ocoya has one more hop first).
            let callback = loop {
                let reply = client.get(&next).send().await.unwrap();
                assert_eq!(reply.status().as_u16(), 302);
                let location = absolute(&h.origin(), reply.headers()["location"].to_str().unwrap());
                if location.contains("/__vendor/") {
                    break location;
                }
                next = location;
            };
            let first = client
                .get(&callback)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            let second = client
                .get(&callback)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            (first, second)
        });
    }
    let mut outcomes = Vec::with_capacity(FLOWS);
    while let Some(result) = tasks.join_next().await {
        outcomes.push(result.unwrap());
    }
    assert!(
        outcomes.iter().all(|o| *o == (200, 400)),
        "every state redeemed once, the replay refused"
    );
    let accounts = h.state().accounts();
    let ids: HashSet<_> = accounts.iter().map(|a| a.id.clone()).collect();
    let connected = accounts
        .iter()
        .filter(|a| a.vendor != MockVendor::Postbreeze)
        .count();
    assert_eq!(connected, FLOWS, "no account lost or duplicated");
    assert_eq!(ids.len(), accounts.len(), "account ids are unique");
    assert_eq!(h.state().pending_flows(), 0);
}

#[tokio::test]
async fn the_binary_prints_no_key_or_code() {
    use std::io::Read;
    use std::process::{Command, Stdio};

    let Binary {
        mut child,
        mut stdout,
        first_line: first,
        origin,
    } = Binary::start(&[], Stdio::piped());
    assert!(origin.starts_with("http://127.0.0.1:"), "{first}");

    // A full WoopSocial flow with the key, and a failed one with a wrong key.
    let base = format!("{origin}/woopsocial/v1/social-accounts/authorization-url");
    let reply = post_json(&base, &owner_auth(MockVendor::WoopSocial), &json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": "https://app.example.com/done"})).await;
    let auth_url = reply.json()["url"].as_str().unwrap().to_owned();
    let callback = approve_to_callback(&auth_url, "").await;
    let code = query_param(&callback, "code").unwrap();
    assert_eq!(get(&absolute(&origin, &callback)).await.status, 302);
    post_json(
        &base,
        &[("authorization", "Bearer sk_wrong_secret")],
        &json!({}),
    )
    .await;

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut printed = first;
    stdout.read_to_string(&mut printed).unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut printed)
        .unwrap();
    assert!(child.wait().unwrap().success());
    for secret in [OWNER_KEY, "sk_wrong_secret", code.as_str()] {
        assert!(
            !printed.contains(secret),
            "the binary printed {secret}: {printed}"
        );
    }
}
