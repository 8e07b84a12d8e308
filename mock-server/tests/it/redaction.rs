//! The request log keeps no credential in any encoding: a table of requests, each hiding one of
//! the fixture's keys or a value under a credential's name in the query, a form, JSON or a body
//! that is not JSON, percent-encoded, `+`-encoded, JSON-escaped or in another case, sent over
//! HTTP to the standalone server and read back from its admin API.

use social_connect_mock::{MockVendor, OWNER_KEY, StandaloneConfig, StandaloneServer, samples};

use crate::support::{client, get};

/// A value sent under a credential's name.
const SECRET: &str = "hunter2secretvalue";

/// Every way a reader of the log could decode what it shows.
fn readings(logged: &str) -> Vec<String> {
    let percent = |s: &str, plus: bool| {
        let s = if plus {
            s.replace('+', " ")
        } else {
            s.to_owned()
        };
        percent_encoding::percent_decode_str(&s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let unescape = |s: &str| {
        // JSON escapes, read the way a JSON parser reads them.
        let quoted = format!("\"{}\"", s.replace('"', "\\\""));
        serde_json::from_str::<String>(&quoted)
            .unwrap_or_else(|_| s.replace("\\u005f", "_").replace("\\u005F", "_"))
    };
    let p = percent(logged, true);
    vec![
        logged.to_owned(),
        p.clone(),
        percent(logged, false),
        unescape(logged),
        unescape(&p),
    ]
}

/// (what, query, content type, body): each hides `OWNER_KEY` or [`SECRET`].
fn cases() -> Vec<(&'static str, String, &'static str, String)> {
    let k = OWNER_KEY;
    let all_percent: String = k.bytes().map(|b| format!("%{b:02X}")).collect();
    let json_escaped: String = k.chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
    let form = "application/x-www-form-urlencoded";
    let json = "application/json";
    let text = "text/plain";
    vec![
        // The fixture's key, under a harmless name.
        ("key, query", format!("note={k}"), json, String::new()),
        (
            "key, query, all percent",
            format!("note={all_percent}"),
            json,
            String::new(),
        ),
        (
            "key, query, `_` percent",
            format!("note={}", k.replace('_', "%5F")),
            json,
            String::new(),
        ),
        (
            "key, query, lower-case hex",
            format!("note={}", k.replace('_', "%5f")),
            json,
            String::new(),
        ),
        (
            "key, query, inside a value",
            format!("note=a-{k}-b"),
            json,
            String::new(),
        ),
        (
            "key, form, percent",
            String::new(),
            form,
            format!("note={}", k.replace('_', "%5F")),
        ),
        (
            "key, form, between +",
            String::new(),
            form,
            format!("note=x+{k}+y"),
        ),
        (
            "key, JSON",
            String::new(),
            json,
            format!("{{\"note\":\"{k}\"}}"),
        ),
        (
            "key, JSON, `_` escaped",
            String::new(),
            json,
            format!("{{\"note\":\"{}\"}}", k.replace('_', "\\u005f")),
        ),
        (
            "key, JSON, all escaped",
            String::new(),
            json,
            format!("{{\"note\":\"{json_escaped}\"}}"),
        ),
        (
            "key, JSON, a name",
            String::new(),
            json,
            format!("{{\"{}\":1}}", k.replace('_', "\\u005F")),
        ),
        (
            "key, broken JSON",
            String::new(),
            json,
            format!("{{\"note\":\"{k}\""),
        ),
        (
            "key, broken JSON, escaped",
            String::new(),
            json,
            format!("{{\"note\":\"{}\"", k.replace('_', "\\u005f")),
        ),
        (
            "key, text, percent",
            String::new(),
            text,
            format!("hello {}", k.replace('_', "%5F")),
        ),
        // A value under a credential's name.
        (
            "name, query",
            format!("token={SECRET}"),
            json,
            String::new(),
        ),
        (
            "name, query, percent name",
            format!("%74oken={SECRET}"),
            json,
            String::new(),
        ),
        (
            "name, query, upper case",
            format!("TOKEN={SECRET}"),
            json,
            String::new(),
        ),
        (
            "name, query, `_` percent",
            format!("api%5Fkey={SECRET}"),
            json,
            String::new(),
        ),
        (
            "name, query, `+` for a space",
            format!("api+key={SECRET}"),
            json,
            String::new(),
        ),
        (
            "name, form, percent name",
            String::new(),
            form,
            format!("a=1&%74oken={SECRET}"),
        ),
        (
            "name, JSON",
            String::new(),
            json,
            format!("{{\"a\":{{\"client_secret\":\"{SECRET}\"}}}}"),
        ),
        (
            "name, JSON, escaped name",
            String::new(),
            json,
            format!("{{\"\\u0074oken\":\"{SECRET}\"}}"),
        ),
        (
            "name, broken JSON",
            String::new(),
            json,
            format!("{{\"token\": \"{SECRET}\""),
        ),
        (
            "name, broken JSON, escaped name",
            String::new(),
            json,
            format!("{{\"\\u0074oken\":\"{SECRET}\","),
        ),
        (
            "name, broken JSON, bare value",
            String::new(),
            json,
            format!("{{\"password\": {SECRET}, "),
        ),
        (
            "name, text, a line of its own",
            String::new(),
            text,
            format!("x=1\ntoken={SECRET}\ny=2"),
        ),
        (
            "name, text, after `;`",
            String::new(),
            text,
            format!("a=1;Api-Key={SECRET}"),
        ),
    ]
}

#[tokio::test]
async fn no_encoding_gets_a_credential_into_the_log() {
    let s = StandaloneServer::start(StandaloneConfig::default())
        .await
        .unwrap();
    // Any vendor's connect: its sample request (the manifest's owner, the contract's key header),
    // with each case's query appended and its body in place of the sample's.
    let sample = samples::connect(MockVendor::Ocoya);
    let (key_header, key) = sample.auth(OWNER_KEY);
    let cases = cases();
    assert!(cases.len() >= 20);
    let mut leaks = Vec::new();
    for (what, query, content_type, body) in &cases {
        s.state().clear_requests();
        let url = match (query.is_empty(), sample.query.is_empty()) {
            (true, _) => sample.url(&s.base_url(sample.vendor)),
            (false, true) => format!("{}?{query}", sample.url(&s.base_url(sample.vendor))),
            (false, false) => format!("{}&{query}", sample.url(&s.base_url(sample.vendor))),
        };
        let r = client()
            .post(url)
            .header(key_header, &key)
            .header("content-type", *content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert!(r.status().as_u16() < 500, "{what}");
        let log = get(&format!("{}/requests", s.admin_url())).await.text;
        let leaked = readings(&log)
            .iter()
            .any(|reading| reading.contains(OWNER_KEY) || reading.contains(SECRET));
        if leaked || !log.contains("[redacted]") {
            leaks.push(format!("{what}: {log}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "{} of {} leaked:\n{}",
        leaks.len(),
        cases.len(),
        leaks.join("\n")
    );
}

#[tokio::test]
async fn a_harmless_request_is_logged_as_sent() {
    let s = StandaloneServer::start(StandaloneConfig::default())
        .await
        .unwrap();
    let sample = samples::connect(MockVendor::Ocoya);
    let (key_header, key) = sample.auth(OWNER_KEY);
    // The sample's body with one more field, whose text holds `+`, `%20` and a JSON escape.
    let body = sample.body.replacen('{', r#"{"note":"a+b%20c \u0041","#, 1);
    client()
        .post(sample.url(&s.base_url(sample.vendor)))
        .header(key_header, key)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let logged = s.state().requests().pop().unwrap();
    assert_eq!(
        logged.query.as_deref(),
        Some(sample.query).filter(|q| !q.is_empty())
    );
    // Escapes are decoded where the body is written back, never lost.
    let kept: serde_json::Value = serde_json::from_str(logged.body.as_deref().unwrap()).unwrap();
    assert_eq!(kept["note"], "a+b%20c A");
    let sent: serde_json::Value = serde_json::from_str(sample.body).unwrap();
    for (name, value) in sent.as_object().unwrap() {
        assert_eq!(&kept[name], value, "{name}");
    }
}
