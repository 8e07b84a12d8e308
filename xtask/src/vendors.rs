//! What the tasks know of each vendor: where its spec lives and the good names of its operations.

/// One vendor's entry.
#[derive(Debug)]
pub struct Vendor {
    /// Lower-case name: the folder under `specs/`, the generated file's stem and the cargo feature.
    pub name: &'static str,
    /// How the vendor names itself, for messages and docs.
    pub display: &'static str,
    /// `true` when the vendor publishes no OpenAPI document and ours was written from its prose
    /// reference (then `import` checks the reference page instead of extracting a block).
    pub authored: bool,
    /// Good operation names, by `(method, path)`. An operation missing here gets a stable name
    /// made from its method and path, so a new vendor endpoint never stops generation.
    pub operations: &'static [(&'static str, &'static str, &'static str)],
}

pub const VENDORS: &[Vendor] = &[
    Vendor {
        name: "recoup",
        display: "Recoup",
        authored: false,
        operations: &[("post", "/api/connectors", "authorize_connector")],
    },
    Vendor {
        name: "woopsocial",
        display: "WoopSocial",
        authored: false,
        operations: &[(
            "post",
            "/social-accounts/authorization-url",
            "create_authorization_url",
        )],
    },
    Vendor {
        name: "postbreeze",
        display: "Postbreeze",
        authored: false,
        operations: &[("post", "/social-accounts/connect", "connect_social_account")],
    },
    Vendor {
        name: "aitronos",
        display: "Aitronos",
        authored: true,
        operations: &[(
            "post",
            "/personal-connectors/authorize",
            "authorize_connector",
        )],
    },
    Vendor {
        name: "ocoya",
        display: "Ocoya",
        authored: false,
        operations: &[(
            "post",
            "/social-profiles/connection-url",
            "create_connection_url",
        )],
    },
];

/// The vendor called `name` (case-insensitive), or an error listing the known ones.
pub fn find(name: &str) -> Result<&'static Vendor, String> {
    VENDORS
        .iter()
        .find(|v| v.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let known: Vec<_> = VENDORS.iter().map(|v| v.name).collect();
            format!(
                "unknown vendor `{name}`; known vendors: {}",
                known.join(", ")
            )
        })
}
