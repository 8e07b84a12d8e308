//! A vendor's contract: the facts its published spec states about its connect operation, read
//! from the spec as published (not the normalised copy progenitor sees, so a normaliser bug can
//! neither hide a fact nor a change of one).
//!
//! The contract is what the mock validates requests against and what the SDK's hand-written
//! mapping is checked against (both get it as a generated module: see [`render_mock`] and
//! [`render_sdk`]), and what the change report compares (`crate::report`).

use serde_json::{Map, Value};
pub use social_connect_spec::{Auth, Body, Contract, Param, Property, Response, Schema, Ty};

use crate::vendors::{Members, Vendor};

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
            return Ok(Schema::default());
        }
        let value = self.deref(value, pointer)?;
        let Some(obj) = value.as_object() else {
            // `true`/`{}`: anything.
            return Ok(Schema::default());
        };
        let mut s = Schema::default();
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
                        Some("header") => Auth::Header(name.to_ascii_lowercase().into()),
                        Some("query") => Auth::Query(name.into()),
                        _ => Auth::Other(format!("apiKey in {name}").into()),
                    }
                }
                other => Auth::Other(other.to_owned().into()),
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
                    None => Schema::default(),
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

/// Formats generated Rust with prettyplease, so the files read like the rest of the code.
/// `source` formatted by prettyplease; a text that does not parse is a bug of the generator.
pub fn pretty(source: &str, what: &str) -> String {
    match syn::parse_file(source) {
        Ok(file) => prettyplease::unparse(&file),
        // A bug of this module, not of the spec: fail loudly with the text that did not parse.
        Err(e) => panic!("the generated {what} does not parse as Rust ({e}):\n{source}"),
    }
}

/// The spec crate's list of the vendors' contracts (`specs/src/generated.rs`): each vendor's
/// name and its `contract.json`, in the workspace's order.
pub fn render_index<'v>(vendors: impl Iterator<Item = &'v Vendor>) -> String {
    let vendors: Vec<&Vendor> = vendors.collect();
    let entries = vendors.iter().map(|v| {
        let name = &v.name;
        let path = format!("../{name}/contract.json");
        quote::quote!((#name, include_str!(#path)))
    });
    let manifests = vendors.iter().map(|v| {
        let name = &v.name;
        let c = &v.connect;
        let (owner, redirect, params) = (
            opt(c.owner.as_deref()),
            opt(c.redirect.as_deref()),
            opt(c.params.as_deref()),
        );
        let (provider, link) = (&c.provider, &c.link);
        let m = &v.mock;
        let (mount, kind, prefix, one) = (
            &m.mount,
            &m.owner_kind,
            &m.account_prefix,
            m.one_account_per_platform,
        );
        let sample = &m.sample_provider;
        let owners = m.demo_owners.iter().map(|o| {
            let (id, name) = (&o.id, &o.name);
            let members = quote::format_ident!("{}", match o.members {
                Members::Both => "Both",
                Members::Owner => "Owner",
                Members::Member => "Member",
            });
            quote::quote!(crate::manifest::DemoOwner { id: #id, name: #name, members: crate::manifest::DemoMembers::#members })
        });
        let result = match &v.redirect_result {
            Some(r) => {
                let (status, success, failure) = (&r.status, &r.success, &r.failure);
                let (owner, provider, accounts, error) =
                    (&r.owner, &r.provider, &r.accounts, &r.error);
                quote::quote!(Some(crate::manifest::RedirectResult {
                    status: #status, success: #success, failure: #failure, owner: #owner,
                    provider: #provider, accounts: #accounts, error: #error,
                }))
            }
            None => quote::quote!(None),
        };
        quote::quote! {
            (#name, crate::manifest::Manifest {
                connect: crate::manifest::ConnectFields {
                    owner: #owner, provider: #provider, redirect: #redirect, params: #params,
                    link: #link,
                },
                mock: crate::manifest::MockRules {
                    mount: #mount, owner_kind: #kind, account_prefix: #prefix,
                    one_account_per_platform: #one, sample_provider: #sample,
                    demo_owners: &[#(#owners),*],
                },
                redirect_result: #result,
            })
        }
    });
    let tokens = quote::quote! {
        pub(crate) static CONTRACTS: &[(&str, &str)] = &[#(#entries),*];
        pub(crate) static MANIFESTS: &[(&str, crate::manifest::Manifest)] = &[#(#manifests),*];
    };
    header(
        "specs/*/vendor.toml",
        "Each vendor's contract and manifest, as `cargo xtask codegen` last read them.",
    ) + &pretty(&tokens.to_string(), "contract index")
}

/// The first lines of a generated Rust file: generated from `from`, and `what` it holds.
pub fn header(from: &str, what: &str) -> String {
    format!("// Generated by `cargo xtask codegen` from {from}; do not edit.\n// {what}\n\n")
}

/// `Some("…")` or `None`.
pub fn opt(s: Option<&str>) -> proc_macro2::TokenStream {
    match s {
        Some(s) => quote::quote!(Some(#s)),
        None => quote::quote!(None),
    }
}

/// The SDK's module of facts, all vendors in one: `sdk/src/generated/contract.rs`.
pub fn render_sdk(contracts: &[(Vendor, Contract)]) -> String {
    use quote::quote;
    let statics = contracts.iter().map(|(vendor, c)| {
        let auth = c.auth.iter().filter_map(|a| match a {
            Auth::Bearer => Some(quote!(Auth::Bearer)),
            Auth::Basic => Some(quote!(Auth::Basic)),
            Auth::Header(n) => Some(quote!(Auth::header(#n))),
            Auth::Query(n) => Some(quote!(Auth::query(#n))),
            Auth::Other(_) => None,
        });
        let body = c.body.iter().flat_map(|b| &b.schema.properties);
        let fields = c
            .path_params
            .iter()
            .chain(&c.query)
            .map(|p| (&p.name, p.required));
        let fields = fields
            .chain(body.map(|p| (&p.name, p.required)))
            .map(|(name, required)| quote!((#name, #required)));
        let doc = format!(
            " {}'s facts, from specs/{}/openapi.yaml.",
            vendor.display, vendor.name
        );
        let upper = quote::format_ident!("{}", vendor.name.to_ascii_uppercase());
        let servers = &c.servers;
        let public = opt(c.public_server());
        quote! {
            #[doc = #doc]
            pub(crate) static #upper: Facts = Facts {
                servers: &[#(#servers),*],
                public_server: #public,
                auth: &[#(#auth),*],
                fields: &[#(#fields),*],
            };
        }
    });
    let tokens = quote! {
        use crate::vendors::{Auth, Facts};
        #(#statics)*
    };
    header(
        "specs/*/openapi.yaml",
        "The facts the SDK's hand-written layer takes from each vendor's spec: its servers, how \
         it takes the key, the fields its connect names.",
    ) + &pretty(&tokens.to_string(), "SDK facts")
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
        let index = render_index(std::iter::once(v));
        assert!(index.starts_with("// Generated by `cargo xtask codegen`"));
        assert!(
            index.contains(r#"("ocoya", include_str!("../ocoya/contract.json"))"#),
            "{index}"
        );
        let sdk = render_sdk(&[(v.clone(), c)]);
        assert!(sdk.contains("pub(crate) static OCOYA: Facts"), "{sdk}");
    }
}
