//! Checking requests as the platform does: Basic or Application-signed, with a clock skew
//! allowance; failures are 401 with errorCode 40100 (none given), 40101 (timestamp out of
//! range) or 40102 (wrong credentials).

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sinch_voice::Credentials;
use sinch_voice::callbacks::{Verifier, VerifyError};

use crate::error::ApiError;

/// Why a request is not authenticated.
pub(crate) fn check(
    credentials: &Credentials,
    secret_text: &str,
    skew: Duration,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), ApiError> {
    let authorization = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    if authorization.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            40100,
            "Authorization required",
        ));
    }
    let (scheme, rest) = authorization.split_once(' ').unwrap_or((authorization, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        let expected = format!("{}:{}", credentials.key(), secret_text);
        let given = STANDARD.decode(rest.trim()).unwrap_or_default();
        return if given == expected.as_bytes() {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                40102,
                "Invalid credentials",
            ))
        };
    }
    let verifier = Verifier::new(credentials).tolerance(Some(skew));
    verifier
        .verify(method, path, headers, body)
        .map_err(|e| match e {
            VerifyError::MissingHeader("authorization") => {
                ApiError::new(StatusCode::UNAUTHORIZED, 40100, "Authorization required")
            }
            VerifyError::Stale { .. } | VerifyError::Future { .. } => ApiError::new(
                StatusCode::UNAUTHORIZED,
                40101,
                "Invalid timestamp: the request's x-timestamp is too far from the server time",
            ),
            VerifyError::MissingHeader(header) => ApiError::new(
                StatusCode::UNAUTHORIZED,
                40101,
                format!("Missing {header} header for a signed request"),
            ),
            _ => ApiError::new(
                StatusCode::UNAUTHORIZED,
                40102,
                "Invalid signature or credentials",
            ),
        })
}
