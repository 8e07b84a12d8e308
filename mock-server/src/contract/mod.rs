//! The vendors' contracts: what each vendor's spec states about its connect operation (servers,
//! method and path, how it takes the key, its query and body with required-ness, types, formats,
//! patterns and enum values, its documented statuses and bodies), generated from `specs/` by
//! `cargo xtask codegen` into `specs/<vendor>/contract.json` and served by the spec crate
//! (`social_connect_spec`, the model the SDK and xtask share), and the validator that checks a
//! request against one.
//!
//! This is the bottom layer of the crate: it knows no vendor by name and imports nothing of the
//! crate. A vendor module validates a request with [`Contract::validate`] first, answers a
//! [`Violation`] in its own error shape, and only then applies its stateful rules (owners,
//! roles, conflicts, flows). A value a spec adds is accepted with no code change here; a value it
//! removes is refused; a field it makes required is enforced.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

mod example;
mod validate;

pub(crate) use example::{complete, example, set_at};

pub(crate) use validate::{MAX_STRING_BYTES, Validated, Violation, ViolationKind};

pub(crate) use social_connect_spec::{Property, Schema, Ty};

/// What a vendor's spec states about its connect operation (the model the SDK and xtask
/// share: `social_connect_spec::Contract`, read from `specs/<vendor>/contract.json`), with what
/// the mock derives from it once.
#[derive(Debug)]
pub(crate) struct Contract {
    /// The contract.
    spec: &'static social_connect_spec::Contract,
    /// Where the mock serves the vendor's API: its manifest's `mock.mount` and the first server
    /// URL's path.
    pub(crate) mock_prefix: String,
    /// The status of the first documented 2xx response (200 when none is).
    pub(crate) success: u16,
}

impl std::ops::Deref for Contract {
    type Target = social_connect_spec::Contract;

    fn deref(&self) -> &Self::Target {
        self.spec
    }
}

/// What [`Contract::complete_answer`] made of an answer.
#[derive(Debug)]
pub(crate) enum Completion {
    /// It holds everything the spec requires of its status (or the spec requires nothing).
    Complete,
    /// It lacked something the spec requires: the answer with it filled in.
    Filled(Vec<u8>),
    /// It is not JSON: left as it is.
    Unread,
}

impl Contract {
    /// `spec`, served under `mount` (and the path of its first server).
    pub(crate) fn new(spec: &'static social_connect_spec::Contract, mount: &str) -> Contract {
        Contract {
            spec,
            mock_prefix: spec.mock_prefix(mount),
            success: spec.success_status().unwrap_or(200),
        }
    }

    /// `body`, an answer of `status` a vendor module wrote, with every property the spec
    /// requires of it and the module does not write (one the spec added since) filled in with
    /// the smallest valid value.
    pub(crate) fn complete_answer(&self, status: u16, body: &[u8]) -> Completion {
        let Some(schema) = self.response(status).and_then(|r| r.schema.as_ref()) else {
            return Completion::Complete;
        };
        if schema.properties.is_empty() {
            return Completion::Complete;
        }
        let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
            return Completion::Unread;
        };
        if !complete(schema, &mut value) {
            return Completion::Complete;
        }
        match serde_json::to_vec(&value) {
            Ok(body) => Completion::Filled(body),
            Err(_) => Completion::Unread,
        }
    }

    /// Where an answer departs from what the spec documents: an undocumented status, another
    /// media type, a body that is not JSON or not valid against the documented schema. Empty
    /// when it matches. (For `verify` and the tests.)
    #[cfg(any(test, feature = "cli"))]
    pub(crate) fn check_response(
        &self,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Vec<String> {
        let Some(documented) = self.response(status) else {
            let listed: Vec<_> = self.responses.iter().map(|r| r.status.as_str()).collect();
            return vec![format!(
                "status {status} is not documented (the spec documents {})",
                listed.join(", ")
            )];
        };
        let mut out = Vec::new();
        let Some(media) = documented.media.as_deref() else {
            return out;
        };
        let got = content_type
            .and_then(|c| c.split(';').next())
            .map(str::trim)
            .unwrap_or("");
        let same =
            got.eq_ignore_ascii_case(media) || (validate::is_json(media) && validate::is_json(got));
        if !same {
            out.push(format!(
                "content type {got:?}, where the spec documents {media:?} for {status}"
            ));
        }
        if let Some(schema) = &documented.schema
            && validate::is_json(media)
        {
            match serde_json::from_slice::<Value>(body) {
                Ok(v) => {
                    if let Err(violation) = validate::response(schema, &v) {
                        out.push(format!(
                            "the body is not what the spec documents for {status}: {}",
                            violation.message
                        ));
                    }
                }
                Err(_) => out.push(format!(
                    "the body is not JSON, where the spec documents JSON for {status}"
                )),
            }
        }
        out
    }

    /// The key the request carries in one of the contract's schemes, if any.
    pub(crate) fn key<'r>(
        &self,
        headers: impl Fn(&str) -> Option<&'r str>,
        query: impl Fn(&str) -> Option<String>,
    ) -> Option<String> {
        self.auth.iter().find_map(|a| a.read(&headers, &query))
    }

    /// The key the request carries in a header of one of the contract's schemes (not the
    /// query: a web page can put a query on a cross-site request, not a header).
    pub(crate) fn header_key(&self, req: &crate::core::MockRequest) -> Option<String> {
        self.key(|name| req.header(name), |_| None)
    }

    /// Validates a request's path parameters against the contract's.
    pub(crate) fn validate_path(&self, params: &[(&str, String)]) -> Result<(), Violation> {
        validate::path(self, params)
    }

    /// Validates a request's query and body against the contract (see [`validate`]).
    pub(crate) fn validate(
        &self,
        query: &[(Cow<'_, str>, Cow<'_, str>)],
        content_type: Option<&str>,
        body: &[u8],
        lax: bool,
    ) -> Result<Validated, Violation> {
        validate::request(self, query, content_type, body, lax)
    }
}

/// The compiled `pattern`s of every contract, built on first use.
fn patterns() -> &'static HashMap<&'static str, Option<regex::Regex>> {
    static PATTERNS: OnceLock<HashMap<&'static str, Option<regex::Regex>>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let mut out = HashMap::new();
        fn walk(s: &'static Schema, out: &mut HashMap<&'static str, Option<regex::Regex>>) {
            if let Some(p) = s.pattern.as_deref() {
                out.entry(p).or_insert_with(|| regex::Regex::new(p).ok());
            }
            for prop in &s.properties {
                walk(&prop.schema, out);
            }
            if let Some(items) = s.items.as_deref() {
                walk(items, out);
            }
        }
        for c in social_connect_spec::vendors().filter_map(social_connect_spec::contract) {
            for p in c.query.iter().chain(&c.path_params) {
                walk(&p.schema, &mut out);
            }
            if let Some(b) = &c.body {
                walk(&b.schema, &mut out);
            }
        }
        out
    })
}

/// Whether `s` matches `pattern` (a pattern that does not compile matches everything: the
/// contract test `every_pattern_compiles` keeps that from happening unnoticed).
pub(crate) fn pattern_matches(pattern: &str, s: &str) -> bool {
    match patterns().get(pattern) {
        Some(Some(re)) => re.is_match(s),
        Some(None) => true,
        None => regex::Regex::new(pattern).map_or(true, |re| re.is_match(s)),
    }
}

/// A body as an object, for vendors that take one.
pub(crate) type Object = Map<String, Value>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for (p, re) in patterns() {
            assert!(re.is_some(), "pattern {p:?} does not compile");
        }
    }
}
