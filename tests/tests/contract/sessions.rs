//! Connect sessions end to end: `Client::begin` → the mock's flow → `ConnectSession::complete`,
//! for the two vendors that send the browser back to the app (WoopSocial `redirectUrl`, Recoup
//! `callback_url`). The mock keeps the app's own query parameters exactly as sent, first and in
//! their order, adds the vendor's after them, and a return that is not the session's is refused.

use social_connect::{
    ConnectOutcome, ConnectRequest, ConnectSession, Error, NONCE_PARAM, Provider, SessionError,
    Vendor,
};
use social_connect_tests::Harness;
use url::Url;

use crate::common;

/// An app URL with parameters of its own: an empty one, a repeated one, an encoded space.
const APP: &str = "https://app.example.com/connected?tab=social&empty=&dup=1&dup=2&note=a%20b";

/// Begins a flow with the app's URL, walks it with `decision` (and `pages`), and returns the
/// session and the URL the browser was sent back to.
async fn round_trip(
    h: &Harness,
    provider: Provider,
    extra: &[(&str, &str)],
) -> (ConnectSession, Url) {
    let mut request = ConnectRequest::new(provider).redirect_url(APP.parse().unwrap());
    if h.vendor == Vendor::WoopSocial {
        request = request.owner(h.owner());
    }
    let (link, session) = h.client().begin(h.vendor, request).await.unwrap();
    assert_eq!(session.redirect_url().map(Url::as_str), Some(APP));
    let walk = common::run_flow(h, &link, extra).await;
    let back = walk.left_to().clone();
    assert_app_params_kept(&back);
    (session, back)
}

/// The app's parameters come back first, byte for byte and in their order; then the session's
/// nonce; then whatever the vendor adds.
fn assert_app_params_kept(back: &Url) {
    let sent = format!("{APP}&{NONCE_PARAM}=");
    assert!(back.as_str().starts_with(&sent), "{back}");
    let pairs: Vec<(String, String)> = back.query_pairs().into_owned().collect();
    let expected = [
        ("tab", "social"),
        ("empty", ""),
        ("dup", "1"),
        ("dup", "2"),
        ("note", "a b"),
    ];
    for (i, (k, v)) in expected.iter().enumerate() {
        assert_eq!(
            (pairs[i].0.as_str(), pairs[i].1.as_str()),
            (*k, *v),
            "{back}"
        );
    }
    assert_eq!(pairs[expected.len()].0, NONCE_PARAM);
}

#[tokio::test]
async fn woopsocial_success_and_failure_complete_the_session() {
    let h = Harness::new(Vendor::WoopSocial).await;
    let (session, back) = round_trip(&h, Provider::X, &[("decision", "approve")]).await;
    match session.complete(&back).unwrap() {
        ConnectOutcome::Connected {
            owner,
            provider,
            account_ids,
            ..
        } => {
            assert_eq!((owner.as_str(), provider), ("proj_demo", Provider::X));
            assert_eq!(account_ids.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    let (session, back) = round_trip(&h, Provider::X, &[("decision", "deny")]).await;
    assert!(matches!(
        session.complete(&back).unwrap(),
        ConnectOutcome::Failed { error, .. } if error == "access_denied"
    ));
}

#[tokio::test]
async fn a_facebook_page_selection_keeps_the_apps_parameters_and_reports_both_pages() {
    let h = Harness::new(Vendor::WoopSocial).await;
    let (session, back) = round_trip(
        &h,
        Provider::FacebookPage,
        &[("decision", "approve"), ("pages", "fbp_1001,fbp_1002")],
    )
    .await;
    let ConnectOutcome::Connected { account_ids, .. } = session.complete(&back).unwrap() else {
        panic!("not connected");
    };
    assert_eq!(account_ids.len(), 2);
}

#[tokio::test]
async fn recoup_returns_to_its_callback_unchanged_and_is_unconfirmed() {
    let h = Harness::new(Vendor::Recoup).await;
    for decision in ["approve", "deny"] {
        let (session, back) = round_trip(&h, Provider::YouTube, &[("decision", decision)]).await;
        // Recoup documents no result parameters: the callback comes back as it was sent.
        assert_eq!(back.query_pairs().count(), 6, "{back}");
        assert_eq!(
            session.complete(&back).unwrap(),
            ConnectOutcome::Unconfirmed {
                vendor: Vendor::Recoup,
                owner: None,
                provider: Provider::YouTube,
                state: None,
            }
        );
    }
}

#[tokio::test]
async fn another_users_finished_return_is_refused() {
    let h = Harness::new(Vendor::WoopSocial).await;
    // The attacker finishes a flow of their own and sends the return to the victim, whose
    // browser carries the victim's session.
    let (_attackers, attackers_return) =
        round_trip(&h, Provider::X, &[("decision", "approve")]).await;
    let (victims, _) = round_trip(&h, Provider::X, &[("decision", "deny")]).await;
    assert!(matches!(
        victims.clone().complete(&attackers_return),
        Err(Error::Session(SessionError::WrongNonce))
    ));
    // A return forged from scratch.
    let forged: Url =
        format!("{APP}&status=success&projectId=proj_demo&platform=X&socialAccountIds=attacker_1")
            .parse()
            .unwrap();
    assert!(matches!(
        victims.complete(&forged),
        Err(Error::Session(SessionError::MissingNonce))
    ));
}
