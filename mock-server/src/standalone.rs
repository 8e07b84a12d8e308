//! The standalone server: the same [`MockService`] served through hyper directly, with every
//! connection bounded in time and memory. The binary uses it.
//!
//! What bounds it (the figures are [`StandaloneConfig`]'s defaults):
//! - **time**: a request's head must arrive within 10 s, its body within 10 s, and a response
//!   must make progress on the socket at least every 10 s, else the connection is closed;
//! - **connections**: at most 1,024; at the cap a new connection is served and the one that has
//!   gone longest without finishing a request (a client dripping a body, an idle keep-alive) is
//!   closed, so clients that hold connections cannot lock out one that sends a request;
//! - **memory**: a request head is at most 32 KiB (431 beyond), a body 64 KiB (413), and
//!   responses over 64 KiB (admin reads) share a 32 MiB budget (503 with `Retry-After` when
//!   it is spent) that a response holds until it is written (within 30 s, three write
//!   timeouts, else its connection is closed) or its connection is gone. The
//!   state's own caps are on [`MockState`]. docs/mock-in-ci.md, "Bounds", adds it up.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::limits::{
    Busy, Limits, Live, MAX_HEAD_BYTES, OutBody, Reserved, WriteDeadline, millis_since,
    shed_stalest,
};
use crate::service::MockService;
use crate::state::{MockConfig, MockState, Seed};
use crate::tenants::Tenants;

/// The longest HTTP method the standalone server takes (`PROPPATCH` is 9, `VERSION-CONTROL` 15);
/// a longer one is answered 501 before it reaches the mock, or its log.
pub const MAX_METHOD: usize = 32;

/// How long a stopping server lets in-flight requests finish: short enough that a container
/// stops well within the 2 s a CI gives it (`docker stop` sends SIGTERM, then SIGKILL), long
/// enough for any answer but a scenario's latency. Idle keep-alive connections close at once.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// Settings of the standalone server.
#[derive(Debug, Clone)]
pub struct StandaloneConfig {
    /// Where to listen (default `127.0.0.1:0`: a free port).
    pub addr: SocketAddr,
    /// The mock's settings.
    pub mock: MockConfig,
    /// Most connections open at once (default 1024), and at most what the process's open-file
    /// limit leaves room for ([`StandaloneServer::max_connections`] says what was used). At
    /// the cap, and whenever `accept` finds no descriptor free, a new connection is served and
    /// the one that has gone longest without finishing a request is closed.
    pub max_connections: usize,
    /// How long a request's head (request line and headers) may take to arrive (default 10 s).
    pub header_timeout: Duration,
    /// How long a request's body may take to arrive (default 10 s; then 408 and the
    /// connection is closed).
    pub body_timeout: Duration,
    /// How long a response may wait for the client to take its next bytes (default 10 s; then
    /// the connection is closed).
    pub write_timeout: Duration,
    /// Bytes that responses over 64 KiB (admin reads) may hold at once (default 32 MiB); a
    /// large response that does not fit is answered 503 with `Retry-After: 1`.
    pub large_response_budget: usize,
    /// Most tenants (`{origin}/t/{tenant}/…`) kept at once (default 1,000); beyond, the least
    /// recently used is forgotten.
    pub max_tenants: usize,
    /// What the tenants may weigh together, by the mock's count (default 128 MiB; each pending
    /// flow, code and account counted at the most it can weigh, and the request logs at their
    /// size); beyond, the least recently used tenants other than the one just used are
    /// forgotten.
    pub tenant_budget: usize,
    /// The base every minted URL is built on (authorization links, forms, callbacks, Ocoya's
    /// start URL, the tenants' URLs), for a mock reached through a port mapping or a proxy
    /// ([`PublicUrl::parse`]). `None` (the default): `http://{addr}`, with loopback in place of
    /// an unspecified address (`0.0.0.0`, `::`), so that a client on the same machine can open
    /// what the mock mints.
    pub public_url: Option<PublicUrl>,
}

/// The base URL a mock behind a port mapping or a proxy is reached at: `http` or `https`, a
/// host, an optional port and an optional path prefix (`http://localhost:18080/mock`), no
/// credentials, query or fragment.
///
/// The mock mints every URL on it. A request whose path starts with the prefix is served as if
/// it did not (a proxy may strip the prefix or pass it on).
///
/// ### Example
/// ```
/// use social_connect_mock::standalone::PublicUrl;
///
/// let url = PublicUrl::parse("http://localhost:18080/mock/").unwrap();
/// assert_eq!(url.as_str(), "http://localhost:18080/mock");
/// assert_eq!(url.path_prefix(), "/mock");
/// assert!(PublicUrl::parse("ftp://example.com").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// No trailing `/`.
    base: String,
    /// `""` or `/a/b` (no trailing `/`).
    prefix_len: usize,
}

/// Why a [`PublicUrl`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicUrlError {
    /// Not a URL at all.
    #[error("not a URL: {0}")]
    Invalid(String),
    /// A scheme other than `http` or `https`.
    #[error("the public URL must be http or https, not {0}")]
    Scheme(String),
    /// Credentials, a query or a fragment: the mock appends paths and queries itself.
    #[error("the public URL must be a scheme, host, optional port and optional path, without {0}")]
    Extra(&'static str),
}

impl PublicUrl {
    /// Checks and normalises a public URL (a trailing `/` is dropped).
    pub fn parse(s: &str) -> Result<Self, PublicUrlError> {
        let url = url::Url::parse(s.trim()).map_err(|e| PublicUrlError::Invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(PublicUrlError::Scheme(url.scheme().to_owned()));
        }
        if url.host().is_none() {
            return Err(PublicUrlError::Invalid("no host".to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(PublicUrlError::Extra("credentials"));
        }
        if url.query().is_some() {
            return Err(PublicUrlError::Extra("a query"));
        }
        if url.fragment().is_some() {
            return Err(PublicUrlError::Extra("a fragment"));
        }
        let prefix = url.path().trim_end_matches('/');
        let origin = url.origin().ascii_serialization();
        Ok(Self {
            base: format!("{origin}{prefix}"),
            prefix_len: prefix.len(),
        })
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// Its path (`""` when it has none, else `/…` without a trailing `/`).
    pub fn path_prefix(&self) -> &str {
        &self.base[self.base.len() - self.prefix_len..]
    }
}

impl std::fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.base)
    }
}

impl std::str::FromStr for PublicUrl {
    type Err = PublicUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The address a client on the same machine reaches a listener bound to `addr` at: loopback of
/// the same family for an unspecified address (`0.0.0.0`, `::`), else `addr`.
///
/// ```
/// use std::net::SocketAddr;
/// let any: SocketAddr = "0.0.0.0:4010".parse().unwrap();
/// assert_eq!(social_connect_mock::standalone::reachable(any).to_string(), "127.0.0.1:4010");
/// ```
pub fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

/// The bound address as an admin `Host` name: none for all interfaces (loopback, always
/// allowed, is what a client on the machine uses then).
fn bound_host(addr: SocketAddr) -> Option<String> {
    (!addr.ip().is_unspecified()).then(|| addr.ip().to_string())
}

impl Default for StandaloneConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            mock: MockConfig::default(),
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            large_response_budget: 32 * 1024 * 1024,
            max_tenants: 1000,
            tenant_budget: 128 * 1024 * 1024,
            public_url: None,
        }
    }
}

impl StandaloneConfig {
    /// `127.0.0.1:port` (0: any free port) with the default mock settings.
    pub fn on_port(port: u16) -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            ..Self::default()
        }
    }

    /// Replaces the mock settings.
    pub fn with_mock(mut self, mock: MockConfig) -> Self {
        self.mock = mock;
        self
    }
}

/// Stops a running [`StandaloneServer`] (cheap to clone).
#[derive(Debug, Clone)]
pub struct ShutdownHandle(Arc<watch::Sender<bool>>);

impl ShutdownHandle {
    /// Asks the server to stop accepting and to finish in-flight requests.
    pub fn shutdown(&self) {
        let _ = self.0.send(true);
    }
}

/// The mock served by hyper on one port, all five vendors at their prefixes.
///
/// Everything it serves is also served under `{origin}/t/{tenant}/…`, where `{tenant}` is 1
/// to 64 of `A-Z a-z 0-9 _ -` (anything else: 400): each tenant is a world of its own (fixture,
/// pending flows, codes, accounts, scenarios, mode, request log), created from the server's
/// fixture by a vendor call carrying its key or an admin write sent as JSON (anything else under
/// an unknown tenant is a 404), so that parallel tests can share one server. The URLs a tenant mints stay
/// inside it, and its request log records paths inside it (without `/t/{tenant}`). The bare
/// origin is the default tenant. `GET /__admin/tenants` lists the others with their sizes,
/// `DELETE /t/{tenant}/__admin` forgets one (with the admin API's guards, so sent as
/// `application/json`). At most [`StandaloneConfig::max_tenants`] are kept, and no more than
/// [`StandaloneConfig::tenant_budget`] of them by weight: beyond either, the least recently
/// used are forgotten.
///
/// ### Example
/// ```
/// use social_connect_mock::{MockVendor, StandaloneConfig, StandaloneServer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let server = StandaloneServer::start(StandaloneConfig::on_port(0)).await?;
/// println!("Recoup at {}", server.base_url(MockVendor::Recoup));
/// assert!(server.addr().ip().is_loopback());
/// server.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct StandaloneServer {
    addr: SocketAddr,
    max_connections: usize,
    tenants: Arc<Tenants>,
    shutdown: ShutdownHandle,
    task: JoinHandle<()>,
}

#[derive(Debug, thiserror::Error)]
#[error("connection dropped by scenario")]
struct DropConnection;

impl StandaloneServer {
    /// Binds and starts serving in the background.
    ///
    /// ### Example
    /// ```
    /// use social_connect_mock::{MockConfig, Mode, StandaloneConfig, StandaloneServer};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let config = StandaloneConfig::on_port(0).with_mock(MockConfig::default().with_mode(Mode::Lax));
    /// let server = StandaloneServer::start(config).await?;
    /// let stop = server.shutdown_handle(); // e.g. for a signal handler
    /// assert_ne!(server.addr().port(), 0);
    /// stop.shutdown();
    /// server.wait().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(config: StandaloneConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let mut mock = config.mock;
        // The bound address stays an admin host under a public URL (which takes the origin's
        // place), as it is without one.
        mock.allowed_hosts.extend(bound_host(addr));
        // One fixture, with its keys' automaton, for the default tenant and every other (until
        // one loads its own).
        let seed = Seed::new(std::mem::take(&mut mock.fixture));
        let origin = match &config.public_url {
            Some(url) => url.as_str().to_owned(),
            None => format!("http://{}", reachable(addr)),
        };
        let prefix: Arc<str> = config
            .public_url
            .as_ref()
            .map_or("", PublicUrl::path_prefix)
            .into();
        let service = MockService::from_parts(
            origin,
            String::new(),
            MockVendor::ALL.to_vec(),
            MockState::with_seed(&seed, &mock, true),
            true,
        );
        let tenants = Arc::new(Tenants::new(
            service,
            mock,
            seed,
            config.max_tenants,
            config.tenant_budget,
        ));
        let (tx, rx) = watch::channel(false);
        let max_connections = connection_cap(config.max_connections);
        let limits = Limits::new(
            max_connections,
            config.header_timeout,
            config.body_timeout,
            config.write_timeout,
            config.large_response_budget,
        );
        let task = tokio::spawn(serve(listener, Arc::clone(&tenants), rx, limits, prefix));
        Ok(Self {
            addr,
            max_connections,
            tenants,
            shutdown: ShutdownHandle(Arc::new(tx)),
            task,
        })
    }

    /// Most connections it keeps open at once: [`StandaloneConfig::max_connections`], or less
    /// where the open-file limit leaves less room.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL the mock mints on: the [public URL](StandaloneConfig::public_url) when one was
    /// given, else `http://ADDR` (loopback in place of an unspecified address).
    pub fn uri(&self) -> String {
        self.service().origin().to_owned()
    }

    /// The base URL of a vendor's API.
    pub fn base_url(&self, vendor: MockVendor) -> String {
        self.service().base_url(vendor)
    }

    /// The admin API's base URL.
    pub fn admin_url(&self) -> String {
        self.service().admin_url()
    }

    /// The state and its admin operations (of the default tenant, the bare origin).
    pub fn state(&self) -> &MockState {
        self.service().state()
    }

    fn service(&self) -> &MockService {
        self.tenants.default_service()
    }

    /// A handle that stops the server from elsewhere (e.g. a signal handler).
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Stops accepting, lets in-flight requests finish (at most [`SHUTDOWN_GRACE`]), and waits.
    pub async fn shutdown(self) {
        self.shutdown.shutdown();
        let _ = self.task.await;
    }

    /// Waits until the server has stopped (after a [`ShutdownHandle::shutdown`]).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Descriptors the connection cap leaves for what is not a connection: the listener, the
/// runtime's, the standard streams, a file read or written (a fixture, the address file).
const SPARE_DESCRIPTORS: usize = 32;

/// `wanted`, or less where the process's open-file limit leaves less room beside the
/// descriptors already open and [`SPARE_DESCRIPTORS`]: a cap above the limit never triggers,
/// as `accept` fails first.
fn connection_cap(wanted: usize) -> usize {
    #[cfg(unix)]
    if let Ok((soft, _)) = rlimit::Resource::NOFILE.get() {
        let open = ["/proc/self/fd", "/dev/fd"]
            .iter()
            .find_map(|d| std::fs::read_dir(d).ok())
            .map_or(SPARE_DESCRIPTORS, Iterator::count);
        let room = usize::try_from(soft)
            .unwrap_or(usize::MAX)
            .saturating_sub(open + SPARE_DESCRIPTORS);
        return wanted.min(room).max(1);
    }
    wanted.max(1)
}

/// Whether `accept` failed for lack of a descriptor (`EMFILE`, `ENFILE`: 24 and 23 on Linux
/// and the BSDs).
fn out_of_descriptors(e: &std::io::Error) -> bool {
    cfg!(unix) && matches!(e.raw_os_error(), Some(23 | 24))
}

/// Forgets the connections whose tasks have ended.
fn reap(tasks: &mut JoinSet<()>, live: &mut HashMap<tokio::task::Id, Live>) {
    while let Some(done) = tasks.try_join_next_with_id() {
        live.remove(&done.map_or_else(|e| e.id(), |(id, ())| id));
    }
}

/// Waits (at most 100 ms) until the task of connection `shed`, aborted, has ended and so
/// closed its socket.
async fn until_gone(
    tasks: &mut JoinSet<()>,
    live: &mut HashMap<tokio::task::Id, Live>,
    shed: tokio::task::Id,
) {
    let _ = tokio::time::timeout(Duration::from_millis(100), async {
        while let Some(done) = tasks.join_next_with_id().await {
            let id = done.map_or_else(|e| e.id(), |(id, ())| id);
            live.remove(&id);
            if id == shed {
                return;
            }
        }
    })
    .await;
}

async fn serve(
    listener: TcpListener,
    service: Arc<Tenants>,
    mut stop: watch::Receiver<bool>,
    limits: Limits,
    prefix: Arc<str>,
) {
    let epoch = Instant::now();
    let mut tasks = JoinSet::new();
    let mut live: HashMap<tokio::task::Id, Live> = HashMap::new();
    loop {
        let stream = tokio::select! {
            _ = stop.changed() => break,
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(e) if out_of_descriptors(&e) => {
                    // The cap did not keep descriptors free (another part of the process took
                    // them, or the limit was lowered): make room as at the cap, and wait until
                    // the closed connection's descriptor is back.
                    reap(&mut tasks, &mut live);
                    match shed_stalest(&mut live) {
                        Some(shed) => until_gone(&mut tasks, &mut live, shed).await,
                        None => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                    continue;
                }
                Err(_) => { tokio::time::sleep(Duration::from_millis(20)).await; continue; }
            },
        };
        reap(&mut tasks, &mut live);
        if live.len() >= limits.max_connections {
            shed_stalest(&mut live);
        }
        let now = millis_since(epoch);
        let last_done = Arc::new(AtomicU64::new(now));
        let svc = Arc::clone(&service);
        let mut conn_stop = stop.clone();
        let lim = limits.clone();
        let stamp = Arc::clone(&last_done);
        let prefix = Arc::clone(&prefix);
        let abort = tasks.spawn(async move {
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(lim.header_timeout)
                .max_header_size(MAX_HEAD_BYTES)
                .max_buf_size(MAX_HEAD_BYTES * 2);
            let io = WriteDeadline::new(stream, lim.write_timeout);
            let conn = builder.serve_connection(
                TokioIo::new(io),
                service_fn(move |req| {
                    respond(
                        Arc::clone(&svc),
                        req,
                        Arc::clone(&prefix),
                        lim.clone(),
                        Arc::clone(&stamp),
                        epoch,
                    )
                }),
            );
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = conn_stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn.as_mut()).await;
                }
            }
        });
        live.insert(abort.id(), Live { last_done, abort });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
}

async fn respond(
    svc: Arc<Tenants>,
    req: hyper::Request<Incoming>,
    prefix: Arc<str>,
    limits: Limits,
    last_done: Arc<AtomicU64>,
    epoch: Instant,
) -> Result<hyper::Response<OutBody>, DropConnection> {
    let (parts, body) = req.into_parts();
    if parts.method.as_str().len() > MAX_METHOD {
        // hyper takes any token up to the head's limit as a method; the log would keep it.
        let resp = MockResponse::error(
            501,
            &format!(
                "a method is at most {MAX_METHOD} characters (the mock serves GET, POST, PUT, \
                 DELETE and the like)"
            ),
        )
        .header("connection", "close");
        return Ok(to_hyper(resp, None));
    }
    let max = svc.default_service().state().max_body_bytes();
    let read = tokio::time::timeout(limits.body_timeout, Limited::new(body, max).collect()).await;
    let (body, body_too_large) = match read {
        Ok(Ok(b)) => (b.to_bytes(), false),
        // Refused unread: whoever the path names answers 413 (`MockService::handle_routed`).
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => (Bytes::new(), true),
        Ok(Err(_)) => return Err(DropConnection),
        Err(_) => {
            let resp = MockResponse::error(408, "the request body did not arrive in time")
                .header("connection", "close");
            return Ok(to_hyper(resp, None));
        }
    };
    let resp = match split_target(&parts.uri) {
        Some((path, query)) => svc.handle(MockRequest {
            path: without_prefix(path, &prefix),
            method: parts.method,
            query,
            headers: parts.headers,
            body,
            body_too_large,
        }),
        None => MockResponse::error(400, "invalid request URI"),
    };
    last_done.store(millis_since(epoch), Ordering::Relaxed);
    if resp.drop_connection {
        return Err(DropConnection);
    }
    if let Some(d) = resp.delay {
        tokio::time::sleep(d).await;
    }
    let permit = match limits.reserve(resp.body.len()) {
        Ok(permit) => permit,
        Err(Busy) => {
            let busy = MockResponse::error(503, "too many large responses are being sent; retry")
                .header("retry-after", "1");
            return Ok(to_hyper(busy, None));
        }
    };
    Ok(to_hyper(resp, permit))
}

/// `path` without the public URL's path prefix, when it starts with it (a proxy that passes the
/// prefix on); else as it is (a proxy that strips it, or a client on the same machine).
fn without_prefix(path: String, prefix: &str) -> String {
    if prefix.is_empty() {
        return path;
    }
    match path.strip_prefix(prefix) {
        Some("") => "/".to_owned(),
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => path,
    }
}

/// The path and query of a request target, normalised as wiremock does it (through
/// `url::Url`), so that both adapters see the same path. A plain origin-form target, which the
/// parser would give back unchanged, skips the parse.
fn split_target(uri: &http::Uri) -> Option<(String, Option<String>)> {
    if uri.authority().is_none()
        && let Some(pq) = uri.path_and_query()
        && is_plain_path(pq.path())
        && pq.query().is_none_or(is_plain_query)
    {
        return Some((pq.path().to_owned(), pq.query().map(str::to_owned)));
    }
    let raw = match uri.authority() {
        Some(_) => uri.to_string(),
        None => format!("http://localhost{uri}"),
    };
    let url = url::Url::parse(&raw).ok()?;
    Some((url.path().to_owned(), url.query().map(str::to_owned)))
}

/// An absolute path of unreserved characters with no dot segment: `url` keeps it as it is.
fn is_plain_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.first() == Some(&b'/')
        && bytes.iter().all(|&b| PLAIN_PATH[usize::from(b)])
        && !bytes.windows(2).any(|w| w == b"/.")
}

/// A query of printable ASCII that `url` does not percent-encode (for a special scheme it
/// encodes space, `"`, `#`, `<`, `>` and `'`).
fn is_plain_query(query: &str) -> bool {
    query.bytes().all(|b| PLAIN_QUERY[usize::from(b)])
}

/// The bytes of a plain path.
static PLAIN_PATH: [bool; 256] =
    byte_table!(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'));

/// The bytes of a plain query.
static PLAIN_QUERY: [bool; 256] =
    byte_table!(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'#' | b'<' | b'>' | b'\'' | b'%'));

fn to_hyper(resp: MockResponse, budget: Option<Reserved>) -> hyper::Response<OutBody> {
    let mut out = hyper::Response::new(OutBody::new(resp.body, budget));
    *out.status_mut() =
        http::StatusCode::from_u16(resp.status).unwrap_or(http::StatusCode::BAD_GATEWAY);
    *out.headers_mut() = resp.headers;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_address_is_an_admin_host_whatever_the_public_url() {
        use crate::{MockRequest, MockService};
        for (bound, host) in [
            ("192.0.2.7:4010", "192.0.2.7:4010"),
            ("[2001:db8::1]:4010", "[2001:db8::1]:4010"),
        ] {
            let addr: SocketAddr = bound.parse().unwrap();
            let mut mock = MockConfig::default();
            mock.allowed_hosts.extend(bound_host(addr));
            let service = MockService::from_parts(
                "http://mock.public.invalid:18080/mock".to_owned(),
                String::new(),
                MockVendor::ALL.to_vec(),
                crate::state::MockState::with_seed(&crate::state::Seed::default(), &mock, true),
                false,
            );
            let mut req = MockRequest::new(http::Method::GET, "/__admin");
            req.headers
                .insert(http::header::HOST, http::HeaderValue::from_static(host));
            assert_eq!(service.handle(req).status, 200, "{bound}");
            let mut req = MockRequest::new(http::Method::GET, "/__admin");
            req.headers.insert(
                http::header::HOST,
                http::HeaderValue::from_static("elsewhere.invalid"),
            );
            assert_eq!(service.handle(req).status, 403, "{bound}");
        }
        assert_eq!(bound_host("0.0.0.0:1".parse().unwrap()), None);
        assert_eq!(bound_host("[::]:1".parse().unwrap()), None);
    }

    #[test]
    fn a_public_url_is_a_scheme_host_port_and_path_only() {
        let url = PublicUrl::parse(" https://Mock.Example:8443/ci/mock/ ").unwrap();
        assert_eq!(url.as_str(), "https://mock.example:8443/ci/mock");
        assert_eq!(url.to_string(), url.as_str());
        assert_eq!(url.path_prefix(), "/ci/mock");
        assert_eq!("http://h".parse::<PublicUrl>().unwrap().path_prefix(), "");
        // A user name alone, or a password alone, is a credential.
        for s in ["http://user@h/", "http://:pw@h/", "http://u:pw@h/"] {
            assert_eq!(
                PublicUrl::parse(s),
                Err(PublicUrlError::Extra("credentials")),
                "{s}"
            );
        }
        assert_eq!(
            PublicUrl::parse("http://h/?q"),
            Err(PublicUrlError::Extra("a query"))
        );
        assert_eq!(
            PublicUrl::parse("http://h/#f"),
            Err(PublicUrlError::Extra("a fragment"))
        );
        assert!(matches!(
            PublicUrl::parse("ftp://h/"),
            Err(PublicUrlError::Scheme(s)) if s == "ftp"
        ));
        assert!(matches!(
            PublicUrl::parse("not a url"),
            Err(PublicUrlError::Invalid(_))
        ));
    }

    #[test]
    fn only_an_unspecified_address_is_reached_over_loopback() {
        let cases = [
            ("0.0.0.0:1", "127.0.0.1:1"),
            ("[::]:2", "[::1]:2"),
            ("127.0.0.2:3", "127.0.0.2:3"),
            ("10.1.2.3:4", "10.1.2.3:4"),
            ("[::1]:5", "[::1]:5"),
            ("[fe80::1]:6", "[fe80::1]:6"),
        ];
        for (bound, reached) in cases {
            let bound: SocketAddr = bound.parse().unwrap();
            assert_eq!(reachable(bound).to_string(), reached, "{bound}");
        }
    }

    #[tokio::test]
    async fn shutdown_stops_serving_before_it_returns() {
        let server = StandaloneServer::start(StandaloneConfig::on_port(0))
            .await
            .unwrap();
        let addr = server.addr();
        assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
        server.shutdown().await;
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }

    #[tokio::test]
    async fn wait_returns_once_a_handle_has_stopped_the_server() {
        let server = StandaloneServer::start(StandaloneConfig::on_port(0))
            .await
            .unwrap();
        let (addr, stop) = (server.addr(), server.shutdown_handle());
        let waiting = tokio::spawn(server.wait());
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished(), "wait returned while serving");
        stop.shutdown();
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("wait returns after the stop")
            .unwrap();
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }

    #[test]
    fn a_dropped_connection_says_why_in_hypers_log() {
        assert_eq!(DropConnection.to_string(), "connection dropped by scenario");
    }

    #[test]
    fn the_public_paths_prefix_is_taken_off_whole_segments_only() {
        let cases = [
            ("/mock/recoup/api", "/mock", "/recoup/api"),
            ("/mock", "/mock", "/"),
            ("/mock/", "/mock", "/"),
            // Not under the prefix: a path that only starts with the same letters.
            ("/mockery", "/mock", "/mockery"),
            ("/recoup/api", "/mock", "/recoup/api"),
            ("/recoup/api", "", "/recoup/api"),
        ];
        for (path, prefix, kept) in cases {
            assert_eq!(without_prefix(path.to_owned(), prefix), kept, "{path}");
        }
    }

    #[test]
    fn on_port_binds_loopback_with_the_default_settings() {
        let c = StandaloneConfig::on_port(4010);
        assert_eq!(c.addr, SocketAddr::from((Ipv4Addr::LOCALHOST, 4010)));
        let d = StandaloneConfig::default();
        assert_eq!(
            (c.max_connections, c.max_tenants, c.tenant_budget),
            (d.max_connections, d.max_tenants, d.tenant_budget)
        );
    }

    /// What the slow path (a full `url::Url` parse) makes of a target.
    fn parsed(target: &str) -> Option<(String, Option<String>)> {
        let url = url::Url::parse(&format!("http://localhost{target}")).ok()?;
        Some((url.path().to_owned(), url.query().map(str::to_owned)))
    }

    #[test]
    fn the_fast_path_agrees_with_the_url_parser() {
        let targets = [
            "/recoup/api/connectors",
            "/aitronos/v1/personal-connectors/authorize?organization_id=org_demo",
            "/__provider/authorize?response_type=code&client_id=woopsocial&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2F__vendor%2Fwoopsocial%2Fcallback&state=abc-_&x=a+b",
            "/a/./b",
            "/a/../b",
            "/a/%2e%2E/b",
            "/.well-known/x",
            "/a//b",
            "/a~b/c.d?e=f~g&h=i/j?k",
            "/a?b=c'd",
            "/a?b=\"c\"",
            "/a?b=%zz",
            "/a%20b",
            "/ä",
            "/a?q=ä",
            "/a?",
            "/",
        ];
        for t in targets {
            let Ok(uri) = t.parse::<http::Uri>() else {
                continue;
            };
            assert_eq!(split_target(&uri), parsed(t), "{t}");
        }
        // Every printable byte, in a path and in a query: the fast path's tables agree with
        // the parser byte by byte.
        for b in 0x21u8..0x7f {
            let c = char::from(b);
            for t in [format!("/a{c}b"), format!("/a?q={c}")] {
                if let Ok(uri) = t.parse::<http::Uri>() {
                    assert_eq!(split_target(&uri), parsed(&t), "{t}");
                }
            }
        }
        // Those the fast path takes are really taken by it (the test above would pass with none).
        assert!(is_plain_path("/recoup/api/connectors"));
        assert!(is_plain_query("organization_id=org_demo&x=a+b"));
        assert!(!is_plain_path("/a/../b"));
        assert!(!is_plain_query("b=c'd"));
    }
}
