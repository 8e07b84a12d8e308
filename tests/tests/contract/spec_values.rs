//! The mock follows each spec's enums, read from `specs/` here (not from the mock's generated
//! copy): every value a spec lists connects (2xx), a value it does not list is refused with the
//! vendor's validation error. A spec that adds or removes a value changes what these tests send.

use social_connect::Vendor;
use social_connect_mock::{Fixture, MockConfig, OWNER_KEY};
use social_connect_tests::{Harness, Spec};

use crate::common::{Parts, answer_parts};

/// The sample request with `field` set to `value`, wherever the spec puts it (the path, the
/// query or the body).
fn with_value(vendor: Vendor, field: &str, value: &str) -> Parts {
    Parts::sample(vendor).with_field(Spec::of(vendor).path_template(), field, value)
}

#[tokio::test]
async fn every_value_a_spec_lists_connects_and_others_are_refused() {
    let mut checked = 0;
    for vendor in Vendor::ALL {
        let enums = Spec::of(vendor).request_enums();
        for (field, values) in enums {
            // No account connected yet, so Postbreeze's one account per platform and workspace
            // (a 409) cannot answer for a listed value.
            let mut fixture = Fixture::default();
            fixture.connected_accounts.clear();
            let h = Harness::mock(vendor, MockConfig::default().with_fixture(fixture)).await;
            for value in &values {
                let parts = with_value(vendor, &field, value);
                let a = answer_parts(&h, Some(OWNER_KEY), &parts).await;
                assert!(
                    (200..300).contains(&a.status),
                    "{vendor}: {field}={value}, listed by its spec, answered {} {}",
                    a.status,
                    a.body
                );
                checked += 1;
            }
            for unlisted in ["NOT_IN_THE_SPEC", "not_in_the_spec", ""] {
                assert!(!values.iter().any(|v| v == unlisted));
                // An empty path segment is no value but no route at all.
                let path_param = Spec::of(vendor)
                    .path_template()
                    .contains(&format!("{{{field}}}"));
                if path_param && unlisted.is_empty() {
                    continue;
                }
                let parts = with_value(vendor, &field, unlisted);
                let a = answer_parts(&h, Some(OWNER_KEY), &parts).await;
                assert_eq!(
                    a.status, 400,
                    "{vendor}: {field}={unlisted:?}, not listed by its spec, answered {}",
                    a.body
                );
            }
        }
    }
    // Postbreeze's 11 platforms, WoopSocial's 10, Ocoya's 5 today; fewer would mean the spec
    // lost its enums or this test stopped reading them.
    assert!(checked >= 20, "only {checked} values checked");
}

/// Recoup's `connector` and Aitronos's `connector_type` are free-form strings in their specs;
/// what counts as a connector is the project's rule, written once
/// (`social_connect_spec::is_connector_slug`), which both sides call. They must draw the line in
/// the same place: a slug the SDK sends is one the mock accepts, and one the SDK refuses is one the mock refuses.
#[tokio::test]
async fn the_sdk_and_the_mock_agree_on_what_a_connector_is() {
    use social_connect::{ConnectRequest, Error, Provider};

    let slugs = [
        "googlesheets",
        "GoogleSheets",
        "google.sheets",
        "linkedin_pages-2",
        "a",
        &"a".repeat(64),
        &"a".repeat(65),
        "",
        "bad slug",
        "é",
        "a/b",
        "-x",
    ];
    for vendor in [Vendor::Recoup, Vendor::Aitronos] {
        let h = Harness::new(vendor).await;
        let field = match vendor {
            Vendor::Recoup => "connector",
            Vendor::Aitronos => "connector_type",
            other => panic!("{other} is not one of this test's free-form vendors"),
        };
        for slug in slugs {
            let parts = with_value(vendor, field, slug);
            let mock_accepts =
                (200..300).contains(&answer_parts(&h, Some(OWNER_KEY), &parts).await.status);
            let mut request = ConnectRequest::new(Provider::Other(slug.to_owned()));
            if vendor == Vendor::Aitronos {
                request = request.owner(h.owner());
            }
            let sdk = h.client().connect(vendor, request).await;
            // Refused before sending, or sent (and then answered, well or not).
            let sdk_sends = !matches!(sdk, Err(Error::UnsupportedProvider { .. }));
            assert_eq!(
                sdk_sends,
                mock_accepts,
                "{vendor}: connector {slug:?}: the SDK {} it, the mock {} it",
                if sdk_sends { "sends" } else { "refuses" },
                if mock_accepts { "accepts" } else { "refuses" },
            );
        }
    }
}
