//! `cargo xtask codegen [--check]`: for each vendor, spec → normalise → progenitor →
//! prettyplease → the SDK's generated client; and spec → contract → `specs/<vendor>/contract.json`
//! (which the spec crate serves to the mock) and the SDK's facts (see `contract.rs`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::contract::{self, Contract, ContractError};
use crate::fsio;
use crate::normalize::{NormalizeError, normalize};
use crate::overlay::{self, Unmatched};
mod docs;
pub(crate) mod registry;
pub(crate) mod report;

use crate::plan::{infer, templates};
use crate::util::{Output, sha256_hex, unified_diff};
use crate::vendors::{self, ManifestError, Vendor};
use report::{Format, Report, VendorReport};

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CodegenError {
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] fsio::IoError),
    /// The spec is not valid YAML (of the vendor, why).
    #[error("{0}: specs/{0}/openapi.yaml does not parse as YAML: {1}")]
    Yaml(String, String),
    /// The vendor's overlay could not be applied.
    #[error(transparent)]
    Overlay(#[from] overlay::OverlayError),
    /// The normaliser met something it cannot convert.
    #[error(transparent)]
    Normalize(#[from] NormalizeError),
    /// The spec's contract could not be read.
    #[error(transparent)]
    Contract(#[from] ContractError),
    /// A vendor manifest could not be read.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The normalised document is not an OpenAPI 3.0 document openapiv3 can read (of the
    /// vendor, why).
    #[error("{0}: after normalisation the spec is not a valid OpenAPI 3.0 document: {1}")]
    OpenApi(String, String),
    /// progenitor refused the document (or panicked on it) (of the vendor, why).
    #[error(
        "{0}: progenitor could not generate a client: {1}. Fix the spec construct it \
         names, or teach xtask/src/codegen/normalize.rs to convert it"
    )]
    Progenitor(String, String),
    /// progenitor produced tokens that are not a Rust file (of the vendor, why).
    #[error("{0}: progenitor's output does not parse as Rust: {1}")]
    Unparsable(String, String),
    /// The SDK module of a vendor without one of its own could not be written from its
    /// manifest and spec (of the vendor, why).
    #[error("{0}: its SDK module could not be generated: {1}")]
    Module(String, String),
    /// `--check` found generated files that differ from the specs.
    #[error(
        "{count} generated file(s) are stale: the specs changed or the generator did. \
         Run `cargo xtask codegen` and commit the result"
    )]
    Drift { count: usize },
}

/// Where a vendor's spec lives.
pub(crate) fn spec_path(root: &Path, vendor: &Vendor) -> PathBuf {
    root.join("specs").join(&vendor.name).join("openapi.yaml")
}

/// The settings every vendor is generated with.
fn settings() -> progenitor_impl::GenerationSettings {
    use progenitor_impl::{GenerationSettings, InterfaceStyle, TypeImpl};
    use schemars::schema::{InstanceType, SchemaObject};

    let uri = SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some("uri".to_owned()),
        ..SchemaObject::default()
    };
    let mut settings = GenerationSettings::new();
    settings
        // Builders, not positional methods: a parameter a spec adds is a new builder method,
        // so the SDK's own calls keep compiling (docs/maintaining.md).
        .with_interface(InterfaceStyle::Builder)
        // Each call's client carries a place where the SDK's `exec` hook leaves the status,
        // headers and body it read, for the error mapping (sdk/src/response.rs).
        .with_inner_type(quote::quote!(
            ::std::sync::Arc<
                ::std::sync::Mutex<::std::option::Option<::http::Response<::bytes::Bytes>>>,
            >
        ))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        .with_conversion(
            uri,
            "url::Url",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    settings
}

/// The spec's text as JSON with the vendor's overlay applied, and the overlay's actions that
/// selected nothing.
pub(crate) fn read_spec(
    vendor: &Vendor,
    spec_text: &str,
) -> Result<(serde_json::Value, Vec<Unmatched>), CodegenError> {
    let mut doc = yaml_to_json(spec_text)
        .map_err(|reason| CodegenError::Yaml(vendor.name.clone(), reason))?;
    let unmatched = match &vendor.overlay {
        Some(overlay) => overlay::apply(overlay, &mut doc)?,
        None => Vec::new(),
    };
    Ok((doc, unmatched))
}

/// A YAML (or JSON) document as JSON; serde_json turns integer keys (an unquoted `200:` status)
/// into strings.
pub(crate) fn yaml_to_json(text: &str) -> Result<serde_json::Value, String> {
    let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_value(&yaml).map_err(|e| e.to_string())
}

/// Every vendor's overlay actions that select nothing in its spec, as warnings.
pub(crate) fn overlay_warnings(root: &Path) -> Result<Vec<String>, CodegenError> {
    let mut warnings = Vec::new();
    for (vendor, text) in read_specs(root)? {
        for action in read_spec(&vendor, &text)?.1 {
            warnings.push(format!(
                "{}: specs/{}/{}: {action}; the vendor may have fixed or moved it: drop or \
                 retarget the action",
                vendor.name,
                vendor.name,
                overlay::FILE
            ));
        }
    }
    Ok(warnings)
}

/// The contract `vendor`'s spec states (read from the spec as published).
pub(crate) fn contract_of(vendor: &Vendor, spec_text: &str) -> Result<Contract, CodegenError> {
    Ok(contract::extract(vendor, &read_spec(vendor, spec_text)?.0)?)
}

/// Generates the client source for `vendor` from the text of its spec.
pub(crate) fn generate(vendor: &Vendor, spec_text: &str) -> Result<String, CodegenError> {
    let sha = sha256_hex(spec_text.as_bytes());
    client_of(vendor, read_spec(vendor, spec_text)?.0, &sha)
}

/// Generates the client source for `vendor` from its spec, read ([`read_spec`]) from the text
/// whose sha256 is `sha`.
fn client_of(vendor: &Vendor, doc: serde_json::Value, sha: &str) -> Result<String, CodegenError> {
    let normalized = normalize(vendor, doc)?;
    let spec: openapiv3::OpenAPI = serde_json::from_value(normalized)
        .map_err(|e| CodegenError::OpenApi(vendor.name.clone(), e.to_string()))?;

    // progenitor asserts rather than returning errors in a few places; a panic there must
    // become an error naming the vendor, never a crash of the task.
    // The default hook would print a backtrace before the error is reported: silence it.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let generated = std::panic::catch_unwind(|| {
        let mut generator = progenitor_impl::Generator::new(&settings());
        generator.generate_tokens(&spec).map_err(|e| e.to_string())
    });
    std::panic::set_hook(previous_hook);
    let tokens = generated
        .unwrap_or_else(|panic| {
            let reason = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "it panicked".to_owned());
            Err(format!("panicked: {reason}"))
        })
        .map_err(|reason| CodegenError::Progenitor(vendor.name.clone(), reason))?;
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| CodegenError::Unparsable(vendor.name.clone(), e.to_string()))?;
    let body = prettyplease::unparse(&file);
    Ok(format!(
        "// Generated by `cargo xtask codegen` from specs/{name}/openapi.yaml \
         (sha256 {sha}){overlay}; do not edit.\n\
         // {display}'s client as progenitor generates it; the unified layer in \
         sdk/src/vendors/{name}.rs wraps it.\n\n{body}",
        name = vendor.name,
        display = vendor.display,
        overlay = if vendor.overlay.is_some() {
            format!(" through specs/{}/{}", vendor.name, overlay::FILE)
        } else {
            String::new()
        },
    ))
}

/// Where the snapshot of the contract the last generation read lives (the change report's
/// "before").
pub(crate) fn snapshot_path(vendor: &Vendor) -> String {
    format!("specs/{}/contract.json", vendor.name)
}

/// The spec of a vendor with an overlay as the tests and Prism read it: the published spec
/// through the overlay ([`social_connect_spec::EFFECTIVE_SPEC`]).
fn effective_spec(vendor: &Vendor, mut doc: serde_json::Value) -> Output {
    if let Some(map) = doc.as_object_mut() {
        map.insert(
            "x-generated".to_owned(),
            format!(
                "by `cargo xtask codegen` from openapi.yaml through {} beside it; do not edit",
                overlay::FILE
            )
            .into(),
        );
    }
    Output::new(
        effective_path(&vendor.name),
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n",
    )
}

fn effective_path(vendor: &str) -> String {
    format!("specs/{vendor}/{}", social_connect_spec::EFFECTIVE_SPEC)
}

/// The snapshot file: the contract and the sha256 of the spec it was read from.
fn render_snapshot(contract: &Contract, sha: &str) -> String {
    let value = serde_json::json!({
        "$comment": "Generated by `cargo xtask codegen` from openapi.yaml beside it; do not edit. \
                     The contract the last generation read: the change report compares against it.",
        "spec_sha256": sha,
        "contract": contract,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The committed snapshot of `vendor` under `root`: the contract and its spec's sha256.
fn read_snapshot(root: &Path, vendor: &Vendor) -> Option<(Contract, String)> {
    let text = std::fs::read_to_string(root.join(snapshot_path(vendor))).ok()?;
    let mut value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let sha = value.get("spec_sha256")?.as_str()?.to_owned();
    let contract = serde_json::from_value(value.get_mut("contract")?.take()).ok()?;
    Some((contract, sha))
}

/// Reads every vendor's manifest and spec under `root`.
pub(crate) fn read_specs(root: &Path) -> Result<Vec<(Vendor, String)>, CodegenError> {
    vendors::load(root)?
        .into_iter()
        .map(|vendor| {
            let text = fsio::read(&spec_path(root, &vendor))?;
            Ok((vendor, text))
        })
        .collect()
}

/// Generates every file from the specs under `root`: each vendor's client and contract,
/// then the SDK's facts.
pub(crate) fn generate_all(root: &Path) -> Result<Vec<Output>, CodegenError> {
    generate_from(root, read_specs(root)?)
}

/// Every file generated from `specs` (each vendor with its spec's text), with the hand-written
/// parts and manifests under `root`: what `generate_all` writes, for specs not yet written.
pub(crate) fn generate_from(
    root: &Path,
    specs: Vec<(Vendor, String)>,
) -> Result<Vec<Output>, CodegenError> {
    let mut outputs = Vec::new();
    let mut contracts = Vec::new();
    let mut hand = Vec::new();
    for (vendor, text) in specs {
        // The spec is read through its overlay once, for everything written from it.
        let (doc, _) = read_spec(&vendor, &text)?;
        let sha = sha256_hex(text.as_bytes());
        let client = client_of(&vendor, doc.clone(), &sha)?;
        let own = registry::Hand::of(root, &vendor.name);
        // The SDK's connect of every vendor: the whole module of one without a module of its
        // own, the connect call alone for one with (its module calls it).
        let path = if own.sdk {
            registry::connect_path(&vendor.name)
        } else {
            registry::unified_path(&vendor.name)
        };
        let source = sdk_module(&vendor, &doc, &client, own.sdk)?;
        outputs.push(Output { path, source });
        hand.push(own);
        outputs.push(Output::new(
            format!("sdk/src/generated/{}.rs", vendor.name),
            client,
        ));
        if vendor.overlay.is_some() {
            outputs.push(effective_spec(&vendor, doc.clone()));
        }
        let contract = contract::extract(&vendor, &doc)?;
        outputs.push(Output::new(
            snapshot_path(&vendor),
            render_snapshot(&contract, &sha),
        ));
        contracts.push((vendor, contract));
    }
    outputs.push(Output::new(
        // The spec crate's list of the vendors' contracts.
        "specs/src/generated.rs",
        contract::render_index(contracts.iter().map(|(v, _)| v)),
    ));
    outputs.push(Output::new(
        // The SDK's facts.
        "sdk/src/generated/contract.rs",
        contract::render_sdk(&contracts),
    ));
    let sdk_manifest = fsio::read(&root.join("sdk/Cargo.toml"))?;
    outputs.extend(registry::render(&contracts, &hand, &sdk_manifest));
    outputs.extend(docs::render(root, &contracts));
    Ok(outputs)
}

/// The drift between the generated sources and the files under `root`: a diff per stale file,
/// and one per generated SDK module left behind by a vendor that now has a module of its own
/// (or no longer exists).
pub(crate) fn drift(root: &Path, generated: &[Output]) -> Vec<String> {
    let mut diffs: Vec<String> = generated
        .iter()
        .filter_map(|out| {
            let committed = std::fs::read_to_string(root.join(&out.path)).unwrap_or_default();
            (committed != out.source).then(|| unified_diff(&out.path, &committed, &out.source))
        })
        .collect();
    for path in leftovers(root, generated) {
        let committed = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        diffs.push(unified_diff(&path, &committed, ""));
    }
    diffs
}

/// The generated files under `root` that `generated` no longer holds: SDK modules, and the
/// effective spec of a vendor without an overlay.
pub(crate) fn leftovers(root: &Path, generated: &[Output]) -> Vec<String> {
    let names = |dir: &str| -> Vec<String> {
        let entries = std::fs::read_dir(root.join(dir)).into_iter().flatten();
        entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .collect()
    };
    let modules = names("sdk/src/generated")
        .into_iter()
        .filter(|n| n.ends_with("_unified.rs") || n.ends_with("_connect.rs"))
        .map(|n| format!("sdk/src/generated/{n}"));
    // The effective spec of a vendor whose overlay is gone.
    let effective = names("specs")
        .into_iter()
        .map(|vendor| effective_path(&vendor))
        .filter(|p| root.join(p).is_file());
    let mut out: Vec<String> = modules
        .chain(effective)
        .filter(|p| !generated.iter().any(|o| o.path == *p))
        .collect();
    out.sort();
    out
}

/// `social-connect`'s version, from `sdk/Cargo.toml` under `root`.
pub(crate) fn sdk_version(root: &Path) -> String {
    std::fs::read_to_string(root.join("sdk/Cargo.toml"))
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("version = \"")?
                    .strip_suffix('"')
                    .map(str::to_owned)
            })
        })
        .unwrap_or_else(|| "0.0.0".to_owned())
}

/// What changed since the last generation: each vendor's spec under `root` against the
/// committed snapshot of its contract, and its freshly generated client (in `generated`)
/// against the committed one.
pub(crate) fn change_report(root: &Path, generated: &[Output]) -> Result<Report, CodegenError> {
    let mut vendors = Vec::new();
    for (vendor, text) in read_specs(root)? {
        let new = contract_of(&vendor, &text)?;
        let sha = sha256_hex(text.as_bytes());
        let client_path = format!("sdk/src/generated/{}.rs", vendor.name);
        let old_client = std::fs::read_to_string(root.join(&client_path)).unwrap_or_default();
        let new_client = generated
            .iter()
            .find(|o| o.path == client_path)
            .map(|o| o.source.as_str())
            .unwrap_or_default();
        let (changes, spec_changed) = match read_snapshot(root, &vendor) {
            Some((old, old_sha)) => (report::compare(&old, &new), old_sha != sha),
            // No snapshot yet (the first generation): nothing to compare against.
            None => (Vec::new(), false),
        };
        vendors.push(VendorReport::new(
            &vendor.name,
            spec_changed,
            changes,
            report::api_changes(&old_client, new_client),
        ));
    }
    Ok(report::report(
        "the specs against what the last `cargo xtask codegen` read",
        &sdk_version(root),
        vendors,
    ))
}

/// The `diff` task: the change report for `old` → `new`, two versions of one vendor's spec.
pub(crate) fn diff(
    root: &Path,
    old: &Path,
    new: &Path,
    vendor: Option<&str>,
    format: Format,
) -> Result<(), String> {
    let known = vendors::load(root).map_err(|e| e.to_string())?;
    let vendor = match vendor {
        Some(name) => vendors::find(&known, name)?,
        None => {
            let guess = [old, new].iter().find_map(|p| {
                let parts: Vec<String> = p
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                parts
                    .windows(2)
                    .find(|w| w[0] == "specs")
                    .and_then(|w| vendors::find(&known, &w[1]).ok())
            });
            guess.ok_or("name the vendor with --vendor (the paths do not say it)")?
        }
    };
    let (old_text, new_text) = (fsio::read(old)?, fsio::read(new)?);
    let old_contract = contract_of(vendor, &old_text).map_err(|e| e.to_string())?;
    let new_contract = contract_of(vendor, &new_text).map_err(|e| e.to_string())?;
    let old_client = generate(vendor, &old_text).map_err(|e| e.to_string())?;
    let new_client = generate(vendor, &new_text).map_err(|e| e.to_string())?;
    let report = report::report(
        &format!("{} → {}", old.display(), new.display()),
        &sdk_version(root),
        vec![VendorReport::new(
            &vendor.name,
            old_text != new_text,
            report::compare(&old_contract, &new_contract),
            report::api_changes(&old_client, &new_client),
        )],
    );
    if report.is_empty() {
        println!("{}: no change", vendor.name);
    } else {
        print!("{}", report.render(format));
    }
    Ok(())
}

/// The `codegen` task.
pub(crate) fn run(root: &Path, check: bool, format: Format) -> Result<(), CodegenError> {
    let started = Instant::now();
    let generated = generate_all(root)?;
    for warning in overlay_warnings(root)? {
        eprintln!("warning: {warning}");
    }
    let report = change_report(root, &generated)?;
    if !report.is_empty() {
        print!("{}", report.render(format));
    }
    if check {
        let diffs = drift(root, &generated);
        if !diffs.is_empty() {
            for diff in &diffs {
                println!("{diff}");
            }
            return Err(CodegenError::Drift { count: diffs.len() });
        }
        println!(
            "generated files are fresh ({} files, checked in {:.1?})",
            generated.len(),
            started.elapsed()
        );
        return Ok(());
    }
    write_outputs(root, &generated)?;
    println!(
        "generated {} files in {:.1?}",
        generated.len(),
        started.elapsed()
    );
    Ok(())
}

/// Writes the generated files under `root` and removes the generated files no vendor makes any
/// more, saying what it did to each.
pub(crate) fn write_outputs(root: &Path, generated: &[Output]) -> Result<(), CodegenError> {
    for out in generated {
        let path = root.join(&out.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(out.source.as_str()) {
            println!("unchanged  {}", out.path);
            continue;
        }
        fsio::write_creating_dirs(&path, &out.source)?;
        println!("wrote      {}", out.path);
    }
    for path in leftovers(root, generated) {
        let full = root.join(&path);
        fsio::at(&full, std::fs::remove_file(&full))?;
        println!("removed    {path}");
    }
    Ok(())
}

/// What codegen writes of `vendor`'s SDK module: its connect call through its generated client
/// `client`, filled by the manifest's field names.
///
/// `own_module`: the vendor has a module of its own (`sdk/src/vendors/<vendor>.rs`), which calls
/// the connect call written here alone; without one, the whole module is written.
pub(crate) fn sdk_module(
    vendor: &Vendor,
    doc: &serde_json::Value,
    client: &str,
    own_module: bool,
) -> Result<String, CodegenError> {
    let module = |reason: String| CodegenError::Module(vendor.name.clone(), reason);
    let plan = infer::plan_of(vendor, doc).map_err(|e| module(e.to_string()))?;
    let (source, what) = if own_module {
        (
            templates::connect_only(&plan, vendor, client).map_err(|e| module(e.to_string()))?,
            "connect call, which its module calls",
        )
    } else {
        (
            templates::sdk(&plan, vendor, client, true).map_err(|e| module(e.to_string()))?,
            "unified connect: the vendor has no module of its own",
        )
    };
    let file = syn::parse_file(&source).map_err(|e| {
        module(format!(
            "the SDK module written from its manifest does not parse: {e}"
        ))
    })?;
    Ok(format!(
        "// Generated by `cargo xtask codegen` from specs/{name}/vendor.toml and openapi.yaml; \
         do not edit.\n// {display}'s {what}.\n\n{}",
        prettyplease::unparse(&file),
        name = vendor.name,
        display = vendor.display,
    ))
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;
    use crate::util::project_root;
    use crate::vendors;

    #[test]
    fn committed_clients_are_fresh() {
        let root = project_root();
        let generated = generate_all(&root).unwrap();
        let diffs = drift(&root, &generated);
        assert!(
            diffs.is_empty(),
            "stale generated files; run `cargo xtask codegen`:\n{}",
            diffs.join("\n")
        );
    }

    #[test]
    fn generation_is_deterministic() {
        let root = project_root();
        let first = generate_all(&root).unwrap();
        let second = generate_all(&root).unwrap();
        for (a, b) in first.iter().zip(&second) {
            assert_eq!(a.source, b.source, "{} differs between two runs", a.path);
        }
    }

    #[test]
    fn generated_files_say_they_are_generated() {
        let root = project_root();
        for out in generate_all(&root).unwrap() {
            let text = std::fs::read_to_string(root.join(&out.path)).unwrap();
            // JSON has no comments: its first key says it. A manifest holds a generated block,
            // whose first line says it.
            let first = if out.path.ends_with(".json") {
                text.lines().nth(1).unwrap_or_default().trim()
            } else if out.path.ends_with(".md") {
                text.lines()
                    .find(|l| l.starts_with("<!-- Generated by"))
                    .unwrap_or_default()
            } else if out.path.ends_with("Cargo.toml") {
                text.lines()
                    .find(|l| l.starts_with("# Generated by"))
                    .unwrap_or_default()
            } else {
                text.lines().next().unwrap_or_default()
            };
            assert!(
                first.starts_with("// Generated by `cargo xtask codegen`")
                    || first.starts_with("# Generated by `cargo xtask codegen`")
                    || first.starts_with("\"$comment\": \"Generated by `cargo xtask codegen`")
                    || first.starts_with("<!-- Generated by `cargo xtask codegen`"),
                "{}: {first}",
                out.path
            );
            assert!(first.contains("do not edit."), "{}: {first}", out.path);
        }
    }

    #[test]
    fn a_progenitor_panic_becomes_an_error_naming_the_vendor() {
        // A JSON answer with an `encoding`: progenitor 0.15 asserts there is none.
        let spec = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /social-accounts/connect:
    post:
      responses:
        '200':
          description: a
          content:
            application/json:
              schema: {type: object, properties: {a: {type: string}}}
              encoding: {a: {contentType: text/plain}}
"#;
        let err = generate(&vendors::compiled("postbreeze"), spec).unwrap_err();
        assert!(matches!(err, CodegenError::Progenitor { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("postbreeze: progenitor could not generate"),
            "{err}"
        );
    }

    /// Compiles `source` as the generated module of a throwaway crate with the SDK's
    /// dependencies, pinned by the workspace's lock file.
    fn assert_compiles(root: &Path, name: &str, source: &str) {
        let dir = root.join("target/xtask-drift-check");
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            r#"[package]
name = "drift-check"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
bytes = "1.11"
chrono = { version = "0.4.42", default-features = false, features = ["serde", "std"] }
http = "1.4"
progenitor-client = "0.15.1"
reqwest = { version = "0.13.5", default-features = false, features = ["json", "query"] }
schemars = { version = "0.8.22", features = ["uuid1", "url", "chrono"] }
serde = { version = "1.0.226", features = ["derive"] }
serde_json = "1.0.150"
url = { version = "2.5.8", features = ["serde"] }
uuid = { version = "1.23", features = ["serde"] }
"#,
        )
        .unwrap();
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        std::fs::write(
            dir.join("src/lib.rs"),
            format!("#[allow(clippy::all)]\n#[path = \"{name}.rs\"]\npub mod generated;\n"),
        )
        .unwrap();
        std::fs::write(dir.join(format!("src/{name}.rs")), source).unwrap();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args(["check", "--offline", "--quiet", "--message-format=short"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "regenerated client does not compile:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// A temporary copy of what the report reads: the specs with their snapshots, the
    /// committed clients and the SDK's manifest.
    fn copy_for_report(root: &Path) -> tempfile::TempDir {
        let scratch = tempfile::tempdir().unwrap();
        for vendor in vendors::load(root).unwrap() {
            let dir = scratch.path().join("specs").join(&vendor.name);
            std::fs::create_dir_all(&dir).unwrap();
            for file in ["openapi.yaml", "contract.json", "vendor.toml"] {
                std::fs::copy(
                    root.join("specs").join(&vendor.name).join(file),
                    dir.join(file),
                )
                .unwrap();
            }
        }
        let generated = scratch.path().join("sdk/src/generated");
        std::fs::create_dir_all(&generated).unwrap();
        for vendor in vendors::load(root).unwrap() {
            let name = format!("{}.rs", vendor.name);
            std::fs::copy(
                root.join("sdk/src/generated").join(&name),
                generated.join(&name),
            )
            .unwrap();
        }
        std::fs::copy(
            root.join("sdk/Cargo.toml"),
            scratch.path().join("sdk/Cargo.toml"),
        )
        .unwrap();
        scratch
    }

    fn edit(dir: &Path, vendor: &str, from: &str, to: &str) {
        let path = dir.join("specs").join(vendor).join("openapi.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let changed = text.replacen(from, to, 1);
        assert_ne!(text, changed, "{vendor}: the test's edit must apply");
        std::fs::write(&path, changed).unwrap();
    }

    #[test]
    fn the_report_names_and_classifies_each_kind_of_spec_edit() {
        use report::Class::*;
        let root = project_root();
        let scratch = copy_for_report(&root);
        let dir = scratch.path();
        // The edits vendors make: a value added, a value removed, a required field added, a
        // response property retyped, a status removed.
        edit(
            dir,
            "ocoya",
            "                    - pinterest\n",
            "                    - pinterest\n                    - mastodon\n",
        );
        edit(dir, "postbreeze", "            - THREADS\n", "");
        edit(
            dir,
            "woopsocial",
            "      required:\n        - projectId\n        - platform\n      properties:\n",
            "      required:\n        - projectId\n        - platform\n        - clientName\n      properties:\n        clientName:\n          type: string\n",
        );
        edit(
            dir,
            "aitronos",
            "        state:\n          type: string\n          description: OAuth state token",
            "        state:\n          type: integer\n          description: OAuth state token",
        );
        edit(
            dir,
            "recoup",
            "        '403':\n          description: Forbidden - no access to the specified account\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Error'\n",
            "",
        );

        let generated = generate_all(dir).unwrap();
        let report = change_report(dir, &generated).unwrap();
        let of = |vendor: &str| {
            report
                .vendors
                .iter()
                .find(|v| v.vendor == vendor)
                .unwrap()
                .clone()
        };
        let has = |vendor: &str, class, kind: &str, at: &str| {
            let v = of(vendor);
            assert!(
                v.changes
                    .iter()
                    .any(|c| c.class == class && c.kind == kind && c.at == at),
                "{vendor}: expected {class:?} {kind} at {at}, got {:#?}",
                v.changes
            );
            assert!(v.spec_changed, "{vendor}");
        };
        has(
            "ocoya",
            NonBreaking,
            "request-enum-value-added",
            "body.provider",
        );
        has(
            "postbreeze",
            Breaking,
            "request-enum-value-removed",
            "body.platform",
        );
        has(
            "woopsocial",
            Breaking,
            "request-required-field-added",
            "body.clientName",
        );
        has(
            "aitronos",
            Breaking,
            "response-type-changed",
            "response 200 body.state",
        );
        has("recoup", Unclear, "response-status-removed", "response 403");
        let edited = ["ocoya", "postbreeze", "woopsocial", "aitronos", "recoup"];
        for v in report
            .vendors
            .iter()
            .filter(|v| edited.contains(&v.vendor.as_str()))
        {
            assert_eq!(
                v.changes.len(),
                1,
                "{}: exactly the one edit: {:#?}",
                v.vendor,
                v.changes
            );
        }

        // The effect on the generated Rust API.
        let api = |vendor: &str, change: &str, item: &str| {
            let v = of(vendor);
            assert!(
                v.api
                    .iter()
                    .any(|a| a.change == change && a.item == item && a.breaking),
                "{vendor}: expected {change} {item}, got {:#?}",
                v.api
            );
        };
        api(
            "ocoya",
            "added",
            "enum types::CreateConnectionUrlRequestProvider variant Mastodon",
        );
        api(
            "postbreeze",
            "removed",
            "enum types::ConnectChannelDtoPlatform variant Threads",
        );
        api(
            "woopsocial",
            "added",
            "struct types::CreateOAuthAuthorizationRequest field client_name",
        );
        api(
            "aitronos",
            "changed",
            "struct types::InitiateOauthResponse field state",
        );

        // Breaking below 1.0: the minor number.
        assert_eq!((report.bump, report.next.as_str()), ("minor", "0.2.0"));
        let text = report.render(Format::Text);
        assert!(text.contains("breaking      body.platform"), "{text}");
        assert!(
            text.contains("semver: minor bump for social-connect (0.1.0 → 0.2.0)"),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(&report.render(Format::Json)).unwrap();
        assert_eq!(json["next"], "0.2.0");
        assert!(
            report
                .render(Format::Markdown)
                .contains("| breaking | `body.platform` |")
        );
    }

    #[test]
    fn a_path_parameters_enum_is_compared_like_any_other() {
        let spec = |values: &str| {
            format!(
                r#"
openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
  /connect/{{network}}:
    post:
      parameters:
        - {{in: path, name: network, required: true, schema: {{type: string, enum: [{values}]}}}}
      responses:
        '200': {{description: ok}}
"#
            )
        };
        let vendor = vendors::compiled("ocoya");
        let old = contract_of(&vendor, &spec("a, b")).unwrap();
        let new = contract_of(&vendor, &spec("a, c")).unwrap();
        assert_eq!(new.path_params.len(), 1);
        assert!(new.path_params[0].required);
        let changes = report::compare(&old, &new);
        let text = format!("{changes:?}");
        assert!(text.contains("path.network"), "{text}");
        assert!(text.contains("request-enum-value-removed"), "{text}");
        assert!(text.contains("request-enum-value-added"), "{text}");
    }

    #[test]
    fn an_unchanged_workspace_reports_nothing() {
        let root = project_root();
        let report = change_report(&root, &generate_all(&root).unwrap()).unwrap();
        assert!(report.is_empty(), "{}", report.render(Format::Text));
        assert_eq!(report.bump, "none");
    }

    #[test]
    fn a_vendor_with_an_overlay_gets_its_effective_spec_and_loses_it_with_the_overlay() {
        let root = project_root();
        let scratch = copy_for_report(&root);
        let dir = scratch.path();
        let overlay = "overlay: 1.0.0\ninfo: { title: t, version: 1.0.0 }\nactions:\n  \
                       - target: $.info\n    update: { description: corrected here }\n";
        std::fs::write(dir.join("specs/woopsocial").join(overlay::FILE), overlay).unwrap();
        let generated = generate_all(dir).unwrap();
        let effective: Vec<_> = generated
            .iter()
            .filter(|o| o.path.ends_with(social_connect_spec::EFFECTIVE_SPEC))
            .collect();
        assert_eq!(
            effective.len(),
            1,
            "only the vendor with an overlay has one"
        );
        assert_eq!(effective[0].path, "specs/woopsocial/openapi.effective.json");
        let doc: serde_json::Value = serde_json::from_str(&effective[0].source).unwrap();
        assert_eq!(
            doc["info"]["description"], "corrected here",
            "the overlay is applied"
        );
        assert!(doc["x-generated"].as_str().unwrap().contains("do not edit"));
        let published = yaml_to_json(
            &std::fs::read_to_string(dir.join("specs/woopsocial/openapi.yaml")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            doc["paths"], published["paths"],
            "the rest is the published spec"
        );

        // Written, it is fresh; once the overlay is gone, it is a leftover to remove.
        write_outputs(dir, &generated).unwrap();
        assert_eq!(leftovers(dir, &generated), Vec::<String>::new());
        std::fs::remove_file(dir.join("specs/woopsocial").join(overlay::FILE)).unwrap();
        let without = generate_all(dir).unwrap();
        assert_eq!(
            leftovers(dir, &without),
            ["specs/woopsocial/openapi.effective.json"]
        );
    }

    #[test]
    fn a_changed_spec_is_drift_and_its_regeneration_compiles() {
        let root = project_root();
        let scratch = tempfile::tempdir().unwrap();
        for vendor in vendors::load(&root).unwrap() {
            let dir = scratch.path().join("specs").join(&vendor.name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(spec_path(&root, &vendor), dir.join("openapi.yaml")).unwrap();
            std::fs::copy(
                vendors::manifest_path(&root.join("specs").join(&vendor.name)),
                vendors::manifest_path(&dir),
            )
            .unwrap();
            // The vendor's own modules, where it has them (codegen writes the rest).
            for module in [
                format!("sdk/src/vendors/{}.rs", vendor.name),
                format!("mock-server/src/vendors/{}.rs", vendor.name),
                format!("mock-server/tests/it/vendors/{}.rs", vendor.name),
                format!("tests/tests/contract/vendors/{}.rs", vendor.name),
            ] {
                if root.join(&module).is_file() {
                    let to = scratch.path().join(&module);
                    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                    std::fs::write(to, "").unwrap();
                }
            }
        }
        std::fs::create_dir_all(scratch.path().join("sdk")).unwrap();
        std::fs::copy(
            root.join("sdk/Cargo.toml"),
            scratch.path().join("sdk/Cargo.toml"),
        )
        .unwrap();
        // A vendor adds a platform.
        let spec = scratch.path().join("specs/postbreeze/openapi.yaml");
        let text = std::fs::read_to_string(&spec).unwrap();
        let changed = text.replacen(
            "            - BLUESKY\n",
            "            - BLUESKY\n            - MASTODON\n",
            1,
        );
        assert_ne!(text, changed, "the test's edit must apply");
        std::fs::write(&spec, changed).unwrap();

        let generated = generate_all(scratch.path()).unwrap();
        let diffs = drift(&root, &generated);
        assert_eq!(
            diffs.len(),
            3,
            "postbreeze's client, its contract (the mock's too) and the table of vendors the \
             mock's docs include drift (the SDK's facts hold no enum)"
        );
        assert!(
            diffs[0].contains("+++ b/sdk/src/generated/postbreeze.rs (generated)"),
            "{}",
            diffs[0]
        );
        assert!(diffs[0].contains("+        Mastodon,"), "{}", diffs[0]);

        let out = generated
            .iter()
            .find(|o| o.path == "sdk/src/generated/postbreeze.rs")
            .unwrap();
        assert_compiles(&root, "postbreeze", &out.source);
    }
}
