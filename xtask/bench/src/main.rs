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

mod builds;
mod criterion;
mod floor;
mod flows;
mod install;
mod instructions;
mod load;
mod pin;
mod procs;
mod report;
mod soak;
mod tenants;
mod util;
mod wrk;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use social_connect_mock::MockVendor;

use crate::load::print_row;
use crate::pin::Pin;
use crate::util::loadavg;

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
    /// Skip WireMock.
    #[arg(long)]
    no_wiremock: bool,
    /// Skip the criterion bench (`Client::connect` vs raw reqwest).
    #[arg(long)]
    no_criterion: bool,
    /// Tenants of the tenant run (each doing flows in its own `/t/{tenant}/…`, at once).
    #[arg(long, default_value_t = 1000)]
    tenants: usize,
    /// Flows each tenant of the tenant run completes.
    #[arg(long, default_value_t = 5)]
    tenant_flows: usize,
    /// Run only these parts (default: all): load, flows, tenants, sdk, soak (needs --soak),
    /// builds.
    #[arg(long, value_delimiter = ',', value_parser = ["load", "flows", "tenants", "sdk", "soak", "builds", "instructions"])]
    only: Vec<String>,
    /// Let the servers and wrk share every CPU, instead of pinning the server to one half of
    /// them and wrk to the other (with `taskset`) for the main table.
    #[arg(long)]
    no_pin: bool,
    /// Also load another build of the mock (e.g. one of an older commit, built with
    /// `git worktree add /tmp/old <rev> && cargo build --release -p social-connect-mock
    /// --manifest-path /tmp/old/Cargo.toml`), beside this one, as "mock (baseline)"; the
    /// instructions part counts its connects too, in the same run.
    #[arg(long, value_name = "BINARY")]
    baseline_mock: Option<PathBuf>,
    /// Print the results only; leave BENCHMARKS.md alone.
    #[arg(long)]
    print_only: bool,
    /// Internal: serve the bare hyper floor with the routes in this JSON file.
    #[arg(long, hide = true, value_name = "ROUTES_JSON")]
    serve_floor: Option<PathBuf>,
}

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

/// One run: its options, where it works, what it found on the way.
#[derive(Debug)]
struct Bench {
    root: PathBuf,
    work: PathBuf,
    args: BenchArgs,
    vendors: Vec<MockVendor>,
    mock_bin: PathBuf,
    prism_bin: PathBuf,
    /// WireMock's standalone jar, from npm's `wiremock` in `target/bench-wiremock/`.
    wiremock_jar: PathBuf,
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
            wiremock_jar: target.join("bench-wiremock"),
            work,
            pin: if args.no_pin { None } else { Pin::detect() },
            args,
            pinned: std::cell::Cell::new(false),
            vendors,
            runtime,
            notes: Vec::new(),
        })
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
        let wiremock_ok = self.part("load") && !self.args.no_wiremock && self.ensure_wiremock();

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
            let row = self.load_row(vendor, &routes_file, (prism_ok, wiremock_ok));
            print_row(&row);
            rows.push(row);
        }

        let flows = if self.part("flows") {
            eprintln!("bench: complete flows …");
            Some(self.flows())
        } else {
            None
        };
        let tenants = if self.part("tenants") {
            eprintln!(
                "bench: {} tenants × {} flows …",
                self.args.tenants, self.args.tenant_flows
            );
            Some(self.tenants())
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
        let instructions = if self.part("instructions") {
            Some(self.instructions(&routes_file))
        } else {
            None
        };
        let (builds, user_builds) = if self.part("builds") {
            (self.builds(), self.user_builds())
        } else {
            (Vec::new(), Vec::new())
        };
        let load_end = loadavg();

        let report = self.report(
            &rows,
            report::Runs {
                flows: flows.as_ref(),
                tenants: tenants.as_ref(),
                sdk: sdk.as_ref(),
                soak: soak.as_ref(),
            },
            (&builds, &user_builds),
            instructions.as_ref(),
            (load_start, load_end, started.elapsed()),
        );
        println!("{report}");
        if !self.args.print_only {
            self.write_results(&report)?;
        }
        Ok(())
    }
}

/// The docs' shell commands, shared with xtask's and the mock's tests.
#[cfg(test)]
#[allow(unreachable_pub)]
#[path = "../../../tests/src/doc_shell.rs"]
mod doc_shell;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_is_consistent() {
        use clap::CommandFactory as _;
        BenchArgs::command().debug_assert();
    }

    /// Every `cargo xtask bench …` line of a shell block in the README, the guides and
    /// BENCHMARKS.md takes flags the bench has.
    #[test]
    fn every_bench_command_in_the_docs_exists() {
        use clap::CommandFactory as _;
        let cli = BenchArgs::command();
        let mut checked = 0;
        for doc in doc_shell::docs(&project_root()) {
            let text = std::fs::read_to_string(&doc).unwrap();
            for line in doc_shell::shell_lines(&text) {
                let Some(rest) = line.split("cargo xtask bench").nth(1) else {
                    continue;
                };
                for flag in doc_shell::flags(&doc_shell::words(rest)) {
                    assert!(
                        cli.get_arguments().any(|a| a.get_long() == Some(flag)),
                        "{}: `{line}`: the bench has no --{flag}",
                        doc.display()
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 3, "only {checked} bench commands found");
    }

    #[test]
    fn the_root_is_the_workspace() {
        let manifest = std::fs::read_to_string(project_root().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
    }
}
