//! The SDK against Stoplight Prism mocking each vendor's spec with dynamic examples: values a
//! spec allows but no vendor sends (`authorizeUrl: "ad"`). Every answer must be a link, or a
//! refusal in plain words: no error message shows Rust's debug syntax.
//!
//! The one module of this suite that does not run against the mock: Prism is a second reading
//! of the same specs. It runs where Prism is installed (`.ci/run` installs it into
//! `target/ci-prism`; elsewhere `npm install --prefix target/ci-prism @stoplight/prism-cli@5`),
//! and fails under CI without it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use social_connect::{Client, Vendor};
use social_connect_tests::typical_request;

/// Requests per vendor: dynamic examples differ from one answer to the next.
const ROUNDS: usize = 12;

/// Prism, killed when dropped.
struct Prism {
    child: Child,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn prism_binary() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SOCIAL_CONNECT_PRISM") {
        return Some(p.into());
    }
    ["target/ci-prism", "target/bench-prism"]
        .iter()
        .map(|d| root().join(d).join("node_modules/.bin/prism"))
        .find(|p| p.is_file())
}

fn start(binary: &Path, vendor: Vendor) -> Prism {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let spec = social_connect_tests::spec::document(&root().join("specs").join(vendor.as_str()));
    let child = Command::new(binary)
        .args([
            "mock",
            "--dynamic",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(spec)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Prism {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

fn wait_until_up(p: &Prism) {
    let addr = p.url.trim_start_matches("http://").to_owned();
    let began = Instant::now();
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            began.elapsed() < Duration::from_secs(90),
            "Prism did not start at {addr}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What Rust's `{:?}` leaves in a message, and plain words never have.
fn debug_syntax(message: &str) -> Option<&'static str> {
    ["Some(", "None", "Ok(", "Err(", "\\\"", "\\n", "{ ", "::"]
        .into_iter()
        .find(|m| message.contains(m))
}

#[test]
fn debug_syntax_is_seen() {
    assert_eq!(
        debug_syntax(r#"authorizeUrl is not a URL: Some(Some("ad"))"#),
        Some("Some(")
    );
    assert_eq!(debug_syntax(r#"body starts "{\"a\":1}""#), Some("\\\""));
    assert_eq!(debug_syntax("Postbreeze did not answer within 5 s"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_prisms_dynamic_examples_every_answer_is_a_link_or_a_plain_refusal() {
    let Some(binary) = prism_binary() else {
        assert!(
            std::env::var("CI").is_err(),
            "Prism is missing: .ci/run installs it into target/ci-prism"
        );
        eprintln!(
            "skipped: no Prism (npm install --prefix target/ci-prism @stoplight/prism-cli@5)"
        );
        return;
    };
    // All at once: each takes seconds to start.
    let prisms: Vec<(Vendor, Prism)> = Vendor::ALL
        .into_iter()
        .map(|v| (v, start(&binary, v)))
        .collect();
    let mut seen = Vec::new();
    for (vendor, prism) in &prisms {
        wait_until_up(prism);
        let client = Client::builder()
            .api_key(*vendor, "sk_prism")
            .base_url(*vendor, &prism.url)
            .unwrap()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let (mut links, mut refusals, mut example) = (0, 0, String::new());
        for _ in 0..ROUNDS {
            match client.connect(*vendor, typical_request(*vendor)).await {
                Ok(link) => {
                    assert!(
                        matches!(link.url.scheme(), "http" | "https"),
                        "{vendor}: {}",
                        link.url
                    );
                    links += 1;
                }
                Err(e) => {
                    let message = e.to_string();
                    assert!(
                        debug_syntax(&message).is_none(),
                        "{vendor}: {message:?} shows {:?}",
                        debug_syntax(&message)
                    );
                    refusals += 1;
                    example = message;
                }
            }
        }
        seen.push(format!(
            "{vendor}: {links} links, {refusals} refusals (last: {example})"
        ));
    }
    eprintln!("{}", seen.join("\n"));
}
