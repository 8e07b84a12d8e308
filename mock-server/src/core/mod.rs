//! The bottom layer: what every other layer speaks in. Vendor identity, tokens, the mode, the
//! request and response model, the clock and scenarios, and how memory is counted. Nothing here imports from the rest of
//! the crate.

pub(crate) mod clock;
pub(crate) mod memory;
pub(crate) mod mode;
pub(crate) mod model;
pub(crate) mod scenario;
pub(crate) mod token;
pub(crate) mod vendor;

pub(crate) use clock::{Clock, rfc3339};
pub(crate) use mode::Mode;
pub(crate) use model::{MockRequest, MockResponse};
pub(crate) use scenario::{ProviderFault, Scenario};
pub(crate) use token::{Token, random_id, random_token};
pub(crate) use vendor::{FlowRules, MockVendor};
