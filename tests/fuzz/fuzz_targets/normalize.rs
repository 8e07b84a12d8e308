//! The spec normaliser on any JSON document: an error or a document, never a panic; and a
//! document it returns is one progenitor can read: OpenAPI 3.0 (3.0.3 where the input was 3.1),
//! no `type` arrays left anywhere, and normalising it again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The workspace's vendors, from their manifests (read once).
static VENDORS: std::sync::LazyLock<Vec<xtask::vendors::Vendor>> =
    std::sync::LazyLock::new(|| xtask::vendors::of_compiled_workspace().unwrap_or_default());

/// The JSON pointer of the first `type` whose value is an array, if any.
fn type_array(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k == "type" && v.is_array() {
                Some(format!("{at}/type"))
            } else {
                type_array(v, &format!("{at}/{k}"))
            }
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| type_array(v, &format!("{at}/{i}"))),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let was_31 = doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1"));
    for vendor in VENDORS.iter() {
        let Ok(out) = xtask::normalize::normalize(vendor, doc.clone()) else {
            continue;
        };
        let version = out["openapi"].as_str().unwrap_or_default();
        assert!(version.starts_with("3.0"), "output version {version:?}");
        if was_31 {
            assert_eq!(version, "3.0.3");
        }
        assert_eq!(type_array(&out, ""), None, "a type array is left");
        let again = xtask::normalize::normalize(vendor, out.clone());
        assert_eq!(again.as_ref().ok(), Some(&out), "normalising twice changed it");
    }
});
