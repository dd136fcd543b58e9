//! The framework-neutral entry: an `http::Request` and its body in, a verified, typed event
//! out; and [`SignedCallback`], a correctly signed callback for users' own tests.

use chrono::{DateTime, Utc};

use super::event::CallbackEvent;
use super::parse::ParseError;
use super::verify::{Verifier, VerifyError};
use crate::clock::{Clock, SystemClock};
use crate::credentials::Credentials;
use crate::signing::{SigningInput, format_timestamp, sign};

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
    /// [`Verifier::verify_event`] with the public path instead.
    pub fn verify_request<'b, B: AsRef<[u8]>>(
        &self,
        request: &'b http::Request<B>,
    ) -> Result<CallbackEvent<'b>, CallbackError> {
        self.verify_event(
            request.method().as_str(),
            request.uri().path(),
            request.headers(),
            request.body().as_ref(),
        )
    }

    /// Verifies a callback from its parts (the path Sinch signed, the headers, the bytes as
    /// received) and parses it, in one call.
    ///
    /// ```
    /// # use sinch_voice::Credentials;
    /// use sinch_voice::callbacks::{CallbackEvent, SignedCallback, Verifier};
    ///
    /// # let credentials = Credentials::new("app-key", "c2VjcmV0LWJ5dGVz").unwrap();
    /// let request = SignedCallback::new(&credentials, "/sinch", r#"{"event":"dice","callid":"c1"}"#).into_http();
    /// let (parts, body) = request.into_parts();
    /// let event = Verifier::new(&credentials).verify_event("POST", "/sinch", &parts.headers, &body)?;
    /// assert!(matches!(event, CallbackEvent::Dice(_)));
    /// # Ok::<(), sinch_voice::callbacks::CallbackError>(())
    /// ```
    pub fn verify_event<'b>(
        &self,
        method: &str,
        path: &str,
        headers: &http::HeaderMap,
        body: &'b [u8],
    ) -> Result<CallbackEvent<'b>, CallbackError> {
        self.verify(method, path, headers, body)?;
        Ok(CallbackEvent::parse(body)?)
    }

    /// Like [`verify_event`](Self::verify_event), with the headers as `(name, value)` pairs
    /// in any framework's form (names in any case).
    pub fn verify_event_pairs<'b, I, K, V>(
        &self,
        method: &str,
        path: &str,
        headers: I,
        body: &'b [u8],
    ) -> Result<CallbackEvent<'b>, CallbackError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.verify_pairs(method, path, headers, body)?;
        Ok(CallbackEvent::parse(body)?)
    }
}

/// The content type the platform sends callbacks with.
const CALLBACK_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A callback as the platform would send it: POST, `content-type: application/json`,
/// `x-timestamp` and the `Application` signature over exactly the body and the URL's path.
/// For testing your callback handler: signed now ([`new`](Self::new)) or at a time of your
/// choosing ([`at`](Self::at)); sent in one call ([`send`](Self::send)), or handed to your
/// own client or to an in-process router ([`into_http`](Self::into_http)).
///
/// ```no_run
/// use sinch_voice::Credentials;
/// use sinch_voice::callbacks::SignedCallback;
///
/// # async fn test(credentials: Credentials) -> Result<(), sinch_voice::reqwest::Error> {
/// let ice = r#"{"event":"ice","callid":"c1","cli":"+46701234567"}"#;
/// let answer = SignedCallback::new(&credentials, "http://127.0.0.1:3000/hooks/sinch", ice)
///     .send()
///     .await?;
/// assert_eq!(answer.status(), 200);
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SignedCallback {
    url: String,
    body: Vec<u8>,
    timestamp: String,
    authorization: String,
}

impl std::fmt::Debug for SignedCallback {
    // The signature stays out of logs: it is a replayable credential for its window.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedCallback")
            .field("url", &self.url)
            .field("timestamp", &self.timestamp)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish_non_exhaustive()
    }
}

impl SignedCallback {
    /// `body` for `url` (absolute, `http://127.0.0.1:3000/hooks/sinch`, or a path for an
    /// in-process router), signed with `credentials` at the current time.
    pub fn new(
        credentials: &Credentials,
        url: impl Into<String>,
        body: impl Into<Vec<u8>>,
    ) -> Self {
        Self::at(credentials, url, body, SystemClock.now())
    }

    /// The same, signed at `time` (to test the timestamp window).
    pub fn at(
        credentials: &Credentials,
        url: impl Into<String>,
        body: impl Into<Vec<u8>>,
        time: DateTime<Utc>,
    ) -> Self {
        let url = url.into();
        let body = body.into();
        let timestamp = format_timestamp(time);
        let signature = sign(
            credentials,
            &SigningInput {
                method: "POST",
                path: signed_path(&url),
                content_type: Some(CALLBACK_CONTENT_TYPE),
                body: Some(&body),
                timestamp: &timestamp,
            },
        );
        SignedCallback {
            url,
            body,
            timestamp,
            authorization: signature.authorization,
        }
    }

    /// The URL it is sent to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The path that was signed: the URL's path, without a query.
    pub fn path(&self) -> &str {
        signed_path(&self.url)
    }

    /// The body, exactly as signed.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The three headers that make it genuine: `content-type`, `x-timestamp`, `authorization`.
    pub fn headers(&self) -> [(&'static str, &str); 3] {
        [
            ("content-type", CALLBACK_CONTENT_TYPE),
            ("x-timestamp", &self.timestamp),
            ("authorization", &self.authorization),
        ]
    }

    /// As an `http::Request` (to hand to an axum router with `oneshot`, or to
    /// [`Verifier::verify_request`]).
    pub fn into_http(self) -> http::Request<Vec<u8>> {
        let mut request = http::Request::post(self.url.as_str());
        for (name, value) in self.headers() {
            request = request.header(name, value);
        }
        request
            .body(self.body)
            .expect("a URL that parses, with a signature of its path, and three ASCII headers")
    }

    /// A request on your own client, ready to send.
    pub fn to_reqwest(&self, client: &reqwest::Client) -> reqwest::RequestBuilder {
        let mut request = client.post(self.url.as_str());
        for (name, value) in self.headers() {
            request = request.header(name, value);
        }
        request.body(self.body.clone())
    }

    /// Sends it (to an absolute URL) and returns the app's answer.
    pub async fn send(&self) -> Result<reqwest::Response, reqwest::Error> {
        let client = crate::tls::http_client_builder().build()?;
        self.to_reqwest(&client).send().await
    }
}

/// The path of `url` (absolute or a bare path), without query or fragment.
fn signed_path(url: &str) -> &str {
    let after_scheme = match url.find("://") {
        Some(at) => {
            let rest = &url[at + 3..];
            match rest.find(['/', '?', '#']) {
                Some(slash) if rest.as_bytes()[slash] == b'/' => &rest[slash..],
                _ => "/",
            }
        }
        None => url,
    };
    let end = after_scheme.find(['?', '#']).unwrap_or(after_scheme.len());
    &after_scheme[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_path_is_the_urls_path() {
        assert_eq!(
            signed_path("http://127.0.0.1:3000/hooks/sinch"),
            "/hooks/sinch"
        );
        assert_eq!(signed_path("https://h/hooks/sinch?x=1#f"), "/hooks/sinch");
        assert_eq!(signed_path("http://127.0.0.1:3000"), "/");
        assert_eq!(signed_path("http://h?q"), "/");
        assert_eq!(signed_path("/sinch?x"), "/sinch");
        assert_eq!(signed_path("/sinch"), "/sinch");
    }

    #[test]
    fn a_signed_callback_verifies_where_it_was_signed_and_nowhere_else() {
        let credentials = Credentials::new("app-key", "c2VjcmV0LWJ5dGVz").unwrap();
        let verifier = Verifier::new(&credentials);
        let body = r#"{"event":"ice","callid":"c1"}"#;
        let signed = SignedCallback::new(&credentials, "http://127.0.0.1:9/hooks/sinch?a=1", body);
        assert_eq!(signed.path(), "/hooks/sinch");
        let event = verifier
            .verify_event_pairs("POST", "/hooks/sinch", signed.headers(), signed.body())
            .unwrap();
        assert!(matches!(event, CallbackEvent::Ice(_)));
        assert!(matches!(
            verifier.verify_event_pairs("POST", "/sinch", signed.headers(), signed.body()),
            Err(CallbackError::Unauthorized(_))
        ));
        let request = signed.clone().into_http();
        assert_eq!(request.uri().path(), "/hooks/sinch");
        assert!(matches!(
            verifier.verify_request(&request),
            Ok(CallbackEvent::Ice(_))
        ));
        // Genuine but not an event: 400, not 401.
        let broken = SignedCallback::new(&credentials, "/sinch", "{");
        let (parts, body) = broken.into_http().into_parts();
        assert!(matches!(
            verifier.verify_event("POST", "/sinch", &parts.headers, &body),
            Err(CallbackError::BadRequest(_))
        ));
        // Ten minutes old: outside the window.
        let old = SignedCallback::at(
            &credentials,
            "/sinch",
            body.clone(),
            SystemClock.now() - chrono::Duration::minutes(10),
        );
        assert!(matches!(
            verifier.verify_event_pairs("POST", "/sinch", old.headers(), old.body()),
            Err(CallbackError::Unauthorized(_))
        ));
        assert!(!format!("{signed:?}").contains("Application"));
    }
}
