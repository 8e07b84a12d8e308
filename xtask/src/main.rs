//! Maintainer tasks for the social-connect workspace, run as `cargo xtask <task>`.
//!
//! - `cargo xtask import <vendor> <docs-page.md>`: take a vendor's OpenAPI document out of its
//!   published docs page into `specs/<vendor>/`, with fresh provenance.
//! - `cargo xtask codegen [--check]`: normalise every spec and generate the SDK's per-vendor
//!   clients with progenitor; `--check` regenerates in memory and fails on drift.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod codegen;
mod import;

mod util;

use xtask::{normalize, vendors};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Maintainer tasks for social-connect")]
struct Cli {
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
    /// Generate `sdk/src/generated/<vendor>.rs` from `specs/<vendor>/openapi.yaml`.
    Codegen {
        /// Regenerate in memory and fail with a diff if the committed files are stale.
        #[arg(long)]
        check: bool,
    },
    /// Benchmark the mock and the SDK against their peers; writes BENCHMARKS.md's results.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = util::project_root();
    let result = match cli.task {
        Task::Import {
            vendor,
            page,
            source,
            date,
        } => import::run(&root, &vendor, &page, source.as_deref(), date.as_deref())
            .map_err(|e| e.to_string()),
        Task::Codegen { check } => codegen::run(&root, check).map_err(|e| e.to_string()),
        Task::Bench(args) => bench::run(&root, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
