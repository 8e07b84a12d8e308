//! Following a connect flow the way a browser would, but hop by hop: a cookie-less client that
//! never follows redirects, so every status, `Location` and header can be checked.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION, REFERRER_POLICY};
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
    /// Its `Content-Type`.
    pub content_type: Option<String>,
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
    let content_type = header(CONTENT_TYPE);
    let body = response.text().await.unwrap_or_default();
    Hop {
        url: url.clone(),
        status,
        location,
        referrer_policy,
        content_type,
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

/// Where a [`walk`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// On a response of the mock that is not a redirect: the walk's last hop.
    OnMock,
    /// The mock's last redirect sent the browser to this URL outside the mock, which the walk
    /// did not request (it is the app's, or anywhere else): no status is known for it.
    Left(Url),
}

/// The hops of a [`walk`] and where it ended.
#[derive(Debug, Clone)]
pub struct Walk {
    /// Every response of the mock, in order.
    pub hops: Vec<Hop>,
    /// Where the walk ended.
    pub end: End,
}

impl Walk {
    /// The mock's page the walk ended on.
    ///
    /// # Panics
    /// If the walk left the mock instead.
    pub fn page(&self) -> &Hop {
        match &self.end {
            End::OnMock => self.hops.last().expect("a walk has at least one hop"),
            End::Left(to) => panic!("the flow left the mock for {to} instead of ending on a page"),
        }
    }

    /// The URL outside the mock the walk was sent to.
    ///
    /// # Panics
    /// If the walk ended on a page of the mock instead.
    pub fn left_to(&self) -> &Url {
        match &self.end {
            End::Left(to) => to,
            End::OnMock => {
                let last = self.hops.last().expect("a walk has at least one hop");
                panic!(
                    "the flow ended on the mock ({} {}) instead of leaving it: {}",
                    last.status, last.url, last.body
                )
            }
        }
    }
}

/// Walks from `start` until a response that is not a redirect or a redirect that leaves the mock
/// (`origin`), checking on every hop that redirects are 302/303 (never 307), carry `no-referrer`,
/// and put no code or token into a URL outside the mock. A URL outside the mock is never
/// requested: the walk ends with [`End::Left`] and that URL.
pub async fn walk(client: &reqwest::Client, start: &Url, origin: &Url) -> Walk {
    assert_eq!(start.origin(), origin.origin(), "a walk starts on the mock");
    let mut hops = Vec::new();
    let mut next = start.clone();
    for _ in 0..10 {
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
                if location.origin() != origin.origin() {
                    for (key, _) in location.query_pairs() {
                        assert!(
                            !matches!(
                                key.as_ref(),
                                "code" | "access_token" | "token" | "code_verifier"
                            ),
                            "a vendor secret `{key}` left the mock in {location}"
                        );
                    }
                    return Walk {
                        hops,
                        end: End::Left(location),
                    };
                }
                next = location;
            }
            _ => {
                return Walk {
                    hops,
                    end: End::OnMock,
                };
            }
        }
    }
    panic!("more than 10 hops from {start}");
}
