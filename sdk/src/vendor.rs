//! The vendors: the enum is generated from the manifests (`specs/<vendor>/vendor.toml`); what is
//! the same for every vendor is here.

use std::fmt;
use std::str::FromStr;

#[rustfmt::skip]
#[path = "generated/vendor.rs"]
mod list;

pub use list::Vendor;

// What a vendor does its own way (`supports`, `requires_owner`, `default_base_url`, …) is
// implemented in `vendors/common.rs`, beside the vendor modules it asks: this file stays a value
// type that knows no vendor module.

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// A string that names no vendor.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown vendor `{0}` (expected one of: {names})", names = names())]
pub struct ParseVendorError(pub String);

/// Every vendor's name, for [`ParseVendorError`]'s message.
fn names() -> String {
    let names: Vec<_> = Vendor::ALL.iter().map(|v| v.as_str()).collect();
    names.join(", ")
}

impl FromStr for Vendor {
    type Err = ParseVendorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vendor::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseVendorError(s.to_owned()))
    }
}
