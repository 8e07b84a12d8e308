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
    standalone::PublicUrl,
};

/// A mock of five vendors' social-connect OAuth APIs, with their redirect flows.
///
/// Every option can also be given as an environment variable (`SOCIAL_CONNECT_MOCK_` and the
/// option's name in capitals, `-` as `_`); the command line wins. `--allow-host` takes a
/// comma-separated list there.
#[derive(Debug, Parser)]
#[command(name = "social-connect-mock", version)]
struct Cli {
    /// Port to listen on (0: any free port; the bound address is printed).
    #[arg(
        long,
        global = true,
        env = "SOCIAL_CONNECT_MOCK_PORT",
        default_value_t = 4010
    )]
    port: u16,
    /// Address to bind (`0.0.0.0` for all interfaces, as in the container image).
    #[arg(long, global = true, env = "SOCIAL_CONNECT_MOCK_HOST", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// A file the server writes its bound address to once it listens (and removes when it
    /// stops), and where `health` finds it: how a container's health check reaches the port
    /// the server was given on its command line (the image sets it).
    #[arg(
        long,
        global = true,
        env = "SOCIAL_CONNECT_MOCK_ADDR_FILE",
        value_name = "FILE"
    )]
    addr_file: Option<PathBuf>,
    /// The base URL every minted URL is built on, for a mock reached through a port mapping or
    /// a proxy (`http://localhost:18080/mock`; a path prefix is served with or without it).
    /// Default: `http://ADDR`, loopback in place of `0.0.0.0`.
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_PUBLIC_URL", value_name = "URL")]
    public_url: Option<PublicUrl>,
    /// A fixture JSON file replacing the default fixture (schema: `social-connect-mock schema`).
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_FIXTURE", value_name = "FILE")]
    fixture: Option<PathBuf>,
    /// Lax mode: accept redirect targets and fields lenient vendors accept.
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_LAX")]
    lax: bool,
    /// How long a state / authorization URL lives, in seconds (1 to 31536000, a year).
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_STATE_TTL_SECS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=MAX_TTL_SECS))]
    state_ttl_secs: u64,
    /// Let the admin API answer to this host name too (repeatable; comma-separated in the
    /// environment variable), e.g. `mock` for `http://mock:4010` in a compose network.
    /// Loopback, the bound address and the public URL's host always work.
    #[arg(long = "allow-host", env = "SOCIAL_CONNECT_MOCK_ALLOW_HOST", value_name = "NAME", value_parser = host_name, value_delimiter = ',')]
    allow_hosts: Vec<String>,
    /// Most connections open at once; at the cap the stalest is closed for a new one. At most
    /// what the process's open-file limit leaves room for.
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_connections: u32,
    /// Seconds a request's head may take to arrive.
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout_secs: u64,
    /// Seconds a request's body may take to arrive (then 408).
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_BODY_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    body_timeout_secs: u64,
    /// Seconds a response may wait for the client to read more of it (then the connection is
    /// closed).
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_WRITE_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    write_timeout_secs: u64,
    /// Most tenants (`/t/{tenant}/…`, a world each) kept at once; beyond, the least recently
    /// used is forgotten.
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_MAX_TENANTS", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_tenants: u32,
    /// What the tenants may weigh together, in MiB by the mock's count (docs/mock-in-ci.md, "Bounds");
    /// beyond, the least recently used are forgotten.
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_TENANT_BUDGET_MIB", default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    tenant_budget_mib: u32,
    /// Stop when standard input closes: a parent that gives the mock a pipe and keeps its
    /// end open makes the mock live exactly as long as the parent process, however it ends
    /// (the pytest plugin does; so does the test suite).
    #[arg(long, env = "SOCIAL_CONNECT_MOCK_STOP_WITH_STDIN")]
    stop_with_stdin: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

const MAX_TTL_SECS: u64 = social_connect_mock::admin::MAX_STATE_TTL.as_secs();

/// A host name or address as a `Host` header carries it, without port.
fn host_name(s: &str) -> Result<String, String> {
    // A port would never match: the admin API compares the Host header's name only.
    let bracketed_v6 = s.starts_with('[') && s.ends_with(']');
    let ok = !s.is_empty()
        && s.len() <= 253
        && (bracketed_v6 || !s.contains(':'))
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']')
        });
    if ok {
        Ok(s.to_owned())
    } else {
        Err(
            "a host name or address, without port (letters, digits, `.`, `-`, `_`; an IPv6 \
             address in brackets)"
                .to_owned(),
        )
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the JSON Schemas of the fixture format and the admin bodies.
    Schema,
    /// Ask a running mock whether it answers as the mock does, within 2 s in all (exit 0: it
    /// does; 1: it does not): a container's `HEALTHCHECK`, with no shell or curl. It asks the
    /// address in `--addr-file` when that file is there, else `--host` (loopback for
    /// `0.0.0.0`) and `--port`.
    Health,
    /// Send the same harmless requests to a live vendor and to the mock, check both against the
    /// vendor's spec, and report where they differ (exit 0: none; 1: differences; 2: could not
    /// run). The key is read from the environment and never printed or saved.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// The vendor: recoup, woopsocial, postbreeze, aitronos, ocoya.
    #[arg(long, value_parser = vendor_slug)]
    vendor: MockVendor,
    /// The live vendor's base URL (as its spec's server, e.g. https://api.woopsocial.com/v1).
    #[arg(long, required_unless_present = "against")]
    url: Option<String>,
    /// The environment variable holding the API key.
    #[arg(long, default_value = "SOCIAL_CONNECT_VERIFY_KEY")]
    key_env: String,
    /// The owner the requests name (project, workspace, organization); the mock's demo owner
    /// when absent.
    #[arg(long)]
    owner: Option<String>,
    /// How to print the report.
    #[arg(long, default_value = "text", value_parser = ["text", "markdown", "json"])]
    format: String,
    /// Write the live answers, the key scrubbed, to this file (for `--against`).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Compare the mock against answers saved by `--save` instead of a live vendor.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["url", "save"])]
    against: Option<PathBuf>,
}

fn vendor_slug(s: &str) -> Result<MockVendor, String> {
    MockVendor::from_slug(s).ok_or_else(|| {
        let all: Vec<_> = MockVendor::ALL.iter().map(|v| v.slug()).collect();
        format!("one of {}", all.join(", "))
    })
}

/// `verify`: exit 0 when nothing differs, 1 on differences, 2 when it could not run.
fn verify(args: VerifyArgs) -> ExitCode {
    use social_connect_mock::verify;
    let key = std::env::var(&args.key_env).unwrap_or_default();
    let fail = |message: String| {
        eprintln!("error: {}", verify::scrub(&message, &key));
        ExitCode::from(2)
    };
    if key.is_empty() && args.against.is_none() {
        return fail(format!(
            "no API key: set the environment variable {} (or name another with --key-env)",
            args.key_env
        ));
    }
    // Offline, any key stands for the one the saved answers were made with.
    let key_used = if key.is_empty() {
        "sk_verify_offline"
    } else {
        key.as_str()
    };
    let (saved, against) = match &args.against {
        Some(path) => match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<verify::Saved>(&b).map_err(|e| e.to_string()))
        {
            Ok(saved) if saved.vendor == args.vendor => {
                let shown = format!("{} (saved from {})", path.display(), saved.url);
                (Some(saved), shown)
            }
            Ok(saved) => {
                return fail(format!(
                    "{} holds {} answers, not {}",
                    path.display(),
                    saved.vendor.name(),
                    args.vendor.name()
                ));
            }
            Err(e) => return fail(format!("cannot read {}: {e}", path.display())),
        },
        None => (None, args.url.clone().unwrap_or_default()),
    };
    let owner = args
        .owner
        .clone()
        .or_else(|| saved.as_ref().and_then(|s| s.owner.clone()));
    let cases = verify::cases(args.vendor, key_used, owner.as_deref());
    let live = match saved {
        Some(saved) => saved.answers,
        None => {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => return fail(format!("cannot start the runtime: {e}")),
            };
            match runtime.block_on(verify::live_answers(&against, &cases, &key)) {
                Ok(answers) => answers,
                Err(e) => return fail(e.to_string()),
            }
        }
    };
    if let Some(path) = &args.save {
        let saved = verify::Saved {
            vendor: args.vendor,
            url: against.clone(),
            owner: owner.clone(),
            answers: live.clone(),
        };
        let text = serde_json::to_string_pretty(&saved).unwrap_or_default();
        if let Err(e) = std::fs::write(path, verify::scrub(&text, &key)) {
            return fail(format!("cannot write {}: {e}", path.display()));
        }
    }
    let mock = verify::mock_answers(args.vendor, key_used, owner.as_deref(), &cases);
    let report = verify::compare(args.vendor, &against, &cases, &live, &mock);
    {
        use std::io::Write;
        let _ = std::io::stdout().write_all(verify::render(&report, &args.format, &key).as_bytes());
    }
    if report.findings() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    match cli.command.take() {
        Some(Command::Verify(args)) => return verify(args),
        Some(Command::Schema) => return schema(),
        Some(Command::Health) => return health(&cli),
        None => {}
    }
    run_server(cli)
}

/// `health`: `GET /__admin` on the mock at the address it wrote, or at the options' address,
/// answered as the mock answers it within [`HEALTH_DEADLINE`].
fn health(cli: &Cli) -> ExitCode {
    let written = cli
        .addr_file
        .as_deref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|s| s.trim().parse::<SocketAddr>().ok());
    let addr = written.unwrap_or_else(|| {
        social_connect_mock::standalone::reachable(SocketAddr::new(cli.host, cli.port))
    });
    let deadline = std::time::Instant::now() + HEALTH_DEADLINE;
    match ask_health(addr, deadline) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("unhealthy: {addr}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How long `health` may take in all, connecting, sending and reading: under the image's
/// `HEALTHCHECK --timeout=3s`, however slowly a server answers.
const HEALTH_DEADLINE: Duration = Duration::from_secs(2);

/// Most bytes of an answer `health` reads: the mock's index is a few hundred.
const HEALTH_MAX_ANSWER: u64 = 64 * 1024;

fn ask_health(addr: SocketAddr, deadline: std::time::Instant) -> std::io::Result<()> {
    use std::io::{ErrorKind, Read, Write};
    let left = || {
        deadline
            .checked_duration_since(std::time::Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| std::io::Error::new(ErrorKind::TimedOut, "no whole answer within 2 s"))
    };
    let mut stream = std::net::TcpStream::connect_timeout(&addr, left()?)?;
    stream.set_write_timeout(Some(left()?))?;
    write!(
        stream,
        "GET /__admin HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )?;
    // Read to the end (the request said `Connection: close`), each read bounded by what is
    // left of the one deadline: a server that dribbles its answer a byte at a time runs out.
    let mut answer = Vec::new();
    let mut reader = (&stream).take(HEALTH_MAX_ANSWER);
    let mut buf = [0u8; 4096];
    loop {
        stream.set_read_timeout(Some(left()?))?;
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(std::io::Error::new(
                    ErrorKind::TimedOut,
                    "no whole answer within 2 s",
                ));
            }
            Err(e) => return Err(e),
        }
    }
    is_the_mocks_index(&answer).map_err(std::io::Error::other)
}

/// Whether `answer` is the mock's own answer to `GET /__admin`: status 200 and the admin
/// state that names the service (any other server's 200 is not the mock).
fn is_the_mocks_index(answer: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| "answered no whole HTTP head".to_owned())?;
    let status = head.lines().next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 200 ") && status != "HTTP/1.1 200" {
        return Err(format!("answered {}", status.trim()));
    }
    let index: serde_json::Value = serde_json::from_str(body)
        .map_err(|_| "answered 200, but not the mock's admin state (not JSON)".to_owned())?;
    if index["service"] == "social-connect-mock" && index["mode"].is_string() {
        Ok(())
    } else {
        Err("answered 200, but not the mock's admin state".to_owned())
    }
}

/// `schema`: the JSON Schemas of the fixture and the admin bodies.
fn schema() -> ExitCode {
    match serde_json::to_string_pretty(&social_connect_mock::schemas()) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The server itself, as the options say.
fn run_server(cli: Cli) -> ExitCode {
    // The usual soft limit of open files (1,024) is below what the default connection cap
    // needs; the hard limit is the ceiling a process may raise it to. The server then keeps
    // its cap under whatever limit holds (`StandaloneServer::max_connections`).
    #[cfg(unix)]
    let _ = rlimit::increase_nofile_limit(u64::MAX);
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
    let mut mock = MockConfig::default()
        .with_fixture(fixture)
        .with_mode(if cli.lax { Mode::Lax } else { Mode::Strict })
        .with_state_ttl(Duration::from_secs(cli.state_ttl_secs));
    mock.allowed_hosts = cli.allow_hosts;
    let config = StandaloneConfig {
        addr: SocketAddr::new(cli.host, cli.port),
        mock,
        max_connections: cli.max_connections as usize,
        header_timeout: Duration::from_secs(cli.header_timeout_secs),
        body_timeout: Duration::from_secs(cli.body_timeout_secs),
        write_timeout: Duration::from_secs(cli.write_timeout_secs),
        max_tenants: cli.max_tenants as usize,
        tenant_budget: cli.tenant_budget_mib as usize * 1024 * 1024,
        public_url: cli.public_url,
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
    runtime.block_on(run(config, cli.stop_with_stdin, cli.addr_file))
}

async fn run(
    config: StandaloneConfig,
    stop_with_stdin: bool,
    addr_file: Option<PathBuf>,
) -> ExitCode {
    let addr = config.addr;
    let asked = config.max_connections;
    let server = match StandaloneServer::start(config).await {
        Ok(s) => s,
        Err(e) => {
            // The address or port given cannot be used: an option error, like the others.
            eprintln!("error: cannot listen on {addr}: {e}");
            return ExitCode::from(2);
        }
    };
    if server.max_connections() < asked {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "social-connect-mock: at most {} connections at once, not {asked}: the open-file \
             limit leaves no more room",
            server.max_connections()
        );
    }
    // Written before the banner: whoever reads the banner finds the file.
    let written = addr_file.filter(|file| {
        let addr = social_connect_mock::standalone::reachable(server.addr());
        match write_addr(file, addr) {
            Ok(()) => true,
            Err(e) => {
                // The server still serves; `health` then asks the options' address.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: cannot write the address to {}: {e}",
                    file.display()
                );
                false
            }
        }
    });
    // Write errors (a closed stdout) must not stop the server: no println!.
    let mut banner = format!("social-connect-mock listening on {}\n", server.uri());
    if server.uri() != format!("http://{}", server.addr()) {
        banner.push_str(&format!("  {:<11} {}\n", "bound to", server.addr()));
    }
    for v in MockVendor::ALL {
        banner.push_str(&format!("  {:<11} {}\n", v.slug(), server.base_url(v)));
    }
    banner.push_str(&format!("  {:<11} {}\n", "admin", server.admin_url()));
    banner.push_str(&format!(
        "  {:<11} {}/t/{{tenant}}/… (the same, a world per tenant)\n",
        "tenants",
        server.uri()
    ));
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes());
        let _ = out.flush();
    }
    let handle = server.shutdown_handle();
    tokio::select! {
        () = shutdown_signal() => {}
        () = stdin_closed(), if stop_with_stdin => {}
    }
    {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "social-connect-mock: shutting down");
    }
    handle.shutdown();
    server.wait().await;
    if let Some(file) = written {
        let _ = std::fs::remove_file(file);
    }
    ExitCode::SUCCESS
}

/// Writes `addr` to `file` whole or not at all (a reader never sees half of it): to a file
/// beside it first, then renamed over it.
fn write_addr(file: &std::path::Path, addr: SocketAddr) -> std::io::Result<()> {
    let mut part = file.as_os_str().to_owned();
    part.push(format!(".{}.part", std::process::id()));
    std::fs::write(&part, format!("{addr}\n"))?;
    std::fs::rename(&part, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&part);
    })
}

/// Resolves when standard input reaches its end (or cannot be read): the parent holding the
/// pipe's other end has closed it, or has died. Read on a thread of its own, as a blocking read
/// on a pipe must be.
async fn stdin_closed() {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = [0u8; 256];
        let mut stdin = std::io::stdin().lock();
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = tx.send(());
    });
    let _ = rx.await;
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    /// The options table of docs/mock-in-ci.md, written from the CLI's own definition: each
    /// option, its environment variable, its default and its help.
    fn options_table() -> String {
        let cli = Cli::command();
        let mut table = String::from(
            "| option | environment variable | default | what it does |\n|---|---|---|---|\n",
        );
        for arg in cli.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if matches!(long, "help" | "version") {
                continue;
            }
            let takes_value = arg.get_action().takes_values();
            let option = match arg.get_value_names().and_then(|names| names.first()) {
                Some(name) if takes_value => format!("`--{long} {name}`"),
                _ => format!("`--{long}`"),
            };
            let env = arg
                .get_env()
                .map(|e| format!("`{}`", e.to_string_lossy()))
                .unwrap_or_default();
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|d| d.to_string_lossy().into_owned())
                .collect();
            let default = match defaults.as_slice() {
                _ if !takes_value => "off".to_owned(),
                [] => "none".to_owned(),
                values => format!("`{}`", values.join(",")),
            };
            let help = arg
                .get_long_help()
                .or(arg.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('|', "\\|");
            table.push_str(&format!("| {option} | {env} | {default} | {help} |\n"));
        }
        table
    }

    const GUIDE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/mock-in-ci.md");
    const START: &str =
        "<!-- Generated from social-connect-mock's own options (src/main.rs); do not edit. -->\n";
    const END: &str = "<!-- end of options -->\n";

    /// The guide's options table is the CLI's, written by this test: run it with
    /// `SOCIAL_CONNECT_WRITE_DOCS=1` after changing an option, and commit the guide.
    #[test]
    fn the_guides_options_table_is_the_clis() {
        let guide = std::fs::read_to_string(GUIDE).unwrap();
        let start = guide
            .find(START)
            .expect("the guide marks its options table")
            + START.len();
        let end = start + guide[start..].find(END).expect("the table's end is marked");
        let table = options_table();
        if std::env::var_os("SOCIAL_CONNECT_WRITE_DOCS").is_some() {
            let written = format!("{}{table}{}", &guide[..start], &guide[end..]);
            std::fs::write(GUIDE, written).unwrap();
            return;
        }
        assert_eq!(
            guide[start..end],
            table,
            "docs/mock-in-ci.md's options table is stale: run \
             `SOCIAL_CONNECT_WRITE_DOCS=1 cargo test -p social-connect-mock --features cli --bin \
             social-connect-mock` and commit the guide"
        );
        assert!(table.lines().count() >= 14, "{table}");
    }
}
