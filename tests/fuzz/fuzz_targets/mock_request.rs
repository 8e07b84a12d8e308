//! The mock's handler on any request to any vendor: never a panic, never a 5xx without a
//! scenario. Input: one byte picks the method, a line gives the path and query, the rest is the
//! body; the vendors' auth headers are sent so validation is reached. Each input gets a fresh
//! service, so a saved crash reproduces on its own.
#![no_main]

use libfuzzer_sys::fuzz_target;
use social_connect_mock::{MockConfig, MockRequest, MockService};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let method =
        [http::Method::POST, http::Method::GET, http::Method::PUT][usize::from(selector % 3)].clone();
    let (line, body) = match rest.iter().position(|b| *b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let Ok(path) = std::str::from_utf8(line) else {
        return;
    };
    if !path.starts_with('/') || path.starts_with("/__admin") {
        return;
    }
    let request = MockRequest::new(method, path)
        .with_header("authorization", "Bearer sk_test_owner")
        .with_header("x-api-key", "sk_test_owner")
        .with_header(
            "content-type",
            if selector & 0x80 == 0 {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            },
        )
        .with_body(body.to_vec());
    let service = MockService::new("http://127.0.0.1:4010", MockConfig::default());
    let response = service.handle(request);
    assert!(response.status < 500, "{path}: {}", response.status);
});
