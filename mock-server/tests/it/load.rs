//! A load check of the standalone binary's memory (ignored by default: it runs for seconds).
//! `cargo test -p social-connect-mock --release --test it load:: -- --ignored --nocapture`

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use social_connect_mock::{MockVendor, OWNER_KEY, samples};

use crate::support::Binary;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: seconds long"]
async fn memory_stays_bounded_under_load() {
    let Binary {
        mut child, origin, ..
    } = Binary::start(&[], Stdio::null());
    let pid = child.id();
    let before = rss_kib(pid);
    let client = reqwest::Client::new();
    let count = Arc::new(AtomicU64::new(0));
    let secs: u64 = std::env::var("LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let until = Instant::now() + Duration::from_secs(secs);
    let sample = samples::connect(MockVendor::Postbreeze);
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (client, count, origin) = (client.clone(), count.clone(), origin.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < until {
                let (name, value) = sample.auth(OWNER_KEY);
                let r = client
                    .post(format!("{origin}{}", sample.target()))
                    .header(name, value)
                    .header("content-type", "application/json")
                    .body(sample.body)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e:?}"));
                assert_eq!(r.status(), 201);
                count.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let after = rss_kib(pid);
    let n = count.load(Ordering::Relaxed);
    println!(
        "{n} connects in {secs} s ({} req/s); server RSS {before} KiB → {after} KiB",
        n / secs
    );
    child.kill().unwrap();
    let _ = child.wait();
    assert!(after < 200 * 1024, "RSS {after} KiB");
}
