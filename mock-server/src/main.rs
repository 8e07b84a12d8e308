//! `social-connect-mock`: all five vendors on one port, served by hyper with bounded memory.

// mimalloc rather than the system allocator: the mock allocates a few dozen small strings per
// request, and glibc's malloc/free took ~20% of its time under load (see BENCHMARKS.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use social_connect_mock::{
    Fixture, MockConfig, MockVendor, Mode, StandaloneConfig, StandaloneServer,
};

/// A mock of five vendors' social-connect OAuth APIs, with their redirect flows.
#[derive(Debug, Parser)]
#[command(name = "social-connect-mock", version)]
struct Cli {
    /// Port to listen on (0: any free port; the bound address is printed).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// A fixture JSON file replacing the default fixture (schema: `social-connect-mock schema`).
    #[arg(long)]
    fixture: Option<PathBuf>,
    /// Lax mode: accept redirect targets and fields lenient vendors accept.
    #[arg(long)]
    lax: bool,
    /// How long a state / authorization URL lives, in seconds.
    #[arg(long, default_value_t = 600)]
    state_ttl_secs: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the JSON Schemas of the fixture format and the admin bodies.
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Schema) = cli.command {
        match serde_json::to_string_pretty(&social_connect_mock::schemas()) {
            Ok(s) => {
                println!("{s}");
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let fixture = match &cli.fixture {
        Some(path) => match Fixture::from_file(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        None => Fixture::default(),
    };
    let mock = MockConfig::default()
        .with_fixture(fixture)
        .with_mode(if cli.lax { Mode::Lax } else { Mode::Strict })
        .with_state_ttl(Duration::from_secs(cli.state_ttl_secs));
    let config = StandaloneConfig {
        addr: SocketAddr::new(cli.host, cli.port),
        mock,
        ..StandaloneConfig::default()
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config))
}

async fn run(config: StandaloneConfig) -> ExitCode {
    let server = match StandaloneServer::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Write errors (a closed stdout) must not stop the server: no println!.
    let mut banner = format!("social-connect-mock listening on {}\n", server.uri());
    for v in MockVendor::ALL {
        banner.push_str(&format!("  {:<11} {}\n", v.slug(), server.base_url(v)));
    }
    banner.push_str(&format!("  {:<11} {}\n", "admin", server.admin_url()));
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes());
        let _ = out.flush();
    }
    let handle = server.shutdown_handle();
    shutdown_signal().await;
    {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "social-connect-mock: shutting down");
    }
    handle.shutdown();
    server.wait().await;
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
