//! Vendor identity: which vendors there are (generated from the manifests,
//! `specs/<vendor>/vendor.toml`), their names and the paths they are served under.
//! What a vendor *does* lives in its module under `vendors/`; what the shared flow engine needs
//! to know of it is handed down as data ([`FlowRules`]).

use std::fmt;
use std::sync::OnceLock;

use crate::contract::Contract;

#[allow(clippy::all)]
#[rustfmt::skip]
#[path = "../generated/vendor.rs"]
mod list;

pub use list::MockVendor;

impl MockVendor {
    /// Its position in [`ALL`](Self::ALL).
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Parses a slug.
    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == s)
    }

    /// Its manifest (`specs/<vendor>/vendor.toml`), as the spec crate serves it.
    pub(crate) fn manifest(self) -> &'static social_connect_spec::Manifest {
        static ALL: OnceLock<Vec<&'static social_connect_spec::Manifest>> = OnceLock::new();
        let all = ALL.get_or_init(|| {
            // A vendor the spec crate lacks (its own test and the one below forbid one) is
            // served with an empty manifest rather than stopping the mock.
            static NONE: social_connect_spec::Manifest = social_connect_spec::Manifest::EMPTY;
            MockVendor::ALL
                .iter()
                .map(|v| social_connect_spec::manifest(v.slug()).unwrap_or(&NONE))
                .collect()
        });
        all[self.index()]
    }

    /// Where the mock serves it, before the path of its spec's first server.
    pub(crate) fn mount_path(self) -> &'static str {
        self.manifest().mock.mount
    }

    /// What the shared OAuth engine needs to know of the vendor.
    pub(crate) fn rules(self) -> &'static FlowRules {
        &self.manifest().mock
    }

    /// The owners the default fixture gives the vendor.
    pub(crate) fn demo_owners(self) -> &'static [DemoOwner] {
        self.manifest().mock.demo_owners
    }

    /// Which fields of its connect operation carry the owner, the provider and the redirect
    /// URL, and where the link is in its answer.
    pub(crate) fn fields(self) -> &'static ConnectFields {
        &self.manifest().connect
    }

    /// The vendor's contract, generated from its spec.
    pub(crate) fn contract(self) -> &'static Contract {
        static ALL: OnceLock<Vec<Contract>> = OnceLock::new();
        let all = ALL.get_or_init(|| {
            MockVendor::ALL
                .iter()
                .map(|v| {
                    // A contract that does not read (the spec crate's own test forbids one)
                    // serves nothing: every request to the vendor is refused as unknown.
                    static NONE: social_connect_spec::Contract = social_connect_spec::Contract {
                        vendor: String::new(),
                        version: String::new(),
                        servers: Vec::new(),
                        method: String::new(),
                        path: String::new(),
                        auth: Vec::new(),
                        query: Vec::new(),
                        path_params: Vec::new(),
                        body: None,
                        responses: Vec::new(),
                    };
                    let spec = social_connect_spec::contract(v.slug()).unwrap_or(&NONE);
                    Contract::new(spec, v.mount_path())
                })
                .collect()
        });
        &all[self.index()]
    }

    /// The path prefix the vendor's API is served under (its base URL is `origin + prefix`):
    /// `/{slug}` and the path of the first server URL its spec names.
    pub fn prefix(self) -> &'static str {
        &self.contract().mock_prefix
    }

    /// The connect endpoint's path, relative to [`prefix`](Self::prefix), as its spec names it
    /// (a template, where it has path parameters: `/connect/{provider}`).
    pub fn connect_path(self) -> &'static str {
        &self.contract().path
    }

    /// The path parameters of `rel` (a path after the prefix) when it is this vendor's connect
    /// path: each `{name}` segment of the template matches one non-empty segment,
    /// percent-decoded; `None` when `rel` is not the connect path.
    pub(crate) fn path_params(self, rel: &str) -> Option<Vec<(&'static str, String)>> {
        let template = self.connect_path();
        if !template.contains('{') {
            return (rel == template).then(Vec::new);
        }
        let (mut want, mut got) = (template.split('/'), rel.split('/'));
        let mut params = Vec::new();
        loop {
            match (want.next(), got.next()) {
                (None, None) => return Some(params),
                (Some(w), Some(g)) => match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    Some(name) if !g.is_empty() => {
                        let value = percent_encoding::percent_decode_str(g)
                            .decode_utf8()
                            .ok()?
                            .into_owned();
                        // A flow keeps it: no longer than any string the mock takes.
                        if value.len() > crate::contract::MAX_STRING_BYTES {
                            return None;
                        }
                        params.push((name, value));
                    }
                    Some(_) => return None,
                    None if w == g => {}
                    None => return None,
                },
                _ => return None,
            }
        }
    }
}

impl fmt::Display for MockVendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// What the shared OAuth engine needs to know of a vendor (its manifest's `[mock]`), chosen by
/// the vendor's module when it starts a flow (so the engine never asks which vendor it serves).
pub(crate) type FlowRules = social_connect_spec::MockRules;
pub(crate) use social_connect_spec::{ConnectFields, DemoMembers, DemoOwner};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendor_has_its_own_manifest() {
        for vendor in MockVendor::ALL {
            let own = social_connect_spec::manifest(vendor.slug());
            assert_eq!(Some(vendor.manifest()), own, "{vendor}");
        }
    }

    #[test]
    fn every_vendor_has_its_contract_and_a_prefix_under_its_mount() {
        for vendor in MockVendor::ALL {
            let c = vendor.contract();
            assert_eq!(c.vendor, vendor.slug());
            assert!(c.mock_prefix.starts_with(vendor.mount_path()), "{vendor}");
            assert!((200..300).contains(&c.success), "{vendor}");
        }
    }
}
