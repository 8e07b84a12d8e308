//! Connected accounts: the fixture's, then those flows connected, at most [`MAX_ACCOUNTS`].

use time::OffsetDateTime;

use super::{Data, Flow};
use crate::core::rfc3339;
use crate::fixture::{ConnectedAccount, FacebookPage};

/// Most connected accounts kept (each a few hundred bytes); beyond that a completion forgets the
/// oldest account a flow connected (the fixture's accounts stay).
pub(crate) const MAX_ACCOUNTS: usize = 100_000;

impl Data {
    /// Records the accounts a completed `flow` connects (one, or one per Facebook page) and
    /// returns their ids, or the error code the vendor reports: `server_error` when the
    /// fixture alone fills the store, `channel_already_connected` under the vendor's
    /// one-account-per-platform rule. At the cap, the oldest accounts flows connected make room.
    pub(crate) fn connect_accounts(
        &mut self,
        flow: &Flow,
        pages: &[FacebookPage],
        now: OffsetDateTime,
    ) -> Result<Vec<String>, &'static str> {
        let adding = pages.len().max(1);
        let fixture_accounts = self.fixture.connected_accounts.len();
        if fixture_accounts + adding > MAX_ACCOUNTS {
            return Err("server_error");
        }
        if flow.rules.one_account_per_platform
            && self.has_account(flow.vendor, &flow.owner_id, &flow.platform)
        {
            return Err("channel_already_connected");
        }
        while fixture_accounts + self.accounts.len() + adding > MAX_ACCOUNTS {
            match self.accounts.pop_front() {
                Some(gone) => self.accounts_bytes -= account_weight(&gone),
                None => break,
            }
        }
        let at = rfc3339(now);
        let mut ids = Vec::new();
        let items: Vec<Option<&FacebookPage>> = if pages.is_empty() {
            vec![None]
        } else {
            pages.iter().map(Some).collect()
        };
        for page in items {
            let n = self.next();
            let id = format!("{}_{n:06}", flow.rules.account_prefix);
            let account = ConnectedAccount {
                id: id.clone(),
                vendor: flow.vendor,
                owner_id: flow.owner_id.clone(),
                platform: flow.platform.clone(),
                name: page.map_or_else(
                    || format!("Demo {} account", flow.provider),
                    |p| p.name.clone(),
                ),
                page_id: page.map(|p| p.id.clone()),
                connected_at: Some(at.clone()),
            };
            self.accounts_bytes += account_weight(&account);
            self.accounts.push_back(account);
            ids.push(id);
        }
        Ok(ids)
    }
}

/// What an account weighs: its slot and its strings.
pub(crate) fn account_weight(a: &ConnectedAccount) -> usize {
    use crate::core::memory::allocation;
    std::mem::size_of::<ConnectedAccount>()
        + allocation(a.id.capacity())
        + allocation(a.owner_id.capacity())
        + allocation(a.platform.capacity())
        + allocation(a.name.capacity())
        + a.page_id.as_ref().map_or(0, |s| allocation(s.capacity()))
        + a.connected_at
            .as_ref()
            .map_or(0, |s| allocation(s.capacity()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::MockVendor;
    use crate::state::Stage;

    #[test]
    fn past_the_account_cap_the_oldest_flow_account_makes_room() {
        let state = crate::state::MockState::new(crate::MockConfig::default(), true);
        let fixture = state.accounts();
        assert!(!fixture.is_empty(), "the default fixture has accounts");
        let token = crate::core::random_token();
        let flow = Flow {
            vendor: MockVendor::WoopSocial,
            rules: MockVendor::WoopSocial.rules(),
            state: token,
            verifier: token,
            challenge: token,
            provider: "x".into(),
            platform: "X".into(),
            owner_id: "proj_demo".into(),
            redirect_target: None,
            expires_at: OffsetDateTime::UNIX_EPOCH,
            stage: Stage::AwaitingCallback,
            deny: false,
            fault: None,
            auto_pages: None,
            seq: 0,
        };
        let mut d = state.lock();
        let now = OffsetDateTime::UNIX_EPOCH;
        let first = match d.connect_accounts(&flow, &[], now) {
            Ok(ids) => ids[0].clone(),
            Err(e) => panic!("{e}"),
        };
        while fixture.len() + d.accounts.len() < MAX_ACCOUNTS {
            assert!(d.connect_accounts(&flow, &[], now).is_ok());
        }
        assert!(d.accounts.iter().any(|a| a.id == first));
        let last = match d.connect_accounts(&flow, &[], now) {
            Ok(ids) => ids[0].clone(),
            Err(e) => panic!("a completion at the cap failed: {e}"),
        };
        assert_eq!(d.all_accounts().count(), MAX_ACCOUNTS);
        assert!(!d.accounts.iter().any(|a| a.id == first), "the oldest went");
        assert_eq!(
            d.accounts.back().map(|a| a.id.as_str()),
            Some(last.as_str())
        );
        let kept: Vec<_> = d.all_accounts().take(fixture.len()).cloned().collect();
        assert_eq!(kept, fixture, "the fixture's accounts stay");
        // Read from the fixture, never copied into the state.
        assert_eq!(d.accounts.len(), MAX_ACCOUNTS - fixture.len());
        // What the evicted weighed left the count with them.
        let weighs: usize = d.accounts.iter().map(account_weight).sum();
        assert_eq!(d.accounts_bytes, weighs);
        drop(d);
        // Listed with the fixture's, as the tenants' list counts them.
        assert_eq!(state.sizes().1, MAX_ACCOUNTS);
        assert_eq!(state.accounts().len(), MAX_ACCOUNTS);
    }
}
