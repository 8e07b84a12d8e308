//! The mock's integration tests: one binary, a module per topic, the helpers in [`support`].
//!
//! They drive the mock over HTTP on both adapters (wiremock and the standalone hyper server) and
//! as a process. Whether its answers match the vendors' published specs is the contract suite's
//! business (`tests/`), not theirs.
#![allow(clippy::unwrap_used)]

mod admin;
mod aitronos;
mod attacks;
mod binary;
mod bounds;
mod flow;
mod guards;
mod hostile;
mod load;
mod ocoya;
mod parity;
mod postbreeze;
mod recoup;
mod state;
mod support;
mod tenants;
mod verify;
mod woopsocial;
