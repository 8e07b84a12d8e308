//! The connect endpoint under load: the mock, the floor, Prism and WireMock, each a fresh process, probed,
//! warmed up and measured with wrk.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use social_connect_mock::samples::{self, ConnectSample};
use social_connect_mock::{MockVendor, OWNER_KEY};

use crate::flows::http_client;
use crate::procs::{Proc, free_port, start_banner_server, wait_for_port};
use crate::util::{clip, log_tail, mb};
use crate::wrk::Load;
use crate::{Bench, Result, floor};

/// One vendor's row: each server's load, or why it failed.
#[derive(Debug, Default)]
pub(crate) struct VendorRow {
    pub(crate) vendor: &'static str,
    pub(crate) mock: Option<Result<Load>>,
    pub(crate) floor: Option<Result<Load>>,
    pub(crate) prism: Option<Result<Load>>,
    /// WireMock standalone with one templated stub (`--no-wiremock` leaves it out).
    pub(crate) wiremock: Option<Result<Load>>,
    /// `--baseline-mock`: the other build, under the same load as `mock`.
    pub(crate) baseline: Option<Result<Load>>,
    /// With pinning: the mock and the floor again with every CPU shared.
    pub(crate) mock_shared: Option<Result<Load>>,
    pub(crate) floor_shared: Option<Result<Load>>,
}

impl Bench {
    /// One vendor against each server: pinned first (if pinning), then the mock and the floor
    /// with every CPU shared.
    pub(crate) fn load_row(
        &self,
        vendor: MockVendor,
        routes: &Path,
        (prism, wiremock): (bool, bool),
    ) -> VendorRow {
        eprintln!("bench: {} …", vendor.name());
        let mut row = VendorRow {
            vendor: vendor.name(),
            ..VendorRow::default()
        };
        self.pinned.set(self.pin.is_some());
        row.mock = Some(self.load_mock(vendor));
        if let Some(bin) = &self.args.baseline_mock {
            row.baseline = Some(self.load_mock_bin(bin, vendor, "baseline"));
        }
        row.floor = Some(self.load_floor(vendor, routes));
        if prism {
            row.prism = Some(self.load_prism(vendor));
        }
        if wiremock {
            row.wiremock = Some(self.load_wiremock(vendor, routes));
        }
        if self.pin.is_some() {
            self.pinned.set(false);
            row.mock_shared = Some(self.load_mock(vendor));
            row.floor_shared = Some(self.load_floor(vendor, routes));
        }
        self.pinned.set(false);
        row
    }

    /// Starts the release mock, its output in `target/bench/mock-{tag}.log`.
    pub(crate) fn start_mock(&self, tag: &str) -> Result<(Proc, String)> {
        self.start_mock_bin(&self.mock_bin, &format!("mock-{tag}"))
    }

    /// Starts `bin` (a build of the mock) on a free port, its output in `target/bench/{log}.log`.
    fn start_mock_bin(&self, bin: &Path, log: &str) -> Result<(Proc, String)> {
        let mut cmd = self.server_command(bin);
        cmd.args(["--port", "0"]);
        start_banner_server(
            "social-connect-mock",
            cmd,
            &self.work.join(format!("{log}.log")),
        )
    }

    /// Each vendor's connect request on one mock: its answer, which the floor replays.
    pub(crate) fn probe_mock(&self) -> Result<BTreeMap<String, floor::Route>> {
        let (_mock, origin) = self.start_mock("probe")?;
        let mut routes = BTreeMap::new();
        for v in MockVendor::ALL {
            let sample = samples::connect(v);
            let url = format!("{origin}{}", sample.target());
            let (status, content_type, body) = self.runtime.block_on(probe(&url, &sample))?;
            if !(200..300).contains(&status) {
                return Err(format!(
                    "the mock answered {} {status} ({body}); is the default fixture changed?",
                    v.name()
                ));
            }
            routes.insert(
                format!("{}{}", v.prefix(), samples::connect(v).path),
                floor::Route {
                    status,
                    content_type,
                    body,
                },
            );
        }
        Ok(routes)
    }

    fn load_mock(&self, v: MockVendor) -> Result<Load> {
        self.load_mock_bin(&self.mock_bin, v, "mock")
    }

    fn load_mock_bin(&self, bin: &Path, v: MockVendor, tag: &str) -> Result<Load> {
        let (mut mock, origin) = self.start_mock_bin(bin, &format!("{tag}-{}", v.slug()))?;
        let url = format!("{origin}{}", samples::connect(v).target());
        self.load(&mut mock, &url, v, "mock")
    }

    fn load_floor(&self, v: MockVendor, routes: &Path) -> Result<Load> {
        let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let mut cmd = self.server_command(exe);
        cmd.arg("--serve-floor").arg(routes);
        let (mut floor, origin) = start_banner_server(
            "bench floor",
            cmd,
            &self.work.join(format!("floor-{}.log", v.slug())),
        )?;
        let url = format!("{origin}{}", samples::connect(v).target());
        self.load(&mut floor, &url, v, "floor")
    }

    fn load_prism(&self, v: MockVendor) -> Result<Load> {
        let port = free_port()?;
        let spec = self.root.join("specs").join(v.slug()).join("openapi.yaml");
        let log_path = self.work.join(format!("prism-{}.log", v.slug()));
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let child = self
            .server_command(&self.prism_bin)
            .arg("mock")
            .arg(&spec)
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "--errors=false"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot start prism: {e}"))?;
        let mut prism = Proc {
            name: format!("prism ({})", v.slug()),
            child,
            _stdout: None,
        };
        if let Err(e) = wait_for_port(&mut prism, port, Duration::from_secs(90)) {
            return Err(format!("{e}: {}", log_tail(&log_path)));
        }
        // Prism serves the spec's paths at its root.
        let url = format!(
            "http://127.0.0.1:{port}{}",
            samples::connect(v).relative_target()
        );
        self.load(&mut prism, &url, v, "prism")
    }

    /// WireMock standalone (the jar from npm's `wiremock`, on Debian's Java) given its kindest
    /// set-up: one stub answering the vendor's connect with the mock's own answer, its `state`
    /// templated fresh per request; no request journal, no request logging; 8 container threads
    /// and the parallel collector; a JIT warm-up (at least 10 s of the same load first).
    fn load_wiremock(&self, v: MockVendor, routes: &Path) -> Result<Load> {
        let routes: BTreeMap<String, floor::Route> = serde_json::from_slice(
            &std::fs::read(routes).map_err(|e| format!("{}: {e}", routes.display()))?,
        )
        .map_err(|e| e.to_string())?;
        let path = format!("{}{}", v.prefix(), samples::connect(v).path);
        let route = routes.get(&path).ok_or("no route for the vendor")?;
        let root = self.work.join(format!("wiremock-{}", v.slug()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("mappings")).map_err(|e| e.to_string())?;
        let stub = serde_json::json!({
            "request": {"method": "POST", "urlPath": path},
            "response": {
                "status": route.status,
                "headers": {"Content-Type": route.content_type},
                "body": templated_state(&route.body),
                "transformers": ["response-template"]
            }
        });
        std::fs::write(root.join("mappings").join("connect.json"), stub.to_string())
            .map_err(|e| e.to_string())?;
        let port = free_port()?;
        let log_path = self.work.join(format!("wiremock-{}.log", v.slug()));
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let child = self
            .server_command(std::path::Path::new("java"))
            // The kindest set-up found (Ocoya, 2 shared CPUs, wrk -c50): the defaults did 4.4k
            // requests/s, the parallel collector with async responses 5.2k, and 8 container
            // threads instead of the default pool 11-12k.
            .arg("-XX:+UseParallelGC")
            .arg("-jar")
            .arg(&self.wiremock_jar)
            .args(["--bind-address", "127.0.0.1", "--port", &port.to_string()])
            .arg("--root-dir")
            .arg(&root)
            .args([
                "--no-request-journal",
                "--disable-request-logging",
                "--disable-banner",
            ])
            .args(["--container-threads", "8"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot start java: {e}"))?;
        let mut wiremock = Proc {
            name: format!("wiremock ({})", v.slug()),
            child,
            _stdout: None,
        };
        if let Err(e) = wait_for_port(&mut wiremock, port, Duration::from_secs(90)) {
            return Err(format!("{e}: {}", log_tail(&log_path)));
        }
        let url = format!("http://127.0.0.1:{port}{}", samples::connect(v).target());
        // The JIT's warm-up: more than the others get.
        let script = self.wrk_script(v, "wiremock")?;
        self.wrk(&url, &script, self.args.warmup.max(10))?;
        self.load(&mut wiremock, &url, v, "wiremock")
    }

    /// Probe, warm up, measure; the server's RSS before and its peak after.
    fn load(&self, server: &mut Proc, url: &str, v: MockVendor, tag: &str) -> Result<Load> {
        let (status, _, body) = self.runtime.block_on(probe(url, &samples::connect(v)))?;
        if !(200..300).contains(&status) {
            return Err(format!("answers {status}: {}", clip(&body, 200)));
        }
        let script = self.wrk_script(v, tag)?;
        if self.args.warmup > 0 {
            self.wrk(url, &script, self.args.warmup)?;
        }
        let rss_idle_kb = server.rss_kb().unwrap_or(0);
        let mut load = self.wrk(url, &script, self.args.duration)?;
        load.status = status;
        load.rss_idle_kb = rss_idle_kb;
        load.hwm_kb = server.hwm_kb().unwrap_or(0);
        if server.exited() {
            return Err(format!("{} exited during the load", server.name));
        }
        Ok(load)
    }
}

/// POSTs `sample`'s body with the owner key to `url`: status, content type, body.
async fn probe(url: &str, sample: &ConnectSample) -> Result<(u16, String, String)> {
    let client = http_client()?;
    let (header, value) = sample.auth(OWNER_KEY);
    let response = client
        .post(url)
        .header(header, value)
        .header("content-type", "application/json")
        .body(sample.body)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    let body = response.text().await.map_err(|e| format!("{url}: {e}"))?;
    Ok((status, content_type, body))
}

/// The mock's answer with its `state` (43 characters after `state=`) made a WireMock template
/// that draws a fresh one per answer, as the mock does.
fn templated_state(body: &str) -> String {
    match body.find("state=") {
        Some(i) if body.len() >= i + 6 + 43 => format!(
            "{}{{{{randomValue length=43 type='ALPHANUMERIC'}}}}{}",
            &body[..i + 6],
            &body[i + 6 + 43..]
        ),
        _ => body.to_owned(),
    }
}

/// Progress on stderr: one vendor's results as soon as they are in.
pub(crate) fn print_row(row: &VendorRow) {
    for (server, result) in [
        ("mock", &row.mock),
        ("baseline", &row.baseline),
        ("floor", &row.floor),
        ("prism", &row.prism),
        ("wiremock", &row.wiremock),
        ("mock (shared CPUs)", &row.mock_shared),
        ("floor (shared CPUs)", &row.floor_shared),
    ] {
        match result {
            Some(Ok(l)) => eprintln!(
                "  {:<10} {server:<6} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}  peak RSS {:.1} MB",
                row.vendor,
                l.rps,
                l.p50_ms,
                l.p99_ms,
                l.errors,
                mb(l.hwm_kb)
            ),
            Some(Err(e)) => eprintln!("  {:<10} {server:<6} failed: {}", row.vendor, clip(e, 300)),
            None => {}
        }
    }
}
