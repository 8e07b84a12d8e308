//! The shell commands the docs show, for the tests that check each against its command's own
//! definition (`cargo xtask`, `cargo xtask bench`, `social-connect-mock`). One file, included
//! with `#[path]` by each of those crates' tests, since none of them may depend on another.

use std::path::{Path, PathBuf};

/// The Markdown a reader follows: `README.md`, `BENCHMARKS.md` and the guides in `docs/`,
/// sorted.
pub fn docs(root: &Path) -> Vec<PathBuf> {
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .map(|dir| {
            dir.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect()
        })
        .unwrap_or_default();
    guides.sort();
    let mut docs = vec![root.join("README.md"), root.join("BENCHMARKS.md")];
    docs.extend(guides);
    docs
}

/// The lines of the ```sh, ```bash and ```console blocks of a Markdown text.
pub fn shell_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let fence = line.trim_start();
        if fence.starts_with("```") {
            inside = !inside && matches!(fence, "```sh" | "```bash" | "```console");
            continue;
        }
        if inside {
            out.push(line);
        }
    }
    out
}

/// The words of `args` up to a comment or a shell operator (`#`, `|`, `;`, `&`, or the `)` or
/// `` ` `` closing a command substitution).
pub fn words(args: &str) -> Vec<&str> {
    args.split(['#', '|', ';', '&', ')', '`'])
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect()
}

/// The long flags among `words`, without `--` and any `=value`.
pub fn flags<'a>(words: &[&'a str]) -> Vec<&'a str> {
    words
        .iter()
        .filter_map(|w| w.strip_prefix("--"))
        .map(|f| f.split('=').next().unwrap_or_default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_shell_blocks_count_and_words_stop_at_an_operator() {
        let text = "```rust\ncargo xtask no\n```\n```sh\ncargo xtask update --from d # x\n```\n\
                    ```console\n$ a | b\n```\n";
        assert_eq!(
            shell_lines(text),
            ["cargo xtask update --from d # x", "$ a | b"]
        );
        let w = words("update --from=d --no-gate # --not");
        assert_eq!(words("image)\""), ["image"]);
        assert_eq!(w, ["update", "--from=d", "--no-gate"]);
        assert_eq!(flags(&w), ["from", "no-gate"]);
    }
}
