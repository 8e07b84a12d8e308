//! The lists of vendors, generated from the manifests (`specs/<vendor>/vendor.toml`): every
//! place on either side that names all vendors is written here, so a vendor is listed once.
//!
//! - the SDK: the `Vendor` enum (`sdk/src/generated/vendor.rs`), the module list and dispatch
//!   (`sdk/src/vendors/mod.rs`), the generated clients and their accessors
//!   (`sdk/src/generated/raw.rs`), and the cargo features (a marked block of `sdk/Cargo.toml`);
//! - the mock: `MockVendor`, the contracts, the module list and dispatch, the samples and the
//!   wiremock mounts;
//! - the tests: each suite's list of per-vendor modules.
//!
//! A `match` here names every vendor, never `_`: a manifest without its modules is a compile
//! error that names the missing module.

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use crate::contract::{Contract, Ty, opt, pretty};
use crate::util::Output;
use crate::vendors::Vendor;

/// Which modules of its own a vendor has (hand-written, for rules its docs state beyond its
/// spec); a vendor without them is its spec and its manifest: codegen writes its SDK module
/// ([`unified_path`]), the mock serves it on the engine's default rules, and the every-vendor
/// suites test it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Hand {
    /// `sdk/src/vendors/<vendor>.rs`.
    pub(crate) sdk: bool,
    /// `mock-server/src/vendors/<vendor>.rs`.
    pub(crate) mock: bool,
    /// `mock-server/tests/it/vendors/<vendor>.rs`.
    pub(crate) mock_test: bool,
    /// `tests/tests/contract/vendors/<vendor>.rs`.
    pub(crate) contract_test: bool,
}

impl Hand {
    /// The modules `name` has under `root`.
    pub(crate) fn of(root: &std::path::Path, name: &str) -> Hand {
        let has = |p: String| root.join(p).is_file();
        Hand {
            sdk: has(format!("sdk/src/vendors/{name}.rs")),
            mock: has(format!("mock-server/src/vendors/{name}.rs")),
            mock_test: has(format!("mock-server/tests/it/vendors/{name}.rs")),
            contract_test: has(format!("tests/tests/contract/vendors/{name}.rs")),
        }
    }
}

/// Where codegen writes the connect call of a vendor with a module of its own.
pub(crate) fn connect_path(name: &str) -> String {
    format!("sdk/src/generated/{name}_connect.rs")
}

/// Where codegen writes the SDK module of a vendor without one of its own.
pub(crate) fn unified_path(name: &str) -> String {
    format!("sdk/src/generated/{name}_unified.rs")
}

/// The first line of every file written here.
fn header(what: &str) -> String {
    crate::contract::header("specs/*/vendor.toml", what)
}

/// A `{vis} mod <vendor>;` item per vendor, in rustfmt's order (by name).
fn mod_items(vendors: &[Vendor], vis: TokenStream) -> TokenStream {
    let mut names: Vec<_> = vendors.iter().map(|v| v.name.as_str()).collect();
    names.sort_unstable();
    let names = names.into_iter().map(ident);
    quote!(#(#vis mod #names;)*)
}

/// Every file of the registry, on both sides; `hand[i]` says which modules of its own the
/// vendor of `contracts[i]` has.
pub(crate) fn render(
    contracts: &[(Vendor, Contract)],
    hand: &[Hand],
    sdk_manifest: &str,
) -> Vec<Output> {
    let vendors: Vec<Vendor> = contracts.iter().map(|(v, _)| v.clone()).collect();
    let vendors = vendors.as_slice();
    let with = |f: fn(&Hand) -> bool| -> Vec<Vendor> {
        vendors
            .iter()
            .zip(hand)
            .filter(|(_, h)| f(h))
            .map(|(v, _)| v.clone())
            .collect()
    };
    let hand_of = |v: &Vendor| {
        vendors
            .iter()
            .position(|w| w.name == v.name)
            .and_then(|i| hand.get(i).copied())
            .unwrap_or_default()
    };
    vec![
        Output::new(
            "mock-server/src/generated/vendor.rs",
            mock_vendor(contracts),
        ),
        Output::new(
            "mock-server/src/vendors/mod.rs",
            mock_vendors(vendors, &hand_of),
        ),
        Output::new(
            "mock-server/src/generated/samples.rs",
            mock_samples(contracts),
        ),
        Output::new(
            "mock-server/tests/it/vendors/mod.rs",
            mock_test_modules(vendors, &with(|h| h.mock_test)),
        ),
        Output::new(
            "tests/tests/contract/vendors/mod.rs",
            test_modules(
                &with(|h| h.contract_test),
                "The contract tests of each vendor that has its own",
            ),
        ),
        Output::new("sdk/src/generated/vendor.rs", sdk_vendor(vendors)),
        Output::new("sdk/src/vendors/mod.rs", sdk_vendors(vendors, &hand_of)),
        Output::new("sdk/src/generated/raw.rs", sdk_raw(vendors)),
        Output::new("sdk/Cargo.toml", sdk_features(vendors, sdk_manifest)),
    ]
}

/// `sdk/src/generated/vendor.rs`: the `Vendor` enum, `ALL`, names.
fn sdk_vendor(vendors: &[Vendor]) -> String {
    let first = &vendors[0];
    let (name, variant) = (&first.name, first.variant());
    let count = proc_macro2::Literal::usize_unsuffixed(vendors.len());
    let ids: Vec<_> = vendors.iter().map(|v| ident(&v.variant())).collect();
    let summaries = vendors.iter().map(|v| &v.summary);
    let names = vendors.iter().map(|v| &v.name);
    let displays = vendors.iter().map(|v| &v.display);
    let parse = format!(r#" let vendor: Vendor = "{name}".parse().unwrap();"#);
    let parsed = format!(" assert_eq!(vendor, Vendor::{variant});");
    let as_str = format!(r#" assert_eq!(vendor.as_str(), "{name}");"#);
    let example = format!(r#" assert_eq!(social_connect::Vendor::{variant}.as_str(), "{name}");"#);
    let tokens = quote! {
        /// A vendor whose "connect a social account" API this crate speaks.
        ///
        /// ### Example
        /// ```
        /// use social_connect::Vendor;
        ///
        #[doc = #parse]
        #[doc = #parsed]
        #[doc = #as_str]
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Vendor { #(#[doc = #summaries] #ids,)* }

        impl Vendor {
            /// Every vendor, in a stable order.
            pub const ALL: [Vendor; #count] = [#(Vendor::#ids),*];

            /// The lower-case name used in configuration, URLs and cargo features.
            ///
            /// ### Example
            /// ```
            #[doc = #example]
            /// ```
            pub fn as_str(self) -> &'static str {
                match self { #(Vendor::#ids => #names,)* }
            }

            /// How the vendor names itself (its `Display`).
            pub(crate) fn display_name(self) -> &'static str {
                match self { #(Vendor::#ids => #displays,)* }
            }
        }
    };
    header("The SDK's list of vendors; src/vendor.rs adds what is the same for all.")
        + &pretty(&tokens.to_string(), "SDK vendor list")
}

/// `sdk/src/vendors/mod.rs`: the vendor modules and the dispatch to them.
fn sdk_vendors(vendors: &[Vendor], hand: &dyn Fn(&Vendor) -> Hand) -> String {
    let own: Vec<Vendor> = vendors.iter().filter(|v| hand(v).sdk).cloned().collect();
    let mods = mod_items(&own, quote!(pub(crate)));
    let connects = own.iter().map(|v| {
        let doc = format!(
            " {}'s connect call, generated from its spec and manifest (its module calls it).",
            v.display
        );
        let path = format!("../generated/{}_connect.rs", v.name);
        let module = quote::format_ident!("{}_connect", v.name);
        quote!(#[doc = #doc] #[rustfmt::skip] #[path = #path] pub(crate) mod #module;)
    });
    let unified = vendors.iter().filter(|v| !hand(v).sdk).map(|v| {
        let doc = format!(
            " {}'s unified connect, generated from its spec and manifest (it has no module of \
             its own).",
            v.display
        );
        let path = format!("../generated/{}_unified.rs", v.name);
        let module = ident(&v.name);
        quote!(#[doc = #doc] #[rustfmt::skip] #[path = #path] pub(crate) mod #module;)
    });
    let arms = vendors.iter().map(|v| {
        let (module, id) = (ident(&v.name), ident(&v.variant()));
        quote!(Vendor::#id => &#module::#id)
    });
    let identities = vendors.iter().map(|v| {
        let (module, id, upper) = (ident(&v.name), ident(&v.variant()), ident(&v.upper()));
        quote! {
            impl Identity for #module::#id {
                fn vendor(&self) -> Vendor {
                    Vendor::#id
                }

                fn facts(&self) -> &'static Facts {
                    &facts::#upper
                }
            }
        }
    });
    let tokens = quote! {
        //! One vendor, one module: everything a vendor spells or does its own way lives in its
        //! module (`sdk/src/vendors/<vendor>.rs`, or, for a vendor whose spec and manifest say
        //! all there is, `sdk/src/generated/<vendor>_unified.rs`, written by codegen), behind
        //! one trait, [`VendorApi`]. The rest of the crate reaches a vendor only through
        //! [`api`], the one `match` from [`Vendor`] to its module.
        //!
        //! This file is generated from the vendor manifests (`specs/<vendor>/vendor.toml`); the
        //! trait and the helpers that know no vendor are in `common.rs`.

        mod common;
        pub(crate) use common::*;

        /// The facts each vendor's spec states, generated by `cargo xtask codegen`.
        #[rustfmt::skip]
        #[path = "../generated/contract.rs"]
        pub(crate) mod facts;

        #mods
        #(#connects)*
        #(#unified)*

        use crate::Vendor;

        /// The implementation of `vendor`: the one place a [`Vendor`] is matched to its module.
        pub(crate) fn api(vendor: Vendor) -> &'static dyn VendorApi {
            match vendor { #(#arms,)* }
        }

        #(#identities)*
    };
    header("The SDK's vendor modules and the dispatch to them.")
        + &pretty(&tokens.to_string(), "SDK vendor modules")
}

/// `sdk/src/generated/raw.rs`: each vendor's generated client as a public module under its
/// feature, and [`Client`]'s accessor for it.
fn sdk_raw(vendors: &[Vendor]) -> String {
    let modules = vendors.iter().map(|v| {
        let (name, module) = (&v.name, ident(&v.name));
        let mut first = vec![format!(
            " {}'s complete client, as progenitor generates it from `specs/{name}/openapi.yaml`",
            v.display
        )];
        if v.authored {
            first.push(format!(
                " (a spec authored from {}'s prose reference: the vendor publishes none)",
                v.display
            ));
        }
        if let Some(last) = first.last_mut() {
            last.push('.');
        }
        let path = format!("{name}.rs");
        quote! {
            #(#[doc = #first])*
            ///
            /// Its operations are builders (`client.op().param(v).body(b).send().await`). Built on
            /// its own, it takes `Default::default()` as its inner value: the place where this
            /// crate's hook leaves each answer it reads; [`Client`](crate::Client)'s accessors
            /// hand out one already configured.
            #[cfg(feature = #name)]
            #[allow(missing_docs, unreachable_pub, missing_debug_implementations, clippy::all, clippy::unwrap_used)]
            #[rustfmt::skip]
            #[path = #path]
            pub mod #module;
        }
    });
    let accessors = vendors.iter().map(|v| {
        let (name, module, id) = (&v.name, ident(&v.name), ident(&v.variant()));
        let doc = format!(
            " {}'s generated client (a new one each call: cheap), with this client's key, base",
            v.display
        );
        let example = format!(" let raw: social_connect::{name}::Client = client.{name}();");
        quote! {
            #[doc = #doc]
            /// URL and timeout.
            ///
            /// ### Example
            /// ```
            /// let client = social_connect::Client::builder().build().unwrap();
            #[doc = #example]
            /// ```
            #[cfg(feature = #name)]
            pub fn #module(&self) -> crate::#module::Client {
                self.endpoint(crate::Vendor::#id)
                    .raw(crate::#module::Client::new_with_client)
            }
        }
    });
    let tokens = quote! {
        #(#modules)*
        impl crate::Client { #(#accessors)* }
    };
    header("Each vendor's generated client, under its cargo feature, and its accessor.")
        + &pretty(&tokens.to_string(), "SDK raw clients")
}

/// The marks around the generated features in `sdk/Cargo.toml`.
const FEATURES_BEGIN: &str = "# Generated by `cargo xtask codegen` from specs/*/vendor.toml (one feature per vendor); do not edit.\n";
const FEATURES_END: &str = "# End of the generated features.\n";

/// `sdk/Cargo.toml` with its block of per-vendor features regenerated (the rest as it is).
fn sdk_features(vendors: &[Vendor], manifest: &str) -> String {
    let names: Vec<_> = vendors.iter().map(|v| format!("{:?}", v.name)).collect();
    let mut block = format!("{FEATURES_BEGIN}default = [{}]\n", names.join(", "));
    for v in vendors {
        let _ = writeln!(block, "{} = []", v.name);
    }
    block.push_str(FEATURES_END);
    match (manifest.find(FEATURES_BEGIN), manifest.find(FEATURES_END)) {
        (Some(begin), Some(end)) if begin < end => format!(
            "{}{block}{}",
            &manifest[..begin],
            &manifest[end + FEATURES_END.len()..]
        ),
        // No block yet: it goes first under `[features]`.
        _ => match manifest.find("[features]\n") {
            Some(at) => {
                let at = at + "[features]\n".len();
                format!("{}{block}{}", &manifest[..at], &manifest[at..])
            }
            None => format!("{manifest}\n[features]\n{block}"),
        },
    }
}

/// `mock-server/src/generated/vendor.rs`: `MockVendor`, its names, and the rules and demo owners
/// its manifest gives.
fn mock_vendor(contracts: &[(Vendor, Contract)]) -> String {
    let count = proc_macro2::Literal::usize_unsuffixed(contracts.len());
    let ids: Vec<_> = contracts.iter().map(|(v, _)| ident(&v.variant())).collect();
    let variants = contracts.iter().zip(&ids).map(|((v, c), id)| {
        let doc = format!(
            "{}: `{} {}`, served under `{}`.",
            v.display,
            c.method,
            c.path,
            c.mock_prefix(&v.mock.mount)
        );
        let name = &v.name;
        quote! { #[doc = #doc] #[serde(rename = #name)] #id }
    });
    // `match self { Self::A => value(a), … }`.
    let arms = |value: &dyn Fn(&Vendor) -> TokenStream| {
        let values = contracts.iter().map(|(v, _)| value(v));
        quote! { match self { #(Self::#ids => #values,)* } }
    };
    let slug = arms(&|v| lit(&v.name));
    let name = arms(&|v| lit(&v.display));
    let tokens = quote! {
        use serde::{Deserialize, Serialize};

        /// One of the mocked vendors.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum MockVendor { #(#variants,)* }

        impl MockVendor {
            /// Every vendor, in a stable order.
            pub const ALL: [MockVendor; #count] = [#(MockVendor::#ids),*];

            /// How many vendors there are.
            pub(crate) const COUNT: usize = #count;

            /// The lower-case name used in URLs and JSON (`recoup`, `woopsocial`, …).
            pub fn slug(self) -> &'static str { #slug }

            /// The vendor's display name.
            pub fn name(self) -> &'static str { #name }

        }
    };
    header("The mock's list of vendors; src/core/vendor.rs adds what is the same for all.")
        + &pretty(&tokens.to_string(), "mock vendor list")
}

/// An identifier (a vendor's variant or module).
fn ident(name: &str) -> proc_macro2::Ident {
    quote::format_ident!("{name}")
}

/// A string literal.
fn lit(s: &str) -> TokenStream {
    quote!(#s)
}

/// `mock-server/src/vendors/mod.rs`: the vendor modules and the dispatch to them.
fn mock_vendors(vendors: &[Vendor], hand: &dyn Fn(&Vendor) -> Hand) -> String {
    let own: Vec<Vendor> = vendors.iter().filter(|v| hand(v).mock).cloned().collect();
    let mods = mod_items(&own, quote!(pub(crate)));
    let arms = vendors.iter().map(|v| {
        let (module, id) = (ident(&v.name), ident(&v.variant()));
        let target = if hand(v).mock {
            quote!(&#module::#id)
        } else {
            quote!(&defaults::SpecOnly(MockVendor::#id))
        };
        quote!(MockVendor::#id => #target)
    });
    let tokens = quote! {
        //! The vendors: one module each, owning its connect handler, its error shape, its extra
        //! routes and its completion rule, all behind [`VendorModule`] (in `api.rs`, with the
        //! error situations every vendor answers). [`module`] is the one `match` from
        //! [`MockVendor`] to its module; `serve.rs` holds what every vendor API does before its
        //! connect handler (body limit, connect path, method, scenarios).
        //!
        //! This file is generated from the vendor manifests (`specs/<vendor>/vendor.toml`).

        mod api;
        pub(crate) mod defaults;
        mod request;
        mod serve;

        pub(crate) use api::{ErrKind, VendorModule};
        pub(crate) use serve::handle;

        #mods

        use crate::core::MockVendor;

        /// The module of `vendor`.
        pub(crate) fn module(vendor: MockVendor) -> &'static dyn VendorModule {
            match vendor { #(#arms,)* }
        }
    };
    header("The mock's vendor modules and the dispatch to them.")
        + &pretty(&tokens.to_string(), "mock vendor modules")
}

/// `mock-server/src/generated/samples.rs`: one valid connect request per vendor, made from its
/// manifest (the owner, the sample provider) and its contract (where each goes, the key).
fn mock_samples(contracts: &[(Vendor, Contract)]) -> String {
    let mut arms = Vec::new();
    for (v, c) in contracts {
        let in_query = |field: &str| c.query.iter().any(|p| p.name == field);
        let required = |field: &str| {
            c.path.contains(&format!("{{{field}}}"))
                || c.query.iter().any(|p| p.name == field && p.required)
                || c.body.as_ref().is_some_and(|b| {
                    b.schema
                        .properties
                        .iter()
                        .any(|p| p.name == field && p.required)
                })
        };
        let owner = v
            .connect
            .owner
            .as_deref()
            .filter(|f| required(f))
            .map(|f| (f, v.mock.demo_owners[0].id.as_str()));
        let mut query = Vec::new();
        let mut body = serde_json::Map::new();
        let mut path = c.path.clone();
        // A body field the spec types as an array takes the value as its one item.
        let body_array = |field: &str| {
            c.body.as_ref().is_some_and(|b| {
                b.schema
                    .properties
                    .iter()
                    .any(|p| p.name == field && p.schema.types.contains(&Ty::Array))
            })
        };
        let mut put = |field: &str, value: &serde_json::Value| {
            let param = format!("{{{field}}}");
            let text = social_connect_spec::literal_text(value);
            if path.contains(&param) {
                path = path.replace(&param, &text);
            } else if in_query(field) {
                query.push(format!("{field}={text}"));
            } else if body_array(field) && !value.is_array() {
                body.insert(
                    field.to_owned(),
                    serde_json::Value::Array(vec![value.clone()]),
                );
            } else {
                body.insert(field.to_owned(), value.clone());
            }
        };
        if let Some((field, id)) = owner {
            put(field, &serde_json::Value::from(id));
        }
        put(
            &v.connect.provider,
            &serde_json::Value::from(v.mock.sample_provider.as_str()),
        );
        for (field, value) in &v.connect.values {
            put(field, value);
        }
        // An operation that takes no body gets none (`""`), so tests know to send none.
        let body = if c.body.is_none() && body.is_empty() {
            String::new()
        } else {
            serde_json::Value::Object(body).to_string()
        };
        let id = ident(&v.variant());
        let query = query.join("&");
        let owner = opt(owner.map(|(_, id)| id));
        let provider = &v.mock.sample_provider;
        arms.push(quote!(MockVendor::#id => (#path, #query, #body, #owner, #provider)));
    }
    let tokens = quote! {
        use crate::core::MockVendor;

        /// `vendor`'s sample: its path, its query, its body, its owner and its provider.
        #[allow(clippy::type_complexity)]
        pub(super) fn sample(
            vendor: MockVendor,
        ) -> (&'static str, &'static str, &'static str, Option<&'static str>, &'static str) {
            match vendor { #(#arms,)* }
        }
    };
    header("One valid connect request per vendor, from its manifest and its contract.")
        + &pretty(&tokens.to_string(), "mock samples")
}

/// A test suite's `vendors/mod.rs`: one module per vendor.
fn test_modules(vendors: &[Vendor], what: &str) -> String {
    let doc = format!(" {what}: a module each, `<vendor>.rs`.");
    let mods = mod_items(vendors, quote!());
    header(&format!("{what}, listed from the manifests."))
        + &pretty(&quote!(#![doc = #doc] #mods).to_string(), "test modules")
}

/// The mock's `tests/it/vendors/mod.rs`: a module per vendor, and the dispatch to the error
/// shape each one asserts.
fn mock_test_modules(vendors: &[Vendor], own: &[Vendor]) -> String {
    let arms = vendors.iter().map(|v| {
        let id = ident(&v.variant());
        if own.iter().any(|o| o.name == v.name) {
            let module = ident(&v.name);
            quote!(MockVendor::#id => #module::assert_error(body, status, what))
        } else {
            // A vendor on the engine's default rules: the body its spec documents for the
            // status (which the suites check against the spec), or `{"message"}`.
            quote!(MockVendor::#id => {
                let _ = status;
                assert!(body.as_object().is_some_and(|o| !o.is_empty()), "{what}: {body}");
            })
        }
    });
    let doc = " The mock's tests of each vendor that has its own: a module each, `<vendor>.rs`.";
    let mods = mod_items(own, quote!());
    let tokens = quote! {
        #![doc = #doc]
        #mods

        use serde_json::Value;
        use social_connect_mock::MockVendor;

        /// Asserts that `body` is `vendor`'s own error body for `status`: each vendor's module
        /// states its shape (`assert_error`).
        pub(crate) fn assert_error(vendor: MockVendor, body: &Value, status: u16, what: &str) {
            match vendor { #(#arms,)* }
        }
    };
    header("The mock's tests of each vendor that has its own, listed from the manifests.")
        + &pretty(&tokens.to_string(), "mock test modules")
}
