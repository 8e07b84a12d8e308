//! Start one connect flow and print the authorization URL.
//!
//! ```sh
//! cargo run -p social-connect-mock --features cli -- --port 4010 &     # or a real vendor
//! cargo run -p social-connect --example connect -- \
//!     postbreeze http://127.0.0.1:4010/postbreeze/api/v1 sk_test_owner ws_demo tiktok_business
//! ```
//!
//! Arguments: vendor, base URL, API key, owner (`-` for none), provider (unified name or the
//! vendor's own slug), and optionally a redirect URL.

use std::process::ExitCode;

use social_connect::{Client, ConnectRequest, Provider, Vendor};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [vendor, base, key, owner, provider, rest @ ..] = args.as_slice() else {
        eprintln!("usage: connect VENDOR BASE_URL API_KEY OWNER|- PROVIDER [REDIRECT_URL]");
        return ExitCode::from(2);
    };
    match run(vendor, base, key, owner, provider, rest.first()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    vendor: &str,
    base: &str,
    key: &str,
    owner: &str,
    provider: &str,
    redirect: Option<&String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let vendor: Vendor = vendor.parse()?;
    let provider: Provider = provider.parse()?;
    let client = Client::builder()
        .api_key(vendor, key)
        .base_url(vendor, base)?
        .build()?;
    let mut request = ConnectRequest::new(provider);
    if owner != "-" {
        request = request.owner(owner);
    }
    if let Some(redirect) = redirect {
        request = request.redirect_url(redirect.parse()?);
    }
    let link = client.connect(vendor, request).await?;
    println!("vendor:   {}", link.vendor);
    println!("provider: {}", link.provider);
    println!("url:      {}", link.url);
    if let Some(state) = &link.state {
        println!("state:    {state}");
    }
    Ok(())
}
