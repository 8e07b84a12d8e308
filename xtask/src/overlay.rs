//! Local corrections to a vendor's spec that survive every re-import: `specs/<vendor>/overlay.yaml`,
//! an [OpenAPI Overlay 1.0](https://spec.openapis.org/overlay/v1.0.0.html) document.
//!
//! `openapi.yaml` stays what the vendor published (its sha256 is the provenance's); codegen reads
//! it through the overlay. Each action's `target` is an RFC 9535 JSONPath (`serde_json_path`);
//! `update` merges into every object it selects (or appends to every array), `remove: true`
//! deletes what it selects. An action that selects nothing is not skipped in silence: [`apply`]
//! returns it, and codegen and `update` say so (the vendor may have fixed the spec, or moved the
//! thing).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

/// The file name of a vendor's overlay, beside its `openapi.yaml`.
pub const FILE: &str = "overlay.yaml";

/// Why an overlay could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct OverlayError {
    /// The overlay file.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

/// An overlay document.
#[derive(Debug, Clone, Deserialize)]
pub struct Overlay {
    /// The Overlay version: 1.0.x.
    pub overlay: String,
    /// Its title and version.
    pub info: Info,
    /// The actions, applied in order.
    pub actions: Vec<Action>,
    /// Where it was read from, for messages.
    #[serde(skip)]
    pub path: PathBuf,
}

/// An overlay's `info`.
#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    /// What it corrects.
    pub title: String,
    /// Its own version.
    pub version: String,
}

/// One action of an overlay.
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    /// A JSONPath (RFC 9535) selecting the nodes the action changes.
    pub target: String,
    /// Why the correction is there.
    #[serde(default)]
    pub description: Option<String>,
    /// Merged into each object selected, or appended to each array selected.
    #[serde(default)]
    pub update: Option<Value>,
    /// Deletes each node selected.
    #[serde(default)]
    pub remove: bool,
    /// The parsed `target`.
    #[serde(skip)]
    path: Option<JsonPath>,
}

/// An action that selected nothing when it was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// The action's position in the overlay, from 1.
    pub index: usize,
    /// Its target.
    pub target: String,
    /// Its description, if it has one.
    pub description: Option<String>,
}

impl std::fmt::Display for Unmatched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "action {} (`{}`)", self.index, self.target)?;
        if let Some(why) = &self.description {
            write!(f, ": {why}")?;
        }
        f.write_str(" selects nothing in the spec")
    }
}

/// Reads the overlay of the vendor in `dir`, if it has one.
pub fn read(dir: &Path) -> Result<Option<Overlay>, OverlayError> {
    let path = dir.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(OverlayError {
                path: path.display().to_string(),
                reason: e.to_string(),
            });
        }
    };
    parse(&text, &path).map(Some)
}

/// Parses an overlay document (YAML or JSON) read from `path`.
pub fn parse(text: &str, path: &Path) -> Result<Overlay, OverlayError> {
    let err = |reason: String| OverlayError {
        path: path.display().to_string(),
        reason,
    };
    let mut overlay: Overlay = serde_norway::from_str(text).map_err(|e| err(e.to_string()))?;
    overlay.path = path.to_owned();
    if !overlay.overlay.starts_with("1.0.") {
        return Err(err(format!(
            "overlay version {:?}: only 1.0.x is understood",
            overlay.overlay
        )));
    }
    for (i, action) in overlay.actions.iter_mut().enumerate() {
        let n = i + 1;
        let parsed = JsonPath::parse(&action.target)
            .map_err(|e| err(format!("action {n}: target {:?}: {e}", action.target)))?;
        action.path = Some(parsed);
        if action.update.is_none() && !action.remove {
            return Err(err(format!(
                "action {n} (`{}`) neither updates nor removes",
                action.target
            )));
        }
    }
    Ok(overlay)
}

/// Applies `overlay` to `doc`, action by action, and returns the actions that selected nothing.
///
/// An `update` of a node that is neither an object nor an array is an error, and so is a
/// non-object `update` of an object: the Overlay specification merges objects into objects and
/// appends to arrays; a scalar is changed by updating the object that holds it.
pub fn apply(overlay: &Overlay, doc: &mut Value) -> Result<Vec<Unmatched>, OverlayError> {
    let mut unmatched = Vec::new();
    for (i, action) in overlay.actions.iter().enumerate() {
        let Some(path) = &action.path else { continue };
        // In path order, each node once (a query may select a node twice, or out of order:
        // `[2,0]`, `[0,0]`, `[::-1]`), so that removing from the last shifts nothing unvisited.
        let pointers: Vec<String> = path
            .query_located(doc)
            .dedup()
            .locations()
            .map(|l| l.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            unmatched.push(Unmatched {
                index: i + 1,
                target: action.target.clone(),
                description: action.description.clone(),
            });
            continue;
        }
        // As the specification says, `remove: true` wins over an `update` beside it.
        if action.remove {
            // The last first: removing an array's element shifts those after it.
            for pointer in pointers.iter().rev() {
                remove(doc, pointer);
            }
        } else if let Some(update) = &action.update {
            for pointer in &pointers {
                let Some(node) = doc.pointer_mut(pointer) else {
                    continue;
                };
                match node {
                    Value::Object(_) if !update.is_object() => {
                        return Err(OverlayError {
                            path: overlay.path.display().to_string(),
                            reason: format!(
                                "action {} (`{}`) updates the object at {pointer} with {update}: \
                                 an update of an object must be an object",
                                i + 1,
                                action.target
                            ),
                        });
                    }
                    Value::Object(_) => merge(node, update),
                    Value::Array(items) => items.push(update.clone()),
                    other => {
                        return Err(OverlayError {
                            path: overlay.path.display().to_string(),
                            reason: format!(
                                "action {} (`{}`) updates {pointer}, which is {other}: target \
                                 the object that holds it",
                                i + 1,
                                action.target
                            ),
                        });
                    }
                }
            }
        }
    }
    Ok(unmatched)
}

/// Merges `update` into `target`: objects member by member, recursively; anything else replaces.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, update) => *target = update.clone(),
    }
}

/// Removes the node at `pointer` from its parent.
fn remove(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: &str) -> Overlay {
        let text =
            format!("overlay: 1.0.0\ninfo:\n  title: t\n  version: 1.0.0\nactions:\n{actions}");
        parse(&text, Path::new("overlay.yaml")).unwrap()
    }

    fn doc() -> Value {
        json!({
            "paths": {
                "/connect": {
                    "post": {
                        "parameters": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
                        "responses": {"200": {"description": "ok"}},
                        "x-internal": true
                    }
                }
            },
            "components": {"schemas": {"Platform": {"type": "string", "enum": ["x", "tiktok"]}}}
        })
    }

    #[test]
    fn update_merges_into_objects_recursively_and_appends_to_arrays() {
        let o = overlay(
            "  - target: $.paths['/connect'].post\n    update:\n      summary: Connect\n      \
             responses:\n        '200':\n          description: the link\n\
             \x20 - target: $.components.schemas.Platform.enum\n    update: linkedin\n",
        );
        let mut d = doc();
        assert!(apply(&o, &mut d).unwrap().is_empty());
        let op = &d["paths"]["/connect"]["post"];
        assert_eq!(op["summary"], "Connect");
        assert_eq!(op["responses"]["200"]["description"], "the link");
        assert_eq!(
            op["x-internal"], true,
            "what the update does not name stays"
        );
        assert_eq!(
            d["components"]["schemas"]["Platform"]["enum"],
            json!(["x", "tiktok", "linkedin"])
        );
    }

    #[test]
    fn remove_deletes_every_node_selected_even_several_of_one_array() {
        let o = overlay(
            "  - target: $.paths.*.post['x-internal']\n    remove: true\n\
             \x20 - target: $.paths.*.post.parameters[?@.name != 'b']\n    remove: true\n",
        );
        let mut d = doc();
        assert!(apply(&o, &mut d).unwrap().is_empty());
        let op = &d["paths"]["/connect"]["post"];
        assert!(op.get("x-internal").is_none());
        assert_eq!(op["parameters"], json!([{"name": "b"}]));
    }

    #[test]
    fn remove_takes_each_node_once_whatever_the_order_the_query_gives() {
        for (target, left) in [
            ("[2,0]", json!([{"name": "b"}])),
            ("[0,0]", json!([{"name": "b"}, {"name": "c"}])),
            ("[::-1]", json!([])),
            ("[?@.name == 'c', 1]", json!([{"name": "a"}])),
        ] {
            let o = overlay(&format!(
                "  - target: \"$.paths['/connect'].post.parameters{target}\"\n    remove: true\n"
            ));
            let mut d = doc();
            assert!(apply(&o, &mut d).unwrap().is_empty());
            assert_eq!(
                d["paths"]["/connect"]["post"]["parameters"], left,
                "{target}"
            );
        }
        // Remove wins over an update beside it; a node and its descendant both go.
        let o = overlay(
            "  - target: $..post\n    remove: true\n    update: {summary: x}\n\
             \x20 - target: $.components..enum\n    remove: true\n",
        );
        let mut d = doc();
        apply(&o, &mut d).unwrap();
        assert!(d["paths"]["/connect"].get("post").is_none());
        assert!(d["components"]["schemas"]["Platform"].get("enum").is_none());
    }

    #[test]
    fn an_action_that_selects_nothing_is_reported_and_the_rest_still_apply() {
        let o = overlay(
            "  - target: $.paths['/gone'].post\n    description: the vendor moved it\n    \
             remove: true\n\
             \x20 - target: $.paths['/connect'].post\n    update:\n      summary: kept\n",
        );
        let mut d = doc();
        let unmatched = apply(&o, &mut d).unwrap();
        assert_eq!(
            unmatched,
            [Unmatched {
                index: 1,
                target: "$.paths['/gone'].post".into(),
                description: Some("the vendor moved it".into()),
            }]
        );
        assert!(unmatched[0].to_string().contains("selects nothing"));
        assert_eq!(d["paths"]["/connect"]["post"]["summary"], "kept");
    }

    #[test]
    fn a_vendor_without_an_overlay_has_none_and_an_unreadable_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).unwrap().is_none());
        std::fs::write(
            dir.path().join(FILE),
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
        )
        .unwrap();
        let o = read(dir.path()).unwrap().expect("read");
        assert_eq!(o.info.title, "t");
        assert_eq!(o.path, dir.path().join(FILE));
        // Not "no overlay": a folder in its place cannot be read.
        std::fs::remove_file(dir.path().join(FILE)).unwrap();
        std::fs::create_dir(dir.path().join(FILE)).unwrap();
        let err = read(dir.path()).unwrap_err();
        assert!(err.path.ends_with(FILE), "{err}");
    }

    #[test]
    fn removing_past_the_end_of_an_array_changes_nothing() {
        let mut d = json!({"a": [1, 2]});
        remove(&mut d, "/a/2");
        remove(&mut d, "/a/x");
        assert_eq!(d, json!({"a": [1, 2]}));
        remove(&mut d, "/a/1");
        assert_eq!(d, json!({"a": [1]}));
    }

    #[test]
    fn bad_overlays_are_clear_errors() {
        let bad = |text: &str| parse(text, Path::new("o.yaml")).unwrap_err().to_string();
        let head = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n";
        assert!(
            bad("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []").contains("1.0.x")
        );
        assert!(
            bad(&format!("{head}  - target: '$.paths['\n    remove: true")).contains("action 1")
        );
        assert!(bad(&format!("{head}  - target: $.a\n")).contains("neither updates nor removes"));
        assert!(bad("actions: [").starts_with("o.yaml: "));
        let o = overlay("  - target: $.paths['/connect'].post\n    update: 1\n");
        let err = apply(&o, &mut doc()).unwrap_err().to_string();
        assert!(err.contains("must be an object"), "{err}");
        let o = overlay("  - target: $.paths['/connect'].post['x-internal']\n    update: 1\n");
        let err = apply(&o, &mut doc()).unwrap_err().to_string();
        assert!(err.contains("target the object that holds it"), "{err}");
    }
}
