//! Tenants doing flows at once against one mock process: `--tenants` tenants (1,000 by
//! default), each completing `--tenant-flows` WoopSocial flows in its own world
//! (`/t/{tenant}/…`), then each checked to hold exactly the accounts its own flows connected.

use std::sync::Arc;
use std::time::{Duration, Instant};

use social_connect_mock::{MockVendor, samples};

use crate::flows::{FLOW_REDIRECT, flow_body, http_client, redirect};
use crate::{Bench, Result};

/// Tenants at work at once (the mock keeps at most 1,024 connections).
const AT_ONCE: usize = 256;

/// The tenant run's results.
#[derive(Debug, Default)]
pub(crate) struct Tenants {
    pub(crate) tenants: usize,
    pub(crate) flows: u64,
    pub(crate) errors: u64,
    pub(crate) first_error: Option<String>,
    /// Tenants whose accounts were not exactly those their own flows connected.
    pub(crate) cross_talk: u64,
    /// Tenants `GET /__admin/tenants` listed at the end.
    pub(crate) listed: usize,
    /// What the tenants weighed by the mock's count (`weight_bytes`).
    pub(crate) weight_bytes: u64,
    pub(crate) secs: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) rss_start_kb: u64,
    pub(crate) rss_end_kb: u64,
    pub(crate) hwm_kb: u64,
}

impl Bench {
    pub(crate) fn tenants(&self) -> Result<Tenants> {
        let (mock, origin) = self.start_mock("tenants")?;
        let rss_start_kb = mock.rss_kb().unwrap_or(0);
        let mut run = self.runtime.block_on(run_tenants(
            &origin,
            self.args.tenants,
            self.args.tenant_flows,
        ))?;
        run.rss_start_kb = rss_start_kb;
        run.rss_end_kb = mock.rss_kb().unwrap_or(0);
        run.hwm_kb = mock.hwm_kb().unwrap_or(0);
        Ok(run)
    }
}

async fn run_tenants(origin: &str, tenants: usize, per_tenant: usize) -> Result<Tenants> {
    let client = http_client()?;
    let gate = Arc::new(tokio::sync::Semaphore::new(AT_ONCE));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..tenants {
        let (client, origin, gate) = (client.clone(), origin.to_owned(), Arc::clone(&gate));
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let tenant = format!("bench-{i}");
            let mut micros = Vec::new();
            let mut ids = Vec::new();
            let mut errors = Vec::new();
            for _ in 0..per_tenant {
                let t = Instant::now();
                match tenant_flow(&client, &origin, &tenant).await {
                    Ok(id) => {
                        micros.push(t.elapsed().as_micros() as u64);
                        ids.push(id);
                    }
                    Err(e) => errors.push(e),
                }
            }
            (tenant, micros, ids, errors)
        });
    }
    let mut run = Tenants {
        tenants,
        ..Tenants::default()
    };
    let mut all = Vec::new();
    let mut given = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (tenant, micros, ids, errors) = joined.map_err(|e| e.to_string())?;
        all.extend(micros);
        run.errors += errors.len() as u64;
        if run.first_error.is_none() {
            run.first_error = errors.into_iter().next();
        }
        given.push((tenant, ids));
    }
    run.secs = started.elapsed().as_secs_f64();
    run.flows = all.len() as u64;
    (run.p50_ms, run.p99_ms) = crate::util::p50_p99_ms(&mut all);
    let listed = get_json(&client, &format!("{origin}/__admin/tenants")).await?;
    run.listed = listed["tenants"].as_array().map_or(0, Vec::len);
    run.weight_bytes = listed["weight_bytes"].as_u64().unwrap_or(0);
    for (tenant, ids) in &given {
        let url = format!("{origin}/t/{tenant}/__admin/accounts?vendor=woopsocial");
        let accounts = get_json(&client, &url).await?;
        let held: Vec<&str> = accounts
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|a| !a["connected_at"].is_null())
                    .filter_map(|a| a["id"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        if held != *ids {
            run.cross_talk += 1;
        }
    }
    Ok(run)
}

/// One WoopSocial flow in `tenant`, its redirect URL naming the tenant: the account id the app
/// was given.
async fn tenant_flow(client: &reqwest::Client, origin: &str, tenant: &str) -> Result<String> {
    let base = format!("{origin}/t/{tenant}");
    let app = format!("{FLOW_REDIRECT}/{tenant}");
    let target = samples::connect(MockVendor::WoopSocial).target();
    let response = client
        .post(format!("{base}{target}"))
        .bearer_auth(social_connect_mock::OWNER_KEY)
        .header("content-type", "application/json")
        .body(flow_body(&app)?)
        .send()
        .await
        .map_err(|e| format!("connect: {e}"))?;
    if response.status() != 200 {
        return Err(format!("connect answered {}", response.status()));
    }
    let json: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
    let url = json["url"].as_str().ok_or("connect: no url")?;
    if !url.starts_with(&format!("{base}/")) {
        return Err(format!("the link left the tenant: {url}"));
    }
    let callback = redirect(client, &format!("{url}&decision=approve"), &[302]).await?;
    let back = redirect(client, &callback, &[302, 303]).await?;
    let back = reqwest::Url::parse(&back).map_err(|e| e.to_string())?;
    let param = |k: &str| {
        back.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    match (
        back.as_str().starts_with(&app),
        param("status"),
        param("socialAccountIds"),
    ) {
        (true, Some(s), Some(id)) if s == "success" => Ok(id),
        _ => Err(format!("the callback sent the browser to {back}")),
    }
}

async fn get_json(client: &reqwest::Client, url: &str) -> Result<serde_json::Value> {
    client
        .get(url)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?
        .json()
        .await
        .map_err(|e| format!("GET {url}: {e}"))
}
