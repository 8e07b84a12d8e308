//! The binary, started as a process and driven over HTTP.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;
use serde_json::json;
use social_connect_mock::{MockVendor, OWNER_KEY};

struct Running {
    child: Child,
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
