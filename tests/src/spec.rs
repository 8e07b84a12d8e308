//! A vendor's published spec as a validator of what crosses the wire: documented status, declared
//! content type, body valid against the documented schema; and requests against the request
//! schema and required query parameters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use social_connect::Vendor;

/// One vendor's spec and its connect operation.
#[derive(Debug)]
pub struct Spec {
    vendor: Vendor,
    doc: Value,
    /// The connect operation (`paths.<path>.post`).
    operation: Value,
    /// Its path, as the spec writes it.
    path: String,
}

/// The file of the spec in a vendor's folder `dir` that every side reads: the published
/// `openapi.yaml`, or, for a vendor with local corrections, that spec through its overlay
/// ([`social_connect_spec::EFFECTIVE_SPEC`], which codegen writes).
pub fn document(dir: &Path) -> PathBuf {
    let effective = dir.join(social_connect_spec::EFFECTIVE_SPEC);
    if effective.is_file() {
        effective
    } else {
        dir.join("openapi.yaml")
    }
}

/// Why a request or response does not match the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch(pub String);

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Spec {
    /// The spec of `vendor`, loaded once from `specs/<vendor>/` ([`document`]).
    pub fn of(vendor: Vendor) -> &'static Spec {
        static SPECS: OnceLock<BTreeMap<Vendor, Spec>> = OnceLock::new();
        let specs = SPECS.get_or_init(|| {
            Vendor::ALL
                .into_iter()
                .map(|v| (v, Spec::load(v)))
                .collect()
        });
        &specs[&vendor]
    }

    fn load(vendor: Vendor) -> Spec {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../specs")
            .join(vendor.as_str());
        let file = document(&dir);
        let path = file.display();
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
        let yaml: serde_norway::Value =
            serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let doc = serde_json::to_value(yaml).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (template, item) = doc["paths"]
            .as_object()
            .and_then(|p| p.iter().next())
            .unwrap_or_else(|| panic!("{path}: no paths"));
        let template = template.clone();
        // The connect operation: the first method the path names (a spec of a connect API
        // names one here; the manifest's method is the same).
        let operation = ["post", "get", "put", "patch"]
            .iter()
            .find_map(|m| item.get(*m))
            .cloned()
            .unwrap_or_else(|| panic!("{path}: no connect operation under {template}"));
        Spec {
            vendor,
            doc,
            operation,
            path: template,
        }
    }

    /// A schema with the spec's components beside it, so its `$ref`s resolve.
    fn rooted(&self, schema: &Value) -> Value {
        let mut rooted = schema.clone();
        if let Some(map) = rooted.as_object_mut() {
            map.insert("components".into(), self.doc["components"].clone());
        }
        rooted
    }

    fn validate(&self, what: &str, schema: &Value, value: &Value) -> Result<(), Mismatch> {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&self.rooted(schema))
            .map_err(|e| {
                Mismatch(format!(
                    "{}: {what}: the spec's schema does not compile: {e}",
                    self.vendor
                ))
            })?;
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Mismatch(format!(
                "{}: {what} {value} does not match the spec: {}",
                self.vendor,
                errors.join("; ")
            )))
        }
    }

    /// Follows a local `$ref` chain.
    fn deref<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        while let Some(target) = value.get("$ref").and_then(Value::as_str) {
            match target.strip_prefix('#').and_then(|p| self.doc.pointer(p)) {
                Some(next) => value = next,
                None => break,
            }
        }
        value
    }

    /// Every string enum of the connect request as the spec lists it: `(field, values)` for
    /// each top-level body property and query parameter with an `enum`.
    pub fn request_enums(&self) -> Vec<(String, Vec<String>)> {
        let strings = |schema: &Value| -> Option<Vec<String>> {
            let values = self.deref(schema).get("enum")?.as_array()?;
            Some(
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            )
        };
        let mut out = Vec::new();
        let body =
            self.deref(&self.operation["requestBody"]["content"]["application/json"]["schema"]);
        if let Some(props) = body.get("properties").and_then(Value::as_object) {
            for (name, schema) in props {
                if let Some(values) = strings(schema) {
                    out.push((name.clone(), values));
                }
            }
        }
        for p in self.operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let (Some(name), Some(values)) = (p["name"].as_str(), strings(&p["schema"])) {
                out.push((name.to_owned(), values));
            }
        }
        out
    }

    /// The status codes the connect operation documents.
    pub fn documented_statuses(&self) -> Vec<u16> {
        self.operation["responses"]
            .as_object()
            .map(|r| r.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default()
    }

    /// Checks a response of the connect operation: its status is documented, its content type
    /// is one the spec declares for that status, and its body is valid against the schema.
    /// A status documented without content is not checked further.
    pub fn check_response(
        &self,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), Mismatch> {
        let responses = &self.operation["responses"];
        let response = match responses.get(status.to_string()) {
            Some(r) => r,
            None => responses.get("default").ok_or_else(|| {
                Mismatch(format!(
                    "{}: status {status} is not documented for the connect operation (documented: {:?})",
                    self.vendor,
                    self.documented_statuses()
                ))
            })?,
        };
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Ok(());
        };
        let media = content_type
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        let Some(declared) = content.get(media) else {
            return Err(Mismatch(format!(
                "{}: {status} answered with content type {media:?}, the spec declares {:?}",
                self.vendor,
                content.keys().collect::<Vec<_>>()
            )));
        };
        let body: Value = serde_json::from_slice(body)
            .map_err(|e| Mismatch(format!("{}: {status} body is not JSON: {e}", self.vendor)))?;
        self.validate(&format!("{status} body"), &declared["schema"], &body)
    }

    /// Checks a JSON body against the schema the connect operation documents for `status` (its
    /// `application/json` content). Unlike [`check_response`](Self::check_response), a status
    /// documented without a JSON schema, or not documented at all, is a mismatch: the caller says
    /// which schema it expects the body to have.
    pub fn check_body(&self, status: u16, body: &Value) -> Result<(), Mismatch> {
        let schema = &self.operation["responses"][status.to_string()]["content"]["application/json"]
            ["schema"];
        if !schema.is_object() {
            return Err(Mismatch(format!(
                "{}: the spec documents no JSON schema for {status}",
                self.vendor
            )));
        }
        self.validate(&format!("{status} body"), schema, body)
    }

    /// Checks a request to the connect operation: the JSON body against the request schema and
    /// every required query parameter present.
    pub fn check_request(&self, query: Option<&str>, body: &Value) -> Result<(), Mismatch> {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        for parameter in self.operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let name = parameter["name"].as_str().unwrap_or_default();
            if parameter["in"] == "query"
                && parameter["required"] == true
                && !pairs.iter().any(|(k, v)| k == name && !v.is_empty())
            {
                return Err(Mismatch(format!(
                    "{}: required query parameter `{name}` is missing",
                    self.vendor
                )));
            }
        }
        if self.operation.get("requestBody").is_none() {
            return if body.is_null() {
                Ok(())
            } else {
                Err(Mismatch(format!(
                    "{}: a body {body} sent to an operation that takes none",
                    self.vendor
                )))
            };
        }
        let schema = &self.operation["requestBody"]["content"]["application/json"]["schema"];
        self.validate("request body", schema, body)
    }

    /// The connect operation's path, as the spec writes it (`/integrations/{integration}`).
    pub fn path_template(&self) -> &str {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vendor_with_an_effective_spec_is_read_through_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("openapi.yaml"), "openapi: 3.0.3\n").unwrap();
        assert_eq!(document(dir.path()), dir.path().join("openapi.yaml"));
        let effective = dir.path().join(social_connect_spec::EFFECTIVE_SPEC);
        std::fs::write(&effective, "{}").unwrap();
        assert_eq!(document(dir.path()), effective);
    }
}
