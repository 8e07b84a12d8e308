//! `cargo xtask update [VENDOR…]`: fetch what each vendor publishes, and where its spec changed,
//! import it, regenerate through its overlay, report, propose the version and write the
//! changelog; `--publish` does it once per vendor on a branch of its own and pushes it, for a
//! pull request (`.github/workflows/spec-update.yml` runs it nightly).
//!
//! Where a vendor's source is named in `specs/<vendor>/provenance.toml`:
//! - `spec_url`: the OpenAPI document itself, at a URL;
//! - `source`: the docs page holding it (or, for an authored spec, its reference page);
//! - `docs_index` and `title`: the page of that title in the docs' `llms.txt` index.
//!
//! Nothing is written until every fetched document has been read, overlaid and generated in
//! memory; a vendor whose source fails is reported and left as it was, and the others go on.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::codegen::{self, report};
use crate::fsio;
use crate::import::{self, ImportError, Prepared, Provenance};
use crate::vendors::{self, Vendor};

/// The exit codes of `update`.
pub(crate) mod exit {
    /// Nothing any vendor publishes changed.
    pub(crate) const UNCHANGED: u8 = 0;
    /// A vendor failed (its source, its document or the semver gate); the summary says which.
    pub(crate) const FAILED: u8 = 1;
    /// A spec changed, and no change breaks a client.
    pub(crate) const CHANGED: u8 = 2;
    /// A spec changed in a way that breaks a client (a major bump, or a minor one below 1.0).
    pub(crate) const BREAKING: u8 = 3;
}

/// How `update` runs: its command line (`cargo xtask update --help`).
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Options {
    /// The vendors to update (default: all).
    pub(crate) vendors: Vec<String>,
    /// Read saved copies from DIR (`DIR/<vendor>/<page>` or `DIR/<page>`) instead of
    /// fetching.
    #[arg(long, value_name = "DIR")]
    pub(crate) from: Option<PathBuf>,
    /// Also write the Markdown summary to FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) summary: Option<PathBuf>,
    /// The date the sources are taken (YYYY-MM-DD); today (UTC) if omitted.
    #[arg(long)]
    pub(crate) date: Option<String>,
    /// Propose this bump instead of the change report's (none, patch, minor, major); the
    /// semver gate still checks it.
    #[arg(long)]
    pub(crate) bump: Option<String>,
    /// Do not run cargo-semver-checks (the summary says it was not run).
    #[arg(long)]
    pub(crate) no_gate: bool,
    /// Commit each changed vendor on its own branch `spec-update/<vendor>` from HEAD and
    /// push it to REMOTE.
    #[arg(long, value_name = "REMOTE")]
    pub(crate) publish: Option<String>,
    /// With --publish: open or update a pull request per branch with the GitHub CLI (`gh`).
    #[arg(long, requires = "publish")]
    pub(crate) open_prs: bool,
}

/// Where a vendor's published spec comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// The OpenAPI document at a URL.
    Spec(String),
    /// A docs page holding it.
    Page(String),
    /// The page titled so in the docs index at a URL.
    Indexed { index: String, title: String },
}

/// What became of one vendor.
#[derive(Debug)]
enum Fetched {
    /// The published document is the one in `specs/`.
    Unchanged,
    /// It changed; this is what the import writes.
    Changed(Prepared),
    /// The reference page of an authored spec changed: a maintainer rewrites the spec.
    ReferenceChanged(String),
    /// The source or the document failed; the vendor is left as it was.
    Failed(String),
    /// Its provenance names nothing to fetch (a vendor added from a local file).
    NotWatched(String),
}

/// The source named in a provenance file.
fn source_of(provenance: &str) -> Result<Source, String> {
    // Only an address that can be fetched is a source (`vendor new` records the file it read).
    let get = |key| {
        Provenance::read(provenance, key)
            .filter(|v| key == "title" || v.starts_with("https://") || v.starts_with("http://"))
    };
    if let Some(url) = get("spec_url") {
        return Ok(Source::Spec(url));
    }
    if let Some(url) = get("source") {
        return Ok(Source::Page(url));
    }
    match (get("docs_index"), get("title")) {
        (Some(index), Some(title)) => Ok(Source::Indexed { index, title }),
        _ => Err(
            "its provenance.toml names no source: set `spec_url` (the document's URL) or \
             `source` (the docs page's), or re-import a page that names its docs index"
                .to_owned(),
        ),
    }
}

/// The address of the page titled `title` in an `llms.txt` index (`- [Title](url): …`).
fn find_in_index(index: &str, title: &str) -> Option<String> {
    index.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("- [")?;
        let (name, rest) = rest.split_once("](")?;
        let (url, _) = rest.split_once(')')?;
        (name.trim() == title).then(|| url.trim().to_owned())
    })
}

/// Fetches `url` as text: a non-2xx answer, a timeout or a body that is not UTF-8 is an error.
async fn get(client: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{url}: the server answered {status}"));
    }
    response.text().await.map_err(|e| format!("{url}: {e}"))
}

/// Reads a saved copy named `name` for `vendor` from `dir` (`dir/name` or `dir/vendor/name`).
fn saved(dir: &Path, vendor: &str, name: &str) -> Result<String, String> {
    // The vendor's own folder first: two vendors' documents may share a name (`openapi.yaml`).
    let candidates = [dir.join(vendor).join(name), dir.join(name)];
    for path in &candidates {
        if path.is_file() {
            return Ok(fsio::read(path)?);
        }
    }
    Err(format!(
        "no saved copy: looked for {} and {}",
        candidates[0].display(),
        candidates[1].display()
    ))
}

/// The document or page `vendor` publishes now, and its name and address.
async fn fetch(
    client: &reqwest::Client,
    from: Option<&Path>,
    vendor: &str,
    provenance: &str,
) -> Result<(Source, String, String), String> {
    let source = source_of(provenance)?;
    let page_name = Provenance::read(provenance, "page");
    let last = |url: &str| url.rsplit('/').next().unwrap_or(url).to_owned();
    let name = match (&source, &page_name) {
        (Source::Spec(url), _) => last(url),
        (_, Some(page)) => page.clone(),
        (Source::Page(url), None) => last(url),
        (Source::Indexed { .. }, None) => format!("{vendor}.md"),
    };
    let text = match (from, &source) {
        (Some(dir), _) => saved(dir, vendor, &name)?,
        (None, Source::Spec(url) | Source::Page(url)) => get(client, url).await?,
        (None, Source::Indexed { index, title }) => {
            let listing = get(client, index).await?;
            let link = find_in_index(&listing, title).ok_or_else(|| {
                format!("{index} lists no page titled {title:?}: the vendor renamed or moved it")
            })?;
            // A link may be relative to the index.
            let url = reqwest::Url::parse(index)
                .and_then(|base| base.join(&link))
                .map_err(|e| format!("{index}: the link {link:?} is not an address: {e}"))?;
            get(client, url.as_str()).await?
        }
    };
    Ok((source, name, text))
}

/// What the fetched text means for `vendor`: unchanged, or what to write, checked in memory
/// (overlay, normalisation, progenitor, contract) so that a bad document writes nothing.
fn read_fetched(
    root: &Path,
    vendor: &Vendor,
    provenance: &str,
    source: &Source,
    name: &str,
    text: &str,
    date: &str,
) -> Fetched {
    let prepared = match source {
        Source::Spec(url) => import::prepare_document(vendor, url, text, date).map(Some),
        Source::Page(url) => import::prepare(vendor, name, text, Some(url), date, Some(provenance)),
        Source::Indexed { .. } => import::prepare(vendor, name, text, None, date, Some(provenance)),
    };
    let prepared = match prepared {
        Ok(Some(prepared)) => prepared,
        Ok(None) => return Fetched::Unchanged,
        Err(ImportError::ReferenceChanged { .. }) if vendor.authored => {
            return Fetched::ReferenceChanged(format!(
                "its reference page changed; its spec is written by hand from that page: review \
                 the page, update specs/{0}/openapi.yaml, then set `reference_sha256` in \
                 specs/{0}/provenance.toml to {1}",
                vendor.name,
                crate::util::sha256_hex(text.as_bytes())
            ));
        }
        Err(err) => return Fetched::Failed(err.to_string()),
    };
    if Provenance::read(provenance, "sha256").as_deref() == Some(prepared.sha256.as_str()) {
        return Fetched::Unchanged;
    }
    // Everything codegen writes (the client, the contract, the SDK module, the registries, the
    // docs) must generate with the new spec: in memory, nothing written.
    let new = |v: &Vendor| (v.name == vendor.name).then_some(prepared.spec.as_str());
    if let Err(err) = generate_with(root, new) {
        return Fetched::Failed(format!("the new document cannot be generated: {err}"));
    }
    Fetched::Changed(prepared)
}

/// Everything codegen writes, in memory, with the specs `new` gives (for a vendor) in place of
/// the committed ones.
fn generate_with<'a>(
    root: &Path,
    new: impl Fn(&Vendor) -> Option<&'a str>,
) -> Result<Vec<crate::util::Output>, String> {
    let mut specs = codegen::read_specs(root).map_err(|e| e.to_string())?;
    for (vendor, text) in &mut specs {
        if let Some(spec) = new(vendor) {
            spec.clone_into(text);
        }
    }
    codegen::generate_from(root, specs).map_err(|e| e.to_string())
}

/// The files an update writes, as they were, to put back if a later step fails.
struct Saved(Vec<(PathBuf, Option<Vec<u8>>)>);

impl Saved {
    fn of(paths: impl IntoIterator<Item = PathBuf>) -> Self {
        Saved(
            paths
                .into_iter()
                .map(|p| {
                    let old = std::fs::read(&p).ok();
                    (p, old)
                })
                .collect(),
        )
    }

    fn restore(&self) {
        for (path, old) in &self.0 {
            let _ = match old {
                Some(bytes) => std::fs::write(path, bytes),
                None => std::fs::remove_file(path),
            };
        }
    }
}

/// What one application of updates gave.
struct Applied {
    report: report::Report,
    /// The bump proposed (the report's, or `--bump`) and the version it gives.
    bump: String,
    next: String,
    gate: Gate,
}

/// The semver gate: the proposed bump against the change report's reading and against
/// cargo-semver-checks' reading of the real public API. `Err` is a verdict that the proposed
/// version is too small.
#[derive(Debug)]
struct Gate {
    /// What the change report's own reading asks.
    report: Result<String, String>,
    /// What cargo-semver-checks finds (`Ok` too when it was not run, saying why).
    tool: Result<String, String>,
}

impl Gate {
    fn failed(&self) -> bool {
        self.report.is_err() || self.tool.is_err()
    }
}

/// The version `bump` gives from `version`.
fn bumped(version: &str, bump: &str) -> Result<String, String> {
    report::bumped(version, bump)
        .ok_or_else(|| format!("--bump {bump:?}: use none, patch, minor or major"))
}

/// The order of the bumps.
fn rank(bump: &str) -> u8 {
    match bump {
        "patch" => 1,
        "minor" => 2,
        "major" => 3,
        _ => 0,
    }
}

/// Sets `social-connect`'s version in `sdk/Cargo.toml` and `Cargo.lock`.
fn set_version(root: &Path, old: &str, new: &str) -> Result<(), String> {
    let edit = |path: PathBuf, from: String, to: String| -> Result<(), String> {
        let text = fsio::read(&path)?;
        if !text.contains(&from) {
            return Err(format!(
                "{}: no `{}` to change",
                path.display(),
                from.trim()
            ));
        }
        Ok(fsio::write(&path, text.replacen(&from, &to, 1))?)
    };
    edit(
        root.join("sdk/Cargo.toml"),
        format!("\nversion = \"{old}\"\n"),
        format!("\nversion = \"{new}\"\n"),
    )?;
    edit(
        root.join("Cargo.lock"),
        format!("name = \"social-connect\"\nversion = \"{old}\"\n"),
        format!("name = \"social-connect\"\nversion = \"{new}\"\n"),
    )
}

/// Where the SDK's changelog lives.
const CHANGELOG: &str = "sdk/CHANGELOG.md";

/// The changelog entry (Keep a Changelog) for `report` at version `next`.
fn changelog_entry(report: &report::Report, next: &str, date: &str) -> String {
    let mut sections: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for v in report
        .vendors
        .iter()
        .filter(|v| v.spec_changed || !v.changes.is_empty())
    {
        if v.changes.is_empty() {
            sections.entry("Changed").or_default().push(format!(
                "{}: its spec changed outside the connect contract; the generated client was \
                 regenerated.",
                v.vendor
            ));
        }
        for c in &v.changes {
            let heading = if c.kind.contains("removed") {
                "Removed"
            } else if c.kind.contains("added") {
                "Added"
            } else {
                "Changed"
            };
            let breaking = if c.class == report::Class::Breaking {
                "**Breaking:** "
            } else {
                ""
            };
            sections
                .entry(heading)
                .or_default()
                .push(format!("{breaking}{}: `{}`: {}", v.vendor, c.at, c.detail));
        }
        for a in v.api.iter().filter(|a| a.breaking) {
            sections.entry("Changed").or_default().push(format!(
                "**Breaking** for direct callers of `social_connect::{}`: {} `{}`.",
                v.vendor, a.change, a.item
            ));
        }
    }
    let mut s = format!("## [{next}] - {date}\n");
    for heading in ["Added", "Changed", "Removed"] {
        if let Some(lines) = sections.get(heading) {
            let _ = write!(s, "\n### {heading}\n\n");
            for line in lines {
                let _ = writeln!(s, "- {line}");
            }
        }
    }
    s
}

/// Adds `entry` to the changelog under `[Unreleased]`, creating the file if need be.
fn write_changelog(root: &Path, entry: &str) -> Result<(), String> {
    let path = root.join(CHANGELOG);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# Changelog\n\nAll notable changes to `social-connect` are written here, the vendors' spec \
         updates by `cargo xtask update`. The format is [Keep a \
         Changelog](https://keepachangelog.com/en/1.1.0/), and the crate follows [Semantic \
         Versioning](https://semver.org/) as Cargo reads it.\n\n## [Unreleased]\n"
            .to_owned()
    });
    let at = text
        .find("## [Unreleased]")
        .map(|i| i + text[i..].find('\n').map_or(text.len() - i, |n| n + 1))
        .unwrap_or(text.len());
    let updated = format!("{}\n{entry}{}", &text[..at], &text[at..]);
    Ok(fsio::write(&path, updated)?)
}

/// Runs cargo-semver-checks on `social-connect` against `baseline` (a git revision): whether
/// the version now in `sdk/Cargo.toml` is enough for the API change.
fn semver_checks(
    root: &Path,
    baseline: &str,
    release_type: Option<&str>,
) -> Result<String, String> {
    let mut command = Command::new("cargo");
    command
        .current_dir(root)
        .args(["semver-checks", "check-release", "-p", "social-connect"])
        .args(["--baseline-rev", baseline]);
    if let Some(release_type) = release_type {
        command.args(["--release-type", release_type]);
    }
    let out = command
        .output()
        .map_err(|e| format!("cargo-semver-checks could not run: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let verdict = |text: &str| -> String {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| {
                l.starts_with("Summary") || l.starts_with("--- failure") || l.starts_with("Checked")
            })
            .collect();
        if lines.is_empty() {
            text.trim().to_owned()
        } else {
            lines.join("; ")
        }
    };
    if out.status.success() {
        return Ok(format!(
            "cargo-semver-checks finds the version enough: {}",
            verdict(&text)
        ));
    }
    if text.contains("no such command") || text.contains("no such subcommand") {
        return Err(
            "cargo-semver-checks is not installed: `cargo install --locked \
                    cargo-semver-checks`, or pass --no-gate"
                .to_owned(),
        );
    }
    if text.contains("semver requires new") {
        return Err(format!(
            "cargo-semver-checks finds the version too small: {}",
            verdict(&text)
        ));
    }
    // The baseline did not build, the rustdoc format is not the tool's, …: no verdict.
    let tail: Vec<&str> = text.lines().rev().take(6).collect();
    Err(format!(
        "cargo-semver-checks could not check the API, so the bump is not verified: {}",
        tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
    ))
}

/// Writes `changed` into the tree, regenerates, reports, sets the version, writes the
/// changelog and runs the gate. On any failure before the gate, every file it wrote is put
/// back as it was.
fn apply(
    root: &Path,
    changed: &[(&Vendor, &Prepared)],
    options: &Options,
    date: &str,
    baseline: &str,
) -> Result<Applied, String> {
    let generated = generate_with(root, |vendor| {
        let (_, prepared) = changed.iter().find(|(v, _)| v.name == vendor.name)?;
        Some(prepared.spec.as_str())
    })?;
    // Everything this writes or removes, as it is, to put back on any failure below.
    let mut files: Vec<PathBuf> = changed
        .iter()
        .flat_map(|(v, _)| {
            let dir = root.join("specs").join(&v.name);
            [dir.join("openapi.yaml"), dir.join("provenance.toml")]
        })
        .collect();
    files.extend(generated.iter().map(|o| root.join(&o.path)));
    files.extend(
        codegen::leftovers(root, &generated)
            .iter()
            .map(|p| root.join(p)),
    );
    files.extend(["sdk/Cargo.toml", "Cargo.lock", CHANGELOG].map(|p| root.join(p)));
    let saved = Saved::of(files);
    let written = (|| -> Result<_, String> {
        // The report reads the new specs against the committed snapshots and clients: the specs
        // first, the generated files after it.
        for (vendor, prepared) in changed {
            let dir = root.join("specs").join(&vendor.name);
            for (file, text) in [
                ("openapi.yaml", &prepared.spec),
                ("provenance.toml", &prepared.provenance),
            ] {
                fsio::write(&dir.join(file), text)?;
            }
        }
        let report = codegen::change_report(root, &generated).map_err(|e| e.to_string())?;
        codegen::write_outputs(root, &generated).map_err(|e| e.to_string())?;
        let bump = options
            .bump
            .clone()
            .unwrap_or_else(|| report.bump.to_owned());
        let next = bumped(&report.version, &bump)?;
        set_version(root, &report.version, &next)?;
        if bump != "none" {
            write_changelog(root, &changelog_entry(&report, &next, date))?;
        }
        Ok((report, bump, next))
    })();
    let (report, bump, next) = written.inspect_err(|_| saved.restore())?;
    let report_verdict = if rank(&bump) < rank(report.bump) {
        Err(format!(
            "the change report finds changes that need a {} bump ({} → {})",
            report.bump, report.version, report.next
        ))
    } else {
        Ok(format!("the change report asks for a {} bump", report.bump))
    };
    let gate = Gate {
        report: report_verdict,
        tool: if options.no_gate {
            Ok("cargo-semver-checks not run (--no-gate)".to_owned())
        } else {
            // With nothing to bump, the tool still checks that nothing needs one.
            semver_checks(root, baseline, (bump == "none").then_some("patch"))
        },
    };
    Ok(Applied {
        report,
        bump,
        next,
        gate,
    })
}

/// Runs a git command in `root`; its stdout, or an error with its stderr.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let what = format!("git {}", args.join(" "));
    crate::util::output(root, "git", args, [&what, &what])
}

/// One vendor's line in the summary and what it adds to the exit code.
#[derive(Clone)]
struct Line {
    vendor: String,
    status: String,
    code: u8,
}

/// The summary: a table of the vendors, then the report, the version, the gate and the overlays.
fn summary(lines: &[Line], applied: Option<&Applied>, overlay: &[String]) -> String {
    let mut s = String::from("# Vendor spec update\n\n| vendor | status |\n|---|---|\n");
    for line in lines {
        let _ = writeln!(
            s,
            "| {} | {} |",
            line.vendor,
            line.status.replace('|', "\\|")
        );
    }
    if let Some(applied) = applied {
        s.push('\n');
        s.push_str(&applied.report.render(report::Format::Markdown));
        let _ = writeln!(
            s,
            "\n## Version\n\n`social-connect` {} → {} ({} bump{}).",
            applied.report.version,
            applied.next,
            applied.bump,
            if applied.bump == applied.report.bump {
                String::new()
            } else {
                format!("; the report proposed {}", applied.report.bump)
            }
        );
        let gate = &applied.gate;
        let _ = writeln!(
            s,
            "\n**Semver gate**: {} for {} {} → {}.\n",
            if gate.failed() { "FAILED" } else { "passed" },
            applied.bump,
            applied.report.version,
            applied.next
        );
        for verdict in [&gate.report, &gate.tool] {
            let _ = match verdict {
                Ok(why) => writeln!(s, "- ok: {why}"),
                Err(why) => writeln!(s, "- **too small**: {why}"),
            };
        }
    }
    if !overlay.is_empty() {
        s.push_str("\n## Overlay actions that no longer match\n\n");
        for w in overlay {
            let _ = writeln!(s, "- {w}");
        }
    }
    s
}

/// The exit code a set of vendors' lines and an application give.
fn exit_code(lines: &[Line], applied: Option<&Applied>) -> u8 {
    let failed =
        lines.iter().any(|l| l.code == exit::FAILED) || applied.is_some_and(|a| a.gate.failed());
    if failed {
        return exit::FAILED;
    }
    let breaking = applied.is_some_and(|a| a.report.bump != "none" && is_breaking(a));
    if breaking {
        exit::BREAKING
    } else {
        lines
            .iter()
            .map(|l| l.code)
            .max()
            .unwrap_or(exit::UNCHANGED)
    }
}

/// Whether the report's proposal breaks clients (major, or minor below 1.0).
fn is_breaking(applied: &Applied) -> bool {
    let r = &applied.report;
    r.bump == "major" || (r.bump == "minor" && r.version.starts_with("0."))
}

/// The `update` task; returns the exit code.
pub(crate) fn run(root: &Path, options: &Options) -> Result<u8, String> {
    let known = vendors::load(root).map_err(|e| e.to_string())?;
    let chosen: Vec<&Vendor> = if options.vendors.is_empty() {
        known.iter().collect()
    } else {
        options
            .vendors
            .iter()
            .map(|name| vendors::find(&known, name))
            .collect::<Result<_, _>>()?
    };
    if let Some(bump) = &options.bump {
        bumped("0.0.0", bump)?;
    }
    let date = crate::util::date_or_today(options.date.as_deref())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("social-connect-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())?;

    let mut lines: Vec<Line> = Vec::new();
    let mut changed = Vec::new();
    for vendor in chosen {
        let path = root
            .join("specs")
            .join(&vendor.name)
            .join("provenance.toml");
        let fetched = match fsio::read(&path) {
            Err(e) => Fetched::Failed(e.to_string()),
            Ok(provenance) => match source_of(&provenance) {
                Err(why) if options.from.is_none() => Fetched::NotWatched(why),
                _ => match runtime.block_on(fetch(
                    &client,
                    options.from.as_deref(),
                    &vendor.name,
                    &provenance,
                )) {
                    Err(why) => Fetched::Failed(why),
                    Ok((source, name, text)) => {
                        read_fetched(root, vendor, &provenance, &source, &name, &text, &date)
                    }
                },
            },
        };
        let (status, code) = match &fetched {
            Fetched::Unchanged => ("unchanged".to_owned(), exit::UNCHANGED),
            Fetched::Changed(p) => (
                format!("changed (sha256 {})", &p.sha256[..12]),
                exit::CHANGED,
            ),
            Fetched::ReferenceChanged(why) => (format!("needs a maintainer: {why}"), exit::CHANGED),
            Fetched::Failed(why) => (format!("failed, left as it was: {why}"), exit::FAILED),
            Fetched::NotWatched(why) => (format!("not watched: {why}"), exit::UNCHANGED),
        };
        lines.push(Line {
            vendor: vendor.name.clone(),
            status,
            code,
        });
        if let Fetched::Changed(prepared) = fetched {
            changed.push((vendor, prepared));
        }
    }

    let code = match &options.publish {
        None => {
            let pairs: Vec<_> = changed.iter().map(|(v, p)| (*v, p)).collect();
            let applied = if pairs.is_empty() {
                None
            } else {
                match apply(root, &pairs, options, &date, "HEAD") {
                    Ok(applied) => Some(applied),
                    Err(why) => {
                        // Put back whole: every changed vendor is named with the reason.
                        for line in lines.iter_mut().filter(|l| l.code == exit::CHANGED) {
                            if pairs.iter().any(|(v, _)| v.name == line.vendor) {
                                line.status = format!("failed, left as it was: {why}");
                                line.code = exit::FAILED;
                            }
                        }
                        None
                    }
                }
            };
            let overlay = codegen::overlay_warnings(root).unwrap_or_default();
            finish(options, &summary(&lines, applied.as_ref(), &overlay))?;
            exit_code(&lines, applied.as_ref())
        }
        Some(remote) => publish(root, remote, &changed, &lines, options, &date)?,
    };
    Ok(code)
}

/// Prints the summary and writes it where `--summary` says.
fn finish(options: &Options, text: &str) -> Result<(), String> {
    print!("{text}");
    if let Some(path) = &options.summary {
        fsio::write(path, text)?;
    }
    Ok(())
}

/// The paths `--publish` commits: everything `update` writes.
const PUBLISHED: &[&str] = &[
    "specs",
    "sdk",
    "mock-server",
    "tests",
    "README.md",
    "docs",
    "Cargo.lock",
];

/// `--publish REMOTE`: each changed vendor alone on `spec-update/<vendor>`, from the commit
/// checked out now, committed with the summary as its message and pushed; with `--open-prs`, a
/// pull request opened or updated. The branch is the bot's: it is rewritten each night, unless
/// someone else pushed to it, in which case it is left alone and the summary says so.
fn publish(
    root: &Path,
    remote: &str,
    changed: &[(&Vendor, Prepared)],
    lines: &[Line],
    options: &Options,
    date: &str,
) -> Result<u8, String> {
    let mut status = vec!["status", "--porcelain", "--"];
    status.extend(PUBLISHED);
    if !git(root, &status)?.is_empty() {
        return Err(
            "--publish needs a clean work tree where update writes (untracked files included): \
             commit, stash or remove them first"
                .to_owned(),
        );
    }
    let base = git(root, &["rev-parse", "HEAD"])?;
    let start = git(root, &["symbolic-ref", "-q", "--short", "HEAD"]).map_err(|_| {
        "--publish needs a branch checked out (the pull requests' base), not a detached HEAD"
            .to_owned()
    })?;
    let me = git(root, &["config", "user.email"]).unwrap_or_default();
    let out_dir = root.join("target/spec-update");
    fsio::at(&out_dir, std::fs::create_dir_all(&out_dir))?;
    let overlay = codegen::overlay_warnings(root).unwrap_or_default();
    let mut failed = lines.iter().any(|l| l.code == exit::FAILED);
    let mut code = exit_code(lines, None);
    let mut all = summary(lines, None, &overlay);
    for (vendor, prepared) in changed {
        let branch = format!("spec-update/{}", vendor.name);
        let vendor_lines: Vec<Line> = lines
            .iter()
            .filter(|l| l.vendor == vendor.name)
            .cloned()
            .collect();
        let body_path = out_dir.join(format!("{}.md", vendor.name));
        let result = git(root, &["checkout", "--quiet", "-B", &branch, &base])
            .and_then(|_| apply(root, &[(*vendor, prepared)], options, date, &base));
        let (body, vendor_code) = match &result {
            Ok(applied) => {
                let mut body = summary(&vendor_lines, Some(applied), &overlay);
                let title = format!(
                    "{}: spec update, social-connect {} ({})",
                    vendor.display, applied.next, applied.bump
                );
                let target = Target {
                    remote,
                    branch: &branch,
                    base: &start,
                    me: &me,
                };
                match push(
                    root,
                    &target,
                    &title,
                    &body,
                    &body_path,
                    is_breaking(applied),
                    options.open_prs,
                ) {
                    Ok(()) => {
                        let code = exit_code(&vendor_lines, Some(applied));
                        (body, code)
                    }
                    Err(why) => {
                        let _ = writeln!(body, "\n**Not published**: {why}");
                        (body, exit::FAILED)
                    }
                }
            }
            Err(why) => (
                format!("# Vendor spec update\n\n{}: failed: {why}\n", vendor.name),
                exit::FAILED,
            ),
        };
        // Back to where the run started, whatever happened: a failed vendor's half-written
        // tree is dropped (its branch stays at the base).
        let back = git(root, &["reset", "--quiet", "--hard"])
            .and_then(|_| git(root, &["checkout", "--quiet", &start]));
        failed |= vendor_code == exit::FAILED;
        code = code.max(vendor_code);
        fsio::write(&body_path, &body)?;
        let _ = writeln!(all, "\n---\n\n{body}");
        back?;
    }
    finish(options, &all)?;
    Ok(if failed { exit::FAILED } else { code })
}

/// Where `--publish` pushes one vendor's branch.
struct Target<'a> {
    remote: &'a str,
    branch: &'a str,
    /// The branch its pull request goes into.
    base: &'a str,
    /// The committer email of update's own commits.
    me: &'a str,
}

/// Commits what `apply` wrote on `target.branch` with `title` and `body` as its message, pushes
/// it, and with `open_prs` opens or updates its pull request. A remote branch with a commit by
/// anyone else is left alone, and said so.
fn push(
    root: &Path,
    target: &Target<'_>,
    title: &str,
    body: &str,
    body_path: &Path,
    breaking: bool,
    open_prs: bool,
) -> Result<(), String> {
    let Target {
        remote,
        branch,
        base,
        me,
    } = *target;
    let refname = format!("refs/heads/{branch}");
    if !git(root, &["ls-remote", remote, &refname])?.is_empty() {
        git(root, &["fetch", "--quiet", remote, &refname])?;
        let author = git(root, &["log", "-1", "--format=%ce", "FETCH_HEAD"])?;
        if author != me {
            return Err(format!(
                "{branch} on {remote} has a commit by {author}, not by update ({me}): left \
                 alone; merge or delete it, and the next run publishes again"
            ));
        }
    }
    let mut add = vec!["add", "--all", "--"];
    add.extend(PUBLISHED);
    git(root, &add)?;
    git(root, &["commit", "--quiet", "-m", title, "-m", body])?;
    git(
        root,
        &[
            "push",
            "--quiet",
            "--force",
            remote,
            &format!("{branch}:{refname}"),
        ],
    )?;
    if open_prs {
        fsio::write(body_path, body)?;
        open_pr(root, branch, base, title, body_path, breaking)?;
    }
    Ok(())
}

/// Opens the pull request of `branch` into `base`, or updates the open one, with the GitHub CLI.
fn open_pr(
    root: &Path,
    branch: &str,
    base: &str,
    title: &str,
    body: &Path,
    breaking: bool,
) -> Result<(), String> {
    let gh = |args: &[&str]| {
        let failed = format!("gh {}", args[..2].join(" "));
        crate::util::output(root, "gh", args, ["gh", &failed])
    };
    let body = body.to_string_lossy();
    let open = gh(&[
        "pr",
        "list",
        "--head",
        branch,
        "--state",
        "open",
        "--json",
        "number",
        "--jq",
        ".[0].number",
    ])?;
    let label = if breaking { "breaking" } else { "" };
    if open.is_empty() {
        let mut args = vec![
            "pr",
            "create",
            "--head",
            branch,
            "--base",
            base,
            "--title",
            title,
            "--body-file",
            &body,
        ];
        if breaking {
            args.extend(["--label", label]);
        }
        gh(&args)?;
    } else {
        let mut args = vec![
            "pr",
            "edit",
            open.as_str(),
            "--title",
            title,
            "--body-file",
            &body,
        ];
        if breaking {
            args.extend(["--add-label", label]);
        } else {
            args.extend(["--remove-label", "breaking"]);
        }
        gh(&args)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod e2e;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_is_the_spec_url_then_the_page_then_the_index() {
        let p = |lines: &str| source_of(lines);
        assert_eq!(
            p("spec_url = \"https://v.example/openapi.yaml\"\nsource = \"https://v.example/p\""),
            Ok(Source::Spec("https://v.example/openapi.yaml".into()))
        );
        assert_eq!(
            p("source = \"https://v.example/p\"\ndocs_index = \"https://v.example/llms.txt\""),
            Ok(Source::Page("https://v.example/p".into()))
        );
        assert_eq!(
            p("docs_index = \"https://v.example/llms.txt\"\ntitle = \"Connect\""),
            Ok(Source::Indexed {
                index: "https://v.example/llms.txt".into(),
                title: "Connect".into()
            })
        );
        // A local file (what `vendor new` records) is nothing to fetch.
        assert!(p("source = \"lumen.yaml\"").is_err());
        assert!(
            p("docs_index = \"https://v.example/llms.txt\"")
                .unwrap_err()
                .contains("no source")
        );
    }

    #[test]
    fn a_page_is_found_in_the_index_by_its_exact_title() {
        let index = "# Docs\n\n## API\n\n- [Connect a profile](https://d.example/api/connect-profile.md): Connects.\n\
                     - [Connect](https://d.example/api/connect.md): Starts OAuth.\n";
        assert_eq!(
            find_in_index(index, "Connect").as_deref(),
            Some("https://d.example/api/connect.md")
        );
        assert_eq!(find_in_index(index, "Disconnect"), None);
    }

    #[test]
    fn bumps_and_bad_bumps() {
        assert_eq!(bumped("0.1.0", "patch").unwrap(), "0.1.1");
        assert_eq!(bumped("0.1.3", "minor").unwrap(), "0.2.0");
        assert_eq!(bumped("1.4.3", "major").unwrap(), "2.0.0");
        assert_eq!(bumped("1.4.3", "none").unwrap(), "1.4.3");
        assert!(bumped("1.4.3", "huge").unwrap_err().contains("--bump"));
    }

    fn applied(version: &str, changes: Vec<report::Change>) -> Applied {
        let report = report::report(
            "t",
            version,
            vec![report::VendorReport::new(
                "ocoya",
                true,
                changes,
                Vec::new(),
            )],
        );
        Applied {
            bump: report.bump.to_owned(),
            next: report.next.clone(),
            report,
            gate: Gate {
                report: Ok(String::new()),
                tool: Ok(String::new()),
            },
        }
    }

    fn change(class: report::Class) -> report::Change {
        report::Change {
            class,
            kind: "request-enum-value-added",
            at: "body.provider".into(),
            detail: "enum value `tiktok` added".into(),
        }
    }

    #[test]
    fn exit_codes_tell_unchanged_changed_breaking_and_failed_apart() {
        let line = |code| Line {
            vendor: "ocoya".into(),
            status: String::new(),
            code,
        };
        assert_eq!(exit_code(&[line(exit::UNCHANGED)], None), exit::UNCHANGED);
        // Additive at 1.x: a minor bump, not breaking.
        let additive = applied("1.2.3", vec![change(report::Class::NonBreaking)]);
        assert_eq!(additive.report.bump, "minor");
        assert!(!is_breaking(&additive));
        assert_eq!(
            exit_code(&[line(exit::CHANGED)], Some(&additive)),
            exit::CHANGED
        );
        // Breaking at 1.x is major; below 1.0 it is minor, and breaking both times.
        for version in ["1.2.3", "0.1.0"] {
            let breaking = applied(version, vec![change(report::Class::Breaking)]);
            assert!(is_breaking(&breaking), "{version}");
            assert_eq!(
                exit_code(&[line(exit::CHANGED)], Some(&breaking)),
                exit::BREAKING
            );
        }
        // A description-only change: nothing to bump, changed.
        let none = applied("1.2.3", Vec::new());
        assert_eq!(none.report.bump, "none");
        assert_eq!(
            exit_code(&[line(exit::CHANGED)], Some(&none)),
            exit::CHANGED
        );
        // A failure wins over everything.
        let mut failed = applied("1.2.3", vec![change(report::Class::Breaking)]);
        assert_eq!(
            exit_code(&[line(exit::FAILED)], Some(&failed)),
            exit::FAILED
        );
        failed.gate.tool = Err("too small".into());
        assert_eq!(
            exit_code(&[line(exit::CHANGED)], Some(&failed)),
            exit::FAILED
        );
    }

    #[test]
    fn the_bumps_are_ordered() {
        let order = ["none", "patch", "minor", "major"].map(rank);
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    }

    #[test]
    fn the_changelog_names_only_the_vendors_that_changed() {
        let report = report::report(
            "t",
            "0.1.0",
            vec![
                report::VendorReport::new("recoup", false, Vec::new(), Vec::new()),
                report::VendorReport::new("woopsocial", true, Vec::new(), Vec::new()),
                report::VendorReport::new(
                    "ocoya",
                    true,
                    vec![change(report::Class::NonBreaking)],
                    Vec::new(),
                ),
            ],
        );
        let entry = changelog_entry(&report, "0.1.1", "2026-12-06");
        assert!(entry.starts_with("## [0.1.1] - 2026-12-06\n"), "{entry}");
        assert!(
            entry.contains("- woopsocial: its spec changed outside the connect contract"),
            "{entry}"
        );
        assert!(
            entry.contains("### Added\n\n- ocoya: `body.provider`: enum value `tiktok` added"),
            "{entry}"
        );
        assert!(!entry.contains("recoup"), "{entry}");
    }

    #[test]
    fn an_unreleased_heading_at_the_end_of_the_file_takes_the_entry_after_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sdk")).unwrap();
        std::fs::write(dir.path().join(CHANGELOG), "# Changelog\n\n## [Unreleased]").unwrap();
        write_changelog(dir.path(), "## [0.1.1] - 2026-12-06\n").unwrap();
        let text = std::fs::read_to_string(dir.path().join(CHANGELOG)).unwrap();
        assert_eq!(
            text,
            "# Changelog\n\n## [Unreleased]\n## [0.1.1] - 2026-12-06\n"
        );
    }

    #[test]
    fn the_changelog_entry_goes_under_unreleased() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sdk")).unwrap();
        write_changelog(dir.path(), "## [0.1.1] - 2026-12-06\n\n### Added\n\n- a\n").unwrap();
        write_changelog(
            dir.path(),
            "## [0.2.0] - 2026-12-07\n\n### Removed\n\n- b\n",
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join(CHANGELOG)).unwrap();
        let unreleased = text.find("## [Unreleased]").unwrap();
        let second = text.find("## [0.2.0]").unwrap();
        let first = text.find("## [0.1.1]").unwrap();
        assert!(unreleased < second && second < first, "{text}");
        assert!(text.starts_with("# Changelog\n"));
    }
}
