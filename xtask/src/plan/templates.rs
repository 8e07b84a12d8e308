//! The new vendor's three modules: the SDK's (its connect call through its generated client's
//! builder, named from the generated code), the mock's (the engine's default rules) and the
//! contract test's.

use super::PlanError;
use super::infer::{Plan, lower};
use super::inspect::{Field, Place};
use crate::normalize::pascal;
use crate::vendors::Vendor;

fn tokens(t: &impl quote::ToTokens) -> String {
    t.to_token_stream().to_string().replace(' ', "")
}

/// The methods of the generated type `owner` that take a `V: TryInto<T>`: `(name, T)`.
fn setters(file: &syn::File, owner: &str) -> Vec<(String, String)> {
    fn walk(items: &[syn::Item], owner: &str, out: &mut Vec<(String, String)>) {
        for item in items {
            match item {
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        walk(inner, owner, out);
                    }
                }
                syn::Item::Impl(i) if i.trait_.is_none() => {
                    let syn::Type::Path(p) = &*i.self_ty else {
                        continue;
                    };
                    if p.path.segments.last().is_none_or(|s| s.ident != owner) {
                        continue;
                    }
                    for it in &i.items {
                        let syn::ImplItem::Fn(f) = it else { continue };
                        let bound = f.sig.generics.where_clause.iter().flat_map(|w| {
                            w.predicates.iter().filter_map(|p| match p {
                                syn::WherePredicate::Type(t) => Some(t),
                                _ => None,
                            })
                        });
                        for pred in bound {
                            for b in &pred.bounds {
                                let syn::TypeParamBound::Trait(t) = b else {
                                    continue;
                                };
                                let Some(last) = t.path.segments.last() else {
                                    continue;
                                };
                                if last.ident != "TryInto" {
                                    continue;
                                }
                                if let syn::PathArguments::AngleBracketed(a) = &last.arguments
                                    && let Some(syn::GenericArgument::Type(ty)) = a.args.first()
                                {
                                    out.push((f.sig.ident.to_string(), tokens(ty)));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&file.items, owner, &mut out);
    out
}

/// The item type of `::std::vec::Vec<T>` (a provider field that is an array): `T`; any other
/// type as it is.
fn item_type(ty: &str) -> String {
    ty.trim_start_matches("::")
        .strip_prefix("std::vec::Vec<")
        .and_then(|t| t.strip_suffix('>'))
        .map_or_else(|| ty.to_owned(), str::to_owned)
}

/// `super::X` or `types::X` as a path from the vendor's `raw` module.
fn from_raw(ty: &str) -> String {
    let bare = ty
        .trim_start_matches("super::")
        .trim_start_matches("types::")
        .trim_start_matches("self::");
    // A path into a crate (`::uuid::Uuid`, `url::Url`, `::std::string::String`) stays as it is.
    if bare.starts_with("::") || bare.contains("::") {
        bare.to_owned()
    } else {
        format!("types::{bare}")
    }
}

/// What the SDK module needs of the generated client.
struct Names {
    /// The builder's setter of each path and query field: `(field, method, type)`.
    params: Vec<(String, String, String)>,
    /// The request body's type, where the operation takes one.
    body: Option<String>,
    /// The generated enum of the provider, where the spec lists its values.
    provider_enum: Option<String>,
    /// The builder's setter of the query parameter that carries the API key, where the spec
    /// takes the key in the query (the normaliser adds the parameter).
    query_key: Option<String>,
}

fn names(plan: &Plan, vendor: &Vendor, client: &str) -> Result<Names, PlanError> {
    let file = syn::parse_file(client)
        .map_err(|e| PlanError::Spec(format!("the generated client does not parse: {e}")))?;
    let builder = setters(&file, &pascal(&vendor.connect.operation));
    let params = plan
        .op
        .fields
        .iter()
        .filter(|f| f.place != Place::Body)
        .filter_map(|f| {
            builder
                .iter()
                .find(|(m, _)| lower(m) == lower(&f.name))
                .map(|(m, t)| (f.name.clone(), m.clone(), from_raw(t)))
        })
        .collect();
    let body = builder
        .iter()
        .find(|(m, _)| m == "body")
        .map(|(_, t)| from_raw(t));
    let provider_enum = if plan.provider.values.is_empty() {
        None
    } else if plan.provider.place == Place::Body {
        let body_name = body
            .as_deref()
            .and_then(|b| b.rsplit("::").next())
            .unwrap_or_default()
            .to_owned();
        setters(&file, &body_name)
            .into_iter()
            .find(|(m, _)| lower(m) == lower(&plan.provider.name))
            .map(|(_, t)| from_raw(&item_type(&t)))
    } else {
        builder
            .iter()
            .find(|(m, _)| lower(m) == lower(&plan.provider.name))
            .map(|(_, t)| from_raw(t))
    };
    let query_key = plan.query_key.as_ref().and_then(|name| {
        builder
            .iter()
            .find(|(m, _)| lower(m) == lower(name))
            .map(|(m, _)| m.clone())
    });
    Ok(Names {
        params,
        body,
        provider_enum,
        query_key,
    })
}

/// How the spec writes its provider values: the `Provider::Other` name is put in this case.
fn case(provider: &Field) -> &'static str {
    let v = &provider.values;
    if !v.is_empty() && v.iter().all(|s| !s.chars().any(|c| c.is_ascii_lowercase())) {
        "str::to_ascii_uppercase"
    } else if !v.is_empty() && v.iter().all(|s| !s.chars().any(|c| c.is_ascii_uppercase())) {
        "str::to_ascii_lowercase"
    } else {
        "str::to_owned"
    }
}

/// The statements that fill the call: body fields into a JSON object, parameters through the
/// builder's setters.
fn call_parts(plan: &Plan, names: &Names) -> (Vec<String>, Vec<String>) {
    let mut body = Vec::new();
    let mut setters = Vec::new();
    // A provider field that is an array of values takes the one asked for.
    let provider = if plan.provider.array {
        "Some(vec![wire.clone()])"
    } else {
        "Some(wire.clone())"
    };
    // The manifest's values for the required fields the unified model has no place for: JSON
    // in a body, their text in a parameter.
    let values: Vec<(String, String)> = plan
        .values
        .iter()
        .map(|(f, v)| {
            let text = social_connect_spec::literal_text(v);
            let expr = if f.place == Place::Body {
                format!("Some(serde_json::json!({v}))")
            } else {
                format!("Some({text:?}.to_owned())")
            };
            (f.name.clone(), expr)
        })
        .collect();
    let mut roles: Vec<(Option<&Field>, String)> = vec![
        (
            plan.params.as_ref(),
            "request.integration_params.clone()".to_owned(),
        ),
        (Some(&plan.provider), provider.to_owned()),
        (plan.owner.as_ref(), "request.owner.clone()".to_owned()),
        (
            plan.redirect.as_ref(),
            "request.redirect_url.as_ref().map(|u| u.to_string())".to_owned(),
        ),
    ];
    for ((f, _), (_, expr)) in plan.values.iter().zip(&values) {
        roles.push((Some(f), expr.clone()));
    }
    for (field, value) in roles {
        let Some(field) = field else { continue };
        if field.place == Place::Body {
            body.push(format!("{:?}: {value},", field.name));
            continue;
        }
        let Some((_, method, ty)) = names.params.iter().find(|(f, _, _)| *f == field.name) else {
            continue;
        };
        // A parameter of another type than a string (a UUID, a URL, a generated enum or
        // patterned string, a number) is parsed into it: typify's types all implement
        // `FromStr`, and a value that does not parse is refused before any request is sent.
        let plain = matches!(
            ty.as_str(),
            "String" | "::std::string::String" | "std::string::String"
        );
        let conversion = if plain {
            String::new()
        } else if plan.owner.as_ref().is_some_and(|o| o.name == field.name) {
            format!(
                ".map(|v| v.parse::<{ty}>().map_err(|e| Error::InvalidOwner {{ vendor, \
                 owner: v.clone(), reason: format!(\"{} does not take it ({{e}})\") }}))\n\
                 .transpose()?",
                field.name
            )
        } else {
            format!(
                ".map(|v| v.parse::<{ty}>().map_err(|e| Error::UnsupportedRequest {{ vendor, \
                 reason: format!(\"{} does not take {{v:?}} ({{e}})\") }}))\n\
                 .transpose()?",
                field.name
            )
        };
        setters.push(format!(
            "if let Some(value) = {value}{conversion} {{ builder = builder.{method}(value); }}"
        ));
    }
    if let Some(method) = &names.query_key {
        setters.push(format!(
            "if let Some(key) = endpoint.query_key() {{ builder = builder.{method}(key.to_owned()); }}"
        ));
    }
    (body, setters)
}

/// The SDK module of the new vendor.
///
/// `generated`: written by `cargo xtask codegen` for a vendor without a module of its own (its
/// doc says so), rather than by `vendor new --modules` as the start of a hand-written one.
pub(crate) fn sdk(
    plan: &Plan,
    vendor: &Vendor,
    client: &str,
    generated: bool,
) -> Result<String, PlanError> {
    let names = names(plan, vendor, client)?;
    let origin = if generated {
        format!(
            "generated from its spec and manifest by `cargo xtask codegen`;\n//! for rules its docs \
             state beyond its spec, give it a module of its own, `sdk/src/vendors/{}.rs`\n//! \
             (`cargo xtask vendor new --modules` writes one), which calls the connect codegen \
             then writes",
            vendor.name
        )
    } else {
        "scaffolded by `cargo xtask vendor new --modules` from its spec; this\n//! module is the \
         vendor's own: edit it for the rules its spec does not state"
            .to_owned()
    };
    let variant = vendor.variant();
    let name = &vendor.name;
    let (wire, spec_lists) = provider_parts(plan, vendor, &names);
    let imports = if names.provider_enum.is_some() {
        "Table, Unsupported, VendorApi, enum_value"
    } else {
        "Table, Unsupported, VendorApi, free_form, table_wire"
    };
    Ok(format!(
        r#"//! {display}: `{method} {path}` ({origin}).

use super::{{{imports}}};
use crate::Provider;

/// {display}'s [`VendorApi`].
#[derive(Debug)]
pub(crate) struct {variant};

impl VendorApi for {variant} {{
{wire}
    #[cfg(feature = "{name}")]
    fn connect<'a>(
        &'a self,
        endpoint: &'a super::Endpoint,
        request: &'a crate::ConnectRequest,
        wire: String,
        timeout: std::time::Duration,
    ) -> super::Connecting<'a> {{
        Box::pin({call}(endpoint, request, wire, timeout))
    }}
}}

/// {display}'s named providers and their wire values (the project's choice: none yet).
const PROVIDERS: Table = &[];
{spec_lists}
{glue}"#,
        display = vendor.display,
        method = plan.op.method.to_ascii_uppercase(),
        path = plan.op.path,
        // Codegen's module holds the call; a module of the vendor's own calls the one codegen
        // writes beside it (`<name>_connect.rs`), and adds the rules its docs state.
        glue = if generated {
            glue(plan, vendor, &names)
        } else {
            String::new()
        },
        call = if generated {
            "raw::connect".to_owned()
        } else {
            format!("super::{}_connect::connect", vendor.name)
        },
    ))
}

/// The connect call alone, for a vendor with a module of its own (which calls it and adds the
/// rules its docs state beyond its spec): written by `cargo xtask codegen`.
pub(crate) fn connect_only(
    plan: &Plan,
    vendor: &Vendor,
    client: &str,
) -> Result<String, PlanError> {
    let names = names(plan, vendor, client)?;
    Ok(format!(
        "//! {display}'s connect call through its generated client, from its spec and manifest; \
         its module\n//! (`sdk/src/vendors/{name}.rs`) calls it and adds the rules its docs state \
         beyond its spec.\n\n#[cfg(feature = \"{name}\")]\npub(crate) use raw::connect;\n{glue}",
        display = vendor.display,
        name = vendor.name,
        glue = glue(plan, vendor, &names),
    ))
}

/// The connect call through the vendor's generated client (`mod raw`, under its feature):
/// the request filled by the manifest's field names, the answer's link read at its pointer.
fn glue(plan: &Plan, vendor: &Vendor, names: &Names) -> String {
    let (body_fields, setters) = call_parts(plan, names);
    let body = match &names.body {
        Some(ty) => format!(
            "        let body: {ty} = crate::vendors::request_body(\n            vendor,\n            \
             serde_json::json!({{ {} }}),\n        )?;\n",
            body_fields.join(" ")
        ),
        None => String::new(),
    };
    let with_body = if names.body.is_some() {
        ".body(body)"
    } else {
        ""
    };
    // A provider its spec lists: one the regenerated enum no longer lists is unsupported.
    let listed = match &names.provider_enum {
        Some(ty) => {
            format!("        crate::vendors::parse_wire::<{ty}>(vendor, request, &wire)?;\n")
        }
        None => String::new(),
    };
    // An owner the spec types as a UUID, in the body: one that is not is refused by name.
    let uuid_owner = match &plan.owner {
        Some(o) if o.place == Place::Body && o.format.as_deref() == Some("uuid") => format!(
            "        if let Some(owner) = request.owner.as_deref() {{\n            \
             owner.parse::<uuid::Uuid>().map_err(|e| Error::InvalidOwner {{\n                \
             vendor,\n                owner: owner.to_owned(),\n                \
             reason: format!(\"its {} is a UUID ({{e}})\"),\n            }})?;\n        }}\n",
            o.name
        ),
        _ => String::new(),
    };
    format!(
        r#"
/// The connect call through {display}'s generated client.
#[cfg(feature = "{name}")]
mod raw {{
    use std::time::Duration;

    use progenitor_client::ClientInfo as _;

    #[allow(unused_imports)]
    use crate::{name}::{{Client as Raw, types}};
    use crate::response::{{bounded_exec_hook, call}};
    use crate::{{AuthorizationLink, ConnectRequest, Error, Vendor}};

    bounded_exec_hook!(Raw);

    pub(crate) async fn connect(
        endpoint: &crate::vendors::Endpoint,
        request: &ConnectRequest,
        wire: String,
        timeout: Duration,
    ) -> Result<AuthorizationLink, Error> {{
        let vendor = Vendor::{variant};
        let raw = endpoint.raw(Raw::new_with_client);
{listed}{uuid_owner}{body}        #[allow(unused_mut)]
        let mut builder = raw.{operation}(){with_body};
        {setters}
        let response = call(vendor, timeout, raw.inner(), builder.send()).await?;
        Ok(AuthorizationLink {{
            vendor,
            provider: request.provider.clone(),
            url: crate::vendors::link_at(vendor, {success}, &response, {link:?})?,
            state: crate::vendors::text_at(&response, "/state"),
            expires_at: None,
            single_use: false,
        }})
    }}
}}
"#,
        display = vendor.display,
        name = vendor.name,
        variant = vendor.variant(),
        operation = vendor.connect.operation,
        setters = setters.join("\n        "),
        success = plan.op.success,
        link = vendor.connect.link,
    )
}

/// The SDK module's provider mapping: `wire`, `table` (and `spec_lists` where the spec lists
/// the values), and the free function that asks the generated enum.
fn provider_parts(plan: &Plan, vendor: &Vendor, names: &Names) -> (String, String) {
    let name = &vendor.name;
    let wire = match &names.provider_enum {
        Some(_) => format!(
            "    /// Named providers from the table (empty until you fill it); [`Provider::Other`]\n    \
             /// for any value the spec's enum lists, in its case.\n    \
             fn wire(&self, provider: &Provider) -> Result<String, Unsupported> {{\n        \
             enum_value(self, provider, {})\n    }}\n\n    \
             fn table(&self) -> Table {{\n        PROVIDERS\n    }}\n\n    \
             fn spec_lists(&self, wire: &str) -> Option<bool> {{\n        \
             cfg!(feature = \"{name}\").then(|| spec_lists(wire))\n    }}\n",
            case(&plan.provider)
        ),
        None => "    /// Named providers from the table (empty until you fill it), or any free-form slug.\n    \
             fn wire(&self, provider: &Provider) -> Result<String, Unsupported> {\n        \
             match provider {\n            Provider::Other(slug) => free_form(slug),\n            \
             named => table_wire(PROVIDERS, named),\n        }\n    }\n\n    \
             fn table(&self) -> Table {\n        PROVIDERS\n    }\n"
            .to_owned(),
    };
    let spec_lists = match &names.provider_enum {
        Some(ty) => format!(
            "\n/// Whether {display}'s generated enum lists `wire`; without the `{name}` feature, only\n\
             /// [`PROVIDERS`] counts.\nfn spec_lists(wire: &str) -> bool {{\n    \
             #[cfg(feature = \"{name}\")]\n    let listed = wire.parse::<crate::{name}::{ty}>().is_ok();\n    \
             #[cfg(not(feature = \"{name}\"))]\n    let listed = {{\n        let _ = wire;\n        false\n    }};\n    \
             listed\n}}\n",
            display = vendor.display,
        ),
        None => String::new(),
    };
    (wire, spec_lists)
}

/// The mock module of the new vendor: the engine's default rules.
pub(crate) fn mock(plan: &Plan, vendor: &Vendor) -> String {
    format!(
        r#"//! {display}: `{method} {path}` (scaffolded by `cargo xtask vendor new`). It starts on the
//! engine's default rules (`defaults.rs`): the request checked against its spec, the owner
//! against the fixture, a flow begun, the spec's answer with the link at the manifest's
//! pointer, errors in the shapes its spec documents. Override [`VendorModule`]'s methods here
//! for the rules its spec does not state.

use super::VendorModule;
use crate::core::MockVendor;

/// {display}'s module.
#[derive(Debug)]
pub(crate) struct {variant};

impl VendorModule for {variant} {{
    fn vendor(&self) -> MockVendor {{
        MockVendor::{variant}
    }}
}}
"#,
        display = vendor.display,
        method = plan.op.method.to_ascii_uppercase(),
        path = plan.op.path,
        variant = vendor.variant(),
    )
}

/// The contract test module of the new vendor.
pub(crate) fn test(plan: &Plan, vendor: &Vendor) -> String {
    format!(
        r#"//! {display}: `{method} {path}` (scaffolded by `cargo xtask vendor new`): the SDK connects at
//! the mock, the flow is followed to an account recorded at the mock, and every answer is what
//! the spec documents.

use social_connect::Vendor;
use social_connect_tests::Harness;

use crate::common;

#[tokio::test]
async fn connects_through_the_sdk_and_the_mock_to_a_recorded_account() {{
    let vendor: Vendor = "{name}".parse().expect("the vendor's name parses");
    assert_eq!(vendor.as_str(), "{name}");
    let h = Harness::new(vendor).await;
    let account = common::connect_and_follow(&h).await;
    assert_eq!(account["vendor"], "{name}", "{{account}}");
}}

#[tokio::test]
async fn documented_statuses_match_the_spec() {{
    let h = Harness::new("{name}".parse().expect("the vendor's name parses")).await;
    common::documented_statuses_match_the_spec(&h).await;
}}
"#,
        display = vendor.display,
        name = vendor.name,
        method = plan.op.method.to_ascii_uppercase(),
        path = plan.op.path,
    )
}

/// The mock's test module of the new vendor.
pub(crate) fn mock_test(vendor: &Vendor) -> String {
    format!(
        r#"//! {display} (scaffolded by `cargo xtask vendor new`): its sample connect request starts a flow
//! on both adapters, with the link where its manifest says, and a request without a key is
//! refused.

use crate::support::*;
use serde_json::Value;
use social_connect_mock::{{MockVendor, OWNER_KEY}};

const V: MockVendor = MockVendor::{variant};

#[tokio::test]
async fn the_sample_request_starts_a_flow_on_both_adapters() {{
    for h in [Harness::wiremock().await, Harness::standalone().await] {{
        let r = send_sample(&h, V, OWNER_KEY).await;
        assert!((200..300).contains(&r.status), "{{}}", r.text);
        let link = r.json().pointer({link:?}).and_then(Value::as_str).map(str::to_owned);
        let link = link.expect("the link at the manifest's pointer");
        assert!(link.starts_with(&h.origin()), "{{link}}");
        assert!(query_param(&link, "state").is_some(), "{{link}}");
        assert_eq!(send_sample(&h, V, "sk_unknown").await.status, 401);
    }}
}}

/// {display}'s error body, as the engine's default rules answer: the body its spec documents
/// for the status (with the message where it has a place for one), else `{{"message"}}`. State
/// the vendor's own shape here once its module answers in it.
pub(crate) fn assert_error(body: &Value, _status: u16, what: &str) {{
    assert!(
        body.as_object().is_some_and(|o| !o.is_empty()),
        "{{what}}: {{body}}"
    );
}}
"#,
        display = vendor.display,
        variant = vendor.variant(),
        link = vendor.connect.link,
    )
}
