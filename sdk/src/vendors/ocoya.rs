//! Ocoya: `POST /social-profiles/connection-url?workspaceId=` with a `provider`; answers a
//! browser `url` to open while signed in to Ocoya.

use super::{Table, Unsupported, VendorApi, enum_value};
use crate::Provider;

/// Ocoya's [`VendorApi`].
#[derive(Debug)]
pub(crate) struct Ocoya;

impl VendorApi for Ocoya {
    /// Lower case; [`Provider::Other`] only for a value its spec's enum lists.
    fn wire(&self, provider: &Provider) -> Result<String, Unsupported> {
        enum_value(self, provider, str::to_ascii_lowercase)
    }

    fn table(&self) -> Table {
        PROVIDERS
    }

    fn spec_lists(&self, wire: &str) -> Option<bool> {
        cfg!(feature = "ocoya").then(|| spec_lists(wire))
    }

    #[cfg(feature = "ocoya")]
    fn connect<'a>(
        &'a self,
        endpoint: &'a super::Endpoint,
        request: &'a crate::ConnectRequest,
        wire: String,
        timeout: std::time::Duration,
    ) -> super::Connecting<'a> {
        Box::pin(super::ocoya_connect::connect(
            endpoint, request, wire, timeout,
        ))
    }
}

/// Ocoya's `provider` values for the named providers.
const PROVIDERS: Table = &[
    (Provider::FacebookPage, "facebook"),
    (Provider::Instagram, "instagram"),
    (Provider::X, "x"),
    (Provider::LinkedIn, "linkedin"),
    (Provider::Pinterest, "pinterest"),
];

/// Whether Ocoya's generated enum lists `wire`; without the `ocoya` feature, only
/// [`PROVIDERS`] counts.
fn spec_lists(wire: &str) -> bool {
    #[cfg(feature = "ocoya")]
    let listed = wire
        .parse::<crate::ocoya::types::CreateConnectionUrlRequestProvider>()
        .is_ok();
    #[cfg(not(feature = "ocoya"))]
    let listed = {
        let _ = wire;
        false
    };
    listed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vendor;

    fn wire(provider: Provider) -> Option<String> {
        Ocoya.wire(&provider).ok()
    }

    #[test]
    fn named_providers_in_ocoyas_spelling() {
        assert_eq!(wire(Provider::LinkedIn).as_deref(), Some("linkedin"));
        assert_eq!(wire(Provider::LinkedInPage), None);
        assert_eq!(wire(Provider::FacebookPage).as_deref(), Some("facebook"));
        assert_eq!(wire(Provider::X).as_deref(), Some("x"));
    }

    #[test]
    fn other_reaches_only_values_the_spec_lists() {
        assert_eq!(wire(Provider::Other("TIKTOK".into())), None);
    }

    // The generated client alone, against a wiremock server: it calls its operation and decodes
    // the success body the vendor documents, through the builder interface. This proves the
    // generated code, not the unified layer (which the rest of the SDK's tests do).
    #[cfg(feature = "ocoya")]
    #[tokio::test]
    async fn ocoya_create_connection_url_decodes_the_documented_body() {
        use crate::ocoya::{Client, types};
        use serde_json::json;
        use wiremock::matchers::*;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        let url = "https://app.ocoya.com/api/social-connect/start?provider=instagram&workspaceId=w";
        Mock::given(method("POST"))
            .and(path("/social-profiles/connection-url"))
            .and(query_param("workspaceId", "cmayvq3hk00017apshay5qezu"))
            .and(body_json(json!({"provider": "instagram"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"url": url})))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri(), Default::default());
        let body = types::CreateConnectionUrlRequest::builder()
            .provider(types::CreateConnectionUrlRequestProvider::Instagram);
        let got = client
            .create_connection_url()
            .workspace_id("cmayvq3hk00017apshay5qezu")
            .body(body)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got.url, url);
    }

    /// `Client::ocoya()` hands out the generated client with the key and base URL set.
    #[cfg(feature = "ocoya")]
    #[tokio::test]
    async fn the_raw_client_shares_key_and_base_url() {
        use serde_json::json;
        use wiremock::matchers::*;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        const KEY: &str = "sk_test_secret_key_123";
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/social-profiles/connection-url"))
            .and(header("x-api-key", KEY))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"url": "https://o.example/x"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = crate::Client::builder()
            .api_key(Vendor::Ocoya, KEY)
            .base_url(Vendor::Ocoya, server.uri())
            .unwrap()
            .build()
            .unwrap();
        let body = crate::ocoya::types::CreateConnectionUrlRequest::builder()
            .provider(crate::ocoya::types::CreateConnectionUrlRequestProvider::X);
        let got = client
            .ocoya()
            .create_connection_url()
            .workspace_id("ws_demo")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(got.url, "https://o.example/x");
    }
}
