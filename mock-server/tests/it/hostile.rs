//! Bad input at every vendor endpoint, on both adapters: each case gets the exact 4xx the vendor
//! gives it, in the vendor's own error shape (or, for the few inputs a vendor legitimately
//! accepts, a 2xx), never a 5xx, a hang or a change of state.

use std::time::Duration;

use crate::support::{Harness, Reply, keyed};
use social_connect_mock::samples::{self, ConnectSample};
use social_connect_mock::{MockVendor, OWNER_KEY};

/// One hostile request: a name, then how it differs from the vendor's good request.
struct Case {
    name: &'static str,
    method: &'static str,
    query: Option<String>,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    extra_header: Option<(&'static str, String)>,
}

/// The sample's query with its `?`, or nothing.
fn query_of(sample: &ConnectSample) -> String {
    if sample.query.is_empty() {
        String::new()
    } else {
        format!("?{}", sample.query)
    }
}

fn cases(v: MockVendor) -> Vec<Case> {
    let sample = samples::connect(v);
    let query = query_of(&sample);
    let good = sample.body;
    // The sample's provider with `c` slipped into its middle.
    let provider_with = |c: &str| {
        let (head, tail) = sample.provider.split_at(sample.provider.len() / 2);
        format!("{head}{c}{tail}")
    };
    // Every case is sent with the vendor's own method, but for the wrong-method cases.
    let own = sample.method();
    let case = |name, body: &str| Case {
        name,
        method: own,
        query: None,
        content_type: Some("application/json"),
        body: body.as_bytes().to_vec(),
        extra_header: None,
    };
    let first_key = good.split('"').nth(1).unwrap_or("x").to_owned();
    let mut all = vec![
        case("malformed JSON", "{\"a\":"),
        case("truncated JSON", &good[..good.len() / 2]),
        case("not an object", "[1,2,3]"),
        case("JSON null", "null"),
        case("empty object", "{}"),
        case("empty body", ""),
        case("wrong types", &format!("{{\"{first_key}\": 42}}")),
        Case {
            query: Some(query.replace("_demo", "_%00demo")),
            ..case(
                "control characters in ids",
                &good
                    .replace("_demo", "_\\u0000demo")
                    .replace(sample.provider, &provider_with("\\u0007")),
            )
        },
        Case {
            query: Some(query.replace("_demo", "_d%C3%A9mo%F0%9F%98%80")),
            ..case(
                "unicode in ids",
                &good
                    .replace("_demo", "_démo😀")
                    .replace(sample.provider, &provider_with("ø")),
            )
        },
        Case {
            // Bytes that are not UTF-8 (a lone 0xFF and 0xFE) inside a JSON string.
            body: b"{\"a\": \"\xff\xfe\"}".to_vec(),
            ..case("invalid UTF-8", "")
        },
        Case {
            name: "oversized body",
            body: format!("{{\"pad\": \"{}\"}}", "x".repeat(70 * 1024)).into_bytes(),
            ..case("", "")
        },
        Case {
            name: "wrong content type",
            content_type: Some("text/plain"),
            ..case("", good)
        },
        Case {
            name: "form content type",
            content_type: Some("application/x-www-form-urlencoded"),
            ..case("", "a=b")
        },
        Case {
            name: "no content type",
            content_type: None,
            ..case("", good)
        },
        Case {
            name: "wrong method",
            method: if own == "GET" { "POST" } else { "GET" },
            ..case("", "")
        },
        Case {
            name: "PUT",
            method: "PUT",
            ..case("", good)
        },
        Case {
            name: "DELETE",
            method: "DELETE",
            ..case("", "")
        },
        Case {
            // The connect endpoint itself, its query (if any) and an unknown 16 KiB parameter.
            name: "very long URL",
            query: Some(format!(
                "{query}{}x={}",
                if query.is_empty() { "?" } else { "&" },
                "a".repeat(16 * 1024)
            )),
            ..case("", good)
        },
        Case {
            name: "very long header",
            extra_header: Some(("x-padding", "h".repeat(8 * 1024))),
            ..case("", "{")
        },
    ];
    // Raw bytes that are not UTF-8 at all.
    all.push(Case {
        name: "binary body",
        body: vec![0xff, 0xfe, 0x00, 0x7b],
        ..case("", "")
    });
    if !query.is_empty() {
        let key = query
            .trim_start_matches('?')
            .split('=')
            .next()
            .unwrap_or_default()
            .to_owned();
        all.push(Case {
            name: "duplicate query parameter",
            query: Some(format!("{query}&{key}=other_owner")),
            ..case("", good)
        });
        all.push(Case {
            name: "missing query parameter",
            query: Some(String::new()),
            ..case("", good)
        });
    }
    if good.is_empty() {
        // A vendor whose operation takes no body ignores what is sent in one: only what is not
        // about the body applies.
        all.retain(|c| {
            matches!(
                c.name,
                "oversized body"
                    | "wrong method"
                    | "PUT"
                    | "DELETE"
                    | "very long URL"
                    | "duplicate query parameter"
                    | "missing query parameter"
            )
        });
    }
    if good == "{}" {
        // A vendor whose request carries nothing in its body (the provider in the path, an
        // optional owner): an empty or foreign object is a valid request there, and there is
        // no value in the body to spoil.
        all.retain(|c| {
            !matches!(
                c.name,
                "empty object" | "wrong types" | "control characters in ids" | "unicode in ids"
            )
        });
    }
    all
}

/// What `v` answers to `case`: `None` when it accepts the request (2xx), else the error status,
/// answered in the vendor's own shape (see [`Reply::assert_vendor_error`]).
fn expected(v: MockVendor, case: &str) -> Option<u16> {
    // A request the vendor cannot read or validate: Aitronos's 422 is the mock's choice (it
    // documents none), the others document 400.
    let invalid = if v == MockVendor::Aitronos { 422 } else { 400 };
    match case {
        "oversized body" => Some(413),
        "wrong method" | "PUT" | "DELETE" => Some(405),
        // The first of two duplicate query values, an unknown query parameter however long.
        "duplicate query parameter" | "very long URL" => None,
        // Everything else is unreadable or invalid; the two "in ids" cases slip the character
        // into the provider / platform too, which no vendor knows.
        _ => Some(invalid),
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_changes_nothing() {
    for harness in [Harness::standalone().await, Harness::wiremock().await] {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        for v in MockVendor::ALL {
            let sample = samples::connect(v);
            let query = query_of(&sample);

            for case in cases(v) {
                let url = format!(
                    "{}{}",
                    harness.connect_url(v),
                    case.query.clone().unwrap_or_else(|| query.clone())
                );
                let method = reqwest::Method::from_bytes(case.method.as_bytes()).unwrap();
                let mut request = client.request(method, &url).body(case.body.clone());
                if let Some(ct) = case.content_type {
                    request = request.header("content-type", ct);
                }
                request = keyed(request, &sample, OWNER_KEY);
                if let Some((k, val)) = &case.extra_header {
                    request = request.header(*k, val);
                }
                let flows = harness.state().pending_flows();
                let accounts = harness.state().accounts().len();
                let response = request
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{v:?} {}: no answer: {e}", case.name));
                let reply = Reply::from(response).await;
                assert!(
                    reply.status < 500,
                    "{v:?} {}: {} {}",
                    case.name,
                    reply.status,
                    reply.text
                );
                assert_eq!(
                    harness.state().accounts().len(),
                    accounts,
                    "{v:?} {}: accounts changed",
                    case.name
                );
                match expected(v, case.name) {
                    Some(status) => {
                        reply.assert_vendor_error(v, status, case.name);
                        assert_eq!(
                            harness.state().pending_flows(),
                            flows,
                            "{v:?} {}: a flow was minted on an error",
                            case.name
                        );
                    }
                    None => {
                        assert!(
                            (200..300).contains(&reply.status),
                            "{v:?} {}: {} {}",
                            case.name,
                            reply.status,
                            reply.text
                        );
                    }
                }
            }
        }
    }
}
