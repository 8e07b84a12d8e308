//! Faults on the provider's side of the flow, as scenarios, at every vendor: the code exchange
//! fails (`invalid_grant`), the provider answers with an error instead of a code, it sends back
//! a state that is not the one sent, its consent page is slow. Each flow ends where the vendor's
//! failures end (WoopSocial: its error redirect with the code; the others: their page saying
//! nothing was connected; a wrong state: the error page of an unknown state), connects nothing,
//! and never answers 5xx.

use std::time::{Duration, Instant};

use social_connect::{ConnectRequest, Provider, Vendor};
use social_connect_mock::{ProviderErrorCode, Scenario};
use social_connect_tests::flow::{End, Walk, query};
use social_connect_tests::{Harness, mock_vendor, typical_request};

use crate::common;

const APP: &str = "https://app.example.com/connected";

fn request(h: &Harness) -> ConnectRequest {
    match h.vendor {
        Vendor::Recoup => ConnectRequest::new(Provider::YouTube),
        Vendor::WoopSocial => ConnectRequest::new(Provider::X)
            .owner(h.owner())
            .redirect_url(APP.parse().unwrap()),
        Vendor::Aitronos => ConnectRequest::new(Provider::Other("notion".into())).owner(h.owner()),
        // The fixture's Postbreeze workspace has an Instagram account already.
        Vendor::Postbreeze => ConnectRequest::new(Provider::LinkedInPage).owner(h.owner()),
        Vendor::Ocoya => ConnectRequest::new(Provider::Instagram).owner(h.owner()),
        // Any other vendor: its own typical request (its sample's provider and owner).
        other => typical_request(other),
    }
}

/// Runs one approved flow at `vendor` under `scenario`; the walk, and whether it connected.
async fn approved_under(vendor: Vendor, scenario: Scenario) -> (Harness, Walk, bool) {
    let h = Harness::new(vendor).await;
    let state = h.mock_server().state();
    state
        .set_scenario(mock_vendor(vendor), scenario.clone())
        .unwrap_or_else(|e| panic!("{scenario:?}: {e}"));
    let before = state.accounts().len();
    let link = common::connect_ok(&h, request(&h)).await;
    let walk = common::run_flow(&h, &link, &[("decision", "approve")]).await;
    for hop in &walk.hops {
        assert!(
            hop.status.as_u16() < 500,
            "{vendor}: {} {}",
            hop.status,
            hop.url
        );
    }
    let connected = state.accounts().len() > before;
    (h, walk, connected)
}

/// The flow ended as `vendor`'s failures end, with `code`.
fn assert_failed_with(h: &Harness, walk: &Walk, code: &str) {
    if h.vendor == Vendor::WoopSocial {
        let back = walk.left_to();
        assert!(back.as_str().starts_with(&format!("{APP}?")), "{back}");
        assert_eq!(query(back, "status").as_deref(), Some("error"), "{back}");
        assert_eq!(query(back, "error").as_deref(), Some(code), "{back}");
    } else {
        common::assert_not_connected_page(h, walk, code);
    }
}

#[tokio::test]
async fn a_failed_code_exchange_ends_as_the_vendors_failures_do() {
    for vendor in Vendor::ALL {
        let (h, walk, connected) = approved_under(vendor, Scenario::ExchangeFails).await;
        assert!(!connected, "{vendor}");
        assert_failed_with(&h, &walk, "invalid_grant");
    }
}

#[tokio::test]
async fn a_provider_error_ends_as_the_vendors_failures_do() {
    for error in [
        ProviderErrorCode::ServerError,
        ProviderErrorCode::TemporarilyUnavailable,
        ProviderErrorCode::AccessDenied,
    ] {
        for vendor in Vendor::ALL {
            let scenario = Scenario::ProviderError {
                error,
                description: Some("The provider is having a bad day".into()),
            };
            let (h, walk, connected) = approved_under(vendor, scenario).await;
            assert!(!connected, "{vendor} {error:?}");
            // The provider's redirect back carried the error and its description, no code.
            let back = walk
                .hops
                .iter()
                .find_map(|hop| {
                    hop.location
                        .clone()
                        .filter(|l| l.path().ends_with("/callback"))
                })
                .expect("the provider redirected back");
            assert_eq!(query(&back, "error").as_deref(), Some(error.as_str()));
            assert_eq!(
                query(&back, "error_description").as_deref(),
                Some("The provider is having a bad day")
            );
            assert_eq!(query(&back, "code"), None);
            assert_failed_with(&h, &walk, error.as_str());
        }
    }
}

#[tokio::test]
async fn a_state_the_vendor_never_sent_ends_on_the_unknown_state_page() {
    for vendor in Vendor::ALL {
        let (_h, walk, connected) = approved_under(vendor, Scenario::WrongState).await;
        assert!(!connected, "{vendor}");
        assert_eq!(
            walk.end,
            End::OnMock,
            "{vendor}: never a redirect to the app"
        );
        let page = walk.page();
        assert_eq!(page.status.as_u16(), 400, "{vendor}: {}", page.body);
        assert!(page.body.contains("not valid"), "{vendor}: {}", page.body);
    }
}

#[tokio::test]
async fn a_slow_consent_page_answers_late_and_the_flow_still_completes() {
    for vendor in Vendor::ALL {
        let h = Harness::new(vendor).await;
        let state = h.mock_server().state();
        state
            .set_scenario(mock_vendor(vendor), Scenario::SlowConsent { ms: 300 })
            .unwrap();
        let link = common::connect_ok(&h, request(&h)).await;
        let browser = social_connect_tests::flow::browser();
        let mut url = link.url.clone();
        let started = Instant::now();
        // Ocoya's start URL redirects to the provider first.
        let mut hop = social_connect_tests::flow::get(&browser, &url).await;
        if hop.status.is_redirection() && vendor == Vendor::Ocoya {
            url = hop.location.clone().unwrap();
            hop = social_connect_tests::flow::get(&browser, &url).await;
        }
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{vendor}: the consent page came after {:?}",
            started.elapsed()
        );
        assert_eq!(hop.status.as_u16(), 200, "{vendor}");
        let before = state.accounts().len();
        let walk = common::run_flow(&h, &link, &[("decision", "approve")]).await;
        assert_eq!(
            state.accounts().len(),
            before + 1,
            "{vendor}: {:?}",
            walk.end
        );
    }
}
