//! The tour: start the embedded mock, connect an account at each of the five vendors through the
//! SDK, follow each redirect flow the way a browser would, and print what happened.
//!
//! ```sh
//! cargo run --example tour
//! ```

use std::process::ExitCode;

use social_connect::{Client, ConnectOutcome, ConnectRequest, Provider, Vendor};
use social_connect_mock::{MockVendors, OWNER_KEY, fixture::RECOUP_ARTIST_ACCOUNT};
use social_connect_tests::{demo_owner, flow, mock_vendor};
use url::Url;

const APP: &str = "http://127.0.0.1:9/app/oauth/complete";

fn request(vendor: Vendor) -> ConnectRequest {
    match vendor {
        Vendor::Recoup => {
            ConnectRequest::new(Provider::TikTok).account_id(uuid_of(RECOUP_ARTIST_ACCOUNT))
        }
        Vendor::WoopSocial => ConnectRequest::new(Provider::FacebookPage)
            .owner(demo_owner(vendor))
            .redirect_url(Url::parse(APP).expect("static URL")),
        Vendor::Postbreeze => ConnectRequest::new(Provider::LinkedInPage).owner(demo_owner(vendor)),
        Vendor::Aitronos => {
            ConnectRequest::new(Provider::Other("notion".into())).owner(demo_owner(vendor))
        }
        Vendor::Ocoya => ConnectRequest::new(Provider::Instagram).owner(demo_owner(vendor)),
        // Any other vendor (one added with `cargo xtask vendor new`): its typical request.
        other => social_connect_tests::typical_request(other),
    }
}

fn uuid_of(s: &str) -> social_connect_tests::Uuid {
    s.parse().expect("static UUID")
}

#[tokio::main]
async fn main() -> ExitCode {
    let mock = MockVendors::start().await;
    println!("embedded mock at {}\n", mock.uri());
    let mut builder = Client::builder();
    for vendor in Vendor::ALL {
        builder = match builder
            .api_key(vendor, OWNER_KEY)
            .base_url(vendor, mock.base_url(mock_vendor(vendor)))
        {
            Ok(builder) => builder,
            Err(err) => return fail(&err),
        };
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(err) => return fail(&err),
    };
    let origin = Url::parse(&mock.uri()).expect("the mock's URI is a URL");
    let browser = flow::browser();

    println!(
        "{:<11} {:<15} {:<48} outcome",
        "vendor", "provider", "authorization link"
    );
    for vendor in Vendor::ALL {
        let request = request(vendor);
        let link = match client.connect(vendor, request.clone()).await {
            Ok(link) => link,
            Err(err) => return fail(&err),
        };
        let mut start = link.url.clone();
        start.query_pairs_mut().append_pair("decision", "approve");
        if vendor == Vendor::WoopSocial {
            start
                .query_pairs_mut()
                .append_pair("pages", "fbp_1001,fbp_1002");
        }
        let walk = flow::walk(&browser, &start, &origin).await;
        let end = match &walk.end {
            flow::End::Left(to) => to.clone(),
            flow::End::OnMock => walk.page().url.clone(),
        };
        let outcome = match ConnectOutcome::from_redirect(vendor, &end) {
            Ok(ConnectOutcome::Connected { account_ids, .. }) => {
                format!("connected {} (from the redirect)", account_ids.join(","))
            }
            Ok(other) => format!("{other:?}"),
            Err(social_connect::Error::NotReportedByRedirect(_)) => {
                let held = mock
                    .state()
                    .accounts()
                    .into_iter()
                    .filter(|a| a.vendor == mock_vendor(vendor))
                    .count();
                match &walk.end {
                    flow::End::OnMock => format!(
                        "connected (completion page, HTTP {}; {held} account(s) at the mock)",
                        walk.page().status.as_u16()
                    ),
                    flow::End::Left(_) => {
                        format!("connected (back at the app; {held} account(s) at the mock)")
                    }
                }
            }
            Err(err) => return fail(&err),
        };
        let mut shown = link.url.to_string();
        if shown.len() > 46 {
            shown.truncate(45);
            shown.push('…');
        }
        println!(
            "{:<11} {:<15} {:<48} {outcome}",
            vendor.to_string(),
            request.provider.to_string(),
            shown
        );
    }
    ExitCode::SUCCESS
}

fn fail(err: &social_connect::Error) -> ExitCode {
    eprintln!("error: {err}");
    ExitCode::FAILURE
}
