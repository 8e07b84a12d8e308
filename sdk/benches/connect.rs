//! `Client::connect` against a raw `reqwest` POST of the same request to the same local server.
//!
//! The server is a bare hyper server answering Postbreeze's documented 201 body, so the figure is
//! the unified client's overhead over one loopback round trip. Run with
//! `cargo bench -p social-connect --bench connect`.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use social_connect::{Client, ConnectRequest, Provider, Vendor};

const BODY: &str =
    r#"{"authorizeUrl":"https://auth.example.com/oauth/authorize?state=abc","state":"abc"}"#;

async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = service_fn(|_req: Request<hyper::body::Incoming>| async {
                    let mut response =
                        Response::new(Full::new(Bytes::from_static(BODY.as_bytes())));
                    *response.status_mut() = hyper::StatusCode::CREATED;
                    response
                        .headers_mut()
                        .insert("content-type", "application/json".parse().expect("static"));
                    Ok::<_, Infallible>(response)
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// The server, both clients and the request, shared by the criterion groups and the pairs.
struct Setup {
    runtime: tokio::runtime::Runtime,
    client: Client,
    raw: reqwest::Client,
    url: String,
    body: serde_json::Value,
    request: ConnectRequest,
}

impl Setup {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let addr = runtime.block_on(serve());
        let base = format!("http://{addr}/postbreeze/api/v1");
        let client = Client::builder()
            .api_key(Vendor::Postbreeze, "sk_test_owner")
            .base_url(Vendor::Postbreeze, &base)
            .expect("base url")
            .build()
            .expect("client");
        let raw = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .build()
            .expect("reqwest");
        Self {
            runtime,
            client,
            raw,
            url: format!("{base}/social-accounts/connect"),
            body: serde_json::json!({"workspaceId": "ws_demo", "platform": "INSTAGRAM"}),
            request: ConnectRequest::new(Provider::Instagram).owner("ws_demo"),
        }
    }

    /// One raw reqwest POST, decoded as JSON.
    async fn raw_call(&self) {
        let response = self
            .raw
            .post(&self.url)
            .bearer_auth("sk_test_owner")
            .json(&self.body)
            .send()
            .await
            .expect("send");
        let value: serde_json::Value = response.json().await.expect("json");
        assert!(value.get("authorizeUrl").is_some());
    }

    /// One `Client::connect`.
    async fn client_call(&self) {
        let link = self
            .client
            .connect(Vendor::Postbreeze, self.request.clone())
            .await
            .expect("connect");
        assert_eq!(link.state.as_deref(), Some("abc"));
    }
}

fn bench(c: &mut Criterion) {
    let setup = Setup::new();
    let mut group = c.benchmark_group("connect_loopback");
    group.bench_function("raw_reqwest_post", |b| {
        b.to_async(&setup.runtime).iter(|| setup.raw_call())
    });
    group.bench_function("client_connect", |b| {
        b.to_async(&setup.runtime).iter(|| setup.client_call())
    });
    group.finish();
}

/// `Client::connect` over raw reqwest, measured in pairs.
///
/// The two criterion figures above are taken seconds apart, and on a shared machine the load
/// changes in between, by more than the difference being measured. Here each round times a
/// block of raw calls and a block of `connect` calls back to back (alternating which goes
/// first), and the ratio is the median of the rounds' ratios; `cargo xtask bench` reads the
/// `paired:` line this prints.
fn paired(_: &mut Criterion) {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and gets one round.
    let rounds = if std::env::args().any(|a| a == "--bench") {
        41
    } else {
        1
    };
    let per_block = 100;
    let setup = Setup::new();
    let mut ratios = setup.runtime.block_on(async {
        let raw_block = || async {
            let t = std::time::Instant::now();
            for _ in 0..per_block {
                setup.raw_call().await;
            }
            t.elapsed().as_secs_f64()
        };
        let client_block = || async {
            let t = std::time::Instant::now();
            for _ in 0..per_block {
                setup.client_call().await;
            }
            t.elapsed().as_secs_f64()
        };
        // Warm both paths up.
        raw_block().await;
        client_block().await;
        let mut ratios = Vec::with_capacity(rounds);
        for round in 0..rounds {
            let (raw_s, client_s) = if round % 2 == 0 {
                let r = raw_block().await;
                (r, client_block().await)
            } else {
                let c = client_block().await;
                (raw_block().await, c)
            };
            ratios.push(client_s / raw_s);
        }
        ratios
    });
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    println!(
        "paired: client/raw median {:.4} (quartiles {:.4} {:.4}) over {} rounds of {} + {} calls",
        at(0.5),
        at(0.25),
        at(0.75),
        ratios.len(),
        per_block,
        per_block
    );
}

criterion_group!(benches, bench, paired);
criterion_main!(benches);
