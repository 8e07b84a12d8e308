//! Random tokens (states, codes, PKCE verifiers), ids, and the PKCE S256 challenge.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Fills `out` with bytes from the operating system's CSPRNG (`getrandom(2)` on Linux), taken
/// 1 KiB at a time into a per-thread pool, so that a connect's two tokens cost no system call
/// of their own. Each byte is handed out once.
fn fill_random(out: &mut [u8]) {
    use std::cell::RefCell;
    const POOL: usize = 1024;
    thread_local! {
        static RANDOM: RefCell<([u8; POOL], usize)> = const { RefCell::new(([0; POOL], POOL)) };
    }
    RANDOM.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (pool, used) = &mut *guard;
        let mut filled = 0;
        while filled < out.len() {
            if *used == POOL {
                if getrandom::fill(pool).is_err() {
                    // No OS randomness: nothing safe to hand out.
                    panic!("the operating system gave no random bytes");
                }
                *used = 0;
            }
            let take = (out.len() - filled).min(POOL - *used);
            out[filled..filled + take].copy_from_slice(&pool[*used..*used + take]);
            pool[*used..*used + take].fill(0);
            *used += take;
            filled += take;
        }
    });
}

/// 256 random bits, URL-safe base64 without padding (43 characters).
pub(crate) fn random_token() -> Token {
    let mut b = [0u8; 32];
    fill_random(&mut b);
    Token::encode(&b)
}

/// A state, code, PKCE verifier or challenge: 43 URL-safe base64 characters, kept inline, so a
/// pending flow costs no allocation for them and the flow maps hold their keys in place.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token([u8; 43]);

/// Hashes the first 8 characters (48 random bits) only. The maps keyed by tokens hold only
/// tokens the mock drew at random; a caller can only look keys up, so one who picks colliding
/// prefixes finds nothing more than a miss, and the full 43 bytes are still compared.
impl std::hash::Hash for Token {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut prefix = [0u8; 8];
        prefix.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(prefix));
    }
}

/// The hasher of the maps keyed by [`Token`]s: the prefix [`Token`]'s `Hash` writes, mixed
/// with one folded multiplication, instead of SipHash's rounds. SipHash's keyed rounds defend a
/// map against keys chosen to collide; these maps' keys are drawn by the mock, never chosen by a
/// client (see [`Token`]'s `Hash`).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TokenHasher(u64);

impl std::hash::Hasher for TokenHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Not what a `Token` writes; correct for anything else, if slower.
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let m = u128::from(self.0 ^ n) * 0x9E37_79B9_7F4A_7C15;
        // Both halves, so that every bit of the prefix reaches the low bits (the bucket) and the
        // high bits (the control byte).
        self.0 = (m >> 64) as u64 ^ m as u64;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by [`Token`]s.
pub(crate) type TokenMap<V> =
    std::collections::HashMap<Token, V, std::hash::BuildHasherDefault<TokenHasher>>;

impl Token {
    /// 32 bytes in URL-safe base64 without padding: always 43 characters.
    fn encode(bytes: &[u8; 32]) -> Self {
        let mut out = [0u8; 43];
        let _ = URL_SAFE_NO_PAD.encode_slice(bytes, &mut out);
        Token(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ever built from base64 output or from a `&str`: valid UTF-8 either way.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The token spelled `s`, if `s` has a token's length (to look one up: whether it is one
    /// is then up to the map).
    pub(crate) fn from_text(s: &str) -> Option<Self> {
        s.as_bytes().try_into().ok().map(Token)
    }
}

impl std::ops::Deref for Token {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A short random id (96 bits, hex) for request / trace ids.
pub(crate) fn random_id() -> String {
    let mut b = [0u8; 12];
    fill_random(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The PKCE S256 challenge of a verifier (RFC 7636 §4.2). Public through `samples`.
#[cfg_attr(not(any(test, feature = "samples")), allow(unreachable_pub))]
pub fn pkce_s256(verifier: &str) -> String {
    let digest = Sha256::digest(verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..])
}

/// [`pkce_s256`] of a token, kept inline.
pub(crate) fn challenge_of(verifier: &Token) -> Token {
    Token::encode(&Sha256::digest(verifier.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn token_hashes_spread_over_buckets_and_control_bytes() {
        use std::hash::BuildHasher as _;
        let build = std::hash::BuildHasherDefault::<TokenHasher>::default();
        let tokens: Vec<Token> = (0..4096).map(|_| random_token()).collect();
        let hashes: Vec<u64> = tokens.iter().map(|t| build.hash_one(t)).collect();
        // 4,096 random tokens over 1,024 buckets (the low bits) and 128 control values (the
        // top 7 bits): a hash that ignored part of the prefix would leave many empty.
        let mut low = vec![0u32; 1024];
        let mut top = vec![0u32; 128];
        for h in &hashes {
            low[(h % 1024) as usize] += 1;
            top[(h >> 57) as usize] += 1;
        }
        assert!(low.iter().filter(|&&n| n == 0).count() < 60, "{low:?}");
        assert!(top.iter().all(|&n| n > 0), "{top:?}");
        // The same token always hashes the same; another (almost always) not.
        assert_eq!(build.hash_one(tokens[0]), hashes[0]);
        assert_ne!(hashes[0], hashes[1]);
        let mut map = TokenMap::default();
        map.insert(tokens[0], 1);
        assert_eq!(map.get(&tokens[0]), Some(&1));
        assert_eq!(map.get(&tokens[1]), None);
    }

    #[test]
    fn tokens_are_256_bits() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, random_token());
        assert_eq!(challenge_of(&t).as_str(), pkce_s256(&t));
    }
}
