//! The example app (`cargo run --example app`, `tests/examples/app/`) clicked through in a real
//! Chromium: a WoopSocial Facebook connect with two pages lands on the app's list of both, a
//! denial lands on the app's "not connected" page, a forged or stale return is refused, and
//! neither a cross-site form nor a planted cookie does anything.
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
            listed.contains("Facebook Page") && listed.contains("proj_demo"),
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
            assert!(listed.contains("X at WoopSocial"), "{listed}");
        },
    )
    .await;
}

/// A page of another site (`localhost`, where the app is on `127.0.0.1`): an attacker's page
/// that posts a form to the app as soon as it loads. Served until dropped.
struct OtherSite {
    url: Url,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for OtherSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl OtherSite {
    async fn posting_to(action: Url) -> OtherSite {
        let html = format!(
            "<!DOCTYPE html><html><body><form id=\"f\" method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"csrf\" value=\"guessed\"></form>\
             <script>document.getElementById('f').submit()</script></body></html>"
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let router = axum::Router::new().route(
            "/",
            axum::routing::get(move || {
                let html = html.clone();
                async move { axum::response::Html(html) }
            }),
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        OtherSite {
            url: Url::parse(&format!("http://localhost:{port}/")).unwrap(),
            task,
        }
    }
}

#[tokio::test]
async fn browser_example_app_ignores_a_cross_site_form() {
    with_browser("example_app_ignores_a_cross_site_form", |c| async move {
        let s = Setup::new().await;
        // The visitor starts an X connect and is at the provider's consent page.
        s.click_connect(&c, "woopsocial", "x").await;
        let consent = c.current_url().await.expect("the consent page's URL");
        let cookie = c
            .get_named_cookie("app_sid")
            .await
            .expect("the app's cookie");
        let pending = s.mock.state().pending_flows();
        // Another site's page posts a connect form to the app.
        let attacker = OtherSite::posting_to(
            s.app
                .url
                .join("connect/woopsocial/facebook_page")
                .expect("URL"),
        )
        .await;
        c.goto(attacker.url.as_str())
            .await
            .expect("open the other site");
        wait_for_url(
            &c,
            "the app's refusal",
            s.at_app("connect/woopsocial/facebook_page"),
        )
        .await;
        assert_eq!(text(&c, "h1").await, "Refused");
        // Nothing changed: no flow started at the vendor, the visitor's cookie is the same.
        assert_eq!(s.mock.state().pending_flows(), pending);
        c.goto(s.app.url.as_str()).await.expect("open the app");
        let after = c
            .get_named_cookie("app_sid")
            .await
            .expect("the app's cookie");
        assert_eq!(after.value(), cookie.value());
        // The visitor's own flow is still there and completes.
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
        assert!(listed.contains("X at WoopSocial"), "{listed}");
    })
    .await;
}

#[tokio::test]
async fn browser_example_app_replaces_a_planted_cookie() {
    with_browser("example_app_replaces_a_planted_cookie", |c| async move {
        let s = Setup::new().await;
        // An attacker plants a session id of its choosing in the visitor's browser (from a
        // sibling host, say), hoping to share the session the visitor then uses.
        let planted = "0123456789abcdef0123456789abcdef";
        c.goto(s.app.url.as_str()).await.expect("open the app");
        c.execute(
            "document.cookie = arguments[0]",
            vec![serde_json::json!(format!(
                "app_sid={planted}; path=/; SameSite=Lax"
            ))],
        )
        .await
        .expect("plant the cookie");
        let seen = c
            .get_named_cookie("app_sid")
            .await
            .expect("the planted cookie");
        assert_eq!(seen.value(), planted);
        s.click_connect(&c, "woopsocial", "x").await;
        find(&c, "button[name=decision][value=approve]")
            .await
            .click()
            .await
            .expect("click Approve");
        wait_for_url(&c, "the app's list", s.at_app("connected")).await;
        assert!(text(&c, "li.account").await.contains("X at WoopSocial"));
        // The app minted its own id instead of adopting the planted one...
        let own = c
            .get_named_cookie("app_sid")
            .await
            .expect("the app's cookie");
        assert_ne!(own.value(), planted);
        // ...so the attacker's id sees nothing of the visitor's.
        let as_attacker = reqwest::Client::new()
            .get(s.app.url.join("connected").expect("URL"))
            .header("cookie", format!("app_sid={planted}"))
            .send()
            .await
            .expect("the list")
            .text()
            .await
            .expect("its text");
        assert!(as_attacker.contains("Nothing yet."), "{as_attacker}");
    })
    .await;
}

/// The app's forms without a browser: what a POST needs, and which returns it takes.
#[tokio::test]
async fn example_app_posts_need_its_token_and_returns_only_redirecting_vendors() {
    let s = Setup::new().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(s.app.url.join("vendors/woopsocial").unwrap())
        .send()
        .await
        .unwrap();
    let set = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_owned();
    let html = page.text().await.unwrap();
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let connect = s.app.url.join("connect/woopsocial/x").unwrap();
    let post = |cookie: Option<&str>, origin: Option<&str>, body: String| {
        let mut req = http
            .post(connect.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    let pending = s.mock.state().pending_flows();
    for (who, response) in [
        (
            "no session",
            post(None, None, format!("csrf={token}")).await,
        ),
        ("no token", post(Some(&cookie), None, String::new()).await),
        (
            "a wrong token",
            post(Some(&cookie), None, "csrf=0".repeat(8)).await,
        ),
        (
            "another site's Origin",
            post(
                Some(&cookie),
                Some("http://localhost:1"),
                format!("csrf={token}"),
            )
            .await,
        ),
        (
            "an unknown session",
            post(
                Some("app_sid=0123456789abcdef0123456789abcdef"),
                None,
                format!("csrf={token}"),
            )
            .await,
        ),
    ] {
        let response = response.unwrap();
        assert_eq!(response.status(), 403, "{who}");
        assert!(response.headers().get("set-cookie").is_none(), "{who}");
    }
    assert_eq!(
        s.mock.state().pending_flows(),
        pending,
        "a refused POST started a flow"
    );
    let own = s.app.url.origin().ascii_serialization();
    let ok = post(Some(&cookie), Some(&own), format!("csrf={token}"))
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    assert_eq!(s.mock.state().pending_flows(), pending + 1);
    // Vendors that never send the browser back have no return route to forge.
    for vendor in social_connect::Vendor::ALL {
        let r = http
            .get(
                s.app
                    .url
                    .join(&format!("callback/{}", vendor.as_str()))
                    .unwrap(),
            )
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        if vendor.accepts_redirect_url() {
            assert_eq!(r.status(), 400, "{vendor}: no flow of this visitor's there");
        } else {
            assert_eq!(r.status(), 404, "{vendor}");
        }
    }
}
