//! Shared helpers: a client that does not follow redirects, a harness over both adapters, the
//! replies they give, and the vendors' sample connect requests sent over HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;
use social_connect_mock::{
    MockConfig, MockState, MockVendor, MockVendors, OWNER_KEY, StandaloneConfig, StandaloneServer,
    samples,
};

/// No key at all, for [`post_json`] and [`post_raw`].
pub(crate) const NO_AUTH: [(&str, &str); 0] = [];

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) enum Harness {
    Wiremock(MockVendors),
    Standalone(StandaloneServer),
}

impl Harness {
    pub(crate) async fn wiremock() -> Self {
        Self::wiremock_with(MockConfig::default()).await
    }
    pub(crate) async fn wiremock_with(config: MockConfig) -> Self {
        Self::Wiremock(MockVendors::start_with(config).await)
    }
    pub(crate) async fn standalone() -> Self {
        Self::standalone_with(MockConfig::default()).await
    }
    pub(crate) async fn standalone_with(config: MockConfig) -> Self {
        Self::Standalone(
            StandaloneServer::start(StandaloneConfig::on_port(0).with_mock(config))
                .await
                .unwrap(),
        )
    }
    pub(crate) fn base(&self, v: MockVendor) -> String {
        match self {
            Self::Wiremock(m) => m.base_url(v),
            Self::Standalone(s) => s.base_url(v),
        }
    }
    pub(crate) fn origin(&self) -> String {
        match self {
            Self::Wiremock(m) => m.uri(),
            Self::Standalone(s) => s.uri(),
        }
    }
    pub(crate) fn admin(&self) -> String {
        match self {
            Self::Wiremock(m) => m.admin_url(),
            Self::Standalone(s) => s.admin_url(),
        }
    }
    pub(crate) fn state(&self) -> &MockState {
        match self {
            Self::Wiremock(m) => m.state(),
            Self::Standalone(s) => s.state(),
        }
    }
    pub(crate) fn connect_url(&self, v: MockVendor) -> String {
        format!("{}{}", self.base(v), v.connect_path())
    }
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) text: String,
}

impl Reply {
    pub(crate) async fn from(r: reqwest::Response) -> Self {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        Self {
            status,
            headers,
            text,
        }
    }
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub(crate) fn location(&self) -> String {
        self.header("location")
            .unwrap_or_else(|| panic!("no Location (status {}): {}", self.status, self.text))
            .to_owned()
    }
    /// An HTML error page for a bad state: 400, HTML, no redirect.
    pub(crate) fn assert_state_error(&self) {
        assert_eq!(self.status, 400, "{}", self.text);
        assert!(self.header("location").is_none());
        assert!(
            self.header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(self.header("referrer-policy"), Some("no-referrer"));
    }
    pub(crate) fn assert_html_page(&self) {
        assert!(
            self.header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(self.header("referrer-policy"), Some("no-referrer"));
        let csp = self.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'none'"));
        assert!(!csp.contains("script-src"));
        assert!(!self.text.contains("<script"));
    }
}

pub(crate) async fn post_json(url: &str, auth: &[(&str, impl AsRef<str>)], body: &Value) -> Reply {
    let mut req = client().post(url).json(body);
    for (k, v) in auth {
        req = req.header(*k, v.as_ref());
    }
    Reply::from(req.send().await.unwrap()).await
}

pub(crate) async fn post_raw(
    url: &str,
    auth: &[(&str, impl AsRef<str>)],
    content_type: &str,
    body: &str,
) -> Reply {
    let mut req = client()
        .post(url)
        .header("content-type", content_type)
        .body(body.to_owned());
    for (k, v) in auth {
        req = req.header(*k, v.as_ref());
    }
    Reply::from(req.send().await.unwrap()).await
}

pub(crate) async fn get(url: &str) -> Reply {
    Reply::from(client().get(url).send().await.unwrap()).await
}

pub(crate) async fn post_form(url: &str, pairs: &[(&str, &str)]) -> Reply {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    Reply::from(
        client()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(s.finish())
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Resolves a Location (absolute or path) against the origin.
pub(crate) fn absolute(origin: &str, location: &str) -> String {
    if location.starts_with('/') {
        format!("{origin}{location}")
    } else {
        location.to_owned()
    }
}

pub(crate) fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Authorization URL → (approve with `decision=`) → the callback URL the provider redirects to.
pub(crate) async fn approve_to_callback(auth_url: &str, extra: &str) -> String {
    let r = get(&format!("{auth_url}&decision=approve{extra}")).await;
    assert_eq!(r.status, 302, "{}", r.text);
    let loc = r.location();
    assert!(query_param(&loc, "code").is_some());
    assert!(query_param(&loc, "state").is_some());
    loc
}

/// The owner key in `vendor`'s scheme, as the one pair [`post_json`] and [`post_raw`] take.
pub(crate) fn owner_auth(vendor: MockVendor) -> [(&'static str, String); 1] {
    [samples::connect(vendor).auth(OWNER_KEY)]
}

/// `vendor`'s sample connect request (`social_connect_mock::samples`), made with `key`, on
/// `client`, to the harness's mock.
pub(crate) fn sample_request(
    client: &reqwest::Client,
    h: &Harness,
    vendor: MockVendor,
    key: &str,
) -> reqwest::RequestBuilder {
    let sample = samples::connect(vendor);
    let (name, value) = sample.auth(key);
    client
        .post(sample.url(&h.base(vendor)))
        .header(name, value)
        .header("content-type", "application/json")
        .body(sample.body)
}

/// Sends `vendor`'s sample connect request, made with `key`.
pub(crate) async fn send_sample(h: &Harness, vendor: MockVendor, key: &str) -> Reply {
    Reply::from(
        sample_request(&client(), h, vendor, key)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// The mock's binary, running: started on a free port with `--port 0` (and more arguments), its
/// first line read.
pub(crate) struct Binary {
    pub(crate) child: Child,
    /// The rest of what it prints.
    pub(crate) stdout: BufReader<ChildStdout>,
    /// Its first line, as printed (`social-connect-mock listening on {origin}`).
    pub(crate) first_line: String,
    /// The first line's last word: the origin it serves.
    pub(crate) origin: String,
}

impl Binary {
    pub(crate) fn start(args: &[&str], stderr: Stdio) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first_line = String::new();
        stdout.read_line(&mut first_line).unwrap();
        let origin = first_line.trim().rsplit(' ').next().unwrap().to_owned();
        Self {
            child,
            stdout,
            first_line,
            origin,
        }
    }
}
