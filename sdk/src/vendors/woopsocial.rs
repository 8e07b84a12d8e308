//! WoopSocial: `POST /social-accounts/authorization-url` with `projectId`, `platform` and an
//! optional `redirectUrl`, which receives the documented result parameters.

use super::{Table, Unsupported, VendorApi, enum_value};
use crate::Provider;

/// WoopSocial's [`VendorApi`].
#[derive(Debug)]
pub(crate) struct WoopSocial;

impl VendorApi for WoopSocial {
    /// Upper case; [`Provider::Other`] only for a value its spec's enum lists (e.g. `WOOPTEST`).
    fn wire(&self, provider: &Provider) -> Result<String, Unsupported> {
        enum_value(self, provider, str::to_ascii_uppercase)
    }

    fn table(&self) -> Table {
        PLATFORMS
    }

    fn spec_lists(&self, wire: &str) -> Option<bool> {
        cfg!(feature = "woopsocial").then(|| spec_lists(wire))
    }

    #[cfg(feature = "woopsocial")]
    fn connect<'a>(
        &'a self,
        endpoint: &'a super::Endpoint,
        request: &'a crate::ConnectRequest,
        wire: String,
        timeout: std::time::Duration,
    ) -> super::Connecting<'a> {
        Box::pin(super::woopsocial_connect::connect(
            endpoint, request, wire, timeout,
        ))
    }
}

/// WoopSocial's `platform` values for the named providers.
const PLATFORMS: Table = &[
    (Provider::Instagram, "INSTAGRAM"),
    (Provider::FacebookPage, "FACEBOOK"),
    (Provider::LinkedIn, "LINKEDIN"),
    (Provider::LinkedInPage, "LINKEDIN_PAGES"),
    (Provider::TikTok, "TIKTOK"),
    (Provider::X, "X"),
    (Provider::YouTube, "YOUTUBE"),
    (Provider::Pinterest, "PINTEREST"),
    (Provider::Threads, "THREADS"),
];

/// Whether WoopSocial's generated enum lists `wire` (e.g. `WOOPTEST`, or a platform added to
/// the spec after this crate was written); without the `woopsocial` feature, only
/// [`PLATFORMS`] counts.
fn spec_lists(wire: &str) -> bool {
    #[cfg(feature = "woopsocial")]
    let listed = wire
        .parse::<crate::woopsocial::types::SocialPlatform>()
        .is_ok();
    #[cfg(not(feature = "woopsocial"))]
    let listed = {
        let _ = wire;
        false
    };
    listed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnectOutcome, Error, Vendor};
    use url::Url;

    fn wire(provider: Provider) -> Option<String> {
        WoopSocial.wire(&provider).ok()
    }

    fn outcome(query: &str) -> Result<ConnectOutcome, Error> {
        let url = Url::parse(&format!("https://app.example.com/cb?{query}")).unwrap();
        ConnectOutcome::from_redirect(Vendor::WoopSocial, &url)
    }

    #[test]
    fn linkedin_member_and_page_stay_apart() {
        assert_eq!(wire(Provider::LinkedIn).as_deref(), Some("LINKEDIN"));
        assert_eq!(
            wire(Provider::LinkedInPage).as_deref(),
            Some("LINKEDIN_PAGES")
        );
    }

    #[test]
    fn tiktok_is_personal_only() {
        assert_eq!(wire(Provider::TikTok).as_deref(), Some("TIKTOK"));
        assert_eq!(wire(Provider::TikTokBusiness), None);
    }

    #[test]
    fn facebook_pages_and_x() {
        assert_eq!(wire(Provider::FacebookPage).as_deref(), Some("FACEBOOK"));
        assert_eq!(wire(Provider::X).as_deref(), Some("X"));
    }

    #[test]
    #[cfg(feature = "woopsocial")] // `WOOPTEST` is only in the spec's enum, not the table
    fn other_reaches_values_the_spec_lists_in_its_case() {
        assert_eq!(
            wire(Provider::Other("wooptest".into())).as_deref(),
            Some("WOOPTEST")
        );
        assert_eq!(
            wire(Provider::Other("mastodon".into())),
            None,
            "a value the spec does not list"
        );
    }

    #[test]
    fn platforms_map_back() {
        assert_eq!(WoopSocial.provider("FACEBOOK"), Provider::FacebookPage);
        assert_eq!(
            WoopSocial.provider("WOOPTEST"),
            Provider::Other("WOOPTEST".into())
        );
    }

    #[test]
    fn success_with_several_ids() {
        let got =
            outcome("status=success&projectId=p&platform=LINKEDIN_PAGES&socialAccountIds=a,b,c")
                .unwrap();
        assert_eq!(
            got,
            ConnectOutcome::Connected {
                vendor: Vendor::WoopSocial,
                owner: "p".into(),
                provider: Provider::LinkedInPage,
                account_ids: vec!["a".into(), "b".into(), "c".into()],
            }
        );
    }

    #[test]
    fn error_is_read_before_ids() {
        // A failed flow never has ids to read; stray ones are ignored, not trusted.
        let got =
            outcome("status=error&projectId=p&platform=X&error=access_denied&socialAccountIds=a")
                .unwrap();
        assert!(
            matches!(got, ConnectOutcome::Failed { ref error, .. } if error == "access_denied")
        );
    }

    #[test]
    fn malformed_redirects_are_typed_errors() {
        for query in [
            "",
            "status=maybe&projectId=p&platform=X",
            "status=success&projectId=p&platform=X",
            "status=success&projectId=p&platform=X&socialAccountIds=a,,b",
            "status=success&projectId=p&platform=X&socialAccountIds=a&error=oops",
            "status=error&projectId=p&platform=X",
            "status=success&status=error&projectId=p&platform=X&socialAccountIds=a",
            "status=success&platform=X&socialAccountIds=a",
        ] {
            assert!(
                matches!(outcome(query), Err(Error::InvalidRedirect { .. })),
                "{query:?} must be refused"
            );
        }
    }

    #[test]
    fn unknown_platforms_are_kept() {
        let got =
            outcome("status=success&projectId=p&platform=MASTODON&socialAccountIds=a").unwrap();
        assert!(
            matches!(got, ConnectOutcome::Connected { provider: Provider::Other(ref p), .. } if p == "MASTODON")
        );
    }

    // The generated client alone, against a wiremock server: it calls its operation and decodes
    // the success body the vendor documents, through the builder interface. This proves the
    // generated code, not the unified layer (which the rest of the SDK's tests do).
    #[cfg(feature = "woopsocial")]
    #[tokio::test]
    async fn woopsocial_create_authorization_url_decodes_the_documented_body() {
        use crate::woopsocial::{Client, types};
        use serde_json::json;
        use wiremock::matchers::*;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/social-accounts/authorization-url"))
            .and(body_json(
                json!({"projectId": "proj_demo", "platform": "FACEBOOK"}),
            ))
            // A field the spec does not list: the tolerant response type must still decode.
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"url": "https://woop.example/oauth?s=1", "added": 1})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri(), Default::default());
        let body = types::CreateOAuthAuthorizationRequest::builder()
            .project_id("proj_demo")
            .platform(types::SocialPlatform::Facebook);
        let got = client
            .create_authorization_url()
            .body(body)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got.url.as_str(), "https://woop.example/oauth?s=1");
    }

    #[test]
    #[cfg(feature = "woopsocial")]
    fn a_body_field_the_spec_does_not_take_is_refused_before_sending() {
        use serde_json::json;
        // WoopSocial's request schema takes no other field.
        let extra: Result<crate::woopsocial::types::CreateOAuthAuthorizationRequest, _> =
            crate::vendors::request_body(
                Vendor::WoopSocial,
                json!({"projectId": "p", "platform": "X", "gone": 1}),
            );
        assert!(
            matches!(extra, Err(Error::UnsupportedRequest { .. })),
            "{extra:?}"
        );
    }
}
