//! The binary, started as a process and driven over HTTP.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;
use serde_json::json;
use social_connect_mock::{MockVendor, OWNER_KEY};

struct Running {
    child: Guarded,
    origin: String,
    lines: Vec<String>,
}

fn start(args: &[&str]) -> Running {
    let Binary {
        child,
        mut stdout,
        first_line,
        ..
    } = Binary::start(args, Stdio::null());
    let mut lines = vec![first_line.trim_end().to_owned()];
    // The address, a line per vendor, and the admin API's.
    for _ in 0..=MockVendor::ALL.len() {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_owned());
    }
    let origin = lines[0]
        .strip_prefix("social-connect-mock listening on ")
        .unwrap()
        .to_owned();
    Running {
        child,
        origin,
        lines,
    }
}

fn terminate(mut r: Running) {
    let status = Command::new("kill")
        .args(["-TERM", &r.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let t = Instant::now();
    loop {
        if let Some(s) = r.child.try_wait().unwrap() {
            assert!(s.success(), "exit status {s}");
            return;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn serves_all_vendors_on_one_port_and_stops_on_sigterm() {
    let r = start(&[]);
    assert!(r.origin.starts_with("http://127.0.0.1:"));
    for (line, vendor) in r.lines[1..].iter().zip(MockVendor::ALL) {
        assert!(
            line.ends_with(&format!("{}{}", r.origin, vendor.prefix())),
            "{line}"
        );
    }
    assert_eq!(
        MockVendor::Recoup.prefix(),
        "/recoup",
        "the prefix is the manifest's mount and the path of the spec's server"
    );
    assert_eq!(MockVendor::WoopSocial.prefix(), "/woopsocial/v1");
    assert_eq!(MockVendor::Ocoya.prefix(), "/ocoya/api/_public/v1");
    let o = r.origin.clone();
    let resp = post_json(
        &format!("{o}/recoup/api/connectors"),
        &[("x-api-key", OWNER_KEY)],
        &json!({"connector": "googlesheets", "callback_url": "http://localhost:1/cb"}),
    )
    .await;
    assert_eq!(resp.status, 200);
    let auth = resp.json()["data"]["redirectUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = get(&approve_to_callback(&auth, "").await).await;
    assert_eq!(done.location(), "http://localhost:1/cb");
    let accounts = get(&format!("{o}/__admin/accounts")).await.json();
    assert_eq!(accounts.as_array().unwrap().len(), 2);
    let resp = post_json(
        &format!("{o}/postbreeze/api/v1/social-accounts/connect"),
        &owner_auth(MockVendor::Postbreeze),
        &json!({"workspaceId": "ws_demo", "platform": "INSTAGRAM"}),
    )
    .await;
    assert_eq!(resp.status, 409);
    terminate(r);
}

#[tokio::test]
async fn fixture_file_and_lax_flags() {
    let mut fixture = social_connect_mock::Fixture::default();
    fixture.api_keys[0].key = "sk_from_file".into();
    for r in fixture.owners.get_mut(&MockVendor::WoopSocial).unwrap() {
        r.members[0].key = "sk_from_file".into();
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&fixture).unwrap()).unwrap();
    let r = start(&[
        "--fixture",
        file.path().to_str().unwrap(),
        "--lax",
        "--state-ttl-secs",
        "30",
    ]);
    let resp = post_json(
        &format!(
            "{}/woopsocial/v1/social-accounts/authorization-url",
            r.origin
        ),
        &[("authorization", "Bearer sk_from_file")],
        &json!({"projectId": "proj_demo", "platform": "X", "redirectUrl": "http://example.com/cb"}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text);
    let admin = get(&format!("{}/__admin", r.origin)).await.json();
    assert_eq!(admin["mode"], json!("lax"));
    assert_eq!(admin["state_ttl_secs"], json!(30));
    terminate(r);
}

#[test]
fn schema_subcommand_prints_json_schemas() {
    let out = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["Fixture"]["properties"]["api_keys"].is_object());
    assert!(v["Scenario"].is_object());
}

#[test]
fn a_bad_fixture_file_is_a_clear_error() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "{not json").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
        .args(["--port", "0", "--fixture", file.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid fixture"));
}

/// The binary started with `env` and no option but `--port 0`: its banner's first line and the
/// process.
fn start_with_env(env: &[(&str, &str)]) -> (Guarded, String) {
    let mut command = mock_command();
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command
        .env("SOCIAL_CONNECT_MOCK_PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    (Guarded::new(child), first.trim_end().to_owned())
}

#[tokio::test]
async fn every_option_can_come_from_the_environment() {
    let (mut child, first) = start_with_env(&[
        ("SOCIAL_CONNECT_MOCK_HOST", "0.0.0.0"),
        ("SOCIAL_CONNECT_MOCK_LAX", "true"),
        ("SOCIAL_CONNECT_MOCK_STATE_TTL_SECS", "31"),
        ("SOCIAL_CONNECT_MOCK_ALLOW_HOST", "mock,other-mock"),
        (
            "SOCIAL_CONNECT_MOCK_PUBLIC_URL",
            "http://mock.public.invalid:18080/p",
        ),
    ]);
    assert_eq!(
        first,
        "social-connect-mock listening on http://mock.public.invalid:18080/p"
    );
    // Where it listens: the other lines say (bound to all interfaces, a free port).
    let port = bound_port(&child);
    let admin = client()
        .get(format!("http://127.0.0.1:{port}/p/__admin"))
        .header("host", "other-mock:4010")
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 200);
    let admin: serde_json::Value = admin.json().await.unwrap();
    assert_eq!(admin["mode"], json!("lax"));
    assert_eq!(admin["state_ttl_secs"], json!(31));
    child.kill().unwrap();
    child.wait().unwrap();

    // A bad value is the same clear error as on the command line, exit code 2.
    let out = mock_command()
        .env("SOCIAL_CONNECT_MOCK_STATE_TTL_SECS", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--state-ttl-secs"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The port of a running mock, from the kernel's table (its banner shows the public URL).
fn bound_port(child: &Guarded) -> u16 {
    let inode_of = |fd: std::fs::DirEntry| {
        std::fs::read_link(fd.path())
            .ok()?
            .to_str()?
            .strip_prefix("socket:[")?
            .strip_suffix(']')
            .map(str::to_owned)
    };
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{}/fd", child.id()))
        .unwrap()
        .filter_map(|fd| inode_of(fd.ok()?))
        .collect();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        // state 0A: listening.
        .find(|f| f.get(3) == Some(&"0A") && inodes.iter().any(|i| f.get(9) == Some(&i.as_str())))
        .and_then(|f| u16::from_str_radix(f[1].rsplit(':').next()?, 16).ok())
        .expect("the mock listens on an IPv4 port")
}

#[test]
fn every_option_names_its_environment_variable_in_help_and_the_guide() {
    let out = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/mock-in-ci.md"
    ))
    .unwrap();
    let mut options = 0;
    for line in help.lines().map(str::trim_start) {
        let Some(option) = line
            .strip_prefix("--")
            .and_then(|l| l.split([' ', '<']).next())
        else {
            continue;
        };
        if matches!(option, "help" | "version") {
            continue;
        }
        options += 1;
        let var = format!(
            "SOCIAL_CONNECT_MOCK_{}",
            option.to_ascii_uppercase().replace('-', "_")
        );
        assert!(
            help.contains(&format!("[env: {var}")),
            "--{option}: no {var} in --help"
        );
        assert!(
            readme.contains(&format!("`--{option}")) && readme.contains(&format!("`{var}`")),
            "docs/mock-in-ci.md's options table lacks --{option} or {var}"
        );
    }
    assert!(options >= 12, "{help}");
}

#[allow(unreachable_pub)]
#[path = "../../../tests/src/doc_shell.rs"]
mod doc_shell;

/// Every invocation of the binary in a shell block of the README and the guides
/// (`social-connect-mock …`, `cargo run … -p social-connect-mock --features cli -- …`) names a
/// subcommand and flags the binary has: a guide that drifts from the CLI fails here.
#[test]
fn every_command_of_the_binary_in_the_docs_exists() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
            .args(args)
            .arg("--help")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let global = help(&[]);
    let mut checked = 0;
    for doc in doc_shell::docs(&root) {
        let text = std::fs::read_to_string(&doc).unwrap();
        for line in doc_shell::shell_lines(&text) {
            let args = line
                .split_once("-p social-connect-mock --features cli -- ")
                .map(|(_, rest)| rest)
                .or_else(|| {
                    let (before, rest) = line.split_once("social-connect-mock ")?;
                    // The command itself, not a path, an image or a crate named like it.
                    let before = before.trim_end();
                    let command = before.is_empty()
                        || before.ends_with([';', '&', '(', '|'])
                        || before.ends_with(" do");
                    command.then_some(rest)
                });
            let Some(args) = args else { continue };
            let words = doc_shell::words(args);
            let sub: Vec<&str> = words
                .first()
                .filter(|w| matches!(**w, "schema" | "health" | "verify"))
                .into_iter()
                .copied()
                .collect();
            let text = help(&sub);
            for flag in doc_shell::flags(&words) {
                let flag = format!("--{flag} ");
                assert!(
                    text.contains(&flag) || global.contains(&flag),
                    "{}: `{line}`: the binary has no {}",
                    doc.display(),
                    flag.trim_end()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} commands found");
}

fn health(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
        .env_remove("SOCIAL_CONNECT_MOCK_PORT")
        .env_remove("SOCIAL_CONNECT_MOCK_ADDR_FILE")
        .arg("health")
        .args(args)
        .output()
        .unwrap()
}

fn says(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn health_says_whether_the_mock_at_its_port_answers() {
    let b = Binary::start(&[], Stdio::null());
    let port = b.origin.rsplit(':').next().unwrap().to_owned();
    // From the environment, as the image gives it, and as an option after the subcommand.
    let up = Command::new(env!("CARGO_BIN_EXE_social-connect-mock"))
        .env("SOCIAL_CONNECT_MOCK_PORT", &port)
        .env_remove("SOCIAL_CONNECT_MOCK_ADDR_FILE")
        .arg("health")
        .output()
        .unwrap();
    assert!(up.status.success(), "{}", says(&up));
    let up = health(&["--port", &port]);
    assert!(up.status.success(), "{}", says(&up));
    // However long the mock's admin state grows (a scenario on every vendor), it is read whole.
    let description = "d".repeat(200);
    for v in MockVendor::ALL {
        let scenario =
            json!({"kind": "provider_error", "error": "server_error", "description": description});
        let body = scenario.to_string();
        let addr = b.origin.trim_start_matches("http://");
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        use std::io::{Read, Write};
        write!(
            conn,
            "PUT /__admin/scenarios/{} HTTP/1.1\r\nHost: {addr}\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            v.slug(),
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    let up = health(&["--port", &port]);
    assert!(up.status.success(), "{}", says(&up));
    let mut child = b.child;
    child.kill().unwrap();
    child.wait().unwrap();
    let down = health(&["--port", &port]);
    assert_eq!(down.status.code(), Some(1));
    assert!(says(&down).starts_with("unhealthy: "));
}

#[test]
fn health_finds_the_port_the_server_was_given_through_its_address_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("addr");
    let file_arg = file.to_str().unwrap();
    // The server's port is its command line's, which a health check run beside it (the
    // image's) does not share; both share the file.
    let r = start(&["--addr-file", file_arg]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(format!("http://{}", written.trim()), r.origin);
    let up = health(&["--addr-file", file_arg, "--port", "1"]);
    assert!(up.status.success(), "{}", says(&up));
    // A clean stop removes the file: the options' address is asked again.
    terminate(r);
    assert!(!file.exists());
    let down = health(&["--addr-file", file_arg, "--port", "1"]);
    assert!(
        says(&down).starts_with("unhealthy: 127.0.0.1:1: "),
        "{}",
        says(&down)
    );
}

/// A server on loopback that answers every connection with `answer`, a byte every `gap`.
fn impostor(answer: &'static [u8], gap: Duration) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                // The whole request head first, as a server reads it.
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                if gap.is_zero() {
                    let _ = conn.write_all(answer);
                    return;
                }
                for b in answer.iter().cycle().take(600) {
                    if conn.write_all(&[*b]).is_err() {
                        return;
                    }
                    std::thread::sleep(gap);
                }
            });
        }
    });
    port
}

#[test]
fn health_is_not_fooled_by_another_servers_200_nor_held_by_a_slow_one() {
    let other = impostor(
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
        Duration::ZERO,
    );
    let out = health(&["--port", &other.to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        says(&out).contains("not the mock's admin state"),
        "{}",
        says(&out)
    );
    // The mock's words under another status, or half of them under a 200: not the mock.
    for (answer, said) in [
        (
            &b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 49\r\nconnection: close\r\n\r\n{\"service\":\"social-connect-mock\",\"mode\":\"strict\"}"[..],
            "answered HTTP/1.1 503 Service Unavailable",
        ),
        (
            b"HTTP/1.1 200 OK\r\ncontent-length: 33\r\nconnection: close\r\n\r\n{\"service\":\"social-connect-mock\"}",
            "not the mock's admin state",
        ),
        (
            b"HTTP/1.1 200 OK\r\ncontent-length: 17\r\nconnection: close\r\n\r\n{\"mode\":\"strict\"}",
            "not the mock's admin state",
        ),
    ] {
        let port = impostor(answer, Duration::ZERO);
        let out = health(&["--port", &port.to_string()]);
        assert_eq!(out.status.code(), Some(1), "{}", says(&out));
        assert!(says(&out).contains(said), "{}", says(&out));
    }
    // Its status line a byte at a time, then more: the one deadline ends the wait.
    let slow = impostor(b"HTTP/1.1 200 OK\r\n", Duration::from_millis(100));
    let out = health(&["--port", &slow.to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        says(&out).contains("no whole answer within 2 s"),
        "{}",
        says(&out)
    );
}

#[test]
fn a_dropped_guard_or_a_closed_stdin_stops_the_mock() {
    let gone = |pid: u32| {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            match std::fs::read_to_string(format!("/proc/{pid}/status")) {
                Err(_) => return true,
                Ok(s) if s.contains("\nState:\tZ") => return true,
                Ok(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        false
    };
    // A test that fails before its clean-up drops its guard: the mock is killed and reaped.
    let b = Binary::start(&[], Stdio::null());
    let pid = b.child.id();
    drop(b);
    assert!(gone(pid), "mock {pid} outlived its guard");

    // The lifeline alone: its parent closing the pipe (as the kernel does when the test process
    // dies, however it dies) stops the mock cleanly.
    let mut child = mock_command()
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("social-connect-mock listening on"));
    drop(child.stdin.take());
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "the mock ignored its closed stdin"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("shutting down"), "{err}");
}

/// Whether a new client is answered (`GET /__admin`, 200) within 5 s, while `idle` connections
/// that never send a byte are open.
fn served_beside_idle_connections(origin: &str, idle: usize) -> Result<(), String> {
    use std::io::{Read, Write};
    let addr = origin.trim_start_matches("http://");
    let held: Vec<_> = (0..idle)
        .map(|_| std::net::TcpStream::connect(addr).unwrap())
        .collect();
    // Let the server take them all (or fail to) before the new client comes.
    std::thread::sleep(Duration::from_millis(300));
    let mut fresh = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    fresh
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        fresh,
        "GET /__admin HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    fresh
        .read_exact(&mut head)
        .map_err(|e| format!("no answer: {e}"))?;
    drop(held);
    (&head == b"HTTP/1.1 200")
        .then_some(())
        .ok_or_else(|| String::from_utf8_lossy(&head).into_owned())
}

#[test]
fn under_a_low_open_file_limit_the_cap_shrinks_to_fit_and_new_clients_are_served() {
    // 64 descriptors, soft and hard: the default cap of 1,024 connections cannot be kept.
    let mut child = Command::new("prlimit")
        .args(["--nofile=64:64", "--"])
        .arg(env!("CARGO_BIN_EXE_social-connect-mock"))
        .args(["--port", "0", "--header-timeout-secs", "600"])
        .env_remove("SOCIAL_CONNECT_MOCK_ADDR_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let child = Guarded::new(child);
    let mut said = String::new();
    stderr.read_line(&mut said).unwrap();
    let cap: usize = said
        .strip_prefix("social-connect-mock: at most ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    // What 64 descriptors leave beside those open and the spare ones: some, not one.
    assert!((8..64).contains(&cap), "{said}");
    let mut banner = String::new();
    stdout.read_line(&mut banner).unwrap();
    let origin = banner.trim().rsplit(' ').next().unwrap().to_owned();
    served_beside_idle_connections(&origin, 100).unwrap();
    drop(child);
}

#[test]
fn when_accept_finds_no_descriptor_the_stalest_connection_makes_room() {
    // The cap (1,000) fits the limit the server started under; then the limit is lowered
    // under it, as another part of a process may take the descriptors: accept fails first.
    let b = Binary::start(
        &["--max-connections", "1000", "--header-timeout-secs", "600"],
        Stdio::null(),
    );
    let lowered = Command::new("prlimit")
        .args(["--pid", &b.child.id().to_string(), "--nofile=64:64"])
        .status()
        .unwrap();
    assert!(lowered.success());
    served_beside_idle_connections(&b.origin, 100).unwrap();
    // And it goes on serving.
    served_beside_idle_connections(&b.origin, 10).unwrap();
}

#[test]
fn under_a_roomy_limit_the_cap_is_what_was_asked_and_nothing_is_said() {
    let mut child = mock_command()
        .args(["--port", "0", "--max-connections", "100"])
        .env_remove("SOCIAL_CONNECT_MOCK_ADDR_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut stderr = child.stderr.take().unwrap();
    let mut banner = String::new();
    stdout.read_line(&mut banner).unwrap();
    assert!(
        banner.starts_with("social-connect-mock listening on "),
        "{banner}"
    );
    let mut child = Guarded::new(child);
    child.kill().unwrap();
    child.wait().unwrap();
    let mut said = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut said).unwrap();
    assert!(!said.contains("connections at once"), "{said}");
}

#[test]
fn the_cap_counts_open_connections_only() {
    use std::io::{Read, Write};
    // A cap of two: one idle connection, and one that finished its request and closed.
    let b = Binary::start(
        &["--max-connections", "2", "--header-timeout-secs", "600"],
        Stdio::null(),
    );
    let addr = b.origin.trim_start_matches("http://").to_owned();
    let ask = |conn: &mut std::net::TcpStream, close: bool| {
        let how = if close { "close" } else { "keep-alive" };
        write!(
            conn,
            "GET /__admin HTTP/1.1\r\nHost: {addr}\r\nConnection: {how}\r\n\r\n"
        )
        .unwrap();
        let mut head = [0u8; 12];
        conn.read_exact(&mut head).map(|()| head)
    };
    let mut idle = std::net::TcpStream::connect(&addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let mut done = std::net::TcpStream::connect(&addr).unwrap();
    assert_eq!(&ask(&mut done, true).unwrap(), b"HTTP/1.1 200");
    let mut rest = Vec::new();
    let _ = done.read_to_end(&mut rest);
    std::thread::sleep(Duration::from_millis(100));
    // A third: the finished one's place is free, so the idle one is not closed for it.
    let mut third = std::net::TcpStream::connect(&addr).unwrap();
    assert_eq!(&ask(&mut third, false).unwrap(), b"HTTP/1.1 200");
    let answered = ask(&mut idle, false);
    assert!(
        matches!(answered, Ok(ref h) if h == b"HTTP/1.1 200"),
        "the idle connection was closed to make room the cap had: {answered:?}"
    );
}
