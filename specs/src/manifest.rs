//! What social-connect knows of each vendor that its spec does not state: its manifest,
//! `specs/<vendor>/vendor.toml`, as `cargo xtask codegen` last read it ([`crate::manifest()`]).
//! The SDK and the mock read it here; xtask reads the manifests themselves.

/// A vendor's manifest: which fields carry what the unified model names, the mock's rules, and
/// what the vendor appends to the redirect back to the app.
///
/// ```
/// for vendor in social_connect_spec::vendors() {
///     let manifest = social_connect_spec::manifest(vendor).expect("every vendor has one");
///     assert!(manifest.mock.mount.starts_with('/'));
/// }
/// assert!(social_connect_spec::manifest("nobody").is_none());
/// ```
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Manifest {
    /// Its connect operation's fields (`[connect]`).
    pub connect: ConnectFields,
    /// The mock's rules for it (`[mock]`).
    pub mock: MockRules,
    /// What it appends to the app's redirect URL at the end of a flow (`[redirect_result]`).
    pub redirect_result: Option<RedirectResult>,
}

impl Manifest {
    /// A manifest that names nothing: what a vendor the table lacks is served with (which the
    /// crates' tests forbid).
    pub const EMPTY: Manifest = Manifest {
        connect: ConnectFields {
            owner: None,
            provider: "",
            redirect: None,
            params: None,
            link: "",
        },
        mock: MockRules {
            mount: "",
            owner_kind: "",
            account_prefix: "",
            one_account_per_platform: false,
            sample_provider: "",
            demo_owners: &[],
        },
        redirect_result: None,
    };
}

/// Which fields of a vendor's connect operation carry what the unified model names, and where
/// the link is in its answer.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectFields {
    /// The parameter or body field that names the owner, if any.
    pub owner: Option<&'static str>,
    /// The parameter or body field that names the provider.
    pub provider: &'static str,
    /// The field that takes the URL the browser is sent back to, if any.
    pub redirect: Option<&'static str>,
    /// The body field that takes the request's integration parameters, if any.
    pub params: Option<&'static str>,
    /// The JSON pointer of the link in the success answer.
    pub link: &'static str,
}

/// The mock's rules for a vendor that its spec does not state.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockRules {
    /// Where the mock serves it, before the path of its spec's first server.
    pub mount: &'static str,
    /// What the vendor calls the owner of a connection, for the pages (`Project`).
    pub owner_kind: &'static str,
    /// The prefix of the ids of the accounts its flows connect (`sa` → `sa_000042`).
    pub account_prefix: &'static str,
    /// At most one connected account per platform and owner (Postbreeze's
    /// `CHANNEL_ALREADY_CONNECTED`): a completion that would add a second fails.
    pub one_account_per_platform: bool,
    /// The provider of the sample connect request, as the vendor spells it.
    pub sample_provider: &'static str,
    /// The owners the mock's default fixture gives the vendor.
    pub demo_owners: &'static [DemoOwner],
}

/// An owner the mock's default fixture gives a vendor.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DemoOwner {
    /// Its id.
    pub id: &'static str,
    /// Its name, for the pages.
    pub name: &'static str,
    /// Which of the default fixture's keys may act on it.
    pub members: DemoMembers,
}

/// Which of the mock's default fixture's keys may act on a [`DemoOwner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoMembers {
    /// The owner key as owner and the member key as a plain member.
    Both,
    /// The owner key alone, as owner.
    Owner,
    /// The member key alone, as owner (its own account).
    Member,
}

/// What a vendor appends to the app's redirect URL at the end of a flow, where its docs say it
/// reports the outcome there (WoopSocial): the query parameters' names and the values of the
/// status. The SDK reads an outcome with it, and the mock writes one.
///
/// ```
/// for vendor in social_connect_spec::vendors() {
///     if let Some(result) = social_connect_spec::redirect_result(vendor) {
///         assert_ne!(result.success, result.failure);
///         assert!(result.keys().contains(&result.status));
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedirectResult {
    /// The parameter that says how the flow ended.
    pub status: &'static str,
    /// Its value for a connection made.
    pub success: &'static str,
    /// Its value for a flow that failed.
    pub failure: &'static str,
    /// The parameter naming the owner of the connection.
    pub owner: &'static str,
    /// The parameter naming the provider, as the vendor spells it.
    pub provider: &'static str,
    /// The parameter listing the connected accounts' ids, comma-separated (on success).
    pub accounts: &'static str,
    /// The parameter carrying the error code (on failure).
    pub error: &'static str,
}

impl RedirectResult {
    /// Every parameter it appends.
    pub fn keys(&self) -> [&'static str; 5] {
        [
            self.status,
            self.owner,
            self.provider,
            self.accounts,
            self.error,
        ]
    }
}
