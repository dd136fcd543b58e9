//! The framework-neutral entry: an `http::Request` and its body in, a verified, typed event
//! out; and a helper that builds a correctly signed callback for users' own tests.

use super::event::CallbackEvent;
use super::parse::ParseError;
use super::verify::{Verifier, VerifyError};
use crate::credentials::Credentials;
use crate::signing::{SigningInput, sign};

/// Why a callback request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// Not genuine (answer 401, and say nothing more to the sender).
    #[error("callback not verified: {0}")]
    Unauthorized(#[from] VerifyError),
    /// Genuine but not a usable event (answer 400).
    #[error(transparent)]
    BadRequest(#[from] ParseError),
}

impl Verifier {
    /// Verifies a received callback, then parses it (borrowing from the body). The path is
    /// the request's URI path: behind a proxy that rewrites paths, use
    /// [`Verifier::verify`] with the public path instead.
    pub fn verify_request<'b, B: AsRef<[u8]>>(
        &self,
        request: &'b http::Request<B>,
    ) -> Result<CallbackEvent<'b>, CallbackError> {
        let body = request.body().as_ref();
        self.verify(
            request.method().as_str(),
            request.uri().path(),
            request.headers(),
            body,
        )?;
        Ok(CallbackEvent::parse(body)?)
    }
}

/// A callback request as the platform would send it: POST, `content-type:
/// application/json`, `x-timestamp` and the `Application` signature over exactly `body`.
/// For testing your callback handler.
///
/// ```
/// use sinch_voice::Credentials;
/// use sinch_voice::callbacks::{CallbackEvent, Verifier, signed_callback};
///
/// let credentials = Credentials::new("app-key", "c2VjcmV0LWJ5dGVz").unwrap();
/// let now = chrono::Utc::now();
/// let request = signed_callback(
///     &credentials,
///     "/sinch/callback",
///     br#"{"event":"dice","callid":"c1"}"#.to_vec(),
///     &sinch_voice::signing::format_timestamp(now),
/// );
/// let event = Verifier::new(&credentials).verify_request(&request).unwrap();
/// assert!(matches!(event, CallbackEvent::Dice(_)));
/// ```
pub fn signed_callback(
    credentials: &Credentials,
    path: &str,
    body: Vec<u8>,
    timestamp: &str,
) -> http::Request<Vec<u8>> {
    let content_type = "application/json; charset=utf-8";
    let signature = sign(
        credentials,
        &SigningInput {
            method: "POST",
            path,
            content_type: Some(content_type),
            body: Some(&body),
            timestamp,
        },
    );
    http::Request::post(path)
        .header(http::header::CONTENT_TYPE, content_type)
        .header("x-timestamp", timestamp)
        .header(http::header::AUTHORIZATION, signature.authorization)
        .body(body)
        .expect("a path, two ASCII headers and a signature make a valid request")
}
