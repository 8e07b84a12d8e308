//! Connect sessions: tying the redirect back to the app to the user who started the flow.
//!
//! A vendor's redirect proves little on its own. Anyone who knows an app's redirect URL can send
//! a browser there with `?status=success&projectId=…&socialAccountIds=attacker_1`, and an
//! attacker's own finished redirect, replayed in a victim's browser, reads the same (the
//! login-CSRF pattern of RFC 6749 §10.12, on the app's side of the flow). [`ConnectOutcome::from_redirect`]
//! believes whatever it is given.
//!
//! [`Client::begin`](crate::Client::begin) adds what the redirect lacks: a [`ConnectSession`]
//! that the app keeps for the user who clicked "Connect" (in its session store or a signed
//! cookie), with a 256-bit nonce that the SDK adds to the redirect URL as a query parameter of
//! its own ([`NONCE_PARAM`]; vendors append their results after it, so the app's parameters
//! survive). [`ConnectSession::complete`] then checks, before it reads any result, that the
//! redirect is to the session's URL, carries its nonce (compared in constant time), has not
//! expired, and names the same owner and provider. What it still cannot prove: that the
//! vendor's result is true (only the vendor's API can say what is connected), and, for vendors
//! that redirect with nothing, that the flow finished at all ([`ConnectOutcome::Unconfirmed`]).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::{ConnectOutcome, Error, Provider, Vendor};

/// The query parameter the SDK adds to the redirect URL: the session's nonce.
pub const NONCE_PARAM: &str = "sc_session";

/// How long a session lives when [`ClientBuilder::session_ttl`](crate::ClientBuilder::session_ttl)
/// is not set.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(15 * 60);

/// Bytes of randomness in a nonce (256 bits).
const NONCE_BYTES: usize = 32;

/// One connect flow, from [`Client::begin`](crate::Client::begin) to the redirect back to the
/// app, kept by the app for the user who started it.
///
/// It holds no API key and nothing secret but its nonce; store it server-side or in a signed
/// (not merely encoded) cookie, and drop it once [`complete`](Self::complete) has run, so that
/// a replayed redirect finds no session. Its JSON form is stable across versions: fields are
/// named, their order does not matter, unknown fields are ignored.
///
/// ### Example
/// ```
/// use social_connect::{ConnectOutcome, ConnectSession, Error, SessionError};
///
/// // What the app stored when the user clicked "Connect" (here, as a cookie would carry it).
/// let stored = r#"{"v":1,"vendor":"woopsocial","provider":"facebook_page","owner":"proj_demo",
///     "redirect_url":"https://app.example.com/done","nonce":"0123456789abcdef0123456789abcdef",
///     "expires_at":4102444800}"#;
/// let session: ConnectSession = serde_json::from_str(stored).unwrap();
///
/// // A return with the session's nonce and WoopSocial's result.
/// let back = "https://app.example.com/done?sc_session=0123456789abcdef0123456789abcdef\
///     &status=success&projectId=proj_demo&platform=FACEBOOK&socialAccountIds=sa_1".parse().unwrap();
/// assert!(matches!(session.clone().complete(&back), Ok(ConnectOutcome::Connected { .. })));
///
/// // A forged return: no nonce, so nothing is read.
/// let forged = "https://app.example.com/done?status=success&projectId=proj_demo\
///     &platform=FACEBOOK&socialAccountIds=attacker_1".parse().unwrap();
/// assert!(matches!(session.complete(&forged), Err(Error::Session(SessionError::MissingNonce))));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectSession {
    vendor: Vendor,
    provider: Provider,
    owner: Option<String>,
    redirect_url: Option<Url>,
    state: Option<String>,
    nonce: String,
    expires_at: SystemTime,
}

impl fmt::Debug for ConnectSession {
    /// The nonce is shown in part only: a log line must not be enough to forge a return.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectSession")
            .field("vendor", &self.vendor)
            .field("provider", &self.provider)
            .field("owner", &self.owner)
            .field("redirect_url", &self.redirect_url.as_ref().map(Url::as_str))
            .field("state", &self.state)
            .field(
                "nonce",
                &format_args!("{}…", self.nonce.get(..6).unwrap_or_default()),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why [`ConnectSession::complete`] refused a redirect, before reading any result from it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The redirect carries no nonce: not the return of a flow this app began (a forged link),
    /// or a redirect URL that lost its query on the way.
    #[error("the redirect carries no `{NONCE_PARAM}`: it is not the return of this session")]
    MissingNonce,
    /// The redirect carries another nonce: another session's return (another user's, or an
    /// attacker's own finished flow replayed in this browser).
    #[error("the redirect belongs to another session")]
    WrongNonce,
    /// The nonce appears more than once.
    #[error("`{NONCE_PARAM}` appears more than once in the redirect")]
    DuplicateNonce,
    /// The redirect is not to the session's redirect URL (another path, host, or without the
    /// app's own parameters in their order).
    #[error("the redirect goes to {got}, not to the session's {expected}")]
    WrongRedirectUrl {
        /// The session's redirect URL.
        expected: String,
        /// Where the redirect went (without its query).
        got: String,
    },
    /// The session has expired.
    #[error("the session expired {} ago", crate::error::seconds(*ago))]
    Expired {
        /// How long ago.
        ago: Duration,
    },
    /// The vendor's `state` on the redirect is not the session's (Postbreeze, Aitronos).
    #[error("the redirect's `state` is not the one this session's vendor returned")]
    WrongState,
    /// The vendor reports another owner than the session's.
    #[error(
        "the redirect names owner {}, the session {}",
        crate::error::quoted(got),
        crate::error::quoted(expected)
    )]
    OwnerMismatch {
        /// The session's owner.
        expected: String,
        /// The owner the redirect names.
        got: String,
    },
    /// The vendor reports another provider than the session's.
    #[error("the redirect names provider `{got}`, the session `{expected}`")]
    ProviderMismatch {
        /// The session's provider.
        expected: Provider,
        /// The provider the redirect names.
        got: Provider,
    },
}

impl ConnectSession {
    /// A new session for a flow at `vendor`, with a fresh nonce, expiring after `ttl`.
    pub(crate) fn new(
        vendor: Vendor,
        provider: Provider,
        owner: Option<String>,
        redirect_url: Option<Url>,
        ttl: Duration,
    ) -> Result<Self, Error> {
        let mut bytes = [0u8; NONCE_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| Error::InvalidConfig {
            vendor,
            reason: format!("no randomness for a session nonce: {e}"),
        })?;
        let nonce = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let now = SystemTime::now();
        Ok(Self {
            vendor,
            provider,
            owner,
            redirect_url,
            state: None,
            nonce,
            expires_at: now.checked_add(ttl).unwrap_or(now + DEFAULT_SESSION_TTL),
        })
    }

    /// The redirect URL to send to the vendor: the app's, with the nonce appended.
    pub(crate) fn redirect_for_vendor(&self) -> Option<Url> {
        let mut url = self.redirect_url.clone()?;
        url.query_pairs_mut().append_pair(NONCE_PARAM, &self.nonce);
        Some(url)
    }

    pub(crate) fn with_state(mut self, state: Option<String>) -> Self {
        self.state = state;
        self
    }

    /// The vendor of the flow.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// The provider being connected.
    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    /// The owner the flow connects to, as the app gave it.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// The app's redirect URL, as the app gave it (without the nonce).
    pub fn redirect_url(&self) -> Option<&Url> {
        self.redirect_url.as_ref()
    }

    /// The vendor's OAuth `state`, where its connect returned one (Postbreeze, Aitronos).
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// When the session stops being accepted.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// Checks that `redirect` is this session's return and reads the vendor's result from it.
    ///
    /// Before reading anything, in this order: the session has not expired; where the session
    /// has a redirect URL, `redirect` is to it (same scheme, host, port and path, and the app's
    /// own query parameters first, in their order) and carries the session's nonce exactly once
    /// (compared in constant time); where the vendor returned a `state` (Postbreeze, Aitronos),
    /// a `state` on the redirect is that one. Then the vendor's result: WoopSocial's (whose
    /// owner and provider must be the session's), or [`ConnectOutcome::Unconfirmed`] for the
    /// vendors that report nothing on the redirect.
    ///
    /// Each refusal is an [`Error::Session`] that says which check failed; a result the vendor
    /// garbled is [`Error::InvalidRedirect`].
    pub fn complete(self, redirect: &Url) -> Result<ConnectOutcome, Error> {
        self.complete_at(redirect, SystemTime::now())
    }

    /// [`complete`](Self::complete) as if it were `now` (for tests and replays).
    pub fn complete_at(self, redirect: &Url, now: SystemTime) -> Result<ConnectOutcome, Error> {
        if let Ok(ago) = now.duration_since(self.expires_at) {
            return Err(Error::Session(SessionError::Expired { ago }));
        }
        if let Some(expected) = &self.redirect_url {
            check_target(expected, redirect)?;
            let mut nonces = redirect
                .query_pairs()
                .filter(|(k, _)| k == NONCE_PARAM)
                .map(|(_, v)| v);
            let nonce = nonces
                .next()
                .ok_or(Error::Session(SessionError::MissingNonce))?;
            if nonces.next().is_some() {
                return Err(Error::Session(SessionError::DuplicateNonce));
            }
            if !same_secret(nonce.as_bytes(), self.nonce.as_bytes()) {
                return Err(Error::Session(SessionError::WrongNonce));
            }
        }
        if let Some(expected) = &self.state
            && let Some(got) = redirect
                .query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v)
            && !same_secret(got.as_bytes(), expected.as_bytes())
        {
            return Err(Error::Session(SessionError::WrongState));
        }
        let unconfirmed = || ConnectOutcome::Unconfirmed {
            vendor: self.vendor,
            owner: self.owner.clone(),
            provider: self.provider.clone(),
            state: self.state.clone(),
        };
        // A result is read only from a return whose nonce was checked: without a redirect URL
        // (a WoopSocial flow that ends on its own page) nothing on the URL can be trusted.
        if self.redirect_url.is_none() {
            return Ok(unconfirmed());
        }
        match ConnectOutcome::from_redirect(self.vendor, redirect) {
            Ok(outcome) => self.matching(outcome),
            Err(Error::NotReportedByRedirect(_)) => Ok(unconfirmed()),
            Err(e) => Err(e),
        }
    }

    /// The vendor's outcome, if it names the session's owner and provider.
    fn matching(&self, outcome: ConnectOutcome) -> Result<ConnectOutcome, Error> {
        let (owner, provider) = match &outcome {
            ConnectOutcome::Connected {
                owner, provider, ..
            }
            | ConnectOutcome::Failed {
                owner, provider, ..
            } => (owner, provider),
            ConnectOutcome::Unconfirmed { .. } => return Ok(outcome),
        };
        if let Some(expected) = &self.owner
            && expected != owner
        {
            return Err(Error::Session(SessionError::OwnerMismatch {
                expected: expected.clone(),
                got: owner.clone(),
            }));
        }
        // Compared as the vendor names them, so that two names of one wire value agree.
        if !self.vendor.same_provider(&self.provider, provider) {
            return Err(Error::Session(SessionError::ProviderMismatch {
                expected: self.provider.clone(),
                got: provider.clone(),
            }));
        }
        Ok(outcome)
    }
}

/// Whether `got` is a return to `expected`: the same URL up to its query, whose pairs start with
/// `expected`'s, in their order.
fn check_target(expected: &Url, got: &Url) -> Result<(), Error> {
    let same_place = expected.scheme() == got.scheme()
        && expected.host() == got.host()
        && expected.port_or_known_default() == got.port_or_known_default()
        && expected.path() == got.path();
    let ours: Vec<_> = expected.query_pairs().collect();
    let theirs: Vec<_> = got.query_pairs().take(ours.len()).collect();
    if same_place && ours == theirs {
        return Ok(());
    }
    let mut bare = got.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    Err(Error::Session(SessionError::WrongRedirectUrl {
        expected: expected.to_string(),
        got: bare.to_string(),
    }))
}

/// Compares two secrets in time that depends only on their lengths.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// The JSON form: named fields, a version, times as Unix seconds.
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(default = "version")]
    v: u32,
    vendor: String,
    provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    redirect_url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    nonce: String,
    expires_at: u64,
}

fn version() -> u32 {
    1
}

impl Serialize for ConnectSession {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Stored {
            v: version(),
            vendor: self.vendor.as_str().to_owned(),
            provider: self.provider.to_string(),
            owner: self.owner.clone(),
            redirect_url: self.redirect_url.clone(),
            state: self.state.clone(),
            nonce: self.nonce.clone(),
            expires_at: self
                .expires_at
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ConnectSession {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let s = Stored::deserialize(d)?;
        if s.v != 1 {
            return Err(D::Error::custom(format!("unknown session version {}", s.v)));
        }
        let vendor: Vendor = s.vendor.parse().map_err(D::Error::custom)?;
        let provider: Provider = s.provider.parse().map_err(D::Error::custom)?;
        if s.nonce.len() < 32 || !s.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(D::Error::custom(
                "a session nonce is hex, of at least 128 bits",
            ));
        }
        let expires_at = UNIX_EPOCH
            .checked_add(Duration::from_secs(s.expires_at))
            .ok_or_else(|| D::Error::custom("expires_at is past what the clock can hold"))?;
        Ok(Self {
            vendor,
            provider,
            owner: s.owner,
            redirect_url: s.redirect_url,
            state: s.state,
            nonce: s.nonce,
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn woop() -> ConnectSession {
        ConnectSession::new(
            Vendor::WoopSocial,
            Provider::FacebookPage,
            Some("proj_demo".into()),
            Some(url("https://app.example.com/done?tab=social&ref=a%20b")),
            DEFAULT_SESSION_TTL,
        )
        .unwrap()
    }

    /// What WoopSocial sends the browser back to for `session`, with `result` appended.
    fn back(session: &ConnectSession, result: &str) -> Url {
        url(&format!(
            "{}&{result}",
            session.redirect_for_vendor().unwrap()
        ))
    }

    const OK: &str =
        "status=success&projectId=proj_demo&platform=FACEBOOK&socialAccountIds=sa_1,sa_2";

    fn refused(r: Result<ConnectOutcome, Error>) -> SessionError {
        match r {
            Err(Error::Session(e)) => e,
            other => panic!("expected a session error, got {other:?}"),
        }
    }

    #[test]
    fn its_own_return_reads_the_vendors_result() {
        let s = woop();
        let sent = s.redirect_for_vendor().unwrap();
        assert_eq!(sent.query_pairs().count(), 3);
        assert!(
            sent.as_str()
                .starts_with("https://app.example.com/done?tab=social&ref=a%20b&sc_session=")
        );
        match s.clone().complete(&back(&s, OK)).unwrap() {
            ConnectOutcome::Connected {
                account_ids,
                owner,
                provider,
                ..
            } => {
                assert_eq!(account_ids, ["sa_1", "sa_2"]);
                assert_eq!(owner, "proj_demo");
                assert_eq!(provider, Provider::FacebookPage);
            }
            other => panic!("{other:?}"),
        }
        let denied = "status=error&projectId=proj_demo&platform=FACEBOOK&error=access_denied";
        assert!(matches!(
            s.clone().complete(&back(&s, denied)),
            Ok(ConnectOutcome::Failed { error, .. }) if error == "access_denied"
        ));
    }

    #[test]
    fn a_session_says_what_it_is_for() {
        let s = woop().with_state(Some("st_1".into()));
        assert_eq!(s.vendor(), Vendor::WoopSocial);
        assert_eq!(s.provider(), &Provider::FacebookPage);
        assert_eq!(s.owner(), Some("proj_demo"));
        assert_eq!(
            s.redirect_url().map(Url::as_str),
            Some("https://app.example.com/done?tab=social&ref=a%20b")
        );
        assert_eq!(s.state(), Some("st_1"));
        // Debug names it, shows the start of the nonce only.
        let debug = format!("{s:?}");
        assert!(debug.starts_with("ConnectSession {"), "{debug}");
        assert!(
            debug.contains("proj_demo") && debug.contains(&s.nonce[..6]),
            "{debug}"
        );
        assert!(!debug.contains(&s.nonce[..7]), "{debug}");
    }

    #[test]
    fn a_nonce_is_256_random_bits() {
        let (a, b) = (woop(), woop());
        assert_eq!(a.nonce.len(), 64);
        assert!(a.nonce.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.nonce, b.nonce);
    }

    #[test]
    fn a_forged_return_is_refused_before_anything_is_read() {
        let s = woop();
        let forged = url(&format!(
            "https://app.example.com/done?tab=social&ref=a%20b&{OK}"
        ));
        assert_eq!(
            refused(s.clone().complete(&forged)),
            SessionError::MissingNonce
        );
        // Even a garbled result: the nonce is checked first.
        let garbled = url("https://app.example.com/done?tab=social&ref=a%20b&status=maybe");
        assert_eq!(refused(s.complete(&garbled)), SessionError::MissingNonce);
    }

    #[test]
    fn another_sessions_return_is_refused() {
        // Another user's, an attacker's own finished flow, or this user's earlier session that
        // the app discarded after completing it: all carry a nonce that is not this one.
        let (mine, theirs) = (woop(), woop());
        assert_eq!(
            refused(mine.clone().complete(&back(&theirs, OK))),
            SessionError::WrongNonce
        );
        let twice = url(&format!("{}&sc_session={}", back(&mine, OK), mine.nonce));
        assert_eq!(
            refused(mine.clone().complete(&twice)),
            SessionError::DuplicateNonce
        );
        // A nonce of the right length but one character off.
        let mut near = mine.nonce.clone();
        near.replace_range(63.., if near.ends_with('0') { "1" } else { "0" });
        let off = url(&back(&mine, OK).as_str().replace(&mine.nonce, &near));
        assert_eq!(refused(mine.complete(&off)), SessionError::WrongNonce);
    }

    #[test]
    fn a_return_elsewhere_is_refused() {
        let s = woop();
        let good = back(&s, OK);
        for wrong in [
            good.as_str().replace("app.example.com", "evil.example"),
            good.as_str().replace("/done", "/other"),
            good.as_str().replace("https:", "http:"),
            // The app's own parameters changed or reordered.
            good.as_str()
                .replace("tab=social&ref=a%20b", "ref=a%20b&tab=social"),
            good.as_str().replace("tab=social", "tab=other"),
        ] {
            assert!(
                matches!(
                    refused(s.clone().complete(&url(&wrong))),
                    SessionError::WrongRedirectUrl { .. }
                ),
                "{wrong}"
            );
        }
    }

    #[test]
    fn a_result_for_another_owner_or_provider_is_refused() {
        let s = woop();
        let other_owner = OK.replace("proj_demo", "proj_evil");
        assert!(matches!(
            refused(s.clone().complete(&back(&s, &other_owner))),
            SessionError::OwnerMismatch { got, .. } if got == "proj_evil"
        ));
        let other_provider = back(&s, &OK.replace("FACEBOOK", "X"));
        assert!(matches!(
            refused(s.complete(&other_provider)),
            SessionError::ProviderMismatch {
                got: Provider::X,
                ..
            }
        ));
    }

    #[test]
    fn an_expired_session_is_refused() {
        let s = woop();
        let at = s.expires_at();
        assert!(
            s.clone()
                .complete_at(&back(&s, OK), at - Duration::from_secs(1))
                .is_ok()
        );
        assert_eq!(
            refused(s.clone().complete_at(&back(&s, OK), at)),
            SessionError::Expired {
                ago: Duration::ZERO
            }
        );
        assert_eq!(
            refused(
                s.clone()
                    .complete_at(&back(&s, OK), at + Duration::from_secs(90))
            ),
            SessionError::Expired {
                ago: Duration::from_secs(90)
            }
        );
        // `session_ttl`: the default is 15 minutes.
        let left = at.duration_since(SystemTime::now()).unwrap();
        assert!(left > Duration::from_secs(14 * 60) && left <= DEFAULT_SESSION_TTL);
    }

    #[test]
    fn vendors_that_report_nothing_are_unconfirmed_and_say_where_to_look() {
        let recoup = ConnectSession::new(
            Vendor::Recoup,
            Provider::YouTube,
            None,
            Some(url("https://app.example.com/recoup/back")),
            DEFAULT_SESSION_TTL,
        )
        .unwrap();
        let returned = recoup.redirect_for_vendor().unwrap();
        assert_eq!(
            recoup.clone().complete(&returned).unwrap(),
            ConnectOutcome::Unconfirmed {
                vendor: Vendor::Recoup,
                owner: None,
                provider: Provider::YouTube,
                state: None
            }
        );
        assert_eq!(
            refused(recoup.complete(&url("https://app.example.com/recoup/back"))),
            SessionError::MissingNonce
        );

        // Postbreeze returns a state: a return that carries another is refused.
        let pb = ConnectSession::new(
            Vendor::Postbreeze,
            Provider::Instagram,
            Some("ws_demo".into()),
            None,
            DEFAULT_SESSION_TTL,
        )
        .unwrap()
        .with_state(Some("st_123".into()));
        let ok = pb
            .clone()
            .complete(&url("https://app.example.com/pb?state=st_123"))
            .unwrap();
        assert!(
            matches!(ok, ConnectOutcome::Unconfirmed { state: Some(s), owner: Some(o), .. } if s == "st_123" && o == "ws_demo")
        );
        assert_eq!(
            refused(pb.complete(&url("https://app.example.com/pb?state=st_999"))),
            SessionError::WrongState
        );
    }

    #[test]
    fn without_a_redirect_url_nothing_on_a_url_is_believed() {
        // A WoopSocial flow started without a redirect URL ends on WoopSocial's own page: a URL
        // that claims its result carries no nonce to check, so it is not read.
        let s = ConnectSession::new(
            Vendor::WoopSocial,
            Provider::FacebookPage,
            Some("proj_demo".into()),
            None,
            DEFAULT_SESSION_TTL,
        )
        .unwrap();
        let forged = url(&format!("https://evil.example/x?{OK}"));
        assert!(matches!(
            s.complete(&forged).unwrap(),
            ConnectOutcome::Unconfirmed {
                vendor: Vendor::WoopSocial,
                ..
            }
        ));
    }

    #[test]
    fn a_hostile_stored_form_is_an_error_not_a_panic() {
        let s = woop();
        let json = serde_json::to_string(&s).unwrap();
        let secs = s.expires_at.duration_since(UNIX_EPOCH).unwrap().as_secs();
        let far = json.replace(
            &format!("\"expires_at\":{secs}"),
            "\"expires_at\":18446744073709551615",
        );
        assert_ne!(far, json);
        assert!(serde_json::from_str::<ConnectSession>(&far).is_err());
        let not_hex = json.replace(&s.nonce, &"é".repeat(20));
        assert!(serde_json::from_str::<ConnectSession>(&not_hex).is_err());
    }

    #[test]
    fn the_stored_form_round_trips_and_reads_older_and_newer_layouts() {
        let s = woop().with_state(Some("st".into()));
        let json = serde_json::to_string(&s).unwrap();
        let again: ConnectSession = serde_json::from_str(&json).unwrap();
        // Whole seconds survive; the rest is equal.
        assert_eq!(again.nonce, s.nonce);
        assert_eq!(again.redirect_url, s.redirect_url);
        assert_eq!(again.state, s.state);
        assert!(again.clone().complete(&back(&s, OK)).is_ok());
        // Fields in another order, an unknown field (a later version's), no `v` (a first one's).
        let other_order = format!(
            r#"{{"nonce":"{}","expires_at":4102444800,"extra":{{"x":1}},"owner":"proj_demo",
               "provider":"facebook_page","redirect_url":"https://app.example.com/done?tab=social&ref=a%20b",
               "vendor":"woopsocial"}}"#,
            s.nonce
        );
        let read: ConnectSession = serde_json::from_str(&other_order).unwrap();
        assert!(read.complete(&back(&s, OK)).is_ok());
        // No key, and not the whole nonce, in what it prints.
        assert!(!format!("{s:?}").contains(&s.nonce));
        // A nonce of 128 bits (32 hex digits) is the least accepted.
        let at_least = json.replace(&s.nonce, &"a".repeat(32));
        assert!(serde_json::from_str::<ConnectSession>(&at_least).is_ok());
        let one_short = json.replace(&s.nonce, &"a".repeat(31));
        assert!(serde_json::from_str::<ConnectSession>(&one_short).is_err());
        // A short nonce or an unknown version is refused.
        let short = json.replace(&s.nonce, "abc");
        assert!(serde_json::from_str::<ConnectSession>(&short).is_err());
        let v2 = json.replace("\"v\":1", "\"v\":2");
        assert!(serde_json::from_str::<ConnectSession>(&v2).is_err());
    }
}
