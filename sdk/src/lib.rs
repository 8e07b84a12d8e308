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

// Each vendor's generated client, as a public module under its cargo feature
// (`social_connect::recoup`, …), and `Client`'s accessor for it: generated from the manifests.
#[rustfmt::skip]
#[path = "generated/raw.rs"]
mod raw;
pub use raw::*;
