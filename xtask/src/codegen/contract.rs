//! A vendor's contract: the facts its published spec states about its connect operation, read
//! from the spec as published (not the normalised copy progenitor sees, so a normaliser bug can
//! neither hide a fact nor a change of one).
//!
//! The contract is what the mock validates requests against and what the SDK's hand-written
//! mapping is checked against (both get it as a generated module: see [`render_mock`] and
//! [`render_sdk`]), and what the change report compares (`crate::report`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::vendors::Vendor;

/// Why a spec's contract could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{vendor}: at {pointer}: {problem}")]
pub struct ContractError {
    /// The vendor whose spec it is.
    pub vendor: String,
    /// JSON pointer into the spec.
    pub pointer: String,
    /// What is wrong.
    pub problem: String,
}

/// What one vendor's spec states about its connect operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// The vendor's lower-case name.
    pub vendor: String,
    /// `info.version`.
    pub version: String,
    /// The server URLs, in the spec's order.
    pub servers: Vec<String>,
    /// The connect operation's method, upper case.
    pub method: String,
    /// The connect operation's path.
    pub path: String,
    /// The ways the operation takes the API key, in the spec's order (any one suffices).
    pub auth: Vec<Auth>,
    /// Query parameters (the operation's, and its path item's that it does not override).
    pub query: Vec<Param>,
    /// Path parameters, in the order the path names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_params: Vec<Param>,
    /// The request body, when the operation has one.
    pub body: Option<Body>,
    /// The documented responses, in the spec's order.
    pub responses: Vec<Response>,
}

/// One way of passing the API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic base64(<key>)`, the key being `user:password` (or a user alone).
    Basic,
    /// The key as it is in a header (name lower-cased).
    Header(String),
    /// The key in a query parameter.
    Query(String),
    /// A scheme the mock does not model (named as the spec names it).
    Other(String),
}

/// A query parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Whether the operation requires it.
    pub required: bool,
    /// Its schema.
    pub schema: Schema,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Whether the operation requires one.
    pub required: bool,
    /// Its media type (the first the spec lists).
    pub media: String,
    /// Its schema.
    pub schema: Schema,
}

/// A documented response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The status as the spec writes it (`200`, `4XX`, `default`).
    pub status: String,
    /// Its media type, when it documents a body.
    pub media: Option<String>,
    /// Its body's schema, when it documents one.
    pub schema: Option<Schema>,
}

/// The JSON types a schema can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ty {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
    /// `object`
    Object,
    /// `array`
    Array,
    /// `null`
    Null,
}

impl Ty {
    fn parse(s: &str) -> Option<Ty> {
        Some(match s {
            "string" => Ty::String,
            "integer" => Ty::Integer,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "object" => Ty::Object,
            "array" => Ty::Array,
            "null" => Ty::Null,
            _ => return None,
        })
    }

    fn rust(self) -> &'static str {
        match self {
            Ty::String => "Ty::String",
            Ty::Integer => "Ty::Integer",
            Ty::Number => "Ty::Number",
            Ty::Boolean => "Ty::Boolean",
            Ty::Object => "Ty::Object",
            Ty::Array => "Ty::Array",
            Ty::Null => "Ty::Null",
        }
    }
}

/// The part of a JSON schema the contract keeps: what a validator can check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// The allowed types; empty for any.
    pub types: Vec<Ty>,
    /// `format`.
    pub format: Option<String>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `enum` (or `const`, as a one-value enum).
    pub values: Option<Vec<Value>>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `properties`, in the spec's order, each with whether `required` names it.
    pub properties: Vec<Property>,
    /// Whether properties not named are allowed (`additionalProperties` not `false`).
    pub additional: bool,
    /// `items`.
    pub items: Option<Box<Schema>>,
    /// The value the spec gives as an example of this schema: its `example`, else the first
    /// of its `examples`, else its `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

/// An object's property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Property {
    /// Its name.
    pub name: String,
    /// Whether the object's `required` names it.
    pub required: bool,
    /// Its schema.
    pub schema: Schema,
}

/// How deep `$ref`s and nested schemas are followed before a schema counts as "any".
const MAX_DEPTH: usize = 24;

struct Reader<'a> {
    vendor: &'a Vendor,
    doc: &'a Value,
}

impl Reader<'_> {
    fn err(&self, pointer: &str, problem: impl Into<String>) -> ContractError {
        ContractError {
            vendor: self.vendor.name.to_owned(),
            pointer: pointer.to_owned(),
            problem: problem.into(),
        }
    }

    /// Follows a local `$ref` chain.
    fn deref<'v>(
        &'v self,
        mut value: &'v Value,
        pointer: &str,
    ) -> Result<&'v Value, ContractError> {
        for _ in 0..MAX_DEPTH {
            let Some(target) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(value);
            };
            let Some(local) = target.strip_prefix('#') else {
                return Err(self.err(pointer, format!("$ref {target:?} is not local to the spec")));
            };
            value = self
                .doc
                .pointer(local)
                .ok_or_else(|| self.err(pointer, format!("$ref {target:?} points nowhere")))?;
        }
        Err(self.err(pointer, "$ref chain too long (a cycle?)"))
    }

    fn schema(&self, value: &Value, pointer: &str, depth: usize) -> Result<Schema, ContractError> {
        if depth > MAX_DEPTH {
            return Ok(Schema {
                additional: true,
                ..Schema::default()
            });
        }
        let value = self.deref(value, pointer)?;
        let Some(obj) = value.as_object() else {
            // `true`/`{}`: anything.
            return Ok(Schema {
                additional: true,
                ..Schema::default()
            });
        };
        let mut s = Schema {
            additional: true,
            ..Schema::default()
        };
        match obj.get("type") {
            Some(Value::String(t)) => s.types.extend(Ty::parse(t)),
            Some(Value::Array(ts)) => s
                .types
                .extend(ts.iter().filter_map(Value::as_str).filter_map(Ty::parse)),
            _ => {}
        }
        if obj.get("nullable") == Some(&Value::Bool(true)) && !s.types.is_empty() {
            s.types.push(Ty::Null);
        }
        s.format = obj.get("format").and_then(Value::as_str).map(str::to_owned);
        s.pattern = obj
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(Value::Array(values)) = obj.get("enum") {
            s.values = Some(values.clone());
        }
        if let Some(c) = obj.get("const") {
            s.values = Some(vec![c.clone()]);
        }
        s.example = obj
            .get("example")
            .or_else(|| obj.get("examples").and_then(|e| e.as_array()?.first()))
            .or_else(|| obj.get("default"))
            .cloned();
        s.min_length = obj.get("minLength").and_then(Value::as_u64);
        s.max_length = obj.get("maxLength").and_then(Value::as_u64);
        s.minimum = obj.get("minimum").and_then(Value::as_f64);
        s.maximum = obj.get("maximum").and_then(Value::as_f64);
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(Value::Object(props)) = obj.get("properties") {
            for (name, p) in props {
                s.properties.push(Property {
                    name: name.clone(),
                    required: required.contains(&name.as_str()),
                    schema: self.schema(p, &format!("{pointer}/properties/{name}"), depth + 1)?,
                });
            }
        }
        if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
            s.additional = false;
        }
        if let Some(items) = obj.get("items") {
            s.items = Some(Box::new(self.schema(
                items,
                &format!("{pointer}/items"),
                depth + 1,
            )?));
        }
        // allOf: every part applies; the contract keeps the union of their properties and the
        // intersection of their types, which is what the validator can check.
        if let Some(Value::Array(parts)) = obj.get("allOf") {
            for (i, part) in parts.iter().enumerate() {
                let p = self.schema(part, &format!("{pointer}/allOf/{i}"), depth + 1)?;
                merge_all_of(&mut s, p);
            }
        }
        self.unions(obj, pointer, depth, &mut s)?;
        s.types.sort();
        s.types.dedup();
        Ok(s)
    }

    /// `oneOf`/`anyOf` of enums (a common way to document values): the union of the values
    /// goes into `s`. Other unions are not narrowed: the validator accepts any value there.
    fn unions(
        &self,
        obj: &serde_json::Map<String, Value>,
        pointer: &str,
        depth: usize,
        s: &mut Schema,
    ) -> Result<(), ContractError> {
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = obj.get(key) {
                let mut parts_read = Vec::new();
                for (i, part) in parts.iter().enumerate() {
                    parts_read.push(self.schema(
                        part,
                        &format!("{pointer}/{key}/{i}"),
                        depth + 1,
                    )?);
                }
                if !parts_read.is_empty() && parts_read.iter().all(|p| p.values.is_some()) {
                    let mut values: Vec<Value> = Vec::new();
                    for p in &parts_read {
                        for v in p.values.iter().flatten() {
                            if !values.contains(v) {
                                values.push(v.clone());
                            }
                        }
                    }
                    let mut types: Vec<Ty> =
                        parts_read.iter().flat_map(|p| p.types.clone()).collect();
                    types.sort();
                    types.dedup();
                    if s.types.is_empty() {
                        s.types = types;
                    }
                    s.values = Some(values);
                }
                // Other unions are not narrowed: the validator accepts any value there.
            }
        }
        Ok(())
    }
}

fn merge_all_of(into: &mut Schema, part: Schema) {
    if into.types.is_empty() {
        into.types = part.types;
    } else if !part.types.is_empty() {
        into.types.retain(|t| part.types.contains(t));
    }
    into.format = into.format.take().or(part.format);
    into.pattern = into.pattern.take().or(part.pattern);
    into.values = into.values.take().or(part.values);
    into.min_length = into.min_length.max(part.min_length);
    into.max_length = match (into.max_length, part.max_length) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    into.minimum = into.minimum.or(part.minimum);
    into.maximum = into.maximum.or(part.maximum);
    for p in part.properties {
        match into.properties.iter_mut().find(|q| q.name == p.name) {
            Some(q) => q.required |= p.required,
            None => into.properties.push(p),
        }
    }
    into.additional &= part.additional;
    into.items = into.items.take().or(part.items);
    into.example = into.example.take().or(part.example);
}

/// The `(method, path)` of the vendor's connect operation in `doc`: the one `xtask` names for
/// the vendor, or else the spec's only operation (so a moved path is reported, not fatal).
fn connect_operation<'d>(
    r: &Reader<'_>,
    doc: &'d Value,
) -> Result<(String, String, &'d Value), ContractError> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| r.err("/paths", "the spec has no paths"))?;
    let mut all = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if crate::normalize::is_method(method) {
                all.push((method.clone(), path.clone(), op));
            }
        }
    }
    let (want_method, want_path) = (&r.vendor.connect.method, &r.vendor.connect.path);
    if let Some((m, p, op)) = all
        .iter()
        .find(|(m, p, _)| m.eq_ignore_ascii_case(want_method) && p == want_path)
    {
        return Ok((m.to_ascii_uppercase(), p.clone(), op));
    }
    match all.as_slice() {
        [(m, p, op)] => Ok((m.to_ascii_uppercase(), p.clone(), op)),
        _ => Err(r.err(
            "/paths",
            format!(
                "no {} {want_path} operation, and not exactly one operation to take for it \
                 (update the vendor's entry in xtask/src/vendors.rs)",
                want_method.to_ascii_uppercase()
            ),
        )),
    }
}

/// Reads `vendor`'s contract from its published spec (`doc`: the YAML as JSON).
pub fn extract(vendor: &Vendor, doc: &Value) -> Result<Contract, ContractError> {
    let r = Reader { vendor, doc };
    let version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let servers = doc
        .get("servers")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(server_url).collect())
        .unwrap_or_default();
    let (method, path, op) = connect_operation(&r, doc)?;
    let op_ptr = format!(
        "/paths/{}/{}",
        path.replace('~', "~0").replace('/', "~1"),
        method.to_ascii_lowercase()
    );

    let auth = auth_of(&r, doc, op, &op_ptr)?;
    let path_item = doc
        .get("paths")
        .and_then(|p| p.get(&path))
        .unwrap_or(&Value::Null);
    let query = params_of(&r, path_item, op, &op_ptr, "query")?;
    let path_params = params_of(&r, path_item, op, &op_ptr, "path")?;
    let body = body_of(&r, op, &op_ptr)?;
    let responses = responses_of(&r, op, &op_ptr)?;
    Ok(Contract {
        vendor: vendor.name.to_owned(),
        version,
        servers,
        method,
        path,
        auth,
        query,
        path_params,
        body,
        responses,
    })
}

/// A server's URL with each `{variable}` replaced by its default (OpenAPI 3 server variables);
/// a variable without one is left as the spec writes it.
fn server_url(server: &Value) -> Option<String> {
    let mut url = server.get("url")?.as_str()?.to_owned();
    for (name, var) in server
        .get("variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(default) = var.get("default").and_then(Value::as_str) {
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    Some(url)
}

/// The ways the operation takes the key: its own security, else the document's.
fn auth_of(
    r: &Reader<'_>,
    doc: &Value,
    op: &Value,
    op_ptr: &str,
) -> Result<Vec<Auth>, ContractError> {
    let security = op
        .get("security")
        .or_else(|| doc.get("security"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut auth = Vec::new();
    for requirement in &security {
        let Some(requirement) = requirement.as_object() else {
            continue;
        };
        for name in requirement.keys() {
            let scheme = doc
                .pointer(&format!("/components/securitySchemes/{name}"))
                .ok_or_else(|| r.err(op_ptr, format!("security scheme {name:?} is not defined")))?;
            let scheme = r.deref(scheme, op_ptr)?;
            let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
            let a = match kind {
                "http"
                    if scheme
                        .get("scheme")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("bearer")) =>
                {
                    Auth::Bearer
                }
                "http"
                    if scheme
                        .get("scheme")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("basic")) =>
                {
                    Auth::Basic
                }
                "apiKey" => {
                    let name = scheme
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    match scheme.get("in").and_then(Value::as_str) {
                        Some("header") => Auth::Header(name.to_ascii_lowercase()),
                        Some("query") => Auth::Query(name),
                        _ => Auth::Other(format!("apiKey in {name}")),
                    }
                }
                other => Auth::Other(other.to_owned()),
            };
            if !auth.contains(&a) {
                auth.push(a);
            }
        }
    }

    Ok(auth)
}

/// The operation's parameters `in` `place` (`query`, `path`): its own, then those of its path
/// item that it does not override (same name and place).
fn params_of(
    r: &Reader<'_>,
    path_item: &Value,
    op: &Value,
    op_ptr: &str,
    place: &str,
) -> Result<Vec<Param>, ContractError> {
    let item_ptr = op_ptr.rsplit_once('/').map_or("", |(p, _)| p);
    let own = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, p)| (format!("{op_ptr}/parameters/{i}"), p));
    let shared = path_item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, p)| (format!("{item_ptr}/parameters/{i}"), p));
    let mut query: Vec<Param> = Vec::new();
    for (pointer, p) in own.chain(shared) {
        let p = r.deref(p, &pointer)?;
        if p.get("in").and_then(Value::as_str) != Some(place) {
            continue;
        }
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        if query.iter().any(|q| q.name == name) {
            continue;
        }
        query.push(Param {
            name: p
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| r.err(&pointer, "a parameter without a name"))?
                .to_owned(),
            required: place == "path" || p.get("required") == Some(&Value::Bool(true)),
            schema: match p.get("schema") {
                Some(s) => r.schema(s, &format!("{pointer}/schema"), 0)?,
                None => Schema {
                    types: vec![Ty::String],
                    additional: true,
                    ..Schema::default()
                },
            },
        });
    }

    Ok(query)
}

/// The operation's request body, if it has one.
fn body_of(r: &Reader<'_>, op: &Value, op_ptr: &str) -> Result<Option<Body>, ContractError> {
    Ok(match op.get("requestBody") {
        None => None,
        Some(b) => {
            let pointer = format!("{op_ptr}/requestBody");
            let b = r.deref(b, &pointer)?;
            let (media, content) = first_content(b)
                .ok_or_else(|| r.err(&pointer, "a request body without content"))?;
            Some(Body {
                required: b.get("required") == Some(&Value::Bool(true)),
                media,
                schema: match content.get("schema") {
                    Some(s) => r.schema(s, &format!("{pointer}/content/schema"), 0)?,
                    None => Schema {
                        additional: true,
                        ..Schema::default()
                    },
                },
            })
        }
    })
}

/// The operation's documented responses, in the spec's order.
fn responses_of(r: &Reader<'_>, op: &Value, op_ptr: &str) -> Result<Vec<Response>, ContractError> {
    let mut responses = Vec::new();
    if let Some(Value::Object(rs)) = op.get("responses") {
        for (status, resp) in rs {
            let pointer = format!("{op_ptr}/responses/{status}");
            let resp = r.deref(resp, &pointer)?;
            let (media, schema) = match first_content(resp) {
                Some((media, content)) => {
                    let schema = match content.get("schema") {
                        Some(s) => Some(r.schema(s, &format!("{pointer}/content/schema"), 0)?),
                        None => None,
                    };
                    (Some(media), schema)
                }
                None => (None, None),
            };
            responses.push(Response {
                status: status.clone(),
                media,
                schema,
            });
        }
    }

    Ok(responses)
}

fn first_content(v: &Value) -> Option<(String, &Map<String, Value>)> {
    let content = v.get("content")?.as_object()?;
    // JSON first, whatever order the spec lists them in.
    content
        .iter()
        .find(|(m, _)| m.contains("json"))
        .or_else(|| content.iter().next())
        .and_then(|(m, c)| c.as_object().map(|c| (m.clone(), c)))
}

impl Contract {
    /// The path the mock serves the vendor's API under: its manifest's `mock.mount` and the
    /// path of the first server URL (`/woopsocial` and `https://api.woopsocial.com/v1` →
    /// `/woopsocial/v1`).
    pub fn mock_prefix(&self, mount: &str) -> String {
        let server_path = self
            .servers
            .first()
            .and_then(|s| s.split_once("://").map(|(_, rest)| rest))
            .and_then(|rest| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("")
            .trim_end_matches('/');
        format!("{mount}{server_path}")
    }

    /// The first server URL that is not a local one, if any.
    pub fn public_server(&self) -> Option<&str> {
        self.servers
            .iter()
            .map(String::as_str)
            .find(|s| !is_local(s))
    }

    /// The status of the first documented 2xx response.
    pub fn success_status(&self) -> Option<u16> {
        self.responses
            .iter()
            .filter_map(|r| r.status.parse::<u16>().ok())
            .find(|s| (200..300).contains(s))
    }
}

fn is_local(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "0.0.0.0"
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt_lit(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("Some({s:?})"),
        None => "None".to_owned(),
    }
}

fn render_value(v: &Value) -> String {
    match v {
        Value::Null => "Lit::Null".to_owned(),
        Value::Bool(b) => format!("Lit::Bool({b})"),
        Value::Number(n) => match n.as_i64() {
            Some(i) => format!("Lit::Int({i})"),
            None => format!("Lit::Text({:?})", n.to_string()),
        },
        Value::String(s) => format!("Lit::Str({s:?})"),
        other => format!("Lit::Text({:?})", other.to_string()),
    }
}

fn render_f64(x: Option<f64>) -> String {
    match x {
        Some(x) => format!("Some({x:?})"),
        None => "None".to_owned(),
    }
}

fn render_u64(x: Option<u64>) -> String {
    match x {
        Some(x) => format!("Some({x})"),
        None => "None".to_owned(),
    }
}

fn render_schema(s: &Schema) -> String {
    let mut fields = Vec::new();
    if !s.types.is_empty() {
        let tys: Vec<_> = s.types.iter().map(|t| t.rust()).collect();
        fields.push(format!("types: &[{}]", tys.join(", ")));
    }
    if s.format.is_some() {
        fields.push(format!("format: {}", opt_lit(s.format.as_deref())));
    }
    if s.pattern.is_some() {
        fields.push(format!("pattern: {}", opt_lit(s.pattern.as_deref())));
    }
    if let Some(values) = &s.values {
        let vs: Vec<_> = values.iter().map(render_value).collect();
        fields.push(format!("values: Some(&[{}])", vs.join(", ")));
    }
    if s.min_length.is_some() {
        fields.push(format!("min_length: {}", render_u64(s.min_length)));
    }
    if s.max_length.is_some() {
        fields.push(format!("max_length: {}", render_u64(s.max_length)));
    }
    if s.minimum.is_some() {
        fields.push(format!("minimum: {}", render_f64(s.minimum)));
    }
    if s.maximum.is_some() {
        fields.push(format!("maximum: {}", render_f64(s.maximum)));
    }
    if !s.properties.is_empty() {
        let ps: Vec<_> = s
            .properties
            .iter()
            .map(|p| {
                format!(
                    "Property {{ name: {}, required: {}, schema: &{} }}",
                    lit(&p.name),
                    p.required,
                    render_schema(&p.schema)
                )
            })
            .collect();
        fields.push(format!("properties: &[{}]", ps.join(", ")));
    }
    if !s.additional {
        fields.push("additional: false".to_owned());
    }
    if let Some(items) = &s.items {
        fields.push(format!("items: Some(&{})", render_schema(items)));
    }
    if let Some(example) = &s.example {
        fields.push(format!("example: Some({})", render_value(example)));
    }
    fields.push("..Schema::ANY".to_owned());
    format!("Schema {{ {} }}", fields.join(", "))
}

fn render_auth(a: &Auth) -> String {
    match a {
        Auth::Bearer => "Auth::Bearer".to_owned(),
        Auth::Basic => "Auth::Basic".to_owned(),
        Auth::Header(n) => format!("Auth::Header({n:?})"),
        Auth::Query(n) => format!("Auth::Query({n:?})"),
        Auth::Other(n) => format!("Auth::Other({n:?})"),
    }
}

/// Formats generated Rust with prettyplease, so the files read like the rest of the code.
/// `source` formatted by prettyplease; a text that does not parse is a bug of the generator.
pub fn pretty(source: &str, what: &str) -> String {
    match syn::parse_file(source) {
        Ok(file) => prettyplease::unparse(&file),
        // A bug of this module, not of the spec: fail loudly with the text that did not parse.
        Err(e) => panic!("the generated {what} does not parse as Rust ({e}):\n{source}"),
    }
}

/// The mock's module for `c`: `mock-server/src/contract/generated/<vendor>.rs`. It holds what
/// the mock reads: where it serves the vendor, the operation, the key, the query and body
/// schemas and the success status (the tests check response bodies against the spec itself).
pub fn render_mock(c: &Contract, vendor: &Vendor, sha: &str) -> String {
    let auth: Vec<_> = c.auth.iter().map(render_auth).collect();
    let render_params = |params: &[Param]| -> Vec<String> {
        params
            .iter()
            .map(|p| {
                format!(
                    "Param {{ name: {}, required: {}, schema: &{} }}",
                    lit(&p.name),
                    p.required,
                    render_schema(&p.schema)
                )
            })
            .collect()
    };
    let query = render_params(&c.query);
    let path_params = render_params(&c.path_params);
    let body = match &c.body {
        None => "None".to_owned(),
        Some(b) => format!(
            "Some(Body {{ required: {}, media: {}, schema: &{} }})",
            b.required,
            lit(&b.media),
            render_schema(&b.schema)
        ),
    };
    let responses: Vec<_> = c
        .responses
        .iter()
        .map(|r| {
            format!(
                "Response {{ status: {}, media: {}, schema: {} }}",
                lit(&r.status),
                opt_lit(r.media.as_deref()),
                r.schema.as_ref().map_or_else(
                    || "None".to_owned(),
                    |s| format!("Some(&{})", render_schema(s))
                )
            )
        })
        .collect();
    let item = format!(
        "/// {display}'s contract, as its spec states it.\n\
         pub(crate) static CONTRACT: Contract = Contract {{ \
           vendor: {vendor_lit}, mock_prefix: {prefix}, method: {method}, path: {path}, \
           auth: &[{auth}], query: &[{query}], path_params: &[{path_params}], body: {body}, \
           success: {success}, responses: &[{responses}] }};\n",
        responses = responses.join(", "),
        display = vendor.display,
        vendor_lit = lit(&c.vendor),
        prefix = lit(&c.mock_prefix(&vendor.mock.mount)),
        method = lit(&c.method),
        path = lit(&c.path),
        auth = auth.join(", "),
        query = query.join(", "),
        path_params = path_params.join(", "),
        success = c.success_status().unwrap_or(200),
    );
    // Import only what the item names, so the module has no unused import.
    let names: Vec<&str> = [
        "Auth", "Body", "Contract", "Lit", "Param", "Property", "Response", "Schema", "Ty",
    ]
    .into_iter()
    .filter(|n| {
        item.contains(&format!("{n}::"))
            || item.contains(&format!("{n} "))
            || item.contains(&format!("{n} {{"))
    })
    .collect();
    let source = format!("use super::super::{{{}}};\n{item}", names.join(", "));
    format!(
        "// Generated by `cargo xtask codegen` from specs/{name}/openapi.yaml (sha256 {sha}); \
         do not edit.\n\
         // {display}'s contract for the mock: what its connect operation takes and answers.\n\n{}",
        pretty(&source, "mock contract"),
        name = vendor.name,
        display = vendor.display,
    )
}

/// The SDK's module of facts, all vendors in one: `sdk/src/generated/contract.rs`.
pub fn render_sdk(contracts: &[(Vendor, Contract)]) -> String {
    let mut source = String::from("use crate::vendors::{Facts, KeyScheme};\n");
    for (vendor, c) in contracts {
        let auth: Vec<_> = c
            .auth
            .iter()
            .filter_map(|a| match a {
                Auth::Bearer => Some("KeyScheme::Bearer".to_owned()),
                Auth::Basic => Some("KeyScheme::Basic".to_owned()),
                Auth::Header(n) => Some(format!("KeyScheme::Header({n:?})")),
                Auth::Query(n) => Some(format!("KeyScheme::Query({n:?})")),
                _ => None,
            })
            .collect();
        let mut fields: Vec<String> = c
            .path_params
            .iter()
            .chain(&c.query)
            .map(|p| format!("({}, {})", lit(&p.name), p.required))
            .collect();
        if let Some(b) = &c.body {
            fields.extend(
                b.schema
                    .properties
                    .iter()
                    .map(|p| format!("({}, {})", lit(&p.name), p.required)),
            );
        }
        let servers: Vec<_> = c.servers.iter().map(|s| lit(s)).collect();
        source.push_str(&format!(
            "/// {display}'s facts, from specs/{name}/openapi.yaml.\n\
             pub(crate) static {upper}: Facts = Facts {{ servers: &[{servers}], \
             public_server: {public}, auth: &[{auth}], fields: &[{fields}], owner: {owner}, \
             redirect: {redirect}, params: {params} }};\n",
            display = vendor.display,
            name = vendor.name,
            upper = vendor.name.to_ascii_uppercase(),
            servers = servers.join(", "),
            public = opt_lit(c.public_server()),
            auth = auth.join(", "),
            fields = fields.join(", "),
            owner = opt_lit(vendor.connect.owner.as_deref()),
            redirect = opt_lit(vendor.connect.redirect.as_deref()),
            params = opt_lit(vendor.connect.params.as_deref()),
        ));
    }
    format!(
        "// Generated by `cargo xtask codegen` from specs/*/openapi.yaml; do not edit.\n\
         // The facts the SDK's hand-written layer takes from each vendor's spec: its servers, \
         how it takes the key, the fields its connect names.\n\n{}",
        pretty(&source, "SDK facts")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::compiled;

    fn contract(vendor: &str, yaml: &str) -> Contract {
        let doc: Value = serde_norway::from_str(yaml).unwrap();
        extract(&compiled(vendor), &doc).unwrap()
    }

    const SPEC: &str = r##"
openapi: 3.1.0
info: {title: T, version: "2.0"}
servers: [{url: "http://localhost:9/api/v1"}, {url: "https://api.example.com/v1/"}]
security: [{k: []}]
paths:
  /social-profiles/connection-url:
    post:
      parameters:
        - {in: query, name: workspaceId, required: true, schema: {type: string}}
        - {in: header, name: X-Trace, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Req"}
      responses:
        "201": {description: ok, content: {application/json: {schema: {type: object, properties: {url: {type: string, format: uri}}}}}}
        "400": {description: bad}
components:
  securitySchemes:
    k: {type: apiKey, in: header, name: X-API-Key}
  schemas:
    Req:
      type: object
      additionalProperties: false
      required: [provider]
      properties:
        provider: {type: string, enum: [a, b]}
        note: {type: [string, "null"], maxLength: 3}
        kind: {oneOf: [{const: x}, {const: y}]}
"##;

    #[test]
    fn reads_what_the_spec_states() {
        let c = contract("ocoya", SPEC);
        assert_eq!(c.version, "2.0");
        assert_eq!(c.method, "POST");
        assert_eq!(c.path, "/social-profiles/connection-url");
        assert_eq!(c.auth, [Auth::Header("x-api-key".into())]);
        assert_eq!(c.query.len(), 1, "only query parameters");
        assert!(c.query[0].required);
        let body = c.body.as_ref().unwrap();
        assert!(body.required);
        assert_eq!(body.media, "application/json");
        assert!(!body.schema.additional);
        let p = &body.schema.properties;
        assert_eq!(p[0].name, "provider");
        assert!(p[0].required);
        assert_eq!(p[0].schema.values, Some(vec!["a".into(), "b".into()]));
        assert_eq!(p[1].schema.types, [Ty::String, Ty::Null]);
        assert_eq!(p[1].schema.max_length, Some(3));
        assert!(!p[1].required);
        assert_eq!(p[2].schema.values, Some(vec!["x".into(), "y".into()]));
        assert_eq!(c.success_status(), Some(201));
        assert_eq!(c.responses[1].schema, None);
        assert_eq!(
            c.responses[0].schema.as_ref().unwrap().properties[0]
                .schema
                .format
                .as_deref(),
            Some("uri")
        );
        assert_eq!(c.mock_prefix("/ocoya"), "/ocoya/api/v1");
        assert_eq!(c.public_server(), Some("https://api.example.com/v1/"));
    }

    #[test]
    fn a_moved_path_is_still_the_connect_operation_when_it_is_the_only_one() {
        let moved = SPEC.replace("/social-profiles/connection-url", "/connections/url");
        assert_eq!(contract("ocoya", &moved).path, "/connections/url");
        // Keys of a path item that are not methods are not operations.
        let with_item_keys = moved.replace(
            "  /connections/url:\n    post:",
            "  /connections/url:\n    summary: s\n    parameters: []\n    post:",
        );
        assert_ne!(with_item_keys, moved);
        assert_eq!(contract("ocoya", &with_item_keys).path, "/connections/url");
    }

    #[test]
    fn a_missing_scheme_or_ref_is_an_error_naming_the_place() {
        let doc: Value = serde_norway::from_str(&SPEC.replace(
            "$ref: \"#/components/schemas/Req\"",
            "$ref: \"#/components/schemas/Nope\"",
        ))
        .unwrap();
        let err = extract(&compiled("ocoya"), &doc).unwrap_err();
        assert!(err.to_string().contains("points nowhere"), "{err}");
        assert!(
            err.to_string()
                .starts_with("ocoya: at /paths/~1social-profiles~1connection-url/post/requestBody"),
            "{err}"
        );
    }

    #[test]
    fn generated_modules_parse_as_rust() {
        let c = contract("ocoya", SPEC);
        let v = &compiled("ocoya");
        let mock = render_mock(&c, v, "x");
        assert!(mock.starts_with("// Generated by `cargo xtask codegen`"));
        assert!(mock.contains("Lit::Str(\"a\")"), "{mock}");
        let sdk = render_sdk(&[(v.clone(), c)]);
        assert!(sdk.contains("pub(crate) static OCOYA: Facts"), "{sdk}");
    }
}
