//! WoopSocial: `POST /social-accounts/authorization-url` with `projectId`, `platform` and an
//! optional `redirectUrl`, which receives the documented result parameters.

use std::time::Duration;

use crate::response::{bounded_exec_hook, call};
use crate::woopsocial::{Client as Raw, types};
use crate::{AuthorizationLink, ConnectRequest, Error, Vendor};

bounded_exec_hook!(Raw);

pub(crate) async fn connect(
    raw: &Raw,
    request: &ConnectRequest,
    platform: String,
    timeout: Duration,
) -> Result<AuthorizationLink, Error> {
    let vendor = Vendor::WoopSocial;
    let body = types::CreateOAuthAuthorizationRequest {
        project_id: request.owner.clone().unwrap_or_default(),
        platform: super::parse_wire(vendor, request, &platform)?,
        redirect_url: request.redirect_url.clone(),
    };
    let response = call(vendor, timeout, raw.create_authorization_url(&body)).await?;
    Ok(AuthorizationLink {
        vendor,
        provider: request.provider.clone(),
        url: response.url,
        state: None,
        expires_at: None,
        single_use: false,
    })
}
