//! The SDK's integration tests: one binary, a module per topic, shared helpers in [`support`].
//! Each talks to a wiremock `MockServer` (or a bare socket) standing in for a vendor, never to
//! the mock crate.
#![allow(clippy::unwrap_used)]

mod connect;
mod secrets;
mod support;
