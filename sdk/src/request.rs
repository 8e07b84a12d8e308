//! What to connect, for whom, and where to send the browser back.

use serde_json::{Map, Value};
use url::Url;

use crate::{Error, Provider, Vendor};

/// A request to start a connect flow at one vendor.
///
/// ### Example
/// ```
/// use social_connect::{ConnectRequest, Provider};
///
/// let request = ConnectRequest::new(Provider::FacebookPage)
///     .owner("proj_demo")
///     .redirect_url("https://app.example.com/oauth/complete".parse().unwrap());
/// assert_eq!(request.owner.as_deref(), Some("proj_demo"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ConnectRequest {
    /// The service to connect.
    pub provider: Provider,
    /// Who owns the connection: WoopSocial `projectId`, Postbreeze/Ocoya `workspaceId`,
    /// Aitronos `organization_id`, Recoup `account_id` (a UUID; omit it for your own account).
    pub owner: Option<String>,
    /// Where the vendor sends the browser after OAuth (WoopSocial `redirectUrl`, Recoup
    /// `callback_url`). Other vendors take none.
    pub redirect_url: Option<Url>,
    /// Aitronos `integration_params` (e.g. a SharePoint site name); other vendors take none.
    pub integration_params: Option<Map<String, Value>>,
}

impl ConnectRequest {
    /// A request for `provider`, with no owner, redirect or extras yet.
    ///
    /// ### Example
    /// ```
    /// let request = social_connect::ConnectRequest::new(social_connect::Provider::X);
    /// assert!(request.owner.is_none());
    /// ```
    pub fn new(provider: Provider) -> Self {
        Self {
            provider,
            owner: None,
            redirect_url: None,
            integration_params: None,
        }
    }

    /// Sets the owner of the connection (project, workspace, organization or account id).
    ///
    /// ### Example
    /// ```
    /// let request = social_connect::ConnectRequest::new(social_connect::Provider::Instagram)
    ///     .owner("ws_demo");
    /// assert_eq!(request.owner.as_deref(), Some("ws_demo"));
    /// ```
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// Sets Recoup's `account_id`: connect for an account you manage (e.g. an artist).
    ///
    /// ### Example
    /// ```
    /// let id = uuid::Uuid::from_u128(2);
    /// let request = social_connect::ConnectRequest::new(social_connect::Provider::TikTok)
    ///     .account_id(id);
    /// assert_eq!(request.owner.as_deref(), Some("00000000-0000-0000-0000-000000000002"));
    /// ```
    pub fn account_id(self, id: uuid::Uuid) -> Self {
        self.owner(id.hyphenated().to_string())
    }

    /// Sets where the vendor sends the browser back to after OAuth. It must be absolute
    /// `http(s)`, without fragment or user info; this is checked before any request.
    ///
    /// ### Example
    /// ```
    /// let request = social_connect::ConnectRequest::new(social_connect::Provider::X)
    ///     .redirect_url("https://app.example.com/done".parse().unwrap());
    /// assert!(request.redirect_url.is_some());
    /// ```
    pub fn redirect_url(mut self, url: Url) -> Self {
        self.redirect_url = Some(url);
        self
    }

    /// Sets Aitronos `integration_params`.
    ///
    /// ### Example
    /// ```
    /// let mut params = serde_json::Map::new();
    /// params.insert("site_name".into(), "Marketing".into());
    /// let request = social_connect::ConnectRequest::new(
    ///     social_connect::Provider::Other("sharepoint".into()),
    /// )
    /// .integration_params(params);
    /// assert!(request.integration_params.is_some());
    /// ```
    pub fn integration_params(mut self, params: Map<String, Value>) -> Self {
        self.integration_params = Some(params);
        self
    }

    /// The checks every vendor shares, made before any request: owner present where required,
    /// redirect URL acceptable, extras only where the vendor takes them.
    pub(crate) fn check(&self, vendor: Vendor) -> Result<(), Error> {
        match self.owner.as_deref() {
            None if vendor.requires_owner() => {
                return Err(Error::MissingOwner {
                    vendor,
                    field: vendor.owner_name().unwrap_or("owner"),
                });
            }
            Some(owner) if vendor.owner_name().is_none() => {
                return Err(Error::InvalidOwner {
                    vendor,
                    owner: owner.to_owned(),
                    reason: "the vendor takes no owner: its connections belong to the key's \
                             own account"
                        .into(),
                });
            }
            Some(owner) if owner.trim().is_empty() || owner.chars().any(char::is_control) => {
                return Err(Error::InvalidOwner {
                    vendor,
                    owner: owner.to_owned(),
                    reason: "it is empty or has control characters".into(),
                });
            }
            _ => {}
        }
        if let Some(url) = &self.redirect_url {
            if !vendor.accepts_redirect_url() {
                return Err(Error::InvalidRedirectUrl {
                    vendor,
                    reason: format!(
                        "{vendor} takes no redirect URL; it shows its own completion page"
                    ),
                });
            }
            check_redirect_url(url)
                .map_err(|reason| Error::InvalidRedirectUrl { vendor, reason })?;
        }
        if self.integration_params.is_some() && !vendor.accepts_integration_params() {
            return Err(Error::UnsupportedField {
                vendor,
                field: "integration_params",
            });
        }
        Ok(())
    }
}

/// An acceptable redirect target: absolute http(s) with a host, no fragment, no user info.
pub(crate) fn check_redirect_url(url: &Url) -> Result<(), String> {
    if !matches!(url.scheme(), "https" | "http") {
        return Err(format!("scheme `{}` is not http or https", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    if url.fragment().is_some() {
        return Err("it has a fragment".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it carries user info".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap()
    }

    #[test]
    fn redirect_urls_are_checked() {
        assert!(check_redirect_url(&url("https://app.example.com/cb?x=1")).is_ok());
        assert!(check_redirect_url(&url("http://127.0.0.1:8080/cb")).is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "https://app.example.com/cb#frag",
            "https://user:pw@app.example.com/cb",
            "ftp://example.com/x",
        ] {
            assert!(
                check_redirect_url(&url(bad)).is_err(),
                "{bad} must be refused"
            );
        }
    }

    #[test]
    fn owners_are_required_where_vendors_require_them() {
        let request = ConnectRequest::new(Provider::Instagram);
        for vendor in [
            Vendor::WoopSocial,
            Vendor::Postbreeze,
            Vendor::Aitronos,
            Vendor::Ocoya,
        ] {
            assert!(
                matches!(request.check(vendor), Err(Error::MissingOwner { .. })),
                "{vendor}"
            );
        }
        assert!(request.check(Vendor::Recoup).is_ok());
        assert!(matches!(
            request.clone().owner("  ").check(Vendor::Ocoya),
            Err(Error::InvalidOwner { .. })
        ));
    }

    #[test]
    fn integration_params_only_at_aitronos() {
        let request = ConnectRequest::new(Provider::Other("sharepoint".into()))
            .owner("o")
            .integration_params(Map::new());
        assert!(request.check(Vendor::Aitronos).is_ok());
        assert!(matches!(
            request.check(Vendor::Ocoya),
            Err(Error::UnsupportedField {
                field: "integration_params",
                ..
            })
        ));
    }

    #[test]
    fn redirects_only_where_vendors_take_them() {
        let request = ConnectRequest::new(Provider::Instagram)
            .owner("ws")
            .redirect_url(url("https://app.example.com/cb"));
        assert!(request.check(Vendor::WoopSocial).is_ok());
        assert!(request.check(Vendor::Recoup).is_ok());
        for vendor in [Vendor::Postbreeze, Vendor::Aitronos, Vendor::Ocoya] {
            assert!(matches!(
                request.check(vendor),
                Err(Error::InvalidRedirectUrl { .. })
            ));
        }
    }
}
