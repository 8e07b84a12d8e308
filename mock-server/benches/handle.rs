//! What one connect costs the mock itself, without HTTP: [`MockService::handle`] on each vendor's
//! connect request, with the pending-flow map full (as it is under a sustained load, where every
//! connect evicts the oldest flow). Run with `cargo bench -p social-connect-mock --bench handle`;
//! `BENCHMARKS.md` explains how this relates to the load figures.

use criterion::{Criterion, criterion_group, criterion_main};
use http::Method;
use social_connect_mock::{MockConfig, MockRequest, MockService};

/// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn requests() -> Vec<(&'static str, MockRequest)> {
    let json = |path: &str, header: &str, value: &str, body: &'static str| {
        MockRequest::new(Method::POST, path)
            .with_header(header, value)
            .with_header("content-type", "application/json")
            .with_body(body)
    };
    vec![
        (
            "recoup",
            json(
                "/recoup/api/connectors",
                "x-api-key",
                "sk_test_owner",
                r#"{"connector":"youtube"}"#,
            ),
        ),
        (
            "woopsocial",
            json(
                "/woopsocial/v1/social-accounts/authorization-url",
                "authorization",
                "Bearer sk_test_owner",
                r#"{"projectId":"proj_demo","platform":"X"}"#,
            ),
        ),
        (
            "postbreeze",
            json(
                "/postbreeze/api/v1/social-accounts/connect",
                "authorization",
                "Bearer sk_test_owner",
                r#"{"workspaceId":"ws_demo","platform":"YOUTUBE"}"#,
            ),
        ),
        (
            "aitronos",
            json(
                "/aitronos/v1/personal-connectors/authorize?organization_id=org_demo",
                "x-api-key",
                "sk_test_owner",
                r#"{"connector_type":"notion"}"#,
            ),
        ),
        (
            "ocoya",
            json(
                "/ocoya/api/_public/v1/social-profiles/connection-url?workspaceId=ws_demo",
                "x-api-key",
                "sk_test_owner",
                r#"{"provider":"instagram"}"#,
            ),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let service = MockService::new("http://127.0.0.1:4010", MockConfig::default());
    let requests = requests();
    let mut group = c.benchmark_group("handle_connect");
    for (vendor, request) in &requests {
        assert!(
            (200..300).contains(&service.handle(request.clone()).status),
            "{vendor}"
        );
        // Fill the pending-flow map to its cap first.
        for _ in 0..12_000 {
            service.handle(request.clone());
        }
        group.bench_function(*vendor, |b| {
            b.iter_batched(
                || request.clone(),
                |request| service.handle(request),
                criterion::BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
