//! The floor: a bare hyper server (same runtime shape as the mock's binary: tokio multi-thread,
//! hyper http1) that reads the request body and answers a fixed response per path. Run as this
//! binary with the hidden `--serve-floor ROUTES_JSON`.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

use crate::Result;

/// The answer to one path, as the mock gave it to the probe.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Route {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: String,
}

type Table = BTreeMap<String, (hyper::StatusCode, hyper::header::HeaderValue, Bytes)>;

/// Serves the routes of the JSON file `routes` on a free port of 127.0.0.1, printing
/// `bench floor listening on http://…` first; runs until killed.
pub(crate) fn serve(routes: &Path) -> Result<()> {
    let text = std::fs::read_to_string(routes).map_err(|e| format!("{}: {e}", routes.display()))?;
    let routes: BTreeMap<String, Route> = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mut table = Table::new();
    for (path, r) in routes {
        let status = hyper::StatusCode::from_u16(r.status).map_err(|e| e.to_string())?;
        let ct =
            hyper::header::HeaderValue::from_str(&r.content_type).map_err(|e| e.to_string())?;
        table.insert(path, (status, ct, Bytes::from(r.body)));
    }
    let table = Arc::new(table);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "bench floor listening on http://{addr}");
            let _ = out.flush();
        }
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let table = Arc::clone(&table);
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let table = Arc::clone(&table);
                    async move {
                        let path = req.uri().path().to_owned();
                        let _ = req.into_body().collect().await;
                        let response = match table.get(&path) {
                            Some((status, ct, body)) => {
                                let mut r = hyper::Response::new(Full::new(body.clone()));
                                *r.status_mut() = *status;
                                r.headers_mut()
                                    .insert(hyper::header::CONTENT_TYPE, ct.clone());
                                r
                            }
                            None => {
                                let mut r = hyper::Response::new(Full::new(Bytes::new()));
                                *r.status_mut() = hyper::StatusCode::NOT_FOUND;
                                r
                            }
                        };
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}
