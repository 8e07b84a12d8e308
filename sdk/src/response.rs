//! Reading vendor responses: a bounded body read in the generated clients' `exec` hook, and the
//! mapping of every outcome of a generated call onto [`Error`].

use std::future::Future;
use std::time::{Duration, SystemTime};

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use serde_json::Value;

use crate::error::{EXCERPT_LIMIT, excerpt};
use crate::{Error, Vendor, VendorError};

/// The most bytes of a response body a call reads; the rest is never read.
pub const BODY_LIMIT: usize = 1 << 20;

/// Where a generated client's `exec` hook leaves what it read of the response (status,
/// headers, body), for the errors the generated code reports without them (an undecodable
/// body, a status documented without one). It is the generated client's inner value: each call
/// gets a client of its own (see [`crate::vendors::Endpoint`]), so what the hook leaves is that
/// call's answer, handed to [`call`] directly.
pub(crate) type Capture = std::sync::Arc<std::sync::Mutex<Option<http::Response<bytes::Bytes>>>>;

/// Marks a captured response whose body was cut at [`BODY_LIMIT`].
#[derive(Clone, Copy, Debug)]
struct Truncated;

/// What the `exec` hook saw of the response.
#[derive(Debug)]
struct Seen {
    status: StatusCode,
    headers: HeaderMap,
    body: bytes::Bytes,
    truncated: bool,
}

impl Seen {
    fn take(capture: &Capture) -> Option<Seen> {
        let response = capture.lock().ok()?.take()?;
        let truncated = response.extensions().get::<Truncated>().is_some();
        let (parts, body) = response.into_parts();
        Some(Seen {
            status: parts.status,
            headers: parts.headers,
            body,
            truncated,
        })
    }
}

/// Sends `request` and reads at most [`BODY_LIMIT`] bytes of the answer, so a huge body costs
/// neither memory nor time; then hands the generated code a response holding what was read, and
/// leaves a copy in `capture` for [`call`].
///
/// Nothing is copied on the way: a body that arrives in one chunk is handed on as it is (the
/// copy shares its bytes), and on a success the headers are moved, not cloned (the generated
/// code decodes the body and [`call`] drops the `ResponseValue`'s headers, so the only reader
/// is the error for an undecodable success body); on an error status they go to the response,
/// which the generated code turns into the error value, and the capture keeps a copy for an
/// undecodable error body.
pub(crate) async fn exec(
    client: &reqwest::Client,
    capture: &Capture,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let mut response = client.execute(request).await?;
    let status = response.status();
    let version = response.version();
    let mut headers = std::mem::take(response.headers_mut());
    let (body, truncated) = read_bounded(&mut response).await?;
    let kept = if status.is_success() {
        std::mem::take(&mut headers)
    } else {
        headers.clone()
    };
    let mut seen = http::Response::new(body.clone());
    *seen.status_mut() = status;
    *seen.headers_mut() = kept;
    if truncated {
        seen.extensions_mut().insert(Truncated);
    }
    if let Ok(mut slot) = capture.lock() {
        *slot = Some(seen);
    }
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    Ok(reqwest::Response::from(rebuilt))
}

/// The body, up to [`BODY_LIMIT`] bytes, and whether there was more.
async fn read_bounded(response: &mut reqwest::Response) -> reqwest::Result<(bytes::Bytes, bool)> {
    let Some(first) = response.chunk().await? else {
        return Ok((bytes::Bytes::new(), false));
    };
    if first.len() > BODY_LIMIT {
        return Ok((bytes::Bytes::new(), true));
    }
    let Some(second) = response.chunk().await? else {
        return Ok((first, false));
    };
    let mut body = Vec::with_capacity(first.len() + second.len());
    let mut truncated = false;
    let mut next = Some(second);
    body.extend_from_slice(&first);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > BODY_LIMIT {
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await?;
    }
    Ok((bytes::Bytes::from(body), truncated))
}

/// Lets the generated client of a vendor read bodies through [`exec`].
macro_rules! bounded_exec_hook {
    ($client:ty) => {
        impl progenitor_client::ClientHooks<crate::response::Capture> for $client {
            async fn exec(
                &self,
                request: reqwest::Request,
                _info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use progenitor_client::ClientInfo as _;
                crate::response::exec(self.client(), self.inner(), request).await
            }
        }
    };
}
pub(crate) use bounded_exec_hook;

/// Runs one generated call, made on a client whose `exec` hook leaves what it read in
/// `capture`, and maps every way it can end onto [`Error`].
pub(crate) async fn call<T, E, F>(
    vendor: Vendor,
    timeout: Duration,
    capture: &Capture,
    call: F,
) -> Result<T, Error>
where
    F: Future<Output = Result<ResponseValue<T>, GenError<E>>>,
    E: serde::Serialize,
{
    let result = call.await;
    let seen = Seen::take(capture);
    let err = match result {
        Ok(value) => return Ok(value.into_inner()),
        Err(err) => err,
    };
    Err(match err {
        GenError::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            match (serde_json::to_value(value.into_inner()), seen) {
                // A status documented without a body (Ocoya's 400/500): read what was sent.
                (Ok(Value::Null) | Err(_), Some(seen)) => {
                    from_bytes(vendor, status, &headers, &seen.body, seen.truncated)
                }
                (Ok(body), _) => from_status(vendor, status, &headers, Some(&body), None),
                (Err(_), None) => from_status(vendor, status, &headers, None, None),
            }
        }
        GenError::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.bytes().await.unwrap_or_default();
            from_bytes(
                vendor,
                status,
                &headers,
                &bytes,
                seen.is_some_and(|s| s.truncated),
            )
        }
        GenError::InvalidResponsePayload(bytes, _) => {
            let (status, headers, truncated) = match seen {
                Some(s) => (s.status, s.headers, s.truncated),
                None => (StatusCode::OK, HeaderMap::new(), false),
            };
            if status.is_success() {
                unexpected(vendor, status, &headers, &bytes, truncated)
            } else {
                from_bytes(vendor, status, &headers, &bytes, truncated)
            }
        }
        GenError::CommunicationError(source) | GenError::ResponseBodyError(source) => {
            if source.is_timeout() {
                Error::Timeout {
                    vendor,
                    after: timeout,
                }
            } else {
                // Without its URL: a vendor that takes the key in the query has it there.
                Error::Transport {
                    vendor,
                    source: source.without_url(),
                }
            }
        }
        GenError::InvalidUpgrade(source) => Error::Transport {
            vendor,
            source: source.without_url(),
        },
        GenError::InvalidRequest(reason) | GenError::Custom(reason) => {
            Error::InvalidConfig { vendor, reason }
        }
    })
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn unexpected(
    vendor: Vendor,
    status: StatusCode,
    headers: &HeaderMap,
    bytes: &[u8],
    truncated: bool,
) -> Error {
    Error::UnexpectedResponse {
        vendor,
        status: status.as_u16(),
        content_type: content_type(headers),
        excerpt: excerpt_of(bytes, truncated),
    }
}

fn excerpt_of(bytes: &[u8], truncated: bool) -> Option<String> {
    let mut text = excerpt(bytes)?;
    if truncated || bytes.len() > EXCERPT_LIMIT {
        text.push('…');
    }
    Some(text)
}

fn from_bytes(
    vendor: Vendor,
    status: StatusCode,
    headers: &HeaderMap,
    bytes: &[u8],
    truncated: bool,
) -> Error {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(body) if !truncated && body.is_object() => {
            from_status(vendor, status, headers, Some(&body), None)
        }
        _ => from_status(vendor, status, headers, None, excerpt_of(bytes, truncated)),
    }
}

fn string_at(map: &serde_json::Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// The vendor's code, message and request id, wherever its error body keeps them.
fn vendor_fields(body: &Value) -> (Option<String>, Option<String>, Option<String>) {
    let Some(top) = body.as_object() else {
        return (None, None, None);
    };
    let nested = top.get("error").and_then(Value::as_object);
    let pick = |keys: &[&str]| {
        nested
            .and_then(|n| string_at(n, keys))
            .or_else(|| string_at(top, keys))
    };
    let code = pick(&["code"]);
    let message = pick(&["message"]).or_else(|| string_at(top, &["error"]));
    let request_id = pick(&["requestId", "request_id", "trace_id", "traceId"]);
    (code, message, request_id)
}

/// Parses `Retry-After`: delay seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn from_status(
    vendor: Vendor,
    status: StatusCode,
    headers: &HeaderMap,
    body: Option<&Value>,
    body_excerpt: Option<String>,
) -> Error {
    let (code, message, request_id) = body.map(vendor_fields).unwrap_or_default();
    let detail = VendorError {
        vendor,
        status: status.as_u16(),
        code,
        message,
        request_id,
        body_excerpt: body_excerpt.clone(),
    };
    match status.as_u16() {
        401 => Error::Unauthorized(detail),
        403 => Error::Forbidden(detail),
        404 => Error::NotFound(detail),
        409 => Error::AlreadyConnected(detail),
        429 => Error::RateLimited {
            retry_after: retry_after(headers),
            detail,
        },
        400..=499 => Error::InvalidRequest(detail),
        500..=599 => Error::Server(detail),
        _ => Error::UnexpectedResponse {
            vendor,
            status: status.as_u16(),
            content_type: content_type(headers),
            excerpt: body_excerpt,
        },
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;
    use serde_json::json;

    use super::*;

    #[test]
    fn vendor_fields_are_found_in_every_documented_shape() {
        let recoup = json!({"error": 403, "message": "no access"});
        assert_eq!(
            vendor_fields(&recoup),
            (None, Some("no access".into()), None)
        );
        let postbreeze = json!({"statusCode": 409, "code": "CHANNEL_ALREADY_CONNECTED", "message": "m", "requestId": "r"});
        assert_eq!(
            vendor_fields(&postbreeze),
            (
                Some("CHANNEL_ALREADY_CONNECTED".into()),
                Some("m".into()),
                Some("r".into())
            )
        );
        let aitronos = json!({"success": false, "error": {"code": "AUTHENTICATION_REQUIRED", "message": "m", "trace_id": "req_abc123xyz"}});
        assert_eq!(
            vendor_fields(&aitronos),
            (
                Some("AUTHENTICATION_REQUIRED".into()),
                Some("m".into()),
                Some("req_abc123xyz".into())
            )
        );
    }

    #[test]
    fn statuses_map_to_their_variants() {
        let h = HeaderMap::new();
        let v = Vendor::Postbreeze;
        let s = |c| StatusCode::from_u16(c).unwrap();
        assert!(matches!(
            from_status(v, s(400), &h, None, None),
            Error::InvalidRequest(_)
        ));
        assert!(matches!(
            from_status(v, s(422), &h, None, None),
            Error::InvalidRequest(_)
        ));
        assert!(matches!(
            from_status(v, s(401), &h, None, None),
            Error::Unauthorized(_)
        ));
        assert!(matches!(
            from_status(v, s(403), &h, None, None),
            Error::Forbidden(_)
        ));
        assert!(matches!(
            from_status(v, s(404), &h, None, None),
            Error::NotFound(_)
        ));
        assert!(matches!(
            from_status(v, s(409), &h, None, None),
            Error::AlreadyConnected(_)
        ));
        assert!(matches!(
            from_status(v, s(500), &h, None, None),
            Error::Server(_)
        ));
        assert!(matches!(
            from_status(v, s(503), &h, None, None),
            Error::Server(_)
        ));
        assert!(matches!(
            from_status(v, s(302), &h, None, None),
            Error::UnexpectedResponse { status: 302, .. }
        ));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a past date means now"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn html_bodies_are_kept_as_bounded_excerpts() {
        let page = format!("<html>{}</html>", "x".repeat(2000));
        let err = from_bytes(
            Vendor::Ocoya,
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            page.as_bytes(),
            false,
        );
        let Error::Server(detail) = err else {
            panic!("{err:?}")
        };
        let excerpt = detail.body_excerpt.unwrap();
        assert!(excerpt.starts_with("<html>"));
        assert!(excerpt.len() <= EXCERPT_LIMIT + '…'.len_utf8());
    }
}
