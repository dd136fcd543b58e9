//! What happens to every request: the hooks the raw client calls (authentication, header
//! clean-up, body size limit) and the attempt loop around it (timeouts, retries, tracing,
//! turning the raw client's outcome into [`Error`]).

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::ResponseBuilderExt;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT,
};
use serde::de::DeserializeOwned;
use sinch_voice_raw::hooks::{Hooks, OperationInfo};
use sinch_voice_raw::types;
use tracing::Instrument;

use crate::clock::Clock;
use crate::credentials::Credentials;
use crate::error::{ApiError, Error, TimeoutScope};
use crate::retry::{RetryBudget, RetryPolicy, parse_retry_after, should_retry};
use crate::signing::{SigningInput, basic_authorization, format_timestamp, sign};

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthMode {
    /// `Authorization: Application key:signature` with `x-timestamp` (the default, as Sinch
    /// recommends for production).
    #[default]
    Signed,
    /// `Authorization: Basic base64(key:secret)`.
    Basic,
}

/// What the per-request machinery needs; shared by every request of a client.
pub(crate) struct Transport {
    pub(crate) credentials: Credentials,
    pub(crate) auth: AuthMode,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: RetryBudget,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) overall_timeout: Option<Duration>,
    pub(crate) max_response_bytes: usize,
    pub(crate) user_agent: HeaderValue,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("credentials", &self.credentials)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// What the execute hook leaves for the attempt loop, for the outcomes where the raw client
/// drops it: the status (a 2xx body that does not decode is reported without one) and, for an
/// error status, the headers and the exact body (the raw client keeps only its parse of them).
/// Lives inside the attempt's future: no allocation, no lock, nothing written on success but a
/// status.
#[derive(Default)]
struct Seen {
    status: Cell<u16>,
    error_parts: Cell<Option<(http::HeaderMap, Bytes)>>,
}

tokio::task_local! {
    static SEEN: Seen;
}

/// The headers progenitor adds that the Sinch API does not know.
static API_VERSION: HeaderName = HeaderName::from_static("api-version");
static X_TIMESTAMP: HeaderName = HeaderName::from_static("x-timestamp");

impl Transport {
    /// The hooks to install in the raw clients.
    pub(crate) fn hooks(self: &Arc<Self>) -> Hooks {
        let prepare = Arc::clone(self);
        let limit = self.max_response_bytes;
        Hooks::new()
            .with_prepare(move |request, _info| prepare.prepare(request))
            .with_execute(move |client, request, _info: &OperationInfo| {
                Box::pin(execute(client, request, limit))
            })
    }

    /// Runs on the final request, so the signature covers exactly what goes on the wire.
    fn prepare(&self, request: &mut reqwest::Request) -> Result<(), String> {
        request.headers_mut().remove(&API_VERSION);
        if !request.headers().contains_key(USER_AGENT) {
            request
                .headers_mut()
                .insert(USER_AGENT, self.user_agent.clone());
        }
        let authorization = match self.auth {
            AuthMode::Basic => basic_authorization(&self.credentials),
            AuthMode::Signed => {
                let timestamp = format_timestamp(self.clock.now());
                let content_type = request
                    .headers()
                    .get(CONTENT_TYPE)
                    .map(|v| {
                        v.to_str()
                            .map_err(|_| "content-type is not visible ASCII".to_string())
                    })
                    .transpose()?;
                let body = match request.body() {
                    None => None,
                    Some(body) => Some(body.as_bytes().ok_or("a streamed body cannot be signed")?),
                };
                let signature = sign(
                    &self.credentials,
                    &SigningInput {
                        method: request.method().as_str(),
                        path: request.url().path(),
                        content_type,
                        body,
                        timestamp: &timestamp,
                    },
                );
                let timestamp = HeaderValue::from_str(&timestamp).map_err(|e| e.to_string())?;
                request.headers_mut().insert(&X_TIMESTAMP, timestamp);
                signature.authorization
            }
        };
        let mut value = HeaderValue::from_str(&authorization)
            .map_err(|_| "the application key cannot go in a header".to_string())?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }

    /// Runs one operation to completion: attempts, waits, retries within the budget and the
    /// overall deadline. `send` performs one attempt with the raw client.
    pub(crate) async fn run<T, F, Fut>(&self, op: Operation, send: F) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<
            Output = Result<
                sinch_voice_raw::ResponseValue<T>,
                sinch_voice_raw::Error<types::Error>,
            >,
        >,
    {
        self.budget.deposit();
        let started = Instant::now();
        // A timeout too long to represent is no deadline at all.
        let deadline = self.overall_timeout.and_then(|d| started.checked_add(d));
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "sinch_voice.request",
                operation = op.spec.method_name,
                method = op.spec.method,
                host = %op.host,
                attempt,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let attempt_started = Instant::now();
            let remaining = deadline.map(|d| d.saturating_duration_since(attempt_started));
            let (limit, scope) = match (self.attempt_timeout, remaining) {
                (Some(a), Some(r)) if r < a => (Some(r), TimeoutScope::Overall),
                (Some(a), _) => (Some(a), TimeoutScope::Attempt),
                (None, Some(r)) => (Some(r), TimeoutScope::Overall),
                (None, None) => (None, TimeoutScope::Attempt),
            };
            let (result, seen) = {
                // Dropped at the end of this block, so a timed-out attempt is cancelled
                // before any wait for the next one.
                let mut one =
                    std::pin::pin!(SEEN.scope(Seen::default(), send()).instrument(span.clone()));
                let result = match limit {
                    Some(limit) => tokio::time::timeout(limit, one.as_mut()).await.ok(),
                    None => Some(one.as_mut().await),
                };
                let seen = one.as_mut().inner_pin_mut().take_value();
                (result, seen.unwrap_or_default())
            };
            // Known as soon as the head arrived, even if the body then timed out.
            if seen.status.get() != 0 {
                span.record("status", seen.status.get());
            }
            let outcome = match result {
                Some(result) => classify(op.spec.method_name, result, seen, attempt_started).await,
                None => Err(Error::Timeout {
                    operation: op.spec.method_name,
                    after: match scope {
                        TimeoutScope::Overall => started.elapsed(),
                        TimeoutScope::Attempt => limit.unwrap_or_default(),
                    },
                    scope,
                }),
            };
            span.record("duration_ms", attempt_started.elapsed().as_millis() as u64);

            let error = match outcome {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let overall_expired = matches!(
                error,
                Error::Timeout {
                    scope: TimeoutScope::Overall,
                    ..
                }
            );
            if overall_expired
                || attempt >= self.retry.max_attempts
                || !should_retry(&error, op.spec.retry)
            {
                return Err(error);
            }
            let retry_after = error.api().and_then(ApiError::retry_after);
            let delay = self.retry.delay(attempt, retry_after);
            // A wait that ends past the deadline, or too far ahead to name, is not waited for.
            let wake = Instant::now().checked_add(delay);
            if wake.is_none_or(|wake| deadline.is_some_and(|d| wake >= d)) {
                tracing::debug!(parent: &span, delay_s = delay.as_secs(), "the wait would end past the deadline; not retrying");
                return Err(error);
            }
            if !self.budget.withdraw() {
                tracing::debug!(parent: &span, "retry budget spent; not retrying");
                return Err(error);
            }
            tracing::debug!(parent: &span, error = %error, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
        }
    }
}

/// Sends, then reads the whole body once, under the size limit, and hands the raw client a
/// response whose body is those bytes. The outcomes the raw client would garble arrive as an
/// error whose source chain carries what happened ([`TooLarge`], [`BodyCut`]).
async fn execute(
    client: reqwest::Client,
    request: reqwest::Request,
    limit: usize,
) -> reqwest::Result<reqwest::Response> {
    let mut response = client.execute(request).await?;
    let status = response.status();
    let _ = SEEN.try_with(|seen| seen.status.set(status.as_u16()));
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(carrying(TooLarge { limit }).await);
    }
    // Most answers arrive in one chunk: kept as it came, not copied.
    let mut body = Bytes::new();
    let mut more: Option<BytesMut> = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let received = body.len() + more.as_ref().map_or(0, BytesMut::len);
                if received + chunk.len() > limit {
                    return Err(carrying(TooLarge { limit }).await);
                }
                if let Some(more) = &mut more {
                    more.extend_from_slice(&chunk);
                } else if body.is_empty() {
                    body = chunk;
                } else {
                    let mut joined = BytesMut::with_capacity(body.len() + chunk.len());
                    joined.extend_from_slice(&body);
                    joined.extend_from_slice(&chunk);
                    more = Some(joined);
                }
            }
            Ok(None) => break,
            Err(cause) => {
                let received = match more {
                    Some(more) => more.freeze(),
                    None => body,
                };
                return Err(carrying(BodyCut { received, cause }).await);
            }
        }
    }
    if let Some(more) = more {
        body = more.freeze();
    }
    let headers = std::mem::take(response.headers_mut());
    if status.as_u16() >= 400 {
        // An error may be kept for long: it gets its own copy rather than a share of the
        // connection's read buffer.
        body = Bytes::copy_from_slice(&body);
        let _ = SEEN.try_with(|seen| {
            seen.error_parts.set(Some((headers.clone(), body.clone())));
        });
    }
    // With its URL given, reqwest need not parse a placeholder one for the rebuilt response.
    // Only an extension is set on the builder, which cannot fail.
    let mut rebuilt = http::Response::builder()
        .url(response.url().clone())
        .body(reqwest::Body::from(body))
        .expect("a builder with only an extension set");
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// The response was larger than the limit; it was not read further.
#[derive(Debug, thiserror::Error)]
#[error("the response is larger than the limit of {limit} bytes")]
struct TooLarge {
    limit: usize,
}

/// The connection ended before the whole body arrived.
#[derive(Debug, thiserror::Error)]
#[error("the response body was cut short after {} bytes", .received.len())]
struct BodyCut {
    received: Bytes,
    #[source]
    cause: reqwest::Error,
}

/// A reqwest error whose source chain holds `marker` (reqwest's errors cannot be made
/// directly: this reads a body that fails with it).
async fn carrying(marker: impl std::error::Error + Send + Sync + 'static) -> reqwest::Error {
    let body = reqwest::Body::wrap(Failing(Some(Box::new(marker))));
    match reqwest::Response::from(http::Response::new(body))
        .bytes()
        .await
    {
        Err(error) => error,
        Ok(_) => unreachable!("a failing body yields its error"),
    }
}

/// A body whose first frame is an error.
struct Failing(Option<Box<dyn std::error::Error + Send + Sync>>);

impl http_body::Body for Failing {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.0.take().map(Err))
    }
}

/// The first error of type `M` in the source chain of `error`.
fn find<'a, M: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a M> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(m) = e.downcast_ref::<M>() {
            return Some(m);
        }
        next = e.source();
    }
    None
}

/// What the attempt loop needs to know of an operation.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    /// The spec's descriptor: names, method, whether it may be sent twice.
    pub(crate) spec: &'static sinch_voice_raw::operations::Operation,
    /// The host it goes to, for the trace.
    pub(crate) host: String,
}

/// Turns the raw client's outcome, plus what the execute hook saw, into ours.
async fn classify<T: DeserializeOwned>(
    operation: &'static str,
    result: Result<sinch_voice_raw::ResponseValue<T>, sinch_voice_raw::Error<types::Error>>,
    seen: Seen,
    attempt_started: Instant,
) -> Result<T, Error> {
    use sinch_voice_raw::Error as Raw;
    let seen_status = seen.status.get();
    let error_parts = seen.error_parts.into_inner();
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(Raw::ErrorResponse(value)) => {
            let status = value.status().as_u16();
            let (headers, body) =
                error_parts.unwrap_or_else(|| (value.headers().clone(), Bytes::new()));
            Err(api_error(
                operation,
                status,
                headers,
                body,
                Some(value.into_inner()),
            ))
        }
        Err(Raw::InvalidResponsePayload(bytes, error)) => {
            if seen_status >= 400 {
                // An error status whose body is not Sinch's JSON (a proxy page, nothing).
                let headers = error_parts.map(|(h, _)| h).unwrap_or_default();
                Err(api_error(operation, seen_status, headers, bytes, None))
            } else {
                let (path, message) =
                    decode_failure::<T>(&bytes).unwrap_or((String::new(), error.to_string()));
                Err(Error::Decode {
                    operation,
                    status: seen_status,
                    path,
                    message,
                    body: bytes,
                    truncated: false,
                })
            }
        }
        Err(Raw::UnexpectedResponse(response)) => {
            let status = response.status().as_u16();
            let (headers, body) = match error_parts {
                Some(parts) => parts,
                None => {
                    let headers = response.headers().clone();
                    // The execute hook made this body of bytes already read: no I/O.
                    (headers, response.bytes().await.unwrap_or_default())
                }
            };
            if status >= 400 {
                let parsed = serde_json::from_slice::<types::Error>(&body).ok();
                Err(api_error(operation, status, headers, body, parsed))
            } else {
                Err(Error::Decode {
                    operation,
                    status,
                    path: String::new(),
                    message: format!("unexpected status {status} for this operation"),
                    body,
                    truncated: false,
                })
            }
        }
        Err(Raw::CommunicationError(error)) | Err(Raw::ResponseBodyError(error)) => {
            if let Some(too_large) = find::<TooLarge>(&error) {
                return Err(Error::ResponseTooLarge {
                    operation,
                    status: seen_status,
                    limit: too_large.limit,
                });
            }
            if let Some(cut) = find::<BodyCut>(&error) {
                // The answer began but did not arrive whole.
                let path = decode_failure::<T>(&cut.received)
                    .map(|(p, _)| p)
                    .unwrap_or_default();
                return Err(Error::Decode {
                    operation,
                    status: seen_status,
                    path,
                    message: format!("{cut}: {}", chain_text(&cut.cause)),
                    body: cut.received.clone(),
                    truncated: true,
                });
            }
            Err(transport_error(operation, error, attempt_started))
        }
        Err(Raw::InvalidRequest(message)) => Err(Error::InvalidInput {
            field: field_of_invalid_request(&message),
            message,
        }),
        Err(Raw::Custom(message)) => Err(Error::Configuration(message)),
        Err(Raw::InvalidUpgrade(error)) => Err(Error::Decode {
            operation,
            status: seen_status,
            path: String::new(),
            message: error.to_string(),
            body: Bytes::new(),
            truncated: false,
        }),
    }
}

fn api_error(
    operation: &'static str,
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    parsed: Option<types::Error>,
) -> Error {
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
    Error::Api(Box::new(ApiError::new(
        operation,
        status,
        parsed,
        retry_after,
        body,
        headers,
    )))
}

/// Decodes `bytes` as `T` again, tracking the path, to say which field is wrong.
fn decode_failure<T: DeserializeOwned>(bytes: &[u8]) -> Option<(String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => None,
        Err(e) => {
            let path = crate::json::path_text(e.path());
            Some((path, e.into_inner().to_string()))
        }
    }
}

/// An error and its sources, joined by `: ` (reqwest's own text is often just "error sending
/// request").
fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

fn transport_error(
    operation: &'static str,
    error: reqwest::Error,
    attempt_started: Instant,
) -> Error {
    if error.is_connect() {
        Error::NotSent {
            operation,
            source: error,
        }
    } else if error.is_timeout() {
        // A timeout of the user's own reqwest client.
        Error::Timeout {
            operation,
            after: attempt_started.elapsed(),
            scope: TimeoutScope::Attempt,
        }
    } else if error.is_builder() {
        Error::Configuration(chain_text(&error))
    } else {
        Error::NoAnswer {
            operation,
            source: error,
        }
    }
}

/// progenitor's messages look like "conversion to `TtsCallout` for body failed: destination: ..."
fn field_of_invalid_request(message: &str) -> String {
    if let Some(rest) = message.split("for ").nth(1)
        && let Some(field) = rest.split_whitespace().next()
    {
        return field.trim_matches('`').to_string();
    }
    "request".to_string()
}
