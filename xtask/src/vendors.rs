//! What the tasks know of each vendor: its manifest, `specs/<vendor>/vendor.toml`, the one place
//! a vendor is listed. Every list of vendors on both sides (the SDK's `Vendor`, the mock's
//! `MockVendor`, clients, contracts, mounts, test registration) is generated from these.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One vendor's manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Lower-case name: the folder under `specs/`, the module and file names, the cargo
    /// feature, the URL slug.
    pub name: String,
    /// How the vendor names itself, for messages and docs; without punctuation, the Rust
    /// variant.
    pub display: String,
    /// Where the vendor stands in every list (`Vendor::ALL`, the tour, the tables): ascending.
    pub order: u32,
    /// One line for the docs of the vendor's variant.
    pub summary: String,
    /// `true` when the vendor publishes no OpenAPI document and ours was written from its prose
    /// reference (then `import` checks the reference page instead of extracting a block).
    #[serde(default)]
    pub authored: bool,
    /// The connect operation and its fields.
    pub connect: Connect,
    /// The mock's rules that the spec does not state.
    pub mock: MockRules,
    /// What the vendor appends to the app's redirect URL at the end of a flow, where its docs
    /// say it reports the outcome there.
    #[serde(default)]
    pub redirect_result: Option<RedirectResult>,
    /// What the docs' table of vendors says that neither the spec nor the rules state.
    #[serde(default)]
    pub docs: Docs,
    /// The local corrections codegen applies to the spec (`specs/<vendor>/overlay.yaml`).
    #[serde(skip)]
    pub overlay: Option<crate::overlay::Overlay>,
}

/// The query parameters a vendor appends to the app's redirect URL at the end of a flow, and the
/// values of its status (`social_connect_spec::RedirectResult`, which codegen writes from this).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectResult {
    /// The parameter that says how the flow ended.
    pub status: String,
    /// Its value for a connection made.
    pub success: String,
    /// Its value for a flow that failed.
    pub failure: String,
    /// The parameter naming the owner of the connection.
    pub owner: String,
    /// The parameter naming the provider, as the vendor spells it.
    pub provider: String,
    /// The parameter listing the connected accounts' ids, comma-separated (on success).
    pub accounts: String,
    /// The parameter carrying the error code (on failure).
    pub error: String,
}

/// What the README's table of vendors says of a vendor beyond its spec and rules (written there
/// by `cargo xtask codegen`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What the browser brings back at the end of a flow, as the vendor's docs describe it.
    #[serde(default)]
    pub redirect_result: Option<String>,
    /// The errors the vendor answers (and the mock with it): their shape and statuses, and
    /// which of them are the mock's choice where the vendor documents none.
    #[serde(default)]
    pub errors: Option<String>,
}

/// The connect operation, and which of its fields carry what the unified model names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connect {
    /// Lower case (`post`).
    pub method: String,
    /// As the spec names it, relative to the server.
    pub path: String,
    /// The good name of the generated operation (progenitor's method).
    pub operation: String,
    /// The parameter or body field that names the owner of the connection, if any.
    #[serde(default)]
    pub owner: Option<String>,
    /// The parameter or body field that names the provider.
    pub provider: String,
    /// The field that takes the URL the browser is sent back to, where there is one.
    #[serde(default)]
    pub redirect: Option<String>,
    /// The field that takes `ConnectRequest::integration_params` (an object of the vendor's own
    /// parameters), where there is one.
    #[serde(default)]
    pub params: Option<String>,
    /// The JSON pointer of the link in the success answer.
    pub link: String,
    /// What the SDK sends for each required field the unified model has no place for (an
    /// action, a callback base, an expiry): `vendor new` writes them from the spec's examples,
    /// defaults or first enum values, for the maintainer to check.
    #[serde(default)]
    pub values: std::collections::BTreeMap<String, serde_json::Value>,
}

/// The mock's rules for a vendor that its spec does not state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockRules {
    /// Where the mock serves the vendor: this, then the path of the spec's first server URL.
    pub mount: String,
    /// What the vendor calls the owner, for the pages.
    pub owner_kind: String,
    /// The prefix of the ids of the accounts its flows connect.
    pub account_prefix: String,
    /// At most one connected account per platform and owner.
    #[serde(default)]
    pub one_account_per_platform: bool,
    /// The provider of the sample connect request, as the vendor spells it.
    pub sample_provider: String,
    /// The owners the default fixture gives the vendor (the first is the sample's).
    pub demo_owners: Vec<DemoOwner>,
}

/// An owner in the default fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoOwner {
    /// Its id.
    pub id: String,
    /// A label for humans.
    pub name: String,
    /// Which of the fixture's keys may act on it.
    pub members: Members,
}

/// Which of the default fixture's keys may act on a demo owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Members {
    /// The owner key as owner and the member key as a plain member.
    Both,
    /// The owner key alone, as owner.
    Owner,
    /// The member key alone, as owner (its own account).
    Member,
}

impl Vendor {
    /// The Rust variant: the display name's letters and digits (`WoopSocial`).
    pub fn variant(&self) -> String {
        let letters: String = self
            .display
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        crate::normalize::pascal(&letters)
    }

    /// The name in upper case, for statics (`WOOPSOCIAL`).
    pub fn upper(&self) -> String {
        self.name.to_ascii_uppercase()
    }

    /// The good name of the operation at `method path`, where the manifest gives one.
    pub fn operation_name(&self, method: &str, path: &str) -> Option<&str> {
        (self.connect.method.eq_ignore_ascii_case(method) && self.connect.path == path)
            .then_some(self.connect.operation.as_str())
    }
}

/// Why the manifests could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// A file or folder could not be read.
    #[error(transparent)]
    Io(#[from] crate::fsio::IoError),
    /// A manifest is not what it must be.
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
}

/// The manifest file of the vendor in `dir`.
pub fn manifest_path(dir: &Path) -> PathBuf {
    dir.join("vendor.toml")
}

/// Names a vendor cannot have beyond Rust's keywords (which [`reserved`] asks `syn` about): the
/// modules its own modules sit beside (in the SDK's crate root and `vendors/`, the mock's
/// `vendors/`, the test suites' `vendors/`), the crates every module sees, and the one keyword
/// `syn` takes for an identifier.
const RESERVED: &[&str] = &[
    // The SDK's crate root and `vendors/`.
    "client",
    "error",
    "link",
    "outcome",
    "provider",
    "request",
    "response",
    "session",
    "vendor",
    "vendors",
    "raw",
    "common",
    "facts",
    "generated",
    // The mock's `vendors/` and the test suites.
    "api",
    "defaults",
    "serve",
    "support",
    // Rust.
    "gen",
    "std",
    "core",
    "alloc",
];

/// Whether `name` is one a vendor cannot have: a Rust keyword or one of [`RESERVED`].
pub fn reserved(name: &str) -> bool {
    RESERVED.contains(&name) || syn::parse_str::<syn::Ident>(name).is_err()
}

/// Whether `name` has a vendor name's shape: 1-32 lower-case letters and digits, starting with a
/// letter (whether it is [`reserved`] aside).
pub fn valid_name(name: &str) -> bool {
    name.len() <= 32
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// Reads one manifest, and checks it against the folder it sits in.
pub fn read(dir: &Path) -> Result<Vendor, ManifestError> {
    let path = manifest_path(dir);
    let shown = path.display().to_string();
    let text = crate::fsio::read(&path)?;
    let mut vendor: Vendor = toml::from_str(&text).map_err(|e| ManifestError::Invalid {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    vendor.overlay = crate::overlay::read(dir).map_err(|e| ManifestError::Invalid {
        path: e.path,
        reason: e.reason,
    })?;
    check(&vendor, dir).map_err(|reason| ManifestError::Invalid {
        path: shown,
        reason,
    })?;
    Ok(vendor)
}

/// What a manifest must be, beyond its shape.
fn check(vendor: &Vendor, dir: &Path) -> Result<(), String> {
    let name = &vendor.name;
    if !valid_name(name) {
        return Err(format!(
            "name `{name}` must be 1-32 lower-case letters and digits, starting with a letter"
        ));
    }
    if dir.file_name().and_then(|f| f.to_str()) != Some(name.as_str()) {
        return Err(format!(
            "name `{name}` must be the name of the folder it sits in"
        ));
    }
    if reserved(name) {
        return Err(format!(
            "name `{name}` is taken by a module of the SDK, the mock or the tests, or by Rust: \
             choose another (e.g. `{name}hq`)"
        ));
    }
    if !vendor
        .variant()
        .starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return Err("display must start with a letter (it is the Rust variant)".to_owned());
    }
    if !vendor.connect.link.starts_with('/') {
        return Err(format!(
            "connect.link `{}` must be a JSON pointer (`/data/auth_url`)",
            vendor.connect.link
        ));
    }
    if vendor.mock.demo_owners.is_empty() {
        return Err("mock.demo_owners must name at least one owner".to_owned());
    }
    let mount = &vendor.mock.mount;
    if !mount.starts_with('/') || mount.ends_with('/') || mount.contains("//") {
        return Err(format!(
            "mock.mount `{mount}` must start with `/` and not end with one"
        ));
    }
    match &vendor.redirect_result {
        Some(r) => check_redirect_result(r, vendor.connect.redirect.is_some()),
        None => Ok(()),
    }
}

/// A `[redirect_result]` the SDK and the mock can use as it is: names and values that need no
/// encoding in a query, five distinct parameters, two statuses, on a vendor that takes a
/// redirect URL.
fn check_redirect_result(r: &RedirectResult, has_redirect: bool) -> Result<(), String> {
    if !has_redirect {
        return Err(
            "redirect_result needs connect.redirect: the field that takes the URL it is appended to"
                .to_owned(),
        );
    }
    let words = [
        ("status", &r.status),
        ("success", &r.success),
        ("failure", &r.failure),
        ("owner", &r.owner),
        ("provider", &r.provider),
        ("accounts", &r.accounts),
        ("error", &r.error),
    ];
    for (key, word) in words {
        let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
        if word.is_empty() || !word.bytes().all(plain) {
            return Err(format!(
                "redirect_result.{key} `{word}` must be 1 or more of `[A-Za-z0-9_.-]`"
            ));
        }
    }
    let names = [&r.status, &r.owner, &r.provider, &r.accounts, &r.error];
    if names
        .iter()
        .enumerate()
        .any(|(i, n)| names[..i].contains(n))
    {
        return Err("redirect_result names a parameter twice".to_owned());
    }
    if r.success == r.failure {
        return Err("redirect_result.success and .failure must differ".to_owned());
    }
    Ok(())
}

/// Every vendor under `root/specs`, in their `order`.
pub fn load(root: &Path) -> Result<Vec<Vendor>, ManifestError> {
    let specs = root.join("specs");
    let mut vendors = Vec::new();
    for entry in crate::fsio::at(&specs, std::fs::read_dir(&specs))? {
        let dir = crate::fsio::at(&specs, entry)?.path();
        if dir.is_dir() && manifest_path(&dir).is_file() {
            vendors.push(read(&dir)?);
        }
    }
    vendors.sort_by_key(|v| (v.order, v.name.clone()));
    for (i, b) in vendors.iter().enumerate() {
        if let Some(a) = vendors[..i].iter().find(|a| {
            a.order == b.order || a.variant() == b.variant() || a.mock.mount == b.mock.mount
        }) {
            return Err(ManifestError::Invalid {
                path: manifest_path(&specs.join(&b.name)).display().to_string(),
                reason: format!(
                    "its order, display name or mock.mount repeats {}'s: each must be its own",
                    a.name
                ),
            });
        }
    }
    if vendors.is_empty() {
        return Err(ManifestError::Invalid {
            path: specs.display().to_string(),
            reason: "no vendor manifest (specs/<vendor>/vendor.toml) found".to_owned(),
        });
    }
    Ok(vendors)
}

/// The vendor called `name` (case-insensitive) among `vendors`, or an error listing the known
/// ones.
pub fn find<'a>(vendors: &'a [Vendor], name: &str) -> Result<&'a Vendor, String> {
    vendors
        .iter()
        .find(|v| v.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let known: Vec<_> = vendors.iter().map(|v| v.name.as_str()).collect();
            format!(
                "unknown vendor `{name}`; known vendors: {}",
                known.join(", ")
            )
        })
}

/// The vendors of the workspace this crate was compiled in, for tests and the fuzz targets (the
/// tasks load the workspace they are run in).
pub fn of_compiled_workspace() -> Result<Vec<Vendor>, ManifestError> {
    load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")))
}

/// The vendor called `name` in the workspace this crate was compiled in (tests).
#[doc(hidden)]
pub fn compiled(name: &str) -> Vendor {
    let all = of_compiled_workspace().unwrap_or_default();
    match find(&all, name) {
        Ok(vendor) => vendor.clone(),
        Err(why) => panic!("{why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OCOYA: &str = include_str!("../../specs/ocoya/vendor.toml");

    fn with_manifests(manifests: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in manifests {
            let folder = dir.path().join("specs").join(name);
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(manifest_path(&folder), text).unwrap();
        }
        dir
    }

    #[test]
    fn the_workspace_lists_its_vendors_in_their_order() {
        // Whatever vendors the workspace has (no test assumes today's list): one per folder
        // of specs/ with a manifest, in ascending order, each with a variant that is a Rust
        // identifier.
        let compiled = of_compiled_workspace().unwrap();
        let folders = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().join("vendor.toml").exists())
            .count();
        assert_eq!(compiled.len(), folders);
        assert!(compiled.windows(2).all(|w| w[0].order < w[1].order));
        for v in &compiled {
            let variant = v.variant();
            assert!(
                variant.starts_with(|c: char| c.is_ascii_uppercase())
                    && variant.chars().all(|c| c.is_ascii_alphanumeric()),
                "{}: {variant}",
                v.name
            );
        }
    }

    #[test]
    fn a_manifest_in_the_wrong_folder_is_refused_naming_the_file() {
        let dir = with_manifests(&[("ocoya2", OCOYA)]);
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("ocoya2/vendor.toml"), "{err}");
        assert!(err.contains("must be the name of the folder"), "{err}");
    }

    #[test]
    fn a_manifest_with_a_missing_or_unknown_key_says_which() {
        let missing = OCOYA.replace("link = \"/url\"\n", "");
        let err = load(with_manifests(&[("ocoya", &missing)]).path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("link"), "{err}");
        let unknown = OCOYA.replace("[mock]\n", "[mock]\nmonut = \"/x\"\n");
        let err = load(with_manifests(&[("ocoya", &unknown)]).path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("monut"), "{err}");
    }

    #[test]
    fn a_redirect_result_must_be_usable_as_it_is() {
        const WOOP: &str = include_str!("../../specs/woopsocial/vendor.toml");
        let load_with = |text: &str| load(with_manifests(&[("woopsocial", text)]).path());
        assert!(load_with(WOOP).unwrap()[0].redirect_result.is_some());
        let cases = [
            (
                WOOP.replace("redirect = \"redirectUrl\"\n", ""),
                "needs connect.redirect",
            ),
            (
                WOOP.replace("accounts = \"socialAccountIds\"", "accounts = \"ids&x\""),
                "redirect_result.accounts `ids&x`",
            ),
            (
                WOOP.replace(
                    "owner = \"projectId\"\nprovider",
                    "owner = \"status\"\nprovider",
                ),
                "names a parameter twice",
            ),
            (
                WOOP.replace("failure = \"error\"", "failure = \"success\""),
                "must differ",
            ),
        ];
        for (text, want) in cases {
            assert_ne!(text, WOOP, "the test's edit must apply ({want})");
            let err = load_with(&text).unwrap_err().to_string();
            assert!(err.contains(want), "{want}: {err}");
        }
    }

    #[test]
    fn two_vendors_may_not_share_an_order_a_name_or_a_mount() {
        let twin = OCOYA
            .replace("name = \"ocoya\"", "name = \"ocoyb\"")
            .replace("display = \"Ocoya\"", "display = \"Ocoyb\"");
        let err = load(with_manifests(&[("ocoya", OCOYA), ("ocoyb", &twin)]).path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("repeats ocoya's"), "{err}");
    }

    #[test]
    fn a_name_a_module_or_rust_already_has_is_refused() {
        let named = |n: &str| OCOYA.replace("name = \"ocoya\"", &format!("name = \"{n}\""));
        for taken in ["request", "common", "type", "defaults"] {
            let err = load(with_manifests(&[(taken, &named(taken))]).path())
                .unwrap_err()
                .to_string();
            assert!(err.contains("is taken"), "{taken}: {err}");
        }
    }
}
