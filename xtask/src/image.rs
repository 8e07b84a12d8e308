//! `cargo xtask image`: the standalone mock as a container image, `social-connect-mock:<version>`.
//!
//! Nothing is pulled. The image is `FROM scratch` (`mock-server/Dockerfile`) and holds the
//! release binary, linked statically so that it needs no libc of the image's, and the host's CA
//! bundle for `verify`'s HTTPS. Only the binary's own link step is static (`cargo rustc … --
//! -C target-feature=+crt-static`): its dependencies are the release build's, shared with
//! `cargo build --release` and the wheel.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The CA bundle `verify` reads in the image (rustls' platform verifier reads this path).
const CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// What `cargo xtask image` was asked for.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// The image's name and tag.
    #[arg(long, value_name = "NAME:TAG")]
    pub(crate) tag: Option<String>,
    /// Also tag it `social-connect-mock:latest`.
    #[arg(long)]
    pub(crate) latest: bool,
}

/// Builds the binary, stages it beside the Dockerfile in `target/image/`, and runs
/// `docker build` on that folder.
pub(crate) fn run(root: &Path, options: &Options) -> Result<(), String> {
    let meta = Metadata::read(root)?;
    let tag = options
        .tag
        .clone()
        .unwrap_or_else(|| format!("social-connect-mock:{}", meta.version));
    let binary = build_binary(root)?;
    check_static(&binary)?;
    let context = root.join("target").join("image");
    stage(root, &binary, &context)?;
    let mut docker = Command::new(docker());
    docker
        .arg("build")
        .args(["--tag", &tag])
        .args(["--build-arg", &format!("VERSION={}", meta.version)])
        .args(["--build-arg", &format!("SOURCE={}", meta.repository)])
        .args(["--build-arg", &format!("LICENSE={}", meta.license)]);
    if let Some(revision) = git_revision(root) {
        docker.args(["--build-arg", &format!("REVISION={revision}")]);
    }
    if options.latest {
        docker.args(["--tag", "social-connect-mock:latest"]);
    }
    docker.arg(&context);
    eprintln!("image: docker build --tag {tag} {}", context.display());
    run_command(&mut docker, "docker build")?;
    println!("{tag}");
    Ok(())
}

/// The version, repository and licence the image's labels carry: the mock crate's.
struct Metadata {
    version: String,
    repository: String,
    license: String,
}

impl Metadata {
    fn read(root: &Path) -> Result<Self, String> {
        let read = |path: PathBuf| -> Result<toml::Table, String> {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            text.parse::<toml::Table>()
                .map_err(|e| format!("{}: {e}", path.display()))
        };
        let crate_toml = read(root.join("mock-server").join("Cargo.toml"))?;
        let workspace = read(root.join("Cargo.toml"))?;
        let field = |name: &str| -> Result<String, String> {
            let own = crate_toml
                .get("package")
                .and_then(|p| p.get(name))
                .and_then(toml::Value::as_str);
            let shared = workspace
                .get("workspace")
                .and_then(|w| w.get("package"))
                .and_then(|p| p.get(name))
                .and_then(toml::Value::as_str);
            own.or(shared)
                .map(str::to_owned)
                .ok_or_else(|| format!("mock-server/Cargo.toml has no package.{name}"))
        };
        Ok(Self {
            version: field("version")?,
            repository: field("repository")?,
            license: field("license")?,
        })
    }
}

/// `cargo rustc --release` of the mock's binary, its final link static.
fn build_binary(root: &Path) -> Result<PathBuf, String> {
    if !cfg!(target_os = "linux") {
        return Err(
            "the image holds a Linux binary: build it on Linux (docs/mock-in-ci.md, \"As a container image\")"
                .to_owned(),
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args([
            "rustc",
            "--release",
            "--locked",
            "-p",
            "social-connect-mock",
        ])
        .args(["--features", "cli", "--bin", "social-connect-mock", "--"])
        .args(["-C", "target-feature=+crt-static", "-C", "strip=symbols"])
        .current_dir(root);
    run_command(&mut build, "cargo rustc")?;
    Ok(root
        .join("target")
        .join("release")
        .join("social-connect-mock"))
}

/// Refuses a binary that asks for a dynamic loader (an ELF `PT_INTERP` header): it could not
/// start in an image with no libc.
fn check_static(binary: &Path) -> Result<(), String> {
    let bytes =
        std::fs::read(binary).map_err(|e| format!("cannot read {}: {e}", binary.display()))?;
    match interpreter(&bytes) {
        Some(false) => Ok(()),
        Some(true) => Err(format!(
            "{} is linked dynamically; the image needs a static binary",
            binary.display()
        )),
        None => Err(format!("{} is not a 64-bit ELF file", binary.display())),
    }
}

/// Whether a little-endian ELF64 file names a program interpreter; `None` if it is not one.
fn interpreter(elf: &[u8]) -> Option<bool> {
    if elf.get(..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let u16_at = |at: usize| Some(u16::from_le_bytes(elf.get(at..at + 2)?.try_into().ok()?));
    let phoff = usize::try_from(u64::from_le_bytes(elf.get(0x20..0x28)?.try_into().ok()?)).ok()?;
    let size = usize::from(u16_at(0x36)?);
    let count = usize::from(u16_at(0x38)?);
    const PT_INTERP: u32 = 3;
    for i in 0..count {
        let at = phoff.checked_add(i.checked_mul(size)?)?;
        let kind = u32::from_le_bytes(elf.get(at..at + 4)?.try_into().ok()?);
        if kind == PT_INTERP {
            return Some(true);
        }
    }
    Some(false)
}

/// `target/image/`: the Dockerfile, the binary and the CA bundle, nothing else (the build
/// context is sent whole to the daemon).
fn stage(root: &Path, binary: &Path, context: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(context);
    std::fs::create_dir_all(context)
        .map_err(|e| format!("cannot create {}: {e}", context.display()))?;
    let copy = |from: &Path, to: &str| {
        std::fs::copy(from, context.join(to))
            .map(|_| ())
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))
    };
    copy(&root.join("mock-server").join("Dockerfile"), "Dockerfile")?;
    copy(binary, "social-connect-mock")?;
    if Path::new(CA_BUNDLE).is_file() {
        copy(Path::new(CA_BUNDLE), "ca-certificates.crt")
    } else {
        Err(format!(
            "{CA_BUNDLE} is missing: install the ca-certificates package (the image carries it \
             for `verify`'s HTTPS)"
        ))
    }
}

fn docker() -> std::ffi::OsString {
    std::env::var_os("DOCKER").unwrap_or_else(|| "docker".into())
}

fn git_revision(root: &Path) -> Option<String> {
    let rev = crate::util::output(root, "git", &["rev-parse", "HEAD"], ["", ""]).ok()?;
    (rev.len() == 40).then_some(rev)
}

fn run_command(command: &mut Command, what: &str) -> Result<(), String> {
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{what} failed ({status})")),
        Err(e) => Err(format!("cannot run {what}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::interpreter;

    /// An ELF64 header with one program header of type `kind`.
    fn elf(kind: u32) -> Vec<u8> {
        let mut f = vec![0u8; 0x40 + 0x38];
        f[..6].copy_from_slice(b"\x7fELF\x02\x01");
        f[0x20..0x28].copy_from_slice(&0x40u64.to_le_bytes());
        f[0x36..0x38].copy_from_slice(&0x38u16.to_le_bytes());
        f[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes());
        f[0x40..0x44].copy_from_slice(&kind.to_le_bytes());
        f
    }

    #[test]
    fn a_loader_request_is_seen_and_a_static_binary_passes() {
        assert_eq!(interpreter(&elf(3)), Some(true));
        assert_eq!(interpreter(&elf(1)), Some(false));
        assert_eq!(interpreter(b"#!/bin/sh\n"), None);
        let mut cut = elf(3);
        cut.truncate(0x42);
        assert_eq!(interpreter(&cut), None);
    }

    #[test]
    fn the_running_test_binary_is_read() {
        // This test binary is an ELF file on Linux: static or not, it parses.
        if cfg!(target_os = "linux") {
            let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
            assert!(interpreter(&me).is_some());
        }
    }
}
