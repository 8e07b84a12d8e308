//! Postbreeze: `POST /social-accounts/connect` with `workspaceId` and `platform`; answers 201
//! with a single-use `authorizeUrl` and a `state`, or 409 `CHANNEL_ALREADY_CONNECTED`.

use super::{Table, Unsupported, VendorApi, enum_value};
use crate::Provider;

/// Postbreeze's [`VendorApi`].
#[derive(Debug)]
pub(crate) struct Postbreeze;

impl VendorApi for Postbreeze {
    /// Upper case; [`Provider::Other`] only for a value its spec's enum lists.
    fn wire(&self, provider: &Provider) -> Result<String, Unsupported> {
        enum_value(self, provider, str::to_ascii_uppercase)
    }

    fn table(&self) -> Table {
        PLATFORMS
    }

    fn spec_lists(&self, wire: &str) -> Option<bool> {
        cfg!(feature = "postbreeze").then(|| spec_lists(wire))
    }

    #[cfg(feature = "postbreeze")]
    fn connect<'a>(
        &'a self,
        endpoint: &'a super::Endpoint,
        request: &'a crate::ConnectRequest,
        wire: String,
        timeout: std::time::Duration,
    ) -> super::Connecting<'a> {
        Box::pin(async move {
            // Its docs: the link is single-use (its spec does not say).
            let mut link =
                super::postbreeze_connect::connect(endpoint, request, wire, timeout).await?;
            link.single_use = true;
            Ok(link)
        })
    }
}

/// Postbreeze's `platform` values for the named providers.
const PLATFORMS: Table = &[
    (Provider::Instagram, "INSTAGRAM"),
    (Provider::FacebookPage, "FACEBOOK_PAGE"),
    (Provider::X, "X"),
    (Provider::LinkedIn, "LINKEDIN_PERSON"),
    (Provider::LinkedInPage, "LINKEDIN_COMPANY"),
    (Provider::TikTokBusiness, "TIKTOK_BUSINESS"),
    (Provider::TikTok, "TIKTOK_PERSONAL"),
    (Provider::YouTube, "YOUTUBE"),
    (Provider::Pinterest, "PINTEREST"),
    (Provider::Threads, "THREADS"),
    (Provider::Bluesky, "BLUESKY"),
];

/// Whether Postbreeze's generated enum lists `wire`; without the `postbreeze` feature, only
/// [`PLATFORMS`] counts.
fn spec_lists(wire: &str) -> bool {
    #[cfg(feature = "postbreeze")]
    let listed = wire
        .parse::<crate::postbreeze::types::ConnectChannelDtoPlatform>()
        .is_ok();
    #[cfg(not(feature = "postbreeze"))]
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
        Postbreeze.wire(&provider).ok()
    }

    #[test]
    fn linkedin_member_and_page_stay_apart() {
        assert_eq!(wire(Provider::LinkedIn).as_deref(), Some("LINKEDIN_PERSON"));
        assert_eq!(
            wire(Provider::LinkedInPage).as_deref(),
            Some("LINKEDIN_COMPANY")
        );
    }

    #[test]
    fn tiktok_personal_and_business_stay_apart() {
        assert_eq!(wire(Provider::TikTok).as_deref(), Some("TIKTOK_PERSONAL"));
        assert_eq!(
            wire(Provider::TikTokBusiness).as_deref(),
            Some("TIKTOK_BUSINESS")
        );
    }

    #[test]
    fn facebook_pages() {
        assert_eq!(
            wire(Provider::FacebookPage).as_deref(),
            Some("FACEBOOK_PAGE")
        );
    }

    #[test]
    fn other_reaches_only_values_the_spec_lists() {
        assert_eq!(wire(Provider::Other("mastodon".into())), None);
        assert_eq!(
            wire(Provider::Other("wooptest".into())),
            None,
            "another vendor's value"
        );
    }

    // The generated client alone, against a wiremock server: it calls its operation and decodes
    // the success body the vendor documents, through the builder interface. This proves the
    // generated code, not the unified layer (which the rest of the SDK's tests do).
    #[cfg(feature = "postbreeze")]
    #[tokio::test]
    async fn postbreeze_connect_decodes_the_documented_body_and_errors() {
        use crate::postbreeze::{Client, Error, types};
        use serde_json::json;
        use wiremock::matchers::*;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/social-accounts/connect"))
            .and(body_json(
                json!({"workspaceId": "ws_demo", "platform": "TIKTOK_BUSINESS"}),
            ))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "authorizeUrl": "https://pb.example/authorize?state=abc", "state": "abc"
            })))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/social-accounts/connect"))
            .and(body_json(
                json!({"workspaceId": "ws_other", "platform": "TIKTOK_BUSINESS"}),
            ))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({
                "statusCode": 401, "message": "Unauthorized", "requestId": "req_1"
            })))
            .mount(&server)
            .await;
        let client = Client::new(&server.uri(), Default::default());
        let body = || {
            types::ConnectChannelDto::builder()
                .workspace_id("ws_demo")
                .platform(types::ConnectChannelDtoPlatform::TiktokBusiness)
        };
        let got = client
            .connect_social_account()
            .body(body())
            .send()
            .await
            .unwrap();
        assert_eq!(got.status().as_u16(), 201);
        assert_eq!(got.state.as_deref(), Some("abc"));

        match client
            .connect_social_account()
            .body(body().workspace_id("ws_other"))
            .send()
            .await
        {
            Err(Error::ErrorResponse(err)) => {
                assert_eq!(err.status().as_u16(), 401);
                assert_eq!(err.request_id.as_deref(), Some("req_1"));
            }
            other => panic!("expected the documented 401 body, got {other:?}"),
        }
    }

    #[test]
    #[cfg(feature = "postbreeze")]
    fn request_bodies_fit_the_generated_type_or_say_why_not() {
        use serde_json::json;
        let ok: Result<crate::postbreeze::types::ConnectChannelDto, _> =
            crate::vendors::request_body(
                Vendor::Postbreeze,
                json!({"workspaceId": "ws", "platform": "X"}),
            );
        assert!(ok.is_ok(), "{ok:?}");
        let missing: Result<crate::postbreeze::types::ConnectChannelDto, _> =
            crate::vendors::request_body(Vendor::Postbreeze, json!({"platform": "X"}));
        assert!(
            matches!(&missing, Err(crate::Error::UnsupportedRequest { vendor: Vendor::Postbreeze, reason }) if reason.contains("workspaceId")),
            "{missing:?}"
        );
    }
}
