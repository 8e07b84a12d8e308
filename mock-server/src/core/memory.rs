//! What the mock counts memory in: the bounds of the request log, the flows and the tenants'
//! budget all weigh what they keep with [`allocation`].

/// What an allocation of `n` bytes costs: allocators hand out size classes (mimalloc's are up
/// to a quarter larger than asked for) and keep a little bookkeeping, so the count takes a
/// quarter more and 16 bytes, never less than the memory really taken.
pub(crate) fn allocation(n: usize) -> usize {
    if n == 0 { 0 } else { n + n / 4 + 16 }
}

#[cfg(test)]
mod tests {
    use super::allocation;

    #[test]
    fn an_allocation_costs_a_quarter_more_and_its_bookkeeping() {
        assert_eq!(allocation(0), 0);
        assert_eq!(allocation(1), 17);
        assert_eq!(allocation(64), 96);
    }
}
