//! Live mode: the checks that need no control of the vendor, run against every vendor whose
//! `SOCIAL_CONNECT_LIVE_<VENDOR>_URL` and `..._KEY` are set (see `social_connect_tests::harness`
//! and README.md, "Checking against a live vendor"):
//!
//! ```text
//! cargo test -p social-connect-tests --test contract live -- --ignored --nocapture
//! ```
//!
//! It prints one summary line, `live: N checks ran, M skipped (<reason>: count, ...)`, and fails
//! if any check failed. Everything else in the suite runs against the mock only.

use std::sync::Arc;
use std::time::Duration;

use social_connect::{ConnectRequest, Error, Provider, Vendor};
use social_connect_mock::OWNER_KEY;
use social_connect_tests::skip::{self, Kind, skip};
use social_connect_tests::{Harness, Spec, sample};
use url::Url;

use crate::common;

/// A key no vendor issued.
const WRONG_KEY: &str = "sk_live_social_connect_not_a_key";

/// What live mode checks at a configured vendor.
#[derive(Debug, Clone, Copy)]
enum Check {
    /// The SDK's connect returns an absolute http(s) link for the vendor and provider.
    Connect,
    /// The raw connect answers the spec's success status with a body valid against its schema,
    /// holding an absolute http(s) authorization URL.
    RawConnect,
    /// A wrong key gets 401, in the spec's shape where the spec documents one.
    WrongKey,
    /// No key gets 401, likewise.
    NoKey,
    /// The SDK types a wrong key as `Error::Unauthorized`.
    SdkWrongKey,
}

const CHECKS: [Check; 5] = [
    Check::Connect,
    Check::RawConnect,
    Check::WrongKey,
    Check::NoKey,
    Check::SdkWrongKey,
];

/// What the suite checks only against the mock, because it needs control of the vendor (its
/// fixture, scenarios, clock or request log): counted as skipped at every configured vendor.
const MOCK_ONLY: [&str; 6] = [
    "the approve flow, its account and the replay",
    "the deny flow",
    "expiry",
    "faults (429, 5xx, HTML and malformed bodies, drops, latency)",
    "403, 404, 409 and validation errors (the fixture's owners and accounts)",
    "the SDK's requests against the request schema (the mock's request log)",
];

impl Check {
    fn name(self) -> &'static str {
        match self {
            Check::Connect => "connect returns an absolute link",
            Check::RawConnect => "the raw connect matches the spec",
            Check::WrongKey => "a wrong key is the documented 401",
            Check::NoKey => "no key is the documented 401",
            Check::SdkWrongKey => "the SDK types a wrong key as Unauthorized",
        }
    }

    /// Whether the check needs the owner to connect for (`..._OWNER`), at a vendor that takes one.
    fn needs_owner(self) -> bool {
        matches!(self, Check::Connect | Check::RawConnect)
    }

    async fn run(self, h: &Harness) {
        let (query, body) = raw_sample(h);
        match self {
            Check::Connect => {
                common::connect_live(h, request(h)).await;
            }
            Check::RawConnect => {
                let r = common::answer(h, Some(OWNER_KEY), &query, &body).await;
                let success = Spec::of(h.vendor)
                    .documented_statuses()
                    .into_iter()
                    .find(|s| (200..300).contains(s))
                    .expect("the spec documents a success");
                assert_eq!(r.status, success, "{}", r.body);
                let link = match h.vendor {
                    Vendor::Recoup => &r.body["data"]["redirectUrl"],
                    Vendor::Postbreeze => &r.body["authorizeUrl"],
                    Vendor::Aitronos => &r.body["authorization_url"],
                    _ => &r.body["url"],
                };
                let link = link
                    .as_str()
                    .unwrap_or_else(|| panic!("no link in {}", r.body));
                let url =
                    Url::parse(link).unwrap_or_else(|e| panic!("{link:?} is not absolute: {e}"));
                assert!(matches!(url.scheme(), "http" | "https"), "{url}");
            }
            Check::WrongKey | Check::NoKey => {
                let key = matches!(self, Check::WrongKey).then_some(WRONG_KEY);
                let r = common::answer(h, key, &query, &body).await;
                assert_eq!(r.status, 401, "{}", r.body);
            }
            Check::SdkWrongKey => {
                let err = h
                    .client_with(WRONG_KEY, Duration::from_secs(10))
                    .connect(h.vendor, request(h))
                    .await
                    .unwrap_err();
                assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
            }
        }
    }
}

/// A valid connect request for the configured owner (Recoup: the key's own account).
fn request(h: &Harness) -> ConnectRequest {
    let provider = match h.vendor {
        Vendor::WoopSocial => Provider::X,
        Vendor::Aitronos => Provider::Other("notion".into()),
        Vendor::Ocoya => Provider::Instagram,
        _ => Provider::YouTube,
    };
    match h.vendor {
        Vendor::Recoup => ConnectRequest::new(provider),
        _ => ConnectRequest::new(provider).owner(h.owner()),
    }
}

/// The vendor's sample connect (query, body) with the configured owner in place of the demo one.
fn raw_sample(h: &Harness) -> (String, String) {
    let sample = sample(h.vendor);
    match sample.owner {
        Some(demo) => (
            sample.query.replace(demo, &h.owner()),
            sample.body.replace(demo, &h.owner()),
        ),
        None => (sample.query.to_owned(), sample.body.to_owned()),
    }
}

fn panic_message(err: tokio::task::JoinError) -> String {
    match err.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned()),
        Err(err) => err.to_string(),
    }
}

#[tokio::test]
#[ignore = "live mode, against real vendors: README.md, \"Checking against a live vendor\""]
async fn live() {
    let mut ran = 0usize;
    let mut configured = Vec::new();
    let mut failed = Vec::new();
    for vendor in Vendor::ALL {
        let Some(h) = Harness::live(vendor) else {
            for check in CHECKS {
                skip(
                    Kind::Live,
                    &format!("{vendor}: {}", check.name()),
                    "not configured",
                );
            }
            continue;
        };
        configured.push(vendor.to_string());
        let h = Arc::new(h);
        for check in CHECKS {
            let test = format!("{vendor}: {}", check.name());
            if check.needs_owner() && sample(vendor).owner.is_some() && h.live_owner().is_none() {
                skip(Kind::Live, &test, "no owner given (..._OWNER)");
                continue;
            }
            ran += 1;
            let h = Arc::clone(&h);
            match tokio::spawn(async move { check.run(&h).await }).await {
                Ok(()) => eprintln!("ok {test}"),
                Err(err) => failed.push(format!("{test}: {}", panic_message(err))),
            }
        }
        for what in MOCK_ONLY {
            skip(
                Kind::Live,
                &format!("{vendor}: {what}"),
                "needs the mock's control",
            );
        }
    }
    let skips = skip::skipped(Kind::Live);
    let skipped: usize = skips.iter().map(|(_, n)| n).sum();
    let reasons: Vec<String> = skips.iter().map(|(r, n)| format!("{r}: {n}")).collect();
    let mut line = format!(
        "live: {ran} checks ran, {skipped} skipped ({})",
        reasons.join(", ")
    );
    if configured.is_empty() {
        line.push_str(
            "; no vendor configured (set SOCIAL_CONNECT_LIVE_<VENDOR>_URL and _KEY, see README.md)",
        );
    } else {
        line.push_str(&format!("; vendors: {}", configured.join(", ")));
    }
    if !failed.is_empty() {
        line.push_str(&format!("; {} failed", failed.len()));
    }
    println!("{line}");
    assert!(
        failed.is_empty(),
        "live checks failed:\n{}",
        failed.join("\n")
    );
}
