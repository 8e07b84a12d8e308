#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod error;
mod link;
mod outcome;
mod provider;
mod request;
mod response;
mod session;
mod vendor;
mod vendors;

pub use client::{Client, ClientBuilder, DEFAULT_TIMEOUT};
pub use error::{EXCERPT_LIMIT, Error, VendorError};
pub use link::AuthorizationLink;
pub use outcome::ConnectOutcome;
pub use provider::{ParseProviderError, Provider};
pub use request::ConnectRequest;
pub use response::BODY_LIMIT;
pub use session::{ConnectSession, DEFAULT_SESSION_TTL, NONCE_PARAM, SessionError};
pub use url::Url;
pub use vendor::{ParseVendorError, Vendor};

/// Recoup's complete client, as progenitor generates it from `specs/recoup/openapi.yaml`.
///
/// Its operations are builders (`client.op().param(v).body(b).send().await`). Built on its own,
/// it takes `Default::default()` as its inner value: the place where this crate's hook leaves
/// each answer it reads; [`Client`]'s accessors hand out one already configured.
#[cfg(feature = "recoup")]
#[allow(missing_docs, unreachable_pub, missing_debug_implementations, clippy::all, clippy::unwrap_used)]
#[rustfmt::skip]
#[path = "generated/recoup.rs"]
pub mod recoup;

/// WoopSocial's complete client, as progenitor generates it from `specs/woopsocial/openapi.yaml`.
///
/// Its operations are builders (`client.op().param(v).body(b).send().await`). Built on its own,
/// it takes `Default::default()` as its inner value: the place where this crate's hook leaves
/// each answer it reads; [`Client`]'s accessors hand out one already configured.
#[cfg(feature = "woopsocial")]
#[allow(missing_docs, unreachable_pub, missing_debug_implementations, clippy::all, clippy::unwrap_used)]
#[rustfmt::skip]
#[path = "generated/woopsocial.rs"]
pub mod woopsocial;

/// Postbreeze's complete client, as progenitor generates it from `specs/postbreeze/openapi.yaml`.
///
/// Its operations are builders (`client.op().param(v).body(b).send().await`). Built on its own,
/// it takes `Default::default()` as its inner value: the place where this crate's hook leaves
/// each answer it reads; [`Client`]'s accessors hand out one already configured.
#[cfg(feature = "postbreeze")]
#[allow(missing_docs, unreachable_pub, missing_debug_implementations, clippy::all, clippy::unwrap_used)]
#[rustfmt::skip]
#[path = "generated/postbreeze.rs"]
pub mod postbreeze;

/// Aitronos's complete client, as progenitor generates it from `specs/aitronos/openapi.yaml`
/// (a spec authored from Aitronos's prose reference: the vendor publishes none).
///
/// Its operations are builders (`client.op().param(v).body(b).send().await`). Built on its own,
/// it takes `Default::default()` as its inner value: the place where this crate's hook leaves
/// each answer it reads; [`Client`]'s accessors hand out one already configured.
#[cfg(feature = "aitronos")]
#[allow(missing_docs, unreachable_pub, missing_debug_implementations, clippy::all, clippy::unwrap_used)]
#[rustfmt::skip]
#[path = "generated/aitronos.rs"]
pub mod aitronos;

/// Ocoya's complete client, as progenitor generates it from `specs/ocoya/openapi.yaml`.
///
/// Its operations are builders (`client.op().param(v).body(b).send().await`). Built on its own,
/// it takes `Default::default()` as its inner value: the place where this crate's hook leaves
/// each answer it reads; [`Client`]'s accessors hand out one already configured.
#[cfg(feature = "ocoya")]
#[allow(missing_docs, unreachable_pub, missing_debug_implementations, clippy::all, clippy::unwrap_used)]
#[rustfmt::skip]
#[path = "generated/ocoya.rs"]
pub mod ocoya;
