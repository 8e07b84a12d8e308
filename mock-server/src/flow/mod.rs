//! The OAuth engine shared by every vendor, split by concern: [`begin`](mod@begin) (a connect mints a state
//! and a PKCE verifier), [`provider`](mod@provider) (the fake provider's consent page, codes and token
//! endpoint) and [`callback`](mod@callback) (the vendor consumes the state and exchanges the code). The URL
//! shapes are documented once, in the crate docs.
//!
//! The engine never asks which vendor it serves: what differs per vendor reaches it as data
//! ([`FlowRules`](crate::core::FlowRules), chosen by the vendor's module at the connect), and
//! what happens after the callback is the vendor module's to decide.

pub(crate) mod begin;
pub(crate) mod callback;
pub(crate) mod provider;
mod shared;

pub(crate) use crate::core::ProviderFault;
pub(crate) use begin::{FlowOptions, NewFlow, authorize_url, begin, begin_at_own_page};
pub(crate) use callback::{Authorised, Outcome, authorise, completion_page, connect_accounts};
pub(crate) use provider::{provider_authorize, provider_token};
pub(crate) use shared::{STATE_GONE, bad_state, form_pairs, get, push_form_value, subject};
