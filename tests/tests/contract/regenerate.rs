//! A maintainer's regeneration, end to end, in a copy of this workspace, in two rounds.
//!
//! 1. **Additive edits** (the commonest): an optional query parameter, an optional body field,
//!    new response properties in every format a spec gives (`date-time`, `date`, `uuid`,
//!    `int64`), a new enum value and a new documented error status. One `cargo xtask codegen`
//!    reports each as non-breaking for callers of the unified client while naming the raw
//!    generated API's changes; then, with no hand edit, the copy's SDK and mock build and the
//!    copy's tour connects at every vendor through them.
//!    The copy's every target builds (its libraries, tests and benches: a hand-written struct
//!    literal of a generated type stops compiling there), and its libraries' own suites pass.
//! 2. **New vendors**, from specs of their own (`tests/data/lumen.yaml`, and the spec corpus in
//!    `tests/data/corpus/`, which gathers the shapes real connect specs publish), each in one
//!    command: `cargo xtask vendor new NAME --spec …` changes no existing file but generated
//!    ones and writes no hand-written file (a vendor is its spec and its manifest; lumen is
//!    added `--modules`, with modules of its own), and with no hand edit the copy builds every
//!    target, its libraries' suites pass, and its tour connects at every vendor, the new ones
//!    included, through the SDK and the mock.
//! 3. **Breaking edits** on top: Postbreeze removes a platform and WoopSocial requires a new
//!    field. The report says so, and the regenerated mock follows: Ocoya's added provider
//!    connects through the whole flow with no mock code changed, Postbreeze's removed platform
//!    is refused, and WoopSocial's newly required field is enforced.
//!
//! Slow (it builds the copy's crates, sharing this workspace's target directory so only the
//! workspace's own crates compile again; this workspace's xtask does the regeneration, with
//! `--root`), and run with every `cargo test`: it is what makes "regenerate when a vendor
//! changes its spec" a tested promise.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};
use social_connect::Vendor;
use social_connect_mock::{MockVendor, OWNER_KEY, samples};
use social_connect_tests::flow::{self, with_query};
use social_connect_tests::workspace_copy::copy_tree;
use url::Url;

/// The workspace this test belongs to.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// The target directory this test was built in (`target/debug/deps/<test>` → `target`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its path");
    exe.ancestors()
        .nth(3)
        .expect("the test binary sits in target/<profile>/deps")
        .to_path_buf()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let changed = text.replacen(from, to, 1);
    assert_ne!(text, changed, "{}: the edit must apply", path.display());
    std::fs::write(path, changed).unwrap();
}

/// Runs cargo in `dir` on this workspace's target directory; its stdout.
fn cargo(dir: &Path, args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {args:?} failed in the copy:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The copy's mock binary, stopped when dropped.
struct Mock {
    child: Child,
    origin: Url,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Mock {
    fn start(binary: &Path) -> Mock {
        use std::io::{BufRead, BufReader};
        // `--stop-with-stdin` with a pipe this process holds: the mock ends with the test
        // process even if it is killed before `Drop` runs.
        let mut child = Command::new(binary)
            .args(["--port", "0", "--stop-with-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let origin = line.trim().rsplit(' ').next().unwrap().parse().unwrap();
        Mock { child, origin }
    }

    /// POSTs `body` to `vendor`'s connect endpoint with the owner key.
    async fn connect(&self, vendor: MockVendor, query: &str, body: &Value) -> (u16, Value) {
        let sample = samples::connect(vendor);
        let (name, value) = sample.auth(OWNER_KEY);
        let mut url = format!(
            "{}{}{}",
            self.origin.as_str().trim_end_matches('/'),
            vendor.prefix(),
            sample.path
        );
        if !query.is_empty() {
            url = format!("{url}?{query}");
        }
        let response = flow::browser()
            .post(url)
            .header(name, value)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regeneration_reports_each_change_and_the_mock_follows() {
    // One fixed place in the target directory: the same path each run keeps the copy's crates'
    // build hashes, so a rerun compiles only what changed and leaves no stale artifacts behind.
    let copy = target_dir().join("regenerate/ws");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).unwrap();
    }
    copy_tree(&root(), &copy).unwrap();
    // A binary of its own name, so building it never replaces this workspace's mock in the
    // shared target directory (cargo puts binaries there by name).
    edit(
        &copy.join("mock-server/Cargo.toml"),
        "name = \"social-connect-mock\"\npath = \"src/main.rs\"",
        "name = \"social-connect-mock-regenerated\"\npath = \"src/main.rs\"",
    );
    // Versions of its own for the workspace's crates: cargo names a crate's artifacts after its
    // name, version and features, the same in two clones of one workspace, so a build of the
    // copy would otherwise replace this workspace's own (a test binary `cargo test` has yet to
    // run, the library its doctests link). Dependencies keep their artifacts, shared.
    for manifest in [
        "specs/Cargo.toml",
        "sdk/Cargo.toml",
        "mock-server/Cargo.toml",
        "tests/Cargo.toml",
        "xtask/Cargo.toml",
        "xtask/bench/Cargo.toml",
    ] {
        let path = copy.join(manifest);
        let text = std::fs::read_to_string(&path).unwrap();
        let changed = text
            .replacen("\nversion = \"0.1.0\"\n", "\nversion = \"0.1.900\"\n", 1)
            .replacen("\nversion = \"0.0.0\"\n", "\nversion = \"0.0.900\"\n", 1);
        assert_ne!(text, changed, "{manifest}: its version must change");
        std::fs::write(&path, changed).unwrap();
    }
    // A tour of its own name too (an example file the copy adds), for the same reason.
    std::fs::copy(
        copy.join("tests/examples/tour.rs"),
        copy.join("tests/examples/tour_regenerated.rs"),
    )
    .unwrap();
    let copy_arg = copy.to_str().expect("a UTF-8 path");
    // This workspace's xtask (the same code as the copy's), pointed at the copy.
    let codegen = || {
        cargo(
            &root(),
            &[
                "run", "-q", "-p", "xtask", "--", "--root", copy_arg, "codegen",
            ],
        )
    };

    // Round 1: the additive edits.
    additive_edits(&copy);
    let report = codegen();
    for expected in [
        "body.scopes",
        "query.locale",
        "query.dryRun",
        "response 200 body.data.expiresAt",
        "response 200 body.request_id",
        "enum value `mastodon` added",
        "response 422",
        "social_connect::aitronos::builder::AuthorizeConnector<'a>::locale",
    ] {
        assert!(
            report.contains(expected),
            "the report misses {expected:?}:\n{report}"
        );
    }
    assert_eq!(
        report
            .matches("unified client: non-breaking for callers of social_connect::Client")
            .count(),
        5,
        "every vendor's edit is non-breaking for the unified client:\n{report}"
    );
    // With no hand edit, the copy builds, and its tour connects at every vendor through the
    // regenerated SDK and mock (the tour exits non-zero on any error). Aitronos's answer now
    // requires `request_id`: the SDK's unit test that decodes its answer as documented before
    // the edit pins a body without it, as a live vendor's old answer would be, and is left out.
    build_every_target(&copy, &["aitronos_authorize_decodes_the_documented_body"]);
    let tour = Command::new(target_dir().join("debug/examples/tour_regenerated"))
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&tour.stdout);
    assert!(
        tour.status.success(),
        "the regenerated tour failed:\n{printed}\n{}",
        String::from_utf8_lossy(&tour.stderr)
    );
    assert_eq!(
        printed.matches("connected").count(),
        Vendor::ALL.len(),
        "one connection per vendor:\n{printed}"
    );

    // New vendors, each in one command; nothing else is touched by hand. (Each named so as not
    // to meet a vendor this workspace may have added already.)
    let mut specs = vec![copy.join("tests/data/lumen.yaml")];
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(copy.join("tests/data/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    corpus.sort();
    specs.extend(corpus);
    let mut added_names = Vec::new();
    for spec in &specs {
        let stem = spec.file_stem().unwrap().to_str().unwrap().to_owned();
        let name = [stem.clone(), format!("{stem}test"), format!("{stem}test2")]
            .into_iter()
            .find(|n| !copy.join("specs").join(n).exists())
            .expect("a free name");
        let before = files_of(&copy);
        let spec_arg = spec.to_str().unwrap();
        let mut args = vec![
            "run", "-q", "-p", "xtask", "--", "--root", copy_arg, "vendor", "new", &name, "--spec",
            spec_arg,
        ];
        // Lumen with modules of its own (the start of a vendor whose docs say more than its
        // spec); the corpus as its specs and manifests alone.
        let with_modules = stem == "lumen";
        if with_modules {
            args.push("--modules");
        }
        let added = cargo(&root(), &args);
        assert!(added.contains(&format!("{name}: scaffolded")), "{added}");
        let after = files_of(&copy);
        assert_only_its_rooms_and_generated_files_changed(&before, &after, &name);
        let module = format!("sdk/src/vendors/{name}.rs");
        assert_eq!(
            after.contains_key(&module),
            with_modules,
            "{name}: {module} is written with --modules only"
        );
        if !with_modules {
            let new: Vec<_> = after
                .keys()
                .filter(|p| !before.contains_key(*p))
                .filter(|p| !p.starts_with(&format!("specs/{name}/")))
                .filter(|p| {
                    let text = String::from_utf8_lossy(&after[*p]);
                    !text.starts_with("// Generated by `cargo xtask codegen`")
                })
                .collect();
            assert!(
                new.is_empty(),
                "{name}: hand-written files were written: {new:?}"
            );
        }
        added_names.push(name);
    }
    build_every_target(&copy, &["aitronos_authorize_decodes_the_documented_body"]);
    let tour = Command::new(target_dir().join("debug/examples/tour_regenerated"))
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&tour.stdout);
    assert!(
        tour.status.success(),
        "the tour with a sixth vendor failed:\n{printed}\n{}",
        String::from_utf8_lossy(&tour.stderr)
    );
    assert_eq!(
        printed.matches("connected").count(),
        Vendor::ALL.len() + added_names.len(),
        "one connection per vendor, the new ones' through the SDK and the mock:\n{printed}"
    );
    for name in &added_names {
        let display = format!("{}{}", name[..1].to_ascii_uppercase(), &name[1..]);
        assert!(
            printed.contains(&format!("{display} ")),
            "{display}: {printed}"
        );
    }

    // Round 2: Postbreeze removes a platform, WoopSocial requires a new field.
    edit(
        &copy.join("specs/postbreeze/openapi.yaml"),
        "            - THREADS\n",
        "",
    );
    edit(
        &copy.join("specs/woopsocial/openapi.yaml"),
        "      required:\n        - projectId\n        - platform\n      properties:\n",
        "      required:\n        - projectId\n        - platform\n        - clientName\n      properties:\n        clientName:\n          type: string\n",
    );
    let report = codegen();
    for expected in [
        "enum value `THREADS` removed",
        "body.clientName",
        "unified client: breaking",
        "semver: minor bump for social-connect",
    ] {
        assert!(
            report.contains(expected),
            "the report misses {expected:?}:\n{report}"
        );
    }
    // `--workspace` resolves the dependencies' features as this workspace's builds do, so the
    // copy reuses their artifacts and compiles little more than its own crates.
    cargo(
        &copy,
        &[
            "build",
            "-q",
            "--workspace",
            "--bin",
            "social-connect-mock-regenerated",
        ],
    );
    let mock = Mock::start(&target_dir().join("debug/social-connect-mock-regenerated"));

    // Ocoya's new provider, through the whole flow: connect, start URL, consent, callback,
    // completion, and the account recorded with it.
    let workspace = samples::connect(MockVendor::Ocoya).query;
    let (status, body) = mock
        .connect(
            MockVendor::Ocoya,
            workspace,
            &json!({"provider": "mastodon"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let start: Url = body["url"].as_str().unwrap().parse().unwrap();
    let consent = flow::get(&flow::browser(), &start).await;
    let consent_url = consent
        .location
        .expect("the start URL redirects to the provider");
    let page = flow::get(&flow::browser(), &consent_url).await;
    assert!(
        page.body.contains("Mastodon"),
        "the consent page names the provider: {}",
        page.body
    );
    let walk = flow::walk(
        &flow::browser(),
        &with_query(&start, &[("decision", "approve")]),
        &mock.origin,
    )
    .await;
    let end = walk.page();
    assert_eq!(end.status, 200, "{}", end.body);
    let accounts: Value = flow::browser()
        .get(mock.origin.join("__admin/accounts").unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        accounts.to_string().contains("\"mastodon\""),
        "the flow connected a mastodon account: {accounts}"
    );

    // Postbreeze's removed platform is refused; one it still lists connects.
    let (status, body) = mock
        .connect(
            MockVendor::Postbreeze,
            "",
            &json!({"workspaceId": "ws_demo", "platform": "THREADS"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("VALIDATION_FAILED")),
        "{body}"
    );
    let (status, body) = mock
        .connect(
            MockVendor::Postbreeze,
            "",
            &json!({"workspaceId": "ws_demo", "platform": "BLUESKY"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    // WoopSocial's newly required field is enforced.
    let mut request: Value =
        serde_json::from_str(samples::connect(MockVendor::WoopSocial).body).unwrap();
    let (status, body) = mock.connect(MockVendor::WoopSocial, "", &request).await;
    assert_eq!(status, 400, "without clientName: {body}");
    assert!(body.to_string().contains("clientName"), "{body}");
    request["clientName"] = json!("Acme");
    let (status, body) = mock.connect(MockVendor::WoopSocial, "", &request).await;
    assert_eq!(status, 200, "with clientName: {body}");
}

/// Builds the copy's targets that a regeneration can break and that cannot meet this
/// workspace's own in the shared target directory: its libraries, benches, the renamed tour and
/// the SDK's tests (unit and integration: the generated clients' decoding tests live there),
/// then runs the SDK's and the mock's library suites. Not built: the other examples and
/// binaries (their files are named alike), and the test binaries of the crates whose own tests
/// `cargo test --workspace` runs after this one (the contract suite, xtask): a crate's artifacts
/// are named alike in two clones of one workspace, so the copy's would replace them.
fn build_every_target(copy: &Path, skip: &[&str]) {
    cargo(
        copy,
        &[
            "build",
            "-q",
            "--workspace",
            "--lib",
            "--benches",
            "--example",
            "tour_regenerated",
        ],
    );
    cargo(copy, &["build", "-q", "--tests", "-p", "social-connect"]);
    let mut args = vec![
        "test",
        "-q",
        "-p",
        "social-connect",
        "-p",
        "social-connect-mock",
        "--lib",
        "--",
    ];
    for name in skip {
        args.extend(["--skip", name]);
    }
    cargo(copy, &args);
}

/// The additive edits of round 1, one or more per vendor.
fn additive_edits(copy: &Path) {
    let spec = |vendor: &str| copy.join("specs").join(vendor).join("openapi.yaml");
    // Recoup: an optional body field, and a timestamp and a date in the answer.
    edit(
        &spec("recoup"),
        "        callback_url:\n",
        "        scopes:\n          type: array\n          items:\n            type: string\n        callback_url:\n",
    );
    edit(
        &spec("recoup"),
        "            redirectUrl:\n              type: string\n              format: uri\n",
        "            redirectUrl:\n              type: string\n              format: uri\n            expiresAt:\n              type: string\n              format: date-time\n            issuedOn:\n              type: string\n              format: date\n",
    );
    // Aitronos: an optional query parameter, and a uuid (required: always in the answer, which
    // the mock's module does not write) and an int64 in the answer.
    edit(
        &spec("aitronos"),
        "          description: Organization ID\n          schema:\n            type: string\n",
        "          description: Organization ID\n          schema:\n            type: string\n        - in: query\n          name: locale\n          required: false\n          schema:\n            type: string\n",
    );
    edit(
        &spec("aitronos"),
        "      required:\n        - authorization_url\n        - state\n",
        "      required:\n        - authorization_url\n        - state\n        - request_id\n",
    );
    edit(
        &spec("aitronos"),
        "          description: OAuth state token\n          example: example_state\n",
        "          description: OAuth state token\n          example: example_state\n        request_id:\n          type: string\n          format: uuid\n        ttl_ms:\n          type: integer\n          format: int64\n",
    );
    // Ocoya: a provider added to its enum.
    edit(
        &spec("ocoya"),
        "                    - pinterest\n",
        "                    - pinterest\n                    - mastodon\n",
    );
    // Postbreeze: a new documented error status, with a body of a shape of its own.
    edit(
        &spec("postbreeze"),
        "        '409':\n",
        "        '422':\n          description: Unprocessable\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  message:\n                    type: string\n                  fields:\n                    type: array\n                    items:\n                      type: string\n        '409':\n",
    );
    // WoopSocial: a first query parameter on an operation that had none.
    edit(
        &spec("woopsocial"),
        "      operationId: createOAuthAuthorization\n",
        "      operationId: createOAuthAuthorization\n      parameters:\n        - in: query\n          name: dryRun\n          required: false\n          schema:\n            type: boolean\n",
    );
}

/// Every file of the tree at `dir` (not `target/`, not `.git/`), by relative path, with its text.
fn files_of(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            if name == "target" || name == ".git" {
                continue;
            }
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// What `vendor new NAME` may change: new files in the vendor's own rooms, and existing files
/// only where they are generated (their first line says so; `sdk/Cargo.toml`'s marked block).
fn assert_only_its_rooms_and_generated_files_changed(
    before: &std::collections::BTreeMap<String, Vec<u8>>,
    after: &std::collections::BTreeMap<String, Vec<u8>>,
    name: &str,
) {
    let rooms = [
        format!("specs/{name}/"),
        format!("sdk/src/vendors/{name}.rs"),
        format!("sdk/src/generated/{name}.rs"),
        format!("sdk/src/generated/{name}_unified.rs"),
        format!("sdk/src/generated/{name}_connect.rs"),
        format!("mock-server/src/vendors/{name}.rs"),
        format!("mock-server/tests/it/vendors/{name}.rs"),
        format!("tests/tests/contract/vendors/{name}.rs"),
    ];
    let mut hand_edited = Vec::new();
    for (path, text) in after {
        match before.get(path) {
            None => assert!(
                rooms.iter().any(|r| path.starts_with(r.as_str())),
                "`vendor new` wrote {path}, outside the vendor's rooms"
            ),
            Some(old) if old != text => {
                let text = String::from_utf8_lossy(text);
                let generated = text.starts_with("// Generated by `cargo xtask codegen`")
                    || text.starts_with("<!-- Generated by `cargo xtask codegen`")
                    || text.lines().nth(1).is_some_and(|l| {
                        l.trim_start().starts_with("\"$comment\": \"Generated by")
                    })
                    || ((path == "sdk/Cargo.toml" || path.ends_with(".md"))
                        && outside_generated_block(&text)
                            == outside_generated_block(&String::from_utf8_lossy(old)));
                if !generated {
                    hand_edited.push(path.clone());
                }
            }
            Some(_) => {}
        }
    }
    assert!(
        hand_edited.is_empty(),
        "`vendor new` changed existing hand-written files: {hand_edited:?}"
    );
    assert!(
        before.keys().all(|p| after.contains_key(p)),
        "`vendor new` removed a file"
    );
}

/// A manifest without its generated block (from its `# Generated by` line to its end mark).
/// `text` without its generated blocks: `sdk/Cargo.toml`'s features, a Markdown file's tables
/// (`<!-- Generated by … -->` to `<!-- end of … -->`).
fn outside_generated_block(text: &str) -> String {
    let mut out = text.to_owned();
    for (begin, end) in [
        (
            "# Generated by `cargo xtask codegen`",
            "# End of the generated features.",
        ),
        ("<!-- Generated by `cargo xtask codegen`", "<!-- end of "),
    ] {
        while let Some(b) = out.find(begin) {
            match out[b..].find(end) {
                Some(e) => out.replace_range(b..b + e + end.len(), ""),
                None => break,
            }
        }
    }
    out
}
