//! A vendor's plan: what its spec's connect operation is, which of its fields carry the owner,
//! the provider and the redirect URL, and where the link is in its answer ([`infer`], reading
//! the spec through [`inspect`]); and the Rust modules written from it ([`templates`]). Codegen
//! writes each vendor's SDK connect from it, and `vendor new` its manifest and, with
//! `--modules`, the vendor's own modules: the layer both stand on.

pub(crate) mod infer;
pub(crate) mod inspect;
pub(crate) mod templates;

/// Why a plan could not be made or written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PlanError {
    /// The spec holds no usable connect operation, or its module does not parse.
    #[error("{0}")]
    Spec(String),
    /// Something the spec does not say, naming the flag that says it.
    #[error("{what}; {hint}")]
    Infer { what: String, hint: String },
}
