//! What one connect costs the mock itself, without HTTP: [`MockService::handle`] on each vendor's
//! connect request, with the pending-flow map full (as it is under a sustained load, where every
//! connect evicts the oldest flow). Run with `cargo bench -p social-connect-mock --bench handle`;
//! `BENCHMARKS.md` explains how this relates to the load figures.

use criterion::{Criterion, criterion_group, criterion_main};
use social_connect_mock::{MockConfig, MockService, MockVendor, samples};

/// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let service = MockService::new("http://127.0.0.1:4010", MockConfig::default());
    // Each vendor's sample connect request, named by its slug.
    let requests: Vec<_> = MockVendor::ALL
        .into_iter()
        .map(|vendor| (vendor.slug(), samples::connect(vendor).request()))
        .collect();
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
