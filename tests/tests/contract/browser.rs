//! The consent and page-selection screens, driven in a real (headless) Chromium.
//!
//! Each test starts its own `chromedriver` on a free loopback port (killed on drop) and its own
//! Chromium with a fresh profile, so the tests run concurrently with each other and with the rest
//! of the suite. The mock runs in-process ([`MockVendors`]); the app the vendor sends the browser
//! back to is a wiremock server on loopback answering `/oauth/complete`.
//!
//! Without `/usr/bin/chromium` or `/usr/bin/chromedriver` the tests are skipped with a message,
//! unless `CI=true`, where a missing browser fails them. Install with
//! `apt-get install -y chromium chromium-driver` (Debian).
//!
//! Screenshots of every screen go to `target/tmp/browser-screenshots/` (`CARGO_TARGET_TMPDIR`).

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use social_connect::{ConnectOutcome, ConnectRequest, Provider, Vendor};
use social_connect_mock::{MockVendor, MockVendors};
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Chromium; `SOCIAL_CONNECT_CHROMIUM` overrides it.
const CHROMIUM: &str = "/usr/bin/chromium";
/// chromedriver (the same version as Chromium); `SOCIAL_CONNECT_CHROMEDRIVER` overrides it.
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn chromium() -> String {
    std::env::var("SOCIAL_CONNECT_CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned())
}

fn chromedriver() -> String {
    std::env::var("SOCIAL_CONNECT_CHROMEDRIVER").unwrap_or_else(|_| CHROMEDRIVER.to_owned())
}
/// The longest any single wait (an element, a navigation, the driver) may take.
const WAIT: Duration = Duration::from_secs(20);
/// The longest a whole test body may take.
const TEST_BUDGET: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------------
// The browser: chromedriver + Chromium, per test.
// ---------------------------------------------------------------------------------------------

/// Whether the browser is installed; if not, says why and whether to skip (panics under `CI=true`).
fn browser_installed(test: &str) -> bool {
    let missing: Vec<String> = [chromium(), chromedriver()]
        .into_iter()
        .filter(|p| !Path::new(p).is_file())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "browser test `{test}`: {} not found (Debian: `apt-get install -y chromium chromium-driver`)",
        missing.join(" and ")
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{why}; CI=true, so the browser tests must run");
    }
    eprintln!("skipped: {why}");
    false
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A chromedriver child process, killed (and reaped) on drop.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it listens. Retries on a new port if
    /// the one picked was taken in between.
    async fn start(log: &Path) -> Driver {
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let child = Command::new(chromedriver())
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn chromedriver");
            let mut driver = Driver { child, port };
            let deadline = Instant::now() + WAIT;
            loop {
                if let Ok(Some(status)) = driver.child.try_wait() {
                    last = format!("chromedriver exited early ({status}) on port {port}");
                    break;
                }
                let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return driver;
                }
                if Instant::now() > deadline {
                    panic!("chromedriver did not listen on port {port} within {WAIT:?}");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        panic!("could not start chromedriver: {last}\n{}", tail(log));
    }
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// One headless Chromium session with its own profile directory.
struct Browser {
    client: Client,
    driver: Driver,
    // Removed last: after the session (and so Chromium) has ended.
    _dir: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Browser {
        let dir = tempfile::Builder::new()
            .prefix("social-connect-browser-")
            .tempdir()
            .expect("a temporary directory");
        let profile = dir.path().join("profile");
        let log = dir.path().join("chromedriver.log");
        let driver = Driver::start(&log).await;
        let caps = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"implicit": 0, "pageLoad": WAIT.as_millis() as u64, "script": 10_000},
            "goog:chromeOptions": {
                "binary": chromium(),
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1000,1000",
                    "--force-device-scale-factor=1",
                    "--lang=en-US",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let Value::Object(caps) = caps else {
            unreachable!("a JSON object")
        };
        let url = format!("http://127.0.0.1:{}", driver.port);
        let session = tokio::time::timeout(
            WAIT,
            ClientBuilder::new(HttpConnector::new())
                .capabilities(caps)
                .connect(&url),
        )
        .await;
        let client = match session {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => panic!(
                "no Chromium session: {e}\nchromedriver log:\n{}",
                tail(&log)
            ),
            Err(_) => panic!(
                "no Chromium session within {WAIT:?}\nchromedriver log:\n{}",
                tail(&log)
            ),
        };
        Browser {
            client,
            driver,
            _dir: dir,
        }
    }

    /// Ends the session (Chromium quits), then chromedriver.
    async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        drop(self.driver);
    }
}

/// Runs `body` against a fresh browser, bounded by [`TEST_BUDGET`]; the browser is closed
/// whether the body passes, panics or times out. Skips (or fails under `CI=true`) without one.
async fn with_browser<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !browser_installed(test) {
        return;
    }
    let started = Instant::now();
    let browser = Browser::start().await;
    let mut task = tokio::spawn(body(browser.client.clone()));
    let result = tokio::time::timeout(TEST_BUDGET, &mut task).await;
    if result.is_err() {
        task.abort();
    }
    browser.close().await;
    match result {
        Ok(Ok(())) => eprintln!("{test}: passed in {:.1?}", started.elapsed()),
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(e)) => panic!("{test}: {e}"),
        Err(_) => panic!("{test}: did not finish within {TEST_BUDGET:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers for the tests.
// ---------------------------------------------------------------------------------------------

fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots")
}

/// Saves a PNG of the current screen to `target/tmp/browser-screenshots/{name}.png`.
async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).expect("create the screenshot directory");
    let file = dir.join(format!("{name}.png"));
    std::fs::write(&file, png).expect("write the screenshot");
    eprintln!("screenshot: {}", file.display());
}

async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` within {WAIT:?}: {e}"))
}

async fn text(c: &Client, css: &str) -> String {
    find(c, css).await.text().await.expect("element text")
}

/// Waits until the browser is at a URL `ok` accepts (navigations after a click are awaited).
async fn wait_for_url(c: &Client, what: &str, ok: impl Fn(&Url) -> bool) -> Url {
    let deadline = Instant::now() + WAIT;
    loop {
        let at = c.current_url().await.expect("current URL");
        if ok(&at) {
            return at;
        }
        if Instant::now() > deadline {
            panic!("not at {what} within {WAIT:?}; still at {at}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The page's visible text, lines trimmed and joined by spaces.
async fn page_text(c: &Client) -> String {
    let t = text(c, "body").await;
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts the page loaded nothing besides itself (no external asset: it works offline).
async fn assert_self_contained(c: &Client) {
    let n = c
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            vec![],
        )
        .await
        .expect("read the resource timings");
    assert_eq!(n, json!([]), "the page loaded other resources");
}

async fn press(c: &Client, key: Key) {
    let k = char::from(key);
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: k })
        .then(KeyAction::Up { value: k });
    c.perform_actions(keys).await.expect("key press");
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
            .api_key(Vendor::WoopSocial, "sk_test_owner")
            .base_url(Vendor::WoopSocial, mock.base_url(MockVendor::WoopSocial))
            .expect("the mock's base URL")
            .build()
            .expect("an SDK client");
        let redirect = Url::parse(&format!("{}/oauth/complete", app.uri())).expect("app URL");
        let link = sdk
            .connect(
                Vendor::WoopSocial,
                ConnectRequest::new(Provider::FacebookPage)
                    .owner("proj_demo")
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

fn query(u: &Url, name: &str) -> Option<String> {
    u.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
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
            .api_key(Vendor::Postbreeze, "sk_test_owner")
            .base_url(Vendor::Postbreeze, mock.base_url(MockVendor::Postbreeze))
            .expect("the mock's base URL")
            .build()
            .expect("an SDK client");
        let link = |provider| {
            let sdk = sdk.clone();
            async move {
                sdk.connect(
                    Vendor::Postbreeze,
                    ConnectRequest::new(provider).owner("ws_demo"),
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
