//! Helpers shared by the test modules.

use social_connect::{Client, Vendor};

/// An Ocoya client with `key` whose base URL is a loopback port nothing listens on (bound, then
/// released), so every connect fails to connect.
pub(crate) fn refused_client(key: &str) -> Client {
    refused_client_for(Vendor::Ocoya, key)
}

/// [`refused_client`] for `vendor`.
pub(crate) fn refused_client_for(vendor: Vendor, key: &str) -> Client {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Client::builder()
        .api_key(vendor, key)
        .base_url(vendor, format!("http://127.0.0.1:{port}"))
        .unwrap()
        .build()
        .unwrap()
}
