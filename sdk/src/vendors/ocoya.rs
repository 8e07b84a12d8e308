//! Ocoya: `POST /social-profiles/connection-url?workspaceId=` with a `provider`; answers a
//! browser `url` to open while signed in to Ocoya.

use std::time::Duration;

use crate::ocoya::{Client as Raw, types};
use crate::response::{bounded_exec_hook, call};
use crate::{AuthorizationLink, ConnectRequest, Error, Vendor};

bounded_exec_hook!(Raw);

pub(crate) async fn connect(
    raw: &Raw,
    request: &ConnectRequest,
    provider: String,
    timeout: Duration,
) -> Result<AuthorizationLink, Error> {
    let vendor = Vendor::Ocoya;
    let workspace = request.owner.clone().unwrap_or_default();
    let body = types::CreateConnectionUrlRequest {
        provider: super::parse_wire(vendor, request, &provider)?,
    };
    let response = call(
        vendor,
        timeout,
        raw.create_connection_url(&workspace, &body),
    )
    .await?;
    let url = url::Url::parse(&response.url).map_err(|_| Error::UnexpectedResponse {
        vendor,
        status: 200,
        content_type: None,
        excerpt: crate::error::excerpt(response.url.as_bytes()),
    })?;
    Ok(AuthorizationLink {
        vendor,
        provider: request.provider.clone(),
        url,
        state: None,
        expires_at: None,
        single_use: false,
    })
}
