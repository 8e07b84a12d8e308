//! A copy of the workspace's sources, for the tests that regenerate or update it without touching
//! the real one (the contract test `regenerate`, xtask's `update` tests). One file, included with
//! `#[path]` by xtask's tests, since xtask may not depend on this crate.

use std::path::Path;

/// Copies the workspace's sources under `from` (not `target/`, not `.git/`) into `to`.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}
