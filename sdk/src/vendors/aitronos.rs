//! Aitronos: `POST /personal-connectors/authorize?organization_id=` with a free-form
//! `connector_type` and optional `integration_params`; answers an `authorization_url` and a
//! `state`.

use std::time::Duration;

use crate::aitronos::{Client as Raw, types};
use crate::response::{bounded_exec_hook, call};
use crate::{AuthorizationLink, ConnectRequest, Error, Vendor};

bounded_exec_hook!(Raw);

pub(crate) async fn connect(
    raw: &Raw,
    request: &ConnectRequest,
    connector_type: String,
    timeout: Duration,
) -> Result<AuthorizationLink, Error> {
    let vendor = Vendor::Aitronos;
    let organization = request.owner.clone().unwrap_or_default();
    let body = types::InitiateOauthRequest {
        connector_type,
        integration_params: request.integration_params.clone().unwrap_or_default(),
    };
    let response = call(
        vendor,
        timeout,
        raw.authorize_connector(&organization, &body),
    )
    .await?;
    Ok(AuthorizationLink {
        vendor,
        provider: request.provider.clone(),
        url: response.authorization_url,
        state: Some(response.state),
        expires_at: None,
        single_use: false,
    })
}
