//! Live mode: the checks that need no control of the vendor, run against every vendor whose
//! `SOCIAL_CONNECT_LIVE_<VENDOR>_URL` and `..._KEY` are set (see `social_connect_tests::harness`
//! and docs/verify.md):
//!
//! ```text
//! cargo test -p social-connect-tests --test contract live -- --ignored --nocapture
//! ```
//!
//! It prints one summary line, `live: N checks ran, M skipped (<reason>: count, ...)`, and fails
//! if any check failed. Everything else in the suite runs against the mock only.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use social_connect::{ConnectRequest, Error, Provider, Vendor};
use social_connect_mock::OWNER_KEY;
use social_connect_tests::skip::{self, Kind, skip};
use social_connect_tests::{Harness, Spec, sample, typical_request};
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
    /// A body that is not JSON gets a documented 4xx, in the spec's shape.
    Malformed,
    /// A connect without the owner gets a documented 4xx, in the spec's shape.
    MissingOwner,
    /// An unsupported provider gets a documented 4xx, in the spec's shape.
    UnsupportedProvider,
    /// The SDK types an unsupported provider: refused before sending, or the vendor's 4xx as
    /// `Error::InvalidRequest`.
    SdkUnsupportedProvider,
}

const CHECKS: [Check; 9] = [
    Check::Connect,
    Check::RawConnect,
    Check::WrongKey,
    Check::NoKey,
    Check::SdkWrongKey,
    Check::Malformed,
    Check::MissingOwner,
    Check::UnsupportedProvider,
    Check::SdkUnsupportedProvider,
];

/// What the suite checks only against the mock, with what of the mock each needs: named as
/// skipped, with that reason, at every configured vendor.
const MOCK_ONLY: [(&str, &str); 6] = [
    (
        "the approve flow, its account and the replay",
        "needs the mock's provider (a real one needs a person to sign in)",
    ),
    (
        "the deny flow",
        "needs the mock's provider (a real one needs a person to sign in)",
    ),
    ("expiry", "needs the mock's clock"),
    (
        "faults (429, 5xx, HTML and malformed bodies, drops, latency)",
        "needs the mock's scenarios",
    ),
    (
        "403, 404 and 409 (an owner the key may not use, an unknown one, a second account)",
        "needs the fixture's owners and accounts",
    ),
    (
        "the SDK's requests against the request schema",
        "needs the mock's request log",
    ),
];

/// A provider no vendor supports.
const UNSUPPORTED: &str = "not_a_provider";

impl Check {
    fn name(self) -> &'static str {
        match self {
            Check::Connect => "connect returns an absolute link",
            Check::RawConnect => "the raw connect matches the spec",
            Check::WrongKey => "a wrong key is the documented 401",
            Check::NoKey => "no key is the documented 401",
            Check::SdkWrongKey => "the SDK types a wrong key as Unauthorized",
            Check::Malformed => "a body that is not JSON is a documented 4xx",
            Check::MissingOwner => "a connect without the owner is a documented 4xx",
            Check::UnsupportedProvider => "an unsupported provider is a documented 4xx",
            Check::SdkUnsupportedProvider => "the SDK types an unsupported provider",
        }
    }

    /// Whether the check needs the owner to connect for (`..._OWNER`), at a vendor that takes one.
    fn needs_owner(self) -> bool {
        matches!(
            self,
            Check::Connect | Check::RawConnect | Check::UnsupportedProvider
        )
    }

    /// Why the check does not apply to `vendor`, if it does not.
    fn not_for(self, vendor: Vendor) -> Option<&'static str> {
        match self {
            Check::MissingOwner if sample(vendor).owner.is_none() => {
                Some("the vendor takes no owner (the key's own account)")
            }
            Check::Malformed if sample(vendor).body.is_empty() => {
                Some("the operation takes no body (what is sent in one is not read)")
            }
            Check::UnsupportedProvider | Check::SdkUnsupportedProvider
                if !lists_providers(vendor) =>
            {
                Some("the spec lists no providers (any value is the vendor's to judge)")
            }
            _ => None,
        }
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
                // Where the link is: the vendor's manifest says (`connect.link`).
                let link = r
                    .body
                    .pointer(sample(h.vendor).link)
                    .and_then(Value::as_str)
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
            Check::Malformed => {
                let r = common::answer(h, Some(OWNER_KEY), &query, "{").await;
                assert!((400..500).contains(&r.status), "{}: {}", r.status, r.body);
            }
            Check::MissingOwner => {
                let owner = h.owner();
                let query: Vec<&str> = query
                    .split('&')
                    .filter(|p| !p.is_empty() && !p.ends_with(&format!("={owner}")))
                    .collect();
                let body = without_value(&body, &owner);
                let r = common::answer(h, Some(OWNER_KEY), &query.join("&"), &body).await;
                assert!((400..500).contains(&r.status), "{}: {}", r.status, r.body);
            }
            Check::UnsupportedProvider => {
                // Wherever the sample puts the provider: the path, the query or the body.
                let parts = common::Parts::sample(h.vendor)
                    .replacing(sample(h.vendor).provider, UNSUPPORTED);
                let r = common::answer_parts(h, Some(OWNER_KEY), &parts).await;
                assert!((400..500).contains(&r.status), "{}: {}", r.status, r.body);
            }
            Check::SdkUnsupportedProvider => {
                let mut request = request(h);
                request.provider = Provider::Other(UNSUPPORTED.into());
                let err = h
                    .client_with(OWNER_KEY, Duration::from_secs(10))
                    .connect(h.vendor, request)
                    .await
                    .unwrap_err();
                assert!(
                    matches!(
                        err,
                        Error::UnsupportedProvider { .. } | Error::InvalidRequest(_)
                    ),
                    "{err:?}"
                );
            }
        }
    }
}

/// Whether the spec enumerates the field the sample's provider goes in.
fn lists_providers(vendor: Vendor) -> bool {
    let provider = sample(vendor).provider;
    Spec::of(vendor)
        .request_enums()
        .iter()
        .any(|(_, values)| values.iter().any(|v| v == provider))
}

/// `body` (a JSON object) without the fields whose value is `value`.
fn without_value(body: &str, value: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.retain(|_, v| v.as_str() != Some(value));
            serde_json::Value::Object(map).to_string()
        }
        _ => body.to_owned(),
    }
}

/// A valid connect request for the configured owner (Recoup: the key's own account).
fn request(h: &Harness) -> ConnectRequest {
    let provider = match h.vendor {
        Vendor::WoopSocial => Provider::X,
        Vendor::Aitronos => Provider::Other("notion".into()),
        Vendor::Ocoya => Provider::Instagram,
        Vendor::Recoup | Vendor::Postbreeze => Provider::YouTube,
        // Any other vendor: its sample's provider.
        other => typical_request(other).provider,
    };
    let own_account = sample(h.vendor).owner.is_none() && h.live_owner().is_none();
    if h.vendor == Vendor::Recoup || own_account {
        ConnectRequest::new(provider)
    } else {
        ConnectRequest::new(provider).owner(h.owner())
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

/// What a live-mode run did.
#[derive(Debug, Default)]
struct LiveRun {
    ran: usize,
    failed: Vec<String>,
    /// Per test, what was skipped and why.
    skipped: Vec<(String, String)>,
}

/// Runs every check at each of `vendors`, and names each check skipped, with why.
async fn run_live(vendors: Vec<Harness>) -> LiveRun {
    let mut run = LiveRun::default();
    for h in vendors {
        let vendor = h.vendor;
        let h = Arc::new(h);
        let mut skip_one = |test: String, why: &str| {
            skip(Kind::Live, &test, why);
            run.skipped.push((test, why.to_owned()));
        };
        for check in CHECKS {
            let test = format!("{vendor}: {}", check.name());
            if let Some(why) = check.not_for(vendor) {
                skip_one(test, why);
                continue;
            }
            if check.needs_owner() && sample(vendor).owner.is_some() && h.live_owner().is_none() {
                skip_one(test, "no owner given (..._OWNER)");
                continue;
            }
            run.ran += 1;
            let h = Arc::clone(&h);
            match tokio::spawn(async move { check.run(&h).await }).await {
                Ok(()) => eprintln!("ok {test}"),
                Err(err) => run.failed.push(format!("{test}: {}", panic_message(err))),
            }
        }
        for (what, why) in MOCK_ONLY {
            skip_one(format!("{vendor}: {what}"), why);
        }
    }
    run
}

#[tokio::test]
#[ignore = "live mode, against real vendors: docs/verify.md"]
async fn live() {
    let mut configured = Vec::new();
    let mut vendors = Vec::new();
    for vendor in Vendor::ALL {
        match Harness::live(vendor) {
            Some(h) => {
                configured.push(vendor.to_string());
                vendors.push(h);
            }
            None => {
                for check in CHECKS {
                    skip(
                        Kind::Live,
                        &format!("{vendor}: {}", check.name()),
                        "not configured",
                    );
                }
            }
        }
    }
    let run = run_live(vendors).await;
    let skips = skip::skipped(Kind::Live);
    let skipped: usize = skips.iter().map(|(_, n)| n).sum();
    let reasons: Vec<String> = skips.iter().map(|(r, n)| format!("{r}: {n}")).collect();
    let mut line = format!(
        "live: {} checks ran, {skipped} skipped ({})",
        run.ran,
        reasons.join(", ")
    );
    if configured.is_empty() {
        line.push_str(
            "; no vendor configured (set SOCIAL_CONNECT_LIVE_<VENDOR>_URL and _KEY, see docs/verify.md)",
        );
    } else {
        line.push_str(&format!("; vendors: {}", configured.join(", ")));
    }
    if !run.failed.is_empty() {
        line.push_str(&format!("; {} failed", run.failed.len()));
    }
    println!("{line}");
    assert!(
        run.failed.is_empty(),
        "live checks failed:\n{}",
        run.failed.join("\n")
    );
}

/// Live mode itself, against mocks posing as live vendors (the suite uses none of their
/// control): every check runs and passes at each vendor, each skip is named with its reason,
/// and against a vendor whose connects fail the checks that must fail do.
#[tokio::test]
async fn live_mode_runs_every_check_that_needs_no_control() {
    let mut mocks = Vec::new();
    let mut vendors = Vec::new();
    for vendor in Vendor::ALL {
        let m = Harness::new(vendor).await;
        let owner = sample(vendor).owner.map(str::to_owned);
        vendors.push(Harness::live_at(
            vendor,
            m.base_url(),
            OWNER_KEY.to_owned(),
            owner,
        ));
        mocks.push(m);
    }
    let run = run_live(vendors).await;
    assert!(run.failed.is_empty(), "{:#?}", run.failed);
    let not_applicable = Vendor::ALL
        .iter()
        .flat_map(|v| CHECKS.iter().filter(move |c| c.not_for(*v).is_some()))
        .count();
    assert_eq!(run.ran, Vendor::ALL.len() * CHECKS.len() - not_applicable);
    assert!(
        run.skipped
            .iter()
            .any(|(t, why)| t == "Ocoya: expiry" && why == "needs the mock's clock"),
        "{:#?}",
        run.skipped
    );
    assert_eq!(
        run.skipped.len(),
        Vendor::ALL.len() * MOCK_ONLY.len() + not_applicable
    );

    // A vendor answering 503 to every connect fails the connect checks, and only those
    // whose answer it changes.
    let broken = Harness::new(Vendor::Postbreeze).await;
    broken
        .mock_server()
        .state()
        .set_scenario(
            social_connect_mock::MockVendor::Postbreeze,
            social_connect_mock::Scenario::ServerError { status: 503 },
        )
        .unwrap();
    let live = Harness::live_at(
        Vendor::Postbreeze,
        broken.base_url(),
        OWNER_KEY.to_owned(),
        Some("ws_demo".to_owned()),
    );
    let run = run_live(vec![live]).await;
    let failed: Vec<&str> = run
        .failed
        .iter()
        .map(|f| f.split(':').nth(1).unwrap_or_default().trim())
        .collect();
    assert!(
        failed.contains(&"connect returns an absolute link"),
        "{failed:?}"
    );
    assert!(
        failed.contains(&"the raw connect matches the spec"),
        "{failed:?}"
    );
    assert!(
        failed.contains(&"a wrong key is the documented 401"),
        "{failed:?}"
    );
}
