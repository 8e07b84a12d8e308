//! The standalone binary's memory under load: a bounded check that runs with every `cargo test`,
//! and a long soak, ignored by default (`LOAD_SECS`, 10 unless set):
//! `LOAD_SECS=60 cargo test -p social-connect-mock --features cli --release --test it load:: -- --ignored --nocapture`
//!
//! Memory is the server process's resident set (`VmRSS` in `/proc/<pid>/status`): the binary's,
//! not this test process's, whose other tests run at the same time and would be counted too.
//! Linux only; there an unreadable `/proc` fails the test rather than reading as 0.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use social_connect_mock::{MockVendor, OWNER_KEY, samples};

use crate::support::{Binary, woop_with_redirect};

/// Connects before the first measure. Each one mints a pending flow, and the mock keeps at most
/// 10,000 of them (`MAX_FLOWS`, evicting the oldest) and 1,000 requests in its log, so this
/// fills both to their caps: from then on a connect replaces what it adds.
const WARMUP: u64 = 11_000;
/// Connects between the two measures.
const MEASURED: u64 = 10_000;
/// The length of the `callback_url` each connect sends: the longest the mock keeps (2 KiB,
/// longer is a 400). The flow keeps it, and the request log keeps the body holding it, so a
/// store that stopped evicting would grow by about `MEASURED × CALLBACK_LEN` (some 20 MiB) over
/// the measured connects: far above allocator noise.
const CALLBACK_LEN: usize = 2_048;
/// How much the server's RSS may grow over the measured connects. With every store at its cap,
/// the growth is allocator noise (a few MiB at most seen, often a shrink); one flow or log entry
/// kept per request, or a leak of a kilobyte a request, is well above it.
const GROWTH_BOUND_KIB: u64 = 8 * 1024;
/// Requests in flight at once.
const CONCURRENCY: u64 = 16;

/// The resident set of process `pid`, in KiB.
#[cfg(target_os = "linux")]
fn rss_kib(pid: u32) -> u64 {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in {path}: {status}"))
}

/// Recoup connects with a `callback_url` of `CALLBACK_LEN` bytes, from `CONCURRENCY` tasks,
/// until `total` have been answered or `until` passes; each must succeed. Returns how many were
/// answered.
async fn connects(
    client: &reqwest::Client,
    origin: &str,
    total: Option<u64>,
    until: Instant,
) -> u64 {
    let sample = samples::connect(MockVendor::Recoup);
    let url = format!("{origin}{}", sample.target());
    let site = "https://app.example.com/";
    let callback = format!("{site}{}", "x".repeat(CALLBACK_LEN - site.len()));
    let body = serde_json::json!({"connector": "youtube", "callback_url": callback}).to_string();
    let (sent, answered) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (client, url, body) = (client.clone(), url.clone(), body.clone());
        let (sent, answered) = (sent.clone(), answered.clone());
        tasks.spawn(async move {
            loop {
                let n = sent.fetch_add(1, Ordering::Relaxed);
                if total.is_some_and(|t| n >= t) || Instant::now() >= until {
                    break;
                }
                let (name, value) = sample.auth(OWNER_KEY);
                let r = client
                    .post(&url)
                    .header(name, value)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e:?}"));
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
                answered.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    while let Some(t) = tasks.join_next().await {
        t.unwrap();
    }
    answered.load(Ordering::Relaxed)
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_does_not_grow_once_the_stores_are_full() {
    let Binary {
        mut child, origin, ..
    } = Binary::start(&[], Stdio::null());
    let pid = child.id();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let started = Instant::now();
    assert_eq!(
        connects(&client, &origin, Some(WARMUP), deadline).await,
        WARMUP
    );
    let before = rss_kib(pid);
    assert_eq!(
        connects(&client, &origin, Some(MEASURED), deadline).await,
        MEASURED
    );
    let after = rss_kib(pid);
    println!(
        "{} connects in {:?}; server RSS {before} KiB → {after} KiB after the last {MEASURED}",
        WARMUP + MEASURED,
        started.elapsed()
    );
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        after.saturating_sub(before) < GROWTH_BOUND_KIB,
        "the server's RSS grew by {} KiB over {MEASURED} connects (bound {GROWTH_BOUND_KIB} KiB): \
         {before} KiB → {after} KiB",
        after.saturating_sub(before)
    );
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: seconds long"]
async fn memory_stays_bounded_under_load() {
    let Binary {
        mut child, origin, ..
    } = Binary::start(&[], Stdio::null());
    let pid = child.id();
    let before = rss_kib(pid);
    let client = reqwest::Client::new();
    let secs: u64 = std::env::var("LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let until = Instant::now() + Duration::from_secs(secs);
    let n = connects(&client, &origin, None, until).await;
    let after = rss_kib(pid);
    println!(
        "{n} connects in {secs} s ({} req/s); server RSS {before} KiB → {after} KiB",
        n / secs.max(1)
    );
    child.kill().unwrap();
    let _ = child.wait();
    assert!(after < 200 * 1024, "RSS {after} KiB");
}

/// Tenants doing flows at once against one binary.
const TENANTS: usize = 1_000;
/// Flows each tenant completes.
const FLOWS_PER_TENANT: usize = 2;
/// Tenants at work at once (below the binary's 1,024 connections).
const TENANTS_AT_ONCE: usize = 64;
/// The binary's resident set with every tenant holding its flows' accounts and log (measured:
/// 26 MiB, debug build). Each tenant weighing 100 KiB more than it does would cross it.
const TENANTS_RSS_BOUND_KIB: u64 = 128 * 1024;

/// One tenant's flows: WoopSocial connects with a redirect URL naming the tenant, approved and
/// followed to the app; each callback replayed must be refused. The account ids the app was
/// given.
async fn tenant_flows(client: &reqwest::Client, origin: &str, tenant: &str) -> Vec<String> {
    let base = format!("{origin}/t/{tenant}");
    let app = format!("https://app.example.com/{tenant}");
    let mut ids = Vec::new();
    for _ in 0..FLOWS_PER_TENANT {
        let (url, body) = woop_with_redirect(&base, &app);
        let r = client
            .post(url)
            .bearer_auth(OWNER_KEY)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{tenant}");
        let link = r.json::<serde_json::Value>().await.unwrap()["url"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(link.starts_with(&format!("{base}/")), "{tenant}: {link}");
        let r = client
            .get(format!("{link}&decision=approve"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 302, "{tenant}");
        let callback = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            callback.starts_with(&format!("{base}/")),
            "{tenant}: {callback}"
        );
        let r = client.get(&callback).send().await.unwrap();
        assert_eq!(r.status(), 302, "{tenant}");
        let back = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
        assert!(
            back.as_str().starts_with(&format!("{app}?")),
            "{tenant}: {back}"
        );
        let param = |k: &str| {
            back.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        };
        assert_eq!(param("status").as_deref(), Some("success"), "{back}");
        ids.push(param("socialAccountIds").unwrap());
        let replay = client.get(&callback).send().await.unwrap();
        assert_eq!(
            replay.status(),
            400,
            "{tenant}: a replayed callback was taken"
        );
    }
    ids
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_tenants_complete_their_flows_each_in_its_own_world() {
    let Binary {
        mut child, origin, ..
    } = Binary::start(&[], Stdio::null());
    let pid = child.id();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let fixture_accounts = client
        .get(format!("{origin}/__admin/accounts"))
        .send()
        .await
        .unwrap()
        .json::<Vec<serde_json::Value>>()
        .await
        .unwrap()
        .len();
    let started = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(TENANTS_AT_ONCE));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..TENANTS {
        let (client, origin, gate) = (client.clone(), origin.clone(), Arc::clone(&gate));
        tasks.spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let tenant = format!("load-{i}");
            let ids = tenant_flows(&client, &origin, &tenant).await;
            (tenant, ids)
        });
    }
    let mut given = Vec::new();
    while let Some(t) = tasks.join_next().await {
        given.push(t.unwrap());
    }
    let elapsed = started.elapsed();
    let rss = rss_kib(pid);

    // Each tenant holds exactly the accounts its own flows connected.
    for (tenant, ids) in &given {
        let accounts: Vec<serde_json::Value> = client
            .get(format!(
                "{origin}/t/{tenant}/__admin/accounts?vendor=woopsocial"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let held: Vec<&str> = accounts
            .iter()
            .skip_while(|a| a["connected_at"].is_null())
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(held, *ids, "{tenant}");
    }
    let listed: serde_json::Value = client
        .get(format!("{origin}/__admin/tenants"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["tenants"].as_array().unwrap().len(), TENANTS);
    let default_accounts = client
        .get(format!("{origin}/__admin/accounts"))
        .send()
        .await
        .unwrap()
        .json::<Vec<serde_json::Value>>()
        .await
        .unwrap()
        .len();
    assert_eq!(
        default_accounts, fixture_accounts,
        "a flow reached the default tenant"
    );
    println!(
        "{TENANTS} tenants × {FLOWS_PER_TENANT} flows in {elapsed:?}; server RSS {rss} KiB; \
         the tenants' weight by the mock's count: {} bytes",
        listed["weight_bytes"]
    );
    child.kill().unwrap();
    let _ = child.wait();
    assert!(rss < TENANTS_RSS_BOUND_KIB, "RSS {rss} KiB");
}
