//! `cargo xtask import <vendor> <page>`: take the OpenAPI document out of a vendor's docs page.
//!
//! The docs pages wrap the document in a fenced code block (four backticks and `yaml` on the
//! pages seen so far), sometimes with prose around it. The block's text is kept byte for byte:
//! `specs/<vendor>/openapi.yaml` is what the vendor published, and the normalisation that
//! progenitor needs happens in memory at codegen time.

use std::fmt;
use std::path::Path;

use crate::util::sha256_hex;
use crate::vendors::{self, Vendor};

/// Why a page could not be imported.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportError {
    /// The page has no fenced block holding an OpenAPI document.
    #[error(
        "{page}: no OpenAPI block found (looked for a fenced ```yaml/```json block whose top \
         level has an `openapi` key); is this the vendor's API reference page?"
    )]
    NoBlock { page: String },
    /// A block looks like the OpenAPI document but is not valid YAML/JSON.
    #[error("{page}: the OpenAPI block starting on line {line} does not parse: {reason}")]
    Unparsable {
        page: String,
        line: usize,
        reason: String,
    },
    /// A block parses but is no OpenAPI 3.x document.
    #[error("{page}: the block on line {line} is not an OpenAPI 3 document: {reason}")]
    NotOpenApi {
        page: String,
        line: usize,
        reason: String,
    },
    /// The reference page of an authored spec changed since the spec was written.
    #[error(
        "{vendor}: publishes no OpenAPI document, and its reference page changed since \
         specs/{vendor}/openapi.yaml was written from it (sha256 {recorded} -> {now}). Review \
         the page, update the spec by hand, then set `reference_sha256` in \
         specs/{vendor}/provenance.toml to {now}"
    )]
    ReferenceChanged {
        vendor: String,
        recorded: String,
        now: String,
    },
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] crate::fsio::IoError),
    /// Anything else, said plainly.
    #[error("{0}")]
    Other(String),
}

/// A fenced block found in a page.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Block<'a> {
    /// The text between the fence lines, byte for byte.
    pub(crate) text: &'a str,
    /// The info string after the language (e.g. `/openapi.yaml post /social-profiles/...`).
    pub(crate) info: &'a str,
    /// 1-based line of the opening fence.
    pub(crate) line: usize,
}

/// Every fenced code block of `page` whose language is yaml, yml or json.
fn data_blocks(page: &str) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    // (fence char, fence length, info, line, content start)
    let mut open: Option<(char, usize, &str, usize, usize)> = None;
    let mut offset = 0;
    for (index, line) in page.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        if indent > 3 {
            continue;
        }
        let trimmed = &body[indent..];
        let Some(fence_char) = trimmed.chars().next().filter(|c| *c == '`' || *c == '~') else {
            continue;
        };
        let fence_len = trimmed.len() - trimmed.trim_start_matches(fence_char).len();
        if fence_len < 3 {
            continue;
        }
        let rest = trimmed[fence_len..].trim();
        match open {
            None => open = Some((fence_char, fence_len, rest, index + 1, offset)),
            Some((c, len, info, line_no, content_start))
                if c == fence_char && fence_len >= len && rest.is_empty() =>
            {
                let mut words = info.splitn(2, char::is_whitespace);
                let lang = words.next().unwrap_or_default().to_ascii_lowercase();
                if matches!(lang.as_str(), "yaml" | "yml" | "json") {
                    blocks.push(Block {
                        text: &page[content_start..start],
                        info: words.next().unwrap_or_default().trim(),
                        line: line_no,
                    });
                }
                open = None;
            }
            Some(_) => {}
        }
    }
    blocks
}

/// The page's OpenAPI block: the first yaml/json block whose top level has an `openapi` key.
pub(crate) fn extract_openapi_block<'a>(
    page_name: &str,
    page: &'a str,
) -> Result<Block<'a>, ImportError> {
    for block in data_blocks(page) {
        let looks_like_openapi = block
            .text
            .lines()
            .any(|l| l.starts_with("openapi:") || l.trim_start().starts_with("\"openapi\""));
        let parsed: serde_norway::Value = match serde_norway::from_str(block.text) {
            Ok(value) => value,
            Err(err) if looks_like_openapi => {
                return Err(ImportError::Unparsable {
                    page: page_name.to_owned(),
                    line: block.line,
                    reason: err.to_string(),
                });
            }
            Err(_) => continue,
        };
        let Some(version) = parsed.get("openapi") else {
            continue;
        };
        match version.as_str() {
            Some(v) if v.starts_with("3.") => return Ok(block),
            _ => {
                return Err(ImportError::NotOpenApi {
                    page: page_name.to_owned(),
                    line: block.line,
                    reason: format!("`openapi` is {version:?}, expected a 3.x version string"),
                });
            }
        }
    }
    Err(ImportError::NoBlock {
        page: page_name.to_owned(),
    })
}

/// The documentation index address a page names, if any ("Fetch the complete documentation
/// index at: URL").
fn docs_index(page: &str) -> Option<&str> {
    let (_, rest) = page.split_once("documentation index at: ")?;
    let url = rest.split_whitespace().next()?;
    url.starts_with("https://").then_some(url)
}

/// One provenance file: `key = "value"` lines, a TOML subset any TOML reader accepts.
#[derive(Debug, Default)]
pub(crate) struct Provenance {
    entries: Vec<(&'static str, String)>,
}

impl Provenance {
    fn push(&mut self, key: &'static str, value: impl Into<String>) {
        self.entries.push((key, value.into()));
    }

    /// Reads the value of `key` from a provenance file's text.
    pub(crate) fn read(text: &str, key: &str) -> Option<String> {
        text.lines().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            if k.trim() != key {
                return None;
            }
            serde_json::from_str::<String>(v.trim()).ok()
        })
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "# Where openapi.yaml beside this file came from; written by `cargo xtask import`."
        )?;
        for (key, value) in &self.entries {
            // A JSON string literal is a valid TOML basic string.
            let quoted = serde_json::to_string(value).map_err(|_| fmt::Error)?;
            writeln!(f, "{key} = {quoted}")?;
        }
        Ok(())
    }
}

/// What an import wrote, for the message printed after it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Imported {
    /// The document was written (or rewritten).
    Written { sha256: String, changed: bool },
    /// The vendor's spec is authored by hand and its reference page is unchanged.
    ReferenceUnchanged,
}

/// What an import writes for a vendor: its spec and its provenance file.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The OpenAPI document, byte for byte as published.
    pub(crate) spec: String,
    /// The provenance file's text.
    pub(crate) provenance: String,
    /// The document's sha256.
    pub(crate) sha256: String,
}

/// The page's title: its first `# ` heading.
fn page_title(page: &str) -> Option<&str> {
    page.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// What importing `page` (named `page_name`) for `vendor` would write, without writing it;
/// `None` for a vendor whose spec is authored and whose reference page is unchanged.
/// `recorded` is the vendor's provenance file as it stands, if any.
pub(crate) fn prepare(
    vendor: &Vendor,
    page_name: &str,
    page: &str,
    source: Option<&str>,
    date: &str,
    recorded: Option<&str>,
) -> Result<Option<Prepared>, ImportError> {
    let block = match extract_openapi_block(page_name, page) {
        Ok(block) => block,
        Err(ImportError::NoBlock { .. }) if vendor.authored => {
            let recorded = recorded
                .and_then(|text| Provenance::read(text, "reference_sha256"))
                .unwrap_or_default();
            let now = sha256_hex(page.as_bytes());
            return if recorded == now {
                Ok(None)
            } else {
                Err(ImportError::ReferenceChanged {
                    vendor: vendor.name.to_owned(),
                    recorded,
                    now,
                })
            };
        }
        Err(err) => return Err(err),
    };
    let sha256 = sha256_hex(block.text.as_bytes());
    let mut provenance = Provenance::default();
    provenance.push("vendor", vendor.name.clone());
    provenance.push("document", "openapi.yaml");
    provenance.push("page", page_name);
    if let Some(source) = source {
        provenance.push("source", source);
    }
    // Where `update` finds the page: what the page says, else what was recorded (a page that
    // drops its index line, or the title it is listed under, must stay findable).
    let kept = |key| recorded.and_then(|text| Provenance::read(text, key));
    if let Some(index) = docs_index(page)
        .map(str::to_owned)
        .or_else(|| kept("docs_index"))
    {
        provenance.push("docs_index", index);
    }
    if let Some(title) = kept("title").or_else(|| page_title(page).map(str::to_owned)) {
        provenance.push("title", title);
    }
    if !block.info.is_empty() {
        provenance.push("openapi_ref", block.info);
    }
    provenance.push("taken", date);
    provenance.push("sha256", sha256.clone());
    Ok(Some(Prepared {
        spec: block.text.to_owned(),
        provenance: provenance.to_string(),
        sha256,
    }))
}

/// What importing an OpenAPI document a vendor serves at `url` would write.
pub(crate) fn prepare_document(
    vendor: &Vendor,
    url: &str,
    text: &str,
    date: &str,
) -> Result<Prepared, ImportError> {
    let name = url.rsplit('/').next().unwrap_or(url);
    let fenced = format!(
        "```yaml\n{text}{}```\n",
        if text.ends_with('\n') { "" } else { "\n" }
    );
    match extract_openapi_block(name, &fenced) {
        Ok(_) => {}
        Err(ImportError::NoBlock { page }) => {
            return Err(ImportError::NotOpenApi {
                page,
                line: 1,
                reason: "it has no `openapi` key".to_owned(),
            });
        }
        Err(err) => return Err(err),
    }
    let sha256 = sha256_hex(text.as_bytes());
    let mut provenance = Provenance::default();
    provenance.push("vendor", vendor.name.clone());
    provenance.push("document", "openapi.yaml");
    provenance.push("spec_url", url);
    provenance.push("taken", date);
    provenance.push("sha256", sha256.clone());
    Ok(Prepared {
        spec: text.to_owned(),
        provenance: provenance.to_string(),
        sha256,
    })
}

/// Imports `page` (named `page_name`) for `vendor` into `specs_dir/<vendor>/`.
pub(crate) fn import_page(
    specs_dir: &Path,
    vendor: &Vendor,
    page_name: &str,
    page: &str,
    source: Option<&str>,
    date: &str,
) -> Result<Imported, ImportError> {
    let dir = specs_dir.join(&vendor.name);
    let spec_path = dir.join("openapi.yaml");
    let provenance_path = dir.join("provenance.toml");
    let recorded = std::fs::read_to_string(&provenance_path).ok();
    if vendor.authored && recorded.is_none() {
        crate::fsio::read(&provenance_path)?;
    }
    let Some(prepared) = prepare(vendor, page_name, page, source, date, recorded.as_deref())?
    else {
        return Ok(Imported::ReferenceUnchanged);
    };
    let previous = std::fs::read(&spec_path).ok();
    crate::fsio::write_creating_dirs(&spec_path, &prepared.spec)?;
    crate::fsio::write(&provenance_path, &prepared.provenance)?;
    Ok(Imported::Written {
        changed: previous.as_deref() != Some(prepared.spec.as_bytes()),
        sha256: prepared.sha256,
    })
}

/// The `import` task.
pub(crate) fn run(
    root: &Path,
    vendor: &str,
    page_path: &Path,
    source: Option<&str>,
    date: Option<&str>,
) -> Result<(), ImportError> {
    let known = vendors::load(root).map_err(|e| ImportError::Other(e.to_string()))?;
    let vendor = vendors::find(&known, vendor).map_err(ImportError::Other)?;
    let page = crate::fsio::read(page_path)?;
    let page_name = page_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| page_path.display().to_string());
    let date = crate::util::date_or_today(date).map_err(ImportError::Other)?;
    match import_page(
        &root.join("specs"),
        vendor,
        &page_name,
        &page,
        source,
        &date,
    )? {
        Imported::Written { sha256, changed } => {
            let what = if changed { "updated" } else { "unchanged" };
            println!(
                "specs/{}/openapi.yaml {what} (sha256 {sha256}); run `cargo xtask codegen` next",
                vendor.name
            );
            if changed {
                // What the new spec changes, against what the last generation read.
                let report = crate::codegen::generate_all(root)
                    .and_then(|g| crate::codegen::change_report(root, &g))
                    .map_err(|e| ImportError::Other(e.to_string()))?;
                if !report.is_empty() {
                    print!("{}", report.render(crate::codegen::report::Format::Text));
                }
            }
        }
        Imported::ReferenceUnchanged => println!(
            "{}: publishes no OpenAPI document; its reference page is unchanged, so \
             specs/{}/openapi.yaml (authored from it) stands",
            vendor.display, vendor.name
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "openapi: 3.1.0\ninfo:\n  title: T\n  version: 1.0.0\npaths: {}\n\n";

    fn page(doc: &str) -> String {
        format!(
            "> ## Documentation Index\n> Fetch the complete documentation index at: \
             https://docs.example.com/llms.txt\n\n# Title\n\n```json\n{{\"a\": 1}}\n```\n\n\
             ## OpenAPI\n\n````yaml /openapi.yaml post /x\n{doc}````"
        )
    }

    #[test]
    fn extracts_the_block_byte_for_byte() {
        let page = page(DOC);
        let block = extract_openapi_block("p.md", &page).unwrap();
        assert_eq!(block.text, DOC);
        assert_eq!(block.info, "/openapi.yaml post /x");
        assert_eq!(block.line, 12);
    }

    #[test]
    fn a_page_without_a_block_is_a_clear_error() {
        let err = extract_openapi_block(
            "p.md",
            "# Title\n\nJust prose, ```json {\"a\":1}``` inline.",
        )
        .unwrap_err();
        assert!(matches!(err, ImportError::NoBlock { .. }), "{err}");
        assert!(err.to_string().contains("no OpenAPI block"));
    }

    #[test]
    fn a_broken_block_is_reported_with_its_line() {
        let err =
            extract_openapi_block("p.md", &page("openapi: 3.1.0\ninfo: [unclosed\n")).unwrap_err();
        assert!(
            matches!(err, ImportError::Unparsable { line: 12, .. }),
            "{err}"
        );
    }

    #[test]
    fn a_swagger_2_block_is_refused() {
        let err = extract_openapi_block("p.md", &page("openapi: 2.0\ninfo: {}\n")).unwrap_err();
        assert!(matches!(err, ImportError::NotOpenApi { .. }), "{err}");
    }

    #[test]
    fn import_writes_spec_and_provenance() {
        let dir = tempfile::tempdir().unwrap();
        let vendor = vendors::compiled("ocoya");
        let got = import_page(dir.path(), &vendor, "p.md", &page(DOC), None, "2026-01-02").unwrap();
        assert!(matches!(got, Imported::Written { changed: true, .. }));
        let spec = std::fs::read_to_string(dir.path().join("ocoya/openapi.yaml")).unwrap();
        assert_eq!(spec, DOC);
        let prov = std::fs::read_to_string(dir.path().join("ocoya/provenance.toml")).unwrap();
        assert_eq!(
            Provenance::read(&prov, "sha256").unwrap(),
            sha256_hex(DOC.as_bytes())
        );
        assert_eq!(Provenance::read(&prov, "taken").unwrap(), "2026-01-02");
        assert_eq!(
            Provenance::read(&prov, "docs_index").unwrap(),
            "https://docs.example.com/llms.txt"
        );
    }
}

#[cfg(test)]
mod specs_tests {
    //! The committed `specs/` against their provenance, and `import` reproducing them.
    use super::*;
    use crate::util::project_root;

    #[test]
    fn every_spec_matches_its_provenance_sha256() {
        let root = project_root();
        for vendor in crate::vendors::of_compiled_workspace().unwrap() {
            let dir = root.join("specs").join(&vendor.name);
            let spec = std::fs::read(dir.join("openapi.yaml")).unwrap();
            let provenance = std::fs::read_to_string(dir.join("provenance.toml")).unwrap();
            assert_eq!(
                Provenance::read(&provenance, "sha256").unwrap(),
                sha256_hex(&spec),
                "{}",
                vendor.name
            );
            assert!(
                Provenance::read(&provenance, "taken").is_some(),
                "{}",
                vendor.name
            );
        }
    }

    #[test]
    fn the_authored_spec_says_so_at_its_top() {
        let root = project_root();
        for vendor in crate::vendors::of_compiled_workspace()
            .unwrap()
            .into_iter()
            .filter(|v| v.authored)
        {
            let spec =
                std::fs::read_to_string(root.join("specs").join(&vendor.name).join("openapi.yaml"))
                    .unwrap();
            assert!(
                spec.starts_with("# AUTHORED, NOT PUBLISHED"),
                "{}",
                vendor.name
            );
        }
    }

    /// A docs page in the shape the vendors publish, wrapped around a committed spec: importing it
    /// must give back the committed spec byte for byte.
    #[test]
    fn import_reproduces_every_published_spec() {
        let root = project_root();
        let scratch = tempfile::tempdir().unwrap();
        for vendor in crate::vendors::of_compiled_workspace()
            .unwrap()
            .into_iter()
            .filter(|v| !v.authored)
        {
            let dir = root.join("specs").join(&vendor.name);
            let spec = std::fs::read_to_string(dir.join("openapi.yaml")).unwrap();
            let provenance = std::fs::read_to_string(dir.join("provenance.toml")).unwrap();
            let reference = Provenance::read(&provenance, "openapi_ref").unwrap_or_default();
            let page = format!(
                "> ## Documentation Index\n> Fetch the complete documentation index at: \
                 https://docs.example.com/llms.txt\n> Use this file to discover all available pages.\n\n\
                 # A page\n\n> Summary.\n\nSome prose, with `code` and a list:\n1. one\n2. two\n\n\
                 ## OpenAPI\n\n````yaml {reference}\n{spec}````"
            );
            let got = import_page(
                scratch.path(),
                &vendor,
                "page.md",
                &page,
                None,
                "2026-11-22",
            )
            .unwrap();
            assert!(matches!(got, Imported::Written { .. }));
            let imported =
                std::fs::read(scratch.path().join(&vendor.name).join("openapi.yaml")).unwrap();
            assert_eq!(
                imported,
                spec.as_bytes(),
                "{} differs after import",
                vendor.name
            );
            let new_provenance =
                std::fs::read_to_string(scratch.path().join(&vendor.name).join("provenance.toml"))
                    .unwrap();
            assert_eq!(
                Provenance::read(&new_provenance, "sha256"),
                Provenance::read(&provenance, "sha256")
            );
        }
    }

    #[test]
    fn an_authored_vendor_checks_its_reference_page() {
        let scratch = tempfile::tempdir().unwrap();
        let vendor = crate::vendors::of_compiled_workspace()
            .unwrap()
            .into_iter()
            .find(|v| v.authored)
            .unwrap();
        let page = "title: Initiate Oauth # Initiate Oauth ... prose only";
        let dir = scratch.path().join(&vendor.name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("provenance.toml"),
            format!("reference_sha256 = \"{}\"\n", sha256_hex(page.as_bytes())),
        )
        .unwrap();
        let got = import_page(scratch.path(), &vendor, "p.md", page, None, "2026-11-22").unwrap();
        assert_eq!(got, Imported::ReferenceUnchanged);
        let err = import_page(
            scratch.path(),
            &vendor,
            "p.md",
            "changed prose",
            None,
            "2026-11-22",
        )
        .unwrap_err();
        assert!(matches!(err, ImportError::ReferenceChanged { .. }), "{err}");
    }
}
