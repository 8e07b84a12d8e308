//! An example web app that connects social accounts through the SDK, with connect sessions,
//! against the embedded mock: a page per vendor with a "Connect" button, the callback that
//! completes the visitor's session, a page listing what got connected, and clear pages for a
//! denial and for a forged or stale return.
//!
//! ```sh
//! cargo run --example app          # then open the URL it prints
//! ```
//!
//! Try: connect WoopSocial's Facebook pages and pick two; deny a consent; open a return link
//! twice, or in another browser (refused: not that visitor's flow).

use std::process::ExitCode;

use social_connect_mock::MockVendors;

mod web;

#[tokio::main]
async fn main() -> ExitCode {
    let mock = MockVendors::start().await;
    let app = match web::App::start(&mock).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "example app at {}  (the mock at {}; Ctrl-C to stop)",
        app.url,
        mock.uri()
    );
    let _ = tokio::signal::ctrl_c().await;
    drop(app);
    ExitCode::SUCCESS
}
