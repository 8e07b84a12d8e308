//! The standalone server: the same [`MockService`] served through hyper directly, with bounded
//! memory (a bounded request log, bounded pending flows, bodies capped at 64 KiB, at most
//! `max_connections` connections, a header-read timeout). The binary uses it.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::service::MockService;
use crate::state::{MockConfig, MockState};

/// Settings of the standalone server.
#[derive(Debug, Clone)]
pub struct StandaloneConfig {
    /// Where to listen (default `127.0.0.1:0`: a free port).
    pub addr: SocketAddr,
    /// The mock's settings.
    pub mock: MockConfig,
    /// Most connections served at once (default 1024); more wait in the accept queue.
    pub max_connections: usize,
}

impl Default for StandaloneConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            mock: MockConfig::default(),
            max_connections: 1024,
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
    service: MockService,
    shutdown: ShutdownHandle,
    task: JoinHandle<()>,
}

#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by scenario")
    }
}

impl std::error::Error for DropConnection {}

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
        let service = MockService::from_parts(
            format!("http://{addr}"),
            String::new(),
            MockVendor::ALL.to_vec(),
            MockState::new(config.mock, true),
        );
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(serve(
            listener,
            service.clone(),
            rx,
            config.max_connections.max(1),
        ));
        Ok(Self {
            addr,
            service,
            shutdown: ShutdownHandle(Arc::new(tx)),
            task,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn uri(&self) -> String {
        self.service.origin().to_owned()
    }

    /// The base URL of a vendor's API.
    pub fn base_url(&self, vendor: MockVendor) -> String {
        self.service.base_url(vendor)
    }

    /// The admin API's base URL.
    pub fn admin_url(&self) -> String {
        self.service.admin_url()
    }

    /// The state and its admin operations.
    pub fn state(&self) -> &MockState {
        self.service.state()
    }

    /// A handle that stops the server from elsewhere (e.g. a signal handler).
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Stops accepting, lets in-flight requests finish (at most 5 s), and waits.
    pub async fn shutdown(self) {
        self.shutdown.shutdown();
        let _ = self.task.await;
    }

    /// Waits until the server has stopped (after a [`ShutdownHandle::shutdown`]).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

async fn serve(
    listener: TcpListener,
    service: MockService,
    mut stop: watch::Receiver<bool>,
    max_connections: usize,
) {
    let permits = Arc::new(Semaphore::new(max_connections));
    let mut tasks = JoinSet::new();
    loop {
        let permit = tokio::select! {
            _ = stop.changed() => break,
            p = Arc::clone(&permits).acquire_owned() => match p { Ok(p) => p, Err(_) => break },
        };
        let stream = tokio::select! {
            _ = stop.changed() => break,
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(_) => { tokio::time::sleep(Duration::from_millis(20)).await; continue; }
            },
        };
        let svc = service.clone();
        let mut conn_stop = stop.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30));
            let conn = builder.serve_connection(
                TokioIo::new(stream),
                service_fn(move |req| respond(svc.clone(), req)),
            );
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = conn_stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(5), conn.as_mut()).await;
                }
            }
        });
        while tasks.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
}

async fn respond(
    svc: MockService,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, DropConnection> {
    let (parts, body) = req.into_parts();
    let max = svc.state().max_body_bytes();
    let body = match Limited::new(body, max).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Bytes::from(vec![0u8; max + 1]),
        Err(_) => return Err(DropConnection),
    };
    let resp = match split_target(&parts.uri) {
        Some((path, query)) => svc.handle(MockRequest {
            method: parts.method,
            path,
            query,
            headers: parts.headers,
            body,
        }),
        None => MockResponse::json(400, &serde_json::json!({"error": "invalid request URI"})),
    };
    if resp.drop_connection {
        return Err(DropConnection);
    }
    if let Some(d) = resp.delay {
        tokio::time::sleep(d).await;
    }
    Ok(to_hyper(resp))
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
    path.starts_with('/')
        && !path.contains("/.")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'))
}

/// A query of printable ASCII that `url` does not percent-encode (for a special scheme it
/// encodes space, `"`, `#`, `<`, `>` and `'`).
fn is_plain_query(query: &str) -> bool {
    query
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'#' | b'<' | b'>' | b'\'' | b'%'))
}

fn to_hyper(resp: MockResponse) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(resp.body));
    *out.status_mut() =
        http::StatusCode::from_u16(resp.status).unwrap_or(http::StatusCode::BAD_GATEWAY);
    *out.headers_mut() = resp.headers;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Those the fast path takes are really taken by it (the test above would pass with none).
        assert!(is_plain_path("/recoup/api/connectors"));
        assert!(is_plain_query("organization_id=org_demo&x=a+b"));
        assert!(!is_plain_path("/a/../b"));
        assert!(!is_plain_query("b=c'd"));
    }
}
