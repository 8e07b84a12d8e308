//! The engine's default rules: how a vendor behaves until its module states rules of its own
//! (a vendor scaffolded by `cargo xtask vendor new` starts here). Everything comes from its
//! contract and its manifest: the key and the request are checked against the spec, the owner
//! against the fixture, the redirect target against the mock's rules; the answer is the smallest
//! body the spec documents, with the link at the manifest's pointer (and the flow's `state`
//! where the answer has such a field); errors take the shape the spec documents for their
//! status, with the message (and a code) where that shape has a place for them.

use serde_json::Value;

use crate::context::Ctx;
use crate::contract::{Object, Schema, Ty, example, set_at};
use crate::core::{MockRequest, MockResponse, MockVendor};
use crate::flow::{self, FlowOptions, NewFlow};
use crate::state::Snapshot;

use super::ErrKind;
use super::request::{check_redirect_target, known_key, result_key_clash, validate};

/// The module of a vendor that has none of its own: its spec and its manifest say all there is,
/// so every [`VendorModule`](super::VendorModule) method keeps its default, these rules.
#[derive(Debug)]
#[allow(dead_code)] // named by the generated dispatch of a vendor without a module of its own
pub(crate) struct SpecOnly(pub(crate) MockVendor);

impl super::VendorModule for SpecOnly {
    fn vendor(&self) -> MockVendor {
        self.0
    }
}

/// `vendor`'s error for `kind`: the body its spec documents for the status, with a message, a
/// code and the status wherever that body declares a field for them (at its top or under
/// `error`); `{"message"}` for a status it documents no body for.
pub(crate) fn error(vendor: MockVendor, kind: ErrKind, message: &str) -> MockResponse {
    let status = kind.status();
    let documented = vendor
        .contract()
        .response(status)
        .and_then(|r| r.schema.as_ref());
    let Some(schema) = documented else {
        return MockResponse::json(status, &serde_json::json!({ "message": message }));
    };
    let mut body = example(schema);
    fill(schema, &mut body, message, kind.code(), status);
    MockResponse::json(status, &body)
}

/// Puts the message, code and status into the fields of `body` that `schema` declares for
/// them, and into its `error` object where it declares one.
fn fill(schema: &Schema, body: &mut Value, message: &str, code: &str, status: u16) {
    let Some(map) = body.as_object_mut() else {
        return;
    };
    let is_text = |s: &Schema| s.types.is_empty() || s.types.contains(&Ty::String);
    // Where the body has no place for a message, its `error` string carries it.
    let has_message = schema.properties.iter().any(|p| {
        matches!(p.name.as_str(), "message" | "error_description" | "detail") && is_text(&p.schema)
    });
    for p in &schema.properties {
        let text = is_text(&p.schema);
        let number = p.schema.types.contains(&Ty::Integer);
        let value = match p.name.as_str() {
            "message" | "error_description" | "detail" if text => Value::from(message),
            "error" if text && !has_message => Value::from(message),
            "code" | "error" | "type" if text => Value::from(code),
            "code" | "error" | "status" | "statusCode" if number => Value::from(status),
            // An error body never says it succeeded.
            "success" | "ok" if p.schema.types.contains(&Ty::Boolean) => Value::Bool(false),
            "error" if p.schema.types.contains(&Ty::Object) => {
                let inner = map
                    .entry("error")
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
                fill(&p.schema, inner, message, code, status);
                continue;
            }
            _ => continue,
        };
        map.insert(p.name.clone(), value);
    }
}

/// A field of the connect request: a path parameter where the connect path has one, a query
/// parameter where the spec names one, else a body field.
fn field(vendor: MockVendor, req: &MockRequest, body: &Object, name: &str) -> Option<String> {
    if vendor.connect_path().contains(&format!("{{{name}}}")) {
        let rel = req.path.strip_prefix(vendor.prefix())?;
        let params = vendor.path_params(rel)?;
        return params.into_iter().find(|(n, _)| *n == name).map(|(_, v)| v);
    }
    if vendor.contract().query.iter().any(|p| p.name == name) {
        return req.query_param(name);
    }
    match body.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        // A field that is an array of values (providers): the first one asked for.
        Value::Array(items) => items.iter().find_map(Value::as_str).map(str::to_owned),
        other => Some(other.to_string()),
    }
}

/// Whether `vendor`'s spec lists the values of the parameter or body field `name`.
fn lists_values(vendor: MockVendor, name: &str) -> bool {
    let contract = vendor.contract();
    let param = |params: &'static [social_connect_spec::Param]| -> Option<&'static Schema> {
        params.iter().find(|p| p.name == name).map(|p| &p.schema)
    };
    param(&contract.path_params)
        .or_else(|| param(&contract.query))
        .or_else(|| {
            let body = contract.body.as_ref()?;
            body.schema.property(name).map(|p| &p.schema)
        })
        .is_some_and(|s| s.values.is_some())
}

/// `POST {prefix}{connect_path}` on the default rules.
pub(crate) fn connect(
    ctx: &Ctx,
    snap: &Snapshot,
    req: &MockRequest,
    opts: FlowOptions,
    vendor: MockVendor,
) -> MockResponse {
    // A spec that names no way to send a key takes none: its flows are anyone's.
    let key = if vendor.contract().auth.is_empty() {
        None
    } else {
        match known_key(vendor, snap, req) {
            Some(key) => Some(key),
            None => return error(vendor, ErrKind::Unauthorized, "Unauthorized"),
        }
    };
    let body = match validate(vendor, req, snap.mode) {
        Ok(b) => b,
        Err(v) => return error(vendor, ErrKind::BadRequest, &v.message),
    };
    let fields = vendor.fields();
    let provider = field(vendor, req, &body, fields.provider).unwrap_or_default();
    if provider.is_empty() {
        let message = format!("{} is required", fields.provider);
        return error(vendor, ErrKind::BadRequest, &message);
    }
    // A provider the spec leaves free-form must still be a connector slug (the project's rule,
    // which the SDK's `free_form` shares); one its enum lists was checked already.
    if !lists_values(vendor, fields.provider) && !social_connect_spec::is_connector_slug(&provider)
    {
        let message = format!(
            "{} must be a connector slug (1-64 letters, digits, _, - and .)",
            fields.provider
        );
        return error(vendor, ErrKind::BadRequest, &message);
    }
    // The owner, where the request names one: the fixture must let the key act on it. Without
    // one (an optional owner), the flow is the key's own: recorded as `self` (never the key).
    let owner = fields
        .owner
        .and_then(|name| field(vendor, req, &body, name))
        .filter(|o| !o.is_empty());
    if let (Some(owner), Some(key)) = (&owner, &key)
        && snap.fixture.role(vendor, owner, key).is_none()
    {
        return error(vendor, ErrKind::Forbidden, "No access to this owner");
    }
    let redirect = match fields
        .redirect
        .and_then(|name| field(vendor, req, &body, name))
    {
        None => None,
        Some(raw) => match check_redirect_target(&raw, snap.mode) {
            Ok(url) => Some(url),
            Err(why) => return error(vendor, ErrKind::BadRequest, &why),
        },
    };
    let clash = |u: &url::Url| {
        let field = fields.redirect.unwrap_or_default();
        result_key_clash(vendor, u, field, snap.mode)
    };
    if let Some(why) = redirect.as_ref().and_then(clash) {
        return error(vendor, ErrKind::BadRequest, &why);
    }
    let minted = flow::begin(
        ctx,
        snap,
        NewFlow {
            vendor,
            provider: provider.clone(),
            platform: provider,
            owner_id: owner.unwrap_or_else(|| "self".to_owned()),
            redirect_target: redirect,
            opts,
        },
    );
    let contract = vendor.contract();
    let mut answer = contract
        .response(contract.success)
        .and_then(|r| r.schema.as_ref())
        .map_or(Value::Null, example);
    if answer.get("state").is_some_and(Value::is_string) {
        set_at(&mut answer, "/state", Value::from(minted.state.as_str()));
    }
    set_at(
        &mut answer,
        fields.link,
        Value::from(minted.authorization_url),
    );
    // What the link's place needs beside it (an array item's other required members).
    if let Some(schema) = contract
        .response(contract.success)
        .and_then(|r| r.schema.as_ref())
    {
        crate::contract::complete(schema, &mut answer);
    }
    MockResponse::json(contract.success, &answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MockConfig, MockService, samples};

    fn check(vendor: MockVendor, r: &MockResponse) {
        let content_type = r.headers.get("content-type").and_then(|v| v.to_str().ok());
        let problems = vendor
            .contract()
            .check_response(r.status, content_type, &r.body);
        assert!(
            problems.is_empty(),
            "{vendor}: {} {}: {problems:?}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }

    /// Every vendor's spec can be served on the default rules alone: the sample request starts
    /// a flow whose link sits at the manifest's pointer, and the answer is what the spec
    /// documents.
    #[test]
    fn every_spec_is_served_on_the_default_rules() {
        let service = MockService::new("http://127.0.0.1:4010", MockConfig::default());
        let ctx = &service.ctx;
        for vendor in MockVendor::ALL {
            let snap = ctx.state.snapshot(vendor);
            let req = samples::connect(vendor).request();
            let r = connect(ctx, &snap, &req, FlowOptions::default(), vendor);
            assert_eq!(r.status, vendor.contract().success, "{vendor}");
            check(vendor, &r);
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            let link = body.pointer(vendor.fields().link).and_then(Value::as_str);
            assert!(
                link.is_some_and(|l| l.starts_with("http://127.0.0.1:4010/__provider/authorize?")),
                "{vendor}: {body}"
            );
            assert_eq!(ctx.state.lock().flows.len(), 1, "{vendor}: one flow");
            ctx.state.reset();
        }
    }

    #[test]
    fn the_default_rules_refuse_with_the_documented_error_bodies() {
        let service = MockService::new("http://127.0.0.1:4010", MockConfig::default());
        let ctx = &service.ctx;
        for vendor in MockVendor::ALL {
            let snap = ctx.state.snapshot(vendor);
            let sample = samples::connect(vendor);
            let r = connect(
                ctx,
                &snap,
                &sample.request_with_key("sk_nobody"),
                FlowOptions::default(),
                vendor,
            );
            assert_eq!(r.status, 401, "{vendor}");
            if vendor.contract().response(401).is_some() {
                check(vendor, &r);
            }
            for kind in [
                ErrKind::BadRequest,
                ErrKind::Forbidden,
                ErrKind::Server(500),
            ] {
                let r = error(vendor, kind, "why");
                assert_eq!(r.status, kind.status());
                // A status the spec documents gets its body; the others a plain message.
                if vendor.contract().response(r.status).is_some() {
                    check(vendor, &r);
                }
                let text = String::from_utf8_lossy(&r.body);
                assert!(text.contains("\"why\""), "{vendor}: {text}");
            }
        }
    }
}
