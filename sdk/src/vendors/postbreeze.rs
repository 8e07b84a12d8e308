//! Postbreeze: `POST /social-accounts/connect` with `workspaceId` and `platform`; answers 201
//! with a single-use `authorizeUrl` and a `state`, or 409 `CHANNEL_ALREADY_CONNECTED`.

use std::time::Duration;

use crate::postbreeze::{Client as Raw, types};
use crate::response::{bounded_exec_hook, call};
use crate::{AuthorizationLink, ConnectRequest, Error, Vendor};

bounded_exec_hook!(Raw);

pub(crate) async fn connect(
    raw: &Raw,
    request: &ConnectRequest,
    platform: String,
    timeout: Duration,
) -> Result<AuthorizationLink, Error> {
    let vendor = Vendor::Postbreeze;
    let body = types::ConnectChannelDto {
        workspace_id: request.owner.clone().unwrap_or_default(),
        platform: super::parse_wire(vendor, request, &platform)?,
    };
    let response = call(vendor, timeout, raw.connect_social_account(&body)).await?;
    // The spec marks neither field required and `authorizeUrl` is a plain string.
    let url = response
        .authorize_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .ok_or_else(|| Error::UnexpectedResponse {
            vendor,
            status: 201,
            content_type: None,
            excerpt: Some(format!(
                "authorizeUrl is not a URL: {:?}",
                response
                    .authorize_url
                    .as_deref()
                    .map(|u| crate::error::excerpt(u.as_bytes()))
            )),
        })?;
    Ok(AuthorizationLink {
        vendor,
        provider: request.provider.clone(),
        url,
        state: response.state,
        expires_at: None,
        single_use: true,
    })
}
