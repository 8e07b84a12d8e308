//! The in-memory normalisation a published spec goes through before progenitor sees it.
//!
//! progenitor 0.15 reads OpenAPI 3.0 only, wants an `operationId` on every operation, panics on an
//! operation whose error responses have different schemas, names inline response schemas after the
//! operation (so they collide), and turns `additionalProperties: false` into
//! `deny_unknown_fields`, which would break the SDK the day a vendor adds a response field. Each
//! step below handles one of those, on a `serde_json::Value`, and anything it cannot convert fails
//! with the vendor, the JSON pointer and what to do, rather than reaching progenitor.

use serde_json::{Map, Value};

use crate::vendors::Vendor;

/// A construct the normaliser cannot convert.
#[derive(Debug, thiserror::Error)]
#[error("{vendor}: at {pointer}: {problem}. {fix}")]
pub struct NormalizeError {
    /// The vendor whose spec it is.
    pub vendor: String,
    /// JSON pointer into the spec.
    pub pointer: String,
    /// What is wrong.
    pub problem: String,
    /// What to do about it.
    pub fix: String,
}

/// The keys of a path item that are operations (HTTP methods), in the order they are read.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Whether `key` of a path item is an HTTP method (an operation), not `parameters` or the like.
pub fn is_method(key: &str) -> bool {
    METHODS.contains(&key)
}

/// JSON Schema 2020-12 keywords that OpenAPI 3.0 has no counterpart for.
const UNSUPPORTED_KEYWORDS: &[&str] = &[
    "prefixItems",
    "$defs",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "propertyNames",
    "contains",
    "$dynamicRef",
    "$dynamicAnchor",
];

/// Pure annotations of 2020-12 that 3.0 does not know; dropping them changes no type.
const DROPPED_ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$anchor",
    "contentMediaType",
    "contentEncoding",
];

struct Ctx<'a> {
    vendor: &'a Vendor,
}

impl Ctx<'_> {
    fn err(
        &self,
        pointer: &str,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> NormalizeError {
        NormalizeError {
            vendor: self.vendor.name.to_owned(),
            pointer: if pointer.is_empty() {
                "/".to_owned()
            } else {
                pointer.to_owned()
            },
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
fn seg(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Normalises `doc`, the vendor's spec as parsed, into a document progenitor accepts: the
/// connect operation alone ([`keep_the_connect_operation`]), converted ([`convert`]).
pub fn normalize(vendor: &Vendor, mut doc: Value) -> Result<Value, NormalizeError> {
    if let Some(root) = doc.as_object_mut() {
        keep_the_connect_operation(vendor, root);
    }
    convert(vendor, doc)
}

/// Every conversion progenitor needs, on every operation `doc` holds.
fn convert(vendor: &Vendor, mut doc: Value) -> Result<Value, NormalizeError> {
    let ctx = Ctx { vendor };
    let root = doc.as_object_mut().ok_or_else(|| {
        ctx.err(
            "",
            "the document is not a mapping",
            "check that specs/<vendor>/openapi.yaml is an OpenAPI document",
        )
    })?;
    down_convert_header(&ctx, root)?;
    for (key, value) in root.iter_mut() {
        walk_document(&ctx, value, &format!("/{}", seg(key)))?;
    }
    name_operations(&ctx, root)?;
    add_key_parameters(root);
    lift_and_unify(&ctx, root)?;
    make_responses_tolerant(root);
    Ok(doc)
}

/// A vendor's whole published API reduced to its connect operation, before anything else: the
/// SDK speaks that one operation, and a construct progenitor cannot take elsewhere in the API
/// (a multipart upload, a binary download, a schema only another operation uses) must not stop
/// the vendor's generation. The operation's path item keeps its shared parameters; components
/// keep what the operation reaches, transitively, and every security scheme. A spec without the
/// manifest's operation (one the vendor moved) is left whole, for the change report to say so.
fn keep_the_connect_operation(vendor: &Vendor, root: &mut Map<String, Value>) {
    let (method, path) = (
        vendor.connect.method.to_ascii_lowercase(),
        vendor.connect.path.as_str(),
    );
    let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let found = paths.get(path).and_then(|item| item.get(&method)).is_some();
    if !found {
        return;
    }
    paths.retain(|p, _| p == path);
    if let Some(item) = paths.get_mut(path).and_then(Value::as_object_mut) {
        item.retain(|key, _| !is_method(key) || *key == method);
    }
    // What the kept operation reaches: every `#/components/<kind>/<name>`, transitively.
    let reached = reached(root.get("paths"), root.get("components"), None);
    let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) else {
        return;
    };
    for (kind, entries) in components.iter_mut() {
        if kind == "securitySchemes" {
            continue;
        }
        if let Some(entries) = entries.as_object_mut() {
            entries.retain(|name, _| reached.iter().any(|(k, n)| k == kind && n == name));
        }
    }
}

/// Every component `from` refers to (`#/components/<kind>/<name>`, as `(kind, name)`), and every
/// one those refer to in turn in `components`, each once; of kind `only` alone, where given.
fn reached(
    from: Option<&Value>,
    components: Option<&Value>,
    only: Option<&str>,
) -> Vec<(String, String)> {
    fn refs(value: &Value, only: Option<&str>, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                if let Some((kind, name)) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/"))
                    .and_then(|r| r.split_once('/'))
                    .filter(|(kind, _)| only.is_none_or(|o| o == *kind))
                {
                    let key = (kind.to_owned(), name.replace("~1", "/").replace("~0", "~"));
                    if !out.contains(&key) {
                        out.push(key);
                    }
                }
                map.values().for_each(|v| refs(v, only, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, only, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    from.inspect(|from| refs(from, only, &mut out));
    let mut index = 0;
    while index < out.len() {
        let (kind, name) = out[index].clone();
        if let Some(target) = components.and_then(|c| c.get(&kind)?.get(&name)) {
            refs(target, only, &mut out);
        }
        index += 1;
    }
    out
}

/// Calls `f` on every operation under `root`'s paths, with its path and method, path by path.
fn for_each_op(
    root: &mut Map<String, Value>,
    mut f: impl FnMut(&str, &str, &mut Map<String, Value>),
) {
    let paths = root.get_mut("paths").and_then(Value::as_object_mut);
    for (path, item) in paths.into_iter().flatten() {
        for method in METHODS {
            if let Some(operation) = item.get_mut(*method).and_then(Value::as_object_mut) {
                f(path, method, operation);
            }
        }
    }
}

/// `openapi: 3.1.x` becomes `3.0.3`; keys that only 3.1 has are dropped.
fn down_convert_header(ctx: &Ctx<'_>, root: &mut Map<String, Value>) -> Result<(), NormalizeError> {
    let version = root
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if version.starts_with("3.1") {
        root.insert("openapi".into(), Value::from("3.0.3"));
    } else if !version.starts_with("3.0") {
        return Err(ctx.err(
            "/openapi",
            format!("version {version:?} is neither OpenAPI 3.0 nor 3.1"),
            "convert the document to OpenAPI 3.x first",
        ));
    }
    root.remove("webhooks");
    root.remove("jsonSchemaDialect");
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("pathItems");
    }
    Ok(())
}

/// Finds every schema in the document (`schema:` values and `components/schemas` entries) and
/// converts it.
fn walk_document(ctx: &Ctx<'_>, value: &mut Value, pointer: &str) -> Result<(), NormalizeError> {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let child_pointer = format!("{pointer}/{}", seg(key));
                if key == "schema" {
                    convert_schema(ctx, child, &child_pointer)?;
                } else if key == "schemas" && pointer == "/components" {
                    if let Some(schemas) = child.as_object_mut() {
                        for (name, schema) in schemas.iter_mut() {
                            convert_schema(ctx, schema, &format!("{child_pointer}/{}", seg(name)))?;
                        }
                    }
                } else {
                    walk_document(ctx, child, &child_pointer)?;
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                walk_document(ctx, child, &format!("{pointer}/{index}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn is_null_schema(value: &Value) -> bool {
    value.get("type").and_then(Value::as_str) == Some("null")
}

/// Converts one JSON Schema 2020-12 (OpenAPI 3.1) schema, and its subschemas, to OpenAPI 3.0.
fn convert_schema(ctx: &Ctx<'_>, schema: &mut Value, pointer: &str) -> Result<(), NormalizeError> {
    let Some(map) = schema.as_object_mut() else {
        if schema.is_boolean() {
            return Err(ctx.err(
                pointer,
                "a boolean schema",
                "write it as an object schema (`{}` for true)",
            ));
        }
        return Ok(());
    };
    if map.contains_key("$ref") {
        // In 3.0 a reference replaces its whole object: siblings mean nothing there.
        map.retain(|key, _| key == "$ref");
        return Ok(());
    }
    if let Some(keyword) = UNSUPPORTED_KEYWORDS.iter().find(|k| map.contains_key(**k)) {
        return Err(ctx.err(
            &format!("{pointer}/{}", seg(keyword)),
            format!("`{keyword}` has no OpenAPI 3.0 equivalent"),
            "rewrite that schema without it in specs/<vendor>/openapi.yaml (keep the original in \
             provenance), or teach xtask/src/codegen/normalize.rs to convert it",
        ));
    }
    for keyword in DROPPED_ANNOTATIONS {
        map.remove(*keyword);
    }
    nullable_type(ctx, map, pointer)?;
    if map.get("type").and_then(Value::as_str) == Some("null") {
        return Err(ctx.err(
            &format!("{pointer}/type"),
            "`type: null` on its own",
            "OpenAPI 3.0 has no null type: mark the schema that holds it `nullable: true` instead",
        ));
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![value]));
    }
    if let Some(examples) = map.remove("examples")
        && !map.contains_key("example")
        && let Some(first) = examples.as_array().and_then(|e| e.first())
    {
        map.insert("example".into(), first.clone());
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(bound) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(inclusive.into(), bound);
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    nullable_unions(ctx, map, pointer)?;
    // Subschemas.
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = map.get_mut(key).filter(|c| c.is_object()) {
            convert_schema(ctx, child, &format!("{pointer}/{key}"))?;
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, child) in properties.iter_mut() {
            convert_schema(ctx, child, &format!("{pointer}/properties/{}", seg(name)))?;
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(arms)) = map.get_mut(key) {
            for (index, child) in arms.iter_mut().enumerate() {
                convert_schema(ctx, child, &format!("{pointer}/{key}/{index}"))?;
            }
        }
    }
    Ok(())
}

/// `type: [X, "null"]` → `type: X, nullable: true`; several types are refused.
fn nullable_type(
    ctx: &Ctx<'_>,
    map: &mut Map<String, Value>,
    pointer: &str,
) -> Result<(), NormalizeError> {
    if let Some(Value::Array(types)) = map.get("type") {
        let non_null: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        let nullable = non_null.len() < types.len();
        match non_null.as_slice() {
            [single] => {
                map.insert("type".into(), single.clone());
                if nullable {
                    map.insert("nullable".into(), Value::Bool(true));
                }
            }
            _ => {
                return Err(ctx.err(
                    &format!("{pointer}/type"),
                    format!("`type: {}` names several types", Value::Array(types.clone())),
                    "OpenAPI 3.0 takes one type per schema: rewrite it as `anyOf` of one schema per type",
                ));
            }
        }
    }
    Ok(())
}

/// `anyOf`/`oneOf` with a `{type: null}` arm → the other arms, nullable.
fn nullable_unions(
    ctx: &Ctx<'_>,
    map: &mut Map<String, Value>,
    pointer: &str,
) -> Result<(), NormalizeError> {
    for combinator in ["anyOf", "oneOf"] {
        let Some(Value::Array(arms)) = map.get(combinator) else {
            continue;
        };
        if !arms.iter().any(is_null_schema) {
            continue;
        }
        let rest: Vec<Value> = arms
            .iter()
            .filter(|a| !is_null_schema(a))
            .cloned()
            .collect();
        map.remove(combinator);
        map.insert("nullable".into(), Value::Bool(true));
        match rest.len() {
            0 => {
                return Err(ctx.err(
                    &format!("{pointer}/{combinator}"),
                    "every arm is `type: null`",
                    "remove the schema or give it a type",
                ));
            }
            1 => {
                map.insert("allOf".into(), Value::Array(rest));
            }
            _ => {
                map.insert(combinator.into(), Value::Array(rest));
            }
        }
    }
    Ok(())
}

/// Every `(path, method)` operation gets its good name from the vendor table, or a stable one
/// made from method and path.
fn name_operations(ctx: &Ctx<'_>, root: &mut Map<String, Value>) -> Result<(), NormalizeError> {
    if !root.get("paths").is_some_and(Value::is_object) {
        return Err(ctx.err(
            "/paths",
            "the document has no paths",
            "is this the vendor's API document?",
        ));
    }
    for_each_op(root, |path, method, operation| {
        let name = ctx
            .vendor
            .operation_name(method, path)
            .map(str::to_owned)
            .unwrap_or_else(|| synthesize_operation_id(method, path));
        operation.insert("operationId".into(), Value::from(name));
    });
    Ok(())
}

/// An API key the spec takes in the query becomes an optional query parameter of every
/// operation that takes it: progenitor generates no auth, and a query key (unlike a header,
/// which the SDK's HTTP client sends on every call) needs a place in the builder for the SDK's
/// connect to fill.
fn add_key_parameters(root: &mut Map<String, Value>) {
    let doc = Value::Object(root.clone());
    let global = root.get("security").cloned();
    for_each_op(root, |_, _, op| {
        let security = op.get("security").or(global.as_ref());
        let names = query_keys(&doc, security);
        for name in names {
            let params = op
                .entry("parameters")
                .or_insert_with(|| Value::Array(Vec::new()));
            let Some(params) = params.as_array_mut() else {
                continue;
            };
            let present = params.iter().any(|p| {
                p.get("in").and_then(Value::as_str) == Some("query")
                    && p.get("name").and_then(Value::as_str) == Some(name.as_str())
            });
            if !present {
                params.push(serde_json::json!({
                        "in": "query",
                        "name": name,
                        "required": false,
                        "description": "The API key (the spec's security scheme), which the SDK's connect sets.",
                        "schema": {"type": "string"}
                    }));
            }
        }
    });
}

/// The query parameters that carry an API key under `security` (an operation's requirements,
/// or the document's): each scheme of `doc` it names that is an API key in the query.
pub fn query_keys(doc: &Value, security: Option<&Value>) -> Vec<String> {
    security
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|req| req.keys())
        .filter_map(|name| {
            let scheme = doc.pointer(&format!("/components/securitySchemes/{}", seg(name)))?;
            let in_query = scheme.get("type").and_then(Value::as_str) == Some("apiKey")
                && scheme.get("in").and_then(Value::as_str) == Some("query");
            in_query
                .then(|| scheme.get("name").and_then(Value::as_str))
                .flatten()
                .map(str::to_owned)
        })
        .collect()
}

/// `post /social-accounts/{id}/connect` → `post_social_accounts_id_connect`.
pub fn synthesize_operation_id(method: &str, path: &str) -> String {
    let mut name = method.to_ascii_lowercase();
    for word in path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        name.push('_');
        name.push_str(&word.to_ascii_lowercase());
    }
    name
}

/// `connect_account` → `ConnectAccount`.
pub fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn is_error_status(code: &str) -> bool {
    code == "default" || code.starts_with('4') || code.starts_with('5')
}

/// Lifts inline request/response schemas into named components and gives every operation one
/// error body type.
fn lift_and_unify(ctx: &Ctx<'_>, root: &mut Map<String, Value>) -> Result<(), NormalizeError> {
    let mut components: Map<String, Value> = root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut lifted = Ok(());
    for_each_op(root, |path, method, operation| {
        if lifted.is_err() {
            return;
        }
        let op_pointer = format!("/paths/{}/{method}", seg(path));
        let op_name = pascal(
            operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        lifted = lift_operation(ctx, &mut components, operation, &op_pointer, &op_name);
    });
    lifted?;
    if !components.is_empty() {
        let entry = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert("schemas".into(), Value::Object(components));
        }
    }
    Ok(())
}

/// Lifts one operation's inline request and success bodies into named components, then unifies
/// its error bodies.
fn lift_operation(
    ctx: &Ctx<'_>,
    components: &mut Map<String, Value>,
    operation: &mut Map<String, Value>,
    op_pointer: &str,
    op_name: &str,
) -> Result<(), NormalizeError> {
    if let Some(body) = operation.get_mut("requestBody") {
        for (media, content) in body
            .get_mut("content")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            if let Some(schema) = content.get_mut("schema") {
                lift(
                    components,
                    schema,
                    &format!("{op_name}Request"),
                    &format!("{op_pointer}/requestBody/content/{}", seg(media)),
                    ctx,
                )?;
            }
        }
    }
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    // One kind of response per side first, so that only the success bodies progenitor will
    // see are lifted (two inline 2xx bodies would both be named `{Op}Response`).
    one_kind_per_side(responses);
    // Success bodies.
    for (code, response) in responses.iter_mut().filter(|(c, _)| !is_error_status(c)) {
        for (_, content) in response
            .get_mut("content")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            if let Some(schema) = content.get_mut("schema") {
                lift(
                    components,
                    schema,
                    &format!("{op_name}Response"),
                    &format!("{op_pointer}/responses/{code}"),
                    ctx,
                )?;
            }
        }
    }
    unify_errors(ctx, components, responses, op_pointer, op_name)
}

/// How progenitor reads a response: a JSON body (with its schema), another body, or none.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    None,
    Raw,
    Json(Value),
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.starts_with("application/json;")
}

fn kind_of(response: &Value) -> Kind {
    let content = response.get("content").and_then(Value::as_object);
    match content {
        Some(c) => match c.iter().find(|(m, _)| is_json(m)) {
            Some((_, media)) => Kind::Json(media.get("schema").cloned().unwrap_or(Value::Null)),
            None if c.is_empty() => Kind::None,
            None => Kind::Raw,
        },
        None => Kind::None,
    }
}

fn is_success_status(code: &str) -> bool {
    code.starts_with('2') || code == "101"
}

/// progenitor takes one kind of response on each side of an operation (it asserts
/// `response_types.len() <= 1`), while real specs mix them: a 200 with a JSON body beside a 202
/// with none, error statuses with a JSON body beside others with none or with text, a `default`
/// (which progenitor counts on both sides) beside explicit statuses. In the copy progenitor
/// sees (the contract reads the spec as published, so the mock keeps every status):
/// - a JSON media type without a schema gets the empty schema (progenitor has a `todo!` there);
/// - `default` beside a documented 2xx stands for the errors: it becomes `4XX` and `5XX` where
///   the spec documents neither;
/// - on the success side, the first 2xx's kind wins: other 2xx statuses of the same kind (and,
///   for JSON, the same schema) stay, the rest are left undocumented, so the generated client
///   hands them back as an unexpected response instead of a body it cannot type;
/// - on the error side, the richest kind wins (a JSON body, else any body, else none); the
///   statuses of another kind are left undocumented in the same way.
fn one_kind_per_side(responses: &mut Map<String, Value>) {
    for response in responses.values_mut() {
        for (media, content) in response
            .get_mut("content")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            if is_json(media)
                && let Some(content) = content.as_object_mut()
                && !content.contains_key("schema")
            {
                content.insert("schema".into(), Value::Object(Map::new()));
            }
        }
    }
    if responses.keys().any(|c| is_success_status(c))
        && let Some(default) = responses.remove("default")
    {
        for range in ["4XX", "5XX"] {
            let lower = range.to_ascii_lowercase();
            if !responses.contains_key(range) && !responses.contains_key(&lower) {
                responses.insert(range.to_owned(), default.clone());
            }
        }
    }
    let first_success = responses
        .iter()
        .find(|(c, _)| is_success_status(c))
        .map(|(_, r)| kind_of(r));
    if let Some(first) = first_success {
        responses.retain(|code, r| !is_success_status(code) || kind_of(r) == first);
    }
    let best_error = responses
        .iter()
        .filter(|(c, _)| is_error_status(c))
        .map(|(_, r)| match kind_of(r) {
            Kind::Json(_) => 2,
            Kind::Raw => 1,
            Kind::None => 0,
        })
        .max();
    if let Some(best) = best_error {
        responses.retain(|code, r| {
            !is_error_status(code)
                || match kind_of(r) {
                    Kind::Json(_) => best == 2,
                    Kind::Raw => best == 1,
                    Kind::None => best == 0,
                }
        });
        // Text bodies of several media types are one raw kind to progenitor already.
    }
}

/// One error type per operation (progenitor asserts on more): the distinct error bodies merged
/// into `{Op}Error`, which every error response then refers to.
fn unify_errors(
    ctx: &Ctx<'_>,
    components: &mut Map<String, Value>,
    responses: &mut Map<String, Value>,
    op_pointer: &str,
    op_name: &str,
) -> Result<(), NormalizeError> {
    // Error bodies: one type per operation.
    let mut distinct: Vec<(String, Value)> = Vec::new();
    for (code, response) in responses.iter().filter(|(c, _)| is_error_status(c)) {
        for (media, content) in response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(schema) = content.get("schema")
                && !distinct.iter().any(|(_, s)| s == schema)
            {
                distinct.push((
                    format!(
                        "{op_pointer}/responses/{code}/content/{}/schema",
                        seg(media)
                    ),
                    schema.clone(),
                ));
            }
        }
    }
    // (Statuses of another kind than the errors' richest were left undocumented already, by
    // `one_kind_per_side`: Postbreeze's body-less 409 beside its JSON 400 and 401.)
    let unified = match distinct.as_slice() {
        [] => return Ok(()),
        [(_, only)] if only.get("$ref").is_some() => return Ok(()),
        [(pointer, only)] => {
            let name = format!("{op_name}Error");
            insert_component(components, &name, only.clone(), pointer, ctx)?;
            name
        }
        several => {
            let name = format!("{op_name}Error");
            // Bodies that cannot be merged into one object (a string beside an object, or a
            // property typed two ways) are read as any JSON value: the SDK's error mapping
            // reads codes and messages from the JSON, not from the type.
            let merged = merge_error_bodies(ctx, components, several).unwrap_or_else(|e| {
                serde_json::json!({
                    "description": format!(
                        "Any of the error bodies this operation documents, read as JSON by \
                         `cargo xtask codegen` ({}: {})", e.pointer, e.problem
                    )
                })
            });
            insert_component(components, &name, merged, &several[0].0, ctx)?;
            name
        }
    };
    let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{unified}") });
    for (_, response) in responses.iter_mut().filter(|(c, _)| is_error_status(c)) {
        for (_, content) in response
            .get_mut("content")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            if let Some(schema) = content.get_mut("schema") {
                *schema = reference.clone();
            }
        }
    }
    Ok(())
}

fn insert_component(
    components: &mut Map<String, Value>,
    name: &str,
    schema: Value,
    pointer: &str,
    ctx: &Ctx<'_>,
) -> Result<(), NormalizeError> {
    match components.get(name) {
        Some(existing) if existing != &schema => Err(ctx.err(
            pointer,
            format!("lifting this inline schema would name it `{name}`, which the spec already uses for another schema"),
            "give the inline schema a name of its own under components/schemas",
        )),
        _ => {
            components.insert(name.to_owned(), schema);
            Ok(())
        }
    }
}

/// Replaces an inline object/enum schema with a reference to a component named `name`.
fn lift(
    components: &mut Map<String, Value>,
    schema: &mut Value,
    name: &str,
    pointer: &str,
    ctx: &Ctx<'_>,
) -> Result<(), NormalizeError> {
    if schema.get("$ref").is_some() {
        return Ok(());
    }
    let named_worthy = schema.get("properties").is_some()
        || schema.get("enum").is_some()
        || schema.get("allOf").is_some()
        || schema.get("anyOf").is_some()
        || schema.get("oneOf").is_some();
    if !named_worthy {
        return Ok(());
    }
    insert_component(components, name, schema.clone(), pointer, ctx)?;
    *schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
    Ok(())
}

/// Removes the parts of a property schema that do not change its type.
fn type_part(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(map) = schema.as_object_mut() {
        for key in ["description", "example", "title", "deprecated"] {
            map.remove(key);
        }
    }
    schema
}

/// Merges several object error bodies into one: the union of their properties, required where
/// every body requires it. Properties that two bodies type differently cannot be merged.
fn merge_error_bodies(
    ctx: &Ctx<'_>,
    components: &Map<String, Value>,
    bodies: &[(String, Value)],
) -> Result<Value, NormalizeError> {
    let mut properties = Map::new();
    let mut required: Option<Vec<Value>> = None;
    let mut sources = Vec::new();
    for (pointer, body) in bodies {
        let resolved = match body.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or(reference);
                components.get(name).cloned().ok_or_else(|| {
                    ctx.err(
                        pointer,
                        format!("`{reference}` does not resolve"),
                        "point it at a schema under components/schemas",
                    )
                })?
            }
            None => body.clone(),
        };
        let is_object = resolved
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(|t| t == "object");
        let Some(props) = resolved
            .get("properties")
            .and_then(Value::as_object)
            .filter(|_| is_object)
        else {
            return Err(ctx.err(
                pointer,
                "the operation documents several error bodies and this one is not an object with properties",
                "give the operation's error responses one schema, or object schemas that can be merged",
            ));
        };
        for (name, prop) in props {
            match properties.get(name) {
                Some(existing) if type_part(existing) != type_part(prop) => {
                    return Err(ctx.err(
                        &format!("{pointer}/properties/{}", seg(name)),
                        format!("property `{name}` has another type in another error body of this operation"),
                        "make the error bodies agree on it, or give the operation one error schema",
                    ));
                }
                Some(_) => {}
                None => {
                    properties.insert(name.clone(), prop.clone());
                }
            }
        }
        let these: Vec<Value> = resolved
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        required = Some(match required {
            None => these,
            Some(previous) => previous.into_iter().filter(|r| these.contains(r)).collect(),
        });
        sources.push(pointer.clone());
    }
    let mut merged = Map::new();
    merged.insert("type".into(), Value::from("object"));
    merged.insert(
        "description".into(),
        Value::from(format!(
            "Any of the error bodies this operation documents, merged by `cargo xtask codegen` from: {}.",
            sources.join(", ")
        )),
    );
    let required = required.unwrap_or_default();
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    merged.insert("properties".into(), Value::Object(properties));
    Ok(Value::Object(merged))
}

fn strip_closed_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            map.values_mut().for_each(strip_closed_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_closed_objects),
        _ => {}
    }
}

/// Response types read tolerantly: `additionalProperties: false` is dropped from every schema a
/// response reaches, so a field the vendor adds later does not fail decoding. Request types stay
/// strict.
fn make_responses_tolerant(root: &mut Map<String, Value>) {
    let mut responses = Vec::new();
    for_each_op(root, |_, _, op| {
        if let Some(r) = op.get_mut("responses") {
            responses.push(r.clone());
            strip_closed_objects(r);
        }
    });
    let names = reached(
        Some(&Value::Array(responses)),
        root.get("components"),
        Some("schemas"),
    );
    let Some(schemas) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (_, name) in &names {
        if let Some(schema) = schemas.get_mut(name) {
            strip_closed_objects(schema);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::vendors;

    fn vendor() -> Vendor {
        vendors::compiled("woopsocial")
    }

    fn doc_with_schema(schema: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
            "paths": {},
            "webhooks": {},
            "components": {"schemas": {"S": schema}}
        })
    }

    fn normalized_schema(schema: Value) -> Result<Value, NormalizeError> {
        convert(&vendor(), doc_with_schema(schema)).map(|d| d["components"]["schemas"]["S"].clone())
    }

    #[test]
    fn down_converts_the_header() {
        let doc = convert(&vendor(), doc_with_schema(json!({"type": "string"}))).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("webhooks").is_none());
        assert!(doc["info"].get("summary").is_none());
        assert!(doc["info"]["license"].get("identifier").is_none());
    }

    #[test]
    fn type_arrays_become_nullable() {
        let got = normalized_schema(
            json!({"type": "object", "properties": {"a": {"type": ["string", "null"]}}}),
        )
        .unwrap();
        assert_eq!(
            got["properties"]["a"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds_convert() {
        let got = normalized_schema(
            json!({"type": "integer", "const": 3, "examples": [3, 4], "exclusiveMinimum": 1}),
        )
        .unwrap();
        assert_eq!(
            got,
            json!({"type": "integer", "enum": [3], "example": 3, "exclusiveMinimum": true, "minimum": 1})
        );
    }

    #[test]
    fn null_arms_of_any_of_become_nullable() {
        let got = normalized_schema(
            json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]}),
        )
        .unwrap();
        assert_eq!(
            got,
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/X"}]})
        );
    }

    #[test]
    fn ref_siblings_are_dropped() {
        let got = normalized_schema(json!({"$ref": "#/components/schemas/X", "description": "d"}))
            .unwrap();
        assert_eq!(got, json!({"$ref": "#/components/schemas/X"}));
    }

    #[test]
    fn unconvertible_constructs_name_vendor_pointer_and_fix() {
        let err = normalized_schema(
            json!({"type": "object", "properties": {"a": {"type": "array", "prefixItems": []}}}),
        )
        .unwrap_err();
        assert_eq!(err.vendor, "woopsocial");
        assert_eq!(
            err.pointer,
            "/components/schemas/S/properties/a/prefixItems"
        );
        assert!(
            err.to_string().contains("no OpenAPI 3.0 equivalent"),
            "{err}"
        );
        let err = normalized_schema(json!({"type": ["string", "integer"]})).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/S/type");
        let err = convert(&vendor(), json!({"openapi": "2.0", "paths": {}})).unwrap_err();
        assert_eq!(err.pointer, "/openapi");
    }

    #[test]
    fn operation_ids_come_from_the_table_or_the_path() {
        let doc = json!({
            "openapi": "3.0.0", "info": {"title": "T", "version": "1"},
            "paths": {
                "/social-accounts/authorization-url": {"post": {"operationId": "createOAuthAuthorization", "responses": {}}},
                "/projects/{id}": {"get": {"responses": {}}}
            }
        });
        let doc = convert(&vendor(), doc).unwrap();
        assert_eq!(
            doc["paths"]["/social-accounts/authorization-url"]["post"]["operationId"],
            "create_authorization_url"
        );
        assert_eq!(
            doc["paths"]["/projects/{id}"]["get"]["operationId"],
            "get_projects_id"
        );
    }

    fn op_doc(responses: Value) -> Value {
        json!({
            "openapi": "3.0.0", "info": {"title": "T", "version": "1"},
            "paths": {"/social-accounts/authorization-url": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "string"}}}}}},
                "responses": responses
            }}}
        })
    }

    #[test]
    fn inline_schemas_are_lifted_and_responses_made_tolerant() {
        let doc = convert(&vendor(), op_doc(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {"url": {"type": "string"}}}}}}
        }))).unwrap();
        let op = &doc["paths"]["/social-accounts/authorization-url"]["post"];
        assert_eq!(
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/CreateAuthorizationUrlRequest"
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/CreateAuthorizationUrlResponse"
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["CreateAuthorizationUrlRequest"]["additionalProperties"], false,
            "requests stay strict"
        );
        assert!(
            schemas["CreateAuthorizationUrlResponse"]
                .get("additionalProperties")
                .is_none(),
            "responses are tolerant"
        );
    }

    #[test]
    fn different_error_bodies_merge_into_one_type() {
        let doc = convert(&vendor(), op_doc(json!({
            "400": {"description": "a", "content": {"application/json": {"schema": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}},
            "401": {"description": "b", "content": {"application/json": {"schema": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string", "example": "Unauthorized"}}}}}},
            "409": {"description": "c"}
        }))).unwrap();
        let op = &doc["paths"]["/social-accounts/authorization-url"]["post"];
        for code in ["400", "401"] {
            assert_eq!(
                op["responses"][code]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/CreateAuthorizationUrlError"
            );
        }
        let merged = &doc["components"]["schemas"]["CreateAuthorizationUrlError"];
        assert_eq!(merged["required"], json!(["message"]));
        assert_eq!(merged["properties"].as_object().unwrap().len(), 2);
    }

    #[test]
    fn conflicting_error_bodies_are_read_as_json_naming_the_conflict() {
        let doc = convert(&vendor(), op_doc(json!({
            "400": {"description": "a", "content": {"application/json": {"schema": {"type": "object", "properties": {"code": {"type": "string"}}}}}},
            "401": {"description": "b", "content": {"application/json": {"schema": {"type": "object", "properties": {"code": {"type": "integer"}}}}}}
        }))).unwrap();
        let error = &doc["components"]["schemas"]["CreateAuthorizationUrlError"];
        assert!(error.get("properties").is_none(), "{error}");
        let why = error["description"].as_str().unwrap();
        assert!(
            why.contains("/responses/401/content/application~1json/schema/properties/code"),
            "{why}"
        );
    }

    /// A document with `op` as WoopSocial's connect operation (named
    /// `create_authorization_url`), `components` beside it.
    fn doc_with_op(op: Value, components: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "paths": {"/social-accounts/authorization-url": {"post": op}},
            "components": components
        })
    }

    fn ok_response(schema: Value) -> Value {
        json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}})
    }

    #[test]
    fn schemas_in_lists_and_component_parameters_are_converted() {
        let op = json!({
            "parameters": [{"in": "query", "name": "q", "schema": {"type": ["string", "null"]}}],
            "responses": {"204": {"description": "none"}}
        });
        let components = json!({"parameters": {"P": {"in": "query", "name": "p", "schema": {"type": ["integer", "null"]}}}});
        let d = convert(&vendor(), doc_with_op(op, components)).unwrap();
        let q =
            &d["paths"]["/social-accounts/authorization-url"]["post"]["parameters"][0]["schema"];
        assert_eq!(q, &json!({"type": "string", "nullable": true}));
        let p = &d["components"]["parameters"]["P"]["schema"];
        assert_eq!(p, &json!({"type": "integer", "nullable": true}));
    }

    /// The responses of the normalised operation, by status.
    fn responses_after(responses: Value) -> Map<String, Value> {
        let d = convert(
            &vendor(),
            doc_with_op(json!({"responses": responses}), json!({})),
        )
        .unwrap();
        d["paths"]["/social-accounts/authorization-url"]["post"]["responses"]
            .as_object()
            .unwrap()
            .clone()
    }

    fn statuses(responses: &Map<String, Value>) -> Vec<&str> {
        let mut s: Vec<&str> = responses.keys().map(String::as_str).collect();
        s.sort_unstable();
        s
    }

    #[test]
    fn each_side_of_an_operation_keeps_one_kind_of_response() {
        let json_body = |schema: Value| json!({"description": "d", "content": {"application/json": {"schema": schema}}});
        let object = json!({"type": "object", "properties": {"message": {"type": "string"}}});
        let r = responses_after(json!({
            "200": json_body(json!({"type": "object", "properties": {"url": {"type": "string"}}})),
            "201": json_body(json!({"type": "object", "properties": {"other": {"type": "string"}}})),
            "202": {"description": "no body"},
            "400": json_body(object.clone()),
            "404": {"description": "no body"},
            "429": {"description": "text", "content": {"text/plain": {"schema": {"type": "string"}}}},
            "default": json_body(object),
        }));
        // The first 2xx's kind wins; JSON errors win over text and nothing; `default` stands
        // for the error ranges the spec leaves undocumented.
        assert_eq!(statuses(&r), ["200", "400", "4XX", "5XX"]);
        let reference = &r["400"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(
            reference,
            &r["5XX"]["content"]["application/json"]["schema"]["$ref"]
        );
    }

    #[test]
    fn error_statuses_of_text_and_of_nothing_keep_the_text() {
        let r = responses_after(json!({
            "204": {"description": "none"},
            "404": {"description": "no body"},
            "500": {"description": "text", "content": {"text/html": {}}},
        }));
        assert_eq!(statuses(&r), ["204", "500"]);
    }

    #[test]
    fn a_json_media_type_without_a_schema_gets_the_empty_one() {
        let r = responses_after(
            json!({"200": {"description": "d", "content": {"application/json": {}}}}),
        );
        assert_eq!(r["200"]["content"]["application/json"]["schema"], json!({}));
    }

    #[test]
    fn error_bodies_that_cannot_merge_are_read_as_any_json() {
        let d = convert(
            &vendor(),
            doc_with_op(
                json!({"responses": {
                    "204": {"description": "none"},
                    "400": {"description": "d", "content": {"application/json": {"schema": {"type": "string"}}}},
                    "401": {"description": "d", "content": {"application/json": {"schema": {"type": "object", "properties": {"m": {"type": "string"}}}}}},
                }}),
                json!({}),
            ),
        )
        .unwrap();
        let error = &d["components"]["schemas"]["CreateAuthorizationUrlError"];
        assert!(error.get("type").is_none(), "{error}");
        assert!(
            error["description"]
                .as_str()
                .unwrap()
                .contains("read as JSON")
        );
    }

    #[test]
    fn a_whole_api_is_reduced_to_its_connect_operation_and_what_it_reaches() {
        let mut d = doc_with_op(
            json!({
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"$ref": "#/components/responses/Ok"}}
            }),
            json!({
                "schemas": {
                    "Req": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Inner"}}},
                    "Inner": {"type": "string"},
                    "Ans": {"type": "object", "properties": {"url": {"type": "string"}}},
                    // Another operation's: a 2020-12 keyword the conversion refuses.
                    "Other": {"type": "array", "prefixItems": [{"type": "string"}]}
                },
                "responses": {"Ok": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ans"}}}}},
                "securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": "X-Key"}}
            }),
        );
        d["paths"]["/social-accounts/authorization-url"]["get"] = json!({"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Other"}, "encoding": {"a": {}}}}}}});
        d["paths"]["/other"] = json!({"put": {"responses": {"204": {"description": "none"}}}});
        // The conversion alone refuses the other operation's schema; the normaliser keeps the
        // connect operation and what it reaches, and the document goes through.
        assert!(convert(&vendor(), d.clone()).is_err());
        let n = normalize(&vendor(), d).unwrap();
        let paths = n["paths"].as_object().unwrap();
        assert_eq!(
            paths.keys().collect::<Vec<_>>(),
            ["/social-accounts/authorization-url"]
        );
        let item = paths["/social-accounts/authorization-url"]
            .as_object()
            .unwrap();
        assert!(item.contains_key("post") && !item.contains_key("get"));
        let schemas = n["components"]["schemas"].as_object().unwrap();
        for kept in ["Req", "Inner", "Ans"] {
            assert!(schemas.contains_key(kept), "{kept}: {schemas:?}");
        }
        assert!(!schemas.contains_key("Other"));
        assert!(n["components"]["securitySchemes"]["k"].is_object());
        // A spec without the manifest's operation is left whole.
        let moved = json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/moved": {"post": {"responses": {"204": {"description": "none"}}}}},
            "components": {"schemas": {"Unused": {"type": "string"}}}});
        let n = normalize(&vendor(), moved).unwrap();
        assert!(n["paths"]["/moved"]["post"].is_object());
        assert!(n["components"]["schemas"]["Unused"].is_object());
    }

    #[test]
    fn a_one_type_array_without_null_is_not_nullable() {
        assert_eq!(
            normalized_schema(json!({"type": ["string"]})).unwrap(),
            json!({"type": "string"})
        );
    }

    #[test]
    fn an_any_of_of_only_nulls_is_an_error() {
        let err = normalized_schema(json!({"anyOf": [{"type": "null"}]})).unwrap_err();
        assert!(err.problem.contains("every arm is `type: null`"), "{err}");
    }

    #[test]
    fn only_the_named_operation_gets_the_vendors_name() {
        let mut d = doc_with_op(
            json!({"responses": {"204": {"description": "none"}}}),
            json!({}),
        );
        d["paths"]["/other"] = json!({"post": {"responses": {"204": {"description": "none"}}}});
        let d = convert(&vendor(), d).unwrap();
        assert_eq!(
            d["paths"]["/social-accounts/authorization-url"]["post"]["operationId"],
            "create_authorization_url"
        );
        assert_eq!(d["paths"]["/other"]["post"]["operationId"], "post_other");
    }

    #[test]
    fn a_single_inline_error_body_is_lifted_into_a_named_type() {
        let op = json!({"responses": {
            "204": {"description": "none"},
            "400": {"description": "bad", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"message": {"type": "string"}}}}}}
        }});
        let d = convert(&vendor(), doc_with_op(op, json!({}))).unwrap();
        assert_eq!(
            d["paths"]["/social-accounts/authorization-url"]["post"]["responses"]["400"]["content"]
                ["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/CreateAuthorizationUrlError"})
        );
        assert!(
            d["components"]["schemas"]["CreateAuthorizationUrlError"]["properties"]["message"]
                .is_object()
        );
    }

    #[test]
    fn a_lifted_name_may_repeat_its_own_schema_but_not_another() {
        let body = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let op = json!({
            "requestBody": {"content": {"application/json": {"schema": body.clone()}}},
            "responses": {"204": {"description": "none"}}
        });
        let same = json!({"schemas": {"CreateAuthorizationUrlRequest": body}});
        let d = convert(&vendor(), doc_with_op(op.clone(), same)).unwrap();
        assert_eq!(
            d["paths"]["/social-accounts/authorization-url"]["post"]["requestBody"]["content"]["application/json"]
                ["schema"],
            json!({"$ref": "#/components/schemas/CreateAuthorizationUrlRequest"})
        );
        let other = json!({"schemas": {"CreateAuthorizationUrlRequest": {"type": "integer"}}});
        let err = convert(&vendor(), doc_with_op(op, other)).unwrap_err();
        assert!(
            err.problem.contains("already uses for another schema"),
            "{err}"
        );
    }

    #[test]
    fn inline_enums_and_combinations_are_lifted() {
        for schema in [
            json!({"type": "string", "enum": ["a", "b"]}),
            json!({"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
        ] {
            let op = json!({"responses": ok_response(schema.clone())});
            let d = convert(&vendor(), doc_with_op(op, json!({}))).unwrap();
            assert_eq!(
                d["paths"]["/social-accounts/authorization-url"]["post"]["responses"]["200"]["content"]
                    ["application/json"]["schema"],
                json!({"$ref": "#/components/schemas/CreateAuthorizationUrlResponse"}),
                "{schema}"
            );
        }
    }

    #[test]
    fn every_schema_a_response_reaches_is_made_tolerant() {
        let closed = |props: Value| json!({"type": "object", "additionalProperties": false, "properties": props});
        let response = json!({"type": "object", "properties": {
            "a": {"$ref": "#/components/schemas/A"},
            "b": {"$ref": "#/components/schemas/B"},
            "c": {"allOf": [{"$ref": "#/components/schemas/C"}, closed(json!({}))]}
        }});
        let components = json!({"schemas": {
            "A": closed(json!({"x": {"$ref": "#/components/schemas/Deep"}})),
            "B": closed(json!({})),
            "C": closed(json!({})),
            "Deep": closed(json!({})),
            "RequestOnly": closed(json!({}))
        }});
        let op = json!({"responses": ok_response(response)});
        let d = convert(&vendor(), doc_with_op(op, components)).unwrap();
        let schemas = &d["components"]["schemas"];
        for name in ["A", "B", "C", "Deep"] {
            assert!(
                schemas[name].get("additionalProperties").is_none(),
                "{name} is reached from a response: {}",
                schemas[name]
            );
        }
        let lifted = &schemas["CreateAuthorizationUrlResponse"]["properties"]["c"]["allOf"][1];
        assert!(lifted.get("additionalProperties").is_none(), "{lifted}");
        assert_eq!(
            schemas["RequestOnly"]["additionalProperties"], false,
            "a schema no response reaches stays strict"
        );
    }
}
