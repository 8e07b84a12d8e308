//! The contract suite: one integration binary, a module per vendor and per topic.
//!
//! Every test runs the SDK against the mock over real HTTP (the mock's hyper adapter on a
//! loopback port), checks what crosses the wire against the vendor's spec, and walks the
//! redirect flow hop by hop. Every test runs against the mock, whatever the environment holds
//! (the `SOCIAL_CONNECT_LIVE_*` variables are ignored), and none skips. Live mode, against real
//! vendors, is one ignored test ([`live`]), run on its own:
//! `cargo test -p social-connect-tests --test contract live -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, unreachable_pub)]

mod aitronos;
mod browser;
mod common;
mod example_app;
mod live;
mod ocoya;
mod postbreeze;
mod provider_faults;
mod recoup;
mod regenerate;
mod sessions;
mod spec_values;
mod woopsocial;
