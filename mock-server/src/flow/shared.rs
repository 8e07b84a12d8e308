//! What the engine's routes and pages share: the invalid-state page, form parsing, URL
//! encoding, and what a flow connects as the pages show it.

use crate::core::{MockRequest, MockResponse};
use crate::fixture::Fixture;
use crate::html::{self, Subject};
use crate::state::Flow;

pub(crate) fn bad_state(detail: &str) -> MockResponse {
    html::error_page(400, "This sign-in link is not valid", detail)
}

pub(crate) const STATE_GONE: &str =
    "The state is unknown, has already been used, or has expired. Start the connection again.";

pub(crate) fn form_pairs(req: &MockRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(crate) fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Appends `value` as `application/x-www-form-urlencoded` would encode it. Values made only of
/// the bytes that encoding leaves alone (states, PKCE challenges, provider slugs) are copied as
/// they are, without going through the encoder byte by byte.
pub(crate) fn push_form_value(out: &mut String, value: &str) {
    /// The bytes the form encoding leaves alone.
    static PLAIN: [bool; 256] =
        byte_table!(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_'));
    if value.bytes().all(|b| PLAIN[usize::from(b)]) {
        out.push_str(value);
    } else {
        out.extend(url::form_urlencoded::byte_serialize(value.as_bytes()));
    }
}

/// What the pages of a flow say it connects: vendor, provider, owner (named from the fixture).
pub(crate) fn subject<'a>(fixture: &'a Fixture, flow: &'a Flow) -> Subject<'a> {
    Subject {
        vendor: flow.vendor.name(),
        provider: social_connect_spec::provider_display_name(&flow.provider),
        platform: &flow.platform,
        owner_kind: flow.rules.owner_kind,
        owner_id: &flow.owner_id,
        owner_name: fixture
            .resources(flow.vendor)
            .iter()
            .find(|r| r.id == flow.owner_id)
            .map(|r| r.name.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_encoded_as_the_serializer_encodes_them() {
        let values = [
            "abc-_.*XYZ019",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "a b",
            "a+b&c=d",
            "~tilde",
            "ä/é?#%",
            "",
        ];
        for v in values {
            let mut expected = url::form_urlencoded::Serializer::new(String::new());
            expected.append_pair("k", v);
            let mut got = String::from("k=");
            push_form_value(&mut got, v);
            assert_eq!(got, expected.finish(), "{v:?}");
        }
    }
}
