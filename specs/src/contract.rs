//! The model: what one vendor's spec states about its connect operation.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What one vendor's spec states about its connect operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// The vendor's lower-case name.
    pub vendor: String,
    /// `info.version`.
    pub version: String,
    /// The server URLs, in the spec's order.
    pub servers: Vec<String>,
    /// The connect operation's method, upper case.
    pub method: String,
    /// The connect operation's path.
    pub path: String,
    /// The ways the operation takes the API key, in the spec's order (any one suffices).
    pub auth: Vec<Auth>,
    /// Query parameters (the operation's, and its path item's that it does not override).
    pub query: Vec<Param>,
    /// Path parameters, in the order the path names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_params: Vec<Param>,
    /// The request body, when the operation has one.
    pub body: Option<Body>,
    /// The documented responses, in the spec's order.
    pub responses: Vec<Response>,
}

/// One way of passing the API key.
///
/// Its names are `Cow`s so that a table of schemes can be a `static` (the SDK's generated facts)
/// as well as read from a contract.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic base64(<key>)`, the key being `user:password` (or a user alone).
    Basic,
    /// The key as it is in a header (name lower-cased).
    Header(Cow<'static, str>),
    /// The key in a query parameter.
    Query(Cow<'static, str>),
    /// A scheme the project does not model (named as the spec names it).
    Other(Cow<'static, str>),
}

impl Auth {
    /// The key in the header `name` (lower case).
    pub const fn header(name: &'static str) -> Auth {
        Auth::Header(Cow::Borrowed(name))
    }

    /// The key in the query parameter `name`.
    pub const fn query(name: &'static str) -> Auth {
        Auth::Query(Cow::Borrowed(name))
    }

    /// Whether the key goes in the query rather than a header.
    pub fn in_query(&self) -> bool {
        matches!(self, Auth::Query(_))
    }

    /// The header that carries `key` in this scheme: its name (lower case) and its value.
    /// `None` for a key that goes in the query, or a scheme the project does not model.
    ///
    /// For `Basic`, a key of the form `user:password` is sent as it is, any other as the user
    /// name with an empty password.
    ///
    /// ```
    /// use social_connect_spec::Auth;
    /// assert_eq!(Auth::Bearer.credentials("k"), Some(("authorization", "Bearer k".to_owned())));
    /// assert_eq!(Auth::header("x-api-key").credentials("k"), Some(("x-api-key", "k".to_owned())));
    /// assert_eq!(Auth::query("api_key").credentials("k"), None);
    /// ```
    pub fn credentials(&self, key: &str) -> Option<(&str, String)> {
        Some(match self {
            Auth::Bearer => ("authorization", format!("Bearer {key}")),
            Auth::Basic => {
                use base64::Engine as _;
                let credentials = if key.contains(':') {
                    key.to_owned()
                } else {
                    format!("{key}:")
                };
                let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
                ("authorization", format!("Basic {encoded}"))
            }
            Auth::Header(name) => (name, key.to_owned()),
            Auth::Query(_) | Auth::Other(_) => return None,
        })
    }

    /// The key a request carries in this scheme, given its headers (by lower-case name) and
    /// its query parameters; `None` when it carries none (or an empty one).
    ///
    /// A header scheme takes the header's last word, so that a vendor's own prefix
    /// (`Authorization: Token <key>`, which a spec can only state as an API key in the
    /// `Authorization` header) is read too. `Basic` takes the user name, or the password where
    /// the user name is empty (RFC 7617).
    ///
    /// ```
    /// use social_connect_spec::Auth;
    /// let headers = |name: &str| (name == "authorization").then_some("bearer k1");
    /// assert_eq!(Auth::Bearer.read(headers, |_| None).as_deref(), Some("k1"));
    /// assert_eq!(Auth::Basic.read(headers, |_| None), None);
    /// ```
    pub fn read<'r>(
        &self,
        headers: impl Fn(&str) -> Option<&'r str>,
        query: impl Fn(&str) -> Option<String>,
    ) -> Option<String> {
        match self {
            Auth::Bearer => {
                let v = headers("authorization")?.trim();
                let (scheme, rest) = v.split_once(' ')?;
                let rest = rest.trim();
                (scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty()).then(|| rest.to_owned())
            }
            Auth::Basic => {
                use base64::Engine as _;
                let v = headers("authorization")?.trim();
                let (scheme, rest) = v.split_once(' ')?;
                if !scheme.eq_ignore_ascii_case("basic") {
                    return None;
                }
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(rest.trim())
                    .ok()?;
                let text = String::from_utf8(decoded).ok()?;
                let (user, password) = text.split_once(':').unwrap_or((&text, ""));
                let key = if user.is_empty() { password } else { user };
                (!key.is_empty()).then(|| key.to_owned())
            }
            Auth::Header(name) => headers(name)
                .map(str::trim)
                .and_then(|s| s.rsplit(' ').next())
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            Auth::Query(name) => query(name).filter(|s| !s.is_empty()),
            Auth::Other(_) => None,
        }
    }
}

/// A query parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Whether the operation requires it.
    pub required: bool,
    /// Its schema.
    pub schema: Schema,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Whether the operation requires one.
    pub required: bool,
    /// Its media type (the first the spec lists).
    pub media: String,
    /// Its schema.
    pub schema: Schema,
}

/// A documented response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The status as the spec writes it (`200`, `4XX`, `default`).
    pub status: String,
    /// Its media type, when it documents a body.
    pub media: Option<String>,
    /// Its body's schema, when it documents one.
    pub schema: Option<Schema>,
}

/// The JSON types a schema can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ty {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
    /// `object`
    Object,
    /// `array`
    Array,
    /// `null`
    Null,
}

impl Ty {
    /// Each type and the name a schema's `type` spells it with.
    const NAMES: [(Ty, &'static str); 7] = [
        (Ty::String, "string"),
        (Ty::Integer, "integer"),
        (Ty::Number, "number"),
        (Ty::Boolean, "boolean"),
        (Ty::Object, "object"),
        (Ty::Array, "array"),
        (Ty::Null, "null"),
    ];

    /// The type a schema's `type` names (`"string"`, …).
    pub fn parse(s: &str) -> Option<Ty> {
        Self::NAMES.iter().find(|(_, n)| *n == s).map(|(t, _)| *t)
    }

    /// The name a schema's `type` spells it with (`"string"`, …).
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("", |(_, n)| n)
    }
}

/// The part of a JSON schema the contract keeps: what a validator can check.
///
/// A field a contract leaves out reads as its [`Default`]: a schema that allows anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schema {
    /// The allowed types; empty for any.
    pub types: Vec<Ty>,
    /// `format`.
    pub format: Option<String>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `enum` (or `const`, as a one-value enum).
    pub values: Option<Vec<Value>>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `properties`, in the spec's order, each with whether `required` names it.
    pub properties: Vec<Property>,
    /// Whether properties not named are allowed (`additionalProperties` not `false`).
    pub additional: bool,
    /// `items`.
    pub items: Option<Box<Schema>>,
    /// The value the spec gives as an example of this schema: its `example`, else the first
    /// of its `examples`, else its `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

/// An object's property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Property {
    /// Its name.
    pub name: String,
    /// Whether the object's `required` names it.
    pub required: bool,
    /// Its schema.
    pub schema: Schema,
}

impl Default for Schema {
    /// A schema that allows anything.
    fn default() -> Schema {
        Schema {
            types: Vec::new(),
            format: None,
            pattern: None,
            values: None,
            min_length: None,
            max_length: None,
            minimum: None,
            maximum: None,
            properties: Vec::new(),
            additional: true,
            items: None,
            example: None,
        }
    }
}

impl Schema {
    /// The property called `name`.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

impl Contract {
    /// A contract as `cargo xtask codegen` writes it to `specs/<vendor>/contract.json` (the
    /// contract and the sha256 of the spec it was read from); `None` when `json` is not one.
    pub fn from_snapshot(json: &str) -> Option<Contract> {
        #[derive(Deserialize)]
        struct Snapshot {
            contract: Contract,
        }
        serde_json::from_str::<Snapshot>(json)
            .ok()
            .map(|s| s.contract)
    }

    /// The path the mock serves the vendor's API under: its manifest's `mock.mount` and the
    /// path of the first server URL (`/woopsocial` and `https://api.woopsocial.com/v1` →
    /// `/woopsocial/v1`).
    ///
    /// ```
    /// let woop = social_connect_spec::contract("woopsocial").unwrap();
    /// assert_eq!(woop.mock_prefix("/woopsocial"), "/woopsocial/v1");
    /// ```
    pub fn mock_prefix(&self, mount: &str) -> String {
        let server_path = self
            .servers
            .first()
            .and_then(|s| s.split_once("://").map(|(_, rest)| rest))
            .and_then(|rest| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("")
            .trim_end_matches('/');
        format!("{mount}{server_path}")
    }

    /// The first server URL that is not a local one, if any.
    pub fn public_server(&self) -> Option<&str> {
        self.servers
            .iter()
            .map(String::as_str)
            .find(|s| !is_local(s))
    }

    /// The status of the first documented 2xx response.
    ///
    /// ```
    /// let postbreeze = social_connect_spec::contract("postbreeze").unwrap();
    /// assert_eq!(postbreeze.success_status(), Some(201));
    /// ```
    pub fn success_status(&self) -> Option<u16> {
        self.responses
            .iter()
            .filter_map(|r| r.status.parse::<u16>().ok())
            .find(|s| (200..300).contains(s))
    }

    /// The documented response for `status`: its own, else its class (`4XX`), else `default`.
    ///
    /// ```
    /// let recoup = social_connect_spec::contract("recoup").unwrap();
    /// assert_eq!(recoup.response(401).map(|r| r.status.as_str()), Some("401"));
    /// assert!(recoup.response(418).is_none(), "Recoup documents no 418 and no default");
    /// ```
    pub fn response(&self, status: u16) -> Option<&Response> {
        let exact = status.to_string();
        let class = format!("{}XX", status / 100);
        let find = |want: &str| {
            self.responses
                .iter()
                .find(|r| r.status.eq_ignore_ascii_case(want))
        };
        find(&exact)
            .or_else(|| find(&class))
            .or_else(|| find("default"))
    }
}

/// How a value a schema lists (an `enum` value, an example) reads in a message or a table: a
/// string as it is, anything else as its JSON.
///
/// ```
/// use social_connect_spec::literal_text;
/// assert_eq!(literal_text(&serde_json::json!("FACEBOOK")), "FACEBOOK");
/// assert_eq!(literal_text(&serde_json::json!(3)), "3");
/// ```
pub fn literal_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether `url`'s host is this machine's (a server a spec lists for local development).
fn is_local(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // An IPv6 host is bracketed, and holds colons of its own: the port follows the bracket.
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    host == "localhost" || host.starts_with("127.") || host == "::1" || host == "0.0.0.0"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(auth: &Auth, header: Option<(&str, &str)>, query: Option<&str>) -> Option<String> {
        auth.read(
            |name| header.filter(|(n, _)| *n == name).map(|(_, v)| v),
            |name| query.filter(|_| name == "api_key").map(str::to_owned),
        )
    }

    #[test]
    fn a_key_is_read_in_every_scheme_a_spec_can_state() {
        let raw = Auth::header("x-key");
        assert_eq!(
            read(&raw, Some(("x-key", " k1 ")), None).as_deref(),
            Some("k1")
        );
        let prefixed = Auth::header("authorization");
        let token = Some(("authorization", "Token k2"));
        assert_eq!(read(&prefixed, token, None).as_deref(), Some("k2"));
        let bearer = Some(("authorization", "bearer k3"));
        assert_eq!(read(&Auth::Bearer, bearer, None).as_deref(), Some("k3"));
        let basic_sent = Some(("authorization", "Basic k3"));
        assert_eq!(read(&Auth::Bearer, basic_sent, None), None);
        // RFC 7617's credentials: the user name is the key; a key alone as the password too.
        let aladdin = Some(("authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assert_eq!(
            read(&Auth::Basic, aladdin, None).as_deref(),
            Some("Aladdin")
        );
        let not_utf8 = Some(("authorization", "Basic Ov8="));
        assert_eq!(read(&Auth::Basic, not_utf8, None), None, "not UTF-8");
        let password_only = Some(("authorization", "Basic Oms0"));
        assert_eq!(
            read(&Auth::Basic, password_only, None).as_deref(),
            Some("k4")
        );
        let garbage = Some(("authorization", "Basic !!"));
        assert_eq!(read(&Auth::Basic, garbage, None), None);
        let query = Auth::query("api_key");
        assert_eq!(read(&query, None, Some("k5")).as_deref(), Some("k5"));
        assert_eq!(read(&query, None, Some("")), None);
        assert_eq!(read(&Auth::Other("oauth2".into()), bearer, None), None);
    }

    #[test]
    fn credentials_are_what_each_scheme_reads_back() {
        for auth in [Auth::Bearer, Auth::Basic, Auth::header("x-api-key")] {
            for key in ["sk_test", "user:password"] {
                let (name, value) = auth.credentials(key).expect("a header scheme");
                let back = read(&auth, Some((name, &value)), None);
                // Basic sends a `user:password` key as its two parts; the user is read back.
                let want = if auth == Auth::Basic {
                    key.split(':').next()
                } else {
                    Some(key)
                };
                assert_eq!(back.as_deref(), want, "{auth:?} {key}");
            }
        }
        assert_eq!(
            Auth::Basic.credentials("Aladdin:open sesame"),
            Some((
                "authorization",
                "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".to_owned()
            ))
        );
        assert_eq!(Auth::query("api_key").credentials("k"), None);
        assert_eq!(Auth::Other("x".into()).credentials("k"), None);
    }

    /// A contract of a `POST /x` with `servers` and a response per status, bodies undocumented.
    fn contract(servers: &[&str], statuses: &[&str]) -> Contract {
        Contract {
            vendor: "t".into(),
            version: "1".into(),
            servers: servers.iter().map(|s| (*s).to_owned()).collect(),
            method: "POST".into(),
            path: "/x".into(),
            auth: vec![],
            query: vec![],
            path_params: vec![],
            body: None,
            responses: statuses
                .iter()
                .map(|status| Response {
                    status: (*status).to_owned(),
                    media: None,
                    schema: None,
                })
                .collect(),
        }
    }

    #[test]
    fn every_json_type_is_read_by_its_name_and_nothing_else() {
        let names = [
            "string", "integer", "number", "boolean", "object", "array", "null",
        ];
        let types = [
            Ty::String,
            Ty::Integer,
            Ty::Number,
            Ty::Boolean,
            Ty::Object,
            Ty::Array,
            Ty::Null,
        ];
        for (name, ty) in names.iter().zip(types) {
            assert_eq!(Ty::parse(name), Some(ty), "{name}");
            assert_eq!(ty.name(), *name);
            // The serialised form is the name too (contract.json).
            assert_eq!(serde_json::to_value(ty).unwrap(), *name);
        }
        assert_eq!(Ty::parse("String"), None);
        assert_eq!(Ty::parse("file"), None);
    }

    #[test]
    fn a_property_is_found_by_its_name() {
        let schema: Schema = serde_json::from_value(serde_json::json!({
            "properties": [
                {"name": "a", "required": true, "schema": {}},
                {"name": "b", "required": false, "schema": {"types": ["string"]}},
            ],
        }))
        .unwrap();
        assert_eq!(schema.property("b").map(|p| p.required), Some(false));
        assert_eq!(schema.property("a").map(|p| p.required), Some(true));
        assert!(schema.property("c").is_none());
        assert!(schema.additional, "absent: any other property is allowed");
    }

    #[test]
    fn only_a_query_scheme_takes_the_key_in_the_query() {
        assert!(Auth::query("api_key").in_query());
        for auth in [
            Auth::Bearer,
            Auth::Basic,
            Auth::header("x"),
            Auth::Other("o".into()),
        ] {
            assert!(!auth.in_query(), "{auth:?}");
        }
    }

    #[test]
    fn a_local_server_is_never_the_public_one() {
        let with = |servers: &[&str]| contract(servers, &[]);
        for local in [
            "http://localhost:4100/api",
            "http://127.0.0.1:9/v1",
            "http://[::1]:8080",
            "http://0.0.0.0:80/",
        ] {
            assert_eq!(with(&[local]).public_server(), None, "{local}");
            let both = with(&[local, "https://api.example.com"]);
            assert_eq!(
                both.public_server(),
                Some("https://api.example.com"),
                "{local}"
            );
        }
        assert_eq!(
            with(&["https://localhost.example.com"]).public_server(),
            Some("https://localhost.example.com"),
            "a host that only starts like localhost"
        );
    }

    #[test]
    fn a_response_is_found_by_status_then_class_then_default() {
        let c = contract(
            &["https://api.example.com/v1/", "http://localhost:1"],
            &["201", "4XX", "default"],
        );
        assert_eq!(c.response(201).map(|r| r.status.as_str()), Some("201"));
        assert_eq!(c.response(404).map(|r| r.status.as_str()), Some("4XX"));
        assert_eq!(c.response(500).map(|r| r.status.as_str()), Some("default"));
        assert_eq!(c.success_status(), Some(201));
        assert_eq!(c.mock_prefix("/t"), "/t/v1");
        assert_eq!(c.public_server(), Some("https://api.example.com/v1/"));
    }
}
