//! Shared helpers: a client that does not follow redirects, a harness over both adapters, the
//! replies they give, and the vendors' sample connect requests sent over HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::Value;
use social_connect_mock::{
    MockConfig, MockVendor, MockVendors, OWNER_KEY, StandaloneConfig, StandaloneServer,
    admin::MockState, samples,
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
        // The sample's path: the connect path with any path parameters filled in.
        format!(
            "{}{}",
            self.base(v),
            social_connect_mock::samples::connect(v).path
        )
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
    with_sample_body(
        keyed(
            client.request(method_of(&sample), sample.url(&h.base(vendor))),
            &sample,
            key,
        ),
        &sample,
    )
}

/// `request` with `key` where the sample's vendor takes it: a header, or the query.
pub(crate) fn keyed(
    request: reqwest::RequestBuilder,
    sample: &samples::ConnectSample,
    key: &str,
) -> reqwest::RequestBuilder {
    let (name, value) = sample.auth(key);
    if sample.scheme.in_query() {
        request.query(&[(name, value)])
    } else {
        request.header(name, value)
    }
}

/// The sample's method (its spec's).
pub(crate) fn method_of(sample: &samples::ConnectSample) -> reqwest::Method {
    reqwest::Method::from_bytes(sample.method().as_bytes()).unwrap()
}

/// `request` with the sample's JSON body, where its operation takes one.
pub(crate) fn with_sample_body(
    request: reqwest::RequestBuilder,
    sample: &samples::ConnectSample,
) -> reqwest::RequestBuilder {
    if sample.body.is_empty() {
        request
    } else {
        request
            .header("content-type", "application/json")
            .body(sample.body)
    }
}

/// WoopSocial's sample connect under `base` (an origin, or a tenant's `{origin}/t/{id}`) with
/// `redirectUrl` set to `redirect`: the URL and the body.
pub(crate) fn woop_with_redirect(base: &str, redirect: &str) -> (String, String) {
    let sample = samples::connect(MockVendor::WoopSocial);
    let mut body: Value = serde_json::from_str(sample.body).unwrap();
    body["redirectUrl"] = redirect.into();
    (format!("{base}{}", sample.target()), body.to_string())
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

/// A process a test started, killed and reaped when dropped, so that a test that fails before
/// its own clean-up leaves nothing running. Given a lifeline (the writing end of a pipe to the
/// mock's stdin, with `--stop-with-stdin`), the process also ends with the test process however
/// that ends: the kernel closes the pipe, and the mock stops.
pub(crate) struct Guarded {
    child: Child,
    _lifeline: Option<ChildStdin>,
}

impl Guarded {
    /// Guards `child`, keeping its stdin pipe (if any) open as its lifeline.
    pub(crate) fn new(mut child: Child) -> Self {
        let lifeline = child.stdin.take();
        Self {
            child,
            _lifeline: lifeline,
        }
    }
}

impl std::ops::Deref for Guarded {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.child
    }
}

impl std::ops::DerefMut for Guarded {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.child
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The mock's binary as a test starts it: `--stop-with-stdin`, with stdin a pipe this process
/// holds (see [`Guarded`]).
pub(crate) fn mock_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"));
    command.arg("--stop-with-stdin").stdin(Stdio::piped());
    command
}

/// The mock's binary, running: started on a free port with `--port 0` (and more arguments), its
/// first line read; stopped when dropped, or when the test process ends.
pub(crate) struct Binary {
    pub(crate) child: Guarded,
    /// The rest of what it prints.
    pub(crate) stdout: BufReader<ChildStdout>,
    /// Its first line, as printed (`social-connect-mock listening on {origin}`).
    pub(crate) first_line: String,
    /// The first line's last word: the origin it serves.
    pub(crate) origin: String,
}

impl Binary {
    pub(crate) fn start(args: &[&str], stderr: Stdio) -> Self {
        let mut child = mock_command()
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let child = Guarded::new(child);
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

/// One attribute of a start tag in an HTML page: the tag's name, the attribute's name (both
/// lower-cased) and its value as written (entities left alone; `""` for a bare attribute).
#[derive(Debug)]
pub(crate) struct Attribute {
    pub(crate) tag: String,
    pub(crate) name: String,
    pub(crate) value: String,
}

/// Every attribute of every start tag in `html`. A small tokenizer, enough for the mock's own
/// pages: it skips comments, doctypes and end tags, and honours quotes inside a tag.
pub(crate) fn html_attributes(html: &str) -> Vec<Attribute> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with(['!', '/', '?']) {
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            continue;
        }
        let tag_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let tag = rest[..tag_end].to_ascii_lowercase();
        rest = &rest[tag_end..];
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let name_end = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len())
                .max(1);
            let name = rest[..name_end].to_ascii_lowercase();
            rest = rest[name_end..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    value = body[..end].to_owned();
                    rest = body.get(end + 1..).unwrap_or("");
                } else {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    value = after[..end].to_owned();
                    rest = &after[end..];
                }
            }
            out.push(Attribute {
                tag: tag.clone(),
                name,
                value,
            });
        }
    }
    out
}

/// Asserts that the page `text` loads nothing and links nowhere outside `origin`: no script
/// element, no inline event handler, no CSS `url(…)` or `@import`, no meta refresh, and every
/// URL-bearing attribute (`src`, `href`, `action`, …) either relative to the page's origin or
/// under `origin`. And that the page's CSP forbids scripts.
pub(crate) fn assert_self_contained_page(reply: &Reply, origin: &str) {
    let text = &reply.text;
    let lower = text.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script element: {text}");
    for needle in ["url(", "@import", "http-equiv"] {
        assert!(!lower.contains(needle), "{needle} in the page: {text}");
    }
    let on_origin = |v: &str| {
        let v = v.trim();
        if let Some(path) = v.strip_prefix(origin) {
            return path.is_empty() || path.starts_with(['/', '?', '#']);
        }
        // Relative: no scheme (nothing like `x:` before the first `/`, `?` or `#`) and not
        // protocol-relative (`//host`).
        let head = v.split(['/', '?', '#']).next().unwrap_or_default();
        !v.starts_with("//") && !v.starts_with("\\") && !head.contains(':')
    };
    let url_attributes = [
        "src",
        "href",
        "action",
        "formaction",
        "srcset",
        "poster",
        "data",
        "background",
        "ping",
        "cite",
        "manifest",
        "xlink:href",
    ];
    for a in html_attributes(text) {
        assert!(
            !a.name.starts_with("on"),
            "an inline event handler <{} {}=\"{}\">",
            a.tag,
            a.name,
            a.value
        );
        if url_attributes.contains(&a.name.as_str()) {
            assert!(
                on_origin(&a.value),
                "<{} {}=\"{}\"> points outside {origin}",
                a.tag,
                a.name,
                a.value
            );
        }
    }
    // The CSP: scripts are forbidden by `script-src 'none'` or, without one, `default-src 'none'`.
    let csp = reply
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("no CSP"));
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find_map(|d| {
                d.strip_prefix(name)
                    .filter(|r| r.is_empty() || r.starts_with(' '))
            })
            .map(str::trim)
    };
    for name in ["script-src", "script-src-elem", "script-src-attr"] {
        if let Some(sources) = directive(name) {
            assert_eq!(sources, "'none'", "CSP {csp}");
        }
    }
    if directive("script-src").is_none() {
        assert_eq!(directive("default-src"), Some("'none'"), "CSP {csp}");
    }
    // Forms may post only to the mock (and be redirected on to a named origin, never a
    // wildcard); a page without a form may post nowhere.
    let form_action = directive("form-action").unwrap_or_else(|| panic!("no form-action: {csp}"));
    let has_form = lower.contains("<form");
    for source in form_action.split_whitespace() {
        let named_origin = source.starts_with("http")
            && source.contains("://")
            && !source.contains('*')
            && !source.ends_with("://");
        assert!(
            if has_form {
                source == "'self'" || named_origin
            } else {
                source == "'none'"
            },
            "form-action source {source} on a page {} a form: {csp}",
            if has_form { "with" } else { "without" }
        );
    }
}

impl Reply {
    /// Asserts that this is `vendor`'s own error answer for `status`: the status, a JSON body,
    /// and exactly the vendor's shape and code, which its test module states
    /// (`vendors/<vendor>.rs`, `assert_error`).
    pub(crate) fn assert_vendor_error(&self, vendor: MockVendor, status: u16, what: &str) {
        let text = &self.text;
        assert_eq!(self.status, status, "{vendor:?} {what}: {text}");
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{vendor:?} {what}: not JSON: {:?} {text}",
            self.header("content-type")
        );
        let body: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("{vendor:?} {what}: not JSON ({e}): {text}"));
        crate::vendors::assert_error(vendor, &body, status, what);
    }
}

/// The keys of the object `v`, sorted.
pub(crate) fn keys(v: &Value, what: &str) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// `v` has a non-empty `message`.
pub(crate) fn assert_message(v: &Value, what: &str) {
    assert!(
        v["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: no message: {v}"
    );
}

/// `vendor`'s sample connect with the owner key, sent to `base` (a vendor base URL as the client
/// reaches it): the link it returns.
pub(crate) async fn connect_link(base: &str, vendor: MockVendor) -> String {
    let sample = samples::connect(vendor);
    let r = Reply::from(
        with_sample_body(
            keyed(
                client().request(method_of(&sample), sample.url(base)),
                &sample,
                OWNER_KEY,
            ),
            &sample,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert!(r.status < 300, "{vendor:?}: {} {}", r.status, r.text);
    // Where the link is: the vendor's manifest says (`connect.link`).
    r.json()
        .pointer(sample.link)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_else(|| panic!("{vendor:?}: no link at {}: {}", sample.link, r.text))
        .to_owned()
}

/// Sends `request` raw and reads until the server closes the connection.
pub(crate) async fn raw_exchange(
    addr: std::net::SocketAddr,
    request: &[u8],
    half_close: bool,
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    c.write_all(request).await.unwrap();
    if half_close {
        c.shutdown().await.unwrap();
    }
    let mut out = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), c.read_to_end(&mut out))
        .await
        .expect("the connection was not closed")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}
