//! The vendors' contracts: what each vendor's spec states about its connect operation (servers,
//! method and path, how it takes the key, its query and body with required-ness, types, formats,
//! patterns and enum values, its documented statuses and bodies), generated from `specs/` by
//! `cargo xtask codegen` into `generated/<vendor>.rs`, and the validator that checks a request
//! against one.
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

/// Each vendor's generated contract module, and all of them in `MockVendor::ALL` order.
#[allow(clippy::all, clippy::unwrap_used)]
#[rustfmt::skip]
mod generated;

pub(crate) use generated::ALL;

/// What a vendor's spec states about its connect operation, as far as the mock reads it.
#[derive(Debug)]
pub(crate) struct Contract {
    /// The vendor's lower-case name.
    pub(crate) vendor: &'static str,
    /// Where the mock serves the vendor's API: `/{vendor}` and the first server URL's path.
    pub(crate) mock_prefix: &'static str,
    /// The connect operation's method (upper case).
    pub(crate) method: &'static str,
    /// The connect operation's path, relative to the server.
    pub(crate) path: &'static str,
    /// The ways the key may be sent (any one suffices).
    pub(crate) auth: &'static [Auth],
    /// Query parameters.
    pub(crate) query: &'static [Param],
    /// Path parameters (each required), in the order the path names them.
    pub(crate) path_params: &'static [Param],
    /// The request body.
    pub(crate) body: Option<Body>,
    /// The status of the first documented 2xx response (200 when none is).
    pub(crate) success: u16,
    /// The documented responses, in the spec's order.
    pub(crate) responses: &'static [Response],
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

/// A documented response.
#[derive(Debug)]
pub(crate) struct Response {
    /// The status as the spec writes it (`200`, `4XX`, `default`).
    pub(crate) status: &'static str,
    /// Its media type, when it documents a body.
    pub(crate) media: Option<&'static str>,
    /// Its body's schema, when it documents one.
    pub(crate) schema: Option<&'static Schema>,
}

/// One way of sending the API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Authorization: Bearer <key>` (scheme case-insensitive).
    Bearer,
    /// `Authorization: Basic base64(user:password)`: the key is the user name, or the password
    /// where the user name is empty.
    #[allow(dead_code)] // named by a generated contract whose spec takes the key so
    Basic,
    /// The key itself in the named header (lower case).
    Header(&'static str),
    /// The key in the named query parameter.
    #[allow(dead_code)] // named by a generated contract whose spec takes the key so
    Query(&'static str),
    /// A scheme the mock does not model: never satisfied.
    #[allow(dead_code)] // named by a generated contract whose spec has such a scheme
    Other(&'static str),
}

/// A query parameter.
#[derive(Debug)]
pub(crate) struct Param {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
    pub(crate) schema: &'static Schema,
}

/// The request body.
#[derive(Debug)]
pub(crate) struct Body {
    pub(crate) required: bool,
    pub(crate) media: &'static str,
    pub(crate) schema: &'static Schema,
}

/// A JSON type (every type a spec may name; today's specs name some).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    Null,
}

/// A literal of an `enum` or `const` (every kind a spec may list; today's specs list strings).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Lit {
    Str(&'static str),
    Int(i64),
    Bool(bool),
    Null,
    /// Any other JSON value, as its JSON text.
    Text(&'static str),
}

impl Lit {
    /// Whether `v` is this literal.
    pub(crate) fn matches(self, v: &Value) -> bool {
        match (self, v) {
            (Lit::Str(a), Value::String(b)) => a == b,
            (Lit::Int(a), Value::Number(b)) => b.as_i64() == Some(a),
            (Lit::Bool(a), Value::Bool(b)) => a == *b,
            (Lit::Null, Value::Null) => true,
            (Lit::Text(a), v) => serde_json::from_str::<Value>(a).is_ok_and(|a| a == *v),
            _ => false,
        }
    }

    /// How the literal reads in a message.
    pub(crate) fn text(self) -> String {
        match self {
            Lit::Str(s) | Lit::Text(s) => s.to_owned(),
            Lit::Int(i) => i.to_string(),
            Lit::Bool(b) => b.to_string(),
            Lit::Null => "null".to_owned(),
        }
    }
}

/// The part of a JSON schema the validator checks.
#[derive(Debug)]
pub(crate) struct Schema {
    /// Allowed types; empty for any.
    pub(crate) types: &'static [Ty],
    pub(crate) format: Option<&'static str>,
    pub(crate) pattern: Option<&'static str>,
    /// `enum`/`const`.
    pub(crate) values: Option<&'static [Lit]>,
    pub(crate) min_length: Option<u64>,
    pub(crate) max_length: Option<u64>,
    pub(crate) minimum: Option<f64>,
    pub(crate) maximum: Option<f64>,
    pub(crate) properties: &'static [Property],
    /// Whether properties not listed are allowed.
    pub(crate) additional: bool,
    pub(crate) items: Option<&'static Schema>,
    /// The spec's own example of a value (its `example`, `examples` or `default`).
    pub(crate) example: Option<Lit>,
}

impl Schema {
    /// Anything: the base the generated schemas override.
    pub(crate) const ANY: Schema = Schema {
        types: &[],
        format: None,
        pattern: None,
        values: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
        properties: &[],
        additional: true,
        items: None,
        example: None,
    };

    /// The property called `name`.
    pub(crate) fn property(&self, name: &str) -> Option<&'static Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

/// An object's property.
#[derive(Debug)]
pub(crate) struct Property {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
    pub(crate) schema: &'static Schema,
}

impl Contract {
    /// The documented response for `status`: its own, else its class (`4XX`), else `default`.
    pub(crate) fn response(&self, status: u16) -> Option<&'static Response> {
        let exact = status.to_string();
        let class = format!("{}XX", status / 100);
        let find = |want: &str| {
            self.responses
                .iter()
                .find(|r| r.status.eq_ignore_ascii_case(want))
        };
        find(&exact)
            .or_else(|| find(&class))
            .or_else(|| find("default"))
    }

    /// `body`, an answer of `status` a vendor module wrote, with every property the spec
    /// requires of it and the module does not write (one the spec added since) filled in with
    /// the smallest valid value.
    pub(crate) fn complete_answer(&self, status: u16, body: &[u8]) -> Completion {
        let Some(schema) = self.response(status).and_then(|r| r.schema) else {
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
    /// when it matches.
    pub(crate) fn check_response(
        &self,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Vec<String> {
        let Some(documented) = self.response(status) else {
            let listed: Vec<_> = self.responses.iter().map(|r| r.status).collect();
            return vec![format!(
                "status {status} is not documented (the spec documents {})",
                listed.join(", ")
            )];
        };
        let mut out = Vec::new();
        let Some(media) = documented.media else {
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
        if let Some(schema) = documented.schema
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
        self.auth.iter().find_map(|a| match *a {
            Auth::Bearer => {
                let v = headers("authorization")?.trim();
                let (scheme, rest) = v.split_once(' ')?;
                let rest = rest.trim();
                (scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty()).then(|| rest.to_owned())
            }
            Auth::Basic => {
                use base64::Engine as _;
                let v = headers("authorization")?.trim();
                let (scheme, rest) = v.split_once(' ')?;
                if !scheme.eq_ignore_ascii_case("basic") {
                    return None;
                }
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(rest.trim())
                    .ok()?;
                let text = String::from_utf8(decoded).ok()?;
                let (user, password) = text.split_once(':').unwrap_or((&text, ""));
                let key = if user.is_empty() { password } else { user };
                (!key.is_empty()).then(|| key.to_owned())
            }
            // The key as it is, or after a scheme of the vendor's own (`Authorization: Token
            // <key>`, which a spec can only state as an API key in the `Authorization` header).
            Auth::Header(name) => headers(name)
                .map(str::trim)
                .and_then(|s| s.rsplit(' ').next())
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            Auth::Query(name) => query(name).filter(|s| !s.is_empty()),
            Auth::Other(_) => None,
        })
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
            if let Some(p) = s.pattern {
                out.entry(p).or_insert_with(|| regex::Regex::new(p).ok());
            }
            for prop in s.properties {
                walk(prop.schema, out);
            }
            if let Some(items) = s.items {
                walk(items, out);
            }
        }
        for c in ALL {
            for p in c.query.iter().chain(c.path_params) {
                walk(p.schema, &mut out);
            }
            if let Some(b) = &c.body {
                walk(b.schema, &mut out);
            }
        }
        out
    })
}

/// Whether `s` matches `pattern` (a pattern that does not compile matches everything: the
/// contract test `every_pattern_compiles` keeps that from happening unnoticed).
pub(crate) fn pattern_matches(pattern: &'static str, s: &str) -> bool {
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
    fn every_vendor_has_a_contract_in_order() {
        let names: Vec<_> = ALL.iter().map(|c| c.vendor).collect();
        let vendors: Vec<_> = crate::MockVendor::ALL.iter().map(|v| v.slug()).collect();
        assert_eq!(names, vendors);
    }

    #[test]
    fn every_pattern_compiles() {
        for (p, re) in patterns() {
            assert!(re.is_some(), "pattern {p:?} does not compile");
        }
    }

    #[test]
    fn a_key_is_read_in_every_scheme_a_spec_can_state() {
        let contract = |auth: &'static [Auth]| Contract {
            vendor: "t",
            mock_prefix: "/t",
            method: "POST",
            path: "/x",
            auth,
            query: &[],
            path_params: &[],
            body: None,
            success: 200,
            responses: &[],
        };
        let read = |c: &Contract, header: Option<(&str, &str)>, query: Option<&str>| {
            c.key(
                |name| header.filter(|(n, _)| *n == name).map(|(_, v)| v),
                |name| query.filter(|_| name == "api_key").map(str::to_owned),
            )
        };
        let raw = contract(&[Auth::Header("x-key")]);
        assert_eq!(
            read(&raw, Some(("x-key", " k1 ")), None).as_deref(),
            Some("k1")
        );
        let prefixed = contract(&[Auth::Header("authorization")]);
        assert_eq!(
            read(&prefixed, Some(("authorization", "Token k2")), None).as_deref(),
            Some("k2")
        );
        let bearer = contract(&[Auth::Bearer]);
        assert_eq!(
            read(&bearer, Some(("authorization", "bearer k3")), None).as_deref(),
            Some("k3")
        );
        assert_eq!(
            read(&bearer, Some(("authorization", "Basic k3")), None),
            None
        );
        let basic = contract(&[Auth::Basic]);
        // RFC 7617's credentials: the user name is the key; a key alone as the password too.
        let aladdin = Some(("authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assert_eq!(read(&basic, aladdin, None).as_deref(), Some("Aladdin"));
        let not_utf8 = Some(("authorization", "Basic Ov8="));
        assert_eq!(read(&basic, not_utf8, None), None, "not UTF-8");
        let password_only = Some(("authorization", "Basic Oms0"));
        assert_eq!(read(&basic, password_only, None).as_deref(), Some("k4"));
        assert_eq!(
            read(&basic, Some(("authorization", "Basic !!")), None),
            None
        );
        let query = contract(&[Auth::Query("api_key")]);
        assert_eq!(read(&query, None, Some("k5")).as_deref(), Some("k5"));
        assert_eq!(read(&query, None, Some("")), None);
    }

    #[test]
    fn literals_match_only_their_value() {
        assert!(Lit::Str("x").matches(&Value::from("x")));
        assert!(!Lit::Str("x").matches(&Value::from("X")));
        assert!(Lit::Bool(false).matches(&Value::Bool(false)));
        assert!(!Lit::Int(1).matches(&Value::from("1")));
        assert!(Lit::Text("1.5").matches(&serde_json::json!(1.5)));
    }
}
