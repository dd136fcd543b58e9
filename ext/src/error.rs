//! One error type that says what failed and whether the request may have reached Sinch.

use std::time::Duration;

use bytes::Bytes;

pub use sinch_voice_raw::types::ErrorCode;

/// Everything that can go wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Sinch answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request never left this machine: connection refused, DNS or TLS handshake failed.
    /// Safe to retry: nothing was sent.
    #[error("request not sent ({operation}): {reason}")]
    NotSent {
        /// The operation, e.g. `create_callout`.
        operation: &'static str,
        /// What failed (the transport's message).
        reason: String,
    },

    /// The request was (or may have been) sent, but no complete answer came back: the
    /// connection dropped or an I/O error happened. The operation may have taken effect.
    #[error("no answer ({operation}): {reason}; the request may have reached Sinch")]
    NoAnswer {
        /// The operation.
        operation: &'static str,
        /// What failed.
        reason: String,
    },

    /// No answer within the time allowed. The request may have reached Sinch.
    #[error("timed out after {after:?} ({operation}, {scope}); the request may have reached Sinch")]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// How long was waited.
        after: Duration,
        /// `"attempt"` (one try) or `"overall"` (all tries and waits together).
        scope: &'static str,
    },

    /// Sinch answered, but the body is not what the operation returns.
    #[error("undecodable response to {operation} (status {status}){}: {message}", at_path(.path))]
    Decode {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// JSON path of the offending field (`participants[0].duration`), empty for the root.
        path: String,
        /// What was wrong.
        message: String,
        /// The body as received (what arrived of it, when `truncated`).
        body: Bytes,
        /// The connection ended before the whole body arrived: a transport failure, retried
        /// like one for requests that are safe to repeat.
        truncated: bool,
    },

    /// The response body was larger than the configured limit; it was not read further.
    #[error("response to {operation} is larger than the limit of {limit} bytes (status {status})")]
    ResponseTooLarge {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },

    /// An argument is not acceptable; nothing was sent.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The offending argument or field, e.g. `conference_id`.
        field: String,
        /// Why.
        message: String,
    },

    /// The client is not configured correctly; nothing was sent.
    #[error("configuration: {0}")]
    Configuration(String),
}

fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

/// An error answer from Sinch (rest-api.md §5).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation} failed with HTTP {status}{}{}{}", code_text(.error_code), message_text(.message), reference_text(.reference))]
pub struct ApiError {
    /// The operation.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// Sinch's error code (e.g. 40400), when the body has one.
    pub error_code: Option<ErrorCode>,
    /// Sinch's message, when the body has one.
    pub message: Option<String>,
    /// A reference for Sinch support, when the body has one.
    pub reference: Option<String>,
    /// The `Retry-After` delay the server asked for, if any.
    pub retry_after: Option<Duration>,
    /// The body as received (it may not be JSON, e.g. from a proxy).
    pub body: Bytes,
}

fn code_text(code: &Option<ErrorCode>) -> String {
    match code {
        Some(ErrorCode::Integer(n)) => format!(" (errorCode {n})"),
        Some(ErrorCode::String(s)) => format!(" (errorCode {s})"),
        None => String::new(),
    }
}

fn message_text(message: &Option<String>) -> String {
    message
        .as_ref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

fn reference_text(reference: &Option<String>) -> String {
    reference
        .as_ref()
        .map(|r| format!(" [reference {r}]"))
        .unwrap_or_default()
}

impl ApiError {
    /// The error code as a number, when it is one (it is sent as a number or a numeric string).
    pub fn code(&self) -> Option<i64> {
        match &self.error_code {
            Some(ErrorCode::Integer(n)) => Some(*n),
            Some(ErrorCode::String(s)) => s.trim().parse().ok(),
            None => None,
        }
    }
}

impl Error {
    pub(crate) fn configuration(message: impl Into<String>) -> Self {
        Error::Configuration(message.into())
    }

    pub(crate) fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Whether trying again may succeed: transport failures, timeouts, and the statuses that
    /// mean "later" (429, 500, 502, 503, 504). The client's retry policy also looks at the
    /// method: a callout is retried only when it was not sent.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => matches!(api.status, 429 | 500 | 502 | 503 | 504),
            Error::NotSent { .. } | Error::NoAnswer { .. } | Error::Timeout { .. } => true,
            Error::Decode { truncated, .. } => *truncated,
            Error::ResponseTooLarge { .. }
            | Error::InvalidInput { .. }
            | Error::Configuration(_) => false,
        }
    }

    /// Whether the request may have reached Sinch (and so may have taken effect). `false`
    /// only when it provably never left this machine.
    pub fn may_have_been_sent(&self) -> bool {
        !matches!(
            self,
            Error::NotSent { .. } | Error::InvalidInput { .. } | Error::Configuration(_)
        )
    }

    /// The API error, when Sinch answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: Option<ErrorCode>) -> Error {
        Error::Api(Box::new(ApiError {
            operation: "get_call",
            status,
            error_code: code,
            message: Some("Call not found".into()),
            reference: Some("ref-1".into()),
            retry_after: None,
            body: Bytes::new(),
        }))
    }

    #[test]
    fn api_errors_say_status_code_message_and_reference() {
        let e = api(404, Some(ErrorCode::Integer(40400)));
        assert_eq!(
            e.to_string(),
            "get_call failed with HTTP 404 (errorCode 40400): Call not found [reference ref-1]"
        );
        assert!(!e.is_retryable());
        assert!(e.may_have_been_sent());
        assert_eq!(e.api().unwrap().code(), Some(40400));
        assert_eq!(
            api(400, Some(ErrorCode::String("40001".into())))
                .api()
                .unwrap()
                .code(),
            Some(40001)
        );
    }

    #[test]
    fn retryable_and_sent_classification() {
        assert!(api(503, None).is_retryable());
        assert!(api(429, None).is_retryable());
        assert!(!api(501, None).is_retryable());
        let not_sent = Error::NotSent {
            operation: "create_callout",
            reason: "connection refused".into(),
        };
        assert!(not_sent.is_retryable() && !not_sent.may_have_been_sent());
        let dropped = Error::NoAnswer {
            operation: "create_callout",
            reason: "connection closed".into(),
        };
        assert!(dropped.may_have_been_sent());
        assert!(dropped.to_string().contains("may have reached Sinch"));
        assert!(!Error::invalid_input("to", "empty").may_have_been_sent());
    }
}
