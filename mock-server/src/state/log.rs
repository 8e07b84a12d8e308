//! The request log: the last requests, kept cheaply and formatted when read.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::core::{MockVendor, rfc3339};
use crate::redact::Keys;

/// One request in the log (`GET /__admin/requests`), newest last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordedRequest {
    /// Sequence number since start (not reset by reset).
    pub seq: u64,
    /// When it arrived (RFC 3339, UTC).
    pub at: String,
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The query string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The vendor whose API was called (absent for flow pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<MockVendor>,
    /// The status answered.
    pub status: u16,
    /// The body of a vendor API request (UTF-8, lossy, at most 4 KiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Whether the path (past 1 KiB), the query (past 1 KiB) or the body (past 4 KiB) was cut.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// One entry of the request log, kept as cheaply as it can be; formatted when the log is read.
#[derive(Debug)]
pub(crate) struct LogEntry {
    /// `None` where the method held a known key.
    pub(crate) method: Option<http::Method>,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) vendor: Option<MockVendor>,
    pub(crate) status: u16,
    pub(crate) body: Option<String>,
    pub(crate) truncated: bool,
}

impl LogEntry {
    /// What the log keeps of a request: credentials replaced (see [`redact`](crate::redact))
    /// and every part cut to its cap, so that an entry is at most about 6 KiB.
    pub(crate) fn new(
        method: http::Method,
        path: String,
        query: Option<String>,
        vendor: Option<MockVendor>,
        status: u16,
        body: Option<String>,
        keys: &Keys,
    ) -> Self {
        use crate::redact::{self, MAX_BODY, MAX_PATH, MAX_QUERY, truncate};
        let (path, cut_path) = truncate(redact::scrub(path, keys), MAX_PATH);
        let (query, cut_query) = keep(query, redact::query, keys, MAX_QUERY);
        let (body, cut_body) = keep(body, redact::body, keys, MAX_BODY);
        Self {
            method: (!redact::method_holds_key(&method, keys)).then_some(method),
            path,
            query,
            vendor,
            status,
            body,
            truncated: cut_path || cut_query || cut_body,
        }
    }
}

/// `text` redacted by `redact` and cut to `max` bytes; whether it was cut.
fn keep(
    text: Option<String>,
    redact: for<'a> fn(&'a str, &Keys) -> std::borrow::Cow<'a, str>,
    keys: &Keys,
    max: usize,
) -> (Option<String>, bool) {
    let Some(text) = text else {
        return (None, false);
    };
    let text = match redact(&text, keys) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(redacted) => redacted,
    };
    let (text, cut) = crate::redact::truncate(text, max);
    (Some(text), cut)
}

#[derive(Debug)]
pub(crate) struct Logged {
    pub(crate) seq: u64,
    pub(crate) at: OffsetDateTime,
    pub(crate) entry: LogEntry,
}

impl Logged {
    /// The bytes this entry holds: itself and its strings' allocations.
    fn weight(&self) -> usize {
        let e = &self.entry;
        // A method beyond the standard ones and 15 bytes is allocated (the standalone server
        // takes at most 32 bytes of one).
        let method = e.method.as_ref().map_or(0, |m| m.as_str().len());
        use crate::core::memory::allocation;
        std::mem::size_of::<Self>()
            + if method > 15 { allocation(method) } else { 0 }
            + allocation(e.path.capacity())
            + e.query.as_ref().map_or(0, |q| allocation(q.capacity()))
            + e.body.as_ref().map_or(0, |b| allocation(b.capacity()))
    }

    pub(crate) fn to_public(&self) -> RecordedRequest {
        let e = &self.entry;
        RecordedRequest {
            seq: self.seq,
            at: rfc3339(self.at),
            method: e
                .method
                .as_ref()
                .map_or_else(|| crate::redact::REDACTED.to_owned(), ToString::to_string),
            path: e.path.clone(),
            query: e.query.clone(),
            vendor: e.vendor,
            status: e.status,
            body: e.body.clone(),
            truncated: e.truncated,
        }
    }
}

/// The request log, behind its own lock so that logging never waits on the flows.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<Logged>,
    pub(crate) seq: u64,
    /// What the entries weigh ([`Logged::weight`]).
    pub(crate) bytes: usize,
}

impl RequestLog {
    pub(crate) fn entries(&self) -> &VecDeque<Logged> {
        &self.entries
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn push(&mut self, entry: Logged) {
        self.bytes += entry.weight();
        self.entries.push_back(entry);
    }

    pub(crate) fn pop_front(&mut self) {
        if let Some(e) = self.entries.pop_front() {
            self.bytes -= e.weight();
        }
    }

    /// Empties it, memory included.
    pub(crate) fn clear(&mut self) {
        self.entries = VecDeque::new();
        self.bytes = 0;
    }

    /// What it weighs: its entries and the queue's allocated slots.
    pub(crate) fn weight(&self) -> usize {
        self.bytes + self.entries.capacity() * std::mem::size_of::<Logged>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_keeps_a_bounded_redacted_part_of_each_field() {
        let keys = Keys::new(["sk_test_owner"]);
        let long = "q".repeat(3000);
        let e = LogEntry::new(
            http::Method::POST,
            format!("/recoup/{long}"),
            Some(format!("api_key=sk_live_1&x={long}")),
            Some(MockVendor::Recoup),
            400,
            Some(format!(
                "{{\"token\":\"t\",\"note\":\"sk_test_owner\",\"pad\":\"{}\"}}",
                "b".repeat(9000)
            )),
            &keys,
        );
        assert!(e.truncated);
        assert_eq!(e.path.len(), 1024);
        let query = e.query.as_deref().unwrap();
        assert!(query.starts_with("api_key=[redacted]&x=qqq"), "{query}");
        assert_eq!(query.len(), 1024);
        let body = e.body.as_deref().unwrap();
        assert_eq!(body.len(), 4096);
        assert!(
            !body.contains("sk_test_owner") && !body.contains("\"t\""),
            "{body}"
        );
        assert!(body.contains("[redacted]"));

        // Short, harmless fields are kept as they are, and nothing is marked cut.
        let e = LogEntry::new(
            http::Method::POST,
            "/ocoya/x".into(),
            Some("workspaceId=ws_demo".into()),
            Some(MockVendor::Ocoya),
            200,
            Some("{\"provider\":\"x\"}".into()),
            &keys,
        );
        assert!(!e.truncated);
        assert_eq!(e.query.as_deref(), Some("workspaceId=ws_demo"));
        assert_eq!(e.body.as_deref(), Some("{\"provider\":\"x\"}"));
        let e = LogEntry::new(http::Method::GET, "/".into(), None, None, 404, None, &keys);
        assert_eq!((e.query, e.body, e.truncated), (None, None, false));
    }

    #[test]
    fn a_key_sent_as_the_method_is_not_kept() {
        let keys = Keys::new(["sk_test_owner"]);
        let log = |method: &[u8]| {
            let method = http::Method::from_bytes(method).unwrap();
            let e = LogEntry::new(method, "/x".into(), None, None, 405, None, &keys);
            Logged {
                seq: 1,
                at: OffsetDateTime::UNIX_EPOCH,
                entry: e,
            }
        };
        for sent in [
            &b"sk_test_owner"[..],
            b"SK_TEST_OWNERX",
            b"xsk%5Ftest%5Fowner",
        ] {
            let kept = log(sent);
            let shown = kept.to_public().method;
            if sent == b"SK_TEST_OWNERX" {
                // Keys are compared as they are: another case is another key.
                assert_eq!(shown, "SK_TEST_OWNERX");
            } else {
                assert_eq!(shown, "[redacted]", "{}", String::from_utf8_lossy(sent));
                assert!(kept.weight() >= std::mem::size_of::<Logged>());
            }
        }
        assert_eq!(log(b"POST").to_public().method, "POST");
    }
}
