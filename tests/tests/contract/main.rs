//! The contract suite: one integration binary, a module per vendor (`vendors/`, listed from
//! the manifests) and per topic.
//!
//! Every test runs the SDK against the mock over real HTTP (the mock's hyper adapter on a
//! loopback port), checks what crosses the wire against the vendor's spec, and walks the
//! redirect flow hop by hop. Every test runs against the mock, whatever the environment holds
//! (the `SOCIAL_CONNECT_LIVE_*` variables are ignored), and none skips. Live mode, against real
//! vendors, is one ignored test ([`live`]), run on its own. The one exception is [`prism`]: the
//! SDK against Stoplight Prism's dynamic examples of each spec. Live mode:
//! `cargo test -p social-connect-tests --test contract live -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, unreachable_pub)]

mod browser;
mod common;
mod every_vendor;
mod example_app;
mod live;
mod prism;
mod provider_faults;
mod regenerate;
mod sessions;
mod spec_values;
mod vendors;
