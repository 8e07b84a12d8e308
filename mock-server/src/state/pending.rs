//! Pending flows and issued codes: bounded maps by token that forget the oldest first.

use std::collections::VecDeque;

use time::OffsetDateTime;

use crate::core::Token;
use crate::core::token::TokenMap;

/// Most pending flows / codes kept at once; the oldest are evicted beyond that.
pub(crate) const MAX_FLOWS: usize = 10_000;
/// What a [`Pending`] entry carries: its sequence number (insertion order) and its expiry.
pub(crate) trait Expiring {
    fn seq(&self) -> u64;
    fn expires_at(&self) -> OffsetDateTime;
    /// What it holds on the heap, in bytes (its strings and boxes; fixed once inserted, or
    /// counted at the most it can grow to).
    fn weight(&self) -> usize;
}

impl<T: Expiring> Expiring for Box<T> {
    fn seq(&self) -> u64 {
        (**self).seq()
    }
    fn expires_at(&self) -> OffsetDateTime {
        (**self).expires_at()
    }
    fn weight(&self) -> usize {
        crate::core::memory::allocation(std::mem::size_of::<T>()) + (**self).weight()
    }
}

/// Pending flows or issued codes by key, at most [`MAX_FLOWS`] of them; beyond that the oldest
/// goes first. Inserting costs amortised O(1): an insertion-order queue is trimmed from its front
/// (expired or evicted entries, and entries already taken out of the map), and compacted when it
/// holds more than twice the cap, so neither the map nor the queue grows without bound and no
/// insert scans the whole map.
#[derive(Debug)]
pub(crate) struct Pending<V> {
    map: TokenMap<V>,
    /// `(seq, key)` in insertion order. An entry is stale when its key is gone from the map or
    /// now holds another seq.
    order: VecDeque<(u64, Token)>,
    /// The sum of the entries' [`Expiring::weight`].
    held: usize,
}

impl<V: Expiring> Pending<V> {
    pub(crate) fn new() -> Self {
        Self {
            map: TokenMap::default(),
            order: VecDeque::new(),
            held: 0,
        }
    }

    /// What it weighs: its entries' heap and the tables' allocated slots (the capacity, which
    /// outlives the entries until the tables shrink).
    pub(crate) fn bytes(&self) -> usize {
        self.held
            + self.map.capacity() * (std::mem::size_of::<(Token, V)>() + 1)
            + self.order.capacity() * std::mem::size_of::<(u64, Token)>()
    }

    /// Gives memory back once the tables are mostly empty (after expiry or eviction).
    fn shrink_if_sparse(&mut self) {
        let len = self.map.len().max(64);
        if self.map.capacity() > 4 * len {
            self.map.shrink_to(2 * len);
        }
        if self.order.capacity() > 4 * self.order.len().max(64) {
            self.order.shrink_to(2 * self.order.len().max(64));
        }
    }

    fn take(&mut self, key: &Token) -> Option<V> {
        let v = self.map.remove(key)?;
        self.held -= v.weight();
        Some(v)
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Empties it, memory included: the tables start small again.
    pub(crate) fn clear(&mut self) {
        *self = Self::new();
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.map.get(&Token::from_text(key)?)
    }

    /// The entry under `key` unless it has expired by `now`; an expired one is forgotten.
    pub(crate) fn live(&mut self, key: &str, now: OffsetDateTime) -> Option<&V> {
        let token = Token::from_text(key)?;
        if self.map.get(&token)?.expires_at() <= now {
            self.remove(key);
            return None;
        }
        self.map.get(&token)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(&Token::from_text(key)?)
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        let v = self.take(&Token::from_text(key)?);
        if self.map.is_empty() {
            self.shrink_if_sparse();
        }
        v
    }

    /// Inserts `value` under `key`, first dropping entries from the old end that have expired
    /// by `now`, and the oldest ones while the map is full.
    pub(crate) fn insert(&mut self, key: Token, value: V, now: OffsetDateTime) {
        while let Some((seq, k)) = self.order.pop_front() {
            let live = match self.map.get(&k) {
                Some(v) if v.seq() == seq => v,
                _ => continue,
            };
            if live.expires_at() > now && self.map.len() < MAX_FLOWS {
                self.order.push_front((seq, k));
                break;
            }
            self.take(&k);
        }
        if self.order.len() >= 2 * MAX_FLOWS {
            let map = &self.map;
            self.order
                .retain(|(seq, k)| map.get(k).is_some_and(|v| v.seq() == *seq));
        }
        self.shrink_if_sparse();
        self.order.push_back((value.seq(), key));
        self.held += value.weight();
        if let Some(old) = self.map.insert(key, value) {
            self.held -= old.weight();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Token;

    #[derive(Debug)]
    struct Entry {
        seq: u64,
        expires_at: OffsetDateTime,
    }

    impl Expiring for Entry {
        fn seq(&self) -> u64 {
            self.seq
        }
        fn expires_at(&self) -> OffsetDateTime {
            self.expires_at
        }
        fn weight(&self) -> usize {
            100
        }
    }

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(secs)
    }

    /// `name`, padded to a token's 43 characters.
    fn key(name: &str) -> String {
        format!("{name:_<43}")
    }

    /// `k{n}` as a key.
    fn k(n: impl std::fmt::Display) -> String {
        key(&format!("k{n}"))
    }

    fn tok(name: &str) -> Token {
        Token::from_text(&key(name)).unwrap()
    }

    fn fill(p: &mut Pending<Entry>, seqs: std::ops::Range<u64>, expires: i64, now: i64) {
        for seq in seqs {
            let e = Entry {
                seq,
                expires_at: at(expires),
            };
            p.insert(tok(&format!("k{seq}")), e, at(now));
        }
    }

    #[test]
    fn a_clear_gives_the_tables_memory_back_and_the_count_follows() {
        let mut p = Pending::new();
        fill(&mut p, 0..2000, 100, 0);
        let full = p.bytes();
        assert!(full >= 2000 * 100, "{full}");
        p.clear();
        assert_eq!(p.bytes(), 0, "an emptied store still holds its tables");
        // Entries taken out one by one leave the count, and the tables shrink once empty.
        fill(&mut p, 0..500, 100, 0);
        for seq in 0..500 {
            assert!(p.remove(&k(seq)).is_some());
        }
        assert!(p.bytes() < 64 * 1024, "{}", p.bytes());
    }

    #[test]
    fn the_oldest_entry_goes_when_the_cap_is_reached() {
        let mut p = Pending::new();
        fill(&mut p, 0..MAX_FLOWS as u64 + 5, 1000, 0);
        assert_eq!(p.len(), MAX_FLOWS);
        assert!(p.get(&k(4)).is_none(), "the five oldest are gone");
        assert!(p.get(&k(5)).is_some());
        assert!(p.get(&k(MAX_FLOWS + 4)).is_some());
    }

    #[test]
    fn expired_entries_go_from_the_old_end() {
        let mut p = Pending::new();
        fill(&mut p, 0..10, 5, 0);
        fill(&mut p, 10..12, 100, 6);
        assert_eq!(
            p.len(),
            2,
            "the ten expired at 5 are dropped by an insert at 6"
        );
        assert!(p.get(&k(10)).is_some() && p.get(&k(11)).is_some());
    }

    #[test]
    fn taken_entries_do_not_pile_up_in_the_order_queue() {
        let mut p = Pending::new();
        // A long-lived entry at the front keeps expiry from trimming the queue.
        fill(&mut p, 0..1, 1_000_000, 0);
        for seq in 1..(5 * MAX_FLOWS as u64) {
            let e = Entry {
                seq,
                expires_at: at(1_000_000),
            };
            p.insert(tok(&format!("k{seq}")), e, at(0));
            assert!(p.remove(&k(seq)).is_some());
        }
        assert_eq!(p.len(), 1);
        assert!(p.order.len() <= 2 * MAX_FLOWS, "{}", p.order.len());
        assert!(p.get(&k(0)).is_some());
        // Compacting the queue kept the live entry in it: as the oldest, it is the first to go
        // when the cap is reached.
        let next = 5 * MAX_FLOWS as u64;
        fill(&mut p, next..next + MAX_FLOWS as u64, 1_000_000, 0);
        assert_eq!(p.len(), MAX_FLOWS);
        assert!(
            p.get(&k(0)).is_none(),
            "the oldest live entry was evicted first"
        );
        assert!(p.get(&k(next)).is_some());
    }

    #[test]
    fn a_key_taken_and_inserted_again_is_judged_by_its_new_entry() {
        let entry = |seq| Entry {
            seq,
            expires_at: at(1000),
        };
        let mut p = Pending::new();
        // Queue: (1, a), (2, b) taken, (3, c), (4, b) again: the second item is stale.
        p.insert(tok("a"), entry(1), at(0));
        p.insert(tok("b"), entry(2), at(0));
        assert!(p.remove(&key("b")).is_some());
        p.insert(tok("c"), entry(3), at(0));
        p.insert(tok("b"), entry(4), at(0));
        fill(&mut p, 5..MAX_FLOWS as u64 + 4, 1000, 0);
        assert_eq!(p.len(), MAX_FLOWS);
        // Two inserts past the cap evicted the two oldest live entries, a then c; b, inserted
        // again after c, stays.
        assert!(p.get(&key("a")).is_none());
        assert!(
            p.get(&key("c")).is_none(),
            "c was older than b's second insert"
        );
        assert!(p.get(&key("b")).is_some(), "b is judged by its new entry");
    }

    #[test]
    fn an_entry_expiring_now_is_gone() {
        let mut p = Pending::new();
        fill(&mut p, 0..1, 5, 0);
        fill(&mut p, 1..2, 100, 5);
        assert!(
            p.get(&k(0)).is_none(),
            "alive while expires_at > now, as flows are"
        );
        assert!(p.get(&k(1)).is_some());
    }

    #[test]
    fn a_rekeyed_entry_counts_from_its_reinsertion() {
        let mut p = Pending::new();
        fill(&mut p, 0..2, 1000, 0);
        let e = p.remove(&k(0)).unwrap();
        p.insert(tok("moved"), e, at(0));
        fill(&mut p, 2..MAX_FLOWS as u64 + 1, 1000, 0);
        assert_eq!(p.len(), MAX_FLOWS);
        assert!(p.get(&k(1)).is_none(), "k1 was inserted first");
        assert!(p.get(&key("moved")).is_some());
        fill(&mut p, MAX_FLOWS as u64 + 1..MAX_FLOWS as u64 + 2, 1000, 0);
        assert!(
            p.get(&key("moved")).is_none(),
            "then the re-keyed entry, still under its seq"
        );
        assert!(p.get(&k(2)).is_some());
    }
}
