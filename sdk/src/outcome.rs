//! The result of a connect flow, read from the redirect back to the app.

use crate::{Provider, Vendor};

/// How a connect flow ended, as the vendor reports it on the redirect back to the app.
///
/// ### Example
/// ```
/// use social_connect::{ConnectOutcome, Provider, Vendor};
///
/// let back: url::Url = "https://app.example.com/done?status=success&projectId=proj_demo\
///     &platform=FACEBOOK&socialAccountIds=sa_1,sa_2".parse().unwrap();
/// match ConnectOutcome::from_redirect(Vendor::WoopSocial, &back).unwrap() {
///     ConnectOutcome::Connected { account_ids, provider, .. } => {
///         assert_eq!(provider, Provider::FacebookPage);
///         assert_eq!(account_ids, ["sa_1", "sa_2"]);
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectOutcome {
    /// The accounts were connected.
    Connected {
        /// The vendor.
        vendor: Vendor,
        /// The owner the accounts were connected to.
        owner: String,
        /// The provider connected.
        provider: Provider,
        /// The vendor's ids of the connected accounts (several after a Facebook page selection).
        account_ids: Vec<String>,
    },
    /// The flow failed or the user declined.
    Failed {
        /// The vendor.
        vendor: Vendor,
        /// The owner of the attempted connection.
        owner: String,
        /// The provider requested.
        provider: Provider,
        /// The vendor's OAuth callback error code (e.g. `access_denied`).
        error: String,
    },
    /// The redirect is this session's return, but the vendor reports nothing on it (Recoup,
    /// Postbreeze, Aitronos, Ocoya): confirm through the vendor's API that `owner` now has an
    /// account for `provider` (Postbreeze and Aitronos: the flow whose `state` this is).
    /// Only [`ConnectSession::complete`](crate::ConnectSession::complete) answers this.
    Unconfirmed {
        /// The vendor.
        vendor: Vendor,
        /// Where to look for the new account (the owner the flow was started for; `None` for
        /// Recoup's own account).
        owner: Option<String>,
        /// The provider requested.
        provider: Provider,
        /// The vendor's OAuth `state` of the flow, where it returned one.
        state: Option<String>,
    },
}

// `ConnectOutcome::from_redirect`, which asks the vendor's module, is implemented in
// `vendors/common.rs`: this file stays a value type that knows no vendor module.
