//! What a new vendor's spec says about its connect operation, read for the scaffold: the
//! operation, its fields (path, query, body) and the string properties of its success answer.

use serde_json::Value;

use crate::normalize::METHODS;

/// Where a field of the operation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Path,
    Query,
    Body,
}

impl Place {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Place::Path => "path parameter",
            Place::Query => "query parameter",
            Place::Body => "body field",
        }
    }
}

/// One field of the connect operation.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) place: Place,
    pub(crate) required: bool,
    /// Its `format`, if any.
    pub(crate) format: Option<String>,
    /// Its `enum` values, when it lists strings.
    pub(crate) values: Vec<String>,
    /// Its `pattern`, if any.
    pub(crate) pattern: Option<String>,
    /// The spec's example of it (`example`, the first of `examples`, or `default`), if a string.
    pub(crate) example: Option<String>,
    /// The spec's example of it as JSON (any type), for a required field the unified model has
    /// no place for.
    pub(crate) example_value: Option<Value>,
    /// Whether it is an array (of strings, when `values` lists its items' values).
    pub(crate) array: bool,
    /// Its JSON type (`string`, `integer`, …), the first it names.
    pub(crate) ty: Option<String>,
}

/// The connect operation of a spec.
#[derive(Debug)]
pub(crate) struct Operation {
    /// Lower case.
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) fields: Vec<Field>,
    /// The JSON pointers of the string properties of the first 2xx JSON answer, each with its
    /// format.
    pub(crate) answer: Vec<(String, Option<String>)>,
    /// The first documented 2xx status (200 where the spec documents none).
    pub(crate) success: u16,
}

/// Follows `$ref`s (to this document) from `v`, at most a few times.
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..8 {
        let Some(target) = v.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match target.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(found) => v = found,
            None => break,
        }
    }
    v
}

/// Every operation of the spec: `(method, path)`.
pub(crate) fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(*method).is_some() {
                    out.push(((*method).to_owned(), path.clone()));
                }
            }
        }
    }
    out
}

fn field(doc: &Value, name: &str, place: Place, required: bool, schema: &Value) -> Field {
    let whole = resolve(doc, schema);
    let ty = match whole.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_owned),
        _ => None,
    };
    let array = ty.as_deref() == Some("array");
    let example_value = whole
        .get("example")
        .or_else(|| whole.get("examples").and_then(|e| e.as_array()?.first()))
        .or_else(|| whole.get("default"))
        .cloned();
    // An array's values and format are its items'.
    let schema = match whole.get("items") {
        Some(items) if array => resolve(doc, items),
        _ => whole,
    };
    Field {
        ty,
        array,
        example_value,
        name: name.to_owned(),
        place,
        required,
        format: schema
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_owned),
        values: schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        pattern: schema
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned),
        example: schema
            .get("example")
            .or_else(|| schema.get("examples").and_then(|e| e.as_array()?.first()))
            .or_else(|| schema.get("default"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// The query parameter that carries the API key of the operation `method path`, where its
/// security (its own, else the document's) names an API key in the query.
pub(crate) fn query_key(doc: &Value, method: &str, path: &str) -> Option<String> {
    let op = doc.get("paths")?.get(path)?.get(method)?;
    let security = op.get("security").or_else(|| doc.get("security"));
    crate::normalize::query_keys(doc, security)
        .into_iter()
        .next()
}

/// Reads the operation `method path` of `doc`.
pub(crate) fn operation(doc: &Value, method: &str, path: &str) -> Option<Operation> {
    let item = doc.get("paths")?.get(path)?;
    let op = item.get(method)?;
    let mut fields = Vec::new();
    let params = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .chain(op.get("parameters").and_then(Value::as_array))
        .flatten();
    for p in params {
        let p = resolve(doc, p);
        let place = match p.get("in").and_then(Value::as_str) {
            Some("path") => Place::Path,
            Some("query") => Place::Query,
            _ => continue,
        };
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let required = p.get("required").and_then(Value::as_bool) == Some(true);
        let schema = p.get("schema").unwrap_or(&Value::Null);
        fields.push(field(doc, name, place, required, schema));
    }
    let body = op
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| c.iter().find(|(m, _)| m.contains("json")).map(|(_, c)| c))
        .and_then(|c| c.get("schema"))
        .map(|s| resolve(doc, s));
    if let Some(schema) = body {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, s) in props {
                fields.push(field(
                    doc,
                    name,
                    Place::Body,
                    required.contains(&name.as_str()),
                    s,
                ));
            }
        }
    }
    let mut answer = Vec::new();
    let success = op
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| {
            r.iter()
                .find(|(status, _)| status.starts_with('2'))
                .map(|(_, r)| resolve(doc, r))
        })
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| c.iter().find(|(m, _)| m.contains("json")).map(|(_, c)| c))
        .and_then(|c| c.get("schema"));
    if let Some(schema) = success {
        strings(doc, schema, "", 0, &mut answer);
    }
    let success_status = op
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| {
            r.keys()
                .find_map(|s| s.parse::<u16>().ok().filter(|s| (200..300).contains(s)))
        })
        .unwrap_or(200);
    Some(Operation {
        method: method.to_owned(),
        path: path.to_owned(),
        fields,
        answer,
        success: success_status,
    })
}

/// The string properties under `schema`, as JSON pointers below `at`.
fn strings(
    doc: &Value,
    schema: &Value,
    at: &str,
    depth: usize,
    out: &mut Vec<(String, Option<String>)>,
) {
    let schema = resolve(doc, schema);
    if depth > 4 {
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, s) in props {
            let s = resolve(doc, s);
            let pointer = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
            let ty = s.get("type");
            let is_string = ty.and_then(Value::as_str) == Some("string")
                || ty
                    .and_then(Value::as_array)
                    .is_some_and(|t| t.iter().any(|t| t == "string"));
            if is_string {
                let format = s.get("format").and_then(Value::as_str).map(str::to_owned);
                out.push((pointer, format));
            } else {
                strings(doc, s, &pointer, depth + 1, out);
            }
        }
    }
    // An array's first item (`/links/0/href`).
    if let Some(items) = schema.get("items") {
        strings(doc, items, &format!("{at}/0"), depth + 1, out);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for s in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            strings(doc, s, at, depth + 1, out);
        }
    }
}
