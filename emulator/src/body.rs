//! Request bodies, read within a size and a time limit, the same on the REST and control
//! APIs: a body declared or found larger than the limit is 413 (41300), one that does not
//! arrive in time 408 (40800), broken framing 400; nothing waits forever for a slow sender.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};

use crate::error::ApiError;

/// The body of a request with these `headers`, at most `limit` bytes, within `timeout`.
pub(crate) async fn read(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            41300,
            format!("Request body larger than {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    // Refused before a byte is read: a sender that declares 50 MB is not waited for.
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            40800,
            format!(
                "Request body not received within {} ms",
                timeout.as_millis()
            ),
        )),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => Err(
            if error.into_inner().is::<http_body_util::LengthLimitError>() {
                too_large()
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    40001,
                    "Request body could not be read (broken framing)",
                )
            },
        ),
    }
}
