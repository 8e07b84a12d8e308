//! Recoup: `POST /api/connectors` with a connector slug, an optional `account_id` (UUID) to
//! connect for an account you manage, and an optional `callback_url`.

use std::time::Duration;

use crate::recoup::{Client as Raw, types};
use crate::response::{bounded_exec_hook, call};
use crate::{AuthorizationLink, ConnectRequest, Error, Vendor};

bounded_exec_hook!(Raw);

pub(crate) async fn connect(
    raw: &Raw,
    request: &ConnectRequest,
    connector: String,
    timeout: Duration,
) -> Result<AuthorizationLink, Error> {
    let vendor = Vendor::Recoup;
    let account_id = match request.owner.as_deref() {
        None => None,
        Some(owner) => Some(
            owner
                .parse::<uuid::Uuid>()
                .map_err(|e| Error::InvalidOwner {
                    vendor,
                    owner: owner.to_owned(),
                    reason: format!("Recoup's account_id is a UUID ({e})"),
                })?,
        ),
    };
    let body = types::AuthorizeConnectorRequest {
        connector,
        account_id,
        callback_url: request.redirect_url.clone(),
    };
    let response = call(vendor, timeout, raw.authorize_connector(&body)).await?;
    if !response.success {
        return Err(Error::UnexpectedResponse {
            vendor,
            status: 200,
            content_type: None,
            excerpt: Some("200 with `success: false`".into()),
        });
    }
    Ok(AuthorizationLink {
        vendor,
        provider: request.provider.clone(),
        url: response.data.redirect_url,
        state: None,
        expires_at: None,
        single_use: false,
    })
}
