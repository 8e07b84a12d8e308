//! `ConnectOutcome::from_redirect` on any query string: never a panic, and what it accepts is
//! well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use social_connect::{ConnectOutcome, Vendor};

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(url) = url::Url::parse(&format!("https://app.example.com/cb?{query}")) else {
        return;
    };
    for vendor in Vendor::ALL {
        if let Ok(outcome) = ConnectOutcome::from_redirect(vendor, &url) {
            assert_eq!(
                vendor,
                Vendor::WoopSocial,
                "only WoopSocial reports on its redirect"
            );
            match outcome {
                ConnectOutcome::Connected {
                    owner, account_ids, ..
                } => {
                    assert!(!owner.is_empty());
                    assert!(!account_ids.is_empty());
                    assert!(account_ids.iter().all(|id| !id.trim().is_empty()));
                }
                ConnectOutcome::Failed { error, .. } => assert!(!error.is_empty()),
                _ => {}
            }
        }
    }
});
