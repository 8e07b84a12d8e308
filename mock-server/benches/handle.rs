//! What one connect costs the mock itself, without HTTP: [`MockService::handle`] on each vendor's
//! connect request, with the pending-flow map full (as it is under a sustained load, where every
//! connect evicts the oldest flow). Run with
//! `cargo bench -p social-connect-mock --features mimalloc,samples --bench handle` (`-- pkce_s256` for
//! the PKCE challenge alone); `BENCHMARKS.md` explains how this relates to the load figures.

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

/// The PKCE challenge every connect computes (SHA-256 of a 43-byte verifier, base64), on this
/// CPU's own SHA-256 path: `sha2` picks the SHA extensions at run time where the CPU has them,
/// which callgrind's CPU model lacks (there, the portable code runs: about 3,400 instructions).
fn pkce(c: &mut Criterion) {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    c.bench_function("pkce_s256", |b| {
        b.iter(|| social_connect_mock::samples::pkce_s256(std::hint::black_box(verifier)))
    });
}

criterion_group!(benches, bench, pkce);
criterion_main!(benches);
