//! `cargo xtask bench`: the mock and the SDK measured side by side with their peers, on this
//! machine, in one run; the results go to stdout and into `BENCHMARKS.md`.
//!
//! What runs (every server on 127.0.0.1 only, every load bounded in time or count):
//!
//! - for each vendor, the connect endpoint of three servers, one after the other, each a fresh
//!   process: the mock binary (`target/release/social-connect-mock --port 0`), a bare hyper
//!   "floor" server answering the mock's own response body (this binary, `--serve-floor`),
//!   and Stoplight Prism on the vendor's spec; `wrk` with 50 connections, a warm-up, then the
//!   measured run: requests/s, p50, p99, non-2xx/socket errors, the server's peak RSS (VmHWM);
//! - complete connect flows per second against the mock (WoopSocial: connect, approve, callback);
//! - the SDK's `Client::connect` against a raw reqwest POST (the criterion bench `connect`);
//! - optionally (`--with-builds`) cold and warm builds of `social-connect` with one vendor feature
//!   and with all five, and (`--soak N`) N requests against one mock process with its RSS sampled.
//!
//! The load generator is `wrk` (Debian package; installed with apt-get if missing) and Prism is
//! installed with npm into `target/bench-prism/` if missing. A debug build of this binary rebuilds
//! itself in release and runs that, so that the floor server and the flow client are optimised
//! like the mock (`cargo xtask bench` runs it in release from the start).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use social_connect_mock::samples::{self, ConnectSample};
use social_connect_mock::{MockVendor, OWNER_KEY};

type Result<T> = std::result::Result<T, String>;

/// Options of `cargo xtask bench`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "xtask-bench",
    bin_name = "cargo xtask bench",
    about = "Benchmark the mock and the SDK against their peers; writes BENCHMARKS.md's results."
)]
struct BenchArgs {
    /// Seconds of measured load per server and vendor (and of the flow run).
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Seconds of warm-up load before each measured run.
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 50)]
    connections: u32,
    /// Load-generator threads.
    #[arg(long, default_value_t = 2)]
    threads: u32,
    /// Concurrent workers of the complete-flow run.
    #[arg(long, default_value_t = 16)]
    flow_workers: usize,
    /// Also time cold builds (fresh target dirs under target/bench-build-*) and warm rebuilds.
    #[arg(long)]
    with_builds: bool,
    /// Also send this many requests to one mock process and report its RSS (e.g. 1000000).
    #[arg(long)]
    soak: Option<u64>,
    /// Vendors to load (default: all five), e.g. `--vendors postbreeze,woopsocial`.
    #[arg(long, value_delimiter = ',')]
    vendors: Vec<String>,
    /// Skip Prism.
    #[arg(long)]
    no_prism: bool,
    /// Skip the criterion bench (`Client::connect` vs raw reqwest).
    #[arg(long)]
    no_criterion: bool,
    /// Run only these parts (default: all): load, flows, sdk, soak (needs --soak), builds.
    #[arg(long, value_delimiter = ',', value_parser = ["load", "flows", "sdk", "soak", "builds"])]
    only: Vec<String>,
    /// Let the servers and wrk share every CPU, instead of pinning the server to one half of
    /// them and wrk to the other (with `taskset`) for the main table.
    #[arg(long)]
    no_pin: bool,
    /// Also load another build of the mock (e.g. one of an older commit, built with
    /// `git worktree add /tmp/old <rev> && cargo build --release -p social-connect-mock
    /// --manifest-path /tmp/old/Cargo.toml`), beside this one, as "mock (baseline)".
    #[arg(long, value_name = "BINARY")]
    baseline_mock: Option<PathBuf>,
    /// Print the results only; leave BENCHMARKS.md alone.
    #[arg(long)]
    print_only: bool,
    /// Internal: serve the bare hyper floor with the routes in this JSON file.
    #[arg(long, hide = true, value_name = "ROUTES_JSON")]
    serve_floor: Option<PathBuf>,
}

/// The targets the results are held against.
const TARGET_VS_PRISM: f64 = 15.0;
const TARGET_VS_FLOOR: f64 = 0.70;
const TARGET_P99_MS: f64 = 5.0;
const TARGET_SOAK_MB: f64 = 64.0;
const TARGET_FLOWS: f64 = 5000.0;
const TARGET_SDK_OVERHEAD: f64 = 1.05;
const FLOW_REDIRECT: &str = "http://127.0.0.1:9/app";

const RESULTS_START: &str = "<!-- bench:results:start (written by `cargo xtask bench`) -->";
const RESULTS_END: &str = "<!-- bench:results:end -->";

fn main() -> ExitCode {
    let args = <BenchArgs as clap::Parser>::parse();
    match run(&project_root(), args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: two levels above this crate's manifest directory (`xtask/bench/`).
fn project_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

fn run(root: &Path, args: BenchArgs) -> Result<()> {
    if let Some(routes) = &args.serve_floor {
        return floor::serve(routes);
    }
    if cfg!(debug_assertions) {
        return reexec_release(root);
    }
    Bench::new(root, args)?.run()
}

/// Builds the bench and the mock in release and runs the release bench with the same arguments.
fn reexec_release(root: &Path) -> Result<()> {
    eprintln!(
        "bench: building the bench and the mock in release (the floor server and the flow client must be optimised like the mock)…"
    );
    let status = Command::new(cargo())
        .args([
            "build",
            "--release",
            "-p",
            "xtask-bench",
            "-p",
            "social-connect-mock",
        ])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release failed".to_owned());
    }
    let exe = target_dir(root).join("release").join("xtask-bench");
    let status = Command::new(&exe)
        .args(std::env::args_os().skip(1))
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the release bench failed ({status})"))
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

// ---------------------------------------------------------------------------------------------
// Processes: every process started here is held by a guard that kills it when dropped, so
// errors and panics (which unwind) end them too.

#[derive(Debug)]
struct Proc {
    name: String,
    child: Child,
    /// Kept open so that the process never writes into a closed pipe.
    _stdout: Option<BufReader<ChildStdout>>,
}

impl Proc {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A `kB` field of `/proc/<pid>/status` (VmRSS, VmHWM), in kB.
    fn status_kb(&self, field: &str) -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
    }

    fn rss_kb(&self) -> Option<u64> {
        self.status_kb("VmRSS")
    }

    fn hwm_kb(&self) -> Option<u64> {
        self.status_kb("VmHWM")
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exited() {
            return;
        }
        // SIGTERM first (lets the mock finish cleanly), SIGKILL after a grace period.
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if self.exited() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("bench: {} did not stop on SIGTERM; killing it", self.name);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a server that prints `… listening on http://127.0.0.1:PORT` as its first line.
fn start_banner_server(name: &str, mut cmd: Command, log: &Path) -> Result<(Proc, String)> {
    let stderr = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    let stdout = child.stdout.take();
    let mut proc = Proc {
        name: name.to_owned(),
        child,
        _stdout: None,
    };
    let Some(stdout) = stdout else {
        return Err(format!("{name}: no stdout"));
    };
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader
        .read_line(&mut first)
        .map_err(|e| format!("{name}: {e}"))?;
    proc._stdout = Some(reader);
    let origin = first
        .split_once("listening on ")
        .map(|(_, url)| url.trim().trim_end_matches('/').to_owned())
        .filter(|u| u.starts_with("http://127.0.0.1:"))
        .ok_or_else(|| {
            format!(
                "{name} did not print its address (first line {first:?}; see {})",
                log.display()
            )
        })?;
    Ok((proc, origin))
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("local_addr: {e}"))
}

fn wait_for_port(proc: &mut Proc, port: u16, timeout: Duration) -> Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + timeout;
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if proc.exited() {
            return Err(format!("{} exited before listening", proc.name));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{} did not listen within {} s",
                proc.name,
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs a command to completion, output captured; the first line of stdout (or stderr).
fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|l| l.trim().to_owned())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

// ---------------------------------------------------------------------------------------------
// Results.

#[derive(Debug, Clone, Default)]
struct Load {
    status: u16,
    requests: u64,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    rss_idle_kb: u64,
    hwm_kb: u64,
}

#[derive(Debug, Default)]
struct VendorRow {
    vendor: &'static str,
    mock: Option<std::result::Result<Load, String>>,
    floor: Option<std::result::Result<Load, String>>,
    prism: Option<std::result::Result<Load, String>>,
    /// `--baseline-mock`: the other build, under the same load as `mock`.
    baseline: Option<std::result::Result<Load, String>>,
    /// With pinning: the mock and the floor again with every CPU shared.
    mock_shared: Option<std::result::Result<Load, String>>,
    floor_shared: Option<std::result::Result<Load, String>>,
}

/// Where the servers and the load generator run: CPU lists for `taskset -c`.
#[derive(Debug, Clone)]
struct Pin {
    server: String,
    load: String,
    load_cpus: u32,
}

impl Pin {
    /// The first half of the CPUs for the server, the rest for wrk; `None` on one CPU or
    /// without `taskset`.
    fn detect() -> Option<Self> {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
        if n < 2 || !on_path("taskset") {
            return None;
        }
        let half = n / 2;
        let list = |from: u32, to: u32| {
            if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            }
        };
        Some(Self {
            server: list(0, half - 1),
            load: list(half, n - 1),
            load_cpus: n - half,
        })
    }
}

#[derive(Debug, Default)]
struct Flows {
    flows: u64,
    errors: u64,
    secs: f64,
    p50_ms: f64,
    p99_ms: f64,
    first_error: Option<String>,
    hwm_kb: u64,
}

#[derive(Debug)]
struct Sdk {
    raw_ns: f64,
    client_ns: f64,
    raw_ci: (f64, f64),
    client_ci: (f64, f64),
    /// The bench's `paired:` line: median and quartiles of client/raw over interleaved rounds.
    paired: Option<(f64, f64, f64)>,
}

impl Sdk {
    /// The ratio the target is judged on: the paired median when there is one (the two
    /// criterion runs are seconds apart, on a machine whose load changes in between).
    fn ratio(&self) -> f64 {
        self.paired
            .map_or(self.client_ns / self.raw_ns, |(median, _, _)| median)
    }
}

/// `paired: client/raw median M (quartiles Q1 Q3) over …` from the bench's output.
fn parse_paired(log: &str) -> Option<(f64, f64, f64)> {
    let line = log
        .lines()
        .find_map(|l| l.strip_prefix("paired: client/raw median "))?;
    let mut words = line.split_whitespace();
    let median = words.next()?.parse().ok()?;
    let q1 = words.nth(1)?.parse().ok()?;
    let q3 = words.next()?.trim_end_matches(')').parse().ok()?;
    Some((median, q1, q3))
}

#[derive(Debug)]
struct BuildTime {
    label: &'static str,
    cold_s: Option<f64>,
    warm_s: Option<f64>,
}

#[derive(Debug, Default)]
struct Soak {
    requests: u64,
    errors: u64,
    secs: f64,
    rss_start_kb: u64,
    rss_settled_kb: u64,
    rss_end_kb: u64,
    hwm_kb: u64,
    samples: Vec<(u64, u64)>,
}

#[derive(Debug)]
struct Bench {
    root: PathBuf,
    work: PathBuf,
    args: BenchArgs,
    vendors: Vec<MockVendor>,
    mock_bin: PathBuf,
    prism_bin: PathBuf,
    runtime: tokio::runtime::Runtime,
    notes: Vec<String>,
    /// The CPU split of the main table's load runs (`None`: everything shares every CPU).
    pin: Option<Pin>,
    /// Whether the load runs now in progress are pinned.
    pinned: std::cell::Cell<bool>,
}

impl Bench {
    fn new(root: &Path, args: BenchArgs) -> Result<Self> {
        let vendors = if args.vendors.is_empty() {
            MockVendor::ALL.to_vec()
        } else {
            args.vendors
                .iter()
                .map(|s| {
                    MockVendor::ALL
                        .into_iter()
                        .find(|v| v.slug().eq_ignore_ascii_case(s))
                        .ok_or_else(|| format!("unknown vendor {s:?}"))
                })
                .collect::<Result<Vec<_>>>()?
        };
        if args.duration == 0 || args.connections == 0 || args.threads == 0 {
            return Err("--duration, --connections and --threads must be positive".to_owned());
        }
        let target = target_dir(root);
        let work = target.join("bench");
        std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("runtime: {e}"))?;
        Ok(Self {
            root: root.to_path_buf(),
            mock_bin: target.join("release").join("social-connect-mock"),
            prism_bin: target
                .join("bench-prism")
                .join("node_modules")
                .join(".bin")
                .join("prism"),
            work,
            pin: if args.no_pin { None } else { Pin::detect() },
            args,
            pinned: std::cell::Cell::new(false),
            vendors,
            runtime,
            notes: Vec::new(),
        })
    }

    /// `program` under `taskset -c <server CPUs>` while the load runs are pinned.
    fn server_command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        match &self.pin {
            Some(pin) if self.pinned.get() => {
                let mut cmd = Command::new("taskset");
                cmd.args(["-c", &pin.server]).arg(program);
                cmd
            }
            _ => Command::new(program),
        }
    }

    /// wrk, under `taskset -c <load CPUs>` with at most one thread per CPU while pinned.
    fn wrk_command(&self) -> (Command, u32) {
        match &self.pin {
            Some(pin) if self.pinned.get() => {
                let mut cmd = Command::new("taskset");
                cmd.args(["-c", &pin.load, "wrk"]);
                (cmd, self.args.threads.min(pin.load_cpus))
            }
            _ => (Command::new("wrk"), self.args.threads),
        }
    }

    fn part(&self, name: &str) -> bool {
        self.args.only.is_empty() || self.args.only.iter().any(|p| p == name)
    }

    fn run(mut self) -> Result<()> {
        let started = Instant::now();
        let load_start = loadavg();
        self.ensure_wrk()?;
        self.build_mock()?;
        let prism_ok = self.part("load") && !self.args.no_prism && self.ensure_prism();

        // Probe every vendor on one mock: the expected statuses, and the bodies for the floor.
        let routes = self.probe_mock()?;
        let routes_file = self.work.join("floor-routes.json");
        std::fs::write(
            &routes_file,
            serde_json::to_vec_pretty(&routes).map_err(|e| e.to_string())?,
        )
        .map_err(|e| format!("{}: {e}", routes_file.display()))?;

        let mut rows = Vec::new();
        let load_vendors = if self.part("load") {
            self.vendors.clone()
        } else {
            Vec::new()
        };
        for vendor in load_vendors {
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
            row.floor = Some(self.load_floor(vendor, &routes_file));
            if prism_ok {
                row.prism = Some(self.load_prism(vendor));
            }
            if self.pin.is_some() {
                self.pinned.set(false);
                row.mock_shared = Some(self.load_mock(vendor));
                row.floor_shared = Some(self.load_floor(vendor, &routes_file));
            }
            self.pinned.set(false);
            print_row(&row);
            rows.push(row);
        }

        let flows = if self.part("flows") {
            eprintln!("bench: complete flows …");
            Some(self.flows())
        } else {
            None
        };
        let sdk = if self.args.no_criterion || !self.part("sdk") {
            None
        } else {
            eprintln!("bench: criterion bench `connect` (Client::connect vs raw reqwest) …");
            Some(self.criterion())
        };
        let soak = self.args.soak.filter(|_| self.part("soak")).map(|n| {
            eprintln!("bench: soak, {n} requests …");
            self.soak(n)
        });
        let builds = if self.part("builds") {
            self.builds()
        } else {
            Vec::new()
        };
        let load_end = loadavg();

        let report = self.report(
            &rows,
            flows.as_ref(),
            sdk.as_ref(),
            soak.as_ref(),
            &builds,
            (load_start, load_end, started.elapsed()),
        );
        println!("{report}");
        if !self.args.print_only {
            self.write_results(&report)?;
        }
        Ok(())
    }

    // --- setup ------------------------------------------------------------------------------

    fn ensure_wrk(&mut self) -> Result<()> {
        if on_path("wrk") {
            return Ok(());
        }
        eprintln!("bench: wrk is missing; installing it with apt-get (Debian package `wrk`) …");
        let update = Command::new("apt-get")
            .args(["update"])
            .status()
            .map_err(|e| format!("apt-get: {e}"))?;
        let install = Command::new("apt-get")
            .args(["install", "-y", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| format!("apt-get: {e}"))?;
        if !update.success() || !install.success() || !on_path("wrk") {
            return Err(
                "could not install wrk (apt-get install -y wrk; needs root); install it and re-run"
                    .to_owned(),
            );
        }
        self.notes
            .push("`wrk` was installed by this run (`apt-get install -y wrk`).".to_owned());
        Ok(())
    }

    fn build_mock(&self) -> Result<()> {
        let status = Command::new(cargo())
            .args(["build", "--release", "-p", "social-connect-mock"])
            .current_dir(&self.root)
            .status()
            .map_err(|e| format!("cargo: {e}"))?;
        if status.success() && self.mock_bin.is_file() {
            Ok(())
        } else {
            Err("cargo build --release -p social-connect-mock failed".to_owned())
        }
    }

    /// Installs Prism with npm into `target/bench-prism/` if it is not there; false if that fails.
    fn ensure_prism(&mut self) -> bool {
        if self.prism_bin.is_file() {
            return true;
        }
        let Some(dir) = self.prism_bin.ancestors().nth(3).map(Path::to_path_buf) else {
            return false;
        };
        eprintln!(
            "bench: installing @stoplight/prism-cli@5 with npm into {} …",
            dir.display()
        );
        let _ = std::fs::create_dir_all(&dir);
        let ok = Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&dir)
            .arg("@stoplight/prism-cli@5")
            .status()
            .is_ok_and(|s| s.success())
            && self.prism_bin.is_file();
        if ok {
            self.notes.push(
                "Prism was installed by this run (`npm install @stoplight/prism-cli@5` into `target/bench-prism/`)."
                    .to_owned(),
            );
        } else {
            self.notes
                .push("Prism could not be installed with npm; its column is empty.".to_owned());
        }
        ok
    }

    fn start_mock(&self, tag: &str) -> Result<(Proc, String)> {
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

    fn probe_mock(&self) -> Result<BTreeMap<String, floor::Route>> {
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
                format!("{}{}", v.prefix(), v.connect_path()),
                floor::Route {
                    status,
                    content_type,
                    body,
                },
            );
        }
        Ok(routes)
    }

    // --- load -------------------------------------------------------------------------------

    fn load_mock(&self, v: MockVendor) -> std::result::Result<Load, String> {
        self.load_mock_bin(&self.mock_bin, v, "mock")
    }

    fn load_mock_bin(
        &self,
        bin: &Path,
        v: MockVendor,
        tag: &str,
    ) -> std::result::Result<Load, String> {
        let (mut mock, origin) = self.start_mock_bin(bin, &format!("{tag}-{}", v.slug()))?;
        let url = format!("{origin}{}", samples::connect(v).target());
        self.load(&mut mock, &url, v, "mock")
    }

    fn load_floor(&self, v: MockVendor, routes: &Path) -> std::result::Result<Load, String> {
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

    fn load_prism(&self, v: MockVendor) -> std::result::Result<Load, String> {
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

    fn wrk_script(&self, v: MockVendor, tag: &str) -> Result<PathBuf> {
        let path = self.work.join(format!("wrk-{}-{tag}.lua", v.slug()));
        let sample = samples::connect(v);
        let (header, value) = sample.auth(OWNER_KEY);
        let lua = format!(
            "-- generated by `cargo xtask bench`\nwrk.method = \"POST\"\nwrk.body = [[{}]]\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"{header}\"] = \"{value}\"\n",
            sample.body
        );
        std::fs::write(&path, lua).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }

    fn wrk(&self, url: &str, script: &Path, secs: u64) -> Result<Load> {
        let (mut wrk, threads) = self.wrk_command();
        let out = wrk
            .arg(format!("-t{threads}"))
            .arg(format!("-c{}", self.args.connections))
            .arg(format!("-d{secs}s"))
            .args(["--timeout", "5s", "--latency", "-s"])
            .arg(script)
            .arg(url)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("wrk: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "wrk failed: {}{}",
                text,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        parse_wrk(&text)
    }

    // --- complete flows ---------------------------------------------------------------------

    fn flows(&self) -> std::result::Result<Flows, String> {
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

    // --- the SDK against raw reqwest ---------------------------------------------------------

    fn criterion(&self) -> std::result::Result<Sdk, String> {
        let log_path = self.work.join("criterion.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let dir = target_dir(&self.root)
            .join("criterion")
            .join("connect_loopback");
        let estimates = |name: &str| dir.join(name).join("new").join("estimates.json");
        // Old results must not pass for new ones.
        let _ = std::fs::remove_file(estimates("raw_reqwest_post"));
        let _ = std::fs::remove_file(estimates("client_connect"));
        let status = Command::new(cargo())
            .args(["bench", "-p", "social-connect", "--bench", "connect"])
            .current_dir(&self.root)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .status()
            .map_err(|e| format!("cargo bench: {e}"))?;
        if !status.success() {
            return Err(format!("cargo bench failed: {}", log_tail(&log_path)));
        }
        let (raw_ns, raw_ci) = median(&estimates("raw_reqwest_post"))?;
        let (client_ns, client_ci) = median(&estimates("client_connect"))?;
        let paired = parse_paired(&std::fs::read_to_string(&log_path).unwrap_or_default());
        Ok(Sdk {
            raw_ns,
            client_ns,
            raw_ci,
            client_ci,
            paired,
        })
    }

    // --- soak -------------------------------------------------------------------------------

    fn soak(&self, total: u64) -> std::result::Result<Soak, String> {
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
        Ok(soak)
    }

    // --- builds -----------------------------------------------------------------------------

    fn builds(&self) -> Vec<BuildTime> {
        let target = target_dir(&self.root);
        let configs: [(&'static str, &'static str, &[&str]); 2] = [
            (
                "one vendor (`--no-default-features --features postbreeze`)",
                "bench-build-one",
                &["--no-default-features", "--features", "postbreeze"],
            ),
            ("all five (default features)", "bench-build-all", &[]),
        ];
        let mut out = Vec::new();
        for (label, dir, features) in configs {
            let dir = target.join(dir);
            let mut cold_s = None;
            if self.args.with_builds {
                eprintln!("bench: cold build, {label} …");
                let _ = std::fs::remove_dir_all(&dir);
                cold_s = self.timed_build(&dir, features);
            } else if !dir.exists() {
                out.push(BuildTime {
                    label,
                    cold_s: None,
                    warm_s: None,
                });
                continue;
            }
            eprintln!("bench: warm build, {label} …");
            let lib = self.root.join("sdk").join("src").join("lib.rs");
            let touched = std::fs::File::options()
                .append(true)
                .open(&lib)
                .and_then(|f| f.set_modified(SystemTime::now()));
            let warm_s = if touched.is_ok() {
                self.timed_build(&dir, features)
            } else {
                None
            };
            out.push(BuildTime {
                label,
                cold_s,
                warm_s,
            });
        }
        out
    }

    fn timed_build(&self, dir: &Path, features: &[&str]) -> Option<f64> {
        let started = Instant::now();
        let ok = Command::new(cargo())
            .args(["build", "--quiet", "-p", "social-connect"])
            .args(features)
            .env("CARGO_TARGET_DIR", dir)
            .current_dir(&self.root)
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| started.elapsed().as_secs_f64())
    }

    // --- the report -------------------------------------------------------------------------

    fn report(
        &self,
        rows: &[VendorRow],
        flows: Option<&std::result::Result<Flows, String>>,
        sdk: Option<&std::result::Result<Sdk, String>>,
        soak: Option<&std::result::Result<Soak, String>>,
        builds: &[BuildTime],
        (load_start, load_end, elapsed): (String, String, Duration),
    ) -> String {
        let a = &self.args;
        let mut md = String::new();
        let mut command = String::from("cargo xtask bench");
        if a.duration != 10 {
            let _ = write!(command, " --duration {}", a.duration);
        }
        if a.warmup != 3 {
            let _ = write!(command, " --warmup {}", a.warmup);
        }
        if a.connections != 50 {
            let _ = write!(command, " --connections {}", a.connections);
        }
        if a.flow_workers != 16 {
            let _ = write!(command, " --flow-workers {}", a.flow_workers);
        }
        if a.with_builds {
            command.push_str(" --with-builds");
        }
        if let Some(n) = a.soak {
            let _ = write!(command, " --soak {n}");
        }
        if !a.vendors.is_empty() {
            let _ = write!(command, " --vendors {}", a.vendors.join(","));
        }
        if a.no_prism {
            command.push_str(" --no-prism");
        }
        if a.no_criterion {
            command.push_str(" --no-criterion");
        }
        if a.no_pin {
            command.push_str(" --no-pin");
        }
        if let Some(b) = &a.baseline_mock {
            let _ = write!(command, " --baseline-mock {}", b.display());
        }
        if !a.only.is_empty() {
            let _ = write!(command, " --only {}", a.only.join(","));
        }
        let _ = writeln!(
            md,
            "Command: `{command}` (took {:.0} s).\n",
            elapsed.as_secs_f64()
        );
        let _ = writeln!(md, "| | |\n|---|---|");
        let _ = writeln!(md, "| date | {} |", now_utc());
        let _ = writeln!(md, "| machine | {} |", machine());
        let _ = writeln!(
            md,
            "| load average (1/5/15 min) at start / end | {load_start} / {load_end} |"
        );
        let _ = writeln!(
            md,
            "| versions | {}; {}; Prism {}; node {} |",
            first_line("rustc", &["-V"]).unwrap_or_else(|| "rustc ?".to_owned()),
            first_line("wrk", &["-v"])
                .map(|l| l.split(" [").next().unwrap_or(&l).to_owned())
                .unwrap_or_else(|| "wrk ?".to_owned()),
            if self.prism_bin.is_file() {
                first_line(&self.prism_bin.to_string_lossy(), &["--version"])
                    .unwrap_or_else(|| "?".to_owned())
            } else {
                "not installed".to_owned()
            },
            first_line("node", &["--version"]).unwrap_or_else(|| "?".to_owned()),
        );
        let _ = writeln!(
            md,
            "| load | `wrk -t{} -c{} -d{}s --latency` after a {} s warm-up, POST with the vendor's JSON body and key, each server a fresh process |",
            self.pin
                .as_ref()
                .map_or(a.threads, |p| a.threads.min(p.load_cpus)),
            a.connections,
            a.duration,
            a.warmup
        );
        let _ = match &self.pin {
            Some(p) => writeln!(
                md,
                "| CPUs | main table: server on CPU {} and wrk on CPU {} (`taskset -c`), so that neither takes CPU time from the other; the mock and the floor again with every CPU shared (wrk -t{}) in the second table |",
                p.server, p.load, a.threads
            ),
            None => writeln!(
                md,
                "| CPUs | servers and wrk share every CPU (`--no-pin`, or one CPU, or no `taskset`) |"
            ),
        };
        for note in &self.notes {
            let _ = writeln!(md, "| note | {note} |");
        }

        let _ = writeln!(md, "\n#### The connect endpoint under load\n");
        let _ = writeln!(
            md,
            "| vendor | server | status | requests/s | p50 | p99 | errors | RSS idle → peak |"
        );
        let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|---:|");
        for row in rows {
            for (server, result) in [
                ("mock", &row.mock),
                ("mock (baseline)", &row.baseline),
                ("bare hyper floor", &row.floor),
                ("Prism", &row.prism),
            ] {
                match result {
                    None => {}
                    Some(Ok(l)) => {
                        let _ = writeln!(
                            md,
                            "| {} | {server} | {} | {:.0} | {:.2} ms | {:.2} ms | {} of {} | {:.1} → {:.1} MB |",
                            row.vendor,
                            l.status,
                            l.rps,
                            l.p50_ms,
                            l.p99_ms,
                            l.errors,
                            l.requests,
                            mb(l.rss_idle_kb),
                            mb(l.hwm_kb)
                        );
                    }
                    Some(Err(e)) => {
                        let _ = writeln!(
                            md,
                            "| {} | {server} | — | — | — | — | — | {} |",
                            row.vendor,
                            clip(&e.replace('|', "/").replace('\n', " "), 300)
                        );
                    }
                }
            }
        }

        let mut vs_floor_shared = Vec::new();
        let mut p99s_shared = Vec::new();
        if self.pin.is_some() && !rows.is_empty() {
            let _ = writeln!(
                md,
                "\n#### The same, with every CPU shared by the server and wrk\n"
            );
            let _ = writeln!(
                md,
                "| vendor | server | requests/s | p50 | p99 | errors | mock / floor |"
            );
            let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|");
            for row in rows {
                let mock = row.mock_shared.as_ref().and_then(|r| r.as_ref().ok());
                let floor = row.floor_shared.as_ref().and_then(|r| r.as_ref().ok());
                let ratio = match (mock, floor) {
                    (Some(m), Some(f)) if f.rps > 0.0 => Some(m.rps / f.rps),
                    _ => None,
                };
                if let Some(r) = ratio {
                    vs_floor_shared.push((row.vendor, r));
                }
                if let Some(m) = mock {
                    p99s_shared.push((row.vendor, m.p99_ms));
                }
                for (server, result, cell) in [
                    (
                        "mock",
                        &row.mock_shared,
                        ratio.map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0)),
                    ),
                    ("bare hyper floor", &row.floor_shared, String::new()),
                ] {
                    match result {
                        None => {}
                        Some(Ok(l)) => {
                            let _ = writeln!(
                                md,
                                "| {} | {server} | {:.0} | {:.2} ms | {:.2} ms | {} of {} | {cell} |",
                                row.vendor, l.rps, l.p50_ms, l.p99_ms, l.errors, l.requests
                            );
                        }
                        Some(Err(e)) => {
                            let _ = writeln!(
                                md,
                                "| {} | {server} | — | — | — | {} | |",
                                row.vendor,
                                clip(&e.replace('|', "/").replace('\n', " "), 300)
                            );
                        }
                    }
                }
            }
        }

        let _ = writeln!(md, "\n#### Ratios\n");
        let _ = writeln!(
            md,
            "| vendor | mock / Prism (requests/s) | mock / floor (requests/s) | mock p99 / floor p99 |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|");
        let mut vs_prism = Vec::new();
        let mut vs_floor = Vec::new();
        let mut p99s = Vec::new();
        for row in rows {
            let mock = row.mock.as_ref().and_then(|r| r.as_ref().ok());
            let floor = row.floor.as_ref().and_then(|r| r.as_ref().ok());
            let prism = row.prism.as_ref().and_then(|r| r.as_ref().ok());
            let ratio = |other: Option<&Load>| match (mock, other) {
                (Some(m), Some(o)) if o.rps > 0.0 => Some(m.rps / o.rps),
                _ => None,
            };
            let rp = ratio(prism);
            let rf = ratio(floor);
            if let Some(r) = rp {
                vs_prism.push((row.vendor, r));
            }
            if let Some(r) = rf {
                vs_floor.push((row.vendor, r));
            }
            if let Some(m) = mock {
                p99s.push((row.vendor, m.p99_ms));
            }
            let p99_ratio = match (mock, floor) {
                (Some(m), Some(f)) if f.p99_ms > 0.0 => format!("{:.2}×", m.p99_ms / f.p99_ms),
                _ => "—".to_owned(),
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {p99_ratio} |",
                row.vendor,
                rp.map_or_else(|| "—".to_owned(), |r| format!("{r:.1}×")),
                rf.map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0)),
            );
        }

        let vs_baseline: Vec<String> = rows
            .iter()
            .filter_map(|row| {
                let m = row.mock.as_ref()?.as_ref().ok()?;
                let b = row.baseline.as_ref()?.as_ref().ok()?;
                (b.rps > 0.0).then(|| format!("{} {:.2}×", row.vendor, m.rps / b.rps))
            })
            .collect();
        if !vs_baseline.is_empty() {
            let _ = writeln!(
                md,
                "\nThis build against the baseline build (requests/s): {}.",
                vs_baseline.join(", ")
            );
        }

        let _ = writeln!(md, "\n#### Complete connect flows against the mock\n");
        match flows {
            None => {
                let _ = writeln!(md, "Not run.");
            }
            Some(Ok(f)) => {
                let _ = writeln!(
                    md,
                    "WoopSocial, {} workers for {:.0} s, each flow = POST connect (with `redirectUrl` {FLOW_REDIRECT}) + GET the authorization URL with `&decision=approve` (302) + GET the callback (302 to the app, `status=success` checked; not followed): **{:.0} flows/s** ({} flows, {} errors{}), flow latency p50 {:.2} ms, p99 {:.2} ms; the mock's peak RSS {:.1} MB.",
                    a.flow_workers,
                    f.secs,
                    f.flows as f64 / f.secs,
                    f.flows,
                    f.errors,
                    f.first_error
                        .as_ref()
                        .map(|e| format!(", first: {}", clip(e, 200)))
                        .unwrap_or_default(),
                    f.p50_ms,
                    f.p99_ms,
                    mb(f.hwm_kb)
                );
            }
            Some(Err(e)) => {
                let _ = writeln!(md, "Failed: {e}");
            }
        }

        let _ = writeln!(md, "\n#### `Client::connect` against raw reqwest\n");
        match sdk {
            None => {
                let _ = writeln!(md, "Not run (`--no-criterion`).");
            }
            Some(Err(e)) => {
                let _ = writeln!(md, "Failed: {}", clip(e, 500));
            }
            Some(Ok(s)) => {
                let _ = writeln!(
                    md,
                    "`cargo bench -p social-connect --bench connect` (criterion medians, 95% CI), one loopback round trip to a bare hyper server: raw reqwest POST {:.1} µs [{:.1}, {:.1}], `Client::connect` {:.1} µs [{:.1}, {:.1}] ({:+.1}%, the two measured seconds apart).",
                    s.raw_ns / 1e3,
                    s.raw_ci.0 / 1e3,
                    s.raw_ci.1 / 1e3,
                    s.client_ns / 1e3,
                    s.client_ci.0 / 1e3,
                    s.client_ci.1 / 1e3,
                    (s.client_ns / s.raw_ns - 1.0) * 100.0
                );
                match s.paired {
                    Some((median, q1, q3)) => {
                        let _ = writeln!(
                            md,
                            "\nPaired (the same bench, 41 rounds of 100 raw + 100 `connect` calls back to back, alternating which goes first): **SDK / raw = {median:.3}** ({:+.1}%), quartiles {q1:.3}–{q3:.3}.",
                            (median - 1.0) * 100.0
                        );
                    }
                    None => {
                        let _ = writeln!(md, "\nThe paired measurement printed no result.");
                    }
                }
            }
        }

        let _ = writeln!(md, "\n#### Soak\n");
        match soak {
            None => {
                let _ = writeln!(md, "Not run (`--soak N`).");
            }
            Some(Err(e)) => {
                let _ = writeln!(md, "Failed: {e}");
            }
            Some(Ok(s)) => {
                let _ = writeln!(
                    md,
                    "{} requests (connects rotating over the five vendors, wrk in chunks of ≤ 10 s) to one mock process in {:.0} s ({:.0} requests/s), {} errors. RSS: {:.1} MB at start, {:.1} MB after 10% of the requests, {:.1} MB at the end, peak (VmHWM) {:.1} MB.",
                    s.requests,
                    s.secs,
                    s.requests as f64 / s.secs,
                    s.errors,
                    mb(s.rss_start_kb),
                    mb(s.rss_settled_kb),
                    mb(s.rss_end_kb),
                    mb(s.hwm_kb)
                );
                let samples: Vec<String> = s
                    .samples
                    .iter()
                    .map(|(n, r)| format!("{}k: {:.1}", n / 1000, mb(*r)))
                    .collect();
                let _ = writeln!(md, "\nRSS (MB) after N requests: {}.", samples.join(", "));
            }
        }

        let _ = writeln!(md, "\n#### Builds of `social-connect` (dev profile)\n");
        let _ = writeln!(
            md,
            "| features | cold (fresh target dir) | warm (touch sdk/src/lib.rs) |\n|---|---:|---:|"
        );
        for b in builds {
            let secs = |s: Option<f64>, what: &str| {
                s.map_or_else(|| what.to_owned(), |s| format!("{s:.1} s"))
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                b.label,
                secs(
                    b.cold_s,
                    if a.with_builds {
                        "failed"
                    } else {
                        "not run (`--with-builds`)"
                    }
                ),
                secs(
                    b.warm_s,
                    if b.cold_s.is_none() && !a.with_builds {
                        "not run"
                    } else {
                        "failed"
                    }
                ),
            );
        }

        // The targets.
        let _ = writeln!(md, "\n#### Targets\n");
        let _ = writeln!(md, "| target | this run | met? |\n|---|---|---|");
        let verdict = |ok: Option<bool>| match ok {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "not measured",
        };
        let list = |xs: &[(&str, f64)], f: &dyn Fn(f64) -> String| {
            xs.iter()
                .map(|(v, x)| format!("{v} {}", f(*x)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let all = |xs: &[(&str, f64)], ok: &dyn Fn(f64) -> bool| {
            (!xs.is_empty()).then(|| xs.iter().all(|(_, x)| ok(*x)))
        };
        let _ = writeln!(
            md,
            "| mock ≥ {TARGET_VS_PRISM}× Prism's requests/s | {} | {} |",
            list(&vs_prism, &|r| format!("{r:.1}×")),
            verdict(all(&vs_prism, &|r| r >= TARGET_VS_PRISM))
        );
        let pinned = if self.pin.is_some() { " (pinned)" } else { "" };
        let _ = writeln!(
            md,
            "| mock ≥ {:.0}% of the bare-hyper floor{pinned} | {} | {} |",
            TARGET_VS_FLOOR * 100.0,
            list(&vs_floor, &|r| format!("{:.0}%", r * 100.0)),
            verdict(all(&vs_floor, &|r| r >= TARGET_VS_FLOOR))
        );
        if self.pin.is_some() {
            let _ = writeln!(
                md,
                "| the same, every CPU shared | {} | {} |",
                list(&vs_floor_shared, &|r| format!("{:.0}%", r * 100.0)),
                verdict(all(&vs_floor_shared, &|r| r >= TARGET_VS_FLOOR))
            );
        }
        let _ = writeln!(
            md,
            "| mock p99 ≤ {TARGET_P99_MS} ms at {} connections{pinned} | {} | {} |",
            a.connections,
            list(&p99s, &|p| format!("{p:.2} ms")),
            verdict(all(&p99s, &|p| p <= TARGET_P99_MS))
        );
        if self.pin.is_some() {
            let _ = writeln!(
                md,
                "| the same, every CPU shared | {} | {} |",
                list(&p99s_shared, &|p| format!("{p:.2} ms")),
                verdict(all(&p99s_shared, &|p| p <= TARGET_P99_MS))
            );
        }
        let soak_ok = soak.and_then(|s| s.as_ref().ok());
        let _ = writeln!(
            md,
            "| RSS flat across a 1M-request soak, under {TARGET_SOAK_MB} MB | {} | {} |",
            soak_ok.map_or_else(
                || "—".to_owned(),
                |s| format!(
                    "{} requests: {:.1} → {:.1} MB after the first 10%, peak {:.1} MB",
                    s.requests,
                    mb(s.rss_settled_kb),
                    mb(s.rss_end_kb),
                    mb(s.hwm_kb)
                )
            ),
            verdict(soak_ok.map(|s| {
                s.requests >= 1_000_000
                    && mb(s.hwm_kb) < TARGET_SOAK_MB
                    && (s.rss_end_kb as f64) <= s.rss_settled_kb as f64 * 1.10 + 1024.0
            }))
        );
        let flows_ok = flows.and_then(|f| f.as_ref().ok());
        let _ = writeln!(
            md,
            "| ≥ {TARGET_FLOWS:.0} complete flows/s | {} | {} |",
            flows_ok.map_or_else(
                || "—".to_owned(),
                |f| format!("{:.0} flows/s", f.flows as f64 / f.secs)
            ),
            verdict(flows_ok.map(|f| f.errors == 0 && f.flows as f64 / f.secs >= TARGET_FLOWS))
        );
        let sdk_ok = sdk.and_then(|s| s.as_ref().ok());
        let _ = writeln!(
            md,
            "| SDK within 5% of raw reqwest | {} | {} |",
            sdk_ok.map_or_else(
                || "—".to_owned(),
                |s| format!("{:+.1}% (paired median)", (s.ratio() - 1.0) * 100.0)
            ),
            verdict(sdk_ok.map(|s| s.ratio() <= TARGET_SDK_OVERHEAD))
        );
        md
    }

    fn write_results(&self, report: &str) -> Result<()> {
        let path = self.root.join("BENCHMARKS.md");
        let old = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            format!("# Benchmarks\n\n## Results\n\n{RESULTS_START}\n{RESULTS_END}\n")
        });
        let section = format!("{RESULTS_START}\n\n{report}\n{RESULTS_END}");
        let new = match (old.find(RESULTS_START), old.find(RESULTS_END)) {
            (Some(start), Some(end)) if end > start => format!(
                "{}{section}{}",
                &old[..start],
                &old[end + RESULTS_END.len()..]
            ),
            _ => format!("{}\n## Results\n\n{section}\n", old.trim_end()),
        };
        std::fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("bench: results written to {}", path.display());
        Ok(())
    }
}

fn print_row(row: &VendorRow) {
    for (server, result) in [
        ("mock", &row.mock),
        ("baseline", &row.baseline),
        ("floor", &row.floor),
        ("prism", &row.prism),
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

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(6)..].join(" / ");
    clip(&strip_ansi(&tail), 600)
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ … letter
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_owned())
}

fn now_utc() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_else(|_| "?".to_owned())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == "model name").then(|| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{cpus} CPUs (nproc), {model}, {:.1} GB RAM, Linux {}",
        mem_kb as f64 / 1024.0 / 1024.0,
        kernel.trim()
    )
}

/// `(median point estimate, (lower, upper))` in ns from criterion's `estimates.json`.
fn median(path: &Path) -> Result<(f64, (f64, f64))> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let m = &json["median"];
    let num = |v: &serde_json::Value| v.as_f64();
    match (
        num(&m["point_estimate"]),
        num(&m["confidence_interval"]["lower_bound"]),
        num(&m["confidence_interval"]["upper_bound"]),
    ) {
        (Some(p), Some(l), Some(u)) => Ok((p, (l, u))),
        _ => Err(format!("{}: no median", path.display())),
    }
}

/// Parses `wrk --latency` output.
fn parse_wrk(text: &str) -> Result<Load> {
    let mut load = Load::default();
    let mut seen = (false, false, false);
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("50%") {
            load.p50_ms = parse_duration_ms(v.trim())?;
            seen.0 = true;
        } else if let Some(v) = line.strip_prefix("99%") {
            load.p99_ms = parse_duration_ms(v.trim())?;
            seen.1 = true;
        } else if let Some(v) = line.strip_prefix("Requests/sec:") {
            load.rps = v.trim().parse().map_err(|_| format!("wrk: {line:?}"))?;
            seen.2 = true;
        } else if line.contains(" requests in ") {
            load.requests = line
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("wrk: {line:?}"))?;
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            // connect 0, read 0, write 0, timeout 0
            load.errors += v
                .split(',')
                .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum::<u64>();
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            load.errors += v.trim().parse::<u64>().unwrap_or(0);
        }
    }
    if seen == (true, true, true) {
        Ok(load)
    } else {
        Err(format!("cannot read wrk's output: {}", clip(text, 400)))
    }
}

/// `1.23ms`, `850.00us`, `1.02s`, `2.00m` → milliseconds.
fn parse_duration_ms(v: &str) -> Result<f64> {
    let split = v
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("wrk duration {v:?}"))?;
    let (num, unit) = v.split_at(split);
    let num: f64 = num.parse().map_err(|_| format!("wrk duration {v:?}"))?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return Err(format!("wrk duration {v:?}")),
    };
    Ok(num * factor)
}

// ---------------------------------------------------------------------------------------------
// HTTP clients: the probe and the complete-flow workers.

fn http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("reqwest: {e}"))
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

async fn admin_reset(origin: &str) -> Result<()> {
    let response = http_client()?
        .post(format!("{origin}/__admin/reset"))
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

async fn run_flows(origin: &str, workers: usize, duration: Duration) -> Result<Flows> {
    let client = http_client()?;
    // WoopSocial's connect request, with a redirect URL: no one-account-per-platform limit.
    let sample = samples::connect(MockVendor::WoopSocial);
    let connect = Arc::new(format!("{origin}{}", sample.target()));
    let mut body: serde_json::Value =
        serde_json::from_str(sample.body).map_err(|e| format!("the sample's body: {e}"))?;
    body["redirectUrl"] = FLOW_REDIRECT.into();
    let body = body.to_string();
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
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .map_or(0.0, |us| *us as f64 / 1000.0)
    };
    flows.p50_ms = pct(0.50);
    flows.p99_ms = pct(0.99);
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
async fn redirect(client: &reqwest::Client, url: &str, statuses: &[u16]) -> Result<String> {
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

// ---------------------------------------------------------------------------------------------

/// The floor: a bare hyper server (same runtime shape as the mock's binary: tokio multi-thread,
/// hyper http1) that reads the request body and answers a fixed response per path.
mod floor {
    use super::*;

    use bytes::Bytes;
    use http_body_util::{BodyExt as _, Full};
    use hyper::server::conn::http1;
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;

    #[derive(Debug, serde::Serialize, serde::Deserialize)]
    pub(super) struct Route {
        pub(super) status: u16,
        pub(super) content_type: String,
        pub(super) body: String,
    }

    type Table = BTreeMap<String, (hyper::StatusCode, hyper::header::HeaderValue, Bytes)>;

    pub(super) fn serve(routes: &Path) -> Result<()> {
        let text =
            std::fs::read_to_string(routes).map_err(|e| format!("{}: {e}", routes.display()))?;
        let routes: BTreeMap<String, Route> =
            serde_json::from_str(&text).map_err(|e| e.to_string())?;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paired_line_is_read() {
        let log = "noise\npaired: client/raw median 1.0179 (quartiles 0.9759 1.0705) over 41 rounds of 100 + 100 calls\n";
        assert_eq!(parse_paired(log), Some((1.0179, 0.9759, 1.0705)));
        assert_eq!(parse_paired("nothing here"), None);
    }

    const WRK: &str = "Running 2s test @ http://127.0.0.1:1/x
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20ms  500.00us  12.00ms   80.00%
    Req/Sec    20.00k     1.00k   22.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    1.20ms
     90%    2.00ms
     99%    4.50ms
  80000 requests in 2.00s, 30.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  40000.50
Transfer/sec:     15.00MB
";

    #[test]
    fn parses_wrk_output() {
        let load = parse_wrk(WRK).expect("parses");
        assert!((load.p50_ms - 0.85).abs() < 1e-9);
        assert!((load.p99_ms - 4.5).abs() < 1e-9);
        assert!((load.rps - 40000.5).abs() < 1e-9);
        assert_eq!(load.requests, 80000);
        assert_eq!(load.errors, 7);
    }

    #[test]
    fn rejects_truncated_wrk_output() {
        assert!(parse_wrk("Running 2s test\n").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("1.50s").expect("s"), 1500.0);
        assert!(parse_duration_ms("12").is_err());
    }

    #[test]
    fn strips_ansi() {
        assert_eq!(strip_ansi("\u{1b}[31merror\u{1b}[39m x"), "error x");
    }
}
