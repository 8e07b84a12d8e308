//! A pending OAuth flow, from the connect that minted it to the vendor's callback.

use time::OffsetDateTime;

use super::pending::Expiring;
use crate::core::{FlowRules, MockVendor, Token};

#[derive(Debug, Clone)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum Stage {
    /// Minted by a connect; the provider has not decided yet.
    AwaitingConsent,
    /// The provider has redirected to the vendor callback.
    AwaitingCallback,
    /// WoopSocial Facebook: the page-selection screen is showing (keyed by a selection token).
    AwaitingPageSelection,
}

#[derive(Debug, Clone)]
pub(crate) struct Flow {
    pub(crate) vendor: MockVendor,
    /// The vendor's rules for the engine, chosen by its module at the connect.
    pub(crate) rules: &'static FlowRules,
    pub(crate) state: Token,
    pub(crate) verifier: Token,
    pub(crate) challenge: Token,
    /// The provider shown on the consent page (lower case).
    pub(crate) provider: String,
    /// The vendor's own platform / connector value.
    pub(crate) platform: String,
    pub(crate) owner_id: String,
    pub(crate) redirect_target: Option<url::Url>,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) stage: Stage,
    pub(crate) deny: bool,
    /// A provider-side fault this flow meets (a scenario at its connect).
    pub(crate) fault: Option<crate::core::ProviderFault>,
    /// Set when the decision came by `decision=` (automation): which pages to connect.
    pub(crate) auto_pages: Option<AutoPages>,
    pub(crate) seq: u64,
}

/// The longest `pages=` value kept (longer names more pages than any fixture holds, and is an
/// invalid selection).
pub(crate) const MAX_PAGES_PARAM: usize = 1024;

/// The Facebook pages an automated decision (`decision=approve`) chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AutoPages {
    /// No `pages=` parameter: the fixture's first page.
    First,
    /// `pages=a,b`: the ids, comma-separated, as given (empty when `pages=` named none or was
    /// longer than [`MAX_PAGES_PARAM`]: an invalid selection). Kept as one string so that a
    /// flow holds at most that many bytes of it.
    Chosen(String),
}

impl Expiring for Flow {
    fn seq(&self) -> u64 {
        self.seq
    }
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
    /// Its strings at their capacity, the redirect target's parsed form (the URL text and its
    /// index), and the pages an automated decision may add later at their most.
    fn weight(&self) -> usize {
        use crate::core::memory::allocation;
        allocation(self.provider.capacity())
            + allocation(self.platform.capacity())
            + allocation(self.owner_id.capacity())
            + self.redirect_target.as_ref().map_or(0, |u| {
                allocation(u.as_str().len()) + std::mem::size_of::<url::Url>()
            })
            + allocation(MAX_PAGES_PARAM)
    }
}
