//! `cargo xtask vendor new NAME --spec FILE [--owner FIELD] [--provider FIELD] [--redirect
//! FIELD] [--link POINTER] [--modules]`: a new vendor from its spec, in one command.
//!
//! It reads the spec's connect operation, infers what is not given (and stops, naming the flag,
//! where it cannot), then writes `specs/NAME/` only (the spec as given, its provenance, its
//! manifest): a vendor is its spec and its manifest. `cargo xtask codegen` then generates every
//! list of vendors and the vendor's SDK module ([`codegen::sdk_module`]), and the mock serves it on the
//! engine's default rules, so no existing hand-written file changes. `--modules` also writes
//! modules of its own (SDK, mock, tests), for rules its docs state beyond its spec.

use std::path::{Path, PathBuf};

use crate::codegen::{self, CodegenError};
use crate::fsio;
use crate::plan::{PlanError, infer, templates};
use crate::util::sha256_hex;
use crate::vendors::{self, Vendor};

pub(crate) use infer::Choices;

/// Why a vendor could not be scaffolded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ScaffoldError {
    /// The name is not one a vendor can have, or is taken.
    #[error("{0}")]
    Name(String),
    /// The spec could not be read or holds no usable connect operation.
    #[error("{0}")]
    Spec(String),
    /// The plan could not be made (something the spec does not say, naming the flag that says
    /// it) or written.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] fsio::IoError),
    /// Generation after the scaffold failed.
    #[error(transparent)]
    Codegen(#[from] CodegenError),
}

/// The files of a new vendor, relative to the workspace root, and their text.
pub(crate) fn files(
    root: &Path,
    name: &str,
    spec_file: &Path,
    choices: &Choices,
) -> Result<Vec<(PathBuf, String)>, ScaffoldError> {
    let known = check_name(root, name)?;
    let (text, doc) = read_spec(spec_file)?;
    let order = known.iter().map(|v| v.order).max().unwrap_or(0) + 1;
    let plan = infer::plan(name, order, &doc, choices)?;
    let manifest = infer::manifest(&plan);
    // The manifest must read back as one: the same checks as every manifest.
    let vendor: Vendor = toml::from_str(&manifest).map_err(|e| {
        ScaffoldError::Spec(format!(
            "the manifest written for `{name}` does not read: {e}"
        ))
    })?;
    let dir = PathBuf::from("specs").join(name);
    let spec_name = spec_file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let provenance = format!(
        "# Where openapi.yaml beside this file came from; written by `cargo xtask vendor new`.\n\
         vendor = \"{name}\"\ndocument = \"openapi.yaml\"\nsource = {spec_name:?}\n\
         taken = \"{}\"\nsha256 = \"{}\"\n",
        crate::util::today(),
        sha256_hex(text.as_bytes())
    );
    // The generated client, to check that the spec generates, and to name its types and
    // builder methods in the SDK module.
    let client = codegen::generate(&vendor, &text)?;
    let mut files = vec![
        (dir.join("openapi.yaml"), text),
        (dir.join("provenance.toml"), provenance),
        (dir.join("vendor.toml"), manifest),
    ];
    if !choices.modules {
        // The vendor is its spec and its manifest: codegen writes its SDK module and gives the
        // mock's engine its default rules; the every-vendor suites test it.
        return Ok(files);
    }
    files.extend([
        (
            PathBuf::from(format!("sdk/src/vendors/{name}.rs")),
            templates::sdk(&plan, &vendor, &client, false)?,
        ),
        (
            PathBuf::from(format!("mock-server/src/vendors/{name}.rs")),
            templates::mock(&plan, &vendor),
        ),
        (
            PathBuf::from(format!("tests/tests/contract/vendors/{name}.rs")),
            templates::test(&plan, &vendor),
        ),
        (
            PathBuf::from(format!("mock-server/tests/it/vendors/{name}.rs")),
            templates::mock_test(&vendor),
        ),
    ]);
    Ok(files)
}

/// The vendors there are, when `name` may name a new one (else why not).
fn check_name(root: &Path, name: &str) -> Result<Vec<Vendor>, ScaffoldError> {
    if !vendors::valid_name(name) {
        return Err(ScaffoldError::Name(format!(
            "`{name}` cannot name a vendor: 1-32 lower-case letters and digits, starting with a \
             letter (it names the folder, the module, the cargo feature and the URL slug)"
        )));
    }
    if vendors::reserved(name) {
        return Err(ScaffoldError::Name(format!(
            "`{name}` is taken by a module of the SDK, the mock or the tests, or by Rust: \
             choose another (e.g. `{name}hq`)"
        )));
    }
    let known = vendors::load(root).map_err(|e| ScaffoldError::Spec(e.to_string()))?;
    if known.iter().any(|v| v.name == name) || root.join("specs").join(name).exists() {
        return Err(ScaffoldError::Name(format!(
            "`{name}` is taken: specs/{name}/ exists"
        )));
    }
    Ok(known)
}

/// The text of the spec at `spec_file`, and the spec as JSON, when it is an OpenAPI 3 document.
fn read_spec(spec_file: &Path) -> Result<(String, serde_json::Value), ScaffoldError> {
    let text = fsio::read(spec_file)?;
    let doc = codegen::yaml_to_json(&text).map_err(|e| {
        ScaffoldError::Spec(format!(
            "{}: not a YAML or JSON document: {e}",
            spec_file.display()
        ))
    })?;
    if !doc
        .get("openapi")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|v| v.starts_with('3'))
    {
        return Err(ScaffoldError::Spec(format!(
            "{}: not an OpenAPI 3 document (no `openapi: 3.x` at its top)",
            spec_file.display()
        )));
    }
    Ok((text, doc))
}

/// What `vendor new` chose for `vendor`, as the maintainer should read it: the fields the
/// manifest maps, the sample, and how the mock answers a request its spec does not allow.
fn chosen(vendor: &Vendor, contract: &crate::contract::Contract) -> String {
    let c = &vendor.connect;
    let or_none = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".to_owned());
    let documented = ["400", "4XX", "4xx", "default"]
        .iter()
        .find_map(|s| contract.responses.iter().find(|r| r.status == *s));
    let refusal = match documented {
        Some(r) if r.schema.is_some() => format!(
            "400 with the body its spec documents for {} (message and code where it has fields \
             for them)",
            r.status
        ),
        _ => "400 `{\"message\": …}`: the mock's choice, as its spec documents no 4xx body"
            .to_owned(),
    };
    format!(
        "{name}: chosen from its spec (edit specs/{name}/vendor.toml to change):\n\
         \x20 operation   {method} {path} (`{op}`)\n\
         \x20 provider    {provider}\n\
         \x20 owner       {owner}\n\
         \x20 redirect    {redirect}\n\
         \x20 link        {link}\n\
         \x20 sample      provider {sample:?}{demo}\n\
         \x20 values      {values}\n\
         \x20 refusals    a value its spec does not allow: {refusal}",
        name = vendor.name,
        method = c.method.to_ascii_uppercase(),
        path = c.path,
        op = c.operation,
        provider = c.provider,
        owner = or_none(&c.owner),
        redirect = or_none(&c.redirect),
        link = c.link,
        sample = vendor.mock.sample_provider,
        demo = match (&c.owner, vendor.mock.demo_owners.first()) {
            (Some(_), Some(o)) => format!(", owner {:?}", o.id),
            _ => String::new(),
        },
        values = if c.values.is_empty() {
            "none (every required field is one the unified model maps)".to_owned()
        } else {
            let all: Vec<String> = c.values.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!(
                "{} (the SDK sends these for the required fields the unified model has no \
                 place for: check them)",
                all.join(", ")
            )
        },
    )
}

/// The `vendor new` task: writes the vendor's files, then regenerates.
pub(crate) fn run(
    root: &Path,
    name: &str,
    spec_file: &Path,
    choices: &Choices,
) -> Result<(), ScaffoldError> {
    let files = files(root, name, spec_file, choices)?;
    for (path, _) in &files {
        let full = root.join(path);
        if full.exists() {
            return Err(ScaffoldError::Name(format!(
                "{} exists: `vendor new` writes only new files",
                path.display()
            )));
        }
    }
    for (path, text) in &files {
        fsio::write_creating_dirs(&root.join(path), text)?;
        println!("wrote      {}", path.display());
    }
    // The modules as `cargo fmt` writes them (best effort: without rustfmt they still build).
    let sources: Vec<PathBuf> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
        .map(|(p, _)| root.join(p))
        .collect();
    let formatted = std::process::Command::new("rustfmt")
        .args(["--edition", "2024"])
        .args(&sources)
        .status();
    if !formatted.is_ok_and(|s| s.success()) {
        println!("note: rustfmt did not run on the new modules; run `cargo fmt`");
    }
    codegen::run(root, false, crate::codegen::report::Format::Text)?;
    let vendor = crate::vendors::read(&root.join("specs").join(name))
        .map_err(|e| ScaffoldError::Spec(e.to_string()))?;
    let text = fsio::read(&codegen::spec_path(root, &vendor))?;
    println!(
        "\n{}",
        chosen(&vendor, &codegen::contract_of(&vendor, &text)?)
    );
    if choices.modules {
        println!(
            "\n{name}: scaffolded with modules of its own, on the engine's default rules. Next: \
             `cargo test --workspace`, then edit only its own files (sdk/src/vendors/{name}.rs, \
             mock-server/src/vendors/{name}.rs, tests/tests/contract/vendors/{name}.rs, \
             specs/{name}/vendor.toml) for the rules its docs state beyond its spec \
             (docs/maintaining.md, \"Adding a vendor\")."
        );
    } else {
        println!(
            "\n{name}: scaffolded from its spec and manifest alone (no module: codegen writes its \
             SDK connect, the mock serves it on the engine's default rules). Next: `cargo test \
             --workspace`. Edit specs/{name}/vendor.toml for what the spec does not state; add \
             modules of its own (`vendor new --modules`) only for rules its docs state beyond \
             its spec (docs/maintaining.md, \"Adding a vendor\")."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The spec corpus (`tests/data/corpus/*.yaml`) and the lumen spec, each as `vendor new`
    /// reads it: its plan, its manifest and its generated client.
    fn corpus_clients() -> Vec<(String, String)> {
        let root = crate::util::project_root();
        let mut specs = vec![root.join("tests/data/lumen.yaml")];
        let mut corpus: Vec<PathBuf> = std::fs::read_dir(root.join("tests/data/corpus"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        corpus.sort();
        specs.extend(corpus);
        specs
            .into_iter()
            .map(|spec| {
                let name = spec.file_stem().unwrap().to_str().unwrap().to_owned();
                let text = std::fs::read_to_string(&spec).unwrap();
                let y: serde_norway::Value = serde_norway::from_str(&text).unwrap();
                let doc = serde_json::to_value(y).unwrap();
                let plan = infer::plan(&name, 99, &doc, &Choices::default())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let vendor: Vendor = toml::from_str(&infer::manifest(&plan)).unwrap();
                let client =
                    codegen::generate(&vendor, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
                (name, client)
            })
            .collect()
    }

    /// Every spec of the corpus generates a client, and every crate that client names is one
    /// the SDK depends on: a construct whose generated code needs a crate the SDK lacks (typify
    /// calls `regress` for a `pattern`, `chrono` for a `date-time`) fails here, not at the first
    /// vendor that publishes it.
    #[test]
    fn the_sdk_depends_on_every_crate_the_generator_emits() {
        let root = crate::util::project_root();
        let manifest = std::fs::read_to_string(root.join("sdk/Cargo.toml")).unwrap();
        let deps: BTreeSet<String> = manifest
            .split("[dependencies]")
            .nth(1)
            .and_then(|s| s.split("\n[").next())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split(['=', '.', ' ']).next())
            .filter(|n| !n.is_empty() && !n.starts_with('#'))
            .map(|n| n.replace('-', "_"))
            .collect();
        let builtin = ["std", "core", "alloc", "self", "super", "crate", "types"];
        let mut clients = corpus_clients();
        for vendor in crate::vendors::load(&root).unwrap() {
            let text = std::fs::read_to_string(codegen::spec_path(&root, &vendor)).unwrap();
            clients.push((
                vendor.name.clone(),
                codegen::generate(&vendor, &text).unwrap(),
            ));
        }
        let mut seen = BTreeSet::new();
        for (name, client) in &clients {
            // Every `::krate::` path the generated code writes, and `use krate::`.
            for (i, _) in client.match_indices("::") {
                let before = &client[..i];
                let starts_path = before
                    .chars()
                    .last()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '>'));
                if !starts_path {
                    continue;
                }
                let krate: String = client[i + 2..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if krate.is_empty() || builtin.contains(&krate.as_str()) {
                    continue;
                }
                seen.insert(krate.clone());
                assert!(
                    deps.contains(&krate),
                    "{name}: the generated client names the crate `{krate}`, which \
                     sdk/Cargo.toml does not depend on: add it there"
                );
            }
        }
        // The corpus reaches the crates typify emits for its constructs.
        for krate in ["regress", "chrono", "uuid", "serde_json"] {
            assert!(
                seen.contains(krate),
                "no spec made the generator name {krate}: {seen:?}"
            );
        }
    }
}
