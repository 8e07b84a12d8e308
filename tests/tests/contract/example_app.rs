//! The example app (`cargo run --example app`, `tests/examples/app/`) clicked through in a real
//! Chromium: a WoopSocial Facebook connect with two pages lands on the app's list of both, a
//! denial lands on the app's "not connected" page, and a forged or stale return is refused.
//! The app's own code is compiled in here, so these tests drive exactly what the example runs.

use fantoccini::{Client, Locator};
use social_connect_mock::{MockVendor, MockVendors};
use social_connect_tests::browser::{WAIT, find, page_text, text, wait_for_url, with_browser};
use url::Url;

#[path = "../../examples/app/web.rs"]
mod web;

struct Setup {
    mock: MockVendors,
    app: web::App,
}

impl Setup {
    async fn new() -> Setup {
        let mock = MockVendors::start().await;
        let app = web::App::start(&mock)
            .await
            .expect("the example app starts");
        Setup { mock, app }
    }

    fn at_app(&self, path: &str) -> impl Fn(&Url) -> bool + '_ {
        let want = self.app.url.join(path).expect("an app path");
        move |u: &Url| u.origin() == want.origin() && u.path() == want.path()
    }

    /// Opens the vendor's page of the app and clicks "Connect …" for `provider`.
    async fn click_connect(&self, c: &Client, vendor: &str, provider: &str) {
        let page = self
            .app
            .url
            .join(&format!("vendors/{vendor}"))
            .expect("URL");
        c.goto(page.as_str()).await.expect("open the vendor's page");
        find(c, &format!("button[data-provider={provider}]"))
            .await
            .click()
            .await
            .expect("click Connect");
        // The consent page of the (mock) provider.
        find(c, "button[name=decision][value=approve]").await;
    }
}

#[tokio::test]
async fn browser_example_app_connects_two_facebook_pages() {
    with_browser("example_app_connects_two_facebook_pages", |c| async move {
        let s = Setup::new().await;
        s.click_connect(&c, "woopsocial", "facebook_page").await;
        find(&c, "button[name=decision][value=approve]")
            .await
            .click()
            .await
            .expect("click Approve");
        find(&c, "input[type=checkbox]").await;
        for name in ["Demo Bakery", "Demo Bookshop"] {
            c.wait()
                .at_most(WAIT)
                .for_element(Locator::XPath(&format!(
                    "//label[.//span[normalize-space()='{name}']]"
                )))
                .await
                .expect("the page's label")
                .click()
                .await
                .expect("click the label");
        }
        find(&c, "button[value=connect]")
            .await
            .click()
            .await
            .expect("click Connect selected pages");

        wait_for_url(&c, "the app's list", s.at_app("connected")).await;
        let ids: Vec<String> = s
            .mock
            .state()
            .accounts()
            .into_iter()
            .filter(|a| a.vendor == MockVendor::WoopSocial)
            .map(|a| a.id)
            .collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        let listed = text(&c, "li.account").await;
        assert!(
            listed.contains("facebook_page") && listed.contains("proj_demo"),
            "{listed}"
        );
        for id in &ids {
            assert!(listed.contains(id.as_str()), "{id} not in {listed}");
        }
    })
    .await;
}

#[tokio::test]
async fn browser_example_app_shows_a_denial() {
    with_browser("example_app_shows_a_denial", |c| async move {
        let s = Setup::new().await;
        s.click_connect(&c, "woopsocial", "x").await;
        find(&c, "button[name=decision][value=deny]")
            .await
            .click()
            .await
            .expect("click Deny");
        wait_for_url(&c, "the app's callback", s.at_app("callback/woopsocial")).await;
        assert_eq!(text(&c, "h1").await, "Not connected");
        let alert = text(&c, "[role=alert]").await;
        assert!(alert.contains("access_denied"), "{alert}");
        // Nothing listed.
        c.goto(s.app.url.join("connected").expect("URL").as_str())
            .await
            .expect("open the list");
        assert!(page_text(&c).await.contains("Nothing yet."));
    })
    .await;
}

#[tokio::test]
async fn browser_example_app_refuses_a_forged_or_stale_return() {
    with_browser(
        "example_app_refuses_a_forged_or_stale_return",
        |c| async move {
            let s = Setup::new().await;
            let forged = s
                .app
                .url
                .join(
                    "callback/woopsocial?status=success&projectId=proj_demo&platform=X\
                 &socialAccountIds=attacker_1",
                )
                .expect("URL");
            // No flow under way in this browser: stale, or not started here.
            c.goto(forged.as_str())
                .await
                .expect("open the forged return");
            assert_eq!(text(&c, "h1").await, "Not a return we expected");
            // With a flow under way: the forged return lacks its nonce, and is refused too.
            s.click_connect(&c, "woopsocial", "x").await;
            let consent = c.current_url().await.expect("the consent page's URL");
            c.goto(forged.as_str())
                .await
                .expect("open the forged return");
            assert_eq!(text(&c, "h1").await, "Not a return we expected");
            let alert = text(&c, "[role=alert]").await;
            assert!(
                alert.contains("does not belong to your connect flow"),
                "{alert}"
            );
            c.goto(s.app.url.join("connected").expect("URL").as_str())
                .await
                .expect("open the list");
            let body = page_text(&c).await;
            assert!(
                body.contains("Nothing yet.") && !body.contains("attacker_1"),
                "{body}"
            );
            // The forged link did not cost the visitor the flow under way: approving it still
            // completes it.
            c.goto(consent.as_str())
                .await
                .expect("back to the consent page");
            find(&c, "button[name=decision][value=approve]")
                .await
                .click()
                .await
                .expect("click Approve");
            wait_for_url(&c, "the app's list", s.at_app("connected")).await;
            let listed = text(&c, "li.account").await;
            assert!(listed.contains("x at WoopSocial"), "{listed}");
        },
    )
    .await;
}
