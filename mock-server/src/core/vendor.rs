//! Vendor identity: which vendors there are, their names and the paths they are served under.
//! What a vendor *does* lives in its module under `vendors/`; what the shared flow engine needs
//! to know of it is handed down as data ([`FlowRules`]).

use std::fmt;

use schemars::JsonSchema;

use crate::contract::Contract;
use serde::{Deserialize, Serialize};

/// One of the five mocked vendors.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum MockVendor {
    /// Recoup: `POST /api/connectors`, served under `/recoup`.
    Recoup,
    /// WoopSocial: `POST /social-accounts/authorization-url`, served under `/woopsocial/v1`.
    WoopSocial,
    /// Postbreeze: `POST /social-accounts/connect`, served under `/postbreeze/api/v1`.
    Postbreeze,
    /// Aitronos: `POST /personal-connectors/authorize`, served under `/aitronos/v1`.
    Aitronos,
    /// Ocoya: `POST /social-profiles/connection-url`, served under `/ocoya/api/_public/v1`.
    Ocoya,
}

impl MockVendor {
    /// All five, in a stable order.
    pub const ALL: [MockVendor; 5] = [
        MockVendor::Recoup,
        MockVendor::WoopSocial,
        MockVendor::Postbreeze,
        MockVendor::Aitronos,
        MockVendor::Ocoya,
    ];

    /// The lower-case name used in URLs and JSON (`recoup`, `woopsocial`, …).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Recoup => "recoup",
            Self::WoopSocial => "woopsocial",
            Self::Postbreeze => "postbreeze",
            Self::Aitronos => "aitronos",
            Self::Ocoya => "ocoya",
        }
    }

    /// The vendor's display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Recoup => "Recoup",
            Self::WoopSocial => "WoopSocial",
            Self::Postbreeze => "Postbreeze",
            Self::Aitronos => "Aitronos",
            Self::Ocoya => "Ocoya",
        }
    }

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
        let c = crate::contract::ALL[self.index()];
        debug_assert_eq!(
            c.vendor,
            self.slug(),
            "contract::ALL is in MockVendor::ALL order"
        );
        c
    }

    /// The path prefix the vendor's API is served under (its base URL is `origin + prefix`):
    /// `/{slug}` and the path of the first server URL its spec names.
    pub fn prefix(self) -> &'static str {
        self.contract().mock_prefix
    }

    /// The connect endpoint's path, relative to [`prefix`](Self::prefix), as its spec names it.
    pub fn connect_path(self) -> &'static str {
        self.contract().path
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
