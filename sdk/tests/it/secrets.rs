//! No API key in any `Debug` or `Display` output: every error the client can return, at each of
//! the five vendors, the client, its builder and the generated clients are formatted and searched
//! for the key.

use std::time::Duration;

use social_connect::{Client, ConnectRequest, Error, Provider, Vendor};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{refused_client, refused_client_for};

const KEY: &str = "sk_live_VERY_SECRET_0123456789";

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(KEY), "{what} leaks the key: {text}");
    assert!(
        !text.contains("VERY_SECRET"),
        "{what} leaks part of the key: {text}"
    );
}

/// The sample provider the vendor's manifest names (`sample_provider` in
/// `specs/<vendor>/vendor.toml`), as the vendor spells it.
fn manifest_sample(vendor: Vendor) -> Option<Provider> {
    let path = format!(
        "{}/../specs/{}/vendor.toml",
        env!("CARGO_MANIFEST_DIR"),
        vendor.as_str()
    );
    let text = std::fs::read_to_string(path).ok()?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("sample_provider"))?;
    let value = line.split_once('=')?.1.trim().trim_matches('"');
    Some(Provider::Other(value.to_owned()))
}

/// A connect request `vendor` accepts (so the call reaches the server): the first provider it
/// supports of its named ones, its manifest's sample provider and a few common names, and an
/// owner where it needs one.
fn request(vendor: Vendor) -> ConnectRequest {
    let common = ["x", "X", "github", "linkedin", "LINKEDIN"].map(|p| Provider::Other(p.into()));
    let provider = vendor
        .providers()
        .into_iter()
        .chain(manifest_sample(vendor))
        .chain(common)
        .find(|p| vendor.supports(p))
        .unwrap_or_else(|| panic!("{vendor}: no provider this test knows is supported"));
    let request = ConnectRequest::new(provider);
    if vendor.requires_owner() {
        request.owner("o")
    } else {
        request
    }
}

/// The errors of `vendor`'s connect for every status the server can answer with (an HTML body),
/// a timeout and a refused connection.
async fn errors_from(server: &MockServer, vendor: Vendor, timeout: Duration) -> Vec<Error> {
    let client = Client::builder()
        .api_key(vendor, KEY)
        .base_url(vendor, server.uri())
        .unwrap()
        .timeout(timeout)
        .build()
        .unwrap();
    assert_clean("Client", &format!("{client:?}"));
    let request = request(vendor);
    let mut errors = Vec::new();
    for status in [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 302, 200] {
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_raw(format!("<html>echo {status}</html>"), "text/html"),
            )
            .mount(server)
            .await;
        if let Err(err) = client.connect(vendor, request.clone()).await {
            errors.push(err);
        }
    }
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(server)
        .await;
    errors.push(client.connect(vendor, request.clone()).await.unwrap_err());
    errors.push(
        refused_client_for(vendor, KEY)
            .connect(vendor, request)
            .await
            .unwrap_err(),
    );
    errors
}

#[tokio::test]
async fn no_error_or_client_output_contains_the_key() {
    let server = MockServer::start().await;
    let mut errors = Vec::new();
    for vendor in Vendor::ALL {
        let of_vendor = errors_from(&server, vendor, Duration::from_millis(300)).await;
        // 12 statuses (all errors but the 200 with an HTML body, which is one too), the timeout
        // and the refused connection.
        assert_eq!(
            of_vendor.len(),
            14,
            "{vendor}: every error path produced an error: {of_vendor:?}"
        );
        errors.extend(of_vendor);
    }
    // Transport failures, configuration errors and the checks made before sending.
    let refused = refused_client(KEY);
    errors.push(
        refused
            .connect(Vendor::Ocoya, ConnectRequest::new(Provider::X).owner("o"))
            .await
            .unwrap_err(),
    );
    errors.push(
        Client::builder()
            .api_key(Vendor::Ocoya, format!("{KEY}\n"))
            .build()
            .unwrap_err(),
    );
    errors.push(
        refused
            .connect(
                Vendor::Ocoya,
                ConnectRequest::new(Provider::Bluesky).owner("o"),
            )
            .await
            .unwrap_err(),
    );
    errors.push(
        refused
            .connect(Vendor::Ocoya, ConnectRequest::new(Provider::X))
            .await
            .unwrap_err(),
    );
    assert!(
        errors.len() >= 5 * 14 + 4,
        "every path produced an error ({})",
        errors.len()
    );
    for err in &errors {
        assert_clean("Display", &err.to_string());
        assert_clean("Debug", &format!("{err:?}"));
        let mut source = std::error::Error::source(err);
        while let Some(inner) = source {
            assert_clean("source", &format!("{inner} {inner:?}"));
            source = inner.source();
        }
    }
    let builder = Client::builder()
        .api_key(Vendor::WoopSocial, KEY)
        .api_key(Vendor::Aitronos, KEY);
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean("Client", &format!("{client:?}"));
    assert_clean(
        "generated clients",
        &format!(
            "{:?} {:?} {:?} {:?} {:?}",
            client.recoup(),
            client.woopsocial(),
            client.postbreeze(),
            client.aitronos(),
            client.ocoya()
        ),
    );
}
