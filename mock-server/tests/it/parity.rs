//! Both adapters (wiremock and the standalone hyper server) answer byte for byte alike, once
//! per-request random values (states, codes, challenges, request/trace ids, timestamps) and the
//! origin are masked in the raw bytes (the `date` and `content-length` headers are left out).

use crate::support::*;
use serde_json::{Value, json};
use social_connect_mock::{MEMBER_KEY, MockVendor, OWNER_KEY, samples};

#[derive(Debug, PartialEq)]
struct Seen {
    what: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

struct Recorder {
    origin: String,
    secrets: Vec<String>,
    seen: Vec<Seen>,
    last_json: Value,
    last_location: String,
}

impl Recorder {
    fn learn_url(&mut self, u: &str) {
        if let Ok(url) = url::Url::parse(u) {
            for (k, v) in url.query_pairs() {
                if ["state", "code", "code_challenge"].contains(&k.as_ref()) {
                    self.secrets.push(v.into_owned());
                }
            }
        }
    }

    fn learn(&mut self, v: &Value) {
        match v {
            Value::String(s) => self.learn_url(s),
            Value::Object(m) => {
                for (k, v) in m {
                    let random = [
                        "state",
                        "requestId",
                        "trace_id",
                        "timestamp",
                        "at",
                        "connected_at",
                    ];
                    if let (true, Some(s)) = (random.contains(&k.as_str()), v.as_str()) {
                        self.secrets.push(s.to_owned());
                    }
                    self.learn(v);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| self.learn(v)),
            _ => {}
        }
    }

    fn mask(&self, s: &str) -> String {
        let enc: String = url::form_urlencoded::byte_serialize(self.origin.as_bytes()).collect();
        let mut s = s.replace(&self.origin, "ORIGIN").replace(&enc, "ORIGIN");
        for secret in &self.secrets {
            s = s.replace(secret.as_str(), "SECRET");
        }
        s
    }

    async fn record(&mut self, what: &str, resp: reqwest::Response) {
        let status = resp.status().as_u16();
        let raw_headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        let bytes = resp.bytes().await.unwrap();
        let body = String::from_utf8(bytes.to_vec()).unwrap();
        self.last_location.clear();
        for (k, v) in &raw_headers {
            if k == "location" {
                self.last_location = v.clone();
                let v = v.clone();
                self.learn_url(&v);
            }
        }
        if let Ok(v) = serde_json::from_str::<Value>(&body) {
            self.learn(&v);
            self.last_json = v;
        }
        let headers = raw_headers
            .into_iter()
            .filter(|(k, _)| k != "date" && k != "content-length")
            .map(|(k, v)| (k, self.mask(&v)))
            .collect();
        let body = self.mask(&body);
        self.seen.push(Seen {
            what: what.to_owned(),
            status,
            headers,
            body,
        });
    }
}

async fn script(h: Harness) -> Vec<Seen> {
    let c = client();
    let mut rec = Recorder {
        origin: h.origin(),
        secrets: Vec::new(),
        seen: Vec::new(),
        last_json: Value::Null,
        last_location: String::new(),
    };
    for v in MockVendor::ALL {
        let sample = samples::connect(v);
        let url = sample.url(&h.base(v));
        let (key_header, key) = sample.auth(OWNER_KEY);
        let with_auth = |r: reqwest::RequestBuilder| r.header(key_header, &key);
        rec.record(
            &format!("{v} ok"),
            sample_request(&c, &h, v, OWNER_KEY).send().await.unwrap(),
        )
        .await;
        rec.record(
            &format!("{v} 401"),
            c.post(&url)
                .header("content-type", "application/json")
                .body(sample.body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        rec.record(
            &format!("{v} bad json"),
            with_auth(c.post(&url))
                .header("content-type", "application/json")
                .body("{")
                .send()
                .await
                .unwrap(),
        )
        .await;
        rec.record(
            &format!("{v} 405"),
            with_auth(c.get(&url)).send().await.unwrap(),
        )
        .await;
        rec.record(
            &format!("{v} 404"),
            c.post(format!("{}/nope", h.base(v))).send().await.unwrap(),
        )
        .await;
        rec.record(
            &format!("{v} 413"),
            with_auth(c.post(&url))
                .header("content-type", "application/json")
                .body(vec![b' '; 70_000])
                .send()
                .await
                .unwrap(),
        )
        .await;
    }
    let pb = h.connect_url(MockVendor::Postbreeze);
    rec.record(
        "pb 403",
        c.post(&pb)
            .bearer_auth(MEMBER_KEY)
            .json(&json!({"workspaceId":"ws_demo","platform":"X"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    rec.record(
        "pb 409",
        c.post(&pb)
            .bearer_auth(OWNER_KEY)
            .json(&json!({"workspaceId":"ws_demo","platform":"INSTAGRAM"}))
            .send()
            .await
            .unwrap(),
    )
    .await;

    // A WoopSocial flow, step by step.
    rec.record(
        "woop connect",
        c.post(h.connect_url(MockVendor::WoopSocial))
            .bearer_auth(OWNER_KEY)
            .json(&json!({"projectId":"proj_demo","platform":"FACEBOOK","redirectUrl":"https://app.example.com/done"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let auth = rec.last_json["url"].as_str().unwrap().to_owned();
    rec.record("consent", c.get(&auth).send().await.unwrap())
        .await;
    rec.record(
        "approve",
        c.get(format!("{auth}&decision=approve&pages=fbp_1002,fbp_1003"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let callback = rec.last_location.clone();
    rec.record("callback", c.get(&callback).send().await.unwrap())
        .await;
    rec.record("replay", c.get(&callback).send().await.unwrap())
        .await;

    // An Aitronos flow ending on a completion page.
    rec.record(
        "aitronos connect",
        c.post(format!(
            "{}?organization_id=org_demo",
            h.connect_url(MockVendor::Aitronos)
        ))
        .header("x-api-key", OWNER_KEY)
        .json(&json!({"connector_type":"clickup"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    let auth = rec.last_json["authorization_url"]
        .as_str()
        .unwrap()
        .to_owned();
    rec.record(
        "deny",
        c.get(format!("{auth}&decision=deny")).send().await.unwrap(),
    )
    .await;
    let callback = rec.last_location.clone();
    rec.record("denied page", c.get(&callback).send().await.unwrap())
        .await;

    rec.record(
        "token",
        c.post(format!("{}/__provider/token", h.origin()))
            .body("grant_type=authorization_code&code=x&redirect_uri=y&code_verifier=z")
            .send()
            .await
            .unwrap(),
    )
    .await;
    rec.record(
        "accounts",
        c.get(format!("{}/accounts", h.admin()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    rec.record(
        "admin 404",
        c.get(format!("{}/nope", h.admin())).send().await.unwrap(),
    )
    .await;
    rec.record(
        "root 404",
        c.get(format!("{}/nowhere", h.origin()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    rec.seen
}

#[tokio::test]
async fn wiremock_and_hyper_answer_alike() {
    let a = script(Harness::wiremock().await).await;
    let b = script(Harness::standalone().await).await;
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "adapters differ on {}", x.what);
    }
    // Sanity: the script did exercise the flow.
    let callback = a.iter().find(|s| s.what == "callback").unwrap();
    assert_eq!(callback.status, 302);
}
