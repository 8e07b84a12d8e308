//! Complete connect flows against the mock (WoopSocial: connect, approve, callback), from
//! concurrent workers sharing one reqwest client.

use std::sync::Arc;
use std::time::{Duration, Instant};

use social_connect_mock::samples;
use social_connect_mock::{MockVendor, OWNER_KEY};

use crate::util::clip;
use crate::{Bench, Result};

/// Where the flows' callbacks send the browser (nobody listens; the redirect is not followed).
pub(crate) const FLOW_REDIRECT: &str = "http://127.0.0.1:9/app";

/// The flow run's results.
#[derive(Debug, Default)]
pub(crate) struct Flows {
    pub(crate) flows: u64,
    pub(crate) errors: u64,
    pub(crate) secs: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) first_error: Option<String>,
    pub(crate) hwm_kb: u64,
}

impl Bench {
    /// A warm-up, a reset of the mock, then `--duration` seconds of flows.
    pub(crate) fn flows(&self) -> Result<Flows> {
        let (mock, origin) = self.start_mock("flows")?;
        let workers = self.args.flow_workers.max(1);
        let warm = Duration::from_secs(self.args.warmup.min(2));
        if !warm.is_zero() {
            self.runtime
                .block_on(run_flows(&origin, workers, warm))
                .map_err(|e| format!("warm-up: {e}"))?;
        }
        // Completed flows record connected accounts, which the mock caps (then it answers
        // `server_error`): start the measured run from the fixture again.
        self.runtime
            .block_on(admin_reset(&origin))
            .map_err(|e| format!("reset after the warm-up: {e}"))?;
        let mut flows = self
            .runtime
            .block_on(run_flows(
                &origin,
                workers,
                Duration::from_secs(self.args.duration),
            ))
            .map_err(|e| format!("flows: {e}"))?;
        flows.hwm_kb = mock.hwm_kb().unwrap_or(0);
        Ok(flows)
    }
}

/// The client of the probes and the flows: no redirects followed, no retries.
pub(crate) fn http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("reqwest: {e}"))
}

async fn admin_reset(origin: &str) -> Result<()> {
    let response = http_client()?
        .post(format!("{origin}/__admin/reset"))
        .header("content-type", "application/json")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "POST /__admin/reset answered {}",
            response.status()
        ))
    }
}

/// WoopSocial's connect body (no one-account-per-platform limit, unlike Postbreeze) with
/// `redirectUrl` set to `redirect` ([`FLOW_REDIRECT`] for the flows).
pub(crate) fn flow_body(redirect: &str) -> Result<String> {
    let sample = samples::connect(MockVendor::WoopSocial);
    let mut body: serde_json::Value =
        serde_json::from_str(sample.body).map_err(|e| format!("the sample's body: {e}"))?;
    body["redirectUrl"] = redirect.into();
    Ok(body.to_string())
}

async fn run_flows(origin: &str, workers: usize, duration: Duration) -> Result<Flows> {
    let client = http_client()?;
    let connect = Arc::new(format!(
        "{origin}{}",
        samples::connect(MockVendor::WoopSocial).target()
    ));
    let body = flow_body(FLOW_REDIRECT)?;
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let client = client.clone();
        let connect = Arc::clone(&connect);
        let body = body.clone();
        tasks.spawn(async move {
            let mut micros = Vec::new();
            let mut errors = 0u64;
            let mut first_error = None;
            while tokio::time::Instant::now() < deadline {
                let t = Instant::now();
                match one_flow(&client, &connect, &body).await {
                    Ok(()) => micros.push(t.elapsed().as_micros() as u64),
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (micros, errors, first_error)
        });
    }
    let mut all = Vec::new();
    let mut flows = Flows::default();
    while let Some(joined) = tasks.join_next().await {
        let (micros, errors, first_error) = joined.map_err(|e| e.to_string())?;
        all.extend(micros);
        flows.errors += errors;
        if flows.first_error.is_none() {
            flows.first_error = first_error;
        }
    }
    flows.secs = started.elapsed().as_secs_f64();
    flows.flows = all.len() as u64;
    (flows.p50_ms, flows.p99_ms) = crate::util::p50_p99_ms(&mut all);
    Ok(flows)
}

async fn one_flow(client: &reqwest::Client, connect: &str, body: &str) -> Result<()> {
    let response = client
        .post(connect)
        .bearer_auth(OWNER_KEY)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| format!("connect: {e}"))?;
    if response.status() != 200 {
        return Err(format!("connect answered {}", response.status()));
    }
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let url = json["url"]
        .as_str()
        .ok_or_else(|| "connect: no url".to_owned())?;
    let approve = format!("{url}&decision=approve");
    let callback = redirect(client, &approve, &[302]).await?;
    let app = redirect(client, &callback, &[302, 303]).await?;
    if app.starts_with(FLOW_REDIRECT) && app.contains("status=success") {
        Ok(())
    } else {
        Err(format!("the callback sent the browser to {app}"))
    }
}

/// GETs `url`, expects one of `statuses`, returns the absolute `Location`.
pub(crate) async fn redirect(
    client: &reqwest::Client,
    url: &str,
    statuses: &[u16],
) -> Result<String> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    // Drain the body so that the connection goes back to the pool.
    let _ = response.bytes().await;
    match location {
        Some(loc) if statuses.contains(&status) => reqwest::Url::parse(url)
            .and_then(|base| base.join(&loc))
            .map(|u| u.to_string())
            .map_err(|e| format!("Location {loc:?}: {e}")),
        _ => Err(format!("GET {} answered {status}", clip(url, 80))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flow_body_is_the_sample_with_a_redirect() {
        let body: serde_json::Value =
            serde_json::from_str(&flow_body(FLOW_REDIRECT).unwrap()).unwrap();
        assert_eq!(body["redirectUrl"], FLOW_REDIRECT);
        assert_eq!(body["projectId"], "proj_demo");
        assert_eq!(body["platform"], "X");
    }
}
