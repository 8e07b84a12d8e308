//! The wiremock adapter: mount the vendors into a [`wiremock::MockServer`].
//!
//! wiremock keeps a copy of every request it matches for as long as the server lives (see the
//! crate docs), so this adapter is for tests; the binary uses the standalone hyper server.
//! wiremock always sends a response, so the `drop_connection` scenario is refused here
//! ([`AdminError::Unsupported`](crate::admin::AdminError::Unsupported), HTTP 501 on the admin API).
//!
//! It has no tenants (`/t/{tenant}/…` is the standalone server's): a `MockServer` per test is
//! already a world of its own, so start one per test (`MockVendors::start().await`) rather
//! than sharing one between tests.

use bytes::Bytes;
use wiremock::matchers::{any, path_regex};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::service::MockService;
use crate::state::{MockConfig, MockState};

struct Responder(MockService);

impl Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let req = MockRequest {
            method: request.method.clone(),
            path: request.url.path().to_owned(),
            query: request.url.query().map(str::to_owned),
            headers: request.headers.clone(),
            body: Bytes::from(request.body.clone()),
            body_too_large: false,
        };
        to_template(self.0.handle(req))
    }
}

fn to_template(resp: MockResponse) -> ResponseTemplate {
    let mut t = ResponseTemplate::new(
        http::StatusCode::from_u16(resp.status).unwrap_or(http::StatusCode::BAD_GATEWAY),
    );
    for (n, v) in &resp.headers {
        t = t.append_header(n.clone(), v.clone());
    }
    t = t.set_body_bytes(resp.body.to_vec());
    if let Some(d) = resp.delay {
        t = t.set_delay(d);
    }
    t
}

/// All five vendors on one wiremock server, at the same prefixes as the binary.
///
/// ### Example
/// ```
/// use social_connect_mock::{MockVendor, MockVendors};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mock = MockVendors::start().await;
/// let base = mock.base_url(MockVendor::Postbreeze); // http://127.0.0.1:PORT/postbreeze/api/v1
/// assert!(base.ends_with("/postbreeze/api/v1"));
/// assert_eq!(mock.state().accounts().len(), 1); // the fixture's Instagram account
/// # }
/// ```
#[derive(Debug)]
pub struct MockVendors {
    server: MockServer,
    service: MockService,
}

impl MockVendors {
    /// Starts a wiremock server with the default configuration and mounts all five vendors.
    ///
    /// ### Example
    /// ```
    /// use social_connect_mock::{MockVendor, MockVendors};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = MockVendors::start().await;
    /// assert_eq!(mock.base_url(MockVendor::Recoup), format!("{}/recoup", mock.uri()));
    /// assert_eq!(mock.admin_url(), format!("{}/__admin", mock.uri()));
    /// # }
    /// ```
    pub async fn start() -> Self {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts a wiremock server with `config` and mounts all five vendors.
    ///
    /// ### Example
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use social_connect_mock::{clock::ManualClock, MockConfig, MockVendors, Mode};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let clock = Arc::new(ManualClock::new());
    /// let config = MockConfig::default()
    ///     .with_mode(Mode::Lax)
    ///     .with_state_ttl(Duration::from_secs(60))
    ///     .with_clock(clock.clone());
    /// let mock = MockVendors::start_with(config).await;
    /// assert_eq!(mock.state().mode(), Mode::Lax);
    /// clock.advance(Duration::from_secs(61)); // every state minted so far is now expired
    /// # }
    /// ```
    pub async fn start_with(config: MockConfig) -> Self {
        let server = MockServer::start().await;
        let service = MockService::from_parts(
            server.uri(),
            String::new(),
            MockVendor::ALL.to_vec(),
            MockState::new(config, false),
            false,
        );
        Mock::given(any())
            .respond_with(Responder(service.clone()))
            .named("social-connect-mock: all vendors")
            .mount(&server)
            .await;
        Self { server, service }
    }

    /// The base URL of a vendor's API, e.g. `http://127.0.0.1:PORT/recoup`.
    pub fn base_url(&self, vendor: MockVendor) -> String {
        self.service.base_url(vendor)
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.service.origin().to_owned()
    }

    /// The admin API's base URL, `http://127.0.0.1:PORT/__admin`.
    pub fn admin_url(&self) -> String {
        self.service.admin_url()
    }

    /// The state and its admin operations.
    pub fn state(&self) -> &MockState {
        self.service.state()
    }

    /// The transport-free service behind the server.
    pub fn service(&self) -> &MockService {
        &self.service
    }

    /// The underlying wiremock server (mount more mocks on it if you like).
    pub fn server(&self) -> &MockServer {
        &self.server
    }
}

/// One vendor mounted into a caller's [`MockServer`].
///
/// Its API is at the vendor's usual prefix; its flow and admin routes are under `/{vendor}`
/// (`/{vendor}/__provider/…`, `/{vendor}/__vendor/…`, `/{vendor}/__admin/…`), so several vendors
/// mounted one by one into the same server do not collide (each has its own state).
#[derive(Debug, Clone)]
pub struct MountedVendor {
    vendor: MockVendor,
    service: MockService,
}

impl MountedVendor {
    /// Which vendor.
    pub fn vendor(&self) -> MockVendor {
        self.vendor
    }
    /// The vendor's base URL, e.g. `http://127.0.0.1:PORT/postbreeze/api/v1`.
    pub fn base_url(&self) -> String {
        self.service.base_url(self.vendor)
    }
    /// The admin API's base URL, `http://127.0.0.1:PORT/{vendor}/__admin`.
    pub fn admin_url(&self) -> String {
        self.service.admin_url()
    }
    /// The state and its admin operations.
    pub fn state(&self) -> &MockState {
        self.service.state()
    }
    /// The transport-free service.
    pub fn service(&self) -> &MockService {
        &self.service
    }
}

impl MockVendor {
    /// Mounts this vendor (default configuration) into `server`.
    ///
    /// ### Example
    /// ```
    /// use social_connect_mock::MockVendor;
    /// use wiremock::MockServer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = MockServer::start().await;
    /// let aitronos = MockVendor::Aitronos.mount(&server).await;
    /// assert_eq!(aitronos.base_url(), format!("{}/aitronos/v1", server.uri()));
    /// # }
    /// ```
    pub async fn mount(self, server: &MockServer) -> MountedVendor {
        self.mount_with(server, MockConfig::default()).await
    }

    /// Mounts this vendor with `config` into `server`.
    pub async fn mount_with(self, server: &MockServer, config: MockConfig) -> MountedVendor {
        let service = MockService::from_parts(
            server.uri(),
            format!("/{}", self.slug()),
            vec![self],
            MockState::new(config, false),
            false,
        );
        Mock::given(path_regex(format!("^/{}(/|$)", self.slug())))
            .respond_with(Responder(service.clone()))
            .named(format!("social-connect-mock: {}", self.slug()))
            .mount(server)
            .await;
        MountedVendor {
            vendor: self,
            service,
        }
    }
}
