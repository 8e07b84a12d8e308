//! Finding secrets in what a client sent, however it was encoded: the one engine behind the
//! request log's redaction and `verify`'s scrub of its reports.
//!
//! **Readings.** A character of a text may be written as it is, percent-encoded (each byte of
//! it, hex in either case), `+` for a space, JSON-escaped (`\u0073`, a surrogate pair, `\"`,
//! `\/`, `\n`, …) or HTML-escaped (`&amp;`, `&#115;`, `&#x73;`). [`readings`] lists the ways
//! the character at a place may be read; a key is found wherever some mix of readings spells
//! it ([`scrub_encoded`], in time linear in the text and the key), or wherever a decoding of
//! the whole text holds it ([`holds_key`], for the fixture's many keys, with one automaton).
//!
//! **The log.** A key belongs in the vendor's auth header, which the log never keeps; but a
//! careless client may put one in the method, the path, the query (`?api_key=…`) or the body.
//! Two rules catch it: a parameter or JSON field whose name says it holds a credential has its
//! value replaced (compared without case, `-` or `_`: a name that ends in `key`, `token`,
//! `secret`, `password`, `passwd`, `credential(s)`, `authorization`, `bearer` or `verifier`,
//! such as `api_key`, `X-Auth-Token`, `client_secret`, `privateKey`), and any of the fixture's
//! keys is replaced wherever it appears, in any reading: the query item (name, value or bare
//! item) or path segment that holds it, or the whole part when no smaller one does. A body
//! that is not JSON is read as text that may still hold `name=value` items and
//! `"name": "value"` pairs. Then each part is cut to its cap (on a character boundary), after
//! redaction, so no cut leaves a prefix of a secret that redaction would have caught whole.

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

/// Whether `text` may hold a character in a reading the plain checks would miss:
/// percent-encoding, `+` for a space, a JSON escape, an HTML entity. Text without any (most
/// requests) takes the fast path: plain substring checks only.
fn encoded(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3(b'%', b'+', b'\\', bytes).is_some()
        || memchr::memchr_iter(b'&', bytes).any(|i| html_entity(&text[i..]).is_some())
}

/// Which encodings a reading takes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Forms {
    percent: bool,
    plus: bool,
    json: bool,
    html: bool,
}

impl Forms {
    /// Every encoding, `+` for a space included.
    pub(crate) const ALL: Forms = Forms {
        percent: true,
        plus: true,
        json: true,
        html: true,
    };
    const JSON: Forms = Forms {
        percent: false,
        plus: false,
        json: true,
        html: false,
    };
}

/// The ways the character at the start of `text` may be read, as (character, bytes it takes):
/// as it is, and as the one encoding of `forms` that starts there, if any (each begins with a
/// byte of its own: `%`, `+`, `\`, `&`).
pub(crate) fn readings(text: &str, forms: Forms) -> [Option<(char, usize)>; 2] {
    let raw = text.chars().next().map(|c| (c, c.len_utf8()));
    let escaped = match text.as_bytes().first() {
        Some(b'%') if forms.percent => percent_char(text),
        Some(b'+') if forms.plus => Some((' ', 1)),
        Some(b'\\') if forms.json => json_escape(text),
        Some(b'&') if forms.html => html_entity(text),
        _ => None,
    };
    [raw, escaped]
}

/// A character percent-encoded byte by byte (`%C3%A9`) at the start of `text`.
fn percent_char(text: &str) -> Option<(char, usize)> {
    let byte = |i: usize| {
        let part = text.get(i * 3..i * 3 + 3)?;
        let hex = part.strip_prefix('%')?;
        hex.bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| u8::from_str_radix(hex, 16).ok())
            .flatten()
    };
    let lead = byte(0)?;
    let len = match lead {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut utf8 = [0u8; 4];
    for (i, b) in utf8.iter_mut().enumerate().take(len) {
        *b = byte(i)?;
    }
    let c = std::str::from_utf8(&utf8[..len]).ok()?.chars().next()?;
    Some((c, len * 3))
}

/// A JSON string escape (`\u0074`, a surrogate pair, `\n`, `\/`, …) at the start of `text`.
fn json_escape(text: &str) -> Option<(char, usize)> {
    let hex = |s: &str| {
        s.get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let short = |c: char| Some((c, 2));
    match text.as_bytes().get(1)? {
        b'u' => match hex(text)? {
            hi @ 0xD800..=0xDBFF => {
                let rest = text.get(6..).filter(|r| r.starts_with("\\u"))?;
                match hex(rest)? {
                    lo @ 0xDC00..=0xDFFF => {
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            .map(|c| (c, 12))
                    }
                    _ => None,
                }
            }
            c => char::from_u32(c).map(|c| (c, 6)),
        },
        b'n' => short('\n'),
        b't' => short('\t'),
        b'r' => short('\r'),
        b'b' => short('\u{8}'),
        b'f' => short('\u{c}'),
        b'/' => short('/'),
        b'\\' => short('\\'),
        b'"' => short('"'),
        _ => None,
    }
}

/// An HTML entity at the start of `text`: a named one of the five XML names, or a numeric one
/// (decimal or hex, at most 8 digits, any leading zeros).
fn html_entity(text: &str) -> Option<(char, usize)> {
    let rest = text.strip_prefix('&')?;
    for (name, c) in [
        ("amp;", '&'),
        ("lt;", '<'),
        ("gt;", '>'),
        ("quot;", '"'),
        ("apos;", '\''),
    ] {
        if rest.starts_with(name) {
            return Some((c, 1 + name.len()));
        }
    }
    let rest = rest.strip_prefix('#')?;
    let (digits, radix, skip) = match rest.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16, 3),
        None => (rest, 10, 2),
    };
    // At most 8 digits: a long run without `;` is no entity (and costs no rescan).
    let end = digits.bytes().take(9).position(|b| b == b';')?;
    let digits = &digits[..end];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(digits, radix).ok()?)?;
    Some((c, skip + end + 1))
}

/// `text` with every encoding of `forms` read as what it encodes, in one pass (an escape that
/// encodes nothing is kept as written).
fn decoded(text: &str, forms: Forms) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(i) = text[at..].find(['%', '+', '\\', '&']) {
        out.push_str(&text[at..at + i]);
        at += i;
        let [raw, escaped] = readings(&text[at..], forms);
        match escaped.or(raw) {
            Some((c, len)) if len > 0 => {
                out.push(c);
                at += len;
            }
            // Never: a place of a text always reads as itself.
            _ => break,
        }
    }
    out.push_str(&text[at..]);
    out
}

/// `text` with JSON string escapes decoded.
fn json_unescaped(text: &str) -> String {
    decoded(text, Forms::JSON)
}

/// `text` with every place where some mix of readings ([`readings`]) spells `key` replaced by
/// [`REDACTED`], left to right. (For `verify`, which scrubs a live vendor's answers.)
#[cfg(any(test, feature = "cli"))]
pub(crate) fn scrub_encoded(text: &str, key: &str) -> String {
    scrub_counting(text, key).0
}

/// [`scrub_encoded`], and how many readings it followed: at most two for each place of the
/// text and character of the key, however the two are made.
#[cfg(any(test, feature = "cli"))]
fn scrub_counting(text: &str, key: &str) -> (String, usize) {
    if key.is_empty() {
        return (text.to_owned(), 0);
    }
    let key: Vec<char> = key.chars().collect();
    let mut dead = std::collections::HashSet::new();
    let mut followed = 0;
    let mut out = String::with_capacity(text.len());
    let (mut at, mut kept_to) = (0, 0);
    while at < text.len() {
        match spelled(text, at, &key, &mut dead, &mut followed) {
            Some(end) if end > at => {
                out.push_str(&text[kept_to..at]);
                out.push_str(REDACTED);
                at = end;
                kept_to = end;
            }
            _ => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&text[kept_to..]);
    (out, followed)
}

/// Where a spelling of `key` that starts at `start` of `text` ends, if one does: depth first,
/// each character read as it is before its escape. A place from which the rest of the key
/// cannot be spelled is remembered in `dead` (it cannot be from any start), so that no place is
/// tried twice for the same rest: this is what keeps a key of backslashes in a text of them
/// linear rather than exponential.
#[cfg(any(test, feature = "cli"))]
fn spelled(
    text: &str,
    start: usize,
    key: &[char],
    dead: &mut std::collections::HashSet<(usize, usize)>,
    followed: &mut usize,
) -> Option<usize> {
    // `stack[i]`: where `key[i]` is read, and which of its readings is to be tried next.
    let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
    loop {
        let &(at, next) = stack.last()?;
        let depth = stack.len() - 1;
        if depth == key.len() {
            return Some(at);
        }
        let options = readings(&text[at..], Forms::ALL);
        let step = (next..options.len()).find_map(|i| {
            let (c, len) = options[i]?;
            (c == key[depth] && !dead.contains(&(at + len, depth + 1))).then_some((i, len))
        });
        match step {
            Some((i, len)) => {
                *followed += 1;
                if let Some(top) = stack.last_mut() {
                    top.1 = i + 1;
                }
                stack.push((at + len, 0));
            }
            None => {
                dead.insert((at, depth));
                stack.pop();
            }
        }
    }
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
                .map(|k| crate::core::memory::allocation(k.capacity()))
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

/// Layers of encoding [`holds_key`] takes off: a JSON escape inside percent-encoding is two, a
/// key percent-encoded twice over (`%255F`) two, and so on.
const LAYERS: usize = 4;

/// Whether any of the fixture's keys is in `text`, as sent or in a decoding of it: every
/// encoding read at once (with `+` as a space, and as it is), again on what that gives, up to
/// [`LAYERS`] deep.
fn holds_key(text: &str, keys: &Keys) -> bool {
    if keys.in_text(text) {
        return true;
    }
    if !encoded(text) {
        return false;
    }
    [true, false].into_iter().any(|plus| {
        let forms = Forms { plus, ..Forms::ALL };
        let mut layer = decoded(text, forms);
        for _ in 1..LAYERS {
            if keys.in_text(&layer) {
                return true;
            }
            if !encoded(&layer) {
                return false;
            }
            layer = decoded(&layer, forms);
        }
        keys.in_text(&layer)
    })
}

/// Replaces every plain occurrence of a known key.
fn scrub_keys<'a>(text: Cow<'a, str>, keys: &Keys) -> Cow<'a, str> {
    keys.scrub(text)
}

/// A path with every known key scrubbed (a key pasted into a path segment, in any reading:
/// that segment is replaced whole; spread over segments: the whole path).
pub(crate) fn scrub(path: String, keys: &Keys) -> String {
    let path = match scrub_keys(Cow::Borrowed(&path), keys) {
        Cow::Borrowed(_) => path,
        Cow::Owned(o) => o,
    };
    if !encoded(&path) || !holds_key(&path, keys) {
        return path;
    }
    let path = path
        .split('/')
        .map(|segment| {
            if holds_key(segment, keys) {
                REDACTED
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    whole_if_hidden(Cow::Owned(path), true, keys).into_owned()
}

/// `text`, or [`REDACTED`] alone where a key is still in it in some reading: spread across
/// the items or segments that the finer rules look at one by one (an entity's `&` splits a
/// query's items). `sent_encoded`: whether the text as sent was [`encoded`]; the finer rules
/// never add an encoding (they write [`REDACTED`], and JSON written back escapes only what the
/// sender escaped), so a text sent plain is returned as it is, unscanned.
fn whole_if_hidden<'a>(text: Cow<'a, str>, sent_encoded: bool, keys: &Keys) -> Cow<'a, str> {
    if sent_encoded && encoded(&text) && holds_key(&text, keys) {
        Cow::Owned(REDACTED.to_owned())
    } else {
        text
    }
}

/// Whether the method holds a known key (a client that put its key in the wrong place). A
/// standard method is none (and is not searched: nearly every request has one).
pub(crate) fn method_holds_key(method: &http::Method, keys: &Keys) -> bool {
    use http::Method;
    let standard = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
        Method::PATCH,
        Method::CONNECT,
        Method::TRACE,
    ];
    !standard.contains(method) && holds_key(method.as_str(), keys)
}

/// Replaces, in each item of `text` (items split at any of `seps`): the value of a
/// `name=value` whose decoded name is a credential's, or whose value holds a known key in any
/// reading; the name, where it holds one; a bare item (no `=`) that holds one, whole. `None`
/// when nothing is.
fn redact_items(text: &str, seps: &[u8], keys: &Keys) -> Option<String> {
    let mut out = String::new();
    let mut kept_to = 0;
    let mut start = 0;
    let bytes = text.as_bytes();
    for end in (0..=bytes.len()).filter(|&i| i == bytes.len() || seps.contains(&bytes[i])) {
        let item = &text[start..end];
        let (name, value) = match item.find('=') {
            Some(eq) => (&item[..eq], Some(&item[eq + 1..])),
            None => (item, None),
        };
        let name_goes = name != REDACTED && holds_key(name, keys);
        let value_goes = value.is_some_and(|v| {
            v != REDACTED && (is_secret_name(&decoded_name(name)) || holds_key(v, keys))
        });
        if name_goes || value_goes {
            out.push_str(&text[kept_to..start]);
            out.push_str(if name_goes { REDACTED } else { name });
            if let Some(value) = value {
                out.push('=');
                out.push_str(if value_goes { REDACTED } else { value });
            }
            kept_to = end;
        }
        start = end + 1;
    }
    (kept_to > 0).then(|| {
        out.push_str(&text[kept_to..]);
        out
    })
}

/// A query string (or form body) with the value of every credential-named parameter replaced
/// and every known key scrubbed, names and values decoded first (any reading, and case for
/// names); the rest is kept byte for byte.
pub(crate) fn query<'a>(q: &'a str, keys: &Keys) -> Cow<'a, str> {
    let sent_encoded = encoded(q);
    let worth_a_look = sent_encoded || has_hint(q);
    let q: Cow<'a, str> = match worth_a_look.then(|| redact_items(q, b"&", keys)).flatten() {
        Some(redacted) => Cow::Owned(redacted),
        None => Cow::Borrowed(q),
    };
    whole_if_hidden(scrub_keys(q, keys), sent_encoded, keys)
}

/// A name as it reads with every encoding decoded, twice (a JSON escape inside
/// percent-encoding).
fn decoded_name(name: &str) -> String {
    let once = decoded(name, Forms::ALL);
    if encoded(&once) {
        decoded(&once, Forms::ALL)
    } else {
        once
    }
}

/// A request body as the log keeps it. JSON: credential-named fields replaced at any depth
/// (names and values decoded by the parser), and known keys scrubbed from the decoded strings.
/// Anything else is text that may still hold `name=value` items and `"name": "value"` pairs,
/// whose credentials are replaced; a known key hidden in an encoding there takes the whole
/// body.
pub(crate) fn body<'a>(text: &'a str, keys: &Keys) -> Cow<'a, str> {
    let sent_encoded = encoded(text);
    if !sent_encoded && !has_hint(text) {
        return scrub_keys(Cow::Borrowed(text), keys);
    }
    if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(text) {
        // Written back when a field was redacted, or when escapes may hide a key or a name:
        // the parser decoded them, and serde_json writes names and strings unescaped.
        if redact_json(&mut v, keys) || sent_encoded {
            let out = serde_json::to_string(&v).unwrap_or_else(|_| REDACTED.to_owned());
            return whole_if_hidden(scrub_keys(Cow::Owned(out), keys), sent_encoded, keys);
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
    whole_if_hidden(scrub_keys(out, keys), sent_encoded, keys)
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

/// Replaces the values of credential-named fields, and the strings that hold a known key in
/// a reading the parser does not decode (percent-encoding, an entity); whether any was.
fn redact_json(v: &mut serde_json::Value, keys: &Keys) -> bool {
    match v {
        serde_json::Value::Object(m) => {
            let mut any = false;
            for (k, v) in m.iter_mut() {
                if is_secret_name(k) {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                    any = true;
                } else {
                    any |= redact_json(v, keys);
                }
            }
            any
        }
        serde_json::Value::Array(a) => a
            .iter_mut()
            .fold(false, |any, v| redact_json(v, keys) | any),
        serde_json::Value::String(s) if encoded(s) && holds_key(s, keys) => {
            *s = REDACTED.to_owned();
            true
        }
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
        let percent = |plus| Forms {
            percent: true,
            plus,
            json: false,
            html: false,
        };
        assert_eq!(decoded("a+b%2B%zz", percent(true)), "a b+%zz");
        assert_eq!(decoded("a+b%2B", percent(false)), "a+b+");
        // What a form does not read stays as written.
        assert_eq!(decoded(r"a\u0041&amp;", percent(true)), r"a\u0041&amp;");
        assert_eq!(decoded(r"a\u0041&amp;+", Forms::JSON), "aA&amp;+");
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

    #[test]
    fn a_key_in_a_querys_name_or_bare_item_takes_that_part() {
        let k = keys();
        for (sent, kept) in [
            ("sk%5Ftest%5Fowner=1&a=2", "[redacted]=1&a=2"),
            ("a=1&sk%5ftest%5fowner", "a=1&[redacted]"),
            (
                "a=1&sk%5Ftest%5Fowner=sk_test_member",
                "a=1&[redacted]=[redacted]",
            ),
            ("sk_test_owner&b=2", "[redacted]&b=2"),
            // Nothing of a key: kept byte for byte.
            ("sk%5Ftest=1&owner", "sk%5Ftest=1&owner"),
        ] {
            assert_eq!(query(sent, &k), kept, "{sent}");
        }
    }

    #[test]
    fn a_key_in_html_entities_is_found_in_every_part() {
        let k = keys();
        // An entity's `&` splits the query's items: the query goes whole.
        for sent in [
            "x=sk&#95;test&#95;owner&a=1",
            "x=sk&#x5F;test_owner",
            "x=sk&#0095;test_owner",
            "x=%73k&#95;test_owner",
        ] {
            assert_eq!(query(sent, &k), "[redacted]", "{sent}");
        }
        // Not an entity of the key's: kept.
        assert_eq!(query("x=sk&#96;test_owner", &k), "x=sk&#96;test_owner");
        assert_eq!(query("a=1&amp=2", &k), "a=1&amp=2");
        // In a JSON string, where the parser decodes no entity and no percent-encoding.
        for sent in [
            r#"{"note":"sk&#95;test_owner","n":1}"#,
            r#"{"note":"sk%5Ftest_owner","n":1}"#,
            r#"{"l":["sk&lowbar;x","sk&#x5f;test&#x5f;member"]}"#,
        ] {
            let kept = body(sent, &k);
            assert!(kept.contains("[redacted]"), "{sent}: {kept}");
            assert!(!holds_key(&kept, &k), "{sent}: {kept}");
        }
        let kept: serde_json::Value =
            serde_json::from_str(&body(r#"{"note":"sk&#95;test_owner","n":1}"#, &k)).unwrap();
        assert_eq!(kept, serde_json::json!({"note": "[redacted]", "n": 1}));
        // An encoded string that holds no key is kept.
        let kept: serde_json::Value =
            serde_json::from_str(&body(r#"{"note":"50%25 off","api_key":"x"}"#, &k)).unwrap();
        assert_eq!(
            kept,
            serde_json::json!({"note": "50%25 off", "api_key": "[redacted]"})
        );
        // In text, and in a path.
        assert_eq!(body("key: sk&#95;test_owner", &k), "[redacted]");
        assert_eq!(
            scrub("/a/sk&#95;test_owner/b".to_owned(), &k),
            "/a/[redacted]/b"
        );
    }

    #[test]
    fn a_key_under_several_layers_of_encoding_is_found() {
        let k = keys();
        for sent in [
            "sk%255Ftest_owner",
            "sk%25255Ftest_owner",
            "sk%2526%2523x5F%253Btest_owner",
            "sk%5Cu005Ftest_owner",
        ] {
            assert!(holds_key(sent, &k), "{sent}");
            assert_eq!(query(&format!("x={sent}&a=1"), &k), "x=[redacted]&a=1");
        }
        // Deeper than the layers taken off: kept (the log's bound on work per part).
        assert!(!holds_key("sk%2525252525255Ftest_owner", &k));
    }

    #[test]
    fn every_reading_of_a_character_is_one_of_its_encodings() {
        let r = |t: &str| readings(t, Forms::ALL);
        assert_eq!(r("%C3%A9x"), [Some(('%', 1)), Some(('é', 6))]);
        assert_eq!(r("%c3%a9"), [Some(('%', 1)), Some(('é', 6))]);
        // A lead byte whose sequence is cut or broken reads as itself only.
        assert_eq!(r("%C3%2"), [Some(('%', 1)), None]);
        assert_eq!(r("%C3%41"), [Some(('%', 1)), None]);
        assert_eq!(r("%FF"), [Some(('%', 1)), None]);
        assert_eq!(r("%G1"), [Some(('%', 1)), None]);
        assert_eq!(r("+"), [Some(('+', 1)), Some((' ', 1))]);
        assert_eq!(r("&amp;"), [Some(('&', 1)), Some(('&', 5))]);
        assert_eq!(r("&apos;"), [Some(('&', 1)), Some(('\'', 6))]);
        assert_eq!(r("&#x1F511;"), [Some(('&', 1)), Some(('🔑', 9))]);
        assert_eq!(r("&#;"), [Some(('&', 1)), None]);
        // A sign is no digit (`from_str_radix` would take it).
        assert_eq!(r("&#+115;"), [Some(('&', 1)), None]);
        assert_eq!(r("&#x+73;"), [Some(('&', 1)), None]);
        // Three-byte characters too.
        assert_eq!(r("%E2%82%AC"), [Some(('%', 1)), Some(('€', 9))]);
        assert_eq!(r("&#123456789;"), [Some(('&', 1)), None]);
        assert_eq!(r("&#xD800;"), [Some(('&', 1)), None]);
        assert_eq!(r("\\ud83d\\udd11"), [Some(('\\', 1)), Some(('🔑', 12))]);
        assert_eq!(r("\\\""), [Some(('\\', 1)), Some(('"', 2))]);
        assert_eq!(r("é"), [Some(('é', 2)), None]);
        assert_eq!(r(""), [None, None]);
        // A form that is not asked for is not read.
        assert_eq!(readings("+", Forms::JSON), [Some(('+', 1)), None]);
        assert_eq!(readings("%41", Forms::JSON), [Some(('%', 1)), None]);
        assert_eq!(readings("&amp;", Forms::JSON), [Some(('&', 1)), None]);
        assert!(encoded("a&#115;") && encoded("&amp;") && !encoded("a=1&b=2&amp"));
    }

    #[test]
    fn a_scrub_follows_each_place_and_rest_of_the_key_once() {
        // A key of backslashes in a text of them: each backslash reads as itself, and each
        // pair as one (`\\`), so the spellings of the key double with each character. Tried
        // one by one, 64 of them would take longer than the universe has had.
        for n in [8usize, 24, 64] {
            let key = format!("{}x", "\\".repeat(n));
            let text = format!("{}y", "\\".repeat(2 * n));
            let (out, followed) = scrub_counting(&text, &key);
            assert_eq!(out, text, "no spelling of the key: nothing replaced");
            let bound = 2 * (text.len() + 1) * (n + 2);
            assert!(followed <= bound, "{n}: {followed} > {bound}");
            // And it did follow them: at least each backslash of the key once.
            assert!(followed >= n, "{n}: {followed}");
            // And where the key is there, it is found.
            let text = format!("a{}x", "\\\\".repeat(n));
            assert_eq!(scrub_counting(&text, &key).0, "a[redacted]");
        }
        assert_eq!(scrub_encoded("abc", ""), "abc");
        assert_eq!(
            scrub_encoded("sk&#95;k &amp; sk_k", "sk_k"),
            "[redacted] &amp; [redacted]"
        );
    }
}
