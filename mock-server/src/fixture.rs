//! The fixture: API keys, the resources they may act on, and the accounts already connected.
//!
//! A fixture is plain JSON (its schema: `social-connect-mock schema`); [`Fixture::default`] is the
//! demo data documented in the crate docs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::core::MockVendor;
use crate::core::vendor::DemoMembers;

/// The whole data set a mock starts from (and returns to on reset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// API keys every vendor accepts, each in its own scheme. Any other key gets a 401.
    pub api_keys: Vec<ApiKey>,
    /// Per vendor (by its lower-case name: `recoup`, `woopsocial`, …), the owners of
    /// connections that keys may act on: Recoup accounts (ids are uuids), WoopSocial projects,
    /// Postbreeze workspaces (only members with role owner or admin may connect), Aitronos
    /// organizations, Ocoya workspaces. A vendor missing here has none.
    #[serde(default)]
    pub owners: BTreeMap<MockVendor, Vec<Resource>>,
    /// The Facebook pages the fake provider offers on WoopSocial's page-selection screen.
    #[serde(default)]
    pub facebook_pages: Vec<FacebookPage>,
    /// Accounts connected before any flow runs.
    #[serde(default)]
    pub connected_accounts: Vec<ConnectedAccount>,
}

/// An API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    /// The secret value, sent as `x-api-key`, `X-API-Key` or `Authorization: Bearer`.
    pub key: String,
    /// A label for humans.
    #[serde(default)]
    pub name: String,
    /// The key's own Recoup account, used when a Recoup request omits `account_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recoup_account_id: Option<String>,
}

/// A project, workspace, organization or account that keys may act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// The vendor's identifier.
    pub id: String,
    /// A label for humans.
    #[serde(default)]
    pub name: String,
    /// Which keys may act on it, and in which role.
    #[serde(default)]
    pub members: Vec<Membership>,
}

/// One key's role in a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The API key.
    pub key: String,
    /// Its role.
    pub role: Role,
}

/// A member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Owner: may do everything.
    Owner,
    /// Admin: may connect accounts.
    Admin,
    /// Plain member: Postbreeze refuses it a connect (403).
    Member,
}

/// A Facebook page the fake provider offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FacebookPage {
    /// The page id (used in the selection form and in `pages=` for automation).
    pub id: String,
    /// The page name.
    pub name: String,
}

/// An account connected to a vendor resource (from the fixture or by a completed flow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectedAccount {
    /// The account id (WoopSocial reports these as `socialAccountIds`).
    pub id: String,
    /// The vendor it is connected at.
    pub vendor: MockVendor,
    /// The owning project / workspace / organization / Recoup account id.
    pub owner_id: String,
    /// The vendor's platform / connector / provider value, as sent in the connect request.
    pub platform: String,
    /// A display name.
    #[serde(default)]
    pub name: String,
    /// The Facebook page id, for a page connected through page selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// When it was connected (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_at: Option<String>,
}

/// Why a fixture could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read fixture file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The JSON is not a valid fixture.
    #[error("invalid fixture JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A string of the fixture is longer than the mock keeps ([`MAX_FIXTURE_STRING`]): owner
    /// ids, keys and names are copied into every flow and account, so each is capped.
    #[error("fixture {field} is {len} bytes long; at most {MAX_FIXTURE_STRING} are taken")]
    TooLong {
        /// Where it is (`owners.woopsocial[0].id`).
        field: String,
        /// Its length in bytes.
        len: usize,
    },
}

/// The longest string a fixture may hold (an id, a key, a name, a role, a platform), in bytes.
pub const MAX_FIXTURE_STRING: usize = 256;

/// The owner key of the default fixture: owner/admin of everything.
pub const OWNER_KEY: &str = "sk_test_owner";
/// The member key of the default fixture: a plain member everywhere.
pub const MEMBER_KEY: &str = "sk_test_member";
/// The owner's own Recoup account.
pub const RECOUP_OWN_ACCOUNT: &str = "00000000-0000-4000-8000-000000000001";
/// A Recoup artist account the owner manages.
pub const RECOUP_ARTIST_ACCOUNT: &str = "00000000-0000-4000-8000-000000000002";
/// The member key's own Recoup account.
pub const RECOUP_MEMBER_ACCOUNT: &str = "00000000-0000-4000-8000-000000000003";

/// A demo owner of a vendor's manifest as a fixture resource.
fn demo(id: &str, name: &str, members: DemoMembers) -> Resource {
    let member = |key: &str, role| Membership {
        key: key.to_owned(),
        role,
    };
    Resource {
        id: id.to_owned(),
        name: name.to_owned(),
        members: match members {
            DemoMembers::Both => vec![
                member(OWNER_KEY, Role::Owner),
                member(MEMBER_KEY, Role::Member),
            ],
            DemoMembers::Owner => vec![member(OWNER_KEY, Role::Owner)],
            DemoMembers::Member => vec![member(MEMBER_KEY, Role::Owner)],
        },
    }
}

impl Default for Fixture {
    /// The demo fixture: keys `sk_test_owner` and `sk_test_member`; each vendor's demo owners
    /// from its manifest (`mock.demo_owners`): Recoup accounts `…0001` (the owner's own),
    /// `…0002` (an artist the owner manages), `…0003` (the member's own); WoopSocial project
    /// `proj_demo`; Postbreeze workspace `ws_demo` with an INSTAGRAM account connected; Aitronos
    /// organization `org_demo`; Ocoya workspace `ws_demo`; three Facebook pages.
    fn default() -> Self {
        Self {
            api_keys: vec![
                ApiKey {
                    key: OWNER_KEY.to_owned(),
                    name: "Owner".to_owned(),
                    recoup_account_id: Some(RECOUP_OWN_ACCOUNT.to_owned()),
                },
                ApiKey {
                    key: MEMBER_KEY.to_owned(),
                    name: "Member".to_owned(),
                    recoup_account_id: Some(RECOUP_MEMBER_ACCOUNT.to_owned()),
                },
            ],
            owners: MockVendor::ALL
                .into_iter()
                .map(|vendor| {
                    let owners = vendor.demo_owners().iter();
                    (
                        vendor,
                        owners.map(|o| demo(o.id, o.name, o.members)).collect(),
                    )
                })
                .collect(),
            facebook_pages: vec![
                FacebookPage {
                    id: "fbp_1001".to_owned(),
                    name: "Demo Bakery".to_owned(),
                },
                FacebookPage {
                    id: "fbp_1002".to_owned(),
                    name: "Demo Band".to_owned(),
                },
                FacebookPage {
                    id: "fbp_1003".to_owned(),
                    name: "Demo Bookshop".to_owned(),
                },
            ],
            connected_accounts: vec![ConnectedAccount {
                id: "acc_demo_instagram".to_owned(),
                vendor: MockVendor::Postbreeze,
                owner_id: "ws_demo".to_owned(),
                platform: "INSTAGRAM".to_owned(),
                name: "@demo".to_owned(),
                page_id: None,
                connected_at: None,
            }],
        }
    }
}

impl Fixture {
    /// Parses a fixture from JSON, and checks it ([`Fixture::check`]).
    pub fn from_json(json: &str) -> Result<Self, FixtureError> {
        let fixture: Self = serde_json::from_str(json)?;
        fixture.check()?;
        Ok(fixture)
    }

    /// Refuses a string longer than [`MAX_FIXTURE_STRING`], naming where it is.
    pub fn check(&self) -> Result<(), FixtureError> {
        let mut strings: Vec<(String, &str)> = Vec::new();
        for (i, k) in self.api_keys.iter().enumerate() {
            strings.push((format!("api_keys[{i}].key"), &k.key));
            strings.push((format!("api_keys[{i}].name"), &k.name));
            if let Some(a) = &k.recoup_account_id {
                strings.push((format!("api_keys[{i}].recoup_account_id"), a));
            }
        }
        for (vendor, resources) in &self.owners {
            for (i, r) in resources.iter().enumerate() {
                let at = format!("owners.{}[{i}]", vendor.slug());
                strings.push((format!("{at}.id"), &r.id));
                strings.push((format!("{at}.name"), &r.name));
                for (j, m) in r.members.iter().enumerate() {
                    strings.push((format!("{at}.members[{j}].key"), &m.key));
                }
            }
        }
        for (i, p) in self.facebook_pages.iter().enumerate() {
            strings.push((format!("facebook_pages[{i}].id"), &p.id));
            strings.push((format!("facebook_pages[{i}].name"), &p.name));
        }
        for (i, a) in self.connected_accounts.iter().enumerate() {
            let at = format!("connected_accounts[{i}]");
            for (name, value) in [
                ("id", Some(&a.id)),
                ("owner_id", Some(&a.owner_id)),
                ("platform", Some(&a.platform)),
                ("name", Some(&a.name)),
                ("page_id", a.page_id.as_ref()),
                ("connected_at", a.connected_at.as_ref()),
            ] {
                if let Some(v) = value {
                    strings.push((format!("{at}.{name}"), v));
                }
            }
        }
        match strings
            .into_iter()
            .find(|(_, v)| v.len() > MAX_FIXTURE_STRING)
        {
            Some((field, v)) => Err(FixtureError::TooLong {
                field,
                len: v.len(),
            }),
            None => Ok(()),
        }
    }

    /// Reads a fixture from a JSON file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }

    pub(crate) fn key_known(&self, key: &str) -> bool {
        self.api_keys.iter().any(|k| k.key == key)
    }

    pub(crate) fn resources(&self, vendor: MockVendor) -> &[Resource] {
        self.owners.get(&vendor).map_or(&[], Vec::as_slice)
    }

    /// The role of `key` in `vendor`'s resource `id`; `None` if unknown or not a member.
    pub(crate) fn role(&self, vendor: MockVendor, id: &str, key: &str) -> Option<Role> {
        self.resources(vendor)
            .iter()
            .find(|r| r.id == id)?
            .members
            .iter()
            .find(|m| m.key == key)
            .map(|m| m.role)
    }
}
