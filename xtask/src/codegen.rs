//! `cargo xtask codegen [--check]`: spec → normalise → progenitor → prettyplease → file.

use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// Where a vendor's generated client lives.
pub(crate) fn output_path(root: &Path, vendor: &Vendor) -> PathBuf {
    root.join("sdk/src/generated")
        .join(format!("{}.rs", vendor.name))
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

/// Generates the client source for `vendor` from the text of its spec.
pub(crate) fn generate(vendor: &Vendor, spec_text: &str) -> Result<String, CodegenError> {
    let yaml: serde_norway::Value =
        serde_norway::from_str(spec_text).map_err(|e| CodegenError::Yaml {
            vendor: vendor.name.to_owned(),
            reason: e.to_string(),
        })?;
    // serde_json turns integer keys (an unquoted `200:` status) into strings.
    let json = serde_json::to_value(&yaml).map_err(|e| CodegenError::Yaml {
        vendor: vendor.name.to_owned(),
        reason: e.to_string(),
    })?;
    let normalized = normalize(vendor, json)?;
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

/// Generates every vendor's client from the specs under `root`.
pub(crate) fn generate_all(root: &Path) -> Result<Vec<(&'static Vendor, String)>, CodegenError> {
    VENDORS
        .iter()
        .map(|vendor| {
            let path = spec_path(root, vendor);
            let text = std::fs::read_to_string(&path).map_err(|source| CodegenError::Io {
                path: path.display().to_string(),
                source,
            })?;
            Ok((vendor, generate(vendor, &text)?))
        })
        .collect()
}

/// The drift between the generated sources and the files under `root`: a diff per stale file.
pub(crate) fn drift(root: &Path, generated: &[(&'static Vendor, String)]) -> Vec<String> {
    generated
        .iter()
        .filter_map(|(vendor, fresh)| {
            let path = output_path(root, vendor);
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            (committed != *fresh).then(|| {
                let relative = format!("sdk/src/generated/{}.rs", vendor.name);
                unified_diff(&relative, &committed, fresh)
            })
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
            "generated clients are fresh ({} vendors, checked in {:.1?})",
            generated.len(),
            started.elapsed()
        );
        return Ok(());
    }
    for (vendor, source) in &generated {
        let path = output_path(root, vendor);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(source.as_str()) {
            println!("unchanged  sdk/src/generated/{}.rs", vendor.name);
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| CodegenError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        std::fs::write(&path, source).map_err(|source| CodegenError::Io {
            path: path.display().to_string(),
            source,
        })?;
        println!("wrote      sdk/src/generated/{}.rs", vendor.name);
    }
    println!(
        "generated {} clients in {:.1?}",
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
        for ((vendor, a), (_, b)) in first.iter().zip(&second) {
            assert_eq!(a, b, "{} differs between two runs", vendor.name);
        }
    }

    #[test]
    fn generated_files_say_they_are_generated() {
        let root = project_root();
        for vendor in VENDORS {
            let text = std::fs::read_to_string(output_path(&root, vendor)).unwrap();
            assert!(
                text.starts_with("// Generated by `cargo xtask codegen`"),
                "{}",
                vendor.name
            );
            assert!(
                text.lines().next().unwrap().ends_with("do not edit."),
                "{}",
                vendor.name
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
        assert_eq!(diffs.len(), 1, "only postbreeze drifts");
        assert!(
            diffs[0].contains("+++ b/sdk/src/generated/postbreeze.rs (generated)"),
            "{}",
            diffs[0]
        );
        assert!(diffs[0].contains("+        Mastodon,"), "{}", diffs[0]);

        let (_, source) = generated
            .iter()
            .find(|(v, _)| v.name == "postbreeze")
            .unwrap();
        assert_compiles(&root, "postbreeze", source);
    }
}
