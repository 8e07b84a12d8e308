//! `social-connect-mock verify`: the same fixed, harmless requests sent to a live vendor and, in
//! process, to the mock, and where their answers part ways.
//!
//! The cases are built from the vendor's sample connect request ([`crate::samples`]) with the
//! caller's key and owner: a valid connect (it only mints a link; nothing is connected), a wrong
//! key, no key, no owner, an unsupported provider, a malformed body, a wrong method. The mock
//! gets the same bytes, with a fixture in which that key owns that owner. Each answer is
//! checked against the vendor's spec (the contract generated from `specs/`), and the two are
//! compared: status, media type, body shape (keys, value types, and the values of codes, numbers
//! and booleans; other strings, such as ids, URLs, timestamps and messages, by type only),
//! `Retry-After` and `Location`, and for the valid connect whether the link is absolute, on the
//! base URL's host and single-use (a second open fails).
//!
//! The key is sent only in the vendor's auth header; every text this module returns has it
//! replaced by `[redacted]`.

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::core::{MockRequest, MockVendor};
use crate::fixture::{Fixture, OWNER_KEY};
use crate::samples;
use crate::service::MockService;
use crate::state::MockConfig;

/// What stands in for the key in everything verify writes.
pub const REDACTED: &str = crate::redact::REDACTED;

/// The key verify sends as the wrong one.
const WRONG_KEY: &str = "sk_verify_not_a_key";

/// The provider value verify sends as an unsupported one.
const UNSUPPORTED: &str = "not_a_provider";

/// One request verify sends to both sides.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its short name (`valid`, `wrong_key`, …).
    pub name: &'static str,
    /// What it sends, in words.
    pub what: &'static str,
    method: Method,
    /// The target relative to the vendor's base URL.
    target: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
}

/// An answer, as verify keeps it (and `--save` writes it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The media type (`application/json`), without parameters.
    pub content_type: Option<String>,
    /// `Retry-After`, when sent.
    pub retry_after: Option<String>,
    /// `Location`, when sent.
    pub location: Option<String>,
    /// The body: JSON when it parses, else the text (at most 4 KiB).
    pub body: Value,
    /// For the valid connect: what the link it returned is like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
}

/// The link a valid connect returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// An absolute `http(s)` URL.
    pub absolute: bool,
    /// On the host of the base URL the connect was sent to.
    pub on_base_host: bool,
    /// The status of the first open and of the second (no redirect followed), when opened.
    pub opens: Option<(u16, u16)>,
}

impl Link {
    /// A second open fails where the first did not.
    pub fn single_use(&self) -> Option<bool> {
        self.opens.map(|(a, b)| a < 400 && b >= 400)
    }
}

/// One case's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    /// The case's name.
    pub case: &'static str,
    /// What it sent.
    pub what: &'static str,
    /// The live answer (or the saved one).
    pub live: Option<Answer>,
    /// The mock's answer.
    pub mock: Option<Answer>,
    /// Where the live answer departs from the spec.
    pub live_against_spec: Vec<String>,
    /// Where the mock's answer departs from the spec.
    pub mock_against_spec: Vec<String>,
    /// Where the two answers differ.
    pub differences: Vec<String>,
    /// Why the case was not run, if it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The vendor.
    pub vendor: MockVendor,
    /// The live base URL, or the saved file compared against.
    pub against: String,
    /// Per case.
    pub cases: Vec<CaseReport>,
}

impl Report {
    /// How many differences between the two (a departure from the spec counts when only one
    /// side has it).
    pub fn findings(&self) -> usize {
        self.cases.iter().map(|c| c.differences.len()).sum()
    }
}

/// The live answers, as `--save` writes them (scrubbed) and `--against` reads them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    /// The vendor.
    pub vendor: MockVendor,
    /// The base URL they came from.
    pub url: String,
    /// The owner the requests named.
    pub owner: Option<String>,
    /// The answers, by case name.
    pub answers: BTreeMap<String, Answer>,
}

/// Why verify could not run.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The live base URL is not an absolute http(s) URL.
    #[error("the base URL {0:?} is not an absolute http(s) URL")]
    BadUrl(String),
    /// The live vendor could not be reached at all.
    #[error("the live vendor could not be reached: {0}")]
    Unreachable(String),
    /// The HTTP client could not be built.
    #[error("the HTTP client: {0}")]
    Client(String),
}

/// The cases for `vendor`, made with `key` and `owner` (the sample's own owner when `None`).
pub fn cases(vendor: MockVendor, key: &str, owner: Option<&str>) -> Vec<Case> {
    let base = Base::new(samples::connect(vendor), owner);
    let json = json_type;
    let body = || Some(base.body.clone());
    let mut out = vec![
        base.case(
            "valid",
            "a valid connect (only mints a link; nothing is connected)",
            vec![base.sample.auth(key), json()],
            body(),
        ),
        base.case(
            "wrong_key",
            "the same with a wrong key",
            vec![base.sample.auth(WRONG_KEY), json()],
            body(),
        ),
        base.case("no_key", "the same without a key", vec![json()], body()),
    ];
    if let Some(owner) = &base.owner {
        out.push(base.missing_owner(key, owner));
    }
    out.push(base.unsupported_provider(key));
    out.push(base.case(
        "malformed_body",
        "a body that is not JSON, sent as JSON",
        vec![base.sample.auth(key), json()],
        Some("{".to_owned()),
    ));
    let mut wrong_method = base.case(
        "wrong_method",
        "another method on the connect path (GET, or POST where the operation is a GET)",
        vec![base.sample.auth(key)],
        None,
    );
    wrong_method.method = if base.method == Method::GET {
        Method::POST
    } else {
        Method::GET
    };
    out.push(wrong_method);
    if base.sample.scheme.in_query() {
        keys_into_query(&mut out, &base.sample);
    }
    out
}

/// What every case starts from: the vendor's sample, with the owner `verify` was given in place
/// of the sample's.
struct Base {
    sample: samples::ConnectSample,
    method: Method,
    /// The owner given, else the sample's.
    owner: Option<String>,
    query: String,
    body: String,
}

impl Base {
    fn new(sample: samples::ConnectSample, owner: Option<&str>) -> Self {
        let method = Method::from_bytes(sample.method().as_bytes()).unwrap_or(Method::POST);
        let swap = |text: &str| match (sample.owner, owner) {
            (Some(from), Some(to)) if from != to => text.replace(from, to),
            _ => text.to_owned(),
        };
        Base {
            sample,
            method,
            owner: owner.or(sample.owner).map(str::to_owned),
            query: swap(sample.query),
            body: swap(sample.body),
        }
    }

    /// The connect path with `query`, if any.
    fn target(&self, query: &str) -> String {
        if query.is_empty() {
            self.sample.path.to_owned()
        } else {
            format!("{}?{query}", self.sample.path)
        }
    }

    /// A case on the sample's method and target.
    fn case(
        &self,
        name: &'static str,
        what: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Option<String>,
    ) -> Case {
        Case {
            name,
            what,
            method: self.method.clone(),
            target: self.target(&self.query),
            headers,
            body,
        }
    }

    /// The valid connect without the owner, in the query and in the body.
    fn missing_owner(&self, key: &str, owner: &str) -> Case {
        let kept: Vec<&str> = self
            .query
            .split('&')
            .filter(|p| !p.is_empty() && !p.ends_with(&format!("={owner}")))
            .collect();
        let body = map_body(&self.body, |map| {
            map.retain(|_, v| v.as_str() != Some(owner));
        });
        Case {
            target: self.target(&kept.join("&")),
            ..self.case(
                "missing_owner",
                "the same without the owner",
                vec![self.sample.auth(key), json_type()],
                Some(body),
            )
        }
    }

    /// The valid connect with the provider swapped for an unsupported one wherever the sample
    /// puts it: a path segment, a query value or a body field.
    fn unsupported_provider(&self, key: &str) -> Case {
        let provider = self.sample.provider;
        let path: String = self
            .sample
            .path
            .split('/')
            .map(|s| if s == provider { UNSUPPORTED } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let query: String = self
            .query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, v)) if v == provider => format!("{k}={UNSUPPORTED}"),
                _ => p.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
        let body = map_body(&self.body, |map| {
            for v in map.values_mut() {
                if v.as_str() == Some(provider) {
                    *v = UNSUPPORTED.into();
                }
            }
        });
        Case {
            target: if query.is_empty() {
                path
            } else {
                format!("{path}?{query}")
            },
            ..self.case(
                "unsupported_provider",
                "the same with an unsupported provider",
                vec![self.sample.auth(key), json_type()],
                Some(body),
            )
        }
    }
}

/// The JSON content type every case with a body sends.
fn json_type() -> (&'static str, String) {
    ("content-type", "application/json".to_owned())
}

/// For a vendor that takes the key in the query: each case's key goes there, not in a header.
fn keys_into_query(out: &mut [Case], sample: &samples::ConnectSample) {
    let (name, _) = sample.auth("");
    for case in out {
        if let Some(i) = case.headers.iter().position(|(n, _)| *n == name) {
            let (_, key) = case.headers.remove(i);
            case.target = sample.with_key(std::mem::take(&mut case.target), &key);
        }
    }
}

fn map_body(body: &str, f: impl FnOnce(&mut Map<String, Value>)) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(mut map)) => {
            f(&mut map);
            Value::Object(map).to_string()
        }
        _ => body.to_owned(),
    }
}

/// A fixture in which `key` owns `owner` at `vendor` (the default fixture, its owner key and the
/// vendor's demo owner renamed).
pub fn fixture_for(vendor: MockVendor, key: &str, owner: Option<&str>) -> Fixture {
    let mut text = serde_json::to_string(&Fixture::default()).unwrap_or_default();
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    text = text.replace(&quoted(OWNER_KEY), &quoted(key));
    if let (Some(from), Some(to)) = (samples::connect(vendor).owner, owner) {
        text = text.replace(&quoted(from), &quoted(to));
    }
    serde_json::from_str(&text).unwrap_or_default()
}

/// Sends the cases to the live base URL `url`.
///
/// `key` is scrubbed ([`scrub`]) from every text body before it is cut to 4 KiB, so that a cut
/// never keeps part of it. With the `verify-live` feature (the binary's `cli` turns it on).
#[cfg(feature = "verify-live")]
pub async fn live_answers(
    url: &str,
    cases: &[Case],
    key: &str,
) -> Result<BTreeMap<String, Answer>, VerifyError> {
    let base = absolute(url)
        .filter(|u| u.host_str().is_some())
        .ok_or_else(|| VerifyError::BadUrl(url.to_owned()))?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| VerifyError::Client(e.to_string()))?;
    let base_url = url.trim_end_matches('/');
    let mut answers = BTreeMap::new();
    let mut reached = false;
    let mut last_error = String::new();
    for case in cases {
        let mut req = client.request(case.method.clone(), format!("{base_url}{}", case.target));
        for (name, value) in &case.headers {
            req = req.header(*name, value);
        }
        if let Some(b) = &case.body {
            req = req.body(b.clone());
        }
        match req.send().await {
            Ok(r) => {
                reached = true;
                let status = r.status().as_u16();
                let headers = r.headers().clone();
                let bytes = r.bytes().await.unwrap_or_default();
                let mut answer = answer_of(status, &headers, &bytes, key);
                if case.name == "valid" {
                    answer.link = match find_link(&answer.body) {
                        Some(link) => Some(open_live(&client, &base, &link).await),
                        None => None,
                    };
                }
                answers.insert(case.name.to_owned(), answer);
            }
            Err(e) => last_error = e.without_url().to_string(),
        }
    }
    if reached {
        Ok(answers)
    } else {
        Err(VerifyError::Unreachable(last_error))
    }
}

/// `link` parsed, when it is an absolute http(s) URL.
fn absolute(link: &str) -> Option<url::Url> {
    url::Url::parse(link)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

#[cfg(feature = "verify-live")]
async fn open_live(client: &reqwest::Client, base: &url::Url, link: &str) -> Link {
    let parsed = absolute(link);
    let absolute = parsed.is_some();
    let on_base_host = parsed.as_ref().and_then(url::Url::host_str) == base.host_str();
    let mut opens = None;
    if absolute {
        let first = client.get(link).send().await.map(|r| r.status().as_u16());
        let second = client.get(link).send().await.map(|r| r.status().as_u16());
        if let (Ok(a), Ok(b)) = (first, second) {
            opens = Some((a, b));
        }
    }
    Link {
        absolute,
        on_base_host,
        opens,
    }
}

/// The mock's answers to the cases, in process, with a fixture in which `key` owns `owner`.
pub fn mock_answers(
    vendor: MockVendor,
    key: &str,
    owner: Option<&str>,
    cases: &[Case],
) -> BTreeMap<String, Answer> {
    let origin = "http://127.0.0.1:4010";
    let service = MockService::new(
        origin,
        MockConfig::default().with_fixture(fixture_for(vendor, key, owner)),
    );
    let base = service.base_url(vendor);
    let base_path = &base[origin.len()..];
    let mut answers = BTreeMap::new();
    for case in cases {
        let target = format!("{base_path}{}", case.target);
        let mut req = MockRequest::new(case.method.clone(), &target);
        for (name, value) in &case.headers {
            req = req.with_header(name, value);
        }
        if let Some(b) = &case.body {
            req = req.with_body(b.clone());
        }
        let resp = service.handle(req);
        let mut answer = answer_of(resp.status, &resp.headers, &resp.body, "");
        if case.name == "valid" {
            answer.link = find_link(&answer.body).map(|link| open_mock(&service, origin, &link));
        }
        answers.insert(case.name.to_owned(), answer);
    }
    answers
}

fn open_mock(service: &MockService, origin: &str, link: &str) -> Link {
    let parsed = absolute(link);
    let absolute = parsed.is_some();
    let on_base_host = link.starts_with(&format!("{origin}/"));
    let opens = parsed.filter(|_| on_base_host).map(|u| {
        let open = || {
            let mut req = MockRequest::new(Method::GET, u.path());
            req.query = u.query().map(str::to_owned);
            service.handle(req).status
        };
        (open(), open())
    });
    Link {
        absolute,
        on_base_host,
        opens,
    }
}

fn answer_of(status: u16, headers: &http::HeaderMap, body: &[u8], key: &str) -> Answer {
    let header = |n: http::header::HeaderName| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header(http::header::CONTENT_TYPE).map(|c| {
        c.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    let body = serde_json::from_slice::<Value>(body).unwrap_or_else(|_| {
        // Scrubbed whole, then cut: a cut first could keep a part of the key no scrub finds.
        let text = scrub(&String::from_utf8_lossy(body), key);
        let cut: String = text.chars().take(4096).collect();
        Value::String(cut)
    });
    Answer {
        status,
        content_type,
        retry_after: header(http::header::RETRY_AFTER),
        location: header(http::header::LOCATION),
        body,
        link: None,
    }
}

/// The first string in a JSON body that is an absolute http(s) URL.
fn find_link(body: &Value) -> Option<String> {
    match body {
        Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            Some(s.clone())
        }
        Value::Object(map) => map.values().find_map(find_link),
        Value::Array(items) => items.iter().find_map(find_link),
        _ => None,
    }
}

/// Compares the live (or saved) answers with the mock's, and both with the spec.
pub fn compare(
    vendor: MockVendor,
    against: &str,
    cases: &[Case],
    live: &BTreeMap<String, Answer>,
    mock: &BTreeMap<String, Answer>,
) -> Report {
    let contract = vendor.contract();
    let spec = |a: &Answer| {
        let body = match &a.body {
            Value::String(s) if a.content_type.as_deref() != Some("application/json") => {
                s.as_bytes().to_vec()
            }
            v => serde_json::to_vec(v).unwrap_or_default(),
        };
        contract.check_response(a.status, a.content_type.as_deref(), &body)
    };
    let reports = cases
        .iter()
        .map(|case| {
            let (l, m) = (live.get(case.name), mock.get(case.name));
            let mut report = CaseReport {
                case: case.name,
                what: case.what,
                live: l.cloned(),
                mock: m.cloned(),
                live_against_spec: l.map(spec).unwrap_or_default(),
                mock_against_spec: m.map(spec).unwrap_or_default(),
                differences: Vec::new(),
                skipped: None,
            };
            match (l, m) {
                (Some(l), Some(m)) => {
                    report.differences = differences(l, m);
                    // Drift is where the two part ways; a departure both share (a status the
                    // spec does not document, answered by both) is noted, not counted.
                    if report.live_against_spec != report.mock_against_spec {
                        report.differences.push(format!(
                            "against the spec: live {}; mock {}",
                            verdict(&report.live_against_spec),
                            verdict(&report.mock_against_spec)
                        ));
                    }
                }
                (None, _) => report.skipped = Some("no live answer".to_owned()),
                (_, None) => report.skipped = Some("no mock answer".to_owned()),
            }
            report
        })
        .collect();
    Report {
        vendor,
        against: against.to_owned(),
        cases: reports,
    }
}

/// Where two answers differ.
pub fn differences(live: &Answer, mock: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    if live.status != mock.status {
        out.push(format!(
            "status: live {}, mock {}",
            live.status, mock.status
        ));
    }
    if live.content_type != mock.content_type {
        out.push(format!(
            "content type: live {}, mock {}",
            shown(live.content_type.as_deref()),
            shown(mock.content_type.as_deref())
        ));
    }
    for (name, l, m) in [
        ("Retry-After", &live.retry_after, &mock.retry_after),
        ("Location", &live.location, &mock.location),
    ] {
        if l.is_some() != m.is_some() {
            out.push(format!(
                "{name}: live {}, mock {}",
                sent(l.is_some()),
                sent(m.is_some())
            ));
        }
    }
    shape_diff("body", &live.body, &mock.body, &mut out);
    match (&live.link, &mock.link) {
        (Some(l), Some(m)) => {
            for (what, a, b) in [
                ("absolute", Some(l.absolute), Some(m.absolute)),
                (
                    "on the base URL's host",
                    Some(l.on_base_host),
                    Some(m.on_base_host),
                ),
                ("single-use", l.single_use(), m.single_use()),
            ] {
                if let (Some(a), Some(b)) = (a, b)
                    && a != b
                {
                    out.push(format!("link {what}: live {}, mock {}", yes(a), yes(b)));
                }
            }
        }
        (Some(_), None) => out.push("link: only the live answer has one".to_owned()),
        (None, Some(_)) => out.push("link: only the mock's answer has one".to_owned()),
        (None, None) => {}
    }
    out
}

fn verdict(findings: &[String]) -> String {
    if findings.is_empty() {
        "as documented".to_owned()
    } else {
        findings.join("; ")
    }
}

fn shown(s: Option<&str>) -> String {
    s.map_or_else(|| "none".to_owned(), |s| format!("{s:?}"))
}

fn sent(b: bool) -> &'static str {
    if b { "sent" } else { "not sent" }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// A value that is compared as it is (when both sides have such a one) rather than by type: a
/// code (letters and underscores),
/// an integer, a boolean, null.
fn compared_as_value(v: &Value) -> bool {
    match v {
        Value::String(s) => {
            (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
        }
        Value::Number(n) => n.is_i64() || n.is_u64(),
        Value::Bool(_) | Value::Null => true,
        _ => false,
    }
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn shape_diff(at: &str, live: &Value, mock: &Value, out: &mut Vec<String>) {
    match (live, mock) {
        (Value::Object(l), Value::Object(m)) => {
            for (k, lv) in l {
                let here = format!("{at}.{k}");
                match m.get(k) {
                    Some(mv) => shape_diff(&here, lv, mv, out),
                    None => out.push(format!("{here}: only the live answer has it")),
                }
            }
            for k in m.keys().filter(|k| !l.contains_key(*k)) {
                out.push(format!("{at}.{k}: only the mock's answer has it"));
            }
        }
        (Value::Array(l), Value::Array(m)) => {
            if let (Some(lv), Some(mv)) = (l.first(), m.first()) {
                shape_diff(&format!("{at}[0]"), lv, mv, out);
            }
        }
        (l, m) if type_of(l) != type_of(m) => {
            out.push(format!("{at}: live {}, mock {}", type_of(l), type_of(m)));
        }
        (l, m) if compared_as_value(l) && compared_as_value(m) && l != m => {
            out.push(format!("{at}: live {l}, mock {m}"));
        }
        _ => {}
    }
}

/// The report as text, Markdown or JSON, with `key` replaced wherever it appears.
pub fn render(report: &Report, format: &str, key: &str) -> String {
    let text = match format {
        "json" => serde_json::to_string_pretty(report).unwrap_or_default(),
        "markdown" => markdown(report),
        _ => plain(report),
    };
    scrub(&text, key)
}

/// `text` with `key` replaced by [`REDACTED`] wherever it appears, as it is or encoded as a
/// live vendor may echo it: each character of it raw, percent-encoded (either case of hex),
/// `+` for a space, JSON-escaped (`\u0073`, `\"`, `\/`) or HTML-escaped (`&amp;`, `&#115;`,
/// `&#x73;`), in any mix; in time linear in the text and the key (the request log's engine).
pub fn scrub(text: &str, key: &str) -> String {
    crate::redact::scrub_encoded(text, key)
}

fn plain(r: &Report) -> String {
    let mut s = format!(
        "social-connect-mock verify: {} at {}\n",
        r.vendor.name(),
        r.against
    );
    for c in &r.cases {
        let status =
            |a: &Option<Answer>| a.as_ref().map_or("-".to_owned(), |a| a.status.to_string());
        s.push_str(&format!(
            "{} {:<21} live {:>3}  mock {:>3}  {}\n",
            if c.differences.is_empty() && c.skipped.is_none() {
                "same"
            } else {
                "DIFF"
            },
            c.case,
            status(&c.live),
            status(&c.mock),
            c.what
        ));
        if let Some(why) = &c.skipped {
            s.push_str(&format!("       skipped: {why}\n"));
        }
        for d in &c.differences {
            s.push_str(&format!("       {d}\n"));
        }
        if c.live_against_spec == c.mock_against_spec {
            for d in &c.live_against_spec {
                s.push_str(&format!("       note, both: {d}\n"));
            }
        }
    }
    s.push_str(&format!("{} difference(s)\n", r.findings()));
    s
}

fn markdown(r: &Report) -> String {
    let mut s = format!(
        "### `social-connect-mock verify`: {} at {}\n\n| case | live | mock | differences |\n|---|---:|---:|---|\n",
        r.vendor.name(),
        r.against
    );
    for c in &r.cases {
        let status =
            |a: &Option<Answer>| a.as_ref().map_or("-".to_owned(), |a| a.status.to_string());
        let mut findings: Vec<String> = c.differences.clone();
        if findings.is_empty() && !c.live_against_spec.is_empty() {
            findings.extend(
                c.live_against_spec
                    .iter()
                    .map(|d| format!("same; note, both: {d}")),
            );
        }
        if let Some(why) = &c.skipped {
            findings.push(format!("skipped: {why}"));
        }
        let cell = if findings.is_empty() {
            "same".to_owned()
        } else {
            findings.join("<br>").replace('|', "\\|")
        };
        s.push_str(&format!(
            "| `{}` ({}) | {} | {} | {} |\n",
            c.case,
            c.what,
            status(&c.live),
            status(&c.mock),
            cell
        ));
    }
    s.push_str(&format!("\n{} difference(s)\n", r.findings()));
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn answer(status: u16, body: Value) -> Answer {
        Answer {
            status,
            content_type: Some("application/json".to_owned()),
            retry_after: None,
            location: None,
            body,
            link: None,
        }
    }

    fn case<'a>(cases: &'a [Case], name: &str) -> &'a Case {
        cases.iter().find(|c| c.name == name).unwrap()
    }

    /// A case's JSON body; an operation without a body (an empty one) as `{}`.
    fn body_of(c: &Case) -> Value {
        match c.body.as_deref() {
            None | Some("") => Value::Object(Map::new()),
            Some(text) => serde_json::from_str(text).unwrap(),
        }
    }

    #[test]
    fn a_link_is_single_use_when_only_the_second_open_fails() {
        let link = |opens| Link {
            absolute: true,
            on_base_host: true,
            opens,
        };
        assert_eq!(link(None).single_use(), None);
        assert_eq!(link(Some((302, 404))).single_use(), Some(true));
        assert_eq!(link(Some((399, 400))).single_use(), Some(true));
        assert_eq!(link(Some((302, 302))).single_use(), Some(false));
        assert_eq!(link(Some((400, 400))).single_use(), Some(false));
        assert_eq!(link(Some((404, 200))).single_use(), Some(false));
    }

    #[test]
    fn the_cases_swap_in_the_owner_and_take_out_only_what_each_changes() {
        for v in MockVendor::ALL {
            let sample = samples::connect(v);
            let same = cases(v, "k", None);
            let valid = case(&same, "valid");
            assert_eq!(valid.body.as_deref(), Some(sample.body), "{v:?}");
            // The sample's target, with the key in its query where the vendor takes it there.
            assert_eq!(
                valid.target,
                sample.target_with_key("k").trim_start_matches(v.prefix()),
                "{v:?}"
            );
            assert_eq!(
                valid
                    .headers
                    .iter()
                    .any(|(name, _)| *name == sample.auth("k").0),
                !sample.scheme.in_query(),
                "{v:?}: the key in a header, or in the query"
            );
            let Some(owner) = sample.owner else {
                assert!(same.iter().all(|c| c.name != "missing_owner"), "{v:?}");
                continue;
            };
            // Another owner replaces the sample's everywhere.
            let other = cases(v, "k", Some("own_elsewhere"));
            let valid = case(&other, "valid");
            let sent = format!("{}{}", valid.target, valid.body.as_deref().unwrap());
            assert!(!sent.contains(owner), "{v:?}: {sent}");
            assert!(sent.contains("own_elsewhere"), "{v:?}: {sent}");
            // Without the owner: the owner's parameter or field is gone, and only it.
            let full = case(&same, "valid");
            let missing = case(&same, "missing_owner");
            let sent = format!("{}{}", missing.target, missing.body.as_deref().unwrap());
            assert!(!sent.contains(owner), "{v:?}: {sent}");
            let pairs = |t: &str| {
                t.split_once('?')
                    .map_or(0, |(_, q)| q.split('&').filter(|p| !p.is_empty()).count())
            };
            let fields = |c: &Case| body_of(c).as_object().map_or(0, Map::len);
            let dropped =
                (pairs(&full.target) - pairs(&missing.target)) + (fields(full) - fields(missing));
            assert_eq!(dropped, 1, "{v:?}: {} {:?}", missing.target, missing.body);
            // An unsupported provider: that field (in the path, the query or the body)
            // changed, the rest kept.
            let case_u = case(&same, "unsupported_provider");
            let unsupported = body_of(case_u);
            let valid = body_of(full);
            let mut changed: Vec<(String, String, String)> = valid
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, v)| unsupported[k.as_str()] != **v)
                .map(|(k, v)| {
                    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                    (k.clone(), text(v), text(&unsupported[k.as_str()]))
                })
                .collect();
            let parts =
                |t: &str| -> Vec<String> { t.split(['/', '?', '&']).map(str::to_owned).collect() };
            let (was, now) = (parts(&full.target), parts(&case_u.target));
            assert_eq!(was.len(), now.len(), "{v:?}: {}", case_u.target);
            for (a, b) in was.iter().zip(&now) {
                if a != b {
                    let value = |s: &str| s.rsplit('=').next().unwrap_or(s).to_owned();
                    changed.push((a.clone(), value(a), value(b)));
                }
            }
            assert_eq!(changed.len(), 1, "{v:?}: {} {unsupported}", case_u.target);
            assert_eq!(changed[0].1, sample.provider, "{v:?}");
            assert_eq!(changed[0].2, UNSUPPORTED, "{v:?}");
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_is_kept_as_it_is() {
        assert_eq!(map_body("[1]", |m| m.clear()), "[1]");
        assert_eq!(map_body("{", |m| m.clear()), "{");
        assert_eq!(
            map_body(r#"{"a":1,"b":2}"#, |m| {
                m.remove("a");
            }),
            r#"{"b":2}"#
        );
    }

    #[test]
    fn the_link_is_found_at_any_depth_in_objects_and_arrays() {
        let body = json!({"data": [{"id": 1}, {"links": ["ftp://x", "https://a.example/go"]}]});
        assert_eq!(find_link(&body).as_deref(), Some("https://a.example/go"));
        assert_eq!(
            find_link(&json!({"url": "http://b.example"})).as_deref(),
            Some("http://b.example")
        );
        assert_eq!(find_link(&json!(["no", 1])), None);
    }

    #[test]
    fn shapes_differ_by_type_and_by_value_only_for_codes_integers_and_flags() {
        let mut out = Vec::new();
        shape_diff(
            "body",
            &json!({"code": "NOT_FOUND", "n": 1, "f": 1.5, "ok": true, "msg": "Not found here",
                    "list": [{"x": 1}], "only_live": null, "long": "A".repeat(65)}),
            &json!({"code": "FORBIDDEN", "n": 2, "f": 2.5, "ok": false, "msg": "Other words",
                    "list": [{"x": "1"}], "only_mock": 0, "long": "B".repeat(65)}),
            &mut out,
        );
        out.sort();
        assert_eq!(
            out,
            [
                "body.code: live \"NOT_FOUND\", mock \"FORBIDDEN\"",
                "body.list[0].x: live integer, mock string",
                "body.n: live 1, mock 2",
                "body.ok: live true, mock false",
                "body.only_live: only the live answer has it",
                "body.only_mock: only the mock's answer has it",
            ]
        );
        let mut out = Vec::new();
        shape_diff("b", &json!(1), &json!(1.5), &mut out);
        shape_diff("c", &json!(null), &json!(false), &mut out);
        shape_diff("d", &json!("a1"), &json!("b2"), &mut out);
        // Negative integers are integers, compared by value.
        shape_diff("e", &json!(-1), &json!(0.5), &mut out);
        shape_diff("f", &json!(-1), &json!(-2), &mut out);
        assert_eq!(
            out,
            [
                "b: live integer, mock number",
                "c: live null, mock boolean",
                "e: live integer, mock number",
                "f: live -1, mock -2",
            ]
        );
    }

    #[test]
    fn a_json_string_answer_is_checked_as_json_and_a_text_one_as_text() {
        let v = MockVendor::Recoup;
        let cs: Vec<Case> = cases(v, "k", None)
            .into_iter()
            .filter(|c| c.name == "valid")
            .collect();
        let mut text = answer(200, json!("plain words"));
        text.content_type = Some("text/plain".to_owned());
        let json_string = answer(200, json!("plain words"));
        let run = |a: &Answer| {
            let live = BTreeMap::from([("valid".to_owned(), a.clone())]);
            compare(v, "here", &cs, &live, &BTreeMap::new()).cases[0]
                .live_against_spec
                .clone()
        };
        let (as_text, as_json) = (run(&text), run(&json_string));
        // Text is read as its bytes (not JSON); a JSON string as JSON (not an object).
        assert!(
            as_text
                .iter()
                .any(|f| f.starts_with("the body is not JSON")),
            "{as_text:?}"
        );
        assert!(
            as_json.len() == 1 && as_json[0].ends_with("must be an object"),
            "{as_json:?}"
        );
    }

    #[test]
    fn scrub_decodes_every_byte_of_a_character_and_only_what_encodes_it() {
        let r = REDACTED;
        let cases = [
            // Two-byte and four-byte characters, percent-encoded byte by byte.
            ("x=cl%C3%A9-k", "clé-k", format!("x={r}")),
            ("x=a%F0%9F%94%91b", "a🔑b", format!("x={r}")),
            // JSON: a character beyond the BMP as a surrogate pair, and the short escapes.
            ("\"a\\ud83d\\udd11b\"", "a🔑b", format!("\"{r}\"")),
            ("\"a\\/b\"", "a/b", format!("\"{r}\"")),
            ("\"a\\\\b\"", "a\\b", format!("\"{r}\"")),
            // Escapes of another character are not the key's.
            ("aXb a%41b", "aXb", format!("{r} a%41b")),
            ("aXb a\\u0041b", "aXb", format!("{r} a\\u0041b")),
            ("a%58%zzb", "aXYb", "a%58%zzb".to_owned()),
            // `+` stands for a space, and only for a space.
            ("axb a+b", "a b", format!("axb {r}")),
            ("a+b", "a-b", "a+b".to_owned()),
        ];
        for (text, key, want) in cases {
            assert_eq!(scrub(text, key), want, "{text} / {key}");
        }
    }

    #[test]
    fn a_departure_from_the_spec_both_share_is_a_note_not_a_difference() {
        let v = MockVendor::Recoup;
        let cs = cases(v, "k", None);
        // 299 is documented nowhere: both depart from the spec alike.
        let both = answer(299, json!({}));
        let report = compare(
            v,
            "here",
            &cs,
            &BTreeMap::from([("valid".to_owned(), both.clone())]),
            &BTreeMap::from([("valid".to_owned(), both)]),
        );
        assert_eq!(report.findings(), 0);
        assert!(!report.cases[0].live_against_spec.is_empty());
        let plain = render(&report, "text", "sk_unused");
        assert!(plain.contains("note, both:"), "{plain}");
        assert!(
            plain.starts_with("social-connect-mock verify: Recoup at here\nsame "),
            "{plain}"
        );
        let md = render(&report, "markdown", "sk_unused");
        assert!(md.contains("| same; note, both: "), "{md}");
        // Where the answers differ, the differences are the cell: no "same" note.
        let report = compare(
            v,
            "here",
            &cs,
            &BTreeMap::from([("valid".to_owned(), answer(299, json!({})))]),
            &BTreeMap::from([("valid".to_owned(), answer(298, json!({})))]),
        );
        let md = render(&report, "markdown", "sk_unused");
        assert!(md.contains("status: live 299, mock 298"), "{md}");
        assert!(!md.contains("same; note"), "{md}");
    }

    #[test]
    fn reports_render_as_text_markdown_and_json_with_the_key_scrubbed() {
        let v = MockVendor::Recoup;
        let cs = cases(v, "sk_live_secret", None);
        let mut live = answer(200, json!({"note": "sk_live_secret"}));
        live.link = Some(Link {
            absolute: true,
            on_base_host: true,
            opens: Some((302, 302)),
        });
        let mut mock = live.clone();
        mock.link = Some(Link {
            absolute: true,
            on_base_host: true,
            opens: Some((302, 404)),
        });
        let report = compare(
            v,
            "https://api.example",
            &cs,
            &BTreeMap::from([("valid".to_owned(), live)]),
            &BTreeMap::from([("valid".to_owned(), mock)]),
        );
        let plain = render(&report, "text", "sk_live_secret");
        assert!(
            plain.contains("link single-use: live no, mock yes"),
            "{plain}"
        );
        assert!(!plain.contains("sk_live_secret"));
        let md = render(&report, "markdown", "sk_live_secret");
        assert!(md.starts_with("### `social-connect-mock verify`"), "{md}");
        assert!(md.contains("| `valid` ("), "{md}");
        let json = render(&report, "json", "sk_live_secret");
        assert!(serde_json::from_str::<Value>(&json).is_ok(), "{json}");
        assert!(!json.contains("sk_live_secret"));
    }
}
