//! `social-connect-mock verify`, run as a user runs it, against servers that answer like the
//! mock and against ones with planted differences.

use std::process::{Command, Output};

use social_connect_mock::{
    MockConfig, MockVendor, Scenario, StandaloneConfig, StandaloneServer, verify,
};

/// A key no fixture has: it must never appear in anything verify writes.
const SECRET: &str = "sk_live_verify_3f9c1a7e5b";

/// A standalone mock in which `SECRET` owns the demo owner of `vendor`: the "live" vendor.
async fn live_like(vendor: MockVendor) -> StandaloneServer {
    let config = MockConfig::default().with_fixture(verify::fixture_for(vendor, SECRET, None));
    StandaloneServer::start(StandaloneConfig::on_port(0).with_mock(config))
        .await
        .unwrap()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
        .arg("verify")
        .args(args)
        .env("VERIFY_TEST_KEY", SECRET)
        .env_remove("SOCIAL_CONNECT_VERIFY_KEY")
        .output()
        .unwrap()
}

fn verify_json(vendor: MockVendor, url: &str, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec![
        "--vendor",
        vendor.slug(),
        "--url",
        url,
        "--key-env",
        "VERIFY_TEST_KEY",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stdout.contains(SECRET) && !stderr.contains(SECRET),
        "the key leaked"
    );
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout} {stderr}"));
    (out.status.code().unwrap(), report, stderr)
}

fn differences(report: &serde_json::Value, case: &str) -> Vec<String> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == case)
        .unwrap_or_else(|| panic!("no case {case}: {report}"))["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_owned())
        .collect()
}

/// The status the mock answered `case` with, as the report gives it (its documented statuses
/// stay the spec's, not this test's).
fn mock_status(report: &serde_json::Value, case: &str) -> u64 {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == case)
        .unwrap()["mock"]["status"]
        .as_u64()
        .unwrap()
}

fn all_differences(report: &serde_json::Value) -> usize {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["differences"].as_array().unwrap().len())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_the_mock_itself_it_reports_nothing() {
    for vendor in MockVendor::ALL {
        let live = live_like(vendor).await;
        let (code, report, stderr) = verify_json(vendor, &live.base_url(vendor), &[]);
        assert_eq!(all_differences(&report), 0, "{vendor:?}: {report:#}");
        assert_eq!(code, 0, "{vendor:?}: {stderr}");
        assert!(report["cases"].as_array().unwrap().len() >= 6);
        let valid = &report["cases"][0];
        assert_eq!(valid["case"], "valid");
        assert_eq!(valid["live"]["link"]["absolute"], true, "{valid}");
        assert!(
            valid["live_against_spec"].as_array().unwrap().is_empty(),
            "{valid}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_vendor_shows_exactly_its_status_its_header_and_its_body() {
    let vendor = MockVendor::Postbreeze;
    let live = live_like(vendor).await;
    live.state()
        .set_scenario(
            vendor,
            Scenario::RateLimited {
                retry_after_secs: Some(7),
            },
        )
        .unwrap();
    let (code, report, _) = verify_json(vendor, &live.base_url(vendor), &[]);
    assert_eq!(code, 1);
    let valid = differences(&report, "valid");
    assert!(
        valid.contains(&"status: live 429, mock 201".to_owned()),
        "{valid:#?}"
    );
    assert!(
        valid.contains(&"Retry-After: live sent, mock not sent".to_owned()),
        "{valid:#?}"
    );
    assert!(
        valid.contains(&"link: only the mock's answer has one".to_owned()),
        "{valid:#?}"
    );
    assert!(
        valid
            .iter()
            .any(|d| d.starts_with("against the spec: live status 429 is not documented")),
        "{valid:#?}"
    );
    // Nothing about the media type: both answer JSON.
    assert!(
        !valid.iter().any(|d| d.starts_with("content type")),
        "{valid:#?}"
    );
    // The wrong method is not a connect: no scenario, no difference.
    assert!(differences(&report, "wrong_method").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_502_shows_as_its_status_its_media_type_and_a_body_that_is_not_json() {
    let vendor = MockVendor::WoopSocial;
    let live = live_like(vendor).await;
    live.state()
        .set_scenario(vendor, Scenario::HtmlBody { status: 502 })
        .unwrap();
    let (code, report, _) = verify_json(vendor, &live.base_url(vendor), &[]);
    assert_eq!(code, 1);
    let wrong_key = differences(&report, "wrong_key");
    assert!(
        wrong_key.contains(&"status: live 502, mock 401".to_owned()),
        "{wrong_key:#?}"
    );
    assert!(
        wrong_key
            .contains(&"content type: live \"text/html\", mock \"application/json\"".to_owned()),
        "{wrong_key:#?}"
    );
    assert!(
        wrong_key.contains(&"body: live string, mock object".to_owned()),
        "{wrong_key:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_answers_compare_offline_and_hold_no_key() {
    let vendor = MockVendor::Ocoya;
    let live = live_like(vendor).await;
    live.state()
        .set_scenario(vendor, Scenario::ServerError { status: 503 })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ocoya.json");
    let file = file.to_str().unwrap();
    let (code, online, _) = verify_json(vendor, &live.base_url(vendor), &["--save", file]);
    assert_eq!(code, 1);
    let saved = std::fs::read_to_string(file).unwrap();
    assert!(!saved.contains(SECRET), "the key was saved");
    live.shutdown().await;
    // The vendor is gone; the saved answers still tell the same story.
    let out = run(&["--vendor", "ocoya", "--against", file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let offline: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        differences(&offline, "valid"),
        differences(&online, "valid")
    );
}

#[test]
fn it_exits_2_when_it_cannot_run_and_never_prints_the_key() {
    // No key in the environment.
    let out = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
        .args(["verify", "--vendor", "ocoya", "--url", "http://127.0.0.1:9"])
        .env_remove("SOCIAL_CONNECT_VERIFY_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOCIAL_CONNECT_VERIFY_KEY"));
    for args in [
        ["--vendor", "ocoya", "--url", "http://127.0.0.1:9"],
        ["--vendor", "ocoya", "--url", "not a url"],
        ["--vendor", "nobody", "--url", "http://127.0.0.1:9"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--key-env", "VERIFY_TEST_KEY"]);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(printed.contains("error"), "{args:?}: {printed}");
        assert!(!printed.contains(SECRET), "{args:?}: the key leaked");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_and_markdown_reports_name_each_case() {
    let vendor = MockVendor::Aitronos;
    let live = live_like(vendor).await;
    for format in ["text", "markdown"] {
        let out = run(&[
            "--vendor",
            "aitronos",
            "--url",
            &live.base_url(vendor),
            "--key-env",
            "VERIFY_TEST_KEY",
            "--format",
            format,
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{text}");
        for case in [
            "valid",
            "wrong_key",
            "no_key",
            "missing_owner",
            "malformed_body",
        ] {
            assert!(text.contains(case), "{format}: {text}");
        }
        assert!(text.contains("0 difference(s)"), "{text}");
        assert!(!text.contains(SECRET));
    }
}

/// Stoplight Prism, as `.ci/run` installs it (`target/ci-prism`), or `cargo xtask bench` does
/// (`target/bench-prism`), or at `SOCIAL_CONNECT_PRISM`.
fn prism() -> Option<std::path::PathBuf> {
    if let Ok(p) = std::env::var("SOCIAL_CONNECT_PRISM") {
        return Some(p.into());
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    ["target/ci-prism", "target/bench-prism"]
        .iter()
        .map(|d| root.join(d).join("node_modules/.bin/prism"))
        .find(|p| p.is_file())
}

/// Prism mocks a spec from its examples: it checks that a key is sent, not which one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_prism_it_reports_what_prism_does_differently() {
    let Some(prism) = prism() else {
        assert!(
            std::env::var("CI").is_err(),
            "Prism is missing: .ci/run installs it into target/ci-prism"
        );
        eprintln!(
            "skipped: no Prism (npm install --prefix target/ci-prism @stoplight/prism-cli@5)"
        );
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/postbreeze/openapi.yaml"
    );
    // Killed when dropped, should an assertion below fail first.
    let mut child = crate::support::Guarded::new(
        Command::new(prism)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string(), spec])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{port}");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed().as_secs() < 60, "Prism did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (code, report, _) = verify_json(MockVendor::Postbreeze, &url, &[]);
    child.kill().ok();
    child.wait().ok();
    assert_eq!(code, 1, "{report:#}");
    let wrong_key = differences(&report, "wrong_key");
    // Prism answers a wrong key as it answers a valid connect.
    let (success, refused) = (
        mock_status(&report, "valid"),
        mock_status(&report, "wrong_key"),
    );
    assert!(
        wrong_key.contains(&format!("status: live {success}, mock {refused}")),
        "Prism took a wrong key: {wrong_key:#?}"
    );
    // Prism's example is not a link.
    assert!(
        differences(&report, "valid").contains(&"link: only the mock's answer has one".to_owned())
    );
    // Without a key, both refuse, in the spec's shape.
    assert!(differences(&report, "no_key").is_empty(), "{report:#}");
}

/// A key with characters every encoding changes.
const ODD_KEY: &str = "sk_live_4f/9+Q=z&w<1>\"x'y z9";

/// The ways a careless live vendor may echo a key: raw, percent-encoded (upper and lower
/// case), form-encoded (`+` for a space), JSON-escaped (short and `\u` escapes), HTML-escaped
/// (named and numeric entities); and raw again across the 4 KiB at which `verify` cuts a text.
fn echoes(key: &str) -> String {
    let all_percent = |lower: bool| -> String {
        key.bytes()
            .map(|b| {
                if lower {
                    format!("%{b:02x}")
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let form: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
    let json_short = serde_json::to_string(key).unwrap();
    let json_u: String = key
        .chars()
        .map(|c| format!("\\u{:04X}", c as u32))
        .collect();
    let html_named = key
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    let html_dec: String = key.chars().map(|c| format!("&#{};", c as u32)).collect();
    let html_hex: String = key.chars().map(|c| format!("&#x{:x};", c as u32)).collect();
    let forms = [
        key.to_owned(),
        all_percent(false),
        all_percent(true),
        form,
        json_short,
        json_u,
        html_named,
        html_dec,
        html_hex,
    ];
    let mut body = forms.join("\n");
    body.push('\n');
    // The raw key again, straddling the 4,096th character.
    while body.chars().count() < 4090 {
        body.push('.');
    }
    body.push_str(key);
    body.push_str("\nend\n");
    body
}

/// Every way a reader could decode what verify wrote.
fn decoded_readings(text: &str) -> Vec<String> {
    let percent = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let form = |s: &str| percent(&s.replace('+', " "));
    let json = |s: &str| {
        let mut out = s.replace("\\\"", "\"").replace("\\/", "/");
        while let Some(i) = out.find("\\u") {
            let Some(c) = out
                .get(i + 2..i + 6)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
            else {
                break;
            };
            out.replace_range(i..i + 6, &c.to_string());
        }
        out
    };
    let html = |s: &str| {
        let mut out = s
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'");
        while let Some(i) = out.find("&#") {
            let Some(end) = out[i..].find(';').map(|e| i + e) else {
                break;
            };
            let digits = &out[i + 2..end];
            let c = match digits.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => digits.parse().ok(),
            }
            .and_then(char::from_u32);
            match c {
                Some(c) => out.replace_range(i..=end, &c.to_string()),
                None => break,
            }
        }
        out
    };
    vec![
        text.to_owned(),
        percent(text),
        form(text),
        json(text),
        html(text),
    ]
}

/// A fake live vendor answering every request with the key echoed in each form.
async fn echoing_vendor(key: &'static str) -> (String, tokio::task::JoinHandle<()>) {
    use hyper::server::conn::http1;
    use hyper::service::service_fn;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let service = service_fn(move |_req| async move {
                    let body = http_body_util::Full::new(bytes::Bytes::from(echoes(key)));
                    let mut response = hyper::Response::new(body);
                    response.headers_mut().insert(
                        "content-type",
                        hyper::header::HeaderValue::from_static("text/plain"),
                    );
                    Ok::<_, std::convert::Infallible>(response)
                });
                let _ = http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_the_vendor_echoes_in_any_encoding_is_never_printed_or_saved() {
    let (url, vendor) = echoing_vendor(ODD_KEY).await;
    let saved = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
        .args(["verify", "--vendor", "ocoya", "--url", &url, "--key-env"])
        .arg("VERIFY_ODD_KEY")
        .args(["--format", "json", "--save"])
        .arg(saved.path())
        .env("VERIFY_ODD_KEY", ODD_KEY)
        .output()
        .unwrap();
    vendor.abort();
    let written = [
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        std::fs::read_to_string(saved.path()).unwrap(),
    ];
    assert!(
        written[2].contains("[redacted]"),
        "the saved answers hold no echo: {}",
        written[2]
    );
    let prefix: String = ODD_KEY.chars().take(8).collect();
    for text in &written {
        for reading in decoded_readings(text) {
            assert!(!reading.contains(ODD_KEY), "the key leaked: {text}");
            assert!(
                !reading.contains(&prefix),
                "a prefix of the key leaked: {text}"
            );
        }
    }
}

#[test]
fn scrub_finds_each_encoding_and_leaves_the_rest() {
    let text = echoes(ODD_KEY);
    let scrubbed = verify::scrub(&text, ODD_KEY);
    assert_eq!(scrubbed.matches("[redacted]").count(), 10, "{scrubbed}");
    assert!(scrubbed.ends_with("[redacted]\nend\n"));
    assert_eq!(verify::scrub("no key here", ODD_KEY), "no key here");
    assert_eq!(
        verify::scrub("a&#;b&#99999999999;c", "k"),
        "a&#;b&#99999999999;c"
    );
}
