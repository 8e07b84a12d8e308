//! Following a connect flow the way a browser would, but hop by hop: a cookie-less client that
//! never follows redirects, so every status, `Location` and header can be checked.

use reqwest::StatusCode;
use reqwest::header::{LOCATION, REFERRER_POLICY};
use url::Url;

/// One response of the walk.
#[derive(Debug, Clone)]
pub struct Hop {
    /// The URL requested.
    pub url: Url,
    /// The status.
    pub status: StatusCode,
    /// Where it redirected to, if it did.
    pub location: Option<Url>,
    /// Its `Referrer-Policy`.
    pub referrer_policy: Option<String>,
    /// Its body (pages are small).
    pub body: String,
}

/// The client: no redirects followed, no cookies kept.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client")
}

/// GETs `url` and describes the answer.
pub async fn get(client: &reqwest::Client, url: &Url) -> Hop {
    let response = client
        .get(url.clone())
        .send()
        .await
        .expect("the mock answers");
    let status = response.status();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let location = header(LOCATION).map(|l| url.join(&l).expect("Location is a URL"));
    let referrer_policy = header(REFERRER_POLICY);
    let body = response.text().await.unwrap_or_default();
    Hop {
        url: url.clone(),
        status,
        location,
        referrer_policy,
        body,
    }
}

/// The first value of the query parameter `name` in `url`.
pub fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `url` with extra query parameters.
pub fn with_query(url: &Url, pairs: &[(&str, &str)]) -> Url {
    let mut url = url.clone();
    url.query_pairs_mut().extend_pairs(pairs);
    url
}

/// Walks from `start` until a response that is not a redirect or that leaves the mock (`origin`),
/// checking on every hop that redirects are 302/303 (never 307), carry `no-referrer`, and put no
/// code or token into a URL outside the mock. Returns every hop; the last one is where it ended
/// (an app URL outside the mock is recorded without being requested).
pub async fn walk(client: &reqwest::Client, start: &Url, origin: &Url) -> Vec<Hop> {
    let mut hops = Vec::new();
    let mut next = start.clone();
    for _ in 0..10 {
        if next.origin() != origin.origin() {
            for (key, _) in next.query_pairs() {
                assert!(
                    !matches!(
                        key.as_ref(),
                        "code" | "access_token" | "token" | "code_verifier"
                    ),
                    "a vendor secret `{key}` left the mock in {next}"
                );
            }
            hops.push(Hop {
                url: next,
                status: StatusCode::OK,
                location: None,
                referrer_policy: None,
                body: String::new(),
            });
            return hops;
        }
        let hop = get(client, &next).await;
        assert_eq!(
            hop.referrer_policy.as_deref(),
            Some("no-referrer"),
            "{} lacks Referrer-Policy",
            hop.url
        );
        let location = hop.location.clone();
        let status = hop.status;
        hops.push(hop);
        match location {
            Some(location) if status.is_redirection() => {
                assert!(
                    matches!(status.as_u16(), 302 | 303),
                    "redirect {status} from {next} must be 302/303"
                );
                next = location;
            }
            _ => return hops,
        }
    }
    panic!("more than 10 hops from {start}");
}
