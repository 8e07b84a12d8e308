//! The spec normaliser on any JSON document: an error or a document, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for vendor in xtask::vendors::VENDORS {
        let _ = xtask::normalize::normalize(vendor, doc.clone());
    }
});
