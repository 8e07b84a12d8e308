//! What tenants are made to keep is counted at least at what it takes: each kind of thing a
//! client or a fixture can make the mock keep, sent at the largest the mock takes, grows the
//! binary's resident memory by no more than the tenants' counted weight grows (the count the
//! budget, `--tenant-budget-mib`, evicts by). And what is larger than the mock takes is refused
//! at the door with a clear error.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use social_connect_mock::{
    MockVendor, OWNER_KEY, fixture::MAX_FIXTURE_STRING, samples, standalone::MAX_METHOD,
};

use crate::support::*;

/// Tenants each phase fills (all kept: the budget and the cap are set above what they reach).
const TENANTS: usize = 40;
/// What each tenant is sent per phase.
const PER_TENANT: usize = 300;

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

async fn counted(origin: &str) -> u64 {
    let listed = get(&format!("{origin}/__admin/tenants")).await.json();
    listed["weight_bytes"].as_u64().unwrap()
}

/// The binary's pid, whose resident memory is read, and a runtime to drive it with; `None`
/// (the test skipped, and says so) where the system shows no resident memory.
fn measured(b: &Binary) -> Option<(u32, tokio::runtime::Runtime)> {
    let pid = b.child.id();
    if rss_kb(pid) == 0 {
        eprintln!("skipped: no /proc/{pid}/status on this system");
        return None;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    Some((pid, rt))
}

/// Sends `make(tenant, i)` for every tenant and `i < PER_TENANT`, 32 at a time.
async fn send_all<F>(make: F)
where
    F: Fn(usize, usize) -> reqwest::RequestBuilder,
{
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..TENANTS {
        for i in 0..PER_TENANT {
            let req = make(t, i);
            tasks.spawn(async move { req.send().await.map(|r| r.status().as_u16()) });
            if tasks.len() >= 32 {
                tasks.join_next().await;
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// A fixture at its largest: the default one, with owners, pages and accounts whose every
/// string is as long as a fixture string may be, up to the admin body's 64 KiB.
fn largest_fixture() -> Value {
    let long = |c: char| c.to_string().repeat(MAX_FIXTURE_STRING);
    let mut f = serde_json::to_value(social_connect_mock::Fixture::default()).unwrap();
    let pages: Vec<Value> = (0..40)
        .map(
            |i| json!({"id": format!("{i}{}", long('p'))[..MAX_FIXTURE_STRING], "name": long('n')}),
        )
        .collect();
    f["facebook_pages"] = pages.into();
    f
}

#[test]
fn each_kind_of_kept_thing_is_counted_at_least_at_its_size() {
    let b = Binary::start(
        &["--tenant-budget-mib", "4096", "--max-tenants", "100000"],
        Stdio::null(),
    );
    let Some((pid, rt)) = measured(&b) else {
        return;
    };
    let origin = b.origin.clone();
    let phases = rt.block_on(async {
        let c = client();
        // Every tenant exists first (an admin write), so that each phase measures its kind.
        for t in 0..TENANTS {
            let r = c
                .post(format!("{origin}/t/k{t}/__admin/reset"))
                .header("content-type", "application/json")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        // Refused at the door, with a clear error: a method longer than the mock takes, a
        // fixture string longer than it keeps, a request string longer than a flow keeps.
        let long_method =
            reqwest::Method::from_bytes("M".repeat(MAX_METHOD + 1).as_bytes()).unwrap();
        let r = c
            .request(long_method, format!("{origin}/t/k0/x"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 501);
        assert!(r.text().await.unwrap().contains("at most"));
        // The longest it takes is served (a path it does not know: 404, not the 501).
        let longest_method =
            reqwest::Method::from_bytes("M".repeat(MAX_METHOD).as_bytes()).unwrap();
        let r = c
            .request(longest_method, format!("{origin}/t/k0/x"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let mut too_long = largest_fixture();
        too_long["facebook_pages"][0]["name"] = "n".repeat(MAX_FIXTURE_STRING + 1).into();
        let r = c
            .put(format!("{origin}/t/k0/__admin/fixture"))
            .header("content-type", "application/json")
            .body(too_long.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("facebook_pages[0].name"));
        let (url, body) =
            woop_with_redirect(&format!("{origin}/t/k0"), "https://app.example.com/ok");
        // The sample's owner, 3,000 bytes long.
        let owner = samples::connect(MockVendor::WoopSocial).owner.unwrap();
        let body = body.replace(owner, &"p".repeat(3000));
        let r = c
            .post(url)
            .bearer_auth(OWNER_KEY)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_client_error(),
            "a 3,000-byte owner id was taken"
        );

        let origin = &origin;
        let mut phases: Vec<(&str, u64, u64)> = Vec::new();
        let grown = |rss0: u64, count0: u64, rss1: u64, count1: u64| {
            (
                rss1.saturating_sub(rss0) * 1024,
                count1.saturating_sub(count0),
            )
        };

        // 1. Fixtures at their largest, one per tenant (first: loading one resets the tenant).
        let (rss0, count0) = (rss_kb(pid), counted(origin).await);
        let fixture = largest_fixture().to_string();
        let mut tasks = tokio::task::JoinSet::new();
        for t in 0..TENANTS {
            let req = c
                .put(format!("{origin}/t/k{t}/__admin/fixture"))
                .header("content-type", "application/json")
                .body(fixture.clone());
            tasks.spawn(async move { req.send().await.map(|r| r.status().as_u16()) });
        }
        while let Some(r) = tasks.join_next().await {
            assert_eq!(r.unwrap().unwrap(), 200);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (grew, count) = grown(rss0, count0, rss_kb(pid), counted(origin).await);
        phases.push(("fixtures with the longest strings", grew, count));

        // 2. The log: the longest method the mock takes, on a 1 KiB path.
        let (rss0, count0) = (rss_kb(pid), counted(origin).await);
        let method = reqwest::Method::from_bytes("M".repeat(MAX_METHOD).as_bytes()).unwrap();
        let path = "x".repeat(1000);
        send_all(|t, i| c.request(method.clone(), format!("{origin}/t/k{t}/{i}{path}"))).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (grew, count) = grown(rss0, count0, rss_kb(pid), counted(origin).await);
        phases.push(("log entries with long methods and paths", grew, count));

        // 3. Pending flows with the longest redirect target.
        let (rss0, count0) = (rss_kb(pid), counted(origin).await);
        let redirect = format!("https://app.example.com/{}", "r".repeat(2000));
        send_all(|t, _| {
            let (url, body) = woop_with_redirect(&format!("{origin}/t/k{t}"), &redirect);
            c.post(url)
                .bearer_auth(OWNER_KEY)
                .header("content-type", "application/json")
                .body(body)
        })
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (grew, count) = grown(rss0, count0, rss_kb(pid), counted(origin).await);
        phases.push(("flows with the longest redirect targets", grew, count));

        // 4. The log's longest bodies (4 KiB kept of each) and queries (1 KiB).
        let (rss0, count0) = (rss_kb(pid), counted(origin).await);
        let sample = samples::connect(MockVendor::Ocoya);
        let query = "q".repeat(1000);
        let mut body: Value = serde_json::from_str(sample.body).unwrap();
        body["note"] = "b".repeat(4000).into();
        let body = body.to_string();
        let (key_header, key) = sample.auth(OWNER_KEY);
        send_all(|t, _| {
            let url = sample.url(&format!("{origin}/t/k{t}{}", MockVendor::Ocoya.prefix()));
            let sep = if sample.query.is_empty() { '?' } else { '&' };
            c.post(format!("{url}{sep}x={query}"))
                .header(key_header, key.clone())
                .header("content-type", "application/json")
                .body(body.clone())
        })
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (grew, count) = grown(rss0, count0, rss_kb(pid), counted(origin).await);
        phases.push((
            "log entries with the longest bodies and queries",
            grew,
            count,
        ));
        phases
    });
    drop(b);
    let mut short = Vec::new();
    for (name, grew, count) in &phases {
        eprintln!("{name}: RSS grew {grew} bytes, counted {count}");
        if count < grew {
            short.push(format!("{name}: counted {count} < RSS growth {grew}"));
        }
    }
    assert!(short.is_empty(), "the count misses memory: {short:?}");
}

/// A fixture of realistic size for a team's CI: 40 keys, each a member of every vendor's demo
/// owner, and 2,000 accounts already connected.
fn team_fixture() -> Value {
    let mut f = serde_json::to_value(social_connect_mock::Fixture::default()).unwrap();
    let keys: Vec<Value> = (0..40)
        .map(|i| json!({"key": format!("sk_team_{i:02}_{}", "k".repeat(40)), "name": format!("Member {i}")}))
        .collect();
    let mut all_keys = f["api_keys"].as_array().unwrap().clone();
    all_keys.extend(keys.iter().cloned());
    f["api_keys"] = all_keys.into();
    for owners in f["owners"].as_object_mut().unwrap().values_mut() {
        for owner in owners.as_array_mut().unwrap() {
            let members = owner["members"].as_array_mut().unwrap();
            members.extend(
                keys.iter()
                    .map(|k| json!({"key": k["key"], "role": "admin"})),
            );
        }
    }
    let account = f["connected_accounts"][0].clone();
    f["connected_accounts"] = (0..2000)
        .map(|i| {
            let mut a = account.clone();
            a["id"] = format!("acc_team_{i:05}").into();
            a["name"] = format!("Team account {i}").into();
            a
        })
        .collect::<Vec<_>>()
        .into();
    f
}

#[test]
fn a_thousand_tenants_of_a_server_fixture_are_counted_at_what_they_take() {
    // The server's fixture is shared by its tenants, not copied into each: a thousand tenants
    // (the default cap) cost about their counted weight, and the whole stays under the
    // README's 384 MB at the defaults.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("team.json");
    std::fs::write(&file, team_fixture().to_string()).unwrap();
    let b = Binary::start(&["--fixture", file.to_str().unwrap()], Stdio::null());
    let Some((pid, rt)) = measured(&b) else {
        return;
    };
    let origin = b.origin.clone();
    let (grew, count, rss, kept, accounts) = rt.block_on(async {
        let c = client();
        let (rss0, count0) = (rss_kb(pid), counted(&origin).await);
        let mut tasks = tokio::task::JoinSet::new();
        for t in 0..1000 {
            let req = c
                .post(format!("{origin}/t/team{t}/__admin/reset"))
                .header("content-type", "application/json");
            tasks.spawn(async move { req.send().await.map(|r| r.status().as_u16()) });
            if tasks.len() >= 32 {
                assert_eq!(tasks.join_next().await.unwrap().unwrap().unwrap(), 200);
            }
        }
        while let Some(r) = tasks.join_next().await {
            assert_eq!(r.unwrap().unwrap(), 200);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let listed = get(&format!("{origin}/__admin/tenants")).await.json();
        let kept = listed["tenants"].as_array().unwrap().len();
        let accounts = listed["tenants"][0]["accounts"].as_u64().unwrap();
        let (rss1, count1) = (rss_kb(pid), counted(&origin).await);
        (
            rss1.saturating_sub(rss0) * 1024,
            count1.saturating_sub(count0),
            rss1 * 1024,
            kept,
            accounts,
        )
    });
    drop(b);
    eprintln!(
        "1,000 tenants of a 40-key, 2,000-account fixture: RSS grew {grew} bytes, counted \
         {count}; RSS {rss} bytes"
    );
    assert_eq!(
        kept, 1000,
        "every tenant kept: the budget is not what bounds them here"
    );
    assert_eq!(accounts, 2000, "each tenant sees the fixture's accounts");
    assert!(count >= grew, "counted {count} < RSS growth {grew}");
    assert!(rss < 384 * 1000 * 1000, "RSS {rss} bytes");
}
