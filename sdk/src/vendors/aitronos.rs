//! Aitronos: `POST /personal-connectors/authorize?organization_id=` with a free-form
//! `connector_type` and optional `integration_params`; answers an `authorization_url` and a
//! `state`.

use super::{Unsupported, VendorApi, free_form};
use crate::Provider;

/// Aitronos' [`VendorApi`].
#[derive(Debug)]
pub(crate) struct Aitronos;

impl VendorApi for Aitronos {
    /// Its connectors are work tools named free-form: none of the named providers.
    fn wire(&self, provider: &Provider) -> Result<String, Unsupported> {
        match provider {
            Provider::Other(slug) => free_form(slug),
            _ => Err(Unsupported),
        }
    }

    #[cfg(feature = "aitronos")]
    fn connect<'a>(
        &'a self,
        endpoint: &'a super::Endpoint,
        request: &'a crate::ConnectRequest,
        wire: String,
        timeout: std::time::Duration,
    ) -> super::Connecting<'a> {
        Box::pin(super::aitronos_connect::connect(
            endpoint, request, wire, timeout,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(provider: Provider) -> Option<String> {
        Aitronos.wire(&provider).ok()
    }

    #[test]
    fn free_form_slugs_and_nothing_named() {
        assert_eq!(
            wire(Provider::Other("github".into())).as_deref(),
            Some("github")
        );
        assert_eq!(wire(Provider::Instagram), None);
        assert_eq!(wire(Provider::Other(String::new())), None);
    }

    // The generated client alone, against a wiremock server: it calls its operation and decodes
    // the success body the vendor documents, through the builder interface. This proves the
    // generated code, not the unified layer (which the rest of the SDK's tests do).
    #[cfg(feature = "aitronos")]
    #[tokio::test]
    async fn aitronos_authorize_decodes_the_documented_body() {
        use crate::aitronos::{Client, types};
        use serde_json::json;
        use wiremock::matchers::*;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/personal-connectors/authorize"))
            .and(query_param("organization_id", "org_demo"))
            .and(body_json(json!({"connector_type": "github"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "authorization_url": "https://example.com/resource", "state": "example_state"
            })))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri(), Default::default());
        let body = types::InitiateOauthRequest::builder().connector_type("github");
        let got = client
            .authorize_connector()
            .organization_id("org_demo")
            .body(body)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            got.authorization_url.as_str(),
            "https://example.com/resource"
        );
        assert_eq!(got.state, "example_state");
    }
}
