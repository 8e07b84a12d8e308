//! Recoup: `POST /api/connectors` with a connector slug, an optional `account_id` (UUID) to
//! connect for an account you manage, and an optional `callback_url`.

use super::{Table, Unsupported, VendorApi, free_form, table_wire};
use crate::Provider;

/// Recoup's [`VendorApi`].
#[derive(Debug)]
pub(crate) struct Recoup;

impl VendorApi for Recoup {
    /// A named provider from [`CONNECTORS`], or any free-form connector slug.
    fn wire(&self, provider: &Provider) -> Result<String, Unsupported> {
        match provider {
            Provider::Other(slug) => free_form(slug),
            named => table_wire(CONNECTORS, named),
        }
    }

    fn table(&self) -> Table {
        CONNECTORS
    }

    #[cfg(feature = "recoup")]
    fn connect<'a>(
        &'a self,
        endpoint: &'a super::Endpoint,
        request: &'a crate::ConnectRequest,
        wire: String,
        timeout: std::time::Duration,
    ) -> super::Connecting<'a> {
        Box::pin(super::recoup_connect::connect(
            endpoint, request, wire, timeout,
        ))
    }
}

/// The connector slugs Recoup documents for the named providers.
const CONNECTORS: Table = &[
    (Provider::TikTok, "tiktok"),
    (Provider::YouTube, "youtube"),
    (Provider::X, "twitter"),
    (Provider::LinkedIn, "linkedin"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(provider: Provider) -> Option<String> {
        Recoup.wire(&provider).ok()
    }

    #[test]
    fn named_connectors_in_recoups_spelling() {
        assert_eq!(wire(Provider::LinkedIn).as_deref(), Some("linkedin"));
        assert_eq!(wire(Provider::TikTok).as_deref(), Some("tiktok"));
        assert_eq!(wire(Provider::X).as_deref(), Some("twitter"));
    }

    #[test]
    fn free_form_slugs_and_nothing_named_it_does_not_document() {
        assert_eq!(
            wire(Provider::Other("googlesheets".into())).as_deref(),
            Some("googlesheets")
        );
        assert_eq!(wire(Provider::Bluesky), None);
        assert_eq!(wire(Provider::Other("bad slug!".into())), None);
    }

    // The generated client alone, against a wiremock server: it calls its operation and decodes
    // the success body the vendor documents, through the builder interface. This proves the
    // generated code, not the unified layer (which the rest of the SDK's tests do).
    #[cfg(feature = "recoup")]
    #[tokio::test]
    async fn recoup_authorize_connector_decodes_the_documented_body() {
        use crate::recoup::{Client, types};
        use serde_json::json;
        use wiremock::matchers::*;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/connectors"))
            .and(body_json(json!({"connector": "tiktok"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "success": true,
                "data": {"connector": "tiktok", "redirectUrl": "https://auth.example.com/o?state=s"}
            })))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri(), Default::default());
        // Through the generated builder (never a struct literal, which a field the spec adds
        // would break: see `tests/tests/contract/tidy.rs`).
        let body = types::AuthorizeConnectorRequest::builder().connector("tiktok");
        let got = client
            .authorize_connector()
            .body(body)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert!(got.success);
        assert_eq!(got.data.connector, "tiktok");
        assert_eq!(
            got.data.redirect_url.as_str(),
            "https://auth.example.com/o?state=s"
        );
    }
}
