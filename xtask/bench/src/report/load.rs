//! The load sections: the main table, the shared-CPU table, the ratios, the baseline.

use std::fmt::Write as _;

use super::{error_cell, loaded, rps_ratio};
use crate::load::VendorRow;
use crate::util::mb;

/// Each server's requests/s, latency, errors and memory, per vendor (pinned, if pinning).
pub(super) fn report_load(md: &mut String, rows: &[VendorRow]) {
    let _ = writeln!(md, "\n#### The connect endpoint under load\n");
    let _ = writeln!(
        md,
        "| vendor | server | status | requests/s | p50 | p99 | errors | RSS idle → peak |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        for (server, result) in [
            ("mock", &row.mock),
            ("mock (baseline)", &row.baseline),
            ("bare hyper floor", &row.floor),
            ("Prism", &row.prism),
            ("WireMock", &row.wiremock),
        ] {
            match result {
                None => {}
                Some(Ok(l)) => {
                    let _ = writeln!(
                        md,
                        "| {} | {server} | {} | {:.0} | {:.2} ms | {:.2} ms | {} of {} | {:.1} → {:.1} MB |",
                        row.vendor,
                        l.status,
                        l.rps,
                        l.p50_ms,
                        l.p99_ms,
                        l.errors,
                        l.requests,
                        mb(l.rss_idle_kb),
                        mb(l.hwm_kb)
                    );
                }
                Some(Err(e)) => {
                    let _ = writeln!(
                        md,
                        "| {} | {server} | — | — | — | — | — | {} |",
                        row.vendor,
                        error_cell(e)
                    );
                }
            }
        }
    }
}

/// The mock and the floor again with every CPU shared (only when the main table is pinned).
pub(super) fn report_shared(md: &mut String, rows: &[VendorRow]) {
    let _ = writeln!(
        md,
        "\n#### The same, with every CPU shared by the server and wrk\n"
    );
    let _ = writeln!(
        md,
        "| vendor | server | requests/s | p50 | p99 | errors | mock / floor |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|");
    for row in rows {
        let ratio = rps_ratio(loaded(&row.mock_shared), loaded(&row.floor_shared));
        for (server, result, cell) in [
            (
                "mock",
                &row.mock_shared,
                ratio.map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0)),
            ),
            ("bare hyper floor", &row.floor_shared, String::new()),
        ] {
            match result {
                None => {}
                Some(Ok(l)) => {
                    let _ = writeln!(
                        md,
                        "| {} | {server} | {:.0} | {:.2} ms | {:.2} ms | {} of {} | {cell} |",
                        row.vendor, l.rps, l.p50_ms, l.p99_ms, l.errors, l.requests
                    );
                }
                Some(Err(e)) => {
                    let _ = writeln!(
                        md,
                        "| {} | {server} | — | — | — | {} | |",
                        row.vendor,
                        error_cell(e)
                    );
                }
            }
        }
    }
}

/// The mock against Prism and against the floor, per vendor.
pub(super) fn report_ratios(md: &mut String, rows: &[VendorRow]) {
    let _ = writeln!(md, "\n#### Ratios\n");
    let _ = writeln!(
        md,
        "| vendor | mock / Prism (requests/s) | mock / WireMock (requests/s) | mock / floor (requests/s) | mock p99 / floor p99 |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    for row in rows {
        let mock = loaded(&row.mock);
        let floor = loaded(&row.floor);
        let rp = rps_ratio(mock, loaded(&row.prism));
        let rw = rps_ratio(mock, loaded(&row.wiremock));
        let rf = rps_ratio(mock, floor);
        let p99_ratio = match (mock, floor) {
            (Some(m), Some(f)) if f.p99_ms > 0.0 => format!("{:.2}×", m.p99_ms / f.p99_ms),
            _ => "—".to_owned(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {p99_ratio} |",
            row.vendor,
            rp.map_or_else(|| "—".to_owned(), |r| format!("{r:.1}×")),
            rw.map_or_else(|| "—".to_owned(), |r| format!("{r:.1}×")),
            rf.map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0)),
        );
    }
}

/// `--baseline-mock`: this build's requests/s against the other build's.
pub(super) fn report_baseline(md: &mut String, rows: &[VendorRow]) {
    let vs_baseline: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let m = loaded(&row.mock)?;
            let b = loaded(&row.baseline)?;
            (b.rps > 0.0).then(|| format!("{} {:.2}×", row.vendor, m.rps / b.rps))
        })
        .collect();
    if !vs_baseline.is_empty() {
        let _ = writeln!(
            md,
            "\nThis build against the baseline build (requests/s): {}.",
            vs_baseline.join(", ")
        );
    }
}
