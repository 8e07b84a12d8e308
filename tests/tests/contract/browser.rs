//! The consent and page-selection screens, driven in a real (headless) Chromium.
//!
//! Each test runs in its own browser ([`social_connect_tests::browser`], which says how to install
//! one and when the tests skip). The mock runs in-process ([`MockVendors`]); the app the vendor
//! sends the browser back to is a wiremock server on loopback answering `/oauth/complete`.
//!
//! Screenshots of every screen go to `target/tmp/browser-screenshots/` (`CARGO_TARGET_TMPDIR`).

use std::path::Path;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use social_connect::{ConnectOutcome, ConnectRequest, Provider, Vendor};
use social_connect_mock::{MockVendor, MockVendors, OWNER_KEY};
use social_connect_tests::browser::{
    WAIT, assert_self_contained, find, page_text, press, text, wait_for_url, with_browser,
};
use social_connect_tests::demo_owner;
use social_connect_tests::flow::query;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Saves a PNG of the current screen to `target/tmp/browser-screenshots/{name}.png`.
async fn screenshot(c: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    social_connect_tests::browser::screenshot(c, &dir, name).await;
}

/// The mock, the app's landing page, and a WoopSocial Facebook link minted through the SDK.
struct Setup {
    mock: MockVendors,
    app: MockServer,
    link: Url,
}

impl Setup {
    async fn new() -> Setup {
        let mock = MockVendors::start().await;
        let app = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/oauth/complete"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <title>Example app</title></head><body style=\"font-family:sans-serif;\
                 margin:3rem\"><h1>done</h1><p>Back in the example app.</p></body></html>",
                "text/html; charset=utf-8",
            ))
            .mount(&app)
            .await;
        let sdk = social_connect::Client::builder()
            .api_key(Vendor::WoopSocial, OWNER_KEY)
            .base_url(Vendor::WoopSocial, mock.base_url(MockVendor::WoopSocial))
            .expect("the mock's base URL")
            .build()
            .expect("an SDK client");
        let redirect = Url::parse(&format!("{}/oauth/complete", app.uri())).expect("app URL");
        let link = sdk
            .connect(
                Vendor::WoopSocial,
                ConnectRequest::new(Provider::FacebookPage)
                    .owner(demo_owner(Vendor::WoopSocial))
                    .redirect_url(redirect),
            )
            .await
            .expect("a WoopSocial authorization URL");
        Setup {
            mock,
            app,
            link: link.url,
        }
    }

    fn is_app(&self, u: &Url) -> bool {
        u.as_str()
            .starts_with(&format!("{}/oauth/complete?", self.app.uri()))
    }

    fn at_mock(&self, u: &Url) -> bool {
        u.as_str().starts_with(&self.mock.uri())
    }
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn browser_woopsocial_facebook_consent_and_page_selection() {
    with_browser(
        "woopsocial_facebook_consent_and_page_selection",
        |c| async move {
            let s = Setup::new().await;
            c.goto(s.link.as_str())
                .await
                .expect("open the authorization URL");

            // The consent page says who asks for what, for whom.
            let approve = find(&c, "button[name=decision][value=approve]").await;
            assert_eq!(approve.text().await.expect("text"), "Approve");
            let h1 = text(&c, "h1").await;
            assert_eq!(h1, "Connect your Facebook account to WoopSocial");
            let body = page_text(&c).await;
            for want in [
                "WoopSocial",
                "Facebook",
                "Demo project",
                "proj_demo",
                "Approve",
                "Deny",
            ] {
                assert!(body.contains(want), "consent page lacks {want:?}: {body}");
            }
            assert_eq!(c.title().await.expect("title"), h1);
            assert_self_contained(&c).await;

            // Keyboard: the first Tab lands on Approve, with a visible focus ring; Enter submits.
            press(&c, Key::Tab).await;
            let focused = c.active_element().await.expect("the focused element");
            assert_eq!(
                focused.attr("value").await.expect("value").as_deref(),
                Some("approve")
            );
            assert_eq!(focused.text().await.expect("text"), "Approve");
            let outline = focused.css_value("outline-style").await.expect("outline");
            assert_eq!(outline, "solid", "no visible focus on the focused button");
            screenshot(&c, "1-consent").await;
            press(&c, Key::Enter).await;

            // The page-selection screen: labelled checkboxes.
            find(&c, "input[type=checkbox]").await;
            let url = wait_for_url(&c, "the page-selection screen", |u| {
                u.path().ends_with("/__vendor/woopsocial/callback")
            })
            .await;
            assert!(s.at_mock(&url));
            assert_eq!(text(&c, "h1").await, "Choose the Facebook pages to connect");
            let body = page_text(&c).await;
            for want in ["WoopSocial", "Demo project", "proj_demo"] {
                assert!(body.contains(want), "page selection lacks {want:?}: {body}");
            }
            assert_self_contained(&c).await;
            let boxes = c
                .find_all(Locator::Css("input[type=checkbox][name=page]"))
                .await
                .expect("checkboxes");
            assert_eq!(boxes.len(), 3);
            let names = ["Demo Bakery", "Demo Band", "Demo Bookshop"];
            for (i, cb) in boxes.iter().enumerate() {
                let id = cb.attr("id").await.expect("id").expect("a checkbox id");
                let label = text(&c, &format!("label[for='{id}']")).await;
                assert!(label.contains(names[i]), "{label}");
                assert!(!cb.is_selected().await.expect("state"), "{id} preselected");
            }

            // Nothing chosen: the screen asks again.
            find(&c, "button[value=connect]")
                .await
                .click()
                .await
                .expect("click");
            let note = text(&c, "[role=alert]").await;
            assert_eq!(note, "Choose at least one page.");

            // Choose two pages by clicking their labels.
            for name in ["Demo Bakery", "Demo Bookshop"] {
                let label = c
                    .wait()
                    .at_most(WAIT)
                    .for_element(Locator::XPath(&format!(
                        "//label[.//span[normalize-space()='{name}']]"
                    )))
                    .await
                    .expect("the page's label");
                label.click().await.expect("click the label");
            }
            let selected: Vec<bool> = {
                let boxes = c
                    .find_all(Locator::Css("input[type=checkbox][name=page]"))
                    .await
                    .expect("checkboxes");
                let mut v = Vec::new();
                for cb in &boxes {
                    v.push(cb.is_selected().await.expect("state"));
                }
                v
            };
            assert_eq!(selected, [true, false, true]);
            screenshot(&c, "2-page-selection").await;
            find(&c, "button[value=connect]")
                .await
                .click()
                .await
                .expect("click");

            // Back at the app, with the result in the query.
            let back = wait_for_url(&c, "the app's redirect URL", |u| s.is_app(u)).await;
            assert_eq!(text(&c, "h1").await, "done");
            screenshot(&c, "3-app-after-connect").await;
            assert_eq!(query(&back, "status").as_deref(), Some("success"), "{back}");
            assert_eq!(query(&back, "projectId").as_deref(), Some("proj_demo"));
            assert_eq!(query(&back, "platform").as_deref(), Some("FACEBOOK"));
            for secret in ["code", "state", "access_token"] {
                assert_eq!(
                    query(&back, secret),
                    None,
                    "{secret} leaked to the app: {back}"
                );
            }
            let ids: Vec<String> = query(&back, "socialAccountIds")
                .expect("socialAccountIds")
                .split(',')
                .map(str::to_owned)
                .collect();
            assert_eq!(ids.len(), 2, "{back}");
            let accounts = s.mock.state().accounts();
            for (id, page) in ids.iter().zip(["fbp_1001", "fbp_1003"]) {
                let a = accounts
                    .iter()
                    .find(|a| &a.id == id)
                    .unwrap_or_else(|| panic!("{id} is not a connected account"));
                assert_eq!(a.page_id.as_deref(), Some(page));
                assert_eq!(a.owner_id, "proj_demo");
            }
            match ConnectOutcome::from_redirect(Vendor::WoopSocial, &back).expect("an outcome") {
                ConnectOutcome::Connected {
                    owner,
                    provider,
                    account_ids,
                    ..
                } => {
                    assert_eq!(owner, "proj_demo");
                    assert_eq!(provider, Provider::FacebookPage);
                    assert_eq!(account_ids, ids);
                }
                other => panic!("not connected: {other:?}"),
            }
        },
    )
    .await;
}

#[tokio::test]
async fn browser_woopsocial_consent_denied() {
    with_browser("woopsocial_consent_denied", |c| async move {
        let s = Setup::new().await;
        c.goto(s.link.as_str())
            .await
            .expect("open the authorization URL");
        let deny = find(&c, "button[name=decision][value=deny]").await;
        assert_eq!(deny.text().await.expect("text"), "Deny");
        deny.click().await.expect("click Deny");

        let back = wait_for_url(&c, "the app's redirect URL", |u| s.is_app(u)).await;
        assert_eq!(text(&c, "h1").await, "done");
        screenshot(&c, "4-app-after-deny").await;
        assert_eq!(query(&back, "status").as_deref(), Some("error"), "{back}");
        assert_eq!(query(&back, "socialAccountIds"), None);
        match ConnectOutcome::from_redirect(Vendor::WoopSocial, &back).expect("an outcome") {
            ConnectOutcome::Failed {
                owner,
                provider,
                error,
                ..
            } => {
                assert_eq!(owner, "proj_demo");
                assert_eq!(provider, Provider::FacebookPage);
                assert_eq!(error, "access_denied");
            }
            other => panic!("not a failure: {other:?}"),
        }
        assert!(
            s.mock
                .state()
                .accounts()
                .iter()
                .all(|a| a.owner_id != "proj_demo" || a.vendor != MockVendor::WoopSocial)
        );
    })
    .await;
}

#[tokio::test]
async fn browser_used_authorization_url_shows_the_error_page() {
    with_browser(
        "used_authorization_url_shows_the_error_page",
        |c| async move {
            let s = Setup::new().await;
            // Use the link once (deny: the quickest way to the end of the flow).
            c.goto(s.link.as_str())
                .await
                .expect("open the authorization URL");
            find(&c, "button[name=decision][value=deny]")
                .await
                .click()
                .await
                .expect("click Deny");
            wait_for_url(&c, "the app's redirect URL", |u| s.is_app(u)).await;

            // Open it again: an error page at the mock, not a redirect to the app.
            c.goto(s.link.as_str())
                .await
                .expect("open the used URL again");
            let h1 = text(&c, "h1").await;
            assert_eq!(h1, "This sign-in link is not valid");
            let alert = text(&c, "[role=alert]").await;
            assert!(alert.contains("already been used"), "{alert}");
            let body = page_text(&c).await;
            assert!(body.contains("start the connection again"), "{body}");
            assert_self_contained(&c).await;
            let at = c.current_url().await.expect("current URL");
            assert_eq!(at, s.link, "the browser left the used URL");
            assert!(!s.is_app(&at));
            let buttons = c
                .find_all(Locator::Css("button, form"))
                .await
                .expect("find");
            assert!(buttons.is_empty(), "the error page offers a form");
            screenshot(&c, "5-error-used-link").await;
        },
    )
    .await;
}

/// Postbreeze has no redirect back to the app: the flow ends on the mock's completion page.
#[tokio::test]
async fn browser_postbreeze_completion_pages() {
    with_browser("postbreeze_completion_pages", |c| async move {
        let mock = MockVendors::start().await;
        let sdk = social_connect::Client::builder()
            .api_key(Vendor::Postbreeze, OWNER_KEY)
            .base_url(Vendor::Postbreeze, mock.base_url(MockVendor::Postbreeze))
            .expect("the mock's base URL")
            .build()
            .expect("an SDK client");
        let link = |provider| {
            let sdk = sdk.clone();
            async move {
                sdk.connect(
                    Vendor::Postbreeze,
                    ConnectRequest::new(provider).owner(demo_owner(Vendor::Postbreeze)),
                )
                .await
                .expect("a Postbreeze authorization URL")
                .url
            }
        };

        // X: connected.
        c.goto(link(Provider::X).await.as_str())
            .await
            .expect("open the authorization URL");
        assert_eq!(text(&c, "h1").await, "Connect your X account to Postbreeze");
        let body = page_text(&c).await;
        assert!(body.contains("“Demo workspace” (ws_demo)"), "{body}");
        find(&c, "button[value=approve]")
            .await
            .click()
            .await
            .expect("click Approve");
        wait_for_url(&c, "the completion page", |u| {
            u.path() == "/__vendor/postbreeze/callback"
        })
        .await;
        assert_eq!(text(&c, "h1").await, "X account connected");
        let at = c.current_url().await.expect("current URL");
        assert!(at.as_str().starts_with(&mock.uri()), "{at}");
        let id = text(&c, "code.account-id").await;
        let accounts = mock.state().accounts();
        let account = accounts
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("{id} is not a connected account"));
        assert_eq!(
            (account.owner_id.as_str(), account.platform.as_str()),
            ("ws_demo", "X")
        );
        let body = page_text(&c).await;
        for want in [
            "Postbreeze",
            "Demo workspace",
            "ws_demo",
            "close this window",
        ] {
            assert!(
                body.contains(want),
                "completion page lacks {want:?}: {body}"
            );
        }
        assert_self_contained(&c).await;
        screenshot(&c, "6-postbreeze-connected").await;

        // Facebook, denied: the page says nothing was connected, and why.
        c.goto(link(Provider::FacebookPage).await.as_str())
            .await
            .expect("open the authorization URL");
        find(&c, "button[value=deny]")
            .await
            .click()
            .await
            .expect("click Deny");
        wait_for_url(&c, "the completion page", |u| {
            u.path() == "/__vendor/postbreeze/callback"
        })
        .await;
        assert_eq!(text(&c, "h1").await, "Connection not completed");
        let alert = text(&c, "[role=alert]").await;
        assert!(alert.contains("declined"), "{alert}");
        assert_eq!(text(&c, "code.error-code").await, "access_denied");
        assert_eq!(mock.state().accounts().len(), accounts.len());
        screenshot(&c, "7-postbreeze-not-completed").await;
    })
    .await;
}
