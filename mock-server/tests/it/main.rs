//! The mock's integration tests: one binary, a module per topic and per vendor (`vendors/`, listed
//! from the manifests), the helpers in [`support`].
//!
//! They drive the mock over HTTP on both adapters (wiremock and the standalone hyper server) and
//! as a process. Whether its answers match the vendors' published specs is the contract suite's
//! business (`tests/`), not theirs.
#![allow(clippy::unwrap_used)]

mod admin;
mod attacks;
mod binary;
mod bounds;
mod counted;
mod flow;
mod guards;
mod hostile;
mod load;
mod parity;
mod public_url;
mod redaction;
mod state;
mod support;
mod tenants;
mod vendors;
mod verify;
