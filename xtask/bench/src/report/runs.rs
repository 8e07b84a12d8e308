//! The sections of the other runs: complete flows, the SDK against raw reqwest, the soak, the
//! builds.

use std::fmt::Write as _;

use crate::Result;
use crate::builds::{BuildTime, UserBuild};
use crate::criterion::Sdk;
use crate::flows::{FLOW_REDIRECT, Flows};
use crate::soak::Soak;
use crate::tenants::Tenants;
use crate::util::{clip, mb};

/// Complete connect flows per second, their latency and the mock's memory.
pub(super) fn report_flows(md: &mut String, flows: Option<&Result<Flows>>, flow_workers: usize) {
    let _ = writeln!(md, "\n#### Complete connect flows against the mock\n");
    match flows {
        None => {
            let _ = writeln!(md, "Not run.");
        }
        Some(Ok(f)) => {
            let _ = writeln!(
                md,
                "WoopSocial, {} workers for {:.0} s, each flow = POST connect (with `redirectUrl` {FLOW_REDIRECT}) + GET the authorization URL with `&decision=approve` (302) + GET the callback (302 to the app, `status=success` checked; not followed): **{:.0} flows/s** ({} flows, {} errors{}), flow latency p50 {:.2} ms, p99 {:.2} ms; the mock's peak RSS {:.1} MB.",
                flow_workers,
                f.secs,
                f.flows as f64 / f.secs,
                f.flows,
                f.errors,
                f.first_error
                    .as_ref()
                    .map(|e| format!(", first: {}", clip(e, 200)))
                    .unwrap_or_default(),
                f.p50_ms,
                f.p99_ms,
                mb(f.hwm_kb)
            );
        }
        Some(Err(e)) => {
            let _ = writeln!(md, "Failed: {e}");
        }
    }
}

/// Tenants doing flows at once: throughput, isolation, memory.
pub(super) fn report_tenants(md: &mut String, run: Option<&Result<Tenants>>, per_tenant: usize) {
    let _ = writeln!(md, "\n#### Tenants doing flows at once\n");
    match run {
        None => {
            let _ = writeln!(md, "Not run.");
        }
        Some(Err(e)) => {
            let _ = writeln!(md, "Failed: {}", clip(e, 500));
        }
        Some(Ok(t)) => {
            let held = t.errors == 0 && t.cross_talk == 0 && t.listed == t.tenants;
            let _ = writeln!(
                md,
                "{} tenants (`/t/bench-N/…`, up to 256 at work at once) × {per_tenant} WoopSocial flows each (connect with a `redirectUrl` naming the tenant, approve, callback; the app's `socialAccountIds` kept), then each tenant's accounts read back: **{:.0} flows/s** ({} flows in {:.1} s, {} errors{}), flow latency p50 {:.2} ms, p99 {:.2} ms. Tenants holding other than exactly their own flows' accounts: **{}**; listed by `GET /__admin/tenants`: {} (their weight by the mock's count: {:.1} MB). The mock's RSS: {:.1} MB at start, {:.1} MB at the end, peak {:.1} MB. {}",
                t.tenants,
                t.flows as f64 / t.secs.max(1e-9),
                t.flows,
                t.secs,
                t.errors,
                t.first_error
                    .as_ref()
                    .map(|e| format!(", first: {}", clip(e, 200)))
                    .unwrap_or_default(),
                t.p50_ms,
                t.p99_ms,
                t.cross_talk,
                t.listed,
                t.weight_bytes as f64 / 1e6,
                mb(t.rss_start_kb),
                mb(t.rss_end_kb),
                mb(t.hwm_kb),
                if held {
                    "Every flow completed once, in its own tenant."
                } else {
                    "**Isolation did not hold.**"
                }
            );
        }
    }
}

/// `Client::connect` against a raw reqwest POST: criterion's medians and the paired ratio.
pub(super) fn report_sdk(md: &mut String, sdk: Option<&Result<Sdk>>) {
    let _ = writeln!(md, "\n#### `Client::connect` against raw reqwest\n");
    match sdk {
        None => {
            let _ = writeln!(md, "Not run (`--no-criterion`).");
        }
        Some(Err(e)) => {
            let _ = writeln!(md, "Failed: {}", clip(e, 500));
        }
        Some(Ok(s)) => {
            let _ = writeln!(
                md,
                "`cargo bench -p social-connect --bench connect` (criterion medians, 95% CI), one loopback round trip to a bare hyper server: raw reqwest POST {:.1} µs [{:.1}, {:.1}], `Client::connect` {:.1} µs [{:.1}, {:.1}] ({:+.1}%, the two measured seconds apart).",
                s.raw_ns / 1e3,
                s.raw_ci.0 / 1e3,
                s.raw_ci.1 / 1e3,
                s.client_ns / 1e3,
                s.client_ci.0 / 1e3,
                s.client_ci.1 / 1e3,
                (s.client_ns / s.raw_ns - 1.0) * 100.0
            );
            match s.paired {
                Some((median, q1, q3)) => {
                    let _ = writeln!(
                        md,
                        "\nPaired (the same bench, 41 rounds of 100 raw + 100 `connect` calls back to back, alternating which goes first): **SDK / raw = {median:.3}** ({:+.1}%), quartiles {q1:.3}–{q3:.3}.",
                        (median - 1.0) * 100.0
                    );
                }
                None => {
                    let _ = writeln!(md, "\nThe paired measurement printed no result.");
                }
            }
        }
    }
}

/// The soak: requests, errors and the mock's memory along the way.
pub(super) fn report_soak(md: &mut String, soak: Option<&Result<Soak>>) {
    let _ = writeln!(md, "\n#### Soak\n");
    match soak {
        None => {
            let _ = writeln!(md, "Not run (`--soak N`).");
        }
        Some(Err(e)) => {
            let _ = writeln!(md, "Failed: {e}");
        }
        Some(Ok(s)) => {
            let _ = writeln!(
                md,
                "{} requests (connects rotating over the five vendors, wrk in chunks of ≤ 10 s) to one mock process in {:.0} s ({:.0} requests/s), {} errors. RSS: {:.1} MB at start, {:.1} MB after 10% of the requests, {:.1} MB at the end, peak (VmHWM) {:.1} MB.",
                s.requests,
                s.secs,
                s.requests as f64 / s.secs,
                s.errors,
                mb(s.rss_start_kb),
                mb(s.rss_settled_kb),
                mb(s.rss_end_kb),
                mb(s.hwm_kb)
            );
            let samples: Vec<String> = s
                .samples
                .iter()
                .map(|(n, r)| format!("{}k: {:.1}", n / 1000, mb(*r)))
                .collect();
            let _ = writeln!(md, "\nRSS (MB) after N requests: {}.", samples.join(", "));
            report_hostile(md, s.hostile.as_ref());
        }
    }
}

/// Cold and warm build times of `social-connect`.
pub(super) fn report_builds(md: &mut String, builds: &[BuildTime], with_builds: bool) {
    let _ = writeln!(md, "\n#### Builds of `social-connect` (dev profile)\n");
    let _ = writeln!(
        md,
        "| features | cold (fresh target dir) | warm (touch sdk/src/lib.rs) |\n|---|---:|---:|"
    );
    for b in builds {
        let secs =
            |s: Option<f64>, what: &str| s.map_or_else(|| what.to_owned(), |s| format!("{s:.1} s"));
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            b.label,
            secs(
                b.cold_s,
                if with_builds {
                    "failed"
                } else {
                    "not run (`--with-builds`)"
                }
            ),
            secs(
                b.warm_s,
                if b.cold_s.is_none() && !with_builds {
                    "not run"
                } else {
                    "failed"
                }
            ),
        );
    }
}

/// A user's cold test build with the mock or the SDK, beside its anchor (goals: the mock at
/// most 1.3× wiremock alone, the SDK at most 1.15× raw reqwest).
pub(super) fn report_user_builds(md: &mut String, builds: &[UserBuild]) {
    if builds.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "\n#### A user's cold `cargo test --no-run` (fresh crate, own target dir, this \
         workspace's Cargo.lock)\n"
    );
    let _ = writeln!(
        md,
        "| what | ours | anchor | ratio | goal |\n|---|---:|---:|---:|---:|"
    );
    for (b, goal) in builds.iter().zip(["1.30×", "1.15×"]) {
        let secs = |s: Option<f64>| s.map_or_else(|| "failed".to_owned(), |s| format!("{s:.1} s"));
        let _ = writeln!(
            md,
            "| {} | `{}` {} | `{}` {} | {} | ≤ {goal} |",
            b.label,
            b.ours,
            secs(b.ours_s),
            b.anchor,
            secs(b.anchor_s),
            b.ratio()
                .map_or_else(|| "–".to_owned(), |r| format!("{r:.2}×")),
        );
    }
}

/// Instructions per request under callgrind, the mock against the floor (goal: at most 1.5×).
pub(super) fn report_instructions(
    md: &mut String,
    instructions: Option<&crate::Result<Vec<crate::instructions::Instructions>>>,
) {
    let Some(result) = instructions else {
        return;
    };
    let _ = writeln!(
        md,
        "\n#### Instructions per request (`valgrind --tool=callgrind`, keep-alive, one connection)\n"
    );
    let rows = match result {
        Ok(rows) => rows,
        Err(e) => {
            let _ = writeln!(md, "Not run: {e}.");
            return;
        }
    };
    let baseline = rows.iter().any(|r| r.baseline_connect.is_some());
    let _ = writeln!(
        md,
        "| vendor | mock, connect | floor, connect | mock / floor | mock, whole flow and a reset (requests) |{}\n|---|---:|---:|---:|---:|{}",
        if baseline {
            " baseline mock, connect | this / baseline |"
        } else {
            ""
        },
        if baseline { "---:|---:|" } else { "" },
    );
    let k = |r: &crate::Result<f64>| {
        r.as_ref().map_or_else(
            |e| format!("failed: {e}"),
            |v| format!("{:.1}k", v / 1000.0),
        )
    };
    for row in rows {
        let old = match &row.baseline_connect {
            None => String::new(),
            Some(old) => {
                let vs = match (&row.mock_connect, old) {
                    (Ok(new), Ok(old)) if *old > 0.0 => format!("{:.2}×", new / old),
                    _ => "–".to_owned(),
                };
                format!(" {} | {vs} |", k(old))
            }
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} ({}) |{old}",
            row.vendor.name(),
            k(&row.mock_connect),
            k(&row.floor_connect),
            row.ratio()
                .map_or_else(|| "–".to_owned(), |r| format!("{r:.2}×")),
            k(&row.mock_flow),
            row.flow_requests,
        );
    }
}

/// The soak's hostile phase: the normal load's latency alone and beside the attackers.
fn report_hostile(md: &mut String, hostile: Option<&Result<crate::soak::Hostile>>) {
    let _ = writeln!(md, "\n#### Soak: the hostile phase\n");
    match hostile {
        None => {
            let _ = writeln!(md, "Not run.");
        }
        Some(Err(e)) => {
            let _ = writeln!(md, "Failed: {e}");
        }
        Some(Ok(h)) => {
            let _ = writeln!(
                md,
                "Postbreeze connects by wrk, alone and then beside 1,100 connections that drip \
                 request bodies a byte a second (reconnecting when closed), 8 readers of the whole \
                 request log that never read, and a client sending 30 KB URLs; the same mock \
                 process, after the soak.\n\n\
                 | run | requests/s | p50 | p99 | errors |\n|---|---|---|---|---|\n\
                 | alone | {:.0} | {:.2} ms | {:.2} ms | {} |\n\
                 | beside the attackers | {:.0} | {:.2} ms | {:.2} ms | {} |\n\n\
                 The attackers opened {} connections (the mock closed the stalest to make room) and \
                 had {} long-URL requests answered. RSS: {:.1} MB before the attack, {:.1} MB after, \
                 peak (VmHWM, the whole run) {:.1} MB.",
                h.alone.rps,
                h.alone.p50_ms,
                h.alone.p99_ms,
                h.alone.errors,
                h.attacked.rps,
                h.attacked.p50_ms,
                h.attacked.p99_ms,
                h.attacked.errors,
                h.attacker_connections,
                h.long_urls,
                mb(h.rss_before_kb),
                mb(h.rss_after_kb),
                mb(h.hwm_kb)
            );
        }
    }
}
