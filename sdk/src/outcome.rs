//! The result of a connect flow, read from the redirect back to the app.

use url::Url;

use crate::{Error, Provider, Vendor};

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
}

impl ConnectOutcome {
    /// Reads the outcome from the URL the vendor redirected the browser to.
    ///
    /// Only WoopSocial documents result parameters (`status`, `projectId`, `platform`,
    /// `socialAccountIds` or `error`); `status` and `error` are read before any id. For the
    /// other vendors this returns [`Error::NotReportedByRedirect`]: confirm through their API.
    ///
    /// ### Example
    /// ```
    /// use social_connect::{ConnectOutcome, Error, Vendor};
    /// let back: url::Url = "https://app.example.com/done".parse().unwrap();
    /// assert!(matches!(
    ///     ConnectOutcome::from_redirect(Vendor::Postbreeze, &back),
    ///     Err(Error::NotReportedByRedirect(Vendor::Postbreeze))
    /// ));
    /// ```
    pub fn from_redirect(vendor: Vendor, url: &Url) -> Result<Self, Error> {
        match vendor {
            Vendor::WoopSocial => woopsocial(url),
            other => Err(Error::NotReportedByRedirect(other)),
        }
    }
}

fn woopsocial(url: &Url) -> Result<ConnectOutcome, Error> {
    let vendor = Vendor::WoopSocial;
    let invalid = |reason: String| Error::InvalidRedirect { vendor, reason };
    let param = |name: &str| -> Result<Option<String>, Error> {
        let mut values = url.query_pairs().filter(|(k, _)| k == name).map(|(_, v)| v);
        let first = values.next().map(|v| v.into_owned());
        if values.next().is_some() {
            return Err(invalid(format!("`{name}` appears more than once")));
        }
        Ok(first)
    };
    let required = |name: &str| -> Result<String, Error> {
        param(name)?
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(format!("`{name}` is missing")))
    };
    let status = required("status")?;
    let error = param("error")?;
    match status.as_str() {
        "error" => {
            let error = error
                .filter(|e| !e.is_empty())
                .ok_or_else(|| invalid("`status=error` without an `error` code".into()))?;
            Ok(ConnectOutcome::Failed {
                vendor,
                owner: required("projectId")?,
                provider: crate::vendors::woopsocial_provider(&required("platform")?),
                error,
            })
        }
        "success" => {
            if let Some(error) = error {
                return Err(invalid(format!(
                    "`status=success` together with `error={error}`"
                )));
            }
            let ids = required("socialAccountIds")?;
            let account_ids: Vec<String> = ids.split(',').map(str::to_owned).collect();
            if account_ids.iter().any(|id| id.trim().is_empty()) {
                return Err(invalid(format!("`socialAccountIds={ids}` has an empty id")));
            }
            Ok(ConnectOutcome::Connected {
                vendor,
                owner: required("projectId")?,
                provider: crate::vendors::woopsocial_provider(&required("platform")?),
                account_ids,
            })
        }
        other => Err(invalid(format!(
            "`status={other}` is neither success nor error"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(query: &str) -> Result<ConnectOutcome, Error> {
        let url = Url::parse(&format!("https://app.example.com/cb?{query}")).unwrap();
        ConnectOutcome::from_redirect(Vendor::WoopSocial, &url)
    }

    #[test]
    fn success_with_several_ids() {
        let got =
            outcome("status=success&projectId=p&platform=LINKEDIN_PAGES&socialAccountIds=a,b,c")
                .unwrap();
        assert_eq!(
            got,
            ConnectOutcome::Connected {
                vendor: Vendor::WoopSocial,
                owner: "p".into(),
                provider: Provider::LinkedInPage,
                account_ids: vec!["a".into(), "b".into(), "c".into()],
            }
        );
    }

    #[test]
    fn error_is_read_before_ids() {
        // A failed flow never has ids to read; stray ones are ignored, not trusted.
        let got =
            outcome("status=error&projectId=p&platform=X&error=access_denied&socialAccountIds=a")
                .unwrap();
        assert!(
            matches!(got, ConnectOutcome::Failed { ref error, .. } if error == "access_denied")
        );
    }

    #[test]
    fn malformed_redirects_are_typed_errors() {
        for query in [
            "",
            "status=maybe&projectId=p&platform=X",
            "status=success&projectId=p&platform=X",
            "status=success&projectId=p&platform=X&socialAccountIds=a,,b",
            "status=success&projectId=p&platform=X&socialAccountIds=a&error=oops",
            "status=error&projectId=p&platform=X",
            "status=success&status=error&projectId=p&platform=X&socialAccountIds=a",
            "status=success&platform=X&socialAccountIds=a",
        ] {
            assert!(
                matches!(outcome(query), Err(Error::InvalidRedirect { .. })),
                "{query:?} must be refused"
            );
        }
    }

    #[test]
    fn unknown_platforms_are_kept() {
        let got =
            outcome("status=success&projectId=p&platform=MASTODON&socialAccountIds=a").unwrap();
        assert!(
            matches!(got, ConnectOutcome::Connected { provider: Provider::Other(ref p), .. } if p == "MASTODON")
        );
    }

    #[test]
    fn vendors_without_a_documented_redirect_say_so() {
        let url = Url::parse("https://app.example.com/cb?status=success").unwrap();
        for vendor in [
            Vendor::Recoup,
            Vendor::Postbreeze,
            Vendor::Aitronos,
            Vendor::Ocoya,
        ] {
            assert!(matches!(
                ConnectOutcome::from_redirect(vendor, &url),
                Err(Error::NotReportedByRedirect(v)) if v == vendor
            ));
        }
    }
}
