//! The unified client and its builder.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use url::Url;

use crate::session::DEFAULT_SESSION_TTL;
use crate::{AuthorizationLink, ConnectRequest, ConnectSession, Error, Vendor, vendors};

/// The timeout of a whole request when none is set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// An API key: kept out of `Debug`, logs and errors, and sent in a header marked sensitive.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Builds a [`Client`]: keys, base URLs and timeouts per vendor.
///
/// ### Example
/// ```
/// use std::time::Duration;
/// use social_connect::{Client, Vendor};
///
/// let client = Client::builder()
///     .api_key(Vendor::Postbreeze, "pb_live_example")
///     .base_url(Vendor::Postbreeze, "http://127.0.0.1:4010/postbreeze/api/v1")?
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// assert!(!format!("{client:?}").contains("pb_live_example"));
/// # Ok::<(), social_connect::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    keys: BTreeMap<Vendor, Secret>,
    base_urls: BTreeMap<Vendor, Url>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    session_ttl: Option<Duration>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .field("base_urls", &self.base_urls)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ClientBuilder {
    /// Sets the API key for `vendor`, sent in the vendor's own scheme: Recoup `x-api-key`,
    /// WoopSocial and Postbreeze `Authorization: Bearer`, Aitronos and Ocoya `X-API-Key`.
    ///
    /// ### Example
    /// ```
    /// let builder = social_connect::Client::builder()
    ///     .api_key(social_connect::Vendor::Ocoya, "sk_test_owner");
    /// assert!(!format!("{builder:?}").contains("sk_test_owner"));
    /// ```
    pub fn api_key(mut self, vendor: Vendor, key: impl Into<String>) -> Self {
        self.keys.insert(vendor, Secret(key.into()));
        self
    }

    /// Overrides the base URL of `vendor` (the spec's server URL, e.g. a mock's
    /// `http://127.0.0.1:4010/postbreeze/api/v1`). It must be absolute http(s), without query or
    /// fragment.
    ///
    /// ### Example
    /// ```
    /// use social_connect::{Client, Vendor};
    /// assert!(Client::builder().base_url(Vendor::Ocoya, "http://127.0.0.1:4010/ocoya/api/_public/v1").is_ok());
    /// assert!(Client::builder().base_url(Vendor::Ocoya, "not a url").is_err());
    /// ```
    pub fn base_url(mut self, vendor: Vendor, url: impl AsRef<str>) -> Result<Self, Error> {
        let invalid = |reason: String| Error::InvalidConfig { vendor, reason };
        let text = url.as_ref().trim_end_matches('/');
        let parsed = Url::parse(text).map_err(|e| invalid(format!("base URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(invalid("base URL must be absolute http(s)".into()));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("base URL must have no query or fragment".into()));
        }
        self.base_urls.insert(vendor, parsed);
        Ok(self)
    }

    /// Sets the timeout of each whole request (default [`DEFAULT_TIMEOUT`]).
    ///
    /// ### Example
    /// ```
    /// let builder = social_connect::Client::builder()
    ///     .timeout(std::time::Duration::from_secs(5));
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the timeout for establishing a connection (default: the request timeout, at most
    /// 10 seconds).
    ///
    /// ### Example
    /// ```
    /// let builder = social_connect::Client::builder()
    ///     .connect_timeout(std::time::Duration::from_secs(2));
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets how long a [`ConnectSession`] from [`Client::begin`] is accepted (default
    /// [`DEFAULT_SESSION_TTL`], 15 minutes).
    ///
    /// ### Example
    /// ```
    /// let builder = social_connect::Client::builder()
    ///     .session_ttl(std::time::Duration::from_secs(600));
    /// ```
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = Some(ttl);
        self
    }

    /// Builds the client. Vendors without a key can still be reached through their generated
    /// client; [`Client::connect`] refuses them with [`Error::MissingApiKey`].
    ///
    /// ### Example
    /// ```
    /// let client = social_connect::Client::builder().build()?;
    /// # Ok::<(), social_connect::Error>(())
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self
            .connect_timeout
            .unwrap_or_else(|| timeout.min(Duration::from_secs(10)));
        let http = |vendor: Vendor| -> Result<reqwest::Client, Error> {
            http_client(vendor, self.keys.get(&vendor), timeout, connect_timeout)
        };
        // A vendor without a public base URL (Postbreeze) gets its spec's server until one is
        // set; `connect` refuses it without an explicit one.
        let base = |vendor: Vendor| -> String {
            self.base_urls
                .get(&vendor)
                .map(|u| u.as_str().trim_end_matches('/').to_owned())
                .unwrap_or_else(|| vendors::api(vendor).base_url_until_set().to_owned())
        };
        Ok(Client {
            inner: Arc::new(Inner {
                timeout,
                session_ttl: self.session_ttl.unwrap_or(DEFAULT_SESSION_TTL),
                keyed: self.keys.keys().copied().collect(),
                based: Vendor::ALL
                    .into_iter()
                    .filter(|v| self.base_urls.contains_key(v) || v.default_base_url().is_some())
                    .collect(),
                raw: vendors::Clients::new(base, http, |vendor| {
                    let in_query =
                        matches!(vendors::api(vendor).key_scheme(), vendors::Auth::Query(_));
                    self.keys
                        .get(&vendor)
                        .filter(|_| in_query)
                        .map(|Secret(key)| vendors::QueryKey(key.clone()))
                })?,
            }),
        })
    }
}

/// One vendor's HTTP client: its auth header (sensitive), the timeouts, no redirects followed
/// and no retries.
fn http_client(
    vendor: Vendor,
    key: Option<&Secret>,
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::Client, Error> {
    let mut headers = HeaderMap::new();
    // A key the vendor takes in the query is not a header: the vendor's connect sets it.
    let header =
        key.and_then(|Secret(key)| vendors::key_header(vendors::api(vendor).key_scheme(), key));
    if let Some((name, value)) = header {
        // The error must not echo the key.
        let mut value = HeaderValue::from_str(&value).map_err(|_| Error::InvalidConfig {
            vendor,
            reason: "the API key has characters a header cannot carry".into(),
        })?;
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(concat!("social-connect/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        // A connect call mints a single-use URL: never resend it, and never follow a redirect
        // that could carry the key elsewhere.
        .retry(reqwest::retry::never())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::InvalidConfig {
            vendor,
            reason: format!("HTTP client: {e}"),
        })
}

/// One typed client for all five vendors.
///
/// Cheap to clone (an `Arc`). Each vendor has its own connection pool, auth header and the
/// shared timeout. A connect call is never retried automatically: each one mints a single-use
/// authorization URL, and a retry after the first attempt may have reached the vendor would
/// leave two live flows (at Postbreeze, possibly a 409 for the second).
///
/// ### Example
/// ```no_run
/// use social_connect::{Client, ConnectRequest, Provider, Vendor};
///
/// # async fn run() -> Result<(), social_connect::Error> {
/// let client = Client::builder()
///     .api_key(Vendor::WoopSocial, "sk_test_owner")
///     .base_url(Vendor::WoopSocial, "http://127.0.0.1:4010/woopsocial/v1")?
///     .build()?;
/// let link = client
///     .connect(Vendor::WoopSocial, ConnectRequest::new(Provider::LinkedIn).owner("proj_demo"))
///     .await?;
/// println!("open {}", link.url);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    timeout: Duration,
    session_ttl: Duration,
    keyed: Vec<Vendor>,
    based: Vec<Vendor>,
    raw: vendors::Clients,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("vendors_with_keys", &self.inner.keyed)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with no keys, the vendors' own base URLs and [`DEFAULT_TIMEOUT`].
    ///
    /// ### Example
    /// ```
    /// let client = social_connect::Client::builder().build().unwrap();
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Starts a connect flow at `vendor` and returns the URL to open in the user's browser.
    ///
    /// Before any request it checks that the vendor supports the provider, that an owner is
    /// given where the vendor needs one, that a redirect URL is acceptable (and taken by the
    /// vendor), and that a key and base URL are configured. It is never retried (see
    /// [`Client`]).
    ///
    /// ### Example
    /// ```no_run
    /// # async fn run(client: social_connect::Client) -> Result<(), social_connect::Error> {
    /// use social_connect::{ConnectRequest, Error, Provider, Vendor};
    /// match client
    ///     .connect(Vendor::Postbreeze, ConnectRequest::new(Provider::Instagram).owner("ws_demo"))
    ///     .await
    /// {
    ///     Ok(link) => println!("open {}", link.url),
    ///     Err(Error::AlreadyConnected(detail)) => println!("already there: {detail}"),
    ///     Err(other) => return Err(other),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(
        &self,
        vendor: Vendor,
        request: ConnectRequest,
    ) -> Result<AuthorizationLink, Error> {
        let api = vendors::api(vendor);
        let wire = api
            .wire(&request.provider)
            .map_err(|_| Error::UnsupportedProvider {
                vendor,
                provider: request.provider.clone(),
            })?;
        request.check(vendor)?;
        if !self.inner.keyed.contains(&vendor) {
            return Err(Error::MissingApiKey(vendor));
        }
        if !self.inner.based.contains(&vendor) {
            return Err(Error::MissingBaseUrl(vendor));
        }
        api.connect(
            self.inner.raw.endpoint(vendor),
            &request,
            wire,
            self.inner.timeout,
        )
        .await
    }

    /// Starts a connect flow as [`connect`](Self::connect) does, and returns with the link the
    /// [`ConnectSession`] that the app keeps for the user who started it, to check the
    /// redirect back with [`ConnectSession::complete`].
    ///
    /// Where the vendor takes a redirect URL (WoopSocial `redirectUrl`, Recoup `callback_url`),
    /// the URL sent is the request's with the session's nonce appended as
    /// [`NONCE_PARAM`](crate::NONCE_PARAM); the vendors append their results after it, so the
    /// app's own parameters come back first and unchanged.
    ///
    /// ### Example
    /// ```no_run
    /// # async fn run(client: social_connect::Client) -> Result<(), social_connect::Error> {
    /// use social_connect::{ConnectOutcome, ConnectRequest, Provider, Vendor};
    ///
    /// let request = ConnectRequest::new(Provider::FacebookPage)
    ///     .owner("proj_demo")
    ///     .redirect_url("https://app.example.com/connected".parse().unwrap());
    /// let (link, session) = client.begin(Vendor::WoopSocial, request).await?;
    /// // Keep `session` for this user (session store, signed cookie); send the browser to:
    /// println!("{}", link.url);
    ///
    /// // Later, on https://app.example.com/connected?…, with the user's session:
    /// # let back: url::Url = "https://app.example.com/connected".parse().unwrap();
    /// match session.complete(&back)? {
    ///     ConnectOutcome::Connected { account_ids, .. } => println!("connected {account_ids:?}"),
    ///     ConnectOutcome::Failed { error, .. } => println!("not connected: {error}"),
    ///     other => println!("{other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn begin(
        &self,
        vendor: Vendor,
        request: ConnectRequest,
    ) -> Result<(AuthorizationLink, ConnectSession), Error> {
        if let Some(url) = &request.redirect_url
            && url.query_pairs().any(|(k, _)| k == crate::NONCE_PARAM)
        {
            return Err(Error::InvalidRedirectUrl {
                vendor,
                reason: format!(
                    "`{}` is the session's own parameter; the redirect URL must not carry it",
                    crate::NONCE_PARAM
                ),
            });
        }
        let session = ConnectSession::new(
            vendor,
            request.provider.clone(),
            request.owner.clone(),
            request.redirect_url.clone(),
            self.inner.session_ttl,
        )?;
        let mut sent = request;
        if let Some(with_nonce) = session.redirect_for_vendor() {
            sent.redirect_url = Some(with_nonce);
        }
        let link = self.connect(vendor, sent).await?;
        let session = session.with_state(link.state.clone());
        Ok((link, session))
    }

    /// `vendor`'s endpoint (base URL and HTTP client), from which the accessors of the
    /// generated clients (`client.recoup()`, …, in `generated/raw.rs`) build them.
    #[allow(dead_code)] // unused when every vendor's feature is off
    pub(crate) fn endpoint(&self, vendor: Vendor) -> &vendors::Endpoint {
        self.inner.raw.endpoint(vendor)
    }
}
