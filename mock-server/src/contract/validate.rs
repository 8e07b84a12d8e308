//! Checking a request's query and body against a [`Contract`]: required fields, types, formats,
//! patterns, lengths, ranges, enum values and unknown fields, in the spec's order, the first
//! violation reported.

use std::borrow::Cow;

use serde_json::Value;

use super::{Contract, Object, Schema, Ty, pattern_matches};

/// A request that satisfies its contract: its body as an object (empty when it has none).
#[derive(Debug)]
pub(crate) struct Validated {
    pub(crate) body: Object,
}

/// What a violation is about, for a vendor module that answers some kinds its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ViolationKind {
    /// The body is not of the media type the contract takes.
    ContentType,
    /// The body is not JSON, or not the JSON type the contract takes.
    Malformed,
    /// A required field or parameter is absent.
    Missing,
    /// A value of the wrong JSON type.
    Type,
    /// A value the field's `enum` does not list.
    Enum,
    /// A value that breaks the field's `format`, `pattern`, length or range.
    Constraint,
    /// A body field the contract does not name, where it allows no others.
    Unknown,
}

/// Why a request breaks its contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) kind: ViolationKind,
    /// The field (`provider`, `integration_params.site`), or the query parameter; empty for
    /// the body as a whole.
    pub(crate) field: String,
    /// A sentence for the error body.
    pub(crate) message: String,
}

impl Violation {
    fn new(kind: ViolationKind, field: &str, message: String) -> Self {
        Violation {
            kind,
            field: field.to_owned(),
            message,
        }
    }
}

/// The path parameters of a request (as [`crate::core::MockVendor::path_params`] reads them)
/// against the contract's: each as its spec states (enum, pattern, length, format).
pub(super) fn path(c: &Contract, params: &[(&str, String)]) -> Result<(), Violation> {
    for p in &c.path_params {
        match params.iter().find(|(n, _)| *n == p.name) {
            None => {
                return Err(Violation::new(
                    ViolationKind::Missing,
                    &p.name,
                    format!("{} path parameter is required", p.name),
                ));
            }
            Some((_, raw)) => check_query_value(&p.name, &p.schema, raw)?,
        }
    }
    Ok(())
}

pub(super) fn request(
    c: &Contract,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
    content_type: Option<&str>,
    body: &[u8],
    lax: bool,
) -> Result<Validated, Violation> {
    for p in &c.query {
        match query.iter().find(|(k, _)| *k == p.name) {
            None if p.required => {
                return Err(Violation::new(
                    ViolationKind::Missing,
                    &p.name,
                    format!("{} query parameter is required", p.name),
                ));
            }
            None => {}
            Some((_, raw)) => check_query_value(&p.name, &p.schema, raw)?,
        }
    }
    let Some(spec) = &c.body else {
        return Ok(Validated {
            body: Object::new(),
        });
    };
    if body.is_empty() && !spec.required {
        return Ok(Validated {
            body: Object::new(),
        });
    }
    // A byte window, not `str::contains`: its searcher's set-up costs more than this scan of a
    // media type's few bytes, on every request.
    let json_media = spec.media.as_bytes().windows(4).any(|w| w == b"json");
    if json_media && !is_json(content_type.unwrap_or("")) {
        return Err(Violation::new(
            ViolationKind::ContentType,
            "",
            "Content-Type must be application/json".to_owned(),
        ));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Violation::new(
            ViolationKind::Malformed,
            "",
            format!("Malformed JSON body: {e}"),
        )
    })?;
    let Value::Object(map) = value else {
        if spec.schema.types.contains(&Ty::Object) || spec.schema.types.is_empty() {
            return Err(Violation::new(
                ViolationKind::Malformed,
                "",
                "Request body must be a JSON object".to_owned(),
            ));
        }
        check_value(&Path::Root, &spec.schema, &value, lax)?;
        return Ok(Validated {
            body: Object::new(),
        });
    };
    check_object(&Path::Root, &spec.schema, &map, lax)?;
    Ok(Validated { body: map })
}

/// A response body against its documented schema (unknown fields as the schema allows them).
#[cfg(any(test, feature = "cli"))]
pub(super) fn response(schema: &Schema, value: &Value) -> Result<(), Violation> {
    check_value(&Path::Root, schema, value, false)
}

pub(super) fn is_json(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    let json_suffix = mime
        .len()
        .checked_sub(5)
        .and_then(|i| mime.get(i..))
        .is_some_and(|t| t.eq_ignore_ascii_case("+json"));
    mime.eq_ignore_ascii_case("application/json") || json_suffix
}

/// Where a value sits in the body (`integration_params.site`, `items[2]`), spelled out only
/// when a violation names it: a valid request allocates no names.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn text(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Field(parent, name) => match parent.text() {
                p if p.is_empty() => (*name).to_owned(),
                p => format!("{p}.{name}"),
            },
            Path::Index(parent, i) => format!("{}[{i}]", parent.text()),
        }
    }
}

fn check_object(path: &Path<'_>, s: &Schema, map: &Object, lax: bool) -> Result<(), Violation> {
    for p in &s.properties {
        let here = Path::Field(path, &p.name);
        match map.get(&p.name) {
            None if p.required => {
                let field = here.text();
                return Err(Violation::new(
                    ViolationKind::Missing,
                    &field,
                    format!("{field} is required"),
                ));
            }
            None => {}
            Some(v) => check_value(&here, &p.schema, v, lax)?,
        }
    }
    if !s.additional
        && !lax
        && let Some(k) = map.keys().find(|k| s.property(k).is_none())
    {
        let field = Path::Field(path, k).text();
        return Err(Violation::new(
            ViolationKind::Unknown,
            &field,
            format!("property {field} should not exist"),
        ));
    }
    Ok(())
}

fn type_name(t: Ty) -> &'static str {
    match t {
        Ty::String => "a string",
        Ty::Integer => "an integer",
        Ty::Number => "a number",
        Ty::Boolean => "a boolean",
        Ty::Object => "an object",
        Ty::Array => "an array",
        Ty::Null => "null",
    }
}

fn has_type(v: &Value, t: Ty) -> bool {
    match (t, v) {
        (Ty::String, Value::String(_))
        | (Ty::Boolean, Value::Bool(_))
        | (Ty::Object, Value::Object(_))
        | (Ty::Array, Value::Array(_))
        | (Ty::Null, Value::Null)
        | (Ty::Number, Value::Number(_)) => true,
        (Ty::Integer, Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn check_value(path: &Path<'_>, s: &Schema, v: &Value, lax: bool) -> Result<(), Violation> {
    if !s.types.is_empty() && !s.types.iter().any(|t| has_type(v, *t)) {
        let field = path.text();
        let names: Vec<_> = s
            .types
            .iter()
            .filter(|t| **t != Ty::Null)
            .map(|t| type_name(*t))
            .collect();
        return Err(Violation::new(
            ViolationKind::Type,
            &field,
            format!("{field} must be {}", names.join(" or ")),
        ));
    }
    if let Some(values) = &s.values
        && !values.contains(v)
    {
        let field = path.text();
        let list: Vec<_> = values
            .iter()
            .map(social_connect_spec::literal_text)
            .collect();
        return Err(Violation::new(
            ViolationKind::Enum,
            &field,
            format!(
                "{field} must be one of the following values: {}",
                list.join(", ")
            ),
        ));
    }
    match v {
        Value::String(text) => check_string(path, s, text),
        Value::Number(n) => check_number(path, s, n.as_f64().unwrap_or(f64::NAN)),
        Value::Object(map) => check_object(path, s, map, lax),
        Value::Array(items) => match s.items.as_deref() {
            Some(item) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, x)| check_value(&Path::Index(path, i), item, x, lax)),
            None => Ok(()),
        },
        Value::Bool(_) | Value::Null => Ok(()),
    }
}

fn constraint(path: &Path<'_>, message: impl FnOnce(&str) -> String) -> Violation {
    let field = path.text();
    let message = message(&field);
    Violation::new(ViolationKind::Constraint, &field, message)
}

/// The longest string value the mock takes in a request, in bytes, whatever the spec allows:
/// a flow keeps what its connect named, and the mock's memory bound counts on this cap (the
/// longest redirect target it keeps is the same).
pub(crate) const MAX_STRING_BYTES: usize = 2048;

fn check_string(path: &Path<'_>, s: &Schema, text: &str) -> Result<(), Violation> {
    if text.len() > MAX_STRING_BYTES {
        return Err(constraint(path, |f| {
            format!("{f} is longer than the mock keeps ({MAX_STRING_BYTES} bytes)")
        }));
    }
    if s.min_length.is_some() || s.max_length.is_some() {
        let chars = text.chars().count() as u64;
        if let Some(min) = s.min_length
            && chars < min
        {
            return Err(constraint(path, |f| {
                format!("{f} must be at least {min} characters long")
            }));
        }
        if let Some(max) = s.max_length
            && chars > max
        {
            return Err(constraint(path, |f| {
                format!("{f} must be at most {max} characters long")
            }));
        }
    }
    if let Some(p) = s.pattern.as_deref()
        && !pattern_matches(p, text)
    {
        return Err(constraint(path, |f| format!("{f} must match {p}")));
    }
    if let Some(fmt) = s.format.as_deref()
        && !format_ok(fmt, text)
    {
        return Err(constraint(path, |f| format!("{f} must be a valid {fmt}")));
    }
    Ok(())
}

fn check_number(path: &Path<'_>, s: &Schema, x: f64) -> Result<(), Violation> {
    if s.minimum.is_some_and(|m| x < m) || s.maximum.is_some_and(|m| x > m) {
        return Err(constraint(path, |f| format!("{f} is out of range")));
    }
    Ok(())
}

/// The formats the validator knows; others are annotations, as JSON Schema has them by default.
fn format_ok(format: &str, text: &str) -> bool {
    match format {
        "uri" => url::Url::parse(text).is_ok(),
        "uuid" => uuid::Uuid::parse_str(text).is_ok(),
        "date-time" => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .is_ok()
        }
        "email" => text
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty()),
        _ => true,
    }
}

/// A query value, read as the type its schema names.
fn check_query_value(name: &str, s: &Schema, raw: &str) -> Result<(), Violation> {
    let value = if s.types.is_empty() || s.types.contains(&Ty::String) {
        Value::String(raw.to_owned())
    } else if s.types.contains(&Ty::Integer) || s.types.contains(&Ty::Number) {
        match serde_json::from_str::<serde_json::Number>(raw) {
            Ok(n) => Value::Number(n),
            Err(_) => Value::String(raw.to_owned()),
        }
    } else if s.types.contains(&Ty::Boolean) {
        match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(raw.to_owned()),
        }
    } else {
        Value::String(raw.to_owned())
    };
    check_value(&Path::Field(&Path::Root, name), s, &value, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A contract as `specs/<vendor>/contract.json` states one.
    fn c() -> &'static Contract {
        static C: std::sync::OnceLock<Contract> = std::sync::OnceLock::new();
        C.get_or_init(|| {
            let text = json!({"types": ["string"]});
            let spec = json!({
                "vendor": "t", "version": "1", "servers": [], "method": "POST", "path": "/x",
                "auth": [{"kind": "bearer"}],
                "query": [{"name": "ws", "required": true, "schema": text}],
                "body": {"required": true, "media": "application/json", "schema": {
                    "types": ["object"],
                    "additional": false,
                    "properties": [
                        {"name": "provider", "required": true,
                         "schema": {"types": ["string"], "values": ["a", "b"]}},
                        {"name": "id", "required": false,
                         "schema": {"types": ["string"], "format": "uuid"}},
                        {"name": "n", "required": false,
                         "schema": {"types": ["integer", "null"], "maximum": 3.0}},
                        {"name": "slug", "required": false,
                         "schema": {"types": ["string"], "pattern": "^[a-z]+$", "max_length": 4}},
                    ],
                }},
                "responses": [
                    {"status": "200", "media": "application/json", "schema": {
                        "types": ["object"],
                        "properties": [{"name": "url", "required": true, "schema": text}],
                    }},
                    {"status": "4XX", "media": "application/json", "schema": null},
                ],
            });
            let spec = serde_json::from_value(spec).unwrap();
            Contract::new(Box::leak(Box::new(spec)), "/t")
        })
    }

    fn check(query: &str, body: &str) -> Result<Validated, Violation> {
        let q: Vec<_> = url::form_urlencoded::parse(query.as_bytes()).collect();
        c().validate(&q, Some("application/json"), body.as_bytes(), false)
    }

    fn kind(query: &str, body: &str) -> (ViolationKind, String) {
        let v = check(query, body).unwrap_err();
        (v.kind, v.field)
    }

    #[test]
    fn a_valid_request_passes_with_its_body() {
        let ok = check(
            "ws=",
            r#"{"provider":"b","id":"7b6f2c1e-8d4a-4c36-9a3e-2f1d5b7c9e01","n":null,"slug":"ab"}"#,
        )
        .unwrap();
        assert_eq!(ok.body["provider"], "b");
    }

    #[test]
    fn each_rule_is_enforced() {
        use ViolationKind::*;
        assert_eq!(kind("", r#"{"provider":"a"}"#), (Missing, "ws".into()));
        assert_eq!(kind("ws=1", r#"{}"#), (Missing, "provider".into()));
        assert_eq!(kind("ws=1", r#"{"provider":1}"#), (Type, "provider".into()));
        assert_eq!(
            kind("ws=1", r#"{"provider":"c"}"#),
            (Enum, "provider".into())
        );
        assert_eq!(
            kind("ws=1", r#"{"provider":"a","id":"x"}"#),
            (Constraint, "id".into())
        );
        assert_eq!(
            kind("ws=1", r#"{"provider":"a","n":1.5}"#),
            (Type, "n".into())
        );
        assert_eq!(
            kind("ws=1", r#"{"provider":"a","n":4}"#),
            (Constraint, "n".into())
        );
        assert_eq!(
            kind("ws=1", r#"{"provider":"a","slug":"AB"}"#),
            (Constraint, "slug".into())
        );
        assert_eq!(
            kind("ws=1", r#"{"provider":"a","slug":"abcde"}"#),
            (Constraint, "slug".into())
        );
        assert_eq!(
            kind("ws=1", r#"{"provider":"a","extra":1}"#),
            (Unknown, "extra".into())
        );
        assert_eq!(kind("ws=1", "[1]"), (Malformed, String::new()));
        assert_eq!(kind("ws=1", "{"), (Malformed, String::new()));
        assert_eq!(kind("ws=1", ""), (Malformed, String::new()));
    }

    #[test]
    fn lax_mode_allows_unknown_fields_only() {
        let q = vec![(Cow::from("ws"), Cow::from("1"))];
        let body = br#"{"provider":"a","extra":1}"#;
        assert!(
            c().validate(&q, Some("application/json"), body, true)
                .is_ok()
        );
        let bad = br#"{"provider":"z","extra":1}"#;
        assert!(
            c().validate(&q, Some("application/json"), bad, true)
                .is_err()
        );
    }

    #[test]
    fn the_media_type_is_checked() {
        let q = vec![(Cow::from("ws"), Cow::from("1"))];
        let body = br#"{"provider":"a"}"#;
        let v = c()
            .validate(&q, Some("text/plain"), body, false)
            .unwrap_err();
        assert_eq!(v.kind, ViolationKind::ContentType);
        assert!(
            c().validate(
                &q,
                Some("application/vnd.x+json; charset=utf-8"),
                body,
                false
            )
            .is_ok()
        );
    }

    #[test]
    fn an_answer_is_checked_against_the_documented_response() {
        let json = Some("application/json; charset=utf-8");
        assert!(
            c().check_response(200, json, br#"{"url":"https://x"}"#)
                .is_empty()
        );
        // Its class documents 401.
        assert!(c().check_response(401, json, b"{}").is_empty());
        let text = |status, ct, body: &[u8]| c().check_response(status, ct, body).join("; ");
        assert!(
            text(503, json, b"{}")
                .contains("status 503 is not documented (the spec documents 200, 4XX)")
        );
        assert!(text(200, json, b"{}").contains("not what the spec documents for 200"));
        let wrong_type = text(200, json, br#"{"url":1}"#);
        assert!(wrong_type.contains("url must be"), "{wrong_type}");
        assert!(text(200, json, b"<html>").contains("not JSON"));
        assert!(
            text(200, Some("text/html"), br#"{"url":"u"}"#).contains("content type \"text/html\"")
        );
    }
}
