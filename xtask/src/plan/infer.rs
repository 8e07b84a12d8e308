//! What the scaffold infers from a new vendor's spec: the connect operation, which of its fields
//! carry the owner, the provider and the redirect URL, and where the link is in its answer. A
//! flag given always wins (and must name something the operation has).

use serde_json::Value;

use super::PlanError;
use super::inspect::{self, Field, Operation, Place};
use crate::normalize::pascal;

/// What the maintainer said on the command line (`vendor new`'s flags).
#[derive(Debug, Default, Clone, clap::Args)]
pub(crate) struct Choices {
    /// The connect operation's parameter or body field that names the owner.
    #[arg(long, value_name = "FIELD")]
    pub(crate) owner: Option<String>,
    /// The field that names the provider (a path or query parameter, or a body field).
    #[arg(long, value_name = "FIELD")]
    pub(crate) provider: Option<String>,
    /// The field that takes the URL to send the browser back to.
    #[arg(long, value_name = "FIELD")]
    pub(crate) redirect: Option<String>,
    /// The JSON pointer of the link in the success answer (`/data/auth_url`).
    #[arg(long, value_name = "POINTER")]
    pub(crate) link: Option<String>,
    /// The connect operation, where the spec has more than one (`"post /connect"`).
    #[arg(long, value_name = "OPERATION")]
    pub(crate) operation: Option<String>,
    /// How the vendor names itself (default: NAME, capitalised).
    #[arg(long)]
    pub(crate) display: Option<String>,
    /// Also write the vendor's own SDK, mock and test modules, to state rules its docs give
    /// beyond its spec (without it, the vendor is its spec and its manifest).
    #[arg(long)]
    pub(crate) modules: bool,
}

/// Everything the scaffold writes from.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) name: String,
    pub(crate) display: String,
    pub(crate) order: u32,
    pub(crate) op: Operation,
    pub(crate) owner: Option<Field>,
    pub(crate) provider: Field,
    pub(crate) redirect: Option<Field>,
    pub(crate) link: String,
    /// The required fields the unified model has no place for, each with what the SDK sends.
    pub(crate) values: Vec<(Field, Value)>,
    /// The query parameter that carries the API key, where the spec takes it in the query.
    pub(crate) query_key: Option<String>,
    /// The body field that takes the request's integration parameters, where there is one.
    pub(crate) params: Option<Field>,
}

/// What the SDK sends for a required field the unified model has no place for: the spec's own
/// example (or default), else its enum's first value, else a plain value of its type and format
/// (which the maintainer should check: `vendor new` prints them all).
fn value_for(field: &Field) -> Value {
    if let Some(v) = &field.example_value {
        return v.clone();
    }
    let scalar = match (field.values.first(), field.format.as_deref()) {
        (Some(first), _) => Value::from(first.as_str()),
        (None, _) if field.ty.as_deref() == Some("boolean") => Value::Bool(true),
        (None, _) if matches!(field.ty.as_deref(), Some("integer" | "number")) => Value::from(1),
        (None, Some("date-time")) => Value::from("2030-01-01T00:00:00Z"),
        (None, Some("date")) => Value::from("2030-01-01"),
        (None, Some("uri" | "url")) => Value::from("https://example.com/"),
        (None, Some("uuid")) => Value::from("00000000-0000-4000-8000-000000000000"),
        (None, Some("email")) => Value::from("user@example.com"),
        (None, _) => Value::from("example"),
    };
    if field.array {
        Value::Array(vec![scalar])
    } else {
        scalar
    }
}

/// The required fields of `op` other than `mapped`, each with [`value_for`] it.
fn unmapped_required(op: &Operation, mapped: &[Option<&Field>]) -> Vec<(Field, Value)> {
    op.fields
        .iter()
        .filter(|f| f.required && f.place != Place::Path)
        .filter(|f| !mapped.iter().flatten().any(|m| m.name == f.name))
        .map(|f| (f.clone(), value_for(f)))
        .collect()
}

/// Names that say "this field names the owner", best first.
const OWNER_WORDS: &[&str] = &[
    "workspace",
    "project",
    "organization",
    "organisation",
    "org",
    "account",
    "team",
    "tenant",
    "brand",
    "company",
    "customer",
    "owner",
    "user",
    "profile",
];
/// Names that say "this field names the provider".
const PROVIDER_WORDS: &[&str] = &[
    "provider",
    "platform",
    "connector",
    "network",
    "integration",
    "service",
    "channel",
    "social",
    "app",
];
/// Names that say "this field takes the URL to send the browser back to".
const REDIRECT_WORDS: &[&str] = &["redirect", "callback", "return", "success", "continue"];
/// Names that say "this answer field is the link to open".
const LINK_WORDS: &[&str] = &[
    "authorization",
    "authorize",
    "auth",
    "redirect",
    "connect",
    "oauth",
    "login",
    "url",
    "link",
    "href",
];

/// A name's letters and digits, lower case: how field and method names are compared
/// (`workspaceId` and `workspace_id` alike).
pub(crate) fn lower(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// `items` joined with commas, or `none`.
fn join_or_none(items: impl Iterator<Item = String>) -> String {
    let all: Vec<String> = items.collect();
    if all.is_empty() {
        "none".to_owned()
    } else {
        all.join(", ")
    }
}

fn list(fields: &[Field]) -> String {
    join_or_none(
        fields
            .iter()
            .map(|f| format!("`{}` ({})", f.name, f.place.label())),
    )
}

/// The operation: the one named, else the only one, else the only `post`.
fn pick_operation(doc: &Value, choices: &Choices) -> Result<Operation, PlanError> {
    let all = inspect::operations(doc);
    let shown = || {
        all.iter()
            .map(|(m, p)| format!("`{m} {p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (method, path) = match &choices.operation {
        Some(given) => {
            let (m, p) = given
                .trim()
                .split_once(' ')
                .ok_or_else(|| PlanError::Infer {
                    what: format!("--operation `{given}` is not `METHOD /path`"),
                    hint: format!("the spec's operations: {}", shown()),
                })?;
            let m = m.to_ascii_lowercase();
            let p = p.trim().to_owned();
            if !all.iter().any(|(am, ap)| *am == m && *ap == p) {
                return Err(PlanError::Infer {
                    what: format!("the spec has no operation `{m} {p}`"),
                    hint: format!("its operations: {}", shown()),
                });
            }
            (m, p)
        }
        None => {
            let posts: Vec<_> = all.iter().filter(|(m, _)| m == "post").collect();
            match (all.as_slice(), posts.as_slice()) {
                ([one], _) => one.clone(),
                (_, [one]) => (*one).clone(),
                _ => {
                    return Err(PlanError::Infer {
                        what: format!(
                            "could not infer the connect operation among {}",
                            if all.is_empty() {
                                "no operation".to_owned()
                            } else {
                                shown()
                            }
                        ),
                        hint: "name it with --operation \"post /path\"".to_owned(),
                    });
                }
            }
        }
    };
    inspect::operation(doc, &method, &path).ok_or_else(|| PlanError::Infer {
        what: format!("the operation `{method} {path}` could not be read"),
        hint: "name another with --operation \"post /path\"".to_owned(),
    })
}

/// The field `given` names, or the best one whose name holds one of `words`.
fn pick_field(
    op: &Operation,
    given: Option<&str>,
    flag: &str,
    words: &[&str],
    accept: impl Fn(&Field) -> bool,
) -> Result<Option<Field>, PlanError> {
    if let Some(name) = given {
        return op
            .fields
            .iter()
            .find(|f| f.name == name)
            .cloned()
            .map(Some)
            .ok_or_else(|| PlanError::Infer {
                what: format!("{flag} `{name}` is no field of `{} {}`", op.method, op.path),
                hint: format!("its fields: {}", list(&op.fields)),
            });
    }
    for word in words {
        let found = op
            .fields
            .iter()
            .filter(|f| accept(f))
            .find(|f| lower(&f.name).contains(word));
        if let Some(f) = found {
            return Ok(Some(f.clone()));
        }
    }
    Ok(None)
}

/// The link in the answer: the pointer given (which must be a string of the answer), else the
/// best string property whose name says link, a URL format first.
fn pick_link(op: &Operation, given: Option<&str>) -> Result<String, PlanError> {
    let shown = || join_or_none(op.answer.iter().map(|(p, _)| format!("`{p}`")));
    if let Some(pointer) = given {
        if op.answer.iter().any(|(p, _)| p == pointer) {
            return Ok(pointer.to_owned());
        }
        return Err(PlanError::Infer {
            what: format!("--link `{pointer}` is no string of the success answer"),
            hint: format!("its strings: {}", shown()),
        });
    }
    let uri = |f: &Option<String>| matches!(f.as_deref(), Some("uri" | "url" | "uri-reference"));
    let last = |p: &str| lower(p.rsplit('/').next().unwrap_or(p));
    let mut best: Option<(usize, &String)> = None;
    for (pointer, format) in &op.answer {
        let name = last(pointer);
        let word = LINK_WORDS.iter().position(|w| name.contains(w));
        let rank = match (uri(format), word) {
            (true, Some(w)) => w,
            (true, None) => LINK_WORDS.len(),
            (false, Some(w)) if name.contains("url") || name.contains("link") => {
                LINK_WORDS.len() + 1 + w
            }
            _ => continue,
        };
        if best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, pointer));
        }
    }
    best.map(|(_, p)| p.clone())
        .ok_or_else(|| PlanError::Infer {
            what: format!(
                "could not infer where the link is in the success answer of `{} {}` (its \
                 strings: {})",
                op.method,
                op.path,
                shown()
            ),
            hint: "name it with --link POINTER (a JSON pointer, e.g. /data/auth_url)".to_owned(),
        })
}

/// Infers the plan of a new vendor `name` from its spec `doc`.
pub(crate) fn plan(
    name: &str,
    order: u32,
    doc: &Value,
    choices: &Choices,
) -> Result<Plan, PlanError> {
    let op = pick_operation(doc, choices)?;
    let (op_method, op_path) = (op.method.clone(), op.path.clone());
    let provider = pick_field(
        &op,
        choices.provider.as_deref(),
        "--provider",
        PROVIDER_WORDS,
        |f| f.format.is_none() || !f.values.is_empty(),
    )?
    .or_else(|| {
        // A single required field that lists values is the provider of most connect calls.
        let listed: Vec<_> = op
            .fields
            .iter()
            .filter(|f| f.required && !f.values.is_empty())
            .collect();
        (listed.len() == 1).then(|| listed[0].clone())
    })
    .ok_or_else(|| PlanError::Infer {
        what: format!(
            "could not infer which field of `{} {}` names the provider (its fields: {})",
            op.method,
            op.path,
            list(&op.fields)
        ),
        hint: "name it with --provider FIELD".to_owned(),
    })?;
    let others = |f: &Field| f.name != provider.name;
    let owner = pick_field(&op, choices.owner.as_deref(), "--owner", OWNER_WORDS, |f| {
        others(f) && !matches!(f.format.as_deref(), Some("uri" | "url"))
    })?;
    let redirect = pick_field(
        &op,
        choices.redirect.as_deref(),
        "--redirect",
        REDIRECT_WORDS,
        |f| {
            others(f)
                && owner.as_ref().is_none_or(|o| o.name != f.name)
                && (matches!(f.format.as_deref(), Some("uri" | "url"))
                    || lower(&f.name).contains("url")
                    || lower(&f.name).contains("uri"))
        },
    )?;
    let link = pick_link(&op, choices.link.as_deref())?;
    // An optional object in the body named like parameters or options: the request's own
    // integration parameters (Aitronos's `integration_params`).
    let params = op
        .fields
        .iter()
        .filter(|f| f.place == Place::Body && !f.required && f.ty.as_deref() == Some("object"))
        .filter(|f| owner.as_ref().is_none_or(|o| o.name != f.name))
        .find(|f| {
            let name = lower(&f.name);
            ["param", "option", "extra", "setting"]
                .iter()
                .any(|w| name.contains(w))
        })
        .cloned();
    let values = unmapped_required(&op, &[Some(&provider), owner.as_ref(), redirect.as_ref()]);
    let display = choices.display.clone().unwrap_or_else(|| pascal(name));
    Ok(Plan {
        name: name.to_owned(),
        display,
        order,
        op,
        owner,
        provider,
        redirect,
        link,
        values,
        query_key: inspect::query_key(doc, &op_method, &op_path),
        params,
    })
}

/// The plan of a vendor that has a manifest already: its operation as the spec states it, and
/// the fields the manifest names (each must be one the operation has).
pub(crate) fn plan_of(vendor: &crate::vendors::Vendor, doc: &Value) -> Result<Plan, PlanError> {
    let c = &vendor.connect;
    let op = inspect::operation(doc, &c.method.to_ascii_lowercase(), &c.path).ok_or_else(|| {
        PlanError::Infer {
            what: format!(
                "{}: specs/{}/openapi.yaml has no operation `{} {}`",
                vendor.name, vendor.name, c.method, c.path
            ),
            hint: format!("fix `[connect]` in specs/{}/vendor.toml", vendor.name),
        }
    })?;
    let find = |name: &str, key: &str| {
        op.fields
            .iter()
            .find(|f| f.name == name)
            .cloned()
            .ok_or_else(|| PlanError::Infer {
                what: format!(
                    "{}: the manifest's `{key} = {name:?}` is no field of `{} {}` (its fields: {})",
                    vendor.name,
                    op.method,
                    op.path,
                    list(&op.fields)
                ),
                hint: format!("fix `[connect]` in specs/{}/vendor.toml", vendor.name),
            })
    };
    let provider = find(&c.provider, "provider")?;
    let owner = c.owner.as_deref().map(|o| find(o, "owner")).transpose()?;
    let redirect = c
        .redirect
        .as_deref()
        .map(|r| find(r, "redirect"))
        .transpose()?;
    let params = c.params.as_deref().map(|p| find(p, "params")).transpose()?;
    let values = c
        .values
        .iter()
        .map(|(name, value)| Ok((find(name, "values")?, value.clone())))
        .collect::<Result<Vec<_>, PlanError>>()?;
    Ok(Plan {
        name: vendor.name.clone(),
        display: vendor.display.clone(),
        order: vendor.order,
        op,
        owner,
        provider,
        redirect,
        link: c.link.clone(),
        values,
        query_key: inspect::query_key(doc, &c.method.to_ascii_lowercase(), &c.path),
        params,
    })
}

/// What a field's owner is called, for the pages: `workspaceId` → `Workspace`.
fn owner_kind(owner: Option<&Field>) -> String {
    let Some(owner) = owner else {
        return "Account".to_owned();
    };
    let name = lower(&owner.name);
    let word = OWNER_WORDS
        .iter()
        .find(|w| name.contains(*w))
        .copied()
        .unwrap_or("owner");
    pascal(word)
}

/// A value of the provider field the spec accepts, for the sample request.
fn sample_provider(provider: &Field) -> String {
    provider
        .values
        .first()
        .cloned()
        .unwrap_or_else(|| "linkedin".to_owned())
}

/// The demo owner's id: the spec's example of the owner field, else a uuid where the field is
/// one, else `{name}_demo`; the first of those its `pattern` (if any) takes.
fn demo_owner(plan: &Plan) -> String {
    let Some(owner) = plan.owner.as_ref() else {
        return format!("{}_demo", plan.name);
    };
    let uuid = "00000000-0000-4000-8000-00000000d3e0".to_owned();
    let mut candidates: Vec<String> = owner.example.iter().cloned().collect();
    if owner.format.as_deref() == Some("uuid") {
        candidates.push(uuid);
    }
    candidates.push(format!("{}_demo", plan.name));
    candidates.push(format!("{}demo1", plan.name));
    // The pattern's literal start (`^ws_` of `^ws_[A-Za-z0-9]{4,32}$`) before a plain id.
    if let Some(pattern) = owner.pattern.as_deref() {
        let prefix: String = pattern
            .trim_start_matches('^')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':'))
            .collect();
        for tail in ["demo1", "00000001", "demo"] {
            candidates.push(format!("{prefix}{}{tail}", plan.name));
            candidates.push(format!("{prefix}{tail}"));
        }
    }
    let takes = |c: &String| match owner.pattern.as_deref() {
        None => true,
        Some(p) => regex::Regex::new(p).map_or(true, |re| re.is_match(c)),
    };
    candidates
        .iter()
        .find(|c| takes(c))
        .unwrap_or(&candidates[0])
        .clone()
}

/// A JSON scalar or array of scalars as TOML (JSON's string escapes are TOML's); `None` for
/// an object, which the manifest cannot hold here.
fn toml_value(v: &Value) -> Option<String> {
    match v {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        Value::Array(items) => {
            let items: Option<Vec<String>> = items.iter().map(toml_value).collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        Value::Null | Value::Object(_) => None,
    }
}

/// The manifest's `values` line, where the operation requires fields the unified model has no
/// place for.
fn values_line(values: &[(Field, Value)]) -> String {
    let items: Vec<String> = values
        .iter()
        .filter_map(|(f, v)| Some(format!("{} = {}", toml_key(&f.name), toml_value(v)?)))
        .collect();
    if items.is_empty() {
        return String::new();
    }
    format!(
        "# What the SDK sends for the required fields the unified model has no place for, from\n\
         # the spec's examples, defaults or first enum values: check them.\nvalues = {{ {} }}\n",
        items.join(", ")
    )
}

/// A TOML key: bare where it can be, else quoted.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_owned()
    } else {
        Value::from(name).to_string()
    }
}

/// The manifest's text.
pub(crate) fn manifest(plan: &Plan) -> String {
    let field = |f: &Option<Field>, key: &str, what: &str| match f {
        Some(f) => format!(
            "# The {} that {what}.\n{key} = {:?}\n",
            f.place.label(),
            f.name
        ),
        None => format!("# No field {what} (else: {key} = \"FIELD\").\n"),
    };
    let kind = owner_kind(plan.owner.as_ref());
    format!(
        r#"# What social-connect knows of {display} that its spec does not state. Written by
# `cargo xtask vendor new` from the spec; edit it, then run `cargo xtask codegen`.

# Lower case: the folder under specs/, the module and file names, the cargo feature, the URL slug.
name = "{name}"
# How the vendor names itself (also the Rust variant, without punctuation).
display = "{display}"
# Where it stands in every list of vendors (`Vendor::ALL`, the tour, the tables): ascending.
order = {order}
# One line for the docs of the vendor's variant.
summary = "{display} (`{method} {path}`): scaffolded from its spec, on the engine's default rules."
# true when the vendor publishes no OpenAPI document and its openapi.yaml was written from its
# prose reference.
authored = false

# The connect operation, and which of its fields carry what the unified model names.
[connect]
method = "{method_lower}"
path = "{path}"
# The good name of the generated operation (progenitor's method).
operation = "connect_account"
{owner}# The {provider_place} that names the provider (the service connected).
provider = "{provider}"
{redirect}{params}# The JSON pointer of the link in the success answer.
link = "{link}"
{values}
# The mock's rules for the vendor that its spec does not state.
[mock]
# Where the mock serves it: this, then the path of the first server URL its spec names.
mount = "/{name}"
# What the vendor calls the owner, for the pages.
owner_kind = "{kind}"
# The prefix of the ids of the accounts its flows connect.
account_prefix = "{prefix}"
# At most one connected account per platform and owner.
one_account_per_platform = false
# The provider of the sample connect request (`samples::connect`), as the vendor spells it.
sample_provider = "{sample}"
# The owners the default fixture gives the vendor. `members`: "both" (the owner key as owner,
# the member key as a plain member), "owner" (the owner key alone) or "member" (the member key
# alone, as owner). The sample request names the first one where the spec requires an owner.
demo_owners = [{{ id = "{demo}", name = "Demo {kind_lower}", members = "both" }}]
{result}"#,
        name = plan.name,
        display = plan.display,
        order = plan.order,
        method = plan.op.method.to_ascii_uppercase(),
        method_lower = plan.op.method,
        path = plan.op.path,
        owner = field(&plan.owner, "owner", "names the owner of the connection"),
        provider_place = plan.provider.place.label(),
        provider = plan.provider.name,
        redirect = field(
            &plan.redirect,
            "redirect",
            "takes the URL the browser is sent back to"
        ),
        link = plan.link,
        params = plan
            .params
            .as_ref()
            .map(|p| format!(
                "# The body field that takes the request's integration parameters.\nparams = {:?}\n",
                p.name
            ))
            .unwrap_or_default(),
        values = values_line(&plan.values),
        kind = kind,
        kind_lower = kind.to_ascii_lowercase(),
        prefix = &plan.name[..plan.name.len().min(3)],
        sample = sample_provider(&plan.provider),
        demo = demo_owner(plan),
        result = if plan.redirect.is_some() {
            REDIRECT_RESULT_HINT
        } else {
            ""
        },
    )
}

/// For a vendor that sends the browser back: where its docs say it reports the outcome there.
const REDIRECT_RESULT_HINT: &str = r#"
# Where the vendor's docs say it appends a flow's outcome to the query of the redirect back to
# the app, name the parameters here (the SDK reads the outcome with them, the mock writes it):
# [redirect_result]
# status = "status"
# success = "success"
# failure = "error"
# owner = "OWNER_PARAMETER"
# provider = "PROVIDER_PARAMETER"
# accounts = "ACCOUNT_IDS_PARAMETER"
# error = "error"
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::inspect::Place;

    fn doc(yaml: &str) -> Value {
        let y: serde_norway::Value = serde_norway::from_str(yaml).unwrap();
        serde_json::to_value(y).unwrap()
    }

    const LUMEN: &str = include_str!("../../../tests/data/lumen.yaml");

    fn infer(yaml: &str, choices: &Choices) -> Result<Plan, String> {
        plan("acme", 6, &doc(yaml), choices).map_err(|e| e.to_string())
    }

    #[test]
    fn every_field_of_a_plain_spec_is_inferred() {
        let p = infer(LUMEN, &Choices::default()).unwrap();
        assert_eq!(
            (p.op.method.as_str(), p.op.path.as_str()),
            ("post", "/connections")
        );
        assert_eq!(p.provider.name, "network");
        assert_eq!(p.provider.place, Place::Body);
        let owner = p.owner.as_ref().unwrap();
        assert_eq!((owner.name.as_str(), owner.place), ("teamId", Place::Query));
        assert_eq!(p.redirect.as_ref().unwrap().name, "returnUrl");
        assert_eq!(p.link, "/data/auth_url");
        let manifest = manifest(&p);
        let v: crate::vendors::Vendor = toml::from_str(&manifest).unwrap();
        assert_eq!(v.mock.sample_provider, "linkedin");
        assert_eq!(v.mock.owner_kind, "Team");
        // It sends the browser back: the hint of its redirect result is there, commented out,
        // and a manifest once it is filled in.
        assert!(v.redirect_result.is_none());
        let filled = manifest.replace("\n# [redirect_result]", "\n[redirect_result]");
        let filled = [
            "status", "success", "failure", "owner", "provider", "accounts", "error",
        ]
        .iter()
        .fold(filled, |m, k| {
            m.replace(&format!("\n# {k} = "), &format!("\n{k} = "))
        });
        let v: crate::vendors::Vendor = toml::from_str(&filled).unwrap();
        assert_eq!(v.redirect_result.unwrap().accounts, "ACCOUNT_IDS_PARAMETER");
        let pathed = super::manifest(&infer(PATHED, &Choices::default()).unwrap());
        assert!(
            !pathed.contains("[redirect_result]"),
            "no redirect, no hint"
        );
    }

    /// A provider in the path, no owner at all, and a link named `href` under `links`.
    const PATHED: &str = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /oauth/{service}/start:
    post:
      parameters:
        - {in: path, name: service, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  links:
                    type: object
                    properties:
                      href: {type: string, format: uri}
"#;

    #[test]
    fn a_provider_in_the_path_and_no_owner() {
        let p = infer(PATHED, &Choices::default()).unwrap();
        assert_eq!(
            (p.provider.name.as_str(), p.provider.place),
            ("service", Place::Path)
        );
        assert!(p.owner.is_none());
        assert!(p.redirect.is_none());
        assert_eq!(p.link, "/links/href");
        assert!(manifest(&p).contains("# No field names the owner of the connection"));
    }

    #[test]
    fn what_cannot_be_inferred_is_named_with_its_flag() {
        let vague = PATHED
            .replace("{service}", "{thing}")
            .replace("name: service", "name: thing")
            .replace("format: uri", "format: byte")
            .replace("href:", "blob:");
        let err = infer(&vague, &Choices::default()).unwrap_err();
        assert!(err.contains("--provider FIELD"), "{err}");
        assert!(err.contains("`thing` (path parameter)"), "{err}");
        let choices = Choices {
            provider: Some("thing".into()),
            ..Choices::default()
        };
        let err = infer(&vague, &choices).unwrap_err();
        assert!(err.contains("--link POINTER"), "{err}");
        assert!(err.contains("`/links/blob`"), "{err}");
        let choices = Choices {
            provider: Some("thing".into()),
            link: Some("/links/blob".into()),
            ..Choices::default()
        };
        assert_eq!(infer(&vague, &choices).unwrap().link, "/links/blob");
    }

    #[test]
    fn a_flag_must_name_what_the_operation_has() {
        let choices = Choices {
            owner: Some("tenant".into()),
            ..Choices::default()
        };
        let err = infer(LUMEN, &choices).unwrap_err();
        assert!(err.contains("--owner `tenant` is no field"), "{err}");
        assert!(err.contains("`teamId` (query parameter)"), "{err}");
        let choices = Choices {
            link: Some("/url".into()),
            ..Choices::default()
        };
        let err = infer(LUMEN, &choices).unwrap_err();
        assert!(err.contains("`/data/auth_url`"), "{err}");
    }

    const UNISON: &str = include_str!("../../../tests/data/corpus/unison.yaml");
    const QUILL: &str = include_str!("../../../tests/data/corpus/quill.yaml");

    #[test]
    fn required_fields_the_model_has_no_place_for_get_the_specs_values() {
        let p = infer(UNISON, &Choices::default()).unwrap();
        assert_eq!(p.provider.name, "providers");
        assert!(p.provider.array, "an array of providers");
        assert_eq!(
            p.provider.values.first().map(String::as_str),
            Some("LINKEDIN")
        );
        assert!(p.owner.is_none());
        let values: Vec<(String, Value)> = p
            .values
            .iter()
            .map(|(f, v)| (f.name.clone(), v.clone()))
            .collect();
        assert_eq!(
            values,
            [
                ("type".to_owned(), Value::from("create")),
                (
                    "api_url".to_owned(),
                    Value::from("https://api1.unison.example")
                ),
                (
                    "expiresOn".to_owned(),
                    Value::from("2030-12-22T12:00:00.701Z")
                ),
            ]
        );
        let text = manifest(&p);
        let v: crate::vendors::Vendor = toml::from_str(&text).unwrap();
        assert_eq!(v.connect.values.len(), 3, "{text}");
        assert_eq!(v.connect.values["expiresOn"], "2030-12-22T12:00:00.701Z");
        assert_eq!(v.mock.sample_provider, "LINKEDIN");
        // Read back from the manifest, the same plan.
        let again = plan_of(&v, &doc(UNISON)).unwrap();
        assert_eq!(again.values.len(), 3);
        assert!(again.provider.array);
    }

    #[test]
    fn values_without_an_example_are_plain_values_of_their_type() {
        let field = |ty: &str, format: Option<&str>, array: bool| Field {
            name: "f".into(),
            place: Place::Body,
            required: true,
            format: format.map(str::to_owned),
            values: Vec::new(),
            pattern: None,
            example: None,
            example_value: None,
            array,
            ty: Some(ty.to_owned()),
        };
        assert_eq!(value_for(&field("boolean", None, false)), Value::Bool(true));
        assert_eq!(value_for(&field("integer", None, false)), Value::from(1));
        assert_eq!(
            value_for(&field("string", Some("date-time"), false)),
            Value::from("2030-01-01T00:00:00Z")
        );
        assert_eq!(
            value_for(&field("array", None, true)),
            serde_json::json!(["example"])
        );
        assert_eq!(
            toml_value(&serde_json::json!(["a\"b", 1, true])).as_deref(),
            Some(r#"["a\"b", 1, true]"#)
        );
        assert_eq!(toml_value(&serde_json::json!({"a": 1})), None);
        assert_eq!(toml_key("plain_key-1"), "plain_key-1");
        assert_eq!(toml_key("with space"), "\"with space\"");
    }

    #[test]
    fn the_demo_owner_is_one_the_owners_pattern_takes() {
        let p = infer(QUILL, &Choices::default()).unwrap();
        let owner = p.owner.as_ref().unwrap();
        assert_eq!(
            (owner.name.as_str(), owner.place),
            ("workspace", Place::Body)
        );
        assert_eq!(demo_owner(&p), "ws_demo1", "the spec's example");
        // Without the example, the first candidate the pattern takes.
        let no_example = QUILL.replace("                  example: ws_demo1\n", "");
        let p = infer(&no_example, &Choices::default()).unwrap();
        let id = demo_owner(&p);
        let re = regex::Regex::new(p.owner.as_ref().unwrap().pattern.as_deref().unwrap()).unwrap();
        assert!(re.is_match(&id), "{id}");
        // The provider is the path's enum, its values as the spec spells them.
        assert_eq!(p.provider.place, Place::Path);
        assert!(p.provider.values.contains(&"x.com".to_owned()));
        assert_eq!(p.link, "/links/0/href");
    }

    #[test]
    fn a_manifest_naming_a_field_the_spec_lacks_is_refused_naming_it() {
        let p = infer(UNISON, &Choices::default()).unwrap();
        let mut v: crate::vendors::Vendor = toml::from_str(&manifest(&p)).unwrap();
        v.connect.provider = "platforms".into();
        let err = plan_of(&v, &doc(UNISON)).err().unwrap().to_string();
        assert!(
            err.contains("`provider = \"platforms\"` is no field"),
            "{err}"
        );
        assert!(err.contains("specs/acme/vendor.toml"), "{err}");
    }

    #[test]
    fn several_operations_need_the_one_named() {
        let two = LUMEN.replace(
            "components:",
            "  /connections/{id}:\n    post:\n      responses: {'204': {description: gone}}\ncomponents:",
        );
        let err = infer(&two, &Choices::default()).unwrap_err();
        assert!(err.contains("--operation"), "{err}");
        let choices = Choices {
            operation: Some("post /connections".into()),
            ..Choices::default()
        };
        assert_eq!(infer(&two, &choices).unwrap().provider.name, "network");
    }
}
