//! Small helpers shared by the tasks.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The workspace `cargo xtask` was run in: the nearest directory, from the current one up,
/// whose `Cargo.toml` declares a `[workspace]` with an `xtask` member folder.
///
/// Found at run time, not from the path this crate was compiled in: two clones that share a
/// target directory (a global `CARGO_TARGET_DIR`) run one xtask binary, which must work on the
/// clone it was run in. When no such directory is found (a run from outside any clone), the
/// compiled-in path is the fallback.
pub(crate) fn project_root() -> PathBuf {
    let compiled = || {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| manifest.to_path_buf())
    };
    std::env::current_dir()
        .ok()
        .and_then(|dir| workspace_above(&dir))
        .unwrap_or_else(compiled)
}

/// The nearest of `dir` and its ancestors that holds this project's workspace.
pub(crate) fn workspace_above(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| {
            d.join("xtask").is_dir()
                && std::fs::read_to_string(d.join("Cargo.toml"))
                    .is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

/// One generated file: where it goes (relative to the root) and what it holds.
#[derive(Debug)]
pub(crate) struct Output {
    /// Relative to the workspace root, with `/`.
    pub(crate) path: String,
    /// The file's text.
    pub(crate) source: String,
}

impl Output {
    /// The file at `path` holding `source`.
    pub(crate) fn new(path: impl Into<String>, source: String) -> Self {
        Output {
            path: path.into(),
            source,
        }
    }
}

/// The trimmed standard output of `program args`, run in `dir`; else the error `{started}: why`
/// when it could not start, or `{failed}: its error output` when it failed.
pub(crate) fn output(
    dir: &Path,
    program: &str,
    args: &[&str],
    [started, failed]: [&str; 2],
) -> Result<String, String> {
    let out = std::process::Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| format!("{started}: {e}"))?;
    let text = |bytes| String::from_utf8_lossy(bytes).trim().to_owned();
    if out.status.success() {
        Ok(text(&out.stdout))
    } else {
        Err(format!("{failed}: {}", text(&out.stderr)))
    }
}

/// Lower-case hex sha256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest.iter() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// A unified diff of `old` → `new`, labelled with `path`.
pub(crate) fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{path} (committed)"),
            &format!("b/{path} (generated)"),
        )
        .to_string()
}

/// Today's date (UTC) as `YYYY-MM-DD`: the date a spec was imported or a vendor scaffolded.
pub(crate) fn today() -> String {
    let date = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The date `--date` gives, which must be `YYYY-MM-DD`, else today's (UTC).
pub(crate) fn date_or_today(date: Option<&str>) -> Result<String, String> {
    match date {
        Some(d)
            if time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                .is_err() =>
        {
            Err(format!("--date {d:?} is not YYYY-MM-DD"))
        }
        Some(d) => Ok(d.to_owned()),
        None => Ok(today()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_is_found_from_where_xtask_runs() {
        let scratch = tempfile::tempdir().unwrap();
        let clone = scratch.path().join("other-clone");
        std::fs::create_dir_all(clone.join("xtask/src")).unwrap();
        std::fs::create_dir_all(clone.join("specs/ocoya")).unwrap();
        std::fs::write(
            clone.join("Cargo.toml"),
            "[workspace]\nmembers = [\"xtask\"]\n",
        )
        .unwrap();
        std::fs::write(
            clone.join("xtask/Cargo.toml"),
            "[package]\nname = \"xtask\"\n",
        )
        .unwrap();
        // From the root, from a member, from deeper down: the clone, not this workspace.
        for dir in [
            clone.clone(),
            clone.join("xtask/src"),
            clone.join("specs/ocoya"),
        ] {
            assert_eq!(workspace_above(&dir).as_deref(), Some(clone.as_path()));
        }
        // A folder outside any workspace has none.
        assert_eq!(workspace_above(scratch.path()), None);
    }
}
