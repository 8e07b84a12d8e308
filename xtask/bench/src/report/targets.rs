//! The targets the results are held against, and whether this run met them.

use std::fmt::Write as _;

use super::{loaded, rps_ratio};
use crate::Result;
use crate::criterion::Sdk;
use crate::flows::Flows;
use crate::load::VendorRow;
use crate::soak::Soak;
use crate::util::mb;

/// The targets the results are held against.
const TARGET_VS_PRISM: f64 = 15.0;
const TARGET_VS_FLOOR: f64 = 0.70;
const TARGET_P99_MS: f64 = 5.0;
const TARGET_SOAK_MB: f64 = 64.0;
const TARGET_FLOWS: f64 = 5000.0;
const TARGET_SDK_OVERHEAD: f64 = 1.05;

/// The load figures the targets judge, per vendor (where both sides were measured).
#[derive(Debug, Default)]
pub(super) struct Ratios {
    vs_prism: Vec<(&'static str, f64)>,
    vs_floor: Vec<(&'static str, f64)>,
    p99s: Vec<(&'static str, f64)>,
    vs_floor_shared: Vec<(&'static str, f64)>,
    p99s_shared: Vec<(&'static str, f64)>,
}

impl Ratios {
    pub(super) fn of(rows: &[VendorRow]) -> Self {
        let mut ratios = Self::default();
        for row in rows {
            let mock = loaded(&row.mock);
            if let Some(r) = rps_ratio(mock, loaded(&row.prism)) {
                ratios.vs_prism.push((row.vendor, r));
            }
            if let Some(r) = rps_ratio(mock, loaded(&row.floor)) {
                ratios.vs_floor.push((row.vendor, r));
            }
            if let Some(m) = mock {
                ratios.p99s.push((row.vendor, m.p99_ms));
            }
            let mock_shared = loaded(&row.mock_shared);
            if let Some(r) = rps_ratio(mock_shared, loaded(&row.floor_shared)) {
                ratios.vs_floor_shared.push((row.vendor, r));
            }
            if let Some(m) = mock_shared {
                ratios.p99s_shared.push((row.vendor, m.p99_ms));
            }
        }
        ratios
    }
}

fn verdict(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "not measured",
    }
}

/// `Vendor figure, …`.
fn list(xs: &[(&str, f64)], f: impl Fn(f64) -> String) -> String {
    xs.iter()
        .map(|(v, x)| format!("{v} {}", f(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether every vendor meets `ok`; `None` if none was measured.
fn all(xs: &[(&str, f64)], ok: impl Fn(f64) -> bool) -> Option<bool> {
    (!xs.is_empty()).then(|| xs.iter().all(|(_, x)| ok(*x)))
}

/// The targets table: the load targets, then those of the soak, the flows and the SDK.
pub(super) fn report_targets(
    md: &mut String,
    ratios: &Ratios,
    (pinned, connections): (bool, u32),
    flows: Option<&Result<Flows>>,
    sdk: Option<&Result<Sdk>>,
    soak: Option<&Result<Soak>>,
) {
    let _ = writeln!(md, "\n#### Targets\n");
    let _ = writeln!(md, "| target | this run | met? |\n|---|---|---|");
    load_targets(md, ratios, pinned, connections);
    soak_target(md, soak);
    flows_target(md, flows);
    sdk_target(md, sdk);
}

/// Against Prism, against the floor, the p99 (each also with every CPU shared, if pinned).
fn load_targets(md: &mut String, ratios: &Ratios, is_pinned: bool, connections: u32) {
    let _ = writeln!(
        md,
        "| mock ≥ {TARGET_VS_PRISM}× Prism's requests/s | {} | {} |",
        list(&ratios.vs_prism, |r| format!("{r:.1}×")),
        verdict(all(&ratios.vs_prism, |r| r >= TARGET_VS_PRISM))
    );
    let pinned = if is_pinned { " (pinned)" } else { "" };
    let _ = writeln!(
        md,
        "| mock ≥ {:.0}% of the bare-hyper floor{pinned} | {} | {} |",
        TARGET_VS_FLOOR * 100.0,
        list(&ratios.vs_floor, |r| format!("{:.0}%", r * 100.0)),
        verdict(all(&ratios.vs_floor, |r| r >= TARGET_VS_FLOOR))
    );
    if is_pinned {
        let _ = writeln!(
            md,
            "| the same, every CPU shared | {} | {} |",
            list(&ratios.vs_floor_shared, |r| format!("{:.0}%", r * 100.0)),
            verdict(all(&ratios.vs_floor_shared, |r| r >= TARGET_VS_FLOOR))
        );
    }
    let _ = writeln!(
        md,
        "| mock p99 ≤ {TARGET_P99_MS} ms at {connections} connections{pinned} | {} | {} |",
        list(&ratios.p99s, |p| format!("{p:.2} ms")),
        verdict(all(&ratios.p99s, |p| p <= TARGET_P99_MS))
    );
    if is_pinned {
        let _ = writeln!(
            md,
            "| the same, every CPU shared | {} | {} |",
            list(&ratios.p99s_shared, |p| format!("{p:.2} ms")),
            verdict(all(&ratios.p99s_shared, |p| p <= TARGET_P99_MS))
        );
    }
}

/// Memory flat across a million requests, and under the cap.
fn soak_target(md: &mut String, soak: Option<&Result<Soak>>) {
    let soak_ok = soak.and_then(|s| s.as_ref().ok());
    let _ = writeln!(
        md,
        "| RSS flat across a 1M-request soak, under {TARGET_SOAK_MB} MB | {} | {} |",
        soak_ok.map_or_else(
            || "—".to_owned(),
            |s| format!(
                "{} requests: {:.1} → {:.1} MB after the first 10%, peak {:.1} MB",
                s.requests,
                mb(s.rss_settled_kb),
                mb(s.rss_end_kb),
                mb(s.hwm_kb)
            )
        ),
        verdict(soak_ok.map(|s| {
            s.requests >= 1_000_000
                && mb(s.hwm_kb) < TARGET_SOAK_MB
                && (s.rss_end_kb as f64) <= s.rss_settled_kb as f64 * 1.10 + 1024.0
        }))
    );
}

/// Complete flows per second, without errors.
fn flows_target(md: &mut String, flows: Option<&Result<Flows>>) {
    let flows_ok = flows.and_then(|f| f.as_ref().ok());
    let _ = writeln!(
        md,
        "| ≥ {TARGET_FLOWS:.0} complete flows/s | {} | {} |",
        flows_ok.map_or_else(
            || "—".to_owned(),
            |f| format!("{:.0} flows/s", f.flows as f64 / f.secs)
        ),
        verdict(flows_ok.map(|f| f.errors == 0 && f.flows as f64 / f.secs >= TARGET_FLOWS))
    );
}

/// The SDK's overhead over raw reqwest (the paired median).
fn sdk_target(md: &mut String, sdk: Option<&Result<Sdk>>) {
    let sdk_ok = sdk.and_then(|s| s.as_ref().ok());
    let _ = writeln!(
        md,
        "| SDK within 5% of raw reqwest | {} | {} |",
        sdk_ok.map_or_else(
            || "—".to_owned(),
            |s| format!("{:+.1}% (paired median)", (s.ratio() - 1.0) * 100.0)
        ),
        verdict(sdk_ok.map(|s| s.ratio() <= TARGET_SDK_OVERHEAD))
    );
}
