//! The standalone server's bounds under hostile clients (issue "the standalone mock holds under
//! hostile and careless clients", findings 1 and 2): slow bodies cannot lock out a
//! well-behaved client, a body or a reader that stalls is cut off, large reads share a
//! budget, and the binary's memory stays under the README's figure whatever it is sent.
//! Each runs in seconds; `cargo xtask bench --soak` runs the same attacks beside a real load.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::*;
use social_connect_mock::{MockConfig, StandaloneConfig, StandaloneServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A request head that promises a body it will not send (the body is `{` and then nothing).
fn stalled_request(kind: usize) -> String {
    match kind % 3 {
        0 => {
            "POST /woopsocial/v1/social-accounts/authorization-url HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                .to_owned()
        }
        // A chunked body, one byte so far.
        1 => "POST /recoup/api/connectors HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n"
            .to_owned(),
        // An admin write.
        _ => "PUT /__admin/mode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 16\r\n\r\n{"
            .to_owned(),
    }
}

async fn server(config: StandaloneConfig) -> StandaloneServer {
    StandaloneServer::start(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_drip_bodies_cannot_lock_out_one_that_sends_a_request() {
    // Body and header timeouts far longer than the test: only shedding can let the last
    // client in while 1,100 connections hold their bodies back.
    let s = server(StandaloneConfig {
        body_timeout: Duration::from_secs(120),
        header_timeout: Duration::from_secs(120),
        ..StandaloneConfig::default()
    })
    .await;
    assert_eq!(StandaloneConfig::default().max_connections, 1024);
    let mut held = Vec::new();
    for i in 0..1100 {
        let mut c = TcpStream::connect(s.addr()).await.unwrap();
        c.write_all(stalled_request(i).as_bytes()).await.unwrap();
        held.push(c);
    }
    // Let the server accept them all.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let r = tokio::time::timeout(Duration::from_secs(20), get(&s.admin_url()))
        .await
        .expect("a well-behaved client was locked out by slow ones");
    let waited = started.elapsed();
    assert_eq!(r.status, 200, "{}", r.text);
    // Well inside the attackers' 120 s: served because a stalled connection was closed.
    assert!(waited < Duration::from_secs(10), "served after {waited:?}");
    // Those closed were the stalest: at most the cap is open, and the mock still works.
    let mut closed = 0;
    for c in &mut held {
        let mut buf = [0u8; 64];
        if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(2), c.read(&mut buf)).await {
            closed += 1;
        }
    }
    assert!(
        closed >= 1100 + 1 - 1024,
        "only {closed} stalled connections were closed"
    );
    assert_eq!(s.state().mode(), social_connect_mock::Mode::Strict);
    drop(held);
    s.shutdown().await;
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_answered_408_and_the_connection_closed() {
    let s = server(StandaloneConfig {
        body_timeout: Duration::from_millis(300),
        ..StandaloneConfig::default()
    })
    .await;
    for kind in 0..3 {
        let text = raw_exchange(s.addr(), stalled_request(kind).as_bytes(), false).await;
        assert!(text.starts_with("HTTP/1.1 408"), "{kind}: {text}");
    }
    assert_eq!(s.state().mode(), social_connect_mock::Mode::Strict);
    s.shutdown().await;
}

#[tokio::test]
async fn a_head_up_to_its_limit_is_read_whole_and_one_past_it_is_431() {
    let s = server(StandaloneConfig::default()).await;
    // 24 KiB of header: past half the head limit (32 KiB), inside it.
    let head = |pad: usize| {
        format!(
            "GET /__admin/mode HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: {}\r\nConnection: close\r\n\r\n",
            "p".repeat(pad)
        )
    };
    let inside = raw_exchange(s.addr(), head(24 * 1024).as_bytes(), false).await;
    assert!(
        inside.starts_with("HTTP/1.1 200"),
        "{}",
        &inside[..inside.len().min(200)]
    );
    let past = raw_exchange(s.addr(), head(40 * 1024).as_bytes(), false).await;
    assert!(
        past.starts_with("HTTP/1.1 431"),
        "{}",
        &past[..past.len().min(200)]
    );
    s.shutdown().await;
}

#[tokio::test]
async fn a_body_cut_short_by_the_client_gets_no_answer() {
    // The client promises 100 bytes, sends 1 and closes its side: no 413 or other answer is
    // made up for a request that never arrived; the connection is closed.
    let s = server(StandaloneConfig::default()).await;
    let out = raw_exchange(s.addr(), stalled_request(0).as_bytes(), true).await;
    assert_eq!(out, "", "answered a request whose body never came");
    assert_eq!(
        s.state().requests().len(),
        0,
        "logged a request that never came"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn a_head_that_does_not_arrive_in_time_is_cut_off() {
    let s = server(StandaloneConfig {
        header_timeout: Duration::from_millis(300),
        ..StandaloneConfig::default()
    })
    .await;
    let mut c = TcpStream::connect(s.addr()).await.unwrap();
    c.write_all(b"GET /__admin HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), c.read_to_end(&mut out))
        .await
        .expect("a slow head held its connection")
        .ok();
    s.shutdown().await;
}

/// Fills the request log with 1,000 of its largest entries (a vendor request with a long query
/// and body), so that reading it is a response of megabytes.
async fn fill_log(origin: &str) {
    let c = client();
    let url = format!("{origin}/recoup/api/connectors?x={}", "q".repeat(2000));
    let body = format!("{{\"connector\":\"{}\"}}", "b".repeat(8000));
    for _ in 0..1000 {
        c.post(&url)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
    }
}

/// Sends `GET /__admin/requests` on a socket with a small receive window, and never reads.
async fn unread_request(addr: std::net::SocketAddr) -> TcpStream {
    unread_get(addr, "/__admin/requests").await
}

/// Sends `GET {path}` on a socket with a small receive window, and reads nothing yet.
async fn unread_get(addr: std::net::SocketAddr, path: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut c = socket.connect(addr).await.unwrap();
    c.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .await
        .unwrap();
    c
}

#[tokio::test]
async fn large_reads_share_a_budget_and_an_unread_one_is_dropped_by_the_write_timeout() {
    let s = server(StandaloneConfig {
        large_response_budget: 8 * 1024 * 1024,
        write_timeout: Duration::from_millis(1500),
        ..StandaloneConfig::default()
    })
    .await;
    fill_log(&s.uri()).await;
    let size = get(&format!("{}/requests", s.admin_url())).await.text.len();
    assert!(size > 5 * 1024 * 1024, "the log reads as {size} bytes");
    // Two readers that never read hold the 8 MiB budget between them (the kernel takes the
    // first megabytes of each; the rest waits in the mock)...
    let a = unread_request(s.addr()).await;
    let b = unread_request(s.addr()).await;
    // Once the mock has answered both (their first bytes have arrived: peeked, not read; on a
    // loaded machine that takes a while), a third large read finds the budget spent.
    for unread in [&a, &b] {
        let mut first = [0u8; 1];
        tokio::time::timeout(Duration::from_secs(10), unread.peek(&mut first))
            .await
            .expect("the mock answers an unread request")
            .unwrap();
    }
    let busy = get(&format!("{}/requests", s.admin_url())).await;
    assert_eq!(busy.status, 503, "{} bytes", busy.text.len());
    assert_eq!(busy.header("retry-after"), Some("1"));
    // ...small answers are not held up...
    assert_eq!(get(&s.admin_url()).await.status, 200);
    // ...until the write timeout drops them, and the budget is back.
    tokio::time::sleep(Duration::from_millis(4000)).await;
    let r = get(&format!("{}/requests", s.admin_url())).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text.len(), size);
    drop((a, b));
    s.shutdown().await;
}

#[tokio::test]
async fn the_log_keeps_a_bounded_part_of_each_request() {
    let h = Harness::standalone_with(MockConfig::default()).await;
    let c = client();
    // Heads under the 32 KiB cap, each part past what the log keeps.
    let long = "q".repeat(12 * 1024);
    c.get(format!("{}/{long}?x={long}", h.origin()))
        .send()
        .await
        .unwrap();
    c.post(format!(
        "{}?x={long}",
        h.connect_url(social_connect_mock::MockVendor::Recoup)
    ))
    .header("content-type", "application/json")
    .body(format!("{{\"connector\":\"{long}\"}}"))
    .send()
    .await
    .unwrap();
    let log = h.state().requests();
    assert_eq!(log.len(), 2);
    for e in &log {
        assert!(e.truncated, "{e:?}");
        assert!(e.path.len() <= 1024);
        assert!(e.query.as_ref().is_none_or(|q| q.len() <= 1024));
        assert!(e.body.as_ref().is_none_or(|b| b.len() <= 4096));
    }
    assert!(log[1].query.is_some() && log[1].body.is_some());
    // A head past 32 KiB is not read at all.
    let r = c
        .get(format!("{}/{}", h.origin(), "p".repeat(40 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 431);
}

#[tokio::test]
async fn a_reader_that_takes_a_large_answer_a_little_at_a_time_gives_the_budget_back() {
    // Two bounds can end it: the write timeout (Linux wakes a blocked writer only once a third
    // of the send buffer is free, so a reader this slow stalls the mock past 1 s) and the large
    // response's deadline (three write timeouts, for readers fast enough to dodge the first).
    // Here the first usually wins; without either, the reader would hold the budget for ~11 s.
    // 100,000 accounts read as some 27 MB: far more than the kernel's socket buffers take, so
    // the answer stays in the mock, holding the budget, for as long as its reader lets it.
    let accounts = (0..100_000)
        .map(|i| social_connect_mock::fixture::ConnectedAccount {
            id: format!("sa_{i}"),
            vendor: social_connect_mock::MockVendor::WoopSocial,
            owner_id: "proj_demo".to_owned(),
            platform: "X".to_owned(),
            name: "n".repeat(150),
            page_id: None,
            connected_at: None,
        })
        .collect();
    let s = server(StandaloneConfig {
        large_response_budget: 40 * 1024 * 1024,
        write_timeout: Duration::from_secs(1),
        ..StandaloneConfig::default()
    })
    .await;
    s.state().load_fixture(social_connect_mock::Fixture {
        connected_accounts: accounts,
        ..social_connect_mock::Fixture::default()
    });
    let mut slow = TcpStream::connect(s.addr()).await.unwrap();
    slow.write_all(b"GET /__admin/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    // Takes 1 MB every 400 ms: it never stalls the mock for the 1 s write timeout, and would
    // take some 11 s to read the whole answer, then wait on the kept-alive connection forever.
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; 1024 * 1024];
        let mut read = 0usize;
        while slow.read_exact(&mut buf).await.is_ok() {
            read += buf.len();
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        read
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        get(&format!("{}/accounts", s.admin_url())).await.status,
        503
    );
    // The mock cuts the slow answer off: the reader's connection ends before it has read the
    // answer (no wall-clock bound here: a loaded machine only makes everything slower, and
    // without the bounds the reader would never see its connection end).
    let read = tokio::time::timeout(Duration::from_secs(60), reader)
        .await
        .expect("the mock never cut off the slow reader")
        .unwrap();
    // And the budget is back.
    let mut tries = 0;
    let whole = loop {
        let r = get(&format!("{}/accounts", s.admin_url())).await;
        if r.status == 200 {
            break r.text.len();
        }
        tries += 1;
        assert!(tries < 40, "the budget did not come back after the cut");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert!(
        read < whole,
        "the slow reader read the whole answer ({read} of {whole} bytes)"
    );
    s.shutdown().await;
}

/// The README's figure for the binary's resident memory at its defaults ("Bounds").
const MEMORY_BOUND_MB: u64 = 384;

/// Tenants the memory test fills: more than `--max-tenants`, so that the oldest are forgotten,
/// each with flows enough that together they also reach the tenants' budget.
const FILLED_TENANTS: usize = 1_100;
const FLOWS_PER_FILLED_TENANT: usize = 16;

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[test]
fn the_binary_stays_under_its_memory_figure_whatever_it_is_sent() {
    let mut b = Binary::start(&[], Stdio::null());
    let pid = b.child.id();
    if peak_rss_kb(pid).is_none() {
        // Not Linux: there is no /proc to read the peak from.
        b.child.kill().ok();
        eprintln!("skipped: no /proc/{pid}/status on this system");
        return;
    }
    let origin = b.origin.clone();
    let addr: std::net::SocketAddr = origin.trim_start_matches("http://").parse().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // The log at its largest: 1,000 requests with 30 KB paths and queries.
        let c = client();
        let long = "z".repeat(15 * 1024);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..1000 {
            let (c, o, l) = (c.clone(), origin.clone(), long.clone());
            tasks.spawn(async move { c.get(format!("{o}/{i}{l}?q={l}")).send().await.map(|_| ()) });
            if tasks.len() >= 32 {
                tasks.join_next().await;
            }
        }
        while tasks.join_next().await.is_some() {}
        // Flows at their largest: the longest redirect URL a flow keeps, on 10,000 flows,
        // and 2,000 that try 60 KB ones.
        let woop = format!("{origin}/woopsocial/v1/social-accounts/authorization-url");
        for i in 0..12_000 {
            let len = if i < 10_000 { 2000 } else { 60_000 };
            let body = serde_json::json!({"projectId": "proj_demo", "platform": "X",
                "redirectUrl": format!("https://app.example.com/{}", "r".repeat(len))});
            let (c, w) = (c.clone(), woop.clone());
            tasks.spawn(async move {
                let r = c
                    .post(w)
                    .bearer_auth(social_connect_mock::OWNER_KEY)
                    .json(&body)
                    .send()
                    .await?;
                assert_eq!(r.status().as_u16(), if len <= 2048 { 200 } else { 400 });
                Ok(())
            });
            if tasks.len() >= 32 {
                tasks.join_next().await;
            }
        }
        while tasks.join_next().await.is_some() {}
        // Tenants at their largest: beyond the cap of tenants and the tenants' budget, each
        // flow with the longest redirect URL a flow keeps.
        for i in 0..FILLED_TENANTS * FLOWS_PER_FILLED_TENANT {
            let tenant = i / FLOWS_PER_FILLED_TENANT;
            let (url, body) = woop_with_redirect(
                &format!("{origin}/t/fill-{tenant}"),
                &format!("https://app.example.com/{}", "r".repeat(2000)),
            );
            let c = c.clone();
            tasks.spawn(async move {
                let r = c
                    .post(url)
                    .bearer_auth(social_connect_mock::OWNER_KEY)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await?;
                assert_eq!(r.status().as_u16(), 200);
                Ok(())
            });
            if tasks.len() >= 32 {
                tasks.join_next().await;
            }
        }
        while tasks.join_next().await.is_some() {}
        let tenants: serde_json::Value = c
            .get(format!("{origin}/__admin/tenants"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let kept = tenants["tenants"].as_array().unwrap().len();
        assert!(kept <= 1000 && kept > 0, "{kept} tenants kept");
        assert!(
            tenants["weight_bytes"].as_u64().unwrap() <= tenants["budget_bytes"].as_u64().unwrap(),
            "the tenants outgrew their budget"
        );
        eprintln!(
            "{kept} tenants kept, weighing {} bytes",
            tenants["weight_bytes"]
        );
        // Eight readers that ask for the whole log and never read it, beside slow bodies.
        let mut held = Vec::new();
        for _ in 0..8 {
            held.push(unread_request(addr).await);
        }
        for i in 0..300 {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(stalled_request(i).as_bytes()).await.unwrap();
            held.push(s);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Still answering.
        assert_eq!(get(&format!("{origin}/__admin")).await.status, 200);
        drop(held);
    });
    let peak_mb = peak_rss_kb(pid).unwrap() / 1024;
    b.child.kill().ok();
    b.child.wait().ok();
    eprintln!("peak RSS {peak_mb} MB");
    assert!(
        peak_mb < MEMORY_BOUND_MB,
        "peak RSS {peak_mb} MB, over the {MEMORY_BOUND_MB} MB the README promises"
    );
}
