//! What the request log keeps of a request: no credential, and no part larger than a cap.
//!
//! A key belongs in the vendor's auth header, which the log never keeps; but a careless client
//! may put one in the query (`?api_key=…`) or the body. Two rules catch it: a parameter or JSON
//! field whose name says it holds a credential has its value replaced (compared without case,
//! `-` or `_`: a name that ends in `key`, `token`, `secret`, `password`, `passwd`,
//! `credential(s)`, `authorization`, `bearer` or `verifier`, such as `api_key`, `X-Auth-Token`,
//! `client_secret`, `privateKey`), and any of the fixture's keys is replaced wherever it
//! appears. Both rules look through encodings: names and values are decoded first
//! (percent-encoding, `+`, JSON `\u` escapes; names compared without case), and a body that is
//! not JSON is read as text that may still hold `name=value` items and `"name": "value"`
//! pairs. Then each part is cut to its cap (on a character boundary), after redaction, so no
//! cut leaves a prefix of a secret that redaction would have caught whole.

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Most bytes of a path the log keeps.
pub(crate) const MAX_PATH: usize = 1024;
/// Most bytes of a query the log keeps.
pub(crate) const MAX_QUERY: usize = 1024;
/// Most bytes of a body the log keeps.
pub(crate) const MAX_BODY: usize = 4096;

/// What a credential is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

/// How the names (lower case, without `-` and `_`) of parameters and fields that carry
/// credentials end. Over-redacting a harmless `idempotency_key` is the price of catching
/// `private_key`.
const SECRET_SUFFIXES: [&str; 10] = [
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "credential",
    "credentials",
    "authorization",
    "bearer",
    "verifier",
];

/// Substrings (lower case) whose absence from a text proves no secret name is in it: the cheap
/// test that spares most bodies a parse. Each suffix above contains one.
const SECRET_HINTS: [&str; 8] = [
    "key",
    "token",
    "secret",
    "passw",
    "credential",
    "authoriz",
    "bearer",
    "verifier",
];

/// Whether a parameter or field named `name` carries a credential.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let norm: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_SUFFIXES.iter().any(|s| norm.ends_with(s))
}

/// Whether `text` holds any of [`SECRET_HINTS`], in any case: one pass of one automaton over
/// the bytes (the log scans every request's query and body with it, and most hold none).
fn has_hint(text: &str) -> bool {
    static HINTS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(SECRET_HINTS)
            .ok()
    });
    // The automaton of eight short words always builds; were it not to, every text would
    // take the slow path, which finds the same names.
    HINTS.as_ref().is_none_or(|h| h.is_match(text))
}

/// `s` cut to at most `max` bytes, on a character boundary, in an allocation of its own size
/// (`String::truncate` would keep the whole buffer alive in the log).
pub(crate) fn truncate(s: String, max: usize) -> (String, bool) {
    if s.len() <= max {
        return (s, false);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    (s[..end].to_owned(), true)
}

/// Whether `text` may hold something in an encoded form the plain checks would miss:
/// percent-encoding, `+` for a space, a JSON escape. Text without any of them (most requests)
/// takes the fast path: plain substring checks only.
fn encoded(text: &str) -> bool {
    memchr::memchr3(b'%', b'+', b'\\', text.as_bytes()).is_some()
}

/// `text` percent-decoded, `+` read as a space when `plus` (a form), invalid UTF-8 replaced.
fn percent_decoded(text: &str, plus: bool) -> String {
    let spaced: Cow<'_, str> = if plus && text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// `text` with JSON string escapes (`\u0074`, surrogate pairs, `\n`, `\/`, …) decoded; an
/// escape that is not one is kept as it is.
fn json_unescaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let hex = |s: &str| {
            s.get(2..6)
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
        };
        let (decoded, used) = match rest.as_bytes().get(1) {
            Some(b'u') => match hex(rest) {
                Some(hi @ 0xD800..=0xDBFF) => match rest.get(6..8).filter(|s| *s == "\\u") {
                    Some(_) => match hex(&rest[6..]) {
                        Some(lo @ 0xDC00..=0xDFFF) => (
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)),
                            12,
                        ),
                        _ => (None, 1),
                    },
                    None => (None, 1),
                },
                Some(c) => (char::from_u32(c), 6),
                None => (None, 1),
            },
            Some(b'n') => (Some('\n'), 2),
            Some(b't') => (Some('\t'), 2),
            Some(b'r') => (Some('\r'), 2),
            Some(b'b') => (Some('\u{8}'), 2),
            Some(b'f') => (Some('\u{c}'), 2),
            Some(b'/') => (Some('/'), 2),
            Some(b'\\') => (Some('\\'), 2),
            Some(b'"') => (Some('"'), 2),
            _ => (None, 1),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&rest[..used]),
        }
        rest = &rest[used..];
    }
    out.push_str(rest);
    out
}

/// Keys of at most this many bytes in all get the fastest automaton (a few KiB of tables).
const DFA_KEY_BYTES: usize = 1024;

/// The fixture's keys, with one automaton that finds any of them in one pass over a text
/// (built when a fixture is loaded, not per request).
#[derive(Debug, Default)]
pub(crate) struct Keys {
    list: Vec<String>,
    /// `None` when there are no keys, or (never seen) the automaton could not be built: then
    /// each key is searched for on its own, with the same result.
    matcher: Option<AhoCorasick>,
}

impl Keys {
    pub(crate) fn new<S: Into<String>>(keys: impl IntoIterator<Item = S>) -> Self {
        let list: Vec<String> = keys
            .into_iter()
            .map(Into::into)
            .filter(|k| !k.is_empty())
            .collect();
        // A DFA takes the fewest instructions per byte but a table per state: for the few
        // short keys of a usual fixture; many keys get the compact automaton.
        let bytes: usize = list.iter().map(String::len).sum();
        let kind = if bytes <= DFA_KEY_BYTES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let matcher = (!list.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(kind))
                    .build(&list)
                    .ok()
            })
            .flatten();
        Keys { list, matcher }
    }

    /// The heap bytes it holds: its copy of the keys and the automaton.
    pub(crate) fn memory(&self) -> usize {
        self.list.capacity() * std::mem::size_of::<String>()
            + self
                .list
                .iter()
                .map(|k| super::allocation(k.capacity()))
                .sum::<usize>()
            + self.matcher.as_ref().map_or(0, AhoCorasick::memory_usage)
    }

    /// Whether any key is in `text`, as it is.
    fn in_text(&self, text: &str) -> bool {
        match &self.matcher {
            Some(m) => m.is_match(text),
            None => self.list.iter().any(|k| text.contains(k.as_str())),
        }
    }

    /// `text` with every occurrence of a key replaced (the longest, where two overlap).
    fn scrub<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        match &self.matcher {
            Some(m) if m.is_match(text.as_ref()) => {
                let mut out = String::with_capacity(text.len());
                m.replace_all_with(&text, &mut out, |_, _, dst| {
                    dst.push_str(REDACTED);
                    true
                });
                Cow::Owned(out)
            }
            Some(_) => text,
            None => {
                let mut text = text;
                for k in &self.list {
                    if text.contains(k.as_str()) {
                        text = Cow::Owned(text.replace(k.as_str(), REDACTED));
                    }
                }
                text
            }
        }
    }
}

/// Whether any of the fixture's keys is in `text`, as sent or in any decoding of it
/// (percent-encoding with or without `+`, JSON escapes, and JSON escapes inside
/// percent-encoding).
fn holds_key(text: &str, keys: &Keys) -> bool {
    let any = |t: &str| keys.in_text(t);
    if any(text) {
        return true;
    }
    if !encoded(text) {
        return false;
    }
    let percent = percent_decoded(text, true);
    any(&percent)
        || any(&percent_decoded(text, false))
        || any(&json_unescaped(text))
        || any(&json_unescaped(&percent))
}

/// Replaces every plain occurrence of a known key.
fn scrub_keys<'a>(text: Cow<'a, str>, keys: &Keys) -> Cow<'a, str> {
    keys.scrub(text)
}

/// A path with every known key scrubbed (a key pasted into a path segment, even
/// percent-encoded: that segment is replaced whole).
pub(crate) fn scrub(path: String, keys: &Keys) -> String {
    let path = match scrub_keys(Cow::Borrowed(&path), keys) {
        Cow::Borrowed(_) => path,
        Cow::Owned(o) => o,
    };
    if !encoded(&path) || !holds_key(&path, keys) {
        return path;
    }
    path.split('/')
        .map(|segment| {
            if holds_key(segment, keys) {
                REDACTED
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Replaces the value of each `name=value` item of `text` (items split at any of `seps`) whose
/// decoded name is a credential's, or whose value holds a known key in any encoding; `None`
/// when none is.
fn redact_items(text: &str, seps: &[u8], keys: &Keys) -> Option<String> {
    let mut out = String::new();
    let mut kept_to = 0;
    let mut start = 0;
    let bytes = text.as_bytes();
    for end in (0..=bytes.len()).filter(|&i| i == bytes.len() || seps.contains(&bytes[i])) {
        let item = &text[start..end];
        if let Some(eq) = item.find('=') {
            let (name, value) = (&item[..eq], &item[eq + 1..]);
            if value != REDACTED && (is_secret_name(&decoded(name)) || holds_key(value, keys)) {
                out.push_str(&text[kept_to..start + eq + 1]);
                out.push_str(REDACTED);
                kept_to = end;
            }
        }
        start = end + 1;
    }
    (kept_to > 0).then(|| {
        out.push_str(&text[kept_to..]);
        out
    })
}

/// A query string (or form body) with the value of every credential-named parameter replaced
/// and every known key scrubbed, names and values decoded first (percent-encoding, `+`,
/// case); the rest is kept byte for byte.
pub(crate) fn query<'a>(q: &'a str, keys: &Keys) -> Cow<'a, str> {
    let worth_a_look = encoded(q) || has_hint(q);
    let q: Cow<'a, str> = match worth_a_look.then(|| redact_items(q, b"&", keys)).flatten() {
        Some(redacted) => Cow::Owned(redacted),
        None => Cow::Borrowed(q),
    };
    scrub_keys(q, keys)
}

fn decoded(name: &str) -> String {
    let name = url::form_urlencoded::parse(name.as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_default();
    if name.contains('\\') {
        json_unescaped(&name)
    } else {
        name
    }
}

/// A request body as the log keeps it. JSON: credential-named fields replaced at any depth
/// (names and values decoded by the parser), and known keys scrubbed from the decoded strings.
/// Anything else is text that may still hold `name=value` items and `"name": "value"` pairs,
/// whose credentials are replaced; a known key hidden in an encoding there takes the whole
/// body.
pub(crate) fn body<'a>(text: &'a str, keys: &Keys) -> Cow<'a, str> {
    let hinted = has_hint(text);
    if !hinted && !encoded(text) {
        return scrub_keys(Cow::Borrowed(text), keys);
    }
    if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(text) {
        // Written back when a field was redacted, or when escapes may hide a key or a name:
        // the parser decoded them, and serde_json writes names and strings unescaped.
        if redact_json(&mut v) || encoded(text) {
            let out = serde_json::to_string(&v).unwrap_or_else(|_| REDACTED.to_owned());
            return scrub_keys(Cow::Owned(out), keys);
        }
        return scrub_keys(Cow::Borrowed(text), keys);
    }
    // Not JSON: a form, or text (a broken JSON body, say).
    let mut out: Cow<'a, str> = match redact_items(text, b"&;, \t\r\n", keys) {
        Some(redacted) => Cow::Owned(redacted),
        None => Cow::Borrowed(text),
    };
    if let Some(redacted) = redact_quoted_pairs(&out) {
        out = Cow::Owned(redacted);
    }
    let out = scrub_keys(out, keys);
    if encoded(&out) && holds_key(&out, keys) {
        return Cow::Owned(REDACTED.to_owned());
    }
    out
}

/// In text that is not JSON, each `"name": value` whose decoded name is a credential's gets
/// its value replaced (a quoted string, or a bare value up to `,`, `}`, `]` or a line's end);
/// `None` when none does.
fn redact_quoted_pairs(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut kept_to = 0;
    let mut at = 0;
    while let Some(open) = text[at..].find('"').map(|i| at + i) {
        let Some(close) = closing_quote(text, open + 1) else {
            break;
        };
        let after = text[close + 1..].trim_start();
        let Some(value) = after.strip_prefix(':') else {
            at = close + 1;
            continue;
        };
        let value_start = text.len() - value.trim_start().len();
        let value_end = if text[value_start..].starts_with('"') {
            closing_quote(text, value_start + 1).map_or(text.len(), |c| c + 1)
        } else {
            text[value_start..]
                .find([',', '}', ']', '\n', '\r'])
                .map_or(text.len(), |i| value_start + i)
        };
        if is_secret_name(&json_unescaped(&text[open + 1..close])) {
            out.push_str(&text[kept_to..value_start]);
            out.push('"');
            out.push_str(REDACTED);
            out.push('"');
            kept_to = value_end;
        }
        at = value_end.max(close + 1);
    }
    (kept_to > 0).then(|| {
        out.push_str(&text[kept_to..]);
        out
    })
}

/// The index of the `"` that closes a JSON string whose content starts at `from`.
fn closing_quote(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Replaces the values of credential-named fields; whether any was.
fn redact_json(v: &mut serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => {
            let mut any = false;
            for (k, v) in m.iter_mut() {
                if is_secret_name(k) {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                    any = true;
                } else {
                    any |= redact_json(v);
                }
            }
            any
        }
        serde_json::Value::Array(a) => a.iter_mut().fold(false, |any, v| redact_json(v) | any),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(["sk_test_owner", "sk_test_member"])
    }

    #[test]
    fn json_escapes_and_percent_encoding_decode_as_json_and_forms_do() {
        assert_eq!(
            json_unescaped(r#"a\nb\tc\rd\be\ff\/g\\h\"i\u0074"#),
            "a\nb\tc\rd\u{8}e\u{c}f/g\\h\"it"
        );
        // A surrogate pair is one character; a lone or mismatched half is kept as written.
        assert_eq!(json_unescaped(r"k\ud83d\udd11y"), "k\u{1f511}y");
        assert_eq!(json_unescaped(r"k\ud83dy"), r"k\ud83dy");
        assert_eq!(json_unescaped(r"k\ud83d\u0041"), r"k\ud83dA");
        assert_eq!(json_unescaped(r"k\q\"), r"k\q\");
        // `+` is a space in a form only.
        assert_eq!(percent_decoded("a+b%2B%zz", true), "a b+%zz");
        assert_eq!(percent_decoded("a+b%2B", false), "a+b+");
    }

    #[test]
    fn a_key_is_found_in_whichever_decoding_reveals_it_alone() {
        // Only `+` as a space reveals it (and the key's own backslash keeps the JSON reading
        // from revealing it too).
        assert!(holds_key(r"a+b%5Cn", &Keys::new([r"a b\n"])));
        // Only `+` kept as it is reveals it.
        assert!(holds_key("a+b%21", &Keys::new(["a+b!"])));
        // Only the JSON escape reveals it; then only both together.
        assert!(holds_key(r"sk\u005Fx", &Keys::new(["sk_x"])));
        assert!(holds_key(r"sk%5Cu005F+x", &Keys::new(["sk_ x"])));
        assert!(!holds_key("sk%5Fy", &Keys::new(["sk_x"])));
        // Only the JSON escape read as sent (decoding the `+` first would hide it).
        assert!(holds_key(r"a+b\u005F", &Keys::new(["a+b_"])));
    }

    #[test]
    fn text_that_is_not_json_loses_only_its_credentials_values() {
        let keys = keys();
        let cases = [
            (
                r#"{"token": "abc", "note": "k", "api_key": 42, oops"#,
                r#"{"token": "[redacted]", "note": "k", "api_key": "[redacted]", oops"#,
            ),
            // An escaped quote inside a value does not end it.
            (
                r#""token": "a\"b", "x": "y" broken"#,
                r#""token": "[redacted]", "x": "y" broken"#,
            ),
            // A string that names nothing (no `:` after it) is passed over whole.
            (
                r#"["a" "token": "x"] broken"#,
                r#"["a" "token": "[redacted]"] broken"#,
            ),
            (
                r#"["", "token": "x"] broken"#,
                r#"["", "token": "[redacted]"] broken"#,
            ),
            // A value never closed runs to the end.
            (r#"{"secret": "unterminated"#, r#"{"secret": "[redacted]""#),
            (r#"{"name": "unterminated"#, r#"{"name": "unterminated"#),
            // Encoded, but no key and no credential: kept as it is.
            ("not json %20 here", "not json %20 here"),
        ];
        for (text, kept) in cases {
            assert_eq!(body(text, &keys), kept, "{text}");
        }
    }

    #[test]
    fn a_key_in_a_path_takes_its_segment_whole_even_encoded() {
        let keys = keys();
        for (path, kept) in [
            ("/recoup/sk_test_owner/x", "/recoup/[redacted]/x"),
            ("/recoup/sk%5Ftest%5Fowner/x", "/recoup/[redacted]/x"),
            (
                "/recoup/key%20sk%5Ftest%5Fowner.json/x",
                "/recoup/[redacted]/x",
            ),
            ("/recoup/a%20b/x", "/recoup/a%20b/x"),
            ("/recoup/plain/x", "/recoup/plain/x"),
        ] {
            assert_eq!(scrub(path.to_owned(), &keys), kept, "{path}");
        }
    }

    #[test]
    fn an_items_name_and_its_neighbours_are_kept_byte_for_byte() {
        let keys = keys();
        assert_eq!(
            query("a=1&api_key=s3cret&b=2&token=t&c", &keys),
            "a=1&api_key=[redacted]&b=2&token=[redacted]&c"
        );
        assert_eq!(query("x=sk_test_owner", &keys), "x=[redacted]");
        assert_eq!(query("a=1&b=2", &keys), "a=1&b=2");
    }

    #[test]
    fn the_keys_count_what_they_hold() {
        // Many short keys, so that each one's `String` (24 bytes) weighs in the sum.
        let keys = Keys::new((0..40).map(|i| format!("k{i:02}")));
        let automaton = keys.matcher.as_ref().unwrap().memory_usage();
        let strings: usize = keys.list.iter().map(String::capacity).sum();
        let floor = keys.list.len() * std::mem::size_of::<String>() + strings + automaton;
        let memory = keys.memory();
        assert!(memory >= floor, "{memory} < {floor}");
        assert!(memory <= 2 * floor, "{memory} > 2 × {floor}");
    }

    #[test]
    fn keys_are_found_and_scrubbed_with_or_without_the_automaton() {
        let with = Keys::new(["sk_test_owner", "sk_test_own", "", "member_key_1"]);
        assert!(with.matcher.is_some());
        assert_eq!(with.list.len(), 3, "an empty key is no key");
        let without = Keys {
            list: with.list.clone(),
            matcher: None,
        };
        for keys in [&with, &without] {
            for pad in [0, 1, 200] {
                let fill = "s".repeat(pad);
                let text = format!("{fill}sk_test_owner{fill}member_key_1");
                assert!(keys.in_text(&text));
                let scrubbed = keys.scrub(Cow::Borrowed(&text));
                // The longest key is taken whole where two overlap.
                assert_eq!(scrubbed, format!("{fill}[redacted]{fill}[redacted]"));
                assert!(!keys.in_text(&format!("{fill}sk_test_ow{fill}")));
                assert!(matches!(
                    keys.scrub(Cow::Borrowed("none here")),
                    Cow::Borrowed(_)
                ));
            }
        }
        assert!(!Keys::new(Vec::<String>::new()).in_text("sk_test_owner"));
        assert!(Keys::new(Vec::<String>::new()).matcher.is_none());
        assert!(with.memory() > 0);
    }

    #[test]
    fn hints_are_found_in_any_case_and_only_there() {
        for h in SECRET_HINTS {
            assert!(has_hint(h), "{h}");
            assert!(has_hint(&format!("x-{}-y", h.to_ascii_uppercase())), "{h}");
        }
        for plain in [
            "",
            "projectId=p&platform=X",
            "{\"provider\":\"instagram\"}",
            "ke",
            "toke",
        ] {
            assert!(!has_hint(plain), "{plain}");
        }
    }

    #[test]
    fn credential_parameters_lose_their_values() {
        let k = keys();
        assert_eq!(
            query("api_key=sk_live_x&projectId=p", &k),
            "api_key=[redacted]&projectId=p"
        );
        assert_eq!(
            query("X-Api-Key=a&access_token=b&Client_Secret=c&a=1", &k),
            "X-Api-Key=[redacted]&access_token=[redacted]&Client_Secret=[redacted]&a=1"
        );
        // Percent-encoded names are decoded before they are compared.
        assert_eq!(query("api%5Fkey=x", &k), "api%5Fkey=[redacted]");
        // A known key anywhere, under any name.
        assert_eq!(
            query("organization_id=sk_test_owner&x=1", &k),
            "organization_id=[redacted]&x=1"
        );
        // Nothing to do: the same string, not a copy.
        assert!(matches!(
            query("organization_id=org_demo", &k),
            Cow::Borrowed(_)
        ));
        for name in [
            "api_token",
            "auth_token",
            "apiSecret",
            "secret_key",
            "private_key",
            "access_key",
            "x-auth-token",
            "bearer",
            "Password",
            "db_passwd",
            "aws_credentials",
        ] {
            assert_eq!(
                query(&format!("{name}=v&a=1"), &k),
                format!("{name}=[redacted]&a=1"),
                "{name}"
            );
            let sent = format!("{{\"{name}\":\"v\"}}");
            let json = body(&sent, &k);
            assert!(
                json.contains("[redacted]") && !json.contains(":\"v\""),
                "{name}: {json}"
            );
        }
        for kept in [
            "platform=x",
            "projectId=p",
            "redirectUrl=u",
            "connector=c",
            "tokens=2",
        ] {
            assert_eq!(query(kept, &k), kept);
        }
    }

    #[test]
    fn bodies_are_redacted_at_any_depth() {
        let k = keys();
        let out = body(
            r#"{"projectId":"p","apiKey":"sk_live_x","nested":[{"token":"t"}]}"#,
            &k,
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["apiKey"], "[redacted]");
        assert_eq!(v["nested"][0]["token"], "[redacted]");
        assert_eq!(v["projectId"], "p");
        assert_eq!(
            body(r#"{"note":"sk_test_member"}"#, &k),
            r#"{"note":"[redacted]"}"#
        );
        assert_eq!(body("api_key=x&y=2", &k), "api_key=[redacted]&y=2");
        // Secrets only inside a list, in more than one of its items.
        let listed = body(r#"{"items":[{"token":"t1"},{"token":"t2"},{"n":1}]}"#, &k);
        assert!(!listed.contains("t1") && !listed.contains("t2"), "{listed}");
        let plain = r#"{"projectId":"proj_demo","platform":"X"}"#;
        assert!(matches!(body(plain, &k), Cow::Borrowed(_)));
    }

    #[test]
    fn truncation_keeps_characters_whole() {
        assert_eq!(truncate("abc".to_owned(), 3), ("abc".to_owned(), false));
        assert_eq!(truncate("abcd".to_owned(), 3), ("abc".to_owned(), true));
        // "é" is two bytes: a cut inside it keeps neither half.
        assert_eq!(truncate("aé".to_owned(), 2), ("a".to_owned(), true));
        // What the log keeps of a long text is no larger than what it shows.
        let (cut, _) = truncate("x".repeat(60_000), 4096);
        assert!(cut.capacity() < 8192, "{}", cut.capacity());
    }
}
