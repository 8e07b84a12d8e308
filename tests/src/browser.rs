//! A real (headless) Chromium for tests that drive the mock's screens: chromedriver and Chromium
//! started per test, a [fantoccini] session on them, and helpers to find, read, wait and press.
//!
//! [`with_browser`] starts its own `chromedriver` on a free loopback port (killed on drop) and its
//! own Chromium with a fresh profile, so tests using it run concurrently with each other and with
//! the rest of a suite, and closes both whether the test passes, panics or runs out of time.
//!
//! Without `/usr/bin/chromium` or `/usr/bin/chromedriver` (or the programs
//! `SOCIAL_CONNECT_CHROMIUM` and `SOCIAL_CONNECT_CHROMEDRIVER` name), a test is skipped with a
//! message ([`crate::skip::skip`], which counts it), unless `CI=true`, where a missing browser
//! fails it. Install with
//! `apt-get install -y chromium chromium-driver` (Debian).

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use url::Url;

use crate::skip::{Kind, skip};

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
pub const WAIT: Duration = Duration::from_secs(20);
/// The longest a whole test body may take.
pub const TEST_BUDGET: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------------
// The browser: chromedriver + Chromium, per test.
// ---------------------------------------------------------------------------------------------

/// Whether the browser is installed; if not, skips `test` through [`crate::skip::skip`] (which
/// panics under `CI=true`).
fn browser_installed(test: &str) -> bool {
    let missing: Vec<String> = [chromium(), chromedriver()]
        .into_iter()
        .filter(|p| !Path::new(p).is_file())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "{} not found (Debian: `apt-get install -y chromium chromium-driver`)",
        missing.join(" and ")
    );
    skip(Kind::Browser, test, &why);
    false
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A chromedriver child process, killed (and reaped) on drop.
#[derive(Debug)]
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
                match is_chromedriver(&addr) {
                    Some(true) => return driver,
                    // Something else took the port between `free_port` and chromedriver's bind
                    // (another test's server binding port 0): try another port.
                    Some(false) => {
                        let _ = driver.child.kill();
                        let _ = driver.child.wait();
                        last = format!("port {port} was taken by another server");
                        break;
                    }
                    None => {}
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

/// Whether `addr` answers WebDriver's `GET /status` (`None`: nothing listens there yet).
/// chromedriver checks the `Host` header (it must name the port) and keeps the connection open
/// after answering, so the answer is read until it says `ready`.
fn is_chromedriver(addr: &SocketAddr) -> Option<bool> {
    use std::io::{Read, Write};
    let mut s = TcpStream::connect_timeout(addr, Duration::from_millis(200)).ok()?;
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(request.as_bytes()).is_err() {
        return Some(false);
    }
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while let Ok(n @ 1..) = s.read(&mut buf) {
        answer.extend_from_slice(&buf[..n]);
        if answer.windows(7).any(|w| w == b"\"ready\"") {
            return Some(true);
        }
    }
    Some(false)
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// One headless Chromium session with its own profile directory.
#[derive(Debug)]
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
pub async fn with_browser<F, Fut>(test: &str, body: F)
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

/// Saves a PNG of the current screen to `{dir}/{name}.png` (creating `dir`).
pub async fn screenshot(c: &Client, dir: &Path, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    std::fs::create_dir_all(dir).expect("create the screenshot directory");
    let file = dir.join(format!("{name}.png"));
    std::fs::write(&file, png).expect("write the screenshot");
    eprintln!("screenshot: {}", file.display());
}

/// The element `css` selects, waiting up to [`WAIT`] for it to appear.
pub async fn find(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` within {WAIT:?}: {e}"))
}

/// The text of the element `css` selects (see [`find`]).
pub async fn text(c: &Client, css: &str) -> String {
    find(c, css).await.text().await.expect("element text")
}

/// Waits until the browser is at a URL `ok` accepts (navigations after a click are awaited).
pub async fn wait_for_url(c: &Client, what: &str, ok: impl Fn(&Url) -> bool) -> Url {
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
pub async fn page_text(c: &Client) -> String {
    let t = text(c, "body").await;
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts the page loaded nothing besides itself (no external asset: it works offline).
pub async fn assert_self_contained(c: &Client) {
    let n = c
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            vec![],
        )
        .await
        .expect("read the resource timings");
    assert_eq!(n, json!([]), "the page loaded other resources");
}

/// Presses and releases `key` on the keyboard.
pub async fn press(c: &Client, key: Key) {
    let k = char::from(key);
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: k })
        .then(KeyAction::Up { value: k });
    c.perform_actions(keys).await.expect("key press");
}
