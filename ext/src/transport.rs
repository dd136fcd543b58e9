//! What happens to every request: the hooks the raw client calls (authentication, header
//! clean-up, body size limit) and the attempt loop around it (timeouts, retries, tracing,
//! turning the raw client's outcome into [`Error`]).

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use serde::de::DeserializeOwned;
use sinch_voice_raw::hooks::{ExecuteFuture, Hooks, OperationInfo};
use sinch_voice_raw::types;
use tracing::Instrument;

use crate::clock::Clock;
use crate::credentials::Credentials;
use crate::error::{ApiError, Error};
use crate::retry::{Idempotency, RetryBudget, RetryPolicy, parse_retry_after, should_retry};
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

/// What the execute hook saw of one attempt, read back by the attempt loop.
#[derive(Debug, Default)]
struct AttemptRecord {
    status: Option<u16>,
    retry_after: Option<String>,
    body: Option<Bytes>,
    too_large: bool,
    body_error: Option<String>,
}

tokio::task_local! {
    static ATTEMPT: Arc<Mutex<AttemptRecord>>;
}

fn lock(record: &Mutex<AttemptRecord>) -> std::sync::MutexGuard<'_, AttemptRecord> {
    record.lock().unwrap_or_else(|p| p.into_inner())
}

/// The headers progenitor adds that the Sinch API does not know.
const UNKNOWN_TO_SINCH: [&str; 1] = ["api-version"];

impl Transport {
    /// The hooks to install in the raw clients.
    pub(crate) fn hooks(self: &Arc<Self>) -> Hooks {
        let prepare = Arc::clone(self);
        let execute = Arc::clone(self);
        Hooks::new()
            .with_prepare(move |request, _info| prepare.prepare(request))
            .with_execute(move |client, request, _info: &OperationInfo| {
                execute.execute(client, request)
            })
    }

    /// Runs on the final request, so the signature covers exactly what goes on the wire.
    fn prepare(&self, request: &mut reqwest::Request) -> Result<(), String> {
        for name in UNKNOWN_TO_SINCH {
            request.headers_mut().remove(name);
        }
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
                    .transpose()?
                    .map(str::to_string);
                let body = match request.body() {
                    None => None,
                    Some(body) => Some(body.as_bytes().ok_or("a streamed body cannot be signed")?),
                };
                let signature = sign(
                    &self.credentials,
                    &SigningInput {
                        method: request.method().as_str(),
                        path: request.url().path(),
                        content_type: content_type.as_deref(),
                        body,
                        timestamp: &timestamp,
                    },
                );
                let timestamp = HeaderValue::from_str(&timestamp).map_err(|e| e.to_string())?;
                request.headers_mut().insert("x-timestamp", timestamp);
                signature.authorization
            }
        };
        let mut value = HeaderValue::from_str(&authorization)
            .map_err(|_| "the application key cannot go in a header".to_string())?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }

    /// Sends, then reads the whole body under the size limit, keeping a copy of what was
    /// received for error reports.
    fn execute(&self, client: reqwest::Client, request: reqwest::Request) -> ExecuteFuture {
        let record = ATTEMPT.try_with(Arc::clone).ok();
        let limit = self.max_response_bytes;
        Box::pin(async move {
            let mut response = client.execute(request).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let version = response.version();
            if let Some(record) = &record {
                let mut r = lock(record);
                r.status = Some(status.as_u16());
                r.retry_after = headers
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
            }
            let mut body = Vec::new();
            let mut too_large = response.content_length().is_some_and(|n| n > limit as u64);
            while !too_large {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        if body.len() + chunk.len() > limit {
                            too_large = true;
                        } else {
                            body.extend_from_slice(&chunk);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        if let Some(record) = &record {
                            let mut r = lock(record);
                            r.body = Some(Bytes::from(body));
                            r.body_error = Some(e.to_string());
                        }
                        return Err(e);
                    }
                }
            }
            let body = if too_large {
                Bytes::new()
            } else {
                Bytes::from(body)
            };
            if let Some(record) = &record {
                let mut r = lock(record);
                r.too_large = too_large;
                r.body = Some(body.clone());
            }
            let mut rebuilt = http::Response::new(body);
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers;
            Ok(reqwest::Response::from(rebuilt))
        })
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
        let deadline = self.overall_timeout.map(|d| started + d);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "sinch_voice.request",
                operation = op.name,
                method = op.method,
                host = %op.host,
                attempt,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let attempt_started = Instant::now();
            let record = Arc::new(Mutex::new(AttemptRecord::default()));
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let (limit, scope) = match (self.attempt_timeout, remaining) {
                (Some(a), Some(r)) if r < a => (Some(r), "overall"),
                (Some(a), _) => (Some(a), "attempt"),
                (None, Some(r)) => (Some(r), "overall"),
                (None, None) => (None, "attempt"),
            };
            let one = ATTEMPT
                .scope(Arc::clone(&record), send())
                .instrument(span.clone());
            let outcome = match limit {
                Some(limit) => match tokio::time::timeout(limit, one).await {
                    Ok(result) => {
                        classify(op.name, result, &lock(&record), self.max_response_bytes)
                    }
                    Err(_) => Err(Error::Timeout {
                        operation: op.name,
                        after: if scope == "overall" {
                            started.elapsed()
                        } else {
                            limit
                        },
                        scope,
                    }),
                },
                None => classify(op.name, one.await, &lock(&record), self.max_response_bytes),
            };
            if let Some(status) = lock(&record).status {
                span.record("status", status);
            }
            span.record("duration_ms", attempt_started.elapsed().as_millis() as u64);

            let error = match outcome {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let overall_expired = matches!(
                error,
                Error::Timeout {
                    scope: "overall",
                    ..
                }
            );
            if overall_expired
                || attempt >= self.retry.max_attempts
                || !should_retry(&error, op.idempotency)
            {
                return Err(error);
            }
            let retry_after = match &error {
                Error::Api(api) => api.retry_after,
                _ => None,
            };
            let delay = self.retry.delay(attempt, retry_after);
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
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

/// What the attempt loop needs to know of an operation.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub(crate) name: &'static str,
    pub(crate) method: &'static str,
    pub(crate) host: String,
    pub(crate) idempotency: Idempotency,
}

/// Turns the raw client's outcome, plus what the execute hook saw, into ours.
fn classify<T: DeserializeOwned>(
    operation: &'static str,
    result: Result<sinch_voice_raw::ResponseValue<T>, sinch_voice_raw::Error<types::Error>>,
    record: &AttemptRecord,
    limit: usize,
) -> Result<T, Error> {
    use sinch_voice_raw::Error as Raw;
    let status = record.status.unwrap_or(0);
    let body = || record.body.clone().unwrap_or_default();
    if record.too_large {
        return Err(Error::ResponseTooLarge {
            operation,
            status,
            limit,
        });
    }
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(Raw::ErrorResponse(value)) => {
            let status = value.status().as_u16();
            Err(api_error(
                operation,
                status,
                Some(value.into_inner()),
                record,
            ))
        }
        Err(Raw::InvalidResponsePayload(bytes, error)) => {
            if status >= 400 {
                // An error status whose body is not Sinch's JSON (a proxy page, nothing).
                Err(api_error(operation, status, None, record))
            } else {
                let (path, message) =
                    decode_failure::<T>(&bytes).unwrap_or((String::new(), error.to_string()));
                Err(Error::Decode {
                    operation,
                    status,
                    path,
                    message,
                    body: bytes,
                    truncated: false,
                })
            }
        }
        Err(Raw::UnexpectedResponse(response)) => {
            let status = response.status().as_u16();
            if status >= 400 {
                let parsed = serde_json::from_slice::<types::Error>(&body()).ok();
                Err(api_error(operation, status, parsed, record))
            } else {
                Err(Error::Decode {
                    operation,
                    status,
                    path: String::new(),
                    message: format!("unexpected status {status} for this operation"),
                    body: body(),
                    truncated: false,
                })
            }
        }
        Err(Raw::CommunicationError(error)) | Err(Raw::ResponseBodyError(error)) => {
            if let Some(cut) = &record.body_error {
                // The answer began but did not arrive whole.
                let partial = body();
                let path = decode_failure::<T>(&partial)
                    .map(|(p, _)| p)
                    .unwrap_or_default();
                return Err(Error::Decode {
                    operation,
                    status,
                    path,
                    message: format!(
                        "the response body was cut short after {} bytes: {cut}",
                        partial.len()
                    ),
                    body: partial,
                    truncated: true,
                });
            }
            Err(transport_error(operation, &error))
        }
        Err(Raw::InvalidRequest(message)) => Err(Error::InvalidInput {
            field: field_of_invalid_request(&message),
            message,
        }),
        Err(Raw::Custom(message)) => Err(Error::Configuration(message)),
        Err(Raw::InvalidUpgrade(error)) => Err(Error::Decode {
            operation,
            status,
            path: String::new(),
            message: error.to_string(),
            body: body(),
            truncated: false,
        }),
    }
}

fn api_error(
    operation: &'static str,
    status: u16,
    parsed: Option<types::Error>,
    record: &AttemptRecord,
) -> Error {
    let retry_after = record
        .retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
    let (error_code, message, reference) = match parsed {
        Some(e) => (e.error_code, e.message, e.reference),
        None => (None, None, None),
    };
    Error::Api(Box::new(ApiError {
        operation,
        status,
        error_code,
        message,
        reference,
        retry_after,
        body: record.body.clone().unwrap_or_default(),
    }))
}

/// Decodes `bytes` as `T` again, tracking the path, to say which field is wrong.
fn decode_failure<T: DeserializeOwned>(bytes: &[u8]) -> Option<(String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => None,
        Err(e) => {
            use serde_path_to_error::Segment;
            let mut path = String::new();
            for segment in e.path().iter() {
                match segment {
                    Segment::Seq { index } => path.push_str(&format!("[{index}]")),
                    Segment::Map { key } | Segment::Enum { variant: key } => {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(key);
                    }
                    // Where a syntax error stops the parse, the next step is unknown.
                    Segment::Unknown => {}
                }
            }
            Some((path, e.into_inner().to_string()))
        }
    }
}

fn transport_error(operation: &'static str, error: &reqwest::Error) -> Error {
    // Walk the source chain: reqwest's own text is often just "error sending request".
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason.push_str(": ");
        reason.push_str(&inner.to_string());
        source = inner.source();
    }
    if error.is_connect() {
        Error::NotSent { operation, reason }
    } else if error.is_timeout() {
        Error::Timeout {
            operation,
            after: Duration::ZERO,
            scope: "attempt",
        }
    } else if error.is_builder() {
        Error::Configuration(reason)
    } else {
        Error::NoAnswer { operation, reason }
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
