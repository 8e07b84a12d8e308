//! Authorization codes the fake provider issued, bound to the PKCE challenge and redirect URI.

use time::OffsetDateTime;

use super::pending::Expiring;
use crate::core::Token;

#[derive(Debug, Clone)]
pub(crate) struct IssuedCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: Token,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) seq: u64,
    /// The provider will refuse to exchange it (the `exchange_fails` scenario).
    pub(crate) refused: bool,
}

impl Expiring for IssuedCode {
    fn seq(&self) -> u64 {
        self.seq
    }
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
    fn weight(&self) -> usize {
        crate::core::memory::allocation(self.client_id.capacity())
            + crate::core::memory::allocation(self.redirect_uri.capacity())
    }
}
