//! The soak: many requests against one mock process, its memory sampled between chunks of load.

use std::time::Instant;

use social_connect_mock::MockVendor;
use social_connect_mock::samples;

use crate::{Bench, Result};

/// The soak's results; `samples` are (requests so far, RSS in kB).
#[derive(Debug, Default)]
pub(crate) struct Soak {
    pub(crate) requests: u64,
    pub(crate) errors: u64,
    pub(crate) secs: f64,
    pub(crate) rss_start_kb: u64,
    pub(crate) rss_settled_kb: u64,
    pub(crate) rss_end_kb: u64,
    pub(crate) hwm_kb: u64,
    pub(crate) samples: Vec<(u64, u64)>,
}

impl Bench {
    /// `total` requests against one mock process, rotating over the vendors.
    pub(crate) fn soak(&self, total: u64) -> Result<Soak> {
        let (mut mock, origin) = self.start_mock("soak")?;
        let mut soak = Soak {
            rss_start_kb: mock.rss_kb().unwrap_or(0),
            ..Soak::default()
        };
        let started = Instant::now();
        let mut rate = 0.0_f64;
        let mut round = 0usize;
        // Chunks of load, rotating over the vendors, until `total` requests have been answered;
        // the mock's RSS is sampled between chunks.
        while soak.requests < total {
            let v = MockVendor::ALL[round % MockVendor::ALL.len()];
            round += 1;
            let left = (total - soak.requests) as f64;
            let secs = if rate > 0.0 {
                (left / rate).ceil().clamp(1.0, 10.0) as u64
            } else {
                5
            };
            let url = format!("{origin}{}", samples::connect(v).target());
            let script = self.wrk_script(v, "soak")?;
            let load = self.wrk(&url, &script, secs)?;
            if load.requests == 0 {
                return Err(format!("no request answered ({})", v.name()));
            }
            rate = load.rps;
            soak.requests += load.requests;
            soak.errors += load.errors;
            let rss = mock.rss_kb().unwrap_or(0);
            soak.samples.push((soak.requests, rss));
            if mock.exited() {
                return Err("the mock exited during the soak".to_owned());
            }
        }
        soak.secs = started.elapsed().as_secs_f64();
        soak.rss_end_kb = mock.rss_kb().unwrap_or(0);
        soak.hwm_kb = mock.hwm_kb().unwrap_or(0);
        // "Settled": the first sample after 10% of the requests (the pending-flow cap is full).
        soak.rss_settled_kb = soak
            .samples
            .iter()
            .find(|(n, _)| *n >= total / 10)
            .map_or(soak.rss_start_kb, |(_, r)| *r);
        Ok(soak)
    }
}
