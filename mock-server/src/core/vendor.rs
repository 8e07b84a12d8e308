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

/// What the shared OAuth engine needs to know of a vendor, chosen by the vendor's module when
/// it starts a flow (so the engine never asks which vendor it is serving).
#[derive(Debug)]
pub(crate) struct FlowRules {
    /// What the vendor calls the owner of a connection, for the pages (`Project`).
    pub(crate) owner_kind: &'static str,
    /// The prefix of the ids of the accounts its flows connect (`sa` → `sa_000042`).
    pub(crate) account_prefix: &'static str,
    /// At most one connected account per platform and owner (Postbreeze's
    /// `CHANNEL_ALREADY_CONNECTED`): a completion that would add a second fails.
    pub(crate) one_account_per_platform: bool,
}

/// An owner the default fixture gives a vendor (from its manifest).
#[derive(Debug)]
pub(crate) struct DemoOwner {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) members: DemoMembers,
}

/// Which of the default fixture's keys may act on a [`DemoOwner`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum DemoMembers {
    /// The owner key as owner and the member key as a plain member.
    Both,
    /// The owner key alone, as owner.
    Owner,
    /// The member key alone, as owner (its own account).
    Member,
}

/// Which fields of a vendor's connect operation carry what the unified model names, and where
/// the link is in its answer (from its manifest).
#[derive(Debug)]
pub(crate) struct ConnectFields {
    /// The parameter or body field that names the owner, if any.
    pub(crate) owner: Option<&'static str>,
    /// The parameter or body field that names the provider.
    pub(crate) provider: &'static str,
    /// The field that takes the URL the browser is sent back to, if any.
    pub(crate) redirect: Option<&'static str>,
    /// The JSON pointer of the link in the success answer.
    pub(crate) link: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

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
