//! The soak: many requests against one mock process, its memory sampled between chunks of load;
//! then its hostile phase: the same load beside clients that drip bodies, ask for the whole
//! request log and never read it, and send the longest URLs, against a run without them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use social_connect_mock::MockVendor;
use social_connect_mock::samples;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};

use crate::wrk::Load;
use crate::{Bench, Result};

/// Connections that hold a request body back, more than the mock's 1,024-connection cap.
const DRIPPERS: usize = 1_100;
/// Readers of `GET /__admin/requests` that never read.
const UNREAD_READERS: usize = 8;
/// Seconds of each of the two wrk runs of the hostile phase.
const HOSTILE_SECS: u64 = 10;

/// The hostile phase: the normal load alone, then beside the attackers, on the same process.
#[derive(Debug, Default)]
pub(crate) struct Hostile {
    pub(crate) alone: Load,
    pub(crate) attacked: Load,
    /// Connections the attackers opened (the mock closed the rest to make room).
    pub(crate) attacker_connections: u64,
    /// Long-URL requests answered during the attacked run.
    pub(crate) long_urls: u64,
    pub(crate) rss_before_kb: u64,
    pub(crate) rss_after_kb: u64,
    pub(crate) hwm_kb: u64,
}

/// The soak's results; `samples` are (requests so far, RSS in kB).
#[derive(Debug, Default)]
pub(crate) struct Soak {
    pub(crate) requests: u64,
    pub(crate) errors: u64,
    pub(crate) secs: f64,
    pub(crate) rss_start_kb: u64,
    pub(crate) rss_settled_kb: u64,
    pub(crate) rss_end_kb: u64,
    pub(crate) hwm_kb: u64,
    pub(crate) samples: Vec<(u64, u64)>,
    pub(crate) hostile: Option<Result<Hostile>>,
}

impl Bench {
    /// `total` requests against one mock process, rotating over the vendors.
    pub(crate) fn soak(&self, total: u64) -> Result<Soak> {
        let (mut mock, origin) = self.start_mock("soak")?;
        let mut soak = Soak {
            rss_start_kb: mock.rss_kb().unwrap_or(0),
            ..Soak::default()
        };
        let started = Instant::now();
        let mut rate = 0.0_f64;
        let mut round = 0usize;
        // Chunks of load, rotating over the vendors, until `total` requests have been answered;
        // the mock's RSS is sampled between chunks.
        while soak.requests < total {
            let v = MockVendor::ALL[round % MockVendor::ALL.len()];
            round += 1;
            let left = (total - soak.requests) as f64;
            let secs = if rate > 0.0 {
                (left / rate).ceil().clamp(1.0, 10.0) as u64
            } else {
                5
            };
            let url = format!("{origin}{}", samples::connect(v).target());
            let script = self.wrk_script(v, "soak")?;
            let load = self.wrk(&url, &script, secs)?;
            if load.requests == 0 {
                return Err(format!("no request answered ({})", v.name()));
            }
            rate = load.rps;
            soak.requests += load.requests;
            soak.errors += load.errors;
            let rss = mock.rss_kb().unwrap_or(0);
            soak.samples.push((soak.requests, rss));
            if mock.exited() {
                return Err("the mock exited during the soak".to_owned());
            }
        }
        soak.secs = started.elapsed().as_secs_f64();
        soak.rss_end_kb = mock.rss_kb().unwrap_or(0);
        soak.hwm_kb = mock.hwm_kb().unwrap_or(0);
        // "Settled": the first sample after 10% of the requests (the pending-flow cap is full).
        soak.rss_settled_kb = soak
            .samples
            .iter()
            .find(|(n, _)| *n >= total / 10)
            .map_or(soak.rss_start_kb, |(_, r)| *r);
        eprintln!("bench: soak, hostile phase …");
        soak.hostile = Some(self.hostile(&mut mock, &origin));
        Ok(soak)
    }

    /// Postbreeze connects for [`HOSTILE_SECS`] alone, then as long again beside the attackers;
    /// the mock's memory around them.
    fn hostile(&self, mock: &mut crate::procs::Proc, origin: &str) -> Result<Hostile> {
        let v = MockVendor::Postbreeze;
        let url = format!("{origin}{}", samples::connect(v).target());
        let script = self.wrk_script(v, "hostile")?;
        let addr: SocketAddr = origin
            .trim_start_matches("http://")
            .parse()
            .map_err(|e| format!("{origin}: {e}"))?;
        let alone = self.wrk(&url, &script, HOSTILE_SECS)?;
        let rss_before_kb = mock.rss_kb().unwrap_or(0);
        let stop = Arc::new(AtomicBool::new(false));
        let (opened, long_urls) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let mut attackers = Vec::new();
        for i in 0..DRIPPERS {
            let (stop, opened) = (Arc::clone(&stop), Arc::clone(&opened));
            attackers.push(self.runtime.spawn(drip(addr, i, stop, opened)));
        }
        for _ in 0..UNREAD_READERS {
            let (stop, opened) = (Arc::clone(&stop), Arc::clone(&opened));
            attackers.push(self.runtime.spawn(unread_reader(addr, stop, opened)));
        }
        {
            let (stop, n) = (Arc::clone(&stop), Arc::clone(&long_urls));
            attackers.push(
                self.runtime
                    .spawn(long_urls_loop(origin.to_owned(), stop, n)),
            );
        }
        // Let the drippers take their places first.
        std::thread::sleep(Duration::from_secs(2));
        let attacked = self.wrk(&url, &script, HOSTILE_SECS);
        stop.store(true, Ordering::Relaxed);
        for a in attackers {
            a.abort();
        }
        let attacked = attacked?;
        if mock.exited() {
            return Err("the mock exited during the hostile phase".to_owned());
        }
        Ok(Hostile {
            alone,
            attacked,
            attacker_connections: opened.load(Ordering::Relaxed),
            long_urls: long_urls.load(Ordering::Relaxed),
            rss_before_kb,
            rss_after_kb: mock.rss_kb().unwrap_or(0),
            hwm_kb: mock.hwm_kb().unwrap_or(0),
        })
    }
}

/// A request head whose body comes a byte a second: by `Content-Length`, chunked, or to the
/// admin API. Reconnects when the mock closes it.
async fn drip(addr: SocketAddr, i: usize, stop: Arc<AtomicBool>, opened: Arc<AtomicU64>) {
    let head = match i % 3 {
        0 => {
            "POST /postbreeze/api/v1/social-accounts/connect HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
        }
        1 => {
            "POST /recoup/api/connectors HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n"
        }
        _ => {
            "PUT /__admin/fixture HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"
        }
    };
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        opened.fetch_add(1, Ordering::Relaxed);
        if s.write_all(head.as_bytes()).await.is_err() {
            continue;
        }
        let more = if i % 3 == 1 {
            &b"1\r\n \r\n"[..]
        } else {
            &b" "[..]
        };
        while !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if s.write_all(more).await.is_err() {
                break;
            }
        }
    }
}

/// Asks for the whole request log on a socket with a small receive window, never reads it,
/// and asks again on a new connection once the mock gives up on it.
async fn unread_reader(addr: SocketAddr, stop: Arc<AtomicBool>, opened: Arc<AtomicU64>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(socket) = TcpSocket::new_v4() else {
            return;
        };
        let _ = socket.set_recv_buffer_size(4096);
        let Ok(mut s) = socket.connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        opened.fetch_add(1, Ordering::Relaxed);
        let _ = s
            .write_all(b"GET /__admin/requests HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await;
        // Held, unread, until the mock's write timeout closes it: a write then fails.
        while !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if s.write_all(b"\r\n").await.is_err() {
                break;
            }
        }
    }
}

/// Requests with 30 KB paths and queries, one after another, so the request log holds the
/// longest entries it keeps.
async fn long_urls_loop(origin: String, stop: Arc<AtomicBool>, answered: Arc<AtomicU64>) {
    let Ok(client) = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
    else {
        return;
    };
    let long = "l".repeat(15 * 1024);
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let url = format!("{origin}/postbreeze/api/v1/{i}{long}?q={long}");
        if client.get(&url).send().await.is_ok() {
            answered.fetch_add(1, Ordering::Relaxed);
        }
    }
}
