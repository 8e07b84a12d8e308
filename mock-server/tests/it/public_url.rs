//! `--public-url`: every URL the mock mints is built on it, and a mock reached at it, path prefix
//! included, serves whole flows; a server on all interfaces mints loopback URLs.

use social_connect_mock::{MockVendor, StandaloneConfig, StandaloneServer, standalone::PublicUrl};

use crate::support::{client, connect_link as connect, get, html_attributes};

/// Where the tests say the mock is reached: a name this machine cannot resolve, so that a URL
/// built on the bound address instead would be seen, not followed by luck.
const PUBLIC: &str = "http://mock.public.invalid:18080/mock";

async fn behind(public: &str) -> StandaloneServer {
    let config = StandaloneConfig {
        public_url: Some(PublicUrl::parse(public).unwrap()),
        ..StandaloneConfig::default()
    };
    StandaloneServer::start(config).await.unwrap()
}

/// What a port mapping or a prefix-keeping proxy does: `PUBLIC/x` reaches the server at
/// `http://ADDR/mock/x`.
fn through(server: &StandaloneServer, url: &str) -> String {
    let rest = url
        .strip_prefix(PUBLIC)
        .unwrap_or_else(|| panic!("{url} is not on the public URL {PUBLIC}"));
    format!("http://{}/mock{rest}", server.addr())
}

#[tokio::test]
async fn the_servers_own_urls_are_built_on_the_public_url() {
    let s = behind("http://mock.public.invalid:18080/mock/").await;
    assert_eq!(s.uri(), PUBLIC);
    assert_eq!(s.admin_url(), format!("{PUBLIC}/__admin"));
    for v in MockVendor::ALL {
        assert_eq!(s.base_url(v), format!("{PUBLIC}{}", v.prefix()));
    }
}

#[tokio::test]
async fn every_minted_url_starts_with_the_public_url_and_its_flow_completes() {
    let s = behind(PUBLIC).await;
    for tenant in ["", "/t/edge-1"] {
        for v in MockVendor::ALL {
            let base = format!("{PUBLIC}{tenant}{}", v.prefix());
            let link = connect(&through(&s, &base), v).await;
            assert!(
                link.starts_with(&format!("{PUBLIC}{tenant}/")),
                "{v:?}: {link}"
            );
            // Follow it hop by hop, as a browser would reach the public URL.
            let mut here = format!("{link}&decision=approve");
            let mut callbacks = 0;
            let last = loop {
                assert!(here.starts_with(PUBLIC), "{v:?}: {here} left {PUBLIC}");
                callbacks += usize::from(here.contains("/__vendor/"));
                let r = get(&through(&s, &here)).await;
                if !matches!(r.status, 302 | 303) {
                    break r;
                }
                here = r.location();
                if !here.starts_with(PUBLIC) && !here.contains("/__") {
                    // The app's own redirect target: the flow has left the mock.
                    break r;
                }
            };
            assert!(last.status < 400, "{v:?}: {} {}", last.status, last.text);
            assert!(callbacks >= 1, "{v:?} passed no callback of the mock");
        }
        let accounts = get(&through(&s, &format!("{PUBLIC}{tenant}/__admin/accounts"))).await;
        assert_eq!(accounts.status, 200, "{}", accounts.text);
    }
    // Each flow connected an account in its own world.
    let connected = s.state().accounts().len();
    let fresh = StandaloneServer::start(StandaloneConfig::default())
        .await
        .unwrap();
    assert_eq!(
        connected,
        fresh.state().accounts().len() + MockVendor::ALL.len()
    );
}

#[tokio::test]
async fn forms_post_under_the_prefix() {
    let s = behind(PUBLIC).await;
    let link = connect(
        &through(&s, &format!("{PUBLIC}{}", MockVendor::Ocoya.prefix())),
        MockVendor::Ocoya,
    )
    .await;
    let start = get(&through(&s, &link)).await;
    let consent = get(&through(&s, &start.location())).await;
    assert_eq!(consent.status, 200, "{}", consent.text);
    let actions: Vec<String> = html_attributes(&consent.text)
        .into_iter()
        .filter(|a| a.name == "action")
        .map(|a| a.value)
        .collect();
    assert_eq!(actions, ["/mock/__provider/authorize"]);
}

#[tokio::test]
async fn a_proxy_that_strips_the_prefix_is_served_the_same() {
    let s = behind(PUBLIC).await;
    // The same connect, at the bare path (the proxy removed `/mock`).
    let bare = format!("{}{}", s.addr(), MockVendor::Ocoya.prefix());
    let link = connect(&format!("http://{bare}"), MockVendor::Ocoya).await;
    assert!(link.starts_with(PUBLIC), "{link}");
    // A path that only begins like the prefix is not stripped.
    let r = get(&format!("http://{}/mockery/__admin", s.addr())).await;
    assert_eq!(r.status, 404, "{}", r.text);
    // The prefix itself is the root: the index of base URLs, on the public URL.
    let r = get(&format!("http://{}/mock", s.addr())).await;
    assert_eq!(r.json()["admin"], format!("{PUBLIC}/__admin"), "{}", r.text);
}

#[tokio::test]
async fn the_admin_api_answers_to_the_public_urls_host() {
    let s = behind(PUBLIC).await;
    let r = client()
        .get(format!("http://{}/__admin", s.addr()))
        .header("host", "mock.public.invalid:18080")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .get(format!("http://{}/__admin", s.addr()))
        .header("host", "elsewhere.invalid")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn on_all_interfaces_the_mock_mints_loopback_urls() {
    let config = StandaloneConfig {
        addr: "0.0.0.0:0".parse().unwrap(),
        ..StandaloneConfig::default()
    };
    let s = StandaloneServer::start(config).await.unwrap();
    let origin = format!("http://127.0.0.1:{}", s.addr().port());
    assert_eq!(s.uri(), origin);
    let link = connect(&s.base_url(MockVendor::Ocoya), MockVendor::Ocoya).await;
    assert!(link.starts_with(&format!("{origin}/")), "{link}");
    assert!(!link.contains("0.0.0.0"), "{link}");
    assert_eq!(get(&link).await.status, 302);
}

#[test]
fn a_public_url_must_be_a_plain_http_base() {
    for bad in [
        "",
        "localhost:8080",
        "ftp://example.com",
        "http://user:pw@example.com",
        "http://example.com/?q=1",
        "http://example.com/#top",
        "file:///tmp/x",
    ] {
        let e = PublicUrl::parse(bad).unwrap_err();
        assert!(!e.to_string().is_empty(), "{bad}");
    }
    for (good, base, prefix) in [
        ("http://localhost:18080", "http://localhost:18080", ""),
        ("https://mock.example.com/", "https://mock.example.com", ""),
        ("http://[::1]:4010/a/b/", "http://[::1]:4010/a/b", "/a/b"),
        ("HTTP://Mock:4010/x", "http://mock:4010/x", "/x"),
    ] {
        let u = PublicUrl::parse(good).unwrap();
        assert_eq!((u.as_str(), u.path_prefix()), (base, prefix), "{good}");
    }
}
