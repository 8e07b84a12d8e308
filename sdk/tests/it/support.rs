//! Helpers shared by the test modules.

use social_connect::{Client, Vendor};

/// An Ocoya client with `key` whose base URL is a loopback port nothing listens on (bound, then
/// released), so every connect fails to connect.
pub(crate) fn refused_client(key: &str) -> Client {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Client::builder()
        .api_key(Vendor::Ocoya, key)
        .base_url(Vendor::Ocoya, format!("http://127.0.0.1:{port}"))
        .unwrap()
        .build()
        .unwrap()
}
