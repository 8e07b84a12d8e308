//! Maintainer tasks for the social-connect workspace, run as `cargo xtask <task>`.
//!
//! - `cargo xtask update [VENDOR…]`: fetch what the vendors publish; where a spec changed,
//!   import it, regenerate through its overlay, report, bump, write the changelog and run the
//!   semver gate; `--publish` pushes a branch per vendor for a pull request (`update`).
//! - `cargo xtask import <vendor> <docs-page.md>`: take a vendor's OpenAPI document out of its
//!   published docs page into `specs/<vendor>/`, with fresh provenance.
//! - `cargo xtask codegen [--check]`: normalise every spec and generate the SDK's per-vendor
//!   clients with progenitor, the contracts, and every list of vendors from the manifests
//!   (`specs/<vendor>/vendor.toml`); `--check` regenerates in memory and fails on drift. Its
//!   parts are in `codegen/`: `normalize`, `contract`, `report`, `registry`.
//! - `cargo xtask vendor new NAME --spec FILE`: a new vendor from its spec (`scaffold/`).
//! - `cargo xtask image [--tag NAME:TAG]`: the standalone mock's container image (`image`).
//! - `cargo xtask bench [ARGS]`: the benchmark, which lives in `xtask/bench/` (package
//!   `xtask-bench`); its arguments are passed on unchanged (`cargo xtask bench --help`).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod codegen;
mod image;
mod import;
mod plan;
mod scaffold;
mod update;

mod util;

#[cfg(test)]
mod tidy;

/// The docs' shell commands, shared with the bench's and the mock's tests.
#[cfg(test)]
#[allow(unreachable_pub)]
#[path = "../../tests/src/doc_shell.rs"]
mod doc_shell;

use xtask::{contract, fsio, normalize, overlay, vendors};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks for social-connect")]
struct Cli {
    /// The workspace to work on (default: the one this xtask belongs to).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Extract a vendor's OpenAPI document from its docs page into `specs/<vendor>/`.
    Import {
        /// The vendor: recoup, woopsocial, postbreeze, aitronos or ocoya.
        vendor: String,
        /// The docs page (Markdown, as published) holding the OpenAPI block.
        page: PathBuf,
        /// The page's public address, recorded in the provenance file.
        #[arg(long)]
        source: Option<String>,
        /// The date the page was taken (YYYY-MM-DD); today (UTC) if omitted.
        #[arg(long)]
        date: Option<String>,
    },
    /// Generate the SDK's clients and facts and the mock's contracts from `specs/`, and report
    /// what changed since the last generation.
    Codegen {
        /// Regenerate in memory and fail with the report and a diff if the committed files are
        /// stale.
        #[arg(long)]
        check: bool,
        /// How to print the change report.
        #[arg(long, value_enum, default_value_t = codegen::report::Format::Text)]
        format: codegen::report::Format,
    },
    /// Compare two versions of a vendor's spec: the change report for going from OLD to NEW.
    Diff {
        /// The spec before.
        old: PathBuf,
        /// The spec after.
        new: PathBuf,
        /// The vendor (recoup, woopsocial, …); guessed from the paths when they hold
        /// `specs/<vendor>/`.
        #[arg(long)]
        vendor: Option<String>,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = codegen::report::Format::Text)]
        format: codegen::report::Format,
    },
    /// Fetch what each vendor publishes; where a spec changed, import it, regenerate through
    /// its overlay, report, propose the version, write the changelog and run the semver gate.
    ///
    /// Exit codes: 0 nothing changed, 2 changed, 3 breaking, 1 a vendor or the gate failed.
    Update(update::Options),
    /// Build the standalone mock's container image, `social-connect-mock:<version>` (Linux,
    /// with Docker; nothing is pulled: `FROM scratch` and a static release binary).
    Image(image::Options),
    /// Add a vendor: `cargo xtask vendor new NAME --spec FILE`.
    #[command(subcommand)]
    Vendor(VendorTask),
    /// Benchmark the mock and the SDK against their peers; writes BENCHMARKS.md's results.
    ///
    /// Runs the `xtask-bench` crate in release with these arguments (`cargo xtask bench --help`).
    #[command(disable_help_flag = true)]
    Bench {
        /// Passed on unchanged to `xtask-bench`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

#[derive(Debug, Subcommand)]
enum VendorTask {
    /// Add a vendor from its spec: its manifest (what the spec does not state), then regenerate.
    /// Codegen writes its SDK connect and the mock serves it on the engine's default rules;
    /// `--modules` also writes modules of its own. What is not given is inferred from the spec,
    /// or the command says which flag supplies it.
    New {
        /// The vendor's name: lower-case letters and digits (its folder, module, feature, slug).
        name: String,
        /// Its OpenAPI 3 document (YAML or JSON), copied to `specs/NAME/openapi.yaml`.
        #[arg(long, value_name = "FILE")]
        spec: PathBuf,
        #[command(flatten)]
        choices: scaffold::Choices,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.clone().unwrap_or_else(util::project_root);
    let result = match cli.task {
        Task::Import {
            vendor,
            page,
            source,
            date,
        } => import::run(&root, &vendor, &page, source.as_deref(), date.as_deref())
            .map_err(|e| e.to_string()),
        Task::Codegen { check, format } => {
            codegen::run(&root, check, format).map_err(|e| e.to_string())
        }
        Task::Diff {
            old,
            new,
            vendor,
            format,
        } => codegen::diff(&root, &old, &new, vendor.as_deref(), format),
        Task::Vendor(VendorTask::New {
            name,
            spec,
            choices,
        }) => scaffold::run(&root, &name, &spec, &choices).map_err(|e| e.to_string()),
        Task::Update(options) => {
            return match update::run(&root, &options) {
                Ok(code) => ExitCode::from(code),
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::from(update::exit::FAILED)
                }
            };
        }
        Task::Image(options) => image::run(&root, &options),
        Task::Bench { args } => return bench::run(&root, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bench_args(argv: &[&str]) -> Vec<OsString> {
        match Cli::try_parse_from(argv).expect("parses").task {
            Task::Bench { args } => args,
            other => panic!("not bench: {other:?}"),
        }
    }

    #[test]
    fn bench_passes_every_argument_on() {
        assert_eq!(
            bench_args(&["xtask", "bench", "--duration", "2", "--print-only", "x"]),
            ["--duration", "2", "--print-only", "x"]
        );
        assert_eq!(bench_args(&["xtask", "bench", "--help"]), ["--help"]);
        assert_eq!(bench_args(&["xtask", "bench", "-h"]), ["-h"]);
        assert!(bench_args(&["xtask", "bench"]).is_empty());
    }

    #[test]
    fn the_cli_is_consistent() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }

    /// Every `cargo xtask …` line of a shell block in the README and the guides names a task
    /// and flags the task has: a guide that drifts from the CLI fails here.
    #[test]
    fn every_xtask_command_in_the_docs_exists() {
        use clap::CommandFactory as _;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let cli = Cli::command();
        let mut checked = 0;
        for doc in doc_shell::docs(&root) {
            let text = std::fs::read_to_string(&doc).unwrap();
            for line in doc_shell::shell_lines(&text) {
                let Some(rest) = line.split("cargo xtask ").nth(1) else {
                    continue;
                };
                let words = doc_shell::words(rest);
                let name = words[0];
                let mut task = cli.find_subcommand(name).unwrap_or_else(|| {
                    panic!("{}: `cargo xtask {name}`: no such task", doc.display())
                });
                // `bench` hands its arguments to xtask-bench, whose own test checks them.
                if name == "bench" {
                    checked += 1;
                    continue;
                }
                for word in &words[1..] {
                    if let Some(sub) = task.find_subcommand(word) {
                        task = sub;
                    }
                }
                for flag in doc_shell::flags(&words) {
                    assert!(
                        task.get_arguments().any(|a| a.get_long() == Some(flag))
                            || cli.get_arguments().any(|a| a.get_long() == Some(flag)),
                        "{}: `{line}`: `cargo xtask {name}` has no --{flag}",
                        doc.display()
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 5, "only {checked} commands found");
    }
}
