//! The change report: what a spec change means, per vendor, for the people who call the
//! vendor through this project.
//!
//! Two comparisons:
//! - **the contract** (`contract.rs`, read from the spec as published): enum values, request
//!   fields and query parameters, response properties, formats, statuses, path, servers, auth.
//!   Each change is classified the way oasdiff does (ERR/WARN/INFO here: breaking / unclear /
//!   non-breaking), from the side of a client of the vendor;
//! - **the generated Rust API** (`sdk/src/generated/<vendor>.rs`, parsed with syn): types,
//!   enum variants, struct fields and client methods added, removed or retyped, and the semver
//!   bump this implies for `social-connect`.
//!
//! `cargo xtask codegen` compares against what the last generation read (the contract snapshot
//! `specs/<vendor>/contract.json` and the committed generated client); `cargo xtask diff OLD NEW`
//! compares any two versions of a spec.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::contract::{Auth, Contract, Schema, Ty};
use social_connect_spec::literal_text;

/// How a change affects a client of the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Class {
    /// A client that worked may now fail (oasdiff ERR).
    Breaking,
    /// It depends on what the client does (oasdiff WARN).
    Unclear,
    /// A client that worked still works (oasdiff INFO).
    NonBreaking,
}

impl Class {
    fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Unclear => "unclear",
            Class::NonBreaking => "non-breaking",
        }
    }
}

/// One change of a vendor's contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Change {
    pub(crate) class: Class,
    /// A stable id of the kind of change (`request-enum-value-removed`).
    pub(crate) kind: &'static str,
    /// Where: `body.platform`, `query.workspaceId`, `response 201 body.url`, `path`.
    pub(crate) at: String,
    /// What changed, for a person.
    pub(crate) detail: String,
}

/// One change of the generated Rust API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ApiChange {
    /// Whether code that compiled against the old API may no longer compile.
    pub(crate) breaking: bool,
    /// `added`, `removed` or `changed`.
    pub(crate) change: &'static str,
    /// The item: `enum types::ConnectChannelDtoPlatform variant Mastodon`.
    pub(crate) item: String,
}

/// What one vendor's spec change means.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct VendorReport {
    pub(crate) vendor: String,
    /// Whether the published spec's bytes changed at all.
    pub(crate) spec_changed: bool,
    pub(crate) changes: Vec<Change>,
    /// What the change means for callers of the unified client (`Client::connect`, `begin`,
    /// `ConnectOutcome`): its Rust API is hand-written and reaches the generated code only
    /// through builders and JSON, so it keeps compiling; what can change is behaviour on the
    /// wire, which is the contract's worst class (non-breaking when nothing changed).
    pub(crate) unified: Class,
    /// The generated client's own API (`social_connect::<vendor>`), for its direct callers.
    pub(crate) api: Vec<ApiChange>,
}

impl VendorReport {
    /// The report of `vendor` from its contract changes and its generated API's changes.
    pub(crate) fn new(
        vendor: &str,
        spec_changed: bool,
        changes: Vec<Change>,
        api: Vec<ApiChange>,
    ) -> Self {
        let unified = changes
            .iter()
            .map(|c| c.class)
            .min()
            .unwrap_or(Class::NonBreaking);
        VendorReport {
            vendor: vendor.to_owned(),
            spec_changed,
            changes,
            unified,
            api,
        }
    }

    fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.class == Class::Breaking)
            || self.api.iter().any(|a| a.breaking)
    }

    /// Whether nothing changed: neither the spec's bytes, its contract nor the generated API.
    fn is_empty(&self) -> bool {
        !self.spec_changed && !self.additive()
    }

    fn additive(&self) -> bool {
        !self.api.is_empty() || !self.changes.is_empty()
    }
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    /// What is compared with what.
    pub(crate) compared: String,
    pub(crate) vendors: Vec<VendorReport>,
    /// `social-connect`'s version now.
    pub(crate) version: String,
    /// `none`, `patch`, `minor` or `major`.
    pub(crate) bump: &'static str,
    /// The version the bump gives.
    pub(crate) next: String,
}

/// The report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Markdown,
    Json,
}

fn change(
    class: Class,
    kind: &'static str,
    at: impl Into<String>,
    detail: impl Into<String>,
) -> Change {
    Change {
        class,
        kind,
        at: at.into(),
        detail: detail.into(),
    }
}

/// The change at `at` of the class, kind and detail `what` says.
fn change_at(at: impl Into<String>, (class, kind, detail): (Class, &'static str, &str)) -> Change {
    change(class, kind, at, detail)
}

/// The kind `request-<kind>` or `response-<kind>`, as `req` says.
macro_rules! sided {
    ($req:expr, $kind:literal) => {
        if $req {
            concat!("request-", $kind)
        } else {
            concat!("response-", $kind)
        }
    };
}

fn types_text(types: &[Ty]) -> String {
    if types.is_empty() {
        return "any".to_owned();
    }
    let v: Vec<&str> = types.iter().map(|t| t.name()).collect();
    v.join("|")
}

/// Which way data flows through a schema: into the vendor (a request) or out of it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// Compares two schemas at `at`, appending the changes.
/// The changes from `old` to `new` at `at` (a request or response schema, or a part of one).
fn schemas(side: Side, at: &str, old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    let req = side == Side::Request;
    type_change(req, at, old, new, out);
    enum_changes(req, at, old, new, out);
    format_changes(req, at, old, new, out);
    limits_change(req, at, old, new, out);
    property_changes(side, at, old, new, out);
    additional_change(req, at, old, new, out);
    match (&old.items, &new.items) {
        (Some(a), Some(b)) => schemas(side, &format!("{at}[]"), a, b, out),
        (None, None) => {}
        _ => out.push(change(
            Class::Unclear,
            "items-changed",
            at,
            "array items changed",
        )),
    }
}

/// A type widened, narrowed or changed.
fn type_change(req: bool, at: &str, old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    use Class::*;
    if old.types != new.types {
        // Widening a request type (or narrowing a response type) keeps clients working.
        let widened = !old.types.is_empty() && old.types.iter().all(|t| new.types.contains(t));
        let narrowed = !new.types.is_empty() && new.types.iter().all(|t| old.types.contains(t));
        let class = match (
            req,
            widened || new.types.is_empty(),
            narrowed || old.types.is_empty(),
        ) {
            (true, true, _) => NonBreaking,
            (false, _, true) => NonBreaking,
            _ => Breaking,
        };
        out.push(change(
            class,
            sided!(req, "type-changed"),
            at,
            format!(
                "type {} → {}",
                types_text(&old.types),
                types_text(&new.types)
            ),
        ));
    }
}

/// Enum values added or removed, an enum added or dropped.
fn enum_changes(req: bool, at: &str, old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    use Class::*;
    match (&old.values, &new.values) {
        (Some(a), Some(b)) => {
            for v in b.iter().filter(|v| !a.contains(v)) {
                out.push(change(
                    if req { NonBreaking } else { Unclear },
                    sided!(req, "enum-value-added"),
                    at,
                    format!("enum value `{}` added", literal_text(v)),
                ));
            }
            for v in a.iter().filter(|v| !b.contains(v)) {
                out.push(change(
                    if req { Breaking } else { NonBreaking },
                    sided!(req, "enum-value-removed"),
                    at,
                    format!("enum value `{}` removed", literal_text(v)),
                ));
            }
        }
        (None, Some(b)) => out.push(change(
            if req { Breaking } else { NonBreaking },
            sided!(req, "enum-added"),
            at,
            format!(
                "now limited to the values {}",
                b.iter().map(literal_text).collect::<Vec<_>>().join(", ")
            ),
        )),
        (Some(_), None) => out.push(change(
            if req { NonBreaking } else { Unclear },
            sided!(req, "enum-removed"),
            at,
            "no longer limited to listed values",
        )),
        (None, None) => {}
    }
}

/// A format or pattern added, removed or changed.
fn format_changes(req: bool, at: &str, old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    use Class::*;
    for (what, kind, a, b) in [
        (
            "format",
            sided!(req, "format-changed"),
            &old.format,
            &new.format,
        ),
        (
            "pattern",
            sided!(req, "pattern-changed"),
            &old.pattern,
            &new.pattern,
        ),
    ] {
        if a != b {
            let class = match (a, b, req) {
                (None, Some(_), true) => Breaking,
                (Some(_), None, true) => NonBreaking,
                (None, Some(_), false) => NonBreaking,
                (Some(_), None, false) => Unclear,
                _ => {
                    if req {
                        Breaking
                    } else {
                        Unclear
                    }
                }
            };
            out.push(change(
                class,
                kind,
                at,
                format!(
                    "{what} {} → {}",
                    a.as_deref().unwrap_or("none"),
                    b.as_deref().unwrap_or("none")
                ),
            ));
        }
    }
}

/// Length or range limits tightened or loosened.
fn limits_change(req: bool, at: &str, old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    use Class::*;
    let limits_tighter = new.min_length > old.min_length
        || (new.max_length.is_some()
            && (old.max_length.is_none() || new.max_length < old.max_length))
        || new.minimum.zip(old.minimum).is_some_and(|(n, o)| n > o)
        || (new.minimum.is_some() && old.minimum.is_none())
        || new.maximum.zip(old.maximum).is_some_and(|(n, o)| n < o)
        || (new.maximum.is_some() && old.maximum.is_none());
    let limits_changed = old.min_length != new.min_length
        || old.max_length != new.max_length
        || old.minimum != new.minimum
        || old.maximum != new.maximum;
    if limits_changed {
        out.push(change(
            match (req, limits_tighter) {
                (true, true) => Breaking,
                (true, false) => NonBreaking,
                (false, true) => NonBreaking,
                (false, false) => Unclear,
            },
            sided!(req, "limits-changed"),
            at,
            "length or range limits changed",
        ));
    }
}

/// The place of property `name` of the schema at `at`.
fn field(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

/// Properties added, removed, or changed in required-ness or schema (whose changes are
/// compared in turn).
fn property_changes(side: Side, at: &str, old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    use Class::*;
    let req = side == Side::Request;
    for p in &new.properties {
        let at = field(at, &p.name);
        let Some(q) = old.properties.iter().find(|q| q.name == p.name) else {
            let what = match (req, p.required) {
                (true, true) => (
                    Breaking,
                    "request-required-field-added",
                    "required field added",
                ),
                (true, false) => (
                    NonBreaking,
                    "request-optional-field-added",
                    "optional field added",
                ),
                (false, _) => (NonBreaking, "response-property-added", "property added"),
            };
            out.push(change_at(at, what));
            continue;
        };
        if q.required != p.required {
            let what = match (req, p.required) {
                (true, true) => (Breaking, "request-field-became-required", "now required"),
                (true, false) => (NonBreaking, "request-field-became-optional", "now optional"),
                (false, true) => (
                    NonBreaking,
                    "response-property-became-required",
                    "now always present",
                ),
                (false, false) => (
                    Breaking,
                    "response-property-became-optional",
                    "no longer always present",
                ),
            };
            out.push(change_at(&at, what));
        }
        schemas(side, &at, &q.schema, &p.schema, out);
    }
    for q in &old.properties {
        if !new.properties.iter().any(|p| p.name == q.name) {
            let what = match (req, q.required) {
                // A client that sends it gets refused where unknown fields are.
                (true, _) => (
                    if new.additional { Unclear } else { Breaking },
                    "request-field-removed",
                    "field removed",
                ),
                (false, true) => (
                    Breaking,
                    "response-required-property-removed",
                    "required property removed",
                ),
                (false, false) => (Unclear, "response-property-removed", "property removed"),
            };
            out.push(change_at(field(at, &q.name), what));
        }
    }
}

/// Other properties allowed or no longer allowed.
fn additional_change(req: bool, at: &str, old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    use Class::*;
    if old.additional != new.additional {
        out.push(change(
            if req && !new.additional {
                Breaking
            } else {
                NonBreaking
            },
            sided!(req, "additional-properties-changed"),
            at,
            if new.additional {
                "other properties now allowed"
            } else {
                "other properties no longer allowed"
            },
        ));
    }
}

fn auth_text(a: &Auth) -> String {
    match a {
        Auth::Bearer => "Authorization: Bearer".to_owned(),
        Auth::Basic => "Authorization: Basic".to_owned(),
        Auth::Header(n) => format!("header {n}"),
        Auth::Query(n) => format!("query {n}"),
        Auth::Other(n) => n.to_string(),
    }
}

/// The changes from `old` to `new`, in a stable order.
pub(crate) fn compare(old: &Contract, new: &Contract) -> Vec<Change> {
    let mut out = Vec::new();
    operation_changes(old, new, &mut out);
    query_changes(old, new, &mut out);
    path_param_changes(old, new, &mut out);
    body_changes(old, new, &mut out);
    response_changes(old, new, &mut out);
    out
}

/// The operation moved, its servers or its auth schemes changed.
fn operation_changes(old: &Contract, new: &Contract, out: &mut Vec<Change>) {
    use Class::*;
    if old.method != new.method || old.path != new.path {
        out.push(change(
            Breaking,
            "operation-moved",
            "path",
            format!("{} {} → {} {}", old.method, old.path, new.method, new.path),
        ));
    }
    if old.servers != new.servers {
        out.push(change(
            if old.public_server() == new.public_server() {
                NonBreaking
            } else {
                Breaking
            },
            "servers-changed",
            "servers",
            format!("{} → {}", old.servers.join(", "), new.servers.join(", ")),
        ));
    }
    for a in new.auth.iter().filter(|a| !old.auth.contains(a)) {
        out.push(change(
            NonBreaking,
            "auth-scheme-added",
            "auth",
            format!("{} accepted", auth_text(a)),
        ));
    }
    for a in old.auth.iter().filter(|a| !new.auth.contains(a)) {
        out.push(change(
            Breaking,
            "auth-scheme-removed",
            "auth",
            format!("{} no longer accepted", auth_text(a)),
        ));
    }
}

/// Query parameters added, removed, or changed.
fn query_changes(old: &Contract, new: &Contract, out: &mut Vec<Change>) {
    use Class::*;
    for p in &new.query {
        let at = format!("query.{}", p.name);
        let Some(q) = old.query.iter().find(|q| q.name == p.name) else {
            out.push(change_at(
                at,
                if p.required {
                    (
                        Breaking,
                        "request-required-parameter-added",
                        "required query parameter added",
                    )
                } else {
                    (
                        NonBreaking,
                        "request-optional-parameter-added",
                        "optional query parameter added",
                    )
                },
            ));
            continue;
        };
        if q.required != p.required {
            out.push(change_at(
                &at,
                if p.required {
                    (
                        Breaking,
                        "request-parameter-became-required",
                        "now required",
                    )
                } else {
                    (
                        NonBreaking,
                        "request-parameter-became-optional",
                        "now optional",
                    )
                },
            ));
        }
        schemas(Side::Request, &at, &q.schema, &p.schema, out);
    }
    for q in &old.query {
        if !new.query.iter().any(|p| p.name == q.name) {
            out.push(change(
                Unclear,
                "request-parameter-removed",
                format!("query.{}", q.name),
                "query parameter removed",
            ));
        }
    }
}

/// Path parameters whose schema changed (an enum value added or removed, a pattern, a length).
/// One added or removed changes the path itself, which the operation's changes report.
fn path_param_changes(old: &Contract, new: &Contract, out: &mut Vec<Change>) {
    for p in &new.path_params {
        if let Some(q) = old.path_params.iter().find(|q| q.name == p.name) {
            schemas(
                Side::Request,
                &format!("path.{}", p.name),
                &q.schema,
                &p.schema,
                out,
            );
        }
    }
}

/// The request body added, removed, or changed.
fn body_changes(old: &Contract, new: &Contract, out: &mut Vec<Change>) {
    use Class::*;
    let required = |b: bool| if b { Breaking } else { NonBreaking };
    let added_or_removed = match (&old.body, &new.body) {
        (Some(a), Some(b)) => {
            if a.required != b.required {
                out.push(change(
                    required(b.required),
                    "request-body-required-changed",
                    "body",
                    if b.required {
                        "body now required"
                    } else {
                        "body now optional"
                    },
                ));
            }
            if a.media != b.media {
                out.push(change(
                    Breaking,
                    "request-media-type-changed",
                    "body",
                    format!("{} → {}", a.media, b.media),
                ));
            }
            schemas(Side::Request, "body", &a.schema, &b.schema, out);
            None
        }
        (None, Some(b)) => Some((
            required(b.required),
            "request-body-added",
            "request body added",
        )),
        (Some(_), None) => Some((Unclear, "request-body-removed", "request body removed")),
        (None, None) => None,
    };
    out.extend(added_or_removed.map(|what| change_at("body", what)));
}

/// The success status, and documented statuses added, removed or changed.
fn response_changes(old: &Contract, new: &Contract, out: &mut Vec<Change>) {
    use Class::*;
    if old.success_status() != new.success_status() {
        out.push(change(
            Breaking,
            "success-status-changed",
            "responses",
            format!(
                "success status {:?} → {:?}",
                old.success_status(),
                new.success_status()
            ),
        ));
    }
    for r in &new.responses {
        let at = format!("response {}", r.status);
        let Some(o) = old.responses.iter().find(|o| o.status == r.status) else {
            out.push(change(
                if r.status.starts_with('2') {
                    Unclear
                } else {
                    NonBreaking
                },
                "response-status-added",
                at,
                "status documented",
            ));
            continue;
        };
        if o.media != r.media {
            out.push(change(
                Unclear,
                "response-media-type-changed",
                &at,
                format!(
                    "{} → {}",
                    o.media.as_deref().unwrap_or("no body"),
                    r.media.as_deref().unwrap_or("no body")
                ),
            ));
        }
        let documented = match (&o.schema, &r.schema) {
            (Some(a), Some(b)) => {
                schemas(Side::Response, &format!("{at} body"), a, b, out);
                None
            }
            (None, Some(_)) => Some((
                NonBreaking,
                "response-body-documented",
                "body schema documented",
            )),
            (Some(_), None) => Some((
                Unclear,
                "response-body-undocumented",
                "body schema no longer documented",
            )),
            (None, None) => None,
        };
        out.extend(documented.map(|what| change_at(&at, what)));
    }
    for o in &old.responses {
        if !new.responses.iter().any(|r| r.status == o.status) {
            out.push(change(
                if o.status.starts_with('2') {
                    Breaking
                } else {
                    Unclear
                },
                "response-status-removed",
                format!("response {}", o.status),
                "status no longer documented",
            ));
        }
    }
}

/// The public items of a generated client: `item → signature`.
fn api_items(source: &str) -> BTreeMap<String, String> {
    use quote::ToTokens as _;
    let mut out = BTreeMap::new();
    let Ok(file) = syn::parse_file(source) else {
        return out;
    };
    fn walk(prefix: &str, items: &[syn::Item], out: &mut BTreeMap<String, String>) {
        let public = |v: &syn::Visibility| matches!(v, syn::Visibility::Public(_));
        for item in items {
            match item {
                syn::Item::Mod(m) if public(&m.vis) => {
                    if let Some((_, inner)) = &m.content {
                        walk(&format!("{prefix}{}::", m.ident), inner, out);
                    }
                }
                syn::Item::Struct(s) if public(&s.vis) => {
                    let name = format!("{prefix}{}", s.ident);
                    out.insert(format!("struct {name}"), String::new());
                    for f in &s.fields {
                        if let (Some(id), true) = (&f.ident, public(&f.vis)) {
                            out.insert(
                                format!("struct {name} field {id}"),
                                f.ty.to_token_stream().to_string(),
                            );
                        }
                    }
                }
                syn::Item::Enum(e) if public(&e.vis) => {
                    let name = format!("{prefix}{}", e.ident);
                    let exhaustive = !e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
                    out.insert(
                        format!("enum {name}"),
                        if exhaustive {
                            "exhaustive".into()
                        } else {
                            String::new()
                        },
                    );
                    for v in &e.variants {
                        out.insert(
                            format!("enum {name} variant {}", v.ident),
                            v.fields.to_token_stream().to_string(),
                        );
                    }
                }
                syn::Item::Impl(i) if i.trait_.is_none() => {
                    let self_ty = i.self_ty.to_token_stream().to_string().replace(' ', "");
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it
                            && public(&f.vis)
                        {
                            out.insert(
                                format!("fn {prefix}{self_ty}::{}", f.sig.ident),
                                f.sig.inputs.to_token_stream().to_string(),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    walk("", &file.items, &mut out);
    out
}

/// The changes of the generated Rust API from `old` to `new` (two generated client sources).
pub(crate) fn api_changes(old: &str, new: &str) -> Vec<ApiChange> {
    let (a, b) = (api_items(old), api_items(new));
    let mut out = Vec::new();
    for (item, sig) in &b {
        match a.get(item) {
            None => {
                // A variant added to an exhaustive enum breaks a `match`; a field added to a
                // struct with public fields breaks a struct literal.
                let breaking = if let Some((owner, _)) = item.split_once(" variant ") {
                    a.get(owner).is_some_and(|s| s == "exhaustive")
                } else if let Some((owner, _)) = item.split_once(" field ") {
                    a.contains_key(owner)
                } else {
                    false
                };
                out.push(ApiChange {
                    breaking,
                    change: "added",
                    item: item.clone(),
                });
            }
            // A retyped field, argument list or variant payload, or an enum made
            // `#[non_exhaustive]`: callers may no longer compile.
            Some(old_sig) if old_sig != sig => {
                out.push(ApiChange {
                    breaking: true,
                    change: "changed",
                    item: item.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for item in a.keys() {
        if !b.contains_key(item) {
            out.push(ApiChange {
                breaking: true,
                change: "removed",
                item: item.clone(),
            });
        }
    }
    out
}

/// The bump `reports` imply for a crate at `version`, and the version it gives.
pub(crate) fn bump(version: &str, reports: &[VendorReport]) -> (&'static str, String) {
    let major = version
        .split('.')
        .next()
        .and_then(|p| p.parse::<u64>().ok());
    let breaking = reports.iter().any(VendorReport::breaking);
    let additive = reports.iter().any(VendorReport::additive);
    // Cargo's rules: below 1.0 the minor number is the breaking one.
    let bump = match (breaking, additive, major.unwrap_or(0)) {
        (true, _, 0) => "minor",
        (true, _, _) => "major",
        (false, true, 0) => "patch",
        (false, true, _) => "minor",
        (false, false, _) => "none",
    };
    (bump, bumped(version, bump).unwrap_or_default())
}

/// `version` (`a.b.c`) after a `none`, `patch`, `minor` or `major` bump; `None` for another.
pub(crate) fn bumped(version: &str, bump: &str) -> Option<String> {
    let mut parts = version.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let (major, minor, patch) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    Some(match bump {
        "none" => version.to_owned(),
        "patch" => format!("{major}.{minor}.{}", patch + 1),
        "minor" => format!("{major}.{}.0", minor + 1),
        "major" => format!("{}.0.0", major + 1),
        _ => return None,
    })
}

/// Assembles the report.
pub(crate) fn report(compared: &str, version: &str, vendors: Vec<VendorReport>) -> Report {
    let (bump, next) = bump(version, &vendors);
    Report {
        compared: compared.to_owned(),
        vendors,
        version: version.to_owned(),
        bump,
        next,
    }
}

impl Report {
    /// Whether anything changed.
    pub(crate) fn is_empty(&self) -> bool {
        self.vendors.iter().all(VendorReport::is_empty)
    }

    /// The report in `format`.
    pub(crate) fn render(&self, format: Format) -> String {
        match format {
            Format::Json => serde_json::to_string_pretty(self).unwrap_or_default() + "\n",
            Format::Text => self.render_text(),
            Format::Markdown => self.render_markdown(),
        }
    }

    fn render_text(&self) -> String {
        let mut s = format!("change report: {}\n", self.compared);
        for v in &self.vendors {
            if v.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n{}:", v.vendor);
            if v.changes.is_empty() {
                let _ = writeln!(
                    s,
                    "  contract: unchanged (the spec changed outside the connect contract: descriptions, examples, other operations)"
                );
            }
            for c in &v.changes {
                let _ = writeln!(
                    s,
                    "  {:<13} {:<30} {}  [{}]",
                    c.class.label(),
                    c.at,
                    c.detail,
                    c.kind
                );
            }
            let _ = writeln!(
                s,
                "  unified client: {} for callers of social_connect::Client (its API is unchanged)",
                v.unified.label()
            );
            for a in &v.api {
                let (kind, item) = a.item.split_once(' ').unwrap_or(("", &a.item));
                let _ = writeln!(
                    s,
                    "  raw api {:<8} {kind} social_connect::{}::{item}{}",
                    a.change,
                    v.vendor,
                    if a.breaking {
                        "  (breaks direct callers of the generated client)"
                    } else {
                        ""
                    }
                );
            }
        }
        let _ = writeln!(
            s,
            "\nsemver: {} bump for social-connect ({} → {})",
            self.bump, self.version, self.next
        );
        s
    }

    fn render_markdown(&self) -> String {
        let mut s = format!("## Change report\n\n{}\n", self.compared);
        for v in &self.vendors {
            if v.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n### {}\n", v.vendor);
            if !v.changes.is_empty() {
                s.push_str("| class | where | change | kind |\n|---|---|---|---|\n");
                for c in &v.changes {
                    let _ = writeln!(
                        s,
                        "| {} | `{}` | {} | `{}` |",
                        c.class.label(),
                        c.at,
                        c.detail.replace('|', "\\|"),
                        c.kind
                    );
                }
            } else {
                s.push_str("The connect contract is unchanged; the spec changed elsewhere.\n");
            }
            let _ = writeln!(
                s,
                "\nFor callers of the unified client (`social_connect::Client`, whose API is \
                 unchanged): **{}**.",
                v.unified.label()
            );
            if !v.api.is_empty() {
                let _ = writeln!(
                    s,
                    "\nThe generated client's API (`social_connect::{}`):\n",
                    v.vendor
                );
                for a in &v.api {
                    let _ = writeln!(
                        s,
                        "- {} `{}`{}",
                        a.change,
                        a.item,
                        if a.breaking {
                            " (breaks its direct callers)"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
        let _ = writeln!(
            s,
            "\n**semver**: a {} bump for `social-connect` ({} → {}).",
            self.bump, self.version, self.next
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Class::*;
    use super::*;
    use crate::contract::{Param, Property, Response};

    #[test]
    fn types_are_named_as_the_spec_spells_them() {
        // Each name is pinned against the spec's spelling in the spec crate (`Ty::name`).
        assert_eq!(types_text(&[]), "any");
        assert_eq!(types_text(&[Ty::Integer]), "integer");
        assert_eq!(types_text(&[Ty::String, Ty::Null]), "string|null");
    }

    /// A contract with a bit of everything a change can touch.
    fn base() -> Contract {
        serde_json::from_value(json!({
            "vendor": "t", "version": "1", "method": "POST", "path": "/connect",
            "servers": ["http://localhost:1/v1", "https://api.example.com/v1"],
            "auth": [{"kind": "bearer"}],
            "query": [
                {"name": "ws", "required": true, "schema": {"types": ["string"]}},
                {"name": "trace", "required": false, "schema": {"types": ["string"]}},
            ],
            "body": {"required": true, "media": "application/json", "schema": {
                "types": ["object"], "additional": false,
                "properties": [
                    {"name": "platform", "required": true,
                     "schema": {"types": ["string"], "values": ["A", "B"]}},
                    {"name": "note", "required": false,
                     "schema": {"types": ["string"], "max_length": 10}},
                    {"name": "tags", "required": false,
                     "schema": {"types": ["array"], "items": {"types": ["string"]}}},
                ],
            }},
            "responses": [
                {"status": "200", "media": "application/json", "schema": {
                    "types": ["object"],
                    "properties": [
                        {"name": "url", "required": true,
                         "schema": {"types": ["string"], "format": "uri"}},
                        {"name": "state", "required": false,
                         "schema": {"types": ["string"], "values": ["x"]}},
                    ],
                }},
                {"status": "400", "media": "application/json", "schema": null},
            ],
        }))
        .unwrap()
    }

    fn body(c: &mut Contract) -> &mut Schema {
        &mut c.body.as_mut().unwrap().schema
    }

    fn answer(c: &mut Contract) -> &mut Schema {
        c.responses[0].schema.as_mut().unwrap()
    }

    fn field<'s>(s: &'s mut Schema, name: &str) -> &'s mut Property {
        s.properties.iter_mut().find(|p| p.name == name).unwrap()
    }

    fn property(name: &str, required: bool) -> Property {
        Property {
            name: name.to_owned(),
            required,
            schema: Schema::default(),
        }
    }

    type Edit = fn(&mut Contract);

    /// Each edit a vendor can make, with the one change it is, from a client's side.
    #[test]
    fn each_kind_of_edit_is_named_and_classified() {
        let cases: Vec<(Edit, Class, &str, &str)> = vec![
            // The operation.
            (
                |c| c.path = "/link".into(),
                Breaking,
                "operation-moved",
                "path",
            ),
            (
                |c| c.servers.reverse(),
                NonBreaking,
                "servers-changed",
                "servers",
            ),
            (
                |c| c.servers[1] = "https://api2.example.com".into(),
                Breaking,
                "servers-changed",
                "servers",
            ),
            (
                |c| c.auth.push(Auth::header("x-key")),
                NonBreaking,
                "auth-scheme-added",
                "auth",
            ),
            (|c| c.auth.clear(), Breaking, "auth-scheme-removed", "auth"),
            // The query.
            (
                |c| {
                    c.query.push(Param {
                        name: "n".into(),
                        required: true,
                        schema: Schema::default(),
                    })
                },
                Breaking,
                "request-required-parameter-added",
                "query.n",
            ),
            (
                |c| {
                    c.query.push(Param {
                        name: "n".into(),
                        required: false,
                        schema: Schema::default(),
                    })
                },
                NonBreaking,
                "request-optional-parameter-added",
                "query.n",
            ),
            (
                |c| c.query[1].required = true,
                Breaking,
                "request-parameter-became-required",
                "query.trace",
            ),
            (
                |c| c.query[0].required = false,
                NonBreaking,
                "request-parameter-became-optional",
                "query.ws",
            ),
            (
                |c| {
                    c.query.remove(1);
                },
                Unclear,
                "request-parameter-removed",
                "query.trace",
            ),
            // The request body.
            (
                |c| c.body.as_mut().unwrap().required = false,
                NonBreaking,
                "request-body-required-changed",
                "body",
            ),
            (
                |c| c.body.as_mut().unwrap().media = "application/x-www-form-urlencoded".into(),
                Breaking,
                "request-media-type-changed",
                "body",
            ),
            (|c| c.body = None, Unclear, "request-body-removed", "body"),
            (
                |c| body(c).properties.push(property("n", true)),
                Breaking,
                "request-required-field-added",
                "body.n",
            ),
            (
                |c| body(c).properties.push(property("n", false)),
                NonBreaking,
                "request-optional-field-added",
                "body.n",
            ),
            (
                |c| field(body(c), "note").required = true,
                Breaking,
                "request-field-became-required",
                "body.note",
            ),
            (
                |c| field(body(c), "platform").required = false,
                NonBreaking,
                "request-field-became-optional",
                "body.platform",
            ),
            (
                |c| {
                    body(c).properties.remove(1);
                },
                Breaking,
                "request-field-removed",
                "body.note",
            ),
            (
                |c| body(c).additional = true,
                NonBreaking,
                "request-additional-properties-changed",
                "body",
            ),
            (
                |c| field(body(c), "note").schema.types.push(Ty::Null),
                NonBreaking,
                "request-type-changed",
                "body.note",
            ),
            (
                |c| field(body(c), "note").schema.types = vec![Ty::Integer],
                Breaking,
                "request-type-changed",
                "body.note",
            ),
            (
                |c| {
                    field(body(c), "platform")
                        .schema
                        .values
                        .as_mut()
                        .unwrap()
                        .push("C".into())
                },
                NonBreaking,
                "request-enum-value-added",
                "body.platform",
            ),
            (
                |c| {
                    field(body(c), "platform")
                        .schema
                        .values
                        .as_mut()
                        .unwrap()
                        .pop();
                },
                Breaking,
                "request-enum-value-removed",
                "body.platform",
            ),
            (
                |c| field(body(c), "note").schema.values = Some(vec!["a".into()]),
                Breaking,
                "request-enum-added",
                "body.note",
            ),
            (
                |c| field(body(c), "platform").schema.values = None,
                NonBreaking,
                "request-enum-removed",
                "body.platform",
            ),
            (
                |c| field(body(c), "note").schema.format = Some("email".into()),
                Breaking,
                "request-format-changed",
                "body.note",
            ),
            (
                |c| field(body(c), "note").schema.pattern = Some("^a".into()),
                Breaking,
                "request-pattern-changed",
                "body.note",
            ),
            (
                |c| field(body(c), "note").schema.max_length = Some(5),
                Breaking,
                "request-limits-changed",
                "body.note",
            ),
            (
                |c| field(body(c), "note").schema.max_length = Some(50),
                NonBreaking,
                "request-limits-changed",
                "body.note",
            ),
            (
                |c| field(body(c), "tags").schema.items = None,
                Unclear,
                "items-changed",
                "body.tags",
            ),
            (
                |c| field(body(c), "tags").schema.items.as_mut().unwrap().types = vec![Ty::Integer],
                Breaking,
                "request-type-changed",
                "body.tags[]",
            ),
            // The responses.
            (
                |c| {
                    c.responses.push(Response {
                        status: "404".into(),
                        media: None,
                        schema: None,
                    })
                },
                NonBreaking,
                "response-status-added",
                "response 404",
            ),
            (
                |c| {
                    c.responses.remove(1);
                },
                Unclear,
                "response-status-removed",
                "response 400",
            ),
            (
                |c| c.responses[1].media = Some("text/plain".into()),
                Unclear,
                "response-media-type-changed",
                "response 400",
            ),
            (
                |c| c.responses[1].schema = Some(Schema::default()),
                NonBreaking,
                "response-body-documented",
                "response 400",
            ),
            (
                |c| c.responses[0].schema = None,
                Unclear,
                "response-body-undocumented",
                "response 200",
            ),
            (
                |c| answer(c).properties.push(property("n", false)),
                NonBreaking,
                "response-property-added",
                "response 200 body.n",
            ),
            (
                |c| field(answer(c), "state").required = true,
                NonBreaking,
                "response-property-became-required",
                "response 200 body.state",
            ),
            (
                |c| field(answer(c), "url").required = false,
                Breaking,
                "response-property-became-optional",
                "response 200 body.url",
            ),
            (
                |c| {
                    answer(c).properties.remove(0);
                },
                Breaking,
                "response-required-property-removed",
                "response 200 body.url",
            ),
            (
                |c| {
                    answer(c).properties.remove(1);
                },
                Unclear,
                "response-property-removed",
                "response 200 body.state",
            ),
            (
                |c| answer(c).additional = false,
                NonBreaking,
                "response-additional-properties-changed",
                "response 200 body",
            ),
            (
                |c| field(answer(c), "url").schema.types.push(Ty::Null),
                Breaking,
                "response-type-changed",
                "response 200 body.url",
            ),
            (
                |c| {
                    field(answer(c), "state")
                        .schema
                        .values
                        .as_mut()
                        .unwrap()
                        .push("y".into())
                },
                Unclear,
                "response-enum-value-added",
                "response 200 body.state",
            ),
            (
                |c| field(answer(c), "state").schema.values = Some(vec![]),
                NonBreaking,
                "response-enum-value-removed",
                "response 200 body.state",
            ),
            (
                |c| field(answer(c), "url").schema.values = Some(vec!["u".into()]),
                NonBreaking,
                "response-enum-added",
                "response 200 body.url",
            ),
            (
                |c| field(answer(c), "state").schema.values = None,
                Unclear,
                "response-enum-removed",
                "response 200 body.state",
            ),
            (
                |c| field(answer(c), "url").schema.format = None,
                Unclear,
                "response-format-changed",
                "response 200 body.url",
            ),
            (
                |c| field(answer(c), "url").schema.pattern = Some("^h".into()),
                NonBreaking,
                "response-pattern-changed",
                "response 200 body.url",
            ),
            (
                |c| field(answer(c), "url").schema.max_length = Some(9),
                NonBreaking,
                "response-limits-changed",
                "response 200 body.url",
            ),
        ];
        let old = base();
        for (edit, class, kind, at) in cases {
            let mut new = base();
            edit(&mut new);
            let got: Vec<_> = compare(&old, &new)
                .into_iter()
                .map(|c| (c.class, c.kind, c.at))
                .collect();
            assert_eq!(got, [(class, kind, at.to_owned())], "{kind} at {at}");
        }
        assert!(compare(&old, &base()).is_empty(), "no edit, no change");
        // A success status changed is that, and the two statuses it moves between.
        let mut new = base();
        new.responses[0].status = "201".into();
        let got: Vec<_> = compare(&old, &new)
            .into_iter()
            .map(|c| (c.class, c.kind, c.at))
            .collect();
        assert_eq!(
            got,
            [
                (Breaking, "success-status-changed", "responses".to_owned()),
                (Unclear, "response-status-added", "response 201".to_owned()),
                (
                    Breaking,
                    "response-status-removed",
                    "response 200".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_body_added_is_breaking_only_when_required() {
        let mut old = base();
        old.body = None;
        for (required, class) in [(true, Breaking), (false, NonBreaking)] {
            let mut new = base();
            new.body.as_mut().unwrap().required = required;
            let got: Vec<_> = compare(&old, &new)
                .into_iter()
                .map(|c| (c.class, c.kind))
                .collect();
            assert_eq!(got, [(class, "request-body-added")]);
        }
    }

    #[test]
    fn a_request_field_removed_is_unclear_where_others_are_allowed() {
        let mut old = base();
        body(&mut old).additional = true;
        let mut new = old.clone();
        body(&mut new).properties.remove(1);
        let got: Vec<_> = compare(&old, &new)
            .into_iter()
            .map(|c| (c.class, c.kind))
            .collect();
        assert_eq!(got, [(Unclear, "request-field-removed")]);
    }

    #[test]
    fn the_bump_follows_the_worst_change_below_and_above_one() {
        let report = |breaking: bool, additive: bool| {
            let changes = if additive {
                vec![change(
                    if breaking { Breaking } else { NonBreaking },
                    "k",
                    "at",
                    "d",
                )]
            } else {
                Vec::new()
            };
            VendorReport::new("t", additive, changes, Vec::new())
        };
        assert_eq!(
            bump("0.1.0", &[report(true, true)]),
            ("minor", "0.2.0".to_owned())
        );
        assert_eq!(
            bump("0.1.3", &[report(false, true)]),
            ("patch", "0.1.4".to_owned())
        );
        assert_eq!(
            bump("1.2.3", &[report(true, true)]),
            ("major", "2.0.0".to_owned())
        );
        assert_eq!(
            bump("1.2.3", &[report(false, true)]),
            ("minor", "1.3.0".to_owned())
        );
        assert_eq!(bump("1.2.3", &[report(false, false)]).0, "none");
    }

    #[test]
    fn the_generated_apis_items_are_added_removed_or_changed() {
        let old =
            "pub mod types { pub enum P { A, B } pub struct R { pub a: String, pub b: u32 } }";
        let new = "pub mod types { pub enum P { A, C } pub struct R { pub a: i64, pub b: u32, pub c: String } }";
        let got: Vec<_> = api_changes(old, new)
            .into_iter()
            .map(|a| (a.change, a.item, a.breaking))
            .collect();
        for want in [
            ("added", "enum types::P variant C"),
            ("removed", "enum types::P variant B"),
            ("changed", "struct types::R field a"),
            ("added", "struct types::R field c"),
        ] {
            assert!(
                got.iter().any(|(c, i, _)| *c == want.0 && i == want.1),
                "{want:?} in {got:#?}"
            );
        }
        assert!(api_changes(old, old).is_empty());
    }
}
