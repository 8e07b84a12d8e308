//! A valid instance of a schema, for answers the mock builds from a spec alone (the default
//! rules of a vendor that has no rules of its own yet): every required property, each the
//! spec's own example of it (`example`, `examples`, `default`) where it gives one, else the first
//! value its `enum` lists, else the simplest value its type, format and bounds allow. A boolean
//! is `true` (a success answer's `success` or `ok` is never `false`), and an error member
//! that may be null is null.

use serde_json::{Map, Value};

use super::{Lit, Schema, Ty};

/// A value valid against `schema` (as far as the mock's contract states it).
pub(crate) fn example(schema: &Schema) -> Value {
    if let Some(own) = schema.example {
        let listed = schema.values.is_none_or(|values| values.contains(&own));
        if listed {
            return literal(own);
        }
    }
    if let Some(first) = schema.values.and_then(|v| v.first()) {
        return literal(*first);
    }
    match schema.types.first() {
        Some(Ty::Object) | None if !schema.properties.is_empty() => object(schema),
        Some(Ty::Object) => Value::Object(Map::new()),
        Some(Ty::Array) => Value::Array(Vec::new()),
        Some(Ty::String) => Value::from(string(schema)),
        Some(Ty::Integer) => Value::from(schema.minimum.map_or(0, |m| m.ceil() as i64)),
        Some(Ty::Number) => Value::from(schema.minimum.unwrap_or(0.0)),
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
    let error_like = matches!(p.name, "error" | "errors" | "error_code" | "errorCode");
    if error_like && p.schema.types.contains(&Ty::Null) {
        return Value::Null;
    }
    example(p.schema)
}

fn literal(lit: Lit) -> Value {
    match lit {
        Lit::Str(s) => Value::from(s),
        Lit::Int(i) => Value::from(i),
        Lit::Bool(b) => Value::Bool(b),
        Lit::Null => Value::Null,
        Lit::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
    }
}

/// A string of the schema's format, padded to its minimum length.
fn string(schema: &Schema) -> String {
    let mut s = match schema.format {
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
    let min = schema.min_length.unwrap_or(0) as usize;
    while s.chars().count() < min {
        s.push('x');
    }
    s
}

/// Adds to `value` every property `schema` requires that it lacks (recursively, each the
/// smallest valid value), and says whether it added any. What is there is left as it is.
pub(crate) fn complete(schema: &Schema, value: &mut Value) -> bool {
    if let (Value::Array(items), Some(item)) = (&mut *value, schema.items) {
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
    for p in schema.properties {
        match map.get_mut(p.name) {
            Some(inner) => added |= complete(p.schema, inner),
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
    use crate::contract::Property;

    static URL: Schema = Schema {
        types: &[Ty::String],
        format: Some("uri"),
        ..Schema::ANY
    };
    static WHEN: Schema = Schema {
        types: &[Ty::String],
        format: Some("date-time"),
        ..Schema::ANY
    };
    static KIND: Schema = Schema {
        types: &[Ty::String],
        values: Some(&[Lit::Str("oauth"), Lit::Str("other")]),
        ..Schema::ANY
    };
    static DATA: Schema = Schema {
        types: &[Ty::Object],
        properties: &[
            Property {
                name: "auth_url",
                required: true,
                schema: &URL,
            },
            Property {
                name: "expires_at",
                required: true,
                schema: &WHEN,
            },
            Property {
                name: "note",
                required: false,
                schema: &URL,
            },
        ],
        ..Schema::ANY
    };
    static ANSWER: Schema = Schema {
        types: &[Ty::Object],
        properties: &[
            Property {
                name: "data",
                required: true,
                schema: &DATA,
            },
            Property {
                name: "kind",
                required: true,
                schema: &KIND,
            },
        ],
        ..Schema::ANY
    };

    #[test]
    fn every_required_property_gets_a_value_of_its_format() {
        assert_eq!(
            example(&ANSWER),
            json!({"data": {"auth_url": "https://example.com/", "expires_at": "2026-01-01T00:00:00Z"}, "kind": "oauth"})
        );
    }

    #[test]
    fn a_pointer_sets_a_nested_value_making_what_is_missing() {
        let mut v = example(&ANSWER);
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
        assert!(complete(&ANSWER, &mut written));
        assert_eq!(
            written,
            json!({"data": {"auth_url": "https://mock/x", "expires_at": "2026-01-01T00:00:00Z"}, "kind": "other"})
        );
        assert!(
            !complete(&ANSWER, &mut written),
            "complete now: nothing to add"
        );
    }
}
