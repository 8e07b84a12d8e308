//! A valid instance of a schema, for answers the mock builds from a spec alone (the default
//! rules of a vendor that has no rules of its own yet): every required property, each the
//! spec's own example of it (`example`, `examples`, `default`) where it gives one, else the first
//! value its `enum` lists, else the simplest value its type, format and bounds allow. A boolean
//! is `true` (a success answer's `success` or `ok` is never `false`), and an error member
//! that may be null is null.

use serde_json::{Map, Value};

use super::{Schema, Ty};

/// A value valid against `schema` (as far as the mock's contract states it).
pub(crate) fn example(schema: &Schema) -> Value {
    if let Some(own) = &schema.example {
        let listed = schema
            .values
            .as_ref()
            .is_none_or(|values| values.contains(own));
        if listed {
            return own.clone();
        }
    }
    if let Some(first) = schema.values.as_ref().and_then(|v| v.first()) {
        return first.clone();
    }
    match schema.types.first() {
        Some(Ty::Object) | None if !schema.properties.is_empty() => object(schema),
        Some(Ty::Object) => Value::Object(Map::new()),
        Some(Ty::Array) => Value::Array(Vec::new()),
        Some(Ty::String) => Value::from(string(schema)),
        Some(Ty::Integer) => Value::from(number(schema, true) as i64),
        Some(Ty::Number) => Value::from(number(schema, false)),
        Some(Ty::Boolean) => Value::Bool(true),
        Some(Ty::Null) | None => Value::Null,
    }
}

fn object(schema: &Schema) -> Value {
    let mut out = Map::new();
    for p in schema.properties.iter().filter(|p| p.required) {
        out.insert(p.name.to_owned(), property(p));
    }
    Value::Object(out)
}

/// A property's example: an error member (`error`, `errors`) that may be null is null, so that
/// an answer never reports an error it does not have.
fn property(p: &super::Property) -> Value {
    let error_like = matches!(
        p.name.as_str(),
        "error" | "errors" | "error_code" | "errorCode"
    );
    if error_like && p.schema.types.contains(&Ty::Null) {
        return Value::Null;
    }
    example(&p.schema)
}

/// The number (an integer, when `integer`) nearest zero within `minimum` and `maximum`.
fn number(schema: &Schema, integer: bool) -> f64 {
    match (schema.minimum, schema.maximum) {
        (Some(min), _) if min > 0.0 => {
            if integer {
                min.ceil()
            } else {
                min
            }
        }
        (_, Some(max)) if max < 0.0 => {
            if integer {
                max.floor()
            } else {
                max
            }
        }
        _ => 0.0,
    }
}

/// Most characters a filled string has, whatever `minLength` a spec asks: an answer is built
/// per request, and the mock's own strings are at most 2 KiB.
pub(crate) const MAX_FILL: usize = 4096;

/// A string valid against the schema: one its `pattern` matches, within `minLength` and
/// `maxLength`; else one of its format, padded to its minimum length and cut to its maximum.
fn string(schema: &Schema) -> String {
    let min = usize::try_from(schema.min_length.unwrap_or(0))
        .unwrap_or(usize::MAX)
        .min(MAX_FILL);
    let max = schema
        .max_length
        .and_then(|m| usize::try_from(m).ok())
        .unwrap_or(usize::MAX);
    if let Some(p) = schema.pattern.as_deref()
        && let Some(s) = matching(p, min, max)
    {
        return s;
    }
    let mut s = match schema.format.as_deref() {
        Some("uri" | "url" | "uri-reference") => "https://example.com/".to_owned(),
        Some("date-time") => "2026-01-01T00:00:00Z".to_owned(),
        Some("date") => "2026-01-01".to_owned(),
        Some("time") => "00:00:00Z".to_owned(),
        Some("uuid") => "00000000-0000-4000-8000-000000000000".to_owned(),
        Some("email") => "user@example.com".to_owned(),
        Some("hostname") => "example.com".to_owned(),
        Some("ipv4") => "127.0.0.1".to_owned(),
        Some("ipv6") => "::1".to_owned(),
        _ => "example".to_owned(),
    };
    let have = s.chars().count();
    s.extend(std::iter::repeat_n('x', min.saturating_sub(have)));
    if let Some((cut, _)) = s.char_indices().nth(max) {
        s.truncate(cut);
    }
    s
}

/// A string `pattern` matches with `min` to `max` characters: the shortest the pattern's
/// syntax allows (each class's first letter or digit, each alternation's first branch, each
/// repetition its least), grown by the first repetition that may repeat more. `None` when the
/// pattern does not parse, nothing within the bounds and [`MAX_FILL`] was found this way, or
/// the result does not match after all (a look-around the walk does not model).
fn matching(pattern: &str, min: usize, max: usize) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    write_match(&hir, &mut out, &mut 0)?;
    let shortest = out.chars().count();
    if shortest < min {
        out.clear();
        write_match(&hir, &mut out, &mut (min - shortest))?;
    }
    let len = out.chars().count();
    (len >= min && len <= max && super::pattern_matches(pattern, &out)).then_some(out)
}

/// Writes the shortest match of `hir` to `out`; a repetition with room also writes `extra`
/// more characters' worth of repeats (and lowers it by what it wrote). `None` past
/// [`MAX_FILL`].
fn write_match(hir: &regex_syntax::hir::Hir, out: &mut String, extra: &mut usize) -> Option<()> {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => out.push_str(std::str::from_utf8(&lit.0).ok()?),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            let pick = ('a'..='z')
                .chain('0'..='9')
                .chain('A'..='Z')
                .find(|c| ranges.iter().any(|r| (r.start()..=r.end()).contains(c)))
                .or_else(|| ranges.first().map(|r| r.start()))?;
            out.push(pick);
        }
        HirKind::Class(Class::Bytes(class)) => {
            let ranges = class.ranges();
            let pick = (b'a'..=b'z')
                .chain(b'0'..=b'9')
                .find(|b| ranges.iter().any(|r| (r.start()..=r.end()).contains(b)))
                .or_else(|| ranges.first().map(|r| r.start()))
                .filter(u8::is_ascii)?;
            out.push(char::from(pick));
        }
        HirKind::Repetition(rep) => {
            for _ in 0..rep.min {
                write_match(&rep.sub, out, extra)?;
                if out.len() > MAX_FILL {
                    return None;
                }
            }
            let room = rep.max.map_or(u32::MAX, |m| m.saturating_sub(rep.min));
            if *extra > 0 && room > 0 {
                let mut one = String::new();
                write_match(&rep.sub, &mut one, &mut 0)?;
                let each = one.chars().count();
                if each > 0 {
                    let more = extra.div_ceil(each).min(room as usize);
                    if out.len() + more * one.len() > MAX_FILL {
                        return None;
                    }
                    for _ in 0..more {
                        out.push_str(&one);
                    }
                    *extra = extra.saturating_sub(more * each);
                }
            }
        }
        HirKind::Capture(cap) => write_match(&cap.sub, out, extra)?,
        HirKind::Concat(parts) => {
            for part in parts {
                write_match(part, out, extra)?;
            }
        }
        HirKind::Alternation(branches) => write_match(branches.first()?, out, extra)?,
    }
    (out.len() <= MAX_FILL).then_some(())
}

/// Adds to `value` every property `schema` requires that it lacks (recursively, each the
/// smallest valid value), and says whether it added any. What is there is left as it is.
pub(crate) fn complete(schema: &Schema, value: &mut Value) -> bool {
    if let (Value::Array(items), Some(item)) = (&mut *value, schema.items.as_deref()) {
        let mut added = false;
        for v in items {
            added |= complete(item, v);
        }
        return added;
    }
    let Some(map) = value.as_object_mut() else {
        return false;
    };
    let mut added = false;
    for p in &schema.properties {
        match map.get_mut(&p.name) {
            Some(inner) => added |= complete(&p.schema, inner),
            None if p.required => {
                map.insert(p.name.to_owned(), property(p));
                added = true;
            }
            None => {}
        }
    }
    added
}

/// Sets the value at a JSON `pointer` in `target`, making the objects on the way (and, for a
/// numeric segment under an array, the array's items up to it).
pub(crate) fn set_at(target: &mut Value, pointer: &str, value: Value) {
    let mut at = target;
    let mut parts = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .peekable();
    while let Some(part) = parts.next() {
        let index = part.parse::<usize>().ok().filter(|_| at.is_array());
        if let Some(index) = index {
            // A pointer the manifest gives: bounded by what a spec's answer holds.
            let Value::Array(items) = at else { return };
            if index > 64 {
                return;
            }
            while items.len() <= index {
                items.push(Value::Object(Map::new()));
            }
            if parts.peek().is_none() {
                items[index] = value;
                return;
            }
            at = &mut items[index];
            continue;
        }
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(map) = at else { return };
        if parts.peek().is_none() {
            map.insert(part, value);
            return;
        }
        at = map.entry(part).or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A schema as a contract states it (`specs/<vendor>/contract.json`).
    fn schema(v: Value) -> Schema {
        serde_json::from_value(v).unwrap()
    }

    /// An answer with a nested required object, formats and an enum.
    fn answer() -> Schema {
        let url = json!({"types": ["string"], "format": "uri"});
        schema(json!({
            "types": ["object"],
            "properties": [
                {"name": "data", "required": true, "schema": {
                    "types": ["object"],
                    "properties": [
                        {"name": "auth_url", "required": true, "schema": url},
                        {"name": "expires_at", "required": true,
                         "schema": {"types": ["string"], "format": "date-time"}},
                        {"name": "note", "required": false, "schema": url},
                    ],
                }},
                {"name": "kind", "required": true,
                 "schema": {"types": ["string"], "values": ["oauth", "other"]}},
            ],
        }))
    }

    #[test]
    fn every_required_property_gets_a_value_of_its_format() {
        assert_eq!(
            example(&answer()),
            json!({"data": {"auth_url": "https://example.com/", "expires_at": "2026-01-01T00:00:00Z"}, "kind": "oauth"})
        );
    }

    #[test]
    fn a_pointer_sets_a_nested_value_making_what_is_missing() {
        let mut v = example(&answer());
        set_at(&mut v, "/data/auth_url", json!("https://mock/x"));
        set_at(&mut v, "/link/href", json!("h"));
        assert_eq!(v["data"]["auth_url"], "https://mock/x");
        assert_eq!(v["link"]["href"], "h");
        let mut top = Value::Null;
        set_at(&mut top, "/url", json!("u"));
        assert_eq!(top, json!({"url": "u"}));
        let mut listed = json!({"links": []});
        set_at(&mut listed, "/links/1/href", json!("h"));
        assert_eq!(listed, json!({"links": [{}, {"href": "h"}]}));
    }

    #[test]
    fn what_a_module_writes_is_kept_and_only_what_it_lacks_is_added() {
        let mut written = json!({"data": {"auth_url": "https://mock/x"}, "kind": "other"});
        assert!(complete(&answer(), &mut written));
        assert_eq!(
            written,
            json!({"data": {"auth_url": "https://mock/x", "expires_at": "2026-01-01T00:00:00Z"}, "kind": "other"})
        );
        assert!(
            !complete(&answer(), &mut written),
            "complete now: nothing to add"
        );
    }

    fn string_of(pattern: Option<&str>, min: Option<u64>, max: Option<u64>) -> String {
        let schema = Schema {
            types: vec![Ty::String],
            pattern: pattern.map(str::to_owned),
            min_length: min,
            max_length: max,
            ..Schema::default()
        };
        string(&schema)
    }

    #[test]
    fn a_filled_string_matches_its_pattern_within_its_lengths() {
        for (pattern, min, max, want) in [
            ("^[A-Z]{3}-[0-9]{4}$", None, None, "AAA-0000"),
            (r"^sk_(live|test)_\w+$", None, None, "sk_live_a"),
            ("^ab+$", Some(10), None, "abbbbbbbbb"),
            ("^(ab)*c$", Some(6), Some(7), "ababc"),
            (r"^\d{2,}$", Some(5), Some(5), "00000"),
            ("^[^a-z]$", None, None, "0"),
            ("x+", Some(3), None, "xxx"),
        ] {
            let got = string_of(Some(pattern), min, max);
            if pattern == "^(ab)*c$" {
                // No string of it has six characters: the next within bounds is seven.
                assert_eq!(got, "abababc", "{pattern}");
                continue;
            }
            assert_eq!(got, want, "{pattern}");
        }
        // A pattern the filler cannot satisfy within the bounds: the format's string, padded
        // and cut to the lengths (the answer is still well formed).
        assert_eq!(string_of(Some("^a{3}$"), Some(5), None), "example");
        assert_eq!(string_of(Some("^[a-"), None, None), "example");
    }

    #[test]
    fn a_filled_string_is_cut_to_its_maximum_and_bounded_however_long_its_minimum() {
        assert_eq!(string_of(None, None, Some(4)), "exam");
        assert_eq!(string_of(None, Some(9), None), "examplexx");
        // A spec's absurd minimum costs at most MAX_FILL characters, made in one pass (the
        // old loop counted the string again for every character it added).
        let long = string_of(None, Some(u64::MAX), None);
        assert_eq!(long.len(), MAX_FILL);
        let long = string_of(Some("^a+$"), Some(50_000_000), None);
        assert_eq!(long.len(), MAX_FILL);
        assert!(
            long.bytes().all(|b| b == b'a' || b == b'x'),
            "{}",
            &long[..20]
        );
        assert_eq!(string_of(Some("^a{100000}$"), None, None), "example");
        // Exactly the most it makes, by one repetition or by its minimum.
        assert_eq!(
            string_of(Some("^a{4096}$"), None, None),
            "a".repeat(MAX_FILL)
        );
        assert_eq!(
            string_of(Some("^(ab){2048}$"), None, None),
            "ab".repeat(2048)
        );
        // A repetition of what may be empty cannot grow the string: the format's is taken.
        assert_eq!(string_of(Some("^(a?)+b$"), Some(3), None), "example");
        // What one repetition grows is taken off what the next must.
        assert_eq!(string_of(Some("^(ab)+(cd)+$"), Some(7), None), "abababcd");
        assert_eq!(
            string_of(Some("^(ab){1,2}(cd)+$"), Some(9), None),
            "ababcdcdcd"
        );
    }

    #[test]
    fn a_filled_number_is_within_its_minimum_and_maximum() {
        let of = |types: &[Ty], minimum, maximum| {
            example(&Schema {
                types: types.to_vec(),
                minimum,
                maximum,
                ..Schema::default()
            })
        };
        assert_eq!(of(&[Ty::Integer], None, Some(-5.0)), json!(-5));
        assert_eq!(of(&[Ty::Integer], None, Some(-0.5)), json!(-1));
        assert_eq!(of(&[Ty::Integer], Some(2.5), Some(9.0)), json!(3));
        assert_eq!(of(&[Ty::Integer], Some(-3.0), Some(9.0)), json!(0));
        assert_eq!(of(&[Ty::Number], None, Some(-1.5)), json!(-1.5));
        assert_eq!(of(&[Ty::Number], Some(1.5), None), json!(1.5));
    }
}
