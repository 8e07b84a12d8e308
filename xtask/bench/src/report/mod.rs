//! The report: Markdown, one function per section, printed and written between the
//! `bench:results` markers of `BENCHMARKS.md`.

mod load;
mod runs;
mod setup;
mod targets;

use std::time::Duration;

use crate::builds::{BuildTime, UserBuild};
use crate::criterion::Sdk;
use crate::flows::Flows;
use crate::load::VendorRow;
use crate::soak::Soak;
use crate::tenants::Tenants;
use crate::util::clip;
use crate::wrk::Load;
use crate::{Bench, Result};

const RESULTS_START: &str = "<!-- bench:results:start (written by `cargo xtask bench`) -->";
const RESULTS_END: &str = "<!-- bench:results:end -->";

/// The runs besides the load tables, each `None` when not run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Runs<'a> {
    pub(crate) flows: Option<&'a Result<Flows>>,
    pub(crate) tenants: Option<&'a Result<Tenants>>,
    pub(crate) sdk: Option<&'a Result<Sdk>>,
    pub(crate) soak: Option<&'a Result<Soak>>,
}

impl Bench {
    /// The whole report: the setting, the load tables, the other runs, the targets.
    pub(crate) fn report(
        &self,
        rows: &[VendorRow],
        Runs {
            flows,
            tenants,
            sdk,
            soak,
        }: Runs<'_>,
        (builds, user_builds): (&[BuildTime], &[UserBuild]),
        instructions: Option<&crate::Result<Vec<crate::instructions::Instructions>>>,
        (load_start, load_end, elapsed): (String, String, Duration),
    ) -> String {
        let mut md = String::new();
        self.report_setup(&mut md, (&load_start, &load_end), elapsed);
        load::report_load(&mut md, rows);
        if self.pin.is_some() && !rows.is_empty() {
            load::report_shared(&mut md, rows);
        }
        load::report_ratios(&mut md, rows);
        load::report_baseline(&mut md, rows);
        runs::report_flows(&mut md, flows, self.args.flow_workers);
        runs::report_tenants(&mut md, tenants, self.args.tenant_flows);
        runs::report_sdk(&mut md, sdk);
        runs::report_soak(&mut md, soak);
        runs::report_builds(&mut md, builds, self.args.with_builds);
        runs::report_user_builds(&mut md, user_builds);
        runs::report_instructions(&mut md, instructions);
        targets::report_targets(
            &mut md,
            &targets::Ratios::of(rows),
            (self.pin.is_some(), self.args.connections),
            flows,
            sdk,
            soak,
        );
        md
    }

    pub(crate) fn write_results(&self, report: &str) -> Result<()> {
        let path = self.root.join("BENCHMARKS.md");
        let old = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            format!("# Benchmarks\n\n## Results\n\n{RESULTS_START}\n{RESULTS_END}\n")
        });
        let section = format!("{RESULTS_START}\n\n{report}\n{RESULTS_END}");
        let new = match (old.find(RESULTS_START), old.find(RESULTS_END)) {
            (Some(start), Some(end)) if end > start => format!(
                "{}{section}{}",
                &old[..start],
                &old[end + RESULTS_END.len()..]
            ),
            _ => format!("{}\n## Results\n\n{section}\n", old.trim_end()),
        };
        std::fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("bench: results written to {}", path.display());
        Ok(())
    }
}

/// A server's load, if it was run and succeeded.
fn loaded(result: &Option<Result<Load>>) -> Option<&Load> {
    result.as_ref().and_then(|r| r.as_ref().ok())
}

/// The mock's requests/s over another server's, when both were measured.
fn rps_ratio(mock: Option<&Load>, other: Option<&Load>) -> Option<f64> {
    match (mock, other) {
        (Some(m), Some(o)) if o.rps > 0.0 => Some(m.rps / o.rps),
        _ => None,
    }
}

/// An error, fit for a table cell.
fn error_cell(e: &str) -> String {
    clip(&e.replace('|', "/").replace('\n', " "), 300)
}
