//! One error type that says what failed and whether the request may have reached Sinch.
//!
//! Each variant's `Display` is a one-line summary; the cause, where there is one, is kept as
//! the [`source`](std::error::Error::source) rather than repeated in the text, so a report
//! that walks the chain (`anyhow`'s `{:#}`, for example) shows every step once. A refused
//! connection, for instance, chains down to the [`std::io::Error`] that says so.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

pub use sinch_voice_raw::types::ErrorCode;

use crate::svaml::SvamlError;

/// Everything that can go wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Sinch answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request never left this machine: connection refused, DNS or TLS handshake failed.
    /// Safe to retry: nothing was sent.
    #[error("request not sent ({operation}): could not connect{}", to_host(.source))]
    NotSent {
        /// The operation, e.g. `create_callout`.
        operation: &'static str,
        /// What the HTTP stack reported; its own sources lead to the I/O error.
        #[source]
        source: reqwest::Error,
    },

    /// The request was (or may have been) sent, but no complete answer came back: the
    /// connection dropped or an I/O error happened. The operation may have taken effect.
    #[error(
        "no answer ({operation}): the connection failed before an answer arrived; the request may have reached Sinch"
    )]
    NoAnswer {
        /// The operation.
        operation: &'static str,
        /// What the HTTP stack reported.
        #[source]
        source: reqwest::Error,
    },

    /// No answer within the time allowed. The request may have reached Sinch.
    #[error("timed out after {after:?} ({operation}, {scope}); the request may have reached Sinch")]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// How long was waited.
        after: Duration,
        /// Which limit ran out: one attempt's, or the whole operation's.
        scope: TimeoutScope,
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

    /// An SVAML document was refused before anything was sent (its [`SvamlError`], with the
    /// JSON path of every problem, is the source). Lets `IceResponse::builder()…build()?`
    /// be used in a function that returns this `Error`:
    ///
    /// ```
    /// use sinch_voice::svaml::IceResponse;
    ///
    /// fn greeting(text: &str) -> Result<String, sinch_voice::Error> {
    ///     let reply = IceResponse::builder().say(text, "en-US").hangup().build()?;
    ///     Ok(reply.to_json())
    /// }
    ///
    /// assert!(greeting("Welcome").is_ok());
    /// let refused = greeting("").unwrap_err();
    /// assert!(matches!(refused, sinch_voice::Error::Svaml(_)));
    /// let source = std::error::Error::source(&refused).unwrap();
    /// assert!(source.is::<sinch_voice::svaml::SvamlError>());
    /// ```
    #[error("{}", svaml_summary(.0))]
    Svaml(#[source] SvamlError),

    /// The client is not configured correctly; nothing was sent.
    #[error("configuration: {0}")]
    Configuration(String),
}

/// Which time limit a [`Error::Timeout`] ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutScope {
    /// One attempt took longer than the attempt timeout
    /// ([`ClientBuilder::attempt_timeout`](crate::ClientBuilder::attempt_timeout)); a
    /// request that is safe to repeat may have been retried before.
    Attempt,
    /// The operation as a whole, all attempts and waits between them, took longer than the
    /// overall timeout ([`ClientBuilder::overall_timeout`](crate::ClientBuilder::overall_timeout)).
    Overall,
}

impl TimeoutScope {
    /// `"attempt"` or `"overall"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeoutScope::Attempt => "attempt",
            TimeoutScope::Overall => "overall",
        }
    }
}

impl fmt::Display for TimeoutScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

fn to_host(error: &reqwest::Error) -> String {
    match error.url() {
        Some(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!(" to {host}:{port}"),
            (Some(host), None) => format!(" to {host}"),
            _ => String::new(),
        },
        None => String::new(),
    }
}

fn svaml_summary(error: &SvamlError) -> String {
    let mut text = format!("invalid SVAML for {}", error.context);
    match error.issues.as_slice() {
        [] => {}
        [one] => text.push_str(&format!(" at `{}`", one.path)),
        [first, rest @ ..] => {
            text.push_str(&format!(" at `{}` and {} more", first.path, rest.len()));
        }
    }
    text.push_str("; nothing was sent");
    text
}

impl From<SvamlError> for Error {
    fn from(error: SvamlError) -> Self {
        Error::Svaml(error)
    }
}

/// A value the generated request builders refused (`types::TtsCallout::builder()…`).
impl From<sinch_voice_raw::types::error::ConversionError> for Error {
    fn from(error: sinch_voice_raw::types::error::ConversionError) -> Self {
        Error::invalid_input("request", error.to_string())
    }
}

/// A region key that is not one of [`Region::ALL`](crate::Region::ALL), as met while
/// configuring a client.
impl From<crate::UnknownRegion> for Error {
    fn from(error: crate::UnknownRegion) -> Self {
        Error::Configuration(error.to_string())
    }
}

/// An error answer from Sinch (the spec's `Error` schema): the status, Sinch's `errorCode`,
/// message and reference when the body has them, the body itself and the response headers.
///
/// Its `Debug` shows at most the first [`ApiError::DEBUG_BODY_BYTES`] bytes of the body and of
/// the message; the accessors give them whole.
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
#[error("{operation} failed with HTTP {status}{}{}{}", code_text(.error_code), message_text(.message), reference_text(.reference))]
pub struct ApiError {
    operation: &'static str,
    status: u16,
    error_code: Option<ErrorCode>,
    message: Option<String>,
    reference: Option<String>,
    retry_after: Option<Duration>,
    body: Bytes,
    headers: http::HeaderMap,
}

fn code_text(code: &Option<ErrorCode>) -> String {
    match code {
        Some(ErrorCode::Integer(n)) => format!(" (errorCode {n})"),
        Some(ErrorCode::String(s)) => format!(" (errorCode {s})"),
        None => String::new(),
    }
}

/// Sinch's message, cut to [`ApiError::DEBUG_BODY_BYTES`]: an error line stays a line
/// whatever the server sends ([`ApiError::message`] has it whole).
fn message_text(message: &Option<String>) -> String {
    match message {
        None => String::new(),
        Some(m) if m.len() <= ApiError::DEBUG_BODY_BYTES => format!(": {m}"),
        Some(m) => {
            let end = char_boundary(m.as_bytes(), ApiError::DEBUG_BODY_BYTES);
            format!(": {}… ({} bytes)", &m[..end], m.len())
        }
    }
}

fn reference_text(reference: &Option<String>) -> String {
    reference
        .as_ref()
        .map(|r| format!(" [reference {r}]"))
        .unwrap_or_default()
}

impl ApiError {
    /// How much of the body (and of Sinch's message) `Debug` shows; `Display` also cuts the
    /// message there.
    pub const DEBUG_BODY_BYTES: usize = 512;

    /// An error answer; `parsed` is Sinch's JSON error body when `body` is one (a proxy's
    /// HTML page, for example, is not).
    pub(crate) fn new(
        operation: &'static str,
        status: u16,
        parsed: Option<sinch_voice_raw::types::Error>,
        retry_after: Option<Duration>,
        body: Bytes,
        headers: http::HeaderMap,
    ) -> ApiError {
        let (error_code, message, reference) = match parsed {
            Some(e) => (e.error_code, e.message, e.reference),
            None => (None, None, None),
        };
        ApiError {
            operation,
            status,
            error_code,
            message,
            reference,
            retry_after,
            body,
            headers,
        }
    }

    /// The operation, e.g. `get_call`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Sinch's `errorCode` as sent (a number or a string), when the body has one.
    pub fn error_code(&self) -> Option<&ErrorCode> {
        self.error_code.as_ref()
    }

    /// The error code as a number, when it is one (it is sent as a number or a numeric
    /// string), e.g. 40400.
    pub fn code(&self) -> Option<i64> {
        match &self.error_code {
            Some(ErrorCode::Integer(n)) => Some(*n),
            Some(ErrorCode::String(s)) => s.trim().parse().ok(),
            None => None,
        }
    }

    /// Sinch's message, when the body has one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// A reference for Sinch support, when the body has one.
    pub fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }

    /// The delay the server asked for in `Retry-After` (seconds or an HTTP date), if any.
    /// Not capped: the retry policy caps what it waits.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The body as received (it may not be JSON, e.g. from a proxy).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Everything that came from the network is cut: a body, but also a message, can be
        // megabytes long.
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("error_code", &self.error_code)
            .field("message", &self.message.as_deref().map(Cut::text))
            .field("reference", &self.reference.as_deref().map(Cut::text))
            .field("retry_after", &self.retry_after)
            .field("headers", &self.headers)
            .field("body", &Cut(&self.body))
            .finish()
    }
}

/// The start of some bytes from the network, as text where it is UTF-8, with the full length
/// when cut.
struct Cut<'a>(&'a [u8]);

impl<'a> Cut<'a> {
    fn text(text: &'a str) -> Cut<'a> {
        Cut(text.as_bytes())
    }
}

impl fmt::Debug for Cut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = ApiError::DEBUG_BODY_BYTES;
        if self.0.len() <= limit {
            return write!(f, "{:?}", String::from_utf8_lossy(self.0));
        }
        write!(
            f,
            "{:?}… ({} bytes)",
            String::from_utf8_lossy(&self.0[..char_boundary(self.0, limit)]),
            self.0.len()
        )
    }
}

/// `limit`, or less so as not to cut a UTF-8 character in two.
fn char_boundary(bytes: &[u8], limit: usize) -> usize {
    match std::str::from_utf8(&bytes[..limit]) {
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        _ => limit,
    }
}

/// A request body's checks failed: the field is the JSON path of the bad value.
impl From<crate::values::FieldError> for Error {
    fn from(e: crate::values::FieldError) -> Self {
        Error::invalid_input(e.path(), e.message())
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
            | Error::Svaml(_)
            | Error::Configuration(_) => false,
        }
    }

    /// Whether the request may have reached Sinch (and so may have taken effect). `false`
    /// only when it provably never left this machine.
    pub fn may_have_been_sent(&self) -> bool {
        !matches!(
            self,
            Error::NotSent { .. }
                | Error::InvalidInput { .. }
                | Error::Svaml(_)
                | Error::Configuration(_)
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
    use std::error::Error as _;

    fn api_with(status: u16, body: &str) -> ApiError {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", "req-7".parse().unwrap());
        let parsed = serde_json::from_str(body).ok();
        ApiError::new(
            "get_call",
            status,
            parsed,
            None,
            Bytes::from(body.to_string()),
            headers,
        )
    }

    fn api(status: u16, code: &str) -> Error {
        Error::Api(Box::new(api_with(
            status,
            &format!(r#"{{"errorCode":{code},"message":"Call not found","reference":"ref-1"}}"#),
        )))
    }

    /// A transport error as reqwest makes it, without any network.
    fn reqwest_error() -> reqwest::Error {
        crate::http_client_builder()
            .build()
            .unwrap()
            .get("not a url")
            .build()
            .expect_err("not a URL")
    }

    #[test]
    fn errors_cross_threads() {
        fn sendable<T: std::error::Error + Send + Sync + 'static>() {}
        sendable::<Error>();
        sendable::<ApiError>();
    }

    #[test]
    fn api_errors_say_status_code_message_and_reference() {
        let e = api(404, "40400");
        assert_eq!(
            e.to_string(),
            "get_call failed with HTTP 404 (errorCode 40400): Call not found [reference ref-1]"
        );
        assert!(!e.is_retryable());
        assert!(e.may_have_been_sent());
        let a = e.api().unwrap();
        assert_eq!(a.code(), Some(40400));
        assert!(matches!(a.error_code(), Some(ErrorCode::Integer(40400))));
        assert_eq!(a.status(), 404);
        assert_eq!(a.operation(), "get_call");
        assert_eq!(a.message(), Some("Call not found"));
        assert_eq!(a.reference(), Some("ref-1"));
        assert_eq!(a.retry_after(), None);
        assert_eq!(a.headers()["x-request-id"], "req-7");
        assert_eq!(api(400, "\"40001\"").api().unwrap().code(), Some(40001));
    }

    #[test]
    fn a_body_that_is_not_sinch_json_leaves_the_fields_empty() {
        let a = api_with(502, "<html>Bad Gateway</html>");
        assert_eq!(a.code(), None);
        assert_eq!(a.message(), None);
        assert_eq!(a.body().as_ref(), b"<html>Bad Gateway</html>");
        assert_eq!(a.to_string(), "get_call failed with HTTP 502");
    }

    #[test]
    fn debug_shows_a_short_body_whole_and_cuts_a_long_one() {
        let short = format!("{:?}", api_with(500, "oops"));
        assert!(short.contains(r#"body: "oops""#), "{short}");
        assert!(short.contains("x-request-id"), "{short}");

        let mut big = String::from("é"); // two bytes: the cut lands inside a character
        big.push_str(&"x".repeat(1 << 20));
        let debug = format!("{:?}", api_with(500, &big));
        assert!(debug.len() < 2048, "{} bytes of Debug", debug.len());
        assert!(
            debug.contains(&format!("… ({} bytes)", big.len())),
            "{debug}"
        );
        assert!(debug.contains(&"x".repeat(500)), "{debug}");
    }

    #[test]
    fn retryable_and_sent_classification() {
        assert!(api(503, "1").is_retryable());
        assert!(api(429, "1").is_retryable());
        assert!(!api(501, "1").is_retryable());
        let not_sent = Error::NotSent {
            operation: "create_callout",
            source: reqwest_error(),
        };
        assert!(not_sent.is_retryable() && !not_sent.may_have_been_sent());
        assert!(not_sent.source().is_some());
        let dropped = Error::NoAnswer {
            operation: "create_callout",
            source: reqwest_error(),
        };
        assert!(dropped.may_have_been_sent());
        assert!(dropped.to_string().contains("may have reached Sinch"));
        assert!(!Error::invalid_input("to", "empty").may_have_been_sent());
        let timeout = Error::Timeout {
            operation: "get_call",
            after: Duration::from_secs(2),
            scope: TimeoutScope::Overall,
        };
        assert_eq!(
            timeout.to_string(),
            "timed out after 2s (get_call, overall); the request may have reached Sinch"
        );
    }

    #[test]
    fn svaml_errors_convert_and_stay_reachable_as_the_source() {
        fn reply() -> Result<crate::svaml::IceResponse<'static>, Error> {
            let reply = crate::svaml::IceResponse::builder()
                .say("", "en-US")
                .hangup()
                .build()?;
            Ok(reply)
        }
        let err = reply().expect_err("an empty say is refused");
        assert!(matches!(err, Error::Svaml(_)), "{err:?}");
        assert!(!err.may_have_been_sent() && !err.is_retryable());
        let source = err.source().expect("the SvamlError is the source");
        let svaml = source
            .downcast_ref::<SvamlError>()
            .expect("the source is the SvamlError");
        assert!(!svaml.issues.is_empty());
        assert!(
            err.to_string()
                .starts_with("invalid SVAML for an ICE reply at `"),
            "{err}"
        );
    }

    #[test]
    fn region_and_conversion_errors_convert() {
        fn region() -> Result<crate::Region, Error> {
            Ok("mars".parse::<crate::Region>()?)
        }
        assert!(matches!(region(), Err(Error::Configuration(m)) if m.contains("mars")));
        let conversion: sinch_voice_raw::types::error::ConversionError = "bad value".into();
        assert!(matches!(
            Error::from(conversion),
            Error::InvalidInput { field, message } if field == "request" && message == "bad value"
        ));
    }
}
