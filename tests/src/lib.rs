//! Shared parts of the contract suite: the vendors' specs as validators, a harness that runs the
//! SDK against the mock (or, in live mode only, a real vendor: see [`harness`]), a follower that
//! walks a connect flow hop by hop with a cookie-less HTTP client, and the one function every
//! skip goes through ([`skip::skip`]).
//!
//! Everything here reads only this repository's own files (`specs/`), never `../shared`.

pub mod browser;
pub mod doc_shell;
pub mod flow;
pub mod harness;
pub mod skip;
pub mod spec;
pub mod workspace_copy;

pub use harness::{Harness, Target};
pub use spec::Spec;
/// Re-exported for the tour's Recoup account id.
pub use uuid::Uuid;

use social_connect::{ConnectRequest, Provider, Vendor};
use social_connect_mock::MockVendor;
use social_connect_mock::samples::{self, ConnectSample};

/// The mock's vendor for an SDK vendor (a panic for one the mock does not serve).
pub fn mock_vendor(vendor: Vendor) -> MockVendor {
    MockVendor::from_slug(vendor.as_str()).unwrap_or_else(|| panic!("the mock has no `{vendor}`"))
}

/// The mock's valid connect request of an SDK vendor (see [`social_connect_mock::samples`]).
pub fn sample(vendor: Vendor) -> ConnectSample {
    samples::connect(mock_vendor(vendor))
}

/// The default fixture's demo owner of `vendor` (project, workspace or organization): the one its
/// [`sample`] names.
///
/// # Panics
/// For Recoup, which takes the key's own account rather than an owner.
pub fn demo_owner(vendor: Vendor) -> &'static str {
    sample(vendor)
        .owner
        .unwrap_or_else(|| panic!("{vendor} takes no owner: the key's own account is used"))
}

/// A typical connect request of `vendor`, made from its [`sample`]: the provider as the vendor
/// spells it (as [`Provider::Other`], which every vendor takes for a value its spec lists or,
/// free-form, any slug) and the sample's owner, where it names one. What every vendor can be
/// asked the same way, a sixth one included.
pub fn typical_request(vendor: Vendor) -> ConnectRequest {
    let sample = sample(vendor);
    let request = ConnectRequest::new(Provider::Other(sample.provider.to_owned()));
    match sample.owner {
        Some(owner) => request.owner(owner),
        None => request,
    }
}

/// The workspace README's Rust examples, compiled as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The guides' Rust examples (`docs/`), compiled and run as doctests: a guide that drifts
/// from the code fails the suite.
#[cfg(doctest)]
pub mod guides {
    #[doc = include_str!("../../docs/sdk.md")]
    pub struct Sdk;
    #[doc = include_str!("../../docs/mock-in-rust.md")]
    pub struct MockInRust;
    #[doc = include_str!("../../docs/mock-in-ci.md")]
    pub struct MockInCi;
    #[doc = include_str!("../../docs/tenants-and-admin.md")]
    pub struct TenantsAndAdmin;
    #[doc = include_str!("../../docs/maintaining.md")]
    pub struct Maintaining;
    #[doc = include_str!("../../docs/verify.md")]
    pub struct Verify;
    #[doc = include_str!("../../docs/security.md")]
    pub struct Security;
    #[doc = include_str!("../../docs/testing.md")]
    pub struct Testing;
}
