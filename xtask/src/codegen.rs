//! `cargo xtask codegen [--check]`: for each vendor, spec → normalise → progenitor →
//! prettyplease → the SDK's generated client; and spec → contract → the mock's contract module
//! and the SDK's facts (see `contract.rs`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::contract::{self, Contract, ContractError};
use crate::normalize::{NormalizeError, normalize};
use crate::util::{sha256_hex, unified_diff};
use crate::vendors::{VENDORS, Vendor};

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CodegenError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The spec is not valid YAML.
    #[error("{vendor}: specs/{vendor}/openapi.yaml does not parse as YAML: {reason}")]
    Yaml { vendor: String, reason: String },
    /// The normaliser met something it cannot convert.
    #[error(transparent)]
    Normalize(#[from] NormalizeError),
    /// The spec's contract could not be read.
    #[error(transparent)]
    Contract(#[from] ContractError),
    /// The normalised document is not an OpenAPI 3.0 document openapiv3 can read.
    #[error("{vendor}: after normalisation the spec is not a valid OpenAPI 3.0 document: {reason}")]
    OpenApi { vendor: String, reason: String },
    /// progenitor refused the document (or panicked on it).
    #[error(
        "{vendor}: progenitor could not generate a client: {reason}. Fix the spec construct it \
         names, or teach xtask/src/normalize.rs to convert it"
    )]
    Progenitor { vendor: String, reason: String },
    /// progenitor produced tokens that are not a Rust file.
    #[error("{vendor}: progenitor's output does not parse as Rust: {reason}")]
    Unparsable { vendor: String, reason: String },
    /// `--check` found generated files that differ from the specs.
    #[error(
        "{count} generated file(s) are stale: the specs changed or the generator did. \
         Run `cargo xtask codegen` and commit the result"
    )]
    Drift { count: usize },
}

/// Where a vendor's spec lives.
pub(crate) fn spec_path(root: &Path, vendor: &Vendor) -> PathBuf {
    root.join("specs").join(vendor.name).join("openapi.yaml")
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
        .with_interface(InterfaceStyle::Positional)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        .with_conversion(
            uri,
            "url::Url",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    settings
}

/// The spec's text as JSON.
pub(crate) fn parse_spec(
    vendor: &Vendor,
    spec_text: &str,
) -> Result<serde_json::Value, CodegenError> {
    let yaml: serde_norway::Value =
        serde_norway::from_str(spec_text).map_err(|e| CodegenError::Yaml {
            vendor: vendor.name.to_owned(),
            reason: e.to_string(),
        })?;
    // serde_json turns integer keys (an unquoted `200:` status) into strings.
    serde_json::to_value(&yaml).map_err(|e| CodegenError::Yaml {
        vendor: vendor.name.to_owned(),
        reason: e.to_string(),
    })
}

/// The contract `vendor`'s spec states (read from the spec as published).
pub(crate) fn contract_of(vendor: &Vendor, spec_text: &str) -> Result<Contract, CodegenError> {
    Ok(contract::extract(vendor, &parse_spec(vendor, spec_text)?)?)
}

/// Generates the client source for `vendor` from the text of its spec.
pub(crate) fn generate(vendor: &Vendor, spec_text: &str) -> Result<String, CodegenError> {
    let normalized = normalize(vendor, parse_spec(vendor, spec_text)?)?;
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(normalized).map_err(|e| CodegenError::OpenApi {
            vendor: vendor.name.to_owned(),
            reason: e.to_string(),
        })?;

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
    let tokens = match generated {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(reason)) => {
            return Err(CodegenError::Progenitor {
                vendor: vendor.name.to_owned(),
                reason,
            });
        }
        Err(panic) => {
            let reason = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "it panicked".to_owned());
            return Err(CodegenError::Progenitor {
                vendor: vendor.name.to_owned(),
                reason: format!("panicked: {reason}"),
            });
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::Unparsable {
        vendor: vendor.name.to_owned(),
        reason: e.to_string(),
    })?;
    let body = prettyplease::unparse(&file);
    Ok(format!(
        "// Generated by `cargo xtask codegen` from specs/{name}/openapi.yaml \
         (sha256 {sha}); do not edit.\n\
         // {display}'s client as progenitor generates it; the unified layer in \
         sdk/src/vendors/{name}.rs wraps it.\n\n{body}",
        name = vendor.name,
        display = vendor.display,
        sha = sha256_hex(spec_text.as_bytes()),
    ))
}

/// One generated file: where it goes (relative to the root) and what it holds.
#[derive(Debug)]
pub(crate) struct Output {
    /// Relative to the workspace root, with `/`.
    pub(crate) path: String,
    /// The file's text.
    pub(crate) source: String,
}

/// Where the mock's contract module of `vendor` lives.
pub(crate) fn mock_contract_path(vendor: &Vendor) -> String {
    format!("mock-server/src/contract/generated/{}.rs", vendor.name)
}

/// Where the SDK's facts live.
pub(crate) const SDK_FACTS_PATH: &str = "sdk/src/generated/contract.rs";

/// Reads every vendor's spec under `root`.
pub(crate) fn read_specs(root: &Path) -> Result<Vec<(&'static Vendor, String)>, CodegenError> {
    VENDORS
        .iter()
        .map(|vendor| {
            let path = spec_path(root, vendor);
            let text = std::fs::read_to_string(&path).map_err(|source| CodegenError::Io {
                path: path.display().to_string(),
                source,
            })?;
            Ok((vendor, text))
        })
        .collect()
}

/// Generates every file from the specs under `root`: each vendor's client and mock contract,
/// then the SDK's facts.
pub(crate) fn generate_all(root: &Path) -> Result<Vec<Output>, CodegenError> {
    let mut outputs = Vec::new();
    let mut contracts = Vec::new();
    for (vendor, text) in read_specs(root)? {
        outputs.push(Output {
            path: format!("sdk/src/generated/{}.rs", vendor.name),
            source: generate(vendor, &text)?,
        });
        let contract = contract_of(vendor, &text)?;
        outputs.push(Output {
            path: mock_contract_path(vendor),
            source: contract::render_mock(&contract, vendor, &sha256_hex(text.as_bytes())),
        });
        contracts.push((vendor, contract));
    }
    outputs.push(Output {
        path: SDK_FACTS_PATH.to_owned(),
        source: contract::render_sdk(&contracts),
    });
    Ok(outputs)
}

/// The drift between the generated sources and the files under `root`: a diff per stale file.
pub(crate) fn drift(root: &Path, generated: &[Output]) -> Vec<String> {
    generated
        .iter()
        .filter_map(|out| {
            let committed = std::fs::read_to_string(root.join(&out.path)).unwrap_or_default();
            (committed != out.source).then(|| unified_diff(&out.path, &committed, &out.source))
        })
        .collect()
}

/// The `codegen` task.
pub(crate) fn run(root: &Path, check: bool) -> Result<(), CodegenError> {
    let started = Instant::now();
    let generated = generate_all(root)?;
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
    for out in &generated {
        let path = root.join(&out.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(out.source.as_str()) {
            println!("unchanged  {}", out.path);
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| CodegenError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        std::fs::write(&path, &out.source).map_err(|source| CodegenError::Io {
            path: path.display().to_string(),
            source,
        })?;
        println!("wrote      {}", out.path);
    }
    println!(
        "generated {} files in {:.1?}",
        generated.len(),
        started.elapsed()
    );
    Ok(())
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
            assert!(
                text.starts_with("// Generated by `cargo xtask codegen`"),
                "{}",
                out.path
            );
            assert!(
                text.lines().next().unwrap().ends_with("do not edit."),
                "{}",
                out.path
            );
        }
    }

    #[test]
    fn a_progenitor_panic_becomes_an_error_naming_the_vendor() {
        // Two different success bodies: progenitor 0.15 asserts on this.
        let spec = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /social-accounts/connect:
    post:
      responses:
        '200': {description: a, content: {application/json: {schema: {type: string}}}}
        '201': {description: b, content: {application/json: {schema: {type: integer}}}}
"#;
        let err = generate(vendors::find("postbreeze").unwrap(), spec).unwrap_err();
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
progenitor-client = "0.15.1"
reqwest = { version = "0.13.5", default-features = false, features = ["json", "query"] }
schemars = { version = "0.8.22", features = ["uuid1", "url"] }
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

    #[test]
    fn a_changed_spec_is_drift_and_its_regeneration_compiles() {
        let root = project_root();
        let scratch = tempfile::tempdir().unwrap();
        for vendor in VENDORS {
            let dir = scratch.path().join("specs").join(vendor.name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(spec_path(&root, vendor), dir.join("openapi.yaml")).unwrap();
        }
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
            2,
            "postbreeze's client and its mock contract drift (the SDK's facts hold no enum)"
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
